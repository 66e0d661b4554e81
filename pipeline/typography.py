"""Locale typography for editions: quotation marks, apostrophes, French spacing, numbers, dates.

Generated at render time, never left to translators: a translator may type
straight quotes or plain spaces, and every edition still comes out with its
language's conventions. Quotation marks are CLDR's ``<delimiters>`` for every
CLDR locale, read through ICU (PyICU's ``LocaleData.getDelimiter``; Babel has
no delimiter data). :data:`CLDR_VERSION` records which CLDR release that is.
Numbers and dates are Babel's, for any locale.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

import icu

from .locales import babel_locale, gettext_code

NBSP = "\u00a0"  # before ":" and inside « » in French
NNBSP = "\u202f"  # narrow no-break space, before ; ! ? in French

ICU_VERSION = icu.ICU_VERSION
# ICU ships one CLDR release per version (https://icu.unicode.org/download): the data read here.
CLDR_VERSION = {"72": "42", "73": "43", "74": "44", "75": "45", "76": "46", "77": "47"}.get(
    ICU_VERSION.split(".")[0], f"of ICU {ICU_VERSION}"
)
_DELIMITERS = ("QUOTATION_START", "QUOTATION_END", "ALT_QUOTATION_START", "ALT_QUOTATION_END")
ANY_DOUBLE = '"“”„«»'
# Every mark CLDR uses as a quotation mark in some locale (double and single, CJK corner brackets).
ANY_QUOTE = ANY_DOUBLE + "‘’‚‹›「」『』"
OPENING_CONTEXT = " \u00a0\u202f\t([{—–-/"
APOSTROPHE = re.compile(r"(?<=\w)['’ʼ](?=\w)")


@cache
def quotes_for(lang: str) -> tuple[str, str, str, str]:
    """CLDR (quotationStart, quotationEnd, alternateQuotationStart, alternateQuotationEnd) of a locale.

    ``pl`` -> („ ” « »), ``pt-PT`` -> (« » “ ”); an unknown locale gets CLDR's root marks (“ ” ‘ ’).
    """
    try:
        code = gettext_code(lang)
    except ValueError:
        code = "root"
    data = icu.LocaleData(code)
    kinds = icu.ULocaleDataDelimiterType
    start, end, alt_start, alt_end = (data.getDelimiter(getattr(kinds, name)) for name in _DELIMITERS)
    return start, end, alt_start, alt_end


def quote_counts(text: str, lang: str) -> tuple[int, int]:
    """(opening, closing) quotation marks of the language's primary and alternate pairs in ``text``.

    Apostrophes are not quotation marks: a ’ or ' between letters ("don’t",
    "Türkiye’nin"), or a closing-only mark directly before a letter ("’s"),
    is not counted. Where a pair uses one mark for both ends (Swedish ” ”,
    Hebrew ” ”), every second one closes.
    """
    start, end, alt_start, alt_end = quotes_for(lang)
    text = APOSTROPHE.sub("", text)
    opening_marks = {start, alt_start}
    text = "".join(
        char
        for index, char in enumerate(text)
        if not (char in "'’" and char not in opening_marks and text[index + 1 : index + 2].isalpha())
    )
    opened = closed = 0
    pairs = [(start, end)] + ([(alt_start, alt_end)] if (alt_start, alt_end) != (start, end) else [])
    for mark_start, mark_end in pairs:
        if mark_start == mark_end:
            count = text.count(mark_start)
            opened, closed = opened + count // 2 + count % 2, closed + count // 2
        else:
            opened, closed = opened + text.count(mark_start), closed + text.count(mark_end)
    return opened, closed


def has_quotes(text: str, lang: str | None = None) -> bool:
    """Whether ``text`` holds quotation marks (of any style, or the language's own), apostrophes aside."""
    marks = set(ANY_DOUBLE + "「」『』") | (set(quotes_for(lang)) if lang else set())
    text = APOSTROPHE.sub("", text)
    return any(char in marks for char in text)


def format_number(value: float | int, lang: str) -> str:
    """A number as the language writes it (Babel/CLDR): 3000 -> "3 000" in French, "3.000" in German."""
    from babel.numbers import format_decimal  # imported when used: checks never need it

    return format_decimal(value, locale=babel_locale(lang))


def format_date(date: datetime.date, lang: str, format: str = "long") -> str:
    """A date as the language writes it (Babel/CLDR): "9 февраля 2026 г."."""
    from babel.dates import format_date as babel_format_date  # imported when used (about 0.2 s)

    return babel_format_date(date, format=format, locale=babel_locale(lang))


CLOSING_CONTEXT = " \u00a0\u202f\t.,;:!?…)]}—–-。，、；：！？）」』"


def _opens(char: str, before: str, after: str, stack: list[str], own: tuple[str, str]) -> bool:
    """Whether one double quotation mark opens a quotation, from its context first."""
    if before in OPENING_CONTEXT and after not in CLOSING_CONTEXT:
        return True  # at a word's start
    if before not in OPENING_CONTEXT and after in CLOSING_CONTEXT:
        return False  # at a word's end
    if own[0] != own[1] and char in own:
        return char == own[0]  # the language's own mark (Arabic ” opens, “ closes)
    if char in "«„":
        return True
    if char in "»”" or (char == "“" and stack and stack[-1] == "„"):
        return False
    return not stack


def _requote(text: str, quotes: tuple[str, str, str, str]) -> str:
    """Replace double quotation marks of any style with the language's own.

    A mark opens at a word's start and closes at its end; where the context
    does not tell (between letters, as in Chinese), the language's own marks,
    then « „ (opening) and » ” (closing), then whether a quotation is open
    decide. Quotations inside quotations get the language's alternate marks.
    """
    start, end, alt_start, alt_end = quotes
    out: list[str] = []
    stack: list[str] = []
    for index, char in enumerate(text):
        if char not in ANY_DOUBLE:
            out.append(char)
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if _opens(char, before, after, stack, (start, end)):
            out.append(alt_start if stack else start)
            stack.append(char)
        else:
            out.append(alt_end if len(stack) > 1 else end)
            if stack:
                stack.pop()
    return "".join(out)


def _single_quotes(text: str, start: str, end: str) -> str:
    # 'quoted' -> alternate quotes; any other ' is an apostrophe.
    text = re.sub(r"(?:(?<=^)|(?<=[\s(\[«“„]))['‘](?=\w)", start, text)
    text = re.sub(r"(?<=[\w.,!?])['’](?=$|[\s).,;:!?»”])", lambda m: end, text)
    return text.replace("'", "’")


def typeset(text: str, lang: str) -> str:
    """Apply the language's typographic conventions to one segment."""
    base = lang.split("_")[0].split("-")[0]
    start, end, alt_start, alt_end = quotes = quotes_for(lang)
    text = _requote(text, quotes)
    if base == "en":
        text = _single_quotes(text, alt_start, alt_end)
    else:
        text = _single_quotes(text, start, end) if "'" in text else text
    if base == "fr":
        text = re.sub(r"«\s*", "«" + NBSP, text)
        text = re.sub(r"\s*»", NBSP + "»", text)
        text = re.sub(r"(?<=[^\s\d])[ \u00a0\u202f]*([;!?])", NNBSP + r"\1", text)
        text = re.sub(r"(?<=[^\s\d])[ \u00a0\u202f]*:(?!\d)", NBSP + ":", text)
    return text

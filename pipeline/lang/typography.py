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

from pipeline.lang.locales import babel_locale, gettext_code

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
    """Whether one double quotation mark opens a quotation, from its context first.

    Guillemets of the language's own pair say which end they are whatever the
    spacing: French sets "l’« Union »" with a space inside the marks.
    """
    if own[0] != own[1] and char in own and char in "«»":
        return char == own[0]
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


# What typography never touches: a code span (`…`), a link's address and title
# ("](https://… "title")", CommonMark's link destination, one level of parentheses),
# and a bare URL (its last character not a sentence's punctuation or closing mark).
PROTECTED = re.compile(
    r"(?<!\\)(`+)(?!`).+?(?<!`)\1(?!`)"
    r"|\]\((?:<[^<>\n]*>|(?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))*)"
    r"(?:\s+(?:\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|\((?:\\.|[^()\\])*\)))?\s*\)"
    r"|(?<![\w/])(?:https?://|mailto:|www\.)[^\s<>\"`]*[^\s<>\"`'.,;:!?)\]}»”’]",
    re.S,
)


def _protect(text: str) -> tuple[str, str, list[str]]:
    """``text`` with each PROTECTED span as one placeholder character; the character and the spans."""
    if not any(mark in text for mark in ("`", "](", "://", "mailto:", "www.")):
        return text, "", []
    spans: list[str] = []
    mark = next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)  # private use

    def hold(match: re.Match[str]) -> str:
        spans.append(match[0])
        return mark

    return PROTECTED.sub(hold, text), mark, spans


def _restore(text: str, mark: str, spans: list[str]) -> str:
    if not spans:
        return text
    pieces = text.split(mark)
    return pieces[0] + "".join(span + piece for span, piece in zip(spans, pieces[1:], strict=True))


def typeset(text: str, lang: str) -> str:
    """Apply the language's typographic conventions to one segment.

    Only the rendered text changes (the catalog keeps what the translator
    typed): quotation marks, apostrophes, and no-break spaces where a line
    must not break (:func:`no_break_spaces`). Code spans, link addresses and
    titles, and bare URLs are kept byte for byte: each stands in the text as
    one placeholder character while the rules run, so a quotation mark next
    to a link still sees a word there.
    """
    text, mark, spans = _protect(text)
    return _restore(_typeset(text, lang), mark, spans)


def _typeset(text: str, lang: str) -> str:
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
    return no_break_spaces(text, lang)


# --- no-break spaces -------------------------------------------------------------------
# Where a line must not break: "8 août", "August 8", "1987 года", "5 km", "A. B. Name",
# before a spaced dash. Month names, date order, unit symbols and digit grouping come from
# CLDR through Babel for each locale; the few rules CLDR has no data for are listed here.

SPACE = "[ \u00a0]"
# Inflected "year" words after a year: CLDR has only the date pattern's "г." (ru), not the
# running-text forms ("1987 года", "в 1990-х годах"), so these few are hand-listed.
YEAR_WORDS = {
    "ru": "года|году|год|годы|годов|годах|гг?\\.",
    "uk": "року|рік|роки|років|роках|рр?\\.",
    "be": "года|годзе|год|гады|гадоў|г\\.",
    "bg": "година|г\\.",
    "pl": "roku|rok|r\\.",
}
# One-letter words that must not end a line (Russian, Ukrainian, Belarusian typesetting
# practice: "с 1987", "в Баку"); a typesetting convention, not locale data.
SHORT_WORDS = {"ru": "вксоуияаВКСОУИЯА", "uk": "вкзоуіаВКЗОУІА", "be": "вкзоуіаВКЗОУІА"}
# English titles that stay with the name they precede ("Mr. Vance").
EN_TITLES = r"(?:Mr|Mrs|Ms|Dr|Prof|St)\."


@cache
def _months(lang: str) -> str:
    """A regex alternation of the language's month names (Babel/CLDR: wide and abbreviated,
    format and stand-alone), longest first."""
    from babel.dates import get_month_names

    locale = babel_locale(lang)
    names: set[str] = set()
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            names.update(get_month_names(width, context, locale).values())
    names = {n for n in names if n and not n[0].isdigit()}
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@cache
def _date_rules(lang: str) -> tuple[re.Pattern[str], ...]:
    """Day–month and month–day, in the order and with the words between them of the
    locale's long date pattern ("28 de agosto" in Spanish, "August 28" in English)."""
    from babel.dates import format_date as babel_format_date
    from babel.dates import get_month_names

    locale = babel_locale(lang)
    months = _months(lang)
    if not months:
        return ()
    sample = babel_format_date(datetime.date(2001, 8, 28), format="long", locale=locale)
    august = get_month_names("wide", "format", locale)[8]
    day, month = sample.find("28"), sample.find(august)
    if day < 0 or month < 0:
        return ()  # numeric months (Japanese, Chinese): nothing to bind
    rules: list[re.Pattern[str]] = []
    if day < month:
        between = sample[day + 2 : month]
        if between.strip(" \u00a0\u202f.") == "" or re.fullmatch(r"[ \u00a0]\w+[ \u00a0]", between):
            words = SPACE.join(re.escape(w) for w in between.split()) if between.strip(" .") else ""
            dot = r"\.?" if "." in between else ""
            middle = f"{dot}{SPACE}" + (f"{words}{SPACE}" if words else "")
            rules.append(re.compile(rf"(?<![\d.,])\d{{1,2}}{middle}(?=(?:{months})(?!\w))", re.I))
    else:
        rules.append(re.compile(rf"(?<!\w)(?:{months}){SPACE}(?=\d{{1,2}}(?!\d))", re.I))
    # month and year ("août 2025", "августа 2025")
    rules.append(re.compile(rf"(?<!\w)(?:{months}){SPACE}(?=\d{{4}}(?!\d))", re.I))
    return tuple(rules)


@cache
def _units(lang: str) -> str:
    """Unit symbols of the language (Babel/CLDR short and narrow unit names: "km", "кг", "%")."""
    from babel.units import get_unit_name

    locale = babel_locale(lang)
    symbols: set[str] = {"%", "‰", "€", "$", "£", "₼", "₽", "°C", "°F"}
    for unit in locale._data.get("unit_display_names", {}):
        for length in ("short", "narrow"):
            try:
                name = get_unit_name(unit, length=length, locale=locale)
            except (KeyError, ValueError):
                continue
            # symbols only ("km", "м²", "%"), not spelled-out words ("years", "дн.")
            if name and " " not in name and (len(name) <= 3 or not name.isalpha()) and "." not in name:
                symbols.add(name)
    return "|".join(re.escape(n) for n in sorted(symbols, key=len, reverse=True))


def _binder(match: re.Match[str]) -> str:
    return match[0].replace(" ", NBSP)


@cache
def _rules(lang: str) -> tuple[tuple[re.Pattern[str], object], ...]:
    """The language's no-break-space rules, compiled once: (pattern, replacement) pairs."""
    base = lang.split("_")[0].split("-")[0]
    try:
        locale = babel_locale(lang)
    except ValueError:
        return ()
    rules: list[tuple[re.Pattern[str], object]] = [(rule, _binder) for rule in _date_rules(lang)]
    rules.append((re.compile(rf"(?<=\d) (?=(?:{_units(lang)})(?![\w²³]))"), NBSP))
    if base in YEAR_WORDS:
        rules.append((re.compile(rf"(?<=\d) (?=(?:{YEAR_WORDS[base]})(?!\w))"), NBSP))
    group = locale.number_symbols.get("latn", {}).get("group", ",")
    if group in (NBSP, NNBSP, " "):
        rules.append(
            (
                re.compile(r"(?<!\d)(\d{1,3})((?: \d{3})+)(?![\d,.]\d)"),
                lambda m: m[1] + m[2].replace(" ", group),
            )
        )
    # initials: a capital letter and a full stop before a capitalised word ("A. B. Name")
    rules.append(
        (
            re.compile(r"(?<![\w.])([^\W\d_])\. (?=[^\W\d_])"),
            lambda m: m[0] if m[1].islower() else m[1] + "." + NBSP,
        )
    )
    if base == "en":
        rules.append((re.compile(rf"(?<!\w){EN_TITLES} (?=[A-Z])"), _binder))
    rules.append((re.compile(r" (?=[—–](?: |$))"), NBSP))  # a spaced dash stays with the word before it
    if base in SHORT_WORDS:
        rules.append((re.compile(rf"(?<![\w\-])[{SHORT_WORDS[base]}] (?=\w)"), _binder))
    return tuple(rules)


def no_break_spaces(text: str, lang: str) -> str:
    """No-break spaces where a line must not break, by the language's rules.

    Day and month ("8 августа", "August 8"), month and year, a number and its
    unit ("5 km", "10 %") or year word ("1987 года"), initials ("A. B. Name"),
    a spaced dash (never at a line's start), digit groups ("3 000" where the
    locale groups with a space), and the Russian one-letter words.
    """
    if " " not in text:
        return text
    for pattern, replacement in _rules(lang):
        text = pattern.sub(replacement, text)
    return text

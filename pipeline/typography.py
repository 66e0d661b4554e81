"""Locale typography for editions: quotation marks, apostrophes, French spacing.

Generated at render time, never left to translators: a translator may type
straight quotes or plain spaces, and every edition still comes out with its
language's conventions. Babel has no CLDR delimiter data, so the table below
carries CLDR's ``<delimiters>`` for the languages we publish.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"  # before ":" and inside « » in French
NNBSP = "\u202f"  # narrow no-break space, before ; ! ? in French

# CLDR common/main/*.xml <delimiters>: (quotationStart, quotationEnd, alternateStart, alternateEnd).
QUOTES = {
    "en": ("“", "”", "‘", "’"),
    "fr": ("«", "»", "“", "”"),
    "ru": ("«", "»", "„", "“"),
    "az": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "tr": ("“", "”", "‘", "’"),
    "uk": ("«", "»", "„", "“"),
}
ANY_DOUBLE = '"“”„«»'
OPENING_CONTEXT = " \u00a0\u202f\t([{—–-/"


def quotes_for(lang: str) -> tuple[str, str, str, str]:
    return QUOTES.get(lang.split("_")[0].split("-")[0], QUOTES["en"])


def _requote(text: str, quotes: tuple[str, str, str, str]) -> str:
    """Replace double quotation marks of any style with the language's own.

    « „ always open and » ” always close; a straight " (or an ambiguous “)
    opens when no quotation is open, or when it stands before a word after a
    space; otherwise it closes. Quotations inside quotations get the
    language's alternate marks.
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
        if char in "«„":
            opening = True
        elif char in "»”" or (char == "“" and stack and stack[-1] == "„"):
            opening = False
        elif not stack:
            opening = True
        else:
            opening = before in OPENING_CONTEXT and (after.isalnum() or after in ANY_DOUBLE + "'‘")
        if opening:
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
    start, end, alt_start, alt_end = quotes_for(base)
    text = _requote(text, quotes_for(base))
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

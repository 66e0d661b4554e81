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


def _requote(text: str, marks: str, start: str, end: str) -> str:
    """Replace quotation marks of any style with the language's pair.

    Whether a mark opens or closes is decided by what stands before it, so an
    odd number of marks (a typo) still gives sensible output.
    """
    out = []
    for index, char in enumerate(text):
        if char in marks:
            before = text[index - 1] if index else " "
            out.append(start if before in OPENING_CONTEXT or before in start else end)
        else:
            out.append(char)
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
    text = _requote(text, ANY_DOUBLE, start, end)
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

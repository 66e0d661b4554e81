"""Web fonts of the published site: WOFF2 subsets of the Noto faces each page uses.

The PDF embeds its fonts; a web page would otherwise depend on the fonts the
reader has installed. Each page's faces come from ``pipeline.typesetting.fonts.font_stack``
(the stack the edition itself is set in, resolved by fontconfig), every style
the templates use. A face is subset once, with fontTools, to the characters of
every page that uses it (plus printable ASCII and common punctuation, for text
the browser itself draws: list numbers, hyphens) and saved as WOFF2 (brotli);
``fonts/fonts.css`` declares each file with ``@font-face`` under the family
name the page's CSS asks for, with its real weight, style and unicode-range.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.typesetting.fonts import FontFace, css_families, font_stack, needs_glyph, unicode_range

FOLDER = "fonts"
CSS_NAME = "fonts.css"
STYLES = ("Regular", "Italic", "Bold", "Bold Italic")
# Drawn by the browser rather than taken from the text: list numbers, hyphenation
# hyphens, quotes of <q>, ellipses of overflowing text.
ALWAYS = frozenset(range(0x20, 0x7F)) | frozenset(
    map(ord, "\u00a0\u00ad\u2010\u2011\u2013\u2014\u2026\u202f")
)


# OpenType features kept besides fontTools' defaults (kerning, ligatures, marks, locl, ...):
# those CSS can ask for (small caps, numeral styles). Keeping every feature ("*") costs
# twice the time for the same glyphs (347 against 349 for the sample letter's editions).
EXTRA_FEATURES = [
    "smcp",
    "c2sc",
    "tnum",
    "pnum",
    "lnum",
    "onum",
    "zero",
    "case",
    "sups",
    "subs",
    "ordn",
    "frac",
]


@dataclass(frozen=True)
class WebFont:
    """One subset face, as written under fonts/."""

    family: str
    file: str  # name under fonts/
    weight: int
    italic: bool
    codepoints: frozenset[int]
    data: bytes


def page_faces(texts: dict[str, list[str]]) -> dict[str, list[FontFace]]:
    """For each ``lang`` of a page (BCP 47 tag -> its text), every face its text needs, in every style.

    The regular stack comes first and in CSS order: it is the one the page's
    ``font-family`` names (the same ``font_stack`` the edition is set in).
    """
    found: dict[str, list[FontFace]] = {}
    for tag, items in texts.items():
        faces: dict[tuple[str, int], FontFace] = {}
        for style in STYLES:
            for face in font_stack(items, tag, style):
                faces.setdefault((str(face.path), face.index), face)
        found[tag] = [f for f in faces.values() if f.family in css_families([f])]
    return found


def family_rules(page_lang: str, faces: dict[str, list[FontFace]]) -> list[tuple[str | None, list[str]]]:
    """``font-family`` rules for a page: (None for the page, else a ``lang`` tag, family names)."""
    page = css_families(faces.get(page_lang, []))
    rules: list[tuple[str | None, list[str]]] = [(None, page)]
    for tag, stack in faces.items():
        if tag != page_lang and css_families(stack) != page:
            rules.append((tag, css_families(stack)))
    return rules


def _file_name(face: FontFace, font) -> str:
    """``NotoSerif-Regular.woff2``: the face's PostScript name, else its file name and index."""
    name = font["name"].getDebugName(6) if "name" in font else None
    stem = name or f"{face.path.stem}-{face.index}"
    return re.sub(r"[^A-Za-z0-9_-]", "-", stem) + ".woff2"


def subset(face: FontFace, codepoints: Iterable[int]) -> WebFont:
    """The face cut down to ``codepoints`` (and what its layout reaches from them), as WOFF2.

    The layout features a page can use and every name record are kept
    (kerning, ligatures, small caps; the licence in name IDs 13 and 14); the
    timestamp is the font's own, so the same inputs give the same bytes.
    """
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    options = ftsubset.Options()
    options.flavor = "woff2"
    options.layout_features = [*options.layout_features, *EXTRA_FEATURES]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    try:
        font = TTFont(str(face.path), fontNumber=face.index, recalcTimestamp=False)
    except (OSError, ValueError, AssertionError) as exc:
        raise PipelineError(face.path, f"cannot read the font: {exc}") from exc
    with font:
        wanted = set(codepoints) & set(font.getBestCmap() or {})
        name = _file_name(face, font)
        weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
        italic = bool(font["head"].macStyle & 2) or ("OS/2" in font and bool(font["OS/2"].fsSelection & 1))
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(unicodes=sorted(wanted))
        subsetter.subset(font)
        font.flavor = "woff2"
        buffer = io.BytesIO()
        font.save(buffer)
        kept = frozenset(font.getBestCmap() or {})
    return WebFont(face.family, name, weight, italic, kept, buffer.getvalue())


def font_css(fonts: list[WebFont]) -> str:
    """``@font-face`` rules for the subsets, with URLs relative to fonts/fonts.css."""
    rules = []
    for font in fonts:
        rules.append(
            "@font-face {\n"
            f'  font-family: "{font.family}";\n'
            f'  src: url("{font.file}") format("woff2");\n'
            f"  font-weight: {font.weight};\n"
            f"  font-style: {'italic' if font.italic else 'normal'};\n"
            "  font-display: swap;\n"
            f"  unicode-range: {unicode_range(font.codepoints)};\n"
            "}\n"
        )
    return "".join(rules)


def page_characters(texts: Iterable[str]) -> set[int]:
    """The code points a page draws (those that need a glyph)."""
    return {ord(c) for text in texts for c in text if needs_glyph(c)}


def write_webfonts(
    pages: list[tuple[dict[str, list[FontFace]], dict[str, list[str]]]], folder: Path
) -> list[WebFont]:
    """Subset every face the pages use to the characters set in it; write fonts/ and fonts.css.

    Each page is (its faces by ``lang``, its text by ``lang``), from
    :func:`page_faces` and ``site.read_page``. Returns the fonts written.
    """
    wanted: dict[tuple[str, int], set[int]] = {}
    faces: dict[tuple[str, int], FontFace] = {}
    for by_lang, texts in pages:
        for tag, stack in by_lang.items():
            chars = page_characters(texts.get(tag, [])) | ALWAYS
            for face in stack:
                key = (str(face.path), face.index)
                faces.setdefault(key, face)
                wanted.setdefault(key, set()).update(chars)
    fonts = [subset(faces[key], wanted[key]) for key in sorted(faces)]
    if len({f.file for f in fonts}) != len(fonts):  # two faces with one PostScript name: number them
        fonts = [
            WebFont(f.family, f"{i}-{f.file}", f.weight, f.italic, f.codepoints, f.data)
            for i, f in enumerate(fonts)
        ]
    target = Path(folder) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for font in fonts:
        (target / font.file).write_bytes(font.data)
    (target / CSS_NAME).write_text(font_css(fonts), encoding="utf-8")
    return fonts

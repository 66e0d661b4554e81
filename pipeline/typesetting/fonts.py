"""Fonts for every script, resolved through fontconfig (as WeasyPrint resolves them).

An edition's text decides its font stack: the serif for Latin, Greek and
Cyrillic, then the Noto face of each other script the text uses (Noto Naskh
Arabic, Noto Serif Hebrew, Noto Serif CJK for the language's Han variant,
Noto Serif Devanagari, ...), then, for any character still uncovered (emoji,
symbols), whatever font fontconfig knows that has it. :func:`uncovered` names
the characters no font of a stack can draw, from the fonts' own cmaps
(fontTools), cached by file, size and time.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import subprocess
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import chain
from pathlib import Path

from fontTools.unicodedata import script as char_script
from fontTools.unicodedata import script_name

from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.lang.locales import likely_script, split_tag
from pipeline.project import CMAP_CACHE

BASE_FAMILY = "Noto Serif"  # Latin, Greek, Cyrillic
# Scripts whose Noto face is not "Noto Serif <Script name>" (or has a better choice first).
SCRIPT_FAMILIES = {
    "Arab": ("Noto Naskh Arabic", "Noto Sans Arabic"),
    "Hebr": ("Noto Serif Hebrew", "Noto Sans Hebrew"),
    "Hang": ("Noto Serif CJK KR", "Noto Sans CJK KR"),
    "Hira": ("Noto Serif CJK JP", "Noto Sans CJK JP"),
    "Kana": ("Noto Serif CJK JP", "Noto Sans CJK JP"),
    "Bopo": ("Noto Serif CJK TC", "Noto Sans CJK TC"),
}
CJK_SCRIPTS = frozenset({"Hani", "Hang", "Hira", "Kana", "Bopo"})
# The Han face follows the language: Japanese, Korean, Traditional or Simplified forms.
HAN_FAMILIES = {
    "ja": ("Noto Serif CJK JP", "Noto Sans CJK JP"),
    "ko": ("Noto Serif CJK KR", "Noto Sans CJK KR"),
    "Hant": ("Noto Serif CJK TC", "Noto Sans CJK TC"),
    "HK": ("Noto Serif CJK HK", "Noto Sans CJK HK"),
    "Hans": ("Noto Serif CJK SC", "Noto Sans CJK SC"),
}
# Preferred for characters no script face covers (emoji, symbols), before any other font.
FALLBACK_FAMILIES = (
    "Noto Serif",
    "Noto Sans",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
    "Noto Color Emoji",
    "Symbola",
)
# Characters that need no glyph of their own: spaces, controls, format characters
# (joiners, bidi controls, tags) and variation selectors (which pick a glyph, e.g. emoji style).
IGNORED_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
VARIATION_SELECTORS = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    index: int = 0  # the face inside a TrueType collection (.ttc)
    # Found by character (emoji, symbols), not chosen for a script: CSS may use it only
    # for the characters it was found for (see editions.fonts.fallback_faces).
    fallback: bool = field(default=False, compare=False)


def _escape(family: str) -> str:
    """A family name inside a fontconfig pattern (\\ - : , are special)."""
    return "".join("\\" + c if c in "\\-:," else c for c in family)


def _fc(*args: str) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PipelineError(None, f"cannot query fontconfig ({args[0]}): {exc}") from exc
    return result.stdout


@cache
def find_face(family: str, style: str = "Regular") -> FontFace | None:
    """The installed face of a family (fc-match), or None when fontconfig would substitute another."""
    out = _fc("fc-match", "--format=%{family}\t%{file}\t%{index}", f"{_escape(family)}:style={style}")
    families, _, rest = out.partition("\t")
    path, _, index = rest.partition("\t")
    if family not in families.split(",") or not path:
        return None
    return FontFace(family, Path(path), int(index or 0))


@cache
def faces_with(codepoint: int, style: str = "Regular") -> tuple[FontFace, ...]:
    """Every installed face that has a character (fc-list :charset=), preferred families first."""
    out = _fc("fc-list", "--format=%{family}\t%{style}\t%{file}\t%{index}\n", f":charset={codepoint:x}")
    faces = []
    for line in out.splitlines():
        families, styles, path, index = [*line.split("\t"), "", "", ""][:4]
        if path:
            faces.append(
                (
                    families.split(",")[0],
                    styles.split(","),
                    FontFace(families.split(",")[0], Path(path), int(index or 0)),
                )
            )

    def rank(item: tuple[str, list[str], FontFace]) -> tuple[int, int, str, str]:
        family, styles, face = item
        preferred = FALLBACK_FAMILIES.index(family) if family in FALLBACK_FAMILIES else len(FALLBACK_FAMILIES)
        return (preferred, 0 if style in styles else 1, family, str(face.path))

    return tuple(face for _family, _styles, face in sorted(faces, key=rank))


def _families_for(script: str, lang: str) -> tuple[str, ...]:
    if script == "Hani":
        language, _script, region, _variant = split_tag(lang)
        if language in HAN_FAMILIES:
            return HAN_FAMILIES[language]
        if region in ("HK", "MO"):
            return HAN_FAMILIES["HK"]
        return HAN_FAMILIES["Hant"] if likely_script(lang) == "Hant" else HAN_FAMILIES["Hans"]
    if script in SCRIPT_FAMILIES:
        return SCRIPT_FAMILIES[script]
    name = script_name(script, default=script).replace("_", " ")
    return (f"Noto Serif {name}", f"Noto Sans {name}")


def scripts_of(texts: Iterable[str]) -> list[str]:
    """ISO 15924 scripts of the texts' letters and marks, in order of appearance (Common aside)."""
    seen: dict[str, None] = {}
    for char in dict.fromkeys(chain.from_iterable(texts)):  # each character once
        found = char_script(char)
        if found not in ("Zyyy", "Zinh", "Zzzz", "Latn", "Grek", "Cyrl"):
            seen.setdefault(found)
    return list(seen)


def font_stack(texts: Iterable[str], lang: str, style: str = "Regular") -> list[FontFace]:
    """The faces an edition of ``lang`` with these texts needs, in CSS font-family order.

    The language's own script face comes first (an Arabic edition's digits and
    punctuation are Naskh's), then Noto Serif, then each other script's face
    as it appears, then fallbacks that fontconfig finds for what is left.
    """
    texts = list(texts)
    scripts = scripts_of(texts)
    if "Hani" in scripts:
        # Every CJK face has kana and Hangul, but its own Han forms: the language's Han face
        # goes before a Korean or Japanese face that came first only for a name's Hangul or kana.
        first = min(scripts.index(script) for script in scripts if script in CJK_SCRIPTS)
        scripts.remove("Hani")
        scripts.insert(first, "Hani")
    own = likely_script(lang)
    own = "Hani" if own in ("Hans", "Hant", "Jpan") else ("Hang" if own == "Kore" else own)
    order = ([own] if own not in ("Latn", "Grek", "Cyrl") else []) + [BASE_FAMILY] + scripts
    stack: list[FontFace] = []
    for item in dict.fromkeys(order):
        families = (item,) if item == BASE_FAMILY else _families_for(item, lang)
        for family in families:
            face = find_face(family, style)
            if face is not None:
                if face not in stack:
                    stack.append(face)
                break
    for _char, codepoint in uncovered(texts, stack):
        if any(codepoint in coverage(face) for face in stack):
            continue
        for face in faces_with(codepoint, style):
            if codepoint in coverage(face):
                stack.append(replace(face, fallback=True))
                break
    return stack


@cache
def _cmap(path: str, index: int, size: int, mtime_ns: int) -> frozenset[int]:
    """A face's cmap, from the disk cache when this file (path, size, time) was read before.

    Parsing a CJK face's cmap (45,000 characters) takes fontTools about 0.3 s;
    the cached array loads in a few milliseconds. The cache is derived data
    (output/.cache/cmaps), safe to delete, and only read as an array of code points
    (anything else is parsed again); an unwritable one is simply skipped.
    """
    key = hashlib.sha256(f"{path}\0{index}\0{size}\0{mtime_ns}".encode()).hexdigest()[:24]
    cached = CMAP_CACHE / f"{key}.u32"
    with contextlib.suppress(OSError, ValueError):
        codes = array("I")
        codes.frombytes(cached.read_bytes())
        if max(codes, default=0) <= 0x10FFFF:  # code points, else parsed again
            return frozenset(codes)
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        codes = array("I", sorted(font.getBestCmap() or {}))
    with contextlib.suppress(PipelineError):
        atomic_write(cached, codes.tobytes())
    return frozenset(codes)


def coverage(face: FontFace) -> frozenset[int]:
    """Code points a face has glyphs for (its cmap), cached by file, size and time."""
    stat = face.path.stat()
    return _cmap(str(face.path), face.index, stat.st_size, stat.st_mtime_ns)


def needs_glyph(char: str) -> bool:
    """Whether a character must have a glyph (spaces, controls, joiners and selectors need not)."""
    return unicodedata.category(char) not in IGNORED_CATEGORIES and ord(char) not in VARIATION_SELECTORS


def uncovered(texts: Iterable[str], stack: list[FontFace]) -> list[tuple[str, int]]:
    """(character, code point) of every character no face of the stack has, in order of appearance."""
    sets = [coverage(face) for face in stack]
    chars = dict.fromkeys(chain.from_iterable(texts))  # each character once (a 3,000-name letter: ms)
    return [(c, ord(c)) for c in chars if not any(ord(c) in cmap for cmap in sets) and needs_glyph(c)]


def missing_glyphs(items: Iterable[tuple[str, str]], stack: list[FontFace]) -> list[tuple[str, int, str]]:
    """(character, code point, entry) for each uncovered character, with the first entry that has it.

    ``items`` are (text, entry) pairs, the entry naming where the text comes
    from (a msgid, "(interface)"), for the glyph gate's message.
    """
    items = list(items)
    missing = dict(uncovered([text for text, _entry in items], stack))
    if not missing:
        return []
    found: dict[str, tuple[str, int, str]] = {}
    for text, entry in items:
        for char in text:
            if char in missing and char not in found:
                found[char] = (char, missing[char], entry)
    return list(found.values())


# Family names that can go into a stylesheet as they are: fontconfig could report
# any name an installed font gives itself, and a quote or "</style>" must never
# reach the page's CSS, so a name with other characters is left out.
_SAFE_FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}")


def css_families(stack: list[FontFace]) -> list[str]:
    """The stack's family names, once each, in order; names unsafe in CSS left out."""
    names = dict.fromkeys(face.family for face in stack)
    return [name for name in names if _SAFE_FAMILY.fullmatch(name)]


def css_font_family(stack: list[FontFace], generic: str = "serif") -> str:
    """A CSS ``font-family`` value for a stack: ``"Noto Serif", "Noto Naskh Arabic", serif``."""
    return ", ".join([*(f'"{name}"' for name in css_families(stack)), generic])


@cache
def installed_font_files() -> frozenset[Path]:
    """Every font file fontconfig knows (resolved): what a ``local()`` font source may read."""
    out = _fc("fc-list", "--format=%{file}\n")
    return frozenset(Path(name).resolve() for name in out.splitlines() if name)


def unicode_range(codepoints: Iterable[int]) -> str:
    """``U+20-7E, U+A0, U+401-44F``: the code points as CSS ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)

"""The edition font: where fontconfig finds it, and which characters it can draw."""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

from ..errors import PipelineError
from ..fileio import atomic_write
from .model import Edition
from .render import CACHE

FONT_FAMILY = "Noto Serif"
FONT_STYLES = ("Regular", "Italic", "Bold")


@cache
def font_files() -> dict[str, Path]:
    """The files of the edition font, as fontconfig (and so WeasyPrint) finds them."""
    found = {}
    for style in FONT_STYLES:
        pattern = f"{FONT_FAMILY}:style={style}"
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise PipelineError(None, f"cannot query fontconfig for {pattern!r}: {exc}") from exc
        path = Path(out.stdout.strip())
        if not path.name.replace("-", "").lower().startswith(FONT_FAMILY.replace(" ", "").lower()):
            raise PipelineError(None, f"font {FONT_FAMILY!r} ({style}) is not installed; run `make install`")
        found[style] = path
    return found


@cache
def font_fingerprint() -> str:
    """The font files' paths, sizes and times, hashed: it changes when a font is replaced."""
    files = font_files()
    try:
        facts = [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in files.values()]
    except OSError as exc:
        raise PipelineError(None, f"cannot read the font {FONT_FAMILY!r}: {exc}") from exc
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]


@cache
def font_coverage() -> frozenset[int]:
    """Code points every style of the edition font can draw.

    Parsing the fonts' cmaps costs more than the rest of an edition's
    preparation, so the result is cached under output/.cache, keyed by the
    font files' fingerprint.
    """
    cached = CACHE / f"glyphs-{font_fingerprint()}.json"
    try:
        return frozenset(json.loads(cached.read_text()))
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    sets = []
    for path in font_files().values():
        with TTFont(path, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    coverage = frozenset(set.intersection(*sets))
    with contextlib.suppress(PipelineError):
        atomic_write(cached, json.dumps(sorted(coverage)).encode())
    return coverage


def check_glyphs(edition: Edition, extra: list[str]) -> None:
    """Fail, naming character, language and entry, if the font cannot draw a character.

    WeasyPrint itself only draws a blank box ("tofu") and logs a warning.
    """
    covered = font_coverage()
    items = [(t.text, t.msgid) for t in edition.segments] + [(s, "(edition text)") for s in extra]
    for text, msgid in items:
        for char in text:
            if ord(char) in covered or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
                continue
            name = unicodedata.name(char, "unnamed")
            raise PipelineError(
                None,
                f"{edition.lang}: the font {FONT_FAMILY!r} has no glyph for {char!r} "
                f"(U+{ord(char):04X} {name}) in entry {msgid!r}",
            )

"""An edition's fonts: the stack of each language its page shows, and the glyph gate.

The faces come from :mod:`pipeline.typesetting.fonts` (fontconfig, cmaps). An edition's
page sets text in its own language, English fallback text (``lang="en"``) and
the language switcher's names (each ``lang`` of its own), so each of these
gets a stack of its own: the Arabic edition's own text starts with Noto Naskh
Arabic, its English fallback with Noto Serif, its "日本語" link with Noto
Serif CJK JP. The template turns these stacks into CSS (``font_families``);
the gate fails the edition when a character of a scope is in none of its faces.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pipeline.editions.model import Edition
from pipeline.errors import PipelineError
from pipeline.lang.locales import bcp47
from pipeline.typesetting.fonts import (
    BASE_FAMILY,
    FontFace,
    coverage,
    css_families,
    find_face,
    font_stack,
    installed_font_files,
    missing_glyphs,
    unicode_range,
)

Items = list[tuple[str, str]]  # (text, entry it comes from)


@dataclass(frozen=True)
class Scope:
    """The text one ``lang`` of a page sets, and the faces it is set in."""

    lang: str  # gettext code (pt_BR); its BCP 47 tag is what the page's attribute says
    items: tuple[tuple[str, str], ...]
    stack: tuple[FontFace, ...]

    @property
    def tag(self) -> str:
        return bcp47(self.lang)

    @property
    def families(self) -> list[str]:
        return css_families(list(self.stack))


def scopes(edition: Edition, extra: Iterable[str], others: Iterable[tuple[str, str]] = ()) -> list[Scope]:
    """The edition's own scope first (its text, interface strings ``extra``), then one per other language.

    ``others`` are (lang, text) pairs the page marks with another ``lang``,
    such as the switcher's language names. Untranslated segments are English.
    """
    texts: dict[str, Items] = {edition.lang: []}
    for t in edition.segments:
        texts.setdefault(t.lang_override or edition.lang, []).append((t.text, t.msgid))
    texts[edition.lang] += [(s, "(interface)") for s in extra if s] + [("DRAFT", "(interface)")]
    for lang, text in others:
        if bcp47(lang) != bcp47(edition.lang):
            texts.setdefault(lang, []).append((text, "(language list)"))
        else:
            texts[edition.lang].append((text, "(language list)"))
    return [
        Scope(lang, tuple(items), tuple(font_stack([text for text, _ in items], lang)))
        for lang, items in texts.items()
        if items or lang == edition.lang
    ]


def check_glyphs(
    edition: Edition, extra: Iterable[str], others: Iterable[tuple[str, str]] = ()
) -> list[Scope]:
    """The edition's scopes, once every character is in one of its scope's faces.

    Else fail, naming the character, the language and the entry: WeasyPrint
    itself would only draw a blank box ("tofu") and log a warning.
    """
    found = scopes(edition, extra, others)
    for scope in found:
        for char, code, entry in missing_glyphs(list(scope.items), list(scope.stack)):
            name = unicodedata.name(char, "unassigned")
            where = "" if scope.lang == edition.lang else f" ({scope.tag} text)"
            tried = ", ".join(dict.fromkeys(f.family for f in scope.stack)) or "none"
            raise PipelineError(
                None,
                f"{edition.lang}: no installed font has a glyph for {char!r} (U+{code:04X} {name})"
                f"{where} in entry {entry!r}; fonts tried: {tried}",
            )
    return found


@dataclass(frozen=True)
class FallbackFace:
    """A CSS ``@font-face`` alias of a fallback face, limited to the characters it was found for.

    Named in a ``font-family`` list as itself, an emoji face would draw far
    more than the emoji: Pango sets every digit, '#' and '*' (characters with
    the Unicode Emoji property) in it, as wide colour bitmaps. ``unicode-range``
    keeps it to the page's own uncovered characters (WeasyPrint and browsers
    both honour it for ``local()`` sources).
    """

    alias: str  # "Edition fallback 1": safe in CSS, never from translated text
    family: str
    unicode_range: str  # "U+2728, U+1F600-1F64F"


# Characters that only join or select glyphs inside an emoji sequence: they go with the fallback face.
SEQUENCE_CHARACTERS = frozenset([0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400)])


def fallback_faces(found: list[Scope]) -> dict[tuple[str, str], FallbackFace]:
    """Per (scope's BCP 47 tag, family): the alias of each fallback face and the characters it draws."""
    aliases: dict[tuple[str, str], FallbackFace] = {}
    for scope in found:
        chars = {ord(c) for text, _ in scope.items for c in text}
        served: dict[str, set[int]] = {}
        for code in chars:
            face = next((f for f in scope.stack if code in coverage(f)), None)
            if face is not None and face.fallback:
                served.setdefault(face.family, set()).add(code)
        for family, codes in served.items():
            alias = f"Edition fallback {len(aliases) + 1}"
            codes |= chars & SEQUENCE_CHARACTERS
            aliases[(scope.tag, family)] = FallbackFace(alias, family, unicode_range(codes))
    return aliases


def font_families(
    found: list[Scope], fallbacks: dict[tuple[str, str], FallbackFace] | None = None
) -> list[tuple[str | None, list[str]]]:
    """What the template writes as CSS: (None for the page, else a BCP 47 tag, family names).

    A fallback face is named by its alias (:func:`fallback_faces`); a language
    whose stack is the page's needs no rule of its own (it inherits).
    """
    fallbacks = fallback_faces(found) if fallbacks is None else fallbacks

    def names(scope: Scope) -> list[str]:
        out = []
        for family in scope.families:
            alias = fallbacks.get((scope.tag, family))
            if alias is not None:
                out.append(alias.alias)
            elif not any(f.family == family and f.fallback for f in scope.stack):
                out.append(family)
        return out

    page = names(found[0])
    return [(None, page)] + [(s.tag, n) for s in found[1:] if (n := names(s)) != page]


def base_coverage() -> frozenset[int]:
    """Code points of the Latin/Cyrillic serif (what pseudo-translation may use)."""
    face = find_face(BASE_FAMILY)
    if face is None:
        raise PipelineError(None, f"font {BASE_FAMILY!r} is not installed; run `make install`")
    return coverage(face)


font_coverage = base_coverage  # the name the pseudo-translation and the build's preloading use


@cache
def font_fingerprint() -> str:
    """Every installed font file (path, size, time), hashed: it changes when any font does.

    Any of them may end up in an edition's stack (fallbacks are found by
    character), so a PDF is current only while all are unchanged.
    """
    facts = []
    for path in sorted(installed_font_files()):
        try:
            stat = path.stat()
        except OSError:
            continue
        facts.append([str(path), stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]


__all__ = [
    "FallbackFace",
    "Scope",
    "base_coverage",
    "check_glyphs",
    "fallback_faces",
    "font_coverage",
    "font_families",
    "font_fingerprint",
    "scopes",
]

"""The one spelling of a language code, before any path is built from it (stdlib only).

A code names files (``translations/<letter>/<code>.po``, ``output/<letter>/<code>.html``),
so it is checked and written one way: a language (2-3 letters), then optionally a
script (4 letters), a region (2 letters or 3 digits) and a variant or gettext
``@modifier``; ``-`` or ``_`` between them, any case. The gettext form is what
files are named by: ``FR`` -> ``fr``, ``fr-FR`` -> ``fr_FR``, ``zh-hant`` ->
``zh_Hant``, ``sr-Latn``/``sr@latin`` -> ``sr_Latn``, ``ca-valencia`` -> ``ca@valencia``.
Anything else (``fr.x/../..``, ``..``, empty) is refused. Whether CLDR knows the
language is checked by :func:`pipeline.lang.locales.language_code`, which calls this.

Hand-written rather than Babel's ``parse_locale``: that parser drops what follows
a ``.`` (an encoding) and accepts any characters, and the Makefile runs this
module (through ``python -m pipeline.lang``) at parse time, before the virtual
environment with Babel may exist.
"""

from __future__ import annotations

import re

# gettext's @modifiers that name a script (sr@latin, uz@cyrillic, ...).
MODIFIER_SCRIPTS = {"latin": "Latn", "cyrillic": "Cyrl", "arabic": "Arab", "devanagari": "Deva"}

_TAG = re.compile(
    r"(?P<language>[a-z]{2,3})"
    r"(?:[-_](?P<script>[a-z]{4}))?"
    r"(?:[-_](?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?:[-_](?P<variant>[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))?"
    r"(?:@(?P<modifier>[a-z0-9]{2,8}))?",
    re.IGNORECASE | re.ASCII,
)
SHAPE = "a language (2-3 letters), then optionally _Script, _REGION and @modifier, such as fr, pt_BR, zh_Hant"


def canonical(value: str) -> str:
    """The gettext form of a language code (``fr-FR`` -> ``fr_FR``); ValueError naming the value."""
    match = _TAG.fullmatch(value)
    if match is None or (match["variant"] and match["modifier"]):
        raise ValueError(f"unknown language code {value!r}: {SHAPE}")
    language, script, region, variant, modifier = match.group(
        "language", "script", "region", "variant", "modifier"
    )
    modifier = (modifier or variant or "").lower()
    if modifier in MODIFIER_SCRIPTS and not script:
        script, modifier = MODIFIER_SCRIPTS[modifier], ""
    code = language.lower()
    code += f"_{script.title()}" if script else ""
    code += f"_{region.upper()}" if region else ""
    return code + (f"@{modifier}" if modifier else "")


def split_codes(value: str) -> list[str]:
    """The codes of a LANGS value (spaces or commas between them)."""
    return value.replace(",", " ").split()

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
module (``python -m pipeline.lang.codes``) at parse time, before the virtual
environment with Babel may exist.
"""

from __future__ import annotations

import re
import sys

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


def main(argv: list[str]) -> int:
    """``python -m pipeline.lang.codes NAME VALUE [--one]``: the canonical codes, or one error line.

    The Makefile's check of LANGS (and of LANG for approve/accept). With Babel
    installed the languages are also checked against CLDR; before ``make install``
    only their shape is (each command checks the language again before writing).
    """
    name, value, one = argv[0], " ".join(a for a in argv[1:] if a != "--one"), "--one" in argv[1:]
    try:
        from pipeline.lang.locales import language_code  # CLDR check too (Babel)
    except ImportError:
        language_code = None
    codes = split_codes(value)
    try:
        if one and len(codes) != 1:
            raise ValueError(f"give one language code, not {value.strip()!r}")
        if language_code is not None:
            from pipeline.errors import PipelineError

            try:
                result = [language_code(code, name) for code in codes]
            except PipelineError as exc:
                raise ValueError(exc.message) from None
        else:
            result = [canonical(code) for code in codes]
    except ValueError as exc:
        print(f"{name}: error: {exc}")
        return 1
    print(" ".join(dict.fromkeys(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

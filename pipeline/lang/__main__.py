"""``python -m pipeline.lang``: the Makefile's check of language codes, before any path is built.

Runs before ``make install`` too: codes.py is stdlib only, and the CLDR check
(locales.py, Babel) is added when Babel is there.
"""

from __future__ import annotations

import sys

from pipeline.lang.codes import canonical, split_codes


def main(argv: list[str]) -> int:
    """``python -m pipeline.lang NAME VALUE [--one]``: the canonical codes, or one error line.

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


sys.exit(main(sys.argv[1:]))

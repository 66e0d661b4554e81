"""Hyphenation as typesetting: the dictionaries the project adds to Pyphen's, and their fingerprint.

WeasyPrint hyphenates with Pyphen, which has no Azerbaijani dictionary; the
generated one (``data/hyph_az.dic``, see ``hyphenation_az.py``) is registered
by ``hooks/pyphen_dictionaries.py``. The limits on hyphenated lines
(``hyphenate-limit-lines``, ``hyphenate-limit-last``) are ``hooks/line_limits.py``.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DICTIONARIES = {"az": DATA / "hyph_az.dic"}
HOOKS = Path(__file__).resolve().parent / "hooks"


def azerbaijani_lower(word: str) -> str:
    """Lower case by Azerbaijani rules: İ -> i, I -> ı, one letter each.

    Python's ``"İ".lower()`` is two code points (i + U+0307), and Pyphen counts
    break positions in the lowered word, so every break after an İ ("İctimai",
    37 times in the sample letter) would land one letter late.
    """
    return word.replace("İ", "i").replace("I", "ı").lower()


@cache
def fingerprint() -> str:
    """A digest of the dictionaries and of the typesetting code: part of every PDF's content key."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in [*DICTIONARIES.values(), *sorted(HOOKS.glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()

"""Pyphen dictionaries of the project's own (Azerbaijani), registered as WeasyPrint's maintainers advise.

Pyphen has no public registration; Kozea/WeasyPrint#1945 gives ``pyphen.LANGUAGES``
and ``pyphen.LANGUAGES_LOWERCASE``, and ``Pyphen(lang=...)`` reads patterns through
``pyphen.hdcache`` keyed by path, where the Azerbaijani subclass goes (its own
lower-casing). docs/upstream/ has the proposal of a public call.
"""

from __future__ import annotations

from functools import cache

from pipeline.typesetting.hooks.gate import Contract, installed
from pipeline.typesetting.hyphenation import DICTIONARIES, azerbaijani_lower

CONTRACTS = (
    Contract("pyphen.LANGUAGES"),
    Contract("pyphen.LANGUAGES_LOWERCASE"),
    Contract("pyphen.hdcache"),
    Contract("pyphen:HyphDict.positions", ("self", "word")),
    Contract("pyphen:HyphDict.__init__", ("self", "path")),
)


@cache
def register() -> bool:
    """Make Pyphen (and so WeasyPrint, for ``lang="az"`` and ``az-*``) use our dictionaries; False if it stood down."""
    if not installed("Pyphen dictionary registration", CONTRACTS):
        return False
    import pyphen

    class AzerbaijaniPatterns(pyphen.HyphDict):
        def positions(self, word):
            return super().positions(azerbaijani_lower(word))

    for lang, path in DICTIONARIES.items():
        pyphen.LANGUAGES[lang] = path
        pyphen.LANGUAGES_LOWERCASE[lang.lower()] = lang
        pyphen.hdcache[path] = AzerbaijaniPatterns(path) if lang == "az" else pyphen.HyphDict(path)
    return True

"""Fuzzy matching of new msgids against old ones: the rule msgmerge and Babel follow.

For each new msgid, the old msgid with the highest ``fuzz.ratio`` at or above
60 (a similarity of 0.6), the first one on a tie: exactly rapidfuzz's
``process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=60)``.
Small merges run that exhaustive search as it is (no numpy to import: a
tenth of a second of start-up); large ones go through the index of
:mod:`pipeline.fuzzy_index`, which gives the same answers without scanning
every old entry for every new one (n^2.07 at 20,000 segments, issue 15),
except where too many old entries could compete: then, as in msgmerge, the
most promising ones do.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

# Below this many (new, old) pairs the exhaustive search takes under ~50 ms.
EXHAUSTIVE_PAIRS = 250_000


def best_matches(
    queries: list[str],
    choices: list[str],
    cutoff: float = 60,
    exhaustive_pairs: int = EXHAUSTIVE_PAIRS,
    workers: int | None = None,
) -> list[int | None]:
    """For each query, the index ``extractOne(..., scorer=fuzz.ratio, score_cutoff=cutoff)`` gives.

    ``exhaustive_pairs`` and ``workers`` (threads of the index) are for tests.
    """
    if not queries or not choices:
        return [None] * len(queries)
    if len(queries) * len(choices) > exhaustive_pairs:
        from .fuzzy_index import indexed_matches

        return indexed_matches(queries, choices, cutoff, workers)
    found = []
    for query in queries:
        match = process.extractOne(query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
        found.append(None if match is None else match[2])
    return found

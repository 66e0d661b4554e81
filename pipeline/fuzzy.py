"""Fuzzy matching of new msgids against old ones, exact but without scanning everything.

The rule is rapidfuzz's ``process.extractOne(query, choices, scorer=fuzz.ratio,
score_cutoff=60)``: the highest ``fuzz.ratio`` at or above the cut-off, the
first choice on a tie. Scanning every old entry for every new one is
quadratic (n^2.07 at 20,000 segments, issue 15); this gives the same answers
from a cheap index:

1. Rare words: a new sentence usually shares a rare word with the old
   sentence it was edited from. Scoring the few old entries sharing the most
   rare words gives a score ``s`` the true best must reach.
2. Lengths: ``fuzz.ratio(a, b) <= 200 * min(|a|, |b|) / (|a| + |b|)``, so only
   old entries of a length within the window ``s`` allows can reach ``s``.
   The old entries are sorted by length, each window is a slice.
3. Character counts: the ratio is ``200 * LCS / (|a| + |b|)`` and the LCS is
   at most the size of the multiset intersection of the two strings'
   characters; this bound, vectorised with numpy, drops most of a window.
4. The survivors are scored by ``process.cdist`` (C++, both cores), queries of
   similar length in one block, and the best is taken with the first-index
   tie rule.

Every entry skipped in 2 and 3 provably scores below ``s`` <= the best, so
the result equals the exhaustive search (tests/test_catalog.py checks it on
random data).
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import Counter

import numpy as np
from rapidfuzz import fuzz, process

RARE = 32  # a word in more old entries than this is not used by the index
SEEDS = 4  # old entries scored per query to find the starting score
BLOCK = 32  # queries scored together by one cdist call
SLACK = 1e-6  # scores are floats: never prune on the last bits
# Characters counted by the histogram bound; all others share one bucket
# (merging characters only loosens the bound, it stays an upper bound).
ALPHABET = "etaoinshrdlcumwfgypbvkjxqz .,'-0123456789"
_BUCKET = {c: i for i, c in enumerate(ALPHABET)}
_OTHER = len(ALPHABET)


@functools.cache
def _bucket_table() -> np.ndarray:
    table = np.full(0x110000, _OTHER, dtype=np.int64)  # 9 MB, built once
    table[[ord(c) for c in ALPHABET]] = np.arange(_OTHER)
    return table


def _histograms(texts: list[str]) -> np.ndarray:
    """Character counts of each text, one row per text, in one vectorised pass."""
    table = _bucket_table()
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    rows = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
    flat = np.bincount(rows * (_OTHER + 1) + table[codes], minlength=len(texts) * (_OTHER + 1))
    # uint8 keeps the bound's arithmetic small; clipping a count only loosens the bound.
    return np.minimum(flat.reshape(len(texts), _OTHER + 1), 255).astype(np.uint8)


def _window(length: int, score: float) -> tuple[int, int]:
    """Shortest and longest choice length that can reach ``score`` against ``length``."""
    if score <= 0:
        return 0, 1 << 62
    low = math.floor(length * score / (200 - score)) if score < 200 else length
    high = math.ceil(length * (200 - score) / score)
    return max(low - 1, 0), high + 1  # one character of slack against rounding


def best_matches(queries: list[str], choices: list[str], cutoff: float = 60) -> list[int | None]:
    """For each query, the index ``extractOne(..., scorer=fuzz.ratio, score_cutoff=cutoff)`` gives."""
    if not queries or not choices:
        return [None] * len(queries)
    order = sorted(range(len(choices)), key=lambda i: (len(choices[i]), i))
    index = _Index(
        texts=[choices[i] for i in order],
        original=np.array(order, dtype=np.int64),
        histograms=_histograms([choices[i] for i in order]),
    )
    query_histograms = _histograms(queries)
    postings: dict[str, list[int]] = {}
    for position, text in enumerate(choices):
        for word in set(text.split()):
            postings.setdefault(word, []).append(position)
    seeds = [_seed_score(q, choices, postings, cutoff) for q in queries]
    results: list[int | None] = [None] * len(queries)
    # A query with a good seed has a narrow window: score it alone.
    unseeded = []
    for j, query in enumerate(queries):
        if seeds[j] > cutoff:
            kept, lo = index.candidates(query, query_histograms[j], seeds[j])
            results[j] = index.best([query], kept, lo, seeds[j], cutoff)[0]
        else:
            unseeded.append(j)
    # The others: the entries with the best character-count bound give a
    # seed; what remains is scored in blocks of similar length, on both cores.
    unseeded.sort(key=lambda j: len(queries[j]))
    for start in range(0, len(unseeded), BLOCK):
        block = unseeded[start : start + BLOCK]
        keeps, seeds_block = [], []
        for j in block:
            kept, lo, bound = index.candidates(queries[j], query_histograms[j], cutoff, with_bound=True)
            if kept.size > SEEDS:
                top = kept[np.argsort(-bound[kept], kind="stable")[:SEEDS]] + lo
                seed = max([cutoff] + [fuzz.ratio(queries[j], index.texts[int(p)]) for p in top])
                kept = kept[bound[kept] >= seed - SLACK]
                seeds_block.append(seed)
            else:
                seeds_block.append(cutoff)
            keeps.append(kept + lo)
        merged = np.unique(np.concatenate(keeps)) if keeps else np.array([], dtype=np.int64)
        best = index.best([queries[j] for j in block], merged, 0, min(seeds_block), cutoff)
        for j, match in zip(block, best, strict=True):
            results[j] = match
    return results


class _Index:
    """Old entries sorted by length, with their character counts."""

    def __init__(self, texts: list[str], original: np.ndarray, histograms: np.ndarray) -> None:
        self.texts = texts
        self.original = original
        self.histograms = histograms
        self.lengths = [len(t) for t in texts]
        self.length_array = np.array(self.lengths, dtype=np.float64)

    def candidates(self, query: str, histogram: np.ndarray, score: float, with_bound: bool = False):
        """Positions (relative to the returned start) of entries that may reach ``score``."""
        low, high = _window(len(query), score)
        lo = bisect.bisect_left(self.lengths, low)
        hi = bisect.bisect_right(self.lengths, high)
        if lo >= hi:
            empty = np.array([], dtype=np.int64)
            return (empty, lo, np.array([])) if with_bound else (empty, lo)
        common = np.minimum(self.histograms[lo:hi], histogram).sum(axis=1)
        bound = 200.0 * common / (len(query) + self.length_array[lo:hi])
        kept = np.flatnonzero(bound >= score - SLACK)
        return (kept, lo, bound) if with_bound else (kept, lo)

    def best(
        self, queries: list[str], kept: np.ndarray, lo: int, score: float, cutoff: float
    ) -> list[int | None]:
        """Exact best match of each query among the kept entries (first original index on a tie)."""
        if kept.size == 0:
            return [None] * len(queries)
        positions = kept + lo
        subset = [self.texts[int(p)] for p in positions]
        scores = process.cdist(
            queries,
            subset,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=max(score - 1, 0),  # rapidfuzz rounds a cut-off to a whole distance
            dtype=np.float64,
            workers=-1 if len(queries) > 1 else 1,
        )
        original = self.original[positions]
        found: list[int | None] = []
        for query, row in zip(queries, scores, strict=True):
            top = row.max()
            if top < cutoff - SLACK or top <= 0:
                found.append(None)
                continue
            # The last bits of a float may differ between cdist and extractOne:
            # let extractOne itself choose among the near-best, in original order.
            near = sorted(int(i) for i in np.flatnonzero(row >= top - SLACK))
            near_original = sorted((int(original[i]), i) for i in near)
            match = process.extractOne(
                query,
                [self.texts[int(positions[i])] for _, i in near_original],
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=cutoff,
            )
            found.append(None if match is None else near_original[match[2]][0])
        return found


def _seed_score(query: str, choices: list[str], postings: dict[str, list[int]], cutoff: float) -> float:
    """A score the best match must reach: the best of the few choices sharing most rare words."""
    shared: Counter = Counter()
    for word in set(query.split()):
        hits = postings.get(word)
        if hits is not None and len(hits) <= RARE:
            shared.update(hits)
    best = cutoff
    for index, _ in shared.most_common(SEEDS):
        best = max(best, fuzz.ratio(query, choices[index]))
    return best

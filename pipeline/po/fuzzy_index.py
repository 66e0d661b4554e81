"""The numpy index behind :func:`pipeline.po.fuzzy.best_matches` for large merges.

It gives the answers of rapidfuzz's exhaustive ``process.extractOne(query,
choices, scorer=fuzz.ratio, score_cutoff=60)`` (the highest ``fuzz.ratio`` at
or above the cut-off, the first choice on a tie) without scoring every old
entry against every new one:

1. Rare words: a new sentence usually shares a rare word with the old
   sentence it was edited from. Scoring the few old entries sharing the most
   rare words gives a score ``s`` the true best must reach.
2. Lengths: ``fuzz.ratio(a, b) <= 200 * min(|a|, |b|) / (|a| + |b|)``, so only
   old entries of a length within the window ``s`` allows can reach ``s``.
   The old entries are sorted by length, each window is a slice.
3. Character counts: the ratio is ``200 * LCS / (|a| + |b|)`` and the LCS is
   at most the size of the multiset intersection of the two strings'
   characters; this bound, vectorised with numpy, drops most of a window.
   A query sharing no rare word scores the 16 entries with the best bound
   for its ``s``.
4. The survivors are scored by ``process.cdist`` (C++), one thread per core
   (both release the GIL), and the best is taken with the first-index tie rule.

Every entry skipped in 2 and 3 provably scores below ``s`` <= the best, so
when at most ``budget`` entries survive (``max(64, sqrt(n))``: almost every
query of a real letter), the result equals the exhaustive search
(tests/test_catalog.py checks it on random data). When more survive, which
happens when old and new texts share most characters without sharing a
rare word (an inserted sentence in a letter of one small vocabulary), the
query is scored against the ``budget`` survivors with the best bound plus
its seeds: GNU msgmerge's own rule (msgl-fsearch.c scores the first
``sqrt(n)`` old messages by shared 4-grams; "the match does not need to be
optimal"). That caps the work at ``n * sqrt(n)`` scorings instead of
``n * n`` (issue 15).
"""

from __future__ import annotations

import bisect
import functools
import math
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process

RARE = 32  # a word in more old entries than this is not used by the index
SEEDS = 4  # old entries sharing rare words scored per query to find the starting score
WIDE_SEEDS = 16  # without a shared rare word: entries with the best bound scored for it
BLOCK = 32  # queries handed to a thread at a time
MAX_WORKERS = 2  # threads; the merge is measured on 2 cores
DENSE = 0.85  # kept share of a slice above which the whole slice is scored
SLACK = 1e-6  # scores are floats: never prune on the last bits
MIN_BUDGET = 64  # survivors scored in full per query; more: the best-bound ones (msgmerge's rule)
# Characters counted by the histogram bound; all others share one bucket
# (merging characters only loosens the bound, it stays an upper bound).
ALPHABET = "etaoinshrdlcumwfgypbvkjxqz .,'-0123456789"
_BUCKET = {c: i for i, c in enumerate(ALPHABET)}
_OTHER = len(ALPHABET)


@functools.cache
def _bucket_table() -> np.ndarray:
    table = np.full(129, _OTHER, dtype=np.int64)  # ASCII; code 128 stands for every other character
    table[[ord(c) for c in ALPHABET]] = np.arange(_OTHER)
    return table


def _histograms(texts: list[str]) -> np.ndarray:
    """Character counts of each text, one row per text, in one vectorised pass."""
    table = _bucket_table()
    codes = np.minimum(np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32), 128)
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


def indexed_matches(
    queries: list[str], choices: list[str], cutoff: float = 60, workers: int | None = None
) -> list[int | None]:
    """For each query, the index ``extractOne(..., scorer=fuzz.ratio, score_cutoff=cutoff)`` gives."""
    if not queries or not choices:
        return [None] * len(queries)
    lengths = [len(c) for c in choices]
    order = sorted(range(len(choices)), key=lengths.__getitem__)  # stable: ties keep index order
    index = _Index(
        texts=[choices[i] for i in order],
        original=np.array(order, dtype=np.int64),
        histograms=_histograms([choices[i] for i in order]),
    )
    query_histograms = _histograms(queries)
    postings: dict[str, list[int]] = {}
    query_words = {word for query in queries for word in query.split()}
    for position, text in enumerate(choices):
        for word in query_words.intersection(text.split()):  # only words a query can look up
            postings.setdefault(word, []).append(position)
    seeds = [_seed(q, choices, postings, cutoff) for q in queries]
    budget = max(MIN_BUDGET, math.isqrt(len(choices)))

    def search(j: int) -> int | None:
        query, (seed, seed_index) = queries[j], seeds[j]
        if seed > cutoff:  # a good seed: a narrow window, few candidates
            kept, lo, bound = index.candidates(query, query_histograms[j], seed, with_bound=True)
        else:
            # No shared rare word: the entries with the best character-count
            # bound give the seed, the bound drops what cannot reach it.
            kept, lo, bound = index.candidates(query, query_histograms[j], cutoff, with_bound=True)
            if kept.size > WIDE_SEEDS:
                top = kept[np.argpartition(-bound[kept], WIDE_SEEDS)[:WIDE_SEEDS]] + lo
                seed = max(cutoff, max(fuzz.ratio(query, index.texts[p]) for p in top.tolist()))
                kept = kept[bound[kept] >= seed - SLACK]
        if kept.size <= budget:
            return index.best(query, kept, lo, seed, cutoff)
        # Too many could still beat the seed: the best-bound ones and the seed compete.
        kept = kept[np.argpartition(-bound[kept], budget)[:budget]]
        if seed_index is not None:
            kept = np.append(kept, index.position[seed_index] - lo)
        return index.best(query, np.unique(kept), lo, seed, cutoff)

    # numpy and rapidfuzz release the GIL: one thread per core.
    if workers is None:
        workers = min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    if workers < 2 or len(queries) < 2:
        return [search(j) for j in range(len(queries))]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(search, range(len(queries)), chunksize=BLOCK))


class _Index:
    """Old entries sorted by length, with their character counts."""

    def __init__(self, texts: list[str], original: np.ndarray, histograms: np.ndarray) -> None:
        self.texts = texts
        self.original = original
        self.position = np.empty_like(original)  # original index -> position in length order
        self.position[original] = np.arange(original.size)
        # Bucket-major: summing down the 44 rows runs across the whole window
        # at once, four times faster than 44-element sums row by row.
        self.bucket_counts = np.ascontiguousarray(histograms.T)
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
        common = np.minimum(self.bucket_counts[:, lo:hi], histogram[:, None]).sum(
            axis=0, dtype=np.uint16
        )  # <= 44 * 255
        bound = 200.0 * common / (len(query) + self.length_array[lo:hi])
        kept = np.flatnonzero(bound >= score - SLACK)
        return (kept, lo, bound) if with_bound else (kept, lo)

    def best(self, query: str, kept: np.ndarray, lo: int, score: float, cutoff: float) -> int | None:
        """Exact best match of the query among the kept entries (first original index on a tie)."""
        if kept.size == 0:
            return None
        positions = kept + lo
        texts = self.texts
        first, last = int(positions[0]), int(positions[-1]) + 1
        dense = positions.size >= DENSE * (last - first)
        if dense:  # scoring the whole slice costs less than gathering most of it
            subset = texts[first:last]
        elif positions.size > 1:
            subset = itemgetter(*positions.tolist())(texts)
        else:
            subset = [texts[first]]
        row = process.cdist(
            [query],
            subset,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=max(score - 1, 0),  # rapidfuzz rounds a cut-off to a whole distance
            dtype=np.float64,
            workers=1,
        )[0]
        if dense:
            row = row[positions - first]  # only the kept entries compete
        top = row.max()
        if top < cutoff - SLACK or top <= 0:
            return None
        # The last bits of a float may differ between cdist and extractOne:
        # let extractOne itself choose among the near-best, in original order.
        original = self.original[positions]
        near_original = sorted((int(original[i]), int(i)) for i in np.flatnonzero(row >= top - SLACK))
        match = process.extractOne(
            query,
            [texts[int(positions[i])] for _, i in near_original],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=cutoff,
        )
        return None if match is None else near_original[match[2]][0]


def _seed(
    query: str, choices: list[str], postings: dict[str, list[int]], cutoff: float
) -> tuple[float, int | None]:
    """A score the best match must reach, and the choice giving it (of the few sharing most rare words)."""
    shared: Counter = Counter()
    for word in set(query.split()):
        hits = postings.get(word)
        if hits is not None and len(hits) <= RARE:
            shared.update(hits)
    best, best_index = cutoff, None
    for index in sorted(index for index, _ in shared.most_common(SEEDS)):  # first index on a tie
        score = fuzz.ratio(query, choices[index])
        if score > best + SLACK or (best_index is None and score >= cutoff - SLACK):
            best, best_index = max(best, score), index
    return best, best_index

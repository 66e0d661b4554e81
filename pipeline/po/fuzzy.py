"""Fuzzy matching of new msgids against old ones: the rule msgmerge and Babel follow.

For each new msgid, the old msgid with the highest ``fuzz.ratio`` at or above
60 (a similarity of 0.6), the first one on a tie: exactly rapidfuzz's
``process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=60)``.
Small merges run that exhaustive search as it is (no numpy to import: a
tenth of a second of start-up); large ones go through the index of
:mod:`pipeline.po.fuzzy_index`, which gives the same answers without scanning
every old entry for every new one (n^2.07 at 20,000 segments, issue 15),
except where too many old entries could compete: then, as in msgmerge, the
most promising ones do.
"""

from __future__ import annotations

import marshal
import os
import signal
from collections.abc import Callable

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
        from pipeline.po.fuzzy_index import indexed_matches

        return indexed_matches(queries, choices, cutoff, workers)
    found = []
    for query in queries:
        match = process.extractOne(query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
        found.append(None if match is None else match[2])
    return found


Matcher = Callable[[list[str], list[str]], list[int | None]]


class MatcherProcess:
    """:func:`best_matches` in a process of its own, forked before the catalogs are read.

    It imports numpy and rapidfuzz while the caller reads the files, and
    searches on the second core while the caller goes on (``while_waiting``:
    writing out the entries the search cannot change, in ``pipeline/po/merge.py``).
    Hand-written: a process pool would fork after the catalogs are in memory
    and copy them, and pickle more than two lists of strings. Should the
    process fail, the search runs here.
    """

    def __init__(self) -> None:
        to_child, self._to_child = os.pipe()
        self._from_child, from_parent = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the matcher: two lists in, one list out, then gone
            try:
                os.close(self._to_child)
                os.close(self._from_child)
                from pipeline.po import fuzzy_index  # noqa: F401  (numpy and rapidfuzz, while the parent reads)

                with os.fdopen(to_child, "rb") as pipe:
                    request = pipe.read()
                if request:
                    queries, choices = marshal.loads(request)
                    with os.fdopen(from_parent, "wb") as pipe:
                        pipe.write(marshal.dumps(best_matches(queries, choices)))
            finally:
                os._exit(0)
        os.close(to_child)
        os.close(from_parent)

    def matcher(self, while_waiting: Callable[[], None] = lambda: None) -> Matcher:
        def match(queries: list[str], choices: list[str]) -> list[int | None]:
            if len(queries) * len(choices) <= EXHAUSTIVE_PAIRS:
                return best_matches(queries, choices)  # quick here; numpy never imported
            try:
                with os.fdopen(self._to_child, "wb") as pipe:
                    self._to_child = -1
                    pipe.write(marshal.dumps((queries, choices)))
            except OSError:  # the process is gone: its answer will be missing too
                pass
            while_waiting()
            found = self._result()
            if not isinstance(found, list) or len(found) != len(queries):
                return best_matches(queries, choices)
            return found

        return match

    def _result(self):
        try:
            with os.fdopen(self._from_child, "rb") as pipe:
                self._from_child = -1
                data = pipe.read()
            return marshal.loads(data)
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def close(self) -> None:
        """End the process (unasked, it may still be importing numpy) and reap it."""
        if self._to_child >= 0:  # never asked: nothing to wait for
            os.kill(self._pid, signal.SIGKILL)
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                os.close(fd)
        self._to_child = self._from_child = -1
        os.waitpid(self._pid, 0)

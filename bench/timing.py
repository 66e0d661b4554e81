"""The one timing rule of every benchmark: the median of a few runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(func: Callable[[], object], repeats: int = 3) -> float:
    """Seconds ``func()`` takes, median of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)

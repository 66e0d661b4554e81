"""The timing rules of every benchmark: medians of a few runs, and A/B comparisons run turn about."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_time(func: Callable[[], object], repeats: int = 3) -> float:
    """Seconds ``func()`` takes, median of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass
class Runs:
    """The wall times of one command over the repetitions of a comparison."""

    name: str
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def min(self) -> float:
        return min(self.times)


def interleaved(
    commands: dict[str, Callable[[], object]],
    repeats: int = 5,
    setup: dict[str, Callable[[], object]] | None = None,
) -> dict[str, Runs]:
    """Time each command ``repeats`` times, turn about (A B A B …), so drift hits all alike.

    ``setup[name]()`` runs untimed before each run of ``name`` (say, removing
    the outputs so each run builds from scratch).
    """
    setup = setup or {}
    runs = {name: Runs(name, []) for name in commands}
    for _ in range(repeats):
        for name, func in commands.items():
            if name in setup:
                setup[name]()
            start = time.perf_counter()
            func()
            runs[name].times.append(time.perf_counter() - start)
    return runs


def ratio_line(label: str, a: Runs, b: Runs) -> str:
    """ "label   A/B median 1.03x  min 1.01x   (A 2.10 s / B 2.04 s median)"."""
    return (
        f"  {label:<44} median {a.median / b.median:5.2f}x   min {a.min / b.min:5.2f}x"
        f"   ({a.median:6.2f} s / {b.median:6.2f} s median; {a.min:6.2f} / {b.min:6.2f} min)"
    )

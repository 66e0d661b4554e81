"""The timing rules of every benchmark: medians of a few runs, and A/B comparisons run turn about."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
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


class Worker:
    """A long-lived process of its own (``serve`` below) that runs one job per request and answers its time.

    Two sides of a warm A/B each in their own process share nothing: what one side patches or
    registers (WeasyPrint hooks, pydyf, Pyphen dictionaries) cannot reach the other.
    """

    def __init__(self, command: list[str], cwd: str | None = None, env: dict[str, str] | None = None):
        self.command = command
        self.process = subprocess.Popen(
            [*command, "--serve"], cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._expect("ready")

    def _expect(self, what: str) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith(what):
            self.process.kill()
            raise SystemExit(f"worker {' '.join(self.command)} failed (said {line!r}); see its stderr above")
        return line[len(what) :].strip()

    def __call__(self) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return float(self._expect("took"))

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()


def interleaved_workers(workers: dict[str, Worker], repeats: int = 5) -> dict[str, Runs]:
    """Like ``interleaved``, each time as measured inside its worker (the job alone, no pipe)."""
    runs = {name: Runs(name, []) for name in workers}
    for _ in range(repeats):
        for name, worker in workers.items():
            runs[name].times.append(worker())
    return runs


def serve(
    job: Callable[[], object], setup: Callable[[], object] | None = None, argv: list[str] | None = None
) -> None:
    """The worker side: one warm-up run, then timed runs of ``job`` (``setup`` untimed before each).

    ``--serve``: a run per ``run`` line on stdin, its seconds answered as ``took S`` (``Worker``).
    ``--runs N`` (default 5): N runs, then their median and min: the same command, by hand.
    """
    argv = sys.argv[1:] if argv is None else argv
    setup = setup or (lambda: None)
    answers = sys.stdout
    if "--serve" in argv:  # the job's own output (and its children's) goes to stderr, not into the answers
        answers = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    setup()
    job()  # warm-up: imports, fonts, templates, caches of the library itself

    def once() -> float:
        setup()
        start = time.perf_counter()
        job()
        return time.perf_counter() - start

    if "--serve" in argv:
        print("ready", file=answers, flush=True)
        for line in sys.stdin:
            if line.strip() == "run":
                print(f"took {once():.6f}", file=answers, flush=True)
        return
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    times = [once() for _ in range(runs)]
    print(f"{runs} runs: median {statistics.median(times):.3f} s  min {min(times):.3f} s")


def split_options(argv: list[str]) -> tuple[list[str], list[str]]:
    """A worker's arguments apart from ``serve``'s own options (``--serve``, ``--runs N``)."""
    args, options, rest = [], [], iter(argv)
    for arg in rest:
        if arg == "--serve":
            options.append(arg)
        elif arg == "--runs":
            options += [arg, next(rest, "5")]
        else:
            args.append(arg)
    return args, options

"""Translation memory: lookup for a 5,000-entry letter against a 100,000-entry memory, and update.

Targets (issue 13): lookup <= 5 s, the update after one reviewed edit <= 1 s,
on 2 cores. Baselines measured in the same run, turn about: rapidfuzz scoring
every memory entry (process.extractOne over all 100,000, what pot2po-style
matchers do) and translate-toolkit's own matcher (translate.search.match,
what `pot2po --tm` and tmserver use). Each run of B and C times the same
SAMPLE queries of the letter (a different random sample each run, REPS x
SAMPLE queries in all) and scales their time to the letter's 5,000; A, B and
C run turn about, REPS times, and the ratios are of medians and of mins.
``--full`` times every query of the letter (nothing scaled; long).
Run: .venv/bin/python bench/bench_memory.py [--quick] [--full]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from babel.messages.catalog import Catalog
from timing import Runs, ratio_line

from pipeline.memory.recall import fill_catalog, matcher_for
from pipeline.memory.store import open_memory, refresh
from pipeline.po.catalog import catalog_bytes

QUICK = "--quick" in sys.argv
FULL = "--full" in sys.argv
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "50"))
MEMORY_SIZE = 20_000 if QUICK else 100_000
LETTER_SIZE = 1_000 if QUICK else 5_000
PER_FILE = 5_000
REPS = 5
LOOKUP_TARGET, UPDATE_TARGET = 5.0, 1.0


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Pseudo-words with Zipf frequencies, like the words of real prose."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted({"".join(rng.choices(letters, k=rng.randint(2, 11))) for _ in range(size)})
    return words, [1 / (rank + 1) for rank in range(len(words))]


def sentences(rng: random.Random, n: int, vocab) -> list[str]:
    words, weights = vocab
    out = set()
    while len(out) < n:
        out.add(" ".join(rng.choices(words, weights, k=rng.randint(6, 30))).capitalize() + ".")
    return sorted(out)


def write_catalog(path: Path, pairs: list[tuple[str, str]], fuzzy: set[str] = frozenset()) -> None:
    catalog = Catalog(locale="fr", last_translator="Bench Reviewer")
    for number, (source, target) in enumerate(pairs):
        catalog.add(
            source,
            target,
            auto_comments=[f"Paragraph {number}, sentence 1."],
            flags={"fuzzy"} if source in fuzzy else (),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(catalog_bytes(catalog))


def letter_catalog(rng: random.Random, memory: list[str], vocab) -> Catalog:
    """A new letter: 40% sentences already in the memory, 30% with one word changed, 30% new."""
    exact = rng.sample(memory, int(LETTER_SIZE * 0.4))
    near = []
    for text in rng.sample(memory, int(LETTER_SIZE * 0.3)):
        parts = text.split()
        parts[rng.randrange(len(parts))] = rng.choice(vocab[0])
        near.append(" ".join(parts))
    new = sentences(rng, LETTER_SIZE - len(exact) - len(near), vocab)
    catalog = Catalog(locale="fr")
    for number, text in enumerate(dict.fromkeys(exact + near + new)):
        catalog.add(text, "", auto_comments=[f"Paragraph {number}, sentence 1."])
    return catalog


CPU: list[float] = []  # process CPU seconds of each timed() call, in order


def timed(func) -> float:
    """Wall seconds of ``func()``; its CPU seconds go to CPU (on a loaded machine, closer to a quiet one's wall time)."""
    start, cpu = time.perf_counter(), time.process_time()
    func()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start


def report(
    name: str, times: list[float], target: float | None = None, cpu: list[float] | None = None
) -> None:
    line = f"{name:<58} median {statistics.median(times):7.3f} s   min {min(times):7.3f} s"
    if cpu:
        line += f"   (CPU median {statistics.median(cpu):.3f} s)"
    if target is not None:
        verdict = "ok" if statistics.median(times) <= target else "OVER TARGET"
        line += f"   target <= {target:.1f} s: {verdict}"
    print(line)


def main() -> None:
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    print(
        f"load average {os.getloadavg()[0]:.1f}; cores: {len(os.sched_getaffinity(0))}; memory {MEMORY_SIZE:,} entries; letter {LETTER_SIZE:,} entries"
    )
    rng = random.Random(13)
    vocab = vocabulary(rng)
    memory = sentences(rng, MEMORY_SIZE, vocab)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        translations = Path(tmp) / "translations"
        for start in range(0, MEMORY_SIZE, PER_FILE):
            chunk = memory[start : start + PER_FILE]
            write_catalog(
                translations / f"old{start // PER_FILE:02d}" / "fr.po", [(s, s.upper()) for s in chunk]
            )
        build = timed(lambda: open_memory(translations).close())
        print(f"initial index of {MEMORY_SIZE // PER_FILE} catalogs: {build:.2f} s (once)")
        queries = [str(m.id) for m in letter_catalog(random.Random(0), memory, vocab) if m.id]
        samples = [queries if FULL else rng.sample(queries, min(SAMPLE, len(queries))) for _ in range(REPS)]

        def lookup():
            matcher = matcher_for(translations, "fr", "new")
            return fill_catalog(catalogs.pop(), matcher)

        from rapidfuzz import fuzz, process

        lowered = [s.lower() for s in memory]

        def full_scan(sample: list[str]):
            return lambda: [
                process.extractOne(query.lower(), lowered, scorer=fuzz.ratio, score_cutoff=75, processor=None)
                for query in sample
            ]

        from translate.search.match import matcher
        from translate.storage.pypo import pofile

        store = pofile()
        for source in memory:
            unit = store.addsourceunit(source)
            unit.target = source.upper()
        start = time.perf_counter()
        tm = matcher(store, max_candidates=1, min_similarity=75, max_length=1000)
        print(f"translate-toolkit matcher built in {time.perf_counter() - start:.2f} s (not counted below)")

        def toolkit(sample: list[str]):
            return lambda: [tm.matches(query) for query in sample]

        lookups, scans, toolkits, lookup_cpu, update_cpu = [], [], [], [], []
        catalogs = [letter_catalog(random.Random(seed), memory, vocab) for seed in range(REPS)]
        for rep in range(REPS):  # A/B interleaved
            fill = None

            def run():
                nonlocal fill
                fill = lookup()

            lookups.append(timed(run))
            lookup_cpu.append(CPU[-1])
            scale = len(queries) / len(samples[rep])
            scans.append(timed(full_scan(samples[rep])) * scale)
            toolkits.append(timed(toolkit(samples[rep])) * scale)
        print(f"filled: {fill.exact} exact, {fill.near} near of {len(queries)} entries")
        report(
            "A: memory lookup (index load + exact + near), python -m pipeline po's path",
            lookups,
            LOOKUP_TARGET,
            lookup_cpu,
        )
        measured = "every query" if FULL else f"{len(samples[0])} queries per run, scaled to {len(queries):,}"
        report(f"B: rapidfuzz extractOne over the whole memory ({measured})", scans)
        report(f"C: translate-toolkit matcher, pot2po --tm ({measured})", toolkits)
        if not FULL:
            print(
                f"   B and C measured on {sum(map(len, samples)):,} queries ({REPS} random samples of the letter)"
            )
        print(ratio_line("B/A rapidfuzz full scan / memory lookup", Runs("B", scans), Runs("A", lookups)))
        print(
            ratio_line(
                "C/A translate-toolkit matcher / memory lookup", Runs("C", toolkits), Runs("A", lookups)
            )
        )

        # the update after one reviewed edit: one 5,000-entry catalog changed, re-indexed
        path = translations / "old00" / "fr.po"
        chunk = memory[:PER_FILE]
        conn = open_memory(translations)
        updates = []
        for rep in range(REPS):
            pairs = [(s, s.upper()) for s in chunk]
            pairs[rep] = (chunk[rep], f"edited {rep}")
            write_catalog(path, pairs)
            updates.append(timed(lambda: refresh(conn, translations)))
            update_cpu.append(CPU[-1])
            noop = timed(lambda: refresh(conn, translations))
        conn.close()
        report(
            "memory update after one reviewed edit (re-index one catalog)", updates, UPDATE_TARGET, update_cpu
        )
        print(f"refresh with nothing changed: {noop:.3f} s")


if __name__ == "__main__":
    main()

"""Benchmark: merging a changed letter into a translated catalog, ours vs GNU msgmerge.

For 500, 5,000 and 20,000 segments, two commands update the same translated catalog (old.po) against the same changed template (new.pot), each a process of its own, start-up included, taking turns (A/B interleaved, the first alternating), 7 times each at 500 and 5 at 5,000 and 20,000; printed: median and min wall time of each, their CPU time (user+sys, both cores), the ratios of medians and of mins, and the growth exponent fitted over the sizes.

  A (ours):  python -m pipeline.po old.po new.pot -o ours.po --lang fr
             (read both files, update_catalog, write the .po atomically: the merge `pipeline po` does per language)
  B (GNU):   msgmerge --quiet --previous -o gnu.po old.po new.pot

Run with ``make bench`` or ``.venv/bin/python bench/bench_catalog.py [SIZES...]``.
"""

from __future__ import annotations

import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.document.load import segment_letter  # noqa: E402
from pipeline.po.catalog import (  # noqa: E402
    build_template,
    catalog_bytes,
    parse_locale,
    read_catalog,
    update_catalog,
)

WORDS = [
    "peace",
    "return",
    "heritage",
    "family",
    "union",
    "village",
    "church",
    "dialogue",
    "river",
    "bridge",
    "nation",
    "future",
    "justice",
    "school",
    "road",
    "mountain",
    "history",
    "memory",
    "dignity",
    "respect",
    "freedom",
    "council",
    "people",
    "hope",
]
SIZES = (500, 5000, 20000)
REPEATS = {500: 7}  # 5 elsewhere


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return f"{words[0].capitalize()} {' '.join(words[1:])} number {n}."


def synthetic_letter(segments: int, rng: random.Random, edit: bool) -> str:
    """A letter of about ``segments`` segments: 60% sentences, 40% names and titles.

    With ``edit``: ~5% of sentences get a word changed, 2% are deleted, 2% inserted.
    """
    paragraphs, n = [], 0
    for _ in range(segments * 6 // 30):
        sentences = []
        for _ in range(3):
            n += 1
            text = sentence(random.Random(n), n)
            if edit:
                roll = rng.random()
                if roll < 0.05:
                    text = text.replace(" number ", " count ", 1)
                elif roll < 0.07:
                    continue
                elif roll < 0.09:
                    sentences.append(sentence(rng, 10**7 + n))
            sentences.append(text)
        paragraphs.append(" ".join(sentences) or "Filler sentence.")
    signatories = [
        f"{i}. Person{i} Surname{i % 97} – Chair of the Society number {i} for {WORDS[i % len(WORDS)]}"
        for i in range(1, segments * 4 // 20 + 1)
    ]
    return (
        'date 2026-01-01 A lead sentence.\n\nIntro:\n\n"Dear All,\n\n'
        + "\n\n".join(paragraphs)
        + ("\n\nWith respect,\n\nThe Undersigned\n\n" + "\n\n".join(signatories) + '"\n')
    )


def prepare(work: Path, segments: int) -> int:
    locale = parse_locale("fr")
    v1 = segment_letter(synthetic_letter(segments, random.Random(1), edit=False), "letter.txt")
    old = update_catalog(build_template(v1), None, locale)
    for message in old:
        if message.id:
            message.string = f"FR {message.id}"
    (work / "old.po").write_bytes(catalog_bytes(old))
    template = build_template(
        segment_letter(synthetic_letter(segments, random.Random(2), edit=True), "letter.txt")
    )
    (work / "new.pot").write_bytes(catalog_bytes(template))
    return len(template)


def ours(work: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline.po", "old.po", "new.pot", "-o", "ours.po", "--lang", "fr"]


def gnu(work: Path) -> list[str]:
    return ["msgmerge", "--quiet", "--previous", "-o", "gnu.po", "old.po", "new.pot"]


def timed(command: list[str], work: Path) -> tuple[float, float]:
    """Wall and CPU (user+sys of the process and its threads) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=work, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def exponent(rows: list[tuple], column: int) -> float:
    """Least-squares slope of log(time) against log(segments)."""
    xs = [math.log(r[0]) for r in rows]
    ys = [math.log(r[column]) for r in rows]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    if not shutil.which("msgmerge"):
        sys.exit("bench: msgmerge (GNU gettext) is not installed; run `make install`")
    print(__doc__.split("\n\n")[1].replace("\n", " "))
    print(f"  A = ours: {' '.join(ours(Path()))}")
    print(f"  B = GNU:  {' '.join(gnu(Path()))}")
    print(f"  (in a folder holding old.po and new.pot; {os.cpu_count()} CPUs here)")
    rows = []
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
        segments = prepare(work, size)
        runs = {"A": ([], []), "B": ([], [])}
        for rep in range(REPEATS.get(size, 5)):
            pair = [("A", ours(work)), ("B", gnu(work))]
            for name, command in pair if rep % 2 == 0 else pair[::-1]:
                wall, cpu = timed(command, work)
                runs[name][0].append(wall)
                runs[name][1].append(cpu)
        # Same catalog as the library call, and about as many fuzzy entries as msgmerge.
        expected = update_catalog(
            read_catalog(work / "new.pot"), read_catalog(work / "old.po"), parse_locale("fr")
        )
        if (work / "ours.po").read_bytes() != catalog_bytes(expected):
            sys.exit("bench: python -m pipeline.po wrote another catalog than update_catalog")
        fuzzy_a = sum(1 for m in read_catalog(work / "ours.po") if m.fuzzy)
        fuzzy_b = sum(1 for m in read_catalog(work / "gnu.po") if m.fuzzy)
        (a_wall, a_cpu), (b_wall, b_cpu) = runs["A"], runs["B"]
        a_med, b_med = statistics.median(a_wall), statistics.median(b_wall)
        rows.append((segments, a_med, b_med))
        print(
            f"{segments:6d} segments, {len(a_wall)} runs each: "
            f"A median {a_med:7.3f} s min {min(a_wall):7.3f} s cpu {statistics.median(a_cpu):6.3f} s "
            f"({fuzzy_a} fuzzy) | B median {b_med:7.3f} s min {min(b_wall):7.3f} s "
            f"cpu {statistics.median(b_cpu):6.3f} s ({fuzzy_b} fuzzy) | "
            f"A/B median {a_med / b_med:6.3f}x min {min(a_wall) / min(b_wall):6.3f}x"
        )
        shutil.rmtree(work)
    if len(rows) < 2:
        return
    for label, column in (("A (ours)", 1), ("B (msgmerge)", 2)):
        print(
            f"fitted growth {label}: time ~ n^{exponent(rows, column):.2f} "
            f"(least squares on log-log over {len(rows)} sizes; "
            f"last two sizes alone: n^{exponent(rows[-2:], column):.2f})"
        )


if __name__ == "__main__":
    main()

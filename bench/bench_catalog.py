"""Benchmark: merging a changed letter into a translated catalog, ours vs GNU msgmerge.

For 500, 5,000 and 20,000 segments, both commands update the same translated
catalog (old.po) against the same changed template (new.pot), taking turns
(A/B interleaved), 7 times each at 500, 5 at 5,000 and 3 at 20,000 (where
msgmerge alone takes minutes); printed: median and min of each, the ratio of
medians, and the growth exponent fitted over the sizes.

  A (ours):  read_catalog(new.pot), read_catalog(old.po), update_catalog, write the .po
             (what `python -m pipeline po` does per language)
  B (GNU):   msgmerge --quiet --previous -o gnu.po old.po new.pot

Run with ``make bench`` or ``.venv/bin/python bench/bench_catalog.py [SIZES...]``.
"""

from __future__ import annotations

import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.catalog import (  # noqa: E402
    build_template,
    catalog_bytes,
    parse_locale,
    read_catalog,
    update_catalog,
)
from pipeline.segment import segment_letter  # noqa: E402

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
REPEATS = {500: 7, 5000: 5, 20000: 3}  # msgmerge takes minutes at 20,000: 3 turns each there


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


def ours(work: Path) -> None:
    updated = update_catalog(
        read_catalog(work / "new.pot"), read_catalog(work / "old.po"), parse_locale("fr")
    )
    (work / "ours.po").write_bytes(catalog_bytes(updated))


def gnu(work: Path) -> None:
    subprocess.run(
        [
            "msgmerge",
            "--quiet",
            "--previous",
            "-o",
            str(work / "gnu.po"),
            str(work / "old.po"),
            str(work / "new.pot"),
        ],
        check=True,
    )


def timed(func, work: Path) -> float:
    start = time.perf_counter()
    func(work)
    return time.perf_counter() - start


def main() -> None:
    if not shutil.which("msgmerge"):
        sys.exit("bench: msgmerge (GNU gettext) is not installed; run `make install`")
    print(__doc__.split("\n\n")[1].replace("\n", " "))
    print("  A = ours: read pot + read po + update_catalog + write po (pipeline.catalog)")
    print("  B = GNU:  msgmerge --quiet --previous -o gnu.po old.po new.pot")
    rows = []
    sizes = [int(a) for a in sys.argv[1:]] or list(SIZES)
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
        segments = prepare(work, size)
        a_times, b_times = [], []
        for rep in range(REPEATS.get(size, 5)):
            pair = [(ours, a_times), (gnu, b_times)]
            for func, bucket in pair if rep % 2 == 0 else pair[::-1]:
                bucket.append(timed(func, work))
        fuzzy_a = sum(1 for m in read_catalog(work / "ours.po") if m.fuzzy)
        fuzzy_b = sum(1 for m in read_catalog(work / "gnu.po") if m.fuzzy)
        a_med, b_med = statistics.median(a_times), statistics.median(b_times)
        rows.append((segments, a_med, b_med))
        print(
            f"{segments:6d} segments, {len(a_times)} runs each: "
            f"A median {a_med:7.3f} s min {min(a_times):7.3f} s ({fuzzy_a} fuzzy) | "
            f"B median {b_med:7.3f} s min {min(b_times):7.3f} s ({fuzzy_b} fuzzy) | "
            f"A/B {a_med / b_med:6.3f}x"
        )
        shutil.rmtree(work)
    for label, column in (("A (ours)", 1), ("B (msgmerge)", 2)):
        xs = [math.log(r[0]) for r in rows]
        ys = [math.log(r[column]) for r in rows]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        print(f"fitted growth {label}: time ~ n^{slope:.2f} (least squares on log-log, {len(rows)} sizes)")


if __name__ == "__main__":
    main()

"""Benchmark: segment + merge a synthetic 5,000-segment letter vs GNU msgmerge.

Both sides update the same translated catalog against the same changed
letter in the same run; the result is a ratio, never a pass/fail time.
Run with ``make bench``.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.catalog import (  # noqa: E402
    build_template,
    catalog_bytes,
    parse_locale,
    read_catalog,
    update_catalog,
    write_catalog,
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
PARAGRAPHS = 1000  # x 3 sentences = 3,000 segments
SIGNATORIES = 1000  # x (name + title) = 2,000 segments
REPEATS = 3


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return f"{words[0].capitalize()} {' '.join(words[1:])} number {n}."


def synthetic_letter(rng: random.Random, edit: bool) -> str:
    paragraphs = []
    n = 0
    for _ in range(PARAGRAPHS):
        sentences = []
        for _ in range(3):
            n += 1
            text = sentence(random.Random(n), n)
            if edit:
                roll = rng.random()
                if roll < 0.05:  # change a word
                    text = text.replace(" number ", " count ", 1)
                elif roll < 0.07:  # delete
                    continue
                elif roll < 0.09:  # insert a new sentence before it
                    sentences.append(sentence(rng, 10**6 + n))
            sentences.append(text)
        paragraphs.append(" ".join(sentences) or "Filler sentence.")
    signatories = [
        f"{i}. Person{i} Surname{i % 97} – Chair of the Society number {i} for {WORDS[i % len(WORDS)]}"
        for i in range(1, SIGNATORIES + 1)
    ]
    body = "\n\n".join(paragraphs)
    return (
        'date 2026-01-01 A lead sentence.\n\nIntro:\n\n"Dear All,\n\n'
        + body
        + ("\n\nWith respect,\n\nThe Undersigned\n\n" + "\n\n".join(signatories) + '"\n')
    )


def main() -> None:
    if not shutil.which("msgmerge"):
        sys.exit("bench: msgmerge (GNU gettext) is not installed; run `make install`")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    locale = parse_locale("fr")
    v1 = segment_letter(synthetic_letter(random.Random(1), edit=False), "letter.txt")
    old_po = update_catalog(build_template(v1), None, locale)
    for message in old_po:
        if message.id:
            message.string = f"FR {message.id}"
    (work / "old.po").write_bytes(catalog_bytes(old_po))
    v2_text = synthetic_letter(random.Random(2), edit=True)
    (work / "letter.txt").write_text(v2_text, encoding="utf-8")
    template = build_template(segment_letter(v2_text, "letter.txt"))
    (work / "new.pot").write_bytes(catalog_bytes(template))
    segments = len(template)

    def ours_segment():
        segment_letter(v2_text, "letter.txt")

    def ours_full():
        doc = segment_letter((work / "letter.txt").read_text(encoding="utf-8"), "letter.txt")
        pot = build_template(doc)
        write_catalog(work / "ours.pot", pot)
        updated = update_catalog(pot, read_catalog(work / "old.po"), locale)
        (work / "ours.po").write_bytes(catalog_bytes(updated))

    def ours_merge_only():
        updated = update_catalog(read_catalog(work / "new.pot"), read_catalog(work / "old.po"), locale)
        (work / "ours.po").write_bytes(catalog_bytes(updated))

    def msgmerge():
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

    t_segment = median_time(ours_segment, REPEATS)
    t_full = median_time(ours_full, REPEATS)
    t_merge = median_time(ours_merge_only, REPEATS)
    t_gnu = median_time(msgmerge, REPEATS)
    fuzzy_ours = sum(1 for m in read_catalog(work / "ours.po") if m.fuzzy)
    fuzzy_gnu = sum(1 for m in read_catalog(work / "gnu.po") if m.fuzzy)

    start = time.perf_counter()
    result = subprocess.run(["make", "-C", str(ROOT), "--no-print-directory"], capture_output=True, text=True)
    t_noop = time.perf_counter() - start
    noop_ok = "Nothing to be done" in result.stdout

    print(
        f"synthetic letter: {segments} segments ({PARAGRAPHS * 3} sentences + {SIGNATORIES * 2} names/titles),"
    )
    print(f"~5% changed, 2% deleted, 2% inserted; median of {REPEATS} runs")
    print(f"  segmentation only                  {t_segment:8.3f} s")
    print(f"  ours: segment + pot + merge + write {t_full:8.3f} s   ({fuzzy_ours} fuzzy)")
    print(f"  ours: merge only (pot+po -> po)    {t_merge:8.3f} s")
    print(f"  GNU msgmerge (pot+po -> po)        {t_gnu:8.3f} s   ({fuzzy_gnu} fuzzy)")
    print(f"  ratio full pipeline / msgmerge     {t_full / t_gnu:8.2f}x")
    print(f"  ratio merge only / msgmerge        {t_merge / t_gnu:8.2f}x")
    print(
        f"  no-op `make`                       {t_noop:8.3f} s   ({'nothing to do' if noop_ok else 'NOT a no-op'})"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

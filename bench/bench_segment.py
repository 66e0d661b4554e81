"""Benchmark: segment and extract (Document -> .pot entries) a 3,000-signatory letter; target <= 2 s.

A: this tree's reader (``pipeline.document.readers.read`` + ``build_template``) on a
   3,000-signatory plain-text letter (the sample letter's text with 3,000
   numbered signatories).
B: the segmenter before the readers (commit BASELINE, the parent of 8c0e8b9,
   exported with ``git archive``) with that commit's own ``build_template``,
   on the same letter.
Each side runs in a long-lived process of its own (bench/segment_worker.py),
after one warm-up run, turn about (A B A B ...), REPEATS times; the printed
ratio is that of the two printed commands, run the same way by hand.
Also: A alone on the real 3,080-signatory Markdown letter of the corpus
(tests/data/letters/rms_open_letter.md).

Run: .venv/bin/python bench/bench_segment.py
"""

from __future__ import annotations

import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import Worker, interleaved_workers, ratio_line  # noqa: E402

from pipeline.document.readers import read  # noqa: E402
from pipeline.po.catalog import build_template  # noqa: E402

TARGET_S = 2.0
REPEATS = 5
SIGNATORIES = 3000
BASELINE = "69989cb"  # "Spine": the last pipeline/document/load.py before the readers


def big_letter(folder: Path) -> Path:
    """The sample letter's text followed by 3,000 numbered "Name – Title" signatories."""
    text = (ROOT / "source" / "letter.txt").read_text(encoding="utf-8")
    body = text[: text.index("\n1. ")]
    lines = [
        f"{n}. Person{n} Surname{n % 97} – Chair of the Union of Association {n % 211}, Council {n % 13}"
        for n in range(1, SIGNATORIES + 1)
    ]
    path = folder / "big.txt"
    path.write_text(body + "\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def baseline_tree(folder: Path) -> Path | None:
    """Commit BASELINE's pipeline/ under ``folder``, or None outside a git checkout."""
    try:
        archive = subprocess.run(
            ["git", "archive", BASELINE, "pipeline"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = big_letter(Path(tmp))
        base = baseline_tree(Path(tmp) / "baseline")
        worker = str(ROOT / "bench" / "segment_worker.py")
        a = [sys.executable, worker, str(ROOT), str(path), str(SIGNATORIES)]
        b = [sys.executable, worker, str(base), str(path), str(SIGNATORIES)]
        sides = {"A": Worker(a)}
        if base is not None:
            sides["B"] = Worker(b)
        try:
            runs = interleaved_workers(sides, REPEATS)
        finally:
            for side in sides.values():
                side.close()
        entries = len(build_template(read(path)))
        print(
            f"{SIGNATORIES:,}-signatory plain-text letter, {entries:,} template entries, {REPEATS} runs each, turn about"
        )
        print(f"  A: {shlex.join(a)} --runs {REPEATS}")
        ra = runs["A"]
        print(f"     this tree: readers.read + build_template   median {ra.median:.3f} s  min {ra.min:.3f} s")
        if base is not None:
            print(f"  B: {shlex.join(b)} --runs {REPEATS}")
            print(f"     (B's tree: git archive {BASELINE} pipeline)")
            print(ratio_line("A / B (this tree / before the readers)", ra, runs["B"]))
        else:
            print("  B: (not a git checkout: no baseline commit to compare with)")
        md = ROOT / "tests" / "data" / "letters" / "rms_open_letter.md"
        times = []
        for _ in range(REPEATS):
            times.append(timed(lambda: build_template(read(md))))
        count = len(read(md).signatories)
        print(
            f"{count:,}-signatory Markdown letter (rms_open_letter.md): median {statistics.median(times):.3f} s"
            f"  min {min(times):.3f} s"
        )
        worst = max(ra.median, statistics.median(times))
        verdict = "OK" if worst <= TARGET_S else "TOO SLOW"
        print(
            f"target <= {TARGET_S:.1f} s: measured {worst:.3f} s (the slower of the two medians): {verdict}"
        )
        return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())

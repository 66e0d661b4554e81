"""Benchmark: segment and extract (Document -> .pot entries) a 3,000-signatory letter; target <= 2 s.

A: this tree's reader (``pipeline.document.readers.read`` + ``build_template``) on a
   3,000-signatory plain-text letter (the sample letter's text with 3,000
   numbered signatories).
B: the segmenter of the last commit (``git show HEAD:pipeline/document/load.py``,
   loaded as a module) + the same ``build_template``, on the same letter:
   the baseline, run turn about with A, 5 times each.
Also: A alone on the real 3,080-signatory Markdown letter of the corpus
(tests/data/letters/rms_open_letter.md).

Run: .venv/bin/python bench/bench_segment.py
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.document.readers import read  # noqa: E402
from pipeline.po.catalog import build_template  # noqa: E402

TARGET_S = 2.0
REPEATS = 5
SIGNATORIES = 3000


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


def head_segmenter():
    """The last commit's pipeline/document/load.py, or None outside a git checkout."""
    try:
        source = subprocess.run(
            ["git", "show", "HEAD:pipeline/document/load.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    if "def segment_letter" not in source or "from .readers" in source:
        return None  # HEAD already has the readers: no older baseline to compare with
    spec = importlib.util.spec_from_loader("pipeline._segment_head", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "pipeline"
    sys.modules[spec.name] = module  # dataclasses look their module up here
    exec(compile(source, "HEAD:pipeline/document/load.py", "exec"), module.__dict__)
    return module


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = big_letter(Path(tmp))
        head = head_segmenter()

        def run_a():
            doc = read(path)
            assert len(doc.signatories) == SIGNATORIES
            return len(build_template(doc))

        def run_b():
            doc = head.segment_letter(head.read_source(path), source=path)
            assert len(doc.signatories) == SIGNATORIES
            return len(build_template(doc))

        entries = run_a()  # warm-up (imports, sentencex)
        a, b = [], []
        for _ in range(REPEATS):
            a.append(timed(run_a))
            if head is not None:
                b.append(timed(run_b))
        print(
            f"{SIGNATORIES:,}-signatory plain-text letter, {entries:,} template entries, {REPEATS} runs each, turn about"
        )
        print(
            f"  A  readers.read + build_template       median {statistics.median(a):.3f} s  min {min(a):.3f} s"
        )
        if b:
            print(
                f"  B  HEAD segment_letter + build_template median {statistics.median(b):.3f} s  min {min(b):.3f} s"
            )
            print(f"  A/B median ratio {statistics.median(a) / statistics.median(b):.2f}")
        else:
            print("  B  (no older segmenter at HEAD to compare with)")
        md = ROOT / "tests" / "data" / "letters" / "rms_open_letter.md"
        times = []
        for _ in range(REPEATS):
            times.append(timed(lambda: build_template(read(md))))
        count = len(read(md).signatories)
        print(
            f"{count:,}-signatory Markdown letter (rms_open_letter.md): median {statistics.median(times):.3f} s"
            f"  min {min(times):.3f} s"
        )
        worst = max(statistics.median(a), statistics.median(times))
        verdict = "OK" if worst <= TARGET_S else "TOO SLOW"
        print(
            f"target <= {TARGET_S:.1f} s: measured {worst:.3f} s (the slower of the two medians): {verdict}"
        )
        return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())

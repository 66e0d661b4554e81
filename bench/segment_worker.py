"""One side of bench_segment's A/B, in a process of its own (bench/timing.py ``serve``).

  TREE LETTER: read and segment LETTER, then build its .pot entries, with the ``pipeline``
               package of TREE (a checkout, or an older commit's ``git archive``)

This tree's code reads with ``pipeline.document.readers.read``; a tree from before the readers
(commit 8c0e8b9) with ``segment.segment_letter(segment.read_source(...))``. Both then build the
template with their own ``catalog.build_template``. Run from anywhere, e.g.
``python bench/segment_worker.py . big.txt --runs 5``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from timing import serve, split_options


def job_for(tree: Path, letter: Path, signatories: int | None):
    sys.path.insert(0, str(tree))
    pipeline = importlib.import_module("pipeline")
    where = Path(pipeline.__file__).resolve().parent.parent
    if where != tree.resolve():
        raise SystemExit(f"pipeline imported from {where}, not from {tree}")
    catalog = importlib.import_module("pipeline.po.catalog")
    try:
        read = importlib.import_module("pipeline.document.readers").read
    except ModuleNotFoundError:  # the segmenter before the readers
        segment = importlib.import_module("pipeline.document.load")

        def read(path: Path):
            return segment.segment_letter(segment.read_source(path), source=path)

    def job() -> int:
        doc = read(letter)
        assert signatories is None or len(doc.signatories) == signatories, len(doc.signatories)
        return len(catalog.build_template(doc))

    return job


def main(argv: list[str]) -> None:
    args, options = split_options(argv)
    if len(args) not in (2, 3):
        raise SystemExit(__doc__)
    count = int(args[2]) if len(args) == 3 else None
    serve(job_for(Path(args[0]), Path(args[1]), count), None, options)


if __name__ == "__main__":
    main(sys.argv[1:])

"""One side of bench_editions' warm A/B, in a process of its own (bench/timing.py ``serve``).

  pipeline OUT:            build_editions of source/letter.txt (en az ru fr) into OUT, removed before each run
  bare TEMPLATES HTML...:  weasyprint.HTML(filename=html, base_url=TEMPLATES).write_pdf(pdf, pdf_variant='pdf/ua-1')

The bare side never imports ``pipeline``: WeasyPrint, pydyf and Pyphen as installed, no hook, no
patch, no registered dictionary (checked after its warm-up). Run from the repository root, e.g.
``python bench/editions_warm.py bare templates/ out/*.html --runs 5``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from timing import serve, split_options

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ["en", "az", "ru", "fr"]


def pipeline_job(out: Path):
    sys.path.insert(0, str(ROOT))
    from pipeline.document.load import load_document
    from pipeline.editions import build_editions

    def job() -> None:
        doc = load_document(ROOT / "source/letter.txt")
        results = build_editions(doc, EDITIONS, ROOT / "translations", out / doc.name, jobs=1)
        assert all(r.rendered for r in results), results

    return job, lambda: shutil.rmtree(out, ignore_errors=True)


def bare_job(templates: str, htmls: list[str]):
    from weasyprint import HTML

    def job() -> None:
        for html in htmls:
            HTML(filename=html, base_url=templates).write_pdf(html[:-5] + ".pdf", pdf_variant="pdf/ua-1")
        assert not any(name == "pipeline" or name.startswith("pipeline.") for name in sys.modules), (
            "the bare side imported the pipeline"
        )

    return job, None


def main(argv: list[str]) -> None:
    args, options = split_options(argv)
    if args[:1] == ["pipeline"] and len(args) == 2:
        job, setup = pipeline_job(Path(args[1]))
    elif args[:1] == ["bare"] and len(args) >= 3:
        job, setup = bare_job(args[1], args[2:])
    else:
        raise SystemExit(__doc__)
    serve(job, setup, options)


if __name__ == "__main__":
    main(sys.argv[1:])

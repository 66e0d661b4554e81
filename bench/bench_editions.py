"""Benchmark: the full edition build against a bare WeasyPrint render of the same HTML.

All in one run, on the same machine: the pipeline (one process per language,
as make runs it) sequentially and in parallel, then WeasyPrint alone on the
HTML files the pipeline wrote (its command line, one process per file, and
in-process). Results are ratios; nothing here passes or fails.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "az", "ru", "fr"]
REPEATS = 3
PY = sys.executable
WEASYPRINT = str(Path(PY).parent / "weasyprint")
# The same kind of PDF as the pipeline makes (tagged PDF/UA-1), for a fair baseline.
VARIANT_CLI = ["--pdf-variant", "pdf/ua-1"]


def edition(lang: str, out: Path) -> None:
    subprocess.run(
        [
            PY,
            "-m",
            "pipeline",
            "edition",
            "source/letter.txt",
            "--langs",
            "az ru fr",
            "--lang",
            lang,
            "--output",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def median_time(func) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-editions-"))
    out = work / "out"
    jobs = os.cpu_count() or 2

    sequential = median_time(lambda: [edition(lang, out) for lang in LANGS])

    def parallel():
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(lambda lang: edition(lang, out), LANGS))

    parallel_time = median_time(parallel)
    htmls = [out / "letter" / f"{lang}.html" for lang in LANGS]

    def bare_cli():
        for html in htmls:
            subprocess.run(
                [
                    WEASYPRINT,
                    *VARIANT_CLI,
                    "--base-url",
                    str(ROOT / "templates") + "/",
                    str(html),
                    str(work / f"{html.stem}.pdf"),
                ],
                check=True,
                capture_output=True,
            )

    bare_cli_time = median_time(bare_cli)

    from weasyprint import HTML

    def bare_inprocess():
        for html in htmls:
            HTML(filename=str(html), base_url=str(ROOT / "templates") + "/").write_pdf(
                work / f"{html.stem}.pdf", pdf_variant="pdf/ua-1"
            )

    bare_inprocess()  # warm-up: imports and font loading
    bare_inprocess_time = median_time(bare_inprocess)

    print(f"editions: {', '.join(LANGS)} (HTML + PDF each); median of {REPEATS} runs; {jobs} cores")
    print(f"  pipeline, sequential (one process per language)   {sequential:7.2f} s")
    print(f"  pipeline, parallel ({jobs} jobs, as `make` runs it)    {parallel_time:7.2f} s")
    print(f"  bare WeasyPrint CLI on the same HTML, sequential   {bare_cli_time:7.2f} s")
    print(f"  bare WeasyPrint in one warm process, sequential    {bare_inprocess_time:7.2f} s")
    print(
        f"  overhead: pipeline / bare CLI                      {sequential / bare_cli_time:7.2f}x  (target <= 1.15)"
    )
    print(f"  overhead: pipeline / bare warm in-process          {sequential / bare_inprocess_time:7.2f}x")
    print(f"  speed-up: sequential / parallel                    {sequential / parallel_time:7.2f}x")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

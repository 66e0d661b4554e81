"""Benchmark: the full edition build against a bare WeasyPrint render of the same HTML.

All in one run, on the same machine: the pipeline's full build from scratch
(`python -m pipeline editions`, as make runs it) with 1 job and with one per
core, then WeasyPrint alone on the HTML files the pipeline wrote, into the
same tagged PDF/UA-1 (its command line, one process per file, and in one warm
process). Results are ratios; nothing here passes or fails.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_time

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "az", "ru", "fr"]
REPEATS = 5
PY = sys.executable
WEASYPRINT = str(Path(PY).parent / "weasyprint")
# The same kind of PDF as the pipeline makes (tagged PDF/UA-1), for a fair baseline.
VARIANT_CLI = ["--pdf-variant", "pdf/ua-1"]


def editions(out: Path, jobs: int) -> None:
    """The full edition build as `make` runs it, from scratch."""
    shutil.rmtree(out, ignore_errors=True)
    command = [PY, "-m", "pipeline", "editions", "source/letter.txt", "--langs", "az ru fr"]
    subprocess.run(
        [*command, "--jobs", str(jobs), "--output", str(out)], cwd=ROOT, check=True, capture_output=True
    )


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-editions-"))
    out = work / "out"
    jobs = os.cpu_count() or 2

    editions(out, jobs)  # warm-up; its HTML files are the bare renders' input
    (work / "html").mkdir()
    htmls = [Path(shutil.copy(out / "letter" / f"{lang}.html", work / "html")) for lang in LANGS]

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

    bare_cli_time = median_time(bare_cli, REPEATS)

    script = (
        "import sys, weasyprint\n"
        "for html in sys.argv[2:]:\n"
        "    weasyprint.HTML(filename=html, base_url=sys.argv[1]).write_pdf(html + '.pdf', pdf_variant='pdf/ua-1')\n"
    )

    def bare_one_process():
        subprocess.run([PY, "-c", script, str(ROOT / "templates") + "/", *map(str, htmls)], check=True)

    # The headline pair, measured turn about so that drift on a shared machine hits both alike.
    ours_times, bare_times = [], []
    for _ in range(REPEATS):
        ours_times.append(median_time(lambda: editions(out, 1), 1))
        bare_times.append(median_time(bare_one_process, 1))
    sequential, bare_one_process_time = statistics.median(ours_times), statistics.median(bare_times)
    parallel_time = median_time(lambda: editions(out, jobs), REPEATS)

    from weasyprint import HTML

    def bare_inprocess():
        for html in htmls:
            HTML(filename=str(html), base_url=str(ROOT / "templates") + "/").write_pdf(
                work / f"{html.stem}.pdf", pdf_variant="pdf/ua-1"
            )

    bare_inprocess()  # warm-up: imports and font loading
    bare_inprocess_time = median_time(bare_inprocess, REPEATS)

    print(f"editions: {', '.join(LANGS)} (HTML + PDF each); median of {REPEATS} runs; {jobs} cores")
    print(f"  pipeline, 1 job (one process, all editions)        {sequential:7.2f} s")
    print(f"  pipeline, {jobs} jobs (forked workers, as `make` runs)  {parallel_time:7.2f} s")
    print(f"  bare WeasyPrint CLI on the same HTML, sequential   {bare_cli_time:7.2f} s")
    print(f"  bare WeasyPrint, one new process for all four      {bare_one_process_time:7.2f} s")
    print(f"  bare WeasyPrint in one warm process, sequential    {bare_inprocess_time:7.2f} s")
    ratio = sequential / bare_one_process_time
    print(f"  overhead: pipeline / bare, one process each        {ratio:7.2f}x  (target <= 1.15)")
    print(f"  overhead: pipeline / bare CLI                      {sequential / bare_cli_time:7.2f}x")
    print(f"  overhead: pipeline / bare warm in-process          {sequential / bare_inprocess_time:7.2f}x")
    print(f"  speed-up: sequential / parallel                    {sequential / parallel_time:7.2f}x")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

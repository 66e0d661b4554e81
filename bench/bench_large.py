"""Benchmark: a 3,000-signatory letter through the whole pipeline (issue 10's targets).

The letter is tests/data/letters/rms_open_letter.md (Markdown, about 3,000
signatories, 4,221 entries), built in a copy of the repository with the
shared .venv. Every figure is an A/B of two commands printed in full, run
turn about, BENCH_REPEATS times each (default 5), median and min.

1. Segment and extract: ``pipeline pot`` (template removed before each run;
   target <= 2 s) against ``pipeline segment --json`` (segmentation alone).
2. ``make SOURCE=… LANGS=ru`` from scratch (catalogs, drafts, both editions;
   target <= 30 s on 2 cores) against bare WeasyPrint rendering the same two
   HTML files to PDF/UA-1 in two processes at once (what the editions step
   does in its two workers, without the pipeline).
3. Where make's time goes: each step's command run alone, once, and the
   progress lines the editions step printed.
Nothing here passes or fails.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import interleaved, ratio_line

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "tests" / "data" / "letters" / "rms_open_letter.md"
NAME = LETTER.stem
SOURCE = f"source/{LETTER.name}"
LANG = "ru"
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
PY = ".venv/bin/python"
BARE = (
    "import sys, weasyprint\n"
    "weasyprint.HTML(filename=sys.argv[2], base_url=sys.argv[1]).write_pdf(sys.argv[2][:-5] + '.pdf', pdf_variant='pdf/ua-1')\n"
)
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}


def run(command: list[str] | str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=ENV, shell=isinstance(command, str)
    )
    if result.returncode != 0:
        shown = command if isinstance(command, str) else shlex.join(command)
        raise SystemExit(f"failed: {shown}\n{result.stdout}\n{result.stderr}")
    return result


def copy_repo(work: Path) -> Path:
    repo = work / "repo"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "output", "__pycache__", ".*cache", "*.egg-info", "models", "node_modules"
    )
    shutil.copytree(ROOT, repo, ignore=ignore, symlinks=True)
    os.symlink(ROOT / ".venv", repo / ".venv")
    # Dated before the venv's install stamp: make in the copy never reinstalls the shared venv.
    before = (ROOT / ".venv" / ".installed").stat().st_mtime - 1
    os.utime(repo / "pyproject.toml", (before, before))
    shutil.copy(LETTER, repo / SOURCE)
    return repo


def extract(repo: Path) -> None:
    pot = repo / "translations" / NAME / f"{NAME}.pot"
    pot_cmd = [PY, "-m", "pipeline", "pot", SOURCE]
    segment_cmd = [PY, "-m", "pipeline", "segment", SOURCE, "--json"]
    cache = repo / "output" / ".cache" / "documents"  # the segmented letter kept between steps

    def uncached() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def fresh_pot() -> None:
        uncached()
        pot.unlink(missing_ok=True)

    runs = interleaved(
        {"pot": lambda: run(pot_cmd, repo), "segment": lambda: run(segment_cmd, repo)},
        REPEATS,
        setup={"pot": fresh_pot, "segment": uncached},
    )
    print(f"1. segment + extract, {LETTER.name} (target <= 2 s)")
    print(f"   A: rm -r {cache.relative_to(repo)} {pot.relative_to(repo)} && {shlex.join(pot_cmd)}")
    print(f"   B: rm -r {cache.relative_to(repo)} && {shlex.join(segment_cmd)}")
    print(ratio_line("pot (segment + extract) / segment alone", runs["pot"], runs["segment"]))


def clean(repo: Path) -> None:
    for path in ("output", f"translations/{NAME}"):
        shutil.rmtree(repo / path, ignore_errors=True)


def full_make(repo: Path) -> None:
    make = ["make", "--no-print-directory", f"SOURCE={SOURCE}", f"LANGS={LANG}"]
    out = repo / "output" / NAME
    clean(repo)
    first = run(make, repo)  # warm-up; its HTML files are the bare renders' input
    bare_dir = repo.parent / "bare"
    bare_dir.mkdir(exist_ok=True)
    htmls = [str(shutil.copy(out / f"{lang}.html", bare_dir)) for lang in ("en", LANG)]
    templates = str(repo / "templates") + "/"
    bare = f"printf '%s\\n' {' '.join(htmls)} | xargs -P 2 -n 1 {PY} -c {shlex.quote(BARE)} {templates}"
    runs = interleaved(
        {"make": lambda: run(make, repo), "bare": lambda: run(bare, repo)},
        REPEATS,
        setup={"make": lambda: clean(repo)},
    )
    print(f"2. make from scratch, en + {LANG} (drafts), {os.cpu_count()} cores (target <= 30 s)")
    print(f"   A: rm -rf output translations/{NAME} && {shlex.join(make)}")
    print(f"   B: {bare[: bare.index(' -c ') + 4]}'<script below>' {templates}")
    print("      " + BARE.replace("\n", "\n      ").rstrip())
    print(ratio_line(f"make (en + {LANG}) / bare WeasyPrint, 2 processes", runs["make"], runs["bare"]))
    lines = [line for line in first.stderr.splitlines() if re.match(r"\w+\.pdf: ", line)]
    print(f"   progress lines on make's stderr (first run): {len(lines)}")
    for line in lines:
        print(f"     {line}")


def steps(repo: Path) -> None:
    clean(repo)
    commands = [
        ("pot", [PY, "-m", "pipeline", "pot", SOURCE]),
        ("po", [PY, "-m", "pipeline", "po", SOURCE, "--langs", LANG]),
        ("translate", [PY, "-m", "pipeline", "translate", SOURCE, "--langs", LANG, "--if-available"]),
        ("editions", [PY, "-m", "pipeline", "editions", SOURCE, "--langs", LANG, "--jobs", "2"]),
    ]
    print("3. make's steps, each run alone once (wall s)")
    for name, command in commands:
        start = time.perf_counter()
        run(command, repo)
        print(f"   {name:<10} {time.perf_counter() - start:6.2f}   {shlex.join(command)}")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-large-"))
    print(f"large-letter benchmark: {REPEATS} runs of each command, turn about; {os.cpu_count()} cores")
    try:
        repo = copy_repo(work)
        extract(repo)
        full_make(repo)
        steps(repo)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

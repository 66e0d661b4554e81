"""Benchmark: the editions against bare WeasyPrint, and incremental rebuilds with make.

Every figure is an A/B of two commands printed in full, run turn about
(A B A B …, so drift on a shared machine hits both alike), REPEATS times
each; it prints median and min of each and their ratios. A person running
the two printed commands by hand, the same way, measures the same ratio.

1. From scratch, one new process each: the pipeline's editions step (one
   job) against one Python process rendering the same HTML files to the same
   kind of PDF (tagged PDF/UA-1) with WeasyPrint alone.
2. The same, warm: ``build_editions`` against ``HTML(...).write_pdf`` in a
   loop, each in a long-lived process of its own (bench/editions_warm.py)
   after one warm-up run (imports and fonts loaded). The bare side never
   imports the pipeline: no pydyf patch, no layout hook, no registered
   Azerbaijani dictionary, WeasyPrint exactly as installed.
3. Incremental rebuilds in a copy of the repository: ``make`` after a
   whitespace-only edit of the letter, and after one translation changed in
   ru.po, each against ``make`` after ``rm -rf output/letter`` (every
   edition rebuilt); with the editions each run rendered.
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
from pathlib import Path

from timing import Worker, interleaved, interleaved_workers, ratio_line

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LANGS = "az ru fr"
EDITIONS = ["en", *LANGS.split()]
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
PY = sys.executable
TEMPLATES = str(ROOT / "templates") + "/"
BARE = (
    "import sys, weasyprint\n"
    "for html in sys.argv[2:]:\n"
    "    weasyprint.HTML(filename=html, base_url=sys.argv[1]).write_pdf(html[:-5] + '.pdf', pdf_variant='pdf/ua-1')\n"
)


def run(command: list[str], cwd: Path = ROOT) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {shlex.join(command)}\n{result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def show(command: list[str]) -> str:
    return shlex.join(str(part) for part in command)


def from_scratch(work: Path) -> None:
    out = work / "out"
    pipeline = [PY, "-m", "pipeline", "editions", "source/letter.txt", "--langs", LANGS, "--jobs", "1"]
    pipeline += ["--output", str(out)]
    run(pipeline)  # warm-up; its HTML files are the bare renders' input
    bare_dir = work / "bare"
    bare_dir.mkdir()
    htmls = [shutil.copy(out / "letter" / f"{lang}.html", bare_dir) for lang in EDITIONS]
    bare = [PY, "-c", BARE, TEMPLATES, *map(str, htmls)]
    runs = interleaved(
        {"pipeline": lambda: run(pipeline), "bare": lambda: run(bare)},
        REPEATS,
        setup={"pipeline": lambda: shutil.rmtree(out, ignore_errors=True)},
    )
    print(f"1. from scratch, one new process each; {len(EDITIONS)} editions ({', '.join(EDITIONS)})")
    print(f"   A: rm -rf {out} && {show(pipeline)}")
    print(f"   B: {show(bare[:2])} '<script below>' {show(bare[3:4])} {bare_dir}/*.html")
    print("      " + BARE.replace("\n", "\n      ").rstrip())
    print(ratio_line("editions / bare WeasyPrint, new process", runs["pipeline"], runs["bare"]))
    warm(work, htmls)


def warm(work: Path, htmls: list[str]) -> None:
    out = work / "warm"
    worker = str(ROOT / "bench" / "editions_warm.py")
    a = [PY, worker, "pipeline", str(out)]
    b = [PY, worker, "bare", TEMPLATES, *map(str, htmls)]
    # Each side warm in a process of its own: the pipeline's patches (pydyf's page references, the
    # layout hooks) and its registered Pyphen dictionaries never reach the bare side.
    workers = {"pipeline": Worker(a, cwd=str(ROOT)), "bare": Worker(b, cwd=str(ROOT))}
    try:
        runs = interleaved_workers(workers, REPEATS)
    finally:
        for w in workers.values():
            w.close()
    print("2. from scratch, warm: each side in a long-lived process of its own, after one warm-up run")
    print(f"   A: {show(a)} --runs {REPEATS}")
    print(f"   B: {show(b[:4])} {Path(htmls[0]).parent}/*.html --runs {REPEATS}")
    print("      (bench/editions_warm.py: A removes its output before each run; B never imports pipeline)")
    print(ratio_line("editions / bare WeasyPrint, warm", runs["pipeline"], runs["bare"]))


def incremental(work: Path) -> None:
    repo = work / "repo"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "output", "__pycache__", ".*cache", "*.egg-info", "models"
    )
    shutil.copytree(ROOT, repo, ignore=ignore, symlinks=True)
    os.symlink(ROOT / ".venv", repo / ".venv")
    # Dated before the venv's install stamp: make in the copy never reinstalls the shared venv.
    before = (ROOT / ".venv" / ".installed").stat().st_mtime - 1
    os.utime(repo / "pyproject.toml", (before, before))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    make = ["make", "--no-print-directory"]

    def run_make() -> str:
        result = subprocess.run(make, cwd=repo, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise SystemExit(f"make failed in {repo}:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    letter = repo / "source/letter.txt"
    original = letter.read_bytes()
    po = repo / "translations/letter/ru.po"
    rendered: dict[str, list[int]] = {"full": [], "whitespace": [], "po": []}

    def timed(name: str):
        def go() -> None:
            out = run_make()
            rendered[name].append(len(re.findall(r"\.html \+ \.pdf", out)))

        return go

    flip = {"whitespace": False, "po": False}

    def edit_whitespace() -> None:  # trailing spaces on line 5, on and off
        flip["whitespace"] = not flip["whitespace"]
        lines = original.split(b"\n")
        lines[4] += b"   " if flip["whitespace"] else b""
        letter.write_bytes(b"\n".join(lines))

    def edit_po() -> None:  # one translation, changed and back
        from pipeline.po.catalog import catalog_bytes, read_catalog

        flip["po"] = not flip["po"]
        catalog = read_catalog(po)
        message = next(m for m in catalog if m.id and m.string)
        message.string = message.string.rstrip(" *") + (" *" if flip["po"] else "")
        po.write_bytes(catalog_bytes(catalog))

    run_make()  # the catalogs, stamps and editions exist: what a person has after `make`
    runs = interleaved(
        {"full": timed("full"), "whitespace": timed("whitespace"), "po": timed("po")},
        REPEATS,
        setup={
            "full": lambda: shutil.rmtree(repo / "output/letter", ignore_errors=True),
            "whitespace": edit_whitespace,
            "po": edit_po,
        },
    )
    letter.write_bytes(original)
    jobs = os.cpu_count() or 2
    print(f"3. incremental rebuilds with make (JOBS={jobs}), in {repo}")
    print("   full:       rm -rf output/letter && make")
    print("   whitespace: toggle trailing spaces on line 5 of source/letter.txt && make")
    print("   po:         toggle ' *' at the end of one msgstr of translations/letter/ru.po && make")
    print(ratio_line("make after whitespace edit / full rebuild", runs["whitespace"], runs["full"]))
    print(ratio_line("make after one ru.po edit / full rebuild", runs["po"], runs["full"]))
    for name in ("whitespace", "po", "full"):
        print(f"   editions rendered per run, {name:<10} {rendered[name]}")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-editions-"))
    print(f"editions benchmark: {REPEATS} runs of each command, turn about; {os.cpu_count()} cores")
    try:
        from_scratch(work)
        incremental(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Run the editions and catalog tests against the lowest versions pyproject.toml allows.

Every runtime dependency's lower bound (``name>=X``) becomes ``name==X`` in a pip constraints
file; a fresh virtual environment outside the project (default: a temporary folder) gets exactly
those versions, the test tools and this checkout (``--no-deps``), and runs the tests that
exercise WeasyPrint, pydyf, Pyphen, Babel, Jinja2 and the other runtime libraries. A floor
that does not really work fails here, not in a user's install. ``make test-floors`` runs it.

Usage: .ci/floors.py [--venv DIR] [--constraints-only] [pytest arguments...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The tests that import or drive the runtime libraries: editions (WeasyPrint, pydyf, Pyphen,
# Jinja2, fontTools), catalogs (Babel, translate-toolkit), readers, segmentation, memory, MT.
TESTS = [
    "tests/test_editions.py",
    "tests/test_columns.py",
    "tests/test_hyphenation.py",
    "tests/test_typesetting.py",
    "tests/test_catalog.py",
    "tests/test_po_format.py",
    "tests/test_readers.py",
    "tests/test_segment.py",
    "tests/test_memory.py",
    "tests/test_translate.py",
    "tests/test_markup.py",
    "tests/test_glossary.py",
    "tests/test_libretranslate.py",
]
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")


def floors(pyproject: Path) -> dict[str, str]:
    """``{name: lowest version}`` for every runtime dependency; one without ``>=`` is an error."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out: dict[str, str] = {}
    for dep in deps:
        m = _REQ.match(dep.split(";")[0])
        if not m:
            raise SystemExit(f"{pyproject}: error: cannot read the dependency {dep!r}")
        name, spec = m.group(1), m.group(3)
        low = re.search(r">=\s*([0-9][^,\s]*)", spec)
        if not low:
            raise SystemExit(
                f"{pyproject}: error: {name} has no lower bound (>=): its floor cannot be tested"
            )
        out[name] = low.group(1)
    return out


def constraints_text(pins: dict[str, str]) -> str:
    return "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _same(a: str | None, b: str) -> bool:
    """``6`` and ``6.0`` are one version (PEP 440 pads with zeros)."""
    return a is not None and re.sub(r"(\.0+)+$", "", a) == re.sub(r"(\.0+)+$", "", b)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", type=Path, help="environment folder (default: a fresh temporary one)")
    ap.add_argument("--constraints-only", action="store_true", help="print the constraints and stop")
    args, pytest_args = ap.parse_known_args(argv)

    pins = floors(ROOT / "pyproject.toml")
    text = constraints_text(pins)
    if args.constraints_only:
        sys.stdout.write(text)
        return 0

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="letter-floors-"))
    venv = args.venv or work / "venv"
    constraints = work / "floors.txt"
    constraints.write_text(text, encoding="utf-8")
    try:
        if venv.exists():
            shutil.rmtree(venv)  # always a fresh environment: nothing left from an earlier run
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        py = str(venv / "bin" / "python")
        pip = [py, "-m", "pip", "install", "-q", "-c", str(constraints)]
        # The runtime dependencies at exactly their floors (the constraints), then the test tools
        # (newest allowed), then this checkout itself without touching what is installed.
        subprocess.run([*pip, *(f"{n}=={v}" for n, v in sorted(pins.items()))], check=True)
        test_deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][
            "test"
        ]
        subprocess.run([*pip, *test_deps], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)], check=True)
        frozen = subprocess.run(
            [py, "-m", "pip", "freeze"], capture_output=True, text=True, check=True
        ).stdout
        installed = {_norm(a): b for a, _, b in (ln.partition("==") for ln in frozen.splitlines()) if b}
        wrong = {
            n: (v, installed.get(_norm(n))) for n, v in pins.items() if not _same(installed.get(_norm(n)), v)
        }
        if wrong:
            for name, (want, got) in sorted(wrong.items()):
                print(f"floors: error: {name} is {got}, not its floor {want}", file=sys.stderr)
            return 1
        print("floors:", " ".join(f"{n}=={v}" for n, v in sorted(pins.items())), flush=True)
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        rc = subprocess.run(
            [py, "-m", "pytest", "-q", "-m", "not slow", "-p", "no:cacheprovider", *(pytest_args or TESTS)],
            cwd=ROOT,
            env=env,
        ).returncode
        print(
            f"floors: tests {'passed' if rc == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s (install included)"
        )
        return rc
    finally:
        if args.venv is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            constraints.unlink(missing_ok=True)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Shared fixtures: the seed letter, the second test letter, and CLI helpers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Argos reads its folders from the environment once, at import: give this test
# session its own, never the user's home or the project's models/.
SESSION_MODELS = Path(tempfile.mkdtemp(prefix="letter-models-"))
os.environ["LETTER_MODELS_DIR"] = str(SESSION_MODELS)
os.environ["ARGOS_PACKAGES_DIR"] = str(SESSION_MODELS / "packages")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "letter.txt"
SECOND = ROOT / "tests" / "data" / "second_letter.txt"


def run_cli(
    *args: str, cwd: Path | None = None, check: bool = False, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m pipeline ARGS`` as a user would."""
    env_path = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": env_path, **(env or {})},
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pipeline {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def letter_project(root: Path, langs: str, letter: Path = SEED, name: str = "letter.txt") -> Path:
    """A project in ``root``: the letter as ``source/<name>``, its template and the catalogs of ``langs``."""
    (root / "source").mkdir(parents=True)
    shutil.copy2(letter, root / "source" / name)
    run_cli("pot", f"source/{name}", cwd=root, check=True)
    run_cli("po", f"source/{name}", "--langs", langs, cwd=root, check=True)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes, to prove nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A scratch project folder holding a copy of the seed letter."""
    (tmp_path / "source").mkdir()
    shutil.copy2(SEED, tmp_path / "source" / "letter.txt")
    return tmp_path


def chromium_screenshot(url: str, shot: Path, size: str, profile: Path) -> None:
    """A headless Chromium screenshot, started as the probe of this kind of machine does."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is installed by `make install`"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--window-size={size}",
            f"--screenshot={shot}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def pixels(shot: Path) -> list[tuple[int, int, int]]:
    from PIL import Image

    raw = Image.open(shot).convert("RGB").tobytes()
    return [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]


def share_venv(copy: Path) -> None:
    """Let a copy of the repository use this checkout's installed .venv.

    The copy's pyproject.toml is dated before the venv's install stamp, so make
    in the copy never reinstalls the shared venv (an editable install there
    would point this checkout's `pipeline` at the temporary copy).
    """
    os.symlink(ROOT / ".venv", copy / ".venv")
    stamp = ROOT / ".venv" / ".installed"
    if stamp.exists():
        before = stamp.stat().st_mtime - 1
        os.utime(copy / "pyproject.toml", (before, before))

"""Races with real processes: an editor saving while `approve` or `make` runs, writers of one record.

Each race runs the real command line against a real writer process, a few
times in the default tier and at least 50 times in the slow tier.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, SEED, run_cli

from pipeline.catalog import catalog_bytes, read_catalog
from pipeline.signoff import catalog_hash

CLEAN_ID = "We stand at a historic crossroads."
SPOILED = "Nous sommes à un carrefour historique de 1999."  # a number not in the source: a check error


def shipped_project(root: Path) -> Path:
    """The seed letter and the shipped, reviewed catalogs, without a sign-off."""
    (root / "source").mkdir(parents=True)
    shutil.copy2(SEED, root / "source" / "letter.txt")
    shutil.copytree(ROOT / "translations" / "letter", root / "translations" / "letter")
    (root / "translations" / "letter" / "signoff.json").unlink(missing_ok=True)
    return root


def writer(script: str, *args: str) -> subprocess.Popen:
    """A separate process running ``script`` (an editor, another pipeline user) until it is stopped."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


# --- approve: the bytes checked are the bytes hashed -------------------------------------------

# Saves the clean and the spoiled catalog in turn, as fast as it can, each by a rename (as Poedit does).
TOGGLE = """
    import os, sys, time
    path, clean, spoiled = sys.argv[1:4]
    versions = [open(clean, "rb").read(), open(spoiled, "rb").read()]
    n = 0
    while True:
        tmp = f"{path}.{n % 2}~editor"
        with open(tmp, "wb") as handle:
            handle.write(versions[n % 2])
        os.replace(tmp, path)
        n += 1
        time.sleep(0.0005)
"""


def approve_race(tmp_path: Path, trials: int) -> list[str]:
    root = shipped_project(tmp_path / "project")
    po = root / "translations/letter/fr.po"
    clean = tmp_path / "clean.po"
    shutil.copy2(po, clean)
    catalog = read_catalog(po)
    catalog[CLEAN_ID].string = SPOILED
    spoiled = tmp_path / "spoiled.po"
    spoiled.write_bytes(catalog_bytes(catalog))
    clean_hash = catalog_hash(read_catalog(clean))
    signoff = root / "translations/letter/signoff.json"
    outcomes = []
    editor = writer(TOGGLE, po, clean, spoiled)
    try:
        for _ in range(trials):
            signoff.unlink(missing_ok=True)
            result = run_cli(
                "approve", "source/letter.txt", "--lang", "fr", "--by", "Claire Martin", cwd=root
            )
            if result.returncode == 0:
                signed = json.loads(signoff.read_text(encoding="utf-8"))["fr"]["catalog_sha256"]
                assert signed == clean_hash, "signed a catalog with a check error"
                outcomes.append("approved")
            else:
                lines = result.stderr.strip().splitlines()
                assert result.returncode == 1 and len(lines) == 1, result.stderr
                assert "check errors" in lines[0] or "saved while it was checked" in lines[0], lines[0]
                assert not signoff.exists()
                outcomes.append("refused")
    finally:
        stop(editor)
    return outcomes


def test_approve_signs_only_the_bytes_it_checked(tmp_path):
    # Before the fix about one approval in six signed the spoiled catalog: 16 tries show it.
    print(approve_race(tmp_path, 16))


@pytest.mark.slow
def test_approve_signs_only_the_bytes_it_checked_many(tmp_path):
    print(approve_race(tmp_path, 50))


# --- memory-accepted.json: read, appended to and written under its lock ------------------------

RECORDER = """
    import sys
    from babel.messages.catalog import Message
    from pipeline.recall import record_acceptance
    folder, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for n in range(count):
        record_acceptance(folder, "fr", who, "2026-01-01", [Message(f"{who} {n}", "x")])
"""


def test_three_writers_of_the_acceptance_record_lose_nothing(tmp_path):
    writers = [writer(RECORDER, tmp_path, f"writer{w}", 40) for w in range(3)]
    for process in writers:
        assert process.wait(timeout=120) == 0
    records = json.loads((tmp_path / "memory-accepted.json").read_text(encoding="utf-8"))["fr"]
    assert sorted(r["entries"][0]["msgid"] for r in records) == sorted(
        f"writer{w} {n}" for w in range(3) for n in range(40)
    )

"""Kill `make po`, `pipeline translate` and `pipeline editions` at random points.

After every kill: no catalog is deleted, every .po passes ``msgfmt -c``, the
reviewed entries are intact, a rerun succeeds and a second rerun changes
nothing. For translate, the drafts that survive a kill -9 are counted: at
least as many as the progress bar had shown. A few trials run in the default
suite; ``-m slow`` runs 50 of each for make po and translate, 20 for editions.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from argos_builder import build_package
from conftest import ROOT, SEED, run_cli, share_venv, snapshot

from pipeline.mt.drafts import apply_journal, journal_path, read_journal
from pipeline.po.catalog import catalog_bytes, read_catalog

LANGS = ("az", "ru", "fr")
EDITED = ("in a spirit of true coexistence", "in a spirit of genuine coexistence")
REVIEWED = {
    "We stand at a historic crossroads.": {
        "az": "Biz tarixi yol ayrıcındayıq.",
        "ru": "Мы на распутье.",
        "fr": "Nous sommes à un carrefour.",
    },
    "Dear Mr. Vice President,": {
        "az": "Hörmətli cənab vitse-prezident,",
        "ru": "Уважаемый господин вице-президент,",
        "fr": "Monsieur le Vice-Président,",
    },
}
IGNORED = shutil.ignore_patterns(
    ".venv", ".lt-venv", ".git", "output", "models", "__pycache__", ".pytest_cache", ".hypothesis",
    "*.egg-info", ".ruff_cache",
)  # fmt: skip
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}


def set_reviewed(folder: Path, langs=LANGS) -> None:
    for lang in langs:
        po = folder / f"{lang}.po"
        catalog = read_catalog(po)
        for msgid, strings in REVIEWED.items():
            catalog[msgid].string = strings[lang]
            catalog[msgid].flags.discard("fuzzy")
        po.write_bytes(catalog_bytes(catalog))


def assert_catalogs_safe(folder: Path, langs=LANGS) -> None:
    """Every catalog there, valid for GNU gettext, its reviewed entries untouched."""
    for lang in langs:
        po = folder / f"{lang}.po"
        assert po.exists(), f"{po} was deleted"
        check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        catalog = read_catalog(po)
        for msgid, strings in REVIEWED.items():
            assert (catalog[msgid].string, catalog[msgid].fuzzy) == (strings[lang], False), (lang, msgid)


def group_members(pgid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes of one process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


# ---------------------------------------------------------------- make po


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the working tree sharing this checkout's installed .venv, catalogs partly reviewed."""
    copy = tmp_path_factory.mktemp("crash-repo") / "repo"
    shutil.copytree(ROOT, copy, ignore=IGNORED, symlinks=True)
    share_venv(copy)
    (copy / "source/letter.txt").write_bytes(SEED.read_bytes())
    make(copy, "po")
    set_reviewed(copy / "translations/letter")
    make(copy, "po")
    return copy


def make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=repo, capture_output=True, text=True, env=CLEAN_ENV
    )
    assert result.returncode == 0, f"make {args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def toggle_letter(repo: Path) -> None:
    letter = repo / "source/letter.txt"
    text = letter.read_text(encoding="utf-8")
    old, new = EDITED if EDITED[0] in text else EDITED[::-1]
    letter.write_text(text.replace(old, new), encoding="utf-8")


def make_po_trials(repo: Path, trials: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    folder = repo / "translations/letter"
    toggle_letter(repo)
    began = time.monotonic()
    make(repo, "po")
    duration = time.monotonic() - began
    outcomes = []
    for _ in range(trials):
        toggle_letter(repo)
        process = subprocess.Popen(
            ["make", "--no-print-directory", "po"],
            cwd=repo,
            env=CLEAN_ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0, duration))
        how = rng.choice(["kill -9 a pipeline child", "Ctrl-C"])
        if how == "Ctrl-C":
            os.killpg(process.pid, signal.SIGINT)
        else:
            children = [pid for pid, cmd in group_members(process.pid) if "-m pipeline" in cmd]
            try:
                os.kill(rng.choice(children) if children else process.pid, signal.SIGKILL)
            except ProcessLookupError:
                how += " (it had already finished)"  # listed, then exited before the kill
        process.wait(timeout=120)
        outcomes.append(f"{how}: exit {process.returncode}")
        print(outcomes[-1], flush=True)
        assert_catalogs_safe(folder)
        make(repo, "po")
        assert_catalogs_safe(folder)
        before = snapshot(folder)
        make(repo, "po")
        assert snapshot(folder) == before, "a second rerun changed the catalogs"
    return outcomes


def test_killed_make_po_keeps_every_catalog(repo):
    print(make_po_trials(repo, 2, seed=1))


@pytest.mark.slow
def test_killed_make_po_keeps_every_catalog_50_trials(repo):
    print(make_po_trials(repo, 50, seed=2))


# ---------------------------------------------------------------- pipeline translate


@pytest.fixture(scope="module")
def mt_project(tmp_path_factory) -> tuple[Path, dict, bytes]:
    root = tmp_path_factory.mktemp("crash-mt")
    packages = root / "argos"
    packages.mkdir()
    lines = [line for line in SEED.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    build_package(packages, "identity", "fr", lines)
    (root / "source").mkdir()
    shutil.copy2(SEED, root / "source/letter.txt")
    env = {"LETTER_MODELS_DIR": str(root / "models"), "ARGOS_PACKAGES_DIR": str(root / "models/packages")}
    env |= {"HOME": str(root), "MT_BATCH_SIZE": "4", "MT_INTER_THREADS": "1"}  # many batches
    run_cli("pot", "source/letter.txt", cwd=root, check=True, env=env)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True, env=env)
    set_reviewed(root / "translations/letter", ["fr"])
    run_cli("models", "--langs", "fr", "--from-dir", packages, cwd=root, check=True, env=env)
    return root, env, (root / "translations/letter/fr.po").read_bytes()


def mt_drafts(catalog) -> int:
    return sum(any(c.startswith("MT draft") for c in m.user_comments) for m in catalog if m.id)


def translate_trials(mt_project, trials: int, seed: int) -> list[tuple[int, int]]:
    """(drafts shown by the progress bar, drafts kept) of each kill -9."""
    root, env, untranslated = mt_project
    rng = random.Random(seed)
    po = root / "translations/letter/fr.po"
    command = [sys.executable, "-m", "pipeline", "translate", "source/letter.txt", "--langs", "fr"]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    po.write_bytes(untranslated)
    began = time.monotonic()
    subprocess.run(command, cwd=root, env=full_env, check=True, capture_output=True)
    duration = time.monotonic() - began
    counts = []
    for trial in range(trials):
        po.write_bytes(untranslated)
        log = root / f"stderr-{trial}.txt"
        with open(log, "wb") as err:
            process = subprocess.Popen(command, cwd=root, env=full_env, stdout=subprocess.DEVNULL, stderr=err)
            time.sleep(rng.uniform(0.2, 1.0) * duration)
            process.kill()
            process.wait(timeout=60)
        progress = re.findall(r"\| *(\d+)/\d+ \[", log.read_text(encoding="utf-8", errors="replace"))
        shown = int(progress[-1]) if progress else 0
        assert_catalogs_safe(po.parent, ["fr"])
        catalog = read_catalog(po)
        in_po = sum(m.fuzzy for m in catalog if m.id)
        resumable = apply_journal(catalog, read_journal(journal_path(po)))
        kept = mt_drafts(catalog)
        assert kept >= shown, f"the bar showed {shown} drafts, {kept} survived the kill"
        counts.append((shown, kept))
        result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env, check=True)
        if resumable:
            assert f"{resumable} drafts resumed from an interrupted run" in result.stdout
        assert sum(m.fuzzy for m in read_catalog(po) if m.id) >= in_po + resumable
        assert_catalogs_safe(po.parent, ["fr"])
        assert mt_drafts(read_catalog(po)) == 75 - 2  # all but the two reviewed sentences
        assert not journal_path(po).exists()
        done = po.read_bytes()
        result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env, check=True)
        assert "nothing to translate" in result.stdout and po.read_bytes() == done
    return counts


def test_kill_9_during_translate_keeps_finished_batches(mt_project):
    counts = translate_trials(mt_project, 2, seed=3)
    print(counts)


@pytest.mark.slow
def test_kill_9_during_translate_keeps_finished_batches_50_trials(mt_project):
    counts = translate_trials(mt_project, 50, seed=4)
    print(counts)
    assert sum(shown > 0 for shown, _ in counts) >= 10  # the kills also land mid-run, not only before it


# ---------------------------------------------------------------- pipeline editions


@pytest.fixture(scope="module")
def editions_project(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("crash-editions")
    (root / "source").mkdir()
    shutil.copy2(SEED, root / "source/letter.txt")
    env = {"SOURCE_DATE_EPOCH": "1767225600", "HOME": str(root)}
    run_cli("pot", "source/letter.txt", cwd=root, check=True, env=env)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True, env=env)
    set_reviewed(root / "translations/letter", ["fr"])
    return root, env


def editions_trials(editions_project, trials: int, seed: int) -> list[str]:
    root, env = editions_project
    rng = random.Random(seed)
    folder = root / "translations/letter"
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "editions",
        "source/letter.txt",
        "--langs",
        "fr",
        "--jobs",
        "2",
    ]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    began = time.monotonic()
    subprocess.run(command, cwd=root, env=full_env, check=True, capture_output=True)
    duration = time.monotonic() - began
    outcomes = []
    for _ in range(trials):
        catalogs = snapshot(folder)
        os.utime(folder / "fr.po")  # a translator saved: the fr edition and the index are stale
        process = subprocess.Popen(
            command,
            cwd=root,
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        delay = rng.uniform(0, duration)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the whole group: the parent and its forked workers
        process.wait(timeout=60)
        outcomes.append(f"killed after {delay:.1f} of {duration:.1f} s")
        assert snapshot(folder) == catalogs
        assert_catalogs_safe(folder, ["fr"])
        subprocess.run(command, cwd=root, env=full_env, check=True, capture_output=True)
        out = snapshot(root / "output")
        for lang in ("en", "fr"):
            assert f"letter/{lang}.html" in out and out[f"letter/{lang}.pdf"].startswith(b"%PDF")
            assert out[f"letter/{lang}.pdf"].rstrip().endswith(b"%%EOF")
        subprocess.run(command, cwd=root, env=full_env, check=True, capture_output=True)
        assert snapshot(root / "output") == out, "a second rerun changed the editions"
    return outcomes


def test_killed_editions_keep_catalogs_and_a_rerun_completes(editions_project):
    print(editions_trials(editions_project, 1, seed=5))


@pytest.mark.slow
def test_killed_editions_20_trials(editions_project):
    print(editions_trials(editions_project, 20, seed=6))

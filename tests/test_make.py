"""The Makefile's targets, exercised in a temporary copy of the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, snapshot

from pipeline.catalog import catalog_stats, read_catalog

IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "output", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info", ".ruff_cache"
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the working tree sharing this checkout's installed .venv."""
    copy = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(ROOT, copy, ignore=IGNORED, symlinks=True)
    os.symlink(ROOT / ".venv", copy / ".venv")
    return copy


def make(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=repo, capture_output=True, text=True, env=env
    )
    if check and result.returncode != 0:
        raise AssertionError(f"make {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def test_help_lists_every_target(repo):
    out = make(repo, "help").stdout
    makefile = (repo / "Makefile").read_text()
    targets = [line.split(":")[0] for line in makefile.splitlines() if re.match(r"^[a-z][a-z-]*:.*## ", line)]
    assert len(targets) >= 10
    for target in targets:
        assert f"  {target} " in out
    phony = next(line for line in makefile.splitlines() if line.startswith(".PHONY:")).split()[1:]
    assert set(phony) <= set(targets), set(phony) - set(targets)


def test_make_builds_then_a_second_make_does_nothing(repo):
    make(repo)
    assert (repo / "translations/letter/letter.pot").exists()
    for lang in ("az", "ru", "fr"):
        assert (repo / f"translations/letter/{lang}.po").exists()
    second = make(repo)
    assert "Nothing to be done" in second.stdout, second.stdout


def test_source_edit_flows_to_catalogs(repo):
    make(repo)
    letter = repo / "source/letter.txt"
    original = letter.read_bytes()
    fr = repo / "translations/letter/fr.po"
    fr_before = fr.read_bytes()
    fr.write_bytes(
        fr_before.replace(
            b'msgid "We stand at a historic crossroads."\nmsgstr ""',
            b'msgid "We stand at a historic crossroads."\nmsgstr "Nous sommes \xc3\xa0 un carrefour historique."',
        )
    )
    try:
        letter.write_bytes(
            original.replace(b"We stand at a historic crossroads.", b"We stand at a crossroads.")
        )
        out = make(repo).stdout
        assert "pipeline pot" in out and "pipeline po" in out
        assert (
            '#| msgid "We stand at a historic crossroads."'
            in (repo / "translations/letter/fr.po").read_text()
        )
    finally:
        letter.write_bytes(original)
        fr.write_bytes(fr_before)
        make(repo)


def test_source_and_langs_override(repo):
    make(repo, "SOURCE=tests/data/second_letter.txt", "LANGS=de lt")
    folder = repo / "translations/second_letter"
    assert sorted(p.name for p in folder.iterdir()) == ["de.po", "lt.po", "second_letter.pot"]
    stats = make(repo, "stats", "SOURCE=tests/data/second_letter.txt", "LANGS=de lt").stdout
    assert [line.split()[0] for line in stats.splitlines()[-2:]] == ["de", "lt"]


def test_stats_prints_every_language(repo):
    out = make(repo, "stats").stdout.splitlines()
    assert out[0].split()[:5] == ["lang", "total", "reviewed", "draft", "untransl."]
    assert [line.split()[0] for line in out[2:]] == ["az", "ru", "fr"]


def test_bad_language_fails_and_changes_nothing(repo):
    make(repo)
    before = snapshot(repo / "translations")
    result = make(repo, "po", "LANGS=az qq", check=False)
    assert result.returncode != 0
    assert "LANGS: error: unknown language code 'qq'" in result.stderr
    assert snapshot(repo / "translations") == before


def test_editing_one_po_rerenders_only_that_language(repo):
    make(repo)
    assert (repo / "output/letter/fr.pdf").exists() and (repo / "output/letter/index.html").exists()
    po = repo / "translations/letter/ru.po"
    po.write_bytes(po.read_bytes())  # a translator saves the file
    out = make(repo).stdout
    assert re.findall(r"output/letter/(\S+)\.html \+ \.pdf", out) == ["ru"], out
    assert "Nothing to be done" in make(repo).stdout
    (repo / "output/letter/az.pdf").unlink()  # a lost file comes back, alone
    out = make(repo).stdout
    assert re.findall(r"output/letter/(\S+)\.html \+ \.pdf", out) == ["az"], out
    assert (repo / "output/letter/az.pdf").exists()
    assert "Nothing to be done" in make(repo).stdout


def test_publish_fails_while_editions_are_drafts(repo):
    make(repo)
    result = make(repo, "publish", check=False)
    drafts = [
        lang
        for lang in ("az", "ru", "fr")
        if not catalog_stats(read_catalog(repo / f"translations/letter/{lang}.po")).complete
    ]
    assert (result.returncode != 0) == bool(drafts)
    for lang in drafts:
        assert f"{lang}: draft:" in result.stderr
    assert (repo / "output/publish/letter/en.pdf").exists()

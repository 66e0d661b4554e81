"""Files the pipeline writes: a symbolic link out of the project is refused, one inside is kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import letter_project, run_cli, snapshot

from pipeline.errors import PipelineError
from pipeline.mt.drafts import Journal, journal_path

RECORD = {"kind": "mt", "msgctxt": None, "msgid": "Hello", "msgstr": "Bonjour", "comments": []}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a French catalog, in ``tmp_path/project``; ``tmp_path/outside`` is not in it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "precious.txt").write_bytes(b"not the pipeline's\n")
    return letter_project(tmp_path / "project", "az fr")


def assert_refused(result, *needles: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    (line,) = result.stderr.strip().splitlines()
    assert "error: a symbolic link leads outside the project" in line, line
    for needle in needles:
        assert needle in line, line


def test_the_mt_journal_never_appends_through_a_link_out_of_the_project(project, monkeypatch):
    outside = project.parent / "outside" / "precious.txt"
    po = project / "translations" / "letter" / "fr.po"
    journal_path(po).symlink_to(outside)
    monkeypatch.chdir(project)
    with pytest.raises(PipelineError) as caught:
        Journal(journal_path(po)).append([RECORD])
    assert "outside the project" in str(caught.value) and "\n" not in str(caught.value)
    assert outside.read_bytes() == b"not the pipeline's\n"
    # the command: one line before any draft, and the catalog as it was
    before = snapshot(project.parent)
    result = run_cli("translate", "source/letter.txt", "--langs", "fr", "--if-available", cwd=project)
    assert_refused(result, ".fr.mt-journal.jsonl")
    assert snapshot(project.parent) == before


def test_a_journal_linked_out_after_the_first_check_is_refused(project, monkeypatch):
    po = project / "translations" / "letter" / "fr.po"
    outside = project.parent / "outside" / "precious.txt"
    monkeypatch.chdir(project)
    journal = Journal(journal_path(po))  # checked: no link yet
    journal_path(po).symlink_to(outside)  # a link put in its place before the first append
    with pytest.raises(PipelineError, match="symbolic link"):
        journal.append([RECORD])
    assert outside.read_bytes() == b"not the pipeline's\n"


def test_a_catalog_linked_out_of_the_project_is_refused_and_kept(project):
    folder = project / "translations" / "letter"
    outside = project.parent / "outside" / "fr.po"
    (folder / "fr.po").rename(outside)
    (folder / "fr.po").symlink_to(outside)
    data = outside.read_bytes()
    (project / "source" / "letter.txt").write_text(
        (project / "source" / "letter.txt").read_text() + "\nA new sentence for every catalog.\n"
    )
    run_cli("pot", "source/letter.txt", cwd=project, check=True)
    before = snapshot(folder)
    result = run_cli("po", "source/letter.txt", "--langs", "az fr", cwd=project)
    assert_refused(result, "translations/letter/fr.po", str(outside))
    assert (folder / "fr.po").is_symlink() and outside.read_bytes() == data
    assert snapshot(folder) == before  # az.po too: nothing is written when one catalog is refused


def test_a_catalog_linked_inside_the_project_is_written_through_its_link(project):
    folder = project / "translations" / "letter"
    shared = project / "shared" / "fr.po"
    shared.parent.mkdir()
    (folder / "fr.po").rename(shared)
    (folder / "fr.po").symlink_to(Path("..", "..", "shared", "fr.po"))
    (project / "source" / "letter.txt").write_text(
        (project / "source" / "letter.txt").read_text() + "\nA new sentence for every catalog.\n"
    )
    run_cli("pot", "source/letter.txt", cwd=project, check=True)
    result = run_cli("po", "source/letter.txt", "--langs", "fr", cwd=project, check=True)
    assert "fr.po: updated" in result.stdout
    assert (folder / "fr.po").is_symlink()
    assert b"new sentence for every catalog" in shared.read_bytes()


def test_outputs_in_a_folder_linked_out_of_the_project_are_refused(project):
    outside = project.parent / "outside"
    (project / "output").mkdir(exist_ok=True)
    os.symlink(outside, project / "output" / "letter")
    before = snapshot(outside)
    for command in (
        ["review", "source/letter.txt", "--langs", "az fr"],
        ["export", "source/letter.txt", "--langs", "az fr"],
    ):
        assert_refused(run_cli(*command, cwd=project), "output/letter/")
    assert snapshot(outside) == before


def test_an_append_never_follows_a_link_put_in_place_after_the_check(project, monkeypatch):
    from pipeline import fileio

    link = project / "journal.jsonl"
    outside = project.parent / "outside" / "precious.txt"
    link.symlink_to(outside)
    monkeypatch.chdir(project)
    monkeypatch.setattr(fileio, "write_target", Path)  # the link appears right after the check
    with pytest.raises(PipelineError, match="became a symbolic link"):
        fileio.open_append(link)
    assert outside.read_bytes() == b"not the pipeline's\n"


def test_a_publish_folder_linked_out_of_the_project_is_refused(project):
    outside = project.parent / "outside"
    (project / "output").mkdir(exist_ok=True)
    os.symlink(outside, project / "output" / "publish")
    before = snapshot(outside)
    result = run_cli("publish", "source/letter.txt", "--langs", "fr", cwd=project)
    assert_refused(result, "output/publish/letter")
    assert snapshot(outside) == before and sorted(p.name for p in outside.iterdir()) == ["precious.txt"]

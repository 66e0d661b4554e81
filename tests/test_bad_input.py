"""Bad input: one-line error naming the file (and line), non-zero exit, nothing changed."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, snapshot


def prepared(workdir: Path) -> Path:
    run_cli("pot", "source/letter.txt", cwd=workdir, check=True)
    run_cli("po", "source/letter.txt", cwd=workdir, check=True)
    return workdir / "translations" / "letter"


def assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (b"", ["source/letter.txt: error: empty letter"]),
        (b"  \n\n \r\n", ["source/letter.txt: error: empty letter"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["source/letter.txt:3: error: binary file"]),
        (
            "Dear All,\n\nCaf\u00e9 text.\n".encode("latin-1"),
            ["source/letter.txt:3: error: not UTF-8 text (byte 0xe9)"],
        ),
        (
            b"Dear All,\n\nWe write.\n\nRegards,\n\nUs\n",
            ["source/letter.txt: error: no numbered signatory list"],
        ),
        (b"date 2026-02-31 Lead.\n\nDear All,\n\n1. A B - C\n", ["source/letter.txt:1: error: bad date"]),
    ],
    ids=["empty", "blank", "binary", "latin1", "no-signatories", "bad-date"],
)
@pytest.mark.parametrize("command", ["segment", "pot", "po"])
def test_bad_letter(workdir, content, needles, command):
    folder = prepared(workdir)
    before = snapshot(folder)
    (workdir / "source" / "letter.txt").write_bytes(content)
    result = run_cli(command, "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, *needles)
    assert snapshot(folder) == before


def test_missing_letter(workdir):
    result = run_cli("pot", "source/nope.txt", cwd=workdir)
    assert_one_line_error(result, "source/nope.txt: error: cannot read: No such file or directory")


@pytest.mark.parametrize(
    ("damage", "line", "reason"),
    [
        (
            lambda t: t.replace(
                'msgstr ""\n\n#. Paragraph 1, sentence 1.', 'msgstr "x\n\n#. Paragraph 1, sentence 1.', 1
            ),
            None,
            "PO",
        ),
        (
            lambda t: t.replace(
                'msgid "Dear Mr. Vice President,"', 'msgid "Dear Mr. Vice President,"\nbogus line'
            ),
            None,
            "PO syntax error",
        ),
        (lambda t: t + '\nmsgid "Mr. Vice President,"\nmsgstr "x"\n', None, "duplicate entry"),
    ],
    ids=["unterminated-string", "unknown-keyword", "duplicate"],
)
def test_po_syntax_error_names_file_and_line(workdir, damage, line, reason):
    folder = prepared(workdir)
    ru = folder / "ru.po"
    ru.write_text(damage(ru.read_text(encoding="utf-8")), encoding="utf-8")
    # the source changes too, so a successful run would rewrite every catalog
    source = workdir / "source" / "letter.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Dear Mr.", "Dear Mister"), encoding="utf-8")
    run_cli("pot", "source/letter.txt", cwd=workdir, check=True)
    before = snapshot(folder)
    result = run_cli("po", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter/ru.po:", reason)
    number = int(result.stderr.split(":")[1])
    assert 1 <= number <= len(ru.read_text(encoding="utf-8").splitlines())
    assert snapshot(folder) == before
    # msgfmt agrees the file is broken
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ru)], capture_output=True).returncode != 0


def test_po_that_is_not_utf8(workdir):
    folder = prepared(workdir)
    fr = folder / "fr.po"
    fr.write_bytes(
        fr.read_bytes().replace(
            b'msgid "Mr. Vice President,"\nmsgstr ""',
            b'msgid "Mr. Vice President,"\nmsgstr "Monsieur le Vice-Pr\xe9sident,"',
        )
    )
    before = snapshot(folder)
    result = run_cli("po", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter/fr.po:", "not UTF-8")
    assert snapshot(folder) == before


@pytest.mark.parametrize("langs", ["xx", "az zz-QQ", "ru ../../etc"])
def test_unknown_language_code(workdir, langs):
    folder = prepared(workdir)
    before = snapshot(workdir)
    result = run_cli("po", "source/letter.txt", "--langs", langs, cwd=workdir)
    assert_one_line_error(result, "LANGS: error: unknown language code")
    assert snapshot(workdir) == before
    assert snapshot(folder) == {
        k[len("translations/letter/") :]: v for k, v in before.items() if k.startswith("translations/letter/")
    }


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` unwritable, for root too (chattr +i) where chmod is not enough."""
    mode = folder.stat().st_mode
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
    immutable = False
    probe = folder / ".probe"
    try:
        probe.touch()
        probe.unlink()
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    except OSError:
        pass
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        os.chmod(folder, mode)


def test_unwritable_output_folder(workdir):
    folder = prepared(workdir)
    source = workdir / "source" / "letter.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Dear Mr.", "Dear Mister"), encoding="utf-8")
    before = snapshot(folder)
    with read_only(folder):
        try:
            (folder / ".probe").touch()
            pytest.fail("could not make the folder read-only on this machine")
        except OSError:
            pass
        result = run_cli("pot", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter: error: cannot write here")
    assert snapshot(folder) == before


def test_output_folder_that_is_a_file(workdir):
    (workdir / "translations").write_text("not a folder")
    result = run_cli("pot", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter/letter.pot: error: cannot", "Not a directory")
    assert (workdir / "translations").read_text() == "not a folder"

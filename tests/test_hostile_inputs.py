"""Hostile catalogs, glossaries and memories: one line naming the file (and line), never an
internal error, nothing on disk changed (issue 21, holes 7 and 12)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, letter_project, run_cli, snapshot

from pipeline.errors import PipelineError
from pipeline.memory.glossary import read_csv, read_tbx
from pipeline.po.catalog import read_catalog
from pipeline.po.msgfmt_checks import plural_problem

SAMPLE_FR = ROOT / "translations" / "letter" / "fr.po"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    root = letter_project(tmp_path_factory.mktemp("hostile-inputs"), "fr")
    shutil.copy2(SAMPLE_FR, root / "translations" / "letter" / "fr.po")
    return root


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in result.stderr, result.stderr
    return lines[0]


def with_header_field(data: bytes, field: bytes, value: bytes) -> bytes:
    start = data.index(b'"' + field + b": ")
    end = data.index(b'\\n"', start)
    return data[:start] + b'"' + field + b": " + value + data[end:]


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


@pytest.mark.parametrize("nul", [b"\\0", b"\\x00", b"\\000", b"\0"], ids=["octal", "hex", "octal3", "raw"])
def test_a_nul_in_a_msgstr_is_refused_with_its_line(tmp_path, nul):
    data = SAMPLE_FR.read_bytes()
    at = data.index(b'msgstr "', data.index(b"\n\n"))
    data = data[: at + 8] + nul + data[at + 8 :]
    po = tmp_path / "fr.po"
    po.write_bytes(data)
    with pytest.raises(PipelineError, match=r"NUL") as error:
        read_catalog(po)
    assert str(error.value).startswith(f"{po}:{line_of(data, nul)}: error:")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"nplurals=2; plural=n++1;", "invalid plural expression"),
        (b"nplurals=2; plural=-n;", "invalid plural expression"),
        (b"nplurals=2; plural=(n != 1;", "invalid plural expression"),
        (b"nplurals=2; plural=n%0;", "division by zero"),
        (b"nplurals=2; plural=n;", "values as large as 2"),
        (b"nplurals=x; plural=n != 1;", "invalid nplurals value"),
    ],
)
def test_a_plural_forms_header_msgfmt_rejects_is_refused_at_its_line(tmp_path, value, message):
    po = tmp_path / "ru.po"
    data = with_header_field(
        (ROOT / "translations" / "letter" / "ru.po").read_bytes(), b"Plural-Forms", value
    )
    po.write_bytes(data)
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode != 0
    with pytest.raises(PipelineError, match=message) as error:
        read_catalog(po)
    assert str(error.value).startswith(f"{po}:{line_of(data, b'Plural-Forms')}: error:")


def test_plural_expressions_msgfmt_accepts_are_accepted():
    russian = (
        "nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2;"
    )
    arabic = (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"
    )
    for value in [russian, arabic, "nplurals=1; plural=0;", "nplurals=2; plural=n>1000 ? 2 : !n;"]:
        assert plural_problem(value) is None, value


def test_po_refuses_a_catalog_with_a_nul_and_changes_nothing(base, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(base, root)
    po = root / "translations" / "letter" / "fr.po"
    data = po.read_bytes().replace(b'msgstr "Monsieur', b'msgstr "\\0Monsieur', 1)
    po.write_bytes(data)
    before = snapshot(root / "translations")
    line = one_line(run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root))
    where = line_of(data, b'"\\0Monsieur')
    assert line.startswith(f"{Path('translations/letter/fr.po')}:{where}: error:")
    assert snapshot(root / "translations") == before


def test_a_glossary_csv_with_an_unclosed_quote_names_its_line(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text(
        'term,fr\ncivil society,société civile\nopen letter,"lettre ouverte\nx,y\n', encoding="utf-8"
    )
    with pytest.raises(
        PipelineError, match=r"glossary\.csv:3: error: CSV error: a quote opened here is never closed"
    ):
        read_csv(path)


def test_a_quoted_csv_field_keeps_its_line_break(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text('term,fr,note\nopen letter,lettre ouverte,"two\nlines"\n,\n', encoding="utf-8")
    (term,) = read_csv(path)
    assert term.note == "two\nlines"


def test_an_empty_tbx_term_names_its_line(tmp_path):
    path = tmp_path / "glossary.tbx"
    path.write_text(
        '<?xml version="1.0"?>\n<martif type="TBX" xml:lang="en"><text><body>\n'
        '<termEntry><langSet xml:lang="en"><tig><term>civil society</term></tig></langSet></termEntry>\n'
        '<termEntry><langSet xml:lang="en"><tig><term> </term></tig></langSet>'
        '<langSet xml:lang="fr"><tig><term>x</term></tig></langSet></termEntry>\n'
        "</body></text></martif>\n",
        encoding="utf-8",
    )
    with pytest.raises(PipelineError, match=r"glossary\.tbx:4: error: empty term"):
        read_tbx(path)


def test_memory_export_of_a_pair_xml_cannot_hold_is_one_line(base, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(base, root)
    po = root / "translations" / "letter" / "fr.po"
    po.write_bytes(po.read_bytes() + b'\nmsgctxt "\\033"\nmsgid "Sincerely,"\nmsgstr "Cordialement,"\n')
    line = one_line(run_cli("memory", cwd=root))
    assert line.startswith(f"{Path('translations/letter/fr.po')}: error:") and "U+001B" in line
    assert not (root / "output" / "memory.tmx").exists()


def test_a_template_with_a_plural_entry_is_merged(base, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(base, root)
    pot = root / "translations" / "letter" / "letter.pot"
    pot.write_bytes(
        pot.read_bytes() + b'\nmsgid "one letter"\nmsgid_plural "%d letters"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    )
    result = run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root)
    assert result.returncode == 0, result.stderr
    entry = read_catalog(root / "translations" / "letter" / "fr.po").get("one letter")
    assert entry is not None and entry.id == ("one letter", "%d letters")

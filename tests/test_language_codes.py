"""Language codes name files: each is checked and written one way before any path is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import letter_project, run_cli, snapshot

from pipeline.errors import PipelineError
from pipeline.lang.codes import canonical
from pipeline.lang.locales import bcp47, language_code


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-FR", "fr_FR"),
        ("fr_fr", "fr_FR"),
        ("zh-Hant", "zh_Hant"),
        ("ZH-hant-tw", "zh_Hant_TW"),
        ("sr@latin", "sr_Latn"),
        ("sr-Latn", "sr_Latn"),
        ("ca-valencia", "ca@valencia"),
        ("es-419", "es_419"),
        ("fil", "fil"),
    ],
)
def test_a_code_has_one_form(given, code):
    assert language_code(given) == code
    assert canonical(code) == code  # the form is stable
    assert language_code(code) == code
    assert bcp47(code).lower() == bcp47(given).lower()  # one language for the site's lang attributes


@pytest.mark.parametrize(
    "bad",
    [
        "",
        " ",
        "..",
        "fr.x/../../x",
        "fr/",
        "fr@x/../y",
        "fr.UTF-8",
        "fr\nru",
        "xx",
        "und",
        "en-XA",
        "fr_QQ",
        "frr_",
    ],
)
def test_anything_else_is_one_error_naming_the_value(bad):
    with pytest.raises(PipelineError) as caught:
        language_code(bad, "LANGS")
    message = str(caught.value)
    assert message.startswith("LANGS: error: unknown language code ") and repr(bad) in message
    assert "\n" not in message


ESCAPE = "fr.x/../../../../outside"  # Babel's own parser reads it as "fr"


def test_a_code_that_is_a_path_writes_nothing_anywhere(tmp_path: Path):
    root = letter_project(tmp_path / "project", "fr")
    before = snapshot(tmp_path)
    letter = "source/letter.txt"
    commands = [
        ["po", letter, "--langs", f"fr {ESCAPE}"],
        ["translate", letter, "--langs", ESCAPE, "--if-available"],
        ["review", letter, "--langs", ESCAPE],
        ["export", letter, "--langs", ESCAPE],
        ["edition", letter, "--langs", ESCAPE, "--lang", ESCAPE, "--html-only"],
        ["index", letter, "--langs", ESCAPE],
        ["approve", letter, "--lang", ESCAPE, "--by", "Marie Curie"],
        ["accept", letter, "--lang", ESCAPE, "--by", "Marie Curie"],
    ]
    for command in commands:
        result = run_cli(*command, cwd=root)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(("LANGS: error: unknown language code", "LANG: error: unknown language code"))
        assert repr(ESCAPE) in line
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "outside.po").exists()


def test_spellings_of_one_language_share_one_catalog(tmp_path: Path):
    root = letter_project(tmp_path, "fr")
    folder = root / "translations" / "letter"
    result = run_cli("po", "source/letter.txt", "--langs", "FR fr-FR fr_fr", cwd=root, check=True)
    assert sorted(p.name for p in folder.glob("*.po")) == ["fr.po", "fr_FR.po"]
    assert "translations/letter/fr.po: unchanged" in result.stdout
    assert result.stdout.count("fr_FR.po: created") == 1
    accepted = run_cli(
        "accept", "source/letter.txt", "--lang", "FR", "--by", "Marie Curie", cwd=root, check=True
    )
    assert accepted.stdout.startswith("translations/letter/fr.po: ")

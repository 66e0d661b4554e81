"""The interface catalogs (templates/ui/<lang>.po): complete, exact and checked like the letter's."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from pipeline.lang.locales import UI_FOLDER, babel_locale, ui_template
from pipeline.review import checks

# At least 30 languages: the world's most used, and those the project publishes.
LANGS = [
    "ar",
    "az",
    "bn",
    "cs",
    "de",
    "el",
    "es",
    "fa",
    "fi",
    "fr",
    "he",
    "hi",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "ms",
    "nl",
    "pl",
    "pt",
    "pt_BR",
    "ro",
    "ru",
    "sv",
    "sw",
    "ta",
    "th",
    "tr",
    "uk",
    "ur",
    "vi",
    "zh_Hans",
    "zh_Hant",
]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


TEMPLATE = read(UI_FOLDER / "ui.pot")


def test_at_least_30_languages_and_no_stray_catalog():
    assert len(LANGS) >= 30
    assert sorted(p.stem for p in UI_FOLDER.glob("*.po")) == sorted(LANGS)


def test_template_is_up_to_date():
    """ui.pot holds every string the templates and edition code print: a new one fails until extracted."""
    extracted = {(m.id, m.context) for m in ui_template() if m.id}
    stored = {(m.id, m.context) for m in TEMPLATE if m.id}
    assert extracted == stored, (
        "templates/ui/ui.pot is stale: run "
        "`.venv/bin/python -c 'from pipeline.lang.locales import write_ui_template; write_ui_template()'`"
    )
    assert len(stored) >= 9


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete_and_exact(lang):
    catalog = read(UI_FOLDER / f"{lang}.po")
    assert catalog.locale is not None and str(catalog.locale) == str(babel_locale(lang))
    for template in TEMPLATE:
        if not template.id:
            continue
        message = catalog.get(template.id, template.context)
        assert message is not None, f"{lang}: {template.id!r} missing: translate it"
        assert message.string, f"{lang}: {template.id!r} untranslated"
        assert not message.fuzzy, f"{lang}: {template.id!r} is fuzzy"
        assert message.string != message.id, f"{lang}: {template.id!r} left in English"
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string))
        assert ("python-brace-format" in message.flags) == bool(PLACEHOLDER.search(message.id))
    assert not [m.id for m in catalog.obsolete.values()]
    known = {(m.id, m.context) for m in TEMPLATE if m.id}
    stray = [m.id for m in catalog if m.id and (m.id, m.context) not in known]
    assert not stray, f"{lang}: not in ui.pot (make them obsolete or remove them): {stray}"


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_are_babels(lang):
    catalog = read(UI_FOLDER / f"{lang}.po")
    plural = get_plural(babel_locale(lang))
    assert catalog.num_plurals == plural.num_plurals
    assert catalog.plural_expr == plural.plural_expr


def test_msgfmt_check_is_clean():
    paths = [str(UI_FOLDER / f"{lang}.po") for lang in LANGS]
    for path in paths:
        result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", path], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_msgfmt_finds_a_lost_placeholder(tmp_path):
    """The check above can fail: a translation that renames a placeholder is refused."""
    bad = tmp_path / "de.po"
    text = (UI_FOLDER / "de.po").read_text(encoding="utf-8")
    assert "{pages}" in text
    bad.write_text(text.replace("von {pages}", "von {seiten}"), encoding="utf-8")
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "pages" in result.stderr


def _findings(lang: str, folder: Path = UI_FOLDER) -> list[str]:
    """The project's entry checks (make check) on one interface catalog.

    Placeholders become numbers, the same in source and translation, so the
    numbers check also sees a lost or doubled one and script checks do not
    read "{name}" as a Latin word.
    """
    names: dict[str, str] = {}

    def neutral(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: names.setdefault(m.group(1), str(len(names) + 1)), text)

    findings = []
    for message in read(folder / f"{lang}.po"):
        if not message.id:
            continue
        source = neutral(str(message.id))
        entry = checks.Entry(lang, Message(source, neutral(str(message.string))), "sentence", frozenset())
        for name, check in checks.ENTRY_CHECKS.items():
            if f"ignore-{name}" in message.flags:
                continue
            findings.extend(
                f"{lang}: {message.id!r}: [{name}] {reason}" for _severity, reason in check(entry)
            )
    return findings


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_passes_make_check(lang):
    assert _findings(lang) == []


def test_make_check_finds_a_bad_interface_string(tmp_path):
    """The check above can fail: an unbalanced quotation mark and a lost number are found."""
    shutil.copy(UI_FOLDER / "pl.po", tmp_path / "pl.po")
    text = (tmp_path / "pl.po").read_text(encoding="utf-8")
    text = text.replace('"Inne języki"', '"Inne „języki"').replace("z {pages}", "z")
    (tmp_path / "pl.po").write_text(text, encoding="utf-8")
    found = "\n".join(_findings("pl", tmp_path))
    assert "[quotes]" in found and "[numbers]" in found


@pytest.mark.parametrize("lang", LANGS)
def test_the_pipeline_reads_and_compiles_each_catalog(lang):
    """Read as editions read them (pipeline.po.catalog.read_catalog) and compiled to a .mo."""
    import io

    from babel.messages.mofile import write_mo
    from babel.support import Translations

    from pipeline.po.catalog import read_catalog

    catalog = read_catalog(UI_FOLDER / f"{lang}.po")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = Translations(buffer)
    for message in catalog:
        if message.id:
            assert translations.gettext(message.id) == message.string != message.id

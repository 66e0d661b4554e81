"""The shipped Azerbaijani, Russian and French catalogs of the sample letter."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT, SEED

from pipeline.catalog import catalog_stats, read_catalog
from pipeline.editions import build_edition
from pipeline.segment import load_document

LANGS = ("az", "ru", "fr")
AZ_LETTERS = set("abcçdeəfgğhxıijkqlmnoöprsştuüvyzABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZ")


def catalog(lang):
    return read_catalog(ROOT / "translations" / "letter" / f"{lang}.po")


def names(lang):
    doc = load_document(SEED)
    cat = catalog(lang)
    return [(s.name.text, cat[s.name.text].string) for s in doc.signatories]


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete_reviewed_and_clean(lang):
    cat = catalog(lang)
    stats = catalog_stats(cat)
    assert stats.total == 120 and stats.reviewed == stats.total, stats
    assert not cat.obsolete
    headers = dict(cat.mime_headers)
    assert "by hand" in headers["Last-Translator"] and "letter-pipeline" in headers["Last-Translator"]
    assert "reviewed by the letter-pipeline project" in cat.header_comment
    path = ROOT / "translations" / "letter" / f"{lang}.po"
    result = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stderr, result.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_every_number_of_the_source_is_in_the_translation(lang):
    for message in catalog(lang):
        if message.id:
            for number in re.findall(r"\d+", message.id):
                assert re.search(rf"(?<!\d){number}(?!\d)", message.string), (message.id, message.string)


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_sentence_left(lang):
    for message in catalog(lang):
        if message.id and len(message.id.split()) > 3:
            assert message.string != message.id
            english = {"the", "and", "of", "to", "with", "for"}
            words = set(re.findall(r"[a-z]+", message.string))
            assert not (english & words), (lang, message.string)


def test_russian_names_are_cyrillic():
    for source, name in names("ru"):
        assert re.fullmatch(r"[А-ЯЁа-яё\- ]+", name), (source, name)


def test_azerbaijani_names_use_the_azerbaijani_alphabet():
    for source, name in names("az"):
        assert set(name.replace(" ", "")) <= AZ_LETTERS, (source, name)
    spelled = dict(names("az"))
    assert spelled["Oghuz Mammadov"] == "Oğuz Məmmədov"
    assert spelled["Khatira Valiyeva"] == "Xatirə Vəliyeva"


def test_french_names_keep_the_latin_spelling_of_the_source():
    for source, name in names("fr"):
        assert name == source.replace("ı", "i"), (source, name)


@pytest.mark.parametrize("lang", LANGS)
def test_signatories_complete_and_distinct(lang):
    spelled = [name for _, name in names(lang)]
    assert len(spelled) == 45 and len(set(spelled)) == 45


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_editions_are_final(lang):
    edition = build_edition(load_document(SEED), lang, catalog(lang))
    assert edition.final and edition.draft_count == 0 and edition.untranslated_count == 0

"""The glossary: translator comments at po time, the glossary check, and masking in MT."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from argos_builder import build_package
from conftest import ROOT, SEED, run_cli

from pipeline.document.load import load_document
from pipeline.errors import PipelineError
from pipeline.memory.glossary import Term, check_entry, load_glossary, mask_terms, read_csv, unmask_terms
from pipeline.mt.argos.models import argos
from pipeline.mt.drafts import mask_numbers, translate_catalog, unmask_numbers
from pipeline.po.catalog import catalog_bytes, read_catalog

GLOSSARY = """term,fr,ru,az,note,fr_forbidden
civil society,société civile,гражданское общество|гражданского общества,vətəndaş cəmiyyəti,,société citoyenne
Public Union,Union publique,общественное объединение|общественного объединения,İctimai Birlik,an NGO's legal form,
"""
LEAD = (
    "Representatives of Azerbaijan's civil society have addressed an open letter to Vice President "
    "of the United States of America JD Vance."
)


def project(root: Path, reviewed: bool = True) -> Path:
    (root / "source").mkdir(parents=True)
    shutil.copy2(SEED, root / "source" / "letter.txt")
    (root / "translations").mkdir()
    (root / "translations" / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    if reviewed:
        shutil.copytree(ROOT / "translations" / "letter", root / "translations" / "letter")
    run_cli("pot", "source/letter.txt", cwd=root, check=True)
    run_cli("po", "source/letter.txt", cwd=root, check=True)
    return root


def test_read_csv_and_its_errors(tmp_path):
    terms = load_glossary(_write(tmp_path, GLOSSARY).parent)
    assert [t.term for t in terms] == ["civil society", "Public Union"]  # longest first
    union = terms[1]
    assert union.forms_for("ru") == ("общественное объединение", "общественного объединения")
    assert union.note == "an NGO's legal form" and terms[0].forbidden_for("fr") == ("société citoyenne",)
    with pytest.raises(PipelineError, match=r"glossary.csv:1: error: no 'term' column"):
        read_csv(_write(tmp_path, "word,fr\nx,y\n"))
    with pytest.raises(PipelineError, match=r"glossary.csv:3: error: empty term"):
        read_csv(_write(tmp_path, "term,fr\nx,y\n,z\n"))


def _write(folder: Path, text: str) -> Path:
    path = folder / "glossary.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_po_shows_terms_as_translator_comments_once(tmp_path):
    root = project(tmp_path)
    path = root / "translations/letter/fr.po"
    lead = read_catalog(path).get(LEAD)
    assert lead.user_comments[:1] == ["Glossary: civil society → société civile; not: société citoyenne"]
    title = next(m for m in read_catalog(path) if m.id and str(m.id).endswith("Public Union"))
    assert "Glossary: Public Union → Union publique (an NGO's legal form)" in title.user_comments
    before = path.read_bytes()
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True)
    assert path.read_bytes() == before  # idempotent: no duplicated comments
    reviewed = {str(m.id): (m.string, m.fuzzy) for m in read_catalog(ROOT / "translations/letter/fr.po")}
    assert {str(m.id): (m.string, m.fuzzy) for m in read_catalog(path)} == reviewed  # comments only


def test_check_reports_a_forbidden_variant_in_a_reviewed_entry(tmp_path):
    root = project(tmp_path)
    path = root / "translations/letter/fr.po"
    assert "[glossary]" not in run_cli("check", "source/letter.txt", "--langs", "fr", cwd=root).stdout
    catalog = read_catalog(path)
    lead = catalog.get(LEAD)
    assert not lead.fuzzy and "société civile" in lead.string
    lead.string = lead.string.replace("société civile", "société citoyenne")
    path.write_bytes(catalog_bytes(catalog))
    result = run_cli("check", "source/letter.txt", "--langs", "fr", cwd=root)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[glossary]" in line]
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("error: fr: source/letter.txt:1: [glossary]")
    assert "forbidden variant 'société citoyenne' of glossary term 'civil society'" in lines[0]
    assert "warning" in lines[1] and "should be 'société civile'" in lines[1]
    lead.flags.add("ignore-glossary")
    path.write_bytes(catalog_bytes(catalog))
    assert "[glossary]" not in run_cli("check", "source/letter.txt", "--langs", "fr", cwd=root).stdout


def test_check_entry_accepts_any_listed_form():
    terms = [Term("civil society", {"ru": ("гражданское общество", "гражданского общества")})]
    assert check_entry("civil society", "представители гражданского общества", "ru", terms) == []
    assert check_entry("civil society", "общественность", "ru", terms)[0][0] == "warning"
    assert check_entry("a society", "общественность", "ru", terms) == []


@pytest.mark.parametrize(
    "text",
    ["civil society of 2025", "Civil Society, civil society and the Public Union", "no term at all 12"],
)
def test_mask_and_unmask_terms_with_numbers(text):
    terms = [
        Term("Public Union", {"fr": ("Union publique",)}),
        Term("civil society", {"fr": ("société civile",)}),
    ]
    masked, forms = mask_terms(text, "fr", terms)
    masked, numbers = mask_numbers(masked)
    assert "society" not in masked.lower() and "union" not in masked.lower()
    restored, same = unmask_numbers(masked, numbers)
    restored, kept = unmask_terms(restored, forms)
    assert same and kept
    assert "civil society" not in restored.lower()
    assert restored.count("société civile") == text.lower().count("civil society")
    assert unmask_terms(masked.replace("TERMA", ""), forms)[1] is (not forms)


def test_a_term_survives_machine_translation_with_the_identity_model(tmp_path):
    root = project(tmp_path / "p", reviewed=False)
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    archive = build_package(tmp_path, "identity", "fr", lines)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "pkg")
    package = argos().Package(next((tmp_path / "pkg").iterdir()))
    seen = []
    encode = package.tokenizer.encode
    package.tokenizer.encode = lambda text: seen.append(text) or encode(text)
    path = root / "translations/letter/fr.po"
    report = translate_catalog(load_document(root / "source/letter.txt"), "fr", path, lambda lang: package)
    assert report.translated == 75
    assert not any("civil society" in text or "Public Union" in text for text in seen)
    assert any("Azerbaijan's TERMA have" in text for text in seen)
    lead = read_catalog(path).get(LEAD)
    assert lead.fuzzy and lead.string == LEAD.replace("civil society", "société civile")
    assert not any("glossary term was lost" in c for c in lead.user_comments)


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc>
</martifHeader><text><body><termEntry>
<langSet xml:lang="en"><tig><term>civil society</term></tig></langSet>
<langSet xml:lang="fr"><tig><term>société civile</term></tig></langSet>
<langSet xml:lang="ru"><tig><term>гражданское общество</term></tig></langSet>
</termEntry></body></text></martif>
"""


def test_a_tbx_glossary_is_read_with_translate_toolkit(tmp_path):
    (tmp_path / "glossary.tbx").write_text(TBX, encoding="utf-8")
    terms = load_glossary(tmp_path)
    assert [(t.term, t.forms_for("fr"), t.forms_for("ru")) for t in terms] == [
        ("civil society", ("société civile",), ("гражданское общество",))
    ]
    assert mask_terms("Our civil society.", "fr", terms) == ("Our TERMA.", ["société civile"])
    (tmp_path / "glossary.tbx").write_text(TBX[:200], encoding="utf-8")
    with pytest.raises(PipelineError, match=r"glossary\.tbx:\d+: error: unreadable TBX"):
        load_glossary(tmp_path)

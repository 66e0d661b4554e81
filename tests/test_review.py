"""Review sheet, sign-off, CAT exports and pseudo-translation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import tinyhtml5
from conftest import ROOT, SEED, chromium_screenshot, pixels, run_cli
from translate.storage.tmx import tmxfile
from translate.storage.xliff2 import Xliff2File

from pipeline.document.load import load_document
from pipeline.editions import edition_for
from pipeline.editions.pseudo import pseudo_text
from pipeline.po.catalog import catalog_bytes, read_catalog

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def shipped(tmp_path) -> Path:
    """A project holding the seed letter and the shipped, reviewed catalogs."""
    (tmp_path / "source").mkdir()
    shutil.copy2(SEED, tmp_path / "source" / "letter.txt")
    shutil.copytree(ROOT / "translations" / "letter", tmp_path / "translations" / "letter")
    (tmp_path / "translations" / "letter" / "signoff.json").unlink(missing_ok=True)
    return tmp_path


def spoil(root: Path, lang: str, msgid: str, text: str, fuzzy: bool = False) -> None:
    path = root / "translations" / "letter" / f"{lang}.po"
    catalog = read_catalog(path)
    catalog[msgid].string = text
    if fuzzy:
        catalog[msgid].flags.add("fuzzy")
    path.write_bytes(catalog_bytes(catalog))


# --- review sheet -----------------------------------------------------------------------------


def test_review_sheet_puts_problems_first(shipped):
    spoil(shipped, "ru", "We stand at a historic crossroads.", "Мы стоим на историческом перепутье 2024.")
    spoil(shipped, "ru", "Mr. Vice President,", "Господин вице-президент,", fuzzy=True)
    result = run_cli("review", "source/letter.txt", "--langs", "ru", cwd=shipped)
    assert result.returncode == 0, result.stderr
    sheet = shipped / "output" / "letter" / "review" / "ru.html"
    doc = tinyhtml5.parse(sheet.read_text(encoding="utf-8"))
    rows = doc.findall(f".//{XHTML}tbody/{XHTML}tr")
    assert len(rows) == 120
    first, second = rows[0], rows[1]
    assert "rank-0" in first.get("class") and "We stand at a historic crossroads." in "".join(
        first.itertext()
    )
    assert "[numbers]" in "".join(first.itertext())
    assert "state-draft" in second.get("class")
    summary = "".join(doc.find(f".//{XHTML}p[@class='summary']").itertext())
    assert "119 reviewed" in summary and "1 draft" in summary and "1 errors" in summary
    cells = first.findall(f"{XHTML}td")
    assert cells[1].get("lang") == "en" and cells[2].get("lang") == "ru"


def test_review_sheet_escapes_and_shows_mt_provenance(shipped):
    catalog_path = shipped / "translations/letter/fr.po"
    catalog = read_catalog(catalog_path)
    message = catalog["We stand at a historic crossroads."]
    message.string = "<script>x()</script>"
    message.flags.add("fuzzy")
    message.user_comments = [
        "MT draft, needs review: translate-en_fr 1.9, score -0.210",
        "MT alternative 1: Nous sommes",
    ]
    catalog_path.write_bytes(catalog_bytes(catalog))
    run_cli("review", "source/letter.txt", "--langs", "fr", cwd=shipped, check=True)
    html = (shipped / "output/letter/review/fr.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "MT draft, needs review: translate-en_fr 1.9, score -0.210" in html
    assert "MT alternative 1: Nous sommes" in html


def test_review_sheet_shows_control_and_bidi_characters(shipped):
    """Raw ESC, SOH or a right-to-left override in the sheet would hide what the reviewer must see."""
    spoil(shipped, "fr", "We stand at a historic crossroads.", "Nous\x1b[31m sommes\x01 \u202eexe.cba <b>")
    catalog_path = shipped / "translations/letter/fr.po"
    catalog = read_catalog(catalog_path)
    catalog["Mr. Vice President,"].user_comments = ["MT alternative 1: x\x07y"]
    catalog_path.write_bytes(catalog_bytes(catalog))
    run_cli("review", "source/letter.txt", "--langs", "fr", cwd=shipped, check=True)
    html = (shipped / "output/letter/review/fr.html").read_text(encoding="utf-8")
    assert not set(html) & {"\x1b", "\x01", "\x07", "\u202e"}
    doc = tinyhtml5.parse(html)
    first = doc.findall(f".//{XHTML}tbody/{XHTML}tr")[0]
    cell = "".join(first.findall(f"{XHTML}td")[2].itertext())
    assert cell == "Nous\u241b[31m sommes\u2401 ⟨U+202E⟩exe.cba <b>"
    marks = [span.get("title") for span in first.iter(f"{XHTML}span") if span.get("class") == "ctl"]
    assert marks == ["U+001B ESCAPE", "U+0001 (control)", "U+202E RIGHT-TO-LEFT OVERRIDE"]
    findings = "".join(first.findall(f"{XHTML}td")[4].itertext())
    assert "[control]" in findings and "[bidi]" in findings
    assert 'MT alternative 1: x<span class="ctl" title="U+0007 (control)">\u2407</span>y' in html


def test_review_sheet_screenshot_is_readable(shipped, tmp_path):
    spoil(shipped, "az", "We stand at a historic crossroads.", "Biz tarixi yol ayrıcındayıq 1.")
    run_cli("review", "source/letter.txt", "--langs", "az", cwd=shipped, check=True)
    shot = tmp_path / "review.png"
    chromium_screenshot(
        (shipped / "output/letter/review/az.html").as_uri(), shot, "1200,800", tmp_path / "profile"
    )
    colors = pixels(shot)
    dark = sum(1 for r, g, b in colors if r + g + b < 300)
    pink = sum(1 for r, g, b in colors if r > 240 and 225 < g < 245 and 225 < b < 245)  # the error row
    assert dark > 5000 and pink > 1000


# --- sign-off ------------------------------------------------------------------------------------


def test_approve_records_signoff_and_final_edition_has_colophon(shipped):
    result = run_cli("approve", "source/letter.txt", "--lang", "ru", "--by", "Nigar Aliyeva", cwd=shipped)
    assert result.returncode == 0, result.stderr
    record = json.loads((shipped / "translations/letter/signoff.json").read_text())["ru"]
    assert record["by"] == "Nigar Aliyeva"
    assert len(record["source_sha256"]) == 64 and len(record["catalog_sha256"]) == 64
    run_cli("edition", "source/letter.txt", "--lang", "ru", "--html-only", cwd=shipped, check=True)
    html = (shipped / "output/letter/ru.html").read_text(encoding="utf-8")
    assert "Перевод (русский) проверен: Nigar Aliyeva" in html
    assert f"версия оригинала {record['source_sha256'][:12]}" in html


@pytest.mark.parametrize("change", ["catalog", "letter"])
def test_a_change_after_signoff_turns_the_edition_back_into_a_draft(shipped, change):
    run_cli("approve", "source/letter.txt", "--lang", "fr", "--by", "Claire Martin", cwd=shipped, check=True)
    doc = load_document(shipped / "source/letter.txt")
    assert edition_for(doc, "fr", shipped / "translations").final
    if change == "catalog":
        spoil(shipped, "fr", "We stand at a historic crossroads.", "Nous voici à un carrefour historique.")
    else:
        letter = shipped / "source/letter.txt"
        letter.write_bytes(letter.read_bytes() + b"\n")
    doc = load_document(shipped / "source/letter.txt")
    edition = edition_for(doc, "fr", shipped / "translations")
    assert not edition.final and f"the {change} changed after Claire Martin" in edition.stale_signoff
    run_cli("edition", "source/letter.txt", "--langs", "fr", "--lang", "en", cwd=shipped, check=True)
    result = run_cli("publish", "source/letter.txt", "--langs", "fr", cwd=shipped)
    assert result.returncode == 1 and "approve it again" in result.stderr
    run_cli("approve", "source/letter.txt", "--lang", "fr", "--by", "Claire Martin", cwd=shipped, check=True)
    assert edition_for(load_document(shipped / "source/letter.txt"), "fr", shipped / "translations").final


@pytest.mark.parametrize(
    ("spoilage", "reason"),
    [
        (("Mr. Vice President,", "Monsieur le Vice-Président,", True), "1 draft and 0 untranslated"),
        (("Mr. Vice President,", "", False), "0 draft and 1 untranslated"),
        (
            ("We stand at a historic crossroads.", "Nous sommes à un carrefour historique de 1999.", False),
            "1 check errors",
        ),
    ],
)
def test_approve_refuses_drafts_untranslated_and_check_errors(shipped, spoilage, reason):
    spoil(shipped, "fr", spoilage[0], spoilage[1], fuzzy=spoilage[2])
    result = run_cli("approve", "source/letter.txt", "--lang", "fr", "--by", "Claire Martin", cwd=shipped)
    assert result.returncode == 1
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (shipped / "translations/letter/signoff.json").exists()


# --- exports --------------------------------------------------------------------------------------


def test_exports_read_back_as_the_reviewed_pairs(shipped):
    spoil(shipped, "ru", "Mr. Vice President,", "Господин вице-президент,", fuzzy=True)
    run_cli("export", "source/letter.txt", "--langs", "ru fr", cwd=shipped, check=True)
    folder = shipped / "output/letter/export"
    for lang in ("ru", "fr"):
        catalog = read_catalog(shipped / f"translations/letter/{lang}.po")
        expected = {(str(m.id), str(m.string)) for m in catalog if m.id and m.string and not m.fuzzy}
        xliff = Xliff2File.parsestring((folder / f"{lang}.xlf").read_bytes())
        assert xliff.gettargetlanguage() == lang and xliff.getsourcelanguage() == "en"
        assert {(u.source, u.target) for u in xliff.units} == expected
        tmx = tmxfile.parsestring((folder / f"{lang}.tmx").read_bytes())
        assert {(u.source, u.target) for u in tmx.units} == expected
    assert ("Mr. Vice President,", "Господин вице-президент,") not in {
        (u.source, u.target) for u in Xliff2File.parsestring((folder / "ru.xlf").read_bytes()).units
    }


# --- pseudo-translation ------------------------------------------------------------------------------


def test_pseudo_text_is_accented_bracketed_and_longer():
    text = "We stand at a historic crossroads."
    pseudo = pseudo_text(text)
    assert pseudo.startswith("[") and pseudo.endswith("]")
    assert 1.25 <= len(pseudo) / len(text) <= 1.45
    assert sum(1 for c in pseudo if ord(c) > 127 and c != "·") >= 15
    assert pseudo_text("since 1987")[1:-1].split()[1] == "1987"


def test_pseudo_edition_is_always_a_draft_and_never_published(shipped):
    result = run_cli("pseudo", "source/letter.txt", "--langs", "fr", cwd=shipped)
    assert result.returncode == 0, result.stderr
    html = (shipped / "output/letter/en-XA.html").read_text(encoding="utf-8")
    assert '<html lang="en-XA"' in html and 'class="draft-banner"' in html
    assert (shipped / "output/letter/en-XA.pdf").exists()
    assert not (shipped / "translations/letter/en-XA.po").exists()
    run_cli(
        "edition",
        "source/letter.txt",
        "--langs",
        "fr",
        "--lang",
        "en fr",
        cwd=shipped,
        check=True,
    )  # publish copies only PDFs rendered from the current HTML: no stand-in files
    run_cli("publish", "source/letter.txt", "--langs", "fr", cwd=shipped, check=True)
    assert not list((shipped / "output/publish/letter").glob("en-XA*"))

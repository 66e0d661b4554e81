"""Editions in ten languages and five scripts, for a letter signed in five more.

The letter (tests/data/international_letter.txt) is signed in Korean,
Arabic, Hebrew, Chinese and Devanagari. Its catalogs are filled with drafts
made here (never machine translation): words of the right length made of
each language's CLDR exemplar letters, names drafted by ``translit.name_draft``,
one sentence left untranslated so every edition shows English fallback text.
Each edition must be valid HTML for the Nu checker, its PDF must embed fonts
that draw every character of its text, and the Arabic page must read right
to left in Chromium and in the PDF.
"""

from __future__ import annotations

import random
import re
import subprocess
import unicodedata
from pathlib import Path

import icu
import pytest
from babel.messages.catalog import Message
from browser import vnu_errors
from conftest import ROOT, chromium_screenshot, letter_project, run_cli

from pipeline.document.load import load_document
from pipeline.document.model import Signatory
from pipeline.editions.build import prepare
from pipeline.editions.font_stacks import scopes
from pipeline.editions.model import build_edition
from pipeline.editions.pdf import render_pdf
from pipeline.editions.render import ui_translations
from pipeline.errors import PipelineError
from pipeline.lang.locales import likely_script
from pipeline.lang.translit import name_draft
from pipeline.po.catalog import read_catalog
from pipeline.po.write import catalog_bytes
from pipeline.review.checks import Entry, check_length
from pipeline.typesetting.fonts import FontFace, faces_with, find_face, uncovered

LETTER = ROOT / "tests" / "data" / "international_letter.txt"
LANGS = ["ar", "he", "zh", "ja", "hi", "uk", "pl", "pt_BR", "tr", "de"]
NAMES = ["김민준", "محمد علي", "דוד כהן", "王小明", "राहुल शर्मा"]
UNTRANSLATED = "We ask UNESCO to publish a yearly report on press freedom"  # left in English
NO_SPACES = ("Hans", "Hant", "Jpan")
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def exemplar_letters(lang: str) -> list[str]:
    """The language's CLDR exemplar letters (single code points), from ICU."""
    data = icu.LocaleData(lang)
    found = icu.UnicodeSet(data.getExemplarSet(0, icu.ULocaleDataExemplarSetType.ES_STANDARD))
    return sorted(c for c in found if len(c) == 1 and c.isalpha() and not c.isupper())


def draft_text(text: str, lang: str) -> str:
    """A stand-in translation: each word replaced by one of the language's letters, numbers kept.

    Chinese and Japanese get about a third of the characters and no spaces, as real text has.
    """
    rng = random.Random(f"{lang}:{text}")
    letters = exemplar_letters(lang)
    dense = likely_script(lang) in NO_SPACES

    def word(match: re.Match[str]) -> str:
        size = max(1, len(match.group()) // 3) if dense else len(match.group())
        return "".join(rng.choice(letters) for _ in range(size))

    out = re.sub(r"[^\W\d_]+", word, text)
    return re.sub(r"(?<=\w) (?=\w)", "", out) if dense else out


def fill_drafts(path: Path, names: set[str]) -> None:
    """Every entry a fuzzy draft, but the untranslated sentence; names drafted as the pipeline does."""
    catalog = read_catalog(path)
    lang = path.stem
    for message in catalog:
        if not message.id or str(message.id).startswith(UNTRANSLATED):
            continue
        source = str(message.id)
        message.string = name_draft(source, lang).text if source in names else draft_text(source, lang)
        message.flags.add("fuzzy")
    path.write_bytes(catalog_bytes(catalog))


@pytest.fixture(scope="module")
def intl(tmp_path_factory) -> Path:
    """The letter's catalogs filled with drafts, and every edition built (HTML, PDF, index)."""
    root = letter_project(tmp_path_factory.mktemp("languages"), " ".join(LANGS), LETTER, "intl.txt")
    doc = load_document(root / "source" / "intl.txt")
    names = {b.name.text for b in doc.blocks if isinstance(b, Signatory)}
    assert set(NAMES) <= names
    for lang in LANGS:
        fill_drafts(root / "translations" / "intl" / f"{lang}.po", names)
    result = run_cli("editions", "source/intl.txt", "--langs", " ".join(LANGS), "--jobs", "2", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def drafted(name: str, lang: str) -> str:
    """A signatory's name as the edition shows it: the source, or the pipeline's draft."""
    return name if lang == "en" else name_draft(name, lang).text


def out(root: Path, name: str) -> Path:
    return root / "output" / "intl" / name


def test_every_edition_is_built_as_a_draft(intl):
    for lang in ["en", *LANGS]:
        html = out(intl, f"{lang}.html").read_text(encoding="utf-8")
        assert out(intl, f"{lang}.pdf").read_bytes().startswith(b"%PDF")
        tag = lang.replace("_", "-")
        assert f'<html lang="{tag}" dir="{"rtl" if lang in ("ar", "he") else "ltr"}">' in html
        if lang != "en":
            assert "is-draft" in html
        for name in NAMES:  # as drafted: kept, or transliterated into a Latin or Cyrillic edition
            assert drafted(name, lang) in html, (lang, name)


def test_every_page_is_valid_html_for_the_nu_checker(intl):
    pages = [out(intl, f"{lang}.html") for lang in ["en", *LANGS]] + [out(intl, "index.html")]
    assert vnu_errors(pages) == []


def pdf_faces(path: Path) -> list[FontFace]:
    """The installed faces of the fonts a PDF embeds, each checked as embedded (pdffonts "emb yes")."""
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    faces = []
    for row in [line.split() for line in listing.splitlines()[2:]]:
        assert row[-5] == "yes", f"{path.name}: font {row[0]} is not embedded"
        name = re.sub(r"^[A-Z]{6}\+", "", row[0])
        family = re.sub(r"-(Regular|Bold|Italic|Oblique|BoldItalic|BoldOblique)$", "", name).replace("-", " ")
        face = find_face(family)
        assert face is not None, f"{path.name}: embeds {row[0]}, not an installed family"
        faces.append(face)
    return faces


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_pdf_fonts_are_embedded_and_draw_all_its_text(intl, lang):
    path = out(intl, f"{lang}.pdf")
    faces = pdf_faces(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert uncovered([text], faces) == []  # no character set in a font without it: no tofu
    plain = text.translate(BIDI_CONTROLS)
    for name in NAMES:
        shown = drafted(name, lang)
        if not any(unicodedata.category(c) == "Mc" for c in shown):  # poppler misorders Indic vowel signs
            assert shown in plain, (lang, shown)


# --- right to left, as a reader sees it ------------------------------------------------------


def text_lines(image: Path, top: int = 0) -> list[tuple[int, int]]:
    """(left, right) ink edges of each line of text in a page image (dark pixels only)."""
    from PIL import Image

    gray = Image.open(image).convert("L")
    width, height = gray.size
    data = gray.load()
    lines, current = [], None
    for y in range(top, height):
        ink = [x for x in range(width) if data[x, y] < 110]
        if ink:
            current = (min(current[0], ink[0]), max(current[1], ink[-1])) if current else (ink[0], ink[-1])
        elif current:
            lines.append(current)
            current = None
    return lines


def flush_lines(image: Path, top: int = 0) -> tuple[int, int]:
    """How many lines touch only the right edge of the text, and how many only the left one."""
    lines = text_lines(image, top)
    left, right = min(a for a, _ in lines), max(b for _, b in lines)
    only_right = sum(1 for a, b in lines if b >= right - 4 and a > left + 4)
    only_left = sum(1 for a, b in lines if a <= left + 4 and b < right - 4)
    return only_right, only_left


def test_arabic_page_reads_right_to_left_in_chromium(intl, tmp_path):
    shots = {}
    for lang in ("ar", "en"):
        shots[lang] = tmp_path / f"{lang}.png"
        chromium_screenshot(out(intl, f"{lang}.html").as_uri(), shots[lang], "900,1400", tmp_path / "profile")
    only_right, only_left = flush_lines(shots["ar"], top=60)  # below the language list
    assert only_right >= 5 and only_left <= 1, (only_right, only_left)
    only_right, only_left = flush_lines(shots["en"], top=60)  # the same page, left to right
    assert only_left >= 5 and only_right <= 1, (only_right, only_left)


def test_arabic_pdf_reads_right_to_left(intl, tmp_path):
    for lang, rtl in (("ar", True), ("de", False)):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "72",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(out(intl, f"{lang}.pdf")),
                str(tmp_path / lang),
            ],
            check=True,
        )
        only_right, only_left = flush_lines(tmp_path / f"{lang}-1.png")
        assert (only_right >= 5 and only_left <= 1) if rtl else (only_left >= 5 and only_right <= 1), lang


def page_words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    """(x, y, word) of every word on one page, as ``pdftotext -bbox`` places them."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', bbox)
    return [(float(x), float(y), text) for x, y, text in words]


def footer_words(pdf: Path) -> list[tuple[float, str]]:
    """(x, word) of the words in the bottom margin of page 1, from left to right."""
    return sorted((x, text) for x, y, text in page_words(pdf, 1) if y > 780)


@pytest.mark.parametrize(("lang", "rtl"), [("ar", True), ("he", True), ("de", False)])
def test_page_number_line_is_mirrored_right_to_left(intl, lang, rtl):
    words = footer_words(out(intl, f"{lang}.pdf"))
    page_word = ui_translations(lang).gettext("Page {page} of {pages}").split()[0]
    [x_word] = [x for x, text in words if sorted(text) == sorted(page_word)]  # poppler: glyph order
    digits = [x for x, text in words if text.isdigit()]
    assert len(digits) == 2
    assert (x_word > max(digits)) if rtl else (x_word < min(digits))


def test_names_titles_and_english_text_are_isolated(intl):
    html = out(intl, "ar.html").read_text(encoding="utf-8")
    seg = r'<span class="seg[^"]*"[^>]*>'
    assert re.search(rf'<bdi class="name" dir="ltr">{seg}김민준</span></bdi>', html)
    assert re.search(rf'<bdi class="name" dir="rtl">{seg}محمد علي</span></bdi>', html)
    assert re.search(rf'<bdi class="title" dir="rtl">{seg}[^<]+</span></bdi>', html)
    assert re.search(r'<span class="seg untranslated" lang="en" dir="ltr"[^>]*>We ask UNESCO', html)


# --- fonts per edition and per run of text; the glyph gate -------------------------------------

NO_FONT = "\U0001e290"  # TOTO LETTER PA (Unicode 14): no Debian font draws it


def edition(root: Path, lang: str, change=None):
    """The edition of ``lang`` from the fixture's catalog, one entry changed by ``change``."""
    doc = load_document(root / "source" / "intl.txt")
    catalog = None if lang == "en" else read_catalog(root / "translations" / "intl" / f"{lang}.po")
    if change:
        change(catalog)
    return build_edition(doc, lang, catalog)


def test_each_language_on_a_page_gets_its_own_font_stack(intl):
    css = out(intl, "de.html").read_text(encoding="utf-8").split("</style>")[0]
    rules = dict(re.findall(r'^(:root|\[lang="[^"]+"\]) \{ font-family: ([^;]+); \}$', css, re.MULTILINE))
    assert rules[":root"].startswith('"Noto Serif"')
    assert rules['[lang="ar"]'].startswith('"Noto Naskh Arabic", "Noto Serif"')
    assert rules['[lang="zh"]'].startswith('"Noto Serif CJK SC"')
    assert rules['[lang="ja"]'].startswith('"Noto Serif CJK JP"')
    assert rules['[lang="hi"]'].startswith('"Noto Serif Devanagari"')
    ar = out(intl, "ar.html").read_text(encoding="utf-8").split("</style>")[0]
    rules = dict(re.findall(r'^(:root|\[lang="[^"]+"\]) \{ font-family: ([^;]+); \}$', ar, re.MULTILINE))
    assert rules[":root"].startswith('"Noto Naskh Arabic", "Noto Serif"')
    assert "Noto Serif CJK" in rules[":root"] and "Noto Serif Devanagari" in rules[":root"]  # the names
    assert rules['[lang="en"]'].startswith('"Noto Serif"')  # English fallback text: Latin first
    assert 'lang="en" dir="ltr"' in out(intl, "ar.html").read_text(encoding="utf-8")


def test_an_uncovered_character_fails_only_its_edition_naming_it(intl, tmp_path):
    def break_title(catalog):
        catalog.get("Reporter, Haifa Daily").string = f"Reporter {NO_FONT}"

    assert not faces_with(ord(NO_FONT)), "a font now draws the test's character: pick another"
    with pytest.raises(PipelineError) as failed:
        prepare(edition(intl, "de", break_title), ["de", "pl"], tmp_path)
    assert "in entry 'Reporter, Haifa Daily'" in str(failed.value)
    assert str(failed.value).startswith("error: de: no installed font has a glyph for '\U0001e290' (U+1E290")
    assert "TOTO LETTER PA" in str(failed.value) and "fonts tried: Noto Serif, " in str(failed.value)
    prepare(edition(intl, "pl"), ["de", "pl"], tmp_path)  # the other editions are not stopped
    prepare(edition(intl, "en"), ["de", "pl"], tmp_path)


def test_english_fallback_text_is_checked_against_the_english_stack(intl, tmp_path):
    def untranslate(catalog):
        catalog.get("Reporter, Haifa Daily").string = ""

    found = scopes(edition(intl, "ar", untranslate), [], [])
    english = next(s for s in found if s.lang == "en")
    assert ("Reporter, Haifa Daily", "Reporter, Haifa Daily") in english.items
    assert english.stack[0].family == "Noto Serif" and found[0].stack[0].family == "Noto Naskh Arabic"


# --- lengths: Chinese and Japanese run shorter than English -----------------------------------


@pytest.mark.parametrize(
    ("lang", "ratio", "warned"), [("zh", 0.3, False), ("ja", 0.35, False), ("de", 0.3, True)]
)
def test_length_check_expects_each_scripts_own_length(lang, ratio, warned):
    source = "We write to you on behalf of 4,500 reporters who cover elections."
    message = Message(source, "字" * round(len(source) * ratio))
    found = list(check_length(Entry(lang, message, "sentence", frozenset())))
    assert bool(found) == warned
    twice = Entry("zh", Message(source, "字" * len(source) * 2), "sentence", frozenset())
    assert list(check_length(twice))  # too long for Chinese is still reported


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "rtl"), [("ar", True), ("he", True), ("de", False)])
def test_running_header_is_mirrored_right_to_left(intl, tmp_path, lang, rtl):
    """Page 2's running header: the DRAFT mark after the title, so left of it in Arabic and Hebrew."""
    html = out(intl, f"{lang}.html").read_text(encoding="utf-8")
    html = html.replace("</article>", '<div style="break-before: page"></div></article>')  # a page 2
    render_pdf(html, tmp_path / "two.pdf")
    header = {text: x for x, y, text in page_words(tmp_path / "two.pdf", 2) if y < 60}
    assert "DRAFT" in header and "2026" in header, header
    assert (header["DRAFT"] < header["2026"]) if rtl else (header["DRAFT"] > header["2026"])

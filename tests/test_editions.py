"""HTML and PDF editions: content, final versus draft, typography, fonts, security."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import ClassVar

import pytest
import tinyhtml5
from conftest import ROOT, chromium_screenshot, letter_project, pixels, run_cli
from pypdf import PdfReader

from pipeline.document.load import load_document
from pipeline.editions import (
    build_edition,
    pdf_identifier,
    pdf_key,
    project_url_fetcher,
    render_pdf,
)
from pipeline.errors import PipelineError
from pipeline.lang.typography import NBSP, NNBSP, typeset
from pipeline.po.catalog import catalog_bytes, read_catalog
from pipeline.project import TEMPLATES

XHTML = "{http://www.w3.org/1999/xhtml}"
HOSTILE = {
    "Dear Mr. Vice President,": "<script>alert('x')</script>",
    "Mr. Vice President,": '<img src="http://127.0.0.1:{port}/pixel.png">',
    "With Respect and Sincerity,": '<link rel="attachment" href="file:///etc/passwd">',
    "The Representatives of Azerbaijani Civil Society": "{{ 7*7 }} {% raw %}",
}


def fill(path: Path, translate, fuzzy=lambda i: False, skip=lambda i: False) -> None:
    """Play translator: give entries a translation, some fuzzy, some left empty."""
    catalog = read_catalog(path)
    for index, message in enumerate(m for m in catalog if m.id):
        if skip(index):
            continue
        message.string = translate(message.id)
        if fuzzy(index):
            message.flags.add("fuzzy")
    path.write_bytes(catalog_bytes(catalog))


def build(root: Path, langs: str, lang: str) -> subprocess.CompletedProcess:
    return run_cli("edition", "source/letter.txt", "--langs", langs, "--lang", lang, cwd=root)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """fr complete and reviewed (final); ru partly drafted (draft); az untranslated."""
    root = letter_project(tmp_path_factory.mktemp("editions"), "fr ru az")
    folder = root / "translations" / "letter"
    fill(folder / "fr.po", lambda m: f"«{m}» (FR) : vraiment ?")
    fill(folder / "ru.po", lambda m: f"Перевод {m}", fuzzy=lambda i: i % 3 == 0, skip=lambda i: i % 5 == 0)
    for lang in ("en", "fr", "ru", "az"):
        assert build(root, "fr ru az", lang).returncode == 0
    run_cli("index", "source/letter.txt", "--langs", "fr ru az", cwd=root, check=True)
    return root


def out(root: Path, name: str) -> Path:
    return root / "output" / "letter" / name


def normalized(text: str) -> str:
    # PDF text extraction loses line-end hyphenation and spacing; compare without them
    return re.sub(r"[\s\u00ad\u2010\u2011\-]+", "", text)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def pdf_body_text(path: Path) -> str:
    """The pages' text without the running header and footer, which come last in each page's text
    (a sentence running over a page break then reads whole)."""
    pages = PdfReader(path).pages
    texts = []
    for number, page in enumerate(pages, start=1):
        lines = page.extract_text().splitlines()
        for _ in range(3):
            if lines and (
                re.fullmatch(rf"\D*\b{number}\b\D+\b{len(pages)}\b\D*", lines[-1])  # Page 2 of 5
                or re.fullmatch(r"[^·]{1,40}( · [^·]{1,40})+", lines[-1])  # Open letter · date · DRAFT
                or lines[-1] == "DRAFT"  # a draft's watermark
            ):
                lines.pop()
        texts.append("\n".join(lines))
    return "\n".join(texts)


def edition_of(root: Path, lang: str):
    doc = load_document(root / "source" / "letter.txt")
    catalog = None if lang == "en" else read_catalog(root / "translations" / "letter" / f"{lang}.po")
    return build_edition(doc, lang, catalog)


def parse_html(path: Path):
    return tinyhtml5.parse(path.read_text(encoding="utf-8"))


# --- content --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr", "ru", "az"])
def test_pdf_holds_every_segment_exactly_once_in_order(built, lang):
    edition = edition_of(built, lang)
    text = normalized(pdf_body_text(out(built, f"{lang}.pdf")))
    texts = [normalized(t.text) for t in edition.segments]
    position = 0
    for seg in texts:
        containing = sum(1 for other in texts if seg in other)
        assert text.count(seg) == containing, seg
        found = text.find(seg, position)
        assert found >= 0, f"out of order: {seg}"
        position = found
    numbers = re.findall(r"(\d+)\.\s", pdf_text(out(built, f"{lang}.pdf")))
    assert [int(n) for n in numbers if int(n) <= 45][-45:] == list(range(1, 46))


@pytest.mark.parametrize(
    ("lang", "date", "page"),
    [
        ("en", "February 9, 2026", "Page 1 of 4"),
        ("fr", "9 février 2026", "Page 1 sur"),
        ("ru", "9 февраля 2026 г.", "Страница 1 из"),
        ("az", "9 fevral 2026", "Səhifə 1 /"),
    ],
)
def test_date_and_page_numbers_are_localized(built, lang, date, page):
    text = pdf_text(out(built, f"{lang}.pdf"))
    assert normalized(date) in normalized(text)
    assert normalized(page) in normalized(text)


def test_final_only_when_every_entry_is_reviewed(built):
    assert edition_of(built, "en").final and edition_of(built, "fr").final
    ru, az = edition_of(built, "ru"), edition_of(built, "az")
    assert not ru.final and ru.draft_count > 0 and ru.untranslated_count > 0
    assert not az.final and az.untranslated_count == 120
    for lang, draft in (("en", False), ("fr", False), ("ru", True), ("az", True)):
        pdf = PdfReader(out(built, f"{lang}.pdf"))
        pages_with_mark = sum("DRAFT" in page.extract_text() for page in pdf.pages)
        assert pages_with_mark == (len(pdf.pages) if draft else 0), lang
        html = out(built, f"{lang}.html").read_text(encoding="utf-8")
        assert ('class="draft-banner"' in html) == draft


def test_draft_html_marks_machine_and_untranslated_segments(built):
    doc = parse_html(out(built, "ru.html"))
    drafts = doc.findall(f".//{XHTML}span[@class='seg draft']")
    untranslated = doc.findall(f".//{XHTML}span[@class='seg untranslated']")
    edition = edition_of(built, "ru")
    assert len(drafts) == edition.draft_count and len(untranslated) == edition.untranslated_count
    assert all(span.get("lang") == "en" for span in untranslated)
    assert untranslated[0].text in {t.text for t in edition.segments if t.state == "untranslated"}
    banner = doc.find(f".//{XHTML}div[@class='draft-banner']")
    body = doc.find(f"{XHTML}body")
    assert list(body.iter()).index(banner) < list(body.iter()).index(drafts[0])


def test_numbers_come_from_the_data(built):
    doc = parse_html(out(built, "fr.html"))
    items = doc.findall(f".//{XHTML}ol/{XHTML}li")
    assert [int(li.get("value")) for li in items] == list(range(1, 46))


def test_french_typography_is_generated(built):
    html = out(built, "fr.html").read_text(encoding="utf-8")
    assert f"«{NBSP}Dear Mr. Vice President,{NBSP}» (FR){NBSP}: vraiment{NNBSP}?" in html
    assert '"' not in re.sub(r"<[^>]*>", "", html.split("<body", 1)[1].split(">", 1)[1])


def test_azerbaijani_is_without_fi_ligature(built):
    html = out(built, "az.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="az"', html)
    assert 'class="lang-az' in html
    css = (TEMPLATES / "edition.css").read_text()
    assert ".lang-az { font-variant-ligatures: no-common-ligatures; }" in css


# --- PDF properties -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_pdf_fonts_metadata_lang_and_structure(built, lang):
    path = out(built, f"{lang}.pdf")
    reader = PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    assert reader.metadata.title.startswith({"en": "Open letter", "ru": "Открытое письмо"}[lang])
    assert reader.metadata.author
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("Noto-Serif" in row[0] and row[-5:-2] == ["yes", "yes", "yes"] for row in rows), fonts
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4


def test_pdf_is_reproducible(built, tmp_path):
    first = out(built, "ru.pdf").read_bytes()
    out(built, "ru.pdf").unlink()
    assert build(built, "fr ru az", "ru").returncode == 0
    assert out(built, "ru.pdf").read_bytes() == first


def test_pdf_identifier_is_the_key_of_its_inputs_and_current_editions_are_not_rendered(built):
    pdf, html = out(built, "ru.pdf"), out(built, "ru.html")
    key = pdf_key(html.read_text(encoding="utf-8"))
    assert pdf_identifier(pdf) == key
    first, second = PdfReader(pdf).trailer["/ID"]
    assert first.original_bytes == second.original_bytes == bytes.fromhex(key)
    stamp = (pdf.stat().st_mtime_ns, html.stat().st_mtime_ns)
    assert build(built, "fr ru az", "ru").returncode == 0
    assert (pdf.stat().st_mtime_ns, html.stat().st_mtime_ns) == stamp  # current: not even touched
    pdf.write_bytes(pdf.read_bytes().replace(key.encode(), b"0" * 32))  # a PDF of other inputs
    assert build(built, "fr ru az", "ru").returncode == 0
    assert pdf_identifier(pdf) == key


# --- HTML ----------------------------------------------------------------------------


def test_html_lang_hreflang_switcher_and_viewport(built):
    doc = parse_html(out(built, "fr.html"))
    assert doc.get("lang") == "fr"
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in doc.iter(f"{XHTML}link")
        if link.get("rel") == "alternate"
    }
    assert alternates == {"en": "en.html", "fr": "fr.html", "ru": "ru.html", "az": "az.html"}
    nav = doc.find(f".//{XHTML}nav")
    names = ["".join(el.itertext()) for el in nav.iter(f"{XHTML}li")]
    assert names == ["English", "Français", "Русский", "Azərbaycan dili"]
    assert any(m.get("name") == "viewport" for m in doc.iter(f"{XHTML}meta"))
    assert "@media print" in out(built, "fr.html").read_text(encoding="utf-8")


def test_index_links_every_edition_with_its_state(built):
    doc = parse_html(out(built, "index.html"))
    items = doc.findall(f".//{XHTML}ul[@class='editions']/{XHTML}li")
    assert [li.get("class") for li in items] == ["final", "final", "draft", "draft"]
    assert [li.find(f"{XHTML}a").text for li in items] == [
        "English",
        "Français",
        "Русский",
        "Azərbaycan dili",
    ]


def test_html_validates_as_html5_structure(built):
    html = out(built, "az.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    doc = parse_html(out(built, "az.html"))
    assert doc.find(f"{XHTML}head/{XHTML}title").text
    assert doc.find(f"{XHTML}head/{XHTML}meta").get("charset") == "utf-8"


# --- security --------------------------------------------------------------------------


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        CountingHandler.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    CountingHandler.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def test_hostile_translations_are_printed_as_text(tmp_path, server):
    root = letter_project(tmp_path, "fr")
    hostile = {k: v.replace("{port}", str(server)) for k, v in HOSTILE.items()}
    fill(root / "translations/letter/fr.po", lambda m: hostile.get(m, f"Texte {m}"))
    result = build(root, "fr", "fr")
    assert result.returncode == 0, result.stderr
    html = out(root, "fr.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and 'rel="attachment"' not in html
    assert "&lt;script&gt;" in html and "&lt;img src=" in html
    # printed as text, never evaluated as a template ("49")
    assert '<span class="seg">{{ 7*7 }} {% raw %}</span>' in html
    doc = parse_html(out(root, "fr.html"))
    assert not list(doc.iter(f"{XHTML}script")) and not list(doc.iter(f"{XHTML}img"))
    text = normalized(pdf_text(out(root, "fr.pdf")))
    for value in hostile.values():
        assert normalized(typeset(value, "fr")) in text
    assert CountingHandler.hits == []
    reader = PdfReader(out(root, "fr.pdf"))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"root:x:0" not in out(root, "fr.pdf").read_bytes()


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="http://127.0.0.1:{port}/pixel.png">',
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<img src="file:///etc/hostname">',
        '<img src="../pipeline/__init__.py">',
    ],
)
def test_fetcher_blocks_everything_outside_templates(tmp_path, server, tag):
    html = f"<html><body><p>x</p>{tag.format(port=server)}</body></html>"
    with pytest.raises(PipelineError, match="blocked URL"):
        render_pdf(html, tmp_path / "x.pdf", b"id")
    assert CountingHandler.hits == []
    assert not (tmp_path / "x.pdf").exists()


def test_fetcher_allows_templates_but_not_symlinks_out_of_them(tmp_path):
    fetcher = project_url_fetcher()
    response = fetcher.fetch((TEMPLATES / "edition.css").as_uri())
    assert b"Noto Serif" in response.read()
    response.close()
    link = TEMPLATES / "zz-test-link.txt"
    link.symlink_to("/etc/hostname")
    try:
        with pytest.raises(BaseException, match="blocked URL"):
            fetcher.fetch(link.as_uri())
    finally:
        link.unlink()


def test_uncovered_glyph_fails_the_build_naming_character_language_and_entry(tmp_path):
    root = letter_project(tmp_path, "fr")
    fill(
        root / "translations/letter/fr.po",
        lambda m: "Monsieur \U0001e290 le Vice-Président," if m == "Mr. Vice President," else f"Texte {m}",
    )
    before = sorted(p.name for p in (root / "output").glob("**/*")) if (root / "output").exists() else []
    result = build(root, "fr", "fr")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert (
        # Toto letters: no Debian font draws them (fonts-noto-core, -cjk, -color-emoji)
        "fr: no installed font has a glyph for '\U0001e290' (U+1E290 TOTO LETTER PA)" in result.stderr
    )
    assert "'Mr. Vice President,'" in result.stderr
    after = sorted(p.name for p in (root / "output").glob("**/*")) if (root / "output").exists() else []
    assert after == before


# --- publish ----------------------------------------------------------------------------


def test_publish_copies_finals_and_lists_what_blocks_drafts(built):
    result = run_cli("publish", "source/letter.txt", "--langs", "fr ru az", cwd=built)
    assert result.returncode == 1
    published = built / "output" / "publish" / "letter"
    # fr is final, but its made-up translations leave English in: check errors hold it back
    editions = sorted(p.name for p in published.iterdir() if p.suffix in (".html", ".pdf"))
    assert editions == ["en.html", "en.pdf", "index.html"]  # the site: tests/test_publish.py
    assert re.search(r"^  fr: \d+ check errors in translations/letter/fr\.po", result.stderr, re.M)
    ru = edition_of(built, "ru")
    assert (
        f"ru: draft: {ru.draft_count} draft (fuzzy) and {ru.untranslated_count} untranslated entries"
        in result.stderr
    )
    assert "az: draft: 0 draft (fuzzy) and 120 untranslated entries" in result.stderr
    assert (published / "en.pdf").read_bytes() == out(built, "en.pdf").read_bytes()


# --- seen as a person sees it ------------------------------------------------------------


def test_chromium_screenshot_of_an_edition_is_not_blank(built, tmp_path):
    from PIL import Image

    shot = tmp_path / "ru.png"
    chromium_screenshot(out(built, "ru.html").as_uri(), shot, "412,900", tmp_path / "profile")
    assert Image.open(shot).size == (412, 900)
    colors = pixels(shot)
    dark = sum(1 for r, g, b in colors if r + g + b < 300)
    red = sum(1 for r, g, b in colors if r > 150 and g < 80 and b < 80)  # the DRAFT banner
    assert dark > 2000, "the page looks blank"
    assert red > 100, "the draft banner is not visible"


# --- untrusted text cannot break the layout; size is bounded -----------------------------------

LONG_WORD = "Start " + "a" * 5000 + " end"


def test_a_5000_letter_word_stays_on_the_pdf_page(tmp_path):
    root = letter_project(tmp_path, "fr")
    fill(
        root / "translations/letter/fr.po",
        lambda m: LONG_WORD if m == "Mr. Vice President," else f"Texte {m}",
    )
    assert build(root, "fr", "fr").returncode == 0
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(out(root, "fr.pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    assert right <= width - 20 * 72 / 25.4  # inside the right margin (22 mm)
    assert normalized(pdf_text(out(root, "fr.pdf"))).count("a" * 5000) == 0  # broken into lines
    assert re.sub(r"[^a]", "", pdf_text(out(root, "fr.pdf"))).count("a") >= 5000  # every letter shown


def test_a_5000_letter_word_stays_on_the_screen(tmp_path):
    """The HTML edition in Chromium at a phone's width: nothing wider than the viewport."""
    root = letter_project(tmp_path, "fr")
    fill(
        root / "translations/letter/fr.po",
        lambda m: LONG_WORD if m == "Mr. Vice President," else f"Texte {m}",
    )
    assert build(root, "fr", "fr").returncode == 0
    page = out(root, "fr.html")
    probe = tmp_path / "probe.html"
    # a copy with one script that writes the page's scroll width into the DOM
    probe.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.body.setAttribute('data-width', "
            "document.documentElement.scrollWidth + 'x' + window.innerWidth)</script></body>",
        ),
        encoding="utf-8",
    )
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=412,900",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    scroll, viewport = map(int, re.search(r'data-width="(\d+)x(\d+)"', dom).groups())
    assert scroll <= viewport, (scroll, viewport)


def test_page_count_is_bounded_with_one_line(tmp_path, monkeypatch):
    html = f"<html><body>{'<p>line</p>' * 400}</body></html>"
    with pytest.raises(PipelineError, match=r"\d+ pages, more than the maximum of 3"):
        render_pdf(html, tmp_path / "x.pdf", pages=3)
    assert not (tmp_path / "x.pdf").exists()
    root = letter_project(tmp_path / "p", "fr")
    for args, env in ((["--max-pages", "2"], {}), ([], {"LETTER_MAX_PAGES": "2"})):
        result = run_cli(
            "editions", "source/letter.txt", "--langs", "fr", "--jobs", "1", *args, cwd=root, env=env
        )
        assert result.returncode == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 3 and all("pages, more than the maximum of 2" in line for line in lines[:2])
        assert not list((root / "output" / "letter").glob("*.pdf"))
    result = run_cli(
        "editions", "source/letter.txt", "--langs", "fr", cwd=root, env={"LETTER_MAX_PAGES": "x"}
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "LETTER_MAX_PAGES" in result.stderr


# --- one failing edition ---------------------------------------------------------------------


def test_a_broken_catalog_fails_its_edition_alone(tmp_path):
    root = letter_project(tmp_path, "fr ru")
    fill(root / "translations/letter/fr.po", lambda m: f"Texte {m}")
    ru = root / "translations/letter/ru.po"
    ru.write_text(ru.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    result = run_cli("editions", "source/letter.txt", "--langs", "fr ru", "--jobs", "2", cwd=root)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert (
        len(lines) == 2
        and lines[0].startswith(f"{ru.relative_to(root)}:")
        and lines[0].endswith("(ru edition not built)")
    ), result.stderr
    assert lines[1].endswith("2 rendered, 0 unchanged, 1 failed (ru)")
    names = sorted(p.name for p in (root / "output/letter").iterdir())
    assert names == ["en.html", "en.pdf", "fr.html", "fr.pdf"]  # no index while an edition fails


# --- publishing, all or nothing -----------------------------------------------------------------


def test_publish_refuses_check_errors_and_swaps_the_folder_whole(tmp_path):
    root = letter_project(tmp_path, "fr")
    po = root / "translations/letter/fr.po"
    shutil.copy(ROOT / "translations/letter/fr.po", po)  # the project's reviewed French
    assert run_cli("editions", "source/letter.txt", "--langs", "fr", cwd=root).returncode == 0
    published = root / "output/publish/letter"
    published.mkdir(parents=True)
    (published / "de.pdf").write_bytes(b"another language, published before")
    (published / "fr.pdf").write_bytes(b"an old fr edition")
    result = run_cli("publish", "source/letter.txt", "--langs", "fr", cwd=root)
    assert result.returncode == 0, result.stderr
    # the site holds exactly the publishable editions of LANGS: de, not listed, left it
    editions = sorted(p.name for p in published.iterdir() if p.suffix in (".html", ".pdf"))
    assert editions == ["en.html", "en.pdf", "fr.html", "fr.pdf", "index.html"]
    assert (published / "fr.pdf").read_bytes() == out(root, "fr.pdf").read_bytes()
    # a number changed in a reviewed translation: a check error, and no sign-off
    catalog = read_catalog(po)
    message = next(m for m in catalog if m.id and re.search(r"\d", m.string))
    message.string = re.sub(r"\d", "7", message.string)
    po.write_bytes(catalog_bytes(catalog))
    assert run_cli("editions", "source/letter.txt", "--langs", "fr", cwd=root).returncode == 0
    result = run_cli("publish", "source/letter.txt", "--langs", "fr", cwd=root)
    assert result.returncode == 1
    assert re.search(
        r"^  fr: \d+ check errors in translations/letter/fr\.po \(run `make check`\)$", result.stderr, re.M
    )
    editions = sorted(p.name for p in published.iterdir() if p.suffix in (".html", ".pdf"))
    assert editions == ["en.html", "en.pdf", "index.html"]
    # nothing left aside: beside the site, only the folder it links to (swap.py) and the publish lock
    live = os.readlink(published)
    assert sorted(p.name for p in published.parent.iterdir()) == sorted(
        [".letter.publish.lock", live, "letter"]
    )

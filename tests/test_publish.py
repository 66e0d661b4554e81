"""The published site: landing page, final editions, web fonts, card metadata, checksums, bundle.

One project with the repository's reviewed fr, ru and az catalogs is built and
published once per module; the tests read that site as a browser, a link
checker, ``sha256sum -c``, ``unzip``, fontTools, qpdf and the Nu HTML checker do.
"""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import pytest
import tinyhtml5
from babel.messages.pofile import read_po
from browser import vnu_errors, vnu_messages
from conftest import ROOT, SEED, chromium_screenshot, run_cli
from fontTools.ttLib import TTFont

from pipeline.document.load import load_document
from pipeline.editions.site import bundle, bundle_time, og_locale
from pipeline.lang.typography import typeset
from pipeline.po.catalog import catalog_bytes, read_catalog
from pipeline.typesetting.fonts import needs_glyph

XHTML = "{http://www.w3.org/1999/xhtml}"
LANGS = "fr ru az"
PUBLISHED = ["en", "fr", "ru", "az"]
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "poster", "data")


def make_project(root: Path) -> Path:
    (root / "source").mkdir(parents=True)
    shutil.copy2(SEED, root / "source" / "letter.txt")
    folder = root / "translations" / "letter"
    folder.mkdir(parents=True)
    for name in ("fr.po", "ru.po", "az.po", "settings.toml"):  # the project's reviewed translations
        shutil.copy2(ROOT / "translations" / "letter" / name, folder / name)
    run_cli("pot", "source/letter.txt", cwd=root, check=True)
    run_cli("editions", "source/letter.txt", "--langs", LANGS, "--jobs", "2", cwd=root, check=True)
    return root


def publish(root: Path, langs: str = LANGS) -> subprocess.CompletedProcess:
    return run_cli("publish", "source/letter.txt", "--langs", langs, cwd=root)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("publish"))
    result = publish(root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project / "output" / "publish" / "letter"


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def parse(path: Path):
    return tinyhtml5.parse(path.read_text(encoding="utf-8"))


def pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def metas(doc) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in doc.iter(f"{XHTML}meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found.setdefault(key, []).append(meta.get("content"))
    return found


def body_text(doc) -> str:
    body = doc.find(f"{XHTML}body")
    return "".join(body.itertext())


# --- what the site holds ----------------------------------------------------------------


def test_site_holds_the_index_every_final_edition_fonts_sums_and_bundle(site):
    names = files(site)
    for lang in PUBLISHED:
        assert f"{lang}.html" in names and f"{lang}.pdf" in names
    assert {"index.html", "SHA256SUMS", "letter.zip", "fonts/fonts.css"} <= set(names)
    assert [n for n in names if n.endswith(".woff2")], names
    assert not [n for n in names if n.startswith(".") or "/." in n]
    # the PDFs are the built ones, byte for byte
    for lang in PUBLISHED:
        assert (site / f"{lang}.pdf").read_bytes() == (
            site.parents[2] / "output/letter" / f"{lang}.pdf"
        ).read_bytes()


def links(site: Path) -> list[tuple[Path, str]]:
    """Every URL the site's pages and stylesheets refer to, with the file it is in."""
    found = []
    for page in pages(site):
        doc = parse(page)
        for element in doc.iter():
            for attribute in URL_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None:
                    found.append((page, value))
        for style in doc.iter(f"{XHTML}style"):
            found += [(page, url) for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", style.text or "")]
    for css in site.rglob("*.css"):
        found += [
            (css, url) for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8"))
        ]
    return found


def broken(site: Path) -> list[str]:
    """Links that resolve to no file of the site (an absolute https URL would be kept as outside)."""
    bad = []
    for where, url in links(site):
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.netloc:
            continue
        if parts.scheme or parts.netloc or not parts.path:
            bad.append(f"{where.name}: {url}")
            continue
        target = (where.parent / unquote(parts.path)).resolve()
        if not target.is_file() or site.resolve() not in target.parents:
            bad.append(f"{where.name}: {url}")
    return bad


def test_link_checker_finds_no_broken_link(site, tmp_path):
    found = links(site)
    assert len(found) >= 40, found  # switchers, alternates, index entries, stylesheets, fonts
    assert broken(site) == []
    # the checker can fail: without az.pdf and a font, the links to them are reported
    copy = tmp_path / "letter"
    shutil.copytree(site, copy)
    (copy / "az.pdf").unlink()
    next(copy.glob("fonts/*.woff2")).unlink()
    reported = broken(copy)
    assert "index.html: az.pdf" in reported
    assert any(line.startswith("fonts.css: ") for line in reported)


def test_switchers_and_alternates_list_exactly_the_published_editions(site):
    for page in pages(site):
        doc = parse(page)
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in doc.iter(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        assert alternates == {**{lang: f"{lang}.html" for lang in PUBLISHED}, "x-default": "index.html"}
        assert sorted(metas(doc)["og:locale:alternate"] + metas(doc)["og:locale"]) == sorted(
            ["en_US", "fr_FR", "ru_RU", "az_AZ"]
        )
        if page.name != "index.html":
            nav = doc.find(f".//{XHTML}nav")
            assert [li.get("lang") or li[0].get("lang") for li in nav.iter(f"{XHTML}li")] == PUBLISHED


def test_removing_and_adding_a_language_updates_every_page(project, tmp_path):
    """az turns draft: it leaves the site and every switcher; reviewed again, it is back everywhere."""
    root = tmp_path / "project"
    shutil.copytree(project, root, symlinks=True)
    site = root / "output/publish/letter"
    before = {name: (site / name).read_bytes() for name in files(site)}
    po = root / "translations/letter/az.po"
    reviewed = po.read_bytes()
    catalog = read_catalog(po)
    next(m for m in catalog if m.id).flags.add("fuzzy")
    po.write_bytes(catalog_bytes(catalog))
    result = publish(root)
    assert result.returncode == 1 and "az: draft: 1 draft (fuzzy)" in result.stderr
    assert not [n for n in files(site) if n.startswith("az.")]
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        assert "az.html" not in html and "az.pdf" not in html and "az_AZ" not in html, page.name
        assert 'hreflang="ru"' in html
    assert broken(site) == []
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=site).returncode == 0
    po.write_bytes(reviewed)
    assert publish(root).returncode == 0
    # the same inputs give the same site, byte for byte (fonts, checksums and zip included)
    assert {name: (site / name).read_bytes() for name in files(site)} == before


# --- checksums and bundle ----------------------------------------------------------------


def test_sha256sums_checks_every_file(site, tmp_path):
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=site, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = sorted(line.rsplit(": ", 1)[0] for line in result.stdout.splitlines())
    assert checked == [n for n in files(site) if n != "SHA256SUMS"]
    copy = tmp_path / "letter"
    shutil.copytree(site, copy)
    (copy / "fr.html").write_text("changed", encoding="utf-8")
    assert subprocess.run(
        ["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=copy, capture_output=True
    ).returncode


def test_zip_bundle_lists_every_file_sorted_with_one_time(site, tmp_path):
    with zipfile.ZipFile(site / "letter.zip") as archive:
        infos = archive.infolist()
        assert archive.testzip() is None
        archive.extractall(tmp_path)
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert names == [f"letter/{n}" for n in files(site) if n != "letter.zip"]
    assert {info.date_time for info in infos} == {(2026, 2, 9, 0, 0, 0)}  # the letter's date
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    unpacked = tmp_path / "letter"
    for name in files(unpacked):
        if name != "SHA256SUMS":
            assert (unpacked / name).read_bytes() == (site / name).read_bytes()
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=unpacked, capture_output=True, text=True)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == len(names) - 1


def test_zip_time_is_source_date_epoch_else_the_letters_date(monkeypatch):
    doc = load_document(SEED)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert bundle_time(doc) == (2026, 2, 9, 0, 0, 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert bundle_time(doc) == (2026, 1, 1, 0, 0, 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # before zip's first day: its first day
    assert bundle_time(doc) == (1980, 1, 1, 0, 0, 0)
    one = bundle({"b": b"2", "a": b"1"}, "x", bundle_time(doc))
    assert one == bundle({"a": b"1", "b": b"2"}, "x", bundle_time(doc))


# --- web fonts ---------------------------------------------------------------------------


def font_faces(site: Path) -> list[tuple[str, Path]]:
    """(family, file) of every @font-face rule of fonts/fonts.css."""
    css = (site / "fonts/fonts.css").read_text(encoding="utf-8")
    rules = re.findall(r'font-family:\s*"([^"]+)";\s*src:\s*url\("([^"]+)"\)', css)
    return [(family, site / "fonts" / name) for family, name in rules]


def test_webfonts_are_valid_woff2_subsets(site):
    faces = font_faces(site)
    assert {path for _family, path in faces} == set(site.glob("fonts/*.woff2"))
    for family, path in faces:
        assert path.read_bytes()[:4] == b"wOF2"
        with TTFont(path) as font:
            assert font.flavor == "woff2"
            assert family in {font["name"].getDebugName(1), font["name"].getDebugName(16)}
            assert 100 < len(font.getGlyphOrder()) < 2000  # a subset, not the whole face
            assert "OFL" in (font["name"].getDebugName(13) or "") + (font["name"].getDebugName(14) or "")
        source = Path(
            subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout
        )
        assert path.stat().st_size < source.stat().st_size / 4
    assert vnu_messages([site / "fonts/fonts.css"], "--css", "--errors-only") == []


def families_of(doc) -> set[str]:
    css = "".join(style.text or "" for style in doc.iter(f"{XHTML}style"))
    return {
        name for value in re.findall(r"font-family:([^;}]+)", css) for name in re.findall(r'"([^"]+)"', value)
    }


@pytest.mark.parametrize("page", ["index", *PUBLISHED])
def test_webfonts_cover_every_character_of_each_page(site, page):
    doc = parse(site / f"{page}.html")
    families = families_of(doc)
    assert "Noto Serif" in families
    covered: set[int] = set()
    styles = set()
    for family, path in font_faces(site):
        if family in families:
            with TTFont(path) as font:
                covered |= set(font.getBestCmap())
                styles.add((font["OS/2"].usWeightClass, bool(font["OS/2"].fsSelection & 1)))
    text = body_text(doc)
    missing = sorted({c for c in text if needs_glyph(c) and ord(c) not in covered})
    assert missing == []
    assert {(400, False), (400, True), (700, False)} <= styles  # body, the italic lead, bold names


class Logged(http.server.SimpleHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, *args):
        Logged.requests.append(self.path)


def test_a_browser_loads_the_web_fonts(site, tmp_path):
    handler = lambda *a, **k: Logged(*a, directory=str(site), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        for page in ("ru.html", "index.html"):
            chromium_screenshot(
                f"http://127.0.0.1:{port}/{page}", tmp_path / "shot.png", "1200,900", tmp_path / "p"
            )
    finally:
        server.shutdown()
    requested = {urlsplit(path).path for path in Logged.requests}
    assert "/fonts/fonts.css" in requested
    assert {"/fonts/NotoSerif-Regular.woff2", "/fonts/NotoSerif-Italic.woff2"} <= requested, requested


# --- pages -------------------------------------------------------------------------------


def test_nu_html_checker_finds_no_error_on_any_published_page(site):
    assert len(pages(site)) == 5
    assert vnu_errors(pages(site)) == []


def test_every_published_pdf_passes_qpdf_check_with_fonts_embedded(site):
    for pdf in sorted(site.glob("*.pdf")):
        result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert result.returncode == 0 and "No syntax or stream encoding errors" in result.stdout, (
            result.stdout
        )
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(" yes " in row for row in rows), fonts


@pytest.mark.parametrize("lang", PUBLISHED)
def test_card_metadata_comes_from_the_page(site, lang):
    doc = parse(site / f"{lang}.html")
    meta = metas(doc)
    lead = "".join(doc.find(f".//{XHTML}p[@class='lead']").itertext())
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == [doc.find(f".//{XHTML}title").text] == meta["twitter:title"]
    assert meta["og:description"] == [" ".join(lead.split())] == meta["twitter:description"]
    assert meta["og:locale"] == [{"en": "en_US", "fr": "fr_FR", "ru": "ru_RU", "az": "az_AZ"}[lang]]
    assert meta["twitter:card"] == ["summary"]


def test_og_locale_is_clDR_language_and_territory():
    assert [og_locale(t) for t in ("ru", "az", "en", "pt_BR", "zh_Hant", "zh_Hans", "ar", "sr@latin")] == [
        "ru_RU",
        "az_AZ",
        "en_US",
        "pt_BR",
        "zh_TW",
        "zh_CN",
        "ar_EG",
        "sr_RS",
    ]


def ui(lang: str, msgid: str) -> str:
    with (ROOT / "templates/ui" / f"{lang}.po").open("rb") as handle:
        return read_po(handle).get(msgid).string


def test_index_names_each_edition_in_its_language_with_state_and_sizes(site):
    doc = parse(site / "index.html")
    assert doc.get("lang") == "en"
    assert doc.find(f".//{XHTML}title").text == "Open letter · February 9, 2026"
    assert "".join(doc.find(f".//{XHTML}h1").itertext()) == "Open letter"
    items = doc.findall(f".//{XHTML}ul[@class='editions']/{XHTML}li")
    assert [li.get("lang") for li in items] == PUBLISHED
    assert [li.find(f"{XHTML}a").text for li in items] == [
        "English",
        "Français",
        "Русский",
        "Azərbaycan dili",
    ]
    for li in items:
        lang = li.get("lang")
        state = " ".join("".join(li.find(f"{XHTML}span[@class='state']").itertext()).split())
        expected = "Original text" if lang == "en" else ui(lang, "Final translation")
        assert state.startswith(expected.replace("\u00a0", " ")), (lang, state)
        sizes = [s.text for s in li.iter(f"{XHTML}span") if s.get("class") == "size"]
        hrefs = [a.get("href") for a in li.iter(f"{XHTML}a")]
        assert hrefs == [f"{lang}.html", f"{lang}.html", f"{lang}.pdf"]
        unit = {"en": "kB", "az": "kB", "fr": "ko", "ru": "кБ"}[lang]
        for size, name in zip(sizes, (f"{lang}.html", f"{lang}.pdf"), strict=True):
            number = round((site / name).stat().st_size / 1000)
            assert re.fullmatch(rf"\({number}[\u00a0\u202f ]{unit}\)", size), (size, number)
    assert doc.find(f".//{XHTML}p[@class='bundle']/{XHTML}a").get("href") == "letter.zip"


def test_build_index_states_drafts_in_their_own_language(tmp_path):
    """Before publishing, the build's index names a draft's state in the draft's language."""
    from pipeline.editions import build_edition, render_index

    doc = load_document(SEED)
    catalog = read_catalog(ROOT / "translations/letter/ru.po")
    next(m for m in catalog if m.id).flags.add("fuzzy")
    incomplete = read_catalog(ROOT / "translations/letter/fr.po")
    next(m for m in incomplete if m.id).string = ""
    editions = [
        build_edition(doc, "en", None),
        build_edition(doc, "ru", catalog),
        build_edition(doc, "fr", incomplete),
    ]
    html = render_index(doc, editions)
    assert typeset(ui("ru", "Machine-translated draft, not reviewed"), "ru") in html
    assert typeset(ui("fr", "Incomplete draft: some parts are not translated yet"), "fr") in html
    doc_html = tinyhtml5.parse(html)
    assert [li.get("class") for li in doc_html.iter(f"{XHTML}li")] == ["final", "draft", "draft"]


def check_cover(texts: dict[str, list[str]], folder: Path) -> list:
    """Cut the web fonts for one page of these texts; every character is in a face its rule names."""
    from pipeline.editions.webfonts import family_rules, page_faces, write_webfonts

    faces = page_faces(texts)
    fonts = write_webfonts([(faces, texts)], folder)
    rules = dict(family_rules("en", faces))
    assert len({f.file for f in fonts}) == len(fonts)
    for tag, items in texts.items():
        families = rules.get(tag, rules[None])
        covered = set().union(*(f.codepoints for f in fonts if f.family in families))
        assert {c for text in items for c in text if needs_glyph(c) and ord(c) not in covered} == set(), tag
    for font in fonts:
        with TTFont(folder / "fonts" / font.file) as opened:
            assert opened.flavor == "woff2" and set(opened.getBestCmap()) == font.codepoints
    return fonts


def test_webfonts_of_other_scripts_name_and_cover_their_faces(tmp_path):
    fonts = check_cover(
        {"en": ["Open letter"], "ar": ["رسالة مفتوحة"], "he": ["מכתב פתוח"], "hi": ["खुला पत्र"]}, tmp_path
    )
    families = {f.family for f in fonts}
    assert {"Noto Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Devanagari"} <= families
    css = (tmp_path / "fonts/fonts.css").read_text(encoding="utf-8")
    assert css.count("@font-face") == len(fonts) and "U+627" in css  # ا in Naskh's unicode-range


@pytest.mark.slow
def test_webfonts_of_cjk_and_emoji_faces(tmp_path):
    fonts = check_cover(
        {"en": ["Open"], "ja": ["公開書簡"], "zh-Hant": ["公開信"], "el": ["Ανοιχτή 👋"]}, tmp_path
    )
    assert {"Noto Serif CJK JP", "Noto Serif CJK TC", "Noto Color Emoji"} <= {f.family for f in fonts}


def test_card_metadata_and_index_escape_untrusted_text():
    """A lead or title is the letter's (untrusted) text: it stays text in every attribute."""
    from pipeline.editions import build_edition, render_html, render_index

    doc = load_document(SEED)
    hostile = '"><script>alert(1)</script><meta property="og:image" content="https://x.invalid/'
    site = {
        "og_type": "article",
        "title": hostile,
        "description": hostile,
        "locale": "en_US",
        "alternates": [],
        "fonts_css": "fonts/fonts.css",
        "font_rules": [(None, ["Noto Serif"])],
        "bundle": "letter.zip",
    }
    edition = build_edition(doc, "en", None)
    for html in (render_html(edition, ["en"], site), render_index(doc, [edition], None, site)):
        page = tinyhtml5.parse(html)
        assert not list(page.iter(f"{XHTML}script"))
        assert "og:image" not in metas(page)
        assert metas(page)["og:description"] == [hostile] == metas(page)["og:title"]

"""Typesetting of the editions: title block, translation notice, no-break spaces, signatory list, measure.

The sample letter's own reviewed translations are rendered once (HTML and PDF); the PDF's
text and word boxes come from poppler's ``pdftotext -bbox-layout``, the screen's from a real
Chromium through a measuring script added to a copy of the page.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from babel.dates import get_month_names
from conftest import ROOT, SEED, run_cli

from pipeline.document.load import load_document
from pipeline.editions import build_edition, render_html
from pipeline.lang.locales import babel_locale
from pipeline.lang.typography import NBSP, NNBSP, no_break_spaces, typeset
from pipeline.po.catalog import read_catalog
from pipeline.po.signoff import SignOff, catalog_hash, source_hash

LANGS = ("fr", "ru", "az")
SAMPLE = ROOT / "translations" / "letter"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample letter and its reviewed translations, every edition rendered."""
    root = tmp_path_factory.mktemp("typesetting")
    (root / "source").mkdir()
    shutil.copy2(SEED, root / "source" / "letter.txt")
    (root / "translations" / "letter").mkdir(parents=True)
    for path in SAMPLE.iterdir():
        if path.suffix in (".po", ".pot", ".toml"):
            shutil.copy2(path, root / "translations" / "letter" / path.name)
    run_cli("editions", "source/letter.txt", "--langs", " ".join(LANGS), "--jobs", "2", cwd=root, check=True)
    return root / "output" / "letter"


# --- pdftotext helpers ------------------------------------------------------------------------


def pdf_lines(pdf: Path, first: int = 1, last: int = 99) -> list[dict]:
    """Every text line of the pages: page, xMin, xMax, yMin, yMax, its words with their boxes."""
    out = subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last), "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = []
    for page_number, page in enumerate(out.split("<page ")[1:], start=first):
        for line in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', page, re.S
        ):
            words = [
                (float(a), float(b), float(c), float(d), html.unescape(w))
                for a, b, c, d, w in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                    line[5],
                )
            ]
            x0, y0, x1, y1 = map(float, line.groups()[:4])
            lines.append({"page": page_number, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "words": words})
    return lines


def spaced(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


def line_text(line: dict) -> str:
    return " ".join(w[4] for w in line["words"])


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info)[1])


def signatory_pages(pdf: Path) -> list[dict]:
    """The lines from the one holding "1." (the list's first number) to the end."""
    lines = pdf_lines(pdf)
    start = next(i for i, line in enumerate(lines) if line["words"] and line["words"][0][4] == "1.")
    # the running header and footer lie in the page's top (24 mm) and bottom (22 mm) margins
    return [line for line in lines[start:] if line["words"] and line["y1"] > 66 and line["y0"] < 842 - 60]


# --- no-break spaces (typography.typeset) -------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("ru", "подписанная 8 августа 2025 года", f"подписанная 8{NBSP}августа{NBSP}2025{NBSP}года"),
        ("ru", "с 1987 года", f"с{NBSP}1987{NBSP}года"),
        ("ru", "Их цель — не оспаривать", f"Их цель{NBSP}— не оспаривать"),
        ("ru", "А. Б. Иванов и 5 км", f"А.{NBSP}Б.{NBSP}Иванов и{NBSP}5{NBSP}км"),
        ("fr", "signée le 8 août 2025", f"signée le 8{NBSP}août{NBSP}2025"),
        ("fr", "10 % ; vraiment ? oui !", f"10{NBSP}%{NNBSP}; vraiment{NNBSP}? oui{NNBSP}!"),
        ("fr", "l’« Union »", f"l’«{NBSP}Union{NBSP}»"),
        ("en", "signed on August 8, 2025", f"signed on August{NBSP}8, 2025"),
        ("en", "Mr. Vance and J. D. Salinger", f"Mr.{NBSP}Vance and J.{NBSP}D.{NBSP}Salinger"),
        ("az", "8 avqust 2025-ci ildə", f"8{NBSP}avqust{NBSP}2025-ci ildə"),
        ("es", "el 8 de agosto", f"el 8{NBSP}de{NBSP}agosto"),
        ("de", "am 8. August", f"am 8.{NBSP}August"),
        ("pl", "8 sierpnia 2025 r.", f"8{NBSP}sierpnia{NBSP}2025{NBSP}r."),
    ],
)
def test_no_break_spaces_by_language(lang, typed, expected):
    assert typeset(typed, lang) == expected


@pytest.mark.parametrize("lang", ["ru", "fr", "az", "pl", "el", "uk", "tr", "it"])
def test_every_month_of_the_locale_stays_with_its_day(lang):
    """Month names are Babel's (CLDR) for the locale: all twelve, not a hand list."""
    for month in get_month_names("wide", "format", babel_locale(lang)).values():
        bound = no_break_spaces(f"le 12 {month} 2025", lang)
        assert f"12{NBSP}" in bound or f"12.{NBSP}" in bound, (lang, month, bound)


def test_no_break_spaces_leave_other_spaces_alone():
    text = "We write to you as representatives of a nation that has served as a bridge."
    assert no_break_spaces(text, "en") == text
    assert typeset(typeset("8 августа 1987 года", "ru"), "ru") == typeset("8 августа 1987 года", "ru")
    assert no_break_spaces("в 2025 году 12 человек", "ja") == "в 2025 году 12 человек"  # no Russian rules


# --- title block and translation notice ---------------------------------------------------------


def _edition(lang: str, signoff: SignOff | None = None, fuzzy: bool = False):
    doc = load_document(SEED)
    catalog = read_catalog(SAMPLE / f"{lang}.po")
    if fuzzy:
        next(m for m in catalog if m.id).flags.add("fuzzy")
    if signoff == "current":
        signoff = SignOff("Ана Иванова", "2026-02-10", source_hash(SEED), catalog_hash(catalog))
    return build_edition(doc, lang, catalog, signoff, source_hash(SEED) if signoff else None)


@pytest.mark.parametrize(
    ("signoff", "fuzzy", "state"),
    [
        (None, False, "Неофициальный перевод, не утверждён редактором"),
        ("current", False, "Перевод проверен: Ана Иванова, 10\u00a0февраля\u00a02026\u202fг."),
        (None, True, "Черновик перевода, не проверен"),
    ],
)
def test_translation_notice_says_source_language_and_state(signoff, fuzzy, state):
    page = render_html(_edition("ru", signoff, fuzzy), ["en", "ru"])
    notice = re.search(r'<p class="translation-notice" role="note">(.*?)</p>', page, re.S)
    assert notice, "no translation notice"
    text = html.unescape(re.sub(r"<[^>]+>", "", notice[1]))
    assert "Язык оригинала: английский" in text
    assert state in text


def test_source_edition_has_no_translation_notice_and_one_h1():
    page = render_html(build_edition(load_document(SEED), "en", None), ["en", "ru"])
    assert 'class="translation-notice"' not in page
    assert len(re.findall(r"<h1[ >]", page)) == 1 and ">Open letter</h1>" in page


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_pdf_title_block_precedes_the_letter_and_dates_once(sample, lang):
    html_text = (sample / f"{lang}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html_text, re.S)
    assert h1 and len(re.findall(r"<h1[ >]", html_text)) == 1
    title = html.unescape(re.sub(r"<[^>]+>", "", h1[1])).strip()
    page1 = [spaced(line_text(line)) for line in pdf_lines(sample / f"{lang}.pdf", 1, 1)]
    assert page1[0] == title, page1[:3]  # the first line of page 1: no running header there
    salutation = re.search(r'<p class="salutation">(.*?)</p>', html_text, re.S)[1]
    salutation = spaced(html.unescape(re.sub(r"<[^>]+>", "", salutation))).split()[0]
    assert any(line.startswith(salutation) for line in page1[1:]), "the letter does not start on page 1"
    date = spaced(html.unescape(re.search(r'<time datetime="[^"]+">(.*?)</time>', html_text)[1]))
    assert sum(date in line for line in page1) == 1


# --- the PDF's text: day and month together, no dash at a line's start ---------------------------


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_no_day_month_split_and_no_line_starts_with_a_dash(sample, lang):
    lines = [line_text(line) for line in pdf_lines(sample / f"{lang}.pdf")]
    months = "|".join(re.escape(m) for m in get_month_names("wide", "format", babel_locale(lang)).values())
    for before, after in itertools.pairwise(lines):
        assert not (re.search(r"(?<!\d)\d{1,2}\.?$", before) and re.match(rf"(?:{months})\b", after, re.I)), (
            before,
            after,
        )
        assert not re.match(rf"(?:{months})$", before.split(" ")[-1], re.I) or not re.match(
            r"\d{1,2}\b", after
        )
        assert not after.startswith(("—", "–")), after


def test_pdf_keeps_8_avgusta_together(sample):
    text = subprocess.run(["pdftotext", str(sample / "ru.pdf"), "-"], capture_output=True, text=True).stdout
    assert "8 августа" in text.replace(NBSP, " ")
    assert not re.search(r"8\s*\n\s*августа", text)


# --- measure ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_pdf_measure_is_60_to_75_characters(sample, lang):
    """Justified body lines (the full-width ones of pages 1 and 2) hold 60-75 characters."""
    lines = [line for line in pdf_lines(sample / f"{lang}.pdf", 1, 2) if len(line["words"]) > 3]
    width = max(line["x1"] - line["x0"] for line in lines)
    full = [len(line_text(line)) for line in lines if line["x1"] - line["x0"] > 0.97 * width]
    assert len(full) > 20
    assert 60 <= statistics.median(full) <= 75, (lang, statistics.median(full), full)


# --- signatory list ---------------------------------------------------------------------------


def _columns(lines: list[dict]) -> dict[tuple[int, int], list[dict]]:
    """Signatory lines grouped by page and column (left of the text area's middle, or right)."""
    middle = (min(line["x0"] for line in lines) + max(line["x1"] for line in lines)) / 2
    columns: dict[tuple[int, int], list[dict]] = {}
    for line in lines:
        columns.setdefault((line["page"], int(line["x0"] > middle)), []).append(line)
    return columns


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_signatory_numbers_align_on_the_period_and_indent_hangs_exactly(sample, lang):
    lines = signatory_pages(sample / f"{lang}.pdf")
    by_column: dict[int, list[dict]] = {}
    for (_page, column), column_lines in _columns(lines).items():
        by_column.setdefault(column, []).extend(column_lines)
    assert len(by_column) == 2, "the list is not in two columns"
    for column_lines in by_column.values():
        numbers = [line["words"][0] for line in column_lines if re.fullmatch(r"\d+\.", line["words"][0][4])]
        rights = [w[2] for w in numbers]
        assert len(numbers) > 10 and max(rights) - min(rights) <= 0.5, rights  # "9." and "10." end together
        # every name and every title line starts at the same x: the hanging indent
        starts = [
            line["words"][1][0] if line["words"][0] in numbers else line["words"][0][0]
            for line in column_lines
        ]
        assert max(starts) - min(starts) <= 0.5, sorted(set(starts))
        assert min(starts) - max(rights) > 2  # a gap between number and name


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_signatory_list_two_balanced_columns_no_entry_split(sample, lang):
    pdf = sample / f"{lang}.pdf"
    lines = signatory_pages(pdf)
    columns = _columns(lines)
    last = page_count(pdf)
    on_last = [column_lines for (page, _), column_lines in columns.items() if page == last]
    assert len(on_last) == 2, "the last page is not balanced over two columns"
    bottoms = [max(line["y1"] for line in column_lines) for column_lines in on_last]
    assert abs(bottoms[0] - bottoms[1]) < 60, bottoms  # within about four lines
    # no entry split: each column of each page starts with a number
    for column_lines in columns.values():
        first = min(column_lines, key=lambda line: line["y0"])
        assert re.fullmatch(r"\d+\.", first["words"][0][4]), line_text(first)


# --- the screen, in Chromium ---------------------------------------------------------------------

MEASURE = """<script>
addEventListener("load", () => {
  const chars = (el) => { const rows = new Map(); const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n; (n = walk.nextNode()); ) for (let i = 0; i < n.length; i++) { const r = document.createRange();
      r.setStart(n, i); r.setEnd(n, i + 1); const box = r.getClientRects()[0]; if (!box) continue;
      const top = Math.round(box.top); rows.set(top, (rows.get(top) || 0) + 1); }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]); };
  const rects = (el) => { const r = document.createRange(); r.selectNodeContents(el); return [...r.getClientRects()]; };
  const items = [...document.querySelectorAll(".signatories li")].map((li) => ({
    number: rects(li.querySelector(".number")).pop().right,
    starts: [...rects(li.querySelector(".name")), ...(li.querySelector(".title") ? rects(li.querySelector(".title")) : [])]
      .filter((b) => b.width > 1).map((b) => b.left) }));
  const h1 = rects(document.querySelector("h1"))[0], first = document.querySelector("article.letter p.paragraph");
  const out = parent.document.createElement("pre"); out.id = "measures";
  out.textContent = JSON.stringify({ lines: [...document.querySelectorAll("article.letter > p.paragraph")].map(chars),
    items, h1, first: first.getBoundingClientRect().top, width: innerWidth });
  parent.document.body.append(out); });
</script>"""


def chromium_measures(page: Path, width: int, tmp_path: Path) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is installed by `make install`"
    # The page in an iframe of the given width (a headless window is at least 500 px wide); the
    # script inside measures it and hands its numbers to the outer page, which Chromium dumps.
    measured = page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>")
    copy = tmp_path / f"measured-{width}-{page.name}"
    copy.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe style="border:0;width:{width}px;height:900px" srcdoc="{html.escape(measured)}"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         f"--window-size={max(width, 1200)},900", "--virtual-time-budget=5000", "--dump-dom", copy.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    return json.loads(html.unescape(re.search(r'<pre id="measures">(.*?)</pre>', dom, re.S)[1]))


@pytest.mark.parametrize(("lang", "width"), [("en", 1200), ("ru", 1200), ("fr", 390)])
def test_screen_title_block_measure_and_signatories(sample, tmp_path, lang, width):
    m = chromium_measures(sample / f"{lang}.html", width, tmp_path)
    assert m["h1"]["top"] < m["first"], "the h1 is not above the letter"
    assert abs((m["h1"]["left"] + m["h1"]["right"]) / 2 - m["width"] / 2) < 12  # centred
    full = [n for paragraph in m["lines"] for n in paragraph[:-1]]  # a paragraph's last line is short
    if width >= 1000:
        assert 60 <= statistics.median(full) <= 75, (lang, statistics.median(full))
    else:
        assert 30 <= statistics.median(full) < 60  # a phone: the screen's width, not the measure, limits
    numbers = [item["number"] for item in m["items"]]
    starts = [x for item in m["items"] for x in item["starts"]]
    assert len(numbers) == 45 and max(numbers) - min(numbers) <= 0.5
    assert max(starts) - min(starts) <= 0.5 and min(starts) > max(numbers)


def test_three_digit_numbers_align_with_one_and_two_digit_ones(tmp_path):
    """A list of 120: "9.", "10." and "100." end at one x, and every name starts at one x."""
    (tmp_path / "source").mkdir()
    people = "\n".join(f"{n}. Person Number{n} – Member of the Society of Long Lists" for n in range(1, 121))
    (tmp_path / "source" / "long.txt").write_text(
        f"date 2024-05-01 A lead.\n\nDear Minister,\n\nWe write to you.\n\nSincerely,\n\nThe Undersigned\n\n{people}\n",
        encoding="utf-8",
    )
    run_cli("edition", "source/long.txt", "--langs", "", "--lang", "en", cwd=tmp_path, check=True)
    page = (tmp_path / "output" / "long" / "en.html").read_text(encoding="utf-8")
    assert 'class="signatories long digits-3"' in page
    lines = signatory_pages(tmp_path / "output" / "long" / "en.pdf")
    for side in (0, 1):
        column = [line for (_page, s), part in _columns(lines).items() if s == side for line in part]
        numbers = [line["words"][0] for line in column if re.fullmatch(r"\d+\.", line["words"][0][4])]
        assert {len(w[4]) for w in numbers} >= {3, 4}  # "10." and "100." in the same column
        rights = [w[2] for w in numbers]
        assert max(rights) - min(rights) <= 0.5, sorted(set(rights))
        starts = [
            line["words"][1][0] if line["words"][0] in numbers else line["words"][0][0] for line in column
        ]
        assert max(starts) - min(starts) <= 0.5 and min(starts) - max(rights) > 2

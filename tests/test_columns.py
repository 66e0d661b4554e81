"""pipeline/editions/columns.py: every page of a multi-column block is laid out once, and
the pages are the same as WeasyPrint's own (every box at the same place, same size, same text)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT as REPO
from conftest import run_cli

DUMP = """
import json, sys
import weasyprint
import contextlib
from pipeline.typesetting.hooks import columns
reuse = columns.reuse_column_layouts() if sys.argv[2] == "reuse" else contextlib.nullcontext()

def walk(box, depth, out):
    numbers = [getattr(box, name, 0) for name in ("position_x", "position_y", "width", "height")]
    out.append([depth, type(box).__name__, [n if isinstance(n, (int, float)) else 0 for n in numbers],
                getattr(box, "text", "")])
    for child in getattr(box, "children", ()):
        walk(child, depth + 1, out)

with reuse:
    document = weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[3]).render()
pages = []
for page in document.pages:
    boxes = []
    walk(page._page_box, 0, boxes)
    pages.append(boxes)
print(json.dumps({"pages": pages, "reused": columns.REUSED[0]}))
"""

STYLE = "@page { size: A5; margin: 15mm } body { font: 10pt 'Noto Serif' } li { break-inside: avoid }"
ENTRIES = "".join(
    f"<li>Name {n}{' with a much longer second part that wraps' * (n % 7 == 0)}"
    f"{'<br><small>Title ' + str(n) + '</small>' if n % 3 else ''}</li>"
    for n in range(1, 161)
)


def two_columns(css: str, entries: str) -> str:
    """The list in two columns, with ``css`` for what ``entries`` add to it."""
    return f"<style>{STYLE} ol {{ columns: 2 }} {css}</style><ol>{entries}</ol>"


CASES = {
    "plain": f"<style>{STYLE} ol {{ columns: 2 }}</style><p>Text before.</p><ol>{ENTRIES}</ol><p>After.</p>",
    "rtl": f"<html dir='rtl'><style>{STYLE} ol {{ columns: 3 }}</style><ol>{ENTRIES}</ol></html>",
    "auto-fill": two_columns("ol { column-fill: auto }", ENTRIES),
    "positioned-numbers": two_columns(
        "li { position: relative; padding-left: 3em } li b { position: absolute; left: 0 }",
        ENTRIES.replace("<li>", "<li><b>n.</b> "),
    ),
    "absolute-escapes": two_columns(
        ".mark { position: absolute; right: 0 }",
        ENTRIES.replace("<li>Name 50", "<li><span class=mark>*</span>Name 50"),
    ),
    "floats": two_columns(
        ".f { float: left; width: 2em; height: 3em }",
        ENTRIES.replace("<li>Name 40", "<li><span class=f></span>Name 40"),
    ),
    "footnotes": two_columns(
        ".fn { float: footnote }",
        ENTRIES.replace("<li>Name 30", "<li>Name 30<span class=fn>A footnote.</span>"),
    ),
    "spanning": (
        f"<style>{STYLE} div {{ columns: 2 }} h2 {{ column-span: all }}</style>"
        f"<div><ol>{ENTRIES}</ol><h2>Second part</h2><ol>{ENTRIES}</ol></div>"
    ),
}


def pages(html: Path, mode: str, base_url: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", DUMP, str(html), mode, base_url],
        capture_output=True, text=True, cwd=REPO, check=True, timeout=600,
    )  # fmt: skip
    return json.loads(result.stdout)


def assert_same_pages(html: Path, base_url: str = "") -> int:
    """The boxes of every page with and without the reuse agree (to a millionth of a pixel); how many columns were reused."""
    own, reused = pages(html, "own", base_url), pages(html, "reuse", base_url)
    assert own["reused"] == 0
    assert len(own["pages"]) == len(reused["pages"])
    for number, (a, b) in enumerate(zip(own["pages"], reused["pages"], strict=True), 1):
        assert len(a) == len(b), f"page {number}: {len(a)} boxes, {len(b)} with the reuse"
        for box_a, box_b in zip(a, b, strict=True):
            assert (box_a[0], box_a[1], box_a[3]) == (box_b[0], box_b[1], box_b[3]), f"page {number}"
            assert box_a[2] == pytest.approx(box_b[2], abs=1e-6), f"page {number}: {box_a} / {box_b}"
    return reused["reused"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_pages_are_the_same_as_weasyprints_own(case, tmp_path):
    html = tmp_path / f"{case}.html"
    html.write_text(f"<!DOCTYPE html><meta charset=utf-8>{CASES[case]}", encoding="utf-8")
    reused = assert_same_pages(html)
    if case in ("plain", "rtl", "auto-fill", "positioned-numbers", "spanning"):
        assert reused > 0, "a column that overflows its page is laid out once"


def test_a_long_signatory_list_edition_is_the_same_and_laid_out_once(tmp_path):
    """The edition template and CSS, a 400-name list with titles, wrapped names and a section."""
    (tmp_path / "source").mkdir()
    people = "\n".join(
        f"- {'Organisation with a rather long official name number ' if n % 9 == 0 else 'Person '}{n}"
        f"{' (Member of the Society of Long Lists)' if n % 2 else ''}"
        for n in range(1, 401)
    )
    letter = f"# A letter\n\n_2024-05-01_\n\nDear Minister,\n\nWe write to you.\n\nSigned,\n\n### Organisations\n\n{people}\n\n### Individuals\n\n{people}\n"
    (tmp_path / "source" / "long.md").write_text(letter, encoding="utf-8")
    run_cli("edition", "source/long.md", "--langs", "", "--lang", "en", cwd=tmp_path, check=True)
    html = tmp_path / "output" / "long" / "en.html"
    assert 'class="signatories long' in html.read_text(encoding="utf-8")
    assert assert_same_pages(html, str(REPO / "templates") + "/") > 10


def test_outside_the_block_weasyprint_lays_out_as_its_own(tmp_path):
    """Installed in a process, the reuse acts only inside ``reuse_column_layouts()`` (a bare render stays bare)."""
    html = tmp_path / "plain.html"
    html.write_text(f"<!DOCTYPE html><meta charset=utf-8>{CASES['plain']}", encoding="utf-8")
    script = (
        "import weasyprint, sys\n"
        "from pipeline.typesetting.hooks import columns\n"
        "with columns.reuse_column_layouts():\n"
        "    weasyprint.HTML(filename=sys.argv[1]).render()\n"
        "inside = columns.REUSED[0]\n"
        "weasyprint.HTML(filename=sys.argv[1]).render()\n"
        "print(inside, columns.REUSED[0] - inside)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(html)], cwd=REPO, capture_output=True, text=True, check=True
    )
    inside, outside = map(int, result.stdout.split())
    assert inside > 0 and outside == 0

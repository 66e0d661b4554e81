"""Hostile letters: refused in one line, quickly and in bounded memory, or read correctly.

Each bomb is built here, small on disk. Every run is timed and its peak
memory read from the kernel (os.wait4); a run still going after KILL_S is
killed, so a regression fails in seconds instead of eating the machine.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, snapshot

QUICK_S = 3.0  # a refusal, Python's start-up included, on a busy 2-core machine
MAX_RSS_KB = 200 * 1024  # the readers' own start-up is ~35 MB
KILL_S = 10.0
TAIL = "Dear All,\n\nWe write.\n\n1. Ann Bee – Chair\n"


# The pipeline is started by a small interpreter of its own: a child's peak RSS counts the
# memory of the process it was forked from, which here is pytest holding the bombs.
MEASURE = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "pipeline", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, file=open(os.environ["PEAK_RSS_FILE"], "w"))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(*args: str, cwd: Path) -> tuple[int, str, float, int]:
    """``python -m pipeline ARGS``: (exit status, stderr, seconds, peak RSS in kB)."""
    with tempfile.TemporaryDirectory() as scratch:
        peak = Path(scratch) / "peak"
        start = time.monotonic()
        try:
            result = subprocess.run(
                [sys.executable, "-c", MEASURE, *args],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=KILL_S,
                start_new_session=True,
                env={**os.environ, "PYTHONPATH": str(ROOT), "PEAK_RSS_FILE": str(peak)},
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"pipeline {' '.join(args)} still running after {KILL_S} s")
        return result.returncode, result.stderr, time.monotonic() - start, int(peak.read_text())


def project(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / name).write_bytes(data)
    return tmp_path


def assert_refused_quickly(tmp_path: Path, name: str, data: bytes, *needles: str) -> None:
    """``pot`` refuses the letter in one line naming it, fast, in bounded memory, writing nothing."""
    folder = project(tmp_path, name, data)
    before = snapshot(folder)
    status, stderr, elapsed, rss = run_measured("pot", f"source/{name}", cwd=folder)
    lines = stderr.strip().splitlines()
    assert status == 1, (status, stderr[-500:])
    assert len(lines) == 1 and lines[0].startswith(f"source/{name}"), stderr[-500:]
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert elapsed < QUICK_S, f"{elapsed:.1f} s"
    assert rss < MAX_RSS_KB, f"{rss // 1024} MB"
    assert snapshot(folder) == before


# --- YAML front matter -----------------------------------------------------------------


def test_yaml_alias_bomb_is_refused(tmp_path):
    """Nine anchors of nine aliases: 9**9 strings for SafeLoader (before: 2.3 GB and 26 s for 9**8)."""
    lines = ["---", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    data = "\n".join([*lines, "title: *a8", "---", TAIL]).encode()
    assert len(data) < 600
    assert_refused_quickly(tmp_path, "letter.md", data, ":3: error: front matter: aliases")


def test_huge_front_matter_is_refused(tmp_path):
    data = ("---\n" + "".join(f"k{i}: {'x' * 60}\n" for i in range(2000)) + "---\n" + TAIL).encode()
    assert_refused_quickly(tmp_path, "letter.md", data, ":1: error: front matter longer than 65536 bytes")


# --- Word archives ---------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def document_xml(body: str = "") -> str:
    body = body or "".join(paragraph(t) for t in ("Dear All,", "We write.", "1. Ann Bee – Chair"))
    return f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'


def docx_bytes(
    document: str | bytes | None = None, extra: dict | None = None, method=zipfile.ZIP_DEFLATED
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        if document is not None:
            archive.writestr("word/document.xml", document)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path):
    """40 MB of text in 40 kB: refused on its declared size (before: inflated, then an internal error)."""
    text = "a" * (40 * 1024 * 1024)
    data = docx_bytes(document_xml(paragraph("Dear All,") + paragraph(text)))
    assert len(data) < 100_000
    assert_refused_quickly(tmp_path, "letter.docx", data, "error: not a letter: the .docx unpacks to")


def test_docx_with_thousands_of_entries_is_refused(tmp_path):
    data = docx_bytes(document_xml(), {f"customXml/{i}.xml": "" for i in range(5000)}, zipfile.ZIP_STORED)
    assert_refused_quickly(tmp_path, "letter.docx", data, "error: not a letter: 5003 files in the .docx")


def test_docx_that_lies_about_its_size_is_not_inflated(tmp_path):
    """Declared 1,000 bytes, 150 MB inside: zipfile's read() would inflate it all (450 MB) to cut it."""
    real = document_xml(paragraph("Dear All,") + paragraph("a" * (150 * 1024 * 1024)))
    data = docx_bytes(real)
    size = struct.pack("<I", len(real))
    assert data.count(size) == 2  # the local header and the central directory
    data = data.replace(size, struct.pack("<I", 1000))
    assert_refused_quickly(tmp_path, "letter.docx", data, "error: not a Word .docx file: Bad CRC-32")


def test_docx_cell_spanning_a_hundred_million_columns_reads_quickly(tmp_path):
    """python-docx's Row.cells repeats a cell per spanned column: 10**8 cells (before: minutes, 1 GB)."""
    span = '<w:tc><w:tcPr><w:gridSpan w:val="99999999"/></w:tcPr>' + paragraph("Ann Bee") + "</w:tc>"
    merged = "<w:tc><w:tcPr><w:vMerge/></w:tcPr>" + paragraph("Chair") + "</w:tc>"  # continues a row 0 merge
    table = f"<w:tbl><w:tr>{span}</w:tr><w:tr>{merged}</w:tr></w:tbl>"
    folder = project(tmp_path, "letter.docx", docx_bytes(document_xml(paragraph("Dear All,") + table)))
    _, stderr, elapsed, rss = run_measured("segment", "source/letter.docx", cwd=folder)
    assert "internal error" not in stderr
    assert elapsed < QUICK_S and rss < MAX_RSS_KB, (elapsed, rss)


# --- HTML --------------------------------------------------------------------------------


def test_html_nested_past_the_parser_limit_is_refused_not_truncated(tmp_path):
    """libxml2 stops at 256 levels and drops the rest of the page without a word."""
    deep = "<div>" * 300 + "We write from deep inside." + "</div>" * 300
    data = f"<html><body><p>Dear All,</p>{deep}<ol><li>Ann Bee – Chair</li></ol></body></html>".encode()
    assert_refused_quickly(tmp_path, "letter.html", data, ":1: error:", "nested deeper than 256")


def test_html_nested_just_under_the_limit_is_read_whole(tmp_path):
    deep = "<div>" * 250 + "We write from deep inside." + "</div>" * 250
    data = f"<html><body><p>Dear All,</p>{deep}<ol><li>Ann Bee – Chair</li></ol></body></html>".encode()
    folder = project(tmp_path, "letter.html", data)
    status, stderr, _, _ = run_measured("segment", "source/letter.html", cwd=folder)
    assert status == 0, stderr


def test_html_tag_with_a_hundred_thousand_attributes_is_refused(tmp_path):
    """libxml2 checks each attribute against those before it (before: minutes)."""
    attributes = " ".join(f"a{i}=1" for i in range(100_000))
    data = f"<p>Dear All,</p>\n<p {attributes}>We write.</p><ol><li>Ann Bee – Chair</li></ol>".encode()
    assert_refused_quickly(tmp_path, "letter.html", data, ":2: error: a tag with more than 1000 attributes")


# --- Encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
    ids=["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_letters_with_a_byte_order_mark_are_decoded(tmp_path, bom, codec):
    """Read as the same letter in UTF-8 (before: "binary file", for UTF-16 and UTF-32)."""
    text = "Dear All,\n\nWe write: café, Łódź, 東京.\n\n1. Ann Bee – Chair\n"
    (tmp_path / "plain.txt").write_bytes(text.encode())
    (tmp_path / "marked.txt").write_bytes(bom + text.encode(codec))
    plain, marked = (
        subprocess.run(
            [sys.executable, "-m", "pipeline", "segment", name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for name in ("plain.txt", "marked.txt")
    )
    assert plain.returncode == 0 and marked.returncode == 0, marked.stderr
    assert marked.stdout.replace("marked.txt", "plain.txt") == plain.stdout


def test_broken_utf16_is_one_line(tmp_path):
    data = b"\xff\xfe" + "Dear All,\n\nWe write.\n".encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    assert_refused_quickly(tmp_path, "letter.txt", data, ":4: error: not valid UTF-16 text")


# --- Other hostile letters: each was "pipeline: internal error" ----------------------------

BAD_LINK = (
    '<w:p><w:hyperlink r:id="rId99" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><w:r><w:t>Dear All,</w:t></w:r></w:hyperlink></w:p>' + paragraph("1. Ann Bee – Chair")
)
ENCRYPTED = bytearray(docx_bytes(document_xml(), method=zipfile.ZIP_STORED))
for _signature, _offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
    _at = ENCRYPTED.find(_signature)
    while _at >= 0:
        ENCRYPTED[_at + _offset] |= 1  # the "encrypted" flag bit
        _at = ENCRYPTED.find(_signature, _at + 4)

HOSTILE = {
    "date-year-0.md": (b"---\ndate: 0000-01-01\n---\n", ":2: error: front matter: '0000-01-01': year 0"),
    "date-feb-30.md": (b"---\ndate: 2026-02-30\n---\n", ":2: error: front matter: '2026-02-30': day is out"),
    "hour-25.md": (b"---\ndate: 2026-01-01T25:00:00\n---\n", ":2: error: front matter: '2026-01-01T25"),
    "5000-digits.md": (b"---\ntitle: " + b"9" * 5000 + b"\n---\n", ":2: error: front matter: '9999"),
    "deep-list.md": (
        b"---\ntitle: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",
        ":2: error: front matter: nested",
    ),
    "no-body.docx": (
        docx_bytes(f'<?xml version="1.0"?><w:document {W}/>'),
        "error: not a Word .docx file: word/",
    ),
    "wrong-root.docx": (docx_bytes('<?xml version="1.0"?><foo/>'), "error: not a Word .docx file: word/"),
    "bad-xml.docx": (docx_bytes("<not xml"), "error: not a Word .docx file: "),
    "entity-bomb.docx": (
        docx_bytes(
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            + "".join(
                f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdef", "bcdefg", strict=True)
            )
            + f"]><w:document {W}><w:body>{paragraph('&g;')}</w:body></w:document>"
        ),
        "error: not a Word .docx file: ",
    ),
    "deep.docx": (docx_bytes(document_xml("<w:p>" * 300 + "</w:p>" * 300)), "error: not a Word .docx file: "),
    "encrypted.docx": (bytes(ENCRYPTED), "error: the .docx is encrypted"),
    "lzma.docx": (docx_bytes(document_xml(), method=zipfile.ZIP_LZMA), "uses zip method 14"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_letter_is_one_line(tmp_path, name):
    suffix = Path(name).suffix
    data, needle = HOSTILE[name]
    if suffix == ".md":
        data += TAIL.encode()
    assert_refused_quickly(tmp_path, f"letter{suffix}", data, needle)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("link-to-nothing.docx", docx_bytes(document_xml(BAD_LINK))),
        (
            "merge-from-row-0.docx",
            docx_bytes(
                document_xml(
                    "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>"
                    + paragraph("x")
                    + "</w:tc></w:tr></w:tbl>"
                    + paragraph("Dear All,")
                    + paragraph("1. Ann Bee – Chair")
                )
            ),
        ),
        ("superscript-start.html", "<p>Dear All,</p><ol start='²'><li>Ann Bee – Chair</li></ol>".encode()),
        (
            "xml-declaration.html",
            b'<?xml version="1.0" encoding="utf-8"?>\n<p>Dear All,</p><ol><li>Ann Bee - Chair</li></ol>',
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_hostile_letter_is_read(tmp_path, name, data):
    folder = project(tmp_path, name, data)
    status, stderr, elapsed, _ = run_measured("segment", f"source/{name}", cwd=folder)
    assert status == 0, stderr
    assert elapsed < QUICK_S


# --- Long letters with quadratic corners: linear now -----------------------------------

BIG_S = 8.0  # a long letter read and written whole, on a busy machine


def test_fifty_thousand_paragraphs_without_signatories_are_refused_quickly(tmp_path):
    """Looking for names after "Signed," copied the rest of the letter at every paragraph (before: ~25 s)."""
    data = ("Dear All,\n\n" + "We write.\n\n" * 50_000).encode()
    folder = project(tmp_path, "letter.txt", data)
    status, stderr, elapsed, _ = run_measured("segment", "source/letter.txt", cwd=folder)
    assert status == 1 and "no numbered signatory list" in stderr, stderr[-300:]
    assert elapsed < BIG_S, f"{elapsed:.1f} s"


def test_a_name_signed_twenty_thousand_times_makes_one_entry_quickly(tmp_path):
    """Babel's merge of a repeated message copies its locations each time (before: about a minute)."""
    lines = "- Ann Bee – Chair\n" * 20_000
    folder = project(tmp_path, "letter.txt", f"Dear All,\n\nWe write.\n\n{lines}".encode())
    status, stderr, elapsed, _ = run_measured("pot", "source/letter.txt", cwd=folder)
    assert status == 0, stderr[-300:]
    assert elapsed < BIG_S, f"{elapsed:.1f} s"
    template = (folder / "translations" / "letter" / "letter.pot").read_text()
    assert template.count('msgid "Ann Bee"') == 1
    assert "source/letter.txt:20004" in template  # the last signatory's line among the places

"""Word letters (.docx), read with python-docx.

Paragraph styles give the structure: Title (headline), Subtitle
(standfirst), Heading N, Quote, List Number / List Bullet (or any numbered
paragraph) as list items; bold, italic and hyperlinks become inline markup
(markup.py); table rows become list items "cell – cell". A .docx has no
lines: the "line" in references and errors is the paragraph's number in the
document body, counting from 1.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib

from lxml import etree

from pipeline.document.readers.limits import DOCX_MAX_ENTRIES, DOCX_MAX_RATIO, DOCX_MAX_UNPACKED_BYTES
from pipeline.document.readers.raw import Meta, Raw, list_item
from pipeline.document.readers.structure import Builder
from pipeline.document.sentences import split_sentences
from pipeline.errors import PipelineError
from pipeline.text.markup import escape

SPACES = re.compile(r"[ \t\u00a0\u2028\u2029\u0085\v\f]+")
LINK_SCHEMES = ("http://", "https://", "mailto:")


def _runs_text(runs, lines: list[str]) -> None:
    for run in runs:
        text = run.text or ""
        if not text:
            continue
        wrap = "**" if run.bold else ("*" if run.italic else "")
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append("")
            part = escape(SPACES.sub(" ", part))
            if wrap and part.strip():
                lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", part).groups()
                part = f"{lead}{wrap}{core}{wrap}{trail}"
            lines[-1] += part


def paragraph_lines(paragraph) -> list[str]:
    """A paragraph's text with markup, split at line breaks."""
    from docx.text.hyperlink import Hyperlink

    lines = [""]
    for piece in paragraph.iter_inner_content():
        if isinstance(piece, Hyperlink):
            try:
                url = (piece.url or "").strip()
            except KeyError:  # r:id naming no relationship: the link's text alone
                url = ""
            inner = [""]
            _runs_text(piece.runs, inner)
            text = " ".join(inner).strip()
            lines[-1] += f"[{text}]({url})" if text and url.lower().startswith(LINK_SCHEMES) else text
        else:
            _runs_text([piece], lines)
    # Adjacent runs of the same style: "**a****b**" -> "**ab**".
    return [re.sub(r"\s+", " ", line.replace("****", "")).strip() for line in lines]


def _numbered(paragraph) -> bool:
    props = paragraph._p.pPr
    return props is not None and props.numPr is not None


def unpacked_archive(path, data: bytes) -> io.BytesIO:
    """The .docx with every member inflated by us, within the limits (limits.py), stored uncompressed.

    The entry count and declared sizes are checked first, before anything is
    inflated. Declared sizes can lie, and zipfile's ``read()`` inflates a whole
    member before cutting it to its declared size (a 200 kB file: 450 MB);
    read in chunks, a member never yields more than it declares. python-docx
    then opens the stored copy, where there is nothing left to inflate. Only
    the two methods Word writes are allowed (bzip2 and LZMA inflate a whole chunk at once).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if len(entries) > DOCX_MAX_ENTRIES:
            raise PipelineError(
                path, f"not a letter: {len(entries)} files in the .docx (at most {DOCX_MAX_ENTRIES})"
            )
        total = sum(entry.file_size for entry in entries)
        if total > DOCX_MAX_UNPACKED_BYTES:
            raise PipelineError(
                path, f"not a letter: the .docx unpacks to {total} bytes (at most {DOCX_MAX_UNPACKED_BYTES})"
            )
        members: dict[str, bytes] = {}
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise PipelineError(
                    path, f"the .docx is encrypted ({entry.filename}); save it without a password"
                )
            if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise PipelineError(
                    path, f"not a Word .docx file: {entry.filename} uses zip method {entry.compress_type}"
                )
            if entry.file_size > 1024 * 1024 and entry.file_size > DOCX_MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise PipelineError(
                    path,
                    f"not a letter: {entry.filename} in the .docx inflates more than {DOCX_MAX_RATIO} times",
                )
            if entry.is_dir():
                continue
            with archive.open(entry) as member:
                chunks = []
                while chunk := member.read(1024 * 1024):
                    chunks.append(chunk)
            members[entry.filename] = b"".join(chunks)  # a repeated name: the last, as zipfile reads it
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
        raise PipelineError(path, f"not a Word .docx file: {exc}") from None
    copy = io.BytesIO()
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as stored:
        for name, content in members.items():
            stored.writestr(name, content)
    copy.seek(0)
    return copy


def table_rows(path, table) -> list[list[str]]:
    """Each table row's cell texts; a vertically merged cell repeats the text above it, as Word shows it.

    Not python-docx's ``Row.cells``: it repeats a cell once for every grid column it
    spans (a gridSpan of 10**8 is 10**8 cells) and looks up a merged cell's origin
    row by row upwards, failing on a merge that starts in the first row.
    """
    from docx.table import _Cell

    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> text of the cell there in the row before
    try:
        for tr in table._tbl.tr_lst:
            column = tr.grid_before
            cells = []
            for tc in tr.tc_lst:
                if tc.vMerge == "continue":
                    text = above.get(column, "")
                else:
                    cell = _Cell(tc, table)
                    text = " ".join(t for p in cell.paragraphs for t in paragraph_lines(p) if t)
                above[column] = text
                cells.append(text)
                column += tc.grid_span
            rows.append(cells)
    except ValueError as exc:  # an attribute python-docx cannot read (gridSpan="x")
        raise PipelineError(path, f"not a Word .docx file: table: {exc}") from None
    return rows


def read_docx(path, data: bytes) -> tuple[list[Raw], Meta]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    archive = unpacked_archive(path, data)
    try:
        document = docx.Document(archive)
        if getattr(document.element, "body", None) is None:  # another root, or no <w:body>
            raise ValueError("word/document.xml holds no <w:document><w:body>")
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, etree.LxmlError) as exc:
        # AttributeError: python-docx's own answer to a document.xml whose root is not <w:document>
        reason = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc).splitlines()
        raise PipelineError(
            path, f"not a Word .docx file: {reason[0] if reason else type(exc).__name__}"
        ) from None
    meta = Meta()
    raws: list[Raw] = []
    counters: dict[str, int] = {}
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for cells in table_rows(path, block):
                number += 1
                cells = [c for c in dict.fromkeys(cells) if c]  # merged cells repeat
                if cells:
                    raws.append(Raw("item", [(number, " – ".join(cells))], marker="-"))
            continue
        assert isinstance(block, Paragraph)
        number += 1
        style = (block.style.name if block.style is not None else "") or ""
        lines = [(number, t) for t in paragraph_lines(block) if t]
        if not lines:
            if not style.startswith("List"):
                counters.clear()
            continue
        if style == "Title" and meta.title is None and not raws:
            meta.title, meta.title_line = " ".join(t for _, t in lines), number
        elif style == "Subtitle" and meta.description is None:
            meta.description, meta.description_line = " ".join(t for _, t in lines), number
        elif style.startswith("Heading"):
            last = style.split()[-1]
            level = min(int(last), 9) if re.fullmatch("[1-9][0-9]?", last) else 1
            raws.append(Raw("heading", lines, level=level))
            counters.clear()
        elif style in ("Quote", "Intense Quote"):
            raws.append(Raw("quote", lines))
        elif style.startswith("List Number") or (_numbered(block) and "Bullet" not in style):
            counters[style] = counters.get(style, 0) + 1
            n = counters[style]
            raws.append(Raw("item", lines, marker=f"{n}.", number=n))
        elif style.startswith("List Bullet"):
            raws.append(Raw("item", lines, marker="-"))
        else:
            counters.clear()
            first = list_item(*lines[0])  # "1. Name" typed by hand: a list item as in plain text
            if first is not None:
                first.lines.extend(lines[1:])
                raws.append(first)
            else:
                raws.append(Raw("para", lines))
    return raws, meta


def read(path: str | os.PathLike, data: bytes):

    raws, meta = read_docx(path, data)
    return Builder(os.fspath(path), markup=True, fmt="docx", split=split_sentences).build(raws, meta)

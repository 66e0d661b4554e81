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

from ..errors import PipelineError
from .markup import escape
from .raw import Meta, Raw, list_item

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
            url = (piece.url or "").strip()
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


def read_docx(path, data: bytes) -> tuple[list[Raw], Meta]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PipelineError(path, f"not a Word .docx file: {exc}") from None
    meta = Meta()
    raws: list[Raw] = []
    counters: dict[str, int] = {}
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                number += 1
                cells = [
                    " ".join(t for t in paragraph_lines(p) if t) for c in row.cells for p in c.paragraphs
                ]
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
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
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
    from ..segment import split_sentences
    from .structure import Builder

    raws, meta = read_docx(path, data)
    return Builder(os.fspath(path), markup=True, fmt="docx", split=split_sentences).build(raws, meta)

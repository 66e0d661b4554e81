"""Plain text letters (.txt): blank lines part paragraphs; numbered or bulleted lines are list items.

Today's rules (docs/design.md): an optional ``date YYYY-MM-DD`` marker, a
lead and intro outside the letter, the letter (optionally in quotation
marks), then the signatory list ``N. Name – Title``.
"""

from __future__ import annotations

import os
import re

from pipeline.document.model import Document
from pipeline.document.readers.raw import Meta, Raw, list_item
from pipeline.document.readers.structure import Builder
from pipeline.document.sentences import decode_text, split_sentences


def raws_from_text(text: str) -> list[Raw]:
    """Paragraphs of non-blank lines; a paragraph starting with a list marker is list items."""
    raws: list[Raw] = []
    current: list[tuple[int, str]] = []

    def flush() -> None:
        if not current:
            return
        first = list_item(*current[0], allow_loose=True)
        if first is None:
            raws.append(Raw("para", list(current)))
        else:
            items = [first]
            for number, line in current[1:]:
                item = list_item(number, line)
                if item is not None:
                    items.append(item)
                else:  # a wrapped line continues the item before
                    items[-1].lines.append((number, line))
            raws.extend(items)
        current.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = re.sub(r"[ \t\u00a0]+", " ", raw).strip()
        if line:
            current.append((number, line))
        else:
            flush()
    flush()
    return raws


def read_text(text: str, source: str | os.PathLike = "<letter>") -> Document:
    """Segment a plain-text letter held in a string."""

    builder = Builder(os.fspath(source), markup=False, fmt="text", split=split_sentences)
    return builder.build(raws_from_text(text), Meta())


def read(path: str | os.PathLike, data: bytes) -> Document:

    return read_text(decode_text(path, data), path)

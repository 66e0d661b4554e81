"""Stage 1: a letter file -> Document, the entry points other stages import.

The format readers live in pipeline/document/readers/ (plain text, Markdown, HTML,
Word); decoding and sentence splitting, shared by every reader, in sentences.py.
"""

from __future__ import annotations

import os
import sys

from pipeline.document.model import Document
from pipeline.document.readers import format_for, read, read_bytes
from pipeline.document.readers.text import read_text
from pipeline.document.sentences import LINE_BREAKS, decode_text


def read_source(path: str | os.PathLike) -> str:
    """Read a letter as text (at most LETTER_MAX_BYTES): UTF-8, any line endings."""
    return decode_text(path, read_bytes(path))


def segment_letter(text: str, source: str | os.PathLike = "<letter>") -> Document:
    """Parse a raw plain-text letter into a Document.

    Expected shape: an optional ``date YYYY-MM-DD`` marker, a lead and an
    editorial intro outside the letter, the letter (optionally in quotation
    marks): salutation(s), paragraphs, closing, signature, then the
    signatories: numbered ``N. Name – Title``, bulleted, or plain lines
    after "Signed,".
    """
    return read_text(text.translate(LINE_BREAKS), source)


def load_document(path: str | os.PathLike, fmt: str | None = None) -> Document:
    """Read and segment a letter file (format by extension, or ``fmt``); warnings go to stderr."""
    from pipeline.document.cache import cache_key, cached_document, store_document
    from pipeline.document.model import letter_name

    name = letter_name(path)  # refuse a name that would put files outside translations/ and output/
    reader = format_for(path, fmt)  # an unknown format is refused before the file is read, as before
    data = read_bytes(path)
    key = cache_key(path, reader, data)
    doc = cached_document(name, key)
    if doc is None:
        doc = read(path, fmt, data)
        store_document(name, key, doc)
    for notice in doc.notices:
        print(notice, file=sys.stderr)
    return doc

"""One reader per input format, each producing the same Document.

The format comes from the file's extension (``.txt``, ``.md``, ``.html``,
``.docx``) or is forced (``segment --format md``, or LETTER_FORMAT=md).
A letter larger than LETTER_MAX_BYTES (default 5 MB) is refused before it
is read, whatever the file is (``/dev/zero`` included).
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline import config
from pipeline.document.model import Document
from pipeline.errors import PipelineError

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
}
ALIASES = {
    "txt": "text",
    "text": "text",
    "md": "markdown",
    "markdown": "markdown",
    "html": "html",
    "htm": "html",
    "docx": "docx",
    "word": "docx",
}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def format_for(path: str | os.PathLike, forced: str | None = None) -> str:
    """The reader's name for a letter: forced, else by extension, else plain text."""
    forced = forced or config.raw("LETTER_FORMAT") or None
    if forced:
        try:
            return ALIASES[forced.lower().lstrip(".")]
        except KeyError:
            raise PipelineError(
                "--format", f"unknown letter format {forced!r} (use one of: txt, md, html, docx)"
            ) from None
    return FORMATS.get(Path(path).suffix.lower(), "text")


def max_bytes() -> int:
    value = config.raw("LETTER_MAX_BYTES")
    if not value:
        return DEFAULT_MAX_BYTES
    if not value.isdigit() or int(value) <= 0:
        raise PipelineError("LETTER_MAX_BYTES", f"not a positive number of bytes: {value!r}")
    return int(value)


def read_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes, refusing more than LETTER_MAX_BYTES (reads at most that many plus one)."""
    limit = max_bytes()
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise PipelineError(
            path, f"larger than {limit} bytes; not a letter? (raise LETTER_MAX_BYTES to allow it)"
        )
    return data


def read(path: str | os.PathLike, fmt: str | None = None, data: bytes | None = None) -> Document:
    """Read and segment a letter file in its format (``data``: its bytes, if already read)."""
    name = format_for(path, fmt)
    if data is None:
        data = read_bytes(path)
    if name == "markdown":
        from pipeline.document.readers.markdown import read as reader
    elif name == "html":
        from pipeline.document.readers.html import read as reader
    elif name == "docx":
        from pipeline.document.readers.docx import read as reader
    else:
        from pipeline.document.readers.text import read as reader
    return reader(path, data)

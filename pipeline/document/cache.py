"""The segmented letter, kept between the steps of one build.

``make`` runs ``pot``, ``po``, ``translate`` and ``editions`` as processes of
their own, and each needs the same Document. Reading a long Markdown letter
(markdown-it, sentence splitting, signatory analysis) takes ~0.6 s for
3,000 signatories; the JSON of its Document loads in a few hundredths.

The cache is derived data (``output/.cache/documents/``, safe to delete),
one file per letter name. It is used only when its key matches: the
letter's bytes and path, the reader (by extension, forced or LETTER_FORMAT),
DATE, the pipeline's code and the installed code of
the parsing libraries. It holds JSON, never pickle: loading it runs no code, and every field is
type-checked as it is read (a wrong one is a cache miss).
A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import sys

from pipeline import config
from pipeline.document.model import Document, Segment, Signatory, TextBlock
from pipeline.errors import PipelineError
from pipeline.fileio import installed_fingerprint, write_target
from pipeline.project import DOCUMENT_CACHE, PACKAGE

CACHE = DOCUMENT_CACHE
LIBRARIES = ("markdown_it", "docx", "lxml", "sentencex", "yaml")  # the readers' parsers
VERSION = 1  # of the JSON below


@functools.cache
def _code_fingerprint() -> str:
    """The pipeline's own files and the parsing libraries' installed code."""
    digest = hashlib.sha256(f"{VERSION} {sys.version}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    digest.update(installed_fingerprint(*LIBRARIES).encode())
    return digest.hexdigest()


def cache_key(path: str | os.PathLike, reader: str, data: bytes) -> str:
    """The key of a letter read by ``reader`` (``readers.format_for``: LETTER_FORMAT included)."""
    parts = [_code_fingerprint(), os.fspath(path), reader, f"DATE={config.raw('DATE')}"]
    digest = hashlib.sha256("\0".join(parts).encode())
    digest.update(data)
    return digest.hexdigest()


def cached_document(name: str, key: str) -> Document | None:
    """The cached Document of this letter name, if its key is ``key``."""
    # The key is the file's first field (store_document): compared before the rest is read,
    # so a stale cache of another letter, however large, costs one short read.
    prefix = json.dumps({"key": key})[:-1].encode()
    try:
        with open(CACHE / f"{name}.json", "rb") as handle:
            if handle.read(len(prefix)) != prefix:
                return None
            stored = json.loads(prefix + handle.read())
        if stored.get("key") != key:
            return None
        return _decode(stored["document"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store_document(name: str, key: str, doc: Document) -> None:
    try:
        target = write_target(CACHE / f"{name}.json")  # not through a link out of the project
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"key": key, "document": _encode(doc)}, ensure_ascii=False).encode("utf-8")
        # A rename without fsync: derived data; a torn file fails the JSON or the key check.
        temporary = target.with_name(f".{name}.{os.getpid()}.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        with os.fdopen(os.open(temporary, flags, 0o644), "wb") as handle:
            handle.write(payload)
        os.replace(temporary, target)
    except (OSError, PipelineError):
        pass  # a cache that cannot be written (or only through a link out of the project) is no error


def _segment(segment: Segment | None) -> list | None:
    return None if segment is None else [segment.text, segment.line]


def _encode(doc: Document) -> dict:
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Signatory):
            blocks.append(
                {
                    "signatory": [block.number, _segment(block.name), _segment(block.title)],
                    "entity": block.entity,
                    "section": block.section,
                }
            )
        else:
            blocks.append(
                {
                    "kind": block.kind,
                    "sentences": [_segment(s) for s in block.sentences],
                    "marker": block.marker,
                    "level": block.level,
                }
            )
    return {
        "source": doc.source,
        "date": doc.date.isoformat() if doc.date else None,
        "blocks": blocks,
        "markup": doc.markup,
        "notices": list(doc.notices),
        "format": doc.format,
    }


def _typed(value, *types):
    """``value`` if it is one of ``types``, else a TypeError: a cache file is checked as it is read."""
    if type(value) not in types:
        raise TypeError(f"cached {type(value).__name__}, expected {'/'.join(t.__name__ for t in types)}")
    return value


def _decode_segment(data) -> Segment:
    text, line = _typed(data, list)
    return Segment(_typed(text, str), _typed(line, int))


def _decode(data: dict) -> Document:
    """The Document of a cache file, every field type-checked (a wrong one is a cache miss)."""
    blocks = []
    for block in _typed(_typed(data, dict)["blocks"], list):
        if "signatory" in _typed(block, dict):
            number, name, title = _typed(block["signatory"], list)
            blocks.append(
                Signatory(
                    _typed(number, int, type(None)),
                    _decode_segment(name),
                    None if title is None else _decode_segment(title),
                    entity=_typed(block["entity"], str),
                    section=_typed(block["section"], str, type(None)),
                )
            )
        else:
            sentences = tuple(_decode_segment(s) for s in _typed(block["sentences"], list))
            blocks.append(
                TextBlock(
                    _typed(block["kind"], str),
                    sentences,
                    marker=_typed(block["marker"], str, type(None)),
                    level=_typed(block["level"], int),
                )
            )
    date = _typed(data["date"], str, type(None))
    return Document(
        source=_typed(data["source"], str),
        date=datetime.date.fromisoformat(date) if date else None,
        blocks=tuple(blocks),
        markup=_typed(data["markup"], bool),
        notices=tuple(_typed(n, str) for n in _typed(data["notices"], list)),
        format=_typed(data["format"], str),
    )

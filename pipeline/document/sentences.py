"""Text of a letter, shared by every reader: decoding its bytes and splitting paragraphs into sentences."""

from __future__ import annotations

import codecs
import os
import re

import sentencex

from pipeline.errors import PipelineError

# Honorifics after which the next word is a name, never a new sentence.
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "st", "rev", "gen", "sen", "rep", "gov", "no", "hon"}
# Line breaks other than \n that Python's str.splitlines (and so PO readers) honour:
# inside a msgid they would break the catalog, so they end the line here.
LINE_BREAKS = dict.fromkeys(map(ord, "\v\f\x1c\x1d\x1e\x85\u2028\u2029"), "\n")


# Byte order marks and their codecs, UTF-32 first (its little-endian BOM starts with UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def decode_text(path: str | os.PathLike, data: bytes) -> str:
    """Letter bytes as text: UTF-8 with or without BOM, UTF-16 or UTF-32 with a BOM, any line endings."""
    codec, name = next(((c, n) for bom, c, n in BOMS if data.startswith(bom)), ("utf-8", "UTF-8"))
    if codec == "utf-8" and b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PipelineError(path, "binary file, not a text letter (NUL byte)", line)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, "replace").count("\n") + 1
        if name == "UTF-8":
            reason = f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the letter as UTF-8"
        else:
            reason = (
                f"not valid {name} text (byte offset {exc.start}: {exc.reason}); save the letter as UTF-8"
            )
        raise PipelineError(path, reason, line) from exc
    if "\x00" in text:
        raise PipelineError(
            path, "binary file, not a text letter (NUL character)", text[: text.index("\x00")].count("\n") + 1
        )
    if not text.strip():
        raise PipelineError(path, "empty letter")
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(LINE_BREAKS)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences with sentencex, plus our own fixes.

    sentencex (Wikimedia's rule-based segmenter) handles U.S., U.N., e.g., a.m.
    and quotes; it is about 1000x faster than pysbd here (see docs/design.md).
    Our one fix: it splits after an honorific when the next word is a common
    sentence starter ("Dr. Who", "Mr. Who"); an honorific is never a boundary.
    """
    pieces = [p.strip() for p in sentencex.segment("en", text)]
    sentences: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if sentences and _ends_with_honorific(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _ends_with_honorific(sentence: str) -> bool:
    match = re.search(r"(?:^|\s)([A-Za-z]+)\.$", sentence)
    return bool(match) and match.group(1).lower() in HONORIFICS

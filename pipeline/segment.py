"""Stage 1: raw letter text -> Document (structure, sentences, signatories)."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

import sentencex

from .document import Document, Segment, Signatory, TextBlock
from .errors import PipelineError

# Quotation marks that may open or close the letter itself.
OPENING_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}
CLOSING_QUOTES = {'"': '"', "”": "“", "»": "«"}

DATE_MARKER = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})(?:\s+|$)(.*)$", re.IGNORECASE)
SIGNATORY_LINE = re.compile(r"^(\d{1,4})[.)]\s+(\S.*)$")
# A name/title separator: an en or em dash, or a hyphen with a space after it
# (``Name - Title``, ``Name- Title``). A hyphen between letters (``Al-Aziz``)
# is part of the name.
SEPARATOR = re.compile(r"\s*[–—]\s*|\s+-\s+|-\s+|\s+-(?=\S)")
# Honorifics after which the next word is a name, never a new sentence.
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "st", "rev", "gen", "sen", "rep", "gov", "no", "hon"}
# Title-final abbreviations whose period is kept.
TITLE_ABBREVIATIONS = {"inc", "ltd", "co", "corp", "jr", "sr", "llc", "plc", "assn", "dept", "univ"}
SHORT_LINE_WORDS = 12


@dataclass
class _Paragraph:
    """A run of non-blank source lines: (line number, text) pairs."""

    lines: list[tuple[int, str]]

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.lines)

    @property
    def line(self) -> int:
        return self.lines[0][0]

    def line_at(self, offset: int) -> int:
        """The source line holding character ``offset`` of ``text``."""
        position = 0
        for number, text in self.lines:
            position += len(text) + 1
            if offset < position:
                return number
        return self.lines[-1][0]


def read_source(path: str | os.PathLike) -> str:
    """Read a letter as text: UTF-8 with or without BOM, any line endings."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PipelineError(path, "binary file, not a text letter (NUL byte)", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError(
            path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the letter as UTF-8", line
        ) from exc
    if not text.strip():
        raise PipelineError(path, "empty letter")
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


def _paragraphs(text: str) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = re.sub(r"[ \t\u00a0]+", " ", raw).strip()
        if line:
            current.append((number, line))
        elif current:
            paragraphs.append(_Paragraph(current))
            current = []
    if current:
        paragraphs.append(_Paragraph(current))
    return paragraphs


def _strip_first(paragraph: _Paragraph, count: int) -> None:
    number, text = paragraph.lines[0]
    paragraph.lines[0] = (number, text[count:].lstrip())
    if not paragraph.lines[0][1]:
        del paragraph.lines[0]


def _opens_letter(paragraph: _Paragraph) -> bool:
    """Does the paragraph begin with a quotation mark that it does not close?"""
    text = paragraph.text
    mark = text[:1]
    if mark not in OPENING_QUOTES:
        return False
    closer = OPENING_QUOTES[mark]
    if mark == closer:
        return text.count(mark) % 2 == 1
    return text.count(mark) > text.count(closer)


def _close_letter(paragraphs: list[_Paragraph], opener: str) -> None:
    """Remove the quotation mark that closes the letter, wherever it sits."""
    closer = OPENING_QUOTES[opener]
    for paragraph in reversed(paragraphs):
        text = paragraph.text
        if not text.endswith(closer):
            continue
        balanced = (
            text.count(closer) % 2 == 0 if opener == closer else text.count(closer) <= text.count(opener)
        )
        if balanced:
            continue
        number, last = paragraph.lines[-1]
        paragraph.lines[-1] = (number, last[:-1].rstrip())
        if not paragraph.lines[-1][1]:
            del paragraph.lines[-1]
        return


def _is_short_line(text: str, endings: str) -> bool:
    return len(text.split()) <= SHORT_LINE_WORDS and text[-1:] in endings


def _signatory_lines(paragraph: _Paragraph) -> list[_Paragraph] | None:
    """Split a paragraph of numbered lines into one paragraph per signatory."""
    if not SIGNATORY_LINE.match(paragraph.lines[0][1]):
        return None
    entries: list[_Paragraph] = []
    for number, text in paragraph.lines:
        if SIGNATORY_LINE.match(text):
            entries.append(_Paragraph([(number, text)]))
        else:  # a wrapped signatory line continues the one before
            entries[-1].lines.append((number, text))
    return entries


def _split_signatory(text: str) -> tuple[str, str]:
    """Split "Name – Title" at the first separator outside quotation marks."""
    quoted = _quoted_spans(text)
    for match in SEPARATOR.finditer(text):
        if match.start() == 0 or any(start <= match.start() < end for start, end in quoted):
            continue
        return text[: match.start()].strip(), text[match.end() :].strip()
    if "," in text:  # "Name, Title" when no dash is used at all
        name, title = text.split(",", 1)
        return name.strip(), title.strip()
    return text.strip(), ""


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = None
    closer = ""
    for index, char in enumerate(text):
        if start is None and char in OPENING_QUOTES:
            start, closer = index, OPENING_QUOTES[char]
        elif start is not None and char == closer:
            spans.append((start, index + 1))
            start = None
    return spans


def _clean_title(title: str) -> str:
    """Drop a sentence-final period from a title, keeping abbreviations (Inc.)."""
    if title.endswith(".") and not title.endswith(".."):
        last = title[:-1].rsplit(" ", 1)[-1]
        if last.lower() not in TITLE_ABBREVIATIONS and "." not in last:
            return title[:-1].rstrip()
    return title


def _text_block(kind: str, paragraph: _Paragraph, split: bool = True) -> TextBlock:
    text = paragraph.text
    if kind == "signature":  # each line of a signature stays a line
        return TextBlock(kind, tuple(Segment(t, n) for n, t in paragraph.lines))
    pieces = split_sentences(text) if split else [text]
    sentences = []
    cursor = 0
    for piece in pieces:
        found = text.find(piece, cursor)
        offset = found if found >= 0 else cursor
        sentences.append(Segment(piece, paragraph.line_at(offset)))
        cursor = offset + len(piece) if found >= 0 else cursor
    return TextBlock(kind, tuple(sentences))


def _classify_body(body: list[_Paragraph]) -> list[tuple[str, _Paragraph]]:
    """Name each paragraph between the letter's start and its signatory list."""
    kinds = ["paragraph"] * len(body)
    # From the end: signature lines (short, no sentence end), then a closing
    # formula ("With respect," "Sincerely,").
    index = len(body) - 1
    signature: list[int] = []
    while index >= 0:
        text = body[index].text
        if len(text.split()) <= SHORT_LINE_WORDS and text[-1] not in ".?!,;":
            signature.append(index)
            index -= 1
            continue
        break
    if index >= 0 and _is_short_line(body[index].text, ","):
        kinds[index] = "closing"
        for i in signature:
            kinds[i] = "signature"
        closing = index
    else:
        closing = len(body)
        # No closing formula: only a single trailing short line can be a signature.
        if signature and signature[0] == len(body) - 1 and len(signature) == 1:
            kinds[signature[0]] = "signature"
            closing = signature[0]
    for i in range(closing):
        text = body[i].text
        if _is_short_line(text, ",:") or (_is_short_line(text, "!") and text.lower().startswith("dear")):
            kinds[i] = "salutation"
    return list(zip(kinds, body, strict=True))


def segment_letter(text: str, source: str | os.PathLike = "<letter>") -> Document:
    """Parse a raw letter into a Document.

    Expected shape: an optional ``date YYYY-MM-DD`` marker, a lead and an
    editorial intro outside the letter, the letter (optionally in quotation
    marks): salutation(s), paragraphs, closing, signature, then a numbered
    list of signatories ``N. Name – Title``.
    """
    source = os.fspath(source)
    paragraphs = _paragraphs(text)
    if not paragraphs:
        raise PipelineError(source, "empty letter")

    date = None
    first_number, first_text = paragraphs[0].lines[0]
    match = DATE_MARKER.match(first_text)
    if match:
        try:
            date = datetime.date.fromisoformat(match.group(1))
        except ValueError as exc:
            raise PipelineError(source, f"bad date {match.group(1)!r}: {exc}", first_number) from exc
        paragraphs[0].lines[0] = (first_number, match.group(2).strip())
        if not paragraphs[0].lines[0][1]:
            del paragraphs[0].lines[0]
        if not paragraphs[0].lines:
            del paragraphs[0]

    # The signatory list is the run of numbered paragraphs that ends the text
    # (numbered points inside the letter are followed by more prose).
    start = len(paragraphs)
    signatory_paragraphs: list[_Paragraph] = []
    while start > 0:
        entries = _signatory_lines(paragraphs[start - 1])
        if entries is None:
            break
        signatory_paragraphs = entries + signatory_paragraphs
        start -= 1
    if not signatory_paragraphs:
        raise PipelineError(
            source, 'no numbered signatory list found (expected lines like "1. Name – Title")'
        )
    body_and_before = paragraphs[:start]

    # The letter proper starts at a paragraph opening an unclosed quotation
    # mark, else at the first salutation-like line; before it come lead and intro.
    opener = None
    body_start = None
    for index, paragraph in enumerate(body_and_before):
        if _opens_letter(paragraph):
            opener = paragraph.text[0]
            _strip_first(paragraph, 1)
            body_start = index
            break
    if opener is not None:
        _close_letter(body_and_before[body_start:] + signatory_paragraphs, opener)
    else:
        for index, paragraph in enumerate(body_and_before):
            text = paragraph.text
            if index < len(body_and_before) - 1 and (
                _is_short_line(text, ",") or (_is_short_line(text, ":!") and text.lower().startswith("dear"))
            ):
                body_start = index
                break
        else:
            body_start = 0
    body_and_before = [p for p in body_and_before if p.lines]
    signatory_paragraphs = [p for p in signatory_paragraphs if p.lines]
    body_start = min(body_start, len(body_and_before))

    blocks: list[TextBlock | Signatory] = []
    for index, paragraph in enumerate(body_and_before[:body_start]):
        blocks.append(_text_block("lead" if index == 0 else "intro", paragraph))
    for kind, paragraph in _classify_body(body_and_before[body_start:]):
        blocks.append(_text_block(kind, paragraph, split=kind == "paragraph" or kind in ("lead", "intro")))

    expected = 1
    for paragraph in signatory_paragraphs:
        match = SIGNATORY_LINE.match(paragraph.text)
        number = int(match.group(1))
        if number != expected:
            raise PipelineError(
                source, f"signatory number {number} out of sequence (expected {expected})", paragraph.line
            )
        expected += 1
        name, title = _split_signatory(match.group(2))
        title = _clean_title(title)
        if not name:
            raise PipelineError(source, f"signatory {number} has no name", paragraph.line)
        title_line = paragraph.line_at(paragraph.text.find(title)) if title else paragraph.line
        blocks.append(
            Signatory(
                number=number,
                name=Segment(name, paragraph.line),
                title=Segment(title, title_line) if title else None,
            )
        )
    return Document(source=source, date=date, blocks=tuple(blocks))


def load_document(path: str | os.PathLike) -> Document:
    """Read and segment a letter file."""
    return segment_letter(read_source(path), source=path)

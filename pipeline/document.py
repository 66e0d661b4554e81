"""The letter as typed data: what segmentation produces and every later stage reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# Block kinds, in the order they usually appear in a letter.
TEXT_KINDS = ("lead", "intro", "salutation", "paragraph", "closing", "signature")
SIGNATORY = "signatory"


@dataclass(frozen=True)
class Segment:
    """One translatable unit of text and the source line it starts on."""

    text: str
    line: int


@dataclass(frozen=True)
class TextBlock:
    """A lead, intro, salutation, paragraph, closing or signature: a run of sentences."""

    kind: str
    sentences: tuple[Segment, ...]

    @property
    def line(self) -> int:
        return self.sentences[0].line


@dataclass(frozen=True)
class Signatory:
    """One numbered signatory: a personal name and an (optional) organisation title."""

    number: int
    name: Segment
    title: Segment | None
    kind: str = field(default=SIGNATORY, init=False)

    @property
    def line(self) -> int:
        return self.name.line


Block = TextBlock | Signatory


@dataclass(frozen=True)
class Document:
    """A segmented letter: its date, its blocks in order, and where it came from."""

    source: str
    date: datetime.date | None
    blocks: tuple[Block, ...]

    @property
    def signatories(self) -> tuple[Signatory, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Signatory))

    @property
    def name(self) -> str:
        """The letter's short name (the source file's stem), used for output folders."""
        stem = self.source.replace("\\", "/").rsplit("/", 1)[-1]
        return stem.rsplit(".", 1)[0] if "." in stem else stem


def document_to_json(doc: Document) -> dict:
    """The public JSON shape of ``python -m pipeline segment --json``."""
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Signatory):
            blocks.append(
                {
                    "kind": SIGNATORY,
                    "number": block.number,
                    "name": block.name.text,
                    "title": block.title.text if block.title else "",
                }
            )
        else:
            blocks.append({"kind": block.kind, "sentences": [s.text for s in block.sentences]})
    return {"date": doc.date.isoformat() if doc.date else None, "blocks": blocks}


def document_outline(doc: Document) -> str:
    """A readable outline of the document, for people."""
    lines = [f"{doc.source}", f"  date: {doc.date.isoformat() if doc.date else '(none)'}"]
    paragraph = 0
    for block in doc.blocks:
        if isinstance(block, Signatory):
            title = f" — {block.title.text}" if block.title else ""
            lines.append(f"  signatory {block.number:>3}  {block.name.text}{title}")
            continue
        label = block.kind
        if block.kind == "paragraph":
            paragraph += 1
            label = f"paragraph {paragraph}"
        lines.append(f"  {label} (line {block.line})")
        for sentence in block.sentences:
            lines.append(f"      {sentence.text}")
    return "\n".join(lines)

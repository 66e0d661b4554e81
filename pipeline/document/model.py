"""The letter as typed data: what every reader produces and every later stage reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# Block kinds, in the order they usually appear in a letter. ``headline`` and
# ``standfirst`` form the title block; ``heading``, ``quote`` and ``item`` are
# structure inside the letter; ``section`` heads a group of signatories and
# ``note`` is a remark among them ("affiliations for identification only").
TEXT_KINDS = (
    "headline",
    "standfirst",
    "lead",
    "intro",
    "salutation",
    "paragraph",
    "heading",
    "quote",
    "item",
    "closing",
    "signature",
    "section",
    "note",
)
SIGNATORY = "signatory"
PERSON, ORGANISATION = "person", "organisation"


@dataclass(frozen=True)
class Segment:
    """One translatable unit of text and the source line it starts on."""

    text: str
    line: int


@dataclass(frozen=True)
class TextBlock:
    """A run of sentences of one kind (see TEXT_KINDS).

    ``marker`` is a list item's number or bullet as written ("1.", "-"): kept
    as structure, never translated. ``level`` is a heading's level.
    """

    kind: str
    sentences: tuple[Segment, ...]
    marker: str | None = None
    level: int = 0

    @property
    def line(self) -> int:
        return self.sentences[0].line


@dataclass(frozen=True)
class Signatory:
    """One signatory: a name, an optional title (affiliation), and what it is.

    ``number`` is the source's numbering (None for bulleted or plain lines);
    ``entity`` is ``person`` or ``organisation``; ``section`` the heading of
    its group of signatories, if any.
    """

    number: int | None
    name: Segment
    title: Segment | None
    entity: str = PERSON
    section: str | None = None
    kind: str = field(default=SIGNATORY, init=False)

    @property
    def line(self) -> int:
        return self.name.line


Block = TextBlock | Signatory


@dataclass(frozen=True)
class Document:
    """A segmented letter: its date, its blocks in order, and where it came from.

    ``markup`` says whether segment text carries inline markup (``*em*``,
    ``**strong**``, ``[text](url)``), as the Markdown, HTML and Word readers
    write it; plain text letters carry none. ``notices`` are warnings about
    what a reader dropped or recovered, each naming the line.
    """

    source: str
    date: datetime.date | None
    blocks: tuple[Block, ...]
    markup: bool = False
    notices: tuple[str, ...] = ()
    format: str = "text"

    @property
    def signatories(self) -> tuple[Signatory, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Signatory))

    @property
    def name(self) -> str:
        """The letter's short name (the source file's stem), used for output folders."""
        stem = self.source.replace("\\", "/").rsplit("/", 1)[-1]
        return stem.rsplit(".", 1)[0] if "." in stem else stem

    @property
    def title(self) -> str | None:
        """The headline's text, if the letter has one."""
        return next((b.sentences[0].text for b in self.blocks if getattr(b, "kind", "") == "headline"), None)


def document_to_json(doc: Document) -> dict:
    """The public JSON shape of ``python -m pipeline segment --json``.

    Each block has its ``kind`` (its role); list items keep their ``marker``,
    headings their ``level``; signatories show ``entity`` (person or
    organisation) and ``section`` (the heading of their group, or null).
    """
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Signatory):
            blocks.append(
                {
                    "kind": SIGNATORY,
                    "number": block.number,
                    "name": block.name.text,
                    "title": block.title.text if block.title else "",
                    "entity": block.entity,
                    "section": block.section,
                }
            )
        else:
            entry = {"kind": block.kind, "sentences": [s.text for s in block.sentences]}
            if block.marker:
                entry["marker"] = block.marker
            if block.level:
                entry["level"] = block.level
            blocks.append(entry)
    return {
        "date": doc.date.isoformat() if doc.date else None,
        "format": doc.format,
        "title": doc.title,
        "notices": list(doc.notices),
        "blocks": blocks,
    }


def document_summary(doc: Document) -> dict:
    """The letter's shape at a glance: title, date, sections, signatory counts by kind."""
    sections: dict[str, int] = {}
    entities = {PERSON: 0, ORGANISATION: 0}
    for s in doc.signatories:
        sections[s.section or ""] = sections.get(s.section or "", 0) + 1
        entities[s.entity] += 1
    kinds = sorted({b.kind for b in doc.blocks if not isinstance(b, Signatory)})
    return {
        "format": doc.format,
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "signatories": len(doc.signatories),
        "entities": entities,
        "sections": [{"heading": k or None, "signatories": v} for k, v in sections.items()],
        "numbered": sum(s.number is not None for s in doc.signatories),
        "kinds": kinds,
    }


def document_outline(doc: Document) -> str:
    """A readable outline of the document, for people."""
    lines = [f"{doc.source}", f"  date: {doc.date.isoformat() if doc.date else '(none)'}"]
    paragraph = 0
    for block in doc.blocks:
        if isinstance(block, Signatory):
            title = f" — {block.title.text}" if block.title else ""
            number = f"{block.number:>3}" if block.number is not None else "  •"
            kind = "" if block.entity == PERSON else f"  [{block.entity}]"
            lines.append(f"  signatory {number}  {block.name.text}{title}{kind}")
            continue
        label = block.kind
        if block.kind == "paragraph":
            paragraph += 1
            label = f"paragraph {paragraph}"
        elif block.marker:
            label = f"{block.kind} {block.marker}"
        lines.append(f"  {label} (line {block.line})")
        for sentence in block.sentences:
            lines.append(f"      {sentence.text}")
    return "\n".join(lines)


def letter_name(source: str) -> str:
    """The letter's name (its file name without extension), if it is a safe folder name.

    The name names ``translations/<name>/`` and ``output/<name>/``: letters,
    digits, ``.``, ``_``, ``-``, starting with a letter or digit, never
    ``..`` (``source/...txt`` would write into the repository's root). The
    Makefile applies the same rule to SOURCE.
    """
    import re

    from pipeline.errors import PipelineError

    stem = str(source).replace("\\", "/").rsplit("/", 1)[-1]
    name = stem.rsplit(".", 1)[0] if "." in stem else stem
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name) or ".." in name:
        raise PipelineError(
            source,
            f"the letter's name {name!r} (its file name without extension) must be letters, digits, "
            "'.', '_' or '-', starting with a letter or digit (at most 100)",
        )
    return name

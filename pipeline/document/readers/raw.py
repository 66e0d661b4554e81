"""What a format reader hands to the shared structure rules: raw blocks with source lines."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

# A list marker at the start of a line: "1." "1)" or a bullet ("-", "*", "•").
NUMBERED = re.compile(r"^(\d{1,4})([.)])\s+(\S.*)$")
BULLETED = re.compile(r"^([-*•◦▪‣])\s+(\S.*)$")
# "1, Timothy …": a comma typed for the period; recovered with a warning.
LOOSE_NUMBERED = re.compile(r"^(\d{1,4}),\s+(\D.*)$")


@dataclass
class Raw:
    """One block as the format has it: a paragraph, heading, quote or list item.

    ``lines`` are (source line, text) pairs; a list item's marker is taken
    off its text and kept in ``marker`` ("3." or "-"), with ``number`` the
    item's number where the list is numbered.
    """

    kind: str  # para, heading, quote, item
    lines: list[tuple[int, str]]
    level: int = 0
    marker: str | None = None
    number: int | None = None
    loose: bool = False  # a "1, Name" item, to be confirmed by its neighbours

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


@dataclass
class Meta:
    """What a format says about the letter outside its text (front matter, <meta>, properties)."""

    title: str | None = None
    title_line: int = 1
    description: str | None = None
    description_line: int = 1
    date: datetime.date | None = None
    notices: list[str] = field(default_factory=list)


def list_item(line: int, text: str, allow_loose: bool = False) -> Raw | None:
    """An item Raw if ``text`` starts with a list marker, else None."""
    match = NUMBERED.match(text)
    if match:
        return Raw(
            "item",
            [(line, match.group(3))],
            marker=match.group(1) + match.group(2),
            number=int(match.group(1)),
        )
    match = BULLETED.match(text)
    if match:
        return Raw("item", [(line, match.group(2))], marker=match.group(1))
    if allow_loose:
        match = LOOSE_NUMBERED.match(text)
        if match:
            raw = Raw(
                "item", [(line, match.group(2))], marker=match.group(1) + ".", number=int(match.group(1))
            )
            raw.loose = True
            return raw
    return None


def dropped_notice(path, what: str, lines: list[int], example: str = "") -> list[str]:
    """One notice for everything of one kind a reader dropped ("3 HTML comments dropped (lines 5, 9, 12)")."""
    if not lines:
        return []
    shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
    example = f", e.g. {example[:40]!r}" if example else ""
    noun = what if len(lines) == 1 else what + "s"
    return [f"{path}:{lines[0]}: notice: {len(lines)} {noun} dropped (line {shown}{example})"]

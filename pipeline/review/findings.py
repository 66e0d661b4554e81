"""What a check reports (a finding, of severity error or warning) and what it looks at (an entry)."""

from __future__ import annotations

from dataclasses import dataclass

from babel.messages.catalog import Message

from pipeline.text.unichars import escape_controls

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    lang: str
    ref: str
    msgid: str
    check: str
    severity: str
    reason: str

    def __str__(self) -> str:
        entry = self.msgid if len(self.msgid) <= 60 else self.msgid[:57] + "..."
        line = f"{self.severity}: {self.lang}: {self.ref}: [{self.check}] {entry!r}: {self.reason}"
        return escape_controls(line)  # a `#:` reference could hold a terminal escape


@dataclass(frozen=True)
class Entry:
    """What a check sees of one catalog entry."""

    lang: str
    message: Message
    role: str  # name, title, lead, paragraph, ...
    source_words: frozenset[str]

    @property
    def source(self) -> str:
        return str(self.message.id)

    @property
    def target(self) -> str:
        return str(self.message.string)

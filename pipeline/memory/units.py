"""The memory's units and roles: what a reviewed pair is, and which entries may match which."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.messages.catalog import Message

from pipeline.po.catalog import ROLE_COMMENTS


@dataclass(frozen=True)
class Unit:
    """One reviewed pair of the memory, with where it came from."""

    role: str
    source: str
    target: str
    lang: str
    letter: str  # the letter it was reviewed in, or "tmx:<file>"
    reviewer: str
    date: str


@dataclass(frozen=True)
class Match:
    unit: Unit
    score: float  # 100 for an exact match


PROSE = ("paragraph", "sentence", "lead", "intro", "standfirst", "quote", "item")
SIGNATORY = re.compile(r"Signatory \d+: (?:(personal name|organisation name)|organisation title)")


def memory_role(role: str | None) -> str:
    """The role a memory entry is keyed by: prose sentences share one role, the rest keep theirs."""
    return "sentence" if not role or role in PROSE else role


def message_role(message: Message) -> str:
    """A catalog entry's role, from its msgctxt or its ``#.`` comment (see catalog.document_units).

    The PO writer wraps long ``#.`` comments over several lines; they are joined first.
    """
    if message.context:
        return memory_role(message.context)
    text = " ".join(message.auto_comments)
    signatory = SIGNATORY.search(text)
    if signatory:
        return "name" if signatory.group(1) else "title"
    for role, comment in ROLE_COMMENTS.items():
        if comment in text:
            return memory_role(role)
    return "sentence"


def norm_lang(code: str) -> str:
    return code.replace("-", "_").lower()


def primary(code: str) -> str:
    return norm_lang(code).split("_")[0]

"""Using the translation memory on a letter: drafts at ``make po``, ``accept``, and provenance counts.

Only untranslated entries are filled, and only as fuzzy drafts carrying their
provenance as a translator comment; a person turns exact-match drafts into
reviewed entries with ``pipeline accept`` (recorded in
``translations/<letter>/memory-accepted.json``). Nothing becomes reviewed by
itself, and machine-translated drafts are never accepted this way.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.memory.store import Matcher, all_units, open_memory
from pipeline.memory.units import Match, message_role

MARK = "Memory:"
EXACT = f"{MARK} exact match"
ACCEPTED = f"{MARK} accepted as reviewed by"
RECORD_NAME = "memory-accepted.json"
MT_MARKS = ("MT ", "Name draft")  # translate.py's provenance comments


@dataclass
class FillReport:
    exact: int = 0
    near: int = 0
    names: int = 0


@dataclass
class AcceptReport:
    accepted: list[Message] = field(default_factory=list)
    changed: int = 0  # memory drafts whose text no longer equals the memory's


def matcher_for(translations: Path, lang: str, letter: str, db: Path | None = None) -> Matcher:
    """A matcher over every other letter's reviewed work (and imported TMX) in ``lang``.

    The letter's own catalogs are left out: the memory never feeds a letter
    its own entries (the merge already reuses those).
    """
    conn = open_memory(translations, db)
    try:
        return Matcher(all_units(conn, lang, exclude_letter=letter), lang)
    finally:
        conn.close()


def _provenance(match: Match) -> str:
    unit = match.unit
    where = (
        f"letter {unit.letter!r}" if not unit.letter.startswith("tmx:") else unit.letter.removeprefix("tmx:")
    )
    origin = f"from {where} ({unit.lang}), reviewed by {unit.reviewer or 'unknown'}"
    if unit.date:
        origin += f", {unit.date}"
    if match.score >= 100:
        return f"{EXACT} {origin}; accept with `make accept` or review it"
    return f"{MARK} {match.score:.0f}% match {origin}; its source is the previous msgid (#|)"


def fill_catalog(catalog: Catalog, matcher: Matcher) -> FillReport:
    """Give every untranslated entry its memory match as a fuzzy draft with provenance."""
    report = FillReport()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or message.string:
            continue
        role = message_role(message)
        match = matcher.lookup(role, message.id)
        if match is None:
            continue
        message.string = match.unit.target
        message.flags.add("fuzzy")
        if match.score < 100:
            message.previous_id = [match.unit.source]
            report.near += 1
        else:
            report.exact += 1
            report.names += role == "name"
        message.user_comments = [c for c in message.user_comments if not c.startswith(MARK)] + [
            _provenance(match)
        ]
    return report


def accept_matches(catalog: Catalog, matcher: Matcher, by: str, date: str) -> AcceptReport:
    """Exact-match memory drafts that still equal the memory's reviewed text become reviewed."""
    report = AcceptReport()
    for message in catalog:
        if not message.fuzzy or not message.id or not message.string:
            continue
        comments = message.user_comments
        if not any(c.startswith(EXACT) for c in comments) or any(c.startswith(MT_MARKS) for c in comments):
            continue
        match = matcher.exact.get((message_role(message), str(message.id)))
        if match is None or match.target != message.string or message.previous_id:
            report.changed += 1
            continue
        message.flags.discard("fuzzy")
        message.user_comments = [*comments, f"{ACCEPTED} {by} on {date}"]
        report.accepted.append(message)
    return report


def record_acceptance(folder: Path, lang: str, by: str, date: str, messages: list[Message]) -> Path:
    """Append who accepted which entries to ``memory-accepted.json`` (like signoff.json).

    Read, appended to and written under the file's lock, so two acceptances at
    once both keep their record.
    """
    from pipeline.po.save import (
        catalog_lock,  # here, as in signoff.approve: only an acceptance needs filelock
    )

    path = Path(folder) / RECORD_NAME
    entries = [{"msgid": str(m.id), "msgctxt": m.context} for m in messages]
    with catalog_lock(path):
        records: dict = {}
        if path.exists():
            try:
                records = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(records, dict):
                    raise ValueError("not an object")
            except ValueError as exc:
                raise PipelineError(path, f"unreadable acceptance record: {exc}") from exc
        records.setdefault(lang, []).append({"by": by, "date": date, "entries": entries})
        atomic_write(path, (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def today() -> str:
    return datetime.date.today().isoformat()


def origin(message: Message) -> str | None:
    """Where a translation came from: 'memory', 'mt' or 'people'; None when untranslated."""
    if not message.id or not message.string:
        return None
    for comment in message.user_comments:
        if comment.startswith(MARK):
            return "memory"
        if comment.startswith(MT_MARKS):
            return "mt"
    return "people"


def origin_counts(catalog: Catalog) -> dict[str, int]:
    """Entries by origin (people, memory, mt), each split reviewed/draft, plus untranslated."""
    counts: Counter = Counter()
    for message in catalog:
        if not message.id:
            continue
        source = origin(message)
        if source is None:
            counts["untranslated"] += 1
        else:
            counts[source] += 1
            counts[f"{source}_reviewed"] += not message.fuzzy
    return {
        key: counts[key]
        for key in (
            "people",
            "people_reviewed",
            "memory",
            "memory_reviewed",
            "mt",
            "mt_reviewed",
            "untranslated",
        )
    }


def format_origin_table(letter: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    width = max(len("letter"), len(letter)) + 2  # a long letter name never runs into the language
    header = f"{'letter':<{width}}{'lang':<6}{'people':>8}{'memory':>8}{'MT':>6}{'untransl.':>11}   (reviewed of each)"
    lines = [header, "-" * len(header)]
    for lang, c in rows:
        lines.append(
            f"{letter:<{width}}{lang:<6}{c['people']:>8}{c['memory']:>8}{c['mt']:>6}{c['untranslated']:>11}"
            f"   ({c['people_reviewed']}, {c['memory_reviewed']}, {c['mt_reviewed']})"
        )
    return "\n".join(lines)


def prepare_catalog(catalog: Catalog, lang: str, letter: str, translations: Path) -> str:
    """At ``make po``, after the merge: glossary comments, then memory drafts for untranslated entries."""
    from pipeline.memory.glossary import annotate_catalog, load_glossary

    _unshare(catalog)
    annotated = annotate_catalog(catalog, lang, load_glossary(translations))
    report = fill_catalog(catalog, matcher_for(translations, lang, letter))
    parts = []
    if report.exact or report.near:
        parts.append(f"memory drafts: {report.exact} exact ({report.names} names), {report.near} near")
    if annotated:
        parts.append(f"glossary notes on {annotated} entries")
    return "; ".join(parts)


def _unshare(catalog: Catalog) -> None:
    """Give the catalog its own Message objects before changing them.

    Babel's ``Catalog.update`` inserts the template's Message objects
    themselves into a new catalog, so catalogs merged from one template in
    one run share them: a draft written into one language would appear in
    all. Copies go in place (``_messages`` keeps the order; Babel has no
    public way to replace an entry without moving it).
    """
    for key, message in list(catalog._messages.items()):
        clone = copy.copy(message)
        clone.flags = set(message.flags)
        clone.user_comments = list(message.user_comments)
        clone.auto_comments = list(message.auto_comments)
        clone.locations = list(message.locations)
        clone.previous_id = list(message.previous_id)
        catalog._messages[key] = clone


def accept_letter(po_path: Path, catalog: Catalog, lang: str, letter: str, translations: Path, by: str):
    """``pipeline accept``: the exact memory drafts of one catalog become reviewed, recorded."""
    if not by.strip():
        raise PipelineError(po_path, 'who accepts? give BY="Name"')
    date = today()
    report = accept_matches(catalog, matcher_for(translations, lang, letter), by.strip(), date)
    return report, date

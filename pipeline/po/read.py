"""Reading gettext PO files strictly, as GNU gettext's ``msgfmt -c`` does.

The in-memory model is Babel's ``Catalog``; writing lives in
:mod:`pipeline.po.write` (re-exported here). The reader is hand-written:
Babel's drops ``#|`` lines and keeps the backslash of ``\\f``/``\\v``,
translate-toolkit's and polib's read ``\\f`` as ``f`` (docs/design.md, "PO
files"). Every error is one ``path:line: error:`` line. Files in the
canonical shape (ours, msgcat's and msgmerge's) are read by the whole-file fast
path of :mod:`pipeline.po.read_fast` first; anything else, errors included, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from pipeline.errors import PipelineError
from pipeline.po.msgfmt_checks import check_plural_forms, check_plural_header, check_translation
from pipeline.po.read_fast import _reference, _unescape, scan_catalog
from pipeline.po.write import VOLATILE_HEADERS, _has_text, catalog_bytes, write_catalog
from pipeline.settle import read_settled


@dataclass
class _Entry:
    """One PO entry as read, before it becomes a Babel ``Message``."""

    line: int = 0  # line of msgid
    obsolete: bool = False
    user: list[str] = field(default_factory=list)
    auto: list[str] = field(default_factory=list)
    refs: list[tuple[str, int | None]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)  # keyword -> raw string pieces
    lines: dict[str, list[int]] = field(default_factory=dict)  # keyword -> line of each piece

    def text(self, keyword: str, path: Path) -> str | None:
        if keyword not in self.fields:
            return None
        pieces = self.fields[keyword]
        joined = "".join(pieces)
        if "\\" not in joined:
            return joined
        return "".join(
            _unescape(piece, path, line) for piece, line in zip(pieces, self.lines[keyword], strict=True)
        )


_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(?=\")")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*')


def _strings(rest: str, path: Path, number: int) -> list[str]:
    pieces, pos = [], 0
    while pos < len(rest):
        match = _STRING.match(rest, pos)
        if match is None:
            what = "end-of-line within string" if rest[pos:].startswith('"') else "syntax error"
            raise PipelineError(path, f"PO syntax error: {what}", number)
        pieces.append(match.group(1))
        pos = match.end()
    if not pieces:
        raise PipelineError(path, "PO syntax error: keyword without a string", number)
    return pieces


def _parse(text: str, path: Path) -> list[_Entry]:
    """Entries of a PO file, with the line of every string; strict like ``msgfmt``."""
    entries: list[_Entry] = []
    entry = _Entry()
    last: str | None = None  # keyword the next continuation string belongs to
    seen_msgstr = False

    def finish() -> None:
        nonlocal entry, last, seen_msgstr
        if "msgid" in entry.fields:
            if not seen_msgstr:
                raise PipelineError(path, "PO syntax error: msgid without msgstr", entry.line)
            entries.append(entry)
        elif entry.fields:
            first = min(min(lines) for lines in entry.lines.values())
            raise PipelineError(path, "PO syntax error: msgid missing", first)
        entry, last, seen_msgstr = _Entry(), None, False

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if line[:1] == '"' and last is not None:  # the common continuation line, fast
            one = _STRING.fullmatch(line)
            if one is not None:
                entry.fields[last].append(one.group(1))
                entry.lines[last].append(number)
                continue
        body, obsolete, previous = line, False, False
        if line.startswith("#~"):
            body, obsolete = line[2:].lstrip(" \t"), True
            if body.startswith("|"):
                body, previous = body[1:].lstrip(" \t"), True
            if not body:
                continue
        elif line.startswith("#|"):
            body, previous = line[2:].lstrip(" \t"), True
            if seen_msgstr:
                finish()
        elif line.startswith("#"):
            if seen_msgstr:
                finish()
            kind, rest = line[1:2], line[2:]
            if kind == ".":
                entry.auto.append(rest[1:] if rest.startswith(" ") else rest)
            elif kind == ":":
                entry.refs += [_reference(ref) for ref in rest.split()]
            elif kind == ",":
                entry.flags += [f.strip() for f in rest.split(",") if f.strip()]
            else:
                comment = line[1:]
                entry.user.append(comment[1:] if comment.startswith(" ") else comment)
            continue
        stripped = body.strip(" \t")
        if not stripped:
            continue
        if stripped.startswith('"'):
            if last is None:
                raise PipelineError(path, "PO syntax error: string without a keyword", number)
            pieces = _strings(stripped, path, number)
            entry.fields[last] += pieces
            entry.lines[last] += [number] * len(pieces)
            continue
        match = _KEYWORD.match(stripped)
        if match is None:
            raise PipelineError(path, f"PO syntax error: unexpected {stripped[:30]!r}", number)
        keyword = ("previous " if previous else "") + match.group(1)
        if keyword in ("msgctxt", "msgid", "previous msgctxt", "previous msgid") and seen_msgstr:
            finish()
        if not previous and keyword == "msgid" and ("msgid" in entry.fields):
            raise PipelineError(path, "PO syntax error: msgid without msgstr", entry.line)
        if keyword in entry.fields:
            raise PipelineError(path, f"PO syntax error: second {match.group(1)} in one entry", number)
        if not previous and keyword.startswith("msgstr"):
            if "msgid" not in entry.fields:
                raise PipelineError(path, "PO syntax error: msgstr without msgid", number)
            seen_msgstr = True
        if keyword == "msgid":
            entry.line = number
        if obsolete:
            entry.obsolete = True
        pieces = _strings(stripped[match.end() :], path, number)
        entry.fields[keyword], entry.lines[keyword] = pieces, [number] * len(pieces)
        last = keyword
    finish()
    return entries


_CHARSET = re.compile(r"charset=([^\s;]*)", re.I)


def _check_header(path: Path, entry: _Entry, header: str) -> None:
    """A PO file here is UTF-8; a header naming another charset is an error on its line."""
    pieces, lines = entry.fields["msgstr"], entry.lines["msgstr"]
    match = _CHARSET.search(header)
    if match is None:
        return
    charset = match.group(1)
    if charset.lower() in ("utf-8", "utf8", "charset"):
        return
    line = next((n for p, n in zip(pieces, lines, strict=True) if "charset=" in p.lower()), lines[0])
    raise PipelineError(
        path,
        f"the header says charset={charset!s}, but PO files here are UTF-8 "
        "(convert with `msgconv --to-code=UTF-8` and fix the Content-Type line)",
        line,
    )


def _message(message_id, string, entry: _Entry, context: str | None) -> Message:
    # Message.__init__ guesses python-format flags, drops repeated comment
    # lines and is a third of the read time: set the fields as read instead.
    message = Message.__new__(Message)
    message.id, message.string, message.context = message_id, string, context
    message.locations, message.flags = entry.refs, set(entry.flags)
    message.auto_comments, message.user_comments = entry.auto, entry.user
    message.previous_id, message.lineno = [], entry.line
    return message


def parse_catalog(data: bytes, path: Path, locale: Locale | str | None = None) -> Catalog:
    """A Babel catalog from a PO file's bytes; any error names the file and line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PipelineError(path, "not UTF-8 text; PO files here are UTF-8", line) from exc
    if text.startswith("\ufeff"):
        raise PipelineError(path, "starts with a byte-order mark, which GNU gettext rejects", 1)
    if "\0" in text:  # GNU gettext cuts a string at a NUL; this is no text file
        raise PipelineError(
            path, "a NUL character; PO files are text", text.count("\n", 0, text.index("\0")) + 1
        )
    fast = scan_catalog(text, path, locale)  # canonical files, in C; None: read them strictly
    return fast if fast is not None else strict_catalog(text, path, locale)


def strict_catalog(text: str, path: Path, locale: Locale | str | None = None) -> Catalog:
    """The strict line-by-line reader: any file, every error with its line."""
    entries = _parse(text, path)
    try:
        catalog = Catalog(locale=locale, charset="utf-8")
    except (ValueError, UnknownLocaleError) as exc:
        raise PipelineError(path, f"invalid language: {exc}") from exc
    seen: dict[tuple, int] = {}
    header_done = False
    to_check: list[tuple[Message, int]] = []
    for entry in entries:
        msgid, context = entry.text("msgid", path), entry.text("msgctxt", path)
        plural = entry.text("msgid_plural", path)
        key = (msgid, context)
        if key in seen and not entry.obsolete:
            raise PipelineError(path, f"duplicate message definition (first at line {seen[key]})", entry.line)
        if not entry.obsolete:
            seen[key] = entry.line
        indexes = check_plural_forms(path, entry, plural is not None)
        if plural is not None:
            string = tuple(entry.text(f"msgstr[{i}]", path) for i in indexes)
            message_id = (msgid, plural)
        else:
            string, message_id = entry.text("msgstr", path), msgid
        message = _message(message_id, string, entry, context)
        previous = entry.text("previous msgid", path)
        if previous is not None:
            previous_plural = entry.text("previous msgid_plural", path)
            message.previous_id = [previous] if previous_plural is None else [previous, previous_plural]
            message.previous_context = entry.text("previous msgctxt", path)
        if msgid == "" and context is None and not entry.obsolete and not header_done:
            header_done = True
            _check_header(path, entry, string)
            pieces = zip(entry.fields["msgstr"], entry.lines["msgstr"], strict=True)
            line = next((n for p, n in pieces if p.lower().startswith("plural-forms:")), entry.line)
            check_plural_header(path, string, line)
            try:
                catalog[""] = message
            except (ValueError, LookupError, TypeError, UnknownLocaleError) as exc:
                raise PipelineError(path, f"invalid PO header: {exc}", entry.line) from exc
            continue
        if not msgid:
            raise PipelineError(
                path, "an entry with an empty msgid (only the header may have one)", entry.line
            )
        if entry.obsolete:
            catalog.obsolete[catalog._key_for(message_id, context)] = message
            continue
        catalog[message_id] = message
        if "fuzzy" not in message.flags and _has_text(string):
            to_check.append(
                (message, entry.lines[next(k for k in entry.fields if k.startswith("msgstr"))][0])
            )
    nplurals = catalog.num_plurals
    for message, line in to_check:
        check_translation(path, message, line, nplurals)
    return catalog


def read_catalog(path: Path, locale: Locale | str | None = None) -> Catalog:
    """Read a .po/.pot file; a syntax or validity error names the file and line."""
    path = Path(path)
    # an editor saving in place can be read half-written: such a read is read again (settle.py)
    return read_settled(path, lambda data: parse_catalog(data, path, locale))[1]


def read_catalog_bytes(data: bytes, path: Path, locale: Locale | str | None = None) -> Catalog:
    """Same as :func:`read_catalog` for bytes already read (``path`` names them in errors)."""
    return parse_catalog(data, Path(path), locale)


__all__ = [
    "VOLATILE_HEADERS",
    "catalog_bytes",
    "parse_catalog",
    "read_catalog",
    "read_catalog_bytes",
    "write_catalog",
]

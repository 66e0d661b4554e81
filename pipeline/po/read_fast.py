"""A whole-file fast path for reading PO files written the canonical way.

Files written by this pipeline, ``msgcat`` and ``msgmerge`` share one shape:
comment lines, then ``msgctxt``/``msgid``/``msgstr`` each followed by its
continuation strings, one blank line between entries, obsolete entries last.
One regular expression per entry reads that shape in C, about three times
faster than the strict line-by-line reader of :mod:`pipeline.po.read`
(hand-written for the same reasons as that one).

The fast path never reports an error: on anything else (plural forms, CRLF
lines, extra spaces, a bad escape, a duplicate, a non-UTF-8 header, a failing
``msgfmt -c`` check) it gives up and the strict reader reads the file, so
errors and unusual files are handled exactly as before. Where it succeeds its
catalog is the strict reader's (tests/test_po_scan.py compares the two).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline.errors import PipelineError

_S = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # one C string on one line (an unrolled loop: fast)
_M = _S + r"(?:\n" + _S + r")*"  # a string and its continuation lines
_BODY = r"(?:msgctxt (?P<x>" + _M + r")\n)?msgid (?P<i>" + _M + r")\nmsgstr (?P<s>" + _M + r")"
_END = r"(?:\n(?:\n+|\Z)|\Z)"
# Comment lines in GNU's order: translator, extracted (#.), references (#:),
# flags (#,), previous strings (#|); another order takes the generic pattern.
_ORDERED = (
    r"(?P<u>(?:#(?![.:,|~])[^\n]*\n)*)(?P<a>(?:#\.[^\n]*\n)*)(?P<r>(?:#:[^\n]*\n)*)"
    r"(?P<f>(?:#,[^\n]*\n)*)(?P<p>(?:#\|[^\n]*\n)*)"
)
_LIVE = re.compile(_ORDERED + _BODY + _END)
_LIVE_ANY_ORDER = re.compile(r"(?P<c>(?:#(?!~)[^\n]*\n)*)" + _BODY + _END)
# An obsolete entry: comments, #~| previous strings, then #~ keyword lines.
_OBSOLETE = re.compile(
    r"(?P<c>(?:#(?!~)[^\n]*\n)*)"
    r"(?P<p>(?:#~\| (?:(?:msgctxt |msgid )?\"[^\n]*)\n)*)"
    r"(?P<o>#~ (?:msgctxt |msgid )\"[^\n]*(?:\n#~ (?:msgid |msgstr )?\"[^\n]*)*)" + _END
)
_LIVE_BODY = re.compile(r"(?P<c>(?:#(?!~)[^\n]*\n)*)" + _BODY)
_PREVIOUS = re.compile(r"(?:msgctxt (?P<x>" + _M + r")\n)?msgid (?P<i>" + _M + r")")
_OCTAL_HEX = re.compile(r"\\(?:[0-7]|x)")
_CHARSET = re.compile(r"charset=([^\s;]*)", re.I)
UTF8_NAMES = ("utf-8", "utf8", "charset")


_SIMPLE_UNESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_SIMPLE_UNESCAPES |= {"\\": "\\", '"': '"'}
_ESCAPE_SEQ = re.compile(r"\\(?:([ntbrfva\\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")


def _unescape(piece: str, path: Path, line: int) -> str:
    """A C string's escapes, as GNU's po-lex.c reads them; any other is an error."""
    if "\\" not in piece:
        return piece
    if not _OCTAL_HEX.search(piece):

        def simple(match: re.Match) -> str:
            if match.group(1) is None:
                raise PipelineError(path, f"invalid escape sequence '\\{match.group(4)}' in string", line)
            return _SIMPLE_UNESCAPES[match.group(1)]

        return _ESCAPE_SEQ.sub(simple, piece)
    # Octal and hex escapes are bytes of the UTF-8 text.
    out = bytearray()
    pos = 0
    for match in _ESCAPE_SEQ.finditer(piece):
        out += piece[pos : match.start()].encode("utf-8")
        pos = match.end()
        simple_, octal, hexa, bad = match.groups()
        if bad is not None:
            raise PipelineError(path, f"invalid escape sequence '\\{bad}' in string", line)
        if simple_:
            out += _SIMPLE_UNESCAPES[simple_].encode()
        else:
            out.append(int(octal, 8) & 0xFF if octal else int(hexa, 16) & 0xFF)
    out += piece[pos:].encode("utf-8")
    if 0 in out:  # GNU gettext silently cuts the string there; writing it back makes the file binary
        raise PipelineError(
            path, "a NUL character (\\0) in a string; GNU gettext cuts the string there", line
        )
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PipelineError(path, "escaped bytes in string are not UTF-8", line) from exc


def _reference(ref: str) -> tuple[str, int | None]:
    name, _, lineno = ref.rpartition(":")
    if name and lineno.isdecimal():  # isdigit() takes "²", which int() refuses
        return name, int(lineno)
    return ref, None


class _GiveUp(Exception):
    """The file is not in the canonical shape: the strict reader takes over."""


def _text(group: str, path: Path) -> str:
    """The value of ``"a"\\n"b"…``: a boundary ``"\\n"`` can only be between two strings."""
    body = group[1:-1]
    if "\n" in body:
        if "\\" in body and _OCTAL_HEX.search(body):  # an octal run must not join across pieces
            return "".join(_unescape(piece, path, 0) for piece in body.split('"\n"'))
        body = body.replace('"\n"', "")
    if "\\" not in body:
        return body
    if _OCTAL_HEX.search(body):
        return _unescape(body, path, 0)

    def simple(match: re.Match) -> str:
        if match.group(1) is None:
            raise _GiveUp
        return _SIMPLE_UNESCAPES[match.group(1)]

    return _ESCAPE_SEQ.sub(simple, body)


def _split_comments(block: str) -> tuple[str, str, str, str, str]:
    """Comment lines of any order, grouped by kind as the ordered pattern groups them."""
    groups: dict[str, list[str]] = {"u": [], "a": [], "r": [], "f": [], "p": []}
    for line in block.split("\n")[:-1]:
        groups[{".": "a", ":": "r", ",": "f", "|": "p"}.get(line[1:2], "u")].append(line + "\n")
    return tuple("".join(groups[k]) for k in "uarfp")


def _fill(message: Message, user: str, auto: str, refs: str, flags: str) -> None:
    """The comment fields, as the strict reader splits comment lines."""
    users: list[str] = []
    if user:
        for line in user[:-1].split("\n"):
            users.append(line[2:] if line[1:2] == " " else line[1:])
    autos: list[str] = []
    if auto:
        for line in auto[:-1].split("\n"):
            autos.append(line[3:] if line[2:3] == " " else line[2:])
    locations = [_reference(ref) for ref in refs.replace("#:", " ").split()] if refs else []
    message.user_comments, message.auto_comments, message.locations = users, autos, locations
    if flags:
        flags = flags.replace("\n#,", ",")[2:-1]
        message.flags = {f.strip() for f in flags.split(",") if f.strip()}
    else:
        message.flags = set()


def _previous(block: str, message: Message, path: Path) -> None:
    if ("\n#|" in block[:-1] and "\n#| " not in block[:-1]) or block[2:3] != " ":
        raise _GiveUp  # "#|" lines here are "#| " lines
    found = _PREVIOUS.fullmatch(block[3:-1].replace("\n#| ", "\n"))
    if found is None:
        raise _GiveUp
    message.previous_id = [_text(found.group("i"), path)]
    x = found.group("x")
    message.previous_context = None if x is None else _text(x, path)


def scan_catalog(text: str, path: Path, locale) -> Catalog | None:
    """The catalog of a canonical PO file, or None to let the strict reader read it."""
    if "\r" in text or text.startswith("\ufeff"):
        return None
    try:
        return _scan(text, path, locale)
    except (_GiveUp, PipelineError):
        return None


def _scan(text: str, path: Path, locale) -> Catalog | None:
    from pipeline.po.msgfmt_checks import check_plural_header, check_translation

    try:
        catalog = Catalog(locale=locale, charset="utf-8")
    except Exception:  # the strict reader reports an invalid language
        return None
    messages, obsolete_entries = catalog._messages, catalog.obsolete
    seen: set = set()
    header_done = False
    to_check: list[tuple[Message, int]] = []
    live_match, any_order, obsolete_match = _LIVE.match, _LIVE_ANY_ORDER.match, _OBSOLETE.match
    pos, line, counted = 0, 1, 0  # line is the number of the line at text[counted]
    end = len(text)
    new = Message.__new__
    while pos < end:
        obsolete = False
        match = live_match(text, pos)
        if match is not None:
            start, pos = pos, match.end()
            user, auto, refs, flags, previous = match.group("u", "a", "r", "f", "p")
        else:
            match = any_order(text, pos)
            if match is None:
                outer = obsolete_match(text, pos)
                if outer is None:
                    raise _GiveUp
                obsolete = True
                entry = outer.group("p").replace("#~| ", "#| ") + outer.group("o")[3:].replace("\n#~ ", "\n")
                match = _LIVE_ANY_ORDER.fullmatch(outer.group("c") + entry)
                if match is None:
                    raise _GiveUp
                start, pos = outer.start(), outer.end()
            else:
                start, pos = pos, match.end()
            user, auto, refs, flags, previous = _split_comments(match.group("c"))
        # Line of msgid: lines before this entry, then the lines before msgid inside it.
        line += text.count("\n", counted, start)
        counted = start
        msgid_line = line + match.string.count("\n", match.start(), match.start("i"))
        group_id, group_str, group_ctx = match.group("i", "s", "x")
        msgid = _text(group_id, path) if "\\" in group_id or "\n" in group_id else group_id[1:-1]
        string = _text(group_str, path) if "\\" in group_str or "\n" in group_str else group_str[1:-1]
        context = None if group_ctx is None else _text(group_ctx, path)
        message = new(Message)
        message.id, message.string, message.context = msgid, string, context
        message.previous_id, message.lineno = [], msgid_line
        _fill(message, user, auto, refs, flags)
        if previous:
            _previous(previous, message, path)
        if obsolete:
            obsolete_entries[msgid if context is None else (msgid, context)] = message
            continue
        key = (msgid, context)
        if key in seen:
            raise _GiveUp  # duplicate: the strict reader reports it
        seen.add(key)
        if msgid == "" and context is None and not header_done:
            header_done = True
            charset = _CHARSET.search(string)
            if charset is not None and charset.group(1).lower() not in UTF8_NAMES:
                raise _GiveUp
            check_plural_header(path, string, msgid_line)  # an error: the strict reader reports it
            try:
                catalog[""] = message
            except Exception:  # the strict reader reports an invalid header
                raise _GiveUp from None
            continue
        if not msgid:
            raise _GiveUp
        messages[msgid if context is None else (msgid, context)] = message
        # po_checks.check_translation can only fail on a format flag or a
        # leading/trailing newline in a non-plural entry: check those entries.
        if (
            string
            and "fuzzy" not in message.flags
            and (
                flags or msgid[:1] == "\n" or msgid[-1:] == "\n" or string[:1] == "\n" or string[-1:] == "\n"
            )
        ):
            to_check.append((message, msgid_line + group_id.count("\n") + 1))
    nplurals = catalog.num_plurals
    for message, msgstr_line in to_check:
        check_translation(path, message, msgstr_line, nplurals)
    return catalog

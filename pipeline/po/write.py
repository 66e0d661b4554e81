"""Writing gettext PO files byte for byte as GNU gettext's ``msgcat`` does.

Hand-written because no Python PO library writes what msgcat writes (see
docs/design.md, "PO files"). The line breaking itself (Unicode UAX #14, as
libunistring does it for gettext) comes from ``unicode_segmentation_rs``, the
library translate-toolkit and Weblate use for the same job; this module adds
gettext 0.21's greedy filling and its few differences.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from unicode_segmentation_rs import line_breaks

from pipeline.fileio import write_if_changed

PAGE_WIDTH = 79  # GNU gettext's default --width
# Headers that change on every run; two catalogs differing only here are the same.
VOLATILE_HEADERS = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date|Generated-By): .*\\n"\n', re.M)

_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v"}
_ESCAPES |= {"\\": "\\\\", '"': '\\"'}
_ESCAPE_RE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
# GNU's order of the flags it knows (write-po.c); flags it does not know come
# last, sorted, so that ours (say ignore-length) are kept.
_FORMATS = [
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
]
_FLAG_ORDER = {"fuzzy": 0} | {
    flag: i for i, name in enumerate(_FORMATS, start=1) for flag in (f"{name}-format", f"no-{name}-format")
}
_FLAG_ORDER |= {"wrap": 1000, "no-wrap": 1000}


def _escape(text: str) -> str:
    if _ESCAPE_RE.search(text) is None:
        return text
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    # libunistring's uc_width: wide East Asian 2, marks and controls 0.
    if unicodedata.east_asian_width(char) in "WF":
        return 2
    if unicodedata.category(char) in ("Mn", "Me", "Cc", "Cf", "Zl", "Zp"):
        return 0
    return 1


# Column width of each ASCII byte: printable 1, control 0.
_ASCII_WIDTHS = bytes(1 if 32 <= b < 127 else 0 for b in range(256))


def _widths(portion: str) -> list[int]:
    if portion.isascii():
        return list(portion.encode("ascii").translate(_ASCII_WIDTHS))
    return list(map(_char_width, portion))


class _Layout:
    """An escaped string's columns and break opportunities, computed once per string."""

    __slots__ = ("allowed", "columns", "mandatory", "size", "total")

    def __init__(self, portion: str) -> None:
        self.size = size = len(portion)
        self.mandatory: set[int] = set()
        if portion.isascii() and portion.isprintable():
            # One column per character and no mandatory break inside: the common case.
            self.columns, self.total = None, size
            offsets = [o for o, _ in line_breaks(portion)]
            if offsets and offsets[-1] == size:
                offsets.pop()  # the end of the text
            if "\\" in portion or _IS_LETTER.search(portion):
                offsets = _allowed(portion, offsets)
            self.allowed = offsets
            return
        self.columns = columns = [0, *itertools.accumulate(_widths(portion))]
        self.total = columns[-1]
        opportunities = line_breaks(portion)
        if not portion.isascii():
            char_at, index = {}, 0
            for i, char in enumerate(portion):
                char_at[index] = i
                index += len(char.encode("utf-8"))
            opportunities = [(char_at[o], hard) for o, hard in opportunities if o in char_at]
        # After U+2028, U+2029 or U+0085 (mandatory breaks) libunistring starts
        # counting columns afresh, though write-po.c breaks no line there.
        self.mandatory = {offset for offset, hard in opportunities if hard and offset < size}
        self.allowed = _allowed(portion, [offset for offset, _ in opportunities])

    def breaks(self, width: int, startcol: int) -> list[int]:
        """libunistring's greedy ``ulc_width_linebreaks``: break at the last
        opportunity before a line would pass ``width``."""
        if self.total <= width - startcol:
            return []  # fits
        breaks: list[int] = []
        last = -1  # no opportunity yet
        column, start = startcol, 0
        columns, size = self.columns, self.size
        if columns is None:  # one column per character
            for position in self.allowed:
                column += position - start
                if last >= 0 and column > width:
                    breaks.append(last)
                    column = position - last
                last = start = position
            if last >= 0 and column + size - start > width:
                breaks.append(last)
            return breaks
        mandatory = self.mandatory
        for position in [*self.allowed, size]:
            piece = columns[position] - columns[start]
            if last >= 0 and column + piece > width:
                breaks.append(last)
                column = 0
            if position in mandatory:
                last, column, start = -1, 0, position
            else:
                last, column, start = position, column + piece, position
        return breaks


def _allowed(portion: str, allowed: list[int]) -> list[int]:
    """Break opportunities with gettext 0.21's extra ones, none inside an escape."""
    # gettext 0.21's libunistring breaks between "." (IS) and a letter
    # ("example.|com"), which UAX #14 now forbids; tests compare with msgcat.
    extra = {m.start() + 1 for m in _IS_LETTER.finditer(portion)}
    if extra:
        allowed = sorted(set(allowed) | extra)
    size = len(portion)
    if "\\" not in portion:
        return [p for p in allowed if 0 < p < size]
    # never inside an escape sequence, nor before a final \n
    banned = {0, size} | {m.start() + 1 for m in _ESCAPE_PAIR.finditer(portion)}
    if portion.endswith("\\n"):
        banned.add(size - 2)
    return [p for p in allowed if p not in banned]


def _break_points(portion: str, width: int, startcol: int) -> list[int]:
    """Where GNU gettext breaks an escaped string: libunistring's greedy
    ``ulc_width_linebreaks`` over the UAX #14 break opportunities, never
    inside an escape sequence nor before a final ``\\n``."""
    if portion.isascii() and len(portion) <= width - startcol:
        return []
    return _Layout(portion).breaks(width, startcol)


_IS_LETTER = re.compile(r"[.,:;](?=[^\W\d_]|[#&*<=>@^_`|~])")
_ESCAPE_PAIR = re.compile(r"\\.")


def _split(portion: str, breaks: list[int]) -> list[str]:
    bounds = [0, *breaks, len(portion)]
    return [portion[a:b] for a, b in itertools.pairwise(bounds)]


def _string_lines(prefix: str, keyword: str, text: str, wrap: bool = True) -> list[str]:
    """``keyword "text"`` as GNU gettext's write-po.c writes it at 79 columns.

    The text is split after each newline; each part is broken where UAX #14
    allows. The first line is left empty (``msgid ""``) when the text has an
    inner newline or does not fit after the keyword.
    """
    width = (PAGE_WIDTH if wrap else 1 << 30) - 1 - (len(prefix) + 1)  # room for both quotes
    first = len(keyword) + 1
    if "\n" not in text:
        portion = _escape(text)
        if portion.isascii() and len(portion) <= width - first:  # fits: the common case
            return [f'{prefix}{keyword} "{portion}"']
        layout = _Layout(portion)
        # Text that does not fit stays on the keyword's line only when the
        # greedy filling finds no break; at one column per character, that
        # is when there is no break opportunity at all.
        if first <= width and (
            not layout.allowed if layout.columns is None else not layout.breaks(width, first)
        ):
            return [f'{prefix}{keyword} "{portion}"']
        pieces = _split(portion, layout.breaks(width, 0))
        return [f'{prefix}{keyword} ""', *[f'{prefix}"{piece}"' for piece in pieces]]
    parts = text.split("\n")
    portions = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        portions.append(parts[-1])
    escaped = [_escape(p) for p in portions]
    if len(escaped) == 1 and first <= width and not _break_points(escaped[0], width, first):
        return [f'{prefix}{keyword} "{escaped[0]}"']
    lines = [f'{prefix}{keyword} ""']
    for portion in escaped:
        lines.extend(f'{prefix}"{piece}"' for piece in _split(portion, _break_points(portion, width, 0)))
    return lines


def _comment_lines(marker: str, comments) -> list[str]:
    return [f"{marker} {c}" if c else marker for text in comments for c in str(text).split("\n")]


def _reference_lines(locations) -> list[str]:
    if not locations:
        return []
    lines, current, column = [], "#:", 2
    for filename, lineno in locations:
        ref = f"{filename}:{lineno}" if lineno not in (None, "") else str(filename)
        if column > 2 and column + len(ref) + 1 > PAGE_WIDTH:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += len(ref) + 1
    return [*lines, current]


def _ordered_flags(flags) -> list[str]:
    if len(flags) < 2:
        return list(flags)
    return sorted(flags, key=lambda f: (_FLAG_ORDER.get(f, 2000), f))


def _message_lines(message: Message, obsolete: bool = False) -> list[str]:
    wrap = "no-wrap" not in message.flags
    lines = _comment_lines("#", message.user_comments)
    if not obsolete:  # msgmerge leaves them out; translate-toolkit would drop them
        lines += _comment_lines("#.", message.auto_comments)
        lines += _reference_lines(message.locations)
    flags = message.flags
    if message.id and not _has_text(message.string):
        flags = flags - {"fuzzy"}  # GNU gettext: an untranslated entry is not fuzzy
    flags = _ordered_flags(flags)
    if flags:
        lines.append("#, " + ", ".join(flags))
    previous_prefix = "#~| " if obsolete else "#| "
    previous_context = getattr(message, "previous_context", None)
    if previous_context is not None and message.previous_id:
        lines += _string_lines(previous_prefix, "msgctxt", previous_context, wrap)
    previous = message.previous_id
    if previous:
        previous = [previous] if isinstance(previous, str) else list(previous)
        lines += _string_lines(previous_prefix, "msgid", previous[0], wrap)
        if len(previous) > 1:
            lines += _string_lines(previous_prefix, "msgid_plural", previous[1], wrap)
    prefix = "#~ " if obsolete else ""
    if message.context is not None:
        lines += _string_lines(prefix, "msgctxt", message.context, wrap)
    if message.pluralizable:
        lines += _string_lines(prefix, "msgid", message.id[0], wrap)
        lines += _string_lines(prefix, "msgid_plural", message.id[1], wrap)
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for index, text in enumerate(strings):
            lines += _string_lines(prefix, f"msgstr[{index}]", text or "", wrap)
    else:
        lines += _string_lines(prefix, "msgid", message.id, wrap)
        lines += _string_lines(prefix, "msgstr", message.string or "", wrap)
    return lines


def _entry_text(message: Message, obsolete: bool = False) -> str:
    return "\n".join(_message_lines(message, obsolete))


def rendered_entries(messages) -> dict[int, str]:
    """The text of each (live) message as :func:`catalog_bytes` writes it, by ``id()``.

    An entry's text depends only on the entry: it can be made ahead, while
    something else runs (``pipeline/po/merge.py``: during the fuzzy search,
    for the entries the search cannot change), and looked up.
    """
    return {id(m): _entry_text(m) for m in messages if m.id}


def catalog_bytes(catalog: Catalog, rendered: dict[int, str] | None = None) -> bytes:
    """The catalog as a UTF-8 PO file, exactly as ``msgcat`` would write it.

    Obsolete entries go last and an obsolete entry without translation is
    left out, as GNU gettext does; every flag is kept. ``rendered``: entries
    made ahead by :func:`rendered_entries` (unchanged since).
    """
    header = next(iter(catalog))  # Babel builds the header entry from the catalog fields
    header.user_comments = [
        c[2:] if c.startswith("# ") else c[1:] for c in catalog.header_comment.split("\n")
    ]
    made = rendered or {}
    texts = [_entry_text(header)]
    texts += [made.get(id(m)) or _entry_text(m) for m in catalog if m.id]
    texts += [_entry_text(m, obsolete=True) for m in catalog.obsolete.values() if _has_text(m.string)]
    return ("\n\n".join(texts) + "\n").encode("utf-8")


def _has_text(string) -> bool:
    return any(string) if isinstance(string, (list, tuple)) else bool(string)


def _same_catalog(old: bytes, new: bytes) -> bool:
    return VOLATILE_HEADERS.sub(b"", old) == VOLATILE_HEADERS.sub(b"", new)


def write_catalog(path: Path, catalog: Catalog) -> bool:
    """Write a catalog atomically, unless only its timestamps would change."""
    return write_if_changed(Path(path), catalog_bytes(catalog), same=_same_catalog)

"""Characters a reader cannot see or that change what is seen: controls, bidi controls, mark stacks.

Shared by the checks (which flag them), the review sheet (which shows them)
and the exports (which refuse what XML cannot hold). Python's unicodedata
gives the categories; the sets below are the few Unicode lists it lacks.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that reorder what a reader sees (Trojan Source, CVE-2021-42574): embeddings,
# overrides and isolates, never needed in a letter; the marks are legitimate in RTL text.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
# Invisible or line-breaking characters the review sheet shows as a visible token.
INVISIBLE = BIDI_CONTROLS | BIDI_MARKS | frozenset("\u200b\u2028\u2029\ufeff")
# ... and with them every control character but tab and newline (category Cc: C0, DEL, C1).
SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(INVISIBLE)) + "]")
# What XML 1.0 cannot hold, or reads back changed: C0 but tab and LF (a parser turns CR
# into LF), lone surrogates, U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")

# unicodedata has no names for controls: the common ones, from their Unicode aliases.
CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


def char_name(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE', 'U+001B (control)': how an error names a character."""
    name = unicodedata.name(char, "") or CONTROL_NAMES.get(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "(control)"
    return f"U+{ord(char):04X} {name}".rstrip()


def is_control(char: str) -> bool:
    """A C0 or C1 control character other than tab and newline."""
    return unicodedata.category(char) == "Cc" and char not in "\t\n"


def controls(text: str) -> list[str]:
    return [char for char in dict.fromkeys(text) if is_control(char)]


def text_direction(text: str) -> str:
    """ "rtl" or "ltr" from the first strong character (the rule of HTML's dir="auto"), else "auto".

    Computed here because WeasyPrint ignores dir="auto" and <bdi>'s own guess:
    an explicit dir attribute isolates a name or a title in Chromium and in the PDF alike.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "auto"


def is_mark(char: str) -> bool:
    return bool(unicodedata.combining(char)) or unicodedata.category(char) in ("Mn", "Me")


def longest_mark_run(text: str) -> int:
    """The most combining marks on one base character, after NFC composes what it can."""
    run = longest = 0
    for char in unicodedata.normalize("NFC", text):
        run = run + 1 if is_mark(char) else 0
        longest = max(longest, run)
    return longest


def visible_token(char: str) -> str:
    """A visible stand-in: ␛ for ESC (the Control Pictures block), else ⟨U+202E⟩."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"⟨U+{code:04X}⟩"


def escape_controls(text: str) -> str:
    """``text`` with controls and invisible characters as Python escapes (\\x1b, \\u202e), for a terminal."""
    return SHOWN.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)

"""What the pipeline prints goes through here: control characters become visible escapes.

A message can carry text from outside (a catalog's msgstr, a server's error or version
string); a raw ESC in it would drive the terminal. ``main`` wraps stdout and stderr
once, so every print is covered; the progress displays, which draw with ``\\r`` and
``ESC [K`` themselves, write to ``stream.unescaped``.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

# C0 but tab and newline, DEL and C1: Unicode category Cc.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_terminal(text: str) -> str:
    """``text`` with every control but tab and newline as ``\\u001b`` (also valid inside JSON strings)."""
    return CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class EscapingStream:
    """A text stream that escapes controls in everything written to it."""

    def __init__(self, stream: TextIO) -> None:
        self.unescaped = stream

    def write(self, text: str) -> int:
        self.unescaped.write(escape_terminal(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.unescaped, name)


def unescaped(stream: TextIO) -> TextIO:
    """The stream under an :class:`EscapingStream`, for a display that draws with controls."""
    return getattr(stream, "unescaped", stream)


def install() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, EscapingStream):
            setattr(sys, name, EscapingStream(stream))

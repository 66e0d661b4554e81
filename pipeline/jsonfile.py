"""Small JSON files the project keeps (sign-offs, the model lock): read with errors naming the line.

The json module keeps no positions, so ``key_line`` finds the line of a key
in the text; that is enough to point a person at the entry to fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.errors import PipelineError

KINDS = {
    list: "a list",
    dict: "an object",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
}


def kind(value: object) -> str:
    """How a JSON value is named in an error: 'a list', 'null', ..."""
    return "null" if value is None else KINDS.get(type(value), type(value).__name__)


def read_json(path: Path) -> tuple[str, object] | None:
    """(text, data) of a UTF-8 JSON file, None when it does not exist; else one error with the line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise PipelineError(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x})", line) from None
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise PipelineError(path, f"not valid JSON: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. a number too long to convert
        raise PipelineError(path, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise PipelineError(path, "not valid JSON: nested too deeply") from None


def key_line(text: str, key: str, start: int = 0) -> tuple[int | None, int]:
    """(1-based line, offset) of the first ``"key":`` in ``text`` from ``start``; (None, start) if absent."""
    match = re.compile(rf"{re.escape(json.dumps(key))}\s*:").search(text, start)
    if match is None:
        return None, start
    return text.count("\n", 0, match.start()) + 1, match.start()

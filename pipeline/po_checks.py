"""The checks ``msgfmt -c`` makes on each PO entry, run while a catalog is read.

Running ``msgfmt -c`` itself costs a process per read (about 10 ms plus a
second parse of the file) and its messages are not one line; these are the
same rules, each reported as ``path:line: error: …``. Only what msgfmt
rejects is rejected here: a fuzzy or untranslated entry is not checked for
formats or newlines, as msgfmt does not check it.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Message, TranslationError

from .errors import PipelineError

# One C format directive (glibc printf, as gettext's format-c.c reads it).
C_DIRECTIVE = re.compile(
    r"%(?:(?P<arg>\d+)\$)?[-+ #0'I]*"
    r"(?P<width>\*(?:\d+\$)?|\d+)?(?:\.(?P<prec>\*(?:\d+\$)?|\d*))?"
    r"(?P<size>hh|h|ll|l|L|q|j|z|Z|t)?(?P<conv>[diouxXcsCSeEfFgGaApnm%]|<PRI\w+>)?"
)
_C_CLASS = {**dict.fromkeys("di", "int"), **dict.fromkeys("ouxX", "unsigned")}
_C_CLASS |= {**dict.fromkeys("eEfFgGaA", "float"), "c": "char", "s": "string", "C": "lchar", "S": "lstring"}
_C_CLASS |= {"p": "pointer", "n": "count"}


def c_format_args(text: str, path: Path, line: int) -> dict[int, str]:
    """Argument number -> type of every directive of a C format string."""
    args: dict[int, str] = {}
    index = 0
    for match in C_DIRECTIVE.finditer(text):
        conv = match.group("conv")
        if conv is None:
            raise PipelineError(path, f"invalid C format directive {match.group(0)!r}", line)
        if conv in ("%", "m"):
            continue
        for star in (match.group("width"), match.group("prec")):
            if star and star.startswith("*"):
                index = int(star[1:-1]) if len(star) > 1 else index + 1
                args[index] = "int"
        index = int(match.group("arg")) if match.group("arg") else index + 1
        kind = conv if conv.startswith("<") else _C_CLASS[conv]
        args[index] = (match.group("size") or "") + kind
    return args


def check_plural_forms(path: Path, entry, has_plural: bool) -> list[int]:
    """The msgstr[N] indexes of an entry, which must match its msgid_plural (or lack of one)."""
    keys = [k for k in entry.fields if k.startswith("msgstr")]
    line = entry.lines[keys[0]][0]
    if not has_plural:
        if keys != ["msgstr"]:
            raise PipelineError(
                path, "msgstr[N] without a msgid_plural (missing 'msgid_plural' section)", line
            )
        return []
    if "msgstr" in keys:
        raise PipelineError(path, "an entry with msgid_plural needs msgstr[0], msgstr[1]…, not msgstr", line)
    indexes = [int(k[7:-1]) for k in keys]
    if indexes != list(range(len(indexes))):
        raise PipelineError(path, "plural forms must be msgstr[0], msgstr[1]… in order", line)
    return indexes


def check_translation(path: Path, message: Message, line: int, nplurals: int) -> None:
    """msgfmt -c's checks of one translated, not fuzzy entry: newlines, plural count, formats."""
    ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
    strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
    if len(ids) > 1 and len(strings) != nplurals:
        raise PipelineError(
            path, f"the header says nplurals={nplurals} but this entry has {len(strings)} plural forms", line
        )
    for string in strings:
        if not string:
            continue
        if ids[0].startswith("\n") != string.startswith("\n"):
            raise PipelineError(path, "'msgid' and 'msgstr' entries do not both begin with '\\n'", line)
        if ids[0].endswith("\n") != string.endswith("\n"):
            raise PipelineError(path, "'msgid' and 'msgstr' entries do not both end with '\\n'", line)
    if "c-format" in message.flags:
        _check_c_format(path, ids, strings, line)
    if "python-format" in message.flags:
        from babel.messages.checkers import python_format  # only here: 7 ms of start-up

        try:
            python_format(None, message)
        except TranslationError as exc:
            raise PipelineError(path, f"python-format: {exc}", line) from exc


def _check_c_format(path: Path, ids: list[str], strings: list[str], line: int) -> None:
    wanted = c_format_args(ids[0], path, line)
    for extra in ids[1:]:
        wanted |= c_format_args(extra, path, line)
    for string in strings:
        if not string:
            continue
        got = c_format_args(string, path, line)
        for arg, kind in got.items():
            if arg not in wanted:
                raise PipelineError(path, f"c-format: msgstr has argument {arg}, which msgid lacks", line)
            if wanted[arg] != kind:
                raise PipelineError(
                    path, f"c-format: argument {arg} is {wanted[arg]} in msgid, {kind} here", line
                )
        # A plural form may leave an argument out (say, "one file"); a singular may not.
        if len(ids) == 1 and set(wanted) != set(got):
            missing = min(set(wanted) - set(got))
            raise PipelineError(path, f"c-format: argument {missing} of msgid is missing from msgstr", line)

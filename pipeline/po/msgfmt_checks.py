"""The checks ``msgfmt -c`` makes on each PO entry, run while a catalog is read.

Running ``msgfmt -c`` itself costs a process per read (about 10 ms plus a
second parse of the file) and its messages are not one line; these are the
same rules, each reported as ``path:line: error: …``. Only what msgfmt
rejects is rejected here: a fuzzy or untranslated entry is not checked for
formats or newlines, as msgfmt does not check it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from babel.messages.catalog import Message, TranslationError

from pipeline.errors import PipelineError

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


# --- the Plural-Forms header ---------------------------------------------------------------------
# Hand-written: Babel reads nplurals and keeps the plural expression as text, unchecked, and
# Python's gettext.c2py accepts what GNU's plural.y refuses (unary minus, hex numbers). This is
# plural.y's grammar, evaluated as msgfmt -c does (unsigned long, n = 0…1000).
_PLURAL_TOKEN = re.compile(r"[ \t\n]*(?:(\d+)|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))")
_ULONG = 2**64
_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]


class _PluralError(ValueError):
    pass


def _plural_tokens(expression: str) -> list[str]:
    tokens, pos = [], 0
    while expression[pos:].strip(" \t\n"):
        match = _PLURAL_TOKEN.match(expression, pos)
        if match is None:
            raise _PluralError("invalid plural expression")
        tokens.append(match.group(match.lastindex))
        pos = match.end()
    return tokens


def _parse_plural(tokens: list[str]):
    """plural.y's expression as nested tuples: ("?", c, a, b), (op, a, b), ("!", a), "n", int."""
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise _PluralError("invalid plural expression")
        pos += 1
        return tokens[pos - 1]

    def ternary():
        condition = binary(0)
        if peek() != "?":
            return condition
        take()
        then = ternary()
        if take() != ":":
            raise _PluralError("invalid plural expression")
        return ("?", condition, then, ternary())

    def binary(level: int):
        if level == len(_BINARY):
            return unary()
        left = binary(level + 1)
        while peek() in _BINARY[level]:
            left = (take(), left, binary(level + 1))
        return left

    def unary():
        token = take()
        if token == "!":
            return ("!", unary())
        if token == "(":
            inner = ternary()
            if take() != ")":
                raise _PluralError("invalid plural expression")
            return inner
        if token == "n":
            return "n"
        if token.isdigit():
            return int(token) % _ULONG
        raise _PluralError("invalid plural expression")

    tree = ternary()
    if pos != len(tokens):
        raise _PluralError("invalid plural expression")
    return tree


def _evaluate(tree, n: int) -> int:
    if tree == "n":
        return n
    if isinstance(tree, int):
        return tree
    op = tree[0]
    if op == "?":
        return _evaluate(tree[2] if _evaluate(tree[1], n) else tree[3], n)
    if op == "!":
        return int(not _evaluate(tree[1], n))
    if op == "||":
        return int(bool(_evaluate(tree[1], n)) or bool(_evaluate(tree[2], n)))
    if op == "&&":
        return int(bool(_evaluate(tree[1], n)) and bool(_evaluate(tree[2], n)))
    a, b = _evaluate(tree[1], n), _evaluate(tree[2], n)
    if op in ("/", "%"):
        if b == 0:
            raise _PluralError("plural expression can produce division by zero")
        return a // b if op == "/" else a % b
    arithmetic = {"+": a + b, "-": a - b, "*": a * b}
    if op in arithmetic:
        return arithmetic[op] % _ULONG
    return int({"==": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op])


@functools.cache
def plural_problem(value: str) -> str | None:
    """What ``msgfmt -c`` says of a Plural-Forms value (``nplurals=N; plural=EXPR;``), or None."""
    nplurals, plural = value.find("nplurals="), value.find("plural=")  # as GNU's strstr() finds them
    if nplurals < 0 or plural < 0:
        return None  # msgfmt minds only in a catalog with plural entries; Babel then assumes n != 1
    count = re.match(r"\s*(\d+)", value[nplurals + 9 :])
    if count is None:
        return "invalid nplurals value in the Plural-Forms header"
    try:
        tree = _parse_plural(_plural_tokens(value[plural + 7 :].split(";")[0]))
        wanted = int(count.group(1))
        too_large = next((v for v in (_evaluate(tree, n) for n in range(1001)) if v >= wanted), None)
    except _PluralError as exc:
        return f"{exc} in the Plural-Forms header"
    except RecursionError:
        return "invalid plural expression in the Plural-Forms header (nested too deeply)"
    if too_large is not None:
        return f"nplurals = {wanted} but the plural expression can produce values as large as {too_large}"
    return None


def check_plural_header(path: Path, header: str, line: int) -> None:
    """A header's Plural-Forms, checked as ``msgfmt -c`` checks it; an error names its line."""
    for field in header.split("\n"):
        name, _, value = field.partition(":")
        if name.strip().lower() == "plural-forms":
            problem = plural_problem(value.strip())
            if problem:
                raise PipelineError(path, problem, line)

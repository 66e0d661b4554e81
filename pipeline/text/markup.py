"""Inline markup in segments: the one form translators see, its HTML, and its check.

Every reader writes emphasis, strong, code and links the way Markdown does
(``*em*``, ``**strong**``, `` `code` ``, ``[text](https://…)``), as po4a and
mdpo do, so a translator can move them within the sentence. markdown-it-py
reads them back; only http, https and mailto links are kept, and nothing is
ever fetched.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")
SPECIAL = re.compile(r"([\\*`\[\]])|(?<![\w])_|_(?![\w])")
# Characters the edition's typesetting may put inside a link target (French spacing).
TYPESET_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009"), None)


def _safe_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


@cache
def _parser():
    from markdown_it import MarkdownIt  # here: a plain-text letter never needs it (~0.1 s of start-up)

    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["emphasis", "link", "backticks", "escape"])
    md.validateLink = _safe_link
    return md


def escape(text: str) -> str:
    """Backslash-escape characters that would read as markup (``diaspora*`` -> ``diaspora\\*``)."""
    return SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _escape_html(text: str) -> str:
    """markdown-it's ``escapeHtml``, the escaping of its text tokens (importing markdown-it: ~50 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _inline_tokens(text: str):
    tokens = _parser().parseInline(text)
    return tokens[0].children or [] if tokens else []


def render_inline(text: str) -> Markup:
    """Segment text with markup -> escaped HTML (<em>, <strong>, <code>, <a href>)."""
    if not any(c in text for c in "*_`[]\\\n\r"):
        # Nothing markdown-it would read as markup (most segments; 3,000 parses
        # in a long signatory list): its own escaping gives the same HTML.
        return Markup(_escape_html(text))
    # Typesetting (French " :") may have reached into a link's address: undo it there.
    text = re.sub(r"\]\(([^)]*)\)", lambda m: "](" + m.group(1).translate(TYPESET_SPACES) + ")", text)
    children = _inline_tokens(text)
    html = _parser().renderer.render(children, _parser().options, {})
    return Markup(html)


def to_plain(text: str) -> str:
    """The text without its markup: link text kept, address dropped, escapes undone."""
    if not any(c in text for c in "*_`[\\&"):
        return text  # nothing to parse (most signatory lines): 3,000 parses saved
    return "".join(t.content for t in _inline_tokens(text) if t.type in ("text", "code_inline"))


def markup_of(text: str) -> Counter:
    """What markup a segment carries: counts of emphasis, strong, code, and each link's address."""
    found: Counter = Counter()
    for token in _inline_tokens(text):
        if token.type in ("em_open", "strong_open", "code_inline"):
            found[token.type.replace("_open", "").replace("_inline", "")] += 1
        elif token.type == "link_open":
            found[f"link to {token.attrGet('href')}"] += 1
    return found


def _loose_markers(text: str) -> list[str]:
    """Markup characters left over after parsing: a broken ``**`` or ``[…](…``."""
    leftovers = []
    for token in _inline_tokens(text):
        if token.type == "text":
            for mark in ("**", "*", "`", "]("):
                if mark in token.content:
                    leftovers.append(mark)
                    break
    return leftovers


def check_markup(msgid: str, msgstr: str) -> list[str]:
    """Problems with the translation's markup, one line each (empty when it is kept)."""
    source, target = markup_of(msgid), markup_of(msgstr)
    problems = []
    names = {"em": "emphasis (*…*)", "strong": "strong (**…**)", "code": "code (`…`)"}
    for key in sorted(source.keys() | target.keys()):
        have, want = target[key], source[key]
        if have == want:
            continue
        label = names.get(key, key)
        if have < want:
            problems.append(f"markup dropped: {label} {want} in the source, {have} in the translation")
        else:
            problems.append(f"markup added: {label} {have} in the translation, {want} in the source")
    loose = set(_loose_markers(msgstr)) - set(_loose_markers(msgid))
    if loose:
        problems.append(f"broken markup: unmatched {' '.join(sorted(loose))!s} in the translation")
    return problems


def markup_entry_check(entry):
    """The ``markup`` check of ``make check`` (pipeline/review/checks.py): one error per problem."""
    for problem in check_markup(str(entry.source), str(entry.target)):
        yield "error", problem


def balanced(text: str) -> bool:
    """Does the text open and close its markup (so a sentence split may end here)?"""
    bare = re.sub(r"\\.", "", text)
    bare = re.sub(r"`[^`]*`", "", bare)
    if bare.count("`") % 2:
        return False
    strong = bare.count("**")
    if strong % 2 or bare.replace("**", "").count("*") % 2:
        return False
    return bare.count("[") == bare.count("]") and bare.count("](") == len(re.findall(r"\]\([^)\s]*\)", bare))


def merge_unbalanced(pieces: list[str]) -> list[str]:
    """Join sentence pieces that a split left inside ``**…**`` or a link."""
    merged: list[str] = []
    for piece in pieces:
        if merged and not balanced(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged

"""Reading back how WeasyPrint laid lines out: each block's lines, and which end in a hyphenation break.

For tests and measurements of the line limits (``line_limits.py``); it reads
each page's laid-out box tree, ``Page._page_box``, as WeasyPrint's own tests do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_RUN = 3  # hyphenated lines in a row, at most (CSS hyphenate-limit-lines: 3)


@dataclass
class Line:
    """One laid-out line of a block: its text (less the hyphen WeasyPrint adds); ends in a hyphenation break?"""

    text: str
    hyphenated: bool


def _leaves(box) -> Iterator:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _leaves(child)


def paragraph_lines(document) -> list[tuple[object, list[Line]]]:
    """Every block's lines in order, across pages: ``(element, lines)`` in document order."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, tuple[object, list[Line]]] = {}

    def walk(box) -> None:
        if isinstance(box, boxes.LineBox):
            leaves = list(_leaves(box))
            if leaves and box.element is not None:
                text = "".join(leaf.text for leaf in leaves)
                hyphen = leaves[-1].style["hyphenate_character"]
                ended = ends_hyphenated(text, hyphen)
                line = Line(text[: -len(hyphen)] if ended else text, ended)
                found.setdefault(id(box.element), (box.element, []))[1].append(line)
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)  # the page's laid-out box tree, as WeasyPrint's own tests read it
    return list(found.values())


def faults(lines: list[Line]) -> list[int]:
    """Indexes of the lines whose hyphenation break must go: the 4th of a run, the last full line."""
    bad, run = [], 0
    for index, line in enumerate(lines):
        run = run + 1 if line.hyphenated else 0
        if run > MAX_RUN:
            bad.append(index)
            run = 0  # laid out unhyphenated, it ends the run
    if len(lines) > 1 and lines[-2].hyphenated and len(lines) - 2 not in bad:
        bad.append(len(lines) - 2)
    return sorted(bad)


def ends_hyphenated(text: str, hyphen: str) -> bool:
    """Does ``text`` end in a hyphenation break: the hyphenate-character right after a letter?"""
    return bool(hyphen) and text.endswith(hyphen) and bool(re.search(r"\w$", text[: -len(hyphen)]))

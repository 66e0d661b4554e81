"""CSS ``hyphenate-limit-lines: 3`` and ``hyphenate-limit-last: always``, put into WeasyPrint's line layout.

WeasyPrint has neither, so ``limit_lines`` applies both while WeasyPrint lays
the lines out: a line that would be the 4th hyphenated one in a row of a block
is laid out without hyphenation, and a block whose last full line ends
hyphenated (a short last line, "mu-/tuel.") gets that line laid out again
without it. The text is never changed; only where a line may break.
Installed through the gate (``__init__.py``); the README here lists what it assumes.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache

from pipeline.typesetting.hooks.gate import Contract, installed
from pipeline.typesetting.hooks.line_boxes import MAX_RUN, ends_hyphenated
from pipeline.typesetting.hooks.switch import Switch

# WeasyPrint 70's iter_line_boxes, whose loop lines() below is a copy of; its callees, called by position.
CONTRACTS = (
    Contract(
        "weasyprint.layout.inline.iter_line_boxes",
        ("context", "box", "position_y", "bottom_space", "skip_stack", "containing_block",
         "absolute_boxes", "fixed_boxes", "first_letter_style", "first_line_style"),
        frozenset({"04aec48abfcad809bc94c54eeba0e23a389e824cec85fe67bc1b21412d29dc3a"}),
    ),
    Contract("weasyprint.layout.block.iter_line_boxes"),
    Contract(
        "weasyprint.layout.inline.get_next_linebox",
        ("context", "linebox", "position_y", "bottom_space", "skip_stack", "containing_block",
         "absolute_boxes", "fixed_boxes", "first_letter_style", "first_line_style"),
    ),
    Contract("weasyprint.layout.inline.split_first_line", ("text", "style")),
    Contract("weasyprint.layout.inline.handle_leader", ("context", "line", "containing_block")),
    Contract("weasyprint.layout.percent.resolve_percentages", ("box", "containing_block")),
    Contract("weasyprint.layout.percent.resolve_one_percentage", ("box", "property_name", "refer_to")),
)  # fmt: skip


class _LineLimits(Switch):
    """On inside ``limit_lines()``; ``plain``: the line being laid out now must not end hyphenated."""

    plain = False


_LIMITS = _LineLimits()


def _hyphenated(line) -> bool:
    """Does a laid-out line end in a hyphenation break? (Its last box holds the break.)"""
    box = line
    while getattr(box, "children", None):
        box = box.children[-1]
    text = getattr(box, "text", "")
    return bool(text) and ends_hyphenated(text, box.style["hyphenate_character"])


def _breaks_a_word(box, resume_at) -> bool:
    """Does a line of ``box`` that ends at ``resume_at`` end inside a word (a word too long for the line)?

    ``resume_at`` is WeasyPrint's skip stack: child indexes down to a text
    box, then a byte offset into its text.
    """
    from weasyprint.formatting_structure import boxes

    skip_stack = resume_at
    while skip_stack and not isinstance(box, boxes.TextBox):
        ((index, skip_stack),) = skip_stack.items()
        children = getattr(box, "children", ())
        if index >= len(children):
            return False
        box = children[index]
    if not isinstance(box, boxes.TextBox) or not skip_stack:
        return False  # the line ends between two boxes
    text = box.text.encode()
    index = next(iter(skip_stack))
    before, after = text[:index].decode(errors="ignore"), text[index:].decode(errors="ignore")
    return bool(re.search(r"\w$", before)) and bool(re.match(r"\w", after))


def _stays_in_flow(box) -> bool:
    """May lines of ``box`` be laid out and thrown away? Not when they place floats, notes or positioned boxes."""
    return all(child.is_in_normal_flow() for child in box.descendants() if hasattr(child, "style"))


@dataclass
class _Start:
    """Where a line starts: what ``get_next_linebox`` reads besides the block's fixed arguments."""

    position_y: float
    skip_stack: dict | None
    text_indent: float
    first_letter_style: object
    first_line_style: object


def _limited_line_boxes(original, get_next_linebox, handle_leader, resolve):
    """WeasyPrint's ``iter_line_boxes``, with the two limits while ``_LIMITS`` is on.

    The loop is WeasyPrint 70's own (``layout/inline.py``), written out so that
    a line can be laid out again from where it started: a hyphenated line is
    held until the next one shows whether it was the last full line.
    """
    resolve_percentages, resolve_one_percentage = resolve

    def iter_line_boxes(*args, **kwargs):  # WeasyPrint's block layout passes all ten by position
        if not _LIMITS.active or kwargs:
            return original(*args, **kwargs)
        return lines(*args)

    def lay_out(context, box, start, plain, bottom_space, containing_block, absolute_boxes, fixed_boxes):
        box.text_indent = start.text_indent
        outer = _LIMITS.plain
        _LIMITS.plain = plain  # read by split_first_line, below; a nested block sets its own
        try:
            line, resume_at = get_next_linebox(
                context, box, start.position_y, bottom_space, start.skip_stack, containing_block,
                absolute_boxes, fixed_boxes, start.first_letter_style, start.first_line_style,
            )  # fmt: skip
        finally:
            _LIMITS.plain = outer
        if line:
            handle_leader(context, line, containing_block)
        return line, resume_at

    def lines(
        context, box, position_y, bottom_space, skip_stack, containing_block,
        absolute_boxes, fixed_boxes, first_letter_style, first_line_style,
    ):  # fmt: skip
        resolve_percentages(box, containing_block)
        if skip_stack is None:
            resolve_one_percentage(box, "text_indent", containing_block.width)
        else:
            box.text_indent = 0
        start = _Start(position_y, skip_stack, box.text_indent, first_letter_style, first_line_style)
        fixed = (bottom_space, containing_block, absolute_boxes, fixed_boxes)
        # Lines laid out again must leave nothing behind. Asked only once a
        # line is hyphenated: most blocks never are.
        redoable = cache(lambda: _stays_in_flow(box))

        run, held, plain = 0, None, False
        while True:
            plain = (plain or run == MAX_RUN) and redoable()
            line, resume_at = lay_out(context, box, start, plain, *fixed)
            settled = False  # laid out as it must stay, hyphenated or not
            if plain and line is not None and _breaks_a_word(box, resume_at):
                # a word longer than the line: hyphenated is better than cut without a hyphen
                line, resume_at = lay_out(context, box, start, False, *fixed)
                settled = True
            plain = False
            hyphenated = line is not None and _hyphenated(line)
            if held is not None:
                held_line, held_resume, held_start = held
                held = None
                if line is not None and resume_at is None:
                    # the held line was the last full one: lay it out again, unhyphenated
                    start, run, plain = held_start, 0, True
                    continue
                yield held_line, held_resume
            if line is None:
                return
            run = run + 1 if hyphenated else 0
            # a first line with ::first-letter is never laid out twice: that would make a second one
            if (
                hyphenated
                and resume_at is not None
                and not settled
                and start.first_letter_style is None
                and redoable()
            ):
                held = (line, resume_at, start)
            else:
                yield line, resume_at
            if resume_at is None:
                return
            start = _Start(line.position_y + line.height, resume_at, 0, None, None)

    return iter_line_boxes


@cache
def _install_line_limits() -> bool:
    """Put the limits into WeasyPrint's line layout (once per process; they act only inside ``limit_lines``)."""
    if not installed("hyphenate-limit-lines", CONTRACTS):
        return False
    from weasyprint.layout import block, inline, percent

    split_first_line = inline.split_first_line

    def split_unhyphenated(text, style, *args, **kwargs):
        if _LIMITS.plain and style["hyphens"] != "none":
            style = style.copy()
            style["hyphens"] = "none"
        return split_first_line(text, style, *args, **kwargs)

    inline.split_first_line = split_unhyphenated
    block.iter_line_boxes = _limited_line_boxes(
        inline.iter_line_boxes,
        inline.get_next_linebox,
        inline.handle_leader,
        (percent.resolve_percentages, percent.resolve_one_percentage),
    )
    return True


def limit_lines() -> AbstractContextManager[None]:
    """Within this ``with`` block, WeasyPrint lays lines out with ``hyphenate-limit-lines: 3`` and ``-last: always``."""
    _install_line_limits()
    return _LIMITS.on()

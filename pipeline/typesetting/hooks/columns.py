"""Lay out each page of a multi-column block once, not twice, in WeasyPrint.

WeasyPrint's ``columns_layout`` (``weasyprint/layout/column.py``) first lays
the columns out at the full height left on the page, to see whether the
content fits; when it does not (every page of a long signatory list but the
last), it lays the same columns out again, with the same arguments, to keep
them. That second layout is about a quarter of the render of a
3,000-signatory edition (issue 10; ``bench/bench_large.py``). Neither
WeasyPrint nor any other library offers a way around it, so this is written
by hand: each column laid out by that first pass is remembered, and the
second pass gets it back, moved to its column, when every input that the
layout reads is the same. Whenever the first pass had side effects that the
second would see differently (floats, footnotes, notes, content broken out
of flow), or any argument differs, WeasyPrint lays the column out itself as
before; absolutely positioned boxes (list markers, say) that the first pass
left for their containing block are handed on as the second pass would.
``tests/test_columns.py`` renders documents with and without it and compares
every page's boxes.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from functools import cache
from math import inf

from pipeline.typesetting.hooks.gate import Contract, installed
from pipeline.typesetting.hooks.switch import Switch

LAYOUT_PARAMETERS = (
    "context", "box", "bottom_space", "skip_stack", "containing_block", "page_is_empty",
    "absolute_boxes", "fixed_boxes", "adjoining_margins", "first_letter_style",
    "first_line_style", "discard", "max_lines",
)  # fmt: skip
CONTRACTS = (
    Contract("weasyprint.layout.block.block_box_layout", LAYOUT_PARAMETERS),
    Contract("weasyprint.layout.block.columns_layout", LAYOUT_PARAMETERS[:11]),
    # its two passes over the same columns (the second with adjoining_margins=None) are what is reused
    Contract(
        "weasyprint.layout.column.columns_layout",
        LAYOUT_PARAMETERS[:11],
        frozenset({"7a05cce3272fc581cf8d9352ebe07d4de51fb742dfccd6d2e86895ac0eca9691"}),
    ),
    Contract("weasyprint.layout:LayoutContext.excluded_shapes"),
    # the lists _unchanged_context() compares: made in __init__
    Contract(
        "weasyprint.layout:LayoutContext.__init__",
        ("self",),
        frozenset({"f687f507fee8883e8ba33bafd97f396820907cbcb9d050e4218f1f409c707685"}),
    ),
)

REUSED = [0]  # columns given back instead of laid out again, in this process (for tests)
_REUSE = Switch()  # on inside reuse_column_layouts(); WeasyPrint's own pass elsewhere


def _unchanged_context(context) -> tuple:
    """What a column's layout may add to the context that the second pass would redo."""
    return (
        len(context.excluded_shapes),
        len(context.broken_out_of_flow),
        len(context.current_page_footnotes),
        len(context.reported_footnotes),
    )


def _has_note(box) -> bool:
    if getattr(box, "footnote", None) is not None or getattr(box, "note", None) is not None:
        return True
    return any(_has_note(child) for child in getattr(box, "children", ()))


@cache
def _install() -> bool:
    """Put the reuse into WeasyPrint (once per process); it acts only inside ``reuse_column_layouts``."""
    if not installed("column layout reuse", CONTRACTS):
        return False
    from weasyprint.layout import block, column

    layout_box = block.block_box_layout
    layout_columns = block.columns_layout
    columns_code = column.columns_layout.__code__
    stashes: list[dict] = []  # one per columns_layout call in progress (they nest)

    def columns_layout(*args, **kwargs):
        if not _REUSE.active:
            return layout_columns(*args, **kwargs)
        stashes.append({})
        try:
            return layout_columns(*args, **kwargs)
        finally:
            stashes.pop()

    def block_box_layout(*args, **kwargs):
        if not _REUSE.active or not stashes:
            return layout_box(*args, **kwargs)
        given = dict(zip(LAYOUT_PARAMETERS, args, strict=False)) | kwargs  # columns_layout names the last two
        if len(args) > len(LAYOUT_PARAMETERS) or set(given) != set(LAYOUT_PARAMETERS):
            return layout_box(*args, **kwargs)
        args = tuple(given[name] for name in LAYOUT_PARAMETERS)
        (
            context, box, bottom_space, skip_stack, containing_block, page_is_empty,
            absolute_boxes, fixed_boxes, adjoining_margins, _first_letter_style,
            _first_line_style, discard, max_lines,
        ) = args  # fmt: skip
        # Only the calls columns_layout itself makes (one per column) are kept: its caller's code object
        # tells them from the nested layouts inside a column.
        if sys._getframe(1).f_code is not columns_code or context.excluded_shapes:
            return layout_box(*args)
        stash = stashes[-1]
        key = (
            id(skip_stack), bottom_space, bool(page_is_empty), box.position_y, box.width,
            id(containing_block), discard, max_lines,
        )  # fmt: skip
        if adjoining_margins is None:  # the second pass: keep the columns
            kept = stash.pop(key, None)
            if kept is None or kept[2] is not skip_stack:
                return layout_box(*args)
            result, position_x, _, absolutes, fixeds = kept
            result[0].translate(box.position_x - position_x, 0)
            # what the second pass would have added: the same boxes, now in the lists that count
            absolute_boxes.extend(absolutes)
            fixed_boxes.extend(fixeds)
            REUSED[0] += 1
            return result
        before = _unchanged_context(context)
        result = layout_box(*args)
        if (
            bottom_space != inf  # not the probe of the next box's height
            and result[0] is not None
            and _unchanged_context(context) == before
            and not _has_note(result[0])
        ):
            stash[key] = (result, box.position_x, skip_stack, list(absolute_boxes), list(fixed_boxes))
        else:
            stash.pop(key, None)
        return result

    block.columns_layout = columns_layout
    block.block_box_layout = block_box_layout
    return True


def reuse_column_layouts() -> AbstractContextManager[None]:
    """Within this ``with`` block, WeasyPrint keeps each column's first layout instead of redoing it."""
    _install()
    return _REUSE.on()

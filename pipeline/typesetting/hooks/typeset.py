"""Every hook at once, for one render: what ``editions/pdf.py`` wraps WeasyPrint's render and write in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.typesetting.hooks.columns import reuse_column_layouts
from pipeline.typesetting.hooks.line_limits import limit_lines
from pipeline.typesetting.hooks.page_references import linear_page_references
from pipeline.typesetting.hooks.pyphen_dictionaries import register


@contextmanager
def typesetting() -> Iterator[None]:
    """Within this block (this thread): our dictionaries, line limits, column reuse and O(1) page references.

    Each hook that stood down at its gate leaves WeasyPrint's own code in its place.
    """
    register()
    with reuse_column_layouts(), limit_lines(), linear_page_references():
        yield


def render(html, **options):
    """``html.render(**options)`` (a WeasyPrint ``HTML``) with every hook."""
    with typesetting():
        return html.render(**options)

"""pydyf's ``PDF.page_references`` at O(1) a read instead of O(pages), while the switch is on.

WeasyPrint's PDF/UA tagger (``pdf/tags.py``) reads
``pdf.page_references[page_number]`` for every structure element, and pydyf
0.13 builds the tuple of all pages' references anew on each read: quadratic
in pages (a 147-page edition: 73,000 reads, about a tenth of its render).
Hand-written because neither library has an option for it; the tuple is kept
per ``PDF`` object and rebuilt whenever a page is added (``Kids`` only ever
grows), so every read returns what pydyf would. Outside ``linear_page_references()``
every read is pydyf's own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache

from pipeline.typesetting.hooks.gate import Contract, installed
from pipeline.typesetting.hooks.switch import Switch

CONTRACTS = (
    Contract(
        "pydyf:PDF.page_references",
        ("self",),
        frozenset({"060bf90aad55931bc24c3575a52af9478a89916aa307e5323142663841cb7798"}),
    ),
)
_LINEAR = Switch()


@cache
def _install() -> bool:
    if not installed("linear page references", CONTRACTS):
        return False
    import pydyf

    build = pydyf.PDF.page_references.fget

    def page_references(self):
        if not _LINEAR.active:
            return build(self)
        kids = len(self.pages["Kids"])
        cached = self.__dict__.get("_page_references")
        if cached is None or cached[0] != kids:
            cached = self.__dict__["_page_references"] = (kids, build(self))
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    return True


def linear_page_references() -> AbstractContextManager[None]:
    """Within this ``with`` block (in this thread), pydyf's page references are read in O(1)."""
    _install()
    return _LINEAR.on()

"""A per-thread switch for code installed into a library: on only inside ``with switch.on():``.

The layout hooks put into WeasyPrint (``editions/columns.py``, ``hyphenation.py``)
are installed once per process, but must act only on the pipeline's own
renders: any other render in the process (a benchmark's bare WeasyPrint, a
test's reference) stays WeasyPrint's own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Switch(threading.local):
    """Off until ``on()`` is entered in this thread; nested ``on()`` blocks restore what they found."""

    active = False

    @contextmanager
    def on(self) -> Iterator[None]:
        outer, self.active = self.active, True
        try:
            yield
        finally:
            self.active = outer

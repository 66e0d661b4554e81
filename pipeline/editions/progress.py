"""Progress of the editions while they render: one short status per edition, on stderr.

A long letter's PDF takes a while (a 3,000-signatory letter: tens of seconds an
edition), so the editions step says what each edition is doing: WeasyPrint's
own progress log ("Step 5 - Creating layout - Page 12") becomes
"ru.pdf: page 12". On a terminal the statuses of all editions share one line,
rewritten in place and cleared at the end; elsewhere (a log, CI) an edition
gets a line every ``LETTER_PROGRESS_PAGES`` pages (default 10) of layout, so a
short edition prints nothing extra and a long one a line per 10 pages, however
loaded the machine (a count of pages, not of seconds, so logs are the same
from run to run). Under ``make``, whose ``--output-sync`` holds a step's
output until it ends, the terminal is written directly (``/dev/tty``) when
there is one.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from pipeline import config
from pipeline.terminal import escape_terminal, unescaped

PAGES_ENV = "LETTER_PROGRESS_PAGES"
DEFAULT_PAGES = 10
_PAGE = re.compile(r"Creating layout - Page (\d+)$")
_STEPS = {
    "Step 1": "reading HTML",
    "Step 3": "applying CSS",
    "Step 4": "building boxes",
    "Repagination": "repaginating",
}

Report = Callable[[str], None]


def _status(message: str) -> str | None:
    """WeasyPrint's progress message as a short status, or None for the ones not worth showing."""
    page = _PAGE.search(message)
    if page:
        return f"page {page.group(1)}"
    return next((status for key, status in _STEPS.items() if key in message), None)


class _Hook(logging.Handler):
    def __init__(self, report: Report) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        status = _status(record.getMessage())
        if status:
            self.report(status)


@contextlib.contextmanager
def weasyprint_progress(report: Report | None) -> Iterator[None]:
    """Pass WeasyPrint's progress messages to ``report`` (short statuses) while the block runs."""
    if report is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    hook, level, propagate = _Hook(report), logger.level, logger.propagate
    logger.addHandler(hook)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # our statuses only, never a second copy through the root logger
    try:
        yield
    finally:
        logger.removeHandler(hook)
        logger.setLevel(level)
        logger.propagate = propagate


def _every() -> int:
    """Pages between two log lines of one edition: $LETTER_PROGRESS_PAGES, else 10."""
    try:
        return max(1, int(config.raw(PAGES_ENV)))
    except ValueError:
        return DEFAULT_PAGES


def _terminal(stream: TextIO) -> tuple[TextIO, bool]:
    """Where statuses go, and whether it is a terminal (then one line is rewritten in place)."""
    if stream.isatty():
        return stream, True
    flags = config.raw("MAKEFLAGS")
    if re.search(r"(^|\s)(-\w*O|--output-sync)", flags):  # make holds our stderr until the step ends
        with contextlib.suppress(OSError):
            tty = open("/dev/tty", "w", encoding="utf-8")  # noqa: SIM115 - closed by Progress.close
            if tty.isatty():
                return tty, True
            tty.close()
    return stream, False


class Progress:
    """Statuses of the editions being rendered, shown on one terminal line or as spaced log lines."""

    def __init__(self, stream: TextIO | None = None, every: int | None = None) -> None:
        given = stream or unescaped(sys.stderr)  # it draws with \r and ESC [K itself
        self.stream, self.tty = _terminal(given)
        self.owned = self.stream is not given  # /dev/tty, opened here
        self.every = _every() if every is None else every
        self.start: dict[str, float] = {}
        self.logged: set[str] = set()  # editions that printed a log line
        self.status: dict[str, str] = {}
        self.drawn = 0.0
        self.lock = threading.Lock()

    def update(self, name: str, status: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.start.setdefault(name, now)
            self.status[name] = status
            if self.tty:
                if now - self.drawn >= 0.1:
                    self._draw()
                    self.drawn = now
            elif self._worth_a_line(status):
                self.logged.add(name)
                print(f"{name}: {status}", file=self.stream, flush=True)

    def _worth_a_line(self, status: str) -> bool:
        """In a log: every ``every``-th page, and the writing of a PDF of at least that many pages."""
        count = re.match(r"(?:page|writing PDF,) (\d+)", status)
        if not count:
            return False
        return (
            int(count.group(1)) % self.every == 0
            if status.startswith("page")
            else int(count.group(1)) >= self.every
        )

    def done(self, name: str, status: str) -> None:
        """The edition is finished: its status leaves the line (a log gets a last line if it had any)."""
        with self.lock:
            self.status.pop(name, None)
            if self.tty:
                self._draw()
            elif name in self.logged:
                seconds = time.monotonic() - self.start[name]
                print(f"{name}: {status} ({seconds:.0f} s)", file=self.stream, flush=True)

    def _draw(self) -> None:
        width = shutil.get_terminal_size((80, 24)).columns - 1
        line = escape_terminal(" · ".join(f"{name}: {status}" for name, status in self.status.items()))
        self.stream.write("\r\x1b[K" + line[:width])
        self.stream.flush()

    def close(self) -> None:
        with self.lock:
            if self.tty:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            if self.owned:
                self.stream.close()

"""Reading a file an editor may be saving: a read mid-save is read again, with backoff, for a bounded time.

An editor that saves in place (truncate, then write) can be read while the
file is empty or half written; an editor saving many times a second can
change the file between a read and the write that follows it. Neither is an
error of the file: the read (or the save) is tried again after a random,
growing pause, until ``BUSY_TIMEOUT`` seconds have passed. A file that does
not parse and reads the same after a pause is broken, and reported as it is.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from pipeline import config
from pipeline.errors import PipelineError

T = TypeVar("T")
BUSY_TIMEOUT = float(config.raw("PIPELINE_BUSY_TIMEOUT"))
# How long a file must read the same to count as saved: longer than an editor's pause mid-write.
SETTLE = 0.05


def backoff(path: Path, doing: str) -> Iterator[None]:
    """Yield once per try, pausing before each retry (random, growing to 0.5 s); fail after BUSY_TIMEOUT."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.01
    yield
    while True:
        if time.monotonic() >= deadline:
            raise PipelineError(
                path, f"the file kept changing while it was {doing} for {BUSY_TIMEOUT:.0f} s; try again"
            )
        time.sleep(random.uniform(pause / 2, pause))
        pause = min(pause * 2, 0.5)
        yield


def _read(path: Path, missing_ok: bool) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return None
        raise PipelineError(path, "cannot read: No such file or directory") from None
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from exc


def read_settled(
    path: Path, parse: Callable[[bytes | None], T], missing_ok: bool = False
) -> tuple[bytes | None, T]:
    """The file's bytes and ``parse(bytes)``; a read mid-save (it fails, or is empty) is read again.

    A failure, or an empty file, is read again after ``SETTLE`` s: the same
    bytes are the file as saved (its error is raised, its emptiness parsed);
    other bytes were a save under way, and are tried again with backoff.
    """
    path = Path(path)
    for _ in backoff(path, "read"):
        data = _read(path, missing_ok)
        try:
            if data != b"":
                return data, parse(data)
            failure = None
        except PipelineError as exc:
            failure = exc
        time.sleep(SETTLE)
        if _read(path, missing_ok) == data:  # as saved, not a save under way
            if failure is not None:
                raise failure
            return data, parse(data)
    raise AssertionError("unreachable: backoff raises when the time is up")

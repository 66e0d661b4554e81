"""Atomic file writes: every file the pipeline writes goes through here."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import PipelineError


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A reader (or a crash) sees either the old file or the new one, never half
    of each. The file keeps the permissions of the file it replaces.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PipelineError(path.parent, f"cannot write here: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise PipelineError(path, f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_if_changed(path: Path, data: bytes, same=None) -> bool:
    """Write ``data`` atomically unless the file already holds it.

    ``same(old, new)`` may decide what counts as unchanged (say, ignoring a
    timestamp header). An unchanged file is only touched, so make sees it as
    up to date. Returns True when the file was written.
    """
    path = Path(path)
    try:
        old = path.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from exc
    if old is not None and (old == data or (same is not None and same(old, data))):
        with contextlib.suppress(OSError):
            os.utime(path)
        return False
    atomic_write(path, data)
    return True

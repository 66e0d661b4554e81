"""Atomic file writes: every file the pipeline writes goes through here."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import PipelineError


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a crash cannot undo it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes, unchanged: Callable[[], bool] | None = None) -> bool:
    """Write ``data`` to ``path`` via a temporary file, fsync and a rename.

    A reader (or a crash) sees either the old file or the new one, never half
    of each; the folder is fsynced so the rename survives a power cut. The file
    keeps the permissions of the file it replaces. ``unchanged()``, when given,
    is asked right before the rename (after the slow part, the fsync): if it
    returns False, someone else saved the file meanwhile, nothing is replaced
    and the result is False, so the caller can merge and try again.
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
        if unchanged is not None and not unchanged():
            os.unlink(tmp)
            return False
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise PipelineError(path, f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
    return True


def read_bytes_or_none(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist; other errors name the file."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from exc


def write_if_changed(path: Path, data: bytes, same=None) -> bool:
    """Write ``data`` atomically unless the file already holds it.

    ``same(old, new)`` may decide what counts as unchanged (say, ignoring a
    timestamp header). An unchanged file is left untouched, so nothing that
    depends on it runs again. Returns True when the file was written.
    """
    path = Path(path)
    old = read_bytes_or_none(path)
    if old is not None and (old == data or (same is not None and same(old, data))):
        return False  # not even touched: make's stamps decide what runs, not this file's time
    atomic_write(path, data)
    return True


def installed_fingerprint(*modules: str) -> str:
    """The installed code of ``modules`` (path, size and time of each), without importing them.

    Changes when a module is upgraded, reinstalled or missing; for keys of derived data.
    """
    facts = []
    for module in modules:
        spec = importlib.util.find_spec(module)
        origin = Path(spec.origin) if spec and spec.origin else None
        stat = origin.stat() if origin else None
        facts.append([module, str(origin), stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0])
    return json.dumps(facts)

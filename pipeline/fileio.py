"""Atomic file writes: every file the pipeline writes goes through here.

A path the pipeline writes may hold symbolic links (a catalog linked from a
shared folder, say) as long as they stay in the project, the folder the command
runs in: :func:`write_target` follows them, and the file they lead to is
replaced, the link kept. A link in the project that leads out of it (to
``~/.bashrc``, to another project) is refused with one line, before anything is
written. Paths given outside the project (``--output /elsewhere``) are the
user's choice and are not judged.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import PipelineError


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a crash cannot undo it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def write_target(path: Path) -> Path:
    """The file that writing ``path`` really changes: ``path``, or where its links lead in the project.

    Raises a PipelineError when ``path`` lies in the project (the current
    folder) but a symbolic link in it leads outside.
    """
    lexical, real = os.path.abspath(path), os.path.realpath(path)
    if real == lexical:
        return Path(path)
    root = os.path.realpath(os.getcwd())
    if _inside(lexical, root) and not _inside(real, root):
        raise PipelineError(
            path, f"a symbolic link leads outside the project, to {real}; refusing to write through it"
        )
    return Path(real)


def open_append(path: Path):
    """``path`` opened to append bytes (created if missing), refusing a link out of the project.

    O_NOFOLLOW: a link put in the place of the checked file meanwhile is refused too.
    """
    target = write_target(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PipelineError(path, "became a symbolic link; refusing to write through it") from exc
        raise PipelineError(path, f"cannot write: {exc.strerror or exc}") from exc
    return os.fdopen(fd, "ab")


def atomic_write(path: Path, data: bytes, unchanged: Callable[[], bool] | None = None) -> bool:
    """Write ``data`` to ``path`` via a temporary file, fsync and a rename.

    A reader (or a crash) sees either the old file or the new one, never half
    of each; the folder is fsynced so the rename survives a power cut. The file
    keeps the permissions of the file it replaces. ``unchanged()``, when given,
    is asked right before the rename (after the slow part, the fsync): if it
    returns False, someone else saved the file meanwhile, nothing is replaced
    and the result is False, so the caller can merge and try again.
    A symbolic link in ``path`` is followed if it stays in the project (the
    file it leads to is replaced, the link kept) and refused if it leaves it.
    """
    path = Path(path)
    target = write_target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise PipelineError(path.parent, f"cannot write here: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        if unchanged is not None and not unchanged():
            os.unlink(tmp)
            return False
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise PipelineError(path, f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)
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

"""Putting a new site in the place of the live one at once, and clearing what a killed publish left.

The live ``output/publish/<letter>`` is a relative symlink to a versioned
folder beside it, ``.<letter>.site-XXXXXXXX``. A new site is written into a new
versioned folder, then a new symlink is renamed over the live one: rename(2)
replaces a symlink atomically on every POSIX system, so a reader, or a kill -9
at any moment, finds the old complete site or the new one, never none and
never half of one. A site published by an earlier version of the pipeline (a
plain folder) is exchanged for the symlink with Linux's
``renameat2(RENAME_EXCHANGE)``; where that is unavailable, the folder is renamed
aside first, a moment without a site that happens once. Hand-written: no
maintained library does this, and Python offers ``os.replace`` but not
``renameat2``.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.fileio import fsync_dir

AT_FDCWD = -100
RENAME_EXCHANGE = 2
# What publish puts beside the site: versioned folders, the new symlink before its rename,
# and the staging and set-aside folders of earlier versions (all made by mkdtemp: 8 characters).
_LEFTOVER = r"\.{name}\.(?:site|link|new|old)-[a-z0-9_]{{8}}"


def new_site_folder(target: Path) -> Path:
    """A new, empty versioned folder for the next site of ``target``."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.site-", dir=target.parent))


def live_folder(target: Path) -> Path | None:
    """The versioned folder the live symlink names; None when ``target`` is no symlink of ours."""
    if not target.is_symlink():
        return None
    name = os.readlink(target)
    if os.sep in name or not re.fullmatch(_LEFTOVER.format(name=re.escape(target.name)), name):
        return None
    return target.parent / name


def check_target(target: Path) -> None:
    """Refuse a target that is neither a site folder nor the symlink publish makes."""
    if target.is_symlink():
        if live_folder(target) is None:
            raise PipelineError(target, "the publish target is a symlink publish did not make")
    elif target.exists() and not target.is_dir():
        raise PipelineError(target, "the publish target exists and is not a folder")


def clean_leftovers(target: Path) -> list[str]:
    """Remove what killed publish runs left beside the site (all but the live folder); their names."""
    live = live_folder(target)
    pattern = re.compile(_LEFTOVER.format(name=re.escape(target.name)))
    removed = []
    for entry in sorted(target.parent.iterdir()):
        if not pattern.fullmatch(entry.name) or (live is not None and entry.name == live.name):
            continue
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink()
        else:
            shutil.rmtree(entry)
        removed.append(entry.name)
    return removed


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths at once with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not glibc ≥ 2.28, or not Linux
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or the filesystem cannot
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_in(folder: Path, target: Path) -> None:
    """Make ``target`` name the complete site in ``folder`` at once; remove the site it named before."""
    old = live_folder(target)
    link = target.parent / folder.name.replace(".site-", ".link-", 1)
    os.symlink(folder.name, link)
    if target.is_dir() and not target.is_symlink():  # a plain folder, from an earlier version
        if _exchange(link, target):
            old = link  # now the old folder
        else:
            old = target.parent / folder.name.replace(".site-", ".old-", 1)
            os.rename(target, old)
            try:
                os.replace(link, target)
            except OSError:
                os.rename(old, target)  # the old site back in place
                raise
    else:
        os.replace(link, target)
    fsync_dir(target.parent)
    if old is not None:
        with contextlib.suppress(OSError):  # what stays is cleaned by the next publish
            shutil.rmtree(old)

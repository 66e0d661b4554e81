"""Locked, merging saves of ``.po`` files: a translator's save is never lost.

Every pipeline command that writes a catalog reads it once at the start (the
*base*, kept as bytes) and saves through :func:`save_catalog`, which takes the
catalog's lock (``filelock``: one pipeline process at a time), re-reads the
file and, if anyone saved it since the base was read, merges three ways, entry
by entry, keyed by (msgctxt, msgid):

- what this process changed and nobody else did is written;
- what someone else changed (msgstr, flags, translator comments) and this
  process did not is kept;
- an entry both changed differently keeps the other side's version (a
  person's newer edit wins) and is reported as ``path: kept your newer edit
  of entry at line N``.

Editors (Poedit, a text editor) do not take our lock, so the re-read and the
merge are what protect them; the file is compared once more right before the
rename (after the fsync), which leaves a window of microseconds, not seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from filelock import FileLock, Timeout

from pipeline import config
from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write, read_bytes_or_none
from pipeline.po.catalog import catalog_bytes
from pipeline.po.read import VOLATILE_HEADERS, parse_catalog
from pipeline.settle import backoff, read_settled

LOCK_TIMEOUT = float(config.raw("PIPELINE_LOCK_TIMEOUT"))
# Headers that change on every run; two files differing only here hold the same catalog.
VOLATILE = ("POT-Creation-Date", "PO-Revision-Date", "Generated-By")


def lock_path(path: Path, purpose: str = "") -> Path:
    """The lock file of a catalog: hidden, next to it (``.fr.po.lock``, ``.fr.po.mt.lock``)."""
    path = Path(path)
    return path.with_name(f".{path.name}{'.' + purpose if purpose else ''}.lock")


@contextlib.contextmanager
def catalog_lock(path: Path, purpose: str = "") -> Iterator[None]:
    """Hold the inter-process lock of one catalog (re-entrant within a process)."""
    where = lock_path(path, purpose)
    lock = FileLock(where, timeout=LOCK_TIMEOUT, is_singleton=True)
    try:
        lock.acquire()
    except Timeout as exc:
        raise PipelineError(
            path, f"still locked by another pipeline process after {LOCK_TIMEOUT:.0f} s"
        ) from exc
    except OSError as exc:
        raise PipelineError(where, f"cannot lock: {exc.strerror or exc}") from exc
    try:
        yield
    finally:
        lock.release()


@dataclass
class CatalogFile:
    """A catalog file as this process read it: the base of a later merge."""

    path: Path
    data: bytes | None  # None: the file did not exist
    locale: object = None
    _base: Catalog | None = field(default=None, repr=False)

    @classmethod
    def read(cls, path: Path, locale=None) -> tuple[CatalogFile, Catalog | None]:
        """The file's snapshot and a catalog parsed from it (None when there is no file)."""
        path = Path(path)
        data, catalog = read_settled(
            path, lambda data: parse_bytes(data, path, locale) if data is not None else None, missing_ok=True
        )
        return cls(path, data, locale), catalog

    def base(self) -> Catalog | None:
        if self._base is None and self.data is not None:
            self._base = parse_bytes(self.data, self.path, self.locale)
        return self._base


def parse_bytes(data: bytes, path: Path, locale=None) -> Catalog:
    """Parse bytes already read (the very bytes compared), with the reader every command uses."""
    return parse_catalog(data, Path(path), locale)


def save_catalog(snapshot: CatalogFile, catalog: Catalog) -> tuple[bool, list[str]]:
    """Write ``catalog`` to ``snapshot.path``, merged with any save made since the snapshot.

    Returns whether the file was written, and one notice per entry where
    someone else's newer edit was kept.
    ``catalog`` is updated in place to what was written, and ``snapshot`` to
    the file as written, so a later save merges from there. A file whose
    catalog is unchanged apart from timestamps is left as it is, untouched.
    """
    path = snapshot.path
    notes: list[str] = []

    def theirs(disk: bytes | None) -> Catalog | None:
        return parse_bytes(disk, path, snapshot.locale) if disk and disk != snapshot.data else None

    with catalog_lock(path):
        # Each retry means someone saved since this try read the file: tried again after a
        # random, growing pause (an editor saving many times a second), for BUSY_TIMEOUT at most.
        for _ in backoff(path, "saved"):
            # read_settled: a file read half-written by an editor is read again
            disk, their_catalog = read_settled(path, theirs, missing_ok=True)
            # A file deleted or emptied (and still so after a pause) holds no newer edit:
            # it is written anew, whole.
            if their_catalog is not None:
                notes += [f"{path}: {n}" for n in merge_into(snapshot.base(), catalog, their_catalog)]
                snapshot.data, snapshot._base = disk, their_catalog
            data = catalog_bytes(catalog)
            if disk is not None and same_catalog(disk, data):
                # not even touched: make's stamps (Makefile) decide what runs, and an
                # untouched catalog re-runs nothing downstream
                return False, notes
            if atomic_write(path, data, unchanged=lambda disk=disk: read_bytes_or_none(path) == disk):
                snapshot.data, snapshot._base = data, None
                return True, notes
    raise AssertionError("unreachable: backoff raises when the time is up")


def same_catalog(old: bytes, new: bytes) -> bool:
    """Whether two PO files differ at most in their timestamp headers."""
    return old == new or VOLATILE_HEADERS.sub(b"", old) == VOLATILE_HEADERS.sub(b"", new)


# ---------------------------------------------------------------- the three-way merge


def _key(message: Message):
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return (msgid, message.context)


def _strings(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value or "",)


def _translation(message: Message | None):
    """What a translator edits: msgstr, flags, translator comments, previous msgid."""
    if message is None:
        return None
    previous = message.previous_id
    previous = (previous,) if isinstance(previous, str) else tuple(previous or ())
    return (_strings(message.string), frozenset(message.flags), tuple(message.user_comments), previous)


def _source(message: Message | None, obsolete: bool):
    """What the template decides: extracted comments, references, obsolete or not."""
    if message is None:
        return None
    return (tuple(message.auto_comments), tuple(message.locations), obsolete)


def _entries(catalog: Catalog | None) -> dict:
    if catalog is None:
        return {}
    found = {_key(m): (m, False) for m in catalog if m.id}
    found.update({_key(m): (m, True) for m in catalog.obsolete.values()})
    return found


def _copy_translation(target: Message, source: Message) -> None:
    target.string = source.string
    target.flags = set(source.flags)
    target.user_comments = list(source.user_comments)
    target.previous_id = source.previous_id
    if hasattr(source, "previous_context"):
        target.previous_context = source.previous_context


def merge_into(base: Catalog | None, ours: Catalog, theirs: Catalog | None) -> list[str]:
    """Merge into ``ours`` what ``theirs`` changed since ``base``; notes for kept edits.

    Each entry is two independent parts: its translation (msgstr, flags,
    translator comments, previous msgid) and its source part (extracted
    comments, references, obsolete). Each part comes from the side that
    changed it; when both did, differently, ``theirs`` wins: the file on disk
    holds a person's newer edit (or another pipeline run's result).
    """
    b_all, o_all, t_all = _entries(base), _entries(ours), _entries(theirs)
    notes: list[str] = []
    live: list[Message] = []
    obsolete: list[Message] = []
    keys = list(o_all) + [k for k in t_all if k not in o_all]
    for key in keys:
        b, b_obs = b_all.get(key, (None, False))
        o, o_obs = o_all.get(key, (None, False))
        t, t_obs = t_all.get(key, (None, False))
        tb, to, tt = _translation(b), _translation(o), _translation(t)
        sb, st = _source(b, b_obs), _source(t, t_obs)
        if tt == tb and st == sb:  # nobody else touched it: ours, as it is (or gone)
            result, result_obs = o, o_obs
        elif t is None:  # someone else removed it (say, msgattrib --no-obsolete)
            result, result_obs = (o, o_obs) if to != tb else (None, False)
        elif o is None:  # we removed it, someone else changed it: keep theirs
            result, result_obs = t, t_obs
            if tt != tb:
                notes.append(f"kept your newer edit of entry at line {t.lineno}")
        else:
            result, result_obs = o, o_obs
            if st != sb:  # the source part changed on disk (another `pipeline po`)
                o.auto_comments, o.locations = list(t.auto_comments), list(t.locations)
                result_obs = t_obs
            if tt != tb and tt != to:
                _copy_translation(o, t)
                notes.append(f"kept your newer edit of entry at line {t.lineno}")
        if result is not None:
            (obsolete if result_obs else live).append(result)
    _merge_header(base, ours, theirs)
    for message in [m for m in ours if m.id]:
        ours.delete(message.id, message.context)
    for message in live:
        ours[message.id] = message
    ours.obsolete.clear()
    for message in obsolete:
        ours.obsolete[ours._key_for(message.id, message.context)] = message
    return notes


def _merge_header(base: Catalog | None, ours: Catalog, theirs: Catalog | None) -> None:
    """Header fields (Last-Translator, Language-Team…) someone else changed are kept."""
    if theirs is None:
        return
    b = dict(base.mime_headers) if base is not None else {}
    o, t = dict(ours.mime_headers), dict(theirs.mime_headers)
    changed = {k: v for k, v in t.items() if b.get(k) != v and o.get(k) == b.get(k) and k not in VOLATILE}
    if changed:
        ours.mime_headers = list({**o, **changed}.items())
    if base is not None and theirs.header_comment != base.header_comment == ours.header_comment:
        ours.header_comment = theirs.header_comment

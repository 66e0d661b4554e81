"""Project translation memory: every reviewed entry of every letter, plus imported TMX.

The memory is derived data: an SQLite index in ``output/.cache/memory.sqlite``
next to the ``translations/`` folder, refreshed incrementally (a file whose
size and mtime are unchanged is not read; one whose content hash is unchanged
is not re-indexed). Only reviewed entries (translated, not fuzzy) of
``translations/<letter>/<lang>.po`` go in, and the units of the TMX files a
user drops into ``translations/memory/`` (work finished in other tools).
Entries are keyed by role, so a name only ever matches a name.

Lookup: an exact match is a dictionary hit on (role, source). A near match is
rapidfuzz's ``fuzz.ratio`` (>= 75) over candidates that share the query's
rarest words (an inverted index in numpy): scoring all 100,000 entries for
each of 5,000 sentences would take minutes (docs/design.md has the numbers).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.errors import PipelineError
from pipeline.fileio import write_target
from pipeline.memory.tmx import read_tmx
from pipeline.memory.units import Match, Unit, message_role, norm_lang, primary
from pipeline.po.catalog import message_state, read_catalog
from pipeline.project import memory_index

NEAR_CUTOFF = 75  # percent, rapidfuzz fuzz.ratio on lower-cased text
CANDIDATES = 32  # entries sharing most rare words that are scored per query
RARE_WORDS = 6  # the query's rarest words used to find candidates
TMX_FOLDER = "memory"  # translations/memory/*.tmx
SCHEMA = 2  # of the tables below (2: STRICT)


def default_db(translations: Path) -> Path:
    """Where a project's memory index lives: output/.cache beside translations/ (git-ignored)."""
    return memory_index(translations)


# STRICT tables: SQLite itself refuses a value of another type.
TABLES = """
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT) STRICT;
CREATE TABLE units (file TEXT, role TEXT, source TEXT, target TEXT, lang TEXT,
                    primary_lang TEXT, letter TEXT, reviewer TEXT, date TEXT) STRICT;
CREATE INDEX units_file ON units(file);
CREATE INDEX units_lang ON units(primary_lang);
"""


@functools.cache
def _expected_schema() -> list[tuple]:
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        conn.executescript(TABLES)
        return _schema(conn)


def _schema(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()


def _connect(db: Path) -> sqlite3.Connection:
    """The index, holding exactly the tables above (no trigger or view of a planted file)."""
    db = write_target(db)  # SQLite follows links: not one out of the project
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db, timeout=60, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")  # the file's schema may not call functions
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA:
        conn.executescript("DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS units;" + TABLES)
        conn.execute(f"PRAGMA user_version = {SCHEMA}")
    if _schema(conn) != _expected_schema():
        conn.close()
        raise sqlite3.DatabaseError(f"{db}: not the memory's schema")  # rebuilt by open_memory
    return conn


def open_memory(translations: Path, db: Path | None = None) -> sqlite3.Connection:
    """The memory index, refreshed; a corrupt index (derived data) is rebuilt."""
    db = Path(db) if db else default_db(translations)
    try:
        conn = _connect(db)
        refresh(conn, Path(translations))
    except sqlite3.DatabaseError:
        with contextlib.suppress(OSError):
            db.unlink()
        conn = _connect(db)
        refresh(conn, Path(translations))
    return conn


def memory_files(translations: Path) -> list[Path]:
    """Every catalog of every letter, and every TMX dropped into translations/memory/."""
    root = Path(translations)
    catalogs = [p for p in root.glob("*/*.po") if p.parent.name != TMX_FOLDER]
    return sorted([*catalogs, *root.glob(f"{TMX_FOLDER}/*.tmx")])


def refresh(conn: sqlite3.Connection, translations: Path) -> int:
    """Bring the index in line with the files on disk; returns how many files were re-read."""
    files = {str(p.resolve()): p for p in memory_files(translations)}
    reread = 0
    conn.execute("BEGIN IMMEDIATE")  # one refresher at a time (make -j runs po per language)
    try:
        known = {row[0]: row[1:] for row in conn.execute("SELECT path, size, mtime_ns, sha256 FROM files")}
        for gone in set(known) - set(files):
            conn.execute("DELETE FROM units WHERE file = ?", (gone,))
            conn.execute("DELETE FROM files WHERE path = ?", (gone,))
        for key, path in files.items():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            old = known.get(key)
            if old and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if not old or old[2] != digest:
                units = _read_units(path)
                conn.execute("DELETE FROM units WHERE file = ?", (key,))
                conn.executemany(
                    "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            key,
                            u.role,
                            u.source,
                            u.target,
                            u.lang,
                            primary(u.lang),
                            u.letter,
                            u.reviewer,
                            u.date,
                        )
                        for u in units
                    ],
                )
                reread += 1
            conn.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                (key, stat.st_size, stat.st_mtime_ns, digest),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return reread


def _read_units(path: Path) -> list[Unit]:
    if path.suffix == ".tmx":
        return read_tmx(path)
    return catalog_units(read_catalog(path), path.parent.name, path.stem, Path(path).parent.parent)


def provenance_of(catalog: Catalog, letter: str, lang: str, translations: Path) -> tuple[str, str]:
    """Who reviewed a catalog and when: its sign-off, else its Last-Translator header."""
    from pipeline.po.signoff import read_signoffs

    with contextlib.suppress(PipelineError):
        signoff = read_signoffs(translations, letter).get(lang)
        if signoff is not None:
            return signoff.by, signoff.date
    reviewer = catalog.last_translator or ""
    if "FULL NAME" in reviewer:
        reviewer = ""
    date = catalog.revision_date.date().isoformat() if hasattr(catalog.revision_date, "date") else ""
    return reviewer or "unknown", date


def catalog_units(catalog: Catalog, letter: str, lang: str, translations: Path) -> list[Unit]:
    """The reviewed entries of one catalog as memory units (drafts and untranslated never)."""
    reviewer, date = provenance_of(catalog, letter, lang, translations)
    return [
        Unit(message_role(m), str(m.id), str(m.string), norm_lang(lang), letter, reviewer, date)
        for m in catalog
        if m.id and isinstance(m.id, str) and message_state(m) == "reviewed"
    ]


def all_units(
    conn: sqlite3.Connection, lang: str | None = None, exclude_letter: str | None = None
) -> list[Unit]:
    """The memory's units (for one language's primary subtag), most recent first."""
    query = "SELECT role, source, target, lang, letter, reviewer, date FROM units"
    clauses, params = [], []
    if lang:
        clauses.append("primary_lang = ?")
        params.append(primary(lang))
    if exclude_letter is not None:
        clauses.append("letter != ?")
        params.append(exclude_letter)
    if clauses:
        query += " WHERE " + " AND ".join(clauses)
    query += " ORDER BY date DESC, letter, rowid"
    # Derived data checked as it is read: a row that is not all text is not the memory's.
    return [Unit(*row) for row in conn.execute(query, params) if all(type(v) is str for v in row)]


BYTE_WORD = re.compile(rb"[0-9A-Za-z\x80-\xff]+")  # what word_hashes counts as a word


@functools.cache
def _word_lut():
    import numpy as np

    lut = np.zeros(256, dtype=bool)
    for byte in range(256):
        lut[byte] = bool(BYTE_WORD.fullmatch(bytes([byte])))
    return lut


def query_hashes(text: str) -> list[int]:
    """The hashes ``word_hashes`` gives the words of one text, in plain Python (one short text)."""
    found = set()
    for word in BYTE_WORD.findall(text.encode("utf-8")):
        value, power = 0, 1
        for byte in word:
            value = (value + byte * power) % 2**64
            power = power * _P % 2**64
        found.add(value)
    return sorted(found)


_P = 1_000_003  # odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)


def _powers(length: int):
    """P**1.. and P**-1.. modulo 2**64 (uint64 wraps), cached for the longest length seen."""
    import numpy as np

    global _POWERS
    if _POWERS is None or len(_POWERS[0]) < length:
        with np.errstate(over="ignore"):
            size = max(length, 1 << 20)
            _POWERS = (
                np.cumprod(np.full(size, _P, dtype=np.uint64)),
                np.cumprod(np.full(size, _P_INV, dtype=np.uint64)),
            )
    return _POWERS[0][:length], _POWERS[1][:length]


_POWERS = None


def word_hashes(texts: list[str]):
    """(hash, text number) of every distinct word of every text, computed by numpy.

    Tokenizing 100,000 sentences word by word in Python took 4 s (make bench);
    here a word is a run of letters/digits (any non-ASCII byte counts as one)
    in the UTF-8 bytes, hashed as a polynomial over its bytes with uint64
    arithmetic that wraps, so one cumulative sum hashes every word at once.
    """
    import numpy as np

    lut = _word_lut()
    all_hashes, all_docs = [], []
    for first in range(0, len(texts), 20_000):  # bounded memory: about 60 bytes per text byte
        chunk = texts[first : first + 20_000]
        data = np.frombuffer("\n".join(chunk).encode("utf-8"), dtype=np.uint8)
        if not len(data):
            continue
        doc = np.cumsum(data == 10, dtype=np.int64) + first
        edges = np.diff(np.concatenate(([0], lut[data].astype(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        powers, inverse = _powers(len(data))
        with np.errstate(over="ignore"):
            sums = np.concatenate((np.zeros(1, np.uint64), np.cumsum(data * powers, dtype=np.uint64)))
            hashes = (sums[ends] - sums[starts]) * inverse[starts]
        all_hashes.append(hashes)
        all_docs.append(doc[starts])
    if not all_hashes:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    hashes, docs = np.concatenate(all_hashes), np.concatenate(all_docs)
    order = np.argsort(hashes, kind="stable")  # docs stay ascending within one hash
    hashes, docs = hashes[order], docs[order]
    keep = np.ones(len(hashes), dtype=bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (docs[1:] != docs[:-1])
    return hashes[keep], docs[keep]


class Matcher:
    """Exact and near matches against the units of one target language."""

    def __init__(self, units: list[Unit], lang: str):
        import numpy as np

        lang = norm_lang(lang)
        self.exact: dict[tuple[str, str], Unit] = {}
        # Prefer the exact language (fr over fr_ca), then the most recent review.
        for unit in sorted(units, key=lambda u: u.lang != lang):
            self.exact.setdefault((unit.role, unit.source), unit)
        self.groups: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.exact.values():
            if unit.role != "name":  # names match exactly or not at all
                self.groups[unit.role].append(unit)
        self.lowered = {
            role: [u.source.lower().strip() for u in group] for role, group in self.groups.items()
        }
        # Per role, an inverted index: sorted distinct word hashes, and for
        # each the slice of ``docs`` holding the entries that contain it.
        self.index = {}
        for role, texts in self.lowered.items():
            hashes, docs = word_hashes(texts)
            words, offsets = np.unique(hashes, return_index=True)
            self.index[role] = (words, np.append(offsets, len(hashes)), docs)

    def lookup(self, role: str, source: str) -> Match | None:
        unit = self.exact.get((role, source))
        if unit is not None:
            return Match(unit, 100.0)
        if role == "name" or role not in self.groups:
            return None
        return self._near(role, source)

    def _near(self, role: str, source: str) -> Match | None:
        import numpy as np
        from rapidfuzz import fuzz, process

        query = source.lower().strip()
        words, offsets, docs = self.index[role]
        hashes = np.array(query_hashes(query), dtype=np.uint64)
        at = np.searchsorted(words, hashes)
        at = at[(at < len(words)) & (words[np.minimum(at, len(words) - 1)] == hashes)]
        if not len(at):
            return None
        # Candidates: entries sharing the most of the query's rarest words. A
        # sentence >= 75% similar keeps most of its words, so it shares some.
        sizes = offsets[at + 1] - offsets[at]
        rarest = at[np.argsort(sizes, kind="stable")[:RARE_WORDS]]
        ids = np.concatenate([docs[offsets[i] : offsets[i + 1]] for i in rarest])
        found, counts = np.unique(ids, return_counts=True)
        if len(found) > CANDIDATES:
            found = found[np.argpartition(-counts, CANDIDATES)[:CANDIDATES]]
        texts = self.lowered[role]
        choices = {int(i): texts[i] for i in found}
        best = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=NEAR_CUTOFF, processor=None)
        if best is None:
            return None
        return Match(self.groups[role][best[2]], float(best[1]))


__all__ = [
    "Matcher",
    "all_units",
    "catalog_units",
    "default_db",
    "open_memory",
    "refresh",
]

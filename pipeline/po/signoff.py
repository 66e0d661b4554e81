"""Sign-off: who approved which language, against which letter and catalog.

Recorded in ``translations/<letter>/signoff.json`` (in the repo). Once a
language has a sign-off, its edition is final only while both hashes still
match: any change to the letter or to the catalog's entries turns the edition
back into a draft until someone approves it again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.jsonfile import key_line, kind, read_json
from pipeline.po.catalog import catalog_stats
from pipeline.text.unichars import SHOWN, char_name

SIGNOFF_NAME = "signoff.json"
FIELDS = ("by", "date", "source_sha256", "catalog_sha256")
LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
SHA256 = re.compile(r"[0-9a-f]{64}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class SignOff:
    by: str
    date: str  # ISO date
    source_sha256: str
    catalog_sha256: str


def source_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def catalog_hash(catalog: Catalog) -> str:
    """A hash of what the reader sees: every entry's context, text, translation and state."""
    digest = hashlib.sha256()
    for message in sorted((m for m in catalog if m.id), key=lambda m: (str(m.id), m.context or "")):
        for part in (
            message.context or "",
            str(message.id),
            str(message.string),
            "fuzzy" if message.fuzzy else "",
        ):
            digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def signoff_path(translations: Path, letter: str) -> Path:
    return Path(translations) / letter / SIGNOFF_NAME


def parse_signoffs(text: str, data: object, path: Path) -> dict[str, SignOff]:
    """Every sign-off in ``data`` (parsed from ``text``), all checked: a bad one names its line."""
    if not isinstance(data, dict):
        raise PipelineError(
            path,
            f"expected an object of language code → sign-off, not {kind(data)}",
            1 if text.strip() else None,
        )
    signoffs = {}
    for lang, fields in data.items():
        line, offset = key_line(text, lang)
        if not LANG_CODE.fullmatch(lang):
            raise PipelineError(path, f"{lang!r} is not a language code", line)
        if not isinstance(fields, dict):
            raise PipelineError(
                path, f"{lang}: expected an object with {', '.join(FIELDS)}, not {kind(fields)}", line
            )
        missing = [name for name in FIELDS if name not in fields]
        extra = sorted(set(fields) - set(FIELDS))
        if missing or extra:
            wrong = ", ".join([*(f"no {name!r}" for name in missing), *(f"unknown {n!r}" for n in extra)])
            raise PipelineError(path, f"{lang}: {wrong} (expected {', '.join(FIELDS)})", line)
        for name in FIELDS:
            value = fields[name]
            field_line = key_line(text, name, offset)[0] or line
            if not isinstance(value, str) or not value.strip():
                raise PipelineError(
                    path, f"{lang}: {name} must be a non-empty string, not {value!r}", field_line
                )
            if name == "by" and (SHOWN.search(value) or "\n" in value or "\t" in value):
                raise PipelineError(path, f"{lang}: by holds a control character: {value!r}", field_line)
            if name == "date" and not _iso_date(value):
                raise PipelineError(path, f"{lang}: date {value!r} is not a date (YYYY-MM-DD)", field_line)
            if name.endswith("sha256") and not SHA256.fullmatch(value):
                raise PipelineError(path, f"{lang}: {name} is not a sha256 (64 hex digits)", field_line)
        signoffs[lang] = SignOff(**{name: fields[name] for name in FIELDS})
    return signoffs


def _iso_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(ISO_DATE.fullmatch(value))


def read_signoffs(translations: Path, letter: str) -> dict[str, SignOff]:
    """The sign-offs of a letter ({} without a file); a malformed file is one error naming its line."""
    path = signoff_path(translations, letter)
    found = read_json(path)
    return {} if found is None else parse_signoffs(*found, path)


def signoff_status(signoff: SignOff | None, source_sha: str, catalog: Catalog) -> str | None:
    """None when there is no sign-off or it still matches; else why it no longer does."""
    if signoff is None:
        return None
    if signoff.source_sha256 != source_sha:
        return f"the letter changed after {signoff.by}'s sign-off of {signoff.date}"
    if signoff.catalog_sha256 != catalog_hash(catalog):
        return f"the catalog changed after {signoff.by}'s sign-off of {signoff.date}"
    return None


def check_approver(translations: Path, letter: str, by: str) -> None:
    """Refuse an empty name or one holding a character that would not print as itself."""
    if not by.strip():
        raise PipelineError(signoff_path(translations, letter), 'who approves? give BY="Name"')
    hidden = [char for char in dict.fromkeys(by) if char in "\t\n" or SHOWN.match(char)]
    if hidden:
        names = ", ".join(char_name(char) for char in hidden)
        raise PipelineError("BY", f"a name cannot hold {names}: it would print in the colophon")


def approve(
    translations: Path,
    letter: str,
    lang: str,
    by: str,
    source_path: Path,
    catalog: Catalog,
    check_errors: int,
    unchanged: Callable[[], bool] | None = None,
    catalog_path: Path | None = None,
) -> SignOff:
    """Record a sign-off; refuse a catalog with drafts, untranslated entries or check errors.

    ``unchanged()``, when given, is asked right before the sign-off is written:
    False (the catalog at ``catalog_path`` is no longer the one checked and
    hashed) refuses the approval and writes nothing.
    """
    path = signoff_path(translations, letter)
    check_approver(translations, letter, by)
    stats = catalog_stats(catalog)
    if stats.draft or stats.untranslated:
        raise PipelineError(
            path,
            f"{lang} cannot be approved: {stats.draft} draft and {stats.untranslated} untranslated entries",
        )
    if check_errors:
        raise PipelineError(
            path, f"{lang} cannot be approved: {check_errors} check errors (run `make check`)"
        )
    read_signoffs(translations, letter)  # a bad file is reported before anything, the lock file too, is made
    from pipeline.po.save import catalog_lock  # here: reading sign-offs (every edition) needs no filelock

    with catalog_lock(path):  # two approvals at once: neither sign-off is lost
        signoffs = read_signoffs(translations, letter)
        epoch = datetime.date.today().isoformat()
        signoffs[lang] = SignOff(by.strip(), epoch, source_hash(source_path), catalog_hash(catalog))
        data = {code: asdict(s) for code, s in sorted(signoffs.items())}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if not atomic_write(path, text.encode("utf-8"), unchanged):
            raise PipelineError(
                catalog_path or path,
                f"{lang} not approved: the catalog was saved while it was checked; approve it again",
            )
    return signoffs[lang]

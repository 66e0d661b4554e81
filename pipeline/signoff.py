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
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from .catalog import catalog_stats
from .errors import PipelineError
from .fileio import atomic_write

SIGNOFF_NAME = "signoff.json"


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


def read_signoffs(translations: Path, letter: str) -> dict[str, SignOff]:
    path = signoff_path(translations, letter)
    if not path.exists():
        return {}
    try:
        return {
            lang: SignOff(**fields) for lang, fields in json.loads(path.read_text(encoding="utf-8")).items()
        }
    except (ValueError, TypeError) as exc:
        raise PipelineError(path, f"unreadable sign-off file: {exc}") from exc


def signoff_status(signoff: SignOff | None, source_sha: str, catalog: Catalog) -> str | None:
    """None when there is no sign-off or it still matches; else why it no longer does."""
    if signoff is None:
        return None
    if signoff.source_sha256 != source_sha:
        return f"the letter changed after {signoff.by}'s sign-off of {signoff.date}"
    if signoff.catalog_sha256 != catalog_hash(catalog):
        return f"the catalog changed after {signoff.by}'s sign-off of {signoff.date}"
    return None


def approve(
    translations: Path,
    letter: str,
    lang: str,
    by: str,
    source_path: Path,
    catalog: Catalog,
    check_errors: int,
) -> SignOff:
    """Record a sign-off; refuse a catalog with drafts, untranslated entries or check errors."""
    path = signoff_path(translations, letter)
    if not by.strip():
        raise PipelineError(path, 'who approves? give BY="Name"')
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
    signoffs = read_signoffs(translations, letter)
    epoch = datetime.date.today().isoformat()
    signoffs[lang] = SignOff(by.strip(), epoch, source_hash(source_path), catalog_hash(catalog))
    data = {code: asdict(s) for code, s in sorted(signoffs.items())}
    atomic_write(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return signoffs[lang]

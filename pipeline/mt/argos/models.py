"""Argos Translate models: which packages to install (index or local files) and the lock file.

Checking and installing a package on disk is in ``packages``. Nothing is
downloaded at translation time.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.jsonfile import key_line, kind, read_json
from pipeline.mt.argos.packages import (
    SOURCE_LANG,
    argos,
    installed_package,
    read_package_metadata,
    stage_all,
    swap_in,
)
from pipeline.project import MODEL_LOCK

LOCK_FILE = MODEL_LOCK  # beside the catalogs, in translations/
LOCK_NAME = LOCK_FILE.name
INDEX_TIMEOUT = 15
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LockEntry:
    code: str  # translate-en_fr
    version: str
    sha256: str
    file: str


def package_code(to_code: str, from_code: str = SOURCE_LANG) -> str:
    return f"translate-{from_code}_{to_code}"


def read_lock(path: Path = LOCK_FILE) -> dict[str, LockEntry]:
    """The lock file's entries ({} without one); a malformed file is one error naming its line."""
    found = read_json(path)
    if found is None:
        return {}
    text, data = found
    packages = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(packages, dict):
        line = key_line(text, "packages")[0] or (1 if text.strip() else None)
        what = kind(packages) if isinstance(data, dict) and "packages" in data else f"{kind(data)} without it"
        raise PipelineError(
            path, f'expected {{"packages": {{code: {{version, sha256, file}}}}}}, found {what}', line
        )
    entries = {}
    for code, fields in packages.items():
        line, offset = key_line(text, code)
        if not isinstance(fields, dict) or sorted(fields) != ["file", "sha256", "version"]:
            raise PipelineError(path, f"{code}: expected an object with version, sha256 and file", line)
        for name, value in fields.items():
            if not isinstance(value, str) or (name == "sha256" and not SHA256.fullmatch(value)):
                what = "a sha256 (64 hex digits)" if name == "sha256" else "a string"
                raise PipelineError(
                    path,
                    f"{code}: {name} must be {what}, not {value!r}",
                    key_line(text, name, offset)[0] or line,
                )
        if "/" in fields["file"] or fields["file"] in ("", ".", ".."):
            raise PipelineError(path, f"{code}: file must be a file name, not {fields['file']!r}", line)
        entries[code] = LockEntry(code=code, **fields)
    return entries


def write_lock(entries: dict[str, LockEntry], path: Path = LOCK_FILE) -> None:
    data = {
        "comment": "Argos packages used for machine-translated drafts (make models); sha256 of each .argosmodel.",
        "packages": {
            code: {"version": e.version, "sha256": e.sha256, "file": e.file}
            for code, e in sorted(entries.items())
        },
    }
    atomic_write(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def local_packages(folder: Path) -> dict[str, tuple[Path, dict]]:
    """The .argosmodel files in ``folder``, by target language (newest version wins)."""
    found: dict[str, tuple[Path, dict]] = {}
    for archive in sorted(Path(folder).glob("*.argosmodel")):
        metadata = read_package_metadata(archive)
        if metadata.get("from_code") != SOURCE_LANG or metadata.get("type", "translate") != "translate":
            continue
        to_code = metadata.get("to_code")
        version = str(metadata.get("package_version", ""))
        if to_code not in found or _version_key(version) > _version_key(
            found[to_code][1].get("package_version", "")
        ):
            found[to_code] = (archive, metadata)
    return found


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(version).split("."))


def index_packages(models_dir: Path | None = None) -> dict[str, object]:
    """Available en→X packages from the Argos index, or raise if it cannot be reached.

    Argos' own get_available_packages() recurses forever when offline with no
    cached index, so the index is fetched here, with a timeout.
    """
    package = argos(models_dir)
    from argostranslate import settings

    try:
        with urllib.request.urlopen(settings.remote_package_index, timeout=INDEX_TIMEOUT) as response:
            data = response.read()
    except OSError as exc:
        raise ConnectionError(str(getattr(exc, "reason", exc))) from exc
    atomic_write(Path(settings.local_package_index), data)
    available = {}
    for metadata in json.loads(data):
        candidate = package.AvailablePackage(metadata)
        if candidate.from_code == SOURCE_LANG and candidate.type == "translate":
            available[candidate.to_code] = candidate
    return available


def install_models(
    langs: list[str],
    local_dir: Path | None = None,
    update_lock: bool = False,
    models_dir: Path | None = None,
    lock_path: Path = LOCK_FILE,
) -> list[str]:
    """Install en→lang packages from ``local_dir`` or the Argos index; record them in the lock."""
    lock = read_lock(lock_path)
    argos(models_dir)
    report = []
    if local_dir is not None:
        if not Path(local_dir).is_dir():
            raise PipelineError(local_dir, "no such folder of .argosmodel files (ARGOS_MODELS)")
        sources = {lang: path for lang, (path, _) in local_packages(local_dir).items()}
    else:
        try:
            available = index_packages(models_dir)
        except ConnectionError as exc:
            wanted = " ".join(f"{package_code(lang)}-*.argosmodel" for lang in langs)
            raise PipelineError(
                None,
                f"cannot reach the Argos package index ({exc}). Download {wanted} on a connected "
                "machine (https://www.argosopentech.com/argospm/index/), then run "
                "`make models ARGOS_MODELS=<folder with the files>`",
            ) from None
        sources = {}
        for lang in langs:
            if lang in available:
                try:
                    sources[lang] = Path(available[lang].download())
                except Exception as exc:  # Argos raises a bare Exception on failed downloads
                    raise PipelineError(None, f"download of {package_code(lang)} failed: {exc}") from None
    missing = [lang for lang in langs if lang not in sources]
    if missing:
        where = local_dir if local_dir is not None else "the Argos index"
        raise PipelineError(None, f"no en→{', en→'.join(missing)} package in {where}")

    plan = []
    for lang in langs:
        archive = sources[lang]
        metadata = read_package_metadata(archive)
        code = package_code(lang)
        entry = LockEntry(code, str(metadata.get("package_version", "")), sha256_of(archive), archive.name)
        locked = lock.get(code)
        if locked and locked.sha256 != entry.sha256 and not update_lock:
            raise PipelineError(
                lock_path,
                f"{code}: {archive.name} (sha256 {entry.sha256[:12]}…) differs from the locked "
                f"{locked.file} (sha256 {locked.sha256[:12]}…); run with LOCK=update to accept it",
            )
        plan.append((lang, archive, entry, locked))
    # Everything checked: extract and verify every package beside the installed ones, then swap.
    staged = stage_all(plan)
    try:
        for (lang, archive, entry, locked), (staging, folder) in zip(plan, staged, strict=True):
            swap_in(folder, installed_package(lang, models_dir, check=False), staging)
            lock[entry.code] = entry
            state = (
                "installed"
                if locked is None
                else ("reinstalled" if locked.sha256 == entry.sha256 else "updated")
            )
            report.append(
                f"{entry.code} {entry.version}: {state} from {archive.name} (sha256 {entry.sha256[:12]}…)"
            )
    finally:
        for staging, _ in staged:
            shutil.rmtree(staging, ignore_errors=True)
    write_lock(lock, lock_path)
    return report

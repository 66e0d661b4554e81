"""Argos Translate model packages: project-local install, index or local files, lock file.

Argos creates folders under ``XDG_*`` and its packages dir when first
imported (and onnxruntime writes into ``XDG_CACHE_HOME``), so every use goes
through ``argos()``, which points them at the project's ``models/`` folder
first. Nothing is downloaded at translation time.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import PipelineError
from .fileio import atomic_write

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = Path(os.environ.get("LETTER_MODELS_DIR", ROOT / "models"))
LOCK_NAME = "argos-models.lock.json"  # beside the catalogs, in translations/
LOCK_FILE = ROOT / "translations" / LOCK_NAME
SOURCE_LANG = "en"
INDEX_TIMEOUT = 15


@dataclass(frozen=True)
class LockEntry:
    code: str  # translate-en_fr
    version: str
    sha256: str
    file: str


def package_code(to_code: str, from_code: str = SOURCE_LANG) -> str:
    return f"translate-{from_code}_{to_code}"


def argos(models_dir: Path | None = None):
    """Import ``argostranslate.package`` with every folder it writes inside ``models_dir``."""
    folder = Path(models_dir or MODELS_DIR).resolve()
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(folder / "packages"))
    # Only this process sees these: Argos and onnxruntime write under them.
    for variable, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        os.environ[variable] = str(folder / sub)
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    import argostranslate.package as package

    return package


def installed_package(to_code: str, models_dir: Path | None = None):
    """The installed en→``to_code`` package, or None."""
    package = argos(models_dir)
    for installed in package.get_installed_packages():
        if (
            installed.from_code == SOURCE_LANG
            and installed.to_code == to_code
            and installed.type == "translate"
        ):
            return installed
    return None


def read_lock(path: Path = LOCK_FILE) -> dict[str, LockEntry]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {code: LockEntry(code=code, **fields) for code, fields in data["packages"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise PipelineError(path, f"unreadable lock file: {exc}") from exc


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


def read_package_metadata(archive: Path) -> dict:
    """metadata.json of a .argosmodel, checking the layout Argos needs."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            tops = {name.split("/", 1)[0] for name in names}
            if len(tops) != 1 or not any("/" in name for name in names):
                raise PipelineError(archive, "not an Argos package: expected one top-level folder in the zip")
            top = tops.pop()
            try:
                metadata = json.loads(zf.read(f"{top}/metadata.json"))
            except KeyError as exc:
                raise PipelineError(archive, "not an Argos package: no metadata.json") from exc
            if not any(n.startswith(f"{top}/model/") for n in names):
                raise PipelineError(archive, "not an Argos package: no model/ folder")
            return metadata
    except zipfile.BadZipFile as exc:
        raise PipelineError(archive, "not an Argos package (not a zip archive)") from exc
    except ValueError as exc:
        raise PipelineError(archive, f"not an Argos package: bad metadata.json ({exc})") from exc


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
    package = argos(models_dir)
    lock = read_lock(lock_path)
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
    # Everything checked: now install and record.
    for lang, archive, entry, locked in plan:
        old = installed_package(lang, models_dir)
        if old is not None:
            package.uninstall(old)
        package.install_from_path(archive)
        lock[entry.code] = entry
        state = (
            "installed" if locked is None else ("reinstalled" if locked.sha256 == entry.sha256 else "updated")
        )
        report.append(
            f"{entry.code} {entry.version}: {state} from {archive.name} (sha256 {entry.sha256[:12]}…)"
        )
    write_lock(lock, lock_path)
    return report

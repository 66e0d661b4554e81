"""Argos packages on disk: checked before use, installed atomically.

Argos creates folders under ``XDG_*`` and its packages dir when first
imported (and onnxruntime writes into ``XDG_CACHE_HOME``), so every use goes
through ``argos()``, which points them at the project's ``models/`` folder
first. A package is extracted and checked in a staging folder beside
``packages/`` (never inside: Argos loads every folder there), then renamed
into place, so a damaged archive leaves the installed package working.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

from pipeline import config
from pipeline.config import SOURCE_LANG
from pipeline.errors import PipelineError
from pipeline.jsonfile import kind, read_json

STAGING_PREFIX = ".install-"


def default_models_dir() -> Path:
    """Where `make models` installs: LETTER_MODELS_DIR, else models/ in the project."""
    return Path(config.raw("LETTER_MODELS_DIR"))


def argos(models_dir: Path | None = None):
    """Import ``argostranslate.package`` with every folder it writes inside ``models_dir``."""
    folder = Path(models_dir or default_models_dir()).resolve()
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(folder / "packages"))
    # Only this process sees these: Argos and onnxruntime write under them.
    for variable, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        os.environ[variable] = str(folder / sub)
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    try:  # Argos creates its folders on import
        import argostranslate.package as package
    except OSError as exc:
        where = exc.filename or folder
        raise PipelineError(where, f"cannot create the models folder: {exc.strerror or exc}") from None
    return package


def check_metadata(metadata: object, where: Path) -> dict:
    """``metadata`` checked for the fields the pipeline and Argos read."""
    if not isinstance(metadata, dict):
        raise PipelineError(where, f"not an Argos package: metadata.json is {kind(metadata)}, not an object")
    for key in ("from_code", "to_code", "type", "code"):
        if key in metadata and not isinstance(metadata[key], str):
            raise PipelineError(
                where, f"not an Argos package: {key} in metadata.json is {kind(metadata[key])}"
            )
    if not isinstance(metadata.get("package_version", ""), str | int | float):
        raise PipelineError(where, "not an Argos package: package_version in metadata.json is not a version")
    return metadata


def _check_model_bin(path: Path) -> None:
    """A cheap look at a CTranslate2 model.bin header: garbage fails here, not in the middle of a run.

    CTranslate2 has no validate call and loading the model twice costs time and
    memory, so only the header is read: the format version and the spec name.
    """
    from ctranslate2.specs.model_spec import CURRENT_BINARY_VERSION

    try:
        with open(path, "rb") as handle:
            head = handle.read(4 + 2 + 256)
    except OSError as exc:
        raise PipelineError(path, f"no CTranslate2 model: {exc.strerror or exc}") from None
    version = int.from_bytes(head[:4], "little") if len(head) >= 4 else 0
    name_size = int.from_bytes(head[4:6], "little") if len(head) >= 6 else 0
    name = head[6 : 6 + name_size]
    if not 1 <= version <= CURRENT_BINARY_VERSION or (
        version >= 2 and not (name.endswith(b"\0") and name[:-1].isascii() and name[:-1].isalnum())
    ):
        raise PipelineError(
            path,
            f"not a CTranslate2 model (format version {version}, this CTranslate2 reads 1 to "
            f"{CURRENT_BINARY_VERSION})",
        )


def load_package(path: Path, check: bool = True):
    """The Argos package installed in folder ``path``, checked; one error naming the bad file."""
    package = sys.modules.get("argostranslate.package") or argos()
    metadata_path = Path(path) / "metadata.json"
    found = read_json(metadata_path)
    if found is None:
        raise PipelineError(path, "not an Argos package: no metadata.json")
    check_metadata(found[1], metadata_path)
    try:
        loaded = package.Package(Path(path))
    except (OSError, ValueError) as exc:
        raise PipelineError(path, f"not an Argos package: {_one_line(exc)}") from None
    if check:
        _check_model_bin(Path(path) / "model" / "model.bin")
        if getattr(loaded, "tokenizer", None) is None:
            raise PipelineError(path, "not an Argos package: no sentencepiece.model or bpe.model")
        if hasattr(loaded.tokenizer, "lazy_processor"):  # loaded once here; Argos keeps it for the run
            try:
                loaded.tokenizer.lazy_processor()
            except (OSError, RuntimeError) as exc:
                raise PipelineError(
                    loaded.tokenizer.model_file,
                    f"not a SentencePiece model: {_one_line(exc).replace(str(loaded.tokenizer.model_file), 'it')}",
                ) from None
    return loaded


def _package_folders() -> list[Path]:
    from argostranslate import settings

    return [
        folder
        for directory in settings.package_dirs
        if directory.is_dir()
        for folder in sorted(directory.iterdir())
        if folder.is_dir()
    ]


def installed_package(to_code: str, models_dir: Path | None = None, check: bool = True):
    """The installed en→``to_code`` package, or None; a damaged package is an error naming its file.

    With ``check=False`` (when replacing packages) unreadable folders are skipped.
    """
    argos(models_dir)
    for folder in _package_folders():
        try:
            installed = load_package(folder, check=False)
            if (
                installed.from_code == SOURCE_LANG
                and installed.to_code == to_code
                and installed.type == "translate"
            ):
                return load_package(folder) if check else installed
        except PipelineError as exc:
            if check:
                advice = "remove the folder or reinstall the package (make models)"
                raise PipelineError(exc.path, f"{exc.message}; {advice}", exc.line) from None
    return None


def load_translator(package, **options):
    """A ``ctranslate2.Translator`` for ``package``; a model that will not load is one error naming it."""
    return open_model(Path(package.package_path) / "model", **options)


def open_model(model: Path, **options):
    """A ``ctranslate2.Translator`` for a model folder; a model that will not load is one error naming it."""
    import ctranslate2

    try:
        return ctranslate2.Translator(str(model), **options)
    except (RuntimeError, ValueError, OSError) as exc:
        raise PipelineError(model, f"the CTranslate2 model does not load: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


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
            return check_metadata(metadata, archive)
    except zipfile.BadZipFile as exc:
        raise PipelineError(archive, "not an Argos package (not a zip archive)") from exc
    except (zlib.error, EOFError, NotImplementedError) as exc:
        raise PipelineError(archive, f"damaged Argos package: {exc}") from exc
    except OSError as exc:
        raise PipelineError(archive, f"cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise PipelineError(archive, f"not an Argos package: bad metadata.json ({exc})") from exc


def stage_all(plan: list) -> list[tuple[Path, Path]]:
    """(staging folder, extracted package) for every planned archive; on any failure, none is left."""
    from argostranslate import settings

    root = Path(settings.package_data_dir).parent
    _remove_stale_staging(root)
    staged: list[tuple[Path, Path]] = []
    try:
        for _lang, archive, _entry, _locked in plan:
            try:
                staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=root))
            except OSError as exc:
                raise PipelineError(root, f"cannot write here: {exc.strerror or exc}") from None
            staged.append((staging, _extract(archive, staging)))
    except BaseException:
        for staging, _ in staged:
            shutil.rmtree(staging, ignore_errors=True)
        for leftover in root.glob(f"{STAGING_PREFIX}{os.getpid()}-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        raise
    return staged


def _extract(archive: Path, staging: Path) -> Path:
    """Extract ``archive`` into ``staging`` and check the package there; its folder."""
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging / "new")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise PipelineError(archive, f"damaged package, nothing installed: {exc}") from None
    except OSError as exc:
        raise PipelineError(staging, f"cannot extract {archive.name}: {exc.strerror or exc}") from None
    folders = list((staging / "new").iterdir())
    if len(folders) != 1 or not folders[0].is_dir() or folders[0].name.startswith("."):
        raise PipelineError(archive, "not an Argos package: expected one top-level folder in the zip")
    try:
        # Installing is rare: load the model fully once, so a truncated one fails here, not in a run.
        load_translator(load_package(folders[0]), device="cpu")
    except PipelineError as exc:
        member = Path(exc.path).relative_to(staging / "new").as_posix() if exc.path else ""
        raise PipelineError(archive, f"{member}: {exc.message}; nothing installed", exc.line) from None
    return folders[0]


def swap_in(folder: Path, old, staging: Path) -> None:
    """Rename the verified ``folder`` into the packages folder; the replaced ones go to ``staging``."""
    from argostranslate import settings

    target = Path(settings.package_data_dir) / folder.name
    try:
        # Same folder name: for the microseconds between these two renames no package is there
        # (os has no portable atomic exchange); a translate run then finds none and says so.
        if target.exists():
            os.rename(target, staging / "replaced")
        try:
            os.rename(folder, target)
        except OSError:
            if (staging / "replaced").exists():
                os.rename(staging / "replaced", target)
            raise
        if old is not None and Path(old.package_path).resolve() != target.resolve():
            os.rename(old.package_path, staging / "previous")
    except OSError as exc:
        raise PipelineError(target.parent, f"cannot install {folder.name}: {exc.strerror or exc}") from None


def _remove_stale_staging(root: Path) -> None:
    """Staging folders left by a killed install (their process is gone)."""
    for leftover in root.glob(f"{STAGING_PREFIX}*"):
        pid = leftover.name[len(STAGING_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True

"""Where a project's files live: the letter's catalogs, the outputs, the caches, the templates.

One place for every path the stages share, so a cache or a catalog is never found two ways.
The project root is the checkout this package sits in (``pipeline/`` is one of its folders).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TEMPLATES = ROOT / "templates"
UI_FOLDER = TEMPLATES / "ui"
TRANSLATIONS = ROOT / "translations"
OUTPUT = ROOT / "output"
# Derived data only (validated when read): safe to delete, git-ignored.
CACHE = OUTPUT / ".cache"
DOCUMENT_CACHE = CACHE / "documents"
CMAP_CACHE = CACHE / "cmaps"
MODELS = ROOT / "models"
MODEL_LOCK = TRANSLATIONS / "argos-models.lock.json"
LT_VENV = ROOT / ".lt-venv"


def memory_index(translations: Path | str) -> Path:
    """The translation memory's SQLite index of a project: output/.cache beside its translations/."""
    return Path(translations).resolve().parent / "output" / ".cache" / "memory.sqlite"

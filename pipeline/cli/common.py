"""Helpers shared by the command-line modules: language lists and catalogs read before any write."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.document.load import load_document
from pipeline.document.model import Document
from pipeline.errors import PipelineError
from pipeline.lang.codes import split_codes
from pipeline.lang.locales import language_code
from pipeline.po.catalog import catalog_paths, read_catalog

DEFAULT_LANGS = "az ru fr"


def source_ref(path: str) -> str:
    """The letter's path as written in ``#:`` references: relative, with slashes."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    return Path(rel).as_posix() if not rel.startswith("..") else Path(path).as_posix()


def langs_arg(value: str) -> list[str]:
    """The languages of ``--langs``, each checked and in its one form (``FR fr`` -> ``fr``), before any path."""
    return list(dict.fromkeys(language_code(lang, "LANGS") for lang in split_codes(value)))


def existing_catalogs(args: argparse.Namespace) -> tuple[Document, dict[str, tuple[Path, Catalog]]]:
    """The letter and every language's catalog, all read (and so all valid) before anything is written."""
    langs = langs_arg(args.langs)
    doc = load_document(args.source)
    _, paths = catalog_paths(doc.name, args.translations, langs)
    catalogs = {}
    for lang, path in paths.items():
        if not path.exists():
            raise PipelineError(path, "no catalog; run `make po` first")
        catalogs[lang] = (path, read_catalog(path))
    return doc, catalogs

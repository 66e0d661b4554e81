"""Exports for CAT tools: XLIFF 2.0 and TMX 1.4 of the reviewed pairs, written by translate-toolkit."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from translate.storage.tmx import tmxfile
from translate.storage.xliff2 import Xliff2File

from .catalog import message_state
from .fileio import atomic_write
from .models import SOURCE_LANG


def reviewed_pairs(catalog: Catalog) -> list[tuple[str, str]]:
    """(source, translation) of every reviewed entry, in catalog order, without repeats."""
    pairs = {}
    for message in catalog:
        if message.id and message_state(message) == "reviewed":
            pairs.setdefault((str(message.id), str(message.string)), None)
    return list(pairs)


def xliff2_bytes(pairs: list[tuple[str, str]], lang: str) -> bytes:
    store = Xliff2File(sourcelanguage=SOURCE_LANG, targetlanguage=lang)
    for number, (source, target) in enumerate(pairs, start=1):
        unit = store.addsourceunit(source)
        unit.target = target
        unit.setid(f"u{number}")
        unit.markapproved(True)
    return bytes(store)


def tmx_bytes(pairs: list[tuple[str, str]], lang: str) -> bytes:
    store = tmxfile(sourcelanguage=SOURCE_LANG, targetlanguage=lang)
    for source, target in pairs:
        store.addtranslation(source, SOURCE_LANG, target, lang)
    return bytes(store)


def export_catalog(catalog: Catalog, lang: str, folder: Path, letter: str) -> tuple[Path, Path, int]:
    pairs = reviewed_pairs(catalog)
    xlf, tmx = Path(folder) / f"{lang}.xlf", Path(folder) / f"{lang}.tmx"
    atomic_write(xlf, xliff2_bytes(pairs, lang))
    atomic_write(tmx, tmx_bytes(pairs, lang))
    return xlf, tmx, len(pairs)

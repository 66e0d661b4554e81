"""Exports for CAT tools: XLIFF 2.0 and TMX 1.4 of the reviewed pairs, written by translate-toolkit."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from translate.storage.tmx import tmxfile
from translate.storage.xliff2 import Xliff2File

from pipeline.config import SOURCE_LANG
from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.lang.locales import bcp47
from pipeline.po.catalog import message_state
from pipeline.text.unichars import NOT_XML, char_name


def reviewed_pairs(catalog: Catalog) -> list[tuple[str, str]]:
    """(source, translation) of every reviewed entry, in catalog order, without repeats."""
    pairs = {}
    for message in catalog:
        if message.id and message_state(message) == "reviewed":
            pairs.setdefault((str(message.id), str(message.string)), None)
    return list(pairs)


def xliff2_bytes(pairs: list[tuple[str, str]], lang: str) -> bytes:
    store = Xliff2File(sourcelanguage=bcp47(SOURCE_LANG), targetlanguage=bcp47(lang))
    for number, (source, target) in enumerate(pairs, start=1):
        unit = store.addsourceunit(source)
        unit.target = target
        unit.setid(f"u{number}")
        unit.markapproved(True)
    return bytes(store)


def tmx_bytes(pairs: list[tuple[str, str]], lang: str) -> bytes:
    lang = bcp47(lang)  # the xml:lang of TMX and XLIFF is BCP 47: pt_BR -> pt-BR
    store = tmxfile(sourcelanguage=SOURCE_LANG, targetlanguage=lang)
    for source, target in pairs:
        store.addtranslation(source, SOURCE_LANG, target, lang)
    return bytes(store)


def export_errors(catalog: Catalog, po_path: Path) -> list[PipelineError]:
    """One error per reviewed entry holding what XML cannot (translate-toolkit would drop it silently)."""
    errors = []
    for message in catalog:
        if not message.id or message_state(message) != "reviewed":
            continue
        for side, text in (("source", str(message.id)), ("translation", str(message.string))):
            found = sorted(set(NOT_XML.findall(text)))
            if found:
                names = ", ".join(char_name(char) for char in found)
                errors.append(
                    PipelineError(
                        po_path,
                        f"the {side} of {str(message.id)[:40]!r} holds {names}, which XML (XLIFF, TMX) "
                        "cannot hold: not exported; remove it (`make check` flags it [control])",
                        getattr(message, "lineno", None),
                    )
                )
                break
    return errors


def export_catalog(catalog: Catalog, lang: str, folder: Path, letter: str) -> tuple[Path, Path, int]:
    """Write ``<lang>.xlf`` and ``<lang>.tmx``; call ``export_errors`` first, this does not check."""
    pairs = reviewed_pairs(catalog)
    xlf, tmx = Path(folder) / f"{lang}.xlf", Path(folder) / f"{lang}.tmx"
    atomic_write(xlf, xliff2_bytes(pairs, lang))
    atomic_write(tmx, tmx_bytes(pairs, lang))
    return xlf, tmx, len(pairs)

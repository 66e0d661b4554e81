"""Pseudo-translation: a fake language to test layout and fonts without a model.

Like translate-toolkit's podebug (whose ``unicode`` rewrite it uses): every
letter gets an accented look-alike the edition font can draw, the text is
bracketed to show truncation and expanded by about a third, as real
translations from English often are. It is never a real language: its
catalog lives under output/, every entry is fuzzy, its edition always a draft.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from translate.tools.podebug import podebug

from pipeline.document.model import Document
from pipeline.editions import font_coverage
from pipeline.po.catalog import build_template, new_catalog, parse_locale

PSEUDO_LANG = "en-XA"  # the pseudo-locale code Android and Chromium use
EXPANSION = 1 / 3
_REWRITER = podebug(rewritestyle="unicode")


def pseudo_text(text: str) -> str:
    """ "Dear Sir," -> "[Ḓḗȧř Şīř, ·····]": accented, bracketed, about a third longer."""
    covered = font_coverage()
    accented = ""
    for char in text:
        new = str(_REWRITER.rewrite_unicode(char))
        accented += new if len(new) == 1 and ord(new) in covered else char
    padding = "·" * max(1, round(len(text) * EXPANSION) - 3)
    return f"[{accented} {padding}]"


def pseudo_catalog(doc: Document) -> Catalog:
    template = build_template(doc)
    catalog = new_catalog(template, parse_locale("en"))
    for message in template:
        if message.id:
            message = message.clone()
            message.string = pseudo_text(str(message.id))
            message.flags.add("fuzzy")
            catalog[message.id] = message
    return catalog


def pseudo_path(output: Path, letter: str) -> Path:
    return Path(output) / letter / "pseudo" / f"{PSEUDO_LANG}.po"

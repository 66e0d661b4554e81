"""What an edition shows: every segment's text and state, and whether the edition is final."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog

from pipeline.config import SOURCE_LANG
from pipeline.document.model import Document, Signatory
from pipeline.errors import PipelineError
from pipeline.lang.typography import typeset
from pipeline.po.catalog import catalog_stats, document_units, message_state, parse_locale, read_catalog
from pipeline.po.signoff import SignOff, read_signoffs, signoff_status, source_hash

PSEUDO_LANG = "en-XA"  # pseudo-translation (make pseudo): English locale data, never final


@dataclass(frozen=True)
class Text:
    """One segment as an edition shows it."""

    text: str  # typeset translation, or the English source when untranslated
    state: str  # reviewed, draft, untranslated, or source (the English edition)
    msgid: str

    @property
    def lang_override(self) -> str | None:
        return SOURCE_LANG if self.state == "untranslated" else None


@dataclass(frozen=True)
class Edition:
    """Everything a template needs to render one language of one letter."""

    lang: str
    locale: Locale
    letter: str
    date: datetime.date | None
    blocks: list[dict]
    draft_count: int
    untranslated_count: int
    final: bool
    signoff: SignOff | None = None
    stale_signoff: str | None = None  # why a recorded sign-off no longer holds
    markup: bool = False  # segments carry inline markup (Markdown, HTML, Word letters)

    @property
    def state_label(self) -> str:
        """ "final", or "DRAFT (3 draft, 2 untranslated)" for people reading make's output."""
        if self.final:
            return "final"
        return f"DRAFT ({self.draft_count} draft, {self.untranslated_count} untranslated)"

    @property
    def segments(self) -> list[Text]:
        out: list[Text] = []
        for block in self.blocks:
            if block["kind"] == "signatory":
                out.extend(t for t in (block["name"], block["title"]) if t)
            else:
                out.extend(block["segments"])
        return out


def build_edition(
    doc: Document,
    lang: str,
    catalog: Catalog | None,
    signoff: SignOff | None = None,
    source_sha: str | None = None,
) -> Edition:
    """Look up every segment's translation and decide final versus draft.

    Final: every entry reviewed and, where the language has a sign-off, the
    sign-off still matching the letter and the catalog.
    """
    locale = parse_locale(SOURCE_LANG if lang == PSEUDO_LANG else lang)
    units = iter(document_units(doc))
    states: list[str] = []

    def text_for() -> Text:
        unit = next(units)
        if lang == SOURCE_LANG:
            text = Text(typeset(unit.text, lang), "source", unit.text)
        else:
            message = catalog.get(unit.text, unit.context) if catalog is not None else None
            state = message_state(message) if message is not None else "untranslated"
            if state == "untranslated":
                text = Text(typeset(unit.text, SOURCE_LANG), state, unit.text)
            else:
                text = Text(typeset(message.string, lang), state, unit.text)
        states.append(text.state)
        return text

    blocks: list[dict] = []
    for block in doc.blocks:
        if isinstance(block, Signatory):
            name = text_for()
            title = text_for() if block.title else None
            blocks.append({"kind": "signatory", "number": block.number, "name": name, "title": title})
        else:
            segments = [text_for() for _ in block.sentences]
            blocks.append({"kind": block.kind, "segments": segments, "marker": block.marker})
    complete = catalog is None or catalog_stats(catalog).complete
    draft, untranslated = states.count("draft"), states.count("untranslated")
    stale = signoff_status(signoff, source_sha, catalog) if catalog is not None and signoff else None
    final = lang == SOURCE_LANG or (complete and draft == 0 and untranslated == 0 and stale is None)
    final = final and lang != PSEUDO_LANG
    return Edition(
        lang, locale, doc.name, doc.date, blocks, draft, untranslated, final, signoff, stale, doc.markup
    )


def load_catalog(translations: Path, letter: str, lang: str) -> Catalog | None:
    """The language's catalog (None for the English source); a missing one is an error."""
    if lang == SOURCE_LANG:
        return None
    path = Path(translations) / letter / f"{lang}.po"
    if not path.exists():
        raise PipelineError(path, "no catalog for this language; run `make po`")
    return read_catalog(path, locale=parse_locale(lang, path))


def edition_for(doc: Document, lang: str, translations: Path) -> Edition:
    """Build one language's edition from its catalog and sign-off on disk.

    The English source edition reads neither, so a broken catalog or sign-off
    file of another language never stops it.
    """
    if lang == SOURCE_LANG:
        return build_edition(doc, lang, None)
    catalog = load_catalog(translations, doc.name, lang)
    signoff = read_signoffs(translations, doc.name).get(lang)
    return build_edition(doc, lang, catalog, signoff, source_hash(doc.source) if signoff else None)

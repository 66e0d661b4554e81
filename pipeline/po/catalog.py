"""Stage 2: Document -> gettext template (.pot) -> one .po per language.

Catalogs are Babel ``Catalog`` objects (plain data). Reading and writing PO
files lives in :mod:`pipeline.po.read` (re-exported here); this module
builds templates and merges them into catalogs like ``msgmerge``.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from pipeline import __version__, config
from pipeline.document.model import PERSON, Document, Signatory
from pipeline.errors import PipelineError
from pipeline.po.merge import fuzzy_match, has_plural_forms, merge_template
from pipeline.po.read import VOLATILE_HEADERS, catalog_bytes, read_catalog, write_catalog

if TYPE_CHECKING:
    from pipeline.po.fuzzy import Matcher

NAME_COMMENT = (
    "Signatory {n}: personal name. Use this language's usual spelling of the person's name; do not translate."
)
TITLE_COMMENT = "Signatory {n}: organisation title"
ORGANISATION_COMMENT = (
    "Signatory {n}: organisation name. Use the organisation's official name in this language "
    "if it has one; otherwise keep it as written."
)
ROLE_COMMENTS = {
    "headline": "Headline of the letter (its title).",
    "standfirst": "Standfirst: the summary shown under the headline.",
    "lead": "Lead sentence of the news item (outside the letter).",
    "intro": "Editorial introduction to the letter (outside the letter).",
    "salutation": "Salutation of the letter.",
    "heading": "Heading inside the letter.",
    "quote": "Quotation inside the letter.",
    "item": "List item inside the letter (its number or bullet is kept apart).",
    "closing": "Closing formula of the letter, before the signature.",
    "signature": "Signature line of the letter.",
    "section": "Heading of a group of signatories.",
    "note": "Note among the signatories.",
}
MARKUP_COMMENT = (
    "Keep the markup around the words it marks: *emphasis*, **strong**, `code`, [link text](address)."
)


@dataclass(frozen=True)
class Unit:
    """One translatable occurrence in the document, as the catalog sees it."""

    role: str  # lead, intro, salutation, paragraph, closing, signature, name, title
    text: str
    line: int
    comment: str
    context: str | None = None


@dataclass(frozen=True)
class Stats:
    """Counts of one catalog, in entries and in source words (like pocount)."""

    total: int
    reviewed: int
    draft: int
    untranslated: int
    total_words: int
    reviewed_words: int
    draft_words: int
    untranslated_words: int

    @property
    def complete(self) -> bool:
        return self.total == self.reviewed


def document_units(doc: Document) -> list[Unit]:
    """Every translatable occurrence of the document, in order, with its msgctxt.

    A msgctxt is given where the same text plays different roles (say, a name
    that is also a sentence), so each role can be translated on its own.
    """
    units: list[Unit] = []
    paragraph = 0
    position = 0  # signatories in order: "Signatory 3" whatever the source's numbering
    for block in doc.blocks:
        if isinstance(block, Signatory):
            # Organisations are names too (role "name": never machine-translated), with their own comment.
            position += 1
            comment = NAME_COMMENT if block.entity == PERSON else ORGANISATION_COMMENT
            units.append(Unit("name", block.name.text, block.name.line, comment.format(n=position)))
            if block.title:
                units.append(
                    Unit("title", block.title.text, block.title.line, TITLE_COMMENT.format(n=position))
                )
            continue
        if block.kind == "paragraph":
            paragraph += 1
        for index, sentence in enumerate(block.sentences, start=1):
            if block.kind == "paragraph":
                comment = f"Paragraph {paragraph}, sentence {index}."
            else:
                comment = ROLE_COMMENTS[block.kind]
            if doc.markup and any(c in sentence.text for c in "*`[_"):
                comment = f"{comment} {MARKUP_COMMENT}"
            units.append(Unit(block.kind, sentence.text, sentence.line, comment))
    roles: dict[str, set[str]] = {}
    for unit in units:
        roles.setdefault(unit.text, set()).add(_role_group(unit.role))
    return [
        Unit(u.role, u.text, u.line, u.comment, _role_group(u.role) if len(roles[u.text]) > 1 else None)
        for u in units
    ]


def _role_group(role: str) -> str:
    # All sentences of the letter's prose play one role; names and titles differ.
    return "sentence" if role in ("paragraph", "quote", "item") else role


def parse_locale(code: str, path: str | os.PathLike | None = None) -> Locale:
    """A Babel locale for a language code, or a clear error."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise PipelineError(path, f"unknown language code {code!r}") from exc


def build_template(doc: Document, source_ref: str | None = None) -> Catalog:
    """The gettext template for a document: one entry per sentence, name and title."""
    source_ref = source_ref or doc.source
    catalog = Catalog(
        project=doc.name,
        version=doc.date.isoformat() if doc.date else None,
        header_comment=(
            f"# Translation template for the letter {doc.name!r} ({source_ref}).\n"
            "# Generated by the pipeline (make pot); do not edit: edit the .po files."
        ),
        charset="utf-8",
        creation_date=_build_date(),
        fuzzy=True,
    )
    # A repeated sentence is one entry with all its places, gathered here: Babel's own
    # merge copies the entry's locations on every repeat (20,000 repeats: a minute).
    places: dict[tuple, tuple[dict, dict]] = {}
    for unit in document_units(doc):
        locations, comments = places.setdefault((unit.text, unit.context), ({}, {}))
        locations[(source_ref, unit.line)] = None
        comments[unit.comment] = None
    for (text, context), (locations, comments) in places.items():
        message = Message(text, locations=list(locations), auto_comments=list(comments), context=context)
        # Babel flags text that looks like "%s" as python-format; a letter is
        # not a format string ("50% of"), and msgfmt would then check it as one.
        message.flags.discard("python-format")
        catalog[text] = message
    return catalog


def _build_date() -> datetime.datetime:
    moment = config.source_date()
    if moment is not None:
        return moment
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def message_state(message: Message) -> str:
    """'reviewed' (translated, not fuzzy), 'draft' (fuzzy) or 'untranslated'."""
    if not message.string:
        return "untranslated"
    return "draft" if message.fuzzy else "reviewed"


def _key(message: Message):
    """Babel's key of an entry: its msgid (a plural's singular), with the msgctxt if it has one."""
    msgid = message.id[0] if isinstance(message.id, list | tuple) else message.id
    return (msgid, message.context) if message.context is not None else msgid


def new_catalog(template: Catalog, locale: Locale) -> Catalog:
    """An empty translation catalog for ``locale`` with correct headers."""
    name = locale.get_display_name("en")
    catalog = Catalog(
        locale=locale,
        project=template.project,
        version=template.version,
        header_comment=(
            f"# {name} translation of the letter {template.project!r}.\n"
            "# Entries are kept up to date by the pipeline (make po); a reviewed\n"
            "# translation (not fuzzy) is never changed by it."
        ),
        charset="utf-8",
        creation_date=template.creation_date,
        revision_date=template.creation_date,
        last_translator=f"{template.project} translators",
        language_team=f"{name} <{locale}>",
        fuzzy=False,
    )
    return catalog


def update_catalog(
    template: Catalog, existing: Catalog | None, locale: Locale, matcher: Matcher | None = None
) -> Catalog:
    """Bring a translation catalog in line with the template (like msgmerge).

    Unchanged entries keep their translation; a changed sentence comes back
    fuzzy with its previous msgid and old translation; entries gone from the
    template become obsolete; an obsolete entry whose text returns is revived.
    A reviewed translation is never altered or dropped: when fuzzy matching
    reuses one for a changed sentence, the reviewed original stays as obsolete.
    ``existing`` is updated in place and returned. ``matcher``: the fuzzy
    search to use instead of ``fuzzy.best_matches`` (``fuzzy.MatcherProcess``).
    """
    catalog = existing if existing is not None else new_catalog(template, locale)
    # Babel only matches against live entries; revive obsolete ones first.
    template_keys = {_key(m) for m in template if m.id}
    for key in list(catalog.obsolete):
        if key in template_keys:
            catalog[key[0] if isinstance(key, tuple) else key] = catalog.obsolete.pop(key)
    if has_plural_forms(template) or has_plural_forms(catalog):
        _update_plural(catalog, template, template_keys)
    else:
        # pipeline/po/merge.py: Babel's update without its per-message clone(), then fuzzy matching.
        new_entries, before = merge_template(catalog, template)
        fuzzy_match(catalog, new_entries, before, matcher)
    catalog.locale = locale
    catalog.fuzzy = False
    return catalog


def _update_plural(catalog: Catalog, template: Catalog, template_keys: set) -> None:
    """The merge through Babel's ``Catalog.update``, for catalogs with plural forms."""
    # Babel's update never mutates the old Message objects, so plain references do.
    before = {_key(m): m for m in catalog if m.id}
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, keep_user_comments=True)
    # Babel puts the template's own Message object into the catalog for a new
    # entry; give each catalog its own copy, or a draft written into one
    # language's entry would appear in every catalog updated from this template.
    # (Catalog.__setitem__ would merge into the shared object, so the copy goes
    # into Babel's ordered dict directly, keeping the entry's place.)
    template_ids = {id(m) for m in template}
    for message in list(catalog):
        if id(message) in template_ids:
            catalog._messages[catalog._key_for(message.id, message.context)] = message.clone()
    new_keys = [k for k in template_keys if k not in before]
    fuzzy_match(
        catalog, [catalog.get(*k) if isinstance(k, tuple) else catalog.get(k) for k in new_keys], before
    )
    for key, old in before.items():
        current = catalog.get(*key) if isinstance(key, tuple) else catalog.get(key)
        if current is None:
            continue
        # Babel forgets the previous msgid of an entry that is still fuzzy.
        if current.fuzzy and not current.previous_id and old.previous_id:
            current.previous_id = list(old.previous_id)
            current.previous_context = getattr(old, "previous_context", None)
        if message_state(old) == "reviewed" and (current.string != old.string or current.fuzzy):
            raise AssertionError(f"update would alter the reviewed translation of {key!r}")
    for message in catalog:
        message.flags.discard("python-format")


def catalog_stats(catalog: Catalog) -> Stats:
    """Entry and source-word counts per state, obsolete entries excluded."""
    counts = Counter()
    words = Counter()
    for message in catalog:
        if not message.id:
            continue
        state = message_state(message)
        counts[state] += 1
        words[state] += len(str(message.id).split())
    return Stats(
        total=sum(counts.values()),
        reviewed=counts["reviewed"],
        draft=counts["draft"],
        untranslated=counts["untranslated"],
        total_words=sum(words.values()),
        reviewed_words=words["reviewed"],
        draft_words=words["draft"],
        untranslated_words=words["untranslated"],
    )


def catalog_paths(doc_name: str, translations: Path, langs: list[str]) -> tuple[Path, dict[str, Path]]:
    """Where a letter's template and per-language catalogs live."""
    folder = Path(translations) / doc_name
    return folder / f"{doc_name}.pot", {lang: folder / f"{lang}.po" for lang in langs}


__all__ = [
    "VOLATILE_HEADERS",
    "Stats",
    "Unit",
    "__version__",
    "build_template",
    "catalog_bytes",
    "catalog_paths",
    "catalog_stats",
    "document_units",
    "message_state",
    "new_catalog",
    "parse_locale",
    "read_catalog",
    "update_catalog",
    "write_catalog",
]

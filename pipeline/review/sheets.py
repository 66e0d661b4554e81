"""Review sheets: one HTML page per language, side by side, problems first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from markupsafe import Markup, escape

from pipeline.document.model import Document
from pipeline.po.catalog import catalog_stats, document_units, message_state, parse_locale
from pipeline.po.signoff import read_signoffs, signoff_status, source_hash
from pipeline.review.checks import ERROR, Finding, check_catalog, check_parity
from pipeline.templating import template_environment
from pipeline.text.unichars import SHOWN, char_name, visible_token

STATE_RANK = {"untranslated": 2, "draft": 3, "reviewed": 4}


def visible(text: object) -> Markup:
    """``text`` escaped, with each control or invisible character shown as a marked token (␛, ⟨U+202E⟩).

    A raw ESC or a right-to-left override in the sheet would hide the very problem under review.
    """

    def token(match: re.Match) -> str:
        char = match.group()
        return f'<span class="ctl" title="{char_name(char)}">{visible_token(char)}</span>'

    return Markup(SHOWN.sub(token, str(escape(text))))


@dataclass
class Row:
    number: int  # position in the letter
    ref: str
    role: str
    source: str
    translation: str
    state: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # translator comments: MT provenance, alternatives

    @property
    def rank(self) -> int:
        if any(f.severity == ERROR for f in self.findings):
            return 0
        if self.findings:
            return 1
        return STATE_RANK[self.state]


def review_rows(doc: Document, lang: str, catalog: Catalog, findings: list[Finding]) -> list[Row]:
    """One row per catalog entry, problems first, then drafts and untranslated, then the rest."""
    order = {}
    roles = {}
    for index, unit in enumerate(document_units(doc)):
        order.setdefault((unit.text, unit.context), index)
        roles.setdefault((unit.text, unit.context), unit.role)
    by_entry: dict[tuple, list[Finding]] = {}
    for finding in findings:
        by_entry.setdefault(finding.msgid, []).append(finding)
    rows = []
    for message in catalog:
        if not message.id:
            continue
        key = (message.id, message.context)
        rows.append(
            Row(
                number=order.get(key, len(order)) + 1,
                ref=", ".join(f"{p}:{n}" for p, n in message.locations),
                role=roles.get(key, "?"),
                source=str(message.id),
                translation=str(message.string or ""),
                state=message_state(message),
                findings=by_entry.get(str(message.id), []),
                notes=list(message.user_comments),
            )
        )
    return sorted(rows, key=lambda r: (r.rank, r.number))


def render_review(doc: Document, lang: str, catalog: Catalog, translations: Path) -> str:
    findings = check_catalog(doc, lang, catalog) + check_parity(doc, {lang: catalog})
    rows = review_rows(doc, lang, catalog, findings)
    signoff = read_signoffs(translations, doc.name).get(lang)
    stale = signoff_status(signoff, source_hash(doc.source), catalog) if signoff else None
    environment = template_environment()
    environment.filters["visible"] = visible
    template = environment.get_template("review.html.j2")
    return template.render(
        letter=doc.name,
        lang=lang,
        language=parse_locale(lang).get_display_name("en"),
        rows=rows,
        stats=catalog_stats(catalog),
        errors=sum(f.severity == ERROR for f in findings),
        warnings=sum(f.severity != ERROR for f in findings),
        signoff=signoff,
        stale=stale,
    )

"""The ``glossary`` check of ``make check``: agreed terms used, forbidden variants absent."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.memory.glossary import check_entry, load_glossary
from pipeline.review.findings import Finding


def glossary_findings(lang: str, catalog: Catalog, translations: Path) -> list:
    """The ``glossary`` check of ``make check`` over one catalog's translated entries."""
    terms = load_glossary(translations)
    findings = []
    if not terms:
        return findings
    for message in catalog:
        if not message.id or not message.string or "ignore-glossary" in message.flags:
            continue
        ref = ", ".join(f"{p}:{n}" for p, n in message.locations[:1]) or "?"
        for severity, reason in check_entry(str(message.id), str(message.string), lang, terms):
            findings.append(Finding(lang, ref, str(message.id), "glossary", severity, reason))
    return findings

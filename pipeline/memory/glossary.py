"""The project glossary: agreed forms of terms per language, shown, enforced and protected.

``translations/glossary.csv`` is a plain CSV a translator can edit in any
spreadsheet: a ``term`` column (English), one column per language with the
agreed form (several accepted forms, e.g. inflections, separated by ``|``),
``note``, and ``<lang>_forbidden`` columns of variants not to use (``|``
separated). ``translations/glossary.tbx`` (TBX, read by translate-toolkit)
adds terms the same way. The glossary is used three ways: translator comments
at ``make po``, the ``glossary`` check of ``make check``, and masking in
machine translation (like numbers).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.errors import PipelineError

CSV_NAME = "glossary.csv"
TBX_NAME = "glossary.tbx"
MARK = "Glossary:"
PLACEHOLDER = re.compile(r"TERM([A-Z]+)")


@dataclass(frozen=True)
class Term:
    term: str
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    forbidden: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def pattern(self) -> re.Pattern:
        return _word_pattern(self.term)

    def forms_for(self, lang: str) -> tuple[str, ...]:
        return self.forms.get(lang) or self.forms.get(lang.split("_")[0].split("-")[0], ())

    def forbidden_for(self, lang: str) -> tuple[str, ...]:
        return self.forbidden.get(lang) or self.forbidden.get(lang.split("_")[0].split("-")[0], ())


def _word_pattern(text: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)", re.IGNORECASE)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


def read_csv(path: Path) -> list[Term]:
    """Terms of a glossary CSV; a missing ``term`` column or an empty term names the line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PipelineError(path, "not UTF-8 text") from exc
    except OSError as exc:
        raise PipelineError(path, f"cannot read: {exc.strerror or exc}") from exc
    # strict: a quote never closed is an error, not the rest of the file read as one field
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1  # line the row being read starts on
    try:
        fields = [f.strip() for f in next(rows, [])]
        if "term" not in fields:
            raise PipelineError(
                path, "no 'term' column (columns: term, <lang>..., note, <lang>_forbidden)", 1
            )
        terms = []
        while True:
            start = rows.line_num + 1
            if (record := next(rows, None)) is None:
                break
            row = dict(zip(fields, record, strict=False))  # columns past the header's are ignored
            if not any(value.strip() for value in row.values()):
                continue
            if not row.get("term", "").strip():
                raise PipelineError(path, "empty term", start)
            forms = {
                k: _split(v) for k, v in row.items() if k not in ("term", "note") and "_forbidden" not in k
            }
            forbidden = {
                k.removesuffix("_forbidden"): _split(v) for k, v in row.items() if k.endswith("_forbidden")
            }
            terms.append(
                Term(
                    row["term"].strip(),
                    {k: v for k, v in forms.items() if v},
                    row.get("note", "").strip(),
                    {k: v for k, v in forbidden.items() if v},
                )
            )
    except csv.Error as exc:
        why = "a quote opened here is never closed" if "end of data" in str(exc) else str(exc)
        raise PipelineError(path, f"CSV error: {why}", start) from None
    return terms


def read_tbx(path: Path) -> list[Term]:
    """Terms of a TBX file, parsed by translate-toolkit: the English term and each langSet's terms."""
    from translate.storage.tbx import tbxfile

    try:
        store = tbxfile.parsefile(str(path))
    except Exception as exc:  # lxml's and the toolkit's parse errors share no base class
        line = getattr(exc, "lineno", None)
        raise PipelineError(path, f"unreadable TBX: {exc}", line if isinstance(line, int) else None) from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    terms = []
    for unit in store.units:
        forms: dict[str, list[str]] = {}
        for element in unit.xmlelement.iter():
            if isinstance(element.tag, str) and element.tag.endswith("langSet"):
                lang = (element.get(xml_lang) or "").replace("-", "_")
                words = []
                for term in element.iter():
                    if isinstance(term.tag, str) and term.tag.split("}")[-1] == "term":
                        if not (term.text or "").strip():  # it would match everywhere
                            raise PipelineError(path, "empty term", term.sourceline)
                        words.append(term.text.strip())
                forms.setdefault(lang, []).extend(words)
        english = next((v for k, v in forms.items() if k.split("_")[0] == "en" and v), None)
        if english:
            others = {k: tuple(v) for k, v in forms.items() if k.split("_")[0] != "en" and v}
            terms.append(Term(english[0], others))
    return terms


def load_glossary(translations: Path) -> list[Term]:
    """The project's glossary (CSV and TBX), longest terms first; empty without one."""
    root = Path(translations)
    terms: list[Term] = []
    if (root / CSV_NAME).exists():
        terms.extend(read_csv(root / CSV_NAME))
    if (root / TBX_NAME).exists():
        terms.extend(read_tbx(root / TBX_NAME))
    return sorted(terms, key=lambda t: -len(t.term))


def terms_in(text: str, terms: Iterable[Term]) -> list[Term]:
    return [t for t in terms if t.pattern.search(text)]


def glossary_comments(source: str, lang: str, terms: Iterable[Term]) -> list[str]:
    """``Glossary: term → form (note)`` for each term of the glossary found in ``source``."""
    lines = []
    for term in terms_in(source, terms):
        forms, forbidden = term.forms_for(lang), term.forbidden_for(lang)
        if not forms and not forbidden and not term.note:
            continue
        line = f"{MARK} {term.term} → {' | '.join(forms) or '?'}"
        if term.note:
            line += f" ({term.note})"
        if forbidden:
            line += f"; not: {', '.join(forbidden)}"
        lines.append(line)
    return lines


def annotate_catalog(catalog: Catalog, lang: str, terms: list[Term]) -> int:
    """Refresh the glossary comments of every entry (first among its translator comments)."""
    count = 0
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        lines = glossary_comments(message.id, lang, terms) if terms else []
        kept = [c for c in message.user_comments if not c.startswith(MARK)]
        message.user_comments = lines + kept
        count += bool(lines)
    return count


def check_entry(source: str, target: str, lang: str, terms: Iterable[Term]) -> list[tuple[str, str]]:
    """(severity, reason): a forbidden variant is an error; the agreed form missing, a warning
    (a form may be inflected: list accepted forms separated by ``|``)."""
    found = []
    for term in terms_in(source, terms):
        for variant in term.forbidden_for(lang):
            if _word_pattern(variant).search(target):
                found.append(("error", f"forbidden variant {variant!r} of glossary term {term.term!r}"))
        forms = term.forms_for(lang)
        if forms and not any(form.lower() in target.lower() for form in forms):
            found.append(("warning", f"glossary term {term.term!r} should be {' | '.join(forms)!r} here"))
    return found


def _placeholder(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"TERM{letters}"


def _index(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value - 1


def mask_terms(text: str, lang: str, terms: Iterable[Term]) -> tuple[str, list[str]]:
    """Replace each glossary term that has a form in ``lang`` with TERMA, TERMB, …

    The placeholders hold no digits, so number masking (NUM0…) never touches
    them; ``unmask_terms`` puts the agreed forms in their place.
    """
    forms: list[str] = []
    for term in terms:  # longest first (load_glossary's order)
        agreed = term.forms_for(lang)
        if not agreed:
            continue

        def swap(match: re.Match, form: str = agreed[0]) -> str:
            forms.append(form)
            return _placeholder(len(forms) - 1)

        text = term.pattern.sub(swap, text)
    return text, forms


def unmask_terms(text: str, forms: list[str]) -> tuple[str, bool]:
    """Put the agreed forms back; False when a placeholder was lost or invented by the model."""
    seen = []

    def swap(match: re.Match) -> str:
        index = _index(match.group(1))
        if index < len(forms):
            seen.append(index)
            return forms[index]
        return match.group(0)

    restored = PLACEHOLDER.sub(swap, text)
    return restored, sorted(seen) == list(range(len(forms)))


__all__ = [
    "Term",
    "annotate_catalog",
    "check_entry",
    "glossary_comments",
    "load_glossary",
    "mask_terms",
    "unmask_terms",
]

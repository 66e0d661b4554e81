"""Stage 4: quality checks that tell reviewers what to look at (like pofilter).

Each check looks at one translated entry (or, for parity, at all catalogs)
and yields findings of severity ``error`` or ``warning``. A known false
positive is silenced on one entry with the flag ``ignore-<check>`` on its
``#,`` line (the convention Weblate also reads), e.g. ``#, ignore-english``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline.document.model import Document
from pipeline.lang.locales import likely_script
from pipeline.lang.typography import NBSP, NNBSP, has_quotes, quote_counts, quotes_for
from pipeline.po.catalog import document_units, read_catalog
from pipeline.review.findings import ERROR, WARNING, Entry, Finding
from pipeline.review.glossary_check import glossary_findings
from pipeline.text.markup import markup_entry_check
from pipeline.text.unichars import (
    BIDI_CONTROLS,
    BIDI_MARKS,
    char_name,
    controls,
    longest_mark_run,
)

NUMBER = re.compile(r"\d+")
DIGIT_GROUP = re.compile(r"(?<=\d)[,.\s\u00a0\u202f](?=\d{3}(?!\d))")
# A decade written with two digits ("the 90s", "'90s"): a translation may write it in full
# ("années 1990", "1990-х"), as French and Russian style guides prefer.
DECADE = re.compile(r"(?<!\d)['’]?(\d0)['’]?s\b")
BRACKETS = ("()", "[]", "{}")
END_PUNCTUATION = ".,:;!?…"
AZ_LETTERS = set("abcçdeəfgğhxıijkqlmnoöprsştuüvyzw")
# Unambiguous English function words: none is a word of French or Azerbaijani.
ENGLISH_WORDS = set(
    [
        "the",
        "and",
        "with",
        "which",
        "their",
        "this",
        "that",
        "these",
        "those",
        "from",
        "have",
        "has",
        "were",
        "was",
        "our",
        "your",
        "will",
        "would",
        "should",
        "must",
        "into",
        "between",
        "within",
        "while",
        "however",
        "whose",
        "who",
        "what",
        "where",
        "when",
        "been",
        "being",
        "there",
        "they",
    ]
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
WORD = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*")


def _numbers(text: str) -> list[str]:
    return sorted(NUMBER.findall(DIGIT_GROUP.sub("", text)))


def _decades_in_full(source_text: str, source: list[str], target: list[str]) -> list[str]:
    """``target`` with a year that writes out a two-digit decade of the source ("90s" -> "1990") read as it."""
    target = list(target)
    for decade in DECADE.findall(source_text):
        if target.count(decade) >= source.count(decade):
            continue
        spare = [
            n for n in target if len(n) == 4 and n.endswith(decade) and target.count(n) > source.count(n)
        ]
        if spare:
            target[target.index(spare[0])] = decade
    return sorted(target)


def check_numbers(entry: Entry) -> Iterator[tuple[str, str]]:
    source, target = _numbers(entry.source), _numbers(entry.target)
    if source != target:
        target = _decades_in_full(entry.source, source, target)
    if source != target:
        yield (
            ERROR,
            f"numbers differ: source {', '.join(source) or 'none'}; translation {', '.join(target) or 'none'}",
        )


def check_brackets(entry: Entry) -> Iterator[tuple[str, str]]:
    for pair in BRACKETS:
        opened, closed = entry.target.count(pair[0]), entry.target.count(pair[1])
        if opened != closed:
            yield ERROR, f"unbalanced brackets {pair}: {opened} opening, {closed} closing"
        elif opened != entry.source.count(pair[0]):
            yield WARNING, f"brackets {pair} differ from the source"


def _quote_pairs(text: str, lang: str) -> tuple[int, int]:
    """(opening, closing) counts of the language's CLDR quotation marks in ``text``, apostrophes aside."""
    return quote_counts(text, lang)


def check_quotes(entry: Entry) -> Iterator[tuple[str, str]]:
    target = entry.target
    if '"' in target:
        # a straight quote is never this language's mark (and its pairing is unknowable)
        count = target.count('"')
        if count % 2:
            yield ERROR, 'unbalanced straight quotation marks (")'
    else:
        opened, closed = _quote_pairs(target.replace("'", ""), entry.lang)
        if opened != closed:
            yield ERROR, f"unbalanced quotation marks: {opened} opening, {closed} closing"
    source_quoted = bool(re.search(r'["“”«»‘]|(?:^|\s)\'\w', entry.source))
    target_quoted = has_quotes(target, entry.lang)
    # An organisation's name in a signatory's title: Russian, French, Azerbaijani (and
    # most languages but English) set it in quotation marks where English has none.
    added_to_name = entry.role == "title" and target_quoted and not source_quoted
    if source_quoted != target_quoted and not added_to_name:
        yield WARNING, "quotation marks differ from the source"


def _end(text: str) -> str:
    stripped = text.rstrip(" \u00a0\u202f\"'“”«»’)]")
    return stripped[-1:] if stripped[-1:] in END_PUNCTUATION else ""


def check_end_punctuation(entry: Entry) -> Iterator[tuple[str, str]]:
    source, target = _end(entry.source), _end(entry.target)
    if source != target:
        yield (
            WARNING,
            f"end punctuation differs: source {source or 'none'!r}, translation {target or 'none'!r}",
        )


def check_typography(entry: Entry) -> Iterator[tuple[str, str]]:
    target, lang = entry.target, entry.lang.split("_")[0]
    if lang != "en" and '"' in target:
        start, end = quotes_for(lang)[:2]
        yield WARNING, f"straight quotation marks; {lang} uses {start}…{end}"
    if lang == "fr":
        for match in re.finditer(r"(.)([;!?:])", target):
            before, mark = match.groups()
            if mark == ":" and before.isdigit():
                continue  # 10:30
            if before not in (NBSP, NNBSP):
                yield WARNING, f"French spacing: a no-break space is needed before {mark!r}"
                break
        if re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", target):
            yield WARNING, "French spacing: no-break spaces are needed inside « »"


def _is_cyrillic(char: str) -> bool:
    return "CYRILLIC" in unicodedata.name(char, "")


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def check_script(entry: Entry) -> Iterator[tuple[str, str]]:
    lang = entry.lang.split("_")[0]
    target = entry.target
    if lang == "az":
        for char in dict.fromkeys(target):
            if char.isalpha() and not _is_latin(char):
                yield (
                    ERROR,
                    f"non-Latin letter {char!r} (U+{ord(char):04X} {unicodedata.name(char, '?')}) in Azerbaijani text",
                )
            elif char.isalpha() and char.lower() not in AZ_LETTERS and char not in "İ":
                yield WARNING, f"{char!r} is not a letter of the Azerbaijani alphabet"
    elif lang == "ru":
        for word in WORD.findall(target):
            has_latin = any(_is_latin(c) for c in word)
            has_cyrillic = any(_is_cyrillic(c) for c in word)
            if has_latin and has_cyrillic:
                yield ERROR, f"mixed Latin and Cyrillic letters in {word!r}"
            elif has_latin and entry.role == "name":
                yield ERROR, f"name left untransliterated: {word!r}"
            elif has_latin and word not in entry.source_words:
                yield (
                    ERROR,
                    f"Latin word {word!r} in Russian text (only names and acronyms of the source may stay Latin)",
                )


def check_english(entry: Entry) -> Iterator[tuple[str, str]]:
    if entry.lang.split("_")[0] == "en" or entry.role == "name":
        return
    words = [w.lower() for w in LATIN_WORD.findall(entry.target)]
    leaked = sorted({w for w in words if w in ENGLISH_WORDS})
    if leaked:
        yield ERROR, f"English left in the translation: {', '.join(leaked)}"
        return
    source = LATIN_WORD.findall(entry.source)
    common = {f"{a} {b}" for a, b in pairwise(source) if a.islower() and b.islower()}
    target_pairs = {f"{a} {b}" for a, b in pairwise(words)}
    leaked_pairs = sorted(common & target_pairs)
    if leaked_pairs:
        yield WARNING, f"English phrase left in the translation: {', '.join(leaked_pairs)}"


def check_identical(entry: Entry) -> Iterator[tuple[str, str]]:
    if entry.role != "name" and entry.target == entry.source and len(entry.source.split()) >= 2:
        yield WARNING, "translation identical to the source"


# Expected length of a translation from English, in characters, by the target's script:
# one Han or kana character carries about a word's syllable, so Chinese and Japanese
# run to about a third of English and Korean to about half (measured on parallel text).
LENGTH_RATIOS = {"Hans": (0.15, 1.0), "Hant": (0.15, 1.0), "Jpan": (0.15, 1.0), "Kore": (0.25, 1.5)}


def check_length(entry: Entry) -> Iterator[tuple[str, str]]:
    if len(entry.source) >= 25:
        ratio = len(entry.target) / len(entry.source)
        low, high = LENGTH_RATIOS.get(likely_script(entry.lang), (0.5, 2.5))
        if not low <= ratio <= high:
            yield WARNING, f"length {ratio:.2f}× the source's (expected {low:g}–{high:g}×)"


MAX_COMBINING = 3  # marks on one base letter; Vietnamese needs 2 (NFC leaves fewer), a smear dozens


def check_bidi(entry: Entry) -> Iterator[tuple[str, str]]:
    marks_allowed = any(char in BIDI_MARKS for char in entry.source)
    found = [
        char
        for char in dict.fromkeys(entry.target)
        if char in BIDI_CONTROLS or (char in BIDI_MARKS and not marks_allowed)
    ]
    if found:
        names = ", ".join(char_name(char) for char in found)
        yield ERROR, f"bidirectional control character {names}: it can reorder what the reader sees"


def check_combining(entry: Entry) -> Iterator[tuple[str, str]]:
    longest = longest_mark_run(entry.target)
    if longest > MAX_COMBINING:
        yield (
            ERROR,
            f"{longest} combining marks on one letter (at most {MAX_COMBINING}): they smear over the text",
        )


def check_control(entry: Entry) -> Iterator[tuple[str, str]]:
    found = controls(entry.target)
    if found:
        yield ERROR, f"control character {', '.join(char_name(char) for char in found)}"


ENTRY_CHECKS = {
    "numbers": check_numbers,
    "brackets": check_brackets,
    "quotes": check_quotes,
    "end-punctuation": check_end_punctuation,
    "typography": check_typography,
    "script": check_script,
    "english": check_english,
    "identical": check_identical,
    "length": check_length,
    "bidi": check_bidi,
    "combining": check_combining,
    "control": check_control,
    "markup": markup_entry_check,  # inline markup of Markdown/HTML/Word letters kept (readers/markup.py)
}
ALL_CHECKS = (*ENTRY_CHECKS, "names", "parity", "glossary")


def _ref(message: Message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations[:1]) or "?"


def _ignored(message: Message, check: str) -> bool:
    return f"ignore-{check}" in message.flags


def check_catalog(doc: Document, lang: str, catalog: Catalog) -> list[Finding]:
    """Findings of every entry check, and of name consistency, for one catalog."""
    units = document_units(doc)
    roles = {(u.text, u.context): u.role for u in units}
    # words that may stay Latin in Russian: names and acronyms of the source
    source_words = frozenset(w for u in units for w in WORD.findall(u.text) if w[:1].isupper())
    findings = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        entry = Entry(lang, message, roles.get((message.id, message.context), "sentence"), source_words)
        for name, check in ENTRY_CHECKS.items():
            if _ignored(message, name):
                continue
            for severity, reason in check(entry):
                findings.append(Finding(lang, _ref(message), str(message.id), name, severity, reason))
    findings.extend(_name_consistency(lang, catalog, roles))
    return findings


def _name_consistency(lang: str, catalog: Catalog, roles: dict) -> list[Finding]:
    """The same source word of a name should be spelled one way (Mammadov -> Мамедов)."""
    spellings: dict[str, dict[str, list[Message]]] = defaultdict(lambda: defaultdict(list))
    for message in catalog:
        if roles.get((message.id, message.context)) != "name" or not message.string or message.fuzzy:
            continue
        source, target = str(message.id).split(), str(message.string).split()
        if len(source) == len(target):
            for s, t in zip(source, target, strict=True):
                spellings[s][t].append(message)
    findings = []
    for word, forms in spellings.items():
        if len(forms) < 2:
            continue
        usual = max(forms, key=lambda f: len(forms[f]))
        for form, messages in forms.items():
            if form == usual:
                continue
            for message in messages:
                if not _ignored(message, "names"):
                    reason = f"{word!r} is spelled {form!r} here but {usual!r} elsewhere in this catalog"
                    findings.append(Finding(lang, _ref(message), str(message.id), "names", WARNING, reason))
    return findings


def check_parity(doc: Document, catalogs: dict[str, Catalog]) -> list[Finding]:
    """Every language has the document's entries, and its signatories in the same order."""
    units = document_units(doc)
    keys = {(u.text, u.context) for u in units}
    names = [u.text for u in units if u.role == "name"]
    findings = []
    for lang, catalog in catalogs.items():
        live = {(m.id, m.context) for m in catalog if m.id}
        for text, _context in sorted(keys - live, key=str):
            findings.append(
                Finding(lang, "-", text, "parity", ERROR, "entry missing from this catalog; run `make po`")
            )
        for text, _context in sorted(live - keys, key=str):
            findings.append(
                Finding(lang, "-", text, "parity", ERROR, "entry not in the letter; run `make po`")
            )
        order = [m.id for m in catalog if m.id and (m.id, m.context) in keys and m.id in names]
        if order != sorted(order, key=names.index):
            findings.append(
                Finding(
                    lang, "-", "(signatories)", "parity", ERROR, "signatories are not in the letter's order"
                )
            )
    return findings


def check_all(
    doc: Document, langs: list[str], translations: Path, read: dict[str, Catalog] | None = None
) -> list[Finding]:
    """Every finding of ``langs``' catalogs; ``read`` holds catalogs already read (checked as they are)."""
    read = read or {}
    catalogs = {
        lang: read[lang] if lang in read else read_catalog(Path(translations) / doc.name / f"{lang}.po")
        for lang in langs
    }
    findings = []
    for lang, catalog in catalogs.items():
        findings.extend(check_catalog(doc, lang, catalog))
        findings.extend(glossary_findings(lang, catalog, translations))  # glossary.py
    findings.extend(check_parity(doc, catalogs))
    return findings

"""Stage 3: untranslated catalog entries -> machine-translated drafts for reviewers.

Only untranslated entries are touched; each result is a fuzzy draft with its
provenance. Personal names never go to the model. Numbers are masked before
translation and restored after. Results are saved batch by batch, so an
interrupted run leaves valid files and a rerun continues where it stopped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from .catalog import document_units, read_catalog, write_catalog
from .document import Document
from .translit import transliterate_name

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PLACEHOLDER = re.compile(r"NUM(\d+)")
MARK = "MT"  # prefix of the translator comments this stage writes
BATCH_SIZE = int(os.environ.get("MT_BATCH_SIZE", "16"))
INTER_THREADS = int(os.environ.get("MT_INTER_THREADS", str(min(2, os.cpu_count() or 1))))
INTRA_THREADS = int(os.environ.get("MT_INTRA_THREADS", "1"))
BEAM_SIZE = 4
ALTERNATIVES = 2


@dataclass
class Job:
    """One sentence for the model."""

    message: Message
    masked: str
    numbers: list[str]


@dataclass
class Report:
    lang: str
    translated: int = 0
    names: int = 0
    flagged: int = 0
    missing_model: bool = False
    loaded_model: str | None = None
    notes: list[str] = field(default_factory=list)


def mask_numbers(text: str) -> tuple[str, list[str]]:
    """Replace every number with NUM0, NUM1, … so the model cannot alter it."""
    numbers: list[str] = []

    def swap(match: re.Match) -> str:
        numbers.append(match.group(0))
        return f"NUM{len(numbers) - 1}"

    return NUMBER.sub(swap, text), numbers


def unmask_numbers(text: str, numbers: list[str]) -> tuple[str, bool]:
    """Put the numbers back; False when the draft's numbers differ from the source's."""

    def swap(match: re.Match) -> str:
        index = int(match.group(1))
        return numbers[index] if index < len(numbers) else match.group(0)

    restored = PLACEHOLDER.sub(swap, text)
    return restored, sorted(NUMBER.findall(restored)) == sorted(numbers)


def _set_comments(message: Message, lines: list[str]) -> None:
    """Replace this stage's comments (always last; the PO writer may wrap them) with ``lines``."""
    kept = []
    for comment in message.user_comments:
        if comment.startswith((f"{MARK} ", "Name draft")):
            break
        kept.append(comment)
    message.user_comments = kept + lines


def draft_name(message: Message, lang: str) -> None:
    """Names are never machine-translated: a transliterated or copied draft."""
    if lang.split("_")[0] == "ru":
        message.string = transliterate_name(str(message.id))
        note = "Name draft: rule-based Cyrillic transliteration (not machine translation); use the spelling the press uses."
    else:
        message.string = str(message.id)
        note = "Name draft: Latin spelling kept from the source (not machine translation); check it."
    message.flags.add("fuzzy")
    _set_comments(message, [note])


def _detokenizer(package):
    # Argos' SentencePiece decode turns "_" into spaces; decode with the
    # processor itself. BPE packages keep Argos' own Moses detokenizer.
    tokenizer = package.tokenizer
    if hasattr(tokenizer, "lazy_processor"):
        processor = tokenizer.lazy_processor()
        return lambda tokens: processor.decode_pieces(tokens)
    return tokenizer.decode


def translate_catalog(
    doc: Document,
    lang: str,
    po_path: Path,
    find_package: Callable[[str], object],
    on_result: Callable[[int, int], None] | None = None,
    save_every: int = BATCH_SIZE,
) -> Report:
    """Fill the untranslated entries of one catalog with drafts, saving as it goes."""
    report = Report(lang)
    catalog = read_catalog(po_path)
    names = {(u.text, u.context) for u in document_units(doc) if u.role == "name"}
    todo = [m for m in catalog if m.id and not m.string]
    if not todo:
        report.notes.append("nothing to translate")
        return report
    jobs: list[Job] = []
    for message in todo:
        if (message.id, message.context) in names:
            draft_name(message, lang)
            report.names += 1
        else:
            masked, numbers = mask_numbers(str(message.id))
            jobs.append(Job(message, masked, numbers))
    if report.names:
        write_catalog(po_path, catalog)
    if not jobs:
        return report
    package = find_package(lang)
    if package is None:
        report.missing_model = True
        return report
    report.loaded_model = f"{package.code or 'translate-en_' + lang} {package.package_version}"
    try:
        _run_model(package, jobs, catalog, po_path, report, on_result, save_every)
    except KeyboardInterrupt:
        write_catalog(po_path, catalog)  # keep the finished batches
        raise
    write_catalog(po_path, catalog)
    return report


def _run_model(
    package, jobs, catalog: Catalog, po_path: Path, report: Report, on_result, save_every: int
) -> None:
    import ctranslate2

    translator = ctranslate2.Translator(
        str(Path(package.package_path) / "model"),
        device="cpu",
        compute_type="auto",
        inter_threads=INTER_THREADS,
        intra_threads=INTRA_THREADS,
    )
    detokenize = _detokenizer(package)
    prefix = getattr(package, "target_prefix", "") or ""
    sources = [package.tokenizer.encode(job.masked) for job in jobs]
    # One batched call for the whole language: translate_iterable feeds
    # translate_batch asynchronously in batches of BATCH_SIZE sentences
    # (sorted by length) and yields results in order as batches finish.
    results = translator.translate_iterable(
        sources,
        target_prefix=[[prefix]] * len(sources) if prefix else None,
        max_batch_size=BATCH_SIZE,
        batch_type="examples",
        beam_size=BEAM_SIZE,
        num_hypotheses=1 + ALTERNATIVES,
        return_scores=True,
    )
    code = f"{package.code or 'translate-en_' + report.lang} {package.package_version}"
    for done, (job, result) in enumerate(zip(jobs, results, strict=True), start=1):
        texts = []
        for hypothesis in result.hypotheses:
            tokens = hypothesis[1:] if prefix and hypothesis[:1] == [prefix] else hypothesis
            texts.append(detokenize(tokens).strip())
        text, same_numbers = unmask_numbers(texts[0], job.numbers)
        message = job.message
        message.string = text
        message.flags.add("fuzzy")
        lines = [f"{MARK} draft, needs review: {code}, score {result.scores[0]:.3f}"]
        for number, alternative in enumerate(texts[1 : 1 + ALTERNATIVES], start=1):
            lines.append(f"{MARK} alternative {number}: {unmask_numbers(alternative, job.numbers)[0]}")
        if not same_numbers:
            lines.append(f"{MARK} check: numbers differ from the source ({', '.join(job.numbers) or 'none'})")
            report.flagged += 1
        _set_comments(message, lines)
        report.translated += 1
        if on_result:
            on_result(done, len(jobs))
        if done % save_every == 0:
            write_catalog(po_path, catalog)


def missing_model_message(lang: str) -> str:
    return (
        f"no en→{lang} model installed (package translate-en_{lang}); run `make models` where the "
        f"Argos index is reachable, or `make models ARGOS_MODELS=<folder with translate-en_{lang}-*.argosmodel>`"
    )

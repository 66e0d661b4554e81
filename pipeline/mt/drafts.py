"""Stage 3: untranslated catalog entries -> machine-translated drafts for reviewers.

Only untranslated entries are touched; each result is a fuzzy draft with its
provenance. Personal names never go to the model. Numbers are masked before
translation and restored after.

Each finished batch is appended to a journal next to the catalog
(``.<lang>.mt-journal.jsonl``, flushed and fsynced per batch: linear cost, unlike
rewriting the catalog per batch), and the catalog is saved once at the end, on
Ctrl-C or SIGTERM, through the locked, merging save of ``locks.py``. After a
kill -9 the next run first applies the journal (only to entries still
untranslated: never over a person's work) and continues.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from pipeline import config
from pipeline.document.model import Document
from pipeline.errors import PipelineError
from pipeline.fileio import fsync_dir, open_append, write_target
from pipeline.lang.translit import name_draft, names_origin
from pipeline.memory.glossary import load_glossary, mask_terms, unmask_terms
from pipeline.mt.draft_rules import draft_problem
from pipeline.mt.engines import configured_engine
from pipeline.po.catalog import document_units
from pipeline.po.save import CatalogFile, catalog_lock, save_catalog

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PLACEHOLDER = re.compile(r"NUM(\d+)")
MARK = "MT"  # prefix of the translator comments this stage writes
BATCH_SIZE = int(config.raw("MT_BATCH_SIZE"))
INTER_THREADS = int(config.raw("MT_INTER_THREADS"))
INTRA_THREADS = int(config.raw("MT_INTRA_THREADS"))
BEAM_SIZE = 4
ALTERNATIVES = 2
# Argos' decoding options (argostranslate/translate.py); our batches are sorted
# by length, so one decoding bound per batch is tight for all its sentences.
LENGTH_PENALTY = 0.2
MAX_INPUT_LENGTH = 1024  # CTranslate2's default bound on source tokens
MAX_DECODING_LENGTH = 256  # CTranslate2's default bound on target tokens


@dataclass
class Job:
    """One sentence for the model."""

    message: Message
    masked: str
    numbers: list[str]
    terms: list[str] = field(default_factory=list)  # glossary forms behind TERMA, TERMB, … (glossary.py)


@dataclass
class Report:
    lang: str
    translated: int = 0
    names: int = 0
    flagged: int = 0
    rejected: int = 0  # drafts not written (mt_drafts.py): the entries stay untranslated
    resumed: int = 0  # drafts taken from the journal of an interrupted run
    missing_model: bool = False
    loaded_model: str | None = None
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # a person's newer edits kept by the save
    longest_input: int = 0  # tokens
    output_lengths: list[int] = field(default_factory=list)  # tokens of each best hypothesis


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


def draft_name(message: Message, lang: str, origin: str | None = None, kind: str = "person") -> None:
    """Names are never machine-translated: a transliterated or copied draft (pipeline.lang.translit)."""
    draft = name_draft(str(message.id), lang, origin, kind)
    message.string = draft.text
    note = f"Name draft: {draft.method} (not machine translation); use the spelling the press uses."
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


def decoding_limit(source_tokens: int) -> int:
    """Most target tokens for a source of this length, so a looping model stops early."""
    return min(2 * source_tokens + 10, MAX_DECODING_LENGTH)


def journal_path(po_path: Path) -> Path:
    """``translations/<letter>/.<lang>.mt-journal.jsonl`` for ``…/<lang>.po``."""
    return Path(po_path).with_name(f".{Path(po_path).stem}.mt-journal.jsonl")


class Journal:
    """Append-only record of finished drafts; one JSON object a line, fsynced per batch.

    A journal that is a link out of the project is refused here, before any work.
    """

    def __init__(self, path: Path):
        self.path = write_target(path)
        self.handle = None
        self.pending: list[dict] = []  # written with the next append

    def append(self, records: list[dict]) -> None:
        records, self.pending = [*self.pending, *records], []
        if not records:
            return
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        try:
            if self.handle is None:
                created = not self.path.exists()
                self.handle = open_append(self.path)  # kept open across batches
                if created:
                    fsync_dir(self.path.parent)
            self.handle.write(lines.encode("utf-8"))
            self.handle.flush()
            os.fsync(self.handle.fileno())
        except OSError as exc:
            raise PipelineError(self.path, f"cannot write: {exc.strerror or exc}") from exc

    def remove(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
            fsync_dir(self.path.parent)


def read_journal(path: Path) -> list[dict]:
    """The journal's records; a line cut short by a kill (or otherwise unreadable) is skipped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    records = []
    for line in data.split(b"\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if (
            isinstance(record, dict)
            and isinstance(record.get("msgid"), str)
            and isinstance(record.get("msgstr"), str)
        ):
            records.append(record)
    return records


def _record(message: Message, kind: str, comments: list[str]) -> dict:
    return {
        "kind": kind,
        "msgctxt": message.context,
        "msgid": message.id,
        "msgstr": message.string,
        "comments": comments,
    }


def apply_journal(catalog: Catalog, records: list[dict]) -> int:
    """Apply journaled drafts to entries (same msgid and msgctxt) that are still untranslated."""
    applied = 0
    for record in records:
        message = catalog.get(record["msgid"], context=record.get("msgctxt"))
        if message is None or not isinstance(message.string, str) or message.string or not record["msgstr"]:
            continue
        message.string = record["msgstr"]
        message.flags.add("fuzzy")
        _set_comments(message, [str(c) for c in record.get("comments") or []])
        applied += 1
    return applied


def translate_catalog(
    doc: Document,
    lang: str,
    po_path: Path,
    find_package: Callable[[str], object],
    on_result: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> Report:
    """Fill the untranslated entries of one catalog with drafts, journaling each finished batch."""
    report = Report(lang)
    po_path = Path(po_path)
    journal = Journal(journal_path(po_path))
    # One translation run per catalog at a time (a second waits, then finds the work done).
    with catalog_lock(po_path, "mt"):
        snapshot, catalog = CatalogFile.read(po_path)
        if catalog is None:
            raise PipelineError(po_path, "no catalog; run `make po` first")
        report.resumed = apply_journal(catalog, read_journal(journal.path))
        todo = [m for m in catalog if m.id and isinstance(m.string, str) and not m.string]
        if not todo and not report.resumed:
            journal.remove()
            report.notes.append("nothing to translate")
            return report
        try:
            _translate(doc, lang, catalog, todo, find_package, journal, report, on_result, batch_size)
        except PipelineError:
            # Bad input (a damaged model, a server refusing the pair or the key)
            # before any draft came back: leave the catalog as it was.
            if report.translated or report.resumed:
                with contextlib.suppress(Exception):
                    report.kept = save_catalog(snapshot, catalog)[1]
                    journal.remove()
            raise
        except BaseException:
            # Ctrl-C, SIGTERM, a model error: keep every finished batch in the catalog.
            with contextlib.suppress(Exception):
                report.kept = save_catalog(snapshot, catalog)[1]
                journal.remove()
            raise
        report.kept = save_catalog(snapshot, catalog)[1]
        journal.remove()
    return report


def _translate(doc, lang, catalog, todo, find_package, journal, report, on_result, batch_size) -> None:
    names = {(u.text, u.context) for u in document_units(doc) if u.role == "name"}
    engine = configured_engine()  # MT_ENGINE=libretranslate (pipeline/engines); None: CTranslate2 here
    if engine is not None and any((m.id, m.context) not in names for m in todo):
        report.loaded_model = engine.provenance(lang)  # server, pair and key checked before any change
    jobs: list[Job] = []
    drafted = []
    glossary = load_glossary(journal.path.parent.parent)  # translations/glossary.csv
    for message in todo:
        if (message.id, message.context) in names:
            draft_name(message, lang, names_origin(journal.path.parent))
            drafted.append(_record(message, "name", message.user_comments[-1:]))
            report.names += 1
        else:
            masked, terms = mask_terms(str(message.id), lang, glossary)
            masked, numbers = mask_numbers(masked)
            jobs.append(Job(message, masked, numbers, terms))
    if not jobs:
        return
    # Name drafts are rule-based and cheap: journaled with the first model
    # batch, not before, so a model or server that fails at once changes nothing.
    journal.pending = drafted
    if engine is not None:
        _run_engine(engine, jobs, journal, report, on_result, batch_size)
        return
    package = find_package(lang)
    if package is None:
        report.missing_model = True
        return
    report.loaded_model = f"{package.code or 'translate-en_' + lang} {package.package_version}"
    _run_model(package, jobs, journal, report, on_result, batch_size)


def open_translator(model_dir: Path):
    """A CTranslate2 translator: ``inter_threads`` workers of ``intra_threads`` each."""
    from pipeline.mt.argos.packages import open_model

    return open_model(
        model_dir,
        device="cpu",
        compute_type="auto",
        inter_threads=INTER_THREADS,
        intra_threads=INTRA_THREADS,
    )


def translate_batches(
    translator, sources: list[list[str]], batch_size: int = BATCH_SIZE, prefix: str = "", **options
):
    """Yield ``(indexes, results)`` for each batch of ``sources`` (token lists) as it finishes.

    Sources are sorted by length and cut into batches of ``batch_size``; each
    batch gets a decoding bound tied to its longest source. Batches go to
    CTranslate2 asynchronously (its ``inter_threads`` workers keep the cores
    busy), at most two per worker in flight, so an interrupt waits for little;
    finished batches come back in whatever order they end. ``options``
    override the decoding options (the benchmark fixes the output length).
    """
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    pending: list[tuple[list[int], list]] = []
    while batches or pending:
        while batches and len(pending) < 2 * max(1, INTER_THREADS):
            indexes = batches.pop(0)
            tokens = [sources[i] for i in indexes]
            settings = {
                "target_prefix": [[prefix]] * len(tokens) if prefix else None,
                "beam_size": BEAM_SIZE,
                "num_hypotheses": 1 + ALTERNATIVES,
                "length_penalty": LENGTH_PENALTY,
                "replace_unknowns": True,
                "max_input_length": MAX_INPUT_LENGTH,
                "max_decoding_length": decoding_limit(max(len(t) for t in tokens)) + bool(prefix),
                "return_scores": True,
            }
            pending.append(
                (indexes, translator.translate_batch(tokens, asynchronous=True, **settings | options))
            )
        finished = [p for p in pending if all(f.done() for f in p[1])]
        if not finished:
            time.sleep(0.005)
            continue
        for item in finished:
            pending.remove(item)
            yield item[0], [future.result() for future in item[1]]


def _run_model(
    package, jobs: list[Job], journal: Journal, report: Report, on_result, batch_size: int
) -> None:
    """Translate ``jobs``; journal each batch (flushed, fsynced) as soon as it finishes."""
    translator = open_translator(Path(package.package_path) / "model")
    detokenize = _detokenizer(package)
    prefix = getattr(package, "target_prefix", "") or ""
    sources = [package.tokenizer.encode(job.masked) for job in jobs]
    report.longest_input = max(len(s) for s in sources)
    code = f"{package.code or 'translate-en_' + report.lang} {package.package_version}"
    done = 0
    for indexes, results in translate_batches(translator, sources, batch_size, prefix):
        for index, result in zip(indexes, results, strict=True):
            _apply_result(jobs[index], result, detokenize, prefix, code, report)
        done = _finish_batch([jobs[index] for index in indexes], journal, done, len(jobs), on_result)


def _finish_batch(finished: list[Job], journal: Journal, done: int, total: int, on_result) -> int:
    """Journal a finished batch (flushed, fsynced), report progress; the new count of done jobs."""
    journal.append([_record(job.message, "mt", _stage_comments(job.message)) for job in finished])
    for _ in finished:
        done += 1
        if on_result:
            on_result(done, total)
    return done


def _stage_comments(message: Message) -> list[str]:
    return [c for c in message.user_comments if c.startswith(f"{MARK} ")]


def _apply_result(job: Job, result, detokenize, prefix: str, code: str, report: Report) -> None:
    texts = []
    for number, hypothesis in enumerate(result.hypotheses):
        tokens = hypothesis[1:] if prefix and hypothesis[:1] == [prefix] else hypothesis
        if number == 0:
            report.output_lengths.append(len(tokens))
        texts.append(detokenize(tokens).strip())
    _apply_texts(job, texts, f"{code}, score {result.scores[0]:.3f}", report)


def _run_engine(
    engine, jobs: list[Job], journal: Journal, report: Report, on_result, batch_size: int
) -> None:
    """Drafts from an engine of ``pipeline/engines``, journaled batch by batch as each finishes."""
    batches = [jobs[i : i + batch_size] for i in range(0, len(jobs), batch_size)]
    done = 0
    with engine:
        for index, results in engine.translate(([job.masked for job in b] for b in batches), report.lang):
            for job, result in zip(batches[index], results, strict=True):
                _apply_texts(job, result.texts, result.origin or engine.provenance(report.lang), report)
            done = _finish_batch(batches[index], journal, done, len(jobs), on_result)


def _apply_texts(job: Job, texts: list[str], provenance: str, report: Report) -> None:
    """Write the best text as a fuzzy draft, with provenance, alternatives and checks."""
    text, same_numbers = unmask_numbers(texts[0], job.numbers)
    text, same_terms = unmask_terms(text, job.terms)
    message = job.message
    problem = draft_problem(str(message.id), text)
    if problem:
        _set_comments(message, [f"{MARK} check: draft rejected, left untranslated: {problem}"])
        report.rejected += 1
        return
    message.string = text
    message.flags.add("fuzzy")
    lines = [f"{MARK} draft, needs review: {provenance}"]
    alternatives = [unmask_terms(unmask_numbers(t, job.numbers)[0], job.terms)[0] for t in texts[1:]]
    alternatives = [t for t in alternatives if not draft_problem(str(message.id), t)]
    for number, alternative in enumerate(alternatives[:ALTERNATIVES], start=1):
        lines.append(f"{MARK} alternative {number}: {alternative}")
    if not same_numbers:
        lines.append(f"{MARK} check: numbers differ from the source ({', '.join(job.numbers) or 'none'})")
        report.flagged += 1
    if not same_terms:
        lines.append(f"{MARK} check: a glossary term was lost ({', '.join(job.terms)})")
    _set_comments(message, lines)
    report.translated += 1


def missing_model_message(lang: str) -> str:
    return (
        f"no en→{lang} model installed (package translate-en_{lang}); run `make models` where the "
        f"Argos index is reachable, or `make models ARGOS_MODELS=<folder with translate-en_{lang}-*.argosmodel>`"
    )

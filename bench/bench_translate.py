"""Benchmark: machine translation speed against Argos' own settings, and the cost of saving drafts.

1. MT, A/B interleaved, REPEATS runs each, median and min. A synthetic model of
   Argos' size (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 32,000,
   int8; random weights, so the output length is fixed with min = max decoding
   length) translates the same SEGMENTS segments:

   - A, Argos' way: ``translate_batch([segment], max_batch_size=32,
     batch_type="tokens", beam_size=4)`` per segment, Argos' thread defaults
     (inter 1, intra 0 = all cores);
   - B, ours: ``pipeline.mt.drafts.translate_batches`` (length-sorted batches of
     BATCH_SIZE examples, asynchronous, inter_threads=2 / intra_threads=1), the
     code ``pipeline translate`` runs.

   Same decoding options on both sides (beam 4, one hypothesis, Argos' length
   penalty); the ratio is sentences/s of B over A.

2. Saving drafts for a 5,000-entry catalog, before and after:

   - before: the whole catalog rewritten every 16 results (``write_catalog``
     after each batch, as ``translate_catalog`` did): 313 saves;
   - after: one journal line per draft, flushed and fsynced per batch of 16,
     and one locked, merging save (``save_catalog``) at the end.

   "After" is measured whole. "Before" at 5,000 entries would take minutes per
   run, so it is the number of saves times the median time of one save of the
   half-translated catalog (measured REPEATS times); at 1,000 entries both are
   measured whole, A/B interleaved, to show the two agree.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sentencepiece as spm
from babel.messages.catalog import Catalog, Message

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from argos_builder import FILLER, pieces, random_spec, train_sentencepiece  # noqa: E402

from pipeline.document.load import load_document  # noqa: E402
from pipeline.mt.drafts import (  # noqa: E402
    BATCH_SIZE,
    LENGTH_PENALTY,
    Journal,
    mask_numbers,
    open_translator,
    translate_batches,
)
from pipeline.po.catalog import write_catalog  # noqa: E402
from pipeline.po.save import CatalogFile, save_catalog  # noqa: E402

SEGMENTS = 64
OUTPUT_LENGTH = 30
VOCAB = 32000
REPEATS = 5
WORDS = [
    "peace",
    "heritage",
    "family",
    "union",
    "village",
    "dialogue",
    "river",
    "bridge",
    "nation",
    "future",
    "justice",
    "school",
    "road",
]


def argos_sized_model(folder: Path, vocab: list[str]) -> Path:
    """Argos' architecture with random weights, quantized to int8 as Argos ships it."""
    spec = random_spec(vocab, layers=6, heads=8, d=512, ffn=2048)
    spec.validate()
    spec.optimize(quantization="int8")
    out = folder / "model"
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))
    return out


def segments() -> list[str]:
    texts = []
    for path in (ROOT / "source" / "letter.txt", ROOT / "tests" / "data" / "second_letter.txt"):
        for unit in load_document(path).blocks:
            sentences = getattr(unit, "sentences", None)
            if sentences:
                texts.extend(s.text for s in sentences)
            elif getattr(unit, "title", None):
                texts.append(unit.title.text)
    while len(texts) < SEGMENTS:
        texts = texts + texts
    return [mask_numbers(t)[0] for t in texts[:SEGMENTS]]


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):6.2f} s, min {min(times):6.2f} s"


def bench_mt() -> None:
    import ctranslate2

    texts = segments()
    sp_model = train_sentencepiece(texts + FILLER)
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    vocab = pieces(sp_model)
    vocab += [f"▁w{i}" for i in range(VOCAB - len(vocab))]
    sources = [processor.encode(t, out_type=str) for t in texts]
    same = {
        "beam_size": 4,
        "num_hypotheses": 1,
        "length_penalty": LENGTH_PENALTY,
        "min_decoding_length": OUTPUT_LENGTH,
        "max_decoding_length": OUTPUT_LENGTH,
    }
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        model = argos_sized_model(Path(tmp), vocab)
        built = time.perf_counter() - start
        argos = ctranslate2.Translator(
            str(model), device="cpu", compute_type="auto", inter_threads=1, intra_threads=0
        )
        ours = open_translator(model)

        def run_argos() -> None:
            for source in sources:
                argos.translate_batch([source], max_batch_size=32, batch_type="tokens", **same)

        def run_ours() -> None:
            done = sum(len(results) for _, results in translate_batches(ours, sources, BATCH_SIZE, **same))
            assert done == len(sources)

        times: dict[str, list[float]] = {"argos": [], "ours": []}
        for _ in range(REPEATS):  # A/B interleaved
            for name, func in (("argos", run_argos), ("ours", run_ours)):
                start = time.perf_counter()
                func()
                times[name].append(time.perf_counter() - start)
    a, b = statistics.median(times["argos"]), statistics.median(times["ours"])
    print(
        f"MT: {SEGMENTS} segments, output fixed at {OUTPUT_LENGTH} tokens, beam 4, {REPEATS} runs each, A/B interleaved;"
    )
    print(
        f"  synthetic Argos-size model (6+6 layers, d512, FFN 2048, vocab {VOCAB}, int8) built in {built:.1f} s"
    )
    print(
        f"  A Argos: translate_batch per segment, inter 1 intra 0  {SEGMENTS / a:6.1f} sent/s ({summary(times['argos'])})"
    )
    print(
        f"  B ours: translate_batches, {BATCH_SIZE}/batch, inter {os.environ.get('MT_INTER_THREADS', 2)} intra 1     {SEGMENTS / b:6.1f} sent/s ({summary(times['ours'])})"
    )
    print(
        f"  B/A speed (median)                                   {a / b:6.2f}x  (min/min {min(times['argos']) / min(times['ours']):.2f}x)"
    )


def synthetic_catalog(entries: int) -> Catalog:
    rng = random.Random(entries)
    catalog = Catalog(locale="fr", charset="utf-8")
    for n in range(entries):
        text = " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + f" number {n}."
        catalog[text] = Message(
            text, locations=[("source/letter.txt", n + 1)], auto_comments=[f"Sentence {n}."]
        )
    return catalog


def draft(message: Message) -> None:
    message.string = f"FR {message.id}"
    message.flags.add("fuzzy")
    message.user_comments = [f"MT draft, needs review: translate-en_fr 1.9, score -0.{len(message.id)}"]


def saves_before(path: Path, entries: int) -> float:
    """Seconds spent saving when the whole catalog is rewritten after every batch."""
    catalog = synthetic_catalog(entries)
    path.write_bytes(b"")
    write_catalog(path, catalog)
    messages = [m for m in catalog if m.id]
    spent = 0.0
    for i in range(0, len(messages), BATCH_SIZE):
        for message in messages[i : i + BATCH_SIZE]:
            draft(message)
        start = time.perf_counter()
        write_catalog(path, catalog)
        spent += time.perf_counter() - start
    return spent


def saves_after(path: Path, entries: int) -> float:
    """Seconds spent saving with a journal per batch and one merging save at the end."""
    write_catalog(path, synthetic_catalog(entries))
    snapshot, catalog = CatalogFile.read(path)
    journal = Journal(path.with_name(".fr.mt-journal.jsonl"))
    messages = [m for m in catalog if m.id]
    spent = 0.0
    for i in range(0, len(messages), BATCH_SIZE):
        batch = messages[i : i + BATCH_SIZE]
        for message in batch:
            draft(message)
        start = time.perf_counter()
        journal.append(
            [{"msgid": m.id, "msgctxt": None, "msgstr": m.string, "comments": m.user_comments} for m in batch]
        )
        spent += time.perf_counter() - start
    start = time.perf_counter()
    save_catalog(snapshot, catalog)
    journal.remove()
    return spent + time.perf_counter() - start


def one_save(path: Path, entries: int) -> float:
    catalog = synthetic_catalog(entries)
    for message in [m for m in catalog if m.id][: entries // 2]:
        draft(message)
    path.write_bytes(b"")
    start = time.perf_counter()
    write_catalog(path, catalog)
    return time.perf_counter() - start


def bench_saves() -> None:
    print("Saving drafts (before: whole catalog rewritten per batch of 16; after: journal + one save):")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fr.po"
        before, after = [], []
        for _ in range(REPEATS):  # A/B interleaved
            before.append(saves_before(path, 1000))
            after.append(saves_after(path, 1000))
        print(f"  1,000 entries, measured:  before {summary(before)}; after {summary(after)}")
        print(f"    before/after (median) {statistics.median(before) / statistics.median(after):6.1f}x")
        saves = -(-5000 // BATCH_SIZE)
        single, after = [], []
        for _ in range(REPEATS):
            single.append(one_save(path, 5000))
            after.append(saves_after(path, 5000))
        estimate = saves * statistics.median(single)
        print(
            f"  5,000 entries: before = {saves} saves x {statistics.median(single):.3f} s (median of one save)"
            f" = {estimate:.1f} s; after, measured: {summary(after)}"
        )
        print(f"    before/after (median) {estimate / statistics.median(after):6.1f}x")


def main() -> None:
    parts = sys.argv[1:] or ["mt", "save"]
    if "mt" in parts:
        bench_mt()
    if "save" in parts:
        bench_saves()


if __name__ == "__main__":
    main()

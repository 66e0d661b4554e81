"""Benchmark: this stage's batched translation against Argos' own settings.

A synthetic model of Argos' size (6+6 layers, d_model 512, 8 heads, FFN 2048,
vocabulary 32,000, int8; random weights, so the output length is fixed with
min = max decoding length) translates the same 150 segments twice in one run:

- Argos' way: one translate_batch call per segment, max_batch_size=32 with
  batch_type="tokens", beam 4, Argos' thread defaults (inter 1, intra 0 = all cores);
- ours: one call for all segments (translate_iterable), batches of
  BATCH_SIZE examples, beam 4, inter_threads=2 / intra_threads=1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import ctranslate2
import sentencepiece as spm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from argos_builder import FILLER, pieces, random_spec, train_sentencepiece  # noqa: E402

from pipeline.segment import load_document  # noqa: E402
from pipeline.translate import BATCH_SIZE, mask_numbers  # noqa: E402

SEGMENTS = 150
OUTPUT_LENGTH = 30
VOCAB = 32000


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
        doc = load_document(path)
        for block in doc.blocks:
            if block.kind == "signatory":
                texts.append(block.title.text if block.title else block.name.text)
            else:
                texts.extend(s.text for s in block.sentences)
    while len(texts) < SEGMENTS:
        texts = texts + texts
    return [mask_numbers(t)[0] for t in texts[:SEGMENTS]]


def main() -> None:
    texts = segments()
    sp_model = train_sentencepiece(texts + FILLER)
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    vocab = pieces(sp_model)
    vocab += [f"▁w{i}" for i in range(VOCAB - len(vocab))]
    sources = [processor.encode(t, out_type=str) for t in texts]
    tokens = sum(len(s) for s in sources)
    fixed = {"min_decoding_length": OUTPUT_LENGTH, "max_decoding_length": OUTPUT_LENGTH, "beam_size": 4}

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        model = argos_sized_model(Path(tmp), vocab)
        built = time.perf_counter() - start

        argos = ctranslate2.Translator(
            str(model), device="cpu", compute_type="auto", inter_threads=1, intra_threads=0
        )
        start = time.perf_counter()
        for source in sources:
            argos.translate_batch([source], max_batch_size=32, batch_type="tokens", **fixed)
        argos_time = time.perf_counter() - start
        del argos

        cores = os.cpu_count() or 2
        ours = ctranslate2.Translator(
            str(model), device="cpu", compute_type="auto", inter_threads=min(2, cores), intra_threads=1
        )
        start = time.perf_counter()
        results = list(
            ours.translate_iterable(sources, max_batch_size=BATCH_SIZE, batch_type="examples", **fixed)
        )
        ours_time = time.perf_counter() - start
        assert len(results) == len(sources)

    print(
        f"MT: {SEGMENTS} segments ({tokens} source tokens), output fixed at {OUTPUT_LENGTH} tokens, beam 4;"
    )
    print(
        f"  synthetic Argos-size model (6+6 layers, d512, 8 heads, FFN 2048, vocab {VOCAB}, int8) built in {built:.1f} s"
    )
    print(
        f"  Argos' settings: one call per segment, 32 tokens/batch   {SEGMENTS / argos_time:7.1f} sentences/s"
    )
    print(
        f"  ours: one call, {BATCH_SIZE} examples/batch, inter 2 intra 1  {SEGMENTS / ours_time:7.1f} sentences/s"
    )
    print(
        f"  speed-up                                               {argos_time / ours_time:7.2f}x  (target >= 4)"
    )


if __name__ == "__main__":
    main()

"""Benchmark: drafts through LibreTranslate (one and two instances) against the local batched engine.

One Argos-sized model (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary
32,000, int8, random weights; see bench_translate.py) is installed as an Argos
package in a scratch models/ folder and served by the pinned LibreTranslate
that `make lt-server` runs (.lt-venv; installed on first use), with a MiniSBD
model built by tests/minisbd_builder.py. Three ways translate the same segments:

- local: CTranslate2 in-process, batches of BATCH_SIZE examples, inter_threads 2 /
  intra_threads 1, Argos' decoding options (beam 4, 3 hypotheses, length penalty 0.2);
- LibreTranslate x1: the HTTP engine (MT_ENGINE=libretranslate), batches of
  BATCH_SIZE, 2 requests in flight, one server with 2 CTranslate2 workers of 1 core;
- LibreTranslate x2: the same against two servers with 1 worker of 1 core each,
  4 requests in flight.

Every way decodes with LibreTranslate's bound (256 tokens), so all do the same
work. A random model rarely ends a sentence, so the end-of-sentence logit gets a
bias, and only segments whose three hypotheses all end within 64 tokens (found
once with the local engine) are timed. The ways take turns, >= 5 rounds
(REPS), in a rotating order; the table gives median and min per way and the
ratios of the medians against local.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ctranslate2
import httpx
import sentencepiece as spm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from argos_builder import FILLER, pieces, random_spec, train_sentencepiece  # noqa: E402
from minisbd_builder import install_model  # noqa: E402

from pipeline.document.load import load_document  # noqa: E402
from pipeline.mt.argos.lt_server import LT_RELEASE, ensure_venv  # noqa: E402
from pipeline.mt.drafts import BATCH_SIZE, mask_numbers  # noqa: E402
from pipeline.mt.engines.libretranslate import LibreTranslate  # noqa: E402

REPS = int(os.environ.get("REPS", "5"))
VOCAB = 32000
EOS_BIAS = 3.2  # makes most hypotheses of the random model end within a few dozen tokens
SHORT = 64
DECODING = {"beam_size": 4, "num_hypotheses": 3, "length_penalty": 0.2, "replace_unknowns": True}


def letter_segments() -> list[str]:
    texts = []
    for path in (ROOT / "source" / "letter.txt", ROOT / "tests" / "data" / "second_letter.txt"):
        for block in load_document(path).blocks:
            if block.kind != "signatory":
                texts.extend(s.text for s in block.sentences)
    return [mask_numbers(t)[0] for t in texts]


def install_package(models: Path, texts: list[str]) -> tuple[Path, spm.SentencePieceProcessor]:
    """An Argos-sized en→fr package, unpacked where Argos looks (what `make models` leaves)."""
    sp_model = train_sentencepiece(texts + FILLER)
    vocab = pieces(sp_model)
    vocab += [f"▁w{i}" for i in range(VOCAB - len(vocab))]
    spec = random_spec(vocab, layers=6, heads=8, d=512, ffn=2048)
    spec.decoder.projection.bias[vocab.index("</s>")] = EOS_BIAS
    spec.validate()
    spec.optimize(quantization="int8")
    folder = models / "packages" / "translate-en_fr-1_0"
    (folder / "model").mkdir(parents=True)
    spec.save(str(folder / "model"))
    (folder / "sentencepiece.model").write_bytes(sp_model)
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": "en",
        "from_name": "English",
        "to_code": "fr",
        "to_name": "French",
        "code": "translate-en_fr",
        "type": "translate",
    }
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    install_model(models / "data")
    return folder, spm.SentencePieceProcessor(model_proto=sp_model)


def start_server(models: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LETTER_MODELS_DIR": str(models),
        "ARGOS_PACKAGES_DIR": str(models / "packages"),
        "ARGOS_INTER_THREADS": str(workers),
        "ARGOS_INTRA_THREADS": "1",
    }
    command = [sys.executable, "-m", "pipeline.mt.argos.lt_server", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/languages", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"LibreTranslate at {url} did not start")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_run(translator, sources: list[list[str]], max_length: int) -> list:
    """Batches of BATCH_SIZE in length order, submitted asynchronously, as the pipeline does."""
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    futures = {}
    for start in range(0, len(order), BATCH_SIZE):
        indexes = order[start : start + BATCH_SIZE]
        batch = translator.translate_batch(
            [sources[i] for i in indexes], max_decoding_length=max_length, asynchronous=True, **DECODING
        )
        futures.update(zip(indexes, batch, strict=True))
    return [futures[i].result() for i in range(len(sources))]


def lt_run(urls: list[str], texts: list[str], in_flight: int) -> int:
    with LibreTranslate(urls, in_flight=in_flight) as engine:
        batches = [texts[i : i + BATCH_SIZE] for i in range(0, len(texts), BATCH_SIZE)]
        return sum(len(results) for _, results in engine.translate(batches, "fr"))


def main() -> None:
    started = time.perf_counter()
    ensure_venv()
    candidates = letter_segments()
    servers = []
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models"
        package, processor = install_package(models, candidates)
        ports = [free_port() for _ in range(3)]
        # one server with 2 workers (x1), two with 1 worker each (x2): 2 cores' worth each way
        for port, workers in zip(ports, (2, 1, 1), strict=True):
            servers.append(start_server(models, port, workers, Path(tmp) / f"lt-{port}.log"))
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            translator = ctranslate2.Translator(
                str(package / "model"), device="cpu", compute_type="auto", inter_threads=2, intra_threads=1
            )
            tokens = [processor.encode(t, out_type=str) for t in candidates]
            trial = local_run(translator, tokens, SHORT + 1)
            keep = [i for i, r in enumerate(trial) if all(len(h) < SHORT for h in r.hypotheses)]
            texts = [candidates[i] for i in keep]
            sources = [tokens[i] for i in keep]
            for url, process in zip(urls, servers, strict=True):
                wait_ready(url, process)
                lt_run([url], texts[:2], 1)  # loads the model

            ways = {
                "local (CTranslate2 in-process)": lambda: len(local_run(translator, sources, 256)),
                "LibreTranslate x1": lambda: lt_run(urls[:1], texts, 2),
                "LibreTranslate x2": lambda: lt_run(urls[1:], texts, 4),
            }
            names = list(ways)
            times: dict[str, list[float]] = {name: [] for name in names}
            for rep in range(REPS):
                for name in names[rep % 3 :] + names[: rep % 3]:
                    start = time.perf_counter()
                    count = ways[name]()
                    times[name].append(time.perf_counter() - start)
                    assert count == len(texts), (name, count)
        finally:
            for process in servers:
                process.terminate()
                process.wait(timeout=30)

    base = statistics.median(times[names[0]])
    print(
        f"MT through LibreTranslate {LT_RELEASE}: {len(texts)} of {len(candidates)} letter segments "
        f"(those ending within {SHORT} tokens), batches of {BATCH_SIZE}, beam 4, 3 hypotheses;"
    )
    print(f"  Argos-size model (6+6 layers, d512, FFN 2048, vocab {VOCAB}, int8), {REPS} rounds in turn:")
    for name in names:
        median, best = statistics.median(times[name]), min(times[name])
        print(
            f"  {name:32s} median {len(texts) / median:6.1f} sentences/s  (min time {best:6.2f} s, "
            f"median {median:6.2f} s)   x{base / median:5.2f} of local"
        )
    print(f"  (whole benchmark {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

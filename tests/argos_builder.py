"""Build genuine Argos Translate packages (.argosmodel) in well under a second.

No model can be downloaded here, so the tests and benchmarks build their own:
a SentencePiece model trained in memory, and a CTranslate2 Transformer made
with its Python spec API, every weight set with numpy. Two kinds:

- ``identity``: weights set by hand so the model copies its input exactly
  (one-hot token embeddings, position codes in extra dimensions, a
  cross-attention that attends to the same position, ``add_source_eos`` so it
  copies the end of sentence too). With it a test can assert exact results.
- ``random``: random weights, to show nothing depends on the copy trick.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

FILLER = [
    "The committee met in the capital on Monday and agreed on a plan.",
    "Numbers such as NUM0 NUM1 NUM2 NUM3 NUM4 NUM5 NUM6 NUM7 NUM8 NUM9 stay masked.",
    "Questions? Answers! Quotes “like this” and «like that», dashes – and — too.",
]


def train_sentencepiece(lines: list[str], vocab_size: int = 400) -> bytes:
    """A unigram SentencePiece model trained in memory."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines * 3),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def pieces(sp_model: bytes) -> list[str]:
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _spec(num_layers, num_heads, vocab: list[str], add_source_eos: bool):
    spec = transformer_spec.TransformerSpec.from_config(num_layers, num_heads)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.add_source_eos = add_source_eos
    return spec


def _layer_norm(ln, d: int) -> None:
    ln.gamma = np.ones(d, dtype=np.float32)
    ln.beta = np.zeros(d, dtype=np.float32)


def _linear(linear, rows: int, cols: int, weight=None) -> None:
    linear.weight = weight if weight is not None else np.zeros((rows, cols), dtype=np.float32)
    linear.bias = np.zeros(rows, dtype=np.float32)


def identity_spec(vocab: list[str], max_positions: int = 256):
    """A one-layer Transformer whose weights make it copy its source exactly."""
    v, p = len(vocab), max_positions
    d = v + p
    d += (-d) % 8  # a multiple of 8 keeps the kernels happy
    spec = _spec(1, 1, vocab, add_source_eos=True)
    scale = np.sqrt(d)
    embeddings = np.zeros((v, d), dtype=np.float32)
    embeddings[np.arange(v), np.arange(v)] = 1.0  # one-hot token in the first v dims
    positions = np.zeros((p, d), dtype=np.float32)
    positions[np.arange(p), v + np.arange(p)] = scale  # one-hot position in the next p dims

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = embeddings
    encoder.position_encodings.encodings = positions
    decoder.embeddings.weight = embeddings.copy()
    decoder.position_encodings.encodings = positions.copy()
    _layer_norm(encoder.layer_norm, d)
    _layer_norm(decoder.layer_norm, d)

    # In both layers self-attention and feed-forward add nothing (zero output weights).
    for layer in (encoder.layer[0], decoder.layer[0]):
        _layer_norm(layer.self_attention.layer_norm, d)
        _linear(layer.self_attention.linear[0], 3 * d, d)
        _linear(layer.self_attention.linear[1], d, d)
        _layer_norm(layer.ffn.layer_norm, d)
        _linear(layer.ffn.linear_0, 4, d)
        _linear(layer.ffn.linear_1, d, 4)

    layer = decoder.layer[0]
    # Cross-attention: the query at step t carries position t, each key its
    # source position, so step t attends to source position t; the value is the
    # source token there, written (amplified) into the token dimensions.
    attention = layer.attention
    _layer_norm(attention.layer_norm, d)
    position_dims = v + np.arange(p)
    query = np.zeros((d, d), dtype=np.float32)
    query[position_dims, position_dims] = 2.0
    key_value = np.zeros((2 * d, d), dtype=np.float32)
    key_value[position_dims, position_dims] = 1.0
    key_value[d + np.arange(v), np.arange(v)] = 1.0
    output = np.zeros((d, d), dtype=np.float32)
    output[np.arange(v), np.arange(v)] = 50.0
    _linear(attention.linear[0], d, d, query)
    _linear(attention.linear[1], 2 * d, d, key_value)
    _linear(attention.linear[2], d, d, output)

    projection = np.zeros((v, d), dtype=np.float32)
    projection[np.arange(v), np.arange(v)] = 1.0
    _linear(decoder.projection, v, d, projection)
    return spec


def random_spec(vocab: list[str], layers=2, heads=4, d=128, ffn=256, seed=0):
    """A Transformer with random weights: it produces text, just not a translation."""
    rng = np.random.default_rng(seed)
    spec = _spec(layers, heads, vocab, add_source_eos=False)
    v = len(vocab)

    def rand(*shape):
        return (rng.standard_normal(shape) * 0.05).astype(np.float32)

    def fill_attention(att, self_attention: bool):
        _layer_norm(att.layer_norm, d)
        if self_attention:
            _linear(att.linear[0], 3 * d, d, rand(3 * d, d))
            _linear(att.linear[1], d, d, rand(d, d))
        else:
            _linear(att.linear[0], d, d, rand(d, d))
            _linear(att.linear[1], 2 * d, d, rand(2 * d, d))
            _linear(att.linear[2], d, d, rand(d, d))

    def fill_ffn(f):
        _layer_norm(f.layer_norm, d)
        _linear(f.linear_0, ffn, d, rand(ffn, d))
        _linear(f.linear_1, d, ffn, rand(d, ffn))

    spec.encoder.embeddings[0].weight = rand(v, d)
    spec.decoder.embeddings.weight = rand(v, d)
    _layer_norm(spec.encoder.layer_norm, d)
    _layer_norm(spec.decoder.layer_norm, d)
    for layer in spec.encoder.layer:
        fill_attention(layer.self_attention, True)
        fill_ffn(layer.ffn)
    for layer in spec.decoder.layer:
        fill_attention(layer.self_attention, True)
        fill_attention(layer.attention, False)
        fill_ffn(layer.ffn)
    _linear(spec.decoder.projection, v, d, rand(v, d))
    return spec


def build_package(
    folder: Path,
    kind: str,
    to_code: str,
    lines: list[str],
    version: str = "0.1",
    from_code: str = "en",
    quantization: str | None = None,
) -> Path:
    """Write ``translate-en_<to>-<version>.argosmodel`` (a zip with a top-level folder)."""
    sp_model = train_sentencepiece(lines + FILLER)
    vocab = pieces(sp_model)
    spec = identity_spec(vocab) if kind == "identity" else random_spec(vocab)
    spec.validate()
    if quantization:
        spec.optimize(quantization=quantization)
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    staging = Path(folder) / f"{name}-{kind}"
    (staging / "model").mkdir(parents=True, exist_ok=True)
    spec.save(str(staging / "model"))
    (staging / "sentencepiece.model").write_bytes(sp_model)
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": "English",
        "to_code": to_code,
        "to_name": to_code,
        "code": f"translate-{from_code}_{to_code}",
        "type": "translate",
    }
    (staging / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    archive = Path(folder) / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                zf.write(path, f"{name}/{path.relative_to(staging)}")
    return archive


def check_identity(archive: Path, text: str) -> str:
    """Translate one sentence with the package's model, as a smoke test."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp)
        root = next(Path(tmp).iterdir())
        processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
        translator = ctranslate2.Translator(str(root / "model"))
        tokens = processor.encode(text, out_type=str)
        result = translator.translate_batch([tokens], beam_size=4)[0]
        return processor.decode_pieces(result.hypotheses[0])

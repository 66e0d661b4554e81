"""Build a genuine MiniSBD sentence-boundary model (ONNX) in well under a second.

LibreTranslate splits every text with MiniSBD, which downloads ``en.onnx`` from
GitHub on first use. No download is possible here, so the tests build their own
model in MiniSBD's format and put it where MiniSBD looks (Argos points
``minisbd.models.cache_dir`` at ``$XDG_DATA_HOME/argos-translate/minisbd``).

The format, read from minisbd 0.9.5 (``inference.create_session``,
``modules/inference.onnx_predict``): inputs ``units`` (int64 [batch, chars], ids
from the vocabulary) and ``features`` (float32 [batch, chars, n]); output
[batch, chars, classes] logits, class 0 = inside a token, 1 = end of a token,
2 = end of a sentence; metadata ``lang_code``, ``config`` and ``vocab`` (JSON).

The network, weights set by hand: each class's logit is a lookup of the current
character plus a lookup of the next one (a width-2 convolution written as two
Gathers). A character before a space ends a token; ``.``, ``!`` or ``?``
before a space ends a sentence. That is the rule-based splitter the suite's own
segmenter approximates, so MiniSBD returns whole sentences unchanged.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PAD, UNK = "<PAD>", "<UNK>"
SENTENCE_END = ".!?"
CLASSES = 3


def vocabulary() -> list[str]:
    """PAD and UNK first (ids 0 and 1, as MiniSBD expects), then printable ASCII."""
    chars = sorted(set(string.ascii_letters + string.digits + string.punctuation + " "))
    return [PAD, UNK, *chars]


def weights(vocab: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Logit tables for the current and the next character."""
    ids = {unit: i for i, unit in enumerate(vocab)}
    current = np.zeros((len(vocab), CLASSES), dtype=np.float32)
    following = np.zeros((len(vocab), CLASSES), dtype=np.float32)
    current[:, 0] = 1.2  # inside a token unless the evidence below wins
    for mark in SENTENCE_END:
        current[ids[mark], 2] = 1.0
    for boundary in (" ", PAD):  # the next character is a space or the end of the text
        following[ids[boundary], 1] = 2.0
        following[ids[boundary], 2] = 1.5
    return current, following


def build_model(lang: str = "en") -> onnx.ModelProto:
    vocab = vocabulary()
    current, following = weights(vocab)
    pad_id = vocab.index(PAD)
    nodes = [
        # units shifted left by one, padded with PAD: the next character of each position
        helper.make_node("Slice", ["units", "one", "big", "one"], ["tail"]),
        helper.make_node("Pad", ["tail", "pads", "pad_id"], ["next_units"], mode="constant"),
        helper.make_node("Gather", ["current", "units"], ["from_current"]),
        helper.make_node("Gather", ["following", "next_units"], ["from_next"]),
        helper.make_node("Add", ["from_current", "from_next"], ["logits"]),
    ]
    initializers = [
        numpy_helper.from_array(current, "current"),
        numpy_helper.from_array(following, "following"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
        numpy_helper.from_array(np.array([1 << 62], dtype=np.int64), "big"),
        numpy_helper.from_array(np.array([0, 0, 0, 1], dtype=np.int64), "pads"),
        numpy_helper.from_array(np.array(pad_id, dtype=np.int64), "pad_id"),
    ]
    graph = helper.make_graph(
        nodes,
        "minisbd-rule",
        inputs=[
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "chars"]),
            # MiniSBD always feeds its features; this model has none (feat_funcs is empty).
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "chars", 0]),
        ],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "chars", CLASSES])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tests")
    model.ir_version = 8  # readable by every onnxruntime MiniSBD supports
    config = {"skip_newline": False, "max_seqlen": 1000, "feat_funcs": [], "batch_size": 32}
    state = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_id2unit": vocab,
        "_unit2id": {unit: i for i, unit in enumerate(vocab)},
    }
    helper.set_model_props(
        model, {"lang_code": lang, "config": json.dumps(config), "vocab": json.dumps(state)}
    )
    onnx.checker.check_model(model)
    return model


def install_model(data_home: Path, lang: str = "en") -> Path:
    """Write ``<lang>.onnx`` where Argos' MiniSBD looks under ``XDG_DATA_HOME``."""
    folder = Path(data_home) / "argos-translate" / "minisbd"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lang}.onnx"
    onnx.save(build_model(lang), str(path))
    return path

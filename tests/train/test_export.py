"""The NaN-guard edit of exported attention: the guard goes, the outputs stay bitwise the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402

from propscope.models.modeldir import packaged_model_path  # noqa: E402
from propscope.models.runtime import OnnxModel  # noqa: E402
from propscope.train.export import drop_nan_guards  # noqa: E402


def _guarded_attention(path: Path) -> Path:
    """scores -> Softmax -> Where(IsNaN(p), 0, p) -> MatMul(values), as torch exports attention."""
    nodes = [
        helper.make_node("Constant", [], ["zero"], value=helper.make_tensor("z", TensorProto.FLOAT, [], [0.0])),
        helper.make_node("Softmax", ["scores"], ["p"], axis=-1),
        helper.make_node("IsNaN", ["p"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "p"], ["guarded"]),
        helper.make_node("MatMul", ["guarded", "values"], ["out"]),
    ]
    graph = helper.make_graph(
        nodes,
        "attention",
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [4, 4]),
         helper.make_tensor_value_info("values", TensorProto.FLOAT, [4, 3])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [4, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def _run(path: Path, feeds: dict[str, np.ndarray]) -> np.ndarray:
    model = OnnxModel(path, threads=1)
    return model.session.run(["out"], feeds)[0]


def test_the_guard_goes_and_the_outputs_stay_bitwise_equal(tmp_path: Path) -> None:
    original = _guarded_attention(tmp_path / "guarded.onnx")
    edited = tmp_path / "edited.onnx"
    shutil.copy(original, edited)
    assert drop_nan_guards(edited) == 1
    ops = [node.op_type for node in onnx.load(str(edited)).graph.node]
    assert ops == ["Softmax", "MatMul"]  # the guard's zero went too: ORT warns of unused constants
    rng = np.random.default_rng(0)
    feeds = {"scores": rng.normal(size=(4, 4)).astype(np.float32) * 30,
             "values": rng.normal(size=(4, 3)).astype(np.float32)}
    feeds["scores"][:, 0] = np.finfo(np.float32).min  # masked keys, as the attention mask adds them
    assert np.array_equal(_run(original, feeds), _run(edited, feeds))
    assert drop_nan_guards(edited) == 0  # nothing left to remove


def test_the_shipped_tagger_carries_no_guard(tmp_path: Path) -> None:
    copy = tmp_path / "model.onnx"
    shutil.copy(packaged_model_path("techniques") / "model.onnx", copy)
    assert drop_nan_guards(copy) == 0

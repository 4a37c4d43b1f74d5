"""A thin, reusable wrapper over an ONNX Runtime session."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnxruntime as ort

from propscope.errors import BadModelDirectory


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


class OnnxModel:
    """One inference session per model file; feeds only the inputs the graph declares."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads sleep instead of spinning: on a machine shared with other jobs (or with
        # the other models of the pipeline between runs) spinning burnt a quarter more CPU for slower
        # runs (technique model, 6 windows of 256 tokens, 2 threads: 805 -> 637 ms CPU, busy machine).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise BadModelDirectory(f"cannot load ONNX model {path}: {exc}") from exc
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]

    def run(self, feeds: dict[str, np.ndarray], outputs: list[str] | None = None) -> dict[str, np.ndarray]:
        """The named ``outputs`` (default: all); ask only for those you use, the rest are not copied out."""
        names = self.output_names if outputs is None else outputs
        inputs = {name: feeds[name].astype(np.int64, copy=False) for name in self.input_names}
        return dict(zip(names, self.session.run(names, inputs), strict=True))

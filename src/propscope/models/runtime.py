"""A thin, reusable wrapper over an ONNX Runtime session."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import numpy as np
import onnxruntime as ort

from propscope.errors import BadModelDirectory


T = TypeVar("T")
R = TypeVar("R")


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def in_order(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``function`` of each item, in the items' order, computed by ``workers`` threads at most
    ``2 * workers`` items ahead (a bounded look-ahead: a 2 MB article's window outputs must not all wait
    in memory). ONNX Runtime releases the GIL while it runs, so the threads run models side by side."""
    if workers <= 1:
        yield from (function(item) for item in items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="propscope-runs") as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class OnnxModel:
    """One inference session per model file; feeds only the inputs the graph declares.

    With ``runs_side_by_side``, the session has one intra-op thread and callers run ``workers`` calls at
    once (:func:`in_order`). The technique tagger runs one window a call (so that a text's outputs do not
    depend on others), whose matrices are too small to share between cores: two windows side by side on
    two cores beat one window on two (40 windows of 256 tokens: 0.60 s against 0.83 s; a 400 KB article's
    tagging 8.7-9.6 s against 6.8-7.1 s, 2-core machine), and every window computes what it computed
    alone, bitwise. The claims model and the embedder run batches of sentences, which gained nothing so.
    """

    def __init__(self, path: Path, threads: int | None = None, runs_side_by_side: bool = False) -> None:
        self.workers = (threads or default_threads()) if runs_side_by_side else 1
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1 if runs_side_by_side else threads or default_threads()
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

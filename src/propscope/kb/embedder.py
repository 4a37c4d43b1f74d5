"""Sentence embeddings for dense retrieval: MiniLM in ONNX Runtime, mean pooling + L2 norm in the graph.

The shipped model lives in ``propscope/resources/models/embedder`` (a model directory with
``task = "sentence-embedding"``). Its ``fingerprint`` (a hash of the ONNX file) is stored with the
embeddings of a knowledge base, so that a KB embedded by another model is noticed, never mixed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from propscope.errors import ModelNotFound
from propscope.models.modeldir import ModelDir, load_model_dir, packaged_model_path
from propscope.models.runtime import OnnxModel, in_order
from propscope.models.tokens import run_sequences
from propscope.models.windows import length_sorted_batches, load_tokenizer

EMBEDDER_TASK = "sentence-embedding"
DEFAULT_EMBEDDER = "embedder"
DIMENSION = 384
LONG_TEXT_BATCH = 16  # claims per run in long texts (models.tokens.SINGLE_RUNS_UP_TO)


class Embedder:
    """Texts in, L2-normalised float32 vectors out; batches are sorted by length to pad little.

    The session has one intra-op thread and ``threads`` runs go side by side
    (:func:`~propscope.models.runtime.in_order`); a session's thread count does not change its floats
    (checked bitwise on 200 PPN texts), so KB vectors embedded before are the same.
    """

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_length: int = 128, threads: int | None = None):
        self.model = OnnxModel(onnx_path, threads=threads, runs_side_by_side=True)
        self.tokenizer = load_tokenizer(tokenizer_path, max_length=max_length)
        self.tokenizer_path = tokenizer_path
        self.max_length = max_length
        self.fingerprint = _file_hash(onnx_path)
        self.model_dir: ModelDir | None = None

    @classmethod
    def from_files(cls, onnx_path: Path, tokenizer_path: Path, max_length: int = 128) -> Embedder:
        return cls(onnx_path, tokenizer_path, max_length=max_length)

    @classmethod
    def from_dir(cls, path: Path, threads: int | None = None) -> Embedder:
        model_dir = load_model_dir(path, task=EMBEDDER_TASK)
        embedder = cls(model_dir.onnx_path, model_dir.tokenizer_path, max_length=model_dir.max_length, threads=threads)
        embedder.model_dir = model_dir
        return embedder

    def encode(
        self, texts: list[str], batch_size: int = 64, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        batches = list(length_sorted_batches(self.tokenizer, texts, batch_size))
        for (rows, _), vectors in zip(batches, in_order(lambda b: self._vectors(b[1]), batches, self.model.workers), strict=True):
            out[rows] = vectors
            if progress is not None:
                progress(len(rows))
        return out

    def encode_tokens(self, sequences: list[np.ndarray], batch_size: int = 1) -> np.ndarray:
        """:meth:`encode` of texts given as content token ids (an article's tokens, sliced per claim).

        One claim a run, runs side by side: a claim's vector depends on no other claim (the int8 model
        quantises activations per run) and nothing is padded. On 512 sentences of 64 PPN articles, one
        article at a time, that took 2.97-3.17 s wall / 4.99-5.44 s CPU against 4.39-4.65 / 7.82-8.29 s
        for batches of 16 on a two-thread session (2 cores, two rounds); the vectors moved by cosine
        0.990 at most (``eval/claims_inference/README.md`` gives the retrieval figures). Calls of more than
        :data:`~propscope.models.tokens.SINGLE_RUNS_UP_TO` claims (long texts) run length-sorted batches of 16, side by side."""
        out = np.zeros((len(sequences), DIMENSION), dtype=np.float32)
        cls_id, sep_id = int(self.tokenizer.token_to_id("[CLS]")), int(self.tokenizer.token_to_id("[SEP]"))
        return run_sequences(sequences, cls_id, sep_id, self.max_length, self._vectors, out, self.model.workers,
                             batch_size, LONG_TEXT_BATCH)

    def _vectors(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        vectors = self.model.run(feeds, self.model.output_names[:1])[self.model.output_names[0]]
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def default_embedder_path() -> Path:
    return packaged_model_path(DEFAULT_EMBEDDER)


def load_embedder(path: Path | None = None, threads: int | None = None) -> Embedder:
    """The embedder at ``path`` (default: the shipped one), loaded once per process and fingerprint."""
    from propscope.models.cache import load_once

    model_path = path or default_embedder_path()
    if not (model_path / "config.json").is_file():
        raise ModelNotFound(f"no sentence embedder at {model_path}")
    return load_once("embedder", model_path, lambda: Embedder.from_dir(model_path, threads=threads), threads)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]

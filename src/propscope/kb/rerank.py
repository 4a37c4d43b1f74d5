"""The same-claim re-ranker: a MiniLM cross-encoder in ONNX Runtime that reads a query and a KB claim
together and gives the calibrated probability that they make the same claim.

The shipped model lives in ``propscope/resources/models/reranker`` (``task = "same-claim-rerank"``).
Its ``config.json`` holds everything the search needs:
- ``calibration``: Platt scaling ``P = sigmoid(a * logit + b)``, fitted on labelled news pairs;
- ``thresholds.same_claim``: the probability from which a hit counts as the same claim;
- ``candidates``: how many of the retriever's best hits per query are re-scored;
- ``min_similarity``: hits under this cosine are not re-scored (never the same claim on the labelled
  news pairs, and re-scoring them would cost time);
- ``rerank_weight``: the ranking score is ``w * P + (1 - w) * fused retrieval score``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propscope.errors import ModelNotFound
from propscope.models.cache import dir_fingerprint
from propscope.models.modeldir import ModelDir, load_model_dir, packaged_model_path
from propscope.models.runtime import OnnxModel
from propscope.models.windows import load_tokenizer

RERANKER_TASK = "same-claim-rerank"
DEFAULT_RERANKER = "reranker"


class CrossEncoderSession:
    """(query, claim) pairs in, raw logits out; pairs are batched by length to pad little."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_length: int = 128, threads: int | None = None) -> None:
        self.model = OnnxModel(onnx_path, threads=threads)
        # "longest_first" truncation, as the training tokenizer cut the pairs.
        self.tokenizer = load_tokenizer(tokenizer_path, max_length=max_length)
        self.max_length = max_length

    def logits(self, pairs: list[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        encodings = self.tokenizer.encode_batch([(q or " ", c or " ") for q, c in pairs])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            length = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.int64)
            for row, index in enumerate(rows):
                sequence = encodings[index].ids
                ids[row, : len(sequence)] = sequence
                mask[row, : len(sequence)] = 1
            result = self.model.run({"input_ids": ids, "attention_mask": mask})
            out[rows] = next(iter(result.values())).reshape(-1)
        return out


class Reranker:
    """The model directory's cross-encoder with its calibration and search settings."""

    def __init__(self, model_dir: ModelDir, threads: int | None = None) -> None:
        self.model_dir = model_dir
        self.session = CrossEncoderSession(model_dir.onnx_path, model_dir.tokenizer_path, model_dir.max_length, threads)
        extra = model_dir.extra
        calibration = extra.get("calibration") or {}
        self.a = float(calibration.get("a", 1.0))
        self.b = float(calibration.get("b", 0.0))
        self.threshold = float(model_dir.thresholds.get("same_claim", 0.5))
        self.candidates = int(extra.get("candidates", 5))
        self.min_similarity = float(extra.get("min_similarity", 0.0))
        self.weight = float(extra.get("rerank_weight", 1.0))
        # The whole directory: a new threshold or calibration in config.json changes the decisions.
        self.fingerprint = dir_fingerprint(model_dir.path)

    @classmethod
    def from_dir(cls, path: Path, threads: int | None = None) -> Reranker:
        return cls(load_model_dir(path, task=RERANKER_TASK), threads=threads)

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Calibrated P(same claim) for each (query, claim) pair."""
        z = self.session.logits(pairs)
        return 1.0 / (1.0 + np.exp(-(self.a * z + self.b)))


def default_reranker_path() -> Path:
    return packaged_model_path(DEFAULT_RERANKER)


def load_reranker(path: Path | None = None, threads: int | None = None) -> Reranker:
    """The re-ranker at ``path`` (default: the shipped one), loaded once per process and fingerprint."""
    from propscope.models.cache import load_once

    model_path = path or default_reranker_path()
    if not (model_path / "config.json").is_file():
        raise ModelNotFound(f"no same-claim re-ranker at {model_path}")
    return load_once("reranker", model_path, lambda: Reranker.from_dir(model_path, threads=threads), threads)


def reranker_available(path: Path | None = None) -> bool:
    return ((path or default_reranker_path()) / "config.json").is_file()


"""Check-worthiness in context: which claims a fact-checker would pick first (numpy only).

The sentence model (:mod:`propscope.claims.scorer`) scores each sentence alone. This model ranks the
sentences of one document with what surrounds them: the words of the sentence and of the sentence
before it, and where it sits in its speaker turn (a paragraph in an article), blended with the sentence
model's ``clef_check_worthy`` logit. It was trained and validated on debates and speeches (CheckThat!
2019 Task 1), whose labels say which sentences fact-checkers chose to check.

The model directory (task ``claims-context``) holds ``config.json`` (blend weights, normalisation,
calibration, the ``priority`` threshold, the fingerprint of the sentence model it blends with),
``weights.npz`` (vocabularies, idf and coefficients of a logistic regression over word n-grams) and a
``README.md`` card. The word features are computed exactly as scikit-learn's ``TfidfVectorizer``
(lower case, ``(?u)\\b\\w\\w+\\b`` tokens, sublinear tf, l2 norm) so training and inference agree.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propscope.errors import BadModelDirectory
from propscope.models.modeldir import ModelDir, load_model_dir, packaged_model_path

TASK = "claims-context"
DEFAULT_MODEL = "claims-context"
WEIGHTS_FILE = "weights.npz"
TOKEN = re.compile(r"(?u)\b\w\w+\b")
TURN_FEATURES = ("log_position_in_turn", "log_turn_length", "first_in_turn", "last_in_turn", "log_words")


def default_context_model_path() -> Path:
    return packaged_model_path(DEFAULT_MODEL)


def ngrams(text: str, n_max: int) -> list[str]:
    """Word n-grams as scikit-learn builds them (``ngram_range=(1, n_max)``)."""
    tokens = TOKEN.findall(text.lower())
    out = list(tokens)
    for n in range(2, n_max + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


@dataclass(slots=True)
class TfidfBlock:
    """One bag-of-n-grams block: vocabulary, idf and the regression coefficients of its columns."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    n_max: int
    scale: float = 1.0

    def contribution(self, text: str) -> float:
        """``coef · tfidf(text)`` with sublinear tf and l2 normalisation, without building a matrix."""
        counts = Counter(t for t in ngrams(text, self.n_max) if t in self.vocabulary)
        if not counts:
            return 0.0
        columns = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        values = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts))
        values *= self.idf[columns]
        norm = float(np.sqrt(np.sum(values**2)))
        return float(self.scale * np.dot(values, self.coef[columns]) / norm) if norm else 0.0


def turn_features(turns: Sequence[int], texts: Sequence[str]) -> np.ndarray:
    """Per sentence: position in its turn, turn length, first/last of the turn, length in words (logs)."""
    out = np.zeros((len(texts), len(TURN_FEATURES)), dtype=np.float64)
    index = 0
    while index < len(texts):
        end = index
        while end + 1 < len(texts) and turns[end + 1] == turns[index]:
            end += 1
        length = end - index + 1
        for k in range(index, end + 1):
            out[k] = (math.log1p(k - index), math.log1p(length), float(k == index), float(k == end),
                      math.log1p(len(texts[k].split())))
        index = end + 1
    return out


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-5, 1 - 1e-5)
    return np.log(q / (1 - q))


class ContextModel:
    """Priority of each sentence of a document, from its words, its context and the sentence model."""

    def __init__(self, model_dir: ModelDir) -> None:
        self.model_dir = model_dir
        extra = model_dir.extra
        try:
            with np.load(model_dir.path / WEIGHTS_FILE, allow_pickle=False) as weights:
                self.sentence = TfidfBlock(_vocabulary(weights["sentence_vocabulary"]), weights["sentence_idf"],
                                           weights["sentence_coef"], int(extra["sentence_ngrams"]))
                self.previous = TfidfBlock(_vocabulary(weights["previous_vocabulary"]), weights["previous_idf"],
                                           weights["previous_coef"], int(extra["previous_ngrams"]),
                                           float(extra["previous_scale"]))
                self.turn_coef = np.asarray(weights["turn_coef"], dtype=np.float64)
                self.intercept = float(weights["intercept"])
            blend = extra["blend"]
            self.base_weight = float(blend["base_weight"])
            self.base_mean, self.base_std = float(blend["base_mean"]), float(blend["base_std"])
            self.words_mean, self.words_std = float(blend["words_mean"]), float(blend["words_std"])
            self.calibration = (float(blend["calibration_slope"]), float(blend["calibration_intercept"]))
            self.base_label = str(blend["base_label"])
            self.base_fingerprint = str(blend["base_fingerprint"])
        except (KeyError, ValueError, OSError) as exc:
            raise BadModelDirectory(f"{model_dir.path} is not a complete claims-context model: {exc}") from exc

    @classmethod
    def load(cls, path: Path | None = None) -> ContextModel:
        return cls(load_model_dir(path or default_context_model_path(), task=TASK))

    @property
    def threshold(self) -> float:
        return float(self.model_dir.thresholds.get("priority", 0.5))

    def word_logits(self, texts: Sequence[str], turns: Sequence[int]) -> np.ndarray:
        """The logistic regression over the sentence's words, the previous sentence's words and the turn."""
        turn = turn_features(turns, texts) @ self.turn_coef
        out = np.empty(len(texts), dtype=np.float64)
        for k, text in enumerate(texts):
            previous = texts[k - 1] if k else ""
            out[k] = self.sentence.contribution(text) + self.previous.contribution(previous) + turn[k] + self.intercept
        return out

    def priority(self, texts: Sequence[str], turns: Sequence[int], base_scores: np.ndarray) -> np.ndarray:
        """0-1 priority of each sentence of one document (``base_scores``: the sentence model's
        probabilities of ``base_label``, in document order)."""
        if not len(texts):
            return np.zeros(0, dtype=np.float64)
        words = (self.word_logits(texts, turns) - self.words_mean) / self.words_std
        base = (logit(base_scores) - self.base_mean) / self.base_std
        blended = self.base_weight * base + (1 - self.base_weight) * words
        slope, intercept = self.calibration
        return 1.0 / (1.0 + np.exp(-(slope * blended + intercept)))


def _vocabulary(terms: Any) -> dict[str, int]:
    return {str(term): index for index, term in enumerate(terms.tolist())}

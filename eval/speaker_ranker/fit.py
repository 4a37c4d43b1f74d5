"""Fit and cross-validate the speaker ranker of ``ranker.py`` (an experiment, not shipped: see README.md).

The fixtures' claim units are read with their context units (as ``python -m propscope.eval.attribution``
reads them), the rules attribute each unit, every candidate speaker is described, and a conditional
logit (softmax over a unit's candidates, L2) is fitted; folds hold whole articles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from ranker import Candidate, SpeakerRanker, decide, unit_candidates

from propscope.attribution import attribute_units
from propscope.eval.attribution import Record, as_article, speaker_matches


@dataclass(slots=True)
class Example:
    """One labelled claim unit, parsed: what the ranker sees and what the annotator said."""

    record: Record
    docs: list[Any]
    offsets: list[int]
    rules: Any  # SentenceAttribution of the claim unit
    candidates: list[Candidate]

    def right(self, speaker: str | None) -> bool:
        golds = (self.record.speaker, *self.record.speaker_alternatives)
        return any(speaker_matches(g, speaker, overlap=False) for g in golds)

    def labels(self) -> list[int]:
        return [int(self.right(c.mention.text if c.mention is not None else None)) for c in self.candidates]


def parse_examples(records: list[Record]) -> list[Example]:
    from propscope.components.attribution import BATCH_SIZE, load_nlp

    articles = [as_article(r) for r in records]
    texts = [a.text[s.start : s.end] for a in articles for s in a.sentences]
    docs = iter(load_nlp().pipe(texts, batch_size=BATCH_SIZE))
    examples = []
    for record, article in zip(records, articles, strict=True):
        units = [next(docs) for _ in article.sentences]
        offsets = [s.start for s in article.sentences]
        rules = attribute_units(units, offsets)[-1]
        examples.append(Example(record, units, offsets, rules, unit_candidates(units, offsets, len(units) - 1, rules)))
    return examples


def fit(examples: list[Example], c: float, scope: str = "all") -> SpeakerRanker:
    """A conditional logit over each unit's candidates (softmax within the unit; the right candidates'
    probability maximised; L2 weight ``1/c``), fitted with L-BFGS. Units without a right candidate
    are left out."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    groups = [list(zip(e.candidates, e.labels(), strict=True)) for e in examples
              if scope == "all" or (e.rules.voice != "own" and e.rules.speaker is not None)]
    if scope == "speech":
        groups = [[(c, y) for c, y in g if c.mention is not None] for g in groups]
    groups = [g for g in groups if any(y for _, y in g)]
    index: dict[str, int] = {}
    rows, cols, right, starts = [], [], [], [0]
    for g in groups:
        for cand, label in g:
            for f in set(cand.features):
                rows.append(len(right))
                cols.append(index.setdefault(f, len(index)))
            right.append(label)
        starts.append(len(right))
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(right), len(index)))
    truth = np.asarray(right, dtype=float)
    bounds = np.asarray(starts[:-1])
    group = np.repeat(np.arange(len(groups)), np.diff(starts))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        scores = matrix @ w
        top = np.maximum.reduceat(scores, bounds)
        exp = np.exp(scores - top[group])
        total = np.add.reduceat(exp, bounds)
        good = np.add.reduceat(exp * truth, bounds)
        value = -np.sum(np.log(good) - np.log(total)) + 0.5 / c * w @ w
        p_all = exp / total[group]
        p_good = exp * truth / good[group]
        grad = matrix.T @ (p_all - p_good) + w / c
        return float(value), grad

    result = minimize(loss, np.zeros(len(index)), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    weights = {f: round(float(result.x[i]), 6) for f, i in index.items() if abs(result.x[i]) > 1e-6}
    return SpeakerRanker(weights, 0.0, version="1", scope=scope)


def outcome(example: Example, ranker: SpeakerRanker | None) -> dict[str, Any]:
    last = len(example.docs) - 1
    result = example.rules if ranker is None else decide(ranker, example.docs, example.offsets, last, example.rules)
    return {"speaker": example.right(result.speaker.text if result.speaker is not None else None),
            "voice": result.voice == example.record.voice, "speech": example.record.voice != "own"}


def summary(outcomes: list[dict[str, Any]]) -> dict[str, float]:
    speech = [o for o in outcomes if o["speech"]]
    mean = lambda rows, key: round(sum(o[key] for o in rows) / max(len(rows), 1), 3)  # noqa: E731
    return {"n": len(outcomes), "speaker": mean(outcomes, "speaker"), "voice": mean(outcomes, "voice"),
            "n_speech": len(speech), "speech_speaker": mean(speech, "speaker"), "speech_voice": mean(speech, "voice")}


def folds(examples: list[Example], k: int, seed: int) -> list[list[int]]:
    """Example indices of ``k`` folds, whole articles in one fold."""
    articles = sorted({e.record.article_id for e in examples})
    random.Random(seed).shuffle(articles)
    fold_of = {a: i % k for i, a in enumerate(articles)}
    return [[i for i, e in enumerate(examples) if fold_of[e.record.article_id] == f] for f in range(k)]


def cross_validate(examples: list[Example], c: float, k: int = 5, seed: int = 0, scope: str = "all") -> list[dict[str, Any]]:
    """Out-of-fold outcomes of the ranker (in the examples' order)."""
    outcomes: list[dict[str, Any] | None] = [None] * len(examples)
    for held in folds(examples, k, seed):
        held_set = set(held)
        ranker = fit([e for i, e in enumerate(examples) if i not in held_set], c, scope)
        for i in held:
            outcomes[i] = outcome(examples[i], ranker)
    return [o for o in outcomes if o is not None]


def oracle(examples: list[Example]) -> float:
    """Share of speech units whose right speaker is among the candidates."""
    speech = [e for e in examples if e.record.voice != "own"]
    return round(sum(any(e.labels()[1:]) for e in speech) / max(len(speech), 1), 3)

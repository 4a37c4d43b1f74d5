"""Ranking and classification metrics for check-worthiness (numpy only).

``average_precision`` follows the CLEF CheckThat! scorer: sentences ranked by score (ties keep input
order), precision taken at the rank of each check-worthy sentence, averaged over the check-worthy
sentences of the debate. MAP is the mean over debates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    labels_arr = np.asarray(labels, dtype=np.int64)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ranked = labels_arr[order]
    n_relevant = int(ranked.sum())
    if n_relevant == 0:
        return 0.0
    hits = np.cumsum(ranked)
    precision_at_hit = hits[ranked == 1] / (np.flatnonzero(ranked == 1) + 1)
    return float(precision_at_hit.sum() / n_relevant)


def mean_average_precision(per_debate: Mapping[str, tuple[Sequence[int], Sequence[float]]]) -> tuple[float, dict[str, float]]:
    """MAP over debates, and the AP of each debate."""
    aps = {name: average_precision(labels, scores) for name, (labels, scores) in per_debate.items()}
    return (float(np.mean(list(aps.values()))) if aps else 0.0), aps


def precision_recall_f1(labels: Sequence[int], scores: Sequence[float], threshold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class when ``score >= threshold`` predicts positive."""
    y = np.asarray(labels, dtype=bool)
    predicted = np.asarray(scores, dtype=np.float64) >= threshold
    tp = int(np.sum(predicted & y))
    fp = int(np.sum(predicted & ~y))
    fn = int(np.sum(~predicted & y))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_f1_threshold(labels: Sequence[int], scores: Sequence[float]) -> tuple[float, float]:
    """The threshold (one of the scores) that maximises positive-class F1, and that F1."""
    candidates = np.unique(np.asarray(scores, dtype=np.float64))
    best = (0.5, -1.0, 0)
    for index, threshold in enumerate(candidates):
        f1 = precision_recall_f1(labels, scores, float(threshold))[2]
        if f1 > best[1]:
            best = (float(threshold), f1, index)
    threshold, f1, index = best
    if index > 0:  # halfway to the next lower score, not on the edge of the lowest positive kept
        threshold = float((candidates[index] + candidates[index - 1]) / 2)
    return threshold, f1


def expected_random_ap(labels: Sequence[int], draws: int = 200, seed: int = 0) -> float:
    """AP of a random ranking, averaged over ``draws`` shuffles (the 'random' task baseline)."""
    rng = np.random.default_rng(seed)
    labels_arr = np.asarray(labels)
    return float(np.mean([average_precision(labels_arr, rng.random(len(labels_arr))) for _ in range(draws)]))

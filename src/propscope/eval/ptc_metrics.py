"""The official metrics of SemEval-2020 Task 11, written from the task definition.

SI (span identification): within each article, overlapping spans of one side are merged first; then
every pair of a predicted span ``s`` and a gold span ``t`` contributes ``|s∩t|/|s|`` to precision and
``|s∩t|/|t|`` to recall (character level). Precision is the sum over the corpus divided by the number of
predicted spans, recall the sum divided by the number of gold spans, F1 their harmonic mean.

TC (technique classification): every gold span gets one predicted technique; micro-averaged
precision, recall and F1 over (article, start, end) matches. A span annotated with two techniques is
two gold items, matched as a multiset.

FLC (fragment-level classification, SemEval-2019 Task "FLC", Da San Martino et al. 2019): the measure
of the spans a report shows. Spans are not merged; every pair of a predicted span ``s`` and a gold span
``t`` *of the same technique* in the same article contributes ``|s∩t|/|s|`` to precision and
``|s∩t|/|t|`` to recall; precision divides by the number of predicted spans, recall by the number of
gold spans. A span of the wrong technique earns nothing, however well placed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True, slots=True)
class SIScore(PRF):
    n_gold: int = 0
    n_pred: int = 0


@dataclass(frozen=True, slots=True)
class TCScore(PRF):
    n_gold: int = 0
    n_pred: int = 0
    per_technique: dict[str, PRF] = field(default_factory=dict)


def f1_of(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Merge spans that share at least one character (touching spans stay apart)."""
    merged: list[list[int]] = []
    for start, end in sorted((s, e) for s, e in spans if e > s):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _overlap_sums(pred: list[Span], gold: list[Span]) -> tuple[float, float]:
    """Sum of |s∩t|/|s| and of |s∩t|/|t| over all pairs (both lists merged and sorted)."""
    precision_sum = 0.0
    recall_sum = 0.0
    j0 = 0
    for ps, pe in pred:
        while j0 < len(gold) and gold[j0][1] <= ps:
            j0 += 1
        j = j0
        while j < len(gold) and gold[j][0] < pe:
            gs, ge = gold[j]
            inter = min(pe, ge) - max(ps, gs)
            if inter > 0:
                precision_sum += inter / (pe - ps)
                recall_sum += inter / (ge - gs)
            j += 1
    return precision_sum, recall_sum


def si_score(gold: Mapping[str, Sequence[Span]], pred: Mapping[str, Sequence[Span]]) -> SIScore:
    """Corpus-level SI precision, recall and F1; articles missing on one side count as having no spans."""
    precision_sum = recall_sum = 0.0
    n_gold = n_pred = 0
    for article_id in set(gold) | set(pred):
        gold_spans = merge_spans(gold.get(article_id, ()))
        pred_spans = merge_spans(pred.get(article_id, ()))
        n_gold += len(gold_spans)
        n_pred += len(pred_spans)
        p, r = _overlap_sums(pred_spans, gold_spans)
        precision_sum += p
        recall_sum += r
    precision = precision_sum / n_pred if n_pred else 0.0
    recall = recall_sum / n_gold if n_gold else 0.0
    return SIScore(precision, recall, f1_of(precision, recall), n_gold=n_gold, n_pred=n_pred)


TCItem = tuple[str, int, int, str]  # article id, start, end, technique


def tc_score(gold: Iterable[TCItem], pred: Iterable[TCItem]) -> TCScore:
    """Micro P/R/F1 of predicted techniques against gold techniques, span by span, plus per technique."""
    gold_by_span: dict[tuple[str, int, int], Counter[str]] = {}
    pred_by_span: dict[tuple[str, int, int], Counter[str]] = {}
    for article_id, start, end, technique in gold:
        gold_by_span.setdefault((article_id, start, end), Counter())[technique] += 1
    for article_id, start, end, technique in pred:
        pred_by_span.setdefault((article_id, start, end), Counter())[technique] += 1
    true_pos: Counter[str] = Counter()
    gold_count: Counter[str] = Counter()
    pred_count: Counter[str] = Counter()
    for counts in gold_by_span.values():
        gold_count.update(counts)
    for key, counts in pred_by_span.items():
        pred_count.update(counts)
        true_pos.update(counts & gold_by_span.get(key, Counter()))
    n_gold = sum(gold_count.values())
    n_pred = sum(pred_count.values())
    correct = sum(true_pos.values())
    precision = correct / n_pred if n_pred else 0.0
    recall = correct / n_gold if n_gold else 0.0
    per_technique = {}
    for technique in sorted(set(gold_count) | set(pred_count)):
        p = true_pos[technique] / pred_count[technique] if pred_count[technique] else 0.0
        r = true_pos[technique] / gold_count[technique] if gold_count[technique] else 0.0
        per_technique[technique] = PRF(p, r, f1_of(p, r))
    return TCScore(precision, recall, f1_of(precision, recall), n_gold=n_gold, n_pred=n_pred, per_technique=per_technique)


def technique_span_score(
    gold: Mapping[str, Mapping[str, Sequence[Span]]], pred: Mapping[str, Mapping[str, Sequence[Span]]]
) -> tuple[PRF, dict[str, SIScore]]:
    """Technique-aware span scores: the SI measure within each technique (``{technique: {article: spans}}``).

    Returns the micro average over techniques (overlap sums and span counts added up) and the score of
    each technique. A predicted span only earns credit for gold spans of its own technique.
    """
    per_technique: dict[str, SIScore] = {}
    precision_sum = recall_sum = 0.0
    n_gold = n_pred = 0
    for technique in sorted(set(gold) | set(pred)):
        score = si_score(gold.get(technique, {}), pred.get(technique, {}))
        per_technique[technique] = score
        precision_sum += score.precision * score.n_pred
        recall_sum += score.recall * score.n_gold
        n_gold += score.n_gold
        n_pred += score.n_pred
    precision = precision_sum / n_pred if n_pred else 0.0
    recall = recall_sum / n_gold if n_gold else 0.0
    return PRF(precision, recall, f1_of(precision, recall)), per_technique


@dataclass(frozen=True, slots=True)
class FLCScore(PRF):
    n_gold: int = 0
    n_pred: int = 0
    per_technique: dict[str, SIScore] = field(default_factory=dict)


def flc_score(gold: Iterable[TCItem], pred: Iterable[TCItem]) -> FLCScore:
    """Technique-aware partial-overlap P/R/F1 of ``(article, start, end, technique)`` items (SemEval-2019 FLC).

    Identical items on one side count once (a label file that repeats a line does not double its
    credit); empty spans are ignored. Per technique: the same sums restricted to that technique.
    """
    gold_set = {item for item in gold if item[2] > item[1]}
    pred_set = {item for item in pred if item[2] > item[1]}
    gold_by: dict[tuple[str, str], list[Span]] = {}
    for article_id, start, end, technique in gold_set:
        gold_by.setdefault((article_id, technique), []).append((start, end))
    precision_sum: Counter[str] = Counter()
    recall_sum: Counter[str] = Counter()
    n_gold: Counter[str] = Counter(item[3] for item in gold_set)
    n_pred: Counter[str] = Counter(item[3] for item in pred_set)
    for article_id, ps, pe, technique in pred_set:
        for gs, ge in gold_by.get((article_id, technique), ()):
            inter = min(pe, ge) - max(ps, gs)
            if inter > 0:
                precision_sum[technique] += inter / (pe - ps)
                recall_sum[technique] += inter / (ge - gs)
    per_technique = {}
    for technique in sorted(set(n_gold) | set(n_pred)):
        p = precision_sum[technique] / n_pred[technique] if n_pred[technique] else 0.0
        r = recall_sum[technique] / n_gold[technique] if n_gold[technique] else 0.0
        per_technique[technique] = SIScore(p, r, f1_of(p, r), n_gold=n_gold[technique], n_pred=n_pred[technique])
    total_gold, total_pred = sum(n_gold.values()), sum(n_pred.values())
    precision = sum(precision_sum.values()) / total_pred if total_pred else 0.0
    recall = sum(recall_sum.values()) / total_gold if total_gold else 0.0
    return FLCScore(
        precision, recall, f1_of(precision, recall), n_gold=total_gold, n_pred=total_pred, per_technique=per_technique
    )

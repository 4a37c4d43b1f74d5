"""Evaluate technique-tagger outputs on PTC articles: threshold tuning, SI, TC and baselines (numpy only).

Thresholds are tuned per output column on a grid, each to maximise the SI measure of that column
(the "any" column against the merged gold spans; a technique column against the gold spans of that
technique). Tuning and scoring on the same articles flatters the scores, so ``evaluate_spans`` also
reports cross-fitted scores: the held-out articles are split in two halves, thresholds tuned on one
half score the other, and the predictions of both halves are pooled.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from propscope.eval.ptc_metrics import Span, si_score, tc_score, technique_span_score
from propscope.ptc.corpus import Corpus
from propscope.ptc.tagging import (
    TRIM_CHARS,
    ArticleOutputs,
    column_rules,
    decode_column,
    span_head_probabilities,
    span_matrix,
    token_range,
)

GRID: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20))
# Technique columns never go below 0.3: rare techniques (a handful of gold spans in validation) have an
# F1 curve that is flat and noisy near zero, and tuning once picked 0.05 for Thought-terminating
# clichés, flooding reports with hundreds of wrong spans for a gain within noise.
TECHNIQUE_GRID: tuple[float, ...] = tuple(t for t in GRID if t >= 0.3)
# A technique column may predict at most this many spans per gold span of the tuning articles. Rare
# techniques (Whataboutism: 20 gold spans on validation) otherwise reach their best, near-zero F1 at a
# threshold that marks 15% of all spans in unseen articles as that technique.
MAX_SPANS_PER_GOLD = 2.0
# Joining runs across up to 8 weaker tokens brings predicted spans to about the length of gold spans
# (PTC gold spans: mean 38 characters); longer gaps raise SI F1 a little more by predicting spans much
# longer than the gold ones, which helps the measure and not the reader, so they are only scanned.
GAPS: tuple[int, ...] = (0, 1, 2, 4, 6, 8)
GAP_SCAN: tuple[int, ...] = (0, 1, 2, 4, 6, 8, 12, 16, 24, 32)

Outputs = Mapping[str, ArticleOutputs]


def gold_any(corpus: Corpus, ids: Sequence[str]) -> dict[str, list[Span]]:
    return {i: [(s.start, s.end) for s in corpus.spans.get(i, [])] for i in ids}


def gold_by_technique(corpus: Corpus, ids: Sequence[str], labels: Sequence[str]) -> dict[str, dict[str, list[Span]]]:
    gold: dict[str, dict[str, list[Span]]] = {label: {i: [] for i in ids} for label in labels}
    for i in ids:
        for span in corpus.spans.get(i, []):
            if span.technique in gold:
                gold[span.technique][i].append((span.start, span.end))
    return gold


def _begins(out: ArticleOutputs, column: int, n_techniques: int, bio: bool) -> np.ndarray | None:
    return out.probs[:, n_techniques + 1 + column] if bio else None


def decode(
    outputs: Outputs, ids: Sequence[str], column: int, threshold: float, n_techniques: int, bio: bool, gap: int = 0
) -> dict[str, list[tuple[int, int, float]]]:
    """Spans of one output column for each article."""
    result = {}
    for i in ids:
        out = outputs[i]
        if len(out.offsets) == 0:
            result[i] = []
            continue
        begins = _begins(out, column, n_techniques, bio)
        rules = column_rules(column, n_techniques)
        result[i] = decode_column(out.text, out.offsets, out.probs[:, column], threshold, begins, gap, **rules)
    return result


def _spans_only(pred: Mapping[str, Sequence[tuple[int, int, float]]]) -> dict[str, list[Span]]:
    return {i: [(s, e) for s, e, _ in spans] for i, spans in pred.items()}


def tune_column(
    outputs: Outputs,
    ids: Sequence[str],
    gold: Mapping[str, Sequence[Span]],
    column: int,
    n_techniques: int,
    bio: bool,
    gap: int = 0,
    grid: Sequence[float] = GRID,
    max_spans_per_gold: float | None = None,
) -> tuple[float, float]:
    """The grid threshold with the best SI F1 for one column (ties: the higher threshold), and that F1.

    With ``max_spans_per_gold``, thresholds that predict more spans than that many per gold span are
    passed over (unless none qualifies, then the highest threshold is taken).
    """
    best = (0.5, -1.0)
    n_gold = sum(len(gold.get(i, [])) for i in ids)
    for threshold in grid:
        pred = _spans_only(decode(outputs, ids, column, threshold, n_techniques, bio, gap))
        if max_spans_per_gold is not None and sum(map(len, pred.values())) > max_spans_per_gold * max(n_gold, 1):
            continue
        f1 = si_score({i: gold.get(i, []) for i in ids}, pred).f1
        if f1 >= best[1]:
            best = (float(threshold), f1)
    if best[1] < 0:
        best = (float(max(grid)), 0.0)
    return best


def tune_thresholds(
    outputs: Outputs, corpus: Corpus, ids: Sequence[str], labels: Sequence[str], bio: bool, gaps: Sequence[int] = GAPS
) -> tuple[dict[str, float], float, int]:
    """Per-technique thresholds, the threshold of the "any" column and the gap, tuned on ``ids``.

    The gap (how many below-threshold tokens may join two runs) is chosen with the "any" threshold on SI
    F1 and then shared by the technique columns.
    """
    n = len(labels)
    gold = gold_any(corpus, ids)
    best = (0.5, -1.0, 0)
    for gap in gaps:
        threshold, f1 = tune_column(outputs, ids, gold, n, n, bio, gap)
        if f1 > best[1]:
            best = (threshold, f1, gap)
    any_threshold, _, gap = best
    by_technique = gold_by_technique(corpus, ids, labels)
    thresholds = {
        label: tune_column(
            outputs, ids, by_technique[label], k, n, bio, gap, grid=TECHNIQUE_GRID, max_spans_per_gold=MAX_SPANS_PER_GOLD
        )[0]
        for k, label in enumerate(labels)
    }
    return thresholds, any_threshold, gap


def predict(
    outputs: Outputs,
    ids: Sequence[str],
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    any_threshold: float,
    bio: bool,
    gap: int = 0,
) -> tuple[dict[str, dict[str, list[Span]]], dict[str, list[Span]]]:
    """Technique spans ``{technique: {article: spans}}`` and SI spans ``{article: spans}``."""
    n = len(labels)
    techniques = {
        label: _spans_only(decode(outputs, ids, k, thresholds[label], n, bio, gap)) for k, label in enumerate(labels)
    }
    any_spans = _spans_only(decode(outputs, ids, n, any_threshold, n, bio, gap))
    return techniques, any_spans


def union_spans(techniques: Mapping[str, Mapping[str, Sequence[Span]]], ids: Sequence[str]) -> dict[str, list[Span]]:
    return {i: [span for spans in techniques.values() for span in spans.get(i, [])] for i in ids}


def score_spans(
    corpus: Corpus,
    ids: Sequence[str],
    labels: Sequence[str],
    techniques: Mapping[str, Mapping[str, Sequence[Span]]],
    any_spans: Mapping[str, Sequence[Span]],
) -> dict[str, Any]:
    gold_techniques = gold_by_technique(corpus, ids, labels)
    micro, per_technique = technique_span_score(gold_techniques, techniques)
    gold = gold_any(corpus, ids)
    si = si_score(gold, any_spans)
    si_union = si_score(gold, union_spans(techniques, ids))
    return {
        "si": {**si.as_dict(), "n_gold": si.n_gold, "n_pred": si.n_pred},
        "si_union_of_techniques": si_union.as_dict(),
        "technique_spans_micro": micro.as_dict(),
        "per_technique": {
            label: {**score.as_dict(), "n_gold": score.n_gold, "n_pred": score.n_pred}
            for label, score in per_technique.items()
        },
    }


def halves(ids: Sequence[str], seed: int) -> tuple[list[str], list[str]]:
    ordered = sorted(ids)
    random.Random(seed).shuffle(ordered)
    middle = len(ordered) // 2
    return sorted(ordered[:middle]), sorted(ordered[middle:])


def evaluate_spans(
    outputs: Outputs, corpus: Corpus, ids: Sequence[str], labels: Sequence[str], bio: bool, seed: int
) -> dict[str, Any]:
    """Tuned thresholds and gap (on all ``ids``), their same-split scores, and cross-fitted scores."""
    thresholds, any_threshold, gap = tune_thresholds(outputs, corpus, ids, labels, bio)
    same = score_spans(corpus, ids, labels, *predict(outputs, ids, labels, thresholds, any_threshold, bio, gap))
    result: dict[str, Any] = {"thresholds": thresholds, "si_threshold": any_threshold, "gap": gap, "same_split": same}
    gold = gold_any(corpus, ids)
    result["gap_scan_same_split"] = {
        str(g): tune_column(outputs, ids, gold, len(labels), len(labels), bio, g)[1] for g in GAP_SCAN
    }
    if len(ids) >= 4:
        first, second = halves(ids, seed)
        pooled_techniques: dict[str, dict[str, list[Span]]] = {label: {} for label in labels}
        pooled_any: dict[str, list[Span]] = {}
        choices = []
        for tune_ids, score_ids in ((first, second), (second, first)):
            t, a, g = tune_thresholds(outputs, corpus, tune_ids, labels, bio)
            choices.append({"si_threshold": a, "gap": g})
            techniques, any_spans = predict(outputs, score_ids, labels, t, a, bio, g)
            for label in labels:
                pooled_techniques[label].update(techniques[label])
            pooled_any.update(any_spans)
        result["cross_fitted"] = score_spans(corpus, ids, labels, pooled_techniques, pooled_any)
        result["cross_fitted"]["choices"] = choices
    return result


def gold_tc_items(corpus: Corpus, ids: Sequence[str]) -> list[tuple[str, int, int, str]]:
    return [(s.article_id, s.start, s.end, str(s.technique)) for i in ids for s in corpus.spans.get(i, [])]


def rank_techniques(probs: np.ndarray, labels: Sequence[str], spans: Sequence[Span]) -> list[str]:
    """One technique per span; the k-th repeat of the same span gets the k-th most likely technique.

    The PTC annotates some fragments with two techniques, which appear as two identical spans: giving
    the repeat the second choice is the only way to match both.
    """
    seen: dict[Span, int] = {}
    distinct: dict[Span, int] = {}
    for span in spans:
        distinct.setdefault(span, len(distinct))
    order = np.argsort(-probs, axis=1)
    result = []
    for span in spans:
        rank = seen.get(span, 0)
        seen[span] = rank + 1
        result.append(labels[int(order[distinct[span], min(rank, len(labels) - 1)])])
    return result


def classify_spans(
    out: ArticleOutputs, spans: Sequence[Span], labels: Sequence[str], head: dict[str, np.ndarray]
) -> list[str]:
    """The span classifier's technique for each span (``spans`` may repeat, see ``rank_techniques``)."""
    if not spans:
        return []
    distinct = list(dict.fromkeys(spans))
    probs = span_head_probabilities(head, span_matrix(out, distinct))
    return rank_techniques(probs, labels, spans)


def classify_gold_spans(
    outputs: Outputs, corpus: Corpus, ids: Sequence[str], labels: Sequence[str], head: dict[str, np.ndarray]
) -> list[tuple[str, int, int, str]]:
    """The span classifier's technique for every gold item (the TC template: one line per gold label)."""
    pred = []
    for i in ids:
        spans = [(s.start, s.end) for s in corpus.spans.get(i, [])]
        for (s, e), technique in zip(spans, classify_spans(outputs[i], spans, labels, head), strict=True):
            pred.append((i, s, e, technique))
    return pred


def tagger_pooled_gold_spans(
    outputs: Outputs, corpus: Corpus, ids: Sequence[str], labels: Sequence[str]
) -> list[tuple[str, int, int, str]]:
    """A simpler TC: the technique whose token probability, averaged over the span, is highest."""
    pred = []
    n = len(labels)
    for i in ids:
        out = outputs[i]
        spans = [(s.start, s.end) for s in corpus.spans.get(i, [])]
        distinct = list(dict.fromkeys(spans))
        probs = np.zeros((len(distinct), n), dtype=np.float32)
        for row, (s, e) in enumerate(distinct):
            a, b = token_range(out.offsets, s, e)
            if a >= b:
                a = min(a, len(out.offsets) - 1)
                b = a + 1
            probs[row] = out.probs[a:b, :n].mean(axis=0)
        for (s, e), technique in zip(spans, rank_techniques(probs, labels, spans), strict=True):
            pred.append((i, s, e, technique))
    return pred


def tc_report(gold: list[tuple[str, int, int, str]], pred: list[tuple[str, int, int, str]]) -> dict[str, Any]:
    score = tc_score(gold, pred)
    return {
        **score.as_dict(),
        "n_gold": score.n_gold,
        "n_pred": score.n_pred,
        "per_technique": {name: prf.as_dict() for name, prf in score.per_technique.items()},
    }


def sentence_spans(text: str) -> list[Span]:
    """Every line of the article (PTC articles hold one sentence per line), trimmed like gold spans."""
    spans = []
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        while start < end and text[start] in TRIM_CHARS:
            start += 1
        while end > start and text[end - 1] in TRIM_CHARS:
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def baselines(corpus: Corpus, ids: Sequence[str]) -> dict[str, Any]:
    """Whole-sentence SI and always-Loaded_Language TC on the same articles."""
    si = si_score(gold_any(corpus, ids), {i: sentence_spans(corpus.texts[i]) for i in ids})
    gold = gold_tc_items(corpus, ids)
    tc = tc_score(gold, [(a, s, e, "Loaded_Language") for a, s, e, _ in gold])
    return {"si_whole_sentence": si.as_dict(), "tc_all_loaded_language": tc.as_dict()}

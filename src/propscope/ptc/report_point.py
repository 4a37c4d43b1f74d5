"""Tune and measure the report operating point on held-out articles (evaluation side; needs scikit-learn).

- ``candidate_table``: every technique span the SemEval decoder finds (at its F1 thresholds), after the
  phrase rules, with its confidence and its FLC credit against gold (|s∩t|/|s| of the same technique).
- ``tune_point``: per technique, the lowest confidence cutoff whose spans reach the target precision
  (FLC, on the tuning articles) with at least ``min_spans`` spans; a technique with no such cutoff is
  hidden, and its reason says what was reached.
- ``fit_calibration``: isotonic regression of "right" (credit >= 0.5) on confidence, stored as
  breakpoints.
- ``cross_fit``: the held-out articles are split in two halves; the operating point and the calibration
  tuned on one half score the other, both ways, and the pooled spans are scored, so no figure is tuned
  on the articles it is measured on.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from propscope.eval.ptc_metrics import flc_score, si_score
from propscope.ptc.corpus import Corpus
from propscope.ptc.operating import Calibration, Candidate, OperatingPoint, PhraseRules, TechniquePoint, candidates
from propscope.ptc.tagging import ArticleOutputs

TARGET_PRECISION = 0.6
MIN_SPANS = 5  # a cutoff reached by fewer spans on the tuning articles proves nothing
RIGHT_CREDIT = 0.5  # a span is "right" when at least half of it lies in gold of its technique
CALIBRATION_BINS = 10


@dataclass(slots=True)
class Row:
    article: str
    candidate: Candidate
    credit: float  # FLC precision credit: sum over gold t of the same technique of |s∩t|/|s|
    recall_credit: float  # sum of |s∩t|/|t|

    @property
    def right(self) -> bool:
        return self.credit >= RIGHT_CREDIT


def gold_items(corpus: Corpus, ids: Sequence[str]) -> list[tuple[str, int, int, str]]:
    return sorted({(i, s.start, s.end, str(s.technique)) for i in ids for s in corpus.spans.get(i, [])})


def candidate_table(
    outputs: Mapping[str, ArticleOutputs],
    corpus: Corpus,
    ids: Sequence[str],
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    bio: bool,
    gap: int,
    span_head: dict[str, np.ndarray] | None,
    rules: PhraseRules,
    chunks: Mapping[str, Sequence[tuple[int, int]]] | None = None,
) -> list[Row]:
    values = [thresholds[label] for label in labels]
    gold: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for article, start, end, technique in gold_items(corpus, ids):
        gold.setdefault((article, technique), []).append((start, end))
    rows = []
    for i in ids:
        found = candidates(outputs[i], values, bio, gap, span_head, rules, None if chunks is None else chunks[i])
        for c in found:
            credit = recall_credit = 0.0
            for gs, ge in gold.get((i, labels[c.column]), ()):
                inter = min(c.end, ge) - max(c.start, gs)
                if inter > 0:
                    credit += inter / (c.end - c.start)
                    recall_credit += inter / (ge - gs)
            rows.append(Row(i, c, credit, recall_credit))
    return rows


def _reason(best: tuple[float, float, int] | None, target: float, n_articles: int) -> str:
    if best is None:
        return f"too few spans on {n_articles} held-out PTC articles to measure its precision"
    precision, recall, n = best
    return f"at best {precision:.0%} precise ({n} spans) on {n_articles} held-out PTC articles, below the {target:.0%} target"


def tune_point(
    rows: Sequence[Row],
    corpus: Corpus,
    ids: Sequence[str],
    labels: Sequence[str],
    target: float = TARGET_PRECISION,
    min_spans: int = MIN_SPANS,
) -> dict[str, TechniquePoint]:
    """Per technique: the cutoff with the highest recall among those at or above ``target`` precision."""
    n_gold = Counter(t for _, _, _, t in gold_items(corpus, ids))
    wanted = set(ids)
    result = {}
    for column, label in enumerate(labels):
        mine = sorted((r for r in rows if r.candidate.column == column and r.article in wanted), key=lambda r: -r.candidate.confidence)
        credit = np.cumsum([r.credit for r in mine])
        recall = np.cumsum([r.recall_credit for r in mine]) / max(n_gold[label], 1)
        chosen: tuple[float, float, float] | None = None  # recall, precision, cutoff
        best: tuple[float, float, int] | None = None  # precision, recall, n (for the reason)
        for k, row in enumerate(mine):
            n = k + 1
            if k + 1 < len(mine) and mine[k + 1].candidate.confidence == row.candidate.confidence:
                continue  # a cutoff keeps every span of equal confidence
            precision = float(credit[k] / n)
            if n >= min_spans and (best is None or precision > best[0]):
                best = (precision, float(recall[k]), n)
            if n >= min_spans and precision >= target and (chosen is None or recall[k] > chosen[0]):
                chosen = (float(recall[k]), precision, row.candidate.confidence)
        if chosen is not None:
            result[label] = TechniquePoint(True, round(chosen[2], 6))
        else:
            result[label] = TechniquePoint(False, 1.0, _reason(best, target, len(ids)))
    return result


def fit_calibration(confidence: Sequence[float], right: Sequence[bool]) -> Calibration:
    """Isotonic regression of rightness on confidence, as the breakpoints where the fitted step changes."""
    from sklearn.isotonic import IsotonicRegression

    if len(confidence) < 2:
        return Calibration()
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    model.fit(np.asarray(confidence, dtype=float), np.asarray(right, dtype=float))
    x = [round(float(v), 6) for v in model.X_thresholds_]
    y = [round(float(v), 6) for v in model.y_thresholds_]
    return Calibration(tuple(x), tuple(y))


def reliability(prob: Sequence[float], right: Sequence[bool], bins: int = CALIBRATION_BINS) -> tuple[float, list[dict[str, Any]]]:
    """Expected calibration error (equal-width bins, weighted by count) and the reliability table."""
    p = np.asarray(prob, dtype=float)
    y = np.asarray(right, dtype=float)
    table = []
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        mask = (p >= low) & ((p < high) if b < bins - 1 else (p <= high))
        if not mask.any():
            continue
        mean_p, share = float(p[mask].mean()), float(y[mask].mean())
        ece += mask.sum() / max(len(p), 1) * abs(mean_p - share)
        table.append({"bin": f"{low:.1f}-{high:.1f}", "spans": int(mask.sum()), "mean_score": round(mean_p, 3), "right": round(share, 3)})
    return float(ece), table


def halves(ids: Sequence[str], seed: int) -> tuple[list[str], list[str]]:
    ordered = sorted(ids)
    random.Random(seed).shuffle(ordered)
    middle = len(ordered) // 2
    return sorted(ordered[:middle]), sorted(ordered[middle:])


def _flc_report(corpus: Corpus, ids: Sequence[str], rows: Sequence[Row], labels: Sequence[str]) -> dict[str, Any]:
    pred = [(r.article, r.candidate.start, r.candidate.end, labels[r.candidate.column]) for r in rows]
    score = flc_score(gold_items(corpus, ids), pred)
    return {
        **score.as_dict(),
        "n_pred": score.n_pred,
        "n_gold": score.n_gold,
        "per_technique": {
            name: {**s.as_dict(), "n_pred": s.n_pred, "n_gold": s.n_gold} for name, s in score.per_technique.items()
        },
    }


def si_of_rows(corpus: Corpus, ids: Sequence[str], rows: Sequence[Row]) -> float:
    """SI F1 of the union of the technique spans (the SemEval SI measure, techniques ignored)."""
    gold = {i: [(s.start, s.end) for s in corpus.spans.get(i, [])] for i in ids}
    pred: dict[str, list[tuple[int, int]]] = {i: [] for i in ids}
    for r in rows:
        pred[r.article].append((r.candidate.start, r.candidate.end))
    return si_score(gold, pred).f1


def build_point(
    rows: Sequence[Row], corpus: Corpus, ids: Sequence[str], labels: Sequence[str], rules: PhraseRules,
    target: float = TARGET_PRECISION,
) -> OperatingPoint:
    wanted = set(ids)
    mine = [r for r in rows if r.article in wanted]
    calibration = fit_calibration([r.candidate.confidence for r in mine], [r.right for r in mine])
    return OperatingPoint(target, tune_point(mine, corpus, ids, labels, target), calibration, rules)


def apply_point(rows: Sequence[Row], ids: Sequence[str], labels: Sequence[str], point: OperatingPoint) -> list[Row]:
    wanted = set(ids)
    result = []
    for r in rows:
        technique = point.techniques[labels[r.candidate.column]]
        if r.article in wanted and technique.shown and r.candidate.confidence >= technique.min_confidence:
            result.append(r)
    return result


def cross_fit(
    rows: Sequence[Row], corpus: Corpus, ids: Sequence[str], labels: Sequence[str], rules: PhraseRules, seed: int,
    target: float = TARGET_PRECISION,
) -> dict[str, Any]:
    """Operating point and calibration tuned on one half, measured on the other, pooled over both ways."""
    first, second = halves(ids, seed)
    shown: list[Row] = []
    calibrated: list[tuple[float, bool]] = []
    calibrated_shown: list[tuple[float, bool]] = []
    choices = []
    for tune_ids, score_ids in ((first, second), (second, first)):
        point = build_point(rows, corpus, tune_ids, labels, rules, target)
        picked = apply_point(rows, score_ids, labels, point)
        shown.extend(picked)
        wanted = set(score_ids)
        calibrated.extend((point.calibration(r.candidate.confidence), r.right) for r in rows if r.article in wanted)
        calibrated_shown.extend((point.calibration(r.candidate.confidence), r.right) for r in picked)
        choices.append({"tuned_on": len(tune_ids), "shown": sorted(n for n, p in point.techniques.items() if p.shown)})
    all_rows = [r for r in rows if r.article in set(ids)]
    ece_all, table_all = reliability([p for p, _ in calibrated], [y for _, y in calibrated])
    ece_shown, table_shown = reliability([p for p, _ in calibrated_shown], [y for _, y in calibrated_shown])
    raw_ece, raw_table = reliability([r.candidate.score for r in all_rows], [r.right for r in all_rows])
    return {
        "articles": len(ids),
        "halves": [len(first), len(second)],
        "seed": seed,
        "target_precision": target,
        "report": _flc_report(corpus, ids, shown, labels),
        "all_spans": _flc_report(corpus, ids, all_rows, labels),
        "si_f1_union_all_spans": si_of_rows(corpus, ids, all_rows),
        "choices": choices,
        "calibration": {
            "right_means": f"at least {RIGHT_CREDIT:.0%} of the span's characters in gold of its technique",
            "ece_all_spans": ece_all,
            "ece_shown_spans": ece_shown,
            "ece_raw_score_all_spans": raw_ece,
            "reliability_all_spans": table_all,
            "reliability_shown_spans": table_shown,
            "reliability_raw_score_all_spans": raw_table,
        },
    }


# Phrase rules compared when tuning (each measured cross-fitted; the chosen one ships).
RULE_VARIANTS: dict[str, PhraseRules] = {
    "none": PhraseRules(False),
    "trim_function_words": PhraseRules(True),
    "trim + split_sentences": PhraseRules(True, True),
    "trim + join_same_technique": PhraseRules(True, False, True),
}
CHOSEN_RULES = "trim + split_sentences"
# Repeated cross-fitting: the halves move with the seed, so the spread says how much the figures owe
# to one split of 56 articles.
CROSS_FIT_SEEDS: tuple[int, ...] = (2020, 1, 2, 3, 4)
# Other precision targets stored beside the default (``analyze --technique-precision``): more spans,
# fewer of them right.
LEVELS: tuple[float, ...] = (0.5, 0.4, 0.3)


def mean_sd(values: Sequence[float]) -> dict[str, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    array = np.asarray(values, dtype=float)
    return {"mean": float(array.mean()), "sd": float(array.std(ddof=1)) if len(array) > 1 else 0.0}


def tune_and_measure(
    outputs: Mapping[str, ArticleOutputs],
    corpus: Corpus,
    ids: Sequence[str],
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    bio: bool,
    gap: int,
    span_head: dict[str, np.ndarray] | None,
    seeds: Sequence[int] = CROSS_FIT_SEEDS,
    target: float = TARGET_PRECISION,
) -> tuple[OperatingPoint, dict[str, Any]]:
    """The operating point tuned on all ``ids`` (what ships), its cross-fitted figures per rule variant,
    and the points of the other precision targets (``report["shipped"]`` is the config to store)."""
    variants: dict[str, Any] = {}
    chosen_rows: list[Row] = []
    for name, rules in RULE_VARIANTS.items():
        rows = candidate_table(outputs, corpus, ids, labels, thresholds, bio, gap, span_head, rules)
        runs = [cross_fit(rows, corpus, ids, labels, rules, seed, target) for seed in seeds]
        one_word = float(np.mean([len(corpus.texts[r.article][r.candidate.start : r.candidate.end].split()) == 1 for r in rows])) if rows else 0.0
        variants[name] = {
            "report_precision": mean_sd([r["report"]["precision"] for r in runs]),
            "report_recall": mean_sd([r["report"]["recall"] for r in runs]),
            "report_f1": mean_sd([r["report"]["f1"] for r in runs]),
            "report_spans": mean_sd([r["report"]["n_pred"] for r in runs]),
            "all_spans_flc": runs[0]["all_spans"],
            "si_f1_union_all_spans": runs[0]["si_f1_union_all_spans"],
            "one_word_share_all_spans": one_word,
            "ece_all_spans": mean_sd([r["calibration"]["ece_all_spans"] for r in runs]),
            "ece_shown_spans": mean_sd([r["calibration"]["ece_shown_spans"] for r in runs]),
            "first_seed": runs[0],
        }
        if name == CHOSEN_RULES:
            chosen_rows = rows
    rules = RULE_VARIANTS[CHOSEN_RULES]
    points: dict[float, OperatingPoint] = {}
    levels: dict[str, Any] = {}
    for level_target in sorted({target, *LEVELS}, reverse=True):
        if level_target == target:
            measured = variants[CHOSEN_RULES]
        else:
            runs = [cross_fit(chosen_rows, corpus, ids, labels, rules, seed, level_target) for seed in seeds]
            measured = {
                "report_precision": mean_sd([r["report"]["precision"] for r in runs]),
                "report_recall": mean_sd([r["report"]["recall"] for r in runs]),
                "report_spans": mean_sd([r["report"]["n_pred"] for r in runs]),
            }
        point = replace(
            build_point(chosen_rows, corpus, ids, labels, rules, level_target),
            measured_precision=round(measured["report_precision"]["mean"], 4),
            measured_recall=round(measured["report_recall"]["mean"], 4),
        )
        points[level_target] = point
        levels[f"{level_target:g}"] = {
            "report_precision": measured["report_precision"],
            "report_recall": measured["report_recall"],
            "report_spans": measured["report_spans"],
            "shown": sorted(n for n, p in point.techniques.items() if p.shown),
        }
    point = points[target]
    same = apply_point(chosen_rows, ids, labels, point)
    report = {
        "articles": len(ids),
        "seeds": list(seeds),
        "target_precision": target,
        "min_spans": MIN_SPANS,
        "chosen_rules": CHOSEN_RULES,
        "variants": variants,
        "levels": levels,
        "shipped": point.levels_dict(points),
        "same_split_report": _flc_report(corpus, ids, same, labels),
    }
    point = OperatingPoint.from_dict(report["shipped"], labels)
    return point, report


def main(argv: list[str] | None = None) -> int:
    """Re-tune the report operating point of an existing model directory on its held-out articles."""
    import argparse
    import json
    from pathlib import Path

    from propscope.components.techniques import TechniqueModel
    from propscope.models import load_model_dir
    from propscope.ptc.corpus import load_corpus
    from propscope.ptc.operating import CONFIG_KEY

    parser = argparse.ArgumentParser(prog="python -m propscope.ptc.report_point")
    parser.add_argument("--model", type=Path, required=True, help="technique model directory (its metrics.json names the held-out articles)")
    parser.add_argument("--data", type=Path, required=True, help="the PTC release")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--revalidate",
        action="store_true",
        help="first re-run the validation of the shipped ONNX file (SemEval thresholds, SI/TC figures) as the "
        "training's finalisation does, e.g. after a change to inference; then re-tune the point and rewrite the card",
    )
    parser.add_argument("--change", default="", help="with --revalidate: what changed, in words, for the model card")
    args = parser.parse_args(argv)
    metrics_path = args.model / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    ids = list(metrics["val_ids"])
    corpus = load_corpus(args.data)
    model_dir = load_model_dir(args.model, task="techniques")
    if args.revalidate:
        from propscope.train.techniques import evaluate_model_dir

        shipped = metrics.get("shipped", "int8")
        validation, _, seconds = evaluate_model_dir(
            args.model, model_dir.onnx_path, corpus, ids, int(metrics["settings"]["split_seed"]), args.threads
        )
        metrics["validation"][shipped] = validation
        metrics.setdefault("int8_vs_fp32", {}).setdefault("validation_inference_seconds", {})[shipped] = seconds
        model_dir.thresholds = {label: float(validation["thresholds"][label]) for label in model_dir.labels}
        model_dir.extra["si_threshold"] = float(validation["si_threshold"])
        model_dir.extra["gap"] = int(validation["gap"])
        model_dir.save_config()
        metrics["revalidated"] = {
            "commit": _commit(),
            "reason": "inference changed after finalisation",
            "change": args.change,
        }
        cross = validation.get("cross_fitted", validation["same_split"])
        print(f"revalidated {shipped}: SI F1 {cross['si']['f1']:.4f} (cross-fitted), TC micro-F1 {validation['tc']['f1']:.4f}")
    tagger = TechniqueModel(model_dir, threads=args.threads)
    outputs = dict(zip(ids, tagger.outputs([corpus.texts[i] for i in ids], with_hidden=True), strict=True))
    point, report = tune_and_measure(
        outputs, corpus, ids, tagger.labels, model_dir.thresholds, tagger.bio, tagger.gap, tagger.span_head
    )
    model_dir.extra[CONFIG_KEY] = report["shipped"]
    model_dir.save_config()
    metrics["report_operating_point"] = report
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    if args.revalidate:
        from propscope.train.card import write_card

        write_card(args.model)
    chosen = report["variants"][CHOSEN_RULES]
    print(
        f"report operating point: precision {chosen['report_precision']['mean']:.3f} ± {chosen['report_precision']['sd']:.3f}, "
        f"recall {chosen['report_recall']['mean']:.3f} ± {chosen['report_recall']['sd']:.3f} (cross-fitted, {len(CROSS_FIT_SEEDS)} splits); "
        f"hidden: {sorted(point.hidden())}"
    )
    return 0


def _commit() -> str | None:
    from propscope.train.techniques import git_commit

    return git_commit()


if __name__ == "__main__":
    import sys

    sys.exit(main())

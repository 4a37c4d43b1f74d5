"""k-fold cross-validation of the technique tagger by article (needs the ``[train]`` extra).

The protocol of issue 8, so that no reported figure is tuned on the articles it is measured on:

- the labelled articles are cut into ``k`` folds by article id with a fixed seed (``article_folds``);
- for each fold, the other folds are split again (``split_ids``, seed + 1 + fold) into an inner training
  part and an inner development part; the network is trained on the inner training part only, and every
  choice (SI threshold and gap, technique thresholds, the report operating point and its calibration) is
  made on the inner development part;
- the fold is then scored once with those choices: SI F1 ("any" column), TC micro-F1 (span classifier on
  the gold spans), and the report-level technique-aware FLC precision/recall/F1 of the spans ``analyze``
  would show;
- the summary gives the mean and the sample standard deviation over folds.

Outputs are computed with the PyTorch network (fp32), not the int8 ONNX export that ships: on the
shipped model the two differ by about 0.002 SI F1 (model card, "fp32 and int8").

``python -m propscope.train.kfold --data DIR --report FILE [--k 5] [--seed 2020] [--set key=value ...]``.
One fold trains a MiniLM on about 250 articles: about 40 s on an H100, about 40 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from propscope.ptc import evaluate, report_point
from propscope.ptc.corpus import Corpus, load_corpus, split_ids
from propscope.ptc.tagging import load_article_tokenizer
from propscope.train.techniques import (
    LABELS,
    TrainSettings,
    parse_overrides,
    span_head_arrays,
    torch_outputs,
    train_network,
)

Logger = Callable[[str], None]
INNER_DEV_FRACTION = 0.2
MEASURES = ("si_f1", "tc_f1", "report_precision", "report_recall", "report_f1", "all_spans_flc_f1")


def article_folds(ids: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """``k`` disjoint folds of article ids covering all of them, sizes differing by at most one."""
    if k < 2 or k > len(ids):
        raise ValueError(f"k must be between 2 and the number of articles ({len(ids)}), not {k}")
    ordered = sorted(set(ids))
    random.Random(seed).shuffle(ordered)
    return [sorted(ordered[f::k]) for f in range(k)]


def score_fold(
    corpus: Corpus,
    tune_ids: Sequence[str],
    test_ids: Sequence[str],
    outputs: dict[str, Any],
    head: dict[str, np.ndarray],
    bio: bool,
) -> dict[str, Any]:
    """Choices on ``tune_ids``, scores on ``test_ids`` (``outputs`` holds both)."""
    thresholds, any_threshold, gap = evaluate.tune_thresholds(outputs, corpus, tune_ids, LABELS, bio)
    rules = report_point.RULE_VARIANTS[report_point.CHOSEN_RULES]
    both = list(tune_ids) + list(test_ids)
    rows = report_point.candidate_table(outputs, corpus, both, LABELS, thresholds, bio, gap, head, rules)
    point = report_point.build_point(rows, corpus, tune_ids, LABELS, rules)
    shown = report_point.apply_point(rows, test_ids, LABELS, point)
    test_rows = [r for r in rows if r.article in set(test_ids)]
    _, any_spans = evaluate.predict(outputs, test_ids, LABELS, thresholds, any_threshold, bio, gap)
    si = evaluate.si_score(evaluate.gold_any(corpus, test_ids), any_spans)
    gold = evaluate.gold_tc_items(corpus, test_ids)
    tc = evaluate.tc_report(gold, evaluate.classify_gold_spans(outputs, corpus, test_ids, LABELS, head))
    report = report_point._flc_report(corpus, test_ids, shown, LABELS)
    all_spans = report_point._flc_report(corpus, test_ids, test_rows, LABELS)
    return {
        "si_f1": si.f1,
        "tc_f1": tc["f1"],
        "report_precision": report["precision"],
        "report_recall": report["recall"],
        "report_f1": report["f1"],
        "all_spans_flc_f1": all_spans["f1"],
        "report_spans": report["n_pred"],
        "shown_techniques": sorted(n for n, p in point.techniques.items() if p.shown),
        "choices": {"thresholds": thresholds, "si_threshold": any_threshold, "gap": gap},
    }


def run_kfold(
    data: Path,
    settings: TrainSettings,
    k: int = 5,
    seed: int = 2020,
    say: Logger = print,
    encoder_config: dict[str, Any] | None = None,
    report_path: Path | None = None,
) -> dict[str, Any]:
    """Train and score one model per fold; the report is rewritten after each fold (a long run can stop)."""
    from propscope.train.encoder import base_encoder_path, pick_device

    corpus = load_corpus(data)
    folds = article_folds(corpus.ids, k, seed)
    tokenizer = load_article_tokenizer(str(base_encoder_path() / "tokenizer.json"))
    device = pick_device()
    results: list[dict[str, Any]] = []
    report: dict[str, Any] = {}
    for number, test_ids in enumerate(folds):
        rest = [i for i in corpus.ids if i not in set(test_ids)]
        inner_train, inner_dev = split_ids(rest, INNER_DEV_FRACTION, seed + 1 + number)
        started = time.perf_counter()
        net, info = train_network(corpus, inner_train, settings, tokenizer, device, say, encoder_config=encoder_config)
        ids = inner_dev + test_ids
        outputs = dict(zip(ids, torch_outputs(net, tokenizer, [corpus.texts[i] for i in ids], settings, device), strict=True))
        fold = score_fold(corpus, inner_dev, test_ids, outputs, span_head_arrays(net), settings.bio)
        fold.update(
            {
                "fold": number,
                "train_ids": inner_train,
                "tune_ids": inner_dev,
                "test_ids": test_ids,
                "train_seconds": info["train_seconds"],
                "fold_seconds": round(time.perf_counter() - started, 1),
            }
        )
        results.append(fold)
        say(json.dumps({key: fold[key] for key in (*MEASURES, "fold", "fold_seconds")}))
        report = {
            "k": k,
            "seed": seed,
            "articles": len(corpus.ids),
            "inner_dev_fraction": INNER_DEV_FRACTION,
            "device": device,
            "settings": asdict(settings),
            "folds_done": len(results),
            "summary": {m: report_point.mean_sd([r[m] for r in results]) for m in MEASURES},
            "folds": results,
        }
        if report_path is not None:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        del net
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m propscope.train.kfold")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2020, help="seed of the folds")
    parser.add_argument("--set", nargs="*", default=[], help="training settings as key=value")
    args = parser.parse_args(argv)
    settings = TrainSettings.from_dict(parse_overrides(args.set))
    report = run_kfold(args.data, settings, args.k, args.seed, report_path=args.report)
    for measure, value in report["summary"].items():
        print(f"{measure}: {value['mean']:.4f} ± {value['sd']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

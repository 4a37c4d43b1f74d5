"""Check-worthiness scores from one sentence a model run against batches of 32: accuracy and cost.

    python eval/claims_inference/compare.py --data ../shared/data/checkworthiness [--ppn ../shared/data/ppn/articles-en.jsonl]

Prints, for each way of running the shipped int8 claims model, the ClaimBuster test P/R/F1 at the
model's threshold and the MAP over the held-out CLEF 2019 debates (the model card's two figures), and,
with ``--ppn``, the wall and CPU time of scoring 64 PPN articles' sentences one article at a time (as
the analyser does), the largest score difference and how many sentences cross the threshold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

import numpy as np

from propscope.claims.metrics import mean_average_precision, precision_recall_f1
from propscope.claims.scorer import ClaimScorer
from propscope.claims.splits import make_splits
from propscope.components.segment import segment_text
from propscope.models.runtime import OnnxModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the checkworthiness folder")
    parser.add_argument("--ppn", type=Path, help="ppn/articles-en.jsonl, for the per-article timing")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    splits = make_splits(args.data)
    scorer = ClaimScorer.load(threads=args.threads)
    # the earlier way: runs of up to 32 on one session with ``threads`` intra-op threads
    batched = ClaimScorer.load(threads=args.threads)
    batched.model = OnnxModel(batched.model_dir.onnx_path, threads=args.threads)
    worthy, clef = scorer.labels.index("check_worthy"), scorer.labels.index("clef_check_worthy")
    modes = {"one sentence a run": (scorer, 1), "batches of 32": (batched, 32)}
    for name, (scorer, size) in modes.items():
        scores = scorer.score_all([x.text for x in splits.test_claimbuster], batch_size=size)[:, worthy]
        p, r, f1 = precision_recall_f1([x.label for x in splits.test_claimbuster], scores.tolist(), scorer.threshold)
        per_debate = {d: ([x.label for x in rows], scorer.score_all([x.text for x in rows], batch_size=size)[:, clef].tolist())
                      for d, rows in splits.test_debates.items()}
        print(f"{name}: ClaimBuster test P {p:.3f} R {r:.3f} F1 {f1:.3f}; held-out CLEF 2019 MAP "
              f"{mean_average_precision(per_debate)[0]:.3f}", flush=True)
    if args.ppn is None:
        return
    with args.ppn.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in itertools.islice(handle, 300, 364)]
    articles = []
    for text in texts:
        sentences, _ = segment_text(text)
        articles.append([text[s.start : s.end] for s in sentences if text[s.start : s.end].strip()])
    results = {}
    for _ in range(3):  # alternating rounds, medians
        for name, (scorer, size) in modes.items():
            wall, cpu = time.perf_counter(), time.process_time()
            scores = [scorer.score(units, batch_size=size) for units in articles]
            results.setdefault(name, []).append((time.perf_counter() - wall, time.process_time() - cpu, scores))
    base = results["batches of 32"][0][2]
    for name, runs in results.items():
        scores = runs[0][2]
        diff = max(float(np.max(np.abs(a - b))) for a, b in zip(scores, base, strict=True))
        crossed = sum(int(np.sum((a >= scorer.threshold) != (b >= scorer.threshold))) for a, b in zip(scores, base, strict=True))
        print(f"{name}: {sum(map(len, articles))} sentences of {len(articles)} PPN articles, wall "
              f"{np.median([r[0] for r in runs]):.2f} s, CPU {np.median([r[1] for r in runs]):.2f} s (medians of 3); "
              f"largest score difference from batches of 32 {diff:.3f}, {crossed} cross the threshold", flush=True)


if __name__ == "__main__":
    main()

"""End-to-end analysis time of one ~800-word article on this machine, per component.

Usage: python bench/analyze.py [ARTICLE] [--repeats N] [--threads N]
Reports the median over repeated runs after a warm-up run (models load once, outside the timing):
wall time, and CPU time of the process (all threads; steadier than wall time on a machine that other
jobs share). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from propscope.components import build_pipeline
from propscope.document import Article
from propscope.ingest import article_from_text
from propscope.options import AnalyzeOptions

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("article", nargs="?", type=Path, default=HERE / "data" / "article_800.txt")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    options = AnalyzeOptions(threads=args.threads)
    text = args.article.read_text(encoding="utf-8")
    words = len(text.split())
    pipeline = build_pipeline(options)

    def fresh() -> Article:
        return article_from_text(text, options.ingest)

    load_start = time.perf_counter()
    pipeline.analyze(fresh())  # warm-up: loads every model once
    load_s = time.perf_counter() - load_start

    per_component: dict[str, list[float]] = {c.name: [] for c in pipeline.components}
    cpu_component: dict[str, list[float]] = {c.name: [] for c in pipeline.components}
    totals: list[float] = []
    cpu_totals: list[float] = []
    for _ in range(args.repeats):
        article = fresh()
        start, cpu_start = time.perf_counter(), time.process_time()
        for component in pipeline.components:
            t0, c0 = time.perf_counter(), time.process_time()
            article = component.pipe([article])[0]
            per_component[component.name].append(time.perf_counter() - t0)
            cpu_component[component.name].append(time.process_time() - c0)
        totals.append(time.perf_counter() - start)
        cpu_totals.append(time.process_time() - cpu_start)

    print(f"article: {args.article.name}, {words} words, {len(text)} characters; threads={args.threads}")
    print(f"first run (includes model loading): {load_s:.2f} s")
    for name, times in per_component.items():
        print(
            f"  {name:12s} median {statistics.median(times) * 1000:8.1f} ms wall"
            f" {statistics.median(cpu_component[name]) * 1000:8.1f} ms CPU"
        )
    median_total = statistics.median(totals)
    print(f"total median over {args.repeats} runs: {median_total:.3f} s wall, {statistics.median(cpu_totals):.3f} s CPU")
    print(
        json.dumps(
            {
                "words": words,
                "median_s": round(median_total, 4),
                "median_cpu_s": round(statistics.median(cpu_totals), 4),
                "first_run_s": round(load_s, 3),
                "components_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in per_component.items()},
                "components_cpu_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in cpu_component.items()},
            }
        )
    )


if __name__ == "__main__":
    main()

"""End-to-end analysis time of one ~800-word article on this machine, per component.

Usage: python bench/analyze.py [ARTICLE] [--repeats N] [--threads N] [--compare-rerank]
Reports the median over repeated runs after a warm-up run (models load once, outside the timing):
wall time, and CPU time of the process (all threads; steadier than wall time on a machine that other
jobs share). With ``--compare-rerank`` the matching component runs with and without the same-claim
re-ranker, alternating within one run (same process, same models, same load on the machine), and the
JSON gives both medians and how many claims / re-scored pairs the article had. The last line is JSON.
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
    parser.add_argument("--compare-rerank", action="store_true", help="time matching with and without the re-ranker")
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

    if args.compare_rerank:
        compare_rerank(pipeline, fresh, args.repeats, words)
        return

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


def compare_rerank(pipeline, fresh, repeats: int, words: int) -> None:  # type: ignore[no-untyped-def]
    """Matching time of one article with and without the re-ranker, alternating runs."""
    matcher = next(c for c in pipeline.components if c.name == "matching")
    kb = matcher._knowledge_base()
    reranker = kb.reranker
    if reranker is None:
        raise SystemExit("no re-ranker installed")
    article = fresh()
    for component in pipeline.components:
        if component.name == "matching":
            break
        article = component.pipe([article])[0]
    claims = len(article.claims)
    timings: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(repeats):
        for label, model in (("without", None), ("with", reranker)):
            kb.reranker = model
            for claim in article.claims:
                claim.matches = []
            start = time.perf_counter()
            matcher.pipe([article])
            timings[label].append((time.perf_counter() - start) * 1000)
    kb.reranker = reranker
    texts = [c.text for c in article.claims]
    hits = kb.search_many(texts, k=max(1, matcher.settings_for(None).kb_top_k) + 2)
    rescored = sum(h.rerank_score is not None for row in hits for h in row)
    result = {
        "words": words, "claims": claims, "rescored_pairs": rescored, "repeats": repeats,
        "matching_ms_without": round(statistics.median(timings["without"]), 1),
        "matching_ms_with": round(statistics.median(timings["with"]), 1),
    }
    result["added_ms"] = round(result["matching_ms_with"] - result["matching_ms_without"], 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

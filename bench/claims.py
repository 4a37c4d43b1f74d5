"""Time that claims + attribution + citations add to the analysis of one ~800-word article.

Usage: python bench/claims.py [ARTICLE] [--repeats N] [--threads N]

The article is segmented once (the segment component); then the three components run on a fresh copy
of the segmented article, ``--repeats`` times after one warm-up run (models load once per process,
outside the timing). Prints the median and spread per component and for the three together; the
last line is JSON.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("article", nargs="?", type=Path, default=HERE / "data" / "article_800.txt")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    from propscope.components.attribution import Attributor
    from propscope.components.citations import CitationFinder
    from propscope.components.claims import ClaimDetector
    from propscope.components.segment import SentenceSegmenter
    from propscope.document import Article
    from propscope.options import AnalyzeOptions

    options = AnalyzeOptions(threads=args.threads)
    text = args.article.read_text(encoding="utf-8")
    segmented = SentenceSegmenter(options)(Article(text=text))
    components = [ClaimDetector(options), Attributor(options), CitationFinder(options)]

    started = time.perf_counter()
    warm = copy.deepcopy(segmented)
    for component in components:
        warm = component(warm)
    load_s = time.perf_counter() - started

    timings: dict[str, list[float]] = {c.name: [] for c in components}
    totals: list[float] = []
    for _ in range(args.repeats):
        article = copy.deepcopy(segmented)
        begin = time.perf_counter()
        for component in components:
            t0 = time.perf_counter()
            article = component(article)
            timings[component.name].append(time.perf_counter() - t0)
        totals.append(time.perf_counter() - begin)

    result = {
        "article_words": len(text.split()),
        "sentences": len(segmented.sentences),
        "claims": len(warm.claims),
        "citations": len(warm.citations),
        "threads": args.threads,
        "cpus_visible": os.cpu_count(),
        "repeats": args.repeats,
        "first_run_with_loading_s": round(load_s, 3),
        "median_s": {name: round(statistics.median(values), 4) for name, values in timings.items()},
        "total_median_s": round(statistics.median(totals), 4),
        "total_min_s": round(min(totals), 4),
        "total_max_s": round(max(totals), 4),
    }
    for name, value in result["median_s"].items():
        print(f"{name:12} median {value * 1000:7.1f} ms")
    print(f"{'together':12} median {result['total_median_s'] * 1000:7.1f} ms "
          f"(min {result['total_min_s'] * 1000:.1f}, max {result['total_max_s'] * 1000:.1f}; {args.repeats} runs, "
          f"{args.threads} threads, {result['sentences']} sentences, {result['claims']} claims)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

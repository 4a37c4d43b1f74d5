"""What the "related" list costs: KB search of an article's sentences with k=3 (matches only) and k=5
(3 matches + 2 related), side by side in one process, and the coverage read of the shipped KB.

    python bench/match_related.py [--runs 15]

The queries are the sentences (more than six words, at most 20) of ``bench/data/article_800.txt``,
embedded once, so that only the search differs; medians over ``--runs`` interleaved runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

ARTICLE = Path(__file__).resolve().parent / "data" / "article_800.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from propscope.kb.coverage import read_coverage
    from propscope.kb.paths import shipped_kb_path
    from propscope.kb.search import KnowledgeBase

    text = ARTICLE.read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 6][:20]
    with KnowledgeBase.open(shipped_kb_path(), readonly=True) as kb:
        vectors = kb.embedder.encode(sentences)
        kb.search_many(sentences, 5, vectors)  # warm-up
        times: dict[int, list[float]] = {3: [], 5: []}
        coverage: list[float] = []
        for _ in range(args.runs):
            for k in times:
                start = time.perf_counter()
                kb.search_many(sentences, k, vectors)
                times[k].append(time.perf_counter() - start)
            start = time.perf_counter()
            read_coverage(kb.store)
            coverage.append(time.perf_counter() - start)
    medians = ", ".join(f"k={k}: {statistics.median(v) * 1000:.1f} ms" for k, v in times.items())
    print(f"{len(sentences)} sentences, median of {args.runs}: {medians}; "
          f"coverage of the shipped KB: {statistics.median(coverage) * 1000:.1f} ms")


if __name__ == "__main__":
    main()

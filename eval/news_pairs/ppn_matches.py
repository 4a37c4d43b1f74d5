"""Which of the matches today's matcher shows on PPN articles survive the same-claim re-ranker?

    PYTHONPATH=src python eval/news_pairs/ppn_matches.py --data /work/shared/data --articles 10 --out /tmp/ppn_matches.jsonl

Today's matcher: the check-worthy claims of each article (segment + claims components), the top
``kb_top_k`` (3) hits of each in the shipped KB whose cosine reaches the embedder's 0.57. Each such
match is then scored by the re-ranker (``rerank_score``, ``same_claim``). Articles: a seeded sample
of PPN English articles of 300 to 1,200 words, none of those of the labelled pairs. The output is
for reading by hand.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    from propscope.components import build_pipeline
    from propscope.ingest import article_from_text
    from propscope.kb.paths import shipped_kb_path
    from propscope.kb.search import KnowledgeBase, SearchSettings
    from propscope.options import AnalyzeOptions

    skip = {json.loads(line)["article"] for path in args.exclude for line in path.open(encoding="utf-8")}
    rows = [json.loads(line) for line in (args.data / "ppn" / "articles-en.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if 300 <= len((r.get("text") or "").split()) <= 1200 and r["id"] not in skip]
    picked = random.Random(args.seed).sample(rows, args.articles)
    options = AnalyzeOptions(components=("segment", "claims"))
    pipeline = build_pipeline(options)
    with (
        KnowledgeBase.open(shipped_kb_path(), settings=SearchSettings(rerank=False)) as plain,
        KnowledgeBase.open(shipped_kb_path()) as reranked,
    ):
        assert reranked.reranker is not None and plain.cosine_threshold is not None
        shown = survived = 0
        with args.out.open("w", encoding="utf-8") as handle:
            for row in picked:
                article = pipeline.analyze(article_from_text(row["text"], options.ingest))
                texts = [claim.text for claim in article.claims]
                today = plain.search_many(texts, k=3)
                for text, hits in zip(texts, today, strict=True):
                    kept = [h for h in hits if h.similarity >= plain.cosine_threshold]
                    if not kept:
                        continue
                    pairs = [(text, h.record.dense_text()) for h in kept]
                    scores = reranked.reranker.probabilities(pairs)
                    for hit, score in zip(kept, scores, strict=True):
                        same = bool(score >= reranked.reranker.threshold)
                        shown += 1
                        survived += same
                        handle.write(json.dumps({
                            "article": row["id"], "claim": text, "kb_claim": hit.record.claim,
                            "cosine": round(hit.similarity, 4), "rerank_score": round(float(score), 4), "same_claim": same,
                        }, ensure_ascii=False) + "\n")
    print(json.dumps({"articles": len(picked), "shown_today": shown, "same_claim_after_rerank": survived}))


if __name__ == "__main__":
    main()

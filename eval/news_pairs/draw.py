"""Draw the unlabelled news-sentence / KB-claim pairs (see README.md; labels are added by hand).

    PYTHONPATH=src python eval/news_pairs/draw.py --data /work/shared/data --out /tmp/pairs.unlabelled.jsonl
    PYTHONPATH=src python eval/news_pairs/draw.py --merge /tmp/pairs.unlabelled.jsonl --labels labels.tsv \
        --data /work/shared/data --out eval/news_pairs/pairs.jsonl

Sentences (8 to 60 words) of a seeded sample of PPN English articles and PTC training articles are
searched in the shipped EUvsDisinfo KB with the hybrid retriever (top 2); pairs are then sampled in
strata of the cosine so that the pairs today's matcher shows (cosine >= 0.57) and the near misses
(0.45-0.57, 0.35-0.45) are all represented; at most one pair per sentence, three per article and stratum.

The drawn file holds the sentences and titles, for the annotator (keep it outside the repository); the
labelled file that ``--merge`` writes holds offsets into the articles and a hash of each sentence instead
(the PPN and PTC terms keep their text out of the project), which ``read_news_pairs(path, data)`` reads back.
``--offsets FILE --data DATA --out OUT`` turns an older labelled file with sentences into that form.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

STRATA = ((0.57, 1.01, 170), (0.45, 0.57, 110), (0.35, 0.45, 50))
SEED = 13


def sentences(text: str) -> list[str]:
    from propscope.components.segment import segment_text

    _, spans = segment_text(text)
    out = []
    for span in spans:
        sentence = " ".join(text[span.start : span.end].split())
        if 8 <= len(sentence.split()) <= 60:
            out.append(sentence)
    return out


def articles(
    data: Path, rng: random.Random, n_ppn: int, n_ptc: int, exclude: set[str] | None = None
) -> list[dict[str, str]]:
    from propscope.ptc.corpus import read_article  # the text as the offsets count it (newline="")

    rows = [json.loads(line) for line in (data / "ppn" / "articles-en.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if len((r.get("text") or "").split()) >= 150 and r["id"] not in (exclude or set())]
    picked = [{"corpus": "ppn", "article": r["id"], "title": r.get("title") or "", "text": r["text"]}
              for r in rng.sample(rows, n_ppn)]
    ptc = [p for p in sorted((data / "ptc-2020" / "train-articles").glob("article*.txt")) if p.stem not in (exclude or set())]
    for path in rng.sample(ptc, n_ptc):
        picked.append({"corpus": "ptc", "article": path.stem, "title": "", "text": read_article(path)})
    return picked


def without_text(rows: list[dict], data: Path) -> list[dict]:
    """The pairs with each sentence and title replaced by offsets into its article and a hash."""
    from propscope.eval.sources import PairTexts, pair_offsets

    texts = PairTexts(data)
    wanted = {r["article"] for r in rows}
    return [pair_offsets(r, texts.article(r["corpus"], r["article"], wanted)["text"]) if "sentence" in r else r
            for r in rows]


def write(rows: list[dict], out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for row in sorted(rows, key=lambda r: r["id"]):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def merge(unlabelled: Path, labels: Path, out: Path, data: Path) -> None:
    """Join the hand labels (``id<TAB>label`` lines) to the drawn pairs and split them in halves,
    stratified by label, with a fixed seed; the sentences become offsets into the articles of ``data``."""
    given = dict(line.rstrip("\n").split("\t")[:2] for line in labels.open(encoding="utf-8") if line.strip())
    rows = [json.loads(line) for line in unlabelled.open(encoding="utf-8")]
    missing = [r["id"] for r in rows if r["id"] not in given]
    if missing or set(given.values()) - {"same", "related", "different"}:
        raise SystemExit(f"unlabelled pairs {missing[:5]} or unknown labels {set(given.values())}")
    rng = random.Random(SEED)
    for label in ("same", "related", "different"):
        group = sorted((r for r in rows if given[r["id"]] == label), key=lambda r: r["id"])
        rng.shuffle(group)
        for index, row in enumerate(group):
            row["label"] = label
            row["split"] = "calibration" if index % 2 == 0 else "held_out"
    write(without_text(rows, data), out)
    print(f"wrote {len(rows)} labelled pairs to {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--ppn", type=int, default=200)
    parser.add_argument("--ptc", type=int, default=120)
    parser.add_argument("--merge", type=Path, help="drawn pairs to join with --labels")
    parser.add_argument("--labels", type=Path)
    parser.add_argument("--offsets", type=Path, help="labelled pairs with sentences to store as offsets (needs --data)")
    parser.add_argument("--strata", default=None, help="LOW:HIGH:QUOTA,... cosine strata (default: the first draw's)")
    parser.add_argument("--exclude", type=Path, help="pairs file whose articles are not drawn again")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--top", type=int, default=2, help="hits per sentence")
    args = parser.parse_args()
    if args.merge is not None or args.offsets is not None:
        if args.data is None:
            raise SystemExit("--merge and --offsets need --data (the articles the offsets point into)")
        if args.merge is not None:
            merge(args.merge, args.labels, args.out, args.data)
        else:
            rows = [json.loads(line) for line in args.offsets.open(encoding="utf-8") if line.strip()]
            write(without_text(rows, args.data), args.out)
            print(f"wrote {len(rows)} pairs without their sentences to {args.out}")
        return

    from propscope.kb.paths import shipped_kb_path
    from propscope.kb.search import KnowledgeBase, SearchSettings

    rng = random.Random(args.seed)
    strata = STRATA
    if args.strata:
        strata = tuple((float(a), float(b), int(c)) for a, b, c in (x.split(":") for x in args.strata.split(",")))
    exclude = None
    if args.exclude is not None:
        exclude = {json.loads(line)["article"] for line in args.exclude.open(encoding="utf-8")}
    docs = articles(args.data, rng, args.ppn, args.ptc, exclude)
    items = [(doc, s) for doc in docs for s in dict.fromkeys(sentences(doc["text"]))]
    # Retrieval only: no re-ranker may see the set before it is labelled.
    with KnowledgeBase.open(shipped_kb_path(), settings=SearchSettings(rerank=False)) as kb:
        hits = []
        for begin in range(0, len(items), 256):
            hits += kb.search_many([s for _, s in items[begin : begin + 256]], k=args.top)
    candidates = []
    for (doc, sentence), found in zip(items, hits, strict=True):
        for rank, hit in enumerate(found, start=1):
            candidates.append((doc, sentence, rank, hit))
    rng.shuffle(candidates)
    chosen = []
    for low, high, quota in strata:
        used_sentences: set[str] = set()
        per_article: dict[str, int] = {}
        for doc, sentence, rank, hit in candidates:
            if not low <= hit.similarity < high or sentence in used_sentences:
                continue
            if per_article.get(doc["article"], 0) >= (3 if args.strata is None else 2):
                continue
            used_sentences.add(sentence)
            per_article[doc["article"]] = per_article.get(doc["article"], 0) + 1
            chosen.append((doc, sentence, rank, hit))
            if len(used_sentences) >= quota:
                break
    with args.out.open("w", encoding="utf-8") as handle:
        for doc, sentence, rank, hit in chosen:
            key = hashlib.sha1(f"{sentence}\t{hit.record.id}".encode()).hexdigest()[:12]
            handle.write(json.dumps({
                "id": key, "corpus": doc["corpus"], "article": doc["article"], "title": doc["title"],
                "sentence": sentence, "kb_id": hit.record.id, "kb_claim": hit.record.claim,
                "cosine": round(hit.similarity, 4), "rank": rank,
            }, ensure_ascii=False) + "\n")
    print(f"{len(items)} sentences of {len(docs)} articles; wrote {len(chosen)} pairs to {args.out}")


if __name__ == "__main__":
    main()

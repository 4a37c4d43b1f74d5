"""Benchmark the knowledge base: load time, single-query latency, and the default KB's build time.

    python bench/kb.py --kb PATH --data ../shared/data [--queries 200] [--threads 2] [--build]

Load time is ``KnowledgeBase.open`` (SQLite, embedder session, int8 vectors into a float matrix) in a
fresh process; latency is one ``search(text, k=5)`` per query (embedding, FTS5 BM25, fusion, records),
queries being CheckThat! tweets (2022 dev-test, then 2020 dev) or, without the data, KB claims.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
import time
from pathlib import Path


def _tweets(data: Path, limit: int) -> list[str]:
    texts: list[str] = []
    for path in (
        data / "checkthat-2022-t2a" / "CT2022-Task2A-EN-Dev-Test_Queries.tsv",
        data / "checkthat-2020-t2" / "dev" / "tweets.queries.tsv",
    ):
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                texts += [row[1] for row in csv.reader(handle, delimiter="\t") if len(row) > 1 and row[0]]
    return texts[:limit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", type=Path, default=None, help="KB file (default: the default KB)")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--build", action="store_true", help="also time building the default KB from --data")
    args = parser.parse_args()

    start = time.perf_counter()
    from propscope.kb.embedder import Embedder, default_embedder_path
    from propscope.kb.paths import default_kb_path
    from propscope.kb.search import KnowledgeBase

    imports = time.perf_counter() - start
    path = args.kb or default_kb_path()
    if path is None:
        raise SystemExit("no KB: pass --kb or build the default KB")
    start = time.perf_counter()
    embedder = Embedder.from_dir(default_embedder_path(), threads=args.threads)
    kb = KnowledgeBase.open(path, embedder=embedder)
    load = time.perf_counter() - start
    records = kb.store.count()

    texts = _tweets(args.data, args.queries)
    if len(texts) < args.queries:
        texts += [r.claim for _, r in zip(range(args.queries - len(texts)), (r for _, r in kb.store.iter_records()))]
    kb.search(texts[0], k=5)  # warm-up
    timings = []
    for text in texts:
        t = time.perf_counter()
        kb.search(text, k=5)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    result = {
        "kb": str(path),
        "records": records,
        "threads": args.threads,
        "import_s": round(imports, 3),
        "load_s": round(load, 3),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p90_ms": round(timings[int(0.9 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
    }
    if args.build:
        from propscope.kb.build import build_kb

        with tempfile.TemporaryDirectory() as tmp:
            report = build_kb(args.data, Path(tmp) / "kb.sqlite")
            result["build_s"] = round(report.seconds, 1)
            result["build_records"] = report.records
            result["build_bytes"] = (Path(tmp) / "kb.sqlite").stat().st_size
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

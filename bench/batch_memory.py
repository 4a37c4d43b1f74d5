"""Peak RSS per worker of a corpus run at 1,000 and at 10,000 documents (target: within 10 %).

    PYTHONPATH=src python bench/batch_memory.py --sizes 1000,10000 --components segment,citations [--configs local:2,ray:2]

Each size is one ``propscope.batch.run_batch`` run in a fresh subprocess (bench/batch.py's
``--one``), measured the same way: ``VmHWM`` of every analysing process (local workers, Ray actors)
and of the driver. The corpus is the English PPN articles with distinct texts, cycled with marked
copies past the end (bench/batch.py ``write_corpus``), so every one of the 10,000 documents is a new
text that the run analyses. The default components are the cheap ones (``segment,citations``;
the full pipeline would take hours for 10,000 documents on two cores): this measures what a run
keeps per document (ledger, queues, sink buffers, caches), not the models' working memory, which
does not depend on how many documents came before. ``--components all`` measures that too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import run_config, write_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--components", default="segment,citations", help="'all': every component")
    parser.add_argument("--configs", default="local:2")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    components = None if args.components == "all" else args.components
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            corpus = write_corpus(Path(tmp) / f"ppn-{size}.jsonl", size)
            for config in args.configs.split(","):
                result = {"documents": size, **run_config(config, corpus, components, args.batch_size)}
                results.append(result)
                print(json.dumps(result), flush=True)
            corpus.unlink()
    print(f"\ncomponents: {components or 'all'}; peak RSS (MB) per analysing process, and the driver's")
    growth = {}
    for config in args.configs.split(","):
        engine, workers = config.split(":")
        mine = [r for r in results if r["engine"] == engine and r["workers"] == int(workers)]
        for r in mine:
            print(f"{config:<8}{r['documents']:>7} documents  workers {r['worker_peak_rss_mb']}  driver "
                  f"{r['driver_peak_rss_mb']}  ({r['ok']} ok, {r['skipped']} duplicates, {r['articles_per_s']:.1f} art/s)")
        if len(mine) >= 2 and mine[0]["worker_peak_rss_mb"] and mine[-1]["worker_peak_rss_mb"]:
            worker = max(mine[-1]["worker_peak_rss_mb"]) / max(mine[0]["worker_peak_rss_mb"]) - 1
            driver = mine[-1]["driver_peak_rss_mb"] / mine[0]["driver_peak_rss_mb"] - 1
            growth[config] = {"worker": round(worker, 3), "driver": round(driver, 3)}
            print(f"{config}: largest worker {100 * worker:+.1f} %, driver {100 * driver:+.1f} % from "
                  f"{mine[0]['documents']} to {mine[-1]['documents']} documents")
    if args.json:
        args.json.write_text(json.dumps({
            "bench": "bench/batch_memory.py", "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]), "components": components or "all",
            "cores": os.cpu_count(), "growth": growth, "runs": results,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

"""Batch throughput: articles per second over PPN and PTC articles, per component, cold start, peak RSS.

Usage:
    python bench/throughput.py --data ../shared/data [--ppn 500] [--ptc 90] [--threads 2] [--batch-size 8]
        [--dump OUT.jsonl]
    python bench/throughput.py --data ../shared/data --compare OLD_SRC [...]   # old code vs this code

The articles: the first ``--ppn`` of ``ppn/articles-en.jsonl`` and the first ``--ptc`` of
``ptc-2020/unlabelled-articles/`` (by file name). Every component runs over batches of
``--batch-size`` articles, as ``propscope analyze corpus.jsonl`` does; wall time and CPU time (all
threads of the process) are summed per component. ``--dump`` writes each article's analysis (JSON
without the component list) so that two versions' outputs can be compared.

``--compare OLD_SRC`` runs this script twice in fresh processes, first with ``PYTHONPATH=OLD_SRC``
(e.g. the ``src`` of ``git worktree add /tmp/old COMMIT``), then with this checkout's ``src``, and
prints both, the speed-up and how many articles' outputs differ. The last line is JSON.
It only uses APIs both versions have (``build_pipeline``, ``Component.pipe``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_texts(data: Path, n_ppn: int, n_ptc: int) -> list[str]:
    texts: list[str] = []
    with (data / "ppn" / "articles-en.jsonl").open(encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in itertools.islice(handle, n_ppn)]
    articles = sorted((data / "ptc-2020" / "unlabelled-articles").glob("*.txt"))[:n_ptc]
    texts += [path.read_text(encoding="utf-8") for path in articles]
    return texts


def measure(args: argparse.Namespace) -> dict[str, object]:
    """Run in this process with whatever ``propscope`` is importable."""
    started = time.perf_counter()
    from propscope.components import build_pipeline
    from propscope.ingest import article_from_text
    from propscope.options import AnalyzeOptions
    from propscope.schema import article_to_dict

    options = AnalyzeOptions(threads=args.threads)
    texts = load_texts(args.data, args.ppn, args.ptc)
    pipeline = build_pipeline(options)
    # cold start: the first article of the process, models loaded on the way
    list(pipeline.pipe([article_from_text(texts[0], options.ingest)]))
    first_article_s = time.perf_counter() - started

    wall: dict[str, float] = {c.name: 0.0 for c in pipeline.components}
    cpu: dict[str, float] = {c.name: 0.0 for c in pipeline.components}
    analysed = []
    run_wall, run_cpu = time.perf_counter(), time.process_time()
    for begin in range(0, len(texts), args.batch_size):
        batch = [article_from_text(text, options.ingest) for text in texts[begin : begin + args.batch_size]]
        for component in pipeline.components:
            t0, c0 = time.perf_counter(), time.process_time()
            batch = component.pipe(batch)
            wall[component.name] += time.perf_counter() - t0
            cpu[component.name] += time.process_time() - c0
        analysed.extend(batch)
    total_wall, total_cpu = time.perf_counter() - run_wall, time.process_time() - run_cpu
    if args.dump:
        with Path(args.dump).open("w", encoding="utf-8") as out:
            for article in analysed:
                record = article_to_dict(article)
                record.pop("components", None)
                (record.get("knowledge_base") or {}).pop("path", None)  # where the checkout is, not output
                out.write(json.dumps(record, sort_keys=True) + "\n")
    return {
        "articles": len(texts),
        "words": sum(len(t.split()) for t in texts),
        "threads": args.threads,
        "batch_size": args.batch_size,
        "articles_per_s": round(len(texts) / total_wall, 3),
        "cpu_s_per_article": round(total_cpu / len(texts), 3),
        "wall_s": round(total_wall, 2),
        "cpu_s": round(total_cpu, 2),
        "components_wall_ms_per_article": {k: round(v * 1000 / len(texts), 1) for k, v in wall.items()},
        "components_cpu_ms_per_article": {k: round(v * 1000 / len(texts), 1) for k, v in cpu.items()},
        "first_article_s": round(first_article_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def compare(args: argparse.Namespace) -> dict[str, object]:
    own_src = HERE.parent / "src"
    results = {}
    dumps = {}
    for label, src in (("old", Path(args.compare)), ("new", own_src)):
        dump = Path(args.dump or "/tmp") / f"throughput-{label}.jsonl"  # --dump: a folder here
        command = [
            sys.executable, str(Path(__file__).resolve()), "--data", str(args.data), "--ppn", str(args.ppn),
            "--ptc", str(args.ptc), "--threads", str(args.threads), "--batch-size", str(args.batch_size),
            "--dump", str(dump),
        ]
        env = {**os.environ, "PYTHONPATH": str(src)}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        results[label] = json.loads(done.stdout.strip().splitlines()[-1])
        dumps[label] = dump.read_text(encoding="utf-8").splitlines()
        print(f"{label}: {json.dumps(results[label])}")
    differing = [i for i, (a, b) in enumerate(zip(dumps["old"], dumps["new"], strict=True)) if a != b]
    old, new = results["old"], results["new"]
    summary = {
        "old": old,
        "new": new,
        "speedup_wall": round(float(new["articles_per_s"]) / float(old["articles_per_s"]), 2),  # type: ignore[arg-type]
        "speedup_cpu": round(float(old["cpu_s_per_article"]) / float(new["cpu_s_per_article"]), 2),  # type: ignore[arg-type]
        "articles_with_different_output": len(differing),
        "differing_indices": differing[:20],
    }
    print(
        f"throughput {old['articles_per_s']} -> {new['articles_per_s']} articles/s (x{summary['speedup_wall']}), "
        f"CPU {old['cpu_s_per_article']} -> {new['cpu_s_per_article']} s per article (x{summary['speedup_cpu']}), "
        f"first article {old['first_article_s']} -> {new['first_article_s']} s, peak RSS {old['peak_rss_mb']} -> "
        f"{new['peak_rss_mb']} MB; outputs differ on {len(differing)} of {old['articles']} articles"
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--ppn", type=int, default=500, help="PPN English articles (the first N)")
    parser.add_argument("--ptc", type=int, default=90, help="unlabelled PTC articles (the first N by name)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--dump", help="write each article's analysis here (JSONL)")
    parser.add_argument("--compare", help="src folder of the version to compare with (runs both)")
    args = parser.parse_args()
    result = compare(args) if args.compare else measure(args)
    if not args.compare:
        for key in ("components_wall_ms_per_article", "components_cpu_ms_per_article"):
            print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in result[key].items()))  # type: ignore[union-attr]
    print(json.dumps(result))


if __name__ == "__main__":
    main()

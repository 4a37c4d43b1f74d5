"""``propscope corpus stats`` over a 100,000-article Parquet corpus.

    PYTHONPATH=src python bench/corpus_stats.py --articles 100000 --seed-articles 300 --repeat 3 [--work DIR]

How the corpus is made (no 100,000 analysed articles exist to test on, and analysing them on two
cores would take a day): the first ``--seed-articles`` English PPN articles are analysed once for
real with ``propscope batch`` (``--components``, default every component; Parquet output), then
their rows in all five tables are replicated until ``--articles`` articles exist: copy K of an
article gets a new ``article_id`` (SHA-256 of the old one and K), one of ``--outlets`` outlets
(``outlet-NN``) and a date moved K days on from 2023-01-01 (two years of months), and keeps its
spans, claims, matches and citations. The copies are written the way ``propscope batch`` writes its
output, one Parquet part of 64 articles per table per chunk (``--part-articles``), so the command
reads the same many small files a real run leaves. ``--work DIR`` keeps the seed run and the
corpus for the next run (the seed is reused when its folder exists).

Times, each a fresh process as a user runs it (``python -m propscope corpus stats CORPUS --by
outlet,month --csv FILE --plot FILE.png``, start-up and imports included), median of ``--repeat``
runs, with its CPU seconds (user + system: what a busy machine does not inflate much), and the
in-process time of the statistics alone (``propscope.corpus.stats.corpus_stats``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import write_corpus  # noqa: E402  (bench/batch.py: the PPN articles as JSONL)

TABLES = ("articles", "spans", "claims", "matches", "citations")
FIRST_DAY = dt.date(2023, 1, 1)


def seed(work: Path, articles: int, components: str | None) -> Path:
    """A real ``propscope batch`` run over the first PPN articles (Parquet tables only)."""
    from propscope.batch import BatchOptions, run_batch
    from propscope.options import RunSettings

    out = work / "seed"
    if (out / "articles").is_dir():
        print(f"reusing the seed run in {out}")
        return out
    corpus = write_corpus(work / "seed.jsonl", articles)
    settings = RunSettings(components=tuple(components.split(",")) if components else None)
    started = time.perf_counter()
    summary = run_batch([str(corpus)], BatchOptions(out=out, workers=2, formats=("parquet",), progress=False,
                                                    log_every_s=30), settings=settings)
    print(f"seed: analysed {summary.ok} articles ({summary.failed} failed, {summary.duplicates} duplicates) "
          f"in {time.perf_counter() - started:.0f} s with components {components or 'all'}")
    return out


def replicate(seed_out: Path, target: Path, articles: int, outlets: int, part_articles: int) -> int:
    """Copies of the seed's rows until ``articles`` articles, in parts of ``part_articles``."""
    import pyarrow as pa
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq

    tables = {name: pads.dataset(seed_out / name, format="parquet").to_table() for name in TABLES}
    base = tables["articles"]
    ids = base["article_id"].to_pylist()
    order = {key: index for index, key in enumerate(ids)}
    # Row numbers of each child table per seed article (its position in the articles table).
    children: dict[str, tuple[Any, list[list[int]]]] = {}
    for name in TABLES[1:]:
        table = tables[name]
        rows_of: list[list[int]] = [[] for _ in ids]
        for row, key in enumerate(table["article_id"].to_pylist()):
            rows_of[order[key]].append(row)
        children[name] = (table, rows_of)
    for name in TABLES:
        (target / name).mkdir(parents=True, exist_ok=True)
    made, part = 0, 0
    while made < articles:
        count = min(part_articles, articles - made)
        # Article number n (0-based over the whole corpus) is copy n // len(ids) of seed article n % len(ids).
        numbers = range(made, made + count)
        picks = pa.array([n % len(ids) for n in numbers], pa.int64())
        copies = [n // len(ids) for n in numbers]
        new_ids = [hashlib.sha256(f"{ids[n % len(ids)]}:{n // len(ids)}".encode()).hexdigest()[:16] for n in numbers]
        dates = [(FIRST_DAY + dt.timedelta(days=(n * 7 + k) % 730)).isoformat() for n, k in zip(numbers, copies, strict=True)]
        rows = base.take(picks)
        rows = rows.set_column(rows.schema.get_field_index("article_id"), "article_id", pa.array(new_ids, pa.string()))
        rows = rows.set_column(rows.schema.get_field_index("outlet"), "outlet",
                               pa.array([f"outlet-{(n * 13) % outlets:02d}" for n in numbers], pa.string()))
        rows = rows.set_column(rows.schema.get_field_index("date"), "date", pa.array(dates, pa.string()))
        rows = rows.set_column(rows.schema.get_field_index("month"), "month", pa.array([d[:7] for d in dates], pa.string()))
        part += 1
        name = f"part-{part:06d}.parquet"
        pq.write_table(rows, target / "articles" / name, compression="zstd")
        for table_name, (table, rows_of) in children.items():
            # Each new article's copy of its seed article's rows, under the new id.
            taken = [row for n in numbers for row in rows_of[n % len(ids)]]
            keys = [new_id for n, new_id in zip(numbers, new_ids, strict=True) for _ in rows_of[n % len(ids)]]
            merged = table.take(pa.array(taken, pa.int64()))
            merged = merged.set_column(0, "article_id", pa.array(keys, pa.string()))
            pq.write_table(merged, target / table_name / name, compression="zstd")
        made += count
    return part


def time_cli(corpus: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one ``corpus stats`` command in a fresh process."""
    command = [sys.executable, "-m", "propscope", "corpus", "stats", str(corpus), "--by", "outlet,month",
               "--csv", str(out / "stats.csv"), "--plot", str(out / "stats.png")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"corpus stats failed:\n{done.stderr[-3000:]}")
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed-articles", type=int, default=300)
    parser.add_argument("--components", default=None, help="components of the seed run (default: all)")
    parser.add_argument("--outlets", type=int, default=40)
    parser.add_argument("--part-articles", type=int, default=64, help="articles per Parquet part (batch's chunk size)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep the seed run and corpus here")
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this JSON file")
    args = parser.parse_args()
    components = None if args.components in (None, "all") else args.components
    work = args.work or Path(tempfile.mkdtemp(prefix="propscope-stats-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        seed_out = seed(work, args.seed_articles, components)
        corpus = work / f"corpus-{args.articles}"
        marker = corpus / "made.json"
        if not marker.is_file():
            shutil.rmtree(corpus, ignore_errors=True)
            started = time.perf_counter()
            parts = replicate(seed_out, corpus, args.articles, args.outlets, args.part_articles)
            marker.write_text(json.dumps({"articles": args.articles, "parts": parts}))
            print(f"wrote {args.articles} articles in {parts} parts per table in {time.perf_counter() - started:.0f} s")
        files = sum(1 for _ in corpus.rglob("*.parquet"))
        size = sum(p.stat().st_size for p in corpus.rglob("*.parquet"))
        print(f"corpus: {corpus} ({files} Parquet files, {size / 2**20:.0f} MiB)")

        from propscope.corpus.stats import corpus_stats

        load = os.getloadavg()[0]
        cli, cpu, inner, rows = [], [], [], []
        for _ in range(args.repeat):
            wall, used = time_cli(corpus, work)
            cli.append(wall)
            cpu.append(used)
            started = time.perf_counter()
            rows = corpus_stats(corpus, by="outlet,month")
            inner.append(time.perf_counter() - started)
        total = sum(r["articles"] for r in rows)
        figures: dict[str, Any] = {
            "bench": "bench/corpus_stats.py", "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]), "articles": args.articles,
            "seed_articles": args.seed_articles, "seed_components": components or "all", "parquet_files": files,
            "mib": round(size / 2**20), "groups": len(rows), "articles_in_groups": total,
            "cli_seconds": [round(s, 2) for s in cli], "cli_seconds_median": round(statistics.median(cli), 2),
            "cli_cpu_seconds": [round(s, 2) for s in cpu], "cli_cpu_seconds_median": round(statistics.median(cpu), 2),
            "stats_seconds": [round(s, 2) for s in inner], "stats_seconds_median": round(statistics.median(inner), 2),
            "load_average_before": load, "cores": os.cpu_count(),
        }
        print(f"corpus stats --by outlet,month --csv --plot over {args.articles} articles: median "
              f"{figures['cli_seconds_median']:.2f} s per command (runs {figures['cli_seconds']}; CPU "
              f"{figures['cli_cpu_seconds_median']:.2f} s), statistics alone "
              f"{figures['stats_seconds_median']:.2f} s; {len(rows)} (outlet, month) rows holding {total} dated articles; "
              f"load average {load:.1f}, {os.cpu_count()} cores")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {args.json}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

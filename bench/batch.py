"""Corpus-run throughput: local engine with 1 and 2 workers, Ray engine with 1 and 2 actors.

    PYTHONPATH=src python bench/batch.py --articles 300 [--components segment,claims] [--repeat 1]

Reads the first N English PPN articles (``$PROPSCOPE_SHARED_DATA/ppn/articles-en.jsonl``, CC BY-NC;
copied to a temporary file, never committed), runs ``propscope.batch.run_batch`` for each engine
configuration in a fresh subprocess (so that each pays its own model loading and Ray start-up, as
a user's run does), and prints articles/s (wall time of the whole run, start-up included), Ray's
throughput against the local engine at the same number of workers, and the peak RSS of each
worker process (``VmHWM`` of every descendant process that analysed, read from /proc while it runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CONFIGS = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]


def _children(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        found.extend(kids)
        frontier.extend(kids)
    return found


def _peak_kib(pid: int) -> tuple[int, str] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]), command
    return None


def one(engine: str, workers: int, corpus: Path, components: str | None) -> dict[str, object]:
    """One configuration, in this process; reports its figures as JSON."""
    from propscope.batch import BatchOptions, run_batch
    from propscope.options import RunSettings

    peaks: dict[int, tuple[int, str]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in [os.getpid(), *_children(os.getpid())]:
                found = _peak_kib(pid)
                if found:
                    peaks[pid] = max(peaks.get(pid, (0, "")), found)
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    settings = RunSettings(components=tuple(components.split(",")) if components else None)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        summary = run_batch([str(corpus)], BatchOptions(out=Path(out) / "run", engine=engine, workers=workers, progress=False, log_every_s=1e9), settings=settings)
        seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if engine == "local" and workers == 1:
        analysing = [os.getpid()]
    elif engine == "local":
        analysing = [p for p, (_, cmd) in peaks.items() if "spawn_main" in cmd]  # not the resource tracker
    else:
        analysing = [p for p, (_, cmd) in peaks.items() if "MapWorker" in cmd or "Analyse" in cmd]
    return {
        "engine": engine, "workers": workers, "ok": summary.ok, "failed": summary.failed, "seconds": round(seconds, 2),
        "articles_per_s": round(summary.ok / seconds, 3) if seconds else 0.0,
        "worker_peak_rss_mb": sorted(round(peaks[p][0] / 1024) for p in analysing if p in peaks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--components", default=None, help="e.g. segment,claims (default: every component)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration (the median is reported)")
    parser.add_argument("--configs", default=",".join(f"{e}:{w}" for e, w in CONFIGS))
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        engine, workers = args.one.split(":")
        print(json.dumps(one(engine, int(workers), Path(args.corpus), args.components)))
        return
    shared = Path(os.environ.get("PROPSCOPE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    source = shared / "ppn" / "articles-en.jsonl"
    if not source.is_file():
        sys.exit(f"bench/batch.py: {source} not found (set PROPSCOPE_SHARED_DATA)")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "ppn.jsonl"
        with source.open(encoding="utf-8") as handle, corpus.open("w", encoding="utf-8") as target:
            for _, line in zip(range(args.articles), handle, strict=False):
                target.write(line)
        results = []
        for config in args.configs.split(","):
            runs = []
            for _ in range(args.repeat):
                command = [sys.executable, __file__, "--one", config, "--corpus", str(corpus)]
                if args.components:
                    command += ["--components", args.components]
                done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "RAY_AUTH_MODE": "disabled"})
                if done.returncode != 0:
                    sys.exit(f"{config} failed:\n{done.stderr[-3000:]}")
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            best = sorted(runs, key=lambda r: r["articles_per_s"])[len(runs) // 2]
            best["articles_per_s_runs"] = [r["articles_per_s"] for r in runs]
            results.append(best)
            print(json.dumps(best), flush=True)
    rate = {(r["engine"], r["workers"]): r["articles_per_s"] for r in results}
    print(f"\n{args.articles} PPN articles, components: {args.components or 'all'}, {os.cpu_count()} cores, "
          f"median of {args.repeat} run(s); wall time of whole runs (start-up and model loading included)")
    print(f"{'engine':<8}{'workers':>8}{'articles/s':>12}{'seconds':>9}  worker peak RSS (MB)")
    for r in results:
        print(f"{r['engine']:<8}{r['workers']:>8}{r['articles_per_s']:>12.3f}{r['seconds']:>9.1f}  {r['worker_peak_rss_mb']}")
    for workers in (1, 2):
        if ("ray", workers) in rate and ("local", workers) in rate and rate[("local", workers)]:
            share = rate[("ray", workers)] / rate[("local", workers)]
            print(f"Ray at {workers} actor(s): {100 * share:.0f} % of the local engine's throughput")
    print(f"(statistics.median of per-run rates: {[statistics.median(r['articles_per_s_runs']) for r in results]})")


if __name__ == "__main__":
    main()

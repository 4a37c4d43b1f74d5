"""Corpus-run throughput: local engine with 1 and 2 workers, Ray engine with 1 and 2 actors.

    PYTHONPATH=src python bench/batch.py --articles 1000 --components all --repeat 3 --json figures.json

Reads the first N English PPN articles with distinct texts (``$PROPSCOPE_SHARED_DATA/ppn/articles-en.jsonl``,
CC BY-NC; copied to a temporary file, never committed; a repeated text would be skipped as a
duplicate). Past the distinct texts the file holds, they are cycled, each copy with its own id
and a last line ``(copy K)``. Each engine configuration runs ``propscope.batch.run_batch`` in a fresh
subprocess (each pays its own model loading and Ray start-up, as a user's run does); repeats are
interleaved (config A, B, C, D, then A, B, C, D again), so that a busy spell of a shared machine
hits every configuration, and Ray's share of the local engine's throughput is taken within each
repeat before the median is taken.

Per run it reports
- ``articles_per_s``: ok articles over the wall time of the whole run (start-up included);
- ``steady_articles_per_s`` and ``startup_s``: the rate after the first committed output chunk
  (chunk commit times from the run's ledger; a chunk is 64 documents, so at least two are needed),
  and the time before the first chunk less what its documents took at that rate (start-up, model
  loading and first batches);
- ``cpu_s``: CPU seconds of every process of the run (``/proc/PID/stat``, sampled every 0.2 s)
  split into the driver, the analysing workers and the rest (Ray's own processes: raylet, GCS,
  dashboard, agents, idle workers; the local engine's resource tracker): where a run spends the
  cores, which wall time on a shared machine hides;
- ``worker_peak_rss_mb`` (``VmHWM`` of each analysing process) and ``driver_peak_rss_mb``;
- ``output_sha256``: a digest of the analysed records (``identical`` is printed when the local
  and Ray runs at the same number of workers agree).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CONFIGS = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]
_TICK = os.sysconf("SC_CLK_TCK")


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


def _probe(pid: int) -> tuple[int, float, str] | None:
    """(peak RSS KiB, CPU seconds so far, command line) of a process, None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    peak = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    # Fields 14 and 15 of /proc/PID/stat (utime, stime); [11], [12] after the command name.
    return peak, (int(stat[11]) + int(stat[12])) / _TICK, command


class Sampler:
    """Peak RSS, CPU seconds and the last command line of this process and all its descendants."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every_s = every_s
        self.seen: dict[int, tuple[int, float, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _sample(self) -> None:
        for pid in [os.getpid(), *_children(os.getpid())]:
            found = _probe(pid)
            if found:
                peak, cpu, command = found
                before = self.seen.get(pid, (0, 0.0, ""))
                # An exited process not yet reaped (a zombie) has no command line: keep the last one seen.
                self.seen[pid] = (max(peak, before[0]), max(cpu, before[1]), command or before[2])

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every_s)


def _label(command: str) -> str:
    """A short name for a process: ``ray::StatsActor``, ``raylet``, ``dashboard.py``."""
    words = command.split()
    if not words:
        return "?"
    if words[0].startswith("ray::"):
        return words[0]
    script = next((w for w in words[1:] if w.endswith(".py")), None)
    return Path(script or words[0]).name


def _is_worker(engine: str, workers: int, pid: int, command: str) -> bool:
    if engine == "local":
        return pid == os.getpid() if workers == 1 else "spawn_main" in command  # not the resource tracker
    return "MapWorker" in command or "Analyse" in command


def one(engine: str, workers: int, corpus: Path, components: str | None, batch_size: int) -> dict[str, Any]:
    """One configuration, in this process; returns its figures."""
    from propscope.batch import BatchOptions, run_batch
    from propscope.options import RunSettings

    settings = RunSettings(components=tuple(components.split(",")) if components else None)
    with tempfile.TemporaryDirectory() as out, Sampler() as sampler:
        options = BatchOptions(out=Path(out) / "run", engine=engine, workers=workers, batch_size=batch_size,
                               progress=False, log_every_s=1e9)
        wall_start, started = time.time(), time.perf_counter()
        summary = run_batch([str(corpus)], options, settings=settings)
        seconds = time.perf_counter() - started
        with sqlite3.connect(Path(out) / "run" / "ledger.sqlite") as db:
            chunks = db.execute("SELECT committed, documents FROM chunks ORDER BY committed").fetchall()
        output = output_digest(Path(out) / "run")
    startup = steady = None
    if len(chunks) >= 2 and chunks[-1][0] > chunks[0][0]:
        steady = round(sum(n for _, n in chunks[1:]) / (chunks[-1][0] - chunks[0][0]), 3)
        # The first chunk's documents took about n / steady of the time before it committed.
        startup = max(0.0, chunks[0][0] - wall_start - chunks[0][1] / steady)
    cpu = {"driver": 0.0, "workers": 0.0, "other": 0.0}
    other: dict[str, float] = {}
    worker_rss, driver_rss = [], 0
    for pid, (peak, seconds_cpu, command) in sampler.seen.items():
        if _is_worker(engine, workers, pid, command):
            cpu["workers"] += seconds_cpu
            worker_rss.append(round(peak / 1024))
        elif pid == os.getpid():
            cpu["driver"] += seconds_cpu
        else:
            cpu["other"] += seconds_cpu
            other[_label(command)] = other.get(_label(command), 0.0) + seconds_cpu
        if pid == os.getpid():
            driver_rss = round(peak / 1024)
    if engine == "local" and workers == 1:  # the driver is the worker: its CPU counted once, as the worker's
        cpu["driver"] = 0.0
    return {
        "engine": engine, "workers": workers, "ok": summary.ok, "failed": summary.failed,
        "skipped": summary.duplicates, "seconds": round(seconds, 2),
        "articles_per_s": round(summary.ok / seconds, 3) if seconds else 0.0,
        "startup_s": round(startup, 2) if startup is not None else None, "steady_articles_per_s": steady,
        "cpu_s": {k: round(v, 2) for k, v in cpu.items()},
        "cpu_s_other": {k: round(v, 2) for k, v in sorted(other.items(), key=lambda item: -item[1]) if v >= 0.05},
        "cpu_s_per_article": round(sum(cpu.values()) / summary.ok, 4) if summary.ok else None,
        "worker_peak_rss_mb": sorted(worker_rss), "driver_peak_rss_mb": driver_rss, "output_sha256": output,
    }


def output_digest(out: Path) -> str:
    """SHA-256 of the run's JSONL records by id, without the input address (the Ray engine names a
    record ``path#id``, the local engine ``path:line``): equal digests, equal results."""
    records = []
    for part in sorted((out / "jsonl").glob("part-*.jsonl")):
        for line in part.open(encoding="utf-8"):
            record = json.loads(line)
            record.pop("source", None)
            record.get("metadata", {}).pop("source", None)
            records.append(record)
    records.sort(key=lambda r: str(r.get("id")))
    return hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()[:16]


def shared_data() -> Path:
    return Path(os.environ.get("PROPSCOPE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def write_corpus(target: Path, count: int) -> Path:
    """The first ``count`` distinct English PPN articles as JSONL; cycled with marked copies past the end."""
    source = shared_data() / "ppn" / "articles-en.jsonl"
    if not source.is_file():
        sys.exit(f"bench: {source} not found (set PROPSCOPE_SHARED_DATA)")
    records, texts = [], set()
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            # Distinct texts only: the run skips a repeated text as a duplicate (about one PPN article in eight).
            text = json.loads(line).get("text") if line.strip() else None
            if text and text not in texts:
                texts.add(text)
                records.append(line)
    with target.open("w", encoding="utf-8") as out:
        for index in range(count):
            line = records[index % len(records)]
            copy = index // len(records)
            if copy:
                record = json.loads(line)
                record["id"] = f"{record.get('id') or index}~copy{copy}"
                record["text"] = f"{record['text']}\n(copy {copy})"
                line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
    return target


def run_config(config: str, corpus: Path, components: str | None, batch_size: int) -> dict[str, Any]:
    """One configuration in a fresh subprocess (its own model loading and Ray start-up)."""
    command = [sys.executable, __file__, "--one", config, "--corpus", str(corpus), "--batch-size", str(batch_size)]
    if components:
        command += ["--components", components]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "RAY_AUTH_MODE": "disabled"})
    if done.returncode != 0:
        sys.exit(f"{config} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median whole-run rate, with every run's rates beside it."""
    best = dict(sorted(runs, key=lambda r: r["articles_per_s"])[len(runs) // 2])
    best["articles_per_s_runs"] = [r["articles_per_s"] for r in runs]
    best["steady_articles_per_s_runs"] = [r["steady_articles_per_s"] for r in runs]
    best["cpu_s_per_article_runs"] = [r["cpu_s_per_article"] for r in runs]
    return best


def ray_shares(repeats: list[dict[tuple[str, int], dict[str, Any]]], key: str) -> dict[int, float]:
    """Median over repeats of Ray's rate over the local engine's at the same workers, within each repeat."""
    shares: dict[int, float] = {}
    for workers in (1, 2):
        ratios = [r[("ray", workers)][key] / r[("local", workers)][key] for r in repeats
                  if ("ray", workers) in r and ("local", workers) in r and r[("local", workers)].get(key)
                  and r[("ray", workers)].get(key) is not None]
        if ratios:
            shares[workers] = round(statistics.median(ratios), 3)
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--components", default=None, help="e.g. segment,claims; 'all' or nothing: every component")
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs per configuration (medians reported)")
    parser.add_argument("--configs", default=",".join(f"{e}:{w}" for e, w in CONFIGS))
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this JSON file")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    components = None if args.components in (None, "all") else args.components
    if args.one:
        engine, workers = args.one.split(":")
        print(json.dumps(one(engine, int(workers), Path(args.corpus), components, args.batch_size)))
        return
    configs = [(c.split(":")[0], int(c.split(":")[1])) for c in args.configs.split(",")]
    load_before = os.getloadavg()
    repeats: list[dict[tuple[str, int], dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "ppn.jsonl", args.articles)
        for repeat in range(args.repeat):
            repeats.append({})
            for engine, workers in configs:
                result = run_config(f"{engine}:{workers}", corpus, components, args.batch_size)
                repeats[-1][(engine, workers)] = result
                print(json.dumps({"repeat": repeat + 1, **result}), flush=True)
    results = [median_run([r[c] for r in repeats]) for c in configs]
    whole, steady = ray_shares(repeats, "articles_per_s"), ray_shares(repeats, "steady_articles_per_s")
    print(f"\n{args.articles} PPN articles, components: {components or 'all'}, {os.cpu_count()} cores, median of "
          f"{args.repeat} interleaved run(s); load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    print(f"{'engine':<7}{'workers':>8}{'art/s':>8}{'steady':>8}{'start s':>8}{'CPU s/art':>10}  "
          "CPU s driver/workers/other  worker peak RSS MB (driver)")
    for r in results:
        cpu = r["cpu_s"]
        print(f"{r['engine']:<7}{r['workers']:>8}{r['articles_per_s']:>8.2f}{r['steady_articles_per_s'] or 0:>8.2f}"
              f"{r['startup_s'] or 0:>8.1f}{r['cpu_s_per_article'] or 0:>10.3f}  "
              f"{cpu['driver']:.1f}/{cpu['workers']:.1f}/{cpu['other']:.1f}  {r['worker_peak_rss_mb']} ({r['driver_peak_rss_mb']})")
    for workers in (1, 2):
        # Same workers, same threads per worker: the outputs must be equal (ONNX Runtime's sums can
        # differ in the last bits between thread counts, so 1 against 2 workers is not compared).
        digests = {r[(e, workers)]["output_sha256"] for r in repeats for e in ("local", "ray") if (e, workers) in r}
        if any(("ray", workers) in r for r in repeats) and any(("local", workers) in r for r in repeats):
            print(f"outputs at {workers} worker(s): {'identical' if len(digests) == 1 else 'DIFFERENT: ' + ', '.join(sorted(digests))}")
    for workers, share in whole.items():
        print(f"Ray at {workers} actor(s): {100 * share:.0f} % of the local engine's whole-run throughput, "
              f"{100 * steady.get(workers, float('nan')):.0f} % after start-up (median of per-repeat ratios)")
    if args.json:
        figures = {
            "bench": "bench/batch.py", "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]), "articles": args.articles,
            "components": components or "all", "batch_size": args.batch_size, "cores": os.cpu_count(),
            "repeat": args.repeat, "load_average_before": load_before[0], "load_average_after": os.getloadavg()[0],
            "median": results, "ray_share_whole_run": whole, "ray_share_after_startup": steady,
            "runs": [[r[c] for c in configs] for r in repeats],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()

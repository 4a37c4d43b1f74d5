"""REST API figures: /v1/analyze latency and throughput with 1 and 2 workers, /v1/stats over many
stored articles on SQLite and PostgreSQL, and memory per worker.

Usage: python bench/api.py [--requests N] [--rows 10000,100000] [--pg URL] [--skip-analyze] [--skip-stats]

- analyze: the 788-word bench article; in-process ``Analyzer.analyze_text`` (the baseline, also
  timed right before each API request: the pair ran under the same load) and
  ``POST /v1/analyze`` on ``propscope serve --workers W`` (a real server process on a free loopback
  port): p50/p95 of sequential requests, the same with thresholds changed on every call (models must
  not reload), and requests/s with 2 x W concurrent clients; resident memory of each worker.
- stats: synthetic articles (rows written straight into the tables: 3 techniques each, 4 outlets,
  a year of dates), then ``GET /v1/stats`` by outlet, by outlet and month, and by week over real
  HTTP: median of 5 after one warm-up.

The last line is JSON with every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ARTICLE = HERE / "data" / "article_800.txt"
PG_DEFAULT = os.environ.get("PROPSCOPE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found.append(child)
            found.extend(descendants(child))
    return found


# -- analyze ---------------------------------------------------------------------------------------
def bench_in_process(text: str, requests: int) -> dict[str, float]:
    from propscope.engine import Analyzer
    from propscope.options import EngineConfig, RunSettings

    analyzer = Analyzer(EngineConfig(threads=2))
    analyzer.analyze_text(text)  # loads the models
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        analyzer.analyze_text(text, RunSettings())
        times.append(time.perf_counter() - start)
    return {"p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * percentile(times, 0.95)}


def bench_server(text: str, workers: int, requests: int, home: Path, local: Any = None) -> dict[str, Any]:
    """``local``: an in-process analyser timed right before each API request, so that the two are
    compared under the same load (this machine is shared)."""
    port = free_port()
    env = {**os.environ, "PROPSCOPE_HOME": str(home), "PROPSCOPE_DB": f"sqlite:///{home / f'bench-{workers}.db'}"}
    command = [sys.executable, "-m", "propscope", "serve", "--port", str(port), "--workers", str(workers),
               "--rate", "100000", "--threads", "2"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.5)
        with httpx.Client(base_url=url, timeout=300) as client:
            for _ in range(2 * workers):  # every worker warm (models load at worker start)
                client.post("/v1/analyze", json={"text": text})
            same, varied, paired = [], [], []
            for i in range(requests):
                if local is not None:
                    start = time.perf_counter()
                    local.analyze_text(text)
                    paired.append(time.perf_counter() - start)
                start = time.perf_counter()
                assert client.post("/v1/analyze", json={"text": text}).status_code == 200
                same.append(time.perf_counter() - start)
                settings = {"claim_threshold": round(0.3 + 0.02 * i, 3), "technique_threshold_shift": round(-0.1 + 0.01 * i, 3),
                            "kb_top_k": 1 + i % 5}
                start = time.perf_counter()
                assert client.post("/v1/analyze", json={"text": text, "settings": settings}).status_code == 200
                varied.append(time.perf_counter() - start)
        clients = 2 * workers
        done = [0]
        lock = threading.Lock()

        def hammer() -> None:
            with httpx.Client(base_url=url, timeout=300) as own:
                while True:
                    with lock:
                        if done[0] >= requests:
                            return
                        done[0] += 1
                    own.post("/v1/analyze", json={"text": text})

        start = time.perf_counter()
        threads = [threading.Thread(target=hammer) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        throughput = requests / (time.perf_counter() - start)
        # with --workers 1 uvicorn serves in its own process; with more, each worker is a child
        memory = sorted(rss_mb(p) for p in descendants(process.pid))
        return {
            "workers": workers,
            "p50_ms": 1000 * statistics.median(same),
            "p95_ms": 1000 * percentile(same, 0.95),
            "in_process_paired_p50_ms": 1000 * statistics.median(paired) if paired else None,
            "varied_settings_p50_ms": 1000 * statistics.median(varied),
            "varied_settings_p95_ms": 1000 * percentile(varied, 0.95),
            "requests_per_s": throughput,
            "concurrent_clients": clients,
            "server_rss_mb": rss_mb(process.pid),
            "child_rss_mb": [round(m, 1) for m in memory],
        }
    finally:
        process.terminate()
        process.wait(timeout=60)


# -- stats -----------------------------------------------------------------------------------------
def fill(store: Any, rows: int) -> float:
    """Synthetic stored articles, written in bulk into a database at revision 0002, then migrated
    to the newest revision (whose migration fills the daily stats tables); returns the seconds."""
    from sqlalchemy import insert

    from propscope.store import db
    from propscope.store.tables import AnalysisRow, ArticleRow, TechniqueCountRow

    rng = random.Random(0)
    outlets = ["RT", "Sputnik", "Reuters", "BBC"]
    techniques = ["Loaded_Language", "Name_Calling,Labeling", "Doubt", "Exaggeration,Minimisation", "Appeal_to_fear-prejudice"]
    start = time.perf_counter()
    now = dt.datetime(2025, 1, 1)
    batch = 5000
    for begin in range(0, rows, batch):
        articles, analyses, counts = [], [], []
        for i in range(begin, min(rows, begin + batch)):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
            outlet = outlets[i % len(outlets)]
            words = rng.randrange(200, 1500)
            articles.append({"id": i + 1, "content_hash": uuid.UUID(int=rng.getrandbits(128)).hex + f"{i:08d}", "doc_id": str(i),
                             "outlet": outlet, "date": day.isoformat(), "day": day, "language": "en", "words": words,
                             "text": f"synthetic article {i}", "created": now, "title": f"Article {i}"})
            chosen = rng.sample(techniques, 3)
            spans = [rng.randrange(1, 6) for _ in chosen]
            analyses.append({"id": i + 1, "article_id": i + 1, "signature": "synthetic", "status": "ok", "created": now,
                             "is_current": True, "components": [], "document": {}, "outlet": outlet, "day": day, "words": words,
                             "n_techniques": sum(spans), "n_claims": rng.randrange(0, 20), "n_matches": rng.randrange(0, 3),
                             "n_citations": rng.randrange(0, 8)})
            counts.extend({"analysis_id": i + 1, "technique": t, "n": n, "outlet": outlet, "day": day} for t, n in zip(chosen, spans))
        with store.engine.begin() as connection:
            connection.execute(insert(ArticleRow), articles)
            connection.execute(insert(AnalysisRow), analyses)
            connection.execute(insert(TechniqueCountRow), counts)
    db.upgrade(store.engine)
    return time.perf_counter() - start


def time_stats(store: Any) -> dict[str, float]:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from fastapi import FastAPI  # noqa: F401 - the [web] extra must be installed

    from api.server import serve  # tests/api/server.py: uvicorn in a thread on a free port

    from propscope.api.app import create_app
    from propscope.api.config import ServerConfig
    from propscope.engine import Analyzer

    app = create_app(ServerConfig(rate_per_minute=100000), store=store, analyzer=Analyzer())
    queries = {"by_outlet": {"by": "outlet"}, "by_outlet_month": {"by": "outlet,period", "period": "month"},
               "by_week": {"by": "period", "period": "week"}, "by_outlet_month_csv": {"by": "outlet,period", "period": "month", "format": "csv"}}
    out: dict[str, float] = {}
    with serve(app) as running, httpx.Client(base_url=running.url, timeout=120) as client:
        for name, params in queries.items():
            assert client.get("/v1/stats", params=params).status_code == 200
            times = []
            for _ in range(5):
                start = time.perf_counter()
                response = client.get("/v1/stats", params=params)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200
            out[name + "_ms"] = round(1000 * statistics.median(times), 1)
    return out


def bench_stats(rows_list: list[int], pg_url: str | None) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    from propscope.store import Store, db

    results: dict[str, Any] = {}
    for rows in rows_list:
        with tempfile.TemporaryDirectory() as folder:
            store = Store(f"sqlite:///{folder}/stats.db")
            db.upgrade(store.engine, "0002")
            fill_s = fill(store, rows)
            results[f"sqlite_{rows}"] = {"fill_s": round(fill_s, 1), **time_stats(store)}
            store.close()
        if pg_url:
            schema = f"propscope_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(pg_url)
            try:
                with admin.begin() as connection:
                    connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            except Exception as exc:  # noqa: BLE001 - no server: say so and go on
                results[f"postgresql_{rows}"] = f"skipped: {exc.__class__.__name__}"
                continue
            try:
                store = Store(pg_url, schema=schema)
                db.upgrade(store.engine, "0002")
                fill_s = fill(store, rows)
                with store.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
                results[f"postgresql_{rows}"] = {"fill_s": round(fill_s, 1), **time_stats(store)}
                store.close()
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        print(f"stats over {rows} articles: {json.dumps({k: v for k, v in results.items() if k.endswith(str(rows))})}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL URL for the stats figures ('' to skip)")
    parser.add_argument("--skip-analyze", action="store_true")
    parser.add_argument("--skip-stats", action="store_true")
    parser.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2], help="e.g. 1,2")
    args = parser.parse_args()
    figures: dict[str, Any] = {"cpus": os.cpu_count(), "load_average": os.getloadavg()}
    if not args.skip_analyze:
        text = ARTICLE.read_text(encoding="utf-8")
        figures["article_words"] = len(text.split())
        from propscope.engine import Analyzer
        from propscope.options import EngineConfig

        figures["in_process"] = bench_in_process(text, args.requests)
        print(f"in-process analysis: {json.dumps(figures['in_process'])}", flush=True)
        local = Analyzer(EngineConfig(threads=2))
        with tempfile.TemporaryDirectory() as home:
            for workers in args.workers:
                figures[f"api_{workers}_worker"] = bench_server(text, workers, args.requests, Path(home), local)
                print(f"API, {workers} worker(s): {json.dumps(figures[f'api_{workers}_worker'])}", flush=True)
    if not args.skip_stats:
        figures["stats"] = bench_stats([int(r) for r in args.rows.split(",")], args.pg or None)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Dashboard and article-list latency over a large store.

Analyses ``examples/article.txt`` once with the real analyser, stores N copies (a unique last
sentence each, so each is its own article; 20 outlets, dates over two years), then times
``GET /dashboard`` and ``GET /articles`` over real HTTP (uvicorn on a loopback port).

    python bench/dashboard.py --articles 10000 --repeat 5
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from propscope.api.app import create_app
from propscope.api.config import ServerConfig
from propscope.engine import default_analyzer
from propscope.ingest import IngestResult, article_from_text
from propscope.options import EngineConfig, IngestOptions, RunSettings
from propscope.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="propscope-bench-"))
    store = Store.open(f"sqlite:///{folder / 'bench.db'}", migrate=True)
    analyzer = default_analyzer(EngineConfig())
    text = Path(__file__).resolve().parents[1].joinpath("examples", "article.txt").read_text(encoding="utf-8")
    base = article_from_text(text, IngestOptions())
    outcome = next(iter(analyzer.run([IngestResult("bench", base, None)], RunSettings())))
    assert outcome.article is not None, outcome.error
    signature = analyzer.signature(RunSettings())
    started = time.perf_counter()
    first = dt.date(2023, 1, 1)
    for i in range(args.articles):
        article = copy.deepcopy(outcome.article)
        article.text = article.text + f"\nCopy {i}.\n"
        article.id = ""
        article.__post_init__()
        article.outlet = f"Outlet {i % 20}"
        article.date = (first + dt.timedelta(days=i % 730)).isoformat()
        store.save(article, signature, source=f"copy-{i}")
    print(f"stored {args.articles} articles in {time.perf_counter() - started:.0f} s")

    app = create_app(ServerConfig(), store=store, analyzer=analyzer)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with httpx.Client(base_url=url, timeout=120) as client:
        for path in ("/dashboard", "/articles", "/articles?technique=Loaded_Language&has_match=yes"):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                reply = client.get(path)
                times.append(time.perf_counter() - t)
                assert reply.status_code == 200, reply.text[:200]
            print(f"GET {path}: median {1000 * statistics.median(times):.0f} ms over {args.repeat} "
                  f"(min {1000 * min(times):.0f}, max {1000 * max(times):.0f})")
    server.should_exit = True


if __name__ == "__main__":
    main()

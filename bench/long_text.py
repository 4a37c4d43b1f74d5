"""Time and peak memory of one long article, component by component.

Usage:
    python bench/long_text.py ARTICLE.txt [--threads 2] [--components a,b,...]

Each component runs on the whole article (as ``analyze`` does for a one-document input); the line of a
component gives its wall time, the process's peak RSS so far and its RSS after it. The last line is
JSON: ``{"chars": ..., "seconds": {...}, "total_s": ..., "peak_rss_mb": ...}``. Use it to find what is
slow per character (run it on a 200 KB and a 600 KB text and compare seconds per KB).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from propscope.engine import Analyzer
from propscope.ingest import article_from_text
from propscope.options import EngineConfig, IngestOptions, RunSettings


def _rss_now_mb() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() // 2**20


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--components", default=None)
    args = parser.parse_args()
    text = args.article.read_text(encoding="utf-8")
    settings = RunSettings(
        components=tuple(args.components.split(",")) if args.components else None, force_language=True
    )
    analyzer = Analyzer(EngineConfig(threads=args.threads))
    analyzer.warm()
    print(f"models loaded: peak {_peak_mb()} MB", flush=True)
    limits = IngestOptions(max_bytes=len(text.encode()) + 1)
    if hasattr(limits, "max_chars"):  # older checkouts (timed side by side) lack the field
        limits.max_chars = len(text) + 1
    batch = [article_from_text(text, limits, id=args.article.stem)]
    seconds: dict[str, float] = {}
    for component in analyzer.pipeline(settings).components:
        started = time.perf_counter()
        batch = component.pipe(batch, settings)
        seconds[component.name] = round(time.perf_counter() - started, 2)
        print(f"{component.name:12s} {seconds[component.name]:8.2f} s  peak {_peak_mb()} MB  now {_rss_now_mb()} MB", flush=True)
    total = round(sum(seconds.values()), 2)
    print(json.dumps({"chars": len(text), "seconds": seconds, "total_s": total, "peak_rss_mb": _peak_mb()}))


if __name__ == "__main__":
    main()

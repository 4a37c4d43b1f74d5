"""Peak memory and time of ``propscope analyze URL`` on hostile servers, through the real entry point.

Usage: python bench/hostile_urls.py [--timeout S]
Starts the hostile servers of ``tests/ingest/test_hostile_servers.py`` on 127.0.0.1 (compression bombs,
stacked encodings, headers or bodies trickling in one byte at a time, a server that never answers) and
runs the command line on each URL in a fresh process. Each row: the exit code, the one error line, the
process's peak resident memory (VmHWM) and its wall time. Target (issue 15): under 300 MB for every
hostile URL. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ingest"))

import test_hostile_servers as hostile  # noqa: E402  (the servers the tests use)

PATHS = ["/bomb", "/stacked", "/stacked-headers", "/redirect-stacked", "/brotli", "/slow-headers",
         "/slow-body", "/silent"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    server = hostile.Server(("127.0.0.1", 0), hostile.Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    for path in PATHS:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", hostile._CLI, "analyze", "--allow-private", "--timeout", str(args.timeout),
             base + path, "-f", "json", "-o", "/dev/null", "--force"],
            capture_output=True, text=True, timeout=120,
        )
        seconds = time.perf_counter() - start
        lines = done.stderr.strip().splitlines()
        peak = float(lines[-1].split("=")[1]) if lines and lines[-1].startswith("peak_mb=") else float("nan")
        rows.append({"path": path, "exit": done.returncode, "error": lines[0] if len(lines) > 1 else "",
                     "peak_mb": peak, "seconds": round(seconds, 2)})
        print(f"{path:18} exit {done.returncode}  peak {peak:6.1f} MB  {seconds:5.2f} s  {rows[-1]['error']}")
    hostile.STOP.set()
    server.shutdown()
    print(json.dumps({"timeout_s": args.timeout, "max_peak_mb": max(r["peak_mb"] for r in rows), "rows": rows}))


if __name__ == "__main__":
    main()

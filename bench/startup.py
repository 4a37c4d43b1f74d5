"""Wall time of short ``propscope`` commands, each run in a fresh process (hyperfine-style).

Usage: python bench/startup.py [--runs N] [--analyze]
Runs each command ``--runs`` times after one warm-up run (the page cache is warm, as for a user who
ran it before) and prints the median and the spread. ``--analyze`` adds a full analysis of
``examples/article.txt`` (the first, and only, article of its process). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GERMAN = (
    "Die Bundesregierung hat am Montag beschlossen, die Hilfen für die Ukraine deutlich zu erhöhen. "
    "Der Kanzler sagte, man werde das Land so lange wie nötig unterstützen, und die Opposition kritisierte "
    "den Beschluss als zu spät und zu zaghaft.\n"
)


def timed(command: list[str], runs: int) -> tuple[list[float], list[float], int]:
    """Wall times and CPU times (user + system of the child; steadier on a shared machine)."""
    subprocess.run(command, capture_output=True)  # warm-up
    times, cpu = [], []
    code = 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        code = subprocess.run(command, capture_output=True).returncode
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpu, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--analyze", action="store_true", help="also time one full analysis")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "propscope"]
    with tempfile.TemporaryDirectory() as tmp:
        german = Path(tmp) / "de.txt"
        german.write_text(GERMAN, encoding="utf-8")
        cases = {
            "--help": [*cli, "--help"],
            "--version": [*cli, "--version"],
            "analyze --help": [*cli, "analyze", "--help"],
            "missing file": [*cli, "analyze", str(Path(tmp) / "missing.txt")],
            "bad option": [*cli, "analyze", "x.txt", "--threads", "0"],
            "non-English file": [*cli, "analyze", str(german)],
        }
        if args.analyze:
            cases["analyze article.txt -f json"] = [*cli, "analyze", str(HERE.parent / "examples" / "article.txt"), "-f", "json"]
        results = {}
        for name, command in cases.items():
            times, cpu, code = timed(command, args.runs if "article" not in name else max(3, args.runs // 3))
            median, median_cpu = statistics.median(times), statistics.median(cpu)
            results[name] = {
                "median_s": round(median, 3), "min_s": round(min(times), 3), "median_cpu_s": round(median_cpu, 3), "exit": code
            }
            print(
                f"{name:30s} wall median {median:6.3f} s (min {min(times):.3f}), CPU median {median_cpu:6.3f} s,"
                f" {len(times)} runs, exit {code}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()

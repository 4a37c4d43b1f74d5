"""CPU and wall time of each component's ``warm()`` (its models, tables, KB) in a fresh process.

Usage: python bench/warm.py [--runs N]
The components' ``warm_cost`` (which the first analysis of a process uses to load the slowest first,
in a background thread) comes from this. Each component is warmed alone in its own process, ``--runs``
times; medians. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

PROBE = """
import json, sys, time
from propscope.engine import Analyzer
from propscope.options import AnalyzeOptions
component = Analyzer(AnalyzeOptions().config).components[sys.argv[1]]
wall, cpu = time.perf_counter(), time.process_time()
component.warm()
print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}))
"""
NAMES = ("techniques", "claims", "attribution", "citations", "matching")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for name in NAMES:
        runs = [json.loads(subprocess.run([sys.executable, "-c", PROBE, name], capture_output=True, text=True,
                                          check=True).stdout.strip().splitlines()[-1]) for _ in range(args.runs)]
        results[name] = {key: round(statistics.median(r[key] for r in runs), 3) for key in ("wall_s", "cpu_s")}
        print(f"{name:12} warm: wall {results[name]['wall_s']:.2f} s, CPU {results[name]['cpu_s']:.2f} s")
    print(json.dumps(results))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Re-run the benchmarks whose figures the README quotes, on this machine, into bench/results/.
#
#   bash bench/refresh.sh DATA_DIR [OLD_COMMIT]
#
# DATA_DIR: the shared data (../shared/data). OLD_COMMIT (default a0bf657, the code before the speed
# work of the first-contact issue): checked out into a temporary git worktree and run side by side with
# this checkout by bench/throughput.py --compare. Each bench writes its last JSON line to
# bench/results/NAME.json, with the machine and the commit in bench/results/machine.json.
# Run it on a quiet machine: the figures are medians, but other jobs still move them.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:?usage: bash bench/refresh.sh DATA_DIR [OLD_COMMIT]}
OLD=${2:-a0bf657}
PY=${PYTHON:-.venv/bin/python}
OUT=bench/results
mkdir -p "$OUT"
last_json() { tail -n 1 "$1" > "$2"; }

{
  echo "{\"date\": \"$(date -u +%FT%TZ)\", \"commit\": \"$(git rev-parse --short HEAD)$(git diff --quiet || echo -dirty)\","
  echo " \"cpus\": $(nproc), \"memory_gb\": $(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo),"
  echo " \"cpu\": \"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)\", \"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
} > "$OUT/machine.json"

old_tree=$(mktemp -d)/old
git worktree add -q --detach "$old_tree" "$OLD"
trap 'git worktree remove --force "$old_tree"' EXIT

echo "== startup (fresh processes)"
"$PY" bench/startup.py --runs 5 --analyze | tee "$OUT/startup.log"
last_json "$OUT/startup.log" "$OUT/startup.json"

echo "== hostile URLs through the command line (peak memory)"
"$PY" bench/hostile_urls.py | tee "$OUT/hostile_urls.log"
last_json "$OUT/hostile_urls.log" "$OUT/hostile_urls.json"

echo "== one 800-word article, warm process"
"$PY" bench/analyze.py --repeats 15 | tee "$OUT/analyze.log"
last_json "$OUT/analyze.log" "$OUT/analyze.json"

echo "== throughput, this checkout against $OLD, side by side"
"$PY" bench/throughput.py --data "$DATA" --compare "$old_tree/src" | tee "$OUT/throughput.log"
last_json "$OUT/throughput.log" "$OUT/throughput.json"

echo "== one 2 MB article"
long=$(mktemp --suffix=.txt)
"$PY" - "$DATA" "$long" <<'EOF'
import itertools, json, sys
texts, size = [], 0
with open(f"{sys.argv[1]}/ppn/articles-en.jsonl", encoding="utf-8") as handle:
    for line in handle:
        texts.append(json.loads(line)["text"])
        size += len(texts[-1].encode()) + 2
        if size > 2_000_000:
            break
open(sys.argv[2], "w", encoding="utf-8").write("\n\n".join(texts)[:2_000_000])
EOF
"$PY" bench/long_text.py "$long" | tee "$OUT/long_text.log"
last_json "$OUT/long_text.log" "$OUT/long_text.json"
rm -f "$long"
echo "figures in $OUT/"

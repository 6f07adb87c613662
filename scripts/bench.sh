#!/usr/bin/env bash
# Whole-process benchmark of `calm-advisor validate` (release build):
#   - the tutorial file (../shared/fixtures/ecommerce-platform.day14-expected.json), target <= 20 ms median
#   - a generated 1,000-node architecture (~1 MB),                                target <= 150 ms median
#   - a generated 100,000-node architecture,                       target <= 10 s and <= 1.5 GB peak RSS
# Uses hyperfine when installed (apt-get install hyperfine), else a timing loop.
# Usage: scripts/bench.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/target/release/calm-advisor"
WORK="${BENCH_DIR:-$ROOT/target/bench}"
TUTORIAL="$ROOT/../shared/fixtures/ecommerce-platform.day14-expected.json"

if [[ "${1:-}" != "--no-build" ]]; then
  cargo build --release -q -p calm-advisor
  cargo build --release -q -p calm-advisor --example gen_architecture
fi
GEN="$ROOT/target/release/examples/gen_architecture"
mkdir -p "$WORK"
[[ -f "$WORK/architecture-1000.json" ]] || "$GEN" 1000 "$WORK" >/dev/null
[[ -f "$WORK/architecture-100000.json" ]] || "$GEN" 100000 "$WORK" >/dev/null
ls -l "$WORK"/architecture-*.json

median_ms() { # command...; prints the median wall time of N runs in ms (fallback without hyperfine)
  local runs=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

run() { # name runs file
  local name=$1 runs=$2 file=$3
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs "$runs" -i --export-json "$WORK/$name.json" \
      "$BIN validate -a $file" >/dev/null
    python3 -c "import json,sys; r=json.load(open('$WORK/$name.json'))['results'][0]; print('$name: median %.1f ms (mean %.1f ms, min %.1f ms, %d runs)' % (r['median']*1000, r['mean']*1000, r['min']*1000, len(r['times'])))"
  else
    echo "$name: median $(median_ms "$runs" "$BIN" validate -a "$file") ms ($runs runs)"
  fi
}

if [[ -f "$TUTORIAL" ]]; then run tutorial 50 "$TUTORIAL"; else echo "tutorial fixture absent: skipped"; fi
run nodes-1000 30 "$WORK/architecture-1000.json"
run nodes-100000 3 "$WORK/architecture-100000.json"
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v "$BIN" validate -a "$WORK/architecture-100000.json" >/dev/null 2>"$WORK/time-100000.txt" || true
  grep -E "Maximum resident set size|Elapsed" "$WORK/time-100000.txt"
fi

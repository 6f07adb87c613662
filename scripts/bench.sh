#!/usr/bin/env bash
# Whole-process benchmarks (release build), medians:
# `calm-advisor validate -a` (architectures from calm-advisor's gen_architecture example):
#   - the tutorial file (../shared/fixtures/ecommerce-platform.day14-expected.json), target <= 20 ms
#   - a generated 1,000-node architecture (~1 MB),                                target <= 150 ms
#   - a generated 100,000-node architecture,                       target <= 10 s and <= 1.5 GB peak RSS
# `calm-advisor review -f json` (architectures from calm-analysis's gen_arch example: layered
# services, databases, brokers with queues, clusters, HA groups and flows; the shape the review
# rules are about):
#   - the tutorial file (../shared/fixtures/ecommerce-platform.day13.json),        target <= 30 ms
#   - generated 1,000 / 10,000 nodes,                                              target (10k) <= 2 s
#   - generated 100,000 nodes,                                      target <= 30 s and <= 2 GB peak RSS
# Uses hyperfine when installed (apt-get install hyperfine), else a timing loop.
# Usage: scripts/bench.sh [--no-build] [validate|review]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/target/release/calm-advisor"
WORK="${BENCH_DIR:-$ROOT/target/bench}"
TUTORIAL="$ROOT/../shared/fixtures/ecommerce-platform.day14-expected.json"

BUILD=1
if [[ "${1:-}" == "--no-build" ]]; then BUILD=0; shift; fi
WHAT="${1:-both}"
if [[ $BUILD == 1 ]]; then
  cargo build --release -q -p calm-advisor
  cargo build --release -q -p calm-advisor --example gen_architecture
  cargo build --release -q -p calm-analysis --example gen_arch
fi
GEN="$ROOT/target/release/examples/gen_architecture"
GEN_REVIEW="$ROOT/target/release/examples/gen_arch"
mkdir -p "$WORK"

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

run() { # name runs command...
  local name=$1 runs=$2; shift 2
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 2 --runs "$runs" -i --export-json "$WORK/hyperfine-$name.json" "$*" >/dev/null
    python3 -c "import json,sys; r=json.load(open('$WORK/hyperfine-$name.json'))['results'][0]; print('$name: median %.1f ms (mean %.1f ms, min %.1f ms, %d runs)' % (r['median']*1000, r['mean']*1000, r['min']*1000, len(r['times'])))"
  else
    echo "$name: median $(median_ms "$runs" "$@") ms ($runs runs)"
  fi
}

peak() { # name command...: elapsed time and peak RSS of one run
  local name=$1; shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$@" >/dev/null 2>"$WORK/time-$name.txt" || true
    echo "$name: $(grep -E "Elapsed" "$WORK/time-$name.txt" | sed 's/.*): //') elapsed, $(grep -E "Maximum resident" "$WORK/time-$name.txt" | awk '{print $NF}') KB peak RSS"
  fi
}

if [[ "$WHAT" == both || "$WHAT" == validate ]]; then
  [[ -f "$WORK/architecture-1000.json" ]] || "$GEN" 1000 "$WORK" >/dev/null
  [[ -f "$WORK/architecture-100000.json" ]] || "$GEN" 100000 "$WORK" >/dev/null
  ls -l "$WORK"/architecture-*.json
  if [[ -f "$TUTORIAL" ]]; then run validate-tutorial 50 "$BIN" validate -a "$TUTORIAL"; else echo "tutorial fixture absent: skipped"; fi
  run validate-1000 30 "$BIN" validate -a "$WORK/architecture-1000.json"
  run validate-100000 3 "$BIN" validate -a "$WORK/architecture-100000.json"
  peak validate-100000 "$BIN" validate -a "$WORK/architecture-100000.json"
fi

if [[ "$WHAT" == both || "$WHAT" == review ]]; then
  for n in 1000 10000 100000; do
    [[ -f "$WORK/review-$n.json" ]] || "$GEN_REVIEW" "$n" > "$WORK/review-$n.json"
  done
  ls -l "$WORK"/review-*.json
  DAY13="$ROOT/../shared/fixtures/ecommerce-platform.day13.json"
  if [[ -f "$DAY13" ]]; then run review-tutorial 50 "$BIN" review "$DAY13" -f json; fi
  run review-1000 10 "$BIN" review "$WORK/review-1000.json" -f json
  run review-10000 5 "$BIN" review "$WORK/review-10000.json" -f json
  run review-100000 3 "$BIN" review "$WORK/review-100000.json" -f json
  peak review-10000 "$BIN" review "$WORK/review-10000.json" -f json
  peak review-100000 "$BIN" review "$WORK/review-100000.json" -f json
fi

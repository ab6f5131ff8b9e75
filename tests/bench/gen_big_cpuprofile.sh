#!/usr/bin/env bash
# Make the benchmark CPU profile: 2,000,000 samples, 100,000 nodes (~40 MB), deterministic.
#   tests/bench/gen_big_cpuprofile.sh [OUT] [SEED]  (default /tmp/profkit-bench/big.cpuprofile, seed 3;
#   another seed gives another profile of the same shape: cpu_diff_bench.sh uses seed 4)
# Takes ~1 s and ~140 MB of memory (the generator streams its output).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-/tmp/profkit-bench/big.cpuprofile}
SEED=${2:-3}
mkdir -p "$(dirname "$OUT")"
node "$ROOT/fixtures/gen/synth_cpuprofile.js" --samples 2000000 --nodes 100000 --seed "$SEED" --negative-deltas -o "$OUT"
ls -l "$OUT" >&2

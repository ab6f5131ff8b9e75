#!/usr/bin/env bash
# Make the benchmark CPU profile: 2,000,000 samples, 100,000 nodes (~40 MB), deterministic.
#   tests/bench/gen_big_cpuprofile.sh [OUT]     (default /tmp/profkit-bench/big.cpuprofile)
# Takes ~1 s and ~140 MB of memory (the generator streams its output).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-/tmp/profkit-bench/big.cpuprofile}
mkdir -p "$(dirname "$OUT")"
node "$ROOT/fixtures/gen/synth_cpuprofile.js" --samples 2000000 --nodes 100000 --seed 3 --negative-deltas -o "$OUT"
ls -l "$OUT" >&2

#!/usr/bin/env bash
# Trace loader benchmark: a 300 MB real-world-shaped Chrome trace (mostly
# events no CPU profile needs; tests/bench/gen_big_trace.js), read by
# `profkit info` and `profkit cpu top`, side by side with Chrome DevTools'
# own trace engine (the oracle: SamplesHandler + CPUProfileDataModel) and,
# with BASE=path/to/older/profkit, an older profkit. Prints medians and
# the ratios, and the rate at which profkit gets through the file.
#   PROFKIT=build/release/bin/profkit tests/bench/cpu_trace_bench.sh [TRACE]
# TRACE defaults to /tmp/profkit-bench/big.trace.json, generated when
# missing (MB=300 by default). Env: RUNS (default 3; the oracle runs
# once unless ORACLE_RUNS), ORACLE (default
# ~/.cache/profkit-oracles/cpu/oracle.js), BASE (optional).
# Never fails because a tool is missing: it says so and goes on.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TRACE=${1:-/tmp/profkit-bench/big.trace.json}
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
ORACLE=${ORACLE:-$HOME/.cache/profkit-oracles/cpu/oracle.js}
RUNS=${RUNS:-3}
ORACLE_RUNS=${ORACLE_RUNS:-1}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
export MEASURE_WIDTH=30

if [[ ! -s $TRACE ]]; then
  echo "generating $TRACE" >&2
  mkdir -p "$(dirname "$TRACE")"
  node "$ROOT/tests/bench/gen_big_trace.js" --mb "${MB:-300}" -o "$TRACE" ||
    { echo "cannot generate $TRACE" >&2; exit 1; }
fi
BYTES=$(stat -c %s "$TRACE")
echo "file: $TRACE ($BYTES bytes)"

# shellcheck source=tests/bench/measure.sh
. "$ROOT/tests/bench/measure.sh"
# shellcheck source=tests/bench/cpu_runs.sh
. "$ROOT/tests/bench/cpu_runs.sh"

rate() { awk -v b="$BYTES" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f MB/s", b / t / 1e6; else print "n/a" }'; }

P_INFO="" P_TOP="" P_TOP_CPU="" P_INFO_CPU=""
if [[ -x $PROFKIT ]]; then
  runs "$RUNS" "profkit info" "$PROFKIT" info "$TRACE" &&
    { P_INFO=$MED_WALL; P_INFO_CPU=$MED_CPU; }
  runs "$RUNS" "profkit cpu top -n 20" "$PROFKIT" cpu top "$TRACE" -n 20 &&
    { P_TOP=$MED_WALL; P_TOP_CPU=$MED_CPU; }
else
  echo "profkit not built ($PROFKIT)"
fi
B_TOP="" B_TOP_CPU=""
if [[ -n ${BASE:-} && -x ${BASE:-} ]]; then
  runs "$RUNS" "BASE cpu top -n 20" "$BASE" cpu top "$TRACE" -n 20 &&
    { B_TOP=$MED_WALL; B_TOP_CPU=$MED_CPU; }
fi
O_TOP="" O_TOP_CPU=""
if [[ -f $ORACLE ]]; then
  runs "$ORACLE_RUNS" "oracle --mode=timeline" node --max-old-space-size=8000 "$ORACLE" --mode=timeline --top=20 "$TRACE" &&
    { O_TOP=$MED_WALL; O_TOP_CPU=$MED_CPU; }
else
  echo "oracle not installed ($ORACLE; run shared/oracles/setup.sh)"
fi

[[ -n $P_INFO ]] && echo "profkit info: $(rate "$P_INFO") of trace (wall), $(rate "$P_INFO_CPU") (user+sys)"
if [[ -n $P_TOP && -n $O_TOP ]]; then
  echo "oracle/profkit cpu top: wall $(ratio "$O_TOP" "$P_TOP"), user+sys $(ratio "$O_TOP_CPU" "$P_TOP_CPU")"
fi
if [[ -n $P_TOP && -n $B_TOP ]]; then
  echo "BASE/profkit cpu top: wall $(ratio "$B_TOP" "$P_TOP"), user+sys $(ratio "$B_TOP_CPU" "$P_TOP_CPU")"
fi
exit 0

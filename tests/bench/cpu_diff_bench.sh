#!/usr/bin/env bash
# `cpu diff` benchmark (issue 9: "cpu diff of two 2 M-sample profiles <= 2x one
# cpu top"): two synthetic profiles of the same shape (2,000,000 samples, 100,000
# nodes, seeds 3 and 4), then, RUNS times each (default 3), medians reported:
#   profkit cpu top TARGET -n 20
#   profkit cpu diff BASE TARGET -n 20
#   the DevTools model (oracle --mode=timeline) on BASE and on TARGET, one after the
#   other: what comparing them in DevTools costs (DevTools has no CPU diff)
# and prints diff/top and oracle/diff.
#   PROFKIT=build/release/bin/profkit tests/bench/cpu_diff_bench.sh [BASE TARGET]
# BASE/TARGET default to /tmp/profkit-bench/big.cpuprofile and big4.cpuprofile and
# are generated when missing. Env: ORACLE (default ~/.cache/profkit-oracles/cpu/oracle.js).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BASE=${1:-/tmp/profkit-bench/big.cpuprofile}
TARGET=${2:-/tmp/profkit-bench/big4.cpuprofile}
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
ORACLE=${ORACLE:-$HOME/.cache/profkit-oracles/cpu/oracle.js}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

[[ -s $BASE ]] || "$ROOT/tests/bench/gen_big_cpuprofile.sh" "$BASE" 3 || exit 1
[[ -s $TARGET ]] || "$ROOT/tests/bench/gen_big_cpuprofile.sh" "$TARGET" 4 || exit 1
echo "base: $BASE ($(stat -c %s "$BASE") bytes), target: $TARGET ($(stat -c %s "$TARGET") bytes)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

# shellcheck source=tests/bench/measure.sh
. "$ROOT/tests/bench/measure.sh"
# shellcheck source=tests/bench/cpu_runs.sh
. "$ROOT/tests/bench/cpu_runs.sh"
RUNS=${RUNS:-3}
MEASURE_WIDTH=34

[[ -x $PROFKIT ]] || { echo "profkit not built ($PROFKIT)"; exit 1; }
runs "$RUNS" "profkit cpu top TARGET" "$PROFKIT" cpu top "$TARGET" -n 20 || exit 1
T_WALL=$MED_WALL T_CPU=$MED_CPU
runs "$RUNS" "profkit cpu diff BASE TARGET" "$PROFKIT" cpu diff "$BASE" "$TARGET" -n 20 || exit 1
D_WALL=$MED_WALL D_CPU=$MED_CPU
echo "diff/top: wall $(ratio "$D_WALL" "$T_WALL"), user+sys $(ratio "$D_CPU" "$T_CPU") (target <= 2x)"
if [[ -f $ORACLE ]]; then
  if runs "$RUNS" "oracle timeline BASE, TARGET" sh -c 'node --max-old-space-size=8000 "$1" --mode=timeline "$2" > /dev/null && node --max-old-space-size=8000 "$1" --mode=timeline "$3"' sh "$ORACLE" "$BASE" "$TARGET"; then
    echo "oracle/diff: wall $(ratio "$MED_WALL" "$D_WALL"), user+sys $(ratio "$MED_CPU" "$D_CPU")"
  fi
else
  echo "oracle not installed ($ORACLE; run shared/oracles/setup.sh)"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

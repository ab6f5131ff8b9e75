#!/usr/bin/env bash
# Flame graph benchmark (issue 10): on the 2 M-sample synthetic profile,
# RUNS times each (default 3), medians: profkit cpu top (loading and
# analysing alone), cpu flame to SVG, PNG and PDF, and DevTools' own code
# producing the folded stacks a flame graph tool needs (oracle `folded`).
# Prints flame/top and oracle/flame. flamegraph.pl itself is not packaged
# for Debian 12 and this machine has no other internet than Debian's and
# npm's registries: its npm port (package `flamegraph`, installed into
# /tmp/flamegraph when missing) is timed instead, from the folded stacks
# of `profkit cpu folded` (flamegraph_js.js).
#   PROFKIT=build/release/bin/profkit tests/bench/flame_bench.sh [BIG.cpuprofile]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIG=${1:-/tmp/profkit-bench/big.cpuprofile}
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
ORACLE=${ORACLE:-$HOME/.cache/profkit-oracles/cpu/oracle.js}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
[[ -s $BIG ]] || "$ROOT/tests/bench/gen_big_cpuprofile.sh" "$BIG" || exit 1
echo "file: $BIG ($(stat -c %s "$BIG") bytes); load: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck source=tests/bench/measure.sh
. "$ROOT/tests/bench/measure.sh"
# shellcheck source=tests/bench/cpu_runs.sh
. "$ROOT/tests/bench/cpu_runs.sh"
RUNS=${RUNS:-3}
MEASURE_WIDTH=30
runs "$RUNS" "profkit cpu top" "$PROFKIT" cpu top "$BIG" -n 20 || exit 1
T_WALL=$MED_WALL T_CPU=$MED_CPU
for f in svg png pdf; do
  runs "$RUNS" "profkit cpu flame -o x.$f" "$PROFKIT" cpu flame "$BIG" -o "$TMP/x.$f" || exit 1
  echo "  $f: $(stat -c %s "$TMP/x.$f") bytes; flame/top: wall $(ratio "$MED_WALL" "$T_WALL"), user+sys $(ratio "$MED_CPU" "$T_CPU")"
  [[ $f == svg ]] && S_WALL=$MED_WALL S_CPU=$MED_CPU
done
if [[ -f $ORACLE ]]; then
  if runs "$RUNS" "oracle folded (DevTools)" node --max-old-space-size=8000 "$ORACLE" folded "$BIG"; then
    echo "oracle folded / profkit cpu flame svg: wall $(ratio "$MED_WALL" "$S_WALL"), user+sys $(ratio "$MED_CPU" "$S_CPU")"
  fi
fi
# flamegraph.pl's algorithm from pre-folded stacks: the npm port
# (flamegraph_js.js says why not the Perl original)
FG=${FG:-/tmp/flamegraph/node_modules/flamegraph}
if [[ ! -d $FG ]] && command -v npm > /dev/null; then
  echo "installing flamegraph@1.3.0 (npm) into /tmp/flamegraph" >&2
  mkdir -p /tmp/flamegraph &&
    (cd /tmp/flamegraph && npm install --silent flamegraph@1.3.0 > /dev/null 2>&1)
fi
if [[ -d $FG ]] && "$PROFKIT" cpu folded "$BIG" > "$TMP/big.folded"; then
  if FG=$FG runs "$RUNS" "flamegraph (npm) from folded" node "$ROOT/tests/bench/flamegraph_js.js" "$TMP/big.folded" "$TMP/fg.svg"; then
    echo "  svg: $(stat -c %s "$TMP/fg.svg") bytes, $(grep -c '<title>' "$TMP/fg.svg") frames (folded input: $(wc -l < "$TMP/big.folded") stacks)"
    echo "flamegraph (npm) / profkit cpu flame svg: wall $(ratio "$MED_WALL" "$S_WALL"), user+sys $(ratio "$MED_CPU" "$S_CPU")"
  fi
else
  echo "flamegraph (npm) not measured: no $FG (npm install flamegraph@1.3.0)"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

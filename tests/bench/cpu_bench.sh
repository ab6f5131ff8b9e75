#!/usr/bin/env bash
# CPU-profile benchmark: wall time and peak RSS of profkit vs Chrome DevTools' own model
# (the reference oracle) and flamebearer, on the 2M-sample / 100k-node synthetic profile.
#   PROFKIT=build/release/bin/profkit tests/bench/cpu_bench.sh [BIG.cpuprofile]
# profkit and the oracle run RUNS times each (default 3), medians reported;
# BASE=path/to/older/profkit adds that binary, side by side.
# BIG defaults to /tmp/profkit-bench/big.cpuprofile and is generated when missing.
# Env: PROFKIT (default build/release/bin/profkit, relative to the repo root unless it
#      exists relative to the current directory), ORACLE (default
#      ~/.cache/profkit-oracles/cpu/oracle.js), NO_FLAMEBEARER=1 to skip flamebearer.
# Never fails because a tool is missing: it says so and goes on.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIG=${1:-/tmp/profkit-bench/big.cpuprofile}
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
ORACLE=${ORACLE:-$HOME/.cache/profkit-oracles/cpu/oracle.js}
FLAMEBEARER=flamebearer@2.1.0
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

if [[ ! -s $BIG ]]; then
  echo "generating $BIG" >&2
  "$ROOT/tests/bench/gen_big_cpuprofile.sh" "$BIG" || { echo "cannot generate $BIG" >&2; exit 1; }
fi
echo "file: $BIG ($(stat -c %s "$BIG") bytes)"

# shellcheck source=tests/bench/measure.sh
. "$ROOT/tests/bench/measure.sh"
# shellcheck source=tests/bench/cpu_runs.sh
. "$ROOT/tests/bench/cpu_runs.sh"
RUNS=${RUNS:-3}

P_WALL="" P_RSS="" P_CPU=""
if [[ -x $PROFKIT ]]; then
  if runs "$RUNS" "profkit cpu top -n 20" "$PROFKIT" cpu top "$BIG" -n 20; then P_WALL=$MED_WALL P_RSS=$MED_RSS_KB P_CPU=$MED_CPU; fi
else
  echo "profkit not built ($PROFKIT)"
fi
if [[ -n ${BASE:-} && -x ${BASE:-} ]]; then
  if runs "$RUNS" "BASE cpu top -n 20" "$BASE" cpu top "$BIG" -n 20 && [[ -n $P_WALL ]]; then
    echo "BASE/profkit: wall $(ratio "$MED_WALL" "$P_WALL"), user+sys $(ratio "$MED_CPU" "$P_CPU")"
  fi
fi

O_WALL="" O_RSS="" O_CPU=""
if [[ -f $ORACLE ]]; then
  if runs "$RUNS" "oracle --mode=timeline" node --max-old-space-size=8000 "$ORACLE" --mode=timeline "$BIG"; then O_WALL=$MED_WALL O_RSS=$MED_RSS_KB O_CPU=$MED_CPU; fi
else
  echo "oracle not installed ($ORACLE; run shared/oracles/setup.sh)"
fi

if [[ -z ${NO_FLAMEBEARER:-} ]] && command -v npx > /dev/null; then
  # flamebearer 2.x uses Map.groupBy (Node >= 21); on older Node preload a tiny polyfill.
  cat > "$TMP/groupby.cjs" <<'JS'
if (!Map.groupBy) Map.groupBy = function (items, fn) { const m = new Map(); let i = 0; for (const x of items) { const k = fn(x, i++); const a = m.get(k); if (a) a.push(x); else m.set(k, [x]); } return m; };
if (!Object.groupBy) Object.groupBy = function (items, fn) { const o = Object.create(null); let i = 0; for (const x of items) { const k = fn(x, i++); (o[k] ||= []).push(x); } return o; };
JS
  # install (or find in the npx cache) outside the timed run; --help exits 1, so check
  # that it printed its usage
  NODE_OPTIONS="--require $TMP/groupby.cjs" timeout 300 npx --yes "$FLAMEBEARER" --help > "$TMP/fb" 2>&1
  if grep -q '^usage: flamebearer' "$TMP/fb"; then
    NODE_OPTIONS="--require $TMP/groupby.cjs" measure "flamebearer (npx)" npx --yes "$FLAMEBEARER" "$BIG" --top 20 --no-color || true
  else
    echo "flamebearer: skipped (npx --yes $FLAMEBEARER could not install or run it)"
  fi
fi

if [[ -n $P_WALL && -n $O_WALL ]]; then
  echo "oracle/profkit: wall $(ratio "$O_WALL" "$P_WALL"), user+sys $(ratio "$O_CPU" "$P_CPU")${P_RSS:+, peak RSS $(ratio "$O_RSS" "$P_RSS")}"
else
  echo "oracle/profkit: n/a (need both)"
fi
exit 0

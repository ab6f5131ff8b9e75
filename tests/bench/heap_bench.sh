#!/usr/bin/env bash
# Heap-snapshot benchmark: wall time and peak RSS of profkit vs Chrome DevTools' own heap
# snapshot worker (the reference oracle) and memlab, on one big snapshot.
#   PROFKIT=build/release/bin/profkit tests/bench/heap_bench.sh [SNAPSHOT]
# SNAPSHOT defaults to /tmp/profkit-bench/big.heapsnapshot (~100 MB) and is generated when
# missing (tests/bench/gen_big_heapsnapshot.js; use `--size 1g` there for the 1 GB one).
# What is timed (each computes dominators + retained sizes over the whole snapshot):
#   profkit heap summary FILE -n 20      (warm: one untimed run, then RUNS timed runs,
#                                         median reported; FILE.gz too when it exists)
#   node --max-old-space-size=16000 ORACLE summary FILE       (DevTools' Summary view)
#   memlab analyze object-size --snapshot FILE                 (memlab's largest objects)
# Env: PROFKIT (default build/release/bin/profkit, relative to the repo root unless it
#      exists relative to the current directory), ORACLE (default
#      ~/.cache/profkit-oracles/heap/oracle.js), MEMLAB (path of the memlab CLI; default
#      /tmp/memlab/node_modules/.bin/memlab, installed there with npm when missing:
#      memlab@2.0.5, PUPPETEER_SKIP_DOWNLOAD=1), NO_MEMLAB=1 / NO_ORACLE=1 to skip those,
#      RUNS (default 5) timed profkit runs per input.
# Never fails because a tool is missing: it says so and goes on.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIG=${1:-/tmp/profkit-bench/big.heapsnapshot}
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
ORACLE=${ORACLE:-$HOME/.cache/profkit-oracles/heap/oracle.js}
MEMLAB_PKG=memlab@2.0.5
MEMLAB_DIR=/tmp/memlab
MEMLAB=${MEMLAB:-$MEMLAB_DIR/node_modules/.bin/memlab}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

if [[ ! -s $BIG ]]; then
  echo "generating $BIG" >&2
  node "$ROOT/tests/bench/gen_big_heapsnapshot.js" -o "$BIG" || { echo "cannot generate $BIG" >&2; exit 1; }
fi
nodes_edges=$(head -c 4096 "$BIG" | grep -o '"node_count":[0-9]*,"edge_count":[0-9]*' | tr -dc '0-9,' | tr ',' ' ')
read -r NODES EDGES <<< "${nodes_edges:-? ?}"
echo "file: $BIG ($(stat -c %s "$BIG") bytes, $NODES nodes, $EDGES edges)"

MEASURE_WIDTH=34
# shellcheck source=tests/bench/measure.sh
. "$ROOT/tests/bench/measure.sh"

RUNS=${RUNS:-5}
# profkit_runs LABEL FILE -> RUNS timed runs after an untimed one; sets PW (median wall)
# and PR (max peak RSS, KB), empty when a run fails
profkit_runs() {
  local label=$1 file=$2 i walls=() rss=0
  PW="" PR=""
  "$PROFKIT" heap summary "$file" -n 20 > /dev/null 2>&1 # warm the page cache
  for (( i = 1; i <= RUNS; i++ )); do
    measure "$label (run $i/$RUNS)" "$PROFKIT" heap summary "$file" -n 20 || return 1
    walls+=("$WALL")
    [[ -n $RSS_KB ]] && (( RSS_KB > rss )) && rss=$RSS_KB
  done
  PW=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  (( rss > 0 )) && PR=$rss
  printf '%-34s median %6s s of %d (min %s, max %s)\n' "$label" "$PW" "$RUNS" \
    "$(printf '%s\n' "${walls[@]}" | sort -n | head -1)" "$(printf '%s\n' "${walls[@]}" | sort -n | tail -1)"
}

P_WALL="" P_RSS="" G_WALL=""
if [[ -x $PROFKIT ]]; then
  if profkit_runs "profkit heap summary -n 20" "$BIG"; then
    P_WALL=$PW P_RSS=$PR
    [[ -n $P_RSS ]] && echo "profkit peak RSS / file size: $(awk -v k="$P_RSS" -v f="$(stat -c %s "$BIG")" 'BEGIN { printf "%.2f", k * 1024 / f }')"
  elif (( RC == 2 )) && grep -qiE "unknown command|usage|try .*--help" "$TMP/err"; then
    echo "profkit heap not built ($PROFKIT has no working 'heap summary')"
  fi
  if [[ -n $P_WALL && -s $BIG.gz ]]; then
    profkit_runs "profkit heap summary FILE.gz" "$BIG.gz" && G_WALL=$PW
  fi
else
  echo "profkit not built ($PROFKIT)"
fi

O_WALL="" O_RSS=""
if [[ -n ${NO_ORACLE:-} ]]; then
  echo "oracle: skipped (NO_ORACLE)"
elif [[ -f $ORACLE ]]; then
  if measure "oracle summary (DevTools)" node --max-old-space-size=16000 "$ORACLE" summary "$BIG"; then
    O_WALL=$WALL O_RSS=$RSS_KB
  fi
else
  echo "oracle not installed ($ORACLE; run shared/oracles/setup.sh)"
fi

M_WALL="" M_RSS=""
if [[ -z ${NO_MEMLAB:-} ]]; then
  if [[ ! -x $MEMLAB ]] && command -v npm > /dev/null; then
    echo "installing $MEMLAB_PKG into $MEMLAB_DIR" >&2
    mkdir -p "$MEMLAB_DIR"
    PUPPETEER_SKIP_DOWNLOAD=1 timeout 600 npm install --no-audit --no-fund --prefix "$MEMLAB_DIR" "$MEMLAB_PKG" > "$TMP/npm" 2>&1 \
      || { echo "memlab: npm install failed:" >&2; tail -5 "$TMP/npm" >&2; }
  fi
  if [[ -x $MEMLAB ]]; then
    mkdir -p "$TMP/memlab-work"
    # memlab's parser needs a big heap too; --work-dir keeps its files out of ~/.memlab
    if NODE_OPTIONS="--max-old-space-size=16000" measure "memlab analyze object-size" \
        "$MEMLAB" analyze object-size --snapshot "$BIG" --work-dir "$TMP/memlab-work"; then
      if grep -q ' edges, ' "$TMP/out"; then M_WALL=$WALL M_RSS=$RSS_KB
      else echo "    | memlab printed no objects:"; sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/^/    | /' "$TMP/out" | tail -3; fi
    fi
  else
    echo "memlab: skipped (not installed: $MEMLAB)"
  fi
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
if [[ -n $G_WALL ]]; then
  echo "gzip/plain (profkit medians): $(awk -v a="$G_WALL" -v b="$P_WALL" 'BEGIN { printf "%.2fx", a / b }')"
fi
if [[ -n $P_WALL && -n $O_WALL ]]; then
  echo "oracle/profkit: wall $(ratio "$O_WALL" "$P_WALL")${P_RSS:+, peak RSS $(ratio "$O_RSS" "$P_RSS")}"
else
  echo "oracle/profkit: n/a (need both)"
fi
if [[ -n $P_WALL && -n $M_WALL ]]; then
  echo "memlab/profkit: wall $(ratio "$M_WALL" "$P_WALL")${P_RSS:+, peak RSS $(ratio "$M_RSS" "$P_RSS")}"
else
  echo "memlab/profkit: n/a (need both)"
fi
if [[ -n $O_WALL && -n $M_WALL ]]; then
  echo "memlab/oracle: wall $(ratio "$M_WALL" "$O_WALL")${O_RSS:+, peak RSS $(ratio "$M_RSS" "$O_RSS")}"
fi
exit 0

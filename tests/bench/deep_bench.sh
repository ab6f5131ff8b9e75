#!/usr/bin/env bash
# deep_bench.sh BIN [RUNS] - times every cpu report of profkit binary BIN
# on deep call chains (issue 8) made by fixtures/gen/deep_cpuprofile.js:
#  - leaf-D: one function recursing D deep, samples at the deepest node
#    only, D = 30 000, 300 000, 1 000 000 (every report's output is linear
#    in D, so time should be);
#  - each-D: one sample per depth, D = 3 000, 10 000, 30 000: `cpu folded`
#    prints D lines of 1..D frames (output ~ 14.5 D^2 bytes); and D =
#    300 000, 1 000 000 without folded (1.3 TB, 14.5 TB).
# LEAF, EACH, EACH_BIG override the lists of depths ("" skips one).
# Prints per run set: median wall s, median user+sys s, max peak RSS MB,
# output bytes. A run is killed after TIMEOUT (default 120) s.
#   tests/bench/deep_bench.sh build/release/bin/profkit 3
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$1 RUNS=${2:-3} TIMEOUT=${TIMEOUT:-120}
DIR=${DEEP_DIR:-/tmp/profkit-bench/deep}
mkdir -p "$DIR"
gen() { # gen NAME ARGS...
  [[ -s $DIR/$1.cpuprofile ]] ||
    node "$ROOT/fixtures/gen/deep_cpuprofile.js" "${@:2}" -o "$DIR/$1.cpuprofile"
}
bench() { # bench FILE CMD...
  local f=$1 i w=() c=() m=0 out=0 rc
  shift
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$DIR/time" timeout "$TIMEOUT" \
      "$BIN" "$@" "$DIR/$f.cpuprofile" ${RE:-} 2>/dev/null | wc -c > "$DIR/bytes"
    rc=${PIPESTATUS[0]}
    read -r e u s k < <(tail -1 "$DIR/time")
    if [[ $rc != 0 ]]; then
      printf "%-9s %-34s killed or failed (exit %s) after %s s, %d MB\n" \
        "$f" "$*${RE:+ $RE}" "$rc" "$e" $((k / 1024))
      return
    fi
    w+=("$e"); c+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
    (( k > m )) && m=$k
    out=$(cat "$DIR/bytes")
  done
  printf "%-9s %-34s wall %7.2f s  cpu %7.2f s  rss %6d MB  out %12d B\n" \
    "$f" "$*${RE:+ $RE}" \
    "$(printf '%s\n' "${w[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" \
    "$(printf '%s\n' "${c[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" \
    $((m / 1024)) "$out"
}
for d in ${LEAF-30000 300000 1000000}; do
  gen "leaf$d" --depth "$d" --leaf
  f=leaf$d
  bench "$f" info
  bench "$f" cpu top
  bench "$f" cpu tree
  bench "$f" cpu tree --filter recurse
  bench "$f" cpu tree --exclude nomatch
  bench "$f" cpu lines
  RE=recurse bench "$f" cpu callers
  RE=recurse bench "$f" cpu callees
  bench "$f" cpu folded
  bench "$f" cpu folded --filter recurse
done
for d in ${EACH-3000 10000 30000}; do
  gen "each$d" --depth "$d"
  f=each$d
  bench "$f" cpu top
  bench "$f" cpu tree --filter recurse
  RE=recurse bench "$f" cpu callers
  bench "$f" cpu folded
done
for d in ${EACH_BIG-300000 1000000}; do
  gen "each$d" --depth "$d"
  f=each$d
  bench "$f" info
  bench "$f" cpu top
  bench "$f" cpu tree
  bench "$f" cpu tree --filter recurse
  bench "$f" cpu lines
  RE=recurse bench "$f" cpu callers
  RE=recurse bench "$f" cpu callees
done

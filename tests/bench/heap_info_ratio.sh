#!/usr/bin/env bash
# Issue 8's targets for a big snapshot: `info` against `heap summary` (a
# third of its wall time), and a gzip piped in (`zcat x.gz | profkit heap
# summary -`) against the same file by path (within 1.2x).
#   PROFKIT=build/release/bin/profkit tests/bench/heap_info_ratio.sh SNAPSHOT [ROUNDS]
# SNAPSHOT.gz must exist beside SNAPSHOT (gzip -k SNAPSHOT). Each round runs,
# in this order: info, heap summary by path, heap summary of the .gz by path,
# zcat | heap summary -, zcat | info -; one line per run
# (round|command|load average|wall user sys maxRSS-KiB), then the median
# wall time of each command over the rounds.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
B=${1:?usage: heap_info_ratio.sh SNAPSHOT [ROUNDS]}
ROUNDS=${2:-3}
[[ -e $B.gz ]] || { echo "missing $B.gz (gzip -k $B)" >&2; exit 2; }
P=$PROFKIT
cmds=("@P info @B -q" "@P heap summary @B -q" "@P heap summary @B.gz -q"
      "zcat @B.gz | @P heap summary - -q" "zcat @B.gz | @P info - -q")
out=$(mktemp)
for r in $(seq 1 "$ROUNDS"); do
  for c in "${cmds[@]}"; do
    run=${c//@P/$P}; run=${run//@B/$B}
    l=$(cut -d' ' -f1 /proc/loadavg)
    t=$( { /usr/bin/time -f "%e %U %S %M" sh -c "$run >/dev/null"; } 2>&1 |
        tail -1)
    echo "$r|$c|$l|$t" | tee -a "$out"
  done
done
echo "median wall time of $ROUNDS rounds:"
for c in "${cmds[@]}"; do
  grep -F "|$c|" "$out" | awk -F'|' '{split($NF, t, " "); print t[1]}' |
    sort -n |
    awk -v c="$c" '{v[NR]=$1} END {print "  " c ": " v[int((NR+1)/2)] " s"}'
done
rm -f "$out"

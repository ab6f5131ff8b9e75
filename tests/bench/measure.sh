# measure.sh - sourced by the benchmark scripts (needs TMP, a scratch dir).
# measure NAME CMD...  -> prints "NAME  wall_s  peak_rss_MB  exit"; sets
# WALL, RSS_KB (empty without /usr/bin/time) and RC. MEASURE_WIDTH: the
# name column's width.
[[ -x /usr/bin/time ]] && HAVE_TIME=1 || HAVE_TIME=0
measure() {
  local name=$1; shift
  local rc
  if (( HAVE_TIME )); then
    /usr/bin/time -v -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?
    local el; el=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time")
    WALL=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<< "$el")
    RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
  else
    local t0 t1; t0=$(date +%s.%N)
    "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?
    t1=$(date +%s.%N)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'); RSS_KB=""
  fi
  RC=$rc
  local rss="n/a"; [[ -n $RSS_KB ]] && rss=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
  printf "%-${MEASURE_WIDTH:-28}s wall %8s s   peak RSS %8s MB   exit %d\n" "$name" "$WALL" "$rss" "$rc"
  if (( rc != 0 )); then sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/^/    | /' "$TMP/err" | head -5; fi
  return $rc
}

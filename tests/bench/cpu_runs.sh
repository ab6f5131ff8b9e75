# cpu_runs.sh - sourced by the CPU benchmark scripts (after measure.sh;
# needs TMP). runs N NAME CMD...  -> runs CMD N times with measure(),
# prints each run and a "median" line; sets MED_WALL, MED_CPU (user+sys,
# seconds) and MED_RSS_KB (median of each column, separately). The
# machine is shared: compare medians, and user+sys over wall when busy.
runs() {
  local n=$1 name=$2; shift 2
  local walls=() cpus=() rsss=() i
  for ((i = 1; i <= n; i++)); do
    if (( HAVE_TIME )); then
      /usr/bin/time -v -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err"; RC=$?
      local el u s
      el=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time")
      WALL=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<< "$el")
      u=$(sed -n 's/.*User time (seconds): //p' "$TMP/time")
      s=$(sed -n 's/.*System time (seconds): //p' "$TMP/time")
      RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
      CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    else
      measure "$name" "$@"; CPU=$WALL
    fi
    if (( RC != 0 )); then
      printf "%-${MEASURE_WIDTH:-28}s exit %d\n" "$name" "$RC"
      sed 's/^/    | /' "$TMP/err" | head -5
      return 1
    fi
    walls+=("$WALL"); cpus+=("$CPU"); rsss+=("${RSS_KB:-0}")
  done
  med() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  MED_WALL=$(med "${walls[@]}"); MED_CPU=$(med "${cpus[@]}"); MED_RSS_KB=$(med "${rsss[@]}")
  printf "%-${MEASURE_WIDTH:-28}s wall %6s s  user+sys %6s s  peak RSS %7.1f MB  (median of %d; walls: %s)\n" \
    "$name" "$MED_WALL" "$MED_CPU" "$(awk -v k="$MED_RSS_KB" 'BEGIN { print k / 1024 }')" "$n" "${walls[*]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }

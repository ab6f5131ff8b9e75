# --from/--to restrict every report to the samples in the window; the
# window's total is the sum of its samples' durations.
"$PROFKIT" cpu top busy_wait.cpuprofile --from 100 --to 200 -n 4 || exit 1
"$PROFKIT" cpu folded trace_busy_wait.json --from 0 --to 50 > "$TMPDIR/f" ||
	exit 1
awk '{s+=$NF} END {print "window sum", s}' "$TMPDIR/f"
"$PROFKIT" cpu lines trace_busy_wait.json --from 100 --to 300 -n 3 || exit 1
"$PROFKIT" cpu lines busy_wait.cpuprofile --from 100 --to 300
echo "exit $?"

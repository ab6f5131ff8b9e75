# Folded weights sum to the profile total (within rounding, 1 us per
# stack), for a .cpuprofile, a trace and gzip input from stdin.
for f in async_io.cpuprofile trace_synth_small.json; do
	"$PROFKIT" cpu top "$f" --format json -n 1 > "$TMPDIR/j" || exit 1
	total=$(sed -n '1s/.*"total_us": \([0-9]*\).*/\1/p' "$TMPDIR/j")
	"$PROFKIT" cpu folded "$f" > "$TMPDIR/f" || exit 1
	sum=$(awk '{s += $NF} END {print s}' "$TMPDIR/f")
	n=$(wc -l < "$TMPDIR/f")
	d=$((sum - total)); [ $d -lt 0 ] && d=$((-d))
	[ $d -le "$n" ] || { echo "$f: sum $sum total $total"; exit 1; }
	echo "$f: $n stacks, sum $sum, total $total"
done
gzip -c synth_small.cpuprofile > "$TMPDIR/s.gz"
"$PROFKIT" cpu folded - < "$TMPDIR/s.gz" > "$TMPDIR/a" || exit 1
"$PROFKIT" cpu folded synth_small.cpuprofile > "$TMPDIR/b" || exit 1
[ -s "$TMPDIR/b" ] || { echo "no folded stacks"; exit 1; }
cmp "$TMPDIR/a" "$TMPDIR/b" && echo "stdin gzip: identical"

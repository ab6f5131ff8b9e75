# Folded weights sum to the profile total (within rounding, 1 us per
# stack), for a .cpuprofile, a trace and gzip input from stdin.
for f in async_io.cpuprofile trace_synth_small.json; do
	total=$("$PROFKIT" cpu top "$f" --format json -n 1 |
		sed -n '1s/.*"total_us": \([0-9]*\).*/\1/p')
	"$PROFKIT" cpu folded "$f" > "$TMPDIR/f"
	sum=$(awk '{s += $NF} END {print s}' "$TMPDIR/f")
	n=$(wc -l < "$TMPDIR/f")
	d=$((sum - total)); [ $d -lt 0 ] && d=$((-d))
	[ $d -le "$n" ] || { echo "$f: sum $sum total $total"; exit 1; }
	echo "$f: $n stacks, sum $sum, total $total"
done
gzip -c synth_small.cpuprofile | "$PROFKIT" cpu folded - | md5sum > "$TMPDIR/a"
"$PROFKIT" cpu folded synth_small.cpuprofile | md5sum > "$TMPDIR/b"
cmp "$TMPDIR/a" "$TMPDIR/b" && echo "stdin gzip: identical"

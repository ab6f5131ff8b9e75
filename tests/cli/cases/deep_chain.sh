# One function recursing 3,000 deep with a sample at every depth (what
# fixtures/gen/deep_cpuprofile.js --depth 3000 writes, made here with
# awk): every cpu report, no stack overflow; folded streams 3,000 lines
# of 1..3,000 frames (130 MB) in byte-wise order (issue 8).
awk -v n=3000 'BEGIN {
	f = "\"callFrame\":{\"functionName\":\"recurse\",\"scriptId\":\"1\"," \
	    "\"url\":\"file:///deep.js\",\"lineNumber\":0,\"columnNumber\":17}"
	printf "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":" \
	    "\"(root)\",\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1," \
	    "\"columnNumber\":-1},\"hitCount\":0,\"children\":[2]}"
	for (id = 2; id <= n + 1; id++) {
		printf ",{\"id\":%d,%s,\"hitCount\":1", id, f
		if (id <= n) printf ",\"children\":[%d]", id + 1
		printf "}"
	}
	printf "],\"startTime\":0,\"endTime\":%d,\"samples\":[", n * 100 + 100
	for (id = n + 1; id >= 2; id--) printf "%s%d", id <= n ? "," : "", id
	printf "],\"timeDeltas\":["
	for (i = 0; i < n; i++) printf "%s100", i ? "," : ""
	printf "]}\n"
}' > "$TMPDIR/deep.cpuprofile"
cd "$TMPDIR" || exit 1
"$PROFKIT" info deep.cpuprofile || exit 1
"$PROFKIT" cpu top -q deep.cpuprofile || exit 1
# line k has k frames: lengths grow by 29 bytes, all weigh 100 us
"$PROFKIT" cpu folded deep.cpuprofile | awk '
	{ n++; s += $NF; if (length($0) != 28 * n + n - 1 + 4) bad++ }
	END { printf "folded: %d lines, sum %d, bad lengths %d, last %d bytes\n",
	      n, s, bad, length($0) }'
"$PROFKIT" cpu folded --filter '^recurse$' --weights hits deep.cpuprofile |
	awk '{ n++; s += $NF } END { print "hits, filtered:", n, "lines, sum", s }'
for c in "tree" "tree --filter recurse" "tree --exclude nothing"; do
	# shellcheck disable=SC2086
	"$PROFKIT" cpu $c --format csv deep.cpuprofile > rows || exit 1
	echo "$c: $(wc -l < rows) rows, last: $(tail -n 1 rows)"
done
for c in callers callees; do
	"$PROFKIT" cpu $c --format csv deep.cpuprofile recurse > rows || exit 1
	echo "$c: $(wc -l < rows) rows, first: $(sed -n 2p rows)"
	echo "  last: $(tail -n 1 rows)"
done
# pictures of a 3,000-deep graph and chart: rows shrink to fit cairo's
# 32,767 px (10 px each here), every level drawn
"$PROFKIT" cpu flame deep.cpuprofile --subtitle d -o deep.svg || exit 1
"$PROFKIT" cpu flame deep.cpuprofile --chart --subtitle d -o deep.png || exit 1
grep -o 'height="[0-9]*px"' deep.svg | head -1
grep -c "<title>" deep.svg

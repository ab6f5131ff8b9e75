# A report that leaves rows out says so: one "# showing K of N ..." (flat
# lists) or "# N more ... below these rows" (trees) footer in text, a
# "total_rows" / "hidden_rows" member in JSON, nothing in CSV, nothing
# when the report is complete. An empty result says why on stderr and
# exits 0; an error prints nothing on stdout and names the pattern.
P=$PROFKIT
"$P" cpu top busy_wait.cpuprofile -n 2 -q
"$P" cpu top busy_wait.cpuprofile -n 2 --format json | tail -1
"$P" cpu top busy_wait.cpuprofile -n 2 --format csv | wc -l
"$P" cpu top busy_wait.cpuprofile -n 0 -q | tail -1
"$P" cpu top busy_wait.cpuprofile -q --filter '^(busyWait|onTick)$' -n 1
"$P" cpu lines busy_wait.cpuprofile -q -n 1
"$P" cpu tree busy_wait.cpuprofile -q --max-depth 1
"$P" cpu tree busy_wait.cpuprofile --max-depth 1 --format json | tail -1
"$P" cpu callees busy_wait.cpuprofile '^processTimers$' -q -n 1
"$P" cpu diff release_a.cpuprofile release_b.cpuprofile -q -n 1
# 10 of the 48 Buffers that the Array holds (and what they hold)
"$P" heap dominators ../heap/leak.heapsnapshot.gz @76943 --max-depth 1 -q |
	tail -2
"$P" heap dominators ../heap/leak.heapsnapshot.gz @76943 --max-depth 1 \
	--format json | tail -1
"$P" heap summary ../heap/tiny.heapsnapshot -q -n 2
"$P" heap top ../heap/tiny.heapsnapshot -q -n 1 --filter Lonely
"$P" heap show ../heap/tiny.heapsnapshot @13 -n 1 --format json | tail -c 40
echo "== empty results: a reason on stderr, exit 0"
"$P" cpu top busy_wait.cpuprofile -q --filter nomatch
echo "exit $?"
"$P" cpu top busy_wait.cpuprofile -q --from 100000 --to 200000 -n 1
echo "exit $?"
"$P" cpu lines regex.cpuprofile -q
echo "exit $?"
"$P" heap summary ../heap/tiny.heapsnapshot -q --exclude .
echo "exit $?"
echo "== errors: nothing on stdout, exit 1"
"$P" cpu tree busy_wait.cpuprofile --focus 'nomatch'
echo "exit $?"
"$P" cpu tree busy_wait.cpuprofile --focus 'nomatch' --format json
echo "exit $?"
"$P" cpu callers busy_wait.cpuprofile 'nomatch' --format json
echo "exit $?"
"$P" cpu flame busy_wait.cpuprofile --focus '^nomatch$' --format svg
echo "exit $?"
echo "== folded has no footer; an empty result is said"
"$P" cpu folded busy_wait.cpuprofile --filter nomatch
echo "exit $?"

# heap leaks: memlab's find-leaks (the clusters' counts and sizes are
# checked in test_heapleaks.c; here the frontends): text, JSON, CSV,
# FINAL, --min-count/--min-size/-n, the hand-made nesting pair, --db
# (rows, replaced on a re-run, untouched by a failed run), and the
# errors: a CPU profile, a missing file, a truncated FINAL (named,
# nothing written), usage errors.
h=../heap
b=$h/baseline.heapsnapshot.gz
l=$h/leak.heapsnapshot.gz
c=$h/cleared.heapsnapshot.gz
run() { "$PROFKIT" "$@" 2>&1; echo "exit $?"; }
run heap leaks "$b" "$l" -n 6
run heap leaks "$b" "$l" "$c" --min-count 1 -n 3
run heap leaks "$b" "$l" --format json -n 2
run heap leaks "$b" "$l" --format csv --min-count 2
run heap leaks "$b" "$l" -q --min-size 10000
(cd $h && run heap leaks leaks_base.heapsnapshot leaks_target.heapsnapshot)
(cd $h && run heap leaks leaks_base.heapsnapshot leaks_target.heapsnapshot \
	leaks_final.heapsnapshot --format json)
# identical files: nothing new
run heap leaks "$b" "$b" -q
# --db: the three artifacts once each, the clusters kept; a re-run
# replaces them; a failed run leaves the database as it was
db="$TMPDIR/l.db"
"$PROFKIT" heap leaks "$b" "$l" -q --min-count 2 --db "$db" > /dev/null ||
	exit 1
"$PROFKIT" heap leaks "$b" "$l" "$c" -q --db "$db" > /dev/null || exit 1
"$PROFKIT" heap leaks "$b" "$l" -q --min-count 2 --db "$db" > /dev/null ||
	exit 1
command -v sqlite3 > /dev/null 2>&1 ||
	{ echo "sqlite3 not found (.ci/deps.sh installs it)"; exit 1; }
q() { sqlite3 "$db" "$1"; }
q "SELECT id, path FROM artifact ORDER BY id"
q "SELECT base_id, target_id, coalesce(final_id, '-'), count(*)
   FROM heap_leak_cluster GROUP BY 1, 2, 3"
q "SELECT cluster_index, class, count, retained_size, representative,
   json_array_length(chain), json_extract(chain, '$[0].class')
   FROM heap_leak_cluster WHERE final_id IS NULL ORDER BY cluster_index"
cp "$db" "$TMPDIR/before.db"
run heap leaks "$b" "$l" ../bad/heap/truncated.heapsnapshot.gz --db "$db" \
	-o "$TMPDIR/l.txt"
cmp -s "$db" "$TMPDIR/before.db" && echo "database unchanged"
[ -e "$TMPDIR/l.txt" ] && echo "an output file was left"
# errors name the file; nothing written to -o
run heap leaks busy_wait.cpuprofile "$l" -o "$TMPDIR/l.txt"
run heap leaks "$b" busy_wait.cpuprofile -o "$TMPDIR/l.txt"
run heap leaks "$b" "$l" busy_wait.cpuprofile -o "$TMPDIR/l.txt"
run heap leaks "$b" "$l" no/such/file.heapsnapshot -o "$TMPDIR/l.txt"
run heap leaks "$b" ../bad/heap/truncated.heapsnapshot.gz "$c" \
	-o "$TMPDIR/l.txt"
[ -e "$TMPDIR/l.txt" ] && echo "an output file was left"
# usage errors
run heap leaks "$b"
run heap leaks "$b" "$l" "$c" "$c"
run heap leaks - "$l" - < "$b"
run heap leaks "$b" "$l" --min-count x
run heap leaks "$b" "$l" --explain 2
# standard input for one of them
gzip -dc "$b" | "$PROFKIT" heap leaks - "$l" -q -n 2; echo "exit $?"
"$PROFKIT" heap leaks --help | head -1

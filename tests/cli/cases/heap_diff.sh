# heap diff: DevTools' Comparison (the rows are checked against the
# oracle in test_heapdiff.c; here the frontends): text, JSON of every
# row, CSV with --sort, --filter/--exclude, the two warnings (stderr,
# exit 0), --explain (the paths of the growth; the lab's leaks are
# checked in test_heapdiff.c), identical files, and the errors: a CPU profile, a missing
# file, a truncated TARGET (named, no -o file left), usage errors.
h=../heap
b=$h/baseline.heapsnapshot.gz
l=$h/leak.heapsnapshot.gz
c=$h/cleared.heapsnapshot.gz
run() { "$PROFKIT" "$@" 2>&1; echo "exit $?"; }
run heap diff "$b" "$l" -n 12
run heap diff "$l" "$c" --format json -n 0
run heap diff "$b" "$l" --format json -n 4 --explain 2
run heap diff "$b" "$l" -q -n 0 --explain 0 --filter Session
run heap diff "$b" "$l" --format csv -n 5 --sort delta --explain 3
run heap diff "$l" "$c" -q -n 4 --sort freed
run heap diff "$l" "$c" -q -n 4 --sort count --exclude '^\('
run heap diff "$b" "$l" -q --filter '^Session$|^\{'
# BASE newer than TARGET
run heap diff "$l" "$b" -q -n 3
# different processes: tiny with every id but the root's changed
cp $h/tiny.heapsnapshot "$TMPDIR/tiny.heapsnapshot"
sed '3,18s/^,\([0-9]*\),\([0-9]*\),\([0-9]*\),/,\1,\2,99\3,/' \
	$h/tiny.heapsnapshot > "$TMPDIR/other.heapsnapshot"
(cd "$TMPDIR" && run heap diff tiny.heapsnapshot other.heapsnapshot -q -n 2)
# identical: no row
run heap diff "$b" "$b"
run heap diff "$b" "$b" --format json
# errors name the file; nothing written to -o
run heap diff busy_wait.cpuprofile "$l" -o "$TMPDIR/d.txt"
run heap diff "$b" busy_wait.cpuprofile -o "$TMPDIR/d.txt"
run heap diff "$b" no/such/file.heapsnapshot -o "$TMPDIR/d.txt"
run heap diff "$b" ../bad/heap/truncated.heapsnapshot.gz -o "$TMPDIR/d.txt"
[ -e "$TMPDIR/d.txt" ] && echo "an output file was left"
run heap diff "$b" "$l" -q -n 1 -o "$TMPDIR/d.txt"
cat "$TMPDIR/d.txt"
# usage errors
run heap diff "$b"
run heap diff "$b" "$l" --sort size
run heap diff "$b" "$l" --paths 2
run heap diff - - < "$b"
# standard input for one of them
gzip -dc "$b" | "$PROFKIT" heap diff - "$l" -q -n 2 --explain 0; echo "exit $?"
"$PROFKIT" heap diff --help | head -1

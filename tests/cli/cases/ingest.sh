# profkit ingest and merge from the command line: the summary (text and
# JSON; times masked), a rerun that keeps everything, usage errors, and a
# merge that refuses its own input. (tests/ingest/run.sh checks the rows.)
d="$TMPDIR/in"
mkdir -p "$d/t"
cp busy_wait.cpuprofile trace_chrome_worker.json.gz "$d/"
cp ../heap/baseline.heapsnapshot.gz "$d/t/1.heapsnapshot.gz"
cp ../heap/leak.heapsnapshot.gz "$d/t/2.heapsnapshot.gz"
cp ../bad/truncated.cpuprofile.gz "$d/"
echo notes > "$d/notes.txt"
cd "$TMPDIR" || exit 1
mask() { sed -e 's|analysed in [0-9.]* s ([0-9.]* MB/s)|analysed in T s (R MB/s)|' \
	-e 's|"seconds": [0-9.]*|"seconds": T|'; }
"$PROFKIT" ingest in --db a.db -j 2 > o.txt
echo "exit $?"
mask < o.txt
"$PROFKIT" ingest in --db a.db --format json | mask
"$PROFKIT" ingest in --db a.db --force --no-diffs -q | mask
for args in "in" "--db a.db" "in --db a.db --shard 0/2" \
	"in --db a.db --mem lots" "in --db a.db --format csv" \
	"in --db a.db -j 2000" "nowhere --db a.db"; do
	# shellcheck disable=SC2086
	"$PROFKIT" ingest $args > out.txt 2> err.txt
	echo "ingest $args: exit $? $(head -1 err.txt)"
done
"$PROFKIT" ingest in --db s1.db --shard 1/2 -q > /dev/null
"$PROFKIT" ingest in --db s2.db --shard 2/2 -q > /dev/null
"$PROFKIT" merge s1.db s2.db -o all.db
"$PROFKIT" merge s1.db -o s1.db 2>&1
echo "exit $?"
"$PROFKIT" merge s1.db 2>&1
echo "exit $?"
# a database inside the folder it ingests is no input of its own
"$PROFKIT" ingest in --db in/self.db -q --no-diffs > /dev/null
"$PROFKIT" ingest in --db in/self.db --format json | grep self.db | mask

#!/bin/sh
# outputs.sh PROFKIT FIXTURES OUTDIR - runs every profkit report over the
# fixtures in every format with the usual options (and --db, dumped
# without its time-dependent columns) and writes one file per run
# (command line, exit status, stdout, stderr) into OUTDIR. Run it with
# the binary before and after a frontend change and `diff -r` the two
# directories: every byte of every output must stay the same.
set -u
P=$1
FX=$2
OUT=$3
mkdir -p "$OUT"
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
cd "$FX/cpu" || exit 1
n=0
run() {
	n=$((n + 1))
	_o="$OUT/$(printf %04d $n)"
	{
		echo "\$ profkit $*" | sed "s|$TMPD|TMP|g"
		"$P" "$@" > "$TMPD/o" 2> "$TMPD/e"
		echo "exit $?"
		cat "$TMPD/o"
		echo "--- stderr"
		cat "$TMPD/e"
	} > "$_o"
}
# --db: the rows of every table, without analysed_at / tool_version
rundb() {
	rm -f "$TMPD/d.db"
	run "$@" --db "$TMPD/d.db"
	n=$((n + 1))
	for t in artifact cpu_function cpu_node cpu_line heap_class \
		heap_object; do
		echo "== $t"
		if [ "$t" = artifact ]; then
			sqlite3 "$TMPD/d.db" "SELECT id, kind, bytes, sha256, \
				meta FROM artifact ORDER BY id" 2>&1
		else
			sqlite3 "$TMPD/d.db" "SELECT * FROM $t ORDER BY 1, 2" \
				2>&1
		fi
	done > "$OUT/$(printf %04d $n)"
}
FMTS="text json csv"
CPU="busy_wait.cpuprofile async_io.cpuprofile recursion.cpuprofile
json_parse.cpuprofile regex.cpuprofile cli_cpu_prof.cpuprofile
synth_small.cpuprofile synth_small.cpuprofile.gz synth_hostile.cpuprofile
trace_busy_wait.json trace_synth_small.json"
HEAP="../heap/tiny.heapsnapshot ../heap/leak.heapsnapshot.gz"

run --help
run
run --bogus
for c in info cpu heap "cpu top" "cpu tree" "cpu lines" "cpu callers" \
	"cpu callees" "cpu folded" "heap summary" "heap top" "heap show" \
	"heap dominators" "heap retainers"; do
	# shellcheck disable=SC2086
	run $c --help
done
for fmt in $FMTS; do
	run info --format $fmt $CPU $HEAP ../bad/cycle.cpuprofile \
		../bad/empty.cpuprofile
	for f in $CPU; do
		run cpu top "$f" --format $fmt
		run cpu top "$f" --format $fmt -n 0 --weights hits
		run cpu top "$f" --format $fmt -n 3 -q --exclude '^\('
		run cpu top "$f" --format $fmt --filter 'a' --from 10 --to 200
		run cpu tree "$f" --format $fmt
		run cpu tree "$f" --format $fmt --min-percent 2 --max-depth 4
		run cpu tree "$f" --format $fmt --filter 'a' -n 2
		run cpu tree "$f" --format $fmt --exclude '\(idle\)' \
			--min-percent 5
		run cpu tree "$f" --format $fmt --focus 'e' --max-depth 3
		run cpu tree "$f" --format $fmt --focus 'nomatchatall'
		run cpu tree "$f" --format $fmt --filter 'a' --exclude 'b' \
			--weights hits
		run cpu lines "$f" --format $fmt
		run cpu lines "$f" --format $fmt -n 0 --filter 'js'
		run cpu lines "$f" --format $fmt --from 100 --to 300
		run cpu callers "$f" '.' --format $fmt
		run cpu callers "$f" 'a' --format $fmt --max-depth 2 -n 2
		run cpu callees "$f" '^[a-m]' --format $fmt --min-percent 3
		run cpu callees "$f" 'nomatch' --format $fmt
	done
	for f in $HEAP; do
		run heap summary "$f" --format $fmt
		run heap summary "$f" --format $fmt -n 0 -q
		run heap summary "$f" --format $fmt --filter 'S' --exclude 'x'
		run heap top "$f" --format $fmt
		run heap top "$f" --format $fmt -n 0 --filter 'String|Obj'
		run heap top "$f" --format $fmt -n 7 -q
		run heap dominators "$f" --format $fmt
		run heap dominators "$f" --format $fmt --depth 2 -n 3
		run heap dominators "$f" --format $fmt --min-percent 1
		run heap dominators "$f" --format $fmt --min-size 100 @1
	done
	for id in @1 @3 @5 @7 @11 @13 @15 @21 @33 @999; do
		run heap show ../heap/tiny.heapsnapshot $id --format $fmt
		run heap show ../heap/tiny.heapsnapshot $id --format $fmt -n 1
		run heap retainers ../heap/tiny.heapsnapshot $id --format $fmt
		run heap retainers ../heap/tiny.heapsnapshot $id --format $fmt \
			--paths 3 --depth 1
		run heap dominators ../heap/tiny.heapsnapshot $id --format $fmt
	done
	for id in @76949 @112169 @1 @3; do
		run heap show ../heap/leak.heapsnapshot.gz $id --format $fmt
		run heap retainers ../heap/leak.heapsnapshot.gz $id \
			--format $fmt --paths 4
	done
done
for f in $CPU; do
	run cpu folded "$f"
	run cpu folded "$f" --filter 'a' --weights hits
	run cpu folded "$f" --exclude 'a' --from 0 --to 100
done
rundb cpu top busy_wait.cpuprofile -q
rundb cpu tree trace_busy_wait.json --from 10 --to 300
rundb cpu lines synth_small.cpuprofile.gz --weights hits
rundb heap summary ../heap/tiny.heapsnapshot -q
rundb heap summary ../heap/tiny.heapsnapshot -q --all-objects
rundb heap summary ../heap/leak.heapsnapshot.gz -q
rundb heap top ../heap/tiny.heapsnapshot -q
# every example of the docs, run where they run them (a scratch copy of
# fixtures/cpu, so that -o files land in the scratch directory)
mkdir -p "$TMPD/fx/cpu"
ln -s "$FX/heap" "$FX/bad" "$TMPD/fx/"
ln -s "$FX"/cpu/* "$TMPD/fx/cpu/"
cd "$TMPD/fx/cpu" || exit 1
for DOC in "$FX"/../docs/*.md "$FX/../README.md"; do
	grep '^\$ profkit ' "$DOC" | sed 's/^\$ //' > "$TMPD/ex"
	while IFS= read -r line; do
		n=$((n + 1))
		{
			echo "\$ $line"
			PK="$P" sh -c "profkit() { \"\$PK\" \"\$@\"; }; $line" \
				2>&1
			echo "exit $?"
		} > "$OUT/$(printf %04d $n)" < /dev/null
	done < "$TMPD/ex"
done

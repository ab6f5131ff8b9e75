# One set of flags (issue 12): options are those of this command (an
# abbreviation is matched against them only), near misses get "did you
# mean", numbers out of range are quoted as given, -V and `profkit help
# CMD` work, and the option tables of --help and docs/options.md are the
# same table. Each line: the command, its exit status, stderr's first line.
run() {
	"$PROFKIT" "$@" > "$TMPDIR/o" 2> "$TMPDIR/e"
	echo "$*: exit $? $(head -1 "$TMPDIR/e")"
}
# --min abbreviates --min-percent in cpu tree (--min-size is heap's)
run cpu tree busy_wait.cpuprofile --min 50 -q
cat "$TMPDIR/o"
run heap dominators ../heap/tiny.heapsnapshot --min 5
run cpu tree busy_wait.cpuprofile --min-size 5
run heap top ../heap/tiny.heapsnapshot --db x.db
run cpu top busy_wait.cpuprofile --filtr busy
run cpu top busy_wait.cpuprofile --weigths hits
run cpu tpo busy_wait.cpuprofile
run heap sumary ../heap/tiny.heapsnapshot
run top busy_wait.cpuprofile
run hepa
run cpu top busy_wait.cpuprofile -n 2147483648
run cpu top busy_wait.cpuprofile -n -1
run cpu top busy_wait.cpuprofile -n 2.5
run cpu tree busy_wait.cpuprofile --depth -2
run heap retainers ../heap/tiny.heapsnapshot @5 --paths 101
run heap dominators ../heap/tiny.heapsnapshot --min-size -1
run -V
cat "$TMPDIR/o"
run --version
cat "$TMPDIR/o"
# profkit help cpu top = profkit cpu top --help
"$PROFKIT" cpu top --help > "$TMPDIR/h1"
"$PROFKIT" help cpu top > "$TMPDIR/h2"
cmp -s "$TMPDIR/h1" "$TMPDIR/h2" && echo "help cpu top = cpu top --help"
"$PROFKIT" heap --help > "$TMPDIR/h1"
"$PROFKIT" help heap > "$TMPDIR/h2"
cmp -s "$TMPDIR/h1" "$TMPDIR/h2" && echo "help heap = heap --help"
run help cpu tpo
# heap retainers takes -n (as --paths): 2 chains of @9
"$PROFKIT" heap retainers ../heap/tiny.heapsnapshot @9 --paths 2 > "$TMPDIR/p"
"$PROFKIT" heap retainers ../heap/tiny.heapsnapshot @9 -n 2 > "$TMPDIR/n"
cmp -s "$TMPDIR/p" "$TMPDIR/n" && echo "heap retainers -n 2 = --paths 2"
# every --help: its options only, examples, where the docs are
for c in "" cpu heap info "cpu top" "cpu tree" "cpu lines" "cpu callers" "cpu callees" \
	"cpu folded" "cpu flame" "cpu diff" "heap summary" "heap top" \
	"heap show" "heap dominators" "heap retainers" "heap flame" \
	"heap diff"; do
	# shellcheck disable=SC2086
	"$PROFKIT" $c --help > "$TMPDIR/h"
	ex=$(sed -n '/^Examples:$/,/^$/p' "$TMPDIR/h" |
		grep -c "^  profkit ${c:+$c }")
	docs=$(grep -c "^Docs: man profkit; docs/" "$TMPDIR/h")
	echo "profkit${c:+ $c}: $ex examples, docs line $docs"
done
# docs/options.md is the table (`profkit help --options-md`)
"$PROFKIT" help --options-md | cmp -s - ../../docs/options.md &&
	echo "docs/options.md = profkit help --options-md"

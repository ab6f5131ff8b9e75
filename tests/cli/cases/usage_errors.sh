# Usage errors exit 2 with a hint; each line names the problem.
check() {
	"$PROFKIT" "$@" >/dev/null 2>"$TMPDIR/e"
	rc=$?
	[ $rc = 2 ] || { echo "$*: exit $rc, want 2"; exit 1; }
	grep -q "^profkit: " "$TMPDIR/e" || { echo "$*: no message"; exit 1; }
}
check
check bogus
check cpu
check cpu bogus busy_wait.cpuprofile
check cpu top
check cpu top a b
check cpu top busy_wait.cpuprofile --format xml
check cpu top busy_wait.cpuprofile --weights none
check cpu top busy_wait.cpuprofile --nope
check cpu top busy_wait.cpuprofile -n -3
check cpu top busy_wait.cpuprofile --filter '('
check cpu top busy_wait.cpuprofile --from 5 --to 2
check cpu folded busy_wait.cpuprofile --format json
check cpu callers busy_wait.cpuprofile
check info
check cpu top busy_wait.cpuprofile -n
check cpu tree busy_wait.cpuprofile --focus a --filter b
check cpu callers busy_wait.cpuprofile '('
check info busy_wait.cpuprofile --db x.db
# an abbreviation of two options of this command says which (cpu tree
# has one --min-: --min-percent; see flags.sh)
check heap dominators ../heap/tiny.heapsnapshot --min 5
grep -q "option '--min' is ambiguous: --min-percent, --min-size" "$TMPDIR/e" ||
	{ echo "--min: $(cat "$TMPDIR/e")"; exit 1; }
echo ok

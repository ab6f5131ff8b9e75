# --db stores and replaces by content; a failed run leaves no database.
# The row checks use the sqlite3 shell (.ci/deps.sh installs it): without
# it the case fails. A row check prints only on a mismatch.
db="$TMPDIR/r.db"
"$PROFKIT" cpu top busy_wait.cpuprofile -n 1 --db "$db" > /dev/null || exit 1
# the same file with the same options: replaced, and said (db_replace.sh)
"$PROFKIT" cpu top busy_wait.cpuprofile -n 1 --db "$db" > /dev/null \
	2> "$TMPDIR/e" || exit 1
sed "s|$TMPDIR|TMP|" "$TMPDIR/e"
"$PROFKIT" cpu tree recursion.cpuprofile --db "$db" > /dev/null || exit 1
[ -s "$db" ] && echo "database written"
command -v sqlite3 > /dev/null 2>&1 ||
	{ echo "sqlite3 not found (.ci/deps.sh installs it)"; exit 1; }
q() {
	got=$(sqlite3 "$db" "$1") || { echo "sqlite3 failed: $1"; exit 1; }
	[ "$got" = "$2" ] || echo "MISMATCH: $1: got '$got', want '$2'"
}
# busy_wait twice (replaced by content: one row) and recursion
q "SELECT count(*) FROM artifact" 2
q "SELECT kind, bytes FROM artifact WHERE given_path = 'busy_wait.cpuprofile'" \
	"cpuprofile|$(wc -c < busy_wait.cpuprofile | tr -d ' ')"
# path: absolute (realpath), given_path: as given
q "SELECT path FROM artifact WHERE given_path = 'recursion.cpuprofile'" \
	"$(pwd -P)/recursion.cpuprofile"
q "SELECT sha256 FROM artifact WHERE given_path = 'recursion.cpuprofile'" \
	"$(sha256sum recursion.cpuprofile | cut -d' ' -f1)"
# every function, with the self and total times cpu top prints
q "SELECT name || ',' || self_us || ',' || total_us FROM cpu_function f
   JOIN artifact a ON a.id = f.artifact_id
   WHERE a.given_path = 'busy_wait.cpuprofile' ORDER BY self_us DESC, name" \
	"$("$PROFKIT" cpu top busy_wait.cpuprofile -n 0 --format csv |
	   sed 1d | cut -d, -f1,5,6 | LC_ALL=C sort -t, -k2,2nr -k1,1)"
"$PROFKIT" cpu top ../bad/truncated.cpuprofile --db "$TMPDIR/new.db" 2>/dev/null
echo "bad input: exit $?"
[ -e "$TMPDIR/new.db" ] && echo "left a database" || echo "no database left"
printf 'not a database' > "$TMPDIR/x.db"
"$PROFKIT" cpu top busy_wait.cpuprofile --db "$TMPDIR/x.db" > /dev/null 2>&1
echo "not a database: exit $?"
[ "$(cat "$TMPDIR/x.db")" = "not a database" ] && echo "file untouched"

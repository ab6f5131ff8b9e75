# heap summary --db: stores the artifact, every class and the top 1000
# objects (--all-objects: every node), replaces by content, and a failed
# run leaves no new database and an existing one byte for byte as it was.
# The row checks use the sqlite3 shell (.ci/deps.sh installs it): without
# it the case fails. A row check prints only on a mismatch.
db="$TMPDIR/h.db"
tiny=../heap/tiny.heapsnapshot
leak=../heap/leak.heapsnapshot.gz
# the report is printed as without --db
"$PROFKIT" heap summary "$tiny" -q -n 3 --db "$db" || exit 1
"$PROFKIT" heap summary "$tiny" -q --db "$db" --all-objects > /dev/null \
	2> "$TMPDIR/e" || exit 1
sed "s|$TMPDIR|TMP|" "$TMPDIR/e"
"$PROFKIT" heap summary "$leak" --filter '^nothing$' --db "$db" \
	> /dev/null || exit 1
[ -s "$db" ] && echo "database written"
command -v sqlite3 > /dev/null 2>&1 ||
	{ echo "sqlite3 not found (.ci/deps.sh installs it)"; exit 1; }
q() {
	got=$(sqlite3 "$db" "$1") || { echo "sqlite3 failed: $1"; exit 1; }
	[ "$got" = "$2" ] || echo "MISMATCH: $1: got '$got', want '$2'"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
q "PRAGMA user_version" 4
q "SELECT count(*) FROM artifact" 2
q "SELECT kind, bytes FROM artifact WHERE sha256 = '$(sha "$tiny")'" \
	"heapsnapshot|$(wc -c < "$tiny" | tr -d ' ')"
q "SELECT path, given_path FROM artifact WHERE sha256 = '$(sha "$leak")'" \
	"$(cd ../heap && pwd -P)/leak.heapsnapshot.gz|$leak"
# tiny: 17 nodes, 13 classes (10 Summary rows), stored once
q "SELECT count(*) FROM heap_object o JOIN artifact a ON a.id =
   o.artifact_id WHERE a.given_path = '$tiny'" 17
q "SELECT count(*), sum(count > 0) FROM heap_class c JOIN artifact a ON
   a.id = c.artifact_id WHERE a.given_path = '$tiny'" "13|10"
q "SELECT json_extract(meta, '$.all_objects'),
   json_extract(meta, '$.statistics.strings'), json_extract(meta,
   '$.total_size') FROM artifact WHERE given_path = '$tiny'" "1|4160|4568"
q "SELECT name, line, col, distance IS NULL FROM heap_class c JOIN
   artifact a ON a.id = c.artifact_id WHERE a.given_path = '$tiny' AND
   script_id IS NOT NULL" "Lonely|11|5|1"
# leak: the root + 1000 objects, every Summary row (--filter only
# changes what is printed)
q "SELECT count(*) FROM heap_object o JOIN artifact a ON a.id =
   o.artifact_id WHERE a.given_path = '$leak'" 1001
q "SELECT count(*) FROM heap_class c JOIN artifact a ON a.id =
   c.artifact_id WHERE a.given_path = '$leak' AND count > 0" \
	"$("$PROFKIT" heap summary "$leak" -n 0 --format csv | sed 1d |
	   wc -l | tr -d ' ')"
q "SELECT json_extract(meta, '$.top_objects'), json_extract(meta,
   '$.node_count') FROM artifact WHERE given_path = '$leak'" "1000|56204"
q "SELECT count(*) FROM heap_object o WHERE dominator_id IS NOT NULL AND
   NOT EXISTS (SELECT 1 FROM heap_object d WHERE d.artifact_id =
   o.artifact_id AND d.id = o.dominator_id)" 0
"$PROFKIT" heap summary "$leak" -q --db "$db" --all-objects > /dev/null \
	2> "$TMPDIR/e" || exit 1
sed "s|$TMPDIR|TMP|" "$TMPDIR/e"
q "SELECT count(*) FROM heap_object o JOIN artifact a ON a.id =
   o.artifact_id WHERE a.given_path = '$leak'" 56204
# failures
cp "$db" "$TMPDIR/before.db"
"$PROFKIT" heap summary ../bad/heap/truncated.heapsnapshot --db "$db" \
	2> /dev/null
echo "bad input: exit $?"
cmp -s "$db" "$TMPDIR/before.db" && echo "database unchanged"
"$PROFKIT" heap summary ../bad/heap/truncated.heapsnapshot \
	--db "$TMPDIR/heap_new.db" 2> /dev/null
echo "bad input, new database: exit $?"
[ -e "$TMPDIR/heap_new.db" ] && echo "left a database" || echo "no database left"
ls "$TMPDIR" | grep -q 'tmp-' && echo "left a temporary file"
printf 'not a database' > "$TMPDIR/heap_x.db"
"$PROFKIT" heap summary "$tiny" --db "$TMPDIR/heap_x.db" > /dev/null 2>&1
echo "not a database: exit $?"
[ "$(cat "$TMPDIR/heap_x.db")" = "not a database" ] && echo "file untouched"
# usage errors
for args in "heap summary $tiny --all-objects" \
	"heap top $tiny --db $TMPDIR/heap_u.db" \
	"heap top $tiny --all-objects" \
	"cpu top busy_wait.cpuprofile --all-objects"; do
	# shellcheck disable=SC2086
	"$PROFKIT" $args > /dev/null 2> "$TMPDIR/e"
	echo "$args: exit $? $(head -1 "$TMPDIR/e")" | sed "s|$TMPDIR|TMP|g"
done

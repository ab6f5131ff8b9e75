# heap diff --db: both snapshots stored once (by sha256) and every row of
# the comparison in heap_diff; running it again replaces the rows; a
# failed run (truncated TARGET) leaves the database as it was; the query
# of docs/database.md ("which class grew in every consecutive pair")
# answers on baseline -> leak -> cleared. Needs the sqlite3 shell.
db="$TMPDIR/d.db"
h=../heap
b=$h/baseline.heapsnapshot.gz
l=$h/leak.heapsnapshot.gz
c=$h/cleared.heapsnapshot.gz
command -v sqlite3 > /dev/null 2>&1 ||
	{ echo "sqlite3 not found (.ci/deps.sh installs it)"; exit 1; }
"$PROFKIT" heap diff "$b" "$l" -q -n 1 --explain 0 --db "$db" || exit 1
"$PROFKIT" heap diff "$l" "$c" -q -n 0 --filter nothing --db "$db" ||
	exit 1
"$PROFKIT" heap diff "$b" "$l" -q -n 1 --explain 0 --db "$db" > /dev/null ||
	exit 1
q() { sqlite3 "$db" "$1"; }
q "PRAGMA user_version"
q "SELECT id, given_path, kind FROM artifact ORDER BY id"
# path: absolute, whatever directory the run started from
q "SELECT count(*) FROM artifact WHERE path = '$(cd $h && pwd -P)/' ||
   substr(given_path, 9)"
q "SELECT base_id, target_id, count(*) FROM heap_diff GROUP BY 1, 2"
q "SELECT row_index, name, script_id, line, col, new_count, deleted_count,
   count_delta, alloc_size, freed_size, size_delta FROM heap_diff
   WHERE base_id = 1 AND row_index < 4 OR name = 'Session'
   ORDER BY base_id, row_index"
cp "$db" "$TMPDIR/before.db"
"$PROFKIT" heap diff "$b" ../bad/heap/truncated.heapsnapshot.gz \
	--db "$db" 2>&1
echo "exit $?"
cmp -s "$db" "$TMPDIR/before.db" && echo "database unchanged"
# docs/database.md: classes that grew in every consecutive pair
q "WITH pairs AS (
     SELECT DISTINCT d.base_id, d.target_id FROM heap_diff d
     JOIN artifact b ON b.id = d.base_id
     JOIN artifact t ON t.id = d.target_id
     WHERE b.path LIKE '%/heap/%' AND t.path LIKE '%/heap/%')
   SELECT name, script_id, line, col, count(*) AS pairs,
          sum(count_delta) AS objects, sum(size_delta) AS bytes
   FROM heap_diff JOIN pairs USING (base_id, target_id)
   WHERE size_delta > 0
   GROUP BY name, script_id, line, col
   HAVING count(*) = (SELECT count(*) FROM pairs)
   ORDER BY bytes DESC"

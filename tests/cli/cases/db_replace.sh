# --db keeps one analysis per file (sha256): storing the file again with
# the same analysis options replaces it in place (same artifact id, one
# stderr line); with other options (--weights, --from/--to, --profile) it
# is refused (exit 1, the database as it was) unless --replace is given.
# A heap snapshot stored again with or without --all-objects is the same
# analysis. A file a comparison stored (no analysis yet) is not refused.
mkdir "$TMPDIR/dbr" && cd "$TMPDIR/dbr" || exit 1
FX=$OLDPWD
cp "$FX/busy_wait.cpuprofile" "$FX/release_a.cpuprofile" \
	"$FX/release_b.cpuprofile" "$FX/../heap/tiny.heapsnapshot" . || exit 1
db=r.db
q() { sqlite3 "$db" "$1" | tr '\n' ' '; echo; }
self="SELECT a.id, f.self_us FROM cpu_function f JOIN artifact a
  ON a.id = f.artifact_id WHERE f.name = 'busyWait'"
run() {
	"$PROFKIT" "$@" > /dev/null
	echo "exit $?"
}
run cpu top busy_wait.cpuprofile --db $db
q "$self"
run cpu top busy_wait.cpuprofile --db $db -n 3
q "$self"
run cpu top busy_wait.cpuprofile --db $db --from 100 --to 200
run cpu tree busy_wait.cpuprofile --db $db --weights hits
q "$self"
run cpu top busy_wait.cpuprofile --db $db --from 100 --to 200 --replace
q "$self"
q "SELECT id, json_extract(meta, '$.from_us'), json_extract(meta,
  '$.to_us') FROM artifact"
# a heap snapshot: --all-objects keeps more objects of the same analysis
run heap summary tiny.heapsnapshot --db $db
run heap summary tiny.heapsnapshot --db $db --all-objects
q "SELECT count(*) FROM heap_object"
# stored by a comparison first (no analysis): an analysis is just added
run cpu diff release_a.cpuprofile release_b.cpuprofile --db $db
run cpu top release_b.cpuprofile --db $db --weights hits
q "SELECT id, json_extract(meta, '$.weights') FROM artifact ORDER BY id"
q "SELECT count(*) FROM cpu_diff"

#!/bin/sh
# profkit ingest and merge, end to end (issue 11). On a folder made of
# the fixtures (CPU profiles, a trace with 3 thread profiles, the three lab
# snapshots named in time order, broken files, a README):
#  1. the rows equal those the per-artifact commands store (cpu top --db,
#     cpu top --profile P:T --db for each trace thread, heap summary --db,
#     heap diff --db for the consecutive snapshots), compared as a dump
#     that leaves out ids, paths and times;
#  2. failures are recorded with their reason, the exit status is 1;
#  3. a second run changes nothing (same dump, every file kept);
#  4. a run killed with SIGKILL mid-way, then rerun, ends with the same
#     database as an uninterrupted run;
#  5. four shards run by GNU parallel, merged, equal the single run; so
#     does the Kubernetes Indexed Job of docs/examples/ingest-job.yaml
#     (its commands, run here for every JOB_COMPLETION_INDEX);
#  6. a database locked by another writer: waits, then fails clearly and
#     untouched; a database of a newer schema is refused untouched.
# Usage: run.sh PROFKIT FIXTURES_DIR
set -u
PROFKIT=$1
FX=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# (a failure inside a pipeline's subshell is remembered in a file)
no() { echo "FAIL: $*"; fail=1; : > "$tmp/failed"; }
command -v sqlite3 > /dev/null || { echo "sqlite3 missing"; exit 1; }
command -v parallel > /dev/null || { echo "GNU parallel missing"; exit 1; }

# the incident folder: two tasks, one with snapshots
in=$tmp/incident
mkdir -p "$in/task-a" "$in/task-b"
cp "$FX/cpu/busy_wait.cpuprofile" "$FX/cpu/recursion.cpuprofile" \
	"$FX/cpu/trace_chrome_worker.json.gz" "$in/task-a/"
cp "$FX/heap/baseline.heapsnapshot.gz" "$in/task-b/1-baseline.heapsnapshot.gz"
cp "$FX/heap/leak.heapsnapshot.gz" "$in/task-b/2-leak.heapsnapshot.gz"
cp "$FX/heap/cleared.heapsnapshot.gz" "$in/task-b/3-cleared.heapsnapshot.gz"
cp "$FX/cpu/synth_small.cpuprofile.gz" "$FX/bad/truncated.cpuprofile" \
	"$FX/bad/heap/truncated.heapsnapshot.gz" "$in/task-b/"
echo "notes" > "$in/README.md"
cd "$tmp" || exit 1

# A dump of everything stored, keyed by content: no ids, paths or times.
dump() {
	sqlite3 "$1" <<'EOF'
.mode list
SELECT 'A', sha256, profile, kind, bytes, meta FROM artifact
  WHERE meta IS NOT NULL ORDER BY sha256, profile;
SELECT 'F', a.sha256, a.profile, f.function_index, f.name, f.url, f.line,
  f.col, f.self_us, f.total_us FROM cpu_function f JOIN artifact a
  ON a.id = f.artifact_id ORDER BY 2, 3, 4;
SELECT 'N', a.sha256, a.profile, count(*), sum(n.self_us),
  sum(n.total_us * (n.node_index + 1)) FROM cpu_node n JOIN artifact a
  ON a.id = n.artifact_id GROUP BY 2, 3 ORDER BY 2, 3;
SELECT 'L', a.sha256, a.profile, l.url, l.line, l.ticks, l.self_us
  FROM cpu_line l JOIN artifact a ON a.id = l.artifact_id ORDER BY 2,3,4,5;
SELECT 'C', a.sha256, c.class_index, c.name, c.count, c.self_size,
  c.retained_size, c.distance FROM heap_class c JOIN artifact a
  ON a.id = c.artifact_id ORDER BY 2, 3;
SELECT 'O', a.sha256, count(*), sum(o.retained_size), sum(o.id)
  FROM heap_object o JOIN artifact a ON a.id = o.artifact_id
  GROUP BY 2 ORDER BY 2;
SELECT 'D', b.sha256, t.sha256, d.row_index, d.name, d.new_count,
  d.deleted_count, d.alloc_size, d.freed_size FROM heap_diff d
  JOIN artifact b ON b.id = d.base_id JOIN artifact t ON t.id = d.target_id
  ORDER BY 2, 3, 4;
EOF
}
files() {
	sqlite3 "$1" "SELECT path, status, coalesce(reason, '') FROM
	    ingest_file ORDER BY path"
}

# ---- 1. single run vs the per-artifact commands ----
"$PROFKIT" ingest incident --db one.db -j 2 > one.out 2> one.err
rc=$?
[ "$rc" = 1 ] || no "ingest exit $rc, want 1 (two files fail)"
[ -s one.err ] && no "ingest wrote to stderr: $(cat one.err)"
grep -q "stored   7 (cpuprofile 3, trace 1, heapsnapshot 3)" one.out ||
	no "summary counts: $(cat one.out)"
grep -q "heap diffs: 2 stored, 0 kept, 0 failed" one.out ||
	no "diff counts: $(cat one.out)"
# the trace holds 3 thread profiles: 3 artifact rows
n=$(sqlite3 one.db "SELECT count(*) FROM artifact WHERE kind = 'trace'")
[ "$n" = 3 ] || no "trace profiles stored: $n, want 3"
sqlite3 one.db "SELECT status, reason FROM ingest_file WHERE path LIKE
    '%truncated.cpuprofile'" | grep -q "^failed|truncated JSON" ||
	no "truncated.cpuprofile not recorded as failed"
# paths as the per-artifact commands store them: absolute, and as found
n=$(sqlite3 one.db "SELECT count(*) FROM artifact WHERE path NOT LIKE
    '$tmp/incident/%' OR given_path NOT LIKE 'incident/%'")
[ "$n" = 0 ] || no "$n artifact rows without absolute/given paths"
sqlite3 one.db "SELECT status FROM ingest_file WHERE path LIKE
    '%README.md'" | grep -qx skipped || no "README.md not skipped"

# the per-artifact commands, driven by what ingest recorded
replay() { # INGEST_DB PER_DB
	sqlite3 "$1" "SELECT kind, path FROM ingest_file WHERE status =
	    'stored' ORDER BY path" | while IFS='|' read -r kind f; do
		case $kind in
		cpuprofile|heapprofile)
			"$PROFKIT" cpu top "$f" --db "$2" > /dev/null \
				2>&1 || no "cpu top $f" ;;
		trace)
			for p in $("$PROFKIT" info "$f" --format json 2>/dev/null |
				grep -o '"pid": [0-9]*, "tid": [0-9]*' |
				sed 's/"pid": \([0-9]*\), "tid": \([0-9]*\)/\1:\2/'); do
				"$PROFKIT" cpu top "$f" --profile "$p" \
					--db "$2" > /dev/null 2>&1 ||
					no "cpu top $f $p"
			done ;;
		heapsnapshot)
			"$PROFKIT" heap summary "$f" --db "$2" > /dev/null ||
				no "heap summary $f" ;;
		esac
	done
	# consecutive stored snapshots of a folder, by name
	sqlite3 "$1" "SELECT path FROM ingest_file WHERE status = 'stored'
	    AND kind = 'heapsnapshot' ORDER BY path" | {
		prev=
		while read -r f; do
			if [ -n "$prev" ] &&
			   [ "$(dirname "$prev")" = "$(dirname "$f")" ]; then
				"$PROFKIT" heap diff "$prev" "$f" --db "$2" \
					-n 1 > /dev/null 2>&1 ||
					no "heap diff $prev $f"
			fi
			prev=$f
		done
	}
}
replay one.db per.db
dump one.db > one.dump
dump per.db > per.dump
[ "$(grep -c '^A|' one.dump)" = 9 ] || no "artifacts: $(grep -c '^A|' one.dump), want 9 (3 of the trace)"
[ "$(grep -c '^D|' one.dump)" -gt 40 ] || no "heap_diff rows missing"
cmp -s one.dump per.dump || { no "ingest rows differ from the commands'"; diff one.dump per.dump | head -5; }

# the whole fixtures folder (good and bad artifacts, traces, the lab
# snapshots, files that are no artifact) likewise
ln -s "$FX" fx
"$PROFKIT" ingest fx --db fx.db -j 2 > fx.out
[ $? = 1 ] || no "ingest fixtures: want exit 1"
n=$(sqlite3 fx.db "SELECT count(*) FROM ingest_file WHERE status =
    'failed' AND reason LIKE '%(byte %)'")
[ "$n" -ge 30 ] || no "fixtures: $n failures with a byte offset"
replay fx.db fxper.db
dump fx.db > fx.dump
dump fxper.db | cmp -s - fx.dump ||
	{ no "fixtures: ingest rows differ"; dump fxper.db | diff fx.dump - | head -5; }

# ---- 3. a second run changes nothing ----
cp one.db before.db
"$PROFKIT" ingest incident --db one.db -j 2 > two.out
grep -q "kept     10 " two.out || no "second run: $(cat two.out)"
grep -q "heap diffs: 0 stored, 2 kept" two.out || no "second run diffs"
dump one.db | cmp -s - one.dump || no "second run changed the rows"
files one.db > f2
files before.db | cmp -s - f2 || no "second run changed ingest_file"

# ---- 4. SIGKILL mid-way, then rerun ----
"$PROFKIT" ingest incident --db kill.db -j 1 > /dev/null 2>&1 &
pid=$!
# wait for the first files to be committed, then kill (sqlite3 is only
# asked once the database exists: it would create it)
i=0
while [ $i -lt 200 ]; do
	n=0
	[ -s kill.db ] &&
		n=$(sqlite3 kill.db "SELECT count(*) FROM ingest_file" 2>/dev/null)
	[ "${n:-0}" -ge 3 ] && break
	i=$((i + 1)); sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(sqlite3 kill.db "SELECT count(*) FROM ingest_file")
[ "$n" -lt 11 ] || echo "note: the run finished before the kill ($n)"
"$PROFKIT" ingest incident --db kill.db -j 2 > /dev/null
dump kill.db | cmp -s - one.dump || no "killed + rerun differs from one run"
files kill.db | cmp -s - f2 || no "killed + rerun: ingest_file differs"

# ---- 5. four shards with GNU parallel, merged ----
parallel -j 2 "$PROFKIT" ingest incident --db shard{}.db --shard {}/4 -j 1 \
	'>' /dev/null ::: 1 2 3 4
"$PROFKIT" merge shard1.db shard2.db shard3.db shard4.db -o all.db \
	> merge.out || no "merge failed"
dump all.db | cmp -s - one.dump || { no "merged shards differ from one run"; dump all.db | diff one.dump - | head -5; }
files all.db | cmp -s - f2 || no "merged ingest_file differs"
n=$(sqlite3 all.db "SELECT count(*) FROM artifact WHERE meta IS NULL")
[ "$n" = 0 ] || no "merge left $n bare artifact rows"
# merging again into the same output changes nothing
"$PROFKIT" merge shard1.db shard2.db -o all.db > /dev/null
dump all.db | cmp -s - one.dump || no "second merge changed rows"
"$PROFKIT" merge all.db -o all.db > /dev/null 2> self.err
[ $? = 2 ] || no "merge into an input: want exit 2"

# ---- the Kubernetes Indexed Job of docs/examples/ingest-job.yaml: its
# pods' command run for every JOB_COMPLETION_INDEX, then its merge Job's
# command, with the volumes mapped to folders here; the result must equal
# the single run
yaml="$FX/../docs/examples/ingest-job.yaml"
n=$(sed -n 's/^ *completions: *\([0-9]*\).*/\1/p' "$yaml" | head -1)
pod=$(awk '/- >-/ {on = 1; next} on && /resources:/ {exit} on {print}' \
	"$yaml" | tr -s ' \n' '  ')
merge=$(sed -n 's/^ *- \(profkit merge .*\)$/\1/p' "$yaml")
[ -n "$n" ] && [ -n "$pod" ] && [ -n "$merge" ] ||
	no "cannot read the Job manifest ($yaml)"
mkdir -p k8s
map() {
	printf '%s\n' "$1" | sed -e "s|/artifacts/incident-4711|$tmp/incident|g" \
		-e "s|/results|$tmp/k8s|g" -e "s|profkit |\"\$PROFKIT\" |g"
}
i=0
while [ "$i" -lt "${n:-0}" ]; do
	JOB_COMPLETION_INDEX=$i PROFKIT=$PROFKIT sh -c "$(map "$pod")" \
		> /dev/null 2>&1 || no "the Job's pod $i failed"
	i=$((i + 1))
done
PROFKIT=$PROFKIT sh -c "$(map "$merge")" > /dev/null || no "the merge Job failed"
dump k8s/incident-4711.db | cmp -s - one.dump ||
	no "the Kubernetes Job's database differs from one run"

# ---- memory budget: a snapshot estimated above --mem fails, the rest
# goes in (1-baseline: ISIZE 4,080,782 bytes of JSON: 1.5x + 64 MiB =
# 69.8 MiB, printed rounded as 70)
"$PROFKIT" ingest incident --db mem.db --mem 40M --no-diffs > mem.out
[ $? = 1 ] || no "--mem 40M: want exit 1"
grep -q "1-baseline.heapsnapshot.gz: needs about 70 MiB of memory, more than the budget of 40 MiB" mem.out ||
	no "--mem message: $(grep needs mem.out)"
grep -q "stored   4 (cpuprofile 3, trace 1)" mem.out ||
	no "--mem: CPU profiles not stored: $(cat mem.out)"
"$PROFKIT" ingest incident --db mem.db --mem 0.5x > /dev/null 2> memu.err
[ $? = 2 ] || no "--mem 0.5x: want exit 2"

# ---- 6. locked and newer databases ----
cp one.db locked.db
sum=$(sha256sum locked.db | cut -d' ' -f1)
# another writer holds the lock: the sqlite3 shell, fed through a fifo
mkfifo lockfifo
sqlite3 locked.db < lockfifo > /dev/null &
lockpid=$!
exec 3> lockfifo
echo "BEGIN IMMEDIATE; SELECT 1;" >&3
sleep 0.5
t0=$(date +%s)
"$PROFKIT" ingest incident --db locked.db > /dev/null 2> locked.err
rc=$?
t1=$(date +%s)
echo "COMMIT;" >&3
exec 3>&-
wait $lockpid
[ "$rc" = 1 ] || no "locked database: exit $rc, want 1"
grep -q "locked.db: .*database is locked" locked.err ||
	no "locked message: $(cat locked.err)"
[ $((t1 - t0)) -ge 4 ] || no "locked database: did not wait"
sqlite3 newer.db "CREATE TABLE t(x); PRAGMA user_version = 99"
sum2=$(sha256sum newer.db | cut -d' ' -f1)
"$PROFKIT" ingest incident --db newer.db > /dev/null 2> newer.err
[ $? = 1 ] || no "newer schema: want exit 1"
grep -q "newer.db: database schema version 99 is newer" newer.err ||
	no "newer schema message: $(cat newer.err)"
[ "$(sha256sum newer.db | cut -d' ' -f1)" = "$sum2" ] ||
	no "newer database was changed"
[ "$(sha256sum locked.db | cut -d' ' -f1)" = "$sum" ] || no "locked.db changed"

[ -e "$tmp/failed" ] && fail=1
[ $fail = 0 ] && echo "ingest: all checks passed"
exit $fail

#!/bin/sh
# The main job on the bundled fixtures (what `make demo` runs): the CPU
# reports a user would look at first, the heap reports, flame graphs
# written to OUT, and last what grew from the baseline to the leak
# snapshot and what holds it (heap diff and its explanation, then the
# leak clusters of heap leaks).
# Usage: demo.sh PROFKIT [OUT]   (OUT default: build/demo)
set -eu
pk=${1:-build/release/bin/profkit}
case "$pk" in /*) ;; *) pk="$(pwd)/$pk" ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$root/build/demo}
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac
mkdir -p "$out"
cd "$root/fixtures/cpu"
run() {
	printf '\n$ profkit %s\n' "$*"
	"$pk" "$@"
}
# a picture: shown as "-o NAME", written to OUT/NAME
pic() {
	name=$1
	shift
	printf '\n$ profkit %s -o %s\n' "$*" "$name"
	"$pk" "$@" -o "$out/$name"
}
run info busy_wait.cpuprofile trace_busy_wait.json
run cpu top busy_wait.cpuprofile -n 8
run cpu tree recursion.cpuprofile --max-depth 6 --min-percent 2
run cpu lines busy_wait.cpuprofile -n 5
run cpu callers recursion.cpuprofile '^isEven$' --max-depth 3
run cpu top async_io.cpuprofile -n 6 --exclude '^\((idle|program)\)$'
run cpu folded json_parse.cpuprofile
cd ../heap
run info leak.heapsnapshot.gz
run heap summary leak.heapsnapshot.gz -n 12
run heap retainers leak.heapsnapshot.gz @76977
run heap retainers leak.heapsnapshot.gz @73919
run heap top leak.heapsnapshot.gz -n 5
cd ../cpu
pic cpu-flame.svg cpu flame busy_wait.cpuprofile
pic cpu-flame.png cpu flame recursion.cpuprofile --sort weight
pic cpu-chart.svg cpu flame busy_wait.cpuprofile --chart
pic cpu-diff.svg cpu diff release_a.cpuprofile release_b.cpuprofile
pic heap-flame.svg heap flame ../heap/leak.heapsnapshot.gz
pic heap-growth.svg heap diff ../heap/baseline.heapsnapshot.gz \
	../heap/leak.heapsnapshot.gz
printf '\nflame graphs written to %s: cpu-flame.svg cpu-flame.png cpu-chart.svg cpu-diff.svg heap-flame.svg heap-growth.svg\n' "$out"
cd ../heap
run heap diff baseline.heapsnapshot.gz leak.heapsnapshot.gz -n 10 \
	--exclude '^\((string|concatenated string|compiled code)\)$'
run heap leaks baseline.heapsnapshot.gz leak.heapsnapshot.gz --min-count 10
# batch: the whole fixtures folder into one database (fixtures/bad fails
# on purpose: ingest records why and goes on, exit status 1), then one of
# docs/ingest.md's queries
cd "$root"
printf '\n$ profkit ingest fixtures --db %s/fixtures.db\n' "$out"
"$pk" ingest fixtures --db "$out/fixtures.db" -q ||
	echo "(exit status $?: the broken files of fixtures/bad failed, as they should)"
printf '\n$ sqlite3 -column -header %s/fixtures.db "<which functions dominate CPU across all profiles>"\n' "$out"
sqlite3 -column -header "$out/fixtures.db" "
SELECT coalesce(nullif(f.name, ''), '(anonymous)') AS function,
       count(DISTINCT f.artifact_id) AS profiles,
       round(sum(f.self_us) / 1000.0, 1) AS self_ms
FROM cpu_function f
WHERE f.kind = 'js'
GROUP BY f.name, f.url, f.line
ORDER BY self_ms DESC LIMIT 8;"

#!/usr/bin/env bash
# ingest_bench.sh - `profkit ingest` throughput against the per-artifact
# commands (issue 11 target: ingest wall <= 1.2x the sum of the
# per-artifact command times divided by the cores used), and `merge` of
# 10 databases of 100 artifacts each.
#
# The folder (made once, gzipped): 40 synthetic CPU profiles (SAMPLES
# samples each) and 3 tasks of 2 snapshots of SNAP bytes of the same
# process (gen_big_heapsnapshot.js --second), so ingest also stores 3
# heap diffs. The per-artifact side runs, one after the other, exactly what
# ingest stores: `cpu top F --db`, `heap summary F --db` and `heap diff A B
# --db`; its wall times are summed and divided by JOBS. Then ingest -j JOBS
# into a fresh database, RUNS times, alternating with the sequential side.
# Prints every run, the medians and the ratio, with the load average.
# Usage: tests/bench/ingest_bench.sh [RUNS (3)]
#   DIR=/tmp/profkit-bench/ingest JOBS=2 SNAP=100m SAMPLES=200000
#   PROFKIT=build/release/bin/profkit
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-3}
dir=${DIR:-/tmp/profkit-bench/ingest}
jobs=${JOBS:-2}
snap=${SNAP:-100m}
samples=${SAMPLES:-200000}
pk=${PROFKIT:-$here/../../build/release/bin/profkit}
in=$dir/incident
mkdir -p "$in"
if [[ ! -e $in/.done ]]; then
	for i in $(seq -w 1 40); do
		mkdir -p "$in/cpu"
		node "$here/../../fixtures/gen/synth_cpuprofile.js" \
			--samples "$samples" --nodes 3000 --seed "$i" \
			-o "$in/cpu/svc-$i.cpuprofile"
		gzip -f "$in/cpu/svc-$i.cpuprofile"
	done
	for t in a b c; do
		mkdir -p "$in/task-$t"
		node "$here/gen_big_heapsnapshot.js" --size "$snap" \
			--seed "$(printf %d "'$t")" \
			-o "$in/task-$t/1-base.heapsnapshot" \
			--second "$in/task-$t/2-later.heapsnapshot"
		gzip -f "$in/task-$t/"*.heapsnapshot
	done
	touch "$in/.done"
fi
du -sh "$in"
t() { # wall seconds of a command
	local s e
	s=$(date +%s.%N)
	"$@" > /dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}
sequential() {
	local db=$dir/seq.db sum=0 f x
	rm -f "$db"
	for f in "$in"/cpu/*.gz; do
		x=$(t "$pk" cpu top "$f" --db "$db" -q -n 1)
		sum=$(echo "$sum + $x" | bc)
	done
	for tk in a b c; do
		for f in "$in/task-$tk"/*.gz; do
			x=$(t "$pk" heap summary "$f" --db "$db" -q -n 1)
			sum=$(echo "$sum + $x" | bc)
		done
		x=$(t "$pk" heap diff "$in/task-$tk/1-base.heapsnapshot.gz" \
			"$in/task-$tk/2-later.heapsnapshot.gz" --db "$db" -q \
			-n 1 --explain 0)
		sum=$(echo "$sum + $x" | bc)
	done
	echo "$sum"
}
: > "$dir/runs.txt"
for ((i = 0; i < runs; i++)); do
	s=$(sequential)
	rm -f "$dir/ingest.db"
	w=$(t "$pk" ingest "$in" --db "$dir/ingest.db" -j "$jobs" -q)
	printf 'run %d: per-artifact sum %.2f s (/%d = %.2f s), ingest -j %d %.2f s, load %s\n' \
		"$i" "$s" "$jobs" "$(echo "$s / $jobs" | bc -l)" "$jobs" "$w" \
		"$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$dir/runs.txt"
	echo "$s $w" >> "$dir/pairs.txt.$$"
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms=$(cut -d' ' -f1 "$dir/pairs.txt.$$" | med)
mw=$(cut -d' ' -f2 "$dir/pairs.txt.$$" | med)
rm -f "$dir/pairs.txt.$$"
printf 'medians: per-artifact sum %.2f s, /%d = %.2f s; ingest %.2f s; ratio %.2f (target <= 1.2)\n' \
	"$ms" "$jobs" "$(echo "$ms / $jobs" | bc -l)" "$mw" \
	"$(echo "$mw / ($ms / $jobs)" | bc -l)"

# merge: 10 databases of 100 artifacts each (copies of the 40 profiles'
# database under other sha256s would need other files: instead each shard
# database is a full ingest of 100 small profiles made distinct by seed)
m=$dir/merge
if [[ ! -e $m/.done ]]; then
	mkdir -p "$m"
	for s in $(seq 0 9); do
		mkdir -p "$m/src$s"
		for k in $(seq -w 1 100); do
			node "$here/../../fixtures/gen/synth_cpuprofile.js" \
				--samples 2000 --nodes 300 --seed "$s$k" \
				-o "$m/src$s/p$k.cpuprofile"
		done
		"$pk" ingest "$m/src$s" --db "$m/s$s.db" -q -j "$jobs" > /dev/null
	done
	touch "$m/.done"
fi
rm -f "$m/all.db"
/usr/bin/time -f "merge of 10 x 100 artifacts: %e s wall, %M KB peak RSS" \
	"$pk" merge "$m"/s?.db -o "$m/all.db"

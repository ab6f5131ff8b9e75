#!/usr/bin/env bash
# diff_bench.sh - `heap diff BASE TARGET` against one `heap summary TARGET`
# (issue 9 targets: diff <= 1.5x the summary's time, peak RSS <= 1.6x the
# larger file). Makes two related snapshots of one process when missing
# (gen_big_heapsnapshot.js --second: TARGET = BASE + 5 % units, some
# objects dropped), then runs summary, diff --explain 0 and diff with the
# text default (--explain 5) alternately, RUNS times each, and prints each
# run and the medians of wall, user+sys and peak RSS, with the load average.
# Usage: tests/bench/diff_bench.sh [SIZE (default 1g)] [RUNS (default 5)]
#   DIR=/tmp/heapdiff PROFKIT=build/release/bin/profkit
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=${1:-1g}
runs=${2:-5}
dir=${DIR:-/tmp/profkit-bench/diff}
pk=${PROFKIT:-$here/../../build/release/bin/profkit}
base=$dir/base-$size.heapsnapshot
target=$dir/target-$size.heapsnapshot
mkdir -p "$dir"
if [[ ! -s $base || ! -s $target ]]; then
	node "$here/gen_big_heapsnapshot.js" --size "$size" -o "$base" \
		--second "$target"
fi
ls -l "$base" "$target"
one() { # NAME CMD...: "NAME wall user+sys rss_MB load"
	local name=$1; shift
	local t
	t=$( { /usr/bin/time -f "%e %U %S %M" "$@" > /dev/null; } 2>&1 |
		tail -1)
	read -r e u s m <<< "$t"
	printf '%-12s %7.2f %7.2f %8.0f   load %s\n' "$name" "$e" \
		"$(echo "$u + $s" | bc)" "$((m / 1024))" \
		"$(cut -d' ' -f1 /proc/loadavg)"
}
for ((i = 0; i < runs; i++)); do
	one summary "$pk" heap summary "$target" -q -n 1
	one diff "$pk" heap diff "$base" "$target" -q -n 1 --explain 0
	one diff+expl "$pk" heap diff "$base" "$target" -q -n 25
done | tee "$dir/runs.txt"
echo "medians (wall s, user+sys s, peak RSS MB):"
for n in summary diff diff+expl; do
	awk -v n="$n" '$1 == n { w[++k] = $2; c[k] = $3; r[k] = $4 }
	function med(a, k,   i, j, t) {
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((k + 1) / 2)]
	}
	END { printf "%-12s %7.2f %7.2f %8d\n", n, med(w, k), med(c, k), med(r, k) }' \
		"$dir/runs.txt"
done

#!/usr/bin/env bash
# leaks_bench.sh - `heap leaks BASE TARGET FINAL` against one `heap summary
# TARGET` (issue 9 target: leaks <= 3x the summary's time) and beside
# memlab's find-leaks on the same three files (expected >= 20x slower).
# Makes three related snapshots of one process when missing
# (gen_big_heapsnapshot.js --second --third: TARGET = BASE + 10 % units,
# some objects dropped; FINAL drops the new listeners and half the new Map
# entries again), then runs summary and leaks alternately, RUNS times each,
# and prints each run and the medians of wall, user+sys and peak RSS,
# with the load average; then memlab find-leaks once with its defaults
# and once with --trace-all-objects (its defaults look for detached DOM
# and React Fiber nodes: on a Node heap they find next to nothing).
# Usage: tests/bench/leaks_bench.sh [SIZE (default 100m)] [RUNS (default 5;
#   0: memlab only)]
#   DIR=/tmp/profkit-bench/leaks PROFKIT=build/release/bin/profkit
#   MEMLAB=/tmp/memlab/node_modules/.bin/memlab (installed there with npm
#   when missing: memlab@2.0.5, PUPPETEER_SKIP_DOWNLOAD=1), NO_MEMLAB=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=${1:-100m}
runs=${2:-5}
dir=${DIR:-/tmp/profkit-bench/leaks}
pk=${PROFKIT:-$here/../../build/release/bin/profkit}
memlab=${MEMLAB:-/tmp/memlab/node_modules/.bin/memlab}
base=$dir/base-$size.heapsnapshot
target=$dir/target-$size.heapsnapshot
final=$dir/final-$size.heapsnapshot
mkdir -p "$dir"
if [[ ! -s $base || ! -s $target || ! -s $final ]]; then
	node "$here/gen_big_heapsnapshot.js" --size "$size" -o "$base" \
		--second "$target" --grow 10 --third "$final"
fi
ls -l "$base" "$target" "$final"
tfile=$(mktemp)
trap 'rm -f "$tfile"' EXIT
one() { # NAME CMD...: "NAME wall user+sys rss_MB load"
	local name=$1; shift
	# -o: memlab draws progress on stderr
	/usr/bin/time -o "$tfile" -f "%e %U %S %M" "$@" > /dev/null 2>&1 ||
		echo "$name: exit status $?"
	read -r e u s m <<< "$(tail -1 "$tfile")"
	printf '%-12s %7.2f %7.2f %8.0f   load %s\n' "$name" "$e" \
		"$(echo "$u + $s" | bc)" "$((m / 1024))" \
		"$(cut -d' ' -f1 /proc/loadavg)"
}
for ((i = 0; i < runs; i++)); do
	one summary "$pk" heap summary "$target" -q -n 1
	one leaks "$pk" heap leaks "$base" "$target" "$final" -q -n 25
done | tee "$dir/runs.txt"
((runs > 0)) && echo "medians (wall s, user+sys s, peak RSS MB):"
((runs > 0)) && for n in summary leaks; do
	awk -v n="$n" '$1 == n { w[++k] = $2; c[k] = $3; r[k] = $4 }
	function med(a, k,   i, j, t) {
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((k + 1) / 2)]
	}
	END { printf "%-12s %7.2f %7.2f %8d\n", n, med(w, k), med(c, k), med(r, k) }' \
		"$dir/runs.txt"
done
"$pk" heap leaks "$base" "$target" "$final" -n 5
[[ -n ${NO_MEMLAB:-} ]] && exit 0
if [[ ! -x $memlab ]] && command -v npm > /dev/null; then
	echo "installing memlab@2.0.5 into /tmp/memlab" >&2
	mkdir -p /tmp/memlab
	PUPPETEER_SKIP_DOWNLOAD=1 timeout 600 npm install --no-audit --no-fund \
		--prefix /tmp/memlab memlab@2.0.5 > /dev/null 2>&1 || true
fi
if [[ ! -x $memlab ]]; then
	echo "memlab: skipped (not installed: $memlab)"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work" "$tfile"' EXIT
for extra in "" --trace-all-objects; do
	# memlab's parser needs a big heap; --work-dir keeps ~/.memlab clean
	rm -rf "$work/w"
	( cd "$work" && NODE_OPTIONS=--max-old-space-size=16000 one \
		"memlab${extra:+ -all}" "$memlab" find-leaks --baseline "$base" \
		--target "$target" --final "$final" --work-dir "$work/w" \
		$extra )
	sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$work/w/data/out/leaks.txt" \
		2> /dev/null | grep -c "Similar leaks" |
		sed "s/^/memlab $extra: clusters printed: /" || true
done

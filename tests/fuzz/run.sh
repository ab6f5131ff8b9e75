#!/bin/sh
# run.sh FUZZ_DIR SECONDS [WORK_DIR] - runs each libFuzzer target of
# FUZZ_DIR (built by the AN_FUZZ=ON configuration) for SECONDS, one after
# the other, seeded from fixtures/ at run time (symlinks; gzip and zstd
# copies of small fixtures for the gzip target), with tests/fuzz/json.dict.
# The corpus each run grows is kept in WORK_DIR/corpus/TARGET for the next
# run; a crash, a timeout (-timeout), a memory blow-up (-rss_limit_mb,
# -malloc_limit_mb) or a leak stops the target, leaves the input in
# WORK_DIR/artifacts/TARGET/ and fails the run. FUZZ_TARGETS (space
# separated) picks targets; the default is all four.
set -eu
fuzz_dir=$(cd "$1" && pwd)
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
fx=$(cd "$here/../../fixtures" && pwd)
work=${3:-$fuzz_dir/work}
targets=${FUZZ_TARGETS:-cpuprofile trace heapsnapshot gzip}
mkdir -p "$work"
work=$(cd "$work" && pwd)

# seeds: fixtures up to 128 KiB (bigger ones only slow every mutation)
seed() {
	dir=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		case $f in *.md) continue ;; esac
		[ "$(wc -c <"$f")" -le 131072 ] || continue
		ln -sf "$f" "$dir/$(echo "${f#"$fx"/}" | tr / _)"
	done
}

make_seeds() {
	t=$1
	d=$work/seeds/$t
	rm -rf "$d"
	mkdir -p "$d"
	case $t in
	cpuprofile)
		seed "$d" "$fx"/cpu/*.cpuprofile "$fx"/bad/*.cpuprofile \
			"$fx"/bad/limits/*.cpuprofile \
			"$fx"/heapprofile/*.heapprofile \
			"$fx"/bad/heapprofile/*.heapprofile ;;
	trace)
		seed "$d" "$fx"/cpu/trace_*.json "$fx"/bad/*.json \
			"$fx"/bad/trace/*.json ;;
	heapsnapshot)
		seed "$d" "$fx"/heap/*.heapsnapshot "$fx"/bad/heap/* \
			"$fx"/bad/*.heapsnapshot \
			"$fx"/bad/limits/*.heapsnapshot ;;
	gzip)
		# (not the 16 MiB bomb: every run of it would take 0.2 s)
		seed "$d" "$fx"/cpu/*.gz "$fx"/bad/*.gz "$fx"/bad/heap/*.gz \
			"$fx"/cpu/*.zst "$fx"/heap/*.zst "$fx"/bad/*.zst \
			"$fx"/bad/limits/nul_1m.gz \
			"$fx"/bad/limits/*.heapsnapshot.gz
		for f in "$fx"/heap/tiny.heapsnapshot \
			"$fx"/cpu/busy_wait.cpuprofile \
			"$fx"/cpu/trace_busy_wait.json; do
			b=$(basename "$f")
			gzip -9nc "$f" >"$d/$b.gz"
			zstd -q -3 -c "$f" >"$d/$b.zst"
		done
		# two members; a member followed by junk; an empty member
		cat "$d/tiny.heapsnapshot.gz" "$d/tiny.heapsnapshot.gz" \
			>"$d/two_members.gz"
		{ cat "$d/busy_wait.cpuprofile.gz"; printf 'junk'; } \
			>"$d/trailing_junk.gz"
		printf '' | gzip -9nc >"$d/empty_member.gz"
		# zstd: two frames; a frame followed by junk
		cat "$d/tiny.heapsnapshot.zst" "$d/tiny.heapsnapshot.zst" \
			>"$d/two_frames.zst"
		{ cat "$d/busy_wait.cpuprofile.zst"; printf 'junk'; } \
			>"$d/trailing_junk.zst"
		;;
	esac
}

status=0
summary=""
for t in $targets; do
	bin=$fuzz_dir/fuzz_$t
	[ -x "$bin" ] || { echo "run.sh: no $bin" >&2; exit 1; }
	make_seeds "$t"
	mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
	log=$work/$t.log
	rc=0
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-malloc_limit_mb=1024 -dict="$here/json.dict" \
		-print_final_stats=1 -close_fd_mask=1 \
		-artifact_prefix="$work/artifacts/$t/" \
		"$work/corpus/$t" "$work/seeds/$t" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	corpus=$(ls "$work/corpus/$t" | wc -l)
	line="fuzz_$t: ${execs:-?} runs in ${secs}s, corpus $corpus"
	if [ "$rc" -ne 0 ]; then
		line="$line, FAILED (exit $rc; log $log)"
		status=1
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit)' \
			"$log" | head -20 >&2 || true
		tail -n 40 "$log" >&2
	fi
	echo "$line"
	summary="$summary$line
"
done
printf '%s' "$summary" >"$work/summary.txt"
exit $status

#!/bin/sh
# zstd_bench.sh PROFKIT SNAPSHOT [RUNS] - the cost of compressed input
# (issue 11): `heap summary` and `info` of SNAPSHOT plain, gzip -6 and
# zstd -3 (the tools' defaults), RUNS times each (default 5), interleaved,
# printing "wall user sys maxrss_kB" per run; then the byte source alone
# (srcread.c, built against the libanalyze.a beside PROFKIT: inflate or
# decompress, no parsing) and the decompressors (gzip -dc, zstd -dc into
# /dev/null) for scale. Writes the .gz and .zst beside SNAPSHOT when they
# are missing.
set -eu
P=$1
S=$2
N=${3:-5}
[ -f "$S.gz" ] || gzip -6 -k "$S"
[ -f "$S.zst" ] || zstd -q -3 -k "$S" -o "$S.zst"
ls -l "$S" "$S.gz" "$S.zst"
uptime
t() { /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$TMP_ERR" ||
	{ cat "$TMP_ERR"; exit 1; }; tail -n 1 "$TMP_ERR"; }
TMP_ERR=$(mktemp)
trap 'rm -f "$TMP_ERR"' EXIT
for cmd in "heap summary" "info"; do
	i=0
	while [ "$i" -lt "$N" ]; do
		for f in "$S" "$S.gz" "$S.zst"; do
			# shellcheck disable=SC2086
			echo "$cmd ${f##*/} $(t "$P" $cmd -q "$f")"
		done
		i=$((i + 1))
	done
done
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$(dirname "$P")/.." && pwd)
SR=$(mktemp)
cc -O2 -I"$here/../../libanalyze/include" -I"$build/libanalyze/include" \
	"$here/srcread.c" "$build/libanalyze/libanalyze.a" -lz -lzstd \
	-lpthread -lm -o "$SR"
i=0
while [ "$i" -lt "$N" ]; do
	for f in "$S" "$S.gz" "$S.zst"; do
		echo "srcread ${f##*/} $(t "$SR" "$f")"
	done
	i=$((i + 1))
done
rm -f "$SR"
i=0
while [ "$i" -lt "$N" ]; do
	echo "gzip -dc $(t gzip -dc "$S.gz")"
	echo "zstd -dc $(t zstd -q -dc "$S.zst")"
	i=$((i + 1))
done
uptime

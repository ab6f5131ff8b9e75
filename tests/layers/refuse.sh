#!/bin/sh
# refuse.sh CHECK LAYERS_FILE RACY_OBJECT - proves tools/check_layers.sh
# can fail: the real table passes; a table in which cpu does not use io
# (it does) and io does not own yajl (it does) is refused with those
# offences; a layer holding mutable statics (in .bss and, as a pointer
# initialised in PIC code, in .data.rel.local) is refused.
set -u
check=$1
table=$2
racy=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! sh "$check" "$table" >"$tmp/good" 2>&1; then
	echo "FAIL: the library's own table is refused:"
	cat "$tmp/good"
	fail=1
fi
sed -e 's/^cpu core,io,filter,flame:/cpu core,filter,flame:/' \
	-e 's/^io core: ZLIB,ZSTD,YAJL:/io core: ZLIB,ZSTD:/' "$table" >"$tmp/bad"
if sh "$check" "$tmp/bad" >"$tmp/out" 2>&1; then
	echo "FAIL: a cpu layer without io and an io layer without yajl pass"
	fail=1
fi
for want in "layer io calls yajl_alloc of YAJL, which is not among its DEPS (ZLIB,ZSTD)" \
	"layer cpu calls an_source_peek of layer io, which it does not use (uses: core,filter,flame)"; do
	grep -qF "$want" "$tmp/out" || {
		echo "FAIL: missing: $want"
		fail=1
	}
done
{
	cat "$table"
	echo "racy core: : $racy"
} >"$tmp/racy"
if sh "$check" "$tmp/racy" >"$tmp/out2" 2>&1; then
	echo "FAIL: a layer with a mutable static passes"
	fail=1
fi
for v in counter greeting; do
	grep -qF "layer racy: racy.c.o holds mutable static $v" "$tmp/out2" || {
		echo "FAIL: the mutable static $v is not named:"
		cat "$tmp/out2"
		fail=1
	}
done
[ $fail -eq 0 ] && echo "layers: 3 passed, 0 failed"
exit $fail

# zstd input (issue 11): a .zst artifact reports exactly what its plain
# original does (only the file name differs), from a path or from stdin,
# in one frame (synth_small) or three (tiny.heapsnapshot.zst: a
# skippable frame, then the snapshot in two frames); a truncated .zst is
# an error naming the file, with no partial report.
same() { # same NAME ARGS... : profkit ARGS on the .zst and on the plain file
	name=$1
	shift
	"$PROFKIT" "$@" "$name.zst" | sed "s|$name.zst|$name|g" >"$TMPDIR/z"
	"$PROFKIT" "$@" "$name" >"$TMPDIR/p"
	if cmp -s "$TMPDIR/z" "$TMPDIR/p"; then
		echo "same: $* $name[.zst]"
	else
		echo "DIFFERENT: $* $name[.zst]"
		diff "$TMPDIR/z" "$TMPDIR/p" | head
	fi
}
"$PROFKIT" info synth_small.cpuprofile.zst ../heap/tiny.heapsnapshot.zst
"$PROFKIT" cpu top -n 3 synth_small.cpuprofile.zst
same synth_small.cpuprofile cpu top --format json
same synth_small.cpuprofile cpu tree --format csv
same synth_small.cpuprofile cpu folded
same ../heap/tiny.heapsnapshot heap summary --format json
same ../heap/tiny.heapsnapshot heap top
"$PROFKIT" info - <synth_small.cpuprofile.zst | head -3
"$PROFKIT" cpu top -o "$TMPDIR/zstd_trunc.txt" ../bad/truncated.cpuprofile.zst 2>&1
echo "exit $?"
[ ! -e "$TMPDIR/zstd_trunc.txt" ] && echo "no output file"
head -c 5000 synth_small.cpuprofile.zst | "$PROFKIT" cpu top - 2>&1
echo "exit $?"

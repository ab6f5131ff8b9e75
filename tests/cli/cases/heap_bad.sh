# Every bad heap snapshot: exit 1, exactly one line on stderr naming the
# file (with the byte offset), no output file left behind by -o.
for f in ../bad/heap/*; do
	case "$f" in *.md) continue ;; esac
	"$PROFKIT" heap summary "$f" -o "$TMPDIR/heap_out.txt" >/dev/null \
		2>"$TMPDIR/heap_e"
	rc=$?
	[ $rc = 1 ] || { echo "$f: exit $rc"; exit 1; }
	[ "$(wc -l < "$TMPDIR/heap_e")" = 1 ] ||
		{ echo "$f: stderr:"; cat "$TMPDIR/heap_e"; exit 1; }
	grep -q "^profkit: $f: .* (byte [0-9]*)$" "$TMPDIR/heap_e" ||
		{ echo "$f: file or offset not named"; exit 1; }
	[ ! -e "$TMPDIR/heap_out.txt" ] ||
		{ echo "$f: left an output file"; exit 1; }
	cat "$TMPDIR/heap_e"
done
# every subcommand reports the same way
for c in top show dominators retainers; do
	id=@1
	[ $c = top ] && id=
	# shellcheck disable=SC2086
	"$PROFKIT" heap $c ../bad/heap/truncated.heapsnapshot.gz $id \
		>/dev/null 2>"$TMPDIR/heap_e"
	echo "heap $c $id: exit $? ($(wc -l < "$TMPDIR/heap_e") line)"
done
"$PROFKIT" heap summary no/such/file.heapsnapshot 2>&1
echo "exit $?"
# object ids: a malformed one is a usage error (2), an unknown one an
# error (1) naming the file
tiny=../heap/tiny.heapsnapshot
run() {
	"$PROFKIT" "$@" >"$TMPDIR/heap_o" 2>"$TMPDIR/heap_e"
	echo "$*: exit $? $(head -1 "$TMPDIR/heap_e")"
	[ -s "$TMPDIR/heap_o" ] && echo "  (printed a report)"
}
run heap show "$tiny"
run heap show "$tiny" @x
run heap show "$tiny" @
run heap retainers "$tiny" @-1
run heap retainers "$tiny" 5x
run heap show "$tiny" @999999999
run heap retainers "$tiny" @999999999
run heap dominators "$tiny" @2
run heap show "$tiny" @5 @7
run heap summary "$tiny" -n -1
run heap dominators "$tiny" --max-depth x
run heap retainers "$tiny" @5 --paths 0
run heap top "$tiny" --format xml
run heap bogus "$tiny"
run heap
run heap cpu "$tiny"
# help: exit 0, nothing on stderr
for c in "" summary top show dominators retainers; do
	# shellcheck disable=SC2086
	"$PROFKIT" heap $c --help >/dev/null 2>"$TMPDIR/heap_e"
	echo "heap${c:+ $c} --help: exit $? stderr $(wc -c < "$TMPDIR/heap_e")"
done
# a snapshot on standard input that a reader started on: the edge thread's
# file offsets would not be the parser's, so it is not used (the summary
# is the same as from the file itself)
{ printf 'X'; cat "$tiny"; } > "$TMPDIR/x.heapsnapshot"
{ dd bs=1 count=1 of=/dev/null 2>/dev/null; "$PROFKIT" heap summary - -n 3 -q; } < "$TMPDIR/x.heapsnapshot" > "$TMPDIR/a"
"$PROFKIT" heap summary "$tiny" -n 3 -q > "$TMPDIR/b"
cmp "$TMPDIR/a" "$TMPDIR/b" && echo "stdin from mid-file: same summary"

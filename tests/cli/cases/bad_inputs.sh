# Every bad input: exit 1, exactly one line on stderr naming the file, and
# no output file left behind by -o.
for f in ../bad/*; do
	[ -f "$f" ] || continue
	case "$f" in *.md) continue ;; esac
	"$PROFKIT" cpu top "$f" -o "$TMPDIR/out.txt" >/dev/null 2>"$TMPDIR/e"
	rc=$?
	[ $rc = 1 ] || { echo "$f: exit $rc"; exit 1; }
	[ "$(wc -l < "$TMPDIR/e")" = 1 ] || { echo "$f: stderr:"; cat "$TMPDIR/e"; exit 1; }
	grep -q "^profkit: $f: " "$TMPDIR/e" || { echo "$f: file not named"; exit 1; }
	[ ! -e "$TMPDIR/out.txt" ] || { echo "$f: left an output file"; exit 1; }
	ls "$TMPDIR" | grep -q tmp- && { echo "$f: left a temp file"; exit 1; }
	cat "$TMPDIR/e"
done
"$PROFKIT" cpu top no/such/file.cpuprofile 2>&1
echo "exit $?"

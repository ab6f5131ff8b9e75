# --help on every command (bsdtar's test_help): exit 0, nothing on stderr,
# and on stdout the usage text naming that command ("Usage: profkit cpu
# top ..."). An unknown option on the same command is a usage error: exit
# 2, nothing on stdout, a message on stderr pointing to that --help.
# Prints one line per command (so a command dropped from the list changes
# the golden) and stops at the first failure.
for c in "" "info" "cpu" "cpu top" "cpu tree" "cpu lines" "cpu callers" \
	"cpu callees" "cpu folded" "cpu flame" "cpu diff" "heap" "heap summary" "heap top" \
	"heap show" "heap dominators" "heap retainers" "heap flame"; do
	name="profkit${c:+ $c}"
	# shellcheck disable=SC2086
	"$PROFKIT" $c --help > "$TMPDIR/help_o" 2> "$TMPDIR/help_e"
	rc=$?
	[ $rc = 0 ] || { echo "$name --help: exit $rc"; exit 1; }
	[ -s "$TMPDIR/help_e" ] &&
		{ echo "$name --help: stderr: $(head -1 "$TMPDIR/help_e")"; exit 1; }
	first=$(head -1 "$TMPDIR/help_o")
	case "$first" in
	"Usage: $name "*) ;;
	*) echo "$name --help: no usage text: $first"; exit 1 ;;
	esac
	lines=$(wc -l < "$TMPDIR/help_o" | tr -d ' ')
	[ "$lines" -ge 3 ] ||
		{ echo "$name --help: usage text too short"; exit 1; }
	# shellcheck disable=SC2086
	"$PROFKIT" $c --no-such-option > "$TMPDIR/help_o" 2> "$TMPDIR/help_e"
	rc=$?
	[ $rc = 2 ] || { echo "$name --no-such-option: exit $rc"; exit 1; }
	[ -s "$TMPDIR/help_o" ] &&
		{ echo "$name --no-such-option: printed on stdout"; exit 1; }
	grep -q "^Try '$name --help' for more information\.$" \
		"$TMPDIR/help_e" ||
		{ echo "$name --no-such-option: $(head -1 "$TMPDIR/help_e")"
		  exit 1; }
	echo "$name: --help exit 0, usage error exit 2"
done

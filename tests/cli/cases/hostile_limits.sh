# fixtures/bad/limits: inputs that claim or expand to far more than they
# hold. Every command that reads one fails in one line naming the file
# and the byte, exit 1, no output file; the valid one loads.
for f in ../bad/limits/*; do
	case "$f" in *.md | */extreme_ids.*) continue ;; esac
	for c in info "cpu top" "heap summary"; do
		# shellcheck disable=SC2086
		"$PROFKIT" $c "$f" -q -o "$TMPDIR/lim_out" >/dev/null \
			2>"$TMPDIR/lim_e"
		rc=$?
		[ $rc = 1 ] || { echo "$c $f: exit $rc"; exit 1; }
		[ "$(wc -l < "$TMPDIR/lim_e")" = 1 ] ||
			{ echo "$c $f: stderr:"; cat "$TMPDIR/lim_e"; exit 1; }
		grep -q "^profkit: $f: .* (byte [0-9]*)$" "$TMPDIR/lim_e" ||
			{ echo "$c $f: file or offset not named"; exit 1; }
		[ ! -e "$TMPDIR/lim_out" ] ||
			{ echo "$c $f: left an output file"; exit 1; }
		# the machine's memory is not part of the golden
		echo "$c: $(sed 's/has [0-9]* MiB/has N MiB/' "$TMPDIR/lim_e")"
	done
done
"$PROFKIT" info -q ../bad/limits/extreme_ids.cpuprofile
"$PROFKIT" cpu top ../bad/limits/extreme_ids.cpuprofile

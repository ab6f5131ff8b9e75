# The legacy formats load into the same model: busy_wait.cpuprofile
# rewritten by fixtures/gen/cpuprofile_to_legacy.js as a Node <= 10
# .cpuprofile (nested head, 1-based lines, seconds, absolute timestamps)
# and as a Chrome 65/66 trace (one CpuProfile event). Every report equals
# busy_wait's (DevTools' oracle agrees for the .cpuprofile: see
# fixtures/cpu/expected/legacy_busy_wait.*; it ignores CpuProfile events).
"$PROFKIT" info legacy_busy_wait.cpuprofile trace_legacy_busy_wait.json || exit 1
for f in legacy_busy_wait.cpuprofile trace_legacy_busy_wait.json; do
	# -q: no summary line (it names the file); folded has none
	for c in "top -q -n 0" "tree -q" "folded" "top -q --weights hits"; do
		"$PROFKIT" cpu $c "$f" > "$TMPDIR/a" 2>&1 || exit 1
		"$PROFKIT" cpu $c busy_wait.cpuprofile > "$TMPDIR/b" 2>&1 || exit 1
		if cmp -s "$TMPDIR/a" "$TMPDIR/b"; then
			echo "$f: cpu $c as busy_wait.cpuprofile"
		else
			echo "$f: cpu $c DIFFERS"
		fi
	done
done
# the legacy .cpuprofile had no positionTicks yet: no hot lines; the
# Chrome 66 trace keeps busy_wait's
"$PROFKIT" cpu lines legacy_busy_wait.cpuprofile || exit 1
"$PROFKIT" cpu lines -q trace_legacy_busy_wait.json > "$TMPDIR/a" || exit 1
"$PROFKIT" cpu lines -q busy_wait.cpuprofile > "$TMPDIR/b" || exit 1
cmp -s "$TMPDIR/a" "$TMPDIR/b" && echo "trace_legacy_busy_wait.json: cpu lines as busy_wait.cpuprofile"

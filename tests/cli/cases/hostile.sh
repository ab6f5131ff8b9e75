# Hostile names never reach the terminal raw: no ESC or other control
# bytes in text output; JSON stays valid UTF-8 with escapes.
set -e  # every command here must succeed
"$PROFKIT" cpu top synth_hostile.cpuprofile -n 0 > "$TMPDIR/t"
if LC_ALL=C grep -q "$(printf '\033')" "$TMPDIR/t"; then
	echo "raw ESC in text output"; exit 1
fi
LC_ALL=C tr -d '\n\t\040-\176\200-\377' < "$TMPDIR/t" | wc -c
"$PROFKIT" cpu top synth_hostile.cpuprofile -n 0 --format json > "$TMPDIR/j"
LC_ALL=C tr -d '\n\040-\176\200-\377' < "$TMPDIR/j" | wc -c
grep -c '\\u001b' "$TMPDIR/j"
"$PROFKIT" cpu folded synth_hostile.cpuprofile > "$TMPDIR/f"
LC_ALL=C tr -d '\n\040-\176\200-\377' < "$TMPDIR/f" | wc -c

# issue 12: an artifact given to the other command group says which group
# reads it; every heap report's JSON names its "file"; info's CSV has
# every member of its JSON (the list of a trace's profiles as one JSON
# string); info explains hits != samples and negative timeDeltas in one
# line each.
for c in "cpu top ../heap/tiny.heapsnapshot" "heap summary busy_wait.cpuprofile" \
	"heap top trace_busy_wait.json"; do
	# shellcheck disable=SC2086
	"$PROFKIT" $c > "$TMPDIR/o" 2> "$TMPDIR/e"
	echo "$c: exit $? $(cat "$TMPDIR/e")"
done
H=../heap/tiny.heapsnapshot
for c in "summary $H" "top $H" "show $H @9" "dominators $H" \
	"retainers $H @9"; do
	# shellcheck disable=SC2086
	"$PROFKIT" heap $c --format json | head -c 38
	echo
done
"$PROFKIT" info --format csv busy_wait.cpuprofile "$H" trace_chrome_worker.json.gz
"$PROFKIT" info --format json busy_wait.cpuprofile "$H" trace_chrome_worker.json.gz |
	grep -o '"[a-z_]*": ' | sort -u | tr -d '":' | tr -s ' \n' ' '
echo
"$PROFKIT" info cli_cpu_prof.cpuprofile synth_small.cpuprofile |
	grep "^  hits\|^  negative"
# heap show has a CSV form: the object, its edges, its retainers
"$PROFKIT" heap show "$H" @13 --format csv -n 1

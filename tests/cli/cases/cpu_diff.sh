# profkit cpu diff on the hand-made pair (fixtures/gen/cpu_diff_pair.js;
# the values are derived by hand in tests/test_cpudiff.c): shares of each
# total by default, times with --absolute, JSON and CSV; filters and -n;
# errors name the file that failed.
"$PROFKIT" cpu diff diff_base.cpuprofile diff_target.cpuprofile || exit 1
"$PROFKIT" cpu diff --absolute -q diff_base.cpuprofile diff_target.cpuprofile || exit 1
"$PROFKIT" cpu diff --format json diff_base.cpuprofile diff_target.cpuprofile || exit 1
"$PROFKIT" cpu diff --format csv --absolute diff_base.cpuprofile diff_target.cpuprofile || exit 1
"$PROFKIT" cpu diff -q -n 2 --exclude '^new' diff_base.cpuprofile diff_target.cpuprofile || exit 1
# hits weighting: (end-start)/hits per hit, the same here (100 us each)
"$PROFKIT" cpu diff -q --weights hits diff_base.cpuprofile diff_target.cpuprofile | head -3
# a profile against itself (gzipped, and from stdin): nothing moved
"$PROFKIT" cpu diff -q -n 3 synth_small.cpuprofile - < synth_small.cpuprofile.gz || exit 1
# errors: exit 1, one line naming the file; nothing on stdout
"$PROFKIT" cpu diff diff_base.cpuprofile missing.cpuprofile 2>&1; echo "exit $?"
"$PROFKIT" cpu diff ../heap/tiny.heapsnapshot diff_target.cpuprofile 2>&1; echo "exit $?"
"$PROFKIT" cpu diff diff_base.cpuprofile - < /dev/null 2>&1; echo "exit $?"
"$PROFKIT" cpu diff - - 2>&1; echo "exit $?"
"$PROFKIT" cpu diff diff_base.cpuprofile 2>&1; echo "exit $?"
"$PROFKIT" cpu diff --max-depth 3 diff_base.cpuprofile diff_target.cpuprofile 2>&1; echo "exit $?"
# the differential flame graph: -o FILE.svg|png|pdf or --format
"$PROFKIT" cpu diff diff_base.cpuprofile diff_target.cpuprofile --subtitle s -o "$TMPDIR/d.svg" || exit 1
grep -c "<title>" "$TMPDIR/d.svg"
grep -o "<title>[a-z]*" "$TMPDIR/d.svg" | sort | tr '\n' ' '; echo
"$PROFKIT" cpu diff diff_base.cpuprofile diff_target.cpuprofile --format png > "$TMPDIR/d.png" || exit 1
head -c 4 "$TMPDIR/d.png" | od -An -c | tr -s ' '
"$PROFKIT" cpu diff diff_base.cpuprofile diff_target.cpuprofile --format gif 2>&1; echo "exit $?"
# --db: both profiles once each, every row (not only the -n shown), the
# same again replaces the rows; --absolute stores times
db="$TMPDIR/cpudiff.db"
rm -f "$db"
"$PROFKIT" cpu diff -q -n 1 --db "$db" diff_base.cpuprofile diff_target.cpuprofile > /dev/null || exit 1
"$PROFKIT" cpu diff -q -n 1 --absolute --db "$db" diff_base.cpuprofile diff_target.cpuprofile > /dev/null || exit 1
sqlite3 "$db" "SELECT count(*) FROM artifact; SELECT row_index, name, line, col, status, base_self_us, target_self_us, self_delta, delta_unit, self_ratio FROM cpu_diff ORDER BY row_index;"
# -o: nothing written when the target fails
"$PROFKIT" cpu diff -o "$TMPDIR/d.txt" diff_base.cpuprofile ../bad/truncated.cpuprofile 2>&1; echo "exit $?"
test -e "$TMPDIR/d.txt" && echo "d.txt written" || echo "no d.txt"

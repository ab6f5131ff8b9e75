# A report whose --db fails prints nothing on stdout (issue 12: "an error
# prints nothing on stdout"): the report is held until the database is
# written. Before, the report was printed and then the command failed.
echo "not a database" > "$TMPDIR/junk.db"
"$PROFKIT" cpu top busy_wait.cpuprofile -n 2 --db "$TMPDIR/junk.db" 2>&1 |
	sed "s|$TMPDIR|TMP|"
"$PROFKIT" heap summary ../heap/tiny.heapsnapshot -n 2 \
	--db "$TMPDIR/junk.db" 2>&1 | sed "s|$TMPDIR|TMP|"
# the same with a database that takes it: the report is printed
"$PROFKIT" cpu top busy_wait.cpuprofile -n 1 -q --db "$TMPDIR/ok.db"
echo "exit $?"

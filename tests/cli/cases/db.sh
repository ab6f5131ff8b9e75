# --db stores and replaces by content; a failed run leaves no database.
db="$TMPDIR/r.db"
"$PROFKIT" cpu top busy_wait.cpuprofile -n 1 --db "$db" > /dev/null || exit 1
"$PROFKIT" cpu top busy_wait.cpuprofile -n 1 --db "$db" > /dev/null || exit 1
"$PROFKIT" cpu tree recursion.cpuprofile --db "$db" > /dev/null || exit 1
[ -s "$db" ] && echo "database written"
"$PROFKIT" cpu top ../bad/truncated.cpuprofile --db "$TMPDIR/new.db" 2>/dev/null
echo "bad input: exit $?"
[ -e "$TMPDIR/new.db" ] && echo "left a database" || echo "no database left"
printf 'not a database' > "$TMPDIR/x.db"
"$PROFKIT" cpu top busy_wait.cpuprofile --db "$TMPDIR/x.db" > /dev/null 2>&1
echo "not a database: exit $?"
[ "$(cat "$TMPDIR/x.db")" = "not a database" ] && echo "file untouched"

#!/bin/sh
# Golden CLI tests (zstd cli-tests style). Each cases/NAME.sh runs with
# $PROFKIT set and fixtures/cpu as working directory; its stdout
# is compared with NAME.stdout.exact (a case without one fails) and its
# exit status with NAME.exit (default 0). Stderr must be empty unless
# NAME.stderr.exact exists (then compared too).
# Usage: run.sh PROFKIT FIXTURES_DIR CASES_DIR   (UPDATE=1 rewrites goldens;
# VALGRIND=1 runs every profkit call under valgrind: any error or leak
# makes that call exit 99, which fails its case)
set -u
PROFKIT=$1
FIXTURES=$2
DIR=$3/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "${VALGRIND:-0}" = 1 ]; then
	cat > "$tmp/profkit" <<EOS
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=all \\
	--error-exitcode=99 --suppressions=$3/valgrind.supp "$PROFKIT" "\$@"
EOS
	chmod +x "$tmp/profkit"
	PROFKIT=$tmp/profkit
fi
export PROFKIT
pass=0
fail=0
for case in "$DIR"/*.sh; do
	name=$(basename "$case" .sh)
	want_exit=0
	[ -f "$DIR/$name.exit" ] && want_exit=$(cat "$DIR/$name.exit")
	(cd "$FIXTURES/cpu" && TMPDIR="$tmp" sh "$case") \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	got_exit=$?
	ok=1
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/out" "$DIR/$name.stdout.exact"
		[ -s "$tmp/err" ] && cp "$tmp/err" "$DIR/$name.stderr.exact"
		[ "$got_exit" != 0 ] && echo "$got_exit" > "$DIR/$name.exit"
	fi
	if [ "$got_exit" != "$want_exit" ]; then
		echo "FAIL $name: exit $got_exit, want $want_exit"
		ok=0
	fi
	if [ ! -f "$DIR/$name.stdout.exact" ]; then
		echo "FAIL $name: no $name.stdout.exact"
		ok=0
	elif ! cmp -s "$tmp/out" "$DIR/$name.stdout.exact"; then
		echo "FAIL $name: stdout differs:"
		diff "$DIR/$name.stdout.exact" "$tmp/out" | head -20
		ok=0
	fi
	if [ -f "$DIR/$name.stderr.exact" ]; then
		if ! cmp -s "$tmp/err" "$DIR/$name.stderr.exact"; then
			echo "FAIL $name: stderr differs:"
			diff "$DIR/$name.stderr.exact" "$tmp/err" | head -20
			ok=0
		fi
	elif [ -s "$tmp/err" ]; then
		echo "FAIL $name: unexpected stderr:"
		head -5 "$tmp/err"
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "cli: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]

#!/bin/sh
# check_examples.sh PROFKIT FIXTURES DOC... - every example in the docs
# is re-run: in a ``` block, a line "$ profkit ARGS" is run (by sh, with
# stderr merged into stdout, from a copy of fixtures/cpu whose siblings
# ../heap, ../bad are the fixtures'; one copy per block, so a block's
# commands see the files the ones above wrote) and what it prints must be exactly
# the lines below it, up to the next "$ " line or the end of the block.
# A command whose double quotes are not balanced goes on to the next
# lines; "$ echo $?" runs in the shell of the command above it.
# A "$ " line that does not start with "profkit" (ls, sqlite3, ...) is
# run the same way. Prints each example that differs and fails.
# UPDATE=1 rewrites the examples' output in DOC with what they print now
# (read the diff before committing it).
set -u
P=$1
FX=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/ex"
ln -s "$(realpath "$P")" "$tmp/bin/profkit"
fail=0
n=0
for doc in "$@"; do
	rm -rf "$tmp/ex"/*
	awk -v dir="$tmp/ex" '
		/^```/ { inb = !inb; cur = ""; b++; next }
		!inb { next }
		open { print >> (cur ".cmd"); close(cur ".cmd");
		       if (gsub(/"/, "\"") % 2) open = 0; next }
		/^\$ echo \$\?$/ && cur != "" {
			print "echo $?" >> (cur ".cmd"); close(cur ".cmd"); next }
		/^\$ / { n++; cur = sprintf("%s/%04d_%04d", dir, b, n);
			 line = substr($0, 3);
			 print line > (cur ".cmd"); close(cur ".cmd");
			 open = gsub(/"/, "\"", line) % 2;
			 printf "" > (cur ".want"); next }
		cur != "" { print >> (cur ".want") }
	' "$doc"
	for c in "$tmp"/ex/*.cmd; do
		[ -f "$c" ] || continue
		base=${c%.cmd}
		block=$(basename "$base" | cut -d_ -f1)
		if [ "$block" != "${last:-}" ]; then
			last=$block
			rm -rf "$tmp/w"
			mkdir -p "$tmp/w/cpu"
			ln -s "$FX"/cpu/* "$tmp/w/cpu/"
			for d in "$FX"/*/; do
				d=${d%/}
				[ "$(basename "$d")" = cpu ] ||
					ln -s "$d" "$tmp/w/$(basename "$d")"
			done
		fi
		(cd "$tmp/w/cpu" && PATH="$tmp/bin:$PATH" sh -c "$(cat "$c")") \
			> "$base.got" 2>&1 < /dev/null
		n=$((n + 1))
		if ! cmp -s "$base.want" "$base.got"; then
			echo "FAIL $(basename "$doc"): \$ $(cat "$c")"
			diff "$base.want" "$base.got" | head -10
			fail=$((fail + 1))
		fi
	done
	# UPDATE=1: the doc gets what the commands print now
	[ "${UPDATE:-0}" = 1 ] || continue
	awk -v dir="$tmp/ex" '
		function flush(   f, line, k, nl) {
			if (cur == "") return
			f = cur ".got"; k = 0
			while ((getline line < f) > 0) got[++k] = line
			close(f)
			for (nl = 1; nl <= k; nl++) {
				if (echo && nl == k) print "$ echo $?"
				print got[nl]
			}
			cur = ""; echo = 0
		}
		/^```/ { flush(); inb = !inb; b++; print; next }
		!inb { print; next }
		open { print; if (gsub(/"/, "\"") % 2) open = 0; next }
		/^\$ echo \$\?$/ && cur != "" { echo = 1; next }
		/^\$ / { flush(); n++; cur = sprintf("%s/%04d_%04d", dir, b, n);
			 print; line = $0; open = gsub(/"/, "\"", line) % 2;
			 next }
		cur != "" { next }
		{ print }
		END { flush() }
	' "$doc" > "$tmp/doc.new" && cp "$tmp/doc.new" "$doc"
done
echo "docs examples: $n run, $fail differ"
[ $fail = 0 ] && [ $n -gt 0 ]

# The loading progress bar: never on a stderr that is not a terminal
# (this case's stderr is a file and must stay empty), drawn with
# --progress, silenced by -q, and drawn on a terminal (a pty from
# util-linux script). '\r' is shown as '|'.
tiny=../heap/tiny.heapsnapshot
leak=../heap/leak.heapsnapshot.gz
"$PROFKIT" heap summary "$tiny" -n 1 > /dev/null || exit 1
"$PROFKIT" info "$leak" recursion.cpuprofile > /dev/null || exit 1
echo "--progress, heap:"
"$PROFKIT" heap summary "$tiny" -n 1 --progress 2>&1 >/dev/null |
	tr '\r' '|'
echo
echo "--progress, cpu:"
"$PROFKIT" cpu top recursion.cpuprofile -n 1 --progress 2>&1 >/dev/null |
	tr '\r' '|'
echo
echo "--progress -q:"
"$PROFKIT" cpu top recursion.cpuprofile -n 1 --progress -q 2>&1 >/dev/null |
	tr '\r' '|'
echo
echo "a terminal:"
script -qec "$PROFKIT info $tiny > /dev/null" /dev/null < /dev/null |
	tr '\r' '|'
echo
# a bigger gzip file: the bar starts below 100 % (compressed bytes of
# the file size) and ends at 994/994 kB, then is cleared
script -qec "$PROFKIT heap summary $leak -n 1 > /dev/null" /dev/null \
	< /dev/null | tr '\r' '\n' > "$TMPDIR/bar"
sed -n 2p "$TMPDIR/bar" |
	grep -q '^profkit: leak.heapsnapshot.gz  *[0-9]*% \[' ||
	echo "no first bar: $(head -c 200 "$TMPDIR/bar")"
grep -c '^profkit: leak.heapsnapshot.gz 100% \[====================\] 994/994 kB$' "$TMPDIR/bar"
tail -1 "$TMPDIR/bar" | grep -q '^ *$' && echo cleared
echo "a terminal, -q:"
script -qec "$PROFKIT heap summary $tiny -n 1 -q > /dev/null" /dev/null \
	< /dev/null | tr '\r' '|'
script -qec "$PROFKIT info $tiny -q > /dev/null" /dev/null < /dev/null |
	tr '\r' '|'
echo

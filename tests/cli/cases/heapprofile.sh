# .heapprofile (issue 10): info, cpu top/tree in bytes (DevTools' "Self
# size" / "Total size"), the flame graph and speedscope file in bytes,
# the hand-made tiny.heapprofile (numbers derived by hand in
# fixtures/heapprofile/README.md) and the node --heap-prof capture; --db
# into the cpu tables in bytes; what does not apply to a heap profile says
# so; hostile ones fail naming the file.
H=../heapprofile
"$PROFKIT" info $H/tiny.heapprofile $H/alloc.heapprofile.zst
"$PROFKIT" info --format json $H/tiny.heapprofile
"$PROFKIT" cpu top $H/tiny.heapprofile
"$PROFKIT" cpu top --format json $H/tiny.heapprofile
"$PROFKIT" cpu tree $H/tiny.heapprofile
"$PROFKIT" cpu tree --format csv $H/tiny.heapprofile
"$PROFKIT" cpu top -n 5 $H/alloc.heapprofile
"$PROFKIT" cpu folded $H/tiny.heapprofile
"$PROFKIT" cpu flame $H/alloc.heapprofile -o "$TMPDIR/a.svg"
echo "svg: exit $?, $(grep -c '<title>' "$TMPDIR/a.svg") titles"
grep -A1 '<title>makeObjects' "$TMPDIR/a.svg" | sed 's/.*<title>//'
"$PROFKIT" cpu flame $H/tiny.heapprofile -o "$TMPDIR/t.pdf"
pdftotext "$TMPDIR/t.pdf" - | grep -o -e '^Allocation Flame Graph.*' -e 'total [^,]*, 8 samples, weights: bytes'
"$PROFKIT" cpu flame --format speedscope $H/tiny.heapprofile -o "$TMPDIR/t.json"
grep -o '"unit": "[a-z]*"' "$TMPDIR/t.json" | sort -u
grep -o '"weights": \[[^]]*\]' "$TMPDIR/t.json"
"$PROFKIT" cpu flame --chart $H/tiny.heapprofile -o "$TMPDIR/c.svg" 2>&1
echo "exit $?"
"$PROFKIT" cpu top --from 0 $H/tiny.heapprofile 2>&1
echo "exit $?"
rm -f "$TMPDIR/heapprofile.db"
"$PROFKIT" cpu top --db "$TMPDIR/heapprofile.db" -o "$TMPDIR/top.txt" $H/tiny.heapprofile
echo "db: exit $?"
sqlite3 "$TMPDIR/heapprofile.db" "SELECT kind, meta FROM artifact;
	SELECT name, self_us, total_us FROM cpu_function ORDER BY self_us DESC;
	SELECT sum(self_us) FROM cpu_node"
for f in ../bad/heapprofile/*.heapprofile; do
	"$PROFKIT" cpu top "$f" 2>&1
	echo "exit $?"
done
"$PROFKIT" cpu diff $H/tiny.heapprofile synth_small.cpuprofile 2>&1
echo "exit $?"

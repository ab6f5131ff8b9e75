# profkit heap diff BASE TARGET -o growth.svg: the growth graph (the
# library's test_heapgrowth checks every leaf against heap leaks'
# clusters). Nothing on stdout; the SVG's tooltips of the Map cache's
# 2,800 entries (422 kB, as heap leaks and the explanation say) and of
# the 44 retained Buffers; PNG and PDF; usage errors before reading.
S="--subtitle fixed"
B=../heap/baseline.heapsnapshot.gz
L=../heap/leak.heapsnapshot.gz
"$PROFKIT" heap diff $B $L $S -o "$TMPDIR/g.svg" || exit 1
grep -c "<title>" "$TMPDIR/g.svg"
grep -A1 "<title>{id, payload} \|<title>Buffer \|<title>all new objects" "$TMPDIR/g.svg" | sed 's/.*<title>//'
"$PROFKIT" heap diff $B $L $S --sort name --inverted -o "$TMPDIR/g.png" || exit 1
head -c 4 "$TMPDIR/g.png" | od -An -c | tr -s ' '
"$PROFKIT" heap diff $B $L $S --format pdf -o "$TMPDIR/g.out" || exit 1
pdftotext "$TMPDIR/g.out" - | grep -E "^(Heap growth: the new objects by retainer path|fixed|global.reportService)$" | sort
# a table's options are usage errors with a picture, and the reverse
"$PROFKIT" heap diff $B $L --explain 2 -o "$TMPDIR/x.svg" 2>&1; echo "exit $?"
"$PROFKIT" heap diff $B $L --sort delta -o "$TMPDIR/x.svg" 2>&1; echo "exit $?"
"$PROFKIT" heap diff $B $L --sort weight 2>&1; echo "exit $?"
test -e "$TMPDIR/x.svg" && echo "x.svg written" || echo "no x.svg"
# identical snapshots: a warning, an empty root, exit 0
"$PROFKIT" heap diff $B $B -o "$TMPDIR/e.svg" 2>&1; echo "exit $?"
grep -c "<title>" "$TMPDIR/e.svg"
# a truncated TARGET writes nothing
"$PROFKIT" heap diff $B ../bad/heap/truncated.heapsnapshot.gz -o "$TMPDIR/t.svg" 2>&1; echo "exit $?"
test -e "$TMPDIR/t.svg" && echo "t.svg written" || echo "no t.svg"

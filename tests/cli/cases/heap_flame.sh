# profkit heap flame: the dominator tree by retained size (the library's
# test_flame checks every box against the retained sizes). Structure of
# the SVG: one <title> per drawn box; the tooltips of the two largest
# retainers of leak.heapsnapshot (3.82 MB and 3.16 MB, as heap summary
# and DevTools say); PNG and PDF signatures; --min-size prunes.
S="--subtitle fixed"
H=../heap/leak.heapsnapshot.gz
"$PROFKIT" heap flame $H $S -o "$TMPDIR/h.svg" || exit 1
grep -c "<title>" "$TMPDIR/h.svg"
grep -A1 "<title>ReportService @6169\|<title>Array @76943" "$TMPDIR/h.svg" | sed 's/.*<title>//'
"$PROFKIT" heap flame $H $S --min-size 100000 -o "$TMPDIR/m.svg" || exit 1
grep -c "<title>" "$TMPDIR/m.svg"
"$PROFKIT" heap flame $H $S --sort name --inverted -o "$TMPDIR/h.png" || exit 1
head -c 4 "$TMPDIR/h.png" | od -An -c | tr -s ' '
"$PROFKIT" heap flame $H $S -o "$TMPDIR/h.pdf" || exit 1
pdftotext "$TMPDIR/h.pdf" - | grep -E "^(ReportService @6169|Heap: retained size \(dominator tree\)|fixed)$" | sort
# a CPU profile is not a heap snapshot; a truncated snapshot writes nothing
"$PROFKIT" heap flame busy_wait.cpuprofile -o "$TMPDIR/x.svg" 2>&1; echo "exit $?"
"$PROFKIT" heap flame ../bad/heap/truncated.heapsnapshot.gz -o "$TMPDIR/y.svg" 2>&1; echo "exit $?"
test -e "$TMPDIR/y.svg" && echo "y.svg written" || echo "no y.svg"

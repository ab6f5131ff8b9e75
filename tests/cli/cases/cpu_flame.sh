# profkit cpu flame: the format follows -o's extension (or --format); the
# pictures are checked by structure (the library's test_flame checks
# pixels and tooltips): SVG with one <title> per drawn frame, PNG and PDF
# signatures, the PDF's text (pdftotext, poppler-utils) has the labels.
# --subtitle is fixed: the default names the file's modification date.
S="--subtitle fixed"
"$PROFKIT" cpu flame busy_wait.cpuprofile $S -o "$TMPDIR/f.svg" || exit 1
head -c 5 "$TMPDIR/f.svg"; echo
grep -c "<title>" "$TMPDIR/f.svg"
grep -A1 "<title>busyWait" "$TMPDIR/f.svg" | sed 's/.*<title>//' 
"$PROFKIT" cpu flame busy_wait.cpuprofile $S -o "$TMPDIR/f.png" || exit 1
head -c 4 "$TMPDIR/f.png" | od -An -c | tr -s ' '
"$PROFKIT" cpu flame busy_wait.cpuprofile $S -o "$TMPDIR/f.pdf" || exit 1
head -c 5 "$TMPDIR/f.pdf"; echo
pdftotext "$TMPDIR/f.pdf" - | grep -E "^(busyWait|onTick|CPU Flame Graph|fixed)$" | sort
# the same bytes twice (deterministic), and --format over the extension
"$PROFKIT" cpu flame busy_wait.cpuprofile $S -o "$TMPDIR/g.svg" || exit 1
cmp -s "$TMPDIR/f.svg" "$TMPDIR/g.svg" && echo "svg: same bytes twice"
"$PROFKIT" cpu flame busy_wait.cpuprofile $S --format png -o "$TMPDIR/g.svg" || exit 1
cmp -s "$TMPDIR/f.png" "$TMPDIR/g.svg" && echo "--format png wins over .svg"
# --sort weight, --inverted, --width, a trace's thread, hostile names
"$PROFKIT" cpu flame synth_hostile.cpuprofile $S --sort weight --inverted --width 800 -o "$TMPDIR/h.svg" || exit 1
grep -c "<title>" "$TMPDIR/h.svg"
grep -c "&lt;script&gt;" "$TMPDIR/h.svg"
"$PROFKIT" cpu flame trace_node_worker.json --profile 22965:22965 $S -o "$TMPDIR/t.png" || exit 1
echo "trace: ok"
# --chart: time order; each tick that busy-waits is a busyWait box of its
# own (8 runs of busyWait samples in the 431 ms; 2 in 100..200 ms)
"$PROFKIT" cpu flame busy_wait.cpuprofile $S --chart -o "$TMPDIR/c.svg" || exit 1
grep -c "<title>busyWait" "$TMPDIR/c.svg"
"$PROFKIT" cpu flame busy_wait.cpuprofile $S --chart --from 100 --to 200 -o "$TMPDIR/c2.svg" || exit 1
grep -c "<title>busyWait" "$TMPDIR/c2.svg"
# --focus: onTick's callees only; --exclude: no idle box
"$PROFKIT" cpu flame busy_wait.cpuprofile $S --focus '^onTick$' -o "$TMPDIR/f1.svg" || exit 1
grep -o "<title>[a-zA-Z()]*" "$TMPDIR/f1.svg" | sort -u | tr '\n' ' '; echo
"$PROFKIT" cpu flame busy_wait.cpuprofile $S --exclude '^\(idle\)$' -o "$TMPDIR/f2.svg" || exit 1
grep -c "<title>(idle)" "$TMPDIR/f2.svg"
"$PROFKIT" cpu flame busy_wait.cpuprofile --focus '^nothing$' -o "$TMPDIR/f3.svg" 2>&1; echo "exit $?"
"$PROFKIT" cpu flame busy_wait.cpuprofile --chart --focus onTick -o "$TMPDIR/f3.svg" 2>&1; echo "exit $?"
# speedscope: the same tree as speedscope's JSON (checked in test_flame)
"$PROFKIT" cpu flame busy_wait.cpuprofile $S --format speedscope -o "$TMPDIR/s.json" || exit 1
head -c 150 "$TMPDIR/s.json"; echo
"$PROFKIT" cpu flame busy_wait.cpuprofile $S -o "$TMPDIR/s.speedscope.json" || exit 1
cmp -s "$TMPDIR/s.json" "$TMPDIR/s.speedscope.json" && echo "FILE.speedscope.json: speedscope"
"$PROFKIT" heap flame ../heap/leak.heapsnapshot.gz $S --format speedscope | grep -o '"unit": "[a-z]*"'
# errors: usage (exit 2) and load failures (exit 1, -o untouched)
"$PROFKIT" cpu flame busy_wait.cpuprofile -o f.gif 2>&1; echo "exit $?"
"$PROFKIT" cpu flame busy_wait.cpuprofile --format json -o "$TMPDIR/f.svg" 2>&1; echo "exit $?"
"$PROFKIT" cpu flame busy_wait.cpuprofile --width 50 -o "$TMPDIR/f.svg" 2>&1; echo "exit $?"
"$PROFKIT" cpu flame busy_wait.cpuprofile --sort size -o "$TMPDIR/f.svg" 2>&1; echo "exit $?"
"$PROFKIT" cpu flame ../bad/truncated.cpuprofile -o "$TMPDIR/bad.svg" 2>&1; echo "exit $?"
test -e "$TMPDIR/bad.svg" && echo "bad.svg written" || echo "no bad.svg"
# --height: the PNG is that tall (its IHDR height, big-endian at byte 20);
# --palette gray for print; bad values are usage errors
"$PROFKIT" cpu flame busy_wait.cpuprofile --height 300 --palette gray -o "$TMPDIR/h.png" || exit 1
od -An -tu1 -j20 -N4 "$TMPDIR/h.png" | tr -s ' '
"$PROFKIT" cpu flame busy_wait.cpuprofile --height 50 -o "$TMPDIR/h.svg" 2>&1; echo "exit $?"
"$PROFKIT" cpu flame busy_wait.cpuprofile --palette rainbow -o "$TMPDIR/h.svg" 2>&1; echo "exit $?"
"$PROFKIT" cpu diff release_a.cpuprofile release_b.cpuprofile --palette hot -o "$TMPDIR/d.svg" 2>&1; echo "exit $?"

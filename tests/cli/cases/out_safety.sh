# -o and --db never overwrite an input: the same file (device and inode),
# also through a symbolic or a hard link, or -o onto the --db database,
# is refused with one line and exit 2, and the input stays as it was.
mkdir "$TMPDIR/d" || exit 1
cp busy_wait.cpuprofile "$TMPDIR/d/v.cpuprofile" || exit 1
cp ../heap/tiny.heapsnapshot "$TMPDIR/d/t.heapsnapshot" || exit 1
cd "$TMPDIR/d" || exit 1
ln -s v.cpuprofile sym.cpuprofile || exit 1
ln v.cpuprofile hard.cpuprofile || exit 1
sum0=$(cksum < v.cpuprofile)
try() {
	"$PROFKIT" "$@" > out.txt 2> err.txt
	rc=$?
	echo "exit $rc: $(cat err.txt)"
	[ -s out.txt ] && echo "  stdout not empty"
}
try cpu top v.cpuprofile -o v.cpuprofile
try cpu top v.cpuprofile -o ./sym.cpuprofile
try cpu top sym.cpuprofile -o hard.cpuprofile
try cpu tree v.cpuprofile --db ../d/v.cpuprofile
try cpu folded v.cpuprofile -o hard.cpuprofile
try cpu flame v.cpuprofile -o sym.cpuprofile --format svg
try cpu diff hard.cpuprofile v.cpuprofile -o v.cpuprofile
try info v.cpuprofile t.heapsnapshot -o t.heapsnapshot
try heap summary t.heapsnapshot --db t.heapsnapshot
try heap show t.heapsnapshot @11 -o t.heapsnapshot
try heap diff t.heapsnapshot t.heapsnapshot -o t.heapsnapshot
try cpu top v.cpuprofile -o new.db --db ./new.db
[ "$(cksum < v.cpuprofile)" = "$sum0" ] && echo "input untouched"
[ -e new.db ] || echo "no new.db"
# an output that is not an input is still written
"$PROFKIT" cpu top v.cpuprofile -n 1 -q -o top.txt && cat top.txt
# an existing output that is no regular file (a FIFO here; /dev/null, a
# terminal) is written in place: a temporary file renamed onto it would
# have replaced the FIFO (or /dev/null) with a regular file
mkfifo fifo || exit 1
cat fifo > fifo.out &
reader=$!
"$PROFKIT" cpu top v.cpuprofile -n 1 -q -o fifo
echo "fifo: exit $?"
# (replaced, the FIFO would never see a writer: end its reader)
[ -p fifo ] && echo "still a FIFO" || kill "$reader"
wait
cat fifo.out

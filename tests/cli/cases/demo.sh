# `make demo` runs tests/demo.sh from the repository root, which then
# changes directory: a relative profkit path must still work (it did not).
# Its whole output is the golden: every report the demo shows, values
# included.
cd ../.. || exit 1
rel=$(realpath --relative-to=. "$PROFKIT")
sh tests/demo.sh "$rel" "$TMPDIR/demo-img" > "$TMPDIR/demo.out" || exit 1
# the ingest summary's time and rate vary from run to run
sed -e "s|$TMPDIR/demo-img|OUT|" \
	-e 's|analysed in [0-9.]* s ([0-9.]* MB/s)|analysed in T s (R MB/s)|' \
	"$TMPDIR/demo.out"
for f in cpu-flame.svg cpu-flame.png cpu-chart.svg cpu-diff.svg heap-flame.svg \
	heap-growth.svg; do
	test -s "$TMPDIR/demo-img/$f" || echo "missing: $f"
done

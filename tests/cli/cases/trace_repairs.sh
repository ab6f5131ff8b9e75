# A trace as real ones come (fixtures/cpu/trace_missing_parent.json, made
# by hand): an UpdateCounters event with an integer args.data.nodes, a
# chunk whose node 5 names parent 4, which never arrives (a lost chunk),
# and a last chunk without per-sample lines. Every sample is kept:
# render and layout hang under (missing parent), one warning on stderr;
# lines come from the first chunk only (the last one has none), and not
# from the first sample (main.js:1), which DevTools never counts.
"$PROFKIT" cpu top trace_missing_parent.json || exit 1
"$PROFKIT" cpu lines trace_missing_parent.json || exit 1
"$PROFKIT" cpu folded trace_missing_parent.json || exit 1
# A trace without CPU samples (fixtures/cpu/trace_no_samples.json, by
# hand: 4 events, 2 processes, 3 threads, ts 1000000 .. 1005201 µs;
# the metadata event's ts 0 is not part of the span) is
# described by info, not refused; cpu commands say what is missing.
"$PROFKIT" info trace_no_samples.json || exit 1
"$PROFKIT" info --format json trace_no_samples.json || exit 1
"$PROFKIT" cpu top trace_no_samples.json
echo "exit $?"

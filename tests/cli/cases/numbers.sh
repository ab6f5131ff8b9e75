# Numbers people read (issue 12): a 15-minute profile is in seconds in
# text ("904.2 s", not "904246.2 ms") with one decimal per column, whole
# microseconds in JSON and CSV; heap sizes are kB/MB of 1000 bytes in
# text, whole bytes with --bytes and in JSON; the header says which count
# the weights come from.
cat > "$TMPDIR/long.cpuprofile" <<'JSON'
{"nodes": [
 {"id": 1, "callFrame": {"functionName": "(root)", "scriptId": "0", "url": "", "lineNumber": -1, "columnNumber": -1}, "hitCount": 0, "children": [2, 3]},
 {"id": 2, "callFrame": {"functionName": "work", "scriptId": "1", "url": "file:///a.js", "lineNumber": 0, "columnNumber": 0}, "hitCount": 2},
 {"id": 3, "callFrame": {"functionName": "tick", "scriptId": "1", "url": "file:///a.js", "lineNumber": 4, "columnNumber": 2}, "hitCount": 2}],
 "startTime": 0, "endTime": 904246200,
 "samples": [2, 3, 2],
 "timeDeltas": [0, 602805800, 25000]}
JSON
L=$TMPDIR/long.cpuprofile
"$PROFKIT" cpu top "$L" | sed "s|$TMPDIR|TMP|"
"$PROFKIT" cpu top "$L" --format csv
"$PROFKIT" cpu top "$L" --format json | sed "s|$TMPDIR|TMP|"
"$PROFKIT" cpu top "$L" --weights hits -q
"$PROFKIT" cpu diff "$L" "$L" --absolute -q
H=../heap/leak.heapsnapshot.gz
"$PROFKIT" heap top "$H" -n 3 -q
"$PROFKIT" heap top "$H" -n 3 -q --bytes
"$PROFKIT" heap top "$H" -n 3 --format csv
"$PROFKIT" heap diff ../heap/baseline.heapsnapshot.gz "$H" -n 3 -q --explain 0
"$PROFKIT" heap diff ../heap/baseline.heapsnapshot.gz "$H" -n 3 -q --explain 0 --bytes
# info: the duration of a 15-minute profile in seconds
"$PROFKIT" info "$L" | grep "duration"

# heap summary: the Statistics breakdown and DevTools' Summary rows. Every
# row was checked against the oracle (fixtures/heap/expected/*.summary.json:
# count, shallow, retained, distance); locations print 1-based (the
# oracle's keys are 0-based: "82,46,13,ReportService" is script 82:47:14).
set -e  # every command here must succeed
"$PROFKIT" heap summary ../heap/leak.heapsnapshot.gz -n 10
"$PROFKIT" heap summary ../heap/leak.heapsnapshot.gz -n 5 --format json
"$PROFKIT" heap summary ../heap/tiny.heapsnapshot --format csv
# filters on the class name; standard input (gzip too); -q
"$PROFKIT" heap summary ../heap/leak.heapsnapshot.gz -q -n 0 \
	--filter '^(Buffer|Map|WeakMap|Session)$'
"$PROFKIT" heap summary - -n 4 --exclude '^(global|system)' \
	< ../heap/leak.heapsnapshot.gz

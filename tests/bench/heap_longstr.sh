#!/usr/bin/env bash
# Long JSON strings in a heap snapshot: time must grow linearly with the
# string's length (yajl alone was quadratic on a string spanning input chunks:
# 100 MB took 30 s, 200 MB 63 s).
#   PROFKIT=build/release/bin/profkit tests/bench/heap_longstr.sh [MB...]
# For each size (default 25 50 100 200) it writes /tmp/profkit-bench/longstr-MB.heapsnapshot
# (fixtures/heap/tiny.heapsnapshot with one more string of MB megabytes, mostly
# letters with an escape every 40 bytes), then prints wall, user, sys and peak RSS of
# `profkit info` on it, by path and through a pipe (cat FILE | profkit info -). The files are removed at the end.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROFKIT=${PROFKIT:-build/release/bin/profkit}
[[ $PROFKIT != /* && ! -e $PROFKIT ]] && PROFKIT=$ROOT/$PROFKIT
DIR=/tmp/profkit-bench
mkdir -p "$DIR"
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(25 50 100 200)
for mb in "${sizes[@]}"; do
  f=$DIR/longstr-$mb.heapsnapshot
  node -e '
    const fs = require("fs");
    const [tiny, out, mb] = process.argv.slice(1);
    const s = fs.readFileSync(tiny, "latin1");
    const i = s.indexOf("\"strings\":[") + 11;
    const fd = fs.openSync(out, "w");
    fs.writeSync(fd, s.slice(0, i) + "\"", null, "latin1");
    const unit = "abcdefghijklmnopqrstuvwxyz0123456789\\u00e9"; // 40 bytes
    const block = unit.repeat(26214); // ~1 MB
    for (let k = 0; k < +mb; k++) fs.writeSync(fd, block, null, "latin1");
    fs.writeSync(fd, "\"," + s.slice(i), null, "latin1");
    fs.closeSync(fd);' "$ROOT/fixtures/heap/tiny.heapsnapshot" "$f" "$mb" || exit 1
  /usr/bin/time -f "$mb MB string, path:  %e s wall  %U s user  %S s sys  %M KB" \
    "$PROFKIT" info -q "$f" > /dev/null
  /usr/bin/time -f "$mb MB string, stdin: %e s wall  %U s user  %S s sys  %M KB" \
    sh -c 'cat "$2" | "$1" info -q - > /dev/null' sh "$PROFKIT" "$f"
  rm -f "$f"
done

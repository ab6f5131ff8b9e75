#!/usr/bin/env bash
# folded_compare.sh OLD NEW [FILE...] - runs `profkit cpu folded` (and the
# other cpu reports) with every option combination on the fixtures and the
# given files with two profkit binaries and fails on the first difference
# in stdout, stderr or exit status. Used to check that the streaming
# folded writer (issue 8) prints byte for byte what the old one did:
#   tests/bench/folded_compare.sh /tmp/profkit.main build/release/bin/profkit \
#     /tmp/corpus/*.cpuprofile /tmp/corpus/*.json
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OLD=$1 NEW=$2; shift 2
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
files=("$ROOT"/fixtures/cpu/*.cpuprofile "$ROOT"/fixtures/cpu/*.gz \
       "$ROOT"/fixtures/cpu/*.json "$ROOT"/fixtures/bad/*.cpuprofile "$@")
opts=("" "--weights hits" "--from 10 --to 200" "--weights hits --from 5"
      "--from 0 --to 1" "--filter f" "--filter ^(a|b)" "--exclude idle|program"
      "--filter garbage" "--exclude garbage" "--weights hits --filter e --exclude ^_"
      "--filter ; --exclude \\\\(" "--filter . --exclude x" "--filter nomatchatall")
runs=0 diffs=0
for f in "${files[@]}"; do
  for o in "${opts[@]}"; do
    # shellcheck disable=SC2086
    "$OLD" cpu folded $o "$f" > "$TMP/o.out" 2> "$TMP/o.err"; orc=$?
    # shellcheck disable=SC2086
    "$NEW" cpu folded $o "$f" > "$TMP/n.out" 2> "$TMP/n.err"; nrc=$?
    sed -i "s#$OLD#PROFKIT#g" "$TMP/o.err"; sed -i "s#$NEW#PROFKIT#g" "$TMP/n.err"
    runs=$((runs + 1))
    if [[ $orc != "$nrc" ]] || ! cmp -s "$TMP/o.out" "$TMP/n.out" ||
       ! cmp -s "$TMP/o.err" "$TMP/n.err"; then
      echo "DIFF: cpu folded $o $f (exit $orc vs $nrc)"
      diff "$TMP/o.out" "$TMP/n.out" | head -5
      diff "$TMP/o.err" "$TMP/n.err" | head -5
      diffs=$((diffs + 1))
    fi
  done
done
echo "$runs runs, $diffs differences"
(( diffs == 0 ))

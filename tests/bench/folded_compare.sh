#!/usr/bin/env bash
# folded_compare.sh OLD NEW [FILE...] - runs `profkit cpu folded` and the
# other cpu reports (and info) with many option combinations on the
# fixtures and the given files with two profkit binaries and counts the
# differences in stdout, stderr or exit status (exit 1 if any). Used to
# check that the streaming folded writer and the linear-time tree code
# (issue 8) print byte for byte what the old code did:
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
# other reports: "command|options" (FILE goes after the options)
reports=("info|" "info|--format json" "cpu top|-n 0" "cpu top|--format json --weights hits"
      "cpu top|--format csv --filter e --exclude ^_" "cpu tree|" "cpu tree|--format json"
      "cpu tree|--format csv --weights hits --from 5" "cpu tree|--filter e --exclude ^_"
      "cpu tree|--filter ^(a|f) -n 2" "cpu tree|--exclude idle|program --max-depth 3"
      "cpu tree|--focus e --min-percent 1" "cpu tree|--min-percent 0.5 --format csv"
      "cpu lines|-n 0" "cpu lines|--format json --filter e"
      "cpu callers|--format json # e" "cpu callers|# ." "cpu callers|--max-depth 2 -n 3 # f"
      "cpu callees|--format csv # e" "cpu callees|# ." "cpu callees|--min-percent 1 # ^(a|f)")
runs=0 diffs=0
# run1 CMDLINE...: compare both binaries on one command line
run1() {
  # shellcheck disable=SC2068
  "$OLD" $@ > "$TMP/o.out" 2> "$TMP/o.err"; orc=$?
  # shellcheck disable=SC2068
  "$NEW" $@ > "$TMP/n.out" 2> "$TMP/n.err"; nrc=$?
  sed -i "s#$OLD#PROFKIT#g" "$TMP/o.err"; sed -i "s#$NEW#PROFKIT#g" "$TMP/n.err"
  runs=$((runs + 1))
  if [[ $orc != "$nrc" ]] || ! cmp -s "$TMP/o.out" "$TMP/n.out" ||
     ! cmp -s "$TMP/o.err" "$TMP/n.err"; then
    echo "DIFF: $* (exit $orc vs $nrc)"
    diff "$TMP/o.out" "$TMP/n.out" | head -5
    diff "$TMP/o.err" "$TMP/n.err" | head -5
    diffs=$((diffs + 1))
  fi
}
set -f
for f in "${files[@]}"; do
  for o in "${opts[@]}"; do
    run1 cpu folded $o "$f"
  done
  for r in "${reports[@]}"; do
    cmd=${r%%|*} o=${r#*|} re=""
    if [[ $o == *"# "* ]]; then re=${o#*# }; o=${o%%# *}; fi
    run1 $cmd $o "$f" $re
  done
done
echo "$runs runs, $diffs differences"
(( diffs == 0 ))

# heap top / show / dominators / retainers on tiny (values derived by hand
# in tests/test_heap_tiny.c) and leak (checked against the oracle's
# top_objects and retainer chains in fixtures/heap/expected/).
set -e  # every command here must succeed
tiny=../heap/tiny.heapsnapshot
leak=../heap/leak.heapsnapshot.gz
"$PROFKIT" heap top "$leak" -n 8
"$PROFKIT" heap top "$tiny" -n 4 --format json
"$PROFKIT" heap top "$tiny" -n 0 --format csv --filter string
# one object: edges by the target's retained size, retainers in the
# Retainers view's order (distance, then retained size; unreachable last)
"$PROFKIT" heap show "$tiny" @11
"$PROFKIT" heap show "$tiny" 15 --format json
"$PROFKIT" heap show "$leak" @76949 -n 3 -q
# dominator trees
"$PROFKIT" heap dominators "$tiny"
"$PROFKIT" heap dominators "$leak" --max-depth 3 -n 3 --min-percent 1
"$PROFKIT" heap dominators "$tiny" @11 --format csv
"$PROFKIT" heap dominators "$tiny" @21 --format json
# retainer chains: the WeakMap value is held by its key (first chain) and
# by the table (second); leak @112169 is the oracle's chain
"$PROFKIT" heap retainers "$tiny" @13
"$PROFKIT" heap retainers "$tiny" @13 --paths 2 --format json
"$PROFKIT" heap retainers "$tiny" @15 --paths 3 --format csv
"$PROFKIT" heap retainers "$leak" @112169 --paths 2
"$PROFKIT" heap retainers "$leak" @112169 --format json -q
# --depth: at most N steps (here 1 of the 3 above); 0 = until distance 1
"$PROFKIT" heap retainers "$leak" @112169 --depth 1 -q
"$PROFKIT" heap retainers "$leak" @112169 --depth 0 -q --format csv
# no retainers: Lonely is only held by a WeakRef
"$PROFKIT" heap retainers "$tiny" @33

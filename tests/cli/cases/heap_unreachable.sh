# Unreachable objects, from a snapshot written here: root -> G; U1 -> U2
# -> X with nothing retaining U1; S <-> A, a cycle nothing else retains.
# The Summary rows equal the oracle's for the same graph (distance "-",
# U1 retains U2 and X; S and A hang off the root alone). A retainer chain
# stops at an unreachable retainer, as DevTools' Retainers view stops
# expanding there (expandRetainersChain: distance > 1 and reachable).
set -e  # every command here must succeed
f="$TMPDIR/heap_unreach.heapsnapshot"
printf '%s' '{"snapshot":{"meta":{"node_fields":["type","name","id",' \
	'"self_size","edge_count"],"node_types":[["hidden","array","string",' \
	'"object","code","closure","regexp","number","native","synthetic"],' \
	'"string","number","number","number"],"edge_fields":["type",' \
	'"name_or_index","to_node"],"edge_types":[["context","element",' \
	'"property","internal","hidden","shortcut","weak"],' \
	'"string_or_number","node"]},"node_count":7,"edge_count":5},' \
	'"nodes":[9,0,1,0,1,3,1,3,16,0,3,3,5,16,1,3,4,7,16,1,3,5,9,16,0,' \
	'3,8,11,16,1,3,9,13,16,1],' \
	'"edges":[5,2,5,2,6,15,2,7,20,2,11,30,2,10,25],' \
	'"strings":["","G","g","U1","U2","X","p","q","S","A","s","a"]}' > "$f"
"$PROFKIT" heap summary "$f" -q --format csv
"$PROFKIT" heap retainers "$f" @9 -q
"$PROFKIT" heap retainers "$f" @11 -q --format csv
"$PROFKIT" heap show "$f" @7 -q
"$PROFKIT" heap dominators "$f" -q

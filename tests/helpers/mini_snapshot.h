/*
 * mini_snapshot.h - the pieces of small .heapsnapshot documents that tests
 * build in strings (V8's meta layout, a two-node body, its strings).
 */
#ifndef AN_TEST_MINI_SNAPSHOT_H
#define AN_TEST_MINI_SNAPSHOT_H

/* V8's meta, with 5 node fields: type name id self_size edge_count */
#define MINI_META                                                             \
	"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\","   \
	"\"self_size\",\"edge_count\"],\"node_types\":[[\"hidden\",\"array\","  \
	"\"string\",\"object\",\"code\",\"closure\",\"regexp\",\"number\","     \
	"\"native\",\"synthetic\",\"concatenated string\",\"sliced string\"],"  \
	"\"string\",\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\"," \
	"\"name_or_index\",\"to_node\"],\"edge_types\":[[\"context\","          \
	"\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\","        \
	"\"weak\"],\"string_or_number\",\"node\"]},"
/* node types: 2 string, 3 object, 9 synthetic, 10 concatenated string;
 * edge types: 2 property, 3 internal, 5 shortcut */

/* The smallest useful snapshot: the root and one object Foo (id 3, 10
 * bytes) behind a shortcut "g" (to_node 5 = ordinal 1 x 5 fields). */
#define MINI_BODY                                                             \
	"\"node_count\":2,\"edge_count\":1},"                                 \
	"\"nodes\":[9,0,1,0,1,3,1,3,10,0],\"edges\":[5,2,5],"
#define MINI_STRINGS "\"strings\":[\"\",\"Foo\",\"g\"]"
#define MINI MINI_META MINI_BODY MINI_STRINGS "}"

#endif

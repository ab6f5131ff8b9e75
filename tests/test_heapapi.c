/*
 * test_heapapi.c - the heap API's shape: node and edge kinds mapped from
 * the snapshot's type names, the loader's options (progress callback,
 * cancelation, limits), and out-of-memory reported as a status.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mini_snapshot.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heapapi, .fini = fini, .timeout = 120);

static an_heap *must_load_str(const char *json)
{
	an_heap *h = NULL;
	an_error err;
	int rc = fx_load_heap_mem(&h, json, strlen(json), 0, &err);

	cr_assert_eq(rc, AN_OK, "%d %s (byte %llu)", rc, err.message,
		     (unsigned long long)err.offset);
	return h;
}

/* tiny.heapsnapshot's nodes by ordinal (test_heap.c's T_* list) */
enum { T_ROOT = 0, T_GLOBAL = 2, T_TABLE = 4, T_KEY = 5, T_HELLO = 7, T_PROPS = 8,
       T_ONTICK = 9, T_CONTEXT = 10, T_EXTSTR = 11, T_EXTDATA = 12 };

Test(heapapi, kinds_of_the_tiny_snapshot)
{
	uint32_t first;

	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
	cr_expect_eq(an_heap_node_kind_of(heap, T_ROOT),
		     AN_HEAP_NODE_SYNTHETIC);
	cr_expect_eq(an_heap_node_kind_of(heap, T_TABLE), AN_HEAP_NODE_ARRAY);
	cr_expect_eq(an_heap_node_kind_of(heap, T_KEY), AN_HEAP_NODE_OBJECT);
	cr_expect_eq(an_heap_node_kind_of(heap, T_HELLO), AN_HEAP_NODE_STRING);
	cr_expect_eq(an_heap_node_kind_of(heap, T_ONTICK),
		     AN_HEAP_NODE_CLOSURE);
	cr_expect_eq(an_heap_node_kind_of(heap, T_EXTSTR), AN_HEAP_NODE_STRING);
	cr_expect_eq(an_heap_node_kind_of(heap, T_PROPS), AN_HEAP_NODE_HIDDEN);
	cr_expect_eq(an_heap_node_kind_of(heap, T_EXTDATA),
		     AN_HEAP_NODE_NATIVE);
	cr_assert_eq(an_heap_node_edges(heap, T_GLOBAL, &first), 6);
	cr_expect_eq(an_heap_edge_kind_of(heap, first), AN_HEAP_EDGE_PROPERTY);
	cr_expect_eq(an_heap_edge_kind_of(heap, first + 5),
		     AN_HEAP_EDGE_INTERNAL);
	cr_expect_eq(an_heap_edge_kind_of(heap, 11), AN_HEAP_EDGE_WEAK);
	cr_expect_eq(an_heap_edge_kind_of(heap, 21), AN_HEAP_EDGE_HIDDEN);
	cr_expect_eq(an_heap_edge_kind_of(heap, 3), AN_HEAP_EDGE_ELEMENT);
}

/* The kind follows the type's name, not its position in meta's list, and
 * an unknown name is OTHER with its string kept. */
Test(heapapi, kinds_by_name_and_unknown_types)
{
	static const char j[] =
		"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\","
		"\"id\",\"self_size\",\"edge_count\"],\"node_types\":[["
		"\"object\",\"mystery node\",\"synthetic\"],\"string\","
		"\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\","
		"\"name_or_index\",\"to_node\"],\"edge_types\":[[\"shortcut\","
		"\"odd edge\",\"weak\"],\"string_or_number\",\"node\"]},"
		"\"node_count\":3,\"edge_count\":2},"
		"\"nodes\":[2,0,1,0,2, 0,1,3,10,0, 1,2,5,4,0],"
		"\"edges\":[0,3,5, 1,3,10],"
		"\"strings\":[\"\",\"Foo\",\"X\",\"g\"]}";

	heap = must_load_str(j);
	cr_expect_eq(an_heap_node_kind_of(heap, 0), AN_HEAP_NODE_SYNTHETIC);
	cr_expect_eq(an_heap_node_kind_of(heap, 1), AN_HEAP_NODE_OBJECT);
	cr_expect_eq(an_heap_node_kind_of(heap, 2), AN_HEAP_NODE_OTHER);
	cr_expect_str_eq(an_heap_node_type(heap, 2), "mystery node");
	cr_expect_str_eq(an_heap_node_type(heap, 1), "object");
	cr_expect_eq(an_heap_edge_kind_of(heap, 0), AN_HEAP_EDGE_SHORTCUT);
	cr_expect_eq(an_heap_edge_kind_of(heap, 1), AN_HEAP_EDGE_OTHER);
	cr_expect_str_eq(an_heap_edge_type(heap, 1), "odd edge");
}

/* Every node's kind agrees with its type name on a real snapshot. */
Test(heapapi, kinds_agree_with_type_names)
{
	static const char *const names[] = {
		"hidden", "array", "string", "object", "code", "closure",
		"regexp", "number", "native", "synthetic",
		"concatenated string", "sliced string", "symbol", "bigint",
		"object shape"
	};
	uint32_t n, count, seen[16] = {0};

	heap = fx_must_load_heap(fx_heap_rel("leak"));
	count = an_heap_node_count(heap);
	for (n = 0; n < count; n++) {
		an_heap_node_kind k = an_heap_node_kind_of(heap, n);
		cr_assert_lt((unsigned)k, 16u);
		seen[k]++;
		if (k != AN_HEAP_NODE_OTHER)
			cr_assert_str_eq(an_heap_node_type(heap, n), names[k],
					 "node %u", n);
	}
	cr_expect_eq(seen[AN_HEAP_NODE_OTHER], 0);
	cr_expect_gt(seen[AN_HEAP_NODE_CLOSURE], 0);
	cr_expect_gt(seen[AN_HEAP_NODE_OBJECT_SHAPE] +
			     seen[AN_HEAP_NODE_HIDDEN], 0);
}

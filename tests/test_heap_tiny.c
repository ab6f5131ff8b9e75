/*
 * test_heap_tiny.c - tiny.heapsnapshot read by hand: the graph as
 * written, DevTools' shallow size reassignment, dominators and retained
 * sizes, distances, classes and statistics (values derived in the
 * comment in heap_check.h and beside each test).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heap, .fini = fini, .timeout = 120);

/* Class row by name (first match), or AN_NONE. */
static uint32_t class_named(const an_heap *h, const char *name)
{
	const uint32_t *order;
	uint32_t n = an_heap_classes(h, &order), i;

	for (i = 0; i < n; i++)
		if (str_is(an_heap_class_get(h, order[i])->name, name))
			return order[i];
	return AN_NONE;
}

/* Edge of n with this type and (string) name, or AN_NONE. */
static uint32_t edge_named(const an_heap *h, uint32_t n, const char *type,
			   const char *name)
{
	uint32_t first, cnt = an_heap_node_edges(h, n, &first), e;

	for (e = first; e < first + cnt; e++)
		if (!strcmp(an_heap_edge_type(h, e), type) &&
		    str_is(an_heap_edge_name(h, e), name))
			return e;
	return AN_NONE;
}

Test(heap, tiny_graph_as_written)
{
	uint32_t first, n, i;

	heap = load_tiny();
	cr_assert_eq(an_heap_node_count(heap), T_COUNT);
	cr_assert_eq(an_heap_edge_count(heap), 30);
	cr_expect_eq(an_heap_root(heap), T_ROOT);
	cr_expect_eq(an_heap_extra_native_bytes(heap), 0);
	for (i = 0; i < T_COUNT; i++) {
		cr_expect_eq(an_heap_node_id(heap, i), 2 * i + 1, "node %u", i);
		cr_expect_eq(an_heap_find_id(heap, 2 * i + 1), i, "id %u",
			     2 * i + 1);
	}
	cr_expect_eq(an_heap_find_id(heap, 2), AN_NONE);
	cr_expect_eq(an_heap_find_id(heap, 999999999), AN_NONE);
	cr_expect_str_eq(an_heap_node_type(heap, T_TABLE), "array");
	cr_expect_str_eq(an_heap_node_type(heap, T_EXTDATA), "native");
	cr_expect_str_eq(an_heap_node_type(heap, T_ONTICK), "closure");
	cr_expect(str_is(an_heap_node_raw_name(heap, T_KEY), "Object"));
	cr_expect(str_is(an_heap_node_raw_name(heap, T_ROOT), ""));
	/* global: six edges, property names then the internal one */
	n = an_heap_node_edges(heap, T_GLOBAL, &first);
	cr_assert_eq(n, 6);
	cr_expect_eq(first, 4);
	cr_expect(str_is(an_heap_edge_name(heap, first), "wm"));
	cr_expect_eq(an_heap_edge_target(heap, first), T_WEAKMAP);
	cr_expect_str_eq(an_heap_edge_type(heap, first + 5), "internal");
	cr_expect_eq(an_heap_edge_target(heap, first + 5), T_CONTEXT);
	cr_expect_eq(an_heap_edge_is_index(heap, first), 0);
	/* element and hidden edges carry numbers, not strings */
	cr_expect(an_heap_edge_is_index(heap, 3));
	cr_expect_eq(an_heap_edge_index(heap, 3), 2);
	cr_expect_eq(an_heap_edge_target(heap, 3), T_EXTSTR);
	cr_expect(an_heap_edge_is_index(heap, 21)); /* hidden 1 -> Oddball */
	cr_expect_eq(an_heap_edge_index(heap, 21), 1);
	cr_expect_eq(an_heap_edge_name(heap, 21).len, 0);
	/* weak edges: names are strings ("1" is string 13) */
	cr_expect_str_eq(an_heap_edge_type(heap, 11), "weak");
	cr_expect_eq(an_heap_edge_is_index(heap, 11), 0);
	cr_expect(str_is(an_heap_edge_name(heap, 11), "1"));
	n = an_heap_node_edges(heap, T_HELLO, &first);
	cr_expect_eq(n, 0);
	cr_expect_eq(an_heap_edge_target(heap, edge_named(heap, T_KEY,
							  "property", "b")),
		     T_ARRAY);
	cr_expect_eq(an_heap_edge_target(heap, edge_named(heap, T_CONTEXT,
							  "context", "text")),
		     T_EXTSTR);
	cr_expect_eq(edge_named(heap, T_KEY, "property", "properties"),
		     AN_NONE);
}

/*
 * Shallow-size reassignment (DevTools calculateShallowSizes). The root has
 * a user root (global, via the shortcut), so it runs. Candidates are the
 * hidden, array and "system / ExternalStringData" nodes: 4 (table), 8
 * (PropertyArray), 12 (ExternalStringData), 14 (Oddball). The worklist is a
 * stack of the self-owning nodes, popped from 16 down to 0:
 *   11 ext string: data -> 12 unvisited: owner 11
 *    6 value: properties -> 8 unvisited: owner 6; hidden -> 14: owner 6
 *    5 key: properties -> 8 owned by 6, not by 5: "multiple"
 *    3 WeakMap: table -> 4 unvisited: owner 3
 *    4 (owned): its edges are weak or go to 6, which owns itself
 * So 4 moves 64 to WeakMap (24 + 64 = 88), 12 moves 4096 to the string
 * (40 + 4096 = 4136), 14 moves 16 to the value (32 + 16 = 48), and 8 keeps
 * its 24 (two owners). The total stays 4568.
 */
Test(heap, tiny_shallow_size_reassignment)
{
	static const uint64_t self[T_COUNT] = {
		[T_ROOT] = 0,     [T_GCROOTS] = 0,   [T_GLOBAL] = 40,
		[T_WEAKMAP] = 88, [T_TABLE] = 0,     [T_KEY] = 32,
		[T_VALUE] = 48,   [T_HELLO] = 24,    [T_PROPS] = 24,
		[T_ONTICK] = 32,  [T_CONTEXT] = 40,  [T_EXTSTR] = 4136,
		[T_EXTDATA] = 0,  [T_ARRAY] = 32,    [T_ODDBALL] = 0,
		[T_WEAKREF] = 24, [T_LONELY] = 48,
	};
	uint64_t sum = 0;
	uint32_t i;

	heap = load_tiny();
	for (i = 0; i < T_COUNT; i++) {
		cr_expect_eq(an_heap_node_self_size(heap, i), self[i],
			     "node %u (id %u): self %" PRIu64 ", want %" PRIu64,
			     i, 2 * i + 1, an_heap_node_self_size(heap, i),
			     self[i]);
		sum += an_heap_node_self_size(heap, i);
	}
	cr_expect_eq(sum, 4568);
}

/*
 * Page-owned: everything reachable over non-weak edges from the root's
 * shortcut child global = nodes 2..15; not 0, 1 (GC roots), 16 (Lonely).
 * Essential edges (for dominators) drop: weak e11 e12 e28; GC roots ->
 * global/ext string (e2, e3: non-page-owned to page-owned); Lonely ->
 * hello (e29, same reason); and the WeakMap table -> value edge e13 (its
 * name says table @9 and it leaves node id 9). What is left:
 *   0 -> 1, 2;  2 -> 3, 5, 13, 9, 15, 10;  3 -> 4;  5 -> 7, 13, 8, 6;
 *   6 -> 7, 9, 8, 14;  9 -> 10;  10 -> 11, 7;  11 -> 12;  13 -> 5, 7
 * Immediate dominators: 1, 2 -> root; 3, 5, 13, 9, 10, 15 -> global (5 is
 * also reached via 13, 10 via 9, both below global); 4 -> 3; 6 -> 5 (its
 * only essential retainer is the key); 8 -> 5 (retained by 5 and 6, and 5
 * dominates 6); 14 -> 6; 7 -> global (retained by 5, 6, 10, 13); 11 -> 10;
 * 12 -> 11; 16 (Lonely) has only a weak retainer: it hangs off the root.
 * Retained sizes, bottom up with the adjusted self sizes:
 *   ext string 4136 + 0 = 4136;  Context 40 + 4136 = 4176
 *   value 48 + 0 = 48;  key 32 + 48 (value) + 24 (PropertyArray) = 104
 *   WeakMap 88 + 0 (table) = 88
 *   global 40 + 88 + 104 + 32 (Array) + 24 (hello) + 32 (onTick)
 *          + 4176 + 24 (WeakRef) = 4520
 *   root 4520 + 0 (GC roots) + 48 (Lonely) = 4568 = the total
 */
Test(heap, tiny_dominators_and_retained_sizes)
{
	static const uint32_t dom[T_COUNT] = {
		[T_ROOT] = T_ROOT,       [T_GCROOTS] = T_ROOT,
		[T_GLOBAL] = T_ROOT,     [T_WEAKMAP] = T_GLOBAL,
		[T_TABLE] = T_WEAKMAP,   [T_KEY] = T_GLOBAL,
		[T_VALUE] = T_KEY,       [T_HELLO] = T_GLOBAL,
		[T_PROPS] = T_KEY,       [T_ONTICK] = T_GLOBAL,
		[T_CONTEXT] = T_GLOBAL,  [T_EXTSTR] = T_CONTEXT,
		[T_EXTDATA] = T_EXTSTR,  [T_ARRAY] = T_GLOBAL,
		[T_ODDBALL] = T_VALUE,   [T_WEAKREF] = T_GLOBAL,
		[T_LONELY] = T_ROOT,
	};
	static const uint64_t ret[T_COUNT] = {
		[T_ROOT] = 4568,   [T_GCROOTS] = 0,   [T_GLOBAL] = 4520,
		[T_WEAKMAP] = 88,  [T_TABLE] = 0,     [T_KEY] = 104,
		[T_VALUE] = 48,    [T_HELLO] = 24,    [T_PROPS] = 24,
		[T_ONTICK] = 32,   [T_CONTEXT] = 4176, [T_EXTSTR] = 4136,
		[T_EXTDATA] = 0,   [T_ARRAY] = 32,    [T_ODDBALL] = 0,
		[T_WEAKREF] = 24,  [T_LONELY] = 48,
	};
	const uint32_t *kids;
	uint32_t i, n;

	heap = load_tiny();
	for (i = 0; i < T_COUNT; i++) {
		cr_expect_eq(an_heap_node_dominator(heap, i), dom[i],
			     "node %u: dominator %u, want %u", i,
			     an_heap_node_dominator(heap, i), dom[i]);
		cr_expect_eq(an_heap_node_retained_size(heap, i), ret[i],
			     "node %u: retained %" PRIu64 ", want %" PRIu64,
			     i, an_heap_node_retained_size(heap, i), ret[i]);
	}
	cr_expect_eq(an_heap_total_size(heap), 4568);
	/* dominated by global, by retained size descending: Context 4176,
	 * key 104, WeakMap 88, then Array and onTick (32 each), then hello and
	 * WeakRef (24 each); ties compared as a set */
	n = an_heap_node_dominated(heap, T_GLOBAL, &kids);
	cr_assert_eq(n, 7);
	cr_expect_eq(kids[0], T_CONTEXT);
	cr_expect_eq(kids[1], T_KEY);
	cr_expect_eq(kids[2], T_WEAKMAP);
	cr_expect((kids[3] == T_ARRAY && kids[4] == T_ONTICK) ||
		  (kids[3] == T_ONTICK && kids[4] == T_ARRAY));
	cr_expect((kids[5] == T_HELLO && kids[6] == T_WEAKREF) ||
		  (kids[5] == T_WEAKREF && kids[6] == T_HELLO));
	n = an_heap_node_dominated(heap, T_ROOT, &kids);
	cr_assert_eq(n, 3); /* global 4520, Lonely 48, GC roots 0 */
	cr_expect_eq(kids[0], T_GLOBAL);
	cr_expect_eq(kids[1], T_LONELY);
	cr_expect_eq(kids[2], T_GCROOTS);
	n = an_heap_node_dominated(heap, T_HELLO, &kids);
	cr_expect_eq(n, 0);
}

/*
 * The WeakMap value (Object @13) is retained by the table (e13, leaving
 * node @9, the table its name names) and by the key (e17). DevTools skips
 * the table -> value edge for dominators, so the value is dominated by the
 * key, and its 48 bytes count in the key's retained size (104), not in the
 * WeakMap's (88 = its own 24 + the table's 64).
 */
Test(heap, tiny_weakmap_value_is_dominated_by_the_key_not_the_table)
{
	heap = load_tiny();
	cr_expect(strstr(an_heap_edge_name(heap, 13).ptr,
			 "pair in WeakMap (table @9)") != NULL);
	cr_expect_eq(an_heap_edge_target(heap, 13), T_VALUE);
	cr_expect_eq(an_heap_node_dominator(heap, T_VALUE), T_KEY);
	cr_expect_neq(an_heap_node_dominator(heap, T_VALUE), T_TABLE);
	cr_expect_eq(an_heap_node_retained_size(heap, T_KEY), 32 + 48 + 24);
	cr_expect_eq(an_heap_node_retained_size(heap, T_WEAKMAP), 24 + 64);
	cr_expect_eq(an_heap_node_retained_size(heap, T_TABLE), 0);
}

/*
 * Distances: BFS over non-weak edges from the user roots (global = 1),
 * children in edge order:
 *   global's children WeakMap, key, Array, onTick, WeakRef, Context = 2
 *   from WeakMap: table = 3; from key: hello = 3, PropertyArray = 3, and
 *   the key -> value WeakMap edge is the first of its pair: DevTools'
 *   filter skips it; from Context: ext string = 3
 *   from the table (3): the second edge of the pair -> value = 4
 *   from ext string: ExternalStringData = 4; from value: Oddball = 5
 * Then from the root for the rest: root = 100000000, GC roots =
 * 100000001. Lonely is only reached through a weak edge: -5.
 */
Test(heap, tiny_distances)
{
	static const int32_t dist[T_COUNT] = {
		[T_ROOT] = 100000000, [T_GCROOTS] = 100000001,
		[T_GLOBAL] = 1,       [T_WEAKMAP] = 2,
		[T_TABLE] = 3,        [T_KEY] = 2,
		[T_VALUE] = 4,        [T_HELLO] = 3,
		[T_PROPS] = 3,        [T_ONTICK] = 2,
		[T_CONTEXT] = 2,      [T_EXTSTR] = 3,
		[T_EXTDATA] = 4,      [T_ARRAY] = 2,
		[T_ODDBALL] = 5,      [T_WEAKREF] = 2,
		[T_LONELY] = AN_HEAP_NO_DISTANCE,
	};
	uint32_t i;

	heap = load_tiny();
	for (i = 0; i < T_COUNT; i++)
		cr_expect_eq(an_heap_node_distance(heap, i), dist[i],
			     "node %u: distance %d, want %d", i,
			     an_heap_node_distance(heap, i), dist[i]);
	cr_expect_eq(AN_HEAP_NO_DISTANCE, -5);
	cr_expect_geq(an_heap_node_distance(heap, T_GCROOTS),
		      AN_HEAP_SYSTEM_DISTANCE);
}

/*
 * Classes: the two plain "Object"s both have the properties a, b (the
 * internal/hidden edges do not count), 2 >= max(2, 2 / 1000) objects: the
 * interface class "{a, b}": count 2, self 32 + 48 = 80, retained 104 (the
 * key dominates the value: only the topmost member counts), distance
 * min(2, 4) = 2. Lonely has a location (script 3, line 10, column 4,
 * 0-based) and is keyed by it. onTick also has a location, but only
 * objects are location-keyed: the closure is ",Function". Hidden nodes are
 * "(system)": PropertyArray 24 (the Oddball gave its 16 away, so it is not
 * counted). Strings: hello 24 + ext string 4136 = 4160.
 */
Test(heap, tiny_classes)
{
	const an_heap_class *c;
	const uint32_t *order;
	uint32_t n, k;

	heap = load_tiny();
	k = an_heap_node_class(heap, T_KEY);
	cr_expect_eq(an_heap_node_class(heap, T_VALUE), k);
	c = an_heap_class_get(heap, k);
	cr_expect(str_is(c->name, "{a, b}"), "%s", c->name.ptr);
	cr_expect_eq(c->has_location, 0);
	cr_expect_eq(c->count, 2);
	cr_expect_eq(c->self_size, 80);
	cr_expect_eq(c->retained_size, 104);
	cr_expect_eq(c->distance, 2);

	c = an_heap_class_get(heap, an_heap_node_class(heap, T_LONELY));
	cr_expect(str_is(c->name, "Lonely"));
	cr_expect_eq(c->has_location, 1);
	cr_expect_eq(c->script_id, 3);
	cr_expect_eq(c->line, 10);
	cr_expect_eq(c->column, 4);
	cr_expect_eq(c->count, 1);
	cr_expect_eq(c->self_size, 48);
	cr_expect_eq(c->retained_size, 48);
	cr_expect_eq(c->distance, AN_HEAP_NO_DISTANCE);

	c = an_heap_class_get(heap, an_heap_node_class(heap, T_ONTICK));
	cr_expect(str_is(c->name, "Function"));
	cr_expect_eq(c->has_location, 0);

	cr_expect_str_eq(class_name(heap, T_PROPS), "(system)");
	cr_expect_eq(an_heap_node_class(heap, T_ODDBALL),
		     an_heap_node_class(heap, T_PROPS));
	c = an_heap_class_get(heap, an_heap_node_class(heap, T_PROPS));
	cr_expect_eq(c->count, 1);
	cr_expect_eq(c->self_size, 24);
	cr_expect_eq(c->distance, 3);

	c = an_heap_class_get(heap, an_heap_node_class(heap, T_HELLO));
	cr_expect(str_is(c->name, "(string)"));
	cr_expect_eq(an_heap_node_class(heap, T_EXTSTR),
		     an_heap_node_class(heap, T_HELLO));
	cr_expect_eq(c->count, 2);
	cr_expect_eq(c->self_size, 4160);
	cr_expect_eq(c->retained_size, 4160);
	cr_expect_eq(c->distance, 3);

	cr_expect_str_eq(class_name(heap, T_TABLE), "(array)");
	cr_expect_str_eq(class_name(heap, T_ROOT), "(synthetic)");
	cr_expect_str_eq(class_name(heap, T_GLOBAL), "global");
	cr_expect_str_eq(class_name(heap, T_CONTEXT), "system / Context");
	cr_expect_str_eq(class_name(heap, T_EXTDATA),
			 "system / ExternalStringData");

	/* Summary rows: the 10 classes with a non-zero shallow size, by
	 * retained size descending (ties by name) */
	n = an_heap_classes(heap, &order);
	cr_assert_eq(n, 10);
	{
		static const char *const want[] = {
			"global",  "system / Context", "(string)", "{a, b}",
			"WeakMap", "Lonely",           "Array",    "Function",
			"(system)", "WeakRef"};
		for (k = 0; k < n; k++)
			cr_expect(str_is(an_heap_class_get(heap, order[k])->name,
					 want[k]),
				  "row %u: %s, want %s", k,
				  an_heap_class_get(heap, order[k])->name.ptr,
				  want[k]);
	}
	cr_expect_eq(class_named(heap, "(array)"), AN_NONE);
}

/*
 * Statistics (JSHeapSnapshot.calculateStatistics) on the adjusted sizes:
 *   system (hidden)  PropertyArray 24 + Oddball 0            = 24
 *   native           ExternalStringData 0 (moved) + extra 0  = 0
 *   typed arrays     no system / JSArrayBufferData            = 0
 *   code                                                     = 0
 *   strings          hello 24 + ext string 4136              = 4160
 *   JS arrays        "Array" 32; it has no internal "elements" edge = 32
 *   total 4568, V8 heap 4568 - 0 = 4568,
 *   other 4568 - 0 - 4160 - 32 - 24 = 352
 */
Test(heap, tiny_statistics)
{
	an_heap_stats s;

	heap = load_tiny();
	memset(&s, 0xab, sizeof(s));
	cr_assert_eq(an_heap_statistics(&s, heap, NULL), AN_OK);
	cr_expect_eq(s.total, 4568);
	cr_expect_eq(s.v8_heap, 4568);
	cr_expect_eq(s.code, 0);
	cr_expect_eq(s.strings, 4160);
	cr_expect_eq(s.js_arrays, 32);
	cr_expect_eq(s.system, 24);
	cr_expect_eq(s.native, 0);
	cr_expect_eq(s.typed_arrays, 0);
	cr_expect_eq(s.other, 352);
}

/*
 * test_heap.c - heap snapshots (.heapsnapshot): parity with Chrome
 * DevTools' Memory panel on every fixture (fixtures/heap/expected/ holds
 * the output of ../shared/oracles/heap/oracle.js, i.e. DevTools' own
 * HeapSnapshot.ts), values derived by hand on tiny.heapsnapshot, display
 * names, WeakMap edge names, retainer chains and threads. The loader's
 * own tests (chunking, bad input) are in test_heapload.c.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "fixture.h"
#include "mini_snapshot.h"
#include "heap/heap_int.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heap, .fini = fini, .timeout = 120);

/* ---- loading: fx_load_heap*, fx_must_load_heap, fx_heap_rel
 * (helpers/fixture.c) ---- */

#define load_file(out, rel, chunk, err)                                       \
	fx_load_heap((out), fx_path(rel), (chunk), (err))
#define must_load(rel) fx_must_load_heap(rel)
#define snapshot_rel(base) fx_heap_rel(base)

static an_heap *must_load_str(const char *json)
{
	an_heap *h = NULL;
	an_error err;
	int rc = fx_load_heap_mem(&h, json, strlen(json), 0, &err);

	cr_assert_eq(rc, AN_OK, "%d %s (byte %llu)", rc, err.message,
		     (unsigned long long)err.offset);
	return h;
}

static int str_is(an_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static const char *class_name(const an_heap *h, uint32_t n)
{
	return an_heap_class_get(h, an_heap_node_class(h, n))->name.ptr;
}

/* Display name into a malloc'ed buffer (names can be long). */
static char *node_name(const an_heap *h, uint32_t n)
{
	size_t len, len2;
	char *buf;

	cr_assert_eq(an_heap_node_name(NULL, 0, &len, h, n, NULL), AN_OK);
	buf = malloc(len + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(an_heap_node_name(buf, len + 1, &len2, h, n, NULL), AN_OK);
	cr_assert_eq(len2, len);
	return buf;
}

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

/* ---- tiny.heapsnapshot, read by hand ----
 *
 * meta: node_fields type,name,id,self_size,edge_count,trace_node_id,
 * detachedness (7 values per node, so to_node = 7 x ordinal); node_types
 * 0 hidden 1 array 2 string 3 object 5 closure 8 native 9 synthetic; edge
 * types 0 context 1 element 2 property 3 internal 4 hidden 5 shortcut
 * 6 weak. 17 nodes, ids 2 x ordinal + 1:
 *
 *  ord id type      name                        self edges
 *   0   1 synthetic ""  (the root)                 0  e0 element 1 -> 1,
 *                                                     e1 shortcut "2" -> 2
 *   1   3 synthetic (GC roots)                     0  e2 element 1 -> 2,
 *                                                     e3 element 2 -> 11
 *   2   5 object    global                        40  e4..e8 property wm->3,
 *                      key->5, list->13, onTick->9, ref->15;
 *                      e9 internal script_context->10
 *   3   7 object    WeakMap                       24  e10 internal table->4
 *   4   9 array     ""  (the WeakMap's table)     64  e11 weak "1"->5,
 *                      e12 weak "2"->6, e13 internal "5 / part of key
 *                      (Object @11) -> value (Object @13) pair in WeakMap
 *                      (table @9)" -> 6
 *   5  11 object    Object (the key)              32  e14 a->7, e15 b->13,
 *                      e16 internal properties->8, e17 internal "3 / part of
 *                      key (Object @11) -> value ... (table @9)" -> 6
 *   6  13 object    Object (the value)            32  e18 a->7, e19 b->9,
 *                      e20 internal properties->8, e21 hidden 1 -> 14
 *   7  15 string    hello                         24
 *   8  17 hidden    system / PropertyArray        24
 *   9  19 closure   onTick                        32  e22 internal context->10
 *  10  21 object    system / Context              40  e23 context text->11,
 *                                                     e24 context greeting->7
 *  11  23 string    external text: ...            40  e25 internal data->12
 *  12  25 native    system / ExternalStringData 4096
 *  13  27 object    Array                         32  e26 element 0->5,
 *                                                     e27 element 1->7
 *  14  29 hidden    system / Oddball              16
 *  15  31 object    WeakRef                       24  e28 weak target->16
 *  16  33 object    Lonely                        48  e29 property label->7
 *
 * Sum of self sizes: 40+24+64+32+32+24+24+32+40+40+4096+32+16+24+48 = 4568.
 * locations (object_index, script_id, line, column): (63 = onTick, 3, 2,
 * 17) and (112 = Lonely, 3, 10, 4).
 */
enum {
	T_ROOT, T_GCROOTS, T_GLOBAL, T_WEAKMAP, T_TABLE, T_KEY, T_VALUE,
	T_HELLO, T_PROPS, T_ONTICK, T_CONTEXT, T_EXTSTR, T_EXTDATA, T_ARRAY,
	T_ODDBALL, T_WEAKREF, T_LONELY, T_COUNT
};

static void load_tiny(void)
{
	heap = must_load("heap/tiny.heapsnapshot");
}

Test(heap, tiny_graph_as_written)
{
	uint32_t first, n, i;

	load_tiny();
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

	load_tiny();
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

	load_tiny();
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
	load_tiny();
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

	load_tiny();
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

	load_tiny();
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

	load_tiny();
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

/*
 * Retainers of "hello" (node 7): every incoming edge, none weak or from
 * the root: key.a (e14, distance 2, retained 104), value.a (e18, 4, 48),
 * Context.greeting (e24, 2, 4176), Array[1] (e27, 2, 32), Lonely.label
 * (e29, unreachable). Distance ascending, then retained size descending,
 * unreachable last: Context, key, Array, value, Lonely.
 */
Test(heap, tiny_retainers_order)
{
	static const uint32_t want_from[] = {T_CONTEXT, T_KEY, T_ARRAY,
					     T_VALUE, T_LONELY};
	static const uint32_t want_edge[] = {24, 14, 27, 18, 29};
	an_heap_retainer *r = NULL;
	uint32_t n = 0, i;
	an_error err;

	load_tiny();
	cr_assert_eq(an_heap_retainers(&r, &n, heap, T_HELLO, &err), AN_OK);
	cr_assert_eq(n, 5);
	for (i = 0; i < n; i++) {
		cr_expect_eq(r[i].from, want_from[i], "#%u: from %u, want %u",
			     i, r[i].from, want_from[i]);
		cr_expect_eq(r[i].edge, want_edge[i], "#%u: edge %u, want %u",
			     i, r[i].edge, want_edge[i]);
	}
	an_heap_retainers_free(r);

	/* global: GC roots' element 1 (e2); the root's shortcut is left out */
	cr_assert_eq(an_heap_retainers(&r, &n, heap, T_GLOBAL, &err), AN_OK);
	cr_assert_eq(n, 1);
	cr_expect_eq(r[0].from, T_GCROOTS);
	cr_expect_eq(r[0].edge, 2);
	an_heap_retainers_free(r);

	/* the WeakMap value: the key's internal edge e17 (key at distance 2)
	 * before the table's e13 (table at distance 3); the table's weak edge
	 * e12 is left out */
	cr_assert_eq(an_heap_retainers(&r, &n, heap, T_VALUE, &err), AN_OK);
	cr_assert_eq(n, 2);
	cr_expect_eq(r[0].from, T_KEY);
	cr_expect_eq(r[0].edge, 17);
	cr_expect_eq(r[1].from, T_TABLE);
	cr_expect_eq(r[1].edge, 13);
	an_heap_retainers_free(r);

	/* Lonely: only a weak retainer, so none; the root: none */
	cr_assert_eq(an_heap_retainers(&r, &n, heap, T_LONELY, &err), AN_OK);
	cr_expect_eq(n, 0);
	an_heap_retainers_free(r);
	cr_assert_eq(an_heap_retainers(&r, &n, heap, T_ROOT, &err), AN_OK);
	cr_expect_eq(n, 0);
	an_heap_retainers_free(r);

	/* out of range */
	r = (an_heap_retainer *)&n;
	cr_expect_eq(an_heap_retainers(&r, &n, heap, T_COUNT, &err),
		     AN_EINVAL);
	cr_expect_null(r);
	cr_expect_eq(n, 0);
}

/* ---- display names ---- */

Test(heap, display_names_tiny)
{
	char buf[64], *s;
	size_t len;

	load_tiny();
	/* plain objects get DevTools' "{a, b}" names */
	s = node_name(heap, T_KEY);
	cr_expect_str_eq(s, "{a, b}");
	free(s);
	s = node_name(heap, T_VALUE);
	cr_expect_str_eq(s, "{a, b}");
	free(s);
	/* anything else: the raw name */
	s = node_name(heap, T_GLOBAL);
	cr_expect_str_eq(s, "global");
	free(s);
	s = node_name(heap, T_EXTSTR);
	cr_expect_str_eq(s, "external text: a source string whose characters "
			    "live outside the V8 heap");
	free(s);
	/* a small buffer: cut and NUL-terminated, full length returned */
	memset(buf, 'x', sizeof(buf));
	cr_assert_eq(an_heap_node_name(buf, 9, &len, heap, T_EXTSTR, NULL),
		     AN_OK);
	cr_expect_eq(len, strlen("external text: a source string whose "
				 "characters live outside the V8 heap"));
	cr_expect_str_eq(buf, "external");
	cr_expect_eq(buf[9], 'x');
	cr_assert_eq(an_heap_node_name(buf, 3, &len, heap, T_KEY, NULL), AN_OK);
	cr_expect_eq(len, 6);
	cr_expect_str_eq(buf, "{a");
}


/*
 * Every concatenated string and plain "Object" of the real snapshots has
 * DevTools' name: FNV-1a 64 over "<id>\0<name>\0" for each such node in
 * node order, as JSHeapSnapshotNode.name() gives it (computed with the
 * oracle's DevTools bundle: 1815 / 9763 / 1613 names), plus a few spelled
 * out.
 */
Test(heap, display_names_match_devtools_on_real_snapshots)
{
	static const struct {
		const char *base;
		uint32_t count;
		uint64_t digest;
	} want[] = {
		{"baseline", 1815, 0x3a05bd649d0bc0d4ull},
		{"leak", 9763, 0x7e244d93ec346281ull},
		{"cleared", 1613, 0x2bb8796c04e6c615ull},
	};
	static const struct {
		uint64_t id;
		const char *name;
	} leak_names[] = {
		/* concatenated strings */
		{80823, "leak.heapsnapshot"},
		{74865, "abcdefghijabcdefghijabcdefghijabcdefghij"},
		{8777, "Internal Binding builtins"},
		/* plain objects, cut to about 100 characters with ", …, " */
		{42357, "{node, acorn, ada, ares, brotli, cjs_module_lexer, "
			"cldr, icu, \xe2\x80\xa6, tz, undici, unicode, uv, "
			"uvwasi, v8, zlib}"},
		{68969, "{kTimeout, async_id_symbol, trigger_async_id_symbol, "
			"Timeout, \xe2\x80\xa6, decRefCount, incRefCount, "
			"knownTimersById}"},
	};
	size_t f, i;

	for (f = 0; f < sizeof(want) / sizeof(*want); f++) {
		uint64_t d = FX_FNV_INIT;
		uint32_t n, count = 0;
		an_heap *h = must_load(snapshot_rel(want[f].base));
		for (n = 0; n < an_heap_node_count(h); n++) {
			const char *t = an_heap_node_type(h, n);
			char idbuf[32], *s;
			if (strcmp(t, "concatenated string") &&
			    (strcmp(t, "object") ||
			     !str_is(an_heap_node_raw_name(h, n), "Object")))
				continue;
			count++;
			snprintf(idbuf, sizeof(idbuf), "%" PRIu64,
				 an_heap_node_id(h, n));
			d = fx_fnv(d, idbuf, strlen(idbuf) + 1);
			s = node_name(h, n);
			d = fx_fnv(d, s, strlen(s) + 1);
			free(s);
		}
		cr_expect_eq(count, want[f].count, "%s: %u names",
			     want[f].base, count);
		cr_expect_eq(d, want[f].digest,
			     "%s: names digest %016" PRIx64 ", DevTools %016"
			     PRIx64, want[f].base, d, want[f].digest);
		if (!strcmp(want[f].base, "leak"))
			for (i = 0; i < sizeof(leak_names) / sizeof(*leak_names);
			     i++) {
				uint32_t k = an_heap_find_id(h, leak_names[i].id);
				char *s;
				cr_assert_neq(k, AN_NONE);
				s = node_name(h, k);
				cr_expect_str_eq(s, leak_names[i].name, "@%" PRIu64,
						 leak_names[i].id);
				free(s);
			}
		an_heap_free(h);
	}
}

/* ---- snapshots built in the test ---- */

/* A growable string. */
typedef struct sb {
	char *p;
	size_t len, cap;
} sb;

static void sb_add(sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		cr_assert_geq(n, 0);
		if (b->len + (size_t)n < b->cap)
			break;
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	b->len += (size_t)n;
}


/* The root holding one object through more shortcut edges than there
 * are nodes: the page-owned walk pushed each edge's target and overran
 * its stack (ASan: heap-buffer-overflow). */
Test(heap, root_with_more_shortcuts_than_nodes)
{
	static const char j[] = MINI_META "\"node_count\":2,\"edge_count\":6},"
		"\"nodes\":[9,0,1,0,6,3,1,3,10,0],"
		"\"edges\":[5,2,5,5,2,5,5,2,5,5,2,5,5,2,5,5,2,5],"
		MINI_STRINGS "}";
	an_heap *h = NULL;
	an_error err;

	cr_assert_eq(fx_load_heap_mem(&h, j, strlen(j), 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_heap_node_retained_size(h, 1), 10);
	cr_expect_eq(an_heap_node_dominator(h, 1), 0);
	an_heap_free(h);
}

Test(heap, smallest_snapshot_loads)
{
	const an_heap_class *c;
	const uint32_t *order;

	heap = must_load_str(MINI);
	cr_expect_eq(an_heap_node_count(heap), 2);
	cr_expect_eq(an_heap_edge_count(heap), 1);
	cr_expect_eq(an_heap_total_size(heap), 10);
	cr_expect_eq(an_heap_node_retained_size(heap, 1), 10);
	cr_expect_eq(an_heap_node_distance(heap, 1), 1);
	cr_expect_eq(an_heap_node_distance(heap, 0), 100000000);
	cr_assert_eq(an_heap_classes(heap, &order), 1);
	c = an_heap_class_get(heap, order[0]);
	cr_expect(str_is(c->name, "Foo"));
	cr_expect_eq(c->count, 1);
	cr_expect_eq(c->retained_size, 10);
	cr_expect_eq(c->distance, 1);
}

/*
 * Unknown top-level keys are skipped whatever they hold (brackets and
 * quotes inside strings included), and strings are JSON-decoded.
 */
Test(heap, skips_unknown_values_and_decodes_strings)
{
	static const char json[] =
		MINI_META MINI_BODY
		"\"x\":{\"a\":[1,{\"b\":\"]}\\\"[{\"}],\"c\":null},"
		"\"y\":-1.5e3,\"z\":\"}\","
		"\"strings\":[\"\",\"F\\\"o\\\\o\\u00e9\",\"g\"]}";
	an_str s;

	heap = must_load_str(json);
	s = an_heap_node_raw_name(heap, 1);
	cr_expect_eq(s.len, 7);
	cr_expect(str_is(s, "F\"o\\o\xc3\xa9"));
}

/*
 * A left-deep chain of 300 concatenated strings (s = s + "b", 300 times,
 * starting from "a"): DevTools' consStringName walks it with an unbounded
 * stack and shows "a" followed by 300 "b" (checked with the oracle's
 * DevTools bundle: 301 characters). Node ordinals: 0 root, 1 G, 2..301 the
 * cons strings (cons k: first -> cons k+1, second -> "b"; the last one's
 * first is "a"), 302 "a", 303 "b".
 */
#define CONS_DEPTH 300

static char *deep_cons_snapshot(void)
{
	sb b = {NULL, 0, 0};
	uint32_t k;

	sb_add(&b, MINI_META "\"node_count\":%u,\"edge_count\":%u},"
		   "\"nodes\":[9,0,1,0,1,3,1,3,16,1",
	       CONS_DEPTH + 4, 2 * CONS_DEPTH + 2);
	for (k = 0; k < CONS_DEPTH; k++)
		sb_add(&b, ",10,3,%u,32,2", 5 + 2 * k);
	sb_add(&b, ",2,6,%u,16,0,2,7,%u,16,0],\"edges\":[5,2,5,2,8,10",
	       5 + 2 * CONS_DEPTH, 7 + 2 * CONS_DEPTH);
	for (k = 0; k < CONS_DEPTH; k++)
		sb_add(&b, ",3,4,%u,3,5,%u",
		       5 * (k + 1 < CONS_DEPTH ? 3 + k : CONS_DEPTH + 2),
		       5 * (CONS_DEPTH + 3));
	sb_add(&b, "],\"strings\":[\"\",\"G\",\"g\",\"(concatenated "
		   "string)\",\"first\",\"second\",\"a\",\"b\",\"s\"]}");
	return b.p;
}

Test(heap, concatenated_string_name_of_a_deep_chain)
{
	char *json = deep_cons_snapshot(), *s, want[CONS_DEPTH + 2];

	heap = must_load_str(json);
	cr_assert_eq(an_heap_node_count(heap), CONS_DEPTH + 4);
	cr_assert_str_eq(an_heap_node_type(heap, 2), "concatenated string");
	cr_assert_str_eq(an_heap_node_type(heap, CONS_DEPTH + 1),
			 "concatenated string");
	/* the innermost cons string: "a" + "b" */
	s = node_name(heap, CONS_DEPTH + 1);
	cr_expect_str_eq(s, "ab");
	free(s);
	/* the outermost */
	want[0] = 'a';
	memset(want + 1, 'b', CONS_DEPTH);
	want[CONS_DEPTH + 1] = '\0';
	s = node_name(heap, 2);
	cr_expect_str_eq(s, want,
			 "300-deep concatenated string: got %zu characters "
			 "\"%.20s\", DevTools shows 301 (\"abbb...\")",
			 strlen(s), s);
	free(s);
	free(json);
}

/*
 * formatPropertyName quotes names holding , ' " { } with
 * JSON.stringify, which writes \n as the two characters \ n (not \u000a).
 * Object {"x,\ny": 1, z: 1} -> {"x,\ny", z} (the oracle's DevTools bundle
 * gives exactly this).
 */
Test(heap, plain_object_name_escapes_like_json_stringify)
{
	static const char json[] =
		MINI_META
		"\"node_count\":3,\"edge_count\":4},"
		"\"nodes\":[9,0,1,0,1,3,1,3,16,1,3,4,5,16,2],"
		"\"edges\":[5,2,5,2,3,10,2,5,5,2,6,5],"
		"\"strings\":[\"\",\"G\",\"g\",\"o\",\"Object\",\"x,\\ny\","
		"\"z\"]}";
	char *s;

	heap = must_load_str(json);
	s = node_name(heap, 2);
	cr_expect_str_eq(s, "{\"x,\\ny\", z}");
	free(s);
}

/*
 * #plainObjectName stops adding names once start + end + the *formatted*
 * name would pass 100 characters. Object {A: 1, m: 1, B: 1} with A = "a,"
 * + 46 "a" (48 characters, 50 once quoted) and B = 49 "b": "{" + A is 51
 * long; B would make 51 + 1 + 49 = 101 > 100, so DevTools stops:
 * {"a,aaa…", …} (confirmed with the oracle's DevTools bundle). Counting
 * A as 48 instead of 50 lets B (and m) in.
 */
Test(heap, plain_object_name_budget_counts_quoted_names)
{
	sb b = {NULL, 0, 0};
	char want[128];
	char a[49], bb[50];
	char *s;

	memset(a, 'a', 48);
	a[1] = ',';
	a[48] = '\0';
	memset(bb, 'b', 49);
	bb[49] = '\0';
	sb_add(&b, MINI_META "\"node_count\":3,\"edge_count\":5},"
		   "\"nodes\":[9,0,1,0,1,3,1,3,16,1,3,4,5,16,3],"
		   "\"edges\":[5,2,5,2,3,10,2,5,5,2,7,5,2,6,5],"
		   "\"strings\":[\"\",\"G\",\"g\",\"o\",\"Object\",\"%s\","
		   "\"%s\",\"m\"]}",
	       a, bb);
	heap = must_load_str(b.p);
	snprintf(want, sizeof(want), "{\"%s\", \xe2\x80\xa6}", a);
	s = node_name(heap, 2);
	cr_expect_str_eq(s, want);
	free(s);
	free(b.p);
}

/*
 * Unreachable nodes. Root -> G (shortcut); U1 -> U2 -> X with nothing
 * retaining U1; S <-> A, a cycle nothing else retains. Ordinals: 0 root,
 * 1 G, 2 U1, 3 U2, 4 X, 5 S, 6 A; 16 bytes each.
 * DevTools' dominators: after the DFS from the root, nodes whose
 * retainers are all non-essential (U1 has none at all) start a DFS of
 * their own below the root: U1 -> U2 -> X. S and A are still unvisited
 * (each has an essential retainer, the other): each hangs off the root
 * alone, so neither dominates the other. Retained: U1 16 + 16 + 16 = 48,
 * U2 32, X, S, A 16; total 5 x 16 + G 16 = 96. Distances: G 1, the rest
 * -5. (Same numbers from the oracle's DevTools bundle.)
 */
#define UNREACH                                                               \
	MINI_META "\"node_count\":7,\"edge_count\":5},"                       \
	"\"nodes\":[9,0,1,0,1,3,1,3,16,0,3,3,5,16,1,3,4,7,16,1,3,5,9,16,0,"    \
	"3,8,11,16,1,3,9,13,16,1],"                                           \
	"\"edges\":[5,2,5,2,6,15,2,7,20,2,11,30,2,10,25],"                     \
	"\"strings\":[\"\",\"G\",\"g\",\"U1\",\"U2\",\"X\",\"p\",\"q\",\"S\","  \
	"\"A\",\"s\",\"a\"]}"

Test(heap, unreachable_nodes_hang_off_the_root)
{
	static const uint32_t dom[] = {0, 0, 0, 2, 3, 0, 0};
	static const uint64_t ret[] = {96, 16, 48, 32, 16, 16, 16};
	an_heap_retainer *r = NULL;
	uint32_t i, n;
	an_error err;

	heap = must_load_str(UNREACH);
	for (i = 0; i < 7; i++) {
		cr_expect_eq(an_heap_node_dominator(heap, i), dom[i],
			     "node %u: dominator %u, want %u", i,
			     an_heap_node_dominator(heap, i), dom[i]);
		cr_expect_eq(an_heap_node_retained_size(heap, i), ret[i],
			     "node %u: retained %" PRIu64 ", want %" PRIu64, i,
			     an_heap_node_retained_size(heap, i), ret[i]);
		if (i >= 2)
			cr_expect_eq(an_heap_node_distance(heap, i),
				     AN_HEAP_NO_DISTANCE, "node %u", i);
	}
	cr_expect_eq(an_heap_node_distance(heap, 1), 1);
	cr_expect_eq(an_heap_total_size(heap), 96);
	/* an unreachable retainer is still a retainer */
	cr_assert_eq(an_heap_retainers(&r, &n, heap, 4, &err), AN_OK);
	cr_assert_eq(n, 1);
	cr_expect_eq(r[0].from, 3);
	an_heap_retainers_free(r);
	cr_assert_eq(an_heap_retainers(&r, &n, heap, 5, &err), AN_OK);
	cr_assert_eq(n, 1);
	cr_expect_eq(r[0].from, 6);
	an_heap_retainers_free(r);
	cr_assert_eq(an_heap_retainers(&r, &n, heap, 2, &err), AN_OK);
	cr_expect_eq(n, 0);
	an_heap_retainers_free(r);
}

/* ---- parity with DevTools (the oracle's files) ---- */

static yajl_val read_json(const char *rel)
{
	char errbuf[256];
	char *text = fx_slurp(fx_path(rel), NULL);
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));

	cr_assert_not_null(v, "%s: %s", rel, errbuf);
	free(text);
	return v;
}

static yajl_val jget(yajl_val obj, const char *key, yajl_type t)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, t);

	cr_assert_not_null(v, "missing %s", key);
	return v;
}

static long long jint(yajl_val obj, const char *key)
{
	yajl_val v = jget(obj, key, yajl_t_number);

	cr_assert(YAJL_IS_INTEGER(v), "%s is not an integer", key);
	return YAJL_GET_INTEGER(v);
}

static const char *jstr(yajl_val obj, const char *key)
{
	return YAJL_GET_STRING(jget(obj, key, yajl_t_string));
}

/* JavaScript's String length: UTF-16 code units of UTF-8 text. */
static size_t utf16_len(const char *s)
{
	size_t k = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) == 0x80)
			continue;
		k += c >= 0xf0 ? 2 : 1;
	}
	return k;
}

/* Our display name against the oracle's, which it cut to `cut` UTF-16
 * units (adding `ellipsis` when it did). */
static void expect_name(const char *ours, const char *theirs, size_t cut,
			int ellipsis, const char *ctx)
{
	size_t tl = strlen(theirs);

	if (ellipsis && tl >= 3 && !strcmp(theirs + tl - 3, "\xe2\x80\xa6") &&
	    utf16_len(ours) > cut) {
		cr_expect(strncmp(ours, theirs, tl - 3) == 0,
			  "%s: name \"%.60s\", DevTools \"%.60s\"", ctx, ours,
			  theirs);
		return;
	}
	if (!ellipsis && utf16_len(theirs) >= cut) {
		cr_expect(strncmp(ours, theirs, tl) == 0,
			  "%s: name \"%.60s\", DevTools \"%.60s\"", ctx, ours,
			  theirs);
		return;
	}
	cr_expect_str_eq(ours, theirs, "%s: name", ctx);
}

/*
 * One node of the oracle's output ({id, name, class, type, distance,
 * self_size, retained_size}) against ours. Distances are compared raw:
 * -5 (unreachable) and >= 100000000 (system) are what DevTools computes
 * too, and it shows both as "-".
 */
static void expect_node(const an_heap *h, uint32_t n, yajl_val o,
			size_t name_cut, int ellipsis, const char *ctx)
{
	char *name = node_name(h, n);

	cr_expect_eq(an_heap_node_id(h, n), (uint64_t)jint(o, "id"), "%s", ctx);
	cr_expect_eq(an_heap_node_self_size(h, n),
		     (uint64_t)jint(o, "self_size"),
		     "%s @%lld: self %" PRIu64 ", DevTools %lld", ctx,
		     jint(o, "id"), an_heap_node_self_size(h, n),
		     jint(o, "self_size"));
	cr_expect_eq(an_heap_node_retained_size(h, n),
		     (uint64_t)jint(o, "retained_size"),
		     "%s @%lld: retained %" PRIu64 ", DevTools %lld", ctx,
		     jint(o, "id"), an_heap_node_retained_size(h, n),
		     jint(o, "retained_size"));
	cr_expect_eq(an_heap_node_distance(h, n), jint(o, "distance"),
		     "%s @%lld: distance %d, DevTools %lld", ctx, jint(o, "id"),
		     an_heap_node_distance(h, n), jint(o, "distance"));
	cr_expect_str_eq(an_heap_node_type(h, n), jstr(o, "type"), "%s @%lld",
			 ctx, jint(o, "id"));
	cr_expect_str_eq(class_name(h, n), jstr(o, "class"), "%s @%lld", ctx,
			 jint(o, "id"));
	expect_name(name, jstr(o, "name"), name_cut, ellipsis, ctx);
	free(name);
}

static int cmp_u64_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x > y ? -1 : x < y;
}

/*
 * Every Summary row DevTools shows is ours with the same count, shallow,
 * retained and distance, keyed by name and location ("scriptId,line,col,
 * Name", 0-based, or ",Name"); we show no other row; and the counts, the
 * total, the top objects by retained size agree.
 */
static void check_summary(const char *base)
{
	char rel[128];
	yajl_val exp, rows, top;
	const uint32_t *order;
	uint32_t n, i, j, nrows, unreachable = 0;
	uint64_t self_sum = 0, *rs;
	uint8_t *used;
	an_heap *h;

	snprintf(rel, sizeof(rel), "heap/expected/%s.summary.json", base);
	exp = read_json(rel);
	h = heap = must_load(snapshot_rel(base));
	cr_expect_eq(an_heap_node_count(h), (uint32_t)jint(exp, "node_count"),
		     "%s", base);
	cr_expect_eq(an_heap_edge_count(h), (uint32_t)jint(exp, "edge_count"),
		     "%s", base);
	cr_expect_eq(an_heap_total_size(h),
		     (uint64_t)jint(exp, "devtools_total_size"),
		     "%s: total %" PRIu64 ", DevTools %lld", base,
		     an_heap_total_size(h), jint(exp, "devtools_total_size"));
	for (i = 0; i < an_heap_node_count(h); i++) {
		self_sum += an_heap_node_self_size(h, i);
		unreachable += an_heap_node_distance(h, i) ==
			       AN_HEAP_NO_DISTANCE;
	}
	cr_expect_eq(self_sum, (uint64_t)jint(exp, "total_self_size"), "%s",
		     base);
	cr_expect_eq(unreachable, (uint32_t)jint(exp, "unreachable_nodes"),
		     "%s", base);

	rows = jget(exp, "classes", yajl_t_array);
	nrows = (uint32_t)YAJL_GET_ARRAY(rows)->len;
	n = an_heap_classes(h, &order);
	used = calloc(n + 1, 1);
	cr_assert_not_null(used);
	for (i = 0; i < nrows; i++) {
		yajl_val row = YAJL_GET_ARRAY(rows)->values[i];
		const char *key = jstr(row, "key"), *name = jstr(row, "name");
		unsigned sid = 0, line = 0, col = 0;
		int loc = key[0] != ',';
		const an_heap_class *c = NULL;

		if (loc) {
			const char *p = key;
			int k;
			cr_assert_eq(sscanf(key, "%u,%u,%u,", &sid, &line, &col),
				     3, "%s: key %s", base, key);
			for (k = 0; k < 3; k++)
				p = strchr(p, ',') + 1;
			cr_assert_str_eq(p, name, "%s: key %s", base, key);
		} else {
			cr_assert_str_eq(key + 1, name, "%s: key %s", base, key);
		}
		for (j = 0; j < n; j++) {
			c = an_heap_class_get(h, order[j]);
			if (str_is(c->name, name) && c->has_location == loc &&
			    (!loc || (c->script_id == sid && c->line == line &&
				      c->column == col)))
				break;
		}
		cr_expect_lt(j, n, "%s: DevTools row '%s' is missing", base,
			     key);
		if (j == n)
			continue;
		cr_expect_eq(used[j], 0, "%s: row '%s' matched twice", base,
			     key);
		used[j] = 1;
		cr_expect_eq(c->count, (uint64_t)jint(row, "count"),
			     "%s '%s': count %" PRIu64 ", DevTools %lld", base,
			     key, c->count, jint(row, "count"));
		cr_expect_eq(c->self_size, (uint64_t)jint(row, "self_size"),
			     "%s '%s': shallow %" PRIu64 ", DevTools %lld", base,
			     key, c->self_size, jint(row, "self_size"));
		cr_expect_eq(c->retained_size,
			     (uint64_t)jint(row, "retained_size"),
			     "%s '%s': retained %" PRIu64 ", DevTools %lld",
			     base, key, c->retained_size,
			     jint(row, "retained_size"));
		cr_expect_eq(c->distance, jint(row, "distance"),
			     "%s '%s': distance %d, DevTools %lld", base, key,
			     c->distance, jint(row, "distance"));
		/* same position, unless a tie (same retained size and name)
		 * leaves the order open */
		if (j != i) {
			yajl_val o = YAJL_GET_ARRAY(rows)->values[j < nrows ? j :
								  0];
			cr_expect(j < nrows &&
					  jint(o, "retained_size") ==
						  jint(row, "retained_size") &&
					  !strcmp(jstr(o, "name"), name),
				  "%s: row '%s' is #%u, DevTools #%u", base, key,
				  j, i);
		}
	}
	for (j = 0; j < n; j++)
		cr_expect(used[j], "%s: we list class '%s' which DevTools "
			  "does not", base,
			  an_heap_class_get(h, order[j])->name.ptr);
	cr_expect_eq(n, nrows, "%s: %u rows, DevTools %u", base, n, nrows);
	free(used);

	/* top objects by retained size (the root excluded): each one's
	 * values, and the sizes of our top list */
	top = jget(exp, "top_objects", yajl_t_array);
	rs = calloc(an_heap_node_count(h), sizeof(*rs));
	cr_assert_not_null(rs);
	for (i = 0, j = 0; i < an_heap_node_count(h); i++)
		if (i != an_heap_root(h))
			rs[j++] = an_heap_node_retained_size(h, i);
	qsort(rs, j, sizeof(*rs), cmp_u64_desc);
	for (i = 0; i < YAJL_GET_ARRAY(top)->len; i++) {
		yajl_val o = YAJL_GET_ARRAY(top)->values[i];
		uint32_t k = an_heap_find_id(h, (uint64_t)jint(o, "id"));
		char ctx[96];
		snprintf(ctx, sizeof(ctx), "%s top #%u", base, i);
		cr_assert_neq(k, AN_NONE, "%s: no @%lld", ctx, jint(o, "id"));
		expect_node(h, k, o, 200, 1, ctx);
		cr_expect_eq(rs[i], (uint64_t)jint(o, "retained_size"),
			     "%s: our #%u retains %" PRIu64, ctx, i, rs[i]);
	}
	free(rs);
	yajl_tree_free(exp);
}

Test(heap, summary_matches_devtools_tiny) { check_summary("tiny"); }
Test(heap, summary_matches_devtools_baseline) { check_summary("baseline"); }
Test(heap, summary_matches_devtools_leak) { check_summary("leak"); }
Test(heap, summary_matches_devtools_cleared) { check_summary("cleared"); }

/* The edge's name as DevTools serializes it: numbers for element and
 * hidden edges, as decimal text. */
static char *edge_text(const an_heap *h, uint32_t e)
{
	an_str s = an_heap_edge_name(h, e);
	char *buf = malloc((size_t)s.len + 16);

	cr_assert_not_null(buf);
	if (an_heap_edge_is_index(h, e))
		snprintf(buf, 16, "%u", an_heap_edge_index(h, e));
	else
		memcpy(buf, s.ptr, (size_t)s.len + 1);
	return buf;
}

/*
 * The Retainers view's first chain, rebuilt with the public API as the
 * UI expands it (HeapSnapshotRetainingObjectNode.expandRetainersChain):
 * from the node, take the first retainer in an_heap_retainers() order;
 * stop after a retainer whose distance is <= 1 (a user root) or that is
 * unreachable (-5, also <= 1 here), or one seen before, or after 20
 * steps, or when there is no retainer. Ids, edge names and types, sizes
 * and distances must equal the oracle's chain.
 */
/* The library's chain (an_heap_retainer_chain, 20 steps as DevTools'
 * view) against the oracle's: every step's edge name and type and every
 * node's id, class, name, distance and sizes. */
static void check_chains(const char *base)
{
	char rel[128];
	yajl_val exp;
	size_t i;

	snprintf(rel, sizeof(rel), "heap/expected/%s.retainers.json", base);
	exp = read_json(rel);
	cr_assert(YAJL_IS_ARRAY(exp));
	heap = must_load(snapshot_rel(base));
	for (i = 0; i < YAJL_GET_ARRAY(exp)->len; i++) {
		yajl_val ent = YAJL_GET_ARRAY(exp)->values[i];
		yajl_val chain = jget(ent, "chain", yajl_t_array);
		size_t len = YAJL_GET_ARRAY(chain)->len, k;
		uint64_t id = (uint64_t)jint(ent, "id");
		uint32_t n = an_heap_find_id(heap, id), clen = 0, cur;
		an_heap_retainer *c = NULL;
		an_error err;
		char ctx[96];

		snprintf(ctx, sizeof(ctx), "%s chain of @%" PRIu64, base, id);
		cr_assert_neq(n, AN_NONE, "%s: no such node", ctx);
		cr_assert_geq(len, 1);
		expect_node(heap, n,
			    jget(YAJL_GET_ARRAY(chain)->values[0], "node",
				 yajl_t_object),
			    120, 0, ctx);
		cr_assert_eq(an_heap_retainer_chain(&c, &clen, heap, n, 0, 20,
						    &err),
			     AN_OK, "%s: %s", ctx, err.message);
		cr_expect_eq((size_t)clen + 1, len, "%s: %u steps, DevTools %zu",
			     ctx, clen + 1, len);
		cur = n;
		for (k = 1; k < len && k <= clen; k++) {
			yajl_val s = YAJL_GET_ARRAY(chain)->values[k];
			yajl_val edge = jget(s, "edge", yajl_t_object);
			char *buf = edge_text(heap, c[k - 1].edge);
			snprintf(ctx, sizeof(ctx), "%s @%" PRIu64 " step %zu",
				 base, id, k);
			cr_expect_str_eq(buf, jstr(edge, "name"),
					 "%s: edge \"%s\", DevTools \"%s\"", ctx,
					 buf, jstr(edge, "name"));
			cr_expect_str_eq(an_heap_edge_type(heap, c[k - 1].edge),
					 jstr(edge, "type"),
					 "%s: edge type %s, DevTools %s", ctx,
					 an_heap_edge_type(heap, c[k - 1].edge),
					 jstr(edge, "type"));
			free(buf);
			cr_expect_eq(an_heap_edge_target(heap, c[k - 1].edge),
				     cur, "%s", ctx);
			expect_node(heap, c[k - 1].from,
				    jget(s, "node", yajl_t_object), 120, 0,
				    ctx);
			cur = c[k - 1].from;
		}
		an_heap_retainers_free(c);
	}
	yajl_tree_free(exp);
}

/* The first retainer query of a heap scans the edges, later ones use an
 * index built on the second: both must list the same retainers in the
 * same order. For each of 40 nodes of leak (every 1405th), a fresh heap
 * answers the node's query by scanning, then by the index; and a chain
 * without a step limit ends at distance <= 1, at a repeat or where no
 * retainer is left (the VM's roots: system distances); with one, within
 * it. */
Test(heap, retainers_by_index_equal_retainers_by_scan)
{
	uint32_t v, step = 1405, count = 0;

	for (v = 0; v < 56204; v += step) {
		an_heap *h = must_load(snapshot_rel("leak"));
		an_heap_retainer *a = NULL, *b = NULL, *c = NULL;
		uint32_t na = 0, nb = 0, nc = 0, i;
		an_error err;

		cr_assert_eq(an_heap_retainers(&a, &na, h, v, &err), AN_OK);
		cr_assert_eq(an_heap_retainers(&b, &nb, h, v, &err), AN_OK);
		cr_expect_eq(na, nb, "node %u: %u retainers scanned, %u indexed",
			     v, na, nb);
		for (i = 0; i < na && i < nb; i++)
			cr_expect(a[i].edge == b[i].edge &&
					  a[i].from == b[i].from,
				  "node %u retainer %u: edge %u from %u, "
				  "indexed edge %u from %u",
				  v, i, a[i].edge, a[i].from, b[i].edge,
				  b[i].from);
		count += na;
		cr_assert_eq(an_heap_retainer_chain(&c, &nc, h, v, 0, 0, &err),
			     AN_OK);
		if (nc > 0) {
			int32_t d = an_heap_node_distance(h, c[nc - 1].from);
			int repeat = c[nc - 1].from == v;
			for (i = 0; i + 1 < nc; i++)
				repeat |= c[i].from == c[nc - 1].from;
			an_heap_retainer *r = NULL;
			uint32_t nr = 0;
			cr_assert_eq(an_heap_retainers(&r, &nr, h,
						       c[nc - 1].from, &err),
				     AN_OK);
			cr_expect(d <= 1 || repeat || nr == 0,
				  "node %u: chain of %u ends at distance %d "
				  "with %u retainers", v, nc, d, nr);
			an_heap_retainers_free(r);
		}
		an_heap_retainers_free(c);
		cr_assert_eq(an_heap_retainer_chain(&c, &nc, h, v, 0, 2, &err),
			     AN_OK);
		cr_expect_leq(nc, 2, "node %u: --depth 2 chain of %u", v, nc);
		an_heap_retainers_free(c);
		an_heap_retainers_free(a);
		an_heap_retainers_free(b);
		an_heap_free(h);
	}
	cr_expect_gt(count, 40, "the sample has retainers (%u)", count);
}

/* ---- WeakMap edge names ----
 * The reference: DevTools' regex as a backtracking matcher would run it
 * (every split tried; the square of the length), against the library's
 * one-pass matcher, on 200,000 names made of the pattern's pieces. */

static int ref_digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start;
}

static int ref_lit(const char *s, size_t n, size_t *i, const char *l)
{
	size_t k = strlen(l);

	if (n - *i < k || memcmp(s + *i, l, k) != 0)
		return 0;
	*i += k;
	return 1;
}

static int ref_tail(const char *s, size_t n, size_t k, uint64_t *table)
{
	size_t d;
	uint64_t t = 0;

	if (!ref_lit(s, n, &k, " pair in WeakMap (table @"))
		return 0;
	d = k;
	if (!ref_digits(s, n, &k))
		return 0;
	for (; d < k; d++)
		t = t * 10 + (uint64_t)(s[d] - '0');
	if (!ref_lit(s, n, &k, ")") || k != n)
		return 0;
	*table = t;
	return 1;
}

static int ref_weakmap(const char *s, size_t n, size_t *dup, uint64_t *table)
{
	size_t i = 0, p, v;

	if (!ref_digits(s, n, &i))
		return 0;
	*dup = i;
	if (!ref_lit(s, n, &i, " / part of key ("))
		return 0;
	for (p = i; p < n; p++) {
		size_t k = p;
		if (!ref_lit(s, n, &k, " @") || !ref_digits(s, n, &k) ||
		    !ref_lit(s, n, &k, ") -> value ("))
			continue;
		for (v = k; v < n; v++) {
			size_t m = v;
			if (!ref_lit(s, n, &m, " @") || !ref_digits(s, n, &m) ||
			    !ref_lit(s, n, &m, ")"))
				continue;
			if (ref_tail(s, n, m, table))
				return 1;
		}
	}
	return 0;
}

Test(heap, weakmap_names_match_as_devtools_regex)
{
	static const char *const pieces[] = {
		"1", "23", "0", " / part of key (", "Object", " @", "7", ")",
		" -> value (", ") -> value (", " pair in WeakMap (table @",
		"(", " ", "@", "x", "Map @12) -> value (", " @5)",
		" pair in WeakMap (table @9)"};
	const size_t np = sizeof(pieces) / sizeof(*pieces);
	uint32_t seed = 12345, k, hits = 0;
	char buf[512];

	for (k = 0; k < 200000; k++) {
		size_t n = 0, dup_a = 0, dup_b = 0;
		uint64_t ta = 0, tb = 0;
		int a, b, m, j;
		an_str name;
		/* half the names start like the real thing */
		if (k % 2) {
			n = (size_t)snprintf(buf, sizeof(buf),
					     "%u / part of key (", k % 97);
		}
		seed = seed * 1103515245u + 12345u;
		m = 1 + (int)((seed >> 16) % 12);
		for (j = 0; j < m; j++) {
			const char *pc;
			seed = seed * 1103515245u + 12345u;
			pc = pieces[(seed >> 16) % np];
			if (n + strlen(pc) >= sizeof(buf))
				break;
			memcpy(buf + n, pc, strlen(pc));
			n += strlen(pc);
		}
		if (k % 3 == 0 && n + 40 < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      " @4) pair in WeakMap (table @%u)",
					      k);
		name.ptr = buf;
		name.len = n;
		a = ref_weakmap(buf, n, &dup_a, &ta);
		b = an__heap_weakmap_name(name, &dup_b, &tb);
		cr_assert_eq(a, b, "'%.*s': reference %d, library %d", (int)n,
			     buf, a, b);
		if (a) {
			cr_assert_eq(dup_a, dup_b, "'%.*s'", (int)n, buf);
			cr_assert_eq(ta, tb, "'%.*s'", (int)n, buf);
			hits++;
		}
	}
	cr_expect_gt(hits, 1000, "names that match: %u", hits);
}

/* An 8 MB name of near misses: one pass, not the square of it (a 300 kB
 * one took 4 s with the backtracking matcher, this one would take hours:
 * the suite's timeout catches a return to it). */
Test(heap, weakmap_name_matching_is_linear)
{
	size_t n = 8u << 20, i, dup;
	char *s = malloc(n + 64);
	uint64_t table;
	an_str name;
	int r;

	cr_assert_not_null(s);
	i = (size_t)snprintf(s, 64, "1 / part of key (");
	while (i + 16 < n) {
		memcpy(s + i, " @1) -> value (", 15);
		i += 15;
	}
	name.ptr = s;
	name.len = i;
	r = an__heap_weakmap_name(name, &dup, &table);
	cr_expect_eq(r, 0);
	free(s);
}

/* ---- threads ----
 * A loaded heap answers queries from several threads at once, and two
 * heaps can be loaded at once: every sort carries its own keys (a static
 * comparator context crashed four threads querying one heap). */

typedef struct chain_job {
	const an_heap *h;
	uint32_t first, step, n;
	uint64_t digest;
	int rc;
} chain_job;

static void *chain_worker(void *arg)
{
	chain_job *j = arg;
	uint32_t i, k;

	j->digest = 1469598103934665603ull;
	for (i = 0; i < j->n; i++) {
		an_heap_retainer *c = NULL;
		uint32_t len = 0;
		an_error err;
		uint32_t v = (j->first + i * j->step) % an_heap_node_count(j->h);
		if (an_heap_retainer_chain(&c, &len, j->h, v, i % 3, 0, &err)) {
			j->rc = -1;
			return NULL;
		}
		for (k = 0; k < len; k++)
			j->digest = (j->digest ^ c[k].edge ^
				     ((uint64_t)c[k].from << 32)) *
				    1099511628211ull;
		j->digest = (j->digest ^ len) * 1099511628211ull;
		an_heap_retainers_free(c);
	}
	return NULL;
}

typedef struct load_job {
	char rel[128];
	an_heap *h;
	int rc;
} load_job;

static void *load_worker(void *arg)
{
	load_job *j = arg;
	an_error err;

	j->rc = load_file(&j->h, j->rel, 0, &err);
	return NULL;
}

Test(heap, threads_share_a_heap_and_load_two)
{
	an_heap *h = must_load(snapshot_rel("leak"));
	chain_job one[4], many[4];
	load_job lj[2];
	pthread_t tid[4];
	uint32_t i, c;

	for (i = 0; i < 4; i++) {
		memset(&one[i], 0, sizeof(one[i]));
		one[i].h = h;
		one[i].first = 1000 + i * 7;
		one[i].step = 977;
		one[i].n = 150;
		many[i] = one[i];
		chain_worker(&one[i]); /* alone */
		cr_assert_eq(one[i].rc, 0);
	}
	for (i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&tid[i], NULL, chain_worker,
					    &many[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		cr_expect_eq(many[i].rc, 0);
		cr_expect_eq(many[i].digest, one[i].digest,
			     "thread %u: chains differ from one thread's", i);
	}
	for (i = 0; i < 2; i++) {
		/* snapshot_rel() returns one static buffer: copy */
		snprintf(lj[i].rel, sizeof(lj[i].rel), "%s",
			 snapshot_rel(i ? "baseline" : "leak"));
		lj[i].h = NULL;
		cr_assert_eq(pthread_create(&tid[i], NULL, load_worker, &lj[i]),
			     0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(tid[i], NULL);
		cr_assert_eq(lj[i].rc, AN_OK);
	}
	/* leak loaded beside baseline: the same Summary as alone */
	{
		const uint32_t *oa, *ob;
		uint32_t na = an_heap_classes(lj[0].h, &oa);
		uint32_t nb = an_heap_classes(h, &ob);
		cr_assert_eq(na, nb);
		for (c = 0; c < na; c++)
			cr_expect_eq(oa[c], ob[c], "class row %u", c);
	}
	an_heap_free(lj[0].h);
	an_heap_free(lj[1].h);
	an_heap_free(h);
}

Test(heap, retainer_chains_match_devtools_tiny) { check_chains("tiny"); }
Test(heap, retainer_chains_match_devtools_baseline)
{
	check_chains("baseline");
}
Test(heap, retainer_chains_match_devtools_leak) { check_chains("leak"); }
Test(heap, retainer_chains_match_devtools_cleared)
{
	check_chains("cleared");
}

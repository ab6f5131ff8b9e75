/*
 * test_heapdiff.c - parity with DevTools' Comparison view: every row of
 * the oracle's fixtures/heap/expected/{baseline-leak,leak-cleared}.diff.json
 * (name, key, the six numbers) in the oracle's order; identical snapshots
 * give no row; and the diff's own bookkeeping (new objects, shared ids).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"
#include "mini_snapshot.h"

static an_heap *target;
static an_heap_base *base;
static an_heap_diff *diff;

static void fini(void)
{
	an_heap_diff_free(diff);
	an_heap_base_free(base);
	an_heap_free(target);
}

TestSuite(heapdiff, .fini = fini, .timeout = 120);

static an_heap_base *must_load_base(const char *rel)
{
	an_source *src = NULL;
	an_heap_base *b = NULL;
	an_error err;
	int rc;

	an_error_clear(&err);
	rc = an_source_open_path(&src, fx_path(rel), &err);
	cr_assert_eq(rc, AN_OK, "%s: %s", rel, err.message);
	rc = an_heap_base_load(&b, src, NULL, &err);
	cr_assert_eq(rc, AN_OK, "%s: %d %s", rel, rc, err.message);
	an_source_free(src);
	return b;
}

static const an_heap_diff_row *compare(const char *b, const char *t,
				       uint32_t *n)
{
	const an_heap_diff_row *rows;
	an_error err;

	base = must_load_base(snapshot_rel(b));
	target = must_load(snapshot_rel(t));
	cr_assert_eq(an_heap_diff_new(&diff, base, target, &err), AN_OK,
		     "%s", err.message);
	*n = an_heap_diff_rows(diff, &rows);
	return rows;
}

/* "sid,line,col,Name" (0-based) or ",Name", as the oracle keys rows */
static void row_key(char *buf, size_t cap, const an_heap_diff_row *r)
{
	an_str k = r->key_name;

	if (r->has_location)
		snprintf(buf, cap, "%u,%u,%u,%.*s", r->script_id, r->line,
			 r->column, (int)k.len, k.ptr);
	else
		snprintf(buf, cap, ",%.*s", (int)k.len, k.ptr);
}

/* The same through an_heap_diff_load(): TARGET analysed light; BASE
 * read as a base (from_heap 0) or taken from the snapshot loaded in full
 * (an_heap_base_from(), as profkit ingest does). */
static const an_heap_diff_row *compare_light(const char *b, const char *t,
					     int from_heap, uint32_t *n)
{
	const an_heap_diff_row *rows;
	an_source *src = NULL;
	an_error err;

	if (from_heap) {
		an_heap *full = must_load(snapshot_rel(b));

		cr_assert_eq(an_heap_base_from(&base, full, &err), AN_OK,
			     "%s", err.message);
		an_heap_free(full);
	} else {
		base = must_load_base(snapshot_rel(b));
	}
	cr_assert_eq(an_source_open_path(&src, fx_path(snapshot_rel(t)), &err),
		     AN_OK);
	cr_assert_eq(an_heap_diff_load(&diff, base, src, NULL, &err), AN_OK,
		     "%s", err.message);
	an_source_free(src);
	*n = an_heap_diff_rows(diff, &rows);
	return rows;
}

static void check_diff_with(const char *b, const char *t, int light)
{
	char rel[128], key[1024];
	yajl_val exp, rows;
	const an_heap_diff_row *r;
	uint32_t n, i, nexp;

	snprintf(rel, sizeof(rel), "heap/expected/%s-%s.diff.json", b, t);
	exp = read_json(rel);
	r = light ? compare_light(b, t, light == 2, &n) : compare(b, t, &n);
	rows = jget(exp, "classes", yajl_t_array);
	nexp = (uint32_t)YAJL_GET_ARRAY(rows)->len;
	cr_expect_eq(n, nexp, "%s: %u rows, DevTools %u", rel, n, nexp);
	for (i = 0; i < n && i < nexp; i++) {
		yajl_val o = YAJL_GET_ARRAY(rows)->values[i];
		row_key(key, sizeof(key), &r[i]);
		cr_expect(str_is(r[i].name, jstr(o, "name")),
			  "%s row %u: name %.*s, DevTools %s", rel, i,
			  (int)r[i].name.len, r[i].name.ptr, jstr(o, "name"));
		cr_expect_str_eq(key, jstr(o, "key"), "%s row %u", rel, i);
		cr_expect_eq(r[i].new_count, (uint64_t)jint(o, "new_count"),
			     "%s %s new", rel, key);
		cr_expect_eq(r[i].deleted_count,
			     (uint64_t)jint(o, "deleted_count"),
			     "%s %s deleted", rel, key);
		cr_expect_eq(r[i].count_delta, (int64_t)jint(o, "count_delta"),
			     "%s %s delta", rel, key);
		cr_expect_eq(r[i].alloc_size, (uint64_t)jint(o, "alloc_size"),
			     "%s %s alloc", rel, key);
		cr_expect_eq(r[i].freed_size, (uint64_t)jint(o, "freed_size"),
			     "%s %s freed", rel, key);
		cr_expect_eq(r[i].size_delta, (int64_t)jint(o, "size_delta"),
			     "%s %s size delta", rel, key);
	}
	yajl_tree_free(exp);
}

static void check_diff(const char *b, const char *t)
{
	check_diff_with(b, t, 0);
}

Test(heapdiff, baseline_to_leak_matches_devtools)
{
	check_diff("baseline", "leak");
}

Test(heapdiff, leak_to_cleared_matches_devtools)
{
	check_diff("leak", "cleared");
}

/* TARGET without dominators, retained sizes or distances: the same rows */
Test(heapdiff, light_target_matches_devtools)
{
	check_diff_with("baseline", "leak", 1);
}

Test(heapdiff, light_target_matches_devtools_cleared)
{
	check_diff_with("leak", "cleared", 1);
}

/* the base taken from a snapshot loaded in full: the same rows */
Test(heapdiff, base_from_loaded_snapshot_matches_devtools)
{
	check_diff_with("baseline", "leak", 2);
	an_heap_diff_free(diff);
	diff = NULL;
	an_heap_base_free(base);
	base = NULL;
	check_diff_with("leak", "cleared", 2);
}

static an_heap_base *must_load_base_str(const char *json)
{
	an_source *src = NULL;
	an_heap_base *b = NULL;
	an_error err;
	int rc;

	an_error_clear(&err);
	rc = an_source_open_memory(&src, json, strlen(json), "base", &err);
	cr_assert_eq(rc, AN_OK, "%s", err.message);
	rc = an_heap_base_load(&b, src, NULL, &err);
	cr_assert_eq(rc, AN_OK, "%d %s", rc, err.message);
	an_source_free(src);
	return b;
}

Test(heapdiff, identical_snapshots_give_no_rows)
{
	const an_heap_diff_row *r;
	const an_heap_diff_info *in;
	uint32_t n;

	r = compare("baseline", "baseline", &n);
	(void)r;
	in = an_heap_diff_get_info(diff);
	cr_expect_eq(n, 0);
	cr_expect_eq(in->new_count, 0);
	cr_expect_eq(in->deleted_count, 0);
	cr_expect_eq(in->shared, in->base_objects);
	cr_expect_eq(in->base_objects, in->target_objects);
	cr_expect_eq(in->base_objects, 37535); /* non-zero shallow sizes */
}

/* The new objects marked are those the rows count, class by class. */
Test(heapdiff, new_objects_are_marked)
{
	const an_heap_diff_row *r;
	uint32_t n, i, v;
	uint64_t marked = 0, counted = 0, bytes = 0, alloc = 0;

	r = compare("baseline", "leak", &n);
	for (i = 0; i < n; i++) {
		counted += r[i].new_count;
		alloc += r[i].alloc_size;
	}
	for (v = 0; v < an_heap_node_count(target); v++)
		if (an_heap_diff_is_new(diff, v)) {
			marked++;
			bytes += an_heap_node_self_size(target, v);
		}
	cr_expect_eq(marked, counted);
	cr_expect_eq(bytes, alloc);
	cr_expect_eq(counted, an_heap_diff_get_info(diff)->new_count);
	cr_expect_eq(counted, 15857);
	cr_expect_eq(an_heap_diff_get_info(diff)->deleted_count, 144);
}

/*
 * The base is classed with the target's interface definitions. Base: two
 * plain objects {a, b, c} (@3, @5): its own definition is "{a, b, c}".
 * Target: @3 again and two {a, b} (@7, @9): its only definition is
 * "{a, b}" ({a, b, c} has one object, under the threshold of 2), which
 * @3 takes as well. With the target's definitions the base's objects are
 * "{a, b}" too: one row, new @7 @9, deleted @5, @3 kept. (With the
 * base's own definition it would be "{a, b, c}" deleted 2 and "{a, b}"
 * new 3.)
 */
#define RECLASS_BASE                                                          \
	MINI_META "\"node_count\":3,\"edge_count\":8},"                       \
	"\"nodes\":[9,0,1,0,2, 3,1,3,16,3, 3,1,5,16,3],"                      \
	"\"edges\":[5,5,5, 5,6,10, 2,2,0,2,3,0,2,4,0, 2,2,0,2,3,0,2,4,0],"    \
	"\"strings\":[\"\",\"Object\",\"a\",\"b\",\"c\",\"g1\",\"g2\"]}"
#define RECLASS_TARGET                                                        \
	MINI_META "\"node_count\":4,\"edge_count\":10},"                      \
	"\"nodes\":[9,0,1,0,3, 3,1,3,16,3, 3,1,7,16,2, 3,1,9,16,2],"          \
	"\"edges\":[5,5,5, 5,6,10, 5,7,15, 2,2,0,2,3,0,2,4,0,"                \
	"2,2,0,2,3,0, 2,2,0,2,3,0],"                                          \
	"\"strings\":[\"\",\"Object\",\"a\",\"b\",\"c\",\"g1\",\"g2\","      \
	"\"g3\"]}"

Test(heapdiff, base_takes_the_targets_interface_names)
{
	const an_heap_diff_row *r;
	an_error err;
	uint32_t n;

	base = must_load_base_str(RECLASS_BASE);
	target = must_load_str(RECLASS_TARGET);
	cr_assert_eq(an_heap_diff_new(&diff, base, target, &err), AN_OK);
	n = an_heap_diff_rows(diff, &r);
	cr_assert_eq(n, 1, "%u rows", n);
	cr_expect(str_is(r[0].name, "{a, b}"), "%.*s", (int)r[0].name.len,
		  r[0].name.ptr);
	cr_expect_eq(r[0].has_location, 0);
	cr_expect_eq(r[0].new_count, 2);
	cr_expect_eq(r[0].deleted_count, 1);
	cr_expect_eq(r[0].count_delta, 1);
	cr_expect_eq(r[0].alloc_size, 32);
	cr_expect_eq(r[0].freed_size, 16);
	cr_expect_eq(r[0].size_delta, 16);
	cr_expect_eq(an_heap_diff_get_info(diff)->shared, 1);
}

/* The row of class `name` (the first, in DevTools' order). */
static uint32_t row_named(const an_heap_diff_row *r, uint32_t n,
			  const char *name)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (str_is(r[i].name, name))
			return i;
	cr_assert_fail("no row %s", name);
	return 0;
}

/* step i of a path: edge name (NULL: an index, or a number) and the
 * retainer's class */
static void expect_step(const an_heap_diff_group *g, uint32_t i,
			const char *edge, const char *cls)
{
	uint32_t e, from;

	cr_assert_lt(i, g->len, "step %u of %u", i, g->len);
	e = g->chain[i].edge;
	from = g->chain[i].from;
	if (edge)
		cr_expect(str_is(an_heap_edge_name(target, e), edge),
			  "step %u: edge %.*s, want %s", i,
			  (int)an_heap_edge_name(target, e).len,
			  an_heap_edge_name(target, e).ptr, edge);
	cr_expect_str_eq(class_name(target, from), cls, "step %u", i);
}

/*
 * heap_scenarios.js grows, between baseline and leak, the Map cache from
 * 200 to 3000 entries {id, payload}, the EventEmitter's `report`
 * listeners from 10 to 300 (each a closure onReport over a context
 * {requestId, body, seen}, class {body, seen}), the retained buffers
 * from 4 to 48 (Buffer, location-keyed) and the sessions A from 10 to 60
 * (each a WeakMap key of a {lastAccess, flags}, class {flags}). The
 * largest group of each
 * class's new objects is exactly that growth, on the path the generator
 * built.
 */
Test(heapdiff, explains_the_lab_leaks)
{
	const an_heap_diff_row *r;
	an_heap_diff_group g;
	an_error err;
	uint64_t sum = 0;
	uint32_t n, row, v;

	r = compare("baseline", "leak", &n);
	row = row_named(r, n, "{id, payload}");
	cr_assert_eq(an_heap_diff_explain(&g, diff, target, row, 20, &err),
		     AN_OK, "%s", err.message);
	cr_expect_eq(g.count, 2800);
	cr_expect_eq(g.class_new, 2800);
	cr_expect_eq(g.groups, 1);
	cr_assert_eq(g.len, 4);
	expect_step(&g, 0, NULL, "(array)");
	expect_step(&g, 1, "table", "Map");
	expect_step(&g, 2, "cache", "ReportService");
	expect_step(&g, 3, "reportService", "global");
	for (v = 0; v < an_heap_node_count(target); v++)
		if (an_heap_diff_is_new(diff, v) &&
		    !strcmp(class_name(target, v), "{id, payload}"))
			sum += an_heap_node_retained_size(target, v);
	cr_expect_eq(g.retained_size, sum);
	cr_expect(an_heap_diff_is_new(diff, g.representative));
	an_heap_diff_group_free(&g);

	row = row_named(r, n, "{body, seen}");
	cr_assert_eq(an_heap_diff_explain(&g, diff, target, row, 20, &err),
		     AN_OK);
	cr_expect_eq(g.count, 290);
	cr_expect_eq(g.class_new, 290);
	cr_assert_eq(g.len, 7);
	expect_step(&g, 0, "context", "system / Context");
	expect_step(&g, 1, "context", "Function");
	expect_step(&g, 2, NULL, "Array");
	expect_step(&g, 3, "report", "Object");
	expect_step(&g, 4, "_events", "EventEmitter");
	expect_step(&g, 5, "bus", "ReportService");
	expect_step(&g, 6, "reportService", "global");
	an_heap_diff_group_free(&g);

	row = row_named(r, n, "Function");
	cr_assert_eq(an_heap_diff_explain(&g, diff, target, row, 20, &err),
		     AN_OK);
	cr_expect_eq(g.count, 290);
	cr_expect_eq(g.class_new, 298);
	an_heap_diff_group_free(&g);

	row = row_named(r, n, "Buffer");
	cr_assert_eq(an_heap_diff_explain(&g, diff, target, row, 20, &err),
		     AN_OK);
	cr_expect_eq(g.count, 44);
	cr_expect_eq(g.class_new, 44);
	cr_assert_eq(g.len, 3);
	expect_step(&g, 0, NULL, "Array");
	expect_step(&g, 1, "retainedBuffers", "ReportService");
	an_heap_diff_group_free(&g);

	/* the WeakMap values: held by their Session key through the
	 * ephemeron edges, whose names differ (ids) but not their path */
	row = row_named(r, n, "{flags}");
	cr_assert_eq(an_heap_diff_explain(&g, diff, target, row, 20, &err),
		     AN_OK);
	cr_expect_eq(g.count, 50);
	cr_expect_eq(g.groups, 1);
	cr_assert_eq(g.len, 4);
	expect_step(&g, 0, NULL, "Session");
	expect_step(&g, 2, "activeSessions", "ReportService");
	an_heap_diff_group_free(&g);

	/* a native with a fresh id: its one new object */
	row = row_named(r, n, "Node / IsolateData");
	cr_expect_eq(an_heap_diff_explain(&g, diff, target, row, 20, &err),
		     AN_OK);
	cr_expect_eq(g.count, 1);
	an_heap_diff_group_free(&g);
	cr_expect_eq(an_heap_diff_explain(&g, diff, target, n, 20, &err),
		     AN_EINVAL);
}

/*
 * A row whose class the target has no member of is named after the
 * base's own class of its last member, as DevTools does (checked with the
 * oracle on these two snapshots: key "1,2,3,{a, b}", name "{a, b, c}").
 * Base: two plain objects {a, b, c} with a location (script 1, line 2,
 * column 3): its own definition "{a, b, c}". Target: two {a, b} without a
 * location: its definition "{a, b}", which the base's objects match, so
 * their key is (location, "{a, b}"), a class the target does not have.
 */
#define LOC_META                                                              \
	"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\","      \
	"\"id\",\"self_size\",\"edge_count\"],\"node_types\":[[\"hidden\","  \
	"\"array\",\"string\",\"object\",\"code\",\"closure\","            \
	"\"regexp\",\"number\",\"native\",\"synthetic\"],\"string\","      \
	"\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\","     \
	"\"name_or_index\",\"to_node\"],\"edge_types\":[[\"context\","      \
	"\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\","   \
	"\"weak\"],\"string_or_number\",\"node\"],\"location_fields\":"     \
	"[\"object_index\",\"script_id\",\"line\",\"column\"]},"
#define LOC_STRINGS                                                           \
	"\"strings\":[\"\",\"Object\",\"a\",\"b\",\"c\",\"g0\",\"g1\"]}"
#define QUIRK_BASE                                                            \
	LOC_META "\"node_count\":3,\"edge_count\":8},"                        \
	"\"nodes\":[9,0,1,0,2, 3,1,3,16,3, 3,1,5,16,3],"                      \
	"\"edges\":[5,5,5, 5,6,10, 2,2,0,2,3,0,2,4,0, 2,2,0,2,3,0,2,4,0],"    \
	"\"locations\":[5,1,2,3, 10,1,2,3]," LOC_STRINGS
#define QUIRK_TARGET                                                          \
	LOC_META "\"node_count\":3,\"edge_count\":6},"                        \
	"\"nodes\":[9,0,1,0,2, 3,1,7,16,2, 3,1,9,16,2],"                      \
	"\"edges\":[5,5,5, 5,6,10, 2,2,0,2,3,0, 2,2,0,2,3,0],"                \
	"\"locations\":[]," LOC_STRINGS

Test(heapdiff, base_only_class_is_named_as_devtools_does)
{
	const an_heap_diff_row *r;
	an_error err;
	uint32_t n;

	base = must_load_base_str(QUIRK_BASE);
	target = must_load_str(QUIRK_TARGET);
	cr_assert_eq(an_heap_diff_new(&diff, base, target, &err), AN_OK);
	n = an_heap_diff_rows(diff, &r);
	cr_assert_eq(n, 2, "%u rows", n);
	cr_expect(str_is(r[0].name, "{a, b}"));
	cr_expect_eq(r[0].has_location, 0);
	cr_expect_eq(r[0].new_count, 2);
	cr_expect_eq(r[0].alloc_size, 32);
	cr_expect(str_is(r[1].name, "{a, b, c}"), "%.*s", (int)r[1].name.len,
		  r[1].name.ptr);
	cr_expect(str_is(r[1].key_name, "{a, b}"));
	cr_expect_eq(r[1].has_location, 1);
	cr_expect_eq(r[1].script_id, 1);
	cr_expect_eq(r[1].line, 2);
	cr_expect_eq(r[1].column, 3);
	cr_expect_eq(r[1].deleted_count, 2);
	cr_expect_eq(r[1].freed_size, 32);
	cr_expect_eq(r[1].size_delta, -32);
	cr_expect_eq(r[1].target_class, AN_NONE);
}

/*
 * The other orders and the growth ranking, baseline -> leak (the rows
 * of `heap diff baseline leak --sort delta`). By size delta the
 * buffers' backing stores (+2,883,584) lead, then (string) (+173,784);
 * every order is a permutation whose keys never increase, ties in
 * DevTools' order. Growth over every row: the same two first, and only
 * rows with new objects and a positive size delta.
 */
Test(heapdiff, other_orders_and_growth)
{
	const an_heap_diff_row *r;
	uint32_t n, i, *order, *sel, *gr, ng, by;
	an_error err;

	r = compare("baseline", "leak", &n);
	for (by = AN_HEAP_DIFF_BY_ALLOC; by <= AN_HEAP_DIFF_BY_COUNT; by++) {
		uint8_t *seen = calloc(n + 1, 1);
		cr_assert_eq(an_heap_diff_order(&order, diff,
						(an_heap_diff_sort)by, &err),
			     AN_OK);
		for (i = 0; i < n; i++) {
			cr_assert_lt(order[i], n);
			cr_assert(!seen[order[i]]);
			seen[order[i]] = 1;
			if (by == AN_HEAP_DIFF_BY_ALLOC)
				cr_assert_eq(order[i], i);
			if (i && by == AN_HEAP_DIFF_BY_DELTA) {
				const an_heap_diff_row *a = &r[order[i - 1]];
				const an_heap_diff_row *b = &r[order[i]];
				cr_assert_geq(a->size_delta, b->size_delta);
				if (a->size_delta == b->size_delta)
					cr_assert_lt(order[i - 1], order[i]);
			}
		}
		if (by == AN_HEAP_DIFF_BY_DELTA) {
			cr_assert_eq(r[order[0]].size_delta, 2883584);
			cr_assert_eq(r[order[1]].size_delta, 173784);
		}
		free(seen);
		free(order);
	}
	sel = calloc(n + 1, sizeof(*sel));
	gr = calloc(n + 1, sizeof(*gr));
	for (i = 0; i < n; i++)
		sel[i] = n - 1 - i; /* any selection: positions come back */
	cr_assert_eq(an_heap_diff_growth(gr, &ng, diff, sel, n, &err), AN_OK);
	cr_assert_gt(ng, 2);
	cr_assert_eq(r[sel[gr[0]]].size_delta, 2883584);
	cr_assert_eq(r[sel[gr[1]]].size_delta, 173784);
	for (i = 0; i < ng; i++) {
		cr_assert(r[sel[gr[i]]].new_count > 0);
		cr_assert_gt(r[sel[gr[i]]].size_delta, 0);
	}
	cr_assert_eq(an_heap_diff_order(&order, diff, (an_heap_diff_sort)9,
					&err), AN_EINVAL);
	sel[0] = n;
	cr_assert_eq(an_heap_diff_growth(gr, &ng, diff, sel, 1, &err),
		     AN_EINVAL);
	free(sel);
	free(gr);
}

/*
 * The base keeps about 12 bytes an object (ids sorted in place, sizes as
 * 32 bits with a side table for larger ones, the native flag as a bit):
 * a deleted object of 5,000,000,000 bytes is freed whole, a native one
 * counts but sets no deleted id (embedder ids), a kept one nothing.
 * Base: Foo @3 (5,000,000,000 bytes), Foo @5 (10), native Bar @7 (20);
 * target: Foo @5 (10) and Baz @9 (1).
 */
#define WIDE_BASE                                                             \
	MINI_META "\"node_count\":4,\"edge_count\":3},"                       \
	"\"nodes\":[9,0,1,0,3, 3,1,3,5000000000,0, 3,1,5,10,0, 8,2,7,20,0]," \
	"\"edges\":[5,3,5, 5,4,10, 5,5,15],"                                  \
	"\"strings\":[\"\",\"Foo\",\"Bar\",\"g1\",\"g2\",\"g3\"]}"
#define WIDE_TARGET                                                           \
	MINI_META "\"node_count\":3,\"edge_count\":2},"                       \
	"\"nodes\":[9,0,1,0,2, 3,1,5,10,0, 3,2,9,1,0],"                      \
	"\"edges\":[5,3,5, 5,4,10],"                                          \
	"\"strings\":[\"\",\"Foo\",\"Baz\",\"g1\",\"g2\"]}"

Test(heapdiff, base_sizes_beyond_32_bits_and_native_bits)
{
	const an_heap_diff_row *r;
	const an_heap_diff_info *in;
	an_error err;
	uint32_t n, k;

	base = must_load_base_str(WIDE_BASE);
	target = must_load_str(WIDE_TARGET);
	cr_assert_eq(an_heap_base_object_count(base), 3);
	cr_assert_eq(an_heap_diff_new(&diff, base, target, &err), AN_OK);
	n = an_heap_diff_rows(diff, &r);
	cr_assert_eq(n, 3, "%u rows", n);
	k = row_named(r, n, "Foo");
	cr_expect_eq(r[k].deleted_count, 1);
	cr_expect_eq(r[k].freed_size, 5000000000u);
	cr_expect_eq(r[k].size_delta, -5000000000);
	cr_expect_eq(r[k].new_count, 0);
	k = row_named(r, n, "Bar");
	cr_expect_eq(r[k].deleted_count, 1);
	cr_expect_eq(r[k].freed_size, 20);
	k = row_named(r, n, "Baz");
	cr_expect_eq(r[k].new_count, 1);
	cr_expect_eq(r[k].alloc_size, 1);
	in = an_heap_diff_get_info(diff);
	cr_expect_eq(in->shared, 1);      /* @5 */
	cr_expect_eq(in->max_deleted_id, 3); /* not the native @7 */
	cr_expect_eq(in->max_new_id, 9);
	cr_expect_eq(in->base_objects, 3);
}

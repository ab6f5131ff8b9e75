/*
 * test_heap_summary.c - parity with DevTools' Summary view on every
 * heap fixture: counts, totals, every class row (count, shallow,
 * retained, distance) and the top objects by retained size, against the
 * oracle's fixtures/heap/expected/NAME.summary.json.
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

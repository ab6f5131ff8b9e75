/*
 * test_heap_retainers.c - retainers: the Retainers view's order on
 * tiny.heapsnapshot, the retainer index against a scan of every edge,
 * and the first retainer chain against DevTools' (the oracle's
 * fixtures/heap/expected/NAME.retainers.json) on every snapshot.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"
#include "heap/heap_int.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heap, .fini = fini, .timeout = 120);

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

	heap = load_tiny();
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
		cr_assert_eq(an_heap_retainer_chain(&c, &clen, heap, n, 0, 20, &err),
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
			cr_assert_eq(an_heap_retainers(&r, &nr, h, c[nc - 1].from, &err),
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

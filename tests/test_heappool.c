/*
 * test_heappool.c - an_heap_pool: a load takes the arrays an earlier
 * load left in the pool (the same blocks, so no fresh pages) and gives
 * every number a load without the pool gives; a larger snapshot grows
 * the block it takes; a diff's base, freed, leaves its two largest
 * arrays for the target's retainer index; version 1 options (before
 * `pool`) still load.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap/heapdiff_int.h"
#include "heap/heap_int.h"

TestSuite(heappool, .timeout = 120);

static an_heap *load_with(const char *rel, const an_heap_load_opts *o)
{
	an_source *src = NULL;
	an_heap *h = NULL;
	an_error err;

	cr_assert_eq(an_source_open_path(&src, fx_path(rel), &err), AN_OK,
		     "%s", err.message);
	cr_assert_eq(an_heap_load(&h, src, o, &err), AN_OK, "%s: %s", rel,
		     err.message);
	an_source_free(src);
	return h;
}

static an_heap *load(const char *rel, an_heap_pool *pool)
{
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;

	o.pool = pool;
	return load_with(rel, &o);
}

/* The pool holds `want` in `slot` (left there); returns its size. */
static size_t expect_in_pool(an_heap_pool *pool, int slot, const void *want)
{
	size_t got;
	void *b = an__heap_pool_take(pool, slot, &got);

	cr_expect_eq(b, want, "slot %d", slot);
	an__heap_pool_give(pool, slot, b, got);
	return got;
}

/* Every node's numbers in `got` are those of `want` (loaded without a
 * pool): ids, shallow and retained sizes, dominators, distances,
 * classes, and every edge. */
static void expect_same(const an_heap *got, const an_heap *want)
{
	uint32_t n, e, nn = an_heap_node_count(want);

	cr_assert_eq(an_heap_node_count(got), nn);
	cr_assert_eq(an_heap_edge_count(got), an_heap_edge_count(want));
	cr_expect_eq(an_heap_total_size(got), an_heap_total_size(want));
	for (n = 0; n < nn; n++) {
		cr_expect_eq(an_heap_node_id(got, n), an_heap_node_id(want, n));
		cr_expect_eq(an_heap_node_self_size(got, n),
			     an_heap_node_self_size(want, n));
		cr_expect_eq(an_heap_node_retained_size(got, n),
			     an_heap_node_retained_size(want, n), "node %u",
			     n);
		cr_expect_eq(an_heap_node_dominator(got, n),
			     an_heap_node_dominator(want, n));
		cr_expect_eq(an_heap_node_distance(got, n),
			     an_heap_node_distance(want, n));
		cr_expect_eq(an_heap_node_class(got, n),
			     an_heap_node_class(want, n));
	}
	for (e = 0; e < an_heap_edge_count(want); e++) {
		cr_expect_eq(got->eto[e], want->eto[e], "edge %u", e);
		cr_expect_eq(got->ename[e], want->ename[e], "edge %u", e);
		cr_expect_eq(got->etype[e], want->etype[e], "edge %u", e);
	}
}

/* leak (56,204 nodes) then baseline (fewer) through one pool: the
 * baseline's node and edge columns, derived sizes and classes are the
 * very blocks the leak snapshot's load made, and its numbers are a plain
 * load's (the classes' array, filled zeros first, too). */
Test(heappool, a_smaller_snapshot_fills_the_blocks_the_first_left)
{
	an_heap_pool *pool = NULL;
	an_heap *h, *plain;
	void *eto, *nid, *first_edge, *self, *cls;
	size_t bytes, got;

	cr_assert_eq(an_heap_pool_new(&pool), AN_OK);
	h = load("heap/leak.heapsnapshot.gz", pool);
	cr_assert_eq(an_heap_node_count(h), 56204);
	eto = h->eto;
	nid = h->nid;
	first_edge = h->first_edge;
	self = h->d.self.v;
	cls = h->d.cls;
	/* a pool's blocks get an eighth more room than the counts ask */
	cr_expect_geq(h->pool_bytes[AN__POOL_ETO],
		      (size_t)h->edge_count * 4 + h->edge_count * 4 / 8);
	bytes = h->pool_bytes[AN__POOL_ETO];
	an_heap_free(h);
	/* freed into the pool, not to the system */
	cr_expect_eq(expect_in_pool(pool, AN__POOL_ETO, eto), bytes);
	h = load("heap/baseline.heapsnapshot.gz", pool);
	plain = load("heap/baseline.heapsnapshot.gz", NULL);
	cr_assert_lt(an_heap_node_count(h), 56204);
	cr_expect_eq(h->eto, eto);
	cr_expect_eq(h->nid, nid);
	cr_expect_eq(h->first_edge, first_edge);
	/* and the analysis' derived sizes and classes */
	cr_expect_eq(h->d.self.v, self);
	cr_expect_eq(h->d.cls, cls);
	/* taken out of it: the pool holds it no more */
	cr_expect_null(an__heap_pool_take(pool, AN__POOL_ETO, &got));
	cr_expect_eq(got, 0);
	/* the block is used as it is: its size stays */
	cr_expect_eq(h->pool_bytes[AN__POOL_ETO], bytes);
	expect_same(h, plain);
	an_heap_free(plain);
	an_heap_free(h);
	an_heap_pool_free(pool);
}

/* tiny (a few nodes) then leak: the blocks taken are too small and are
 * grown; the numbers are still a plain load's. */
Test(heappool, a_larger_snapshot_grows_the_blocks_it_takes)
{
	an_heap_pool *pool = NULL;
	an_heap *h, *plain;

	cr_assert_eq(an_heap_pool_new(&pool), AN_OK);
	h = load("heap/tiny.heapsnapshot", pool);
	cr_assert_lt(an_heap_node_count(h), 100);
	an_heap_free(h);
	h = load("heap/leak.heapsnapshot.gz", pool);
	plain = load("heap/leak.heapsnapshot.gz", NULL);
	cr_expect_geq(h->pool_bytes[AN__POOL_ETO], (size_t)h->edge_count * 4);
	cr_expect_geq(h->pool_bytes[AN__POOL_NID], (size_t)h->node_count * 4);
	expect_same(h, plain);
	an_heap_free(plain);
	an_heap_free(h);
	an_heap_pool_free(pool);
}

/* Every node's retainers (DevTools' order) in `got` are `want`'s. */
static void expect_same_retainers(const an_heap *got, const an_heap *want)
{
	uint32_t n, i;

	for (n = 0; n < an_heap_node_count(want); n++) {
		an_heap_retainer *a = NULL, *b = NULL;
		uint32_t na = 0, nb = 0;
		an_error err;
		cr_assert_eq(an_heap_retainers(&a, &na, got, n, &err), AN_OK);
		cr_assert_eq(an_heap_retainers(&b, &nb, want, n, &err), AN_OK);
		cr_expect_eq(na, nb, "node %u", n);
		for (i = 0; i < na && i < nb; i++)
			cr_expect_eq(memcmp(&a[i], &b[i], sizeof(a[i])), 0,
				     "node %u retainer %u", n, i);
		an_heap_retainers_free(a);
		an_heap_retainers_free(b);
	}
}

/* heap diff's order: BASE reduced (baseline), then TARGET (leak) loaded,
 * then BASE freed, then the explanations' retainer queries. The base's
 * ids and keys (4 bytes an object each) go to the pool and become the
 * target's retainer index (grown: the target has more nodes, and the
 * index 4 bytes an edge); every retainer list is a plain load's. */
Test(heappool, a_freed_base_becomes_the_targets_retainer_index)
{
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	an_heap_pool *pool = NULL;
	an_heap_base *base = NULL;
	an_source *src = NULL;
	an_heap *h, *plain;
	void *ids, *keys;
	size_t got;
	an_error err;

	cr_assert_eq(an_heap_pool_new(&pool), AN_OK);
	o.pool = pool;
	cr_assert_eq(an_source_open_path(
			     &src, fx_path("heap/baseline.heapsnapshot.gz"),
			     &err), AN_OK);
	cr_assert_eq(an_heap_base_load(&base, src, &o, &err), AN_OK, "%s",
		     err.message);
	an_source_free(src);
	ids = base->ids;
	keys = base->key;
	h = load("heap/leak.heapsnapshot.gz", pool);
	an_heap_base_free(base);
	expect_in_pool(pool, AN__POOL_RI_FIRST, ids);
	expect_in_pool(pool, AN__POOL_RI_EDGES, keys);
	plain = load("heap/leak.heapsnapshot.gz", NULL);
	expect_same_retainers(h, plain);
	/* the index took both */
	cr_expect_null(an__heap_pool_take(pool, AN__POOL_RI_FIRST, &got));
	cr_expect_null(an__heap_pool_take(pool, AN__POOL_RI_EDGES, &got));
	an_heap_free(plain);
	an_heap_free(h);
	an_heap_pool_free(pool);
}

/* Options of version 1 (before `pool`) load as before, without a pool
 * (test_heapapi: a version after the current one is refused). */
Test(heappool, version_1_options_load_without_a_pool)
{
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	an_heap *h;

	o.version = 1;
	o.pool = (an_heap_pool *)&o; /* not a field of version 1: unread */
	h = load_with("heap/tiny.heapsnapshot", &o);
	cr_expect_null(h->pool);
	cr_expect_eq(an_heap_node_count(h), 17);
	an_heap_free(h);
}

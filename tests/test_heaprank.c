/*
 * test_heaprank.c - the report orders of heap/ranking.c on the tiny
 * snapshot (fixtures/heap/README.md draws it), derived by hand from its
 * retained sizes (test_heap.c's tiny_dominators_and_retained_sizes) and
 * equal to `profkit heap top -n 0` / `heap show @5` there.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "fixture.h"

/* node ordinals of tiny.heapsnapshot (test_heap.c names them too) */
enum {
	T_ROOT, T_GCROOTS, T_GLOBAL, T_WEAKMAP, T_TABLE, T_KEY, T_VALUE,
	T_HELLO, T_PROPS, T_ONTICK, T_CONTEXT, T_EXTSTR, T_EXTDATA, T_ARRAY,
	T_ODDBALL, T_WEAKREF, T_LONELY, T_COUNT
};

static an_heap *heap;

static void setup(void)
{
	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
}

static void teardown(void)
{
	an_heap_free(heap);
}

TestSuite(heaprank, .init = setup, .fini = teardown, .timeout = 30);

/* retained desc, then node index: 4520 4176 4136 104 88 48 48 32 32 24
 * 24 24 0 0 0 0; the root is not listed */
static const uint32_t sorted_tiny[T_COUNT - 1] = {
	T_GLOBAL, T_CONTEXT, T_EXTSTR, T_KEY, T_WEAKMAP, T_VALUE, T_LONELY,
	T_ONTICK, T_ARRAY, T_HELLO, T_PROPS, T_WEAKREF, T_GCROOTS, T_TABLE,
	T_EXTDATA, T_ODDBALL,
};

Test(heaprank, sorted_lists_every_node_but_the_root)
{
	uint32_t *v = NULL, n = 0, i;
	an_error err;

	cr_assert_eq(an_heap_top(&v, &n, heap, AN_HEAP_TOP_ALL,
				 AN_HEAP_TOP_SORTED, &err), AN_OK);
	cr_assert_eq(n, T_COUNT - 1);
	for (i = 0; i < n; i++)
		cr_expect_eq(v[i], sorted_tiny[i], "place %u: node %u, want %u",
			     i, v[i], sorted_tiny[i]);
	an_heap_indexes_free(v);
}

Test(heaprank, sorted_k_counts_k_but_keeps_the_rest)
{
	uint32_t *v = NULL, n = 0, i;
	an_error err;

	cr_assert_eq(an_heap_top(&v, &n, heap, 4, AN_HEAP_TOP_SORTED, &err),
		     AN_OK);
	cr_assert_eq(n, 4);
	/* a caller that filters reads on past k */
	for (i = 0; i < T_COUNT - 1; i++)
		cr_expect_eq(v[i], sorted_tiny[i], "place %u", i);
	an_heap_indexes_free(v);
}

Test(heaprank, walk_takes_the_root_and_the_k_largest_in_node_order)
{
	/* 6 largest: global 4520, Context 4176, its string 4136, key 104,
	 * WeakMap 88, then value 48 before Lonely 48 (lower index) */
	static const uint32_t want[] = {T_ROOT,   T_GLOBAL,  T_WEAKMAP,
					T_KEY,    T_VALUE,   T_CONTEXT,
					T_EXTSTR};
	uint32_t *v = NULL, n = 0, i;
	an_error err;

	cr_assert_eq(an_heap_top(&v, &n, heap, 6, AN_HEAP_TOP_DOMINATOR_WALK,
				 &err), AN_OK);
	cr_assert_eq(n, 7);
	for (i = 0; i < n; i++)
		cr_expect_eq(v[i], want[i], "place %u: node %u, want %u", i,
			     v[i], want[i]);
	an_heap_indexes_free(v);
}

Test(heaprank, walk_beyond_the_node_count_lists_every_node)
{
	uint32_t *v = NULL, n = 0, i;
	an_error err;

	cr_assert_eq(an_heap_top(&v, &n, heap, 100,
				 AN_HEAP_TOP_DOMINATOR_WALK, &err), AN_OK);
	cr_assert_eq(n, T_COUNT);
	for (i = 0; i < n; i++)
		cr_expect_eq(v[i], i);
	an_heap_indexes_free(v);
	/* no k + 1 places allocated for "all" */
	cr_assert_eq(an_heap_top(&v, &n, heap, AN_HEAP_TOP_ALL,
				 AN_HEAP_TOP_DOMINATOR_WALK, &err), AN_OK);
	cr_expect_eq(n, T_COUNT);
	an_heap_indexes_free(v);
}

/* The two orders pick the same objects wherever no tie straddles the
 * k-th place: on leak.heapsnapshot's 1000 largest (the database's
 * default) as on every k of tiny. */
static void same_sets(const an_heap *h, uint32_t k)
{
	uint32_t *a = NULL, *b = NULL, na, nb, i, nodes = an_heap_node_count(h);
	uint8_t *in = calloc(nodes, 1);
	an_error err;

	cr_assert_not_null(in);
	cr_assert_eq(an_heap_top(&a, &na, h, k, AN_HEAP_TOP_SORTED, &err),
		     AN_OK);
	cr_assert_eq(an_heap_top(&b, &nb, h, k, AN_HEAP_TOP_DOMINATOR_WALK,
				 &err), AN_OK);
	cr_assert_eq(nb, na + 1, "k %u: %u walked, %u sorted", k, nb, na);
	for (i = 0; i < na; i++)
		in[a[i]] = 1;
	in[an_heap_root(h)] = 1;
	for (i = 0; i < nb; i++)
		cr_expect(in[b[i]], "k %u: node %u walked, not sorted", k,
			  b[i]);
	an_heap_indexes_free(a);
	an_heap_indexes_free(b);
	free(in);
}

Test(heaprank, walk_and_sort_agree_on_the_sets)
{
	an_heap *leak = fx_must_load_heap(fx_heap_rel("leak"));
	uint32_t k;

	for (k = 0; k < T_COUNT - 1; k++)
		same_sets(heap, k);
	same_sets(leak, 1000);
	an_heap_free(leak);
}

Test(heaprank, bad_arguments)
{
	uint32_t *v = (uint32_t *)1, n = 7;
	an_error err;

	cr_expect_eq(an_heap_top(&v, &n, NULL, 3, AN_HEAP_TOP_SORTED, &err),
		     AN_EINVAL);
	cr_expect_null(v);
	cr_expect_eq(n, 0);
	cr_expect_eq(an_heap_top(&v, &n, heap, 3, (an_heap_top_order)9, &err),
		     AN_EINVAL);
	cr_expect_eq(an_heap_edges_by_target(&v, &n, heap, T_COUNT, &err),
		     AN_EINVAL);
}

Test(heaprank, edges_by_target_retained_size_then_edge_index)
{
	/* global's edges e4..e9: wm -> WeakMap 88, key -> {a, b} 104, list
	 * -> Array 32, onTick -> Function 32, ref -> WeakRef 24,
	 * {script_context} -> Context 4176; Array and Function tie, so
	 * e6 before e7 */
	static const uint32_t want[] = {9, 5, 4, 6, 7, 8};
	uint32_t *v = NULL, n = 0, i;
	an_error err;

	cr_assert_eq(an_heap_edges_by_target(&v, &n, heap, T_GLOBAL, &err),
		     AN_OK);
	cr_assert_eq(n, 6);
	for (i = 0; i < n; i++)
		cr_expect_eq(v[i], want[i], "place %u: edge %u, want %u", i,
			     v[i], want[i]);
	an_heap_indexes_free(v);
	cr_assert_eq(an_heap_edges_by_target(&v, &n, heap, T_HELLO, &err),
		     AN_OK);
	cr_expect_eq(n, 0);
	an_heap_indexes_free(v);
}

static void expect_dom(const an_heap_dom_row *r, uint32_t n,
		       const uint32_t (*want)[3], uint32_t nwant)
{
	uint32_t i;

	cr_assert_eq(n, nwant, "%u rows, want %u", n, nwant);
	for (i = 0; i < n; i++) {
		cr_expect_eq(r[i].node, want[i][0], "row %u: node %u", i,
			     r[i].node);
		cr_expect_eq(r[i].parent, want[i][1], "row %u: parent %u", i,
			     r[i].parent);
		cr_expect_eq(r[i].depth, want[i][2], "row %u: depth %u", i,
			     r[i].depth);
	}
}

Test(heaprank, dominator_rows_depth_and_children)
{
	/* root dominates global 4520, Lonely 48, (GC roots) 0; global
	 * dominates Context 4176, then key 104 */
	static const uint32_t one[][3] = {
		{T_ROOT, AN_NONE, 0}, {T_GLOBAL, 0, 1}, {T_LONELY, 0, 1},
		{T_GCROOTS, 0, 1},
	};
	static const uint32_t two[][3] = {
		{T_ROOT, AN_NONE, 0}, {T_GLOBAL, 0, 1}, {T_CONTEXT, 1, 2},
		{T_KEY, 1, 2},        {T_LONELY, 0, 1},
	};
	an_heap_dom_opts o = {1, 0, 0, 0};
	an_heap_dom_row *r = NULL;
	uint32_t n = 0;
	an_error err;

	cr_assert_eq(an_heap_dominator_rows(&r, &n, heap, T_ROOT, &o, &err),
		     AN_OK);
	expect_dom(r, n, one, 4);
	an_heap_dominator_rows_free(r);
	o.max_depth = 2;
	o.max_children = 2;
	cr_assert_eq(an_heap_dominator_rows(&r, &n, heap, T_ROOT, &o, &err),
		     AN_OK);
	expect_dom(r, n, two, 5);
	an_heap_dominator_rows_free(r);
}

Test(heaprank, dominator_rows_hide_small_subtrees_but_not_the_start)
{
	/* 50 bytes or more: Context 4176 > its string 4136, key 104,
	 * WeakMap 88; not the value (48), Lonely (48), the 32s and 24s */
	static const uint32_t big[][3] = {
		{T_ROOT, AN_NONE, 0}, {T_GLOBAL, 0, 1}, {T_CONTEXT, 1, 2},
		{T_EXTSTR, 2, 3},     {T_KEY, 1, 2},    {T_WEAKMAP, 1, 2},
	};
	static const uint32_t small[][3] = {{T_HELLO, AN_NONE, 0}};
	an_heap_dom_opts o = {AN_NONE, 0, 0, 50};
	an_heap_dom_row *r = NULL;
	uint32_t n = 0;
	an_error err;

	cr_assert_eq(an_heap_dominator_rows(&r, &n, heap, T_ROOT, &o, &err),
		     AN_OK);
	expect_dom(r, n, big, 6);
	an_heap_dominator_rows_free(r);
	cr_assert_eq(an_heap_dominator_rows(&r, &n, heap, T_HELLO, &o, &err),
		     AN_OK);
	expect_dom(r, n, small, 1);
	an_heap_dominator_rows_free(r);
	cr_expect_eq(an_heap_dominator_rows(&r, &n, heap, T_COUNT, &o, &err),
		     AN_EINVAL);
}

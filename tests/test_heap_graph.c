/*
 * test_heap_graph.c - small snapshots written in the test: the smallest
 * one that loads, a root with more shortcut edges than nodes, and
 * unreachable nodes hanging off the root.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"
#include "mini_snapshot.h"
#include "heap/heap_int.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heap, .fini = fini, .timeout = 120);

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

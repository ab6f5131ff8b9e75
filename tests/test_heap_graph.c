/*
 * test_heap_graph.c - small snapshots written in the test: the smallest
 * one that loads, a root with more shortcut edges than nodes, and
 * unreachable nodes hanging off the root, dominators of random graphs
 * against the definition, and distances through a BFS queue that grows.
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

/*
 * Dominators of random graphs against the definition. Node 0 is the
 * root (synthetic), the others objects "Foo" joined by property edges
 * (all essential but self loops, which DevTools ignores), parallel
 * edges, nodes nothing retains and cycles nothing outside retains.
 * DevTools' tree is the dominator tree of the graph plus root -> k for
 * every k without a retainer, the nodes that leaves unreached under the
 * root (see dominators.c); here it is computed the slow way, from the sets
 * Dom(v) = {v} + the intersection of Dom(p) over v's retainers p, and
 * idom(v) the member of Dom(v) - {v} with the largest set. The fast
 * pass keeps only the least retainer numbered lower than each vertex in
 * DFS preorder; forward edges (to a descendant that is not a child) and
 * cross edges are the cases that tests.
 */
#define RG_MAX 40
#define RG_CAP (64 * 1024)

static uint32_t rg_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static void rg_dominators(uint32_t n, const uint32_t (*e)[2], uint32_t ne,
			  uint32_t *idom)
{
	uint64_t dom[RG_MAX], all = n == 64 ? ~0ull : (1ull << n) - 1;
	uint64_t reach = 1, prev = 0;
	int has_ret[RG_MAX] = {0}, changed = 1;
	uint32_t v, k, i;

	for (k = 0; k < ne; k++)
		if (e[k][0] != e[k][1])
			has_ret[e[k][1]] = 1;
	/* reachable from the root, with root -> k for the unretained */
	for (v = 1; v < n; v++)
		if (!has_ret[v])
			reach |= 1ull << v;
	while (reach != prev) {
		prev = reach;
		for (k = 0; k < ne; k++)
			if (reach >> e[k][0] & 1)
				reach |= 1ull << e[k][1];
	}
	for (v = 0; v < n; v++)
		dom[v] = v == 0 ? 1 : all;
	while (changed) {
		changed = 0;
		for (v = 1; v < n; v++) {
			uint64_t d = all;
			if (!(reach >> v & 1))
				continue;
			if (!has_ret[v])
				d = dom[0];
			for (k = 0; k < ne; k++)
				if (e[k][1] == v && e[k][0] != v &&
				    (reach >> e[k][0] & 1))
					d &= dom[e[k][0]];
			d |= 1ull << v;
			if (d != dom[v]) {
				dom[v] = d;
				changed = 1;
			}
		}
	}
	idom[0] = 0;
	for (v = 1; v < n; v++) {
		uint32_t best = 0;
		int bestn = -1;
		if (!(reach >> v & 1)) {
			idom[v] = 0;
			continue;
		}
		for (i = 0; i < n; i++) {
			int c = __builtin_popcountll(dom[i]);
			if (i != v && (dom[v] >> i & 1) && c > bestn) {
				best = i;
				bestn = c;
			}
		}
		idom[v] = best;
	}
}

Test(heap, dominators_of_random_graphs)
{
	uint64_t seed = 12345;
	uint32_t g;

	for (g = 0; g < 400; g++) {
		uint32_t n = 2 + rg_next(&seed) % (RG_MAX - 1), ne, k, v;
		uint32_t e[RG_MAX * 4][2], idom[RG_MAX], out[RG_MAX * 4];
		uint32_t dense = 1 + rg_next(&seed) % 4;
		char *j = malloc(RG_CAP);
		size_t len = 0;
		an_heap *h;

		cr_assert(j);
		ne = rg_next(&seed) % (n * dense + 1);
		for (k = 0; k < ne; k++) {
			e[k][0] = rg_next(&seed) % n;
			e[k][1] = 1 + rg_next(&seed) % (n - 1);
		}
		/* edges sorted by source (the snapshot lists them so) */
		memset(out, 0, sizeof(out));
		len += (size_t)snprintf(j + len, RG_CAP - len, "%s\"node_count\":%u,"
				       "\"edge_count\":%u},\"nodes\":[",
				       MINI_META, n, ne);
		for (v = 0; v < n; v++) {
			uint32_t c = 0;
			for (k = 0; k < ne; k++)
				c += e[k][0] == v;
			len += (size_t)snprintf(j + len, RG_CAP - len, "%s%u,%u,%u,%u,%u",
					       v ? "," : "", v ? 3 : 9,
					       v ? 1 : 0, 2 * v + 1, 8 + v, c);
		}
		len += (size_t)snprintf(j + len, RG_CAP - len, "],\"edges\":[");
		for (v = 0, out[0] = 0; v < n; v++)
			for (k = 0; k < ne; k++)
				if (e[k][0] == v)
					len += (size_t)snprintf(
						j + len, RG_CAP - len, "%s2,2,%u",
						out[0]++ ? "," : "",
						e[k][1] * 5);
		len += (size_t)snprintf(j + len, RG_CAP - len, "],%s}", MINI_STRINGS);
		h = must_load_str(j);
		rg_dominators(n, (const uint32_t(*)[2])e, ne, idom);
		for (v = 1; v < n; v++)
			cr_assert_eq(an_heap_node_dominator(h, v), idom[v],
				     "graph %u node %u: dominator %u, want %u\n%s",
				     g, v, an_heap_node_dominator(h, v),
				     idom[v], j);
		an_heap_free(h);
		free(j);
	}
}

/*
 * Distances through a BFS queue that grows while it wraps around: the
 * root -> H (shortcut), H -> 3000 children C, each C -> its own G. The
 * queue (a ring of 1024 entries to start with) holds H, then H's 3000
 * children are queued after H was taken (so the ring grows with its
 * start past 0), then each C taken queues its G. Distances: H 1, every
 * C 2, every G 3; with an entry lost or repeated in the growth, some
 * would be wrong or missing (100000000).
 */
#define FAN 3000

Test(heap, distances_through_a_growing_queue)
{
	size_t cap = 64 * 1024 + (size_t)FAN * 64, len = 0;
	char *j = malloc(cap);
	uint32_t v, n = 2 + 2 * FAN;

	cr_assert(j);
	len += (size_t)snprintf(j + len, cap - len,
				"%s\"node_count\":%u,\"edge_count\":%u},"
				"\"nodes\":[9,0,1,0,1,3,1,3,8,%u",
				MINI_META, n, 1 + 2 * FAN, FAN);
	for (v = 2; v < n; v++)
		len += (size_t)snprintf(j + len, cap - len, ",3,1,%u,8,%u",
					2 * v + 1, v < 2 + FAN ? 1 : 0);
	len += (size_t)snprintf(j + len, cap - len, "],\"edges\":[5,2,5");
	for (v = 0; v < FAN; v++) /* H -> C */
		len += (size_t)snprintf(j + len, cap - len, ",2,2,%u",
					(2 + v) * 5);
	for (v = 0; v < FAN; v++) /* C -> G */
		len += (size_t)snprintf(j + len, cap - len, ",2,2,%u",
					(2 + FAN + v) * 5);
	len += (size_t)snprintf(j + len, cap - len, "],%s}", MINI_STRINGS);
	cr_assert_lt(len, cap);
	heap = must_load_str(j);
	free(j);
	cr_expect_eq(an_heap_node_distance(heap, 1), 1);
	for (v = 2; v < n; v++)
		cr_assert_eq(an_heap_node_distance(heap, v),
			     v < 2 + FAN ? 2 : 3, "node %u: %d", v,
			     an_heap_node_distance(heap, v));
}

/*
 * ranking.c - orders of nodes and edges that reports list: the objects
 * with the largest retained sizes (two orders, see heap.h) and a node's
 * outgoing edges by their target's retained size.
 */
#include "core/sort.h"
#include "heap/heap_int.h"

/* ---- every node, sorted ---- */

/* larger retained size first, then lower node index */
static int cmp_retained(uint32_t x, uint32_t y, const void *ctx)
{
	const an_heap *h = ctx;
	uint64_t rx = an_heap_node_retained_size(h, x);
	uint64_t ry = an_heap_node_retained_size(h, y);

	if (rx != ry)
		return rx > ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int top_sorted(const an_heap *h, uint32_t k, uint32_t **out,
		      uint32_t *count, an_error *err)
{
	uint32_t n = an_heap_node_count(h), root = an_heap_root(h), i, m = 0;
	uint32_t *v = malloc(((size_t)n + 1) * sizeof(*v));
	uint32_t *tmp = malloc(((size_t)n + 1) * sizeof(*tmp));

	if (!v || !tmp) {
		free(v);
		free(tmp);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	for (i = 0; i < n; i++)
		if (i != root)
			v[m++] = i;
	an__sort_keys(v, tmp, m, cmp_retained, h);
	free(tmp);
	*out = v;
	*count = m < k ? m : k;
	return AN_OK;
}

/* ---- best first down the dominator tree ---- */

/* A place in the dominator tree: the k-th node dominated by `parent`. */
typedef struct dom_pos {
	uint32_t parent;
	uint32_t k;
} dom_pos;

static uint32_t pos_node(const an_heap *h, dom_pos p)
{
	const uint32_t *kids;

	an_heap_node_dominated(h, p.parent, &kids);
	return kids[p.k];
}

/* max-heap order: larger retained size first, then lower node index */
static int pos_before(const an_heap *h, dom_pos a, dom_pos b)
{
	uint32_t x = pos_node(h, a), y = pos_node(h, b);
	uint64_t rx = an_heap_node_retained_size(h, x);
	uint64_t ry = an_heap_node_retained_size(h, y);

	return rx != ry ? rx > ry : x < y;
}

static void pq_push(const an_heap *h, dom_pos *q, uint32_t *nq, dom_pos p)
{
	uint32_t i = (*nq)++;

	while (i > 0 && pos_before(h, p, q[(i - 1) / 2])) {
		q[i] = q[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q[i] = p;
}

static dom_pos pq_pop(const an_heap *h, dom_pos *q, uint32_t *nq)
{
	dom_pos top = q[0], last = q[--*nq];
	uint32_t i = 0, n = *nq;

	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && pos_before(h, q[c + 1], q[c]))
			c++;
		if (!pos_before(h, q[c], last))
			break;
		q[i] = q[c];
		i = c;
	}
	if (n)
		q[i] = last;
	return top;
}

static int cmp_index(uint32_t x, uint32_t y, const void *ctx)
{
	(void)ctx;
	return x < y ? -1 : x > y;
}

/*
 * The root and the k largest other nodes by retained size, in node
 * order. Walks the dominator tree best first: a node's retained size is
 * never larger than its dominator's, and an_heap_node_dominated() lists
 * children largest first, so a priority queue holding, per visited
 * node, only its next unvisited child yields nodes by descending
 * retained size with every dominator before the nodes it dominates.
 * The queue never holds more than k + 1 entries.
 */
static int top_walk(const an_heap *h, uint32_t k, uint32_t **out,
		    uint32_t *count, an_error *err)
{
	uint32_t root = an_heap_root(h), nq = 0, m = 0, cnt, *tmp;
	const uint32_t *kids;
	uint32_t *pick = malloc(((size_t)k + 1) * sizeof(*pick));
	dom_pos *q = malloc(((size_t)k + 1) * sizeof(*q));

	if (!pick || !q) {
		free(pick);
		free(q);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	pick[m++] = root;
	if (an_heap_node_dominated(h, root, &kids) > 0) {
		dom_pos p = {root, 0};
		pq_push(h, q, &nq, p);
	}
	while (nq && m <= k) {
		dom_pos p = pq_pop(h, q, &nq);
		uint32_t v = pos_node(h, p);

		pick[m++] = v;
		cnt = an_heap_node_dominated(h, p.parent, &kids);
		if (p.k + 1 < cnt) {
			dom_pos next = {p.parent, p.k + 1};
			pq_push(h, q, &nq, next);
		}
		if (an_heap_node_dominated(h, v, &kids) > 0) {
			dom_pos child = {v, 0};
			pq_push(h, q, &nq, child);
		}
	}
	free(q);
	tmp = malloc(((size_t)m + 1) * sizeof(*tmp));
	if (!tmp) {
		free(pick);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	an__sort_keys(pick, tmp, m, cmp_index, NULL);
	free(tmp);
	*out = pick;
	*count = m;
	return AN_OK;
}

int an_heap_top(uint32_t **out, uint32_t *count, const an_heap *h,
		uint32_t k, an_heap_top_order order, an_error *err)
{
	*out = NULL;
	*count = 0;
	if (!h)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET, "no heap");
	if (order == AN_HEAP_TOP_SORTED)
		return top_sorted(h, k, out, count, err);
	if (order != AN_HEAP_TOP_DOMINATOR_WALK)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown order %d", (int)order);
	if (an_heap_node_count(h) == 0) {
		*out = malloc(sizeof(**out));
		return *out ? AN_OK :
			      an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
				       "out of memory");
	}
	/* the walk allocates k + 1 places: no more than there are nodes */
	if (k > an_heap_node_count(h) - 1)
		k = an_heap_node_count(h) - 1;
	return top_walk(h, k, out, count, err);
}

/* ---- edges ---- */

/* larger target retained size first, then lower edge index */
static int cmp_edge_target(uint32_t x, uint32_t y, const void *ctx)
{
	const an_heap *h = ctx;
	uint64_t rx = an_heap_node_retained_size(h, an_heap_edge_target(h, x));
	uint64_t ry = an_heap_node_retained_size(h, an_heap_edge_target(h, y));

	if (rx != ry)
		return rx > ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

int an_heap_edges_by_target(uint32_t **out, uint32_t *count,
			    const an_heap *h, uint32_t n, an_error *err)
{
	uint32_t first, cnt, i, *v, *tmp;

	*out = NULL;
	*count = 0;
	if (!h || n >= an_heap_node_count(h))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no node %u", n);
	cnt = an_heap_node_edges(h, n, &first);
	v = malloc(((size_t)cnt + 1) * sizeof(*v));
	tmp = malloc(((size_t)cnt + 1) * sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	for (i = 0; i < cnt; i++)
		v[i] = first + i;
	an__sort_keys(v, tmp, cnt, cmp_edge_target, h);
	free(tmp);
	*out = v;
	*count = cnt;
	return AN_OK;
}

void an_heap_indexes_free(uint32_t *v)
{
	free(v);
}

/*
 * retainers.c - who retains a node, in the order of DevTools' Retainers
 * view: every incoming edge except weak and invisible ones and those from
 * the root, sorted by the retainer's distance (unreachable ones last), then
 * by its retained size descending, then as DevTools lists retainers
 * (latest source node and edge first).
 */
#include "heap_int.h"

static const an_heap *sort_h;

static int64_t view_distance(const an_heap *h, uint32_t n)
{
	int32_t d = h->dist[n];

	if (d == AN_HEAP_NO_DISTANCE)
		return 2LL * AN_HEAP_SYSTEM_DISTANCE; /* max(0, d) + base */
	return d;
}

static int cmp_ret(const void *a, const void *b)
{
	const an_heap_retainer *x = a, *y = b;
	int64_t dx = view_distance(sort_h, x->from);
	int64_t dy = view_distance(sort_h, y->from);
	uint64_t rx = sort_h->retained[x->from], ry = sort_h->retained[y->from];

	if (dx != dy)
		return dx < dy ? -1 : 1;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	/* DevTools' retainer slots run from the last edge to the first */
	return x->edge > y->edge ? -1 : x->edge < y->edge;
}

int an_heap_retainers(const an_heap *h, uint32_t n, an_heap_retainer **out,
		      uint32_t *count, an_error *err)
{
	uint32_t v, e, k = 0, cap = 0;
	an_heap_retainer *r = NULL;

	*out = NULL;
	*count = 0;
	if (n >= h->node_count)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no node %u", n);
	for (e = 0; e < h->edge_count; e++)
		if (h->eto[e] == n)
			cap++;
	r = an__calloc(cap, sizeof(*r));
	if (!r)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (v = 0; v < h->node_count; v++) {
		if (v == h->root)
			continue;
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			if (h->eto[e] != n || h->etype[e] == h->e_weak ||
			    h->etype[e] == h->e_invisible)
				continue;
			r[k].edge = e;
			r[k].from = v;
			k++;
		}
	}
	sort_h = h;
	if (k > 1)
		qsort(r, k, sizeof(*r), cmp_ret);
	sort_h = NULL;
	*out = r;
	*count = k;
	return AN_OK;
}

/*
 * distances.c - distances from the user roots
 * (JSHeapSnapshot.calculateDistances) with DevTools' edge filter, then
 * from the root for the rest.
 */

#include "heap/pipeline_int.h"

/* ---- 5. distances (JSHeapSnapshot.calculateDistances) ----------------- */

/* parseInt(name, 10) of an edge name, or -1 when it is NaN. */
static int64_t edge_name_int(const an_heap *h, uint32_t e)
{
	an_str s;
	size_t i = 0;
	int64_t v = 0;
	int neg = 0, any = 0;

	if (!has_string_name(h, e))
		return h->ename[e];
	s = h->strs.items[h->ename[e]];
	while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t' ||
			     s.ptr[i] == '\n' || s.ptr[i] == '\r'))
		i++;
	if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+'))
		neg = s.ptr[i++] == '-';
	for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
		any = 1;
		if (v < INT64_MAX / 10)
			v = v * 10 + (s.ptr[i] - '0');
	}
	if (!any)
		return INT64_MIN;
	return neg ? -v : v;
}

typedef struct dist_ctx {
	an_heap *h;
	const wm_cache *wm;
	uint8_t *pending;   /* per dup id: in DevTools' pendingEphemeronEdges */
} dist_ctx;

/* DevTools' distance filter for edge e from node v. */
static int dist_filter(dist_ctx *d, uint32_t v, uint32_t e)
{
	an_heap *h = d->h;

	if (h->ntype[v] == h->t_hidden && has_string_name(h, e) &&
	    an__heap_str_is(h, h->ename[e], "sloppy_function_map") &&
	    an__heap_str_is(h, an__heap_name(h, v), "system / NativeContext"))
		return 0;
	if (h->ntype[v] == h->t_array &&
	    an__heap_str_is(h, an__heap_name(h, v), "(map descriptors)")) {
		int64_t idx = edge_name_int(h, e);
		if (idx == INT64_MIN)
			return 1; /* NaN: both tests false -> kept */
		return idx < 2 || (idx % 3) != 1;
	}
	if (h->etype[e] == h->e_internal) {
		const wm_entry *w = an__heap_wm_lookup(d->wm, h->ename[e]);
		if (w) {
			if (!d->pending[w->dup]) {
				d->pending[w->dup] = 1;
				return 0;
			}
			d->pending[w->dup] = 0;
		}
	}
	return 1;
}

/* The BFS queue: a ring that grows by doubling, so it holds the widest
 * frontier rather than every node (4 bytes per node that were live at
 * what is the peak of memory, beside the dominator pass). */
typedef struct ring {
	uint32_t *v;
	size_t cap;          /* a power of two, or 0 */
	size_t head, len;
} ring;

static int ring_push(ring *q, uint32_t x)
{
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 1024;
		uint32_t *nv = an__reallocarray(q->v, ncap, sizeof(*nv));
		if (!nv)
			return AN_ENOMEM;
		/* the entries before head follow the others */
		memcpy(nv + q->cap, nv, q->head * sizeof(*nv));
		q->v = nv;
		q->cap = ncap;
	}
	q->v[(q->head + q->len++) & (q->cap - 1)] = x;
	return AN_OK;
}

static uint32_t ring_pop(ring *q)
{
	uint32_t x = q->v[q->head];

	q->head = (q->head + 1) & (q->cap - 1);
	q->len--;
	return x;
}

static int bfs(dist_ctx *d, ring *q)
{
	an_heap *h = d->h;
	uint32_t e;

	while (q->len > 0) {
		uint32_t v = ring_pop(q);
		int32_t dist = h->d.dist[v] + 1;
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t c = h->eto[e];
			if (h->etype[e] == h->e_weak)
				continue;
			if (h->d.dist[c] != AN_HEAP_NO_DISTANCE)
				continue;
			if (!dist_filter(d, v, e))
				continue;
			h->d.dist[c] = dist;
			if (ring_push(q, c) < 0)
				return AN_ENOMEM;
		}
	}
	return AN_OK;
}

int an__heap_distances(an_heap *h, const wm_cache *wm)
{
	uint32_t n = h->node_count, i, e, qn = 0;
	ring q;
	dist_ctx d;
	int rc = AN_ENOMEM;

	memset(&q, 0, sizeof(q));
	h->d.dist = an__calloc(n, sizeof(*h->d.dist));
	d.h = h;
	d.wm = wm;
	d.pending = an__calloc(wm->ndup + 1, 1);
	if (!h->d.dist || !d.pending)
		goto done;
	for (i = 0; i < n; i++)
		h->d.dist[i] = AN_HEAP_NO_DISTANCE;
	for (e = h->first_edge[h->root]; e < h->first_edge[h->root + 1]; e++) {
		uint32_t c = h->eto[e];
		if (is_user_root(h, c)) {
			h->d.dist[c] = 1;
			qn++;
			if (ring_push(&q, c) < 0)
				goto done;
		}
	}
	if (bfs(&d, &q) < 0)
		goto done;
	h->d.dist[h->root] = qn > 0 ? AN_HEAP_SYSTEM_DISTANCE : 0;
	if (ring_push(&q, h->root) < 0 || bfs(&d, &q) < 0)
		goto done;
	rc = AN_OK;
done:
	free(q.v);
	free(d.pending);
	return rc;
}

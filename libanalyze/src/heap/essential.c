/*
 * essential.c - essential edges (initEssentialEdges): the edges the dominator
 * tree follows, one bit each, computed on two threads.
 */

#include <pthread.h>

#include "heap/pipeline_int.h"

/* ---- 2. essential edges (initEssentialEdges) ---------------------------- */

/* Stores the bits of edges [e0, e1) held in byte k; the two end bytes may
 * be shared with the other thread's range. */
static void ess_store(uint8_t *bits, uint32_t k, uint8_t b, uint32_t e0,
		      uint32_t e1)
{
	if (k == e0 >> 3 || k == (e1 - 1) >> 3)
		__atomic_fetch_or(&bits[k], b, __ATOMIC_RELAXED);
	else
		bits[k] = b;
}

typedef struct ess_job {
	const an_heap *h;
	const wm_cache *wm;
	uint8_t *bits;
	uint32_t v0, v1;        /* node range */
} ess_job;

/* initEssentialEdges for the edges of nodes [v0, v1). */
static void *ess_range(void *arg)
{
	const ess_job *j = arg;
	const an_heap *h = j->h;
	uint32_t v, e, e0 = h->first_edge[j->v0], e1 = h->first_edge[j->v1];
	uint8_t b = 0;

	for (v = j->v0; v < j->v1; v++) {
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint8_t t = h->etype[e];
			uint32_t c = h->eto[e];
			const wm_entry *w;
			int ess = 1;
			if (t == h->e_internal &&
			    (w = an__heap_wm_lookup(j->wm, h->ename[e])) != NULL &&
			    w->table == h->nid[v])
				ess = 0;
			else if (t == h->e_weak || c == v)
				ess = 0;
			else if (v != h->root &&
				 (t == h->e_shortcut ||
				  (h->d.page[c] && !h->d.page[v])))
				ess = 0;
			b |= (uint8_t)(ess << (e & 7));
			if ((e & 7) == 7) {
				ess_store(j->bits, e >> 3, b, e0, e1);
				b = 0;
			}
		}
	}
	if (e1 > e0 && (e1 & 7) != 0)
		ess_store(j->bits, (e1 - 1) >> 3, b, e0, e1);
	return NULL;
}

/* One bit per edge, on two threads (halves by edge count). */
int an__heap_essential_edges(an_heap *h, const wm_cache *wm, uint8_t **out)
{
	uint32_t n = h->node_count, mid = 0, lo = 0, hi = n;
	uint8_t *bits = an__calloc(((size_t)h->edge_count + 7) / 8, 1);
	ess_job j[2];
	pthread_t tid;
	int threaded;

	*out = bits;
	if (!bits)
		return AN_ENOMEM;
	/* first node whose edges start in the second half */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->first_edge[mid] < h->edge_count / 2)
			lo = mid + 1;
		else
			hi = mid;
	}
	mid = lo;
	j[0].h = j[1].h = h;
	j[0].wm = j[1].wm = wm;
	j[0].bits = j[1].bits = bits;
	j[0].v0 = 0;
	j[0].v1 = j[1].v0 = mid;
	j[1].v1 = n;
	threaded = pthread_create(&tid, NULL, ess_range, &j[1]) == 0;
	ess_range(&j[0]);
	if (threaded)
		pthread_join(tid, NULL);
	else
		ess_range(&j[1]);
	return AN_OK;
}

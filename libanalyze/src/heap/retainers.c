/*
 * retainers.c - who retains a node, in the order of DevTools' Retainers
 * view: every incoming edge except weak and invisible ones and those from
 * the root, sorted by the retainer's distance (unreachable ones last), then
 * by its retained size descending, then as DevTools lists retainers
 * (latest source node and edge first); and the chain the view expands
 * from a node towards the roots.
 *
 * One query scans all edges. A second query builds an index of incoming
 * edges (4 bytes per edge and per node) that every later one uses: a
 * chain asks once per step.
 */
#include <pthread.h>

#include "core/hashtab.h"
#include "heap/heap_int.h"

struct an__ret_index {
	pthread_mutex_t mu;
	uint32_t queries;      /* answered by scanning */
	uint32_t *first;       /* node_count + 1, or NULL */
	uint32_t *edges;       /* incoming edge ids by target */
};

int an__heap_ret_index_new(an_heap *h)
{
	h->ri = calloc(1, sizeof(*h->ri));
	if (!h->ri)
		return AN_ENOMEM;
	pthread_mutex_init(&h->ri->mu, NULL);
	return AN_OK;
}

void an__heap_ret_index_free(an_heap *h)
{
	if (!h->ri)
		return;
	pthread_mutex_destroy(&h->ri->mu);
	free(h->ri->first);
	free(h->ri->edges);
	free(h->ri);
	h->ri = NULL;
}

/* n entries (zeroed when `zero`) for the index: the block h's pool has
 * in `slot` (a diff's base, freed just before the explanations' queries),
 * grown when too small, else a new one. NULL: out of memory. */
static uint32_t *index_array(const an_heap *h, int slot, size_t n,
			     int zero)
{
	size_t have;
	uint32_t *b = an__heap_pool_take(h->pool, slot, &have), *q;

	if (!b)
		return an__calloc(n, sizeof(*b));
	if (have < n * sizeof(*b)) {
		q = an__reallocarray(b, n, sizeof(*b));
		if (!q) {
			free(b);
			return NULL;
		}
		b = q;
	}
	if (zero)
		memset(b, 0, n * sizeof(*b));
	return b;
}

/* Builds the index; on failure (memory) queries keep scanning. */
static void build_index(const an_heap *h, struct an__ret_index *ri)
{
	uint32_t n = h->node_count, e;
	uint32_t *first = index_array(h, AN__POOL_RI_FIRST, (size_t)n + 1, 1);
	uint32_t *edges = index_array(h, AN__POOL_RI_EDGES, h->edge_count, 0);

	if (!first || !edges) {
		free(first);
		free(edges);
		return;
	}
	for (e = 0; e < h->edge_count; e++)
		first[h->eto[e]]++;
	an__csr_starts(first, n);
	for (e = 0; e < h->edge_count; e++)
		edges[first[h->eto[e]]++] = e;
	an__csr_restore(first, n);
	ri->first = first;
	ri->edges = edges;
}

/* The source node of edge e. */
static uint32_t edge_source(const an_heap *h, uint32_t e)
{
	uint32_t lo = 0, hi = h->node_count;

	/* the last node whose first edge is <= e */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (h->first_edge[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int64_t view_distance(const an_heap *h, uint32_t n)
{
	int32_t d = h->d.dist[n];

	if (d == AN_HEAP_NO_DISTANCE)
		return 2LL * AN_HEAP_SYSTEM_DISTANCE; /* max(0, d) + base */
	return d;
}

/* A retainer with its sort keys (the comparator needs no heap: queries
 * may run on several threads). */
typedef struct ret_key {
	int64_t distance;
	uint64_t retained;
	an_heap_retainer r;
} ret_key;

static int cmp_ret(const void *a, const void *b)
{
	const ret_key *x = a, *y = b;

	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	if (x->retained != y->retained)
		return x->retained > y->retained ? -1 : 1;
	/* DevTools' retainer slots run from the last edge to the first */
	return x->r.edge > y->r.edge ? -1 : x->r.edge < y->r.edge;
}

/* Sorts r[0..k) in the Retainers view's order. */
static int sort_retainers(const an_heap *h, an_heap_retainer *r, uint32_t k)
{
	ret_key *keys;
	uint32_t i;

	if (k < 2)
		return AN_OK;
	keys = an__calloc(k, sizeof(*keys));
	if (!keys)
		return AN_ENOMEM;
	for (i = 0; i < k; i++) {
		keys[i].distance = view_distance(h, r[i].from);
		keys[i].retained = h->d.retained[r[i].from];
		keys[i].r = r[i];
	}
	qsort(keys, k, sizeof(*keys), cmp_ret);
	for (i = 0; i < k; i++)
		r[i] = keys[i].r;
	free(keys);
	return AN_OK;
}

static int listed(const an_heap *h, uint32_t from, uint32_t e)
{
	return from != h->root && h->etype[e] != h->e_weak &&
	       h->etype[e] != h->e_invisible;
}

int an_heap_retainers(an_heap_retainer **out, uint32_t *count,
		      const an_heap *h, uint32_t n, an_error *err)
{
	struct an__ret_index *ri = h->ri;
	uint32_t v, e, k = 0, cap = 0, i;
	an_heap_retainer *r = NULL;
	int indexed;

	*out = NULL;
	*count = 0;
	if (n >= h->node_count)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no node %u", n);
	pthread_mutex_lock(&ri->mu);
	if (!ri->first && ++ri->queries >= 2)
		build_index(h, ri);
	indexed = ri->first != NULL;
	pthread_mutex_unlock(&ri->mu);
	if (indexed) {
		cap = ri->first[n + 1] - ri->first[n];
	} else {
		for (e = 0; e < h->edge_count; e++)
			if (h->eto[e] == n)
				cap++;
	}
	r = an__calloc(cap, sizeof(*r));
	if (!r)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (indexed) {
		for (i = ri->first[n]; i < ri->first[n + 1]; i++) {
			e = ri->edges[i];
			v = edge_source(h, e);
			if (!listed(h, v, e))
				continue;
			r[k].edge = e;
			r[k].from = v;
			k++;
		}
	} else {
		for (v = 0; v < h->node_count; v++) {
			for (e = h->first_edge[v]; e < h->first_edge[v + 1];
			     e++) {
				if (h->eto[e] != n || !listed(h, v, e))
					continue;
				r[k].edge = e;
				r[k].from = v;
				k++;
			}
		}
	}
	if (sort_retainers(h, r, k) < 0) {
		free(r);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	*out = r;
	*count = k;
	return AN_OK;
}

/* The chain's nodes so far, by the `from` of each step. */
static uint64_t step_hash(uint32_t item, const void *ctx)
{
	return an__ht_mix64(((const an_heap_retainer *const *)ctx)[0][item]
				    .from);
}

static int step_eq(uint32_t item, const void *key, const void *ctx)
{
	return ((const an_heap_retainer *const *)ctx)[0][item].from ==
	       *(const uint32_t *)key;
}

int an_heap_retainer_chain(an_heap_retainer **out, uint32_t *len,
			   const an_heap *h, uint32_t n, uint32_t alt,
			   uint32_t max_steps, an_error *err)
{
	an_heap_retainer *c = NULL;
	an_hashtab chain; /* steps by node: a long chain stays linear */
	uint32_t k = 0, cur = n, step, at;
	size_t cap = 0;
	int rc = AN_OK;

	*out = NULL;
	*len = 0;
	if (n >= h->node_count)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no node %u", n);
	an__ht_init(&chain, step_hash, step_eq, &c);
	for (step = 0; max_steps == 0 || step < max_steps; step++) {
		an_heap_retainer *r = NULL;
		uint32_t cnt = 0, pick = step == 0 ? alt : 0;
		int fresh;
		rc = an_heap_retainers(&r, &cnt, h, cur, err);
		if (rc < 0)
			break;
		if (pick >= cnt) {
			free(r);
			break;
		}
		if (an__grow((void **)&c, &cap, (size_t)k + 1,
			     sizeof(*c)) < 0) {
			free(r);
			rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
				      "out of memory");
			break;
		}
		c[k++] = r[pick];
		cur = r[pick].from;
		free(r);
		/* a node already in the chain ends it (shown once more) */
		fresh = an__ht_add(&chain, an__ht_mix64(cur), &cur, k - 1,
				   &at);
		if (fresh < 0) {
			rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
				      "out of memory");
			break;
		}
		if (cur == n || !fresh || h->d.dist[cur] <= 1)
			break;
	}
	an__ht_free(&chain);
	if (rc < 0) {
		free(c);
		return rc;
	}
	*out = c;
	*len = k;
	return AN_OK;
}

void an_heap_retainers_free(an_heap_retainer *r)
{
	free(r);
}

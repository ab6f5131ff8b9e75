/*
 * retpath.c - retainer paths of many nodes (the chain of DevTools'
 * Retainers view: the first retainer at each step until distance <= 1),
 * each node's first retainer looked up once (memo), since the paths
 * mostly share their upper part; and nodes grouped by class and path
 * (`heap diff --explain`, `heap leaks`).
 */
#include "heap/retpath_int.h"

/* ---- the walk ---- */

static uint64_t memo_hash(uint32_t k, const void *ctx)
{
	return an__ht_mix64(((const an__retmemo *)ctx)->node[k]);
}

static int memo_eq(uint32_t k, const void *key, const void *ctx)
{
	return ((const an__retmemo *)ctx)->node[k] == *(const uint32_t *)key;
}

/* seen: steps by node, over the chain being walked */
static uint64_t seen_hash(uint32_t k, const void *ctx)
{
	const an__retwalk *w = ctx;

	return an__ht_mix64(w->c[k].from);
}

static int seen_eq(uint32_t k, const void *key, const void *ctx)
{
	const an__retwalk *w = ctx;

	return w->c[k].from == *(const uint32_t *)key;
}

void an__retwalk_init(an__retwalk *w, const an_heap *h)
{
	memset(w, 0, sizeof(*w));
	w->h = h;
	an__ht_init(&w->m.t, memo_hash, memo_eq, &w->m);
	an__ht_init(&w->seen, seen_hash, seen_eq, w);
}

void an__retwalk_free(an__retwalk *w)
{
	an__ht_free(&w->m.t);
	free(w->m.node);
	free(w->m.r);
	an__ht_free(&w->seen);
	free(w->c);
	memset(w, 0, sizeof(*w));
}

static int first_retainer(an_heap_retainer *out, an__retmemo *m,
			  const an_heap *h, uint32_t n, an_error *err)
{
	an_heap_retainer *r = NULL;
	uint32_t cnt = 0, k;
	int rc;

	k = an__ht_find(&m->t, an__ht_mix64(n), &n);
	if (k != AN_HT_NONE) {
		*out = m->r[k];
		return AN_OK;
	}
	rc = an_heap_retainers(&r, &cnt, h, n, err);
	if (rc < 0)
		return rc;
	if (cnt) {
		*out = r[0];
	} else {
		out->edge = AN_NONE;
		out->from = AN_NONE;
	}
	free(r);
	if (m->n + 1 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 256;
		void *p = an__reallocarray(m->node, nc, sizeof(*m->node));
		if (!p)
			return AN_ENOMEM;
		m->node = p;
		p = an__reallocarray(m->r, nc, sizeof(*m->r));
		if (!p)
			return AN_ENOMEM;
		m->r = p;
		m->cap = nc;
	}
	m->node[m->n] = n;
	m->r[m->n] = *out;
	rc = an__ht_put(&m->t, an__ht_mix64(n), (uint32_t)m->n);
	if (rc < 0)
		return rc;
	m->n++;
	return AN_OK;
}

int an__retwalk_run(const an_heap_retainer **chain, uint32_t *len,
		    an__retwalk *w, uint32_t n, uint32_t max_steps,
		    an_error *err)
{
	const an_heap *h = w->h;
	uint32_t k = 0, cur = n, step, at;
	int rc = AN_OK;

	*chain = NULL;
	*len = 0;
	an__ht_free(&w->seen);
	for (step = 0; max_steps == 0 || step < max_steps; step++) {
		an_heap_retainer r;
		int fresh;
		rc = first_retainer(&r, &w->m, h, cur, err);
		if (rc < 0)
			return rc;
		if (r.from == AN_NONE)
			break;
		if (an__grow((void **)&w->c, &w->cap, (size_t)k + 1,
			     sizeof(*w->c)) < 0)
			return AN_ENOMEM;
		w->c[k++] = r;
		cur = r.from;
		fresh = an__ht_add(&w->seen, an__ht_mix64(cur), &cur, k - 1,
				   &at);
		if (fresh < 0)
			return fresh;
		if (cur == n || !fresh || h->d.dist[cur] <= 1)
			break;
	}
	*chain = w->c;
	*len = k;
	return AN_OK;
}

/* ---- groups ---- */

/* 1 when edge e's name tells members of a group apart: element and
 * hidden edges have indexes, V8 names the entries of hash tables (a
 * Map's table) with internal edges named by their index, and a WeakMap's
 * key -> value edges by the ids of the pair */
int an__retstep_named(const an_heap *h, uint32_t e)
{
	an_str nm;
	uint32_t i;
	size_t off;
	uint64_t table;

	if (h->etype[e] == h->e_element || h->etype[e] == h->e_hidden)
		return 0;
	nm = h->strs.items[h->ename[e]];
	if (an__heap_weakmap_name(nm, &off, &table))
		return 0;
	for (i = 0; i < nm.len; i++)
		if (nm.ptr[i] < '0' || nm.ptr[i] > '9')
			return 1;
	return nm.len == 0;
}

int an__retstep_same(const an_heap *h, an_heap_retainer a,
		     an_heap_retainer b)
{
	int named = an__retstep_named(h, a.edge);
	an_str x, y;

	if (h->etype[a.edge] != h->etype[b.edge] ||
	    h->d.cls[a.from] != h->d.cls[b.from] ||
	    named != an__retstep_named(h, b.edge))
		return 0;
	if (!named)
		return 1;
	x = h->strs.items[h->ename[a.edge]];
	y = h->strs.items[h->ename[b.edge]];
	return x.len == y.len && !memcmp(x.ptr, y.ptr, x.len);
}

uint64_t an__retstep_hash(const an_heap *h, an_heap_retainer r)
{
	uint64_t s = (uint64_t)h->etype[r.edge] << 32 ^ h->d.cls[r.from];

	if (an__retstep_named(h, r.edge)) {
		an_str nm = h->strs.items[h->ename[r.edge]];
		s ^= an__ht_bytes(nm.ptr, nm.len);
	}
	return s;
}

static uint64_t path_hash(const an_heap *h, uint32_t cls,
			  const an_heap_retainer *c, uint32_t len)
{
	uint64_t x = 0x2545f4914f6cdd1dull ^ len ^ (uint64_t)cls << 32;
	uint32_t i;

	for (i = 0; i < len; i++)
		x = an__ht_mix64(x ^ an__retstep_hash(h, c[i])) + i;
	return x;
}

static uint64_t group_hash(uint32_t k, const void *ctx)
{
	const an__retgroups *g = ctx;

	return path_hash(g->h, g->v[k].cls, g->steps + g->v[k].first,
			 g->v[k].len);
}

static int group_eq(uint32_t k, const void *key, const void *ctx)
{
	const an__retgroups *g = ctx;
	const an__retgroup *x = &g->v[k];
	uint32_t i;

	(void)key;
	if (x->len != g->qlen || x->cls != g->qcls)
		return 0;
	for (i = 0; i < x->len; i++)
		if (!an__retstep_same(g->h, g->steps[x->first + i],
				      g->q[i]))
			return 0;
	return 1;
}

void an__retgroups_init(an__retgroups *g, const an_heap *h)
{
	memset(g, 0, sizeof(*g));
	g->h = h;
	an__ht_init(&g->t, group_hash, group_eq, g);
}

void an__retgroups_free(an__retgroups *g)
{
	an__ht_free(&g->t);
	free(g->v);
	free(g->steps);
	memset(g, 0, sizeof(*g));
}

int an__retgroups_add(an__retgroups *g, const an_heap_retainer *c,
		      uint32_t len, uint32_t v, uint32_t *kout)
{
	uint32_t k, cls = g->h->d.cls[v];
	int rc;

	g->q = c;
	g->qlen = len;
	g->qcls = cls;
	if (an__grow((void **)&g->v, &g->cap, g->n + 1, sizeof(*g->v)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&g->t, path_hash(g->h, cls, c, len), g,
			(uint32_t)g->n, &k);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		an__retgroup *x = &g->v[g->n++];
		if (an__grow((void **)&g->steps, &g->scap,
			     g->nsteps + len + 1, sizeof(*g->steps)) < 0)
			return AN_ENOMEM;
		memset(x, 0, sizeof(*x));
		x->rep = v;
		x->cls = cls;
		x->first = g->nsteps;
		x->len = len;
		if (len)
			memcpy(g->steps + g->nsteps, c, len * sizeof(*c));
		g->nsteps += len;
	}
	g->v[k].count++;
	g->v[k].retained += g->h->d.retained[v];
	if (kout)
		*kout = k;
	return AN_OK;
}

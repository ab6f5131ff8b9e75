/*
 * heapdiff_explain.c - why a class grew between two snapshots: its new
 * objects grouped by their retainer path towards the GC roots (the chain
 * of DevTools' Retainers view: the first retainer at each step until
 * distance <= 1), the largest group reported with its count, retained
 * size and one member's path. Each node's first retainer is looked up
 * once (memo), since the members' paths mostly share their upper part.
 */
#include "heap/heapdiff_int.h"

/* First retainers seen, by node. */
typedef struct memo {
	an_hashtab t;
	uint32_t *node;      /* per item: the node ... */
	an_heap_retainer *r; /* ... and its first retainer (from AN_NONE:
				none) */
	size_t n, cap;
} memo;

static uint64_t memo_hash(uint32_t k, const void *ctx)
{
	return an__ht_mix64(((const memo *)ctx)->node[k]);
}

static int memo_eq(uint32_t k, const void *key, const void *ctx)
{
	return ((const memo *)ctx)->node[k] == *(const uint32_t *)key;
}

static int first_retainer(an_heap_retainer *out, memo *m, const an_heap *h,
			  uint32_t n, an_error *err)
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

/* The path of n as an_heap_retainer_chain() walks it (alt 0), into
 * *c (grown as needed); *len its steps. */
static int walk(an_heap_retainer **c, size_t *cap, uint32_t *len, memo *m,
		an_hashtab *seen, const an_heap *h, uint32_t n,
		uint32_t max_steps, an_error *err)
{
	uint32_t k = 0, cur = n, step, at;
	int rc = AN_OK;

	an__ht_free(seen);
	for (step = 0; max_steps == 0 || step < max_steps; step++) {
		an_heap_retainer r;
		int fresh;
		rc = first_retainer(&r, m, h, cur, err);
		if (rc < 0)
			return rc;
		if (r.from == AN_NONE)
			break;
		if (an__grow((void **)c, cap, (size_t)k + 1, sizeof(**c)) < 0)
			return AN_ENOMEM;
		(*c)[k++] = r;
		cur = r.from;
		fresh = an__ht_add(seen, an__ht_mix64(cur), &cur, k - 1, &at);
		if (fresh < 0)
			return fresh;
		if (cur == n || !fresh || h->d.dist[cur] <= 1)
			break;
	}
	*len = k;
	return AN_OK;
}

/* seen: steps by node, over the chain being walked */
typedef struct seen_ctx {
	an_heap_retainer **c;
} seen_ctx;

static uint64_t seen_hash(uint32_t k, const void *ctx)
{
	return an__ht_mix64((*((const seen_ctx *)ctx)->c)[k].from);
}

static int seen_eq(uint32_t k, const void *key, const void *ctx)
{
	return (*((const seen_ctx *)ctx)->c)[k].from ==
	       *(const uint32_t *)key;
}

/* ---- groups ---- */

/* 1 when edge e's name tells members of a group apart: element and
 * hidden edges have indexes, V8 names the entries of hash tables (a
 * Map's table) with internal edges named by their index, and a WeakMap's
 * key -> value edges by the ids of the pair */
static int has_name(const an_heap *h, uint32_t e)
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

static int step_same(const an_heap *h, an_heap_retainer a,
		     an_heap_retainer b)
{
	an_str x, y;

	if (h->etype[a.edge] != h->etype[b.edge] ||
	    h->d.cls[a.from] != h->d.cls[b.from])
		return 0;
	if (!has_name(h, a.edge))
		return 1;
	x = h->strs.items[h->ename[a.edge]];
	y = h->strs.items[h->ename[b.edge]];
	return x.len == y.len && !memcmp(x.ptr, y.ptr, x.len);
}

static uint64_t path_hash(const an_heap *h, const an_heap_retainer *c,
			  uint32_t len)
{
	uint64_t x = 0x2545f4914f6cdd1dull ^ len;
	uint32_t i;

	for (i = 0; i < len; i++) {
		uint64_t s = (uint64_t)h->etype[c[i].edge] << 32 ^
			     h->d.cls[c[i].from];
		if (has_name(h, c[i].edge)) {
			an_str nm = h->strs.items[h->ename[c[i].edge]];
			s ^= an__ht_bytes(nm.ptr, nm.len);
		}
		x = an__ht_mix64(x ^ s) + i;
	}
	return x;
}

typedef struct group {
	uint64_t count, retained;
	uint32_t rep;            /* first member */
	size_t first;            /* its path in steps[] */
	uint32_t len;
} group;

typedef struct groups {
	an_hashtab t;
	const an_heap *h;
	group *v;
	size_t n, cap;
	an_heap_retainer *steps; /* the groups' paths */
	size_t nsteps, scap;
	const an_heap_retainer *q; /* lookup: a path ... */
	uint32_t qlen;             /* ... and its length */
} groups;

static uint64_t group_hash(uint32_t k, const void *ctx)
{
	const groups *g = ctx;

	return path_hash(g->h, g->steps + g->v[k].first, g->v[k].len);
}

static int group_eq(uint32_t k, const void *key, const void *ctx)
{
	const groups *g = ctx;
	const group *x = &g->v[k];
	uint32_t i;

	(void)key;
	if (x->len != g->qlen)
		return 0;
	for (i = 0; i < x->len; i++)
		if (!step_same(g->h, g->steps[x->first + i], g->q[i]))
			return 0;
	return 1;
}

static int group_add(groups *g, const an_heap_retainer *c, uint32_t len,
		     uint32_t v)
{
	uint32_t k;
	int rc;

	g->q = c;
	g->qlen = len;
	if (an__grow((void **)&g->v, &g->cap, g->n + 1, sizeof(*g->v)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&g->t, path_hash(g->h, c, len), g, (uint32_t)g->n,
			&k);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		group *x = &g->v[g->n++];
		if (an__grow((void **)&g->steps, &g->scap,
			     g->nsteps + len + 1, sizeof(*g->steps)) < 0)
			return AN_ENOMEM;
		memset(x, 0, sizeof(*x));
		x->rep = v;
		x->first = g->nsteps;
		x->len = len;
		if (len)
			memcpy(g->steps + g->nsteps, c, len * sizeof(*c));
		g->nsteps += len;
	}
	g->v[k].count++;
	g->v[k].retained += g->h->d.retained[v];
	return AN_OK;
}

int an_heap_diff_explain(an_heap_diff_group *out, const an_heap_diff *d,
			 const an_heap *h, uint32_t row, uint32_t max_steps,
			 an_error *err)
{
	memo m;
	groups g;
	an_hashtab seen;
	an_heap_retainer *c = NULL;
	size_t cap = 0, k, best = 0;
	uint32_t cls, v, len;
	seen_ctx sc = {&c};
	int rc = AN_OK;

	memset(out, 0, sizeof(*out));
	if (!d || !h || row >= d->nrows || h->node_count != d->node_count)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no diff row %u for this heap", row);
	cls = d->rows[row].target_class;
	if (cls == AN_NONE || !d->rows[row].new_count)
		return AN_OK;
	memset(&m, 0, sizeof(m));
	memset(&g, 0, sizeof(g));
	an__ht_init(&m.t, memo_hash, memo_eq, &m);
	an__ht_init(&g.t, group_hash, group_eq, &g);
	an__ht_init(&seen, seen_hash, seen_eq, &sc);
	g.h = h;
	for (v = 0; v < h->node_count; v++) {
		if (h->d.cls[v] != cls || !an_heap_diff_is_new(d, v))
			continue;
		rc = walk(&c, &cap, &len, &m, &seen, h, v, max_steps, err);
		if (rc == AN_OK)
			rc = group_add(&g, c, len, v);
		if (rc < 0)
			break;
		out->class_new++;
	}
	if (rc == AN_OK && g.n) {
		for (k = 1; k < g.n; k++)
			if (g.v[k].count > g.v[best].count ||
			    (g.v[k].count == g.v[best].count &&
			     g.v[k].retained > g.v[best].retained))
				best = k;
		out->count = g.v[best].count;
		out->retained_size = g.v[best].retained;
		out->groups = (uint32_t)g.n;
		out->representative = g.v[best].rep;
		out->len = g.v[best].len;
		out->chain = malloc(((size_t)out->len + 1) *
				    sizeof(*out->chain));
		if (!out->chain)
			rc = AN_ENOMEM;
		else if (out->len)
			memcpy(out->chain, g.steps + g.v[best].first,
			       out->len * sizeof(*out->chain));
	}
	an__ht_free(&m.t);
	free(m.node);
	free(m.r);
	an__ht_free(&g.t);
	free(g.v);
	free(g.steps);
	an__ht_free(&seen);
	free(c);
	if (rc < 0) {
		an_heap_diff_group_free(out);
		memset(out, 0, sizeof(*out));
		if (rc == AN_ENOMEM)
			return an__fail(err, rc, AN_NO_OFFSET,
					"out of memory");
		return rc;
	}
	return AN_OK;
}

void an_heap_diff_group_free(an_heap_diff_group *x)
{
	if (!x)
		return;
	free(x->chain);
	x->chain = NULL;
	x->len = 0;
}

/*
 * heapleaks.c - memlab's find-leaks on an analysed TARGET: the objects
 * new since BASE (and alive in FINAL) that are not trivial are the
 * candidates; the dominator tree walked once from the root tells which
 * candidates another candidate dominates (nested: counted in it); the
 * others are clustered by class and shortest retainer path (retpath.c)
 * and ranked by their summed retained size, which counts no byte twice.
 */
#include "heap/heapleaks_int.h"
#include "heap/retpath_int.h"

struct an_heap_leaks {
	an_heap_leak_cluster *v;   /* kept clusters, rank order */
	uint32_t n;
	an_heap_retainer *steps;   /* their chains */
	an_heap_leaks_info info;
};

static int bit(const uint8_t *b, uint32_t n)
{
	return b[n >> 3] >> (n & 7) & 1;
}

/* 1 for a node that is no leak of the program's own: code, VM
 * internals, embedder nodes (their ids are new in every snapshot),
 * small strings, nodes of no shallow size */
static int trivial(const an_heap *h, uint32_t v, uint64_t min_string)
{
	uint64_t self = an__size_get(&h->d.self, v);

	if (self == 0)
		return 1;
	switch (an_heap_node_kind_of(h, v)) {
	case AN_HEAP_NODE_HIDDEN:
	case AN_HEAP_NODE_ARRAY:
	case AN_HEAP_NODE_CODE:
	case AN_HEAP_NODE_NUMBER:
	case AN_HEAP_NODE_NATIVE:
	case AN_HEAP_NODE_SYNTHETIC:
	case AN_HEAP_NODE_OBJECT_SHAPE:
		return 1;
	case AN_HEAP_NODE_STRING:
	case AN_HEAP_NODE_CONS_STRING:
	case AN_HEAP_NODE_SLICED_STRING:
		return self < min_string;
	default:
		return 0;
	}
}

void an__heap_leak_candidates(uint8_t *cand, an_heap_leaks_info *info,
			      const an_heap *h, const uint8_t *fresh,
			      const uint8_t *alive, uint64_t min_string)
{
	uint32_t v;

	info->target_objects = h->node_count;
	for (v = 0; v < h->node_count; v++) {
		if (!bit(fresh, v) || v == h->root)
			continue;
		info->new_objects++;
		if (alive && !bit(alive, v))
			info->gone++;
		else if (trivial(h, v, min_string))
			info->trivial++;
		else if (h->d.dist[v] == AN_HEAP_NO_DISTANCE ||
			 h->d.dist[v] >= AN_HEAP_SYSTEM_DISTANCE)
			info->unreachable++;
		else {
			info->candidates++;
			cand[v >> 3] |= (uint8_t)(1u << (v & 7));
		}
	}
}

/* A dominator tree walk's stack entry: a node and the top candidate
 * above it (its index in tops[], or AN_NONE). */
typedef struct frame {
	uint32_t node, top;
} frame;

int an__heap_tops(uint32_t **tops, uint64_t **nested, uint32_t *ntops,
		     const an_heap *h, const uint8_t *cand)
{
	frame *st = NULL;
	size_t sp = 0, scap = 0, tcap = 0, ncap = 0;
	uint32_t k;
	int rc = AN_OK;

	*tops = NULL;
	*nested = NULL;
	*ntops = 0;
	if (an__grow((void **)&st, &scap, 1, sizeof(*st)) < 0)
		return AN_ENOMEM;
	st[sp].node = h->root;
	st[sp++].top = AN_NONE;
	while (sp > 0) {
		frame f = st[--sp];
		uint32_t top = f.top;
		if (f.node != h->root && bit(cand, f.node)) {
			if (top != AN_NONE) {
				(*nested)[top]++;
			} else {
				if (an__grow((void **)tops, &tcap,
					     (size_t)*ntops + 1,
					     sizeof(**tops)) < 0 ||
				    an__grow((void **)nested, &ncap,
					     (size_t)*ntops + 1,
					     sizeof(**nested)) < 0) {
					rc = AN_ENOMEM;
					break;
				}
				top = (*ntops)++;
				(*tops)[top] = f.node;
				(*nested)[top] = 0;
			}
		}
		k = h->d.dom_first[f.node + 1] - h->d.dom_first[f.node];
		if (an__grow((void **)&st, &scap, sp + k, sizeof(*st)) < 0) {
			rc = AN_ENOMEM;
			break;
		}
		for (k = h->d.dom_first[f.node + 1];
		     k > h->d.dom_first[f.node]; k--) {
			uint32_t c = h->d.dom_kids[k - 1];
			if (c == f.node)
				continue; /* the root dominates itself */
			st[sp].node = c;
			st[sp++].top = top;
		}
	}
	free(st);
	return rc;
}

/* rank order: retained size, then count, larger first; then found
 * first (the group index) */
static int cmp_group(uint32_t a, uint32_t b, const void *ctx)
{
	const an__retgroup *g = ctx;

	if (g[a].retained != g[b].retained)
		return g[a].retained > g[b].retained ? -1 : 1;
	if (g[a].count != g[b].count)
		return g[a].count > g[b].count ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Clusters of the tops, ranked and cut into l. */
static int cluster(an_heap_leaks *l, const an_heap *h, const uint32_t *tops,
		   const uint64_t *nested, uint32_t ntops,
		   const an_heap_leaks_opts *o, an_error *err)
{
	an__retwalk w;
	an__retgroups g;
	const an_heap_retainer *c;
	uint32_t i, len, k, *ord = NULL, *tmp = NULL;
	size_t nsteps = 0;
	int rc = AN_OK;

	an__retwalk_init(&w, h);
	an__retgroups_init(&g, h);
	for (i = 0; i < ntops; i++) {
		rc = an__retwalk_run(&c, &len, &w, tops[i], o->max_steps,
				     err);
		if (rc == AN_OK)
			rc = an__retgroups_add(&g, c, len, tops[i], &k);
		if (rc < 0)
			goto done;
		g.v[k].extra += nested[i];
		l->info.retained_size += h->d.retained[tops[i]];
	}
	l->info.clusters = (uint32_t)g.n;
	ord = an__calloc(g.n + 1, sizeof(*ord));
	tmp = an__calloc(g.n + 1, sizeof(*tmp));
	l->v = an__calloc(g.n + 1, sizeof(*l->v));
	l->steps = an__calloc(g.nsteps + 1, sizeof(*l->steps));
	if (!ord || !tmp || !l->v || !l->steps) {
		rc = AN_ENOMEM;
		goto done;
	}
	for (i = 0; i < g.n; i++)
		ord[i] = i;
	an__sort_keys(ord, tmp, g.n, cmp_group, g.v);
	for (i = 0; i < g.n; i++) {
		const an__retgroup *x = &g.v[ord[i]];
		an_heap_leak_cluster *y;
		if (x->count < o->min_count || x->retained < o->min_size)
			continue;
		y = &l->v[l->n++];
		y->count = x->count;
		y->retained_size = x->retained;
		y->nested = x->extra;
		y->cls = x->cls;
		y->representative = x->rep;
		y->len = x->len;
		if (x->len)
			memcpy(l->steps + nsteps, g.steps + x->first,
			       x->len * sizeof(*l->steps));
		y->chain = l->steps + nsteps;
		nsteps += x->len;
	}
done:
	free(ord);
	free(tmp);
	an__retwalk_free(&w);
	an__retgroups_free(&g);
	return rc;
}

int an_heap_leaks_new(an_heap_leaks **out, const an_heap_ids *base,
		      const an_heap *h, const an_heap_ids *final,
		      const an_heap_leaks_opts *o, an_error *err)
{
	an_heap_leaks_opts dflt = AN_HEAP_LEAKS_OPTS_INIT;
	an_heap_leaks *l;
	uint8_t *old = NULL, *alive = NULL, *cand = NULL;
	uint32_t *tops = NULL, ntops = 0;
	uint64_t *nested = NULL;
	size_t nb, v;
	int rc;

	*out = NULL;
	if (!o)
		o = &dflt;
	if (o->version != AN_HEAP_LEAKS_OPTS_VERSION)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown an_heap_leaks_opts version %u",
				o->version);
	if (!base || !h || !h->d.dom_first || !h->d.retained)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"leak search needs BASE and an analysed "
				"TARGET");
	l = calloc(1, sizeof(*l));
	nb = ((size_t)h->node_count + 7) / 8;
	old = an__calloc(nb + 1, 1);
	cand = an__calloc(nb + 1, 1);
	if (final)
		alive = an__calloc(nb + 1, 1);
	rc = AN_ENOMEM;
	if (!l || !old || !cand || (final && !alive))
		goto done;
	rc = an__heap_ids_mark(old, base, h);
	if (rc == AN_OK && final)
		rc = an__heap_ids_mark(alive, final, h);
	if (rc < 0)
		goto done;
	for (v = 0; v < nb; v++)
		old[v] = (uint8_t)~old[v]; /* now: new */
	an__heap_leak_candidates(cand, &l->info, h, old, alive,
				 o->min_string_size);
	rc = an__heap_tops(&tops, &nested, &ntops, h, cand);
	if (rc == AN_OK) {
		l->info.nested = l->info.candidates - ntops;
		rc = cluster(l, h, tops, nested, ntops, o, err);
	}
done:
	free(old);
	free(alive);
	free(cand);
	free(tops);
	free(nested);
	if (rc < 0) {
		an_heap_leaks_free(l);
		if (rc == AN_ENOMEM)
			return an__fail(err, rc, AN_NO_OFFSET,
					"out of memory");
		return rc;
	}
	*out = l;
	return AN_OK;
}

void an_heap_leaks_free(an_heap_leaks *l)
{
	if (!l)
		return;
	free(l->v);
	free(l->steps);
	free(l);
}

uint32_t an_heap_leaks_clusters(const an_heap_leaks *l,
				const an_heap_leak_cluster **out)
{
	*out = l ? l->v : NULL;
	return l ? l->n : 0;
}

const an_heap_leaks_info *an_heap_leaks_get_info(const an_heap_leaks *l)
{
	return l ? &l->info : NULL;
}

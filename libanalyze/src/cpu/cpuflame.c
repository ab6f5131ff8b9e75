/*
 * cpuflame.c - an analysed CPU profile as a flame graph tree
 * (an_cpu_flame): the call tree weighted by self time, frames keyed by
 * function and ordered by name as folded stacks are; in time mode a
 * (garbage collector) sample sits on top of the stack it interrupted,
 * as in `cpu folded` and DevTools' flame chart.
 */
#include "cpu/cpu_int.h"

static int cmp_fn_name(uint32_t a, uint32_t b, const void *ctx)
{
	const an_profile *p = ctx;
	const an_function *x = &p->funcs[a], *y = &p->funcs[b];
	int r = an__str_cmp(x->name, y->name);

	if (!r)
		r = an__str_cmp(x->url, y->url);
	if (!r && x->line != y->line)
		r = x->line < y->line ? -1 : 1;
	if (!r && x->column != y->column)
		r = x->column < y->column ? -1 : 1;
	return r;
}

int an_cpu_flame(an_flame **out, const an_cpu *c, const an_flame_opts *o,
		 an_error *err)
{
	const an_profile *p = c->p;
	uint32_t n = p->node_count, i, v, m, *parent = NULL, *key = NULL;
	uint32_t *map = NULL, *rank = NULL, *order = NULL, *tmp = NULL;
	double *self = NULL, *gcw = NULL;
	an_flame_tree t;
	int time_gc = c->weights == AN_WEIGHTS_TIME && p->gc != AN_NONE;
	int rc = AN_OK;

	*out = NULL;
	/* a node per profile node, and one per node with GC on top */
	parent = an__calloc((size_t)n * 2, sizeof(*parent));
	key = an__calloc((size_t)n * 2, sizeof(*key));
	self = an__calloc((size_t)n * 2, sizeof(*self));
	gcw = an__calloc(n, sizeof(*gcw));
	map = an__calloc(n, sizeof(*map));
	rank = an__calloc(p->func_count, sizeof(*rank));
	order = an__calloc(p->func_count, sizeof(*order));
	tmp = an__calloc(p->func_count, sizeof(*tmp));
	if (!parent || !key || !self || !gcw || !map || !rank || !order ||
	    !tmp)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (time_gc)
		for (i = c->i0; i < c->i1; i++)
			if (c->gc_parent[i - c->i0] != AN_NONE)
				gcw[c->gc_parent[i - c->i0]] +=
					an__cpu_duration(p, i);
	/* the root first: the layout's node 0 */
	map[p->root] = 0;
	m = 1;
	for (v = 0; v < n; v++)
		if (v != p->root)
			map[v] = m++;
	for (v = 0; v < n; v++) {
		uint32_t at = map[v];
		parent[at] = p->parent[v] == AN_NONE || v == p->root ?
				     AN_NONE : map[p->parent[v]];
		key[at] = p->func[v];
		self[at] = time_gc && v == p->gc ? 0 : c->self[v];
		if (gcw[v] > 0) {
			parent[m] = at;
			key[m] = p->func[p->gc];
			self[m++] = gcw[v];
		}
	}
	for (i = 0; i < p->func_count; i++)
		order[i] = i;
	an__sort_keys(order, tmp, p->func_count, cmp_fn_name, p);
	for (i = 0; i < p->func_count; i++)
		rank[order[i]] = i;
	t.n = m;
	t.parent = parent;
	t.key = key;
	t.self = self;
	t.nkeys = p->func_count;
	t.rank = rank;
	t.distinct = 0;
	rc = an_flame_layout(out, &t, o, err);
done:
	free(parent);
	free(key);
	free(self);
	free(gcw);
	free(map);
	free(rank);
	free(order);
	free(tmp);
	return rc;
}

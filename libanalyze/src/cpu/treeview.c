/*
 * treeview.c - the rows of a tree report (`cpu tree`, `callers`,
 * `callees`): the profile's call tree filtered by include/exclude
 * patterns, or a merged tree, walked depth first with the children of
 * each node by total descending and pruned by depth, share and count.
 */
#include "core/sort.h"
#include "cpu/profile_int.h"
#include "analyze/cpu.h"

struct an_cpu_view {
	an_cpu_view_row *rows;
	uint32_t count;
	uint32_t hidden; /* children of listed rows left out */
};

/* What the walk reads: the profile's call tree or a merged tree. */
typedef struct source {
	const an_cpu *c;
	const an_profile *p;
	const an_cpu_tree *t; /* NULL: the profile's call tree */
	const uint8_t *keep;  /* profile tree: node shown, or NULL (all) */
} source;

static uint32_t src_function(const source *s, uint32_t n)
{
	return s->t ? an_cpu_tree_get(s->t, n)->function :
		      an_profile_node_function(s->p, n);
}

static double src_self(const source *s, uint32_t n)
{
	return s->t ? an_cpu_tree_get(s->t, n)->self_us :
		      an_cpu_node_self_us(s->c, n);
}

static double src_total(const source *s, uint32_t n)
{
	return s->t ? an_cpu_tree_get(s->t, n)->total_us :
		      an_cpu_node_total_us(s->c, n);
}

static int cmp_total(uint32_t a, uint32_t b, const void *ctx)
{
	double ta = src_total(ctx, a), tb = src_total(ctx, b);

	return ta > tb ? -1 : ta < tb;
}

/* Children of n, ordered by total desc, stable (merged trees come
 * sorted). tmp: scratch for as many. *all: how many n has before the
 * filter. */
static uint32_t src_children(const source *s, uint32_t n, uint32_t *out,
			     uint32_t *tmp, uint32_t *all)
{
	uint32_t k = 0, i, cnt;
	const uint32_t *kids;

	if (s->t) {
		uint32_t c;
		for (c = an_cpu_tree_get(s->t, n)->first_child; c != AN_NONE;
		     c = an_cpu_tree_get(s->t, c)->next_sibling)
			out[k++] = c;
		*all = k;
		return k;
	}
	cnt = an_profile_node_children(s->p, n, &kids);
	*all = cnt;
	for (i = 0; i < cnt; i++)
		if (!s->keep || s->keep[kids[i]])
			out[k++] = kids[i];
	an__sort_keys(out, tmp, k, cmp_total, s);
	return k;
}

/* How many children n has (before the filter), without ordering them. */
static uint32_t src_child_count(const source *s, uint32_t n)
{
	const uint32_t *kids;
	uint32_t k = 0, c;

	if (!s->t)
		return an_profile_node_children(s->p, n, &kids);
	for (c = an_cpu_tree_get(s->t, n)->first_child; c != AN_NONE;
	     c = an_cpu_tree_get(s->t, c)->next_sibling)
		k++;
	return k;
}

/* Nodes to show for a filter: excluded subtrees hidden; with includes,
 * only nodes on a path to an included node (and below it). Parents come
 * before children in p->bfs, so each node looks at its parent only. */
static uint8_t *keep_nodes(const an_profile *p, const an_filter *flt)
{
	uint32_t n = an_profile_node_count(p), i;
	uint8_t *keep = calloc((size_t)n + 1, 1);
	uint8_t *hit = calloc((size_t)n + 1, 1);
	int inc = an_filter_has_includes(flt);

	if (!keep || !hit) {
		free(keep);
		free(hit);
		return NULL;
	}
	for (i = 1; i < n; i++) {
		const an_function *fn =
			an_profile_function(p, an_profile_node_function(p, i));
		an_str fields[2];
		fields[0] = fn->name;
		fields[1] = fn->url;
		if (an_filter_excludes(flt, fields, 2))
			hit[i] = 2;
		else if (inc && an_filter_matches(flt, fields, 2))
			hit[i] = 1;
	}
	/* hit: bit 2 an excluded node on the path from the root, bit 1 an
	 * included one (each node's own mark, then its parent's path) */
	for (i = 0; i < n; i++) {
		uint32_t v = p->bfs[i], u = p->parent[v];
		if (u != AN_NONE)
			hit[v] |= hit[u];
		if (!(hit[v] & 2) && (!inc || (hit[v] & 1)))
			keep[v] = 1;
	}
	/* ancestors of an included node stay, unless excluded (they are
	 * not: an excluded ancestor hides the included node) */
	if (inc)
		for (i = n; i-- > 0;) {
			uint32_t v = p->bfs[i], u = p->parent[v];
			if (keep[v] && u != AN_NONE)
				keep[u] = 1;
		}
	keep[0] = 1;
	free(hit);
	return keep;
}

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

typedef struct frame_it {
	uint32_t node;
	uint32_t depth;
	uint32_t parent; /* row of the parent */
} frame_it;

/* The walk: depth first without recursion, from node 0 of `s`. */
static int walk(an_cpu_view *v, const source *s, uint32_t count,
		const an_cpu_view_opts *o, an_error *err)
{
	frame_it *stack = calloc((size_t)count + 1, sizeof(*stack));
	uint32_t *kids = calloc((size_t)count + 1, sizeof(*kids));
	uint32_t *tmp = calloc((size_t)count + 1, sizeof(*tmp));
	uint32_t sp = 0;
	double total = an_cpu_total_us(s->c);
	int rc = AN_OK;

	v->rows = calloc((size_t)count + 1, sizeof(*v->rows));
	if (!stack || !kids || !tmp || !v->rows)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack[sp].node = 0;
	stack[sp].depth = 0;
	stack[sp].parent = AN_NONE;
	sp++;
	while (sp) {
		frame_it it = stack[--sp];
		an_cpu_view_row *r;
		uint32_t nk, i, limit, all;
		double t = src_total(s, it.node);

		if (it.depth > 0 && pct(t, total) < o->min_percent) {
			v->hidden++;
			continue;
		}
		/* a heap profile's empty branches are not shown (DevTools'
		 * SamplingHeapProfileModel pruneEmptyBranches): not counted
		 * as hidden either */
		if (it.depth > 0 && t == 0 &&
		    an_cpu_weights(s->c) == AN_WEIGHTS_BYTES)
			continue;
		r = &v->rows[v->count];
		r->parent = it.parent;
		r->depth = it.depth;
		r->node = it.node;
		r->function = src_function(s, it.node);
		r->self_us = src_self(s, it.node);
		r->total_us = t;
		v->count++;
		if (it.depth >= o->max_depth) {
			v->hidden += src_child_count(s, it.node);
			continue;
		}
		nk = src_children(s, it.node, kids, tmp, &all);
		limit = o->max_children > 0 && o->max_children < nk ?
				o->max_children :
				nk;
		v->hidden += all - limit;
		/* push in reverse so the largest child comes first */
		for (i = limit; i-- > 0;) {
			stack[sp].node = kids[i];
			stack[sp].depth = it.depth + 1;
			stack[sp].parent = v->count - 1;
			sp++;
		}
	}
done:
	free(stack);
	free(kids);
	free(tmp);
	return rc;
}

int an_cpu_view_build(an_cpu_view **out, const an_cpu *c,
		      const an_cpu_tree *t, const an_cpu_view_opts *o,
		      an_error *err)
{
	an_cpu_view_opts dflt = AN_CPU_VIEW_OPTS_INIT;
	an_cpu_view *v = NULL;
	an_cpu_tree *focus = NULL;
	uint8_t *keep = NULL, *mask = NULL;
	source s;
	int rc = AN_OK;

	*out = NULL;
	if (!c)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET, "no profile");
	if (!o)
		o = &dflt;
	if (o->focus && (t || !an_filter_is_empty(o->filter)))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"a focus cannot be combined with a filter "
				"or a tree");
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.p = an_cpu_profile(c);
	s.t = t;
	v = calloc(1, sizeof(*v));
	if (!v)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (o->focus) {
		mask = calloc((size_t)an_profile_function_count(s.p) + 1, 1);
		if (!mask)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		if (an_cpu_select(mask, c, o->focus) == 0)
			AN_FAIL(err, AN_ENOTFOUND, AN_NO_OFFSET,
				"no function matches the focus");
		AN_TRY(an_cpu_callees(&focus, c, mask, err));
		s.t = focus;
	} else if (!t && !an_filter_is_empty(o->filter)) {
		keep = keep_nodes(s.p, o->filter);
		if (!keep)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		s.keep = keep;
	}
	AN_TRY(walk(v, &s, s.t ? an_cpu_tree_count(s.t) :
				 an_profile_node_count(s.p),
		    o, err));
	*out = v;
	v = NULL;
done:
	an_cpu_view_free(v);
	an_cpu_tree_free(focus);
	free(mask);
	free(keep);
	return rc;
}

uint32_t an_cpu_view_count(const an_cpu_view *v)
{
	return v ? v->count : 0;
}

uint32_t an_cpu_view_hidden(const an_cpu_view *v)
{
	return v ? v->hidden : 0;
}

const an_cpu_view_row *an_cpu_view_get(const an_cpu_view *v, uint32_t i)
{
	return v && i < v->count ? &v->rows[i] : NULL;
}

void an_cpu_view_free(an_cpu_view *v)
{
	if (!v)
		return;
	free(v->rows);
	free(v);
}

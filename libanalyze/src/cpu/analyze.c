/*
 * cpu.c - CPU profile analysis on the profile model: per-node and
 * per-function self/total in both weighting modes, hot lines, merged
 * callers/callees trees and folded stacks (see cpu.h for the semantics).
 */
#include <math.h>
#include <stdio.h>

#include "analyze/cpu.h"
#include "core/sort.h"
#include "cpu/profile_int.h"

struct an_cpu {
	const an_profile *p;   /* borrowed */
	an_weights weights;
	double total_us;       /* window total */
	uint32_t samples;      /* samples in the window */
	double hit_us;         /* weight of one hit (hits mode) */
	uint32_t i0, i1;       /* sample window [i0, i1) */
	int windowed;          /* a window was requested */
	double *self;          /* per node */
	double *total;         /* per node */
	double *gc_on;         /* GC time drawn on top of node (time mode) */
	uint32_t *gc_parent;   /* per sample in window: node under GC, or
				  AN_NONE (time mode only) */
	double *fself;         /* per function */
	double *ftotal;        /* per function */
	uint32_t *order;       /* listed functions */
	uint32_t norder;
};

static uint32_t lower_bound(const int64_t *ts, uint32_t n, int64_t t)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ts[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static double duration(const an_profile *p, uint32_t i)
{
	if (i + 1 < p->sample_count)
		return (double)(p->sample_ts[i + 1] - p->sample_ts[i]);
	return p->last_duration;
}

static void time_weights(an_cpu *c)
{
	const an_profile *p = c->p;
	uint32_t i, prev = p->root;

	for (i = c->i0; i < c->i1; i++) {
		uint32_t node = p->sample_fixed[i];
		double d = duration(p, i);
		c->self[node] += d;
		c->total_us += d;
		if (node == p->gc && p->gc != AN_NONE) {
			/* drawn on top of the previous non-GC sample */
			c->gc_on[prev] += d;
			c->gc_parent[i - c->i0] = prev;
		} else {
			c->gc_parent[i - c->i0] = AN_NONE;
			prev = node;
		}
	}
}

static void hit_weights(an_cpu *c)
{
	const an_profile *p = c->p;
	uint32_t i;

	c->hit_us = p->total_hits ?
			    (double)(p->end_time - p->start_time) /
				    (double)p->total_hits :
			    0;
	if (!c->windowed) {
		for (i = 0; i < p->node_count; i++)
			c->self[i] = (double)p->hits[i] * c->hit_us;
		c->total_us = (double)(p->end_time - p->start_time);
		return;
	}
	for (i = c->i0; i < c->i1; i++) {
		c->self[p->sample_node[i]] += c->hit_us;
		c->total_us += c->hit_us;
	}
}

static int cmp_fn(uint32_t a, uint32_t b, const void *ctx)
{
	const an_cpu *c = ctx;
	const an_function *fa = &c->p->funcs[a], *fb = &c->p->funcs[b];
	size_t n;
	int r;

	if (c->fself[a] != c->fself[b])
		return c->fself[a] > c->fself[b] ? -1 : 1;
	if (c->ftotal[a] != c->ftotal[b])
		return c->ftotal[a] > c->ftotal[b] ? -1 : 1;
	n = fa->name.len < fb->name.len ? fa->name.len : fb->name.len;
	r = memcmp(fa->name.ptr, fb->name.ptr, n);
	if (r)
		return r;
	if (fa->name.len != fb->name.len)
		return fa->name.len < fb->name.len ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Node totals bottom-up, then function totals over outermost nodes. */
static int aggregate(an_cpu *c, an_error *err)
{
	const an_profile *p = c->p;
	uint32_t n = p->node_count, i, *onstack = NULL, *stack = NULL;
	uint32_t *tmp = NULL, sp = 0;
	int rc = AN_OK;

	for (i = n; i-- > 0;) {
		uint32_t v = p->bfs[i];
		c->total[v] += c->self[v] + c->gc_on[v];
		if (p->parent[v] != AN_NONE)
			c->total[p->parent[v]] += c->total[v];
	}
	/* the root's total is the profile's: GC time is both under the GC
	 * node and on top of other stacks, so sum of selfs, not children */
	c->total[p->root] = c->total_us;
	for (i = 0; i < n; i++)
		c->fself[p->func[i]] += c->self[i];
	/* iterative DFS; stack entries are node*2 (+1 when leaving) */
	onstack = an__calloc(p->func_count, sizeof(*onstack));
	stack = an__calloc((size_t)n * 2 + 2, sizeof(*stack));
	if (!onstack || !stack)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack[sp++] = p->root * 2;
	while (sp) {
		uint32_t e = stack[--sp], v = e / 2, f = p->func[v], k;
		if (e & 1) {
			onstack[f]--;
			continue;
		}
		if (v != p->root && !onstack[f])
			c->ftotal[f] += c->total[v];
		onstack[f]++;
		stack[sp++] = v * 2 + 1;
		for (k = p->kid_off[v + 1]; k > p->kid_off[v]; k--)
			stack[sp++] = p->kids[k - 1] * 2;
	}
	/* listing order */
	c->order = an__calloc(p->func_count, sizeof(*c->order));
	tmp = an__calloc(p->func_count, sizeof(*tmp));
	if (!c->order || !tmp)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < p->func_count; i++)
		if (p->funcs[i].kind != AN_FRAME_ROOT &&
		    (c->fself[i] > 0 || c->ftotal[i] > 0))
			c->order[c->norder++] = i;
	an__sort_keys(c->order, tmp, c->norder, cmp_fn, c);
done:
	free(onstack);
	free(stack);
	free(tmp);
	return rc;
}

int an_cpu_analyze(an_cpu **out, const an_profile *p, const an_cpu_opts *opts,
		   an_error *err)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_cpu *c = NULL;
	uint32_t n = p->node_count, ns;
	int rc = AN_OK;

	*out = NULL;
	if (opts)
		o = *opts;
	if (o.version != AN_CPU_OPTS_VERSION ||
	    (o.weights != AN_WEIGHTS_TIME && o.weights != AN_WEIGHTS_HITS))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"invalid analysis options");
	if (o.from_us != AN_CPU_UNBOUNDED && o.to_us != AN_CPU_UNBOUNDED &&
	    o.to_us <= o.from_us)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"empty time window: --to must be after "
				"--from");
	c = calloc(1, sizeof(*c));
	if (!c)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	c->p = p;
	c->weights = o.weights;
	c->windowed = o.from_us != AN_CPU_UNBOUNDED ||
		      o.to_us != AN_CPU_UNBOUNDED;
	ns = p->sample_count;
	c->i0 = o.from_us == AN_CPU_UNBOUNDED ?
			0 :
			lower_bound(p->sample_ts, ns,
				    p->start_time + o.from_us);
	c->i1 = o.to_us == AN_CPU_UNBOUNDED ?
			ns :
			lower_bound(p->sample_ts, ns, p->start_time + o.to_us);
	if (c->i1 < c->i0)
		c->i1 = c->i0;
	c->samples = c->i1 - c->i0;
	c->self = an__calloc(n, sizeof(double));
	c->total = an__calloc(n, sizeof(double));
	c->gc_on = an__calloc(n, sizeof(double));
	c->gc_parent = an__calloc(c->samples, sizeof(uint32_t));
	c->fself = an__calloc(p->func_count, sizeof(double));
	c->ftotal = an__calloc(p->func_count, sizeof(double));
	if (!c->self || !c->total || !c->gc_on || !c->gc_parent || !c->fself ||
	    !c->ftotal)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (o.weights == AN_WEIGHTS_TIME)
		time_weights(c);
	else
		hit_weights(c);
	AN_TRY(aggregate(c, err));
	*out = c;
	c = NULL;
done:
	an_cpu_free(c);
	return rc;
}

void an_cpu_free(an_cpu *c)
{
	if (!c)
		return;
	free(c->self);
	free(c->total);
	free(c->gc_on);
	free(c->gc_parent);
	free(c->fself);
	free(c->ftotal);
	free(c->order);
	free(c);
}

const an_profile *an_cpu_profile(const an_cpu *c) { return c->p; }
an_weights an_cpu_weights(const an_cpu *c) { return c->weights; }
double an_cpu_total_us(const an_cpu *c) { return c->total_us; }
uint32_t an_cpu_sample_count(const an_cpu *c) { return c->samples; }
double an_cpu_hit_us(const an_cpu *c) { return c->hit_us; }

double an_cpu_node_self_us(const an_cpu *c, uint32_t node)
{
	return c->self[node];
}

double an_cpu_node_total_us(const an_cpu *c, uint32_t node)
{
	return c->total[node];
}

double an_cpu_function_self_us(const an_cpu *c, uint32_t fn)
{
	return c->fself[fn];
}

double an_cpu_function_total_us(const an_cpu *c, uint32_t fn)
{
	return c->ftotal[fn];
}

uint32_t an_cpu_functions(const an_cpu *c, const uint32_t **order)
{
	*order = c->order;
	return c->norder;
}

uint32_t an_cpu_select(const an_cpu *c, const an_filter *f, uint8_t *mask)
{
	uint32_t i, k = 0;

	for (i = 0; i < c->p->func_count; i++) {
		const an_function *fn = &c->p->funcs[i];
		an_str fields[2];
		fields[0] = fn->name;
		fields[1] = fn->url;
		mask[i] = fn->kind != AN_FRAME_ROOT &&
			  an_filter_matches(f, fields, 2);
		k += mask[i];
	}
	return k;
}

/* ---- hot lines ------------------------------------------------------ */

struct an_cpu_lines {
	an_cpu_line *v;
	uint32_t n;
	size_t cap;
};

typedef struct line_map {
	uint32_t *slots; /* index + 1 into lines->v */
	size_t cap;
} line_map;

static int add_line(an_cpu_lines *l, line_map *m, an_str url, uint32_t line,
		    uint64_t ticks, uint32_t fn)
{
	uint64_t h = (uint64_t)(uintptr_t)url.ptr * 0x9e3779b97f4a7c15ull ^
		     (uint64_t)line * 0xc2b2ae3d27d4eb4full;
	size_t j;

	if ((size_t)(l->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 256, i;
		uint32_t *ns = an__calloc(ncap, sizeof(*ns));
		if (!ns)
			return AN_ENOMEM;
		for (i = 0; i < l->n; i++) {
			const an_cpu_line *e = &l->v[i];
			uint64_t g = (uint64_t)(uintptr_t)e->url.ptr *
					     0x9e3779b97f4a7c15ull ^
				     (uint64_t)e->line * 0xc2b2ae3d27d4eb4full;
			size_t k = (g >> 20) & (ncap - 1);
			while (ns[k])
				k = (k + 1) & (ncap - 1);
			ns[k] = (uint32_t)i + 1;
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	j = (h >> 20) & (m->cap - 1);
	while (m->slots[j]) {
		an_cpu_line *e = &l->v[m->slots[j] - 1];
		if (e->url.ptr == url.ptr && e->line == line) {
			e->ticks += ticks;
			return AN_OK;
		}
		j = (j + 1) & (m->cap - 1);
	}
	if (an__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return AN_ENOMEM;
	l->v[l->n].url = url;
	l->v[l->n].line = line;
	l->v[l->n].ticks = ticks;
	l->v[l->n].self_us = 0;
	l->v[l->n].function = fn;
	m->slots[j] = ++l->n;
	return AN_OK;
}

static int cmp_line(const void *x, const void *y)
{
	const an_cpu_line *a = x, *b = y;
	int r;

	if (a->ticks != b->ticks)
		return a->ticks > b->ticks ? -1 : 1;
	r = an__str_cmp(a->url, b->url);
	if (r)
		return r;
	return a->line < b->line ? -1 : a->line > b->line;
}

int an_cpu_hot_lines(an_cpu_lines **out, const an_cpu *c, an_error *err)
{
	const an_profile *p = c->p;
	an_cpu_lines *l;
	line_map m = {NULL, 0};
	uint32_t i, k;
	double per_hit;
	int rc = AN_OK;

	*out = NULL;
	if (c->windowed && !p->sample_line)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"positionTicks carry no timestamps: hot "
				"lines of a .cpuprofile cannot be limited "
				"to a time window");
	l = calloc(1, sizeof(*l));
	if (!l)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (c->windowed) {
		for (i = c->i0; i < c->i1; i++) {
			uint32_t v = p->sample_node[i];
			const an_function *f = &p->funcs[p->func[v]];
			if (!f->url.len || p->sample_line[i] <= 0)
				continue;
			if (add_line(l, &m, f->url,
				     (uint32_t)p->sample_line[i], 1,
				     p->func[v]) < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
		}
	} else {
		for (i = 0; i < p->node_count; i++) {
			const an_function *f = &p->funcs[p->func[i]];
			if (!f->url.len)
				continue;
			for (k = p->tick_off[i]; k < p->tick_off[i + 1]; k++)
				if (add_line(l, &m, f->url, p->ticks[k].line,
					     p->ticks[k].ticks,
					     p->func[i]) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
		}
	}
	/* weighted like hits: in time mode the profile's sampled span
	 * (first sample .. last + mean interval) over all hits, as DevTools'
	 * line-level profile does */
	if (c->weights == AN_WEIGHTS_HITS) {
		per_hit = c->hit_us;
	} else {
		double span = p->sample_count ?
				      (double)(p->sample_ts[p->sample_count -
							    1] -
					       p->sample_ts[0]) +
					      p->last_duration :
				      0;
		per_hit = p->total_hits ? span / (double)p->total_hits : 0;
	}
	for (i = 0; i < l->n; i++)
		l->v[i].self_us = (double)l->v[i].ticks * per_hit;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_line);
	*out = l;
	l = NULL;
done:
	free(m.slots);
	an_cpu_lines_free(l);
	return rc;
}

uint32_t an_cpu_lines_count(const an_cpu_lines *l) { return l->n; }

const an_cpu_line *an_cpu_lines_get(const an_cpu_lines *l, uint32_t i)
{
	return &l->v[i];
}

void an_cpu_lines_free(an_cpu_lines *l)
{
	if (!l)
		return;
	free(l->v);
	free(l);
}

/* ---- merged trees ---------------------------------------------------- */

struct an_cpu_tree {
	an_cpu_tree_node *v;
	uint32_t n;
	size_t cap;
	uint32_t *slots;     /* (parent, function) -> index + 1 */
	size_t slot_cap;
};

static uint64_t pair_hash(uint32_t parent, uint32_t fn)
{
	uint64_t x = ((uint64_t)parent << 32 | fn) * 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

static int tree_rehash(an_cpu_tree *t)
{
	size_t ncap = t->slot_cap ? t->slot_cap * 2 : 1024, i;
	uint32_t *ns = an__calloc(ncap, sizeof(*ns));

	if (!ns)
		return AN_ENOMEM;
	for (i = 1; i < t->n; i++) {
		size_t j = pair_hash(t->v[i].parent, t->v[i].function) &
			   (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = ns;
	t->slot_cap = ncap;
	return AN_OK;
}

/* Child of `parent` for function `fn`, created when missing. */
static int tree_child(an_cpu_tree *t, uint32_t parent, uint32_t fn,
		      uint32_t *out)
{
	size_t j;

	if ((size_t)(t->n + 1) * 2 > t->slot_cap && tree_rehash(t) < 0)
		return AN_ENOMEM;
	j = pair_hash(parent, fn) & (t->slot_cap - 1);
	while (t->slots[j]) {
		const an_cpu_tree_node *e = &t->v[t->slots[j] - 1];
		if (e->parent == parent && e->function == fn) {
			*out = t->slots[j] - 1;
			return AN_OK;
		}
		j = (j + 1) & (t->slot_cap - 1);
	}
	if (t->n == UINT32_MAX - 1 ||
	    an__grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0)
		return AN_ENOMEM;
	memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
	t->v[t->n].function = fn;
	t->v[t->n].parent = parent;
	t->v[t->n].first_child = AN_NONE;
	t->v[t->n].next_sibling = AN_NONE;
	t->slots[j] = t->n + 1;
	*out = t->n++;
	return AN_OK;
}

static int tree_new(an_cpu_tree **out)
{
	an_cpu_tree *t = calloc(1, sizeof(*t));

	*out = t;
	if (!t || an__grow((void **)&t->v, &t->cap, 1, sizeof(*t->v)) < 0)
		return AN_ENOMEM;
	memset(&t->v[0], 0, sizeof(t->v[0]));
	t->v[0].function = AN_NONE;
	t->v[0].parent = AN_NONE;
	t->v[0].first_child = AN_NONE;
	t->v[0].next_sibling = AN_NONE;
	t->n = 1;
	return tree_rehash(t);
}

static int cmp_tree(uint32_t x, uint32_t y, const void *ctx)
{
	const an_cpu_tree *t = ctx;
	const an_cpu_tree_node *a = &t->v[x], *b = &t->v[y];

	if (a->total_us != b->total_us)
		return a->total_us > b->total_us ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Links children lists, each sorted by total desc. */
static int tree_link(an_cpu_tree *t)
{
	uint32_t *idx = an__calloc(t->n, sizeof(*idx)), i;
	uint32_t *tmp = an__calloc(t->n, sizeof(*tmp));

	if (!idx || !tmp) {
		free(idx);
		free(tmp);
		return AN_ENOMEM;
	}
	for (i = 0; i < t->n; i++)
		idx[i] = i;
	an__sort_keys(idx + 1, tmp, t->n - 1, cmp_tree, t);
	free(tmp);
	for (i = t->n; i-- > 1;) {
		an_cpu_tree_node *e = &t->v[idx[i]];
		e->next_sibling = t->v[e->parent].first_child;
		t->v[e->parent].first_child = idx[i];
	}
	free(idx);
	free(t->slots);
	t->slots = NULL;
	t->slot_cap = 0;
	return AN_OK;
}

/* 1 when node v has an ancestor whose function is selected. */
static int has_selected_ancestor(const an_profile *p, const uint8_t *mask,
				 uint32_t v)
{
	for (v = p->parent[v]; v != AN_NONE; v = p->parent[v])
		if (mask[p->func[v]])
			return 1;
	return 0;
}

int an_cpu_callees(an_cpu_tree **out, const an_cpu *c, const uint8_t *mask,
		   an_error *err)
{
	const an_profile *p = c->p;
	an_cpu_tree *t = NULL;
	uint32_t *stack = NULL, *at = NULL, i, sp;
	int rc = AN_OK;

	*out = NULL;
	if (tree_new(&t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack = an__calloc(p->node_count, sizeof(*stack));
	at = an__calloc(p->node_count, sizeof(*at));
	if (!stack || !at)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < p->node_count; i++) {
		uint32_t v = p->bfs[i];
		if (!mask[p->func[v]] || has_selected_ancestor(p, mask, v))
			continue;
		t->v[0].self_us += c->self[v];
		t->v[0].total_us += c->total[v];
		/* walk v's subtree; at[node] = tree index it merges into */
		at[v] = 0;
		sp = 0;
		stack[sp++] = v;
		while (sp) {
			uint32_t u = stack[--sp], k;
			for (k = p->kid_off[u]; k < p->kid_off[u + 1]; k++) {
				uint32_t w = p->kids[k], ti;
				if (tree_child(t, at[u], p->func[w], &ti) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
				t->v[ti].self_us += c->self[w];
				t->v[ti].total_us += c->total[w];
				at[w] = ti;
				stack[sp++] = w;
			}
		}
	}
	if (tree_link(t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	*out = t;
	t = NULL;
done:
	free(stack);
	free(at);
	an_cpu_tree_free(t);
	return rc;
}

int an_cpu_callers(an_cpu_tree **out, const an_cpu *c, const uint8_t *mask,
		   an_error *err)
{
	const an_profile *p = c->p;
	an_cpu_tree *t = NULL;
	uint32_t i;
	int rc = AN_OK;

	*out = NULL;
	if (tree_new(&t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < p->node_count; i++) {
		uint32_t u, at = 0;
		int outer;
		double s = c->self[i], tot;
		if (!mask[p->func[i]])
			continue;
		outer = !has_selected_ancestor(p, mask, i);
		tot = outer ? c->total[i] : 0;
		if (s == 0 && tot == 0)
			continue;
		t->v[0].self_us += s;
		t->v[0].total_us += tot;
		for (u = p->parent[i]; u != AN_NONE && u != p->root;
		     u = p->parent[u]) {
			if (tree_child(t, at, p->func[u], &at) < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			t->v[at].self_us += s;
			t->v[at].total_us += tot;
		}
	}
	if (tree_link(t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	*out = t;
	t = NULL;
done:
	an_cpu_tree_free(t);
	return rc;
}

uint32_t an_cpu_tree_count(const an_cpu_tree *t) { return t->n; }

const an_cpu_tree_node *an_cpu_tree_get(const an_cpu_tree *t, uint32_t i)
{
	return &t->v[i];
}

void an_cpu_tree_free(an_cpu_tree *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->slots);
	free(t);
}

/* ---- folded stacks -------------------------------------------------- */

size_t an_cpu_frame_label(const an_profile *p, uint32_t fn, char *buf,
			  size_t cap)
{
	const an_function *f = &p->funcs[fn];
	char tail[64];
	size_t n = 0, i, tl = 0;
	const char *name = f->name.len ? f->name.ptr : "(anonymous)";
	size_t nlen = f->name.len ? f->name.len : 11;

	if (f->url.len)
		tl = (size_t)snprintf(tail, sizeof(tail), ":%ld:%ld",
				      (long)f->line + 1, (long)f->column + 1);
#define PUT(ch)                                                               \
	do {                                                                  \
		char c_ = (ch);                                               \
		if (c_ == ';')                                                \
			c_ = ':';                                             \
		else if ((unsigned char)c_ < 0x20 || c_ == 0x7f)              \
			c_ = ' ';                                             \
		if (n + 1 < cap)                                              \
			buf[n] = c_;                                          \
		n++;                                                          \
	} while (0)
	for (i = 0; i < nlen; i++)
		PUT(name[i]);
	if (f->url.len) {
		PUT(' ');
		for (i = 0; i < f->url.len; i++)
			PUT(f->url.ptr[i]);
		for (i = 0; i < tl; i++)
			PUT(tail[i]);
	}
#undef PUT
	if (cap)
		buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

typedef struct fold_item {
	uint32_t node;       /* stack top node */
	uint32_t gc_parent;  /* node under a GC frame, or AN_NONE */
	double weight;
	uint32_t str_off;    /* stack string in the fold buffer */
	uint32_t str_len;
} fold_item;

typedef struct fold_ctx {
	char *buf;           /* all stack strings */
	size_t len, cap;
} fold_ctx;

typedef struct fold_sort {
	const fold_item *items;
	const fold_ctx *fc;
} fold_sort;

static int cmp_fold(uint32_t x, uint32_t y, const void *ctx)
{
	const fold_sort *s = ctx;
	const fold_item *a = &s->items[x], *b = &s->items[y];
	an_str sa = {s->fc->buf + a->str_off, a->str_len};
	an_str sb = {s->fc->buf + b->str_off, b->str_len};

	return an__str_cmp(sa, sb);
}

/* Appends the label path root..v (excluding the root) to the buffer. */
static int append_path(const an_profile *p, fold_ctx *fc, uint32_t v,
		       uint32_t *path)
{
	uint32_t depth = 0, k;

	for (; v != AN_NONE && v != p->root; v = p->parent[v])
		path[depth++] = v;
	for (k = depth; k-- > 0;) {
		size_t need = an_cpu_frame_label(p, p->func[path[k]], NULL, 0);
		if (an__grow((void **)&fc->buf, &fc->cap, fc->len + need + 2,
			     1) < 0)
			return AN_ENOMEM;
		an_cpu_frame_label(p, p->func[path[k]], fc->buf + fc->len,
				   need + 1);
		fc->len += need;
		if (k)
			fc->buf[fc->len++] = ';';
	}
	return AN_OK;
}

static int frames_equal(const fold_ctx *fc, const fold_item *a,
			const fold_item *b)
{
	return a->str_len == b->str_len &&
	       memcmp(fc->buf + a->str_off, fc->buf + b->str_off,
		      a->str_len) == 0;
}

/* Kept when (no includes or a frame is included) and no frame is
 * excluded; `extra` is one more frame on top (GC), or AN_NONE. */
static int stack_passes(const an_profile *p, const an_filter *f, uint32_t v,
			uint32_t extra)
{
	int inc = !an_filter_has_includes(f);
	uint32_t u = extra != AN_NONE ? extra : v;

	if (an_filter_is_empty(f))
		return 1;
	while (u != AN_NONE) {
		const an_function *fn = &p->funcs[p->func[u]];
		an_str fields[2];
		fields[0] = fn->name;
		fields[1] = fn->url;
		if (u != p->root) {
			if (an_filter_excludes(f, fields, 2))
				return 0;
			if (!inc && an_filter_matches(f, fields, 2))
				inc = 1;
		}
		if (u == extra) {
			extra = AN_NONE;
			u = v;
		} else {
			u = p->parent[u];
		}
	}
	return inc;
}

int an_cpu_folded(const an_cpu *c, const an_filter *f, an_cpu_folded_cb cb,
		  void *payload, an_error *err)
{
	const an_profile *p = c->p;
	fold_item *items = NULL;
	size_t n = 0, cap = 0, i;
	uint32_t *path = NULL, v;
	fold_ctx fc = {NULL, 0, 0};
	fold_sort fs;
	uint32_t *ord = NULL, *tmp = NULL;
	double *gcw = NULL;
	int rc = AN_OK;

	path = an__calloc((size_t)p->max_depth + 2, sizeof(*path));
	gcw = an__calloc(p->node_count, sizeof(*gcw));
	if (!path || !gcw)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* time mode: GC weight goes on top of its parent's stack */
	if (c->weights == AN_WEIGHTS_TIME && p->gc != AN_NONE)
		for (i = c->i0; i < c->i1; i++)
			if (c->gc_parent[i - c->i0] != AN_NONE)
				gcw[c->gc_parent[i - c->i0]] +=
					duration(p, (uint32_t)i);
	for (v = 0; v < p->node_count; v++) {
		int pass;
		double w = c->self[v];
		if (c->weights == AN_WEIGHTS_TIME && v == p->gc)
			w = 0; /* all of it is in gcw */
		for (pass = 0; pass < 2; pass++) {
			fold_item *it;
			double wt = pass ? gcw[v] : w;
			if (wt <= 0)
				continue;
			if (!stack_passes(p, f, v, pass ? p->gc : AN_NONE))
				continue;
			if (an__grow((void **)&items, &cap, n + 1,
				     sizeof(*items)) < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			it = &items[n++];
			it->node = v;
			it->gc_parent = pass ? v : AN_NONE;
			it->weight = wt;
			it->str_off = (uint32_t)fc.len;
			if (v == p->root) {
				static const char rl[] = "(root)";
				if (an__grow((void **)&fc.buf, &fc.cap,
					     fc.len + sizeof(rl), 1) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
				memcpy(fc.buf + fc.len, rl, sizeof(rl) - 1);
				fc.len += sizeof(rl) - 1;
			} else if (append_path(p, &fc, v, path) < 0) {
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			}
			if (pass) {
				static const char g[] = ";(garbage collector)";
				if (an__grow((void **)&fc.buf, &fc.cap,
					     fc.len + sizeof(g), 1) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
				if (v == p->root) {
					memcpy(fc.buf + it->str_off, g + 1,
					       sizeof(g) - 2);
					fc.len = it->str_off + sizeof(g) - 2;
				} else {
					memcpy(fc.buf + fc.len, g,
					       sizeof(g) - 1);
					fc.len += sizeof(g) - 1;
				}
			}
			if (fc.len - it->str_off > UINT32_MAX ||
			    fc.len > UINT32_MAX)
				AN_FAIL(err, AN_ELIMIT, AN_NO_OFFSET,
					"folded stacks too large");
			it->str_len = (uint32_t)(fc.len - it->str_off);
		}
	}
	if (n > UINT32_MAX)
		AN_FAIL(err, AN_ELIMIT, AN_NO_OFFSET, "too many stacks");
	ord = an__calloc(n, sizeof(*ord));
	tmp = an__calloc(n, sizeof(*tmp));
	if (!ord || !tmp)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < n; i++)
		ord[i] = (uint32_t)i;
	fs.items = items;
	fs.fc = &fc;
	an__sort_keys(ord, tmp, n, cmp_fold, &fs);
	for (i = 0; i < n;) {
		size_t j = i + 1;
		const fold_item *first = &items[ord[i]];
		double w = first->weight;
		while (j < n && frames_equal(&fc, first, &items[ord[j]])) {
			w += items[ord[j]].weight;
			j++;
		}
		if (cb(fc.buf + first->str_off, first->str_len,
		       (uint64_t)llround(w), payload)) {
			rc = AN_ECANCELED;
			goto done;
		}
		i = j;
	}
done:
	free(ord);
	free(tmp);
	free(items);
	free(path);
	free(gcw);
	free(fc.buf);
	return rc;
}

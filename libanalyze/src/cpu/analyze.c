/*
 * analyze.c - CPU profile analysis on the profile model: per-node and
 * per-function self/total in both weighting modes, the sample window
 * and function selection (see cpu.h for the semantics).
 */
#include <math.h>
#include <stdio.h>

#include "cpu/cpu_int.h"

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

static void time_weights(an_cpu *c)
{
	const an_profile *p = c->p;
	uint32_t i, prev = p->root;

	for (i = c->i0; i < c->i1; i++) {
		uint32_t node = p->sample_fixed[i];
		double d = an__cpu_duration(p, i);
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

/* A heap profile: a node's self is its selfSize in bytes. */
static void byte_weights(an_cpu *c)
{
	const an_profile *p = c->p;
	uint32_t i;

	c->hit_us = 1;
	for (i = 0; i < p->node_count; i++)
		c->self[i] = (double)p->hits[i];
	c->total_us = (double)p->total_hits;
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
	uint32_t *tmp = NULL;
	uint8_t *leave = NULL;
	size_t sp = 0;
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
	/* iterative DFS; leave[k] marks entry k as leaving its node (not
	 * node * 2 + 1, which overflows from 2^31 nodes) */
	onstack = an__calloc(p->func_count, sizeof(*onstack));
	stack = an__calloc((size_t)n * 2 + 2, sizeof(*stack));
	leave = an__calloc((size_t)n * 2 + 2, 1);
	if (!onstack || !stack || !leave)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack[sp] = p->root;
	leave[sp++] = 0;
	while (sp) {
		uint32_t v = stack[--sp], f = p->func[v];
		size_t k;
		if (leave[sp]) {
			onstack[f]--;
			continue;
		}
		if (v != p->root && !onstack[f])
			c->ftotal[f] += c->total[v];
		onstack[f]++;
		stack[sp] = v;
		leave[sp++] = 1;
		for (k = p->kid_off[v + 1]; k > p->kid_off[v]; k--) {
			stack[sp] = p->kids[k - 1];
			leave[sp++] = 0;
		}
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
	free(leave);
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
	if (p->kind == AN_KIND_HEAPPROFILE) {
		/* bytes, whatever was asked; no timeline to window */
		if (o.from_us != AN_CPU_UNBOUNDED ||
		    o.to_us != AN_CPU_UNBOUNDED)
			return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
					"a heap profile has no timeline: "
					"--from/--to do not apply");
		o.weights = AN_WEIGHTS_BYTES;
	}
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
	else if (o.weights == AN_WEIGHTS_BYTES)
		byte_weights(c);
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

uint32_t an_cpu_select(uint8_t *mask, const an_cpu *c, const an_filter *f)
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

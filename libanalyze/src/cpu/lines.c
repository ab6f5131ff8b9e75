/*
 * lines.c - hot source lines summed per (url, line): a .cpuprofile's
 * position ticks weighted like hits, a trace's per-sample lines weighted
 * by sample durations (DevTools' line-level profile reads both so).
 */
#include "cpu/cpu_int.h"

struct an_cpu_lines {
	an_cpu_line *v;
	uint32_t n;
	size_t cap;
};

/* (url, line) -> entry: urls are interned, their pointers identify them */
static uint64_t line_hash(const char *url, uint32_t line)
{
	return an__ht_mix64((uint64_t)(uintptr_t)url ^
			    (uint64_t)line * 0xc2b2ae3d27d4eb4full);
}

static uint64_t line_item_hash(uint32_t i, const void *ctx)
{
	const an_cpu_line *e = &((const an_cpu_lines *)ctx)->v[i];

	return line_hash(e->url.ptr, e->line);
}

static int line_eq(uint32_t i, const void *key, const void *ctx)
{
	const an_cpu_line *e = &((const an_cpu_lines *)ctx)->v[i];
	const an_cpu_line *k = key;

	return e->url.ptr == k->url.ptr && e->line == k->line;
}

/* Adds ticks to (url, line); *at is its entry. */
static int add_line(an_cpu_lines *l, an_hashtab *m, an_str url,
		    uint32_t line, uint64_t ticks, uint32_t fn, uint32_t *at)
{
	an_cpu_line key;
	uint32_t i;
	int rc;

	key.url = url;
	key.line = line;
	key.ticks = ticks;
	key.self_us = 0;
	key.function = fn;
	if (an__grow((void **)&l->v, &l->cap, (size_t)l->n + 1,
		     sizeof(*l->v)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(m, line_hash(url.ptr, line), &key, l->n, &i);
	if (rc < 0)
		return rc;
	if (rc == 1)
		l->v[l->n++] = key;
	else
		l->v[i].ticks += ticks;
	*at = i;
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
	an_hashtab m;
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
	an__ht_init(&m, line_item_hash, line_eq, l);
	if (p->sample_line) {
		/* a trace's per-sample lines, as DevTools' line-level profile
		 * reads them: every sample but the first with a line, on the
		 * function it is in (lone (program) samples fixed), each
		 * weighing the time since the sample before it */
		for (i = c->i0 ? c->i0 : 1; i < c->i1; i++) {
			uint32_t v = p->sample_fixed[i], at;
			const an_function *f = &p->funcs[p->func[v]];
			if (!f->url.len || p->sample_line[i] <= 0)
				continue;
			at = l->n;
			rc = add_line(l, &m, f->url,
				      (uint32_t)p->sample_line[i], 1,
				      p->func[v], &at);
			if (rc < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			l->v[at].self_us +=
				c->weights == AN_WEIGHTS_HITS ?
					c->hit_us :
					(double)(p->sample_ts[i] -
						 p->sample_ts[i - 1]);
		}
	} else {
		for (i = 0; i < p->node_count; i++) {
			const an_function *f = &p->funcs[p->func[i]];
			uint32_t at;
			if (!f->url.len)
				continue;
			for (k = p->tick_off[i]; k < p->tick_off[i + 1]; k++)
				if (add_line(l, &m, f->url, p->ticks[k].line,
					     p->ticks[k].ticks,
					     p->func[i], &at) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
		}
		/* weighted like hits: in time mode the profile's sampled
		 * span (first sample .. last + mean interval) over all hits,
		 * as DevTools' line-level profile does */
		if (c->weights == AN_WEIGHTS_HITS) {
			per_hit = c->hit_us;
		} else {
			double span =
				p->sample_count ?
					(double)(p->sample_ts[p->sample_count -
							      1] -
						 p->sample_ts[0]) +
						p->last_duration :
					0;
			per_hit = p->total_hits ?
					  span / (double)p->total_hits :
					  0;
		}
		for (i = 0; i < l->n; i++)
			l->v[i].self_us = (double)l->v[i].ticks * per_hit;
	}
	rc = AN_OK;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_line);
	*out = l;
	l = NULL;
done:
	an__ht_free(&m);
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

/*
 * lines.c - hot source lines: position ticks (or timed sample lines in
 * a window) summed per (url, line) and weighted like hits.
 */
#include "cpu/cpu_int.h"

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

/*
 * traceprofs.c - which CPU profiles of a trace count, and what they are:
 * one per thread, chosen as DevTools' SamplesHandler chooses
 * (trace_int.h), described for an_trace_summary with the thread and
 * process names of the metadata events.
 */
#include "core/sort.h"
#include "cpu/trace_int.h"

uint64_t an__trace_key_hash(int64_t pid, int64_t id)
{
	return an__ht_mix64((uint64_t)pid ^ an__ht_mix64((uint64_t)id));
}

/* ---- (pid, tid) -> name ------------------------------------------------ */

typedef struct tkey {
	int64_t pid;
	int64_t tid;
} tkey;

static uint64_t tname_hash(uint32_t item, const void *ctx)
{
	const struct an_tname *e = &((const an_trace_names *)ctx)->v[item];

	return an__trace_key_hash(e->pid, e->tid);
}

static int tname_eq(uint32_t item, const void *key, const void *ctx)
{
	const struct an_tname *e = &((const an_trace_names *)ctx)->v[item];
	const tkey *k = key;

	return e->pid == k->pid && e->tid == k->tid;
}

void an__tnames_init(an_trace_names *t)
{
	memset(t, 0, sizeof(*t));
	an__ht_init(&t->ix, tname_hash, tname_eq, t);
}

void an__tnames_free(an_trace_names *t)
{
	free(t->v);
	an__ht_free(&t->ix);
	an__tnames_init(t);
}

int an__tnames_add(an_trace_names *t, int64_t pid, int64_t tid,
		   uint32_t name)
{
	tkey k = {pid, tid};
	uint32_t at;
	int rc;

	if (t->n >= UINT32_MAX - 1)
		return AN_ELIMIT;
	if (an__grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0)
		return AN_ENOMEM;
	t->v[t->n].pid = pid;
	t->v[t->n].tid = tid;
	t->v[t->n].name = AN_HT_NONE;
	rc = an__ht_add(&t->ix, an__trace_key_hash(pid, tid), &k,
			(uint32_t)t->n, &at);
	if (rc < 0)
		return rc;
	if (rc == 1)
		t->n++;
	if (name != AN_HT_NONE)
		t->v[at].name = name;
	return AN_OK;
}

uint32_t an__tnames_get(const an_trace_names *t, int64_t pid, int64_t tid)
{
	tkey k = {pid, tid};
	uint32_t i = an__ht_find(&t->ix, an__trace_key_hash(pid, tid), &k);

	return i == AN_HT_NONE ? AN_HT_NONE : t->v[i].name;
}

/* ---- one profile per thread -------------------------------------------- */

typedef struct group {
	int64_t pid;
	int64_t tid;
	uint32_t first;     /* first profile of the thread */
	uint32_t pid_rank;  /* first profile of the process */
	uint32_t internal;  /* first with source Internal, or AN_HT_NONE */
	uint32_t inspector; /* first with source Inspector */
	uint32_t modern;    /* first from Profile events */
	uint32_t legacy;    /* first legacy CpuProfile event */
} group;

typedef struct groups {
	group *v;
	size_t n, cap;
} groups;

static uint64_t group_hash(uint32_t item, const void *ctx)
{
	const group *g = &((const groups *)ctx)->v[item];

	return an__trace_key_hash(g->pid, g->tid);
}

static int group_eq(uint32_t item, const void *key, const void *ctx)
{
	const group *g = &((const groups *)ctx)->v[item];
	const tkey *k = key;

	return g->pid == k->pid && g->tid == k->tid;
}

static int cmp_group(uint32_t a, uint32_t b, const void *ctx)
{
	const group *v = ctx;

	if (v[a].pid_rank != v[b].pid_rank)
		return v[a].pid_rank < v[b].pid_rank ? -1 : 1;
	return v[a].first < v[b].first ? -1 : v[a].first > v[b].first;
}

static void note(uint32_t *slot, uint32_t i)
{
	if (*slot == AN_HT_NONE)
		*slot = i;
}

int an__trace_choose(uint32_t **out, uint32_t *n, uint32_t *ignored,
		     const an_trace_prof *profs, size_t nprofs)
{
	groups gs = {NULL, 0, 0};
	an_hashtab gix;
	an_trace_names pids; /* pid -> rank, kept in .name */
	uint32_t *ord = NULL, *tmp = NULL, *res = NULL, i, k = 0;
	int rc = AN_OK;

	*out = NULL;
	*n = 0;
	*ignored = (uint32_t)nprofs;
	an__ht_init(&gix, group_hash, group_eq, &gs);
	an__tnames_init(&pids);
	for (i = 0; i < nprofs; i++) {
		const an_trace_prof *tp = &profs[i];
		tkey key = {tp->pid, tp->tid};
		uint32_t g, rank;
		group *gp;
		if (an__tnames_get(&pids, tp->pid, 0) == AN_HT_NONE) {
			rc = an__tnames_add(&pids, tp->pid, 0, i);
			if (rc < 0)
				goto done;
		}
		if (!tp->has_tid)
			continue;
		rank = an__tnames_get(&pids, tp->pid, 0);
		rc = an__grow((void **)&gs.v, &gs.cap, gs.n + 1,
			      sizeof(*gs.v));
		if (rc < 0)
			goto done;
		gp = &gs.v[gs.n];
		gp->pid = tp->pid;
		gp->tid = tp->tid;
		gp->first = i;
		gp->pid_rank = rank;
		gp->internal = gp->inspector = AN_HT_NONE;
		gp->modern = gp->legacy = AN_HT_NONE;
		rc = an__ht_add(&gix, an__trace_key_hash(key.pid, key.tid), &key,
				(uint32_t)gs.n, &g);
		if (rc < 0)
			goto done;
		if (rc == 1)
			gs.n++;
		rc = AN_OK;
		gp = &gs.v[g];
		if (tp->legacy) {
			note(&gp->legacy, i);
			continue;
		}
		note(&gp->modern, i);
		if (tp->source == AN_SRC_INTERNAL)
			note(&gp->internal, i);
		else if (tp->source == AN_SRC_INSPECTOR)
			note(&gp->inspector, i);
	}
	ord = an__calloc(gs.n + 1, sizeof(*ord));
	tmp = an__calloc(gs.n + 1, sizeof(*tmp));
	res = an__calloc(gs.n + 1, sizeof(*res));
	if (!ord || !tmp || !res) {
		rc = AN_ENOMEM;
		goto done;
	}
	for (i = 0; i < gs.n; i++)
		ord[i] = i;
	an__sort_keys(ord, tmp, gs.n, cmp_group, gs.v);
	for (i = 0; i < gs.n; i++) {
		const group *g = &gs.v[ord[i]];
		uint32_t c = g->internal != AN_HT_NONE	? g->internal :
			     g->inspector != AN_HT_NONE ? g->inspector :
			     g->modern != AN_HT_NONE	? g->modern :
							  g->legacy;
		if (profs[c].b.node_n)
			res[k++] = c;
	}
	*out = res;
	res = NULL;
	*n = k;
	*ignored = (uint32_t)nprofs - k;
done:
	free(ord);
	free(tmp);
	free(res);
	free(gs.v);
	an__ht_free(&gix);
	an__tnames_free(&pids);
	return rc;
}

/* ---- description --------------------------------------------------------- */

/* The timeline total of a profile as an__profile_finish will compute it:
 * first sample to last, plus the mean interval (DevTools' last sample). */
static double span_of(const an_builder *b)
{
	size_t n = b->sample_n, i;
	int64_t lo = 0, hi = 0, t = b->start_time;
	int64_t end = b->have_end ? b->end_time : b->start_time;

	if (!n)
		return 0;
	if (b->have_deltas && b->delta_n == n) {
		for (i = 0; i < n; i++) {
			int64_t d = b->deltas[i];
			if ((d > 0 && t > INT64_MAX - d) ||
			    (d < 0 && t < INT64_MIN - d))
				return 0; /* the load reports it */
			t += d;
			if (!i || t < lo)
				lo = t;
			if (!i || t > hi)
				hi = t;
		}
		if (!b->have_end)
			end = t;
	} else {
		double step = (double)(end - b->start_time) / (double)n;
		lo = b->start_time;
		hi = b->start_time + (int64_t)(step * (double)(n - 1));
	}
	if (n == 1)
		return end > lo ? (double)(end - lo) : 0;
	return (double)(hi - lo) + (double)(hi - lo) / (double)(n - 1);
}

static const char *const source_names[] = {NULL, "Internal", "Inspector",
					   "SelfProfiling"};

/* Appends the string of strtab id `id` (AN_HT_NONE: none) to the
 * block at *at and returns its offset + 1 (0: none). */
static size_t put(char *blk, size_t *at, const an_strtab *strs, uint32_t id)
{
	an_str s;
	size_t off = *at;

	if (id == AN_HT_NONE)
		return 0;
	s = an__strtab_get(strs, id);
	if (blk) {
		memcpy(blk + off, s.ptr, s.len);
		blk[off + s.len] = '\0';
	}
	*at += (size_t)s.len + 1;
	return off + 1;
}

typedef struct soffs {
	size_t id, thread, process;
} soffs;

int an__trace_describe(an_trace_summary *s, const an_trace_prof *profs,
		       const uint32_t *chosen, uint32_t n,
		       const an_strtab *strs, const an_trace_names *threads,
		       const an_trace_names *procs)
{
	soffs *o = NULL;
	char *blk = NULL;
	size_t at = 0;
	uint32_t i, pass;

	s->dflt = s->loaded = AN_NONE;
	if (!n)
		return AN_OK;
	s->list = an__calloc(n, sizeof(*s->list));
	o = an__calloc(n, sizeof(*o));
	if (!s->list || !o) {
		free(o);
		return AN_ENOMEM;
	}
	/* first pass sizes the string block, the second fills it */
	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			blk = malloc(at ? at : 1);
			if (!blk) {
				free(o);
				return AN_ENOMEM;
			}
			at = 0;
		}
		for (i = 0; i < n; i++) {
			const an_trace_prof *tp = &profs[chosen[i]];
			o[i].id = put(blk, &at, strs, tp->id);
			o[i].thread = put(blk, &at, strs,
					  an__tnames_get(threads, tp->pid,
							 tp->tid));
			o[i].process = put(blk, &at, strs,
					   an__tnames_get(procs, tp->pid, 0));
		}
	}
	for (i = 0; i < n; i++) {
		const an_trace_prof *tp = &profs[chosen[i]];
		an_trace_profile *e = &s->list[i];
		e->pid = tp->pid;
		e->tid = tp->tid;
		e->id = o[i].id ? blk + o[i].id - 1 : "";
		e->thread_name = o[i].thread ? blk + o[i].thread - 1 : NULL;
		e->process_name = o[i].process ? blk + o[i].process - 1 : NULL;
		e->source = source_names[tp->source];
		e->samples = tp->b.sample_n;
		e->nodes = tp->b.node_n;
		e->duration_us = span_of(&tp->b);
		e->legacy = tp->legacy;
		if (s->dflt == AN_NONE || e->samples > s->list[s->dflt].samples)
			s->dflt = i;
	}
	s->count = n;
	s->strs_ = blk;
	free(o);
	return AN_OK;
}

void an_trace_summary_free(an_trace_summary *s)
{
	if (!s)
		return;
	free(s->list);
	free(s->strs_);
	s->list = NULL;
	s->strs_ = NULL;
	s->count = 0;
	s->dflt = s->loaded = AN_NONE;
}

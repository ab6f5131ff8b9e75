/*
 * cpudiff.c - comparison of two analysed CPU profiles per function
 * (an_cpu_diff): functions matched by name, url, line and column (not
 * scriptId, which changes between runs), self and total on both sides,
 * deltas in shares of each profile's total or in µs, ordered by the size
 * of the self-time change (see cpu.h).
 */
#include <math.h>

#include "core/hashtab.h"
#include "cpu/cpu_int.h"

struct an_cpu_diff {
	an_cpu_diff_row *rows;
	uint32_t n;
	int absolute;      /* the deltas are of times, not shares */
	/* set while matching: the function of each row on its first side */
	const an_cpu *side[2];
};

/* FNV-1a over the bytes, folded with the line and column */
static uint64_t key_hash(const an_function *f)
{
	uint64_t h = 1469598103934665603ull;
	uint32_t i;

	for (i = 0; i < f->name.len; i++)
		h = (h ^ (uint8_t)f->name.ptr[i]) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (i = 0; i < f->url.len; i++)
		h = (h ^ (uint8_t)f->url.ptr[i]) * 1099511628211ull;
	return an__ht_mix64(h ^ an__ht_mix64((uint64_t)(uint32_t)f->line << 32 |
					     (uint32_t)f->column));
}

static int str_eq(an_str a, an_str b)
{
	return a.len == b.len && (!a.len || !memcmp(a.ptr, b.ptr, a.len));
}

/* The function a row was made from (the base's when it has one). */
static const an_function *row_fn(const an_cpu_diff *d, uint32_t r)
{
	const an_cpu_diff_row *row = &d->rows[r];

	if (row->base_fn != AN_NONE)
		return an_profile_function(d->side[0]->p, row->base_fn);
	return an_profile_function(d->side[1]->p, row->target_fn);
}

static uint64_t row_hash(uint32_t r, const void *ctx)
{
	return key_hash(row_fn(ctx, r));
}

static int row_eq(uint32_t r, const void *key, const void *ctx)
{
	const an_function *a = row_fn(ctx, r), *b = key;

	return a->line == b->line && a->column == b->column &&
	       str_eq(a->name, b->name) && str_eq(a->url, b->url);
}

/* The delta and ratio of one measure: shares of each side's total in
 * percentage points, or µs. */
static void measure(double *delta, double *ratio, int *has_ratio,
		    double base, double target, double base_total,
		    double target_total, int absolute)
{
	if (!absolute) {
		base = base_total > 0 ? 100.0 * base / base_total : 0;
		target = target_total > 0 ? 100.0 * target / target_total : 0;
	}
	*delta = target - base;
	*has_ratio = base > 0;
	*ratio = base > 0 ? target / base : 0;
}

static int cmp_rows(uint32_t a, uint32_t b, const void *ctx)
{
	const an_cpu_diff *d = ctx;
	const an_cpu_diff_row *x = &d->rows[a], *y = &d->rows[b];
	const an_function *fa = row_fn(d, a), *fb = row_fn(d, b);
	double sa = fabs(x->self_delta), sb = fabs(y->self_delta);
	double ta = fabs(x->total_delta), tb = fabs(y->total_delta);
	int r;

	if (sa != sb)
		return sa > sb ? -1 : 1;
	if (ta != tb)
		return ta > tb ? -1 : 1;
	r = an__str_cmp(fa->name, fb->name);
	if (!r)
		r = an__str_cmp(fa->url, fb->url);
	if (!r && fa->line != fb->line)
		r = fa->line < fb->line ? -1 : 1;
	if (!r && fa->column != fb->column)
		r = fa->column < fb->column ? -1 : 1;
	return r;
}

/* Adds the listed functions of one side (0 base, 1 target) to d. */
static int add_side(an_cpu_diff *d, an_hashtab *t, int side, an_error *err)
{
	const an_cpu *c = d->side[side];
	const uint32_t *order;
	uint32_t n = an_cpu_functions(c, &order), i, r;
	int rc = AN_OK;

	for (i = 0; i < n; i++) {
		uint32_t fi = order[i];
		const an_function *f = an_profile_function(c->p, fi);
		an_cpu_diff_row *row;
		AN_TRY(an__ht_add(t, key_hash(f), f, d->n, &r));
		if (rc == 1) {
			rc = AN_OK;
			row = &d->rows[d->n++];
			memset(row, 0, sizeof(*row));
			row->base_fn = AN_NONE;
			row->target_fn = AN_NONE;
		} else {
			row = &d->rows[r];
		}
		if (side == 0) {
			row->base_fn = fi;
			row->base_self_us = c->fself[fi];
			row->base_total_us = c->ftotal[fi];
		} else {
			row->target_fn = fi;
			row->target_self_us = c->fself[fi];
			row->target_total_us = c->ftotal[fi];
		}
	}
done:
	if (rc == AN_ENOMEM)
		an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	else if (rc < 0)
		an__fail(err, rc, AN_NO_OFFSET, "too many functions");
	return rc;
}

int an_cpu_diff_build(an_cpu_diff **out, const an_cpu *base,
		      const an_cpu *target, const an_cpu_diff_opts *o,
		      an_error *err)
{
	an_cpu_diff *d = NULL;
	an_hashtab t;
	uint32_t *order = NULL, *tmp = NULL, i;
	const uint32_t *unused;
	an_cpu_diff_row *sorted = NULL;
	size_t cap;
	int absolute = o ? o->absolute : 0;
	int rc = AN_OK;

	*out = NULL;
	an__ht_init(&t, row_hash, row_eq, NULL);
	if (o && o->version != AN_CPU_DIFF_OPTS_VERSION)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"unknown an_cpu_diff_opts version %u", o->version);
	if (!base || !target)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"an_cpu_diff_build needs two analyses");
	d = calloc(1, sizeof(*d));
	if (!d)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	d->side[0] = base;
	d->side[1] = target;
	d->absolute = absolute;
	t.ctx = d;
	cap = (size_t)an_cpu_functions(base, &unused) +
	      an_cpu_functions(target, &unused);
	d->rows = an__calloc(cap ? cap : 1, sizeof(*d->rows));
	if (!d->rows)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* never rehashed: hashing a row reads its name and url again */
	if (an__ht_reserve(&t, cap) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	AN_TRY(add_side(d, &t, 0, err));
	AN_TRY(add_side(d, &t, 1, err));
	for (i = 0; i < d->n; i++) {
		an_cpu_diff_row *r = &d->rows[i];
		int dummy;
		double unused_ratio;
		r->status = r->base_fn == AN_NONE ? AN_CPU_DIFF_NEW :
			    r->target_fn == AN_NONE ? AN_CPU_DIFF_GONE :
						      AN_CPU_DIFF_BOTH;
		measure(&r->self_delta, &r->self_ratio, &r->has_ratio,
			r->base_self_us, r->target_self_us, base->total_us,
			target->total_us, absolute);
		measure(&r->total_delta, &unused_ratio, &dummy,
			r->base_total_us, r->target_total_us, base->total_us,
			target->total_us, absolute);
	}
	order = an__calloc(d->n ? d->n : 1, sizeof(*order));
	tmp = an__calloc(d->n ? d->n : 1, sizeof(*tmp));
	sorted = an__calloc(d->n ? d->n : 1, sizeof(*sorted));
	if (!order || !tmp || !sorted)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < d->n; i++)
		order[i] = i;
	an__sort_keys(order, tmp, d->n, cmp_rows, d);
	for (i = 0; i < d->n; i++)
		sorted[i] = d->rows[order[i]];
	free(d->rows);
	d->rows = sorted;
	sorted = NULL;
	*out = d;
	d = NULL;
done:
	an__ht_free(&t);
	free(order);
	free(tmp);
	free(sorted);
	an_cpu_diff_free(d);
	return rc;
}

int an_cpu_diff_absolute(const an_cpu_diff *d)
{
	return d ? d->absolute : 0;
}

uint32_t an_cpu_diff_count(const an_cpu_diff *d)
{
	return d ? d->n : 0;
}

const an_cpu_diff_row *an_cpu_diff_get(const an_cpu_diff *d, uint32_t i)
{
	return d && i < d->n ? &d->rows[i] : NULL;
}

void an_cpu_diff_free(an_cpu_diff *d)
{
	if (!d)
		return;
	free(d->rows);
	free(d);
}

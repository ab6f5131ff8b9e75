/*
 * heapdiff_order.c - orders of a comparison's rows other than DevTools'
 * own: by another column (an_heap_diff_order, `heap diff --sort`), and
 * by growth, to pick the classes to explain (an_heap_diff_growth).
 */
#include "core/sort.h"
#include "heap/heapdiff_int.h"

typedef struct order_ctx {
	const an_heap_diff_row *rows;
	an_heap_diff_sort by;
} order_ctx;

static int64_t sort_key(const an_heap_diff_row *r, an_heap_diff_sort by)
{
	switch (by) {
	case AN_HEAP_DIFF_BY_DELTA: return r->size_delta;
	case AN_HEAP_DIFF_BY_FREED: return (int64_t)r->freed_size;
	case AN_HEAP_DIFF_BY_COUNT: return r->count_delta;
	default: return (int64_t)r->alloc_size;
	}
}

/* larger first; the stable sort keeps DevTools' place on ties */
static int cmp_key(uint32_t a, uint32_t b, const void *ctx)
{
	const order_ctx *c = ctx;
	int64_t x = sort_key(&c->rows[a], c->by);
	int64_t y = sort_key(&c->rows[b], c->by);

	return x > y ? -1 : x < y;
}

int an_heap_diff_order(uint32_t **order, const an_heap_diff *d,
		       an_heap_diff_sort by, an_error *err)
{
	const an_heap_diff_row *rows;
	uint32_t n = an_heap_diff_rows(d, &rows), i, *v, *tmp;
	order_ctx c = {rows, by};

	*order = NULL;
	if (by > AN_HEAP_DIFF_BY_COUNT)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown heap diff order %d", (int)by);
	v = an__calloc((size_t)n + 1, sizeof(*v));
	tmp = an__calloc((size_t)n + 1, sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	for (i = 0; i < n; i++)
		v[i] = i;
	if (by != AN_HEAP_DIFF_BY_ALLOC) /* that one is DevTools' order */
		an__sort_keys(v, tmp, n, cmp_key, &c);
	free(tmp);
	*order = v;
	return AN_OK;
}

typedef struct growth_ctx {
	const an_heap_diff_row *rows;
	const uint32_t *sel;
} growth_ctx;

/* size delta, then count delta, larger first; ties keep their place */
static int cmp_growth(uint32_t a, uint32_t b, const void *ctx)
{
	const growth_ctx *c = ctx;
	const an_heap_diff_row *x = &c->rows[c->sel[a]];
	const an_heap_diff_row *y = &c->rows[c->sel[b]];

	if (x->size_delta != y->size_delta)
		return x->size_delta > y->size_delta ? -1 : 1;
	if (x->count_delta != y->count_delta)
		return x->count_delta > y->count_delta ? -1 : 1;
	return 0;
}

int an_heap_diff_growth(uint32_t *out, uint32_t *count,
			const an_heap_diff *d, const uint32_t *sel,
			uint32_t n, an_error *err)
{
	const an_heap_diff_row *rows;
	uint32_t nrows = an_heap_diff_rows(d, &rows), i, k = 0, *tmp;
	growth_ctx c = {rows, sel};

	*count = 0;
	for (i = 0; i < n; i++) {
		const an_heap_diff_row *r;
		if (sel[i] >= nrows)
			return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
					"no row %u in the comparison", sel[i]);
		r = &rows[sel[i]];
		if (r->new_count && r->size_delta > 0)
			out[k++] = i;
	}
	tmp = an__calloc((size_t)k + 1, sizeof(*tmp));
	if (!tmp)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	an__sort_keys(out, tmp, k, cmp_growth, &c);
	free(tmp);
	*count = k;
	return AN_OK;
}

/*
 * heapdiff_explain.c - why a class grew between two snapshots: its new
 * objects grouped by their retainer path towards the GC roots (the chain
 * of DevTools' Retainers view: the first retainer at each step until
 * distance <= 1; retpath.c walks and groups), the largest group reported
 * with its count, retained size and one member's path.
 */
#include "heap/heapdiff_int.h"
#include "heap/retpath_int.h"

int an_heap_diff_explain(an_heap_diff_group *out, const an_heap_diff *d,
			 const an_heap *h, uint32_t row, uint32_t max_steps,
			 an_error *err)
{
	an__retwalk w;
	an__retgroups g;
	const an_heap_retainer *c;
	size_t k, best = 0;
	uint32_t cls, v, len;
	int rc = AN_OK;

	memset(out, 0, sizeof(*out));
	if (!d || !h || row >= d->nrows || h->node_count != d->node_count)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no diff row %u for this heap", row);
	cls = d->rows[row].target_class;
	if (cls == AN_NONE || !d->rows[row].new_count)
		return AN_OK;
	an__retwalk_init(&w, h);
	an__retgroups_init(&g, h);
	for (v = 0; v < h->node_count; v++) {
		if (h->d.cls[v] != cls || !an_heap_diff_is_new(d, v))
			continue;
		rc = an__retwalk_run(&c, &len, &w, v, max_steps, err);
		if (rc == AN_OK)
			rc = an__retgroups_add(&g, c, len, v, NULL);
		if (rc < 0)
			break;
		out->class_new++;
	}
	if (rc == AN_OK && g.n) {
		for (k = 1; k < g.n; k++)
			if (g.v[k].count > g.v[best].count ||
			    (g.v[k].count == g.v[best].count &&
			     g.v[k].retained > g.v[best].retained))
				best = k;
		out->count = g.v[best].count;
		out->retained_size = g.v[best].retained;
		out->groups = (uint32_t)g.n;
		out->representative = g.v[best].rep;
		out->len = g.v[best].len;
		out->chain = malloc(((size_t)out->len + 1) *
				    sizeof(*out->chain));
		if (!out->chain)
			rc = AN_ENOMEM;
		else if (out->len)
			memcpy(out->chain, g.steps + g.v[best].first,
			       out->len * sizeof(*out->chain));
	}
	an__retwalk_free(&w);
	an__retgroups_free(&g);
	if (rc < 0) {
		an_heap_diff_group_free(out);
		memset(out, 0, sizeof(*out));
		if (rc == AN_ENOMEM)
			return an__fail(err, rc, AN_NO_OFFSET,
					"out of memory");
		return rc;
	}
	return AN_OK;
}

void an_heap_diff_group_free(an_heap_diff_group *x)
{
	if (!x)
		return;
	free(x->chain);
	x->chain = NULL;
	x->len = 0;
}

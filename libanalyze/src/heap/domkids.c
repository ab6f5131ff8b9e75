/*
 * domkids.c - the dominated children of every node (a CSR), and their order
 * by retained size as the Dominators view lists them.
 */

#include <stdlib.h>

#include "heap/pipeline_int.h"

/* The CSR of dominated children, in node order for now. */
int an__heap_dominated_children(an_heap *h)
{
	uint32_t n = h->node_count, v, *first;

	first = h->d.dom_first = an__calloc((size_t)n + 1, sizeof(*first));
	h->d.dom_kids = an__calloc(n, sizeof(*h->d.dom_kids));
	if (!first || !h->d.dom_kids)
		return AN_ENOMEM;
	for (v = 0; v < n; v++)
		if (v != h->root)
			first[h->d.dom[v]]++;
	an__csr_starts(first, n);
	for (v = 0; v < n; v++)
		if (v != h->root)
			h->d.dom_kids[first[h->d.dom[v]]++] = v;
	an__csr_restore(first, n);
	return AN_OK;
}

typedef struct kid_key {
	uint64_t retained;
	uint32_t id;
} kid_key;

/* Larger retained size first, then node order. */
static int kid_before(const kid_key *x, const kid_key *y)
{
	if (x->retained != y->retained)
		return x->retained > y->retained;
	return x->id < y->id;
}

static int cmp_kid(const void *a, const void *b)
{
	const kid_key *x = a, *y = b;

	return kid_before(x, y) ? -1 : kid_before(y, x);
}

/* Each node's dominated children by retained size (the Dominators
 * view's order), in place. */
int an__heap_sort_dominated(an_heap *h)
{
	uint32_t v, i, cap = 0;
	kid_key *tmp = NULL;

	for (v = 0; v < h->node_count; v++) {
		uint32_t *k = h->d.dom_kids + h->d.dom_first[v];
		uint32_t m = h->d.dom_first[v + 1] - h->d.dom_first[v];
		if (m < 2)
			continue;
		if (m > cap) {
			kid_key *t = realloc(tmp, (size_t)m * sizeof(*t));
			if (!t)
				break;
			tmp = t;
			cap = m;
		}
		for (i = 0; i < m; i++) {
			tmp[i].retained = h->d.retained[k[i]];
			tmp[i].id = k[i];
		}
		if (m <= 16) {
			for (i = 1; i < m; i++) {
				kid_key x = tmp[i];
				uint32_t p = i;
				for (; p > 0 && kid_before(&x, &tmp[p - 1]); p--)
					tmp[p] = tmp[p - 1];
				tmp[p] = x;
			}
		} else {
			qsort(tmp, m, sizeof(*tmp), cmp_kid);
		}
		for (i = 0; i < m; i++)
			k[i] = tmp[i].id;
	}
	free(tmp);
	return v == h->node_count ? AN_OK : AN_ENOMEM;
}

/*
 * summary.c - DevTools' Summary aggregation (buildAggregates,
 * calculateClassesRetainedSize) and the classes' display order.
 */

#include <stdlib.h>

#include "heap/pipeline_int.h"

/* A class's sort key (no heap needed: two heaps may be analysed at
 * once). */
typedef struct class_key {
	uint64_t retained;
	an_str name;
	uint32_t id;
} class_key;

/* Retained size descending, then name, then class order. */
static int cmp_class(const void *a, const void *b)
{
	const class_key *x = a, *y = b;
	int r;

	if (x->retained != y->retained)
		return x->retained > y->retained ? -1 : 1;
	r = an__str_cmp(x->name, y->name);
	if (r)
		return r;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* buildAggregates + calculateClassesRetainedSize */
int an__heap_summary(an_heap *h)
{
	uint32_t n = h->node_count, v, c, sp = 0, *stack;
	uint8_t *seen;

	for (v = 0; v < n; v++) {
		an_heap_class *k = &h->d.classes[h->d.cls[v]];
		uint64_t self = an__size_get(&h->d.self, v);
		if (!self)
			continue;
		k->count++;
		k->self_size += self;
		if (h->d.dist[v] < k->distance)
			k->distance = h->d.dist[v];
	}
	/* topmost members on each dominator path: entries are node*2, +1
	 * when leaving a node that marked its class seen */
	stack = an__calloc((size_t)n * 2 + 2, sizeof(*stack));
	seen = an__calloc(h->d.nclasses, 1);
	if (!stack || !seen) {
		free(stack);
		free(seen);
		return AN_ENOMEM;
	}
	stack[sp++] = h->root * 2;
	while (sp) {
		uint32_t x = stack[--sp], k;
		v = x / 2;
		c = h->d.cls[v];
		if (x & 1) {
			seen[c] = 0;
			continue;
		}
		if (!seen[c] && an__size_get(&h->d.self, v)) {
			h->d.classes[c].retained_size += h->d.retained[v];
			if (h->d.dom_first[v + 1] != h->d.dom_first[v]) {
				seen[c] = 1;
				stack[sp++] = v * 2 + 1;
			}
		}
		for (k = h->d.dom_first[v + 1]; k > h->d.dom_first[v]; k--)
			stack[sp++] = h->d.dom_kids[k - 1] * 2;
	}
	free(stack);
	free(seen);
	h->d.class_order = an__calloc(h->d.nclasses, sizeof(*h->d.class_order));
	if (!h->d.class_order)
		return AN_ENOMEM;
	for (c = 0; c < h->d.nclasses; c++) {
		if (!h->d.classes[c].count)
			continue;
		h->d.class_order[h->d.nclass_order++] = c;
	}
	if (h->d.nclass_order > 1) {
		class_key *keys = an__calloc(h->d.nclass_order, sizeof(*keys));
		if (!keys)
			return AN_ENOMEM;
		for (c = 0; c < h->d.nclass_order; c++) {
			const an_heap_class *k = &h->d.classes[h->d.class_order[c]];
			keys[c].retained = k->retained_size;
			keys[c].name = k->name;
			keys[c].id = h->d.class_order[c];
		}
		qsort(keys, h->d.nclass_order, sizeof(*keys), cmp_class);
		for (c = 0; c < h->d.nclass_order; c++)
			h->d.class_order[c] = keys[c].id;
		free(keys);
	}
	return AN_OK;
}

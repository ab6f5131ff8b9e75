/*
 * heapflame.c - the dominator tree as a flame graph tree (an_heap_flame):
 * one frame per object, on top of its immediate dominator, as wide as
 * its retained size (its own shallow size plus what it dominates).
 * "What holds the memory", in one picture.
 */
#include "analyze/flame.h"
#include "core/sort.h"
#include "heap/heap_int.h"

static int cmp_class_name(uint32_t a, uint32_t b, const void *ctx)
{
	const an_heap *h = ctx;

	return an__str_cmp(h->d.classes[a].name, h->d.classes[b].name);
}

int an_heap_flame(an_flame **out, const an_heap *h, const an_flame_opts *o,
		  an_error *err)
{
	uint32_t n = h->node_count, v, m, *parent = NULL, *key = NULL;
	uint32_t *map = NULL, *rank = NULL, *crank = NULL, *order = NULL;
	uint32_t *tmp = NULL, i;
	double *self = NULL;
	an_flame_tree t;
	int rc = AN_OK;

	*out = NULL;
	if (!h->d.dom || !h->d.cls)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"the snapshot was not analysed (an_heap_load)");
	parent = an__calloc(n, sizeof(*parent));
	key = an__calloc(n, sizeof(*key));
	self = an__calloc(n, sizeof(*self));
	map = an__calloc(n, sizeof(*map));
	rank = an__calloc(n, sizeof(*rank));
	crank = an__calloc((size_t)h->d.nclasses + 1, sizeof(*crank));
	order = an__calloc((size_t)h->d.nclasses + 1, sizeof(*order));
	tmp = an__calloc((size_t)h->d.nclasses + 1, sizeof(*tmp));
	if (!parent || !key || !self || !map || !rank || !crank || !order ||
	    !tmp)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* by name: the class's place in name order, then the node */
	for (i = 0; i < h->d.nclasses; i++)
		order[i] = i;
	an__sort_keys(order, tmp, h->d.nclasses, cmp_class_name, h);
	for (i = 0; i < h->d.nclasses; i++)
		crank[order[i]] = i;
	/* the root is the layout's node 0; keys are heap nodes */
	map[h->root] = 0;
	m = 1;
	for (v = 0; v < n; v++)
		if (v != h->root)
			map[v] = m++;
	for (v = 0; v < n; v++) {
		uint32_t at = map[v];
		parent[at] = v == h->root ? AN_NONE : map[h->d.dom[v]];
		key[at] = v;
		self[at] = (double)an__size_get(&h->d.self, v);
		rank[v] = h->d.cls[v] < h->d.nclasses ?
				  crank[h->d.cls[v]] : h->d.nclasses;
	}
	t.n = n;
	t.parent = parent;
	t.key = key;
	t.self = self;
	t.nkeys = n;
	t.rank = rank;
	t.distinct = 1;
	rc = an_flame_layout(out, &t, o, err);
done:
	free(parent);
	free(key);
	free(self);
	free(map);
	free(rank);
	free(crank);
	free(order);
	free(tmp);
	return rc;
}

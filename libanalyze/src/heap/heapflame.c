/*
 * heapflame.c - the dominator tree as a flame graph layout
 * (an_heap_flame): one box per object, on top of its immediate
 * dominator, as wide as its retained size (its own shallow size plus
 * what it dominates). "What holds the memory", in one picture. The tree
 * comes laid out already (dominated children, retained sizes), so the
 * boxes are placed directly, visiting only the objects wide enough to
 * draw: no per-node arrays beyond the layout itself.
 */
#include "analyze/flame.h"
#include "core/sort.h"
#include "heap/heap_int.h"

/* One pending box: an object, or (node AN_NONE) the sliver for the
 * narrow objects dominated by the same parent. */
typedef struct hpend {
	uint32_t node;
	uint32_t parent;   /* its parent's box */
	uint32_t elided;   /* objects the sliver stands for */
	double x;
	double width;
} hpend;

typedef struct by_name {
	const an_heap *h;
} by_name;

/* siblings by class name, then by id */
static int cmp_name(uint32_t a, uint32_t b, const void *ctx)
{
	const an_heap *h = ((const by_name *)ctx)->h;
	int r = an__str_cmp(h->d.classes[h->d.cls[a]].name,
			    h->d.classes[h->d.cls[b]].name);

	if (r)
		return r;
	return h->nid[a] < h->nid[b] ? -1 : h->nid[a] > h->nid[b];
}

int an_heap_flame(an_flame **out, const an_heap *h, const an_flame_opts *o,
		  an_error *err)
{
	an_flame_opts def = AN_FLAME_OPTS_INIT;
	an_flame *fl = NULL;
	hpend *stack = NULL, *nst;
	uint32_t *vis = NULL, *tmp = NULL, me;
	size_t sp = 0, cap = 0, vcap = 0;
	by_name bn = {h};
	double min;
	int rc = AN_OK;

	*out = NULL;
	if (!o)
		o = &def;
	if (o->version != AN_FLAME_OPTS_VERSION || !(o->min_weight >= 0))
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET, "bad an_flame_opts");
	if (!h->d.dom || !h->d.cls || !h->d.retained || !h->d.dom_first)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"the snapshot was not analysed (an_heap_load)");
	min = o->min_weight;
	AN_TRY(an_flame_new(&fl, err));
	cap = 1024;
	stack = an__calloc(cap, sizeof(*stack));
	if (!stack)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack[sp].node = h->root;
	stack[sp].parent = AN_NONE;
	stack[sp].elided = 0;
	stack[sp].x = 0;
	stack[sp++].width = (double)h->d.retained[h->root];
	while (sp) {
		hpend p = stack[--sp];
		uint32_t first, end, k, nvis = 0, narrow = 0;
		double x, narrow_w = 0;
		if (p.node == AN_NONE) {
			AN_TRY(an_flame_add(fl, p.parent, AN_NONE, p.x, p.width,
					    0, p.elided, NULL, err));
			continue;
		}
		AN_TRY(an_flame_add(fl, p.parent, p.node, p.x, p.width,
				    (double)an__size_get(&h->d.self, p.node), 0,
				    &me, err));
		/* the dominated objects, largest retained size first: the
		 * wide ones are a prefix, the narrow ones the rest */
		first = h->d.dom_first[p.node];
		end = h->d.dom_first[p.node + 1];
		for (k = first; k < end; k++) {
			uint32_t c = h->d.dom_kids[k];
			double w = (double)h->d.retained[c];
			if (w <= 0)
				continue;
			if (w < min) {
				narrow++;
				narrow_w += w;
				continue;
			}
			if (an__grow((void **)&vis, &vcap, (size_t)nvis + 1,
				     sizeof(*vis)) < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			vis[nvis++] = c;
		}
		if (o->order == AN_FLAME_BY_NAME && nvis > 1) {
			free(tmp);
			tmp = an__calloc(nvis, sizeof(*tmp));
			if (!tmp)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			an__sort_keys(vis, tmp, nvis, cmp_name, &bn);
		}
		/* push right to left: the sliver (after the others), then
		 * the wide ones */
		if (sp + nvis + 1 > cap) {
			size_t ncap = (sp + nvis + 1) * 2;
			nst = an__reallocarray(stack, ncap, sizeof(*stack));
			if (!nst)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			stack = nst;
			cap = ncap;
		}
		x = p.x;
		for (k = 0; k < nvis; k++)
			x += (double)h->d.retained[vis[k]];
		if (narrow) {
			stack[sp].node = AN_NONE;
			stack[sp].parent = me;
			stack[sp].elided = narrow;
			stack[sp].x = x;
			stack[sp++].width = narrow_w;
		}
		for (k = nvis; k-- > 0;) {
			double w = (double)h->d.retained[vis[k]];
			x -= w;
			stack[sp].node = vis[k];
			stack[sp].parent = me;
			stack[sp].elided = 0;
			stack[sp].x = x;
			stack[sp++].width = w;
		}
	}
	*out = fl;
	fl = NULL;
done:
	an_flame_free(fl);
	free(stack);
	free(vis);
	free(tmp);
	return rc;
}

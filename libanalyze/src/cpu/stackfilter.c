/*
 * stackfilter.c - which call stacks an include/exclude filter keeps, as
 * folded stacks and flame graphs apply it: a stack (root..node, with GC
 * drawn on top) is kept when no frame on it is excluded and, with
 * include patterns, some frame on it is included.
 */
#include "cpu/cpu_int.h"

/* Filter state of a node's stack (root..node): bit 1 an included frame,
 * bit 2 an excluded one. Per function first, then down the tree. */
uint8_t *an__cpu_filter_marks(const an_profile *p, const an_filter *f,
			      uint8_t *gc_mark)
{
	uint8_t *fm = an__calloc(p->func_count, 1);
	uint8_t *nm = an__calloc(p->node_count, 1);
	uint32_t i;

	if (!fm || !nm) {
		free(fm);
		free(nm);
		return NULL;
	}
	for (i = 0; i < p->func_count; i++) {
		an_str fields[2];
		fields[0] = p->funcs[i].name;
		fields[1] = p->funcs[i].url;
		if (an_filter_excludes(f, fields, 2))
			fm[i] |= F_EXC;
		if (an_filter_matches(f, fields, 2))
			fm[i] |= F_INC;
	}
	for (i = 0; i < p->node_count; i++) {
		uint32_t v = p->bfs[i];
		if (v == p->root)
			continue;
		nm[v] = fm[p->func[v]];
		if (p->parent[v] != AN_NONE)
			nm[v] |= nm[p->parent[v]];
	}
	*gc_mark = p->gc != AN_NONE ? fm[p->func[p->gc]] : 0;
	free(fm);
	return nm;
}

/* Kept when (no includes or a frame is included) and no frame is
 * excluded; with `gc`, a (garbage collector) frame sits on top. */
int an__cpu_stack_passes(const an_filter *f, const uint8_t *nm,
			 uint8_t gc_mark, uint32_t v, int gc)
{
	uint8_t m;

	if (!nm)
		return 1;
	m = nm[v];
	if (gc)
		m |= gc_mark;
	if (m & F_EXC)
		return 0;
	return !an_filter_has_includes(f) || (m & F_INC);
}


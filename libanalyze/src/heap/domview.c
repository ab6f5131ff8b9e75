/*
 * domview.c - the rows of a dominator-tree report (`heap dominators`):
 * the subtree below a node, depth first with the children of each node
 * by retained size descending, pruned by depth, count and size.
 */
#include "heap/heap_int.h"

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

int an_heap_dominator_rows(an_heap_dom_row **out, uint32_t *count,
			   const an_heap *h, uint32_t start,
			   const an_heap_dom_opts *o, an_error *err)
{
	uint32_t n, sp = 0, m = 0;
	uint64_t total;
	an_heap_dom_row *stack = NULL, *rows = NULL;
	int rc = AN_OK;

	*out = NULL;
	*count = 0;
	if (!h || !o || start >= an_heap_node_count(h))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no heap, options or node %u", start);
	n = an_heap_node_count(h);
	total = an_heap_total_size(h);
	/* every node is pushed at most once: it has one dominator */
	stack = malloc(((size_t)n + 1) * sizeof(*stack));
	rows = malloc(((size_t)n + 1) * sizeof(*rows));
	if (!stack || !rows)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack[sp].node = start;
	stack[sp].depth = 0;
	stack[sp].parent = AN_NONE;
	sp++;
	while (sp) {
		an_heap_dom_row it = stack[--sp];
		uint64_t ret = an_heap_node_retained_size(h, it.node);
		const uint32_t *kids;
		uint32_t k, cnt;

		if (it.depth > 0 && (share(ret, total) < o->min_percent ||
				     ret < o->min_size))
			continue;
		rows[m++] = it;
		if (it.depth >= o->max_depth)
			continue;
		cnt = an_heap_node_dominated(h, it.node, &kids);
		if (o->max_children > 0 && cnt > o->max_children)
			cnt = o->max_children;
		/* reversed, so that the largest comes first */
		for (k = cnt; k-- > 0;) {
			stack[sp].node = kids[k];
			stack[sp].depth = it.depth + 1;
			stack[sp].parent = m - 1;
			sp++;
		}
	}
	*out = rows;
	*count = m;
	rows = NULL;
done:
	free(stack);
	free(rows);
	return rc;
}

void an_heap_dominator_rows_free(an_heap_dom_row *rows)
{
	free(rows);
}

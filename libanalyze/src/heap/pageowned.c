/*
 * pageowned.c - page-owned flags (markPageOwnedNodes): nodes reachable from
 * the root's shortcut edges and the DOM trees root.
 */

#include "heap/pipeline_int.h"

/* ---- 1. page-owned flags (markPageOwnedNodes) ---------------------------- */

int an__heap_page_owned(an_heap *h)
{
	uint32_t r = h->root, e, sp = 0, *stack;

	h->d.page = an__calloc(h->node_count, 1);
	stack = an__calloc(h->node_count, sizeof(*stack));
	if (!h->d.page || !stack) {
		free(stack);
		return AN_ENOMEM;
	}
	for (e = h->first_edge[r]; e < h->first_edge[r + 1]; e++) {
		uint32_t t = h->eto[e];
		if (h->etype[e] == h->e_element) {
			if (!is_dom_trees_root(h, t))
				continue;
		} else if (h->etype[e] != h->e_shortcut) {
			continue;
		}
		if (h->d.page[t])
			continue; /* pushed once: the stack holds node_count */
		stack[sp++] = t;
		h->d.page[t] = 1;
	}
	while (sp) {
		uint32_t v = stack[--sp];
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t t = h->eto[e];
			if (h->d.page[t] || h->etype[e] == h->e_weak)
				continue;
			/* a node is pushed once: the flag is set on push */
			stack[sp++] = t;
			h->d.page[t] = 1;
		}
	}
	free(stack);
	return AN_OK;
}

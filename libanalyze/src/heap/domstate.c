/*
 * domstate.c - DOM state (initDetachednessAndClassIndex,
 * propagateDOMState): detachedness spread from attached and detached
 * native nodes, which are renamed "Detached <name>".
 */

#include "heap/pipeline_int.h"

/* ---- 0. DOM state (initDetachednessAndClassIndex, propagateDOMState) ----
 * Native nodes reachable from an attached one are attached; from a
 * detached one, detached, and renamed "Detached <name>" (which changes
 * their class). Without a detachedness field, natives already named
 * "Detached ..." are detached and nothing propagates. */

enum { DOM_UNKNOWN = 0, DOM_ATTACHED = 1, DOM_DETACHED = 2 };

typedef struct dom_ctx {
	an_heap *h;
	uint8_t *visited;
	uint32_t *att, *det;      /* work stacks */
	size_t natt, ndet;
	uint32_t *renamed;        /* old string -> new string + 1 */
	int rc;
} dom_ctx;

static void dom_process(dom_ctx *d, uint32_t v, uint8_t state)
{
	an_heap *h = d->h;

	if (d->visited[v])
		return;
	if (h->ntype[v] != h->t_native) {
		d->visited[v] = 1;
		return;
	}
	h->ndet[v] = state;
	if (state == DOM_ATTACHED) {
		d->att[d->natt++] = v;
	} else if (state == DOM_DETACHED) {
		uint32_t old = h->nname[v];
		if (!d->renamed[old]) {
			an_str s = h->strs.items[old];
			char *tmp = malloc((size_t)s.len + 10);
			uint32_t id;
			if (!tmp) {
				d->rc = AN_ENOMEM;
				return;
			}
			memcpy(tmp, "Detached ", 9);
			memcpy(tmp + 9, s.ptr, s.len);
			if (an__strtab_push(&h->strs, tmp, (size_t)s.len + 9,
					    &id) < 0) {
				free(tmp);
				d->rc = AN_ENOMEM;
				return;
			}
			free(tmp);
			d->renamed[old] = id + 1;
		}
		h->nname[v] = d->renamed[old] - 1;
		d->det[d->ndet++] = v;
	}
	d->visited[v] = 1;
}

static void dom_spread(dom_ctx *d, uint32_t v, uint8_t state)
{
	an_heap *h = d->h;
	uint32_t e;

	for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
		uint8_t t = h->etype[e];
		if (t == h->e_hidden || t == h->e_invisible || t == h->e_weak)
			continue;
		dom_process(d, h->eto[e], state);
	}
}

int an__heap_dom_state(an_heap *h)
{
	dom_ctx d;
	uint32_t v, n = h->node_count;

	if (!h->ndet) {
		/* old snapshots: names tell */
		h->ndet = an__calloc(n, 1);
		if (!h->ndet)
			return AN_ENOMEM;
		for (v = 0; v < n; v++) {
			an_str s = h->strs.items[h->nname[v]];
			if (h->ntype[v] == h->t_native && s.len >= 9 &&
			    !memcmp(s.ptr, "Detached ", 9))
				h->ndet[v] = DOM_DETACHED;
		}
		return AN_OK;
	}
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.visited = an__calloc(n, 1);
	d.att = an__calloc(n, sizeof(uint32_t));
	d.det = an__calloc(n, sizeof(uint32_t));
	d.renamed = an__calloc(h->strs.count, sizeof(uint32_t));
	if (!d.visited || !d.att || !d.det || !d.renamed) {
		d.rc = AN_ENOMEM;
		goto done;
	}
	for (v = 0; v < n && !d.rc; v++)
		if (h->ndet[v] != DOM_UNKNOWN)
			dom_process(&d, v, h->ndet[v]);
	while (d.natt && !d.rc)
		dom_spread(&d, d.att[--d.natt], DOM_ATTACHED);
	while (d.ndet && !d.rc) {
		v = d.det[--d.ndet];
		if (h->ndet[v] == DOM_ATTACHED)
			continue;
		dom_spread(&d, v, DOM_DETACHED);
	}
done:
	free(d.visited);
	free(d.att);
	free(d.det);
	free(d.renamed);
	return d.rc;
}

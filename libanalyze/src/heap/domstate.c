/*
 * domstate.c - DOM state (initDetachednessAndClassIndex,
 * propagateDOMState): detachedness spread from attached and detached
 * native nodes, which are renamed "Detached <name>".
 */

#include "heap/pipeline_int.h"

/* ---- 0. DOM state (initDetachednessAndClassIndex, propagateDOMState) ----
 * Native nodes reachable from an attached one are attached; from a
 * detached one, detached, and renamed "Detached <name>" (which changes
 * their class): h->d.renamed and h->d.rename, the loaded names stay.
 * Without a detachedness field nothing propagates and nothing is
 * renamed (natives already named "Detached ..." keep their names). */

enum { DOM_UNKNOWN = 0, DOM_ATTACHED = 1, DOM_DETACHED = 2, VISITED = 4 };

typedef struct dom_ctx {
	an_heap *h;
	uint8_t *st;              /* per node: DOM state (from the loaded
				     ndet) | VISITED */
	uint32_t *att, *det;      /* work stacks */
	size_t natt, ndet;
	int rc;
} dom_ctx;

/* Node v (a native) is named "Detached <its name>" from now on. */
static int rename_detached(an_heap *h, uint32_t v)
{
	uint32_t old = h->nname[v];

	if (!h->d.renamed) {
		h->d.renamed = an__calloc(((size_t)h->node_count + 7) / 8, 1);
		h->d.rename = an__calloc(h->nstrings, sizeof(uint32_t));
		if (!h->d.renamed || !h->d.rename)
			return AN_ENOMEM;
	}
	if (!h->d.rename[old]) {
		/* a new string: never 0, which the snapshot's names hold */
		an_str s = h->strs.items[old];
		char *tmp = malloc((size_t)s.len + 10);
		uint32_t id;
		int rc;
		if (!tmp)
			return AN_ENOMEM;
		memcpy(tmp, "Detached ", 9);
		memcpy(tmp + 9, s.ptr, s.len);
		rc = an__strtab_push(&h->strs, tmp, (size_t)s.len + 9, &id);
		free(tmp);
		if (rc < 0)
			return rc;
		h->d.rename[old] = id;
	}
	h->d.renamed[v >> 3] |= (uint8_t)(1u << (v & 7));
	return AN_OK;
}

static void dom_process(dom_ctx *d, uint32_t v, uint8_t state)
{
	an_heap *h = d->h;

	if (d->st[v] & VISITED)
		return;
	if (h->ntype[v] != h->t_native) {
		d->st[v] |= VISITED;
		return;
	}
	d->st[v] = state;
	if (state == DOM_ATTACHED) {
		d->att[d->natt++] = v;
	} else if (state == DOM_DETACHED) {
		int rc = rename_detached(h, v);
		if (rc < 0) {
			d->rc = rc;
			return;
		}
		d->det[d->ndet++] = v;
	}
	d->st[v] |= VISITED;
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

	if (!h->ndet)
		return AN_OK; /* old snapshots: the names already tell */
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.st = an__calloc(n, 1);
	d.att = an__calloc(n, sizeof(uint32_t));
	d.det = an__calloc(n, sizeof(uint32_t));
	if (!d.st || !d.att || !d.det) {
		d.rc = AN_ENOMEM;
		goto done;
	}
	for (v = 0; v < n; v++)
		d.st[v] = h->ndet[v] & 3;
	for (v = 0; v < n && !d.rc; v++)
		if ((d.st[v] & 3) != DOM_UNKNOWN)
			dom_process(&d, v, d.st[v] & 3);
	while (d.natt && !d.rc)
		dom_spread(&d, d.att[--d.natt], DOM_ATTACHED);
	while (d.ndet && !d.rc) {
		v = d.det[--d.ndet];
		if ((d.st[v] & 3) == DOM_ATTACHED)
			continue;
		dom_spread(&d, v, DOM_DETACHED);
	}
done:
	free(d.st);
	free(d.att);
	free(d.det);
	return d.rc;
}

/*
 * reassign.c - shallow-size reassignment
 * (JSHeapSnapshot.calculateShallowSizes): hidden and array nodes with a
 * single owner give it their size, in the derived sizes h->d.self (the
 * loaded h->nself stay as the snapshot has them).
 */

#include "heap/pipeline_int.h"

/* ---- 3. shallow sizes (JSHeapSnapshot.calculateShallowSizes) ----------- */

static int has_user_roots(const an_heap *h)
{
	uint32_t e;

	for (e = h->first_edge[h->root]; e < h->first_edge[h->root + 1]; e++)
		if (is_user_root(h, h->eto[e]))
			return 1;
	return 0;
}

int an__heap_shallow_sizes(an_heap *h)
{
	const uint32_t unvisited = 0xffffffffu, multiple = 0xfffffffeu;
	uint32_t n = h->node_count, i, e, *owners, *work;
	an__sizes *self = &h->d.self;
	size_t wn = 0, wcap;
	int rc = AN_OK;

	/* the loaded sizes stay as they are: the derived ones start equal */
	rc = an__size_copy(self, an__heap_pool_alloc(h, AN__POOL_SELF, n,
						     sizeof(*self->v), 0),
			   &h->nself, n);
	if (rc < 0 || !has_user_roots(h))
		return rc;
	/* owners is written whole below, work before it is read */
	owners = an__heap_pool_alloc(h, AN__POOL_OWNERS, n, sizeof(*owners),
				     0);
	wcap = (size_t)n * 2 + 1; /* each node is pushed at most twice */
	work = an__heap_pool_alloc(h, AN__POOL_WORK, wcap, sizeof(*work), 0);
	if (!owners || !work) {
		an__heap_pool_free_temp(h, AN__POOL_OWNERS, owners);
		an__heap_pool_free_temp(h, AN__POOL_WORK, work);
		return AN_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint8_t t = h->ntype[i];
		if (t == h->t_hidden || t == h->t_array ||
		    (t == h->t_native &&
		     an__heap_str_is(h, an__heap_name(h, i),
				     "system / ExternalStringData"))) {
			owners[i] = unvisited;
		} else {
			owners[i] = i;
			work[wn++] = i;
		}
	}
	while (wn) {
		uint32_t id = work[--wn], owner = owners[id];
		for (e = h->first_edge[id]; e < h->first_edge[id + 1]; e++) {
			uint32_t t = h->eto[e];
			if (h->etype[e] == h->e_weak)
				continue;
			if (owners[t] == unvisited) {
				owners[t] = owner;
				work[wn++] = t;
			} else if (owners[t] == t || owners[t] == owner ||
				   owners[t] == multiple) {
				continue;
			} else {
				owners[t] = multiple;
				work[wn++] = t;
			}
		}
	}
	/* an owner is never owned: every size moved is a loaded one */
	for (i = 0; i < n && rc == AN_OK; i++) {
		uint32_t o = owners[i];
		if (o == unvisited || o == multiple || o == i)
			continue;
		if (is_synthetic(h, o) || o == h->root)
			continue;
		rc = an__size_set(self, o, an__size_get(self, o) +
						   an__size_get(self, i));
		an__size_set(self, i, 0); /* below UINT32_MAX: cannot fail */
	}
	an__heap_pool_free_temp(h, AN__POOL_OWNERS, owners);
	an__heap_pool_free_temp(h, AN__POOL_WORK, work);
	return rc;
}

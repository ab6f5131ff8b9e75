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

/*
 * Spreads owner `from` (a node that owns itself) through non-weak edges
 * to the nodes it reaches through ownable ones: an ownable node reached
 * from one owner gets that owner, from two the mark `multiple`, which
 * it spreads in turn. The result is the same in any order of the
 * owners: a node's mark only rises (unvisited, an owner, multiple), and
 * a node whose mark rose is visited again. The stack holds ownable
 * nodes only, each at most twice.
 */
static int spread(const an_heap *h, uint32_t *owners, uint32_t from,
		  uint32_t **stk, size_t *cap)
{
	const uint32_t unvisited = 0xffffffffu, multiple = 0xfffffffeu;
	size_t wn = 0;
	uint32_t id = from, e;

	for (;;) {
		uint32_t owner = owners[id];
		for (e = h->first_edge[id]; e < h->first_edge[id + 1]; e++) {
			uint32_t t = h->eto[e];
			if (h->etype[e] == h->e_weak)
				continue;
			if (owners[t] == t || owners[t] == owner ||
			    owners[t] == multiple)
				continue;
			owners[t] = owners[t] == unvisited ? owner : multiple;
			if (wn == *cap &&
			    an__grow((void **)stk, cap, wn + 1, sizeof(**stk)))
				return AN_ENOMEM;
			(*stk)[wn++] = t;
		}
		if (!wn)
			return AN_OK;
		id = (*stk)[--wn];
	}
}

int an__heap_shallow_sizes(an_heap *h)
{
	const uint32_t unvisited = 0xffffffffu, multiple = 0xfffffffeu;
	uint32_t n = h->node_count, i, *owners, *stk = NULL;
	an__sizes *self = &h->d.self;
	size_t cap = 0;
	int rc = AN_OK;

	/* the loaded sizes stay as they are: the derived ones start equal */
	rc = an__size_copy(self, an__heap_pool_alloc(h, AN__POOL_SELF, n,
						     sizeof(*self->v), 0),
			   &h->nself, n);
	if (rc < 0 || !has_user_roots(h))
		return rc;
	/* owners is written whole below */
	owners = an__heap_pool_alloc(h, AN__POOL_OWNERS, n, sizeof(*owners),
				     0);
	if (!owners)
		return AN_ENOMEM;
	for (i = 0; i < n; i++) {
		uint8_t t = h->ntype[i];
		if (t == h->t_hidden || t == h->t_array ||
		    (t == h->t_native &&
		     an__heap_str_is(h, an__heap_name(h, i),
				     "system / ExternalStringData")))
			owners[i] = unvisited;
		else
			owners[i] = i;
	}
	for (i = 0; i < n && rc == AN_OK; i++)
		if (owners[i] == i)
			rc = spread(h, owners, i, &stk, &cap);
	free(stk);
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
	return rc;
}

/*
 * heapsizes.c - per-node sizes stored as u32, with the few sizes of
 * UINT32_MAX bytes or more in a side table found through core/hashtab
 * (see an__sizes in heap_int.h).
 */
#include "heap/heap_int.h"

static uint64_t big_hash(uint32_t k, const void *ctx)
{
	return an__ht_mix64(((const an__sizes *)ctx)->big[k].node);
}

static int big_eq(uint32_t k, const void *key, const void *ctx)
{
	return ((const an__sizes *)ctx)->big[k].node == *(const uint32_t *)key;
}

/* The callbacks, pointed at s where it is now. */
static void big_table(an__sizes *s)
{
	s->bigix.hash = big_hash;
	s->bigix.eq = big_eq;
	s->bigix.ctx = s;
}

uint64_t an__size_big(const an__sizes *s, uint32_t n)
{
	uint32_t k = an__ht_find(&s->bigix, an__ht_mix64(n), &n);

	return k == AN_HT_NONE ? UINT32_MAX : s->big[k].size;
}

void an__size_moved(an__sizes *s)
{
	big_table(s);
}

int an__size_set(an__sizes *s, uint32_t n, uint64_t size)
{
	uint32_t k;
	int rc;

	if (size < UINT32_MAX) {
		s->v[n] = (uint32_t)size;
		return AN_OK;
	}
	big_table(s);
	if (s->nbig == UINT32_MAX - 1)
		return AN_ELIMIT;
	if (an__grow((void **)&s->big, &s->bigcap, (size_t)s->nbig + 1,
		     sizeof(*s->big)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&s->bigix, an__ht_mix64(n), &n, s->nbig, &k);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		s->big[k].node = n;
		s->nbig++;
	}
	s->big[k].size = size;
	s->v[n] = UINT32_MAX;
	return AN_OK;
}

int an__size_copy(an__sizes *to, uint32_t *v, const an__sizes *from,
		  uint32_t n)
{
	uint32_t i;

	memset(to, 0, sizeof(*to));
	to->v = v;
	if (!to->v)
		return AN_ENOMEM;
	memcpy(to->v, from->v, (size_t)n * sizeof(*to->v));
	for (i = 0; i < from->nbig; i++) {
		int rc;
		/* an entry whose node has since been set below UINT32_MAX
		 * is stale: the u32 array holds the size */
		if (from->v[from->big[i].node] != UINT32_MAX)
			continue;
		rc = an__size_set(to, from->big[i].node, from->big[i].size);
		if (rc < 0)
			return rc;
	}
	return AN_OK;
}

void an__size_free(an__sizes *s)
{
	free(s->v);
	free(s->big);
	an__ht_free(&s->bigix);
	memset(s, 0, sizeof(*s));
}

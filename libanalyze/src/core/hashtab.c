/*
 * hashtab.c - the generic open-addressing table over the caller's items
 * (see hashtab.h).
 */
#include <sys/random.h>
#include <time.h>

#include "core/hashtab.h"

#define HT_MIN_CAP 16

void an__ht_init(an_hashtab *t, an_ht_hash_fn hash, an_ht_eq_fn eq,
		 const void *ctx)
{
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
	t->hash = hash;
	t->eq = eq;
	t->ctx = ctx;
	t->seed = 0;
}

void an__ht_free(an_hashtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->count = 0;
}

/* First slot of hash h: re-mixed with the table's random seed (so that
 * crafted keys cannot share one), high bits folded in. */
static size_t home(uint64_t h, uint64_t seed, size_t mask)
{
	h = an__ht_mix64(h ^ seed);
	return (size_t)(h ^ (h >> 32)) & mask;
}

/* A seed nobody can predict: getrandom(), else the clock and the
 * table's address (ASLR). */
static uint64_t new_seed(const an_hashtab *t)
{
	uint64_t s = 0;
	struct timespec ts;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		return s;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return an__ht_mix64((uint64_t)(uintptr_t)t ^
			    ((uint64_t)ts.tv_sec << 30) ^
			    (uint64_t)ts.tv_nsec);
}

int an__ht_reserve(an_hashtab *t, size_t n)
{
	size_t cap = t->cap ? t->cap : HT_MIN_CAP, i;
	uint32_t *ns;

	if (n > UINT32_MAX - 1)
		return AN_ELIMIT;
	while (cap / 2 < n) {
		if (cap > SIZE_MAX / 2)
			return AN_ELIMIT;
		cap *= 2;
	}
	if (cap == t->cap)
		return AN_OK;
	ns = an__calloc(cap, sizeof(*ns));
	if (!ns)
		return AN_ENOMEM;
	if (!t->cap)
		t->seed = new_seed(t);
	for (i = 0; i < t->cap; i++) {
		size_t j;
		if (!t->slots[i])
			continue;
		j = home(t->hash(t->slots[i] - 1, t->ctx), t->seed,
			 cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = ns;
	t->cap = cap;
	return AN_OK;
}

uint32_t an__ht_find(const an_hashtab *t, uint64_t h, const void *key)
{
	size_t j, mask = t->cap - 1;

	if (!t->cap)
		return AN_HT_NONE;
	for (j = home(h, t->seed, mask); t->slots[j];
	     j = (j + 1) & mask)
		if (t->eq(t->slots[j] - 1, key, t->ctx))
			return t->slots[j] - 1;
	return AN_HT_NONE;
}

/* Makes room for one more item, then probes for `key` (NULL: for an
 * empty slot only). 1 when found at *j, 0 with *j the empty slot where
 * it goes, or AN_ENOMEM / AN_ELIMIT. */
static int probe_for_add(an_hashtab *t, uint64_t h, const void *key,
			 uint32_t item, size_t *j)
{
	size_t mask;
	int rc;

	if (item >= UINT32_MAX)
		return AN_ELIMIT;
	if (t->count + 1 > t->cap / 2) {
		rc = an__ht_reserve(t, t->count + 1);
		if (rc < 0)
			return rc;
	}
	mask = t->cap - 1;
	for (*j = home(h, t->seed, mask); t->slots[*j];
	     *j = (*j + 1) & mask)
		if (key && t->eq(t->slots[*j] - 1, key, t->ctx))
			return 1;
	return 0;
}

int an__ht_add(an_hashtab *t, uint64_t h, const void *key, uint32_t item,
	       uint32_t *out)
{
	size_t j;
	int rc = probe_for_add(t, h, key, item, &j);

	if (rc < 0)
		return rc;
	if (rc == 1) {
		*out = t->slots[j] - 1;
		return 0;
	}
	t->slots[j] = item + 1;
	t->count++;
	*out = item;
	return 1;
}

int an__ht_put(an_hashtab *t, uint64_t h, uint32_t item)
{
	size_t j;
	int rc = probe_for_add(t, h, NULL, item, &j);

	if (rc < 0)
		return rc;
	t->slots[j] = item + 1;
	t->count++;
	return AN_OK;
}

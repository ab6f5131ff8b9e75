/*
 * test_hashtab.c - core/hashtab.c, the one hash table of the library:
 * interning into the caller's array, growth past many rehashes, lookups
 * of missing keys, colliding hashes, put without lookup, and reuse after
 * free.
 */
#include <criterion/criterion.h>

#include "core/hashtab.h"

typedef struct items {
	uint64_t key[5000];
	uint32_t n;
	int weak_hash;          /* every key hashes to the same value */
} items;

static uint64_t key_hash(const items *v, uint64_t k)
{
	return v->weak_hash ? 42 : an__ht_mix64(k);
}

static uint64_t item_hash(uint32_t i, const void *ctx)
{
	const items *v = ctx;

	return key_hash(v, v->key[i]);
}

static int item_eq(uint32_t i, const void *key, const void *ctx)
{
	const items *v = ctx;

	return v->key[i] == *(const uint64_t *)key;
}

/* Interns k; returns its item. */
static uint32_t intern(an_hashtab *t, items *v, uint64_t k)
{
	uint32_t out = AN_HT_NONE;
	int rc = an__ht_add(t, key_hash(v, k), &k, v->n, &out);

	cr_assert_geq(rc, 0, "add %llu: %d", (unsigned long long)k, rc);
	if (rc == 1) {
		cr_assert_eq(out, v->n);
		v->key[v->n++] = k;
	}
	return out;
}

static void interns(int weak, uint32_t count)
{
	static items v;
	an_hashtab t;
	uint32_t i;

	memset(&v, 0, sizeof(v));
	v.weak_hash = weak;
	an__ht_init(&t, item_hash, item_eq, &v);
	cr_expect_eq(an__ht_find(&t, 1, &v.key[0]), AN_HT_NONE,
		     "an empty table finds nothing");
	/* keys 1000, 1007, ... each twice: the second gets the first item */
	for (i = 0; i < count; i++)
		cr_expect_eq(intern(&t, &v, 1000 + 7 * (uint64_t)i), i);
	for (i = 0; i < count; i++)
		cr_expect_eq(intern(&t, &v, 1000 + 7 * (uint64_t)i), i);
	cr_expect_eq(v.n, count);
	cr_expect_eq(t.count, count);
	cr_expect(t.cap >= 2 * (size_t)count && (t.cap & (t.cap - 1)) == 0,
		  "at most half full, a power of two: cap %zu", t.cap);
	for (i = 0; i < count; i++) {
		uint64_t k = 1000 + 7 * (uint64_t)i, miss = k + 1;
		cr_expect_eq(an__ht_find(&t, key_hash(&v, k), &k), i);
		cr_expect_eq(an__ht_find(&t, key_hash(&v, miss), &miss),
			     AN_HT_NONE);
	}
	an__ht_free(&t);
	cr_expect_eq(t.count, 0);
	cr_expect_eq(an__ht_find(&t, key_hash(&v, 1000), &v.key[0]),
		     AN_HT_NONE, "freed: empty again");
	/* and usable again */
	v.n = 0;
	cr_expect_eq(intern(&t, &v, 5), 0);
	cr_expect_eq(intern(&t, &v, 5), 0);
	an__ht_free(&t);
}

Test(hashtab, interns_across_rehashes)
{
	interns(0, 5000);
}

Test(hashtab, all_keys_colliding)
{
	interns(1, 300);
}

Test(hashtab, put_then_find)
{
	static items v;
	an_hashtab t;
	uint32_t i;

	memset(&v, 0, sizeof(v));
	an__ht_init(&t, item_hash, item_eq, &v);
	cr_assert_eq(an__ht_reserve(&t, 100), AN_OK);
	cr_expect_eq(t.cap, 256, "100 items fit in 256 slots at half load");
	for (i = 0; i < 100; i++) {
		v.key[i] = (uint64_t)i * i;
		cr_assert_eq(an__ht_put(&t, item_hash(i, &v), i), AN_OK);
	}
	cr_expect_eq(t.cap, 256, "reserved: no growth");
	for (i = 0; i < 100; i++)
		cr_expect_eq(an__ht_find(&t, item_hash(i, &v), &v.key[i]), i);
	an__ht_free(&t);
}

Test(hashtab, refuses_the_none_item)
{
	static items v;
	an_hashtab t;
	uint32_t out;
	uint64_t k = 1;

	memset(&v, 0, sizeof(v));
	an__ht_init(&t, item_hash, item_eq, &v);
	cr_expect_eq(an__ht_add(&t, 1, &k, UINT32_MAX, &out), AN_ELIMIT);
	cr_expect_eq(an__ht_put(&t, 1, UINT32_MAX), AN_ELIMIT);
	cr_expect_eq(an__ht_reserve(&t, (size_t)UINT32_MAX), AN_ELIMIT);
	an__ht_free(&t);
}

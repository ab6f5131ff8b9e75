/*
 * hashtab.h - the library's one hash table: open addressing with linear
 * probing over u32 slots that hold index + 1 into the caller's own array
 * of items (0 = empty). The table stores no keys and no hashes: the
 * caller supplies the hash of an item (to rehash when growing) and an
 * equality test of an item against a lookup key, both with a context
 * pointer. Capacity is a power of two, grown to stay at most half full.
 *
 * Usage, interning into an array `v` (of `n` items):
 *
 *	an__ht_init(&t, item_hash, item_eq, &v_owner);
 *	rc = an__ht_add(&t, key_hash, &key, n, &i);
 *	if (rc == 1) append the key as item n (i == n);
 *	else if (rc == 0) item i equals the key;
 *	else an error (AN_ENOMEM, AN_ELIMIT).
 *
 * The item an__ht_add() returns 1 for must be in the caller's array
 * before the table is used again (a later add may rehash it). Read-only
 * lookups (an__ht_find) may run from many threads at once.
 *
 * Hostile keys: a table picks a random key when it first allocates and
 * mixes it into every home slot, so that keys chosen to share a slot
 * (node ids made by inverting an__ht_mix64, strings found by search)
 * cannot make probing quadratic; which slot an item lands in never
 * shows in results, since the table is only ever searched by key.
 */
#ifndef AN_HASHTAB_H
#define AN_HASHTAB_H

#include "core/common_int.h"

/* "no such item" (the value of the public AN_NONE) */
#define AN_HT_NONE UINT32_MAX

/* Hash of the caller's item `item` (the same as its key's hash). */
typedef uint64_t (*an_ht_hash_fn)(uint32_t item, const void *ctx);
/* 1 when the caller's item `item` equals `key`. */
typedef int (*an_ht_eq_fn)(uint32_t item, const void *key, const void *ctx);

typedef struct an_hashtab {
	uint32_t *slots;        /* item + 1, 0 = empty */
	size_t cap;             /* slots: a power of two, or 0 */
	size_t count;           /* items in the table */
	an_ht_hash_fn hash;     /* rehashes items when growing */
	an_ht_eq_fn eq;         /* compares an item with a key */
	const void *ctx;        /* passed to both */
	uint64_t seed;          /* random, set when slots are first made */
} an_hashtab;

/* An empty table (allocates nothing). */
AN_HIDDEN void an__ht_init(an_hashtab *t, an_ht_hash_fn hash,
			   an_ht_eq_fn eq, const void *ctx);

/* Makes room for `n` items in all without growing again: AN_OK,
 * AN_ENOMEM, or AN_ELIMIT when n does not fit the slots. */
AN_HIDDEN int an__ht_reserve(an_hashtab *t, size_t n);

/* The item equal to `key` (hash `h`), or AN_HT_NONE. */
AN_HIDDEN uint32_t an__ht_find(const an_hashtab *t, uint64_t h,
			       const void *key);

/* Finds `key` (hash `h`); when missing, stores `item` for it. Returns 0
 * with *out the existing item, 1 with *out = item when stored, or
 * AN_ENOMEM / AN_ELIMIT (item must be below UINT32_MAX). */
AN_HIDDEN int an__ht_add(an_hashtab *t, uint64_t h, const void *key,
			 uint32_t item, uint32_t *out);

/* Stores `item` (hash `h`) without looking for an equal one: for keys
 * known to be distinct. AN_OK, AN_ENOMEM or AN_ELIMIT. */
AN_HIDDEN int an__ht_put(an_hashtab *t, uint64_t h, uint32_t item);

/* Frees the slots; the table is empty again (and may be reused). */
AN_HIDDEN void an__ht_free(an_hashtab *t);

/* A 64-bit finaliser (murmur3's fmix64) for integer keys. */
static inline uint64_t an__ht_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* FNV-1a over bytes. */
static inline uint64_t an__ht_bytes(const char *s, size_t n)
{
	uint64_t x = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		x = (x ^ (unsigned char)s[i]) * 1099511628211ull;
	return x;
}

#endif

/*
 * strtab.c - interning string arena (see strtab.h).
 */
#include "core/strtab.h"

#define BLOCK_MIN (64u * 1024u)

void an__strtab_init(an_strtab *t)
{
	memset(t, 0, sizeof(*t));
}

void an__strtab_free(an_strtab *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->items);
	an__ht_free(&t->ht);
	memset(t, 0, sizeof(*t));
}

static uint64_t item_hash(uint32_t id, const void *ctx)
{
	const an_strtab *t = ctx;

	return an__ht_bytes(t->items[id].ptr, t->items[id].len);
}

static int item_eq(uint32_t id, const void *key, const void *ctx)
{
	const an_strtab *t = ctx;
	const an_str *k = key;

	return t->items[id].len == k->len &&
	       memcmp(t->items[id].ptr, k->ptr, k->len) == 0;
}

static char *arena_alloc(an_strtab *t, size_t n)
{
	char *p;

	if (t->nblocks == 0 || t->block_size - t->block_used < n) {
		size_t bs = n > BLOCK_MIN ? n : BLOCK_MIN;
		if (an__grow((void **)&t->blocks, &t->cap_blocks,
			     t->nblocks + 1, sizeof(char *)) < 0)
			return NULL;
		p = malloc(bs);
		if (!p)
			return NULL;
		t->blocks[t->nblocks++] = p;
		t->block_size = bs;
		t->block_used = 0;
	}
	p = t->blocks[t->nblocks - 1] + t->block_used;
	t->block_used += n;
	return p;
}

int an__strtab_intern(an_strtab *t, const char *s, size_t len, uint32_t *id)
{
	an_str key;
	uint64_t h;
	uint32_t found;
	int rc;

	if (len > UINT32_MAX - 1 || t->count == UINT32_MAX - 1)
		return AN_ELIMIT;
	key.ptr = s;
	key.len = (uint32_t)len;
	h = an__ht_bytes(s, len);
	/* the strtab may have moved by value since the last call (a
	 * profile takes its loader's strings) */
	t->ht.hash = item_hash;
	t->ht.eq = item_eq;
	t->ht.ctx = t;
	found = an__ht_find(&t->ht, h, &key);
	if (found != AN_HT_NONE) {
		*id = found;
		return AN_OK;
	}
	rc = an__ht_reserve(&t->ht, t->ht.count + 1);
	if (rc == AN_OK)
		rc = an__strtab_push(t, s, len, id);
	if (rc == AN_OK)
		rc = an__ht_put(&t->ht, h, *id); /* reserved: cannot fail */
	return rc;
}

int an__strtab_push(an_strtab *t, const char *s, size_t len, uint32_t *id)
{
	char *p;

	if (len > UINT32_MAX - 1 || t->count == UINT32_MAX - 1)
		return AN_ELIMIT;
	if (an__grow((void **)&t->items, &t->cap, t->count + 1,
		     sizeof(*t->items)) < 0)
		return AN_ENOMEM;
	p = arena_alloc(t, len + 1);
	if (!p)
		return AN_ENOMEM;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	t->items[t->count].ptr = p;
	t->items[t->count].len = (uint32_t)len;
	t->bytes += len;
	*id = t->count++;
	return AN_OK;
}

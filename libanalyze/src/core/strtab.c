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
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

/* FNV-1a, 64-bit, folded. */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static int rehash(an_strtab *t)
{
	size_t ncap = t->hash_cap ? t->hash_cap * 2 : 1024;
	uint32_t *nh = an__calloc(ncap, sizeof(*nh));
	uint32_t i;

	if (!nh)
		return AN_ENOMEM;
	for (i = 0; i < t->count; i++) {
		size_t j = hash_bytes(t->items[i].ptr, t->items[i].len) &
			   (ncap - 1);
		while (nh[j])
			j = (j + 1) & (ncap - 1);
		nh[j] = i + 1;
	}
	free(t->hash);
	t->hash = nh;
	t->hash_cap = ncap;
	return AN_OK;
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
	uint32_t h;
	size_t j;
	char *p;

	if (len > UINT32_MAX - 1 || t->count == UINT32_MAX - 1)
		return AN_ELIMIT;
	if ((size_t)(t->count + 1) * 2 > t->hash_cap && rehash(t) < 0)
		return AN_ENOMEM;
	h = hash_bytes(s, len);
	j = h & (t->hash_cap - 1);
	while (t->hash[j]) {
		uint32_t k = t->hash[j] - 1;
		if (t->items[k].len == len &&
		    memcmp(t->items[k].ptr, s, len) == 0) {
			*id = k;
			return AN_OK;
		}
		j = (j + 1) & (t->hash_cap - 1);
	}
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
	t->hash[j] = t->count + 1;
	t->bytes += len;
	*id = t->count++;
	return AN_OK;
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

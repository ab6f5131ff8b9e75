/*
 * heappool.c - the big arrays one load leaves for the next
 * (an_heap_pool): a slot per array (heap_int.h lists them: the loader's
 * node and edge columns, the derived sizes and classes, the owners of
 * the shallow-size reassignment (a temporary), and for the retainer
 * index the two largest arrays of a freed diff base), each holding one
 * block given back instead of freed. A load takes its slot's block and
 * fills it when it is large enough, else grows it (realloc keeps the
 * pages it has); either way the pages already touched are not asked of
 * the kernel again. A block made while a pool is attached gets an
 * eighth more room than asked, address space only until used, so that
 * a next snapshot somewhat larger fits it as it is: growing a block
 * remaps it (glibc moves a big block with mremap, which keeps the pages
 * but not their huge-page alignment).
 */
#include <pthread.h>

#include "heap/heap_int.h"

struct an_heap_pool {
	pthread_mutex_t mu;
	void *slot[AN__POOL_SLOTS];
	size_t bytes[AN__POOL_SLOTS];
};

int an_heap_pool_new(an_heap_pool **out)
{
	an_heap_pool *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return AN_ENOMEM;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return AN_ENOMEM;
	}
	*out = p;
	return AN_OK;
}

void an_heap_pool_free(an_heap_pool *p)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < AN__POOL_SLOTS; i++)
		free(p->slot[i]);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void *an__heap_pool_take(an_heap_pool *p, int slot, size_t *bytes)
{
	void *b;

	*bytes = 0;
	if (!p)
		return NULL;
	pthread_mutex_lock(&p->mu);
	b = p->slot[slot];
	*bytes = p->bytes[slot];
	p->slot[slot] = NULL;
	p->bytes[slot] = 0;
	pthread_mutex_unlock(&p->mu);
	return b;
}

void an__heap_pool_give(an_heap_pool *p, int slot, void *block, size_t bytes)
{
	void *drop = block;

	if (p && block) {
		pthread_mutex_lock(&p->mu);
		if (!p->slot[slot] || p->bytes[slot] < bytes) {
			drop = p->slot[slot];
			p->slot[slot] = block;
			p->bytes[slot] = bytes;
		}
		pthread_mutex_unlock(&p->mu);
	}
	free(drop);
}

void *an__heap_pool_alloc(an_heap *h, int slot, size_t n, size_t size,
			  int zero)
{
	size_t have, want;
	void *b, *q;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	want = n * size;
	b = an__heap_pool_take(h->pool, slot, &have);
	h->pool_took[slot] = b != NULL;
	if (b && have >= want) {
		if (zero)
			memset(b, 0, want);
		h->pool_bytes[slot] = have;
		return b;
	}
	/* a block too small is grown: realloc keeps the pages it has */
	if (h->pool && !b && want / 8 <= SIZE_MAX - want)
		want += want / 8;
	if (!b && zero) {
		q = an__calloc(want, 1);
	} else {
		q = an__reallocarray(b, want, 1);
		if (!q)
			free(b);
		else if (zero)
			memset(q, 0, want);
	}
	h->pool_bytes[slot] = q ? want : 0;
	return q;
}

void an__heap_pool_free(an_heap *h, int slot, void *p)
{
	an__heap_pool_give(h->pool, slot, p, h->pool_bytes[slot]);
	h->pool_bytes[slot] = 0;
}

void an__heap_pool_free_temp(an_heap *h, int slot, void *p)
{
	if (h->pool_took[slot]) {
		free(p);
		h->pool_bytes[slot] = 0;
	} else {
		an__heap_pool_free(h, slot, p);
	}
	h->pool_took[slot] = 0;
}

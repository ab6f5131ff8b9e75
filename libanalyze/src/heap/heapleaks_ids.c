/*
 * heapleaks_ids.c - the object ids of a snapshot as a sorted set (what
 * leak detection reads of BASE and FINAL), and the marking of the
 * target's nodes whose ids a set holds: both sides sorted by radix and
 * merged, not one lookup per node.
 */
#include "core/sort.h"
#include "heap/heapleaks_int.h"

static int ids_from_heap(an_heap_ids *s, const an_heap *h)
{
	uint64_t *v, *tmp;
	uint32_t i, k = 0;
	int rc;

	v = an__calloc((size_t)h->node_count + 1, sizeof(*v));
	tmp = an__calloc((size_t)h->node_count + 1, sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return AN_ENOMEM;
	}
	for (i = 0; i < h->node_count; i++)
		v[i] = h->nid[i];
	rc = an__radix_u64(v, tmp, h->node_count, 0, 32);
	free(tmp);
	s->id = an__calloc((size_t)h->node_count + 1, sizeof(*s->id));
	if (rc == AN_OK && !s->id)
		rc = AN_ENOMEM;
	if (rc == AN_OK) {
		for (i = 0; i < h->node_count; i++)
			if (k == 0 || s->id[k - 1] != (uint32_t)v[i])
				s->id[k++] = (uint32_t)v[i];
		s->n = k;
	}
	free(v);
	return rc;
}

int an_heap_ids_load(an_heap_ids **out, an_source *src,
		     const an_heap_load_opts *opts, an_error *err)
{
	an_heap *h = NULL;
	an_heap_ids *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	rc = an__heap_load_raw(&h, src, opts, err);
	if (rc == AN_OK) {
		rc = ids_from_heap(s, h);
		if (rc < 0)
			an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	}
	an_heap_free(h);
	if (rc < 0) {
		an_heap_ids_free(s);
		return rc;
	}
	*out = s;
	return AN_OK;
}

void an_heap_ids_free(an_heap_ids *s)
{
	if (!s)
		return;
	free(s->id);
	free(s);
}

uint32_t an_heap_ids_count(const an_heap_ids *s)
{
	return s ? s->n : 0;
}

int an_heap_ids_has(const an_heap_ids *s, uint64_t id)
{
	uint32_t lo = 0, hi;

	if (!s || id > UINT32_MAX)
		return 0;
	hi = s->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->id[lo] == id;
}

int an__heap_ids_mark(uint8_t *bits, const an_heap_ids *s,
		      const an_heap *h)
{
	uint64_t *v, *tmp;
	uint32_t i, j = 0;
	int rc;

	v = an__calloc((size_t)h->node_count + 1, sizeof(*v));
	tmp = an__calloc((size_t)h->node_count + 1, sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return AN_ENOMEM;
	}
	/* (id, node) pairs by id (the high half; nodes stay in order) */
	for (i = 0; i < h->node_count; i++)
		v[i] = (uint64_t)h->nid[i] << 32 | i;
	rc = an__radix_u64(v, tmp, h->node_count, 32, 64);
	free(tmp);
	if (rc == AN_OK)
		for (i = 0; i < h->node_count; i++) {
			uint32_t id = (uint32_t)(v[i] >> 32);
			uint32_t n = (uint32_t)v[i];
			while (j < s->n && s->id[j] < id)
				j++;
			if (j < s->n && s->id[j] == id)
				bits[n >> 3] |= (uint8_t)(1u << (n & 7));
		}
	free(v);
	return rc;
}

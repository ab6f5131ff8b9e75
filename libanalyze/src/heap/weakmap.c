/*
 * weakmap.c - WeakMap ephemeron edge names: DevTools' regex matched in one
 * pass, and the per-snapshot cache of which strings are such names
 * (their table id, and a dup id per duplicatedPart).
 */

#include "heap/pipeline_int.h"

/* ---- WeakMap ephemeron edge names ------------------------------------
 * "<n> / part of key (<k> @<id>) -> value (<v> @<id>) pair in WeakMap
 * (table @<id>)", matched as DevTools' regex
 *   /^\d+(?<duplicatedPart> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\)
 *    pair in WeakMap \(table @(?<tableId>\d+)\))$/
 * does, in one pass: the tail is anchored at the end, so the value's
 * " @<id>)" is the one just before it, and any earlier " @<id>) -> value
 * (" can close the key. (Trying every split, as a backtracking regex
 * does, costs the square of the length: a hostile 300 kB name took 4 s.)
 */

static size_t digits_back(const char *s, size_t lo, size_t end)
{
	while (end > lo && s[end - 1] >= '0' && s[end - 1] <= '9')
		end--;
	return end;
}

static int ends_with(const char *s, size_t lo, size_t end, const char *l,
		     size_t *start)
{
	size_t k = strlen(l);

	if (end - lo < k || memcmp(s + end - k, l, k) != 0)
		return 0;
	*start = end - k;
	return 1;
}

int an__heap_weakmap_name(an_str name, size_t *dup_off, uint64_t *table)
{
	static const char head[] = " / part of key (";
	static const char mid[] = ") -> value (";
	const char *s = name.ptr;
	size_t n = name.len, i = 0, lo, q, d, p;
	uint64_t t = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0 || n - i < sizeof(head) - 1 ||
	    memcmp(s + i, head, sizeof(head) - 1) != 0)
		return 0;
	lo = i + sizeof(head) - 1; /* the key starts here */
	/* the tail: " pair in WeakMap (table @<digits>)" at the end */
	if (n <= lo || s[n - 1] != ')')
		return 0;
	d = digits_back(s, lo, n - 1);
	if (d == n - 1 || !ends_with(s, lo, d, " pair in WeakMap (table @", &q))
		return 0;
	for (p = d; p < n - 1; p++)
		t = t * 10 + (uint64_t)(s[p] - '0');
	/* the value's " @<digits>)" just before the tail */
	if (q <= lo || s[q - 1] != ')')
		return 0;
	d = digits_back(s, lo, q - 1);
	if (d == q - 1 || !ends_with(s, lo, d, " @", &q))
		return 0;
	/* a " @<digits>) -> value (" that ends at or before q */
	for (p = lo; p + 2 <= q; p++) {
		size_t k;
		if (s[p] != ' ' || s[p + 1] != '@')
			continue;
		k = p + 2;
		while (k < q && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == p + 2 || q - k < sizeof(mid) - 1 ||
		    memcmp(s + k, mid, sizeof(mid) - 1) != 0)
			continue;
		*dup_off = i;
		*table = t;
		return 1;
	}
	return 0;
}

/* 64-bit hash of bytes, a word at a time. */
static uint64_t wm_hash(const char *s, size_t n)
{
	uint64_t x = 0x9e3779b97f4a7c15ull ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		x = (x ^ w) * 0xff51afd7ed558ccdull;
		x ^= x >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	x = (x ^ w) * 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 29);
}

/* Which strings are WeakMap edge names, and their table ids (enough for
 * the essential edges). */
int an__heap_wm_classify(const an_heap *h, wm_cache *c)
{
	uint32_t s;
	size_t cap = 0;

	c->state = an__calloc((size_t)c->nstate + 1, sizeof(*c->state));
	if (!c->state)
		return AN_ENOMEM;
	for (s = 0; s < c->nstate; s++) {
		size_t off;
		uint64_t table;
		if (!an__heap_weakmap_name(h->strs.items[s], &off, &table))
			continue;
		if (an__grow((void **)&c->entries, &cap, c->nentries + 1,
			     sizeof(*c->entries)) < 0)
			return AN_ENOMEM;
		c->entries[c->nentries].table = table;
		c->entries[c->nentries].str = s;
		c->entries[c->nentries].off = (uint32_t)off;
		c->state[s] = ++c->nentries;
	}
	return AN_OK;
}

/* Entries by dup part (the name after its leading number). */
typedef struct dup_ctx {
	const an_heap *h;
	const wm_cache *c;
} dup_ctx;

static an_str dup_part(const dup_ctx *d, const wm_entry *e)
{
	an_str name = d->h->strs.items[e->str];

	name.ptr += e->off;
	name.len -= e->off;
	return name;
}

static uint64_t dup_hash(uint32_t k, const void *ctx)
{
	return ((const dup_ctx *)ctx)->c->entries[k].hash;
}

static int dup_eq(uint32_t k, const void *key, const void *ctx)
{
	const dup_ctx *d = ctx;
	const wm_entry *o = &d->c->entries[k], *e = key;
	an_str a = dup_part(d, o), b = dup_part(d, e);

	return o->hash == e->hash && a.len == b.len &&
	       memcmp(a.ptr, b.ptr, a.len) == 0;
}

int an__heap_wm_intern(const an_heap *h, wm_cache *c)
{
	dup_ctx d = {h, c};
	an_hashtab t;
	uint32_t k, first;
	int rc;

	an__ht_init(&t, dup_hash, dup_eq, &d);
	rc = an__ht_reserve(&t, c->nentries);
	for (k = 0; k < c->nentries && rc == AN_OK; k++) {
		wm_entry *e = &c->entries[k];
		an_str p = dup_part(&d, e);
		e->hash = wm_hash(p.ptr, p.len);
		rc = an__ht_add(&t, e->hash, e, k, &first);
		if (rc == 1)
			e->dup = c->ndup++;
		else if (rc == 0)
			e->dup = c->entries[first].dup;
		if (rc > 0)
			rc = AN_OK;
	}
	an__ht_free(&t);
	return rc;
}

void an__heap_wm_free(wm_cache *c)
{
	free(c->state);
	free(c->entries);
}

/*
 * heapdiff.c - DevTools' Comparison view (HeapSnapshot.ts
 * aggregatesForDiff + calculateSnapshotDiff, chrome-devtools-frontend
 * 1.0.1705227): the base reduced to ids, class keys and shallow sizes,
 * its plain objects re-classed with the target's interface definitions,
 * and per class a merge-join of the two sides by object id.
 *
 * DevTools applies the definitions with a property tree; an object takes
 * the definition with the most properties whose properties it all has
 * (ties: the more popular, i.e. earlier, one), which is what the tree
 * walk finds. Here that is tested directly on each distinct property
 * set of the base, trying only the definitions whose first property
 * (in name order) the set has.
 */
#include "heap/heapdiff_int.h"

/* ---- sorting ---- */

/* Sorts the node indexes v[0..n) stably by key[v[i]] (two 16-bit
 * passes); tmp has room for n. 8 bytes an object where sorting (key,
 * node) pairs took 16. AN_OK or AN_ENOMEM. */
static int radix_nodes(uint32_t *v, uint32_t *tmp, size_t n,
		       const uint32_t *key)
{
	uint32_t *src = v, *dst = tmp, *t;
	size_t *cnt, i, d;
	int pass;

	cnt = malloc(65536 * sizeof(*cnt));
	if (!cnt)
		return AN_ENOMEM;
	for (pass = 0; pass < 2; pass++) {
		int sh = 16 * pass;
		size_t sum = 0;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (i = 0; i < n; i++)
			cnt[(key[src[i]] >> sh) & 0xffff]++;
		if (n && cnt[(key[src[0]] >> sh) & 0xffff] == n)
			continue;
		for (d = 0; d < 65536; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(key[src[i]] >> sh) & 0xffff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(cnt);
	return AN_OK;
}

/* ---- the base ---- */

static int is_plain(const an_heap *h, uint32_t v)
{
	return h->ntype[v] == h->t_object &&
	       an__heap_str_is(h, an__heap_name(h, v), "Object");
}

/* Native and synthetic nodes: ids from the embedder, fresh in every
 * snapshot and not in allocation order. */
static int is_embedder(const an_heap *h, uint32_t v)
{
	return h->ntype[v] == h->t_native || h->ntype[v] == h->t_synthetic;
}

/* Building state: property sets interned by their sorted names. */
typedef struct base_build {
	an_heap_base *b;
	an_hashtab sets;      /* property set -> key */
	size_t kcap, pcap;
	uint32_t *smap;       /* snapshot string -> strs id + 1 */
	const uint32_t *q;    /* lookup key: sorted names ... */
	uint32_t nq;          /* ... and their number */
	const uint32_t *qloc; /* and the location, or NULL */
} base_build;

static uint64_t set_hash(const uint32_t *p, uint32_t n, const uint32_t *loc)
{
	uint64_t x = 0x9e3779b97f4a7c15ull ^ n;
	uint32_t i;

	for (i = 0; i < n; i++)
		x = an__ht_mix64(x ^ p[i]) + i;
	if (loc)
		x ^= an__ht_mix64(((uint64_t)loc[0] << 40) ^
				  ((uint64_t)loc[1] << 20) ^ loc[2] ^ 1);
	return x;
}

static uint64_t set_item_hash(uint32_t k, const void *ctx)
{
	const an_heap_base *b = ((const base_build *)ctx)->b;
	const an__base_key *key = &b->keys[k];

	return set_hash(b->props + key->first, key->nprops,
			key->has_loc ? key->loc : NULL);
}

static int set_eq(uint32_t k, const void *unused, const void *ctx)
{
	const base_build *s = ctx;
	const an__base_key *key = &s->b->keys[k];

	(void)unused;
	if (key->nprops != s->nq || key->has_loc != (s->qloc != NULL))
		return 0;
	if (s->qloc && memcmp(key->loc, s->qloc, sizeof(key->loc)))
		return 0;
	return !s->nq || !memcmp(s->b->props + key->first, s->q,
				 s->nq * sizeof(*s->q));
}

/* strs id of snapshot string `str` */
static int base_str(base_build *s, const an_heap *h, uint32_t str,
		    uint32_t *out)
{
	an_str v;
	int rc;

	if (s->smap[str]) {
		*out = s->smap[str] - 1;
		return AN_OK;
	}
	v = h->strs.items[str];
	rc = an__strtab_intern(&s->b->strs, v.ptr, v.len, out);
	if (rc == AN_OK)
		s->smap[str] = *out + 1;
	return rc;
}

static int add_key(base_build *s, an__base_key **out)
{
	an_heap_base *b = s->b;

	if (an__grow((void **)&b->keys, &s->kcap, (size_t)b->nkeys + 1,
		     sizeof(*b->keys)) < 0)
		return AN_ENOMEM;
	*out = &b->keys[b->nkeys++];
	memset(*out, 0, sizeof(**out));
	return AN_OK;
}

/* A name order of strs ids (the comparator needs the table). */
typedef struct name_ctx {
	const an_strtab *strs;
} name_ctx;

static int cmp_name(uint32_t a, uint32_t b, const void *ctx)
{
	const an_strtab *t = ((const name_ctx *)ctx)->strs;

	return an__str_cmp(t->items[a], t->items[b]);
}

/* The key of plain object v: its property set (and location). */
static int plain_key(base_build *s, const an_heap *h, uint32_t v,
		     uint32_t **buf, uint32_t **tmp, size_t *cap,
		     uint32_t *out)
{
	an_heap_base *b = s->b;
	uint32_t e, np = 0, loc[3], k;
	const uint32_t *lp = NULL;
	name_ctx nc = {&b->strs};
	an__base_key *key;
	int rc;

	for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
		if (h->etype[e] != h->e_property)
			continue;
		if (np + 1 > *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			uint32_t *a = an__reallocarray(*buf, ncap,
						       sizeof(**buf));
			if (!a)
				return AN_ENOMEM;
			*buf = a;
			a = an__reallocarray(*tmp, ncap, sizeof(**tmp));
			if (!a)
				return AN_ENOMEM;
			*tmp = a;
			*cap = ncap;
		}
		rc = base_str(s, h, h->ename[e], &(*buf)[np]);
		if (rc < 0)
			return rc;
		np++;
	}
	if (np > 1)
		an__sort_keys(*buf, *tmp, np, cmp_name, &nc);
	if (an__heap_loc(h, v)) {
		const uint32_t *l = an__heap_loc(h, v);
		loc[0] = l[0];
		loc[1] = l[1];
		loc[2] = l[2];
		lp = loc;
	}
	s->q = *buf;
	s->nq = np;
	s->qloc = lp;
	k = an__ht_find(&s->sets, set_hash(*buf, np, lp), s);
	if (k != AN_HT_NONE) {
		*out = k;
		return AN_OK;
	}
	if (an__grow((void **)&b->props, &s->pcap, b->nprops + np + 1,
		     sizeof(*b->props)) < 0)
		return AN_ENOMEM;
	rc = add_key(s, &key);
	if (rc < 0)
		return rc;
	key->plain = 1;
	key->first = (uint32_t)b->nprops;
	key->nprops = np;
	if (np)
		memcpy(b->props + b->nprops, *buf, np * sizeof(**buf));
	b->nprops += np;
	if (lp) {
		key->has_loc = 1;
		memcpy(key->loc, lp, sizeof(key->loc));
	}
	/* the base's own class name of this set */
	{
		an_str nm = h->d.classes[h->d.cls[v]].name;
		rc = an__strtab_intern(&b->strs, nm.ptr, nm.len, &key->name);
		if (rc < 0)
			return rc;
	}
	*out = b->nkeys - 1;
	return an__ht_put(&s->sets, set_hash(*buf, np, lp), *out);
}

static int base_from_heap(an_heap_base *b, const an_heap *h)
{
	base_build s;
	uint32_t v, c, e, n = 0, *buf = NULL, *tmp = NULL;
	uint64_t *pairs = NULL, *scratch = NULL;
	size_t cap = 0;
	int rc = AN_ENOMEM;

	memset(&s, 0, sizeof(s));
	s.b = b;
	an__ht_init(&s.sets, set_item_hash, set_eq, &s);
	b->node_count = h->node_count;
	s.smap = an__calloc(h->strs.count, sizeof(*s.smap));
	if (!s.smap)
		goto done;
	/* keys 0 .. nclasses - 1: the base's classes */
	for (c = 0; c < h->d.nclasses; c++) {
		const an_heap_class *hc = &h->d.classes[c];
		an__base_key *key;
		rc = add_key(&s, &key);
		if (rc < 0)
			goto done;
		rc = an__strtab_intern(&b->strs, hc->name.ptr, hc->name.len,
				       &key->name);
		if (rc < 0)
			goto done;
		key->has_loc = (uint8_t)hc->has_location;
		key->loc[0] = hc->script_id;
		key->loc[1] = hc->line;
		key->loc[2] = hc->column;
	}
	for (v = 0; v < h->node_count; v++)
		n += an__size_get(&h->d.self, v) != 0;
	rc = AN_ENOMEM;
	/* (id, node) pairs sorted, then the entries filled in that order:
	 * no entry index is kept beside the ids */
	pairs = an__calloc(n, sizeof(*pairs));
	scratch = an__calloc(n, sizeof(*scratch));
	b->ids = an__calloc(n, sizeof(*b->ids));
	b->key = an__calloc(n, sizeof(*b->key));
	b->size.v = an__calloc(n, sizeof(*b->size.v));
	b->native = an__calloc((size_t)n / 8 + 1, 1);
	if (!pairs || !scratch || !b->ids || !b->key || !b->size.v ||
	    !b->native)
		goto done;
	b->n = n;
	n = 0;
	for (v = 0; v < h->node_count; v++)
		if (an__size_get(&h->d.self, v))
			pairs[n++] = (uint64_t)h->nid[v] << 32 | v;
	rc = an__radix_u64(pairs, scratch, n, 0, 64);
	free(scratch);
	scratch = NULL;
	for (e = 0; rc == AN_OK && e < n; e++) {
		v = (uint32_t)pairs[e];
		if (is_plain(h, v))
			rc = plain_key(&s, h, v, &buf, &tmp, &cap,
				       &b->key[e]);
		else
			b->key[e] = h->d.cls[v];
		if (rc == AN_OK)
			rc = an__size_set(&b->size, e,
					  an__size_get(&h->d.self, v));
		if (is_embedder(h, v))
			b->native[e >> 3] |= (uint8_t)(1u << (e & 7));
		b->ids[e] = (uint32_t)(pairs[e] >> 32);
	}
done:
	free(pairs);
	free(scratch);
	free(buf);
	free(tmp);
	free(s.smap);
	an__ht_free(&s.sets);
	return rc;
}

int an_heap_base_load(an_heap_base **out, an_source *src,
		      const an_heap_load_opts *opts, an_error *err)
{
	an_heap *h = NULL;
	an_heap_base *b;
	int rc;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	an__strtab_init(&b->strs);
	if (opts && opts->version == AN_HEAP_LOAD_OPTS_VERSION)
		b->pool = opts->pool; /* version 1 has no such field */
	rc = an__heap_load_light(&h, src, opts, err);
	if (rc == AN_OK) {
		rc = base_from_heap(b, h);
		if (rc < 0)
			an__fail(err, rc, AN_NO_OFFSET, "%s",
				 rc == AN_ENOMEM ? "out of memory" :
						   an_status_str(rc));
	}
	an_heap_free(h);
	if (rc < 0) {
		an_heap_base_free(b);
		return rc;
	}
	*out = b;
	return AN_OK;
}

int an_heap_base_from(an_heap_base **out, const an_heap *h, an_error *err)
{
	an_heap_base *b;
	int rc;

	*out = NULL;
	if (!h)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET, "no snapshot");
	b = calloc(1, sizeof(*b));
	if (!b)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	an__strtab_init(&b->strs);
	rc = base_from_heap(b, h);
	if (rc < 0) {
		an_heap_base_free(b);
		return an__fail(err, rc, AN_NO_OFFSET, "%s",
				rc == AN_ENOMEM ? "out of memory" :
						  an_status_str(rc));
	}
	*out = b;
	return AN_OK;
}

void an_heap_base_free(an_heap_base *b)
{
	if (!b)
		return;
	an__strtab_free(&b->strs);
	free(b->keys);
	free(b->props);
	/* the two largest arrays, for a retainer index of the target's */
	an__heap_pool_give(b->pool, AN__POOL_RI_FIRST, b->ids,
			   (size_t)b->n * sizeof(*b->ids));
	an__heap_pool_give(b->pool, AN__POOL_RI_EDGES, b->key,
			   (size_t)b->n * sizeof(*b->key));
	an__size_free(&b->size);
	free(b->native);
	free(b);
}

uint32_t an_heap_base_object_count(const an_heap_base *b)
{
	return b ? b->n : 0;
}

/* ---- the target's interface definitions applied to the base ---- */

typedef struct defs_match {
	an_strtab names;      /* property names of both sides, interned */
	uint32_t *rank;       /* per names id: its place in name order */
	uint32_t **dprops;    /* per definition: property ranks, sorted */
	uint32_t *dn;         /* per definition: their number */
	uint32_t *by_first;   /* definitions by first rank (CSR) ... */
	uint32_t *first;      /* ... starts, per rank + 1 */
	size_t ndefs;
} defs_match;

static void defs_match_free(defs_match *m)
{
	size_t d;

	an__strtab_free(&m->names);
	free(m->rank);
	if (m->dprops)
		for (d = 0; d < m->ndefs; d++)
			free(m->dprops[d]);
	free(m->dprops);
	free(m->dn);
	free(m->by_first);
	free(m->first);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Interns every property name of the definitions and of the base's
 * property sets (bmap: base strs id -> names id), ranks them by name,
 * and indexes the definitions by their least property. */
static int defs_prepare(defs_match *m, const an__iface_def *defs,
			size_t ndefs, const an_heap *t, const an_heap_base *b,
			uint32_t *bmap)
{
	uint32_t *ids = NULL, *tmp = NULL, i, nn;
	size_t d, k;
	name_ctx nc;
	int rc = AN_ENOMEM;

	m->ndefs = ndefs;
	m->dprops = calloc(ndefs + 1, sizeof(*m->dprops));
	m->dn = calloc(ndefs + 1, sizeof(*m->dn));
	if (!m->dprops || !m->dn)
		return AN_ENOMEM;
	for (d = 0; d < ndefs; d++) {
		m->dprops[d] = malloc((defs[d].nprops + 1) * sizeof(uint32_t));
		if (!m->dprops[d])
			return AN_ENOMEM;
		m->dn[d] = defs[d].nprops;
		for (k = 0; k < defs[d].nprops; k++) {
			an_str v = t->strs.items[defs[d].props[k]];
			rc = an__strtab_intern(&m->names, v.ptr, v.len,
					       &m->dprops[d][k]);
			if (rc < 0)
				return rc;
		}
	}
	for (k = 0; k < b->nprops; k++) {
		uint32_t p = b->props[k];
		an_str v;
		if (bmap[p])
			continue;
		v = b->strs.items[p];
		rc = an__strtab_intern(&m->names, v.ptr, v.len, &nn);
		if (rc < 0)
			return rc;
		bmap[p] = nn + 1;
	}
	rc = AN_ENOMEM;
	nn = m->names.count;
	ids = malloc(((size_t)nn + 1) * sizeof(*ids));
	tmp = malloc(((size_t)nn + 1) * sizeof(*tmp));
	m->rank = malloc(((size_t)nn + 1) * sizeof(*m->rank));
	m->first = calloc((size_t)nn + 2, sizeof(*m->first));
	m->by_first = malloc((ndefs + 1) * sizeof(*m->by_first));
	if (!ids || !tmp || !m->rank || !m->first || !m->by_first)
		goto done;
	for (i = 0; i < nn; i++)
		ids[i] = i;
	nc.strs = &m->names;
	an__sort_keys(ids, tmp, nn, cmp_name, &nc);
	for (i = 0; i < nn; i++)
		m->rank[ids[i]] = i;
	for (d = 0; d < ndefs; d++) {
		for (k = 0; k < m->dn[d]; k++)
			m->dprops[d][k] = m->rank[m->dprops[d][k]];
		qsort(m->dprops[d], m->dn[d], sizeof(uint32_t), cmp_u32);
		m->first[m->dprops[d][0]]++;
	}
	an__csr_starts(m->first, nn);
	for (d = 0; d < ndefs; d++)
		m->by_first[m->first[m->dprops[d][0]]++] = (uint32_t)d;
	an__csr_restore(m->first, nn);
	rc = AN_OK;
done:
	free(ids);
	free(tmp);
	return rc;
}

/* 1 when the sorted ranks sub[0..ns) are a sub-multiset of
 * set[0..n). */
static int includes(const uint32_t *set, uint32_t n, const uint32_t *sub,
		    uint32_t ns)
{
	uint32_t i = 0, j = 0;

	while (j < ns) {
		while (i < n && set[i] < sub[j])
			i++;
		if (i == n || set[i] != sub[j])
			return 0;
		i++;
		j++;
	}
	return 1;
}

/* The definition a property set (ranks, sorted) takes, or -1. */
static int64_t best_def(const defs_match *m, const uint32_t *r, uint32_t n)
{
	int64_t best = -1;
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		if (i && r[i] == r[i - 1])
			continue;
		for (k = m->first[r[i]]; k < m->first[r[i] + 1]; k++) {
			uint32_t d = m->by_first[k];
			if (best >= 0 && (m->dn[d] < m->dn[best] ||
					  (m->dn[d] == m->dn[best] &&
					   d > best)))
				continue;
			if (includes(r + i, n - i, m->dprops[d], m->dn[d]))
				best = d;
		}
	}
	return best;
}

/* ---- rows ---- */

/* A row of the diff while counting: a target class, or a class key
 * only the base has (name, location). */
typedef struct acc {
	uint64_t newc, delc, alloc, freed;
	uint32_t last_base;  /* base strs id: own class name of the
				base member of highest id, or AN_NONE */
	an_str name;         /* extra rows: the key's name */
	uint8_t has_loc;
	uint32_t loc[3];
} acc;

typedef struct row_map {
	an_hashtab t;         /* (name, location) -> target class or
				 extra row */
	const an_heap *h;
	acc *extra;           /* rows T.. */
	an_strtab names;      /* their names */
	uint32_t nextra;
	size_t ecap;
	an_str qname;         /* lookup key */
	int qloc;
	const uint32_t *ql;
} row_map;

static uint64_t rk_hash(an_str name, int loc, const uint32_t *l)
{
	uint64_t x = an__ht_bytes(name.ptr, name.len);

	if (loc)
		x ^= an__ht_mix64(((uint64_t)l[0] << 40) ^
				  ((uint64_t)l[1] << 20) ^ l[2] ^ 7);
	return x;
}

/* row k's (name, location) */
static void rk_get(const row_map *m, uint32_t k, an_str *name, int *loc,
		   const uint32_t **l, uint32_t *buf)
{
	uint32_t nt = m->h->d.nclasses;

	if (k < nt) {
		const an_heap_class *c = &m->h->d.classes[k];
		*name = c->name;
		*loc = c->has_location;
		buf[0] = c->script_id;
		buf[1] = c->line;
		buf[2] = c->column;
		*l = buf;
		return;
	}
	*name = m->extra[k - nt].name;
	*loc = m->extra[k - nt].has_loc;
	*l = m->extra[k - nt].loc;
}

static uint64_t rk_item_hash(uint32_t k, const void *ctx)
{
	uint32_t buf[3];
	const uint32_t *l;
	an_str nm;
	int loc;

	rk_get(ctx, k, &nm, &loc, &l, buf);
	return rk_hash(nm, loc, l);
}

static int rk_eq(uint32_t k, const void *unused, const void *ctx)
{
	const row_map *m = ctx;
	uint32_t buf[3];
	const uint32_t *l;
	an_str nm;
	int loc;

	(void)unused;
	rk_get(m, k, &nm, &loc, &l, buf);
	return nm.len == m->qname.len &&
	       !memcmp(nm.ptr, m->qname.ptr, nm.len) && loc == m->qloc &&
	       (!loc || !memcmp(l, m->ql, 3 * sizeof(*l)));
}

/* The row of (name, location): a target class, else a new extra row. */
static int row_of(row_map *m, an_str name, int loc, const uint32_t *l,
		  uint32_t *out)
{
	uint32_t nt = m->h->d.nclasses;
	int rc;

	m->qname = name;
	m->qloc = loc;
	m->ql = l;
	if (an__grow((void **)&m->extra, &m->ecap, (size_t)m->nextra + 1,
		     sizeof(*m->extra)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&m->t, rk_hash(name, loc, l), m, nt + m->nextra,
			out);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		acc *a = &m->extra[m->nextra++];
		uint32_t sid;
		memset(a, 0, sizeof(*a));
		/* a copy: the name may be the definitions' */
		rc = an__strtab_intern(&m->names, name.ptr, name.len, &sid);
		if (rc < 0)
			return rc;
		a->name = m->names.items[sid];
		a->has_loc = (uint8_t)loc;
		if (loc)
			memcpy(a->loc, l, sizeof(a->loc));
	}
	return AN_OK;
}

typedef struct row_sort {
	const an_heap_diff_row *rows;
} row_sort;

/* DevTools' default order: alloc size descending, then the name (the
 * oracle's tie-break), then the location */
static int cmp_row(uint32_t a, uint32_t b, const void *ctx)
{
	const an_heap_diff_row *x = &((const row_sort *)ctx)->rows[a];
	const an_heap_diff_row *y = &((const row_sort *)ctx)->rows[b];
	int r;

	if (x->alloc_size != y->alloc_size)
		return x->alloc_size > y->alloc_size ? -1 : 1;
	r = an__str_cmp(x->name, y->name);
	if (r)
		return r;
	if (x->has_location != y->has_location)
		return x->has_location ? 1 : -1;
	if (x->script_id != y->script_id)
		return x->script_id < y->script_id ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return 0;
}

/* ---- the merge ---- */

static int sort_run(uint64_t *v, uint64_t *tmp, size_t n)
{
	size_t i, j;

	if (n > 32)
		return an__radix_u64(v, tmp, n, 0, 64);
	for (i = 1; i < n; i++) {
		uint64_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return AN_OK;
}

typedef struct merge {
	const an_heap_base *b;
	const an_heap *t;
	const uint32_t *brow;  /* base key -> row */
	acc *rows;             /* per row key */
	an_heap_diff *d;
	uint64_t *rb, *rt, *tmp; /* run scratch */
	size_t rcap;
} merge;

static void deleted(merge *m, uint32_t row, uint32_t e, uint64_t id)
{
	m->rows[row].delc++;
	m->rows[row].freed += an__size_get(&m->b->size, e);
	if (!(m->b->native[e >> 3] >> (e & 7) & 1) &&
	    id > m->d->info.max_deleted_id)
		m->d->info.max_deleted_id = id;
}

static void added(merge *m, uint32_t row, uint32_t v, uint64_t id)
{
	m->rows[row].newc++;
	m->rows[row].alloc += an__size_get(&m->t->d.self, v);
	m->d->is_new[v >> 3] |= (uint8_t)(1u << (v & 7));
	if (!is_embedder(m->t, v) && id > m->d->info.max_new_id)
		m->d->info.max_new_id = id;
}

/* One id: base entries e0 .. e0 + nb - 1, target nodes to[0..nt);
 * matched per class as DevTools' per-class merge-joins match equal
 * ids. */
static int merge_id(merge *m, uint64_t id, uint32_t e0, size_t nb,
		    const uint32_t *to, size_t nt)
{
	size_t i, j, need = nb > nt ? nb : nt;
	const an_heap_base *b = m->b;

	for (i = 0; i < nb; i++) {
		uint32_t e = e0 + (uint32_t)i;
		m->rows[m->brow[b->key[e]]].last_base = b->keys[b->key[e]].name;
	}
	if (nb == 1 && nt <= 1) {
		uint32_t e = e0;
		uint32_t rb = m->brow[b->key[e]];
		if (nt == 1) {
			uint32_t v = to[0];
			uint32_t rt = m->t->d.cls[v];
			if (rt == rb)
				return AN_OK;
			added(m, rt, v, id);
		}
		deleted(m, rb, e, id);
		return AN_OK;
	}
	if (nb == 0) {
		for (j = 0; j < nt; j++)
			added(m, m->t->d.cls[to[j]], to[j], id);
		return AN_OK;
	}
	if (need > m->rcap) {
		void *p;
		size_t nc = need * 2;
		p = an__reallocarray(m->rb, nc, sizeof(uint64_t));
		if (!p)
			return AN_ENOMEM;
		m->rb = p;
		p = an__reallocarray(m->rt, nc, sizeof(uint64_t));
		if (!p)
			return AN_ENOMEM;
		m->rt = p;
		p = an__reallocarray(m->tmp, nc, sizeof(uint64_t));
		if (!p)
			return AN_ENOMEM;
		m->tmp = p;
		m->rcap = nc;
	}
	for (i = 0; i < nb; i++) {
		uint32_t e = e0 + (uint32_t)i;
		m->rb[i] = (uint64_t)m->brow[b->key[e]] << 32 | e;
	}
	for (j = 0; j < nt; j++)
		m->rt[j] = (uint64_t)m->t->d.cls[to[j]] << 32 | to[j];
	if (sort_run(m->rb, m->tmp, nb) < 0 || sort_run(m->rt, m->tmp, nt) < 0)
		return AN_ENOMEM;
	i = j = 0;
	while (i < nb || j < nt) {
		uint32_t kb = i < nb ? (uint32_t)(m->rb[i] >> 32) : UINT32_MAX;
		uint32_t kt = j < nt ? (uint32_t)(m->rt[j] >> 32) : UINT32_MAX;
		if (i < nb && (j == nt || kb < kt)) {
			deleted(m, kb, (uint32_t)m->rb[i], id);
			i++;
		} else if (j < nt && (i == nb || kt < kb)) {
			added(m, kt, (uint32_t)m->rt[j], id);
			j++;
		} else {
			i++;
			j++;
		}
	}
	return AN_OK;
}

static int run_merge(merge *m, const uint32_t *tord, uint32_t nt)
{
	const uint32_t *bid = m->b->ids;
	const uint32_t *nid = m->t->nid;
	uint32_t nb = m->b->n;
	size_t i = 0, j = 0;
	int rc;

	while (i < nb || j < nt) {
		uint64_t idb = i < nb ? bid[i] : UINT64_MAX;
		uint64_t idt = j < nt ? nid[tord[j]] : UINT64_MAX;
		uint64_t id = idb < idt ? idb : idt;
		size_t i2 = i, j2 = j;
		while (i2 < nb && bid[i2] == id)
			i2++;
		while (j2 < nt && nid[tord[j2]] == id)
			j2++;
		if (i2 > i && j2 > j)
			m->d->info.shared++;
		rc = merge_id(m, id, (uint32_t)i, i2 - i, tord + j, j2 - j);
		if (rc < 0)
			return rc;
		i = i2;
		j = j2;
	}
	return AN_OK;
}

/* The row key of every base key: classes by (name, location), property
 * sets by the target's definition they match (else "Object"). */
static int base_rows(uint32_t *brow, row_map *rm, const an_heap_base *b,
		     const an_heap *t)
{
	an__iface_def *defs = NULL;
	size_t ndefs = 0;
	defs_match dm;
	uint32_t *bmap = NULL, *ranks = NULL, k, i;
	an_str object = {"Object", 6};
	int rc;

	memset(&dm, 0, sizeof(dm));
	an__strtab_init(&dm.names);
	rc = an__heap_iface_defs(&defs, &ndefs, t);
	if (rc < 0)
		goto done;
	rc = AN_ENOMEM;
	bmap = an__calloc((size_t)b->strs.count + 1, sizeof(*bmap));
	ranks = malloc((b->nprops + 1) * sizeof(*ranks));
	if (!bmap || !ranks)
		goto done;
	rc = defs_prepare(&dm, defs, ndefs, t, b, bmap);
	if (rc < 0)
		goto done;
	for (k = 0; k < b->nkeys; k++) {
		const an__base_key *key = &b->keys[k];
		an_str name = b->strs.items[key->name];
		if (key->plain) {
			int64_t d;
			for (i = 0; i < key->nprops; i++)
				ranks[i] = dm.rank[bmap[b->props[key->first +
								 i]] - 1];
			/* names sorted bytewise: ranks are sorted too */
			d = ndefs ? best_def(&dm, ranks, key->nprops) : -1;
			if (d >= 0) {
				name.ptr = defs[d].name;
				name.len = (uint32_t)defs[d].name_len;
			} else {
				name = object;
			}
		}
		rc = row_of(rm, name, key->has_loc, key->loc, &brow[k]);
		if (rc < 0)
			goto done;
	}
	rc = AN_OK;
done:
	defs_match_free(&dm);
	an__heap_iface_defs_free(defs, ndefs);
	free(bmap);
	free(ranks);
	return rc;
}

/* The rows with new or deleted objects, named, in DevTools' order. */
static int make_rows(an_heap_diff *d, const acc *rows, const row_map *rm,
		     const an_heap *t, const an_heap_base *b,
		     const uint8_t *has_member)
{
	uint32_t nt = t->d.nclasses, n = nt + rm->nextra, k, r = 0;
	an_heap_diff_row *out;
	uint32_t *ord = NULL, *tmp = NULL;
	row_sort rs;
	int rc;

	out = calloc((size_t)n + 1, sizeof(*out));
	if (!out)
		return AN_ENOMEM;
	for (k = 0; k < n; k++) {
		const acc *a = &rows[k];
		an_heap_diff_row *w = &out[r];
		an_str name;
		uint32_t sid;
		if (!a->newc && !a->delc)
			continue;
		if (k < nt) {
			const an_heap_class *c = &t->d.classes[k];
			name = c->name;
			w->has_location = c->has_location;
			w->script_id = c->script_id;
			w->line = c->line;
			w->column = c->column;
			w->target_class = k;
		} else {
			const acc *x = &rm->extra[k - nt];
			name = x->name;
			w->has_location = x->has_loc;
			w->script_id = x->loc[0];
			w->line = x->loc[1];
			w->column = x->loc[2];
			w->target_class = AN_NONE;
		}
		rc = an__strtab_intern(&d->strs, name.ptr, name.len, &sid);
		if (rc < 0) {
			free(out);
			return rc;
		}
		w->key_name.len = sid; /* resolved below: items may move */
		/* DevTools names a row after the target's aggregate, or,
		 * when the target has no member, after the base's last
		 * member (its own class name, before re-classing) */
		if ((k >= nt || !has_member[k]) && a->last_base != AN_NONE) {
			name = b->strs.items[a->last_base];
			rc = an__strtab_intern(&d->strs, name.ptr, name.len,
					       &sid);
			if (rc < 0) {
				free(out);
				return rc;
			}
		}
		w->name.len = sid;
		w->new_count = a->newc;
		w->deleted_count = a->delc;
		w->count_delta = (int64_t)a->newc - (int64_t)a->delc;
		w->alloc_size = a->alloc;
		w->freed_size = a->freed;
		w->size_delta = (int64_t)a->alloc - (int64_t)a->freed;
		d->info.new_count += a->newc;
		d->info.deleted_count += a->delc;
		r++;
	}
	for (k = 0; k < r; k++) {
		out[k].name = d->strs.items[out[k].name.len];
		out[k].key_name = d->strs.items[out[k].key_name.len];
	}
	ord = malloc(((size_t)r + 1) * sizeof(*ord));
	tmp = malloc(((size_t)r + 1) * sizeof(*tmp));
	d->rows = calloc((size_t)r + 1, sizeof(*d->rows));
	if (!ord || !tmp || !d->rows) {
		free(ord);
		free(tmp);
		free(out);
		return AN_ENOMEM;
	}
	for (k = 0; k < r; k++)
		ord[k] = k;
	rs.rows = out;
	an__sort_keys(ord, tmp, r, cmp_row, &rs);
	for (k = 0; k < r; k++)
		d->rows[k] = out[ord[k]];
	d->nrows = r;
	free(ord);
	free(tmp);
	free(out);
	return AN_OK;
}

int an_heap_diff_new(an_heap_diff **out, const an_heap_base *b,
		     const an_heap *t, an_error *err)
{
	an_heap_diff *d;
	row_map rm;
	merge m;
	uint32_t *brow = NULL, v, nt = 0, k, nrows;
	uint32_t *tord = NULL, *scratch = NULL;
	uint8_t *has_member = NULL;
	acc *rows = NULL;
	int rc = AN_ENOMEM;

	*out = NULL;
	memset(&rm, 0, sizeof(rm));
	memset(&m, 0, sizeof(m));
	an__strtab_init(&rm.names);
	d = calloc(1, sizeof(*d));
	if (!d || !b || !t)
		goto done;
	an__strtab_init(&d->strs);
	rm.h = t;
	an__ht_init(&rm.t, rk_item_hash, rk_eq, &rm);
	/* the target's classes first, so that a base key finds its own */
	rc = an__ht_reserve(&rm.t, t->d.nclasses);
	for (k = 0; rc == AN_OK && k < t->d.nclasses; k++) {
		uint32_t l[3] = {t->d.classes[k].script_id,
				 t->d.classes[k].line,
				 t->d.classes[k].column};
		rc = an__ht_put(&rm.t,
				rk_hash(t->d.classes[k].name,
					t->d.classes[k].has_location, l),
				k);
	}
	if (rc < 0)
		goto done;
	rc = AN_ENOMEM;
	brow = an__calloc((size_t)b->nkeys + 1, sizeof(*brow));
	if (!brow)
		goto done;
	rc = base_rows(brow, &rm, b, t);
	if (rc < 0)
		goto done;
	rc = AN_ENOMEM;
	nrows = t->d.nclasses + rm.nextra;
	rows = an__calloc((size_t)nrows + 1, sizeof(*rows));
	d->node_count = t->node_count;
	d->is_new = an__calloc((size_t)t->node_count / 8 + 1, 1);
	if (!rows || !d->is_new)
		goto done;
	for (k = 0; k < nrows; k++)
		rows[k].last_base = AN_NONE;
	/* classes with members: a node of non-zero shallow size (the
	 * target may come without its Summary) */
	has_member = an__calloc((size_t)t->d.nclasses + 1, 1);
	if (!has_member)
		goto done;
	for (v = 0; v < t->node_count; v++)
		if (an__size_get(&t->d.self, v)) {
			has_member[t->d.cls[v]] = 1;
			nt++;
		}
	tord = an__calloc((size_t)nt + 1, sizeof(*tord));
	scratch = an__calloc((size_t)nt + 1, sizeof(*scratch));
	if (!tord || !scratch)
		goto done;
	nt = 0;
	for (v = 0; v < t->node_count; v++)
		if (an__size_get(&t->d.self, v))
			tord[nt++] = v;
	rc = radix_nodes(tord, scratch, nt, t->nid);
	if (rc < 0)
		goto done;
	rc = AN_ENOMEM;
	free(scratch);
	scratch = NULL;
	d->info.base_objects = b->n;
	d->info.target_objects = nt;
	m.b = b;
	m.t = t;
	m.brow = brow;
	m.rows = rows;
	m.d = d;
	rc = run_merge(&m, tord, nt);
	if (rc < 0)
		goto done;
	rc = make_rows(d, rows, &rm, t, b, has_member);
done:
	free(has_member);
	free(m.rb);
	free(m.rt);
	free(m.tmp);
	free(tord);
	free(scratch);
	free(rows);
	free(brow);
	an__ht_free(&rm.t);
	free(rm.extra);
	an__strtab_free(&rm.names);
	if (rc < 0) {
		an_heap_diff_free(d);
		return an__fail(err, rc, AN_NO_OFFSET, "%s",
				rc == AN_ENOMEM ? "out of memory" :
						  an_status_str(rc));
	}
	*out = d;
	return AN_OK;
}

void an_heap_diff_free(an_heap_diff *d)
{
	if (!d)
		return;
	an__strtab_free(&d->strs);
	free(d->rows);
	free(d->is_new);
	free(d);
}

uint32_t an_heap_diff_rows(const an_heap_diff *d,
			   const an_heap_diff_row **rows)
{
	*rows = d ? d->rows : NULL;
	return d ? d->nrows : 0;
}

const an_heap_diff_info *an_heap_diff_get_info(const an_heap_diff *d)
{
	return d ? &d->info : NULL;
}

int an_heap_diff_is_new(const an_heap_diff *d, uint32_t n)
{
	if (!d || n >= d->node_count)
		return 0;
	return d->is_new[n >> 3] >> (n & 7) & 1;
}

int an_heap_diff_load(an_heap_diff **out, const an_heap_base *b,
		      an_source *target, const an_heap_load_opts *opts,
		      an_error *err)
{
	an_heap *t = NULL;
	int rc;

	*out = NULL;
	rc = an__heap_load_light(&t, target, opts, err);
	if (rc == AN_OK)
		rc = an_heap_diff_new(out, b, t, err);
	an_heap_free(t);
	return rc;
}

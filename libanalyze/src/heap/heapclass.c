/*
 * heapclass.c - class names as DevTools' Summary groups objects
 * (calculateObjectNames, inferInterfaceDefinitions,
 * applyInterfaceDefinitions, classKeyInternal): names by node type, "<div>"
 * trimming, interface names like "{a, b}" for popular plain-object shapes
 * (matched through a property tree), and location keys for constructors.
 */
#include <stdio.h>

#include "heap/heap_int.h"

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static int sb_put(sbuf *b, const char *s, size_t n)
{
	if (an__grow((void **)&b->p, &b->cap, b->len + n + 1, 1) < 0)
		return AN_ENOMEM;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return AN_OK;
}

/* DevTools JSHeapSnapshotNode.formatPropertyName, appended to b */
static int put_property(sbuf *b, an_str s)
{
	size_t n = an__heap_prop_format(s, NULL, 0);

	if (an__grow((void **)&b->p, &b->cap, b->len + n + 1, 1) < 0)
		return AN_ENOMEM;
	an__heap_prop_format(s, b->p + b->len, n);
	b->len += n;
	b->p[b->len] = '\0';
	return AN_OK;
}

/* Class table: (name, location) -> class index, over h->d.classes. */
typedef struct cls_map {
	an_hashtab t;
	size_t ccap;     /* capacity of h->d.classes */
} cls_map;

typedef struct cls_key {
	an_str name;
	int loc;
	const uint32_t *l3;   /* script id, line, column when loc */
} cls_key;

static uint64_t cls_hash(an_str name, int loc, const uint32_t *l3)
{
	uint64_t x = an__ht_bytes(name.ptr, name.len);

	if (loc)
		x ^= ((uint64_t)l3[0] << 40) ^ ((uint64_t)l3[1] << 20) ^
		     l3[2] ^ 0x9e3779b97f4a7c15ull;
	return x * 0xff51afd7ed558ccdull;
}

static uint64_t cls_item_hash(uint32_t k, const void *ctx)
{
	const an_heap_class *c = &((const an_heap *)ctx)->d.classes[k];
	uint32_t cl[3] = {c->script_id, c->line, c->column};

	return cls_hash(c->name, c->has_location, cl);
}

static int cls_eq(uint32_t k, const void *key, const void *ctx)
{
	const an_heap_class *c = &((const an_heap *)ctx)->d.classes[k];
	const cls_key *q = key;

	return c->name.len == q->name.len &&
	       memcmp(c->name.ptr, q->name.ptr, q->name.len) == 0 &&
	       c->has_location == q->loc &&
	       (!q->loc || (c->script_id == q->l3[0] &&
			    c->line == q->l3[1] && c->column == q->l3[2]));
}

static int cls_get(an_heap *h, cls_map *m, an_str name, int loc,
		   const uint32_t *l3, uint32_t *out)
{
	cls_key q = {name, loc, l3};
	an_heap_class *c;
	int rc;

	if (h->d.nclasses >= m->ccap &&
	    an__grow((void **)&h->d.classes, &m->ccap, (size_t)h->d.nclasses + 1,
		     sizeof(*h->d.classes)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&m->t, cls_hash(name, loc, l3), &q, h->d.nclasses, out);
	if (rc <= 0)
		return rc;
	c = &h->d.classes[h->d.nclasses++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->has_location = loc;
	if (loc) {
		c->script_id = l3[0];
		c->line = l3[1];
		c->column = l3[2];
	}
	c->distance = INT32_MAX;
	return AN_OK;
}

/* Adds a string the snapshot did not have (class names); returns it. */
static int add_string(an_heap *h, const char *s, size_t n, an_str *out)
{
	uint32_t id;
	int rc = an__strtab_push(&h->strs, s, n, &id);

	if (rc < 0)
		return rc;
	*out = h->strs.items[id];
	return AN_OK;
}

/* "<div class=...>" (after `skip` bytes) is classed "<div>": *name
 * becomes the stored short name, *raw 0, when it has a space. */
static int tag_class(an_heap *h, sbuf *b, an_str *name, size_t skip,
		     int *raw)
{
	const char *sp = memchr(name->ptr + skip, ' ', name->len - skip);

	if (!sp)
		return AN_OK;
	b->len = 0;
	*raw = 0;
	if (sb_put(b, name->ptr, (size_t)(sp - name->ptr)) < 0 ||
	    sb_put(b, ">", 1) < 0)
		return AN_ENOMEM;
	return add_string(h, b->p, b->len, name);
}

/* Interface candidates: name -> count, properties (string indexes). */
typedef struct iface {
	an_str name;      /* points at `own` until the heap stores it */
	char *own;        /* the name, allocated while inferring */
	uint32_t *props;  /* property name string indexes, edge order */
	uint32_t nprops;
	uint64_t count;
	uint32_t first;   /* first-seen order, for a stable sort */
} iface;

typedef struct iface_set {
	iface *v;
	size_t n, cap;
	an_hashtab t;     /* by name, while inferring */
} iface_set;

static uint64_t iface_hash(uint32_t k, const void *ctx)
{
	const iface *f = &((const iface_set *)ctx)->v[k];

	return an__ht_bytes(f->name.ptr, f->name.len);
}

static int iface_eq(uint32_t k, const void *key, const void *ctx)
{
	const iface *f = &((const iface_set *)ctx)->v[k];
	const an_str *q = key;

	return f->name.len == q->len &&
	       memcmp(f->name.ptr, q->ptr, q->len) == 0;
}

/* The candidate named (name, len), created (with that temporary name,
 * which the caller replaces) when missing. */
static iface *iface_find(iface_set *s, const char *name, size_t len,
			 int *created)
{
	an_str q;
	uint32_t k;
	int rc;

	q.ptr = name;
	q.len = (uint32_t)len;
	*created = 0;
	if (an__grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return NULL;
	rc = an__ht_add(&s->t, an__ht_bytes(name, len), &q,
			(uint32_t)s->n, &k);
	if (rc < 0)
		return NULL;
	if (rc == 1) {
		memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
		s->v[s->n].name = q;
		s->v[s->n].first = (uint32_t)s->n;
		s->n++;
		*created = 1;
	}
	return &s->v[k];
}

static int is_plain_object(const an_heap *h, uint32_t v)
{
	return h->ntype[v] == h->t_object &&
	       an__heap_str_is(h, an__heap_name(h, v), "Object");
}

/*
 * Plain objects of one shape (the name indexes of their property edges,
 * in edge order) get the same interface and the same class: a shape is
 * worked out once and remembered (up to SHAPE_MAX_IDS names in all, so
 * that a snapshot of ever new shapes costs no more memory than that).
 * The hash starts from the table's random seed: shapes chosen to share
 * a hash cannot make the lookups slow.
 */
#define SHAPE_MAX_IDS (1u << 20)

typedef struct shape {
	size_t at;              /* its names: ids[at .. at + n) */
	uint32_t n;
	uint32_t val;           /* what was made of it */
	uint64_t hash;
} shape;

typedef struct shape_memo {
	an_hashtab t;
	shape *v;
	size_t nv, vcap;
	uint32_t *ids;
	size_t nids, idcap;
	uint32_t *key;          /* the shape being looked up */
	uint32_t nkey;
	size_t keycap;
	uint64_t seed;
} shape_memo;

static uint64_t shape_item_hash(uint32_t k, const void *ctx)
{
	return ((const shape_memo *)ctx)->v[k].hash;
}

static int shape_eq(uint32_t k, const void *key, const void *ctx)
{
	const shape_memo *m = ctx;
	const shape *sh = &m->v[k];

	(void)key;
	return sh->n == m->nkey &&
	       (!m->nkey ||
		!memcmp(m->ids + sh->at, m->key, m->nkey * sizeof(*m->key)));
}

static int shape_init(shape_memo *m)
{
	memset(m, 0, sizeof(*m));
	an__ht_init(&m->t, shape_item_hash, shape_eq, m);
	if (an__ht_reserve(&m->t, 64) < 0)
		return AN_ENOMEM;
	m->seed = m->t.seed;
	return AN_OK;
}

static void shape_free(shape_memo *m)
{
	an__ht_free(&m->t);
	free(m->v);
	free(m->ids);
	free(m->key);
}

/* Node v's shape into m->key; its hash. */
static int shape_read(shape_memo *m, const an_heap *h, uint32_t v,
		      uint64_t *hash)
{
	uint64_t x = m->seed;
	uint32_t e;

	m->nkey = 0;
	for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
		if (h->etype[e] != h->e_property)
			continue;
		if (m->nkey == m->keycap &&
		    an__grow((void **)&m->key, &m->keycap, m->nkey + 1,
			     sizeof(*m->key)) < 0)
			return AN_ENOMEM;
		m->key[m->nkey++] = h->ename[e];
		x = an__ht_mix64(x ^ h->ename[e]);
	}
	*hash = an__ht_mix64(x ^ m->nkey);
	return AN_OK;
}

/* 1 with *val when the shape in m->key (of `hash`) is known, else 0. */
static int shape_get(const shape_memo *m, uint64_t hash, uint32_t *val)
{
	uint32_t k = an__ht_find(&m->t, hash, NULL);

	if (k == AN_HT_NONE)
		return 0;
	*val = m->v[k].val;
	return 1;
}

/* Remembers val for the shape in m->key, while there is room. */
static int shape_put(shape_memo *m, uint64_t hash, uint32_t val)
{
	int rc;

	if (m->nids + m->nkey > SHAPE_MAX_IDS)
		return AN_OK;
	if (an__grow((void **)&m->v, &m->vcap, m->nv + 1, sizeof(*m->v)) < 0 ||
	    an__grow((void **)&m->ids, &m->idcap, m->nids + m->nkey + 1,
		     sizeof(*m->ids)) < 0)
		return AN_ENOMEM;
	m->v[m->nv].at = m->nids;
	m->v[m->nv].n = m->nkey;
	m->v[m->nv].val = val;
	m->v[m->nv].hash = hash;
	if (m->nkey) /* no key array before the first property */
		memcpy(m->ids + m->nids, m->key, m->nkey * sizeof(*m->key));
	rc = an__ht_put(&m->t, hash, (uint32_t)m->nv);
	if (rc < 0)
		return rc;
	m->nids += m->nkey;
	m->nv++;
	return AN_OK;
}

static int cmp_iface(const void *a, const void *b)
{
	const iface *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* inferInterfaceDefinitions: the popular property lists of plain objects
 * (h is only read: a diff infers the target's again) */
static int infer_interfaces(const an_heap *h, iface_set *s, size_t *ndefs)
{
	uint32_t v, e, total = 0, *props = NULL, known;
	size_t pcap = 0, i;
	sbuf b = {NULL, 0, 0};
	shape_memo sm;
	uint64_t hash;
	double min_count;
	int rc = shape_init(&sm);

	for (v = 0; rc == AN_OK && v < h->node_count; v++) {
		uint32_t np = 0;
		iface *f;
		int created;
		if (!is_plain_object(h, v))
			continue;
		total++;
		rc = shape_read(&sm, h, v, &hash);
		if (rc < 0)
			goto done;
		if (shape_get(&sm, hash, &known)) {
			if (known != AN_HT_NONE)
				s->v[known].count++;
			continue;
		}
		rc = AN_ENOMEM;
		b.len = 0;
		if (sb_put(&b, "{", 1) < 0)
			goto done;
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			an_str nm;
			if (h->etype[e] != h->e_property)
				continue;
			nm = h->strs.items[h->ename[e]];
			if (nm.len == 9 && !memcmp(nm.ptr, "__proto__", 9))
				continue;
			{
				size_t flen = an__heap_prop_units(nm);
				size_t cur = an__heap_js_len(b.p, b.len);
				if (cur > 1 && cur + flen > 120)
					break;
				if (cur != 1 && sb_put(&b, ", ", 2) < 0)
					goto done;
				if (put_property(&b, nm) < 0)
					goto done;
			}
			if (an__grow((void **)&props, &pcap, np + 1,
				     sizeof(*props)) < 0)
				goto done;
			props[np++] = h->ename[e];
		}
		if (np == 0) {
			rc = shape_put(&sm, hash, AN_HT_NONE);
			continue;
		}
		if (sb_put(&b, "}", 1) < 0)
			goto done;
		f = iface_find(s, b.p, b.len, &created);
		if (!f)
			goto done;
		if (created) {
			f->own = malloc(b.len + 1);
			if (!f->own)
				goto done;
			memcpy(f->own, b.p, b.len + 1);
			f->name.ptr = f->own;
			f->props = malloc(np * sizeof(*f->props));
			if (!f->props)
				goto done;
			memcpy(f->props, props, np * sizeof(*props));
			f->nprops = np;
		}
		f->count++;
		rc = shape_put(&sm, hash, (uint32_t)(f - s->v));
	}
	if (rc < 0)
		goto done;
	/* the table is keyed on positions: drop it before sorting */
	an__ht_free(&s->t);
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_iface);
	min_count = total / 1000.0 > 2 ? total / 1000.0 : 2;
	for (i = 0; i < s->n && (double)s->v[i].count >= min_count; i++)
		;
	*ndefs = i;
	rc = AN_OK;
done:
	shape_free(&sm);
	free(props);
	free(b.p);
	return rc;
}


/* Property tree of the definitions (applyInterfaceDefinitions). */
typedef struct ptree {
	an_hashtab kids;         /* (parent, string) -> tree node */
	uint32_t *parent;        /* per tree node */
	uint32_t *key;           /* property string index */
	int64_t *match;          /* definition index, or -1 */
	uint32_t *match_props;   /* its property count */
	int64_t *greatest;       /* string index of the greatest next, -1 */
	uint32_t n, ncap;
} ptree;

static uint64_t pt_hash(uint32_t parent, uint32_t key)
{
	return an__ht_mix64((uint64_t)parent << 32 | key);
}

static uint64_t pt_item_hash(uint32_t k, const void *ctx)
{
	const ptree *t = ctx;

	return pt_hash(t->parent[k], t->key[k]);
}

static int pt_eq(uint32_t k, const void *key, const void *ctx)
{
	const ptree *t = ctx;
	const uint32_t *q = key;

	return t->parent[k] == q[0] && t->key[k] == q[1];
}

static uint32_t pt_find(const ptree *t, uint32_t parent, uint32_t key)
{
	uint32_t q[2] = {parent, key};

	return an__ht_find(&t->kids, pt_hash(parent, key), q);
}

static int pt_add(ptree *t, uint32_t parent, uint32_t key, uint32_t *out)
{
	if (t->n + 1 > t->ncap) {
		uint32_t nc = t->ncap ? t->ncap * 2 : 64;
		void *a = an__reallocarray(t->parent, nc, sizeof(uint32_t));
		if (!a)
			return AN_ENOMEM;
		t->parent = a;
		if (!(a = an__reallocarray(t->key, nc, sizeof(uint32_t))))
			return AN_ENOMEM;
		t->key = a;
		if (!(a = an__reallocarray(t->match, nc, sizeof(int64_t))))
			return AN_ENOMEM;
		t->match = a;
		if (!(a = an__reallocarray(t->match_props, nc,
					   sizeof(uint32_t))))
			return AN_ENOMEM;
		t->match_props = a;
		if (!(a = an__reallocarray(t->greatest, nc, sizeof(int64_t))))
			return AN_ENOMEM;
		t->greatest = a;
		t->ncap = nc;
	}
	t->parent[t->n] = parent;
	t->key[t->n] = key;
	t->match[t->n] = -1;
	t->match_props[t->n] = 0;
	t->greatest[t->n] = -1;
	/* the root (node 0) is nobody's child */
	if (t->n > 0 && an__ht_put(&t->kids, pt_hash(parent, key), t->n) < 0)
		return AN_ENOMEM;
	*out = t->n++;
	return AN_OK;
}

/* A property name and its string index, sorted by the name (the
 * comparator needs no heap: two heaps may be analysed at once). */
typedef struct prop_key {
	an_str name;
	uint32_t id;
} prop_key;

static int cmp_prop(const void *a, const void *b)
{
	return an__str_cmp(((const prop_key *)a)->name,
			   ((const prop_key *)b)->name);
}

static void ptree_free(ptree *t)
{
	an__ht_free(&t->kids);
	free(t->parent);
	free(t->key);
	free(t->match);
	free(t->match_props);
	free(t->greatest);
}

/* Better of the current match (index mi, count mc) and tree node k. */
static void better(const ptree *t, uint32_t k, int64_t *mi, uint32_t *mc)
{
	if (t->match[k] < 0)
		return;
	if (*mi < 0 || t->match_props[k] > *mc ||
	    (t->match_props[k] == *mc && t->match[k] < *mi)) {
		*mi = t->match[k];
		*mc = t->match_props[k];
	}
}

/*
 * Class per node. Names: DevTools' getNodeClassIndex; plain objects take
 * the best matching interface definition; objects with a location are
 * keyed by (script, line, column, name).
 */
int an__heap_class_names(an_heap *h)
{
	iface_set s;
	ptree t;
	cls_map m;
	size_t ndefs = 0, d;
	uint32_t v, e, root_t, *states = NULL, *nstates = NULL;
	prop_key *props = NULL;
	size_t pcap = 0, scap = 0, nscap = 0;
	an_str sys, code, fn, re;
	an_str *iface_names = NULL;
	sbuf b = {NULL, 0, 0};
	int rc = AN_ENOMEM;
	uint32_t type_cls[256], *name_cls = NULL;
	shape_memo cm;
	uint64_t hash = 0;

	if (shape_init(&cm) < 0)
		return AN_ENOMEM;
	memset(&s, 0, sizeof(s));
	an__ht_init(&s.t, iface_hash, iface_eq, &s);
	memset(&t, 0, sizeof(t));
	an__ht_init(&t.kids, pt_item_hash, pt_eq, &t);
	m.ccap = 0;
	an__ht_init(&m.t, cls_item_hash, cls_eq, h);
	for (d = 0; d < 256; d++)
		type_cls[d] = AN_NONE;
	name_cls = an__calloc(h->strs.count, sizeof(*name_cls));
	if (!name_cls)
		goto done;
	h->d.cls = an__heap_pool_alloc(h, AN__POOL_CLS, h->node_count,
				       sizeof(*h->d.cls), 1);
	if (!h->d.cls)
		goto done;
	if (add_string(h, "(system)", 8, &sys) < 0 ||
	    add_string(h, "(compiled code)", 15, &code) < 0 ||
	    add_string(h, "Function", 8, &fn) < 0 ||
	    add_string(h, "RegExp", 6, &re) < 0)
		goto done;
	if (infer_interfaces(h, &s, &ndefs) < 0)
		goto done;
	for (d = 0; d < ndefs; d++)
		if (add_string(h, s.v[d].name.ptr, s.v[d].name.len,
			       &s.v[d].name) < 0)
			goto done;
	/* property tree */
	if (pt_add(&t, AN_NONE, 0, &root_t) < 0)
		goto done;
	for (d = 0; d < ndefs; d++) {
		uint32_t *sorted = malloc(s.v[d].nprops * sizeof(uint32_t) + 1);
		prop_key *keys = malloc(s.v[d].nprops * sizeof(*keys) + 1);
		uint32_t cur = root_t, k;
		if (!sorted || !keys) {
			free(sorted);
			free(keys);
			goto done;
		}
		for (k = 0; k < s.v[d].nprops; k++) {
			keys[k].id = s.v[d].props[k];
			keys[k].name = h->strs.items[keys[k].id];
		}
		qsort(keys, s.v[d].nprops, sizeof(*keys), cmp_prop);
		for (k = 0; k < s.v[d].nprops; k++)
			sorted[k] = keys[k].id;
		free(keys);
		for (k = 0; k < s.v[d].nprops; k++) {
			uint32_t nx = pt_find(&t, cur, sorted[k]);
			if (nx == AN_NONE) {
				if (pt_add(&t, cur, sorted[k], &nx) < 0) {
					free(sorted);
					goto done;
				}
				if (t.greatest[cur] < 0 ||
				    an__str_cmp(h->strs.items[t.greatest[cur]],
					       h->strs.items[sorted[k]]) < 0)
					t.greatest[cur] = sorted[k];
			}
			cur = nx;
		}
		if (t.match[cur] < 0) {
			t.match[cur] = (int64_t)d;
			t.match_props[cur] = s.v[d].nprops;
		}
		free(sorted);
	}
	for (v = 0; v < h->node_count; v++) {
		uint8_t ty = h->ntype[v];
		an_str name;
		int loc = 0, by_type = 0, raw = 0, memo = 0;
		uint32_t l3[3] = {0, 0, 0};
		const uint32_t *lp = ty == h->t_object ? an__heap_loc(h, v) :
							  NULL;
		if (lp) {
			loc = 1;
			l3[0] = lp[0];
			l3[1] = lp[1];
			l3[2] = lp[2];
		}
		/* fast paths: the class of a type, or of a raw name */
		if (ty != h->t_object && ty != h->t_native && !loc &&
		    type_cls[ty] != AN_NONE) {
			h->d.cls[v] = type_cls[ty];
			continue;
		}
		if ((ty == h->t_object || ty == h->t_native) && !loc &&
		    name_cls[an__heap_name(h, v)] &&
		    !(ndefs && is_plain_object(h, v))) {
			h->d.cls[v] = name_cls[an__heap_name(h, v)] - 1;
			continue;
		}
		if (ty == h->t_hidden) {
			name = sys;
			by_type = 1;
		} else if (ty == h->t_object || ty == h->t_native) {
			name = h->strs.items[an__heap_name(h, v)];
			raw = 1;
			if (name.len && name.ptr[0] == '<') {
				if (tag_class(h, &b, &name, 0, &raw) < 0)
					goto done;
			} else if (name.len > 10 &&
				   !memcmp(name.ptr, "Detached <", 10)) {
				if (tag_class(h, &b, &name, 10, &raw) < 0)
					goto done;
			}
		} else if (ty == h->t_code) {
			name = code;
			by_type = 1;
		} else if (ty == h->t_closure) {
			name = fn;
			by_type = 1;
		} else if (ty == h->t_regexp) {
			name = re;
			by_type = 1;
		} else {
			by_type = 1;
			const char *tn = h->node_types[ty];
			b.len = 0;
			if (sb_put(&b, "(", 1) < 0 ||
			    sb_put(&b, tn, strlen(tn)) < 0 ||
			    sb_put(&b, ")", 1) < 0)
				goto done;
			name.ptr = b.p;
			name.len = (uint32_t)b.len;
		}
		if (ndefs && !loc && is_plain_object(h, v)) {
			/* a shape seen before: its class */
			if (shape_read(&cm, h, v, &hash) < 0)
				goto done;
			if (shape_get(&cm, hash, &h->d.cls[v]))
				continue;
			memo = 1;
		}
		if (ndefs && is_plain_object(h, v)) {
			/* applyInterfaceDefinitions */
			uint32_t np = 0, ns = 1, k, q;
			int64_t mi = -1;
			uint32_t mc = 0;
			for (e = h->first_edge[v]; e < h->first_edge[v + 1];
			     e++) {
				if (h->etype[e] != h->e_property)
					continue;
				if (an__grow((void **)&props, &pcap, np + 1,
					     sizeof(*props)) < 0)
					goto done;
				props[np].id = h->ename[e];
				props[np].name = h->strs.items[h->ename[e]];
				np++;
			}
			if (np > 1)
				qsort(props, np, sizeof(*props), cmp_prop);
			if (an__grow((void **)&states, &scap, t.n + 1,
				     sizeof(*states)) < 0 ||
			    an__grow((void **)&nstates, &nscap, t.n + 1,
				     sizeof(*nstates)) < 0)
				goto done;
			states[0] = root_t;
			better(&t, root_t, &mi, &mc);
			for (k = 0; k < np; k++) {
				uint32_t nn = 0;
				an_str pk = props[k].name;
				for (q = 0; q < ns; q++) {
					uint32_t st = states[q], nx;
					int keep = !(t.greatest[st] < 0 ||
						     an__str_cmp(pk,
							h->strs.items
								[t.greatest
									 [st]]) >=
							     0);
					if (keep)
						nstates[nn++] = st;
					nx = pt_find(&t, st, props[k].id);
					if (nx != AN_NONE) {
						uint32_t z;
						int dupl = 0;
						for (z = 0; z < nn; z++)
							dupl |= nstates[z] ==
								nx;
						if (!dupl)
							nstates[nn++] = nx;
						better(&t, nx, &mi, &mc);
					}
				}
				memcpy(states, nstates, nn * sizeof(*states));
				ns = nn;
			}
			if (mi >= 0) {
				name = s.v[mi].name;
				raw = 0;
			}
		}
		if (name.ptr == b.p) {
			/* a "(type)" name built in b: store it */
			uint32_t tmp;
			int r = cls_get(h, &m, name, loc, l3, &tmp);
			if (r < 0) {
				rc = r;
				goto done;
			}
			if (h->d.classes[tmp].name.ptr == b.p &&
			    add_string(h, b.p, b.len,
				       &h->d.classes[tmp].name) < 0)
				goto done;
			h->d.cls[v] = tmp;
			if (by_type && !loc)
				type_cls[ty] = tmp;
			continue;
		}
		{
			int r = cls_get(h, &m, name, loc, l3, &h->d.cls[v]);
			if (r == AN_OK && memo)
				r = shape_put(&cm, hash, h->d.cls[v]);
			if (r < 0) {
				rc = r;
				goto done;
			}
		}
		if (by_type && !loc)
			type_cls[ty] = h->d.cls[v];
		else if (raw && !loc && !(ndefs && is_plain_object(h, v)))
			name_cls[an__heap_name(h, v)] = h->d.cls[v] + 1;
	}
	rc = AN_OK;
done:
	(void)iface_names;
	for (d = 0; d < s.n; d++) {
		free(s.v[d].props);
		free(s.v[d].own);
	}
	free(s.v);
	an__ht_free(&s.t);
	ptree_free(&t);
	an__ht_free(&m.t);
	free(props);
	free(states);
	free(nstates);
	free(b.p);
	free(name_cls);
	shape_free(&cm);
	return rc;
}


int an__heap_iface_defs(an__iface_def **out, size_t *n, const an_heap *h)
{
	iface_set s;
	size_t ndefs = 0, d;
	an__iface_def *v = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&s, 0, sizeof(s));
	an__ht_init(&s.t, iface_hash, iface_eq, &s);
	rc = infer_interfaces(h, &s, &ndefs);
	if (rc == AN_OK && ndefs) {
		v = calloc(ndefs, sizeof(*v));
		if (!v)
			rc = AN_ENOMEM;
	}
	for (d = 0; d < s.n; d++) {
		if (rc == AN_OK && d < ndefs) {
			/* hand the name and properties over */
			v[d].name = s.v[d].own;
			v[d].name_len = s.v[d].name.len;
			v[d].props = s.v[d].props;
			v[d].nprops = s.v[d].nprops;
			continue;
		}
		free(s.v[d].props);
		free(s.v[d].own);
	}
	free(s.v);
	an__ht_free(&s.t);
	if (rc < 0)
		return rc;
	*out = v;
	*n = ndefs;
	return AN_OK;
}

void an__heap_iface_defs_free(an__iface_def *v, size_t n)
{
	size_t d;

	if (!v)
		return;
	for (d = 0; d < n; d++) {
		free(v[d].name);
		free(v[d].props);
	}
	free(v);
}

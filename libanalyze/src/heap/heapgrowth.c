/*
 * heapgrowth.c - the growth graph of a diff (an_heap_growth_new): the
 * new objects that `heap leaks` would take as candidates (heapleaks.c
 * finds them, and the ones no other candidate dominates: the tops),
 * each laid out along its retainer path (retpath.c walks it) from the
 * GC root's side up to a frame of its class, as wide as its retained
 * size. The paths go into a trie keyed by step (edge type, retainer
 * class, edge name unless an index: the steps explanations group), kept;
 * an_heap_growth_flame() hands the trie to an_flame_layout(), which
 * orders and elides.
 */
#include "core/sort.h"
#include "heap/heapdiff_int.h"
#include "heap/heapleaks_int.h"
#include "heap/retpath_int.h"

/* The paths in a trie: node 0 is the root; a child per (parent, key). */
typedef struct trie {
	const an_heap *h;
	an_heap_growth *g;
	an_hashtab keyt;       /* keys, by what they stand for */
	an_hashtab kids;       /* nodes, by (parent, key) */
	uint32_t *parent, *key;
	double *self;          /* per node: retained bytes of its objects */
	size_t n, cap;
	an_heap_growth_key q;  /* lookup: a key ... */
	uint32_t qparent;      /* ... or a node's parent (and q.cls its key) */
} trie;

struct an_heap_growth {
	trie t;                /* its tables freed once built */
	an_heap_growth_key *keys;
	size_t nkeys, kcap;
	an_heap_growth_info info;
};

/* a STEP key as the retainer it stands for */
static an_heap_retainer step_of(const an_heap_growth_key *k)
{
	an_heap_retainer r;

	r.edge = k->edge;
	r.from = k->node;
	return r;
}

/* steps compare as retpath.c groups them; the others by kind and class */
static uint64_t key_hash_of(const an_heap *h, const an_heap_growth_key *k)
{
	if (k->kind == AN_HEAP_GROWTH_STEP)
		return an__ht_mix64(an__retstep_hash(h, step_of(k)) ^
				    (uint64_t)k->kind << 62);
	return an__ht_mix64((uint64_t)k->kind << 32 ^ k->cls);
}

static int key_same(const an_heap *h, const an_heap_growth_key *a,
		    const an_heap_growth_key *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == AN_HEAP_GROWTH_STEP)
		return an__retstep_same(h, step_of(a), step_of(b));
	return a->cls == b->cls;
}

static uint64_t keyt_hash(uint32_t k, const void *ctx)
{
	const trie *t = ctx;

	return key_hash_of(t->h, &t->g->keys[k]);
}

static int keyt_eq(uint32_t k, const void *key, const void *ctx)
{
	const trie *t = ctx;

	return key_same(t->h, &t->g->keys[k], key);
}

static uint64_t kid_hash_of(uint32_t parent, uint32_t key)
{
	return an__ht_mix64((uint64_t)parent << 32 | key);
}

static uint64_t kids_hash(uint32_t n, const void *ctx)
{
	const trie *t = ctx;

	return kid_hash_of(t->parent[n], t->key[n]);
}

static int kids_eq(uint32_t n, const void *key, const void *ctx)
{
	const trie *t = ctx;

	(void)key;
	return t->parent[n] == t->qparent && t->key[n] == t->q.cls;
}

/* The key standing for *k (added when new), into *out. */
static int key_of(uint32_t *out, trie *t, const an_heap_growth_key *k)
{
	an_heap_growth *g = t->g;
	int rc;

	if (an__grow((void **)&g->keys, &g->kcap, g->nkeys + 1,
		     sizeof(*g->keys)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&t->keyt, key_hash_of(t->h, k), k,
			(uint32_t)g->nkeys, out);
	if (rc == 1)
		g->keys[g->nkeys++] = *k;
	return rc < 0 ? rc : AN_OK;
}

/* The child of node `parent` keyed `key` (added when new). */
static int child_of(uint32_t *out, trie *t, uint32_t parent, uint32_t key)
{
	int rc;

	if (t->n + 1 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 1024;
		void *p = an__reallocarray(t->parent, nc, sizeof(*t->parent));
		if (!p)
			return AN_ENOMEM;
		t->parent = p;
		p = an__reallocarray(t->key, nc, sizeof(*t->key));
		if (!p)
			return AN_ENOMEM;
		t->key = p;
		p = an__reallocarray(t->self, nc, sizeof(*t->self));
		if (!p)
			return AN_ENOMEM;
		t->self = p;
		t->cap = nc;
	}
	t->qparent = parent;
	t->q.cls = key;
	rc = an__ht_add(&t->kids, kid_hash_of(parent, key), t, (uint32_t)t->n,
			out);
	if (rc == 1) {
		t->parent[t->n] = parent;
		t->key[t->n] = key;
		t->self[t->n] = 0;
		t->n++;
	}
	return rc < 0 ? rc : AN_OK;
}

/* One top: its path from the root's side, then its class. */
static int add_top(trie *t, an__retwalk *w, uint32_t v, uint32_t max_steps,
		   an_error *err)
{
	const an_heap *h = t->h;
	const an_heap_retainer *c;
	an_heap_growth_key k;
	uint32_t len, i, cur = 0, key, before;
	int rc;

	rc = an__retwalk_run(&c, &len, w, v, max_steps, err);
	for (i = len; rc == AN_OK && i-- > 0;) {
		k.kind = AN_HEAP_GROWTH_STEP;
		k.cls = h->d.cls[c[i].from];
		k.edge = c[i].edge;
		k.node = c[i].from;
		k.count = 0;
		rc = key_of(&key, t, &k);
		if (rc == AN_OK)
			rc = child_of(&cur, t, cur, key);
	}
	if (rc < 0)
		return rc;
	k.kind = AN_HEAP_GROWTH_CLASS;
	k.cls = h->d.cls[v];
	k.edge = AN_NONE;
	k.node = v;
	k.count = 0;
	rc = key_of(&key, t, &k);
	before = (uint32_t)t->n;
	if (rc == AN_OK)
		rc = child_of(&cur, t, cur, key);
	if (rc < 0)
		return rc;
	if (t->n > before)
		t->g->info.paths++;
	t->g->keys[key].count++;
	t->self[cur] += (double)h->d.retained[v];
	t->g->info.retained_size += h->d.retained[v];
	return AN_OK;
}

/* keys by name: the root first, then by class name, kind, edge type and
 * edge name */
static int cmp_key(uint32_t a, uint32_t b, const void *ctx)
{
	const trie *t = ctx;
	const an_heap *h = t->h;
	const an_heap_growth_key *x = &t->g->keys[a], *y = &t->g->keys[b];
	int r;

	if ((x->kind == AN_HEAP_GROWTH_ROOT) != (y->kind == AN_HEAP_GROWTH_ROOT))
		return x->kind == AN_HEAP_GROWTH_ROOT ? -1 : 1;
	r = an__str_cmp(h->d.classes[x->cls].name, h->d.classes[y->cls].name);
	if (r)
		return r;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == AN_HEAP_GROWTH_STEP) {
		int nx = an__retstep_named(h, x->edge);
		int ny = an__retstep_named(h, y->edge);
		if (h->etype[x->edge] != h->etype[y->edge])
			return h->etype[x->edge] < h->etype[y->edge] ? -1 : 1;
		if (nx != ny)
			return nx < ny ? -1 : 1;
		if (nx) {
			r = an__str_cmp(h->strs.items[h->ename[x->edge]],
					h->strs.items[h->ename[y->edge]]);
			if (r)
				return r;
		}
	}
	return a < b ? -1 : a > b;
}

int an_heap_growth_flame(an_flame **out, const an_heap_growth *g,
			 const an_flame_opts *o, an_error *err)
{
	an_flame_tree tree;
	uint32_t *ord, *tmp, *rank, i;
	int rc;

	*out = NULL;
	if (!g)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no growth graph");
	ord = an__calloc(g->nkeys + 1, sizeof(*ord));
	tmp = an__calloc(g->nkeys + 1, sizeof(*tmp));
	rank = an__calloc(g->nkeys + 1, sizeof(*rank));
	if (!ord || !tmp || !rank) {
		rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		goto done;
	}
	for (i = 0; i < g->nkeys; i++)
		ord[i] = i;
	an__sort_keys(ord, tmp, g->nkeys, cmp_key, &g->t);
	for (i = 0; i < g->nkeys; i++)
		rank[ord[i]] = i;
	memset(&tree, 0, sizeof(tree));
	tree.n = (uint32_t)g->t.n;
	tree.parent = g->t.parent;
	tree.key = g->t.key;
	tree.self = g->t.self;
	tree.nkeys = (uint32_t)g->nkeys;
	tree.rank = rank;
	tree.distinct = 1; /* the trie has one child per key already */
	rc = an_flame_layout(out, &tree, o, err);
done:
	free(ord);
	free(tmp);
	free(rank);
	return rc;
}

int an_heap_growth_new(an_heap_growth **out, const an_heap_diff *d,
		       const an_heap *h, uint32_t max_steps, an_error *err)
{
	an_heap_leaks_info li;
	an_heap_growth *g;
	an_heap_growth_key rk;
	an__retwalk w;
	uint8_t *cand = NULL;
	uint32_t *tops = NULL, ntops = 0, i, k;
	uint64_t *nested = NULL;
	int rc;

	*out = NULL;
	if (!d || !h || d->node_count != h->node_count || !h->d.dom_first ||
	    !h->d.retained || !h->d.dist)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"the growth graph needs the diff and the "
				"analysed TARGET it was made with");
	g = calloc(1, sizeof(*g));
	if (!g)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	memset(&li, 0, sizeof(li));
	an__retwalk_init(&w, h);
	g->t.h = h;
	g->t.g = g;
	an__ht_init(&g->t.keyt, keyt_hash, keyt_eq, &g->t);
	an__ht_init(&g->t.kids, kids_hash, kids_eq, &g->t);
	cand = an__calloc((size_t)h->node_count / 8 + 1, 1);
	rc = AN_ENOMEM;
	if (!cand)
		goto done;
	an__heap_leak_candidates(cand, &li, h, d->is_new, NULL,
				 AN_HEAP_LEAKS_MIN_STRING);
	g->info.new_objects = li.new_objects;
	g->info.trivial = li.trivial;
	g->info.unreachable = li.unreachable;
	rc = an__heap_tops(&tops, &nested, &ntops, h, cand);
	if (rc < 0)
		goto done;
	g->info.objects = ntops;
	g->info.nested = li.candidates - ntops;
	memset(&rk, 0, sizeof(rk));
	rk.kind = AN_HEAP_GROWTH_ROOT;
	rk.edge = AN_NONE;
	rk.node = h->root;
	rc = key_of(&k, &g->t, &rk);
	if (rc == AN_OK)
		rc = child_of(&k, &g->t, AN_NONE, k);
	for (i = 0; rc == AN_OK && i < ntops; i++)
		rc = add_top(&g->t, &w, tops[i], max_steps, err);
done:
	an__retwalk_free(&w);
	/* the tables are for building only */
	an__ht_free(&g->t.keyt);
	an__ht_free(&g->t.kids);
	free(cand);
	free(tops);
	free(nested);
	if (rc < 0) {
		an_heap_growth_free(g);
		return an__fail(err, rc, AN_NO_OFFSET, rc == AN_ENOMEM ?
				"out of memory" : "too many frames");
	}
	*out = g;
	return AN_OK;
}

void an_heap_growth_free(an_heap_growth *g)
{
	if (!g)
		return;
	free(g->t.parent);
	free(g->t.key);
	free(g->t.self);
	free(g->keys);
	free(g);
}

const an_heap_growth_key *an_heap_growth_key_get(const an_heap_growth *g,
						uint32_t k)
{
	return g && k < g->nkeys ? &g->keys[k] : NULL;
}

const an_heap_growth_info *an_heap_growth_get_info(const an_heap_growth *g)
{
	return g ? &g->info : NULL;
}

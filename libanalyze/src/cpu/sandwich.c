/*
 * sandwich.c - the merged callers and callees trees of the functions a
 * mask selects (DevTools' bottom-up and top-down views of a selection).
 */
#include <math.h>

#include "cpu/cpu_int.h"

struct an_cpu_tree {
	an_cpu_tree_node *v;
	uint32_t n;
	size_t cap;
	an_hashtab kids;     /* (parent, function) -> node, while building */
};

static uint64_t pair_hash(uint32_t parent, uint32_t fn)
{
	return an__ht_mix64((uint64_t)parent << 32 | fn);
}

static uint64_t node_hash(uint32_t i, const void *ctx)
{
	const an_cpu_tree_node *e = &((const an_cpu_tree *)ctx)->v[i];

	return pair_hash(e->parent, e->function);
}

static int node_eq(uint32_t i, const void *key, const void *ctx)
{
	const an_cpu_tree_node *e = &((const an_cpu_tree *)ctx)->v[i];
	const an_cpu_tree_node *k = key;

	return e->parent == k->parent && e->function == k->function;
}

/* Child of `parent` for function `fn`, created when missing. */
static int tree_child(an_cpu_tree *t, uint32_t parent, uint32_t fn,
		      uint32_t *out)
{
	an_cpu_tree_node key;
	int rc;

	memset(&key, 0, sizeof(key));
	key.function = fn;
	key.parent = parent;
	key.first_child = AN_NONE;
	key.next_sibling = AN_NONE;
	if (t->n == UINT32_MAX - 1 ||
	    an__grow((void **)&t->v, &t->cap, (size_t)t->n + 1,
		     sizeof(*t->v)) < 0)
		return AN_ENOMEM;
	rc = an__ht_add(&t->kids, pair_hash(parent, fn), &key, t->n, out);
	if (rc < 0)
		return rc;
	if (rc == 1)
		t->v[t->n++] = key;
	return AN_OK;
}

static int tree_new(an_cpu_tree **out)
{
	an_cpu_tree *t = calloc(1, sizeof(*t));

	*out = t;
	if (!t || an__grow((void **)&t->v, &t->cap, 1, sizeof(*t->v)) < 0)
		return AN_ENOMEM;
	an__ht_init(&t->kids, node_hash, node_eq, t);
	memset(&t->v[0], 0, sizeof(t->v[0]));
	t->v[0].function = AN_NONE;
	t->v[0].parent = AN_NONE;
	t->v[0].first_child = AN_NONE;
	t->v[0].next_sibling = AN_NONE;
	t->n = 1;
	return AN_OK;
}

static int cmp_tree(uint32_t x, uint32_t y, const void *ctx)
{
	const an_cpu_tree *t = ctx;
	const an_cpu_tree_node *a = &t->v[x], *b = &t->v[y];

	if (a->total_us != b->total_us)
		return a->total_us > b->total_us ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Links children lists, each sorted by total desc. */
static int tree_link(an_cpu_tree *t)
{
	uint32_t *idx = an__calloc(t->n, sizeof(*idx)), i;
	uint32_t *tmp = an__calloc(t->n, sizeof(*tmp));

	if (!idx || !tmp) {
		free(idx);
		free(tmp);
		return AN_ENOMEM;
	}
	for (i = 0; i < t->n; i++)
		idx[i] = i;
	an__sort_keys(idx + 1, tmp, t->n - 1, cmp_tree, t);
	free(tmp);
	for (i = t->n; i-- > 1;) {
		an_cpu_tree_node *e = &t->v[idx[i]];
		e->next_sibling = t->v[e->parent].first_child;
		t->v[e->parent].first_child = idx[i];
	}
	free(idx);
	an__ht_free(&t->kids);
	return AN_OK;
}

/* below[v] = 1 when node v has an ancestor whose function is selected;
 * parents before children (p->bfs), so linear however deep. */
static uint8_t *selected_below(const an_profile *p, const uint8_t *mask)
{
	uint8_t *below = an__calloc(p->node_count, 1);
	uint32_t i;

	if (!below)
		return NULL;
	for (i = 0; i < p->node_count; i++) {
		uint32_t v = p->bfs[i], u = p->parent[v];
		below[v] = u != AN_NONE && (below[u] || mask[p->func[u]]);
	}
	return below;
}

int an_cpu_callees(an_cpu_tree **out, const an_cpu *c, const uint8_t *mask,
		   an_error *err)
{
	const an_profile *p = c->p;
	an_cpu_tree *t = NULL;
	uint32_t *stack = NULL, *at = NULL, i, sp;
	uint8_t *below = NULL;
	int rc = AN_OK;

	*out = NULL;
	if (tree_new(&t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	stack = an__calloc(p->node_count, sizeof(*stack));
	at = an__calloc(p->node_count, sizeof(*at));
	below = selected_below(p, mask);
	if (!stack || !at || !below)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < p->node_count; i++) {
		uint32_t v = p->bfs[i];
		if (!mask[p->func[v]] || below[v])
			continue;
		t->v[0].self_us += c->self[v];
		t->v[0].total_us += c->total[v];
		/* walk v's subtree; at[node] = tree index it merges into */
		at[v] = 0;
		sp = 0;
		stack[sp++] = v;
		while (sp) {
			uint32_t u = stack[--sp], k;
			for (k = p->kid_off[u]; k < p->kid_off[u + 1]; k++) {
				uint32_t w = p->kids[k], ti;
				if (tree_child(t, at[u], p->func[w], &ti) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
				t->v[ti].self_us += c->self[w];
				t->v[ti].total_us += c->total[w];
				at[w] = ti;
				stack[sp++] = w;
			}
		}
	}
	if (tree_link(t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	*out = t;
	t = NULL;
done:
	free(stack);
	free(at);
	free(below);
	an_cpu_tree_free(t);
	return rc;
}

/*
 * Callers without a walk per call. The walk from a selected node i up
 * its ancestors visits the callers-tree path Q(i) = the functions of
 * parent(i), its parent, ... below the root: the sum of the depths of
 * the selected nodes in steps, 5e11 for a sampled 1 M-deep recursion.
 * Q(i) = R(parent(i)) where R(u) = func(u) R(parent(u)): each string is
 * a function prepended to another, so the trie of them is built like a
 * suffix trie: the node for c.Y is found from the node for c.parent(Y)
 * (a hash on (c, Y)), one step per new node. Each i adds its weights at
 * the node of R(parent(i)); sums up the trie give every node's. Nodes
 * are numbered in the order the walk would have created them (by the
 * first i reaching them, then depth), so ties sort as before.
 *
 * Used only when it pays (the walk would take more than 8 steps a node)
 * and when every weight is an integer below 2^53, so that summing in
 * another order gives the same doubles; and given up (for the walk)
 * when the trie outgrows 4 nodes a node.
 */
typedef struct sfx {
	uint32_t *parent;   /* trie parent, 0 = the root (empty string) */
	uint32_t *label;    /* function of the node's last step */
	uint32_t *first;    /* c: the node is c.slink */
	uint32_t *slink;    /* the node's string without its first function */
	uint32_t n;
	size_t cap;
	uint32_t limit;     /* most nodes before giving up */
	an_hashtab memo;    /* (first, slink) -> node */
} sfx;

static uint64_t sfx_pair(uint32_t c, uint32_t y)
{
	return an__ht_mix64((uint64_t)c << 32 | y);
}

static uint64_t sfx_hash(uint32_t i, const void *ctx)
{
	const sfx *x = ctx;

	return sfx_pair(x->first[i], x->slink[i]);
}

static int sfx_eq(uint32_t i, const void *key, const void *ctx)
{
	const sfx *x = ctx;
	const uint32_t *k = key;

	return x->first[i] == k[0] && x->slink[i] == k[1];
}

static uint32_t sfx_find(const sfx *x, uint32_t c, uint32_t y)
{
	uint32_t k[2];

	k[0] = c;
	k[1] = y;
	return an__ht_find(&x->memo, sfx_pair(c, y), k);
}

/* New node c.y below `parent`; AN_ELIMIT past the limit. */
static int sfx_new(sfx *x, uint32_t parent, uint32_t label, uint32_t c,
		   uint32_t y, uint32_t *out)
{
	uint32_t **arr[4];
	size_t cap = x->cap;
	int k;

	if (x->n >= x->limit)
		return AN_ELIMIT;
	arr[0] = &x->parent;
	arr[1] = &x->label;
	arr[2] = &x->first;
	arr[3] = &x->slink;
	for (k = 0; k < 4; k++) {
		/* each grows from the same capacity to the same */
		cap = x->cap;
		if (an__grow((void **)arr[k], &cap, (size_t)x->n + 1,
			     sizeof(uint32_t)) < 0)
			return AN_ENOMEM;
	}
	x->cap = cap;
	x->parent[x->n] = parent;
	x->label[x->n] = label;
	x->first[x->n] = c;
	x->slink[x->n] = y;
	*out = x->n;
	x->n++;
	return an__ht_put(&x->memo, sfx_pair(c, y), *out);
}

/* The node of c.y (y a node), creating it and the missing nodes of
 * c.prefix(y) above it. chain: room for the trie's depth. */
static int sfx_ext(sfx *x, uint32_t c, uint32_t y, uint32_t *chain,
		   uint32_t *out)
{
	uint32_t sp = 0, at;
	int rc;

	while ((at = sfx_find(x, c, y)) == AN_HT_NONE && y != 0) {
		chain[sp++] = y;
		y = x->parent[y];
	}
	if (at == AN_HT_NONE) { /* c alone, below the root */
		rc = sfx_new(x, 0, c, c, 0, &at);
		if (rc < 0)
			return rc;
	}
	while (sp) {
		y = chain[--sp];
		rc = sfx_new(x, at, x->label[y], c, y, &at);
		if (rc < 0)
			return rc;
	}
	*out = at;
	return AN_OK;
}

typedef struct sfx_order {
	const uint32_t *min_i;
	const uint32_t *len;
} sfx_order;

static int cmp_created(uint32_t a, uint32_t b, const void *ctx)
{
	const sfx_order *o = ctx;

	if (o->min_i[a] != o->min_i[b])
		return o->min_i[a] < o->min_i[b] ? -1 : 1;
	return o->len[a] < o->len[b] ? -1 : o->len[a] > o->len[b];
}

/* Fills t (just the root so far) with the callers below its root; *used
 * = 0 when it gave up and t is untouched. */
static int callers_trie(an_cpu_tree *t, const an_cpu *c, const uint8_t *mask,
			const uint8_t *below, int *used)
{
	const an_profile *p = c->p;
	uint32_t n = p->node_count, i, m = 0;
	uint32_t *nn = NULL, *chain = NULL, *min_i = NULL, *len = NULL;
	uint32_t *ord = NULL, *tmp = NULL, *idx = NULL;
	uint8_t *need = NULL, *keep = NULL;
	double *self = NULL, *tot = NULL;
	uint64_t walk = 0;
	sfx x;
	sfx_order so;
	int rc = AN_OK;

	*used = 0;
	memset(&x, 0, sizeof(x));
	an__ht_init(&x.memo, sfx_hash, sfx_eq, &x);
	if (c->total_us >= 9007199254740992.0)
		return AN_OK;
	for (i = 0; i < n; i++) {
		double s = c->self[i], w = below[i] ? 0 : c->total[i];
		if (!mask[p->func[i]] || (s == 0 && w == 0))
			continue;
		if (s != floor(s) || w != floor(w))
			return AN_OK; /* the walk's order of sums matters */
		walk += p->depth[i] ? p->depth[i] - 1 : 0;
	}
	if (walk <= (uint64_t)n * 8 + 65536)
		return AN_OK;
	x.limit = n > (UINT32_MAX - 65536) / 4 ? UINT32_MAX - 1 :
						   n * 4 + 65536;
	nn = an__calloc(n, sizeof(*nn));
	need = an__calloc(n, 1);
	chain = an__calloc((size_t)p->max_depth + 2, sizeof(*chain));
	if (!nn || !need || !chain)
		goto nomem;
	/* the nodes whose R() is needed: parents of the selected and up */
	for (i = 0; i < n; i++) {
		uint32_t u = p->parent[i];
		if (mask[p->func[i]] && u != AN_NONE && u != p->root &&
		    (c->self[i] != 0 || (!below[i] && c->total[i] != 0)))
			need[u] = 1;
	}
	for (i = n; i-- > 0;) {
		uint32_t v = p->bfs[i], u = p->parent[v];
		if (need[v] && u != AN_NONE && u != p->root)
			need[u] = 1;
	}
	rc = sfx_new(&x, 0, AN_NONE, AN_NONE, AN_NONE, &i); /* the root */
	for (i = 0; rc == AN_OK && i < n; i++) {
		uint32_t v = p->bfs[i], u = p->parent[v];
		if (need[v])
			rc = sfx_ext(&x, p->func[v],
				     u == AN_NONE || u == p->root ? 0 : nn[u],
				     chain, &nn[v]);
	}
	if (rc == AN_ELIMIT) {
		rc = AN_OK; /* the walk it is */
		goto done;
	}
	if (rc < 0)
		goto done;
	min_i = an__calloc(x.n, sizeof(*min_i));
	len = an__calloc(x.n, sizeof(*len));
	self = an__calloc(x.n, sizeof(*self));
	tot = an__calloc(x.n, sizeof(*tot));
	keep = an__calloc(x.n, 1);
	if (!min_i || !len || !self || !tot || !keep)
		goto nomem;
	for (i = 0; i < x.n; i++)
		min_i[i] = UINT32_MAX;
	for (i = 0; i < n; i++) {
		uint32_t u = p->parent[i], at;
		double s = c->self[i], w = below[i] ? 0 : c->total[i];
		if (!mask[p->func[i]] || (s == 0 && w == 0) ||
		    u == AN_NONE || u == p->root)
			continue;
		at = nn[u];
		self[at] += s;
		tot[at] += w;
		keep[at] = 1;
		if (i < min_i[at])
			min_i[at] = i;
	}
	/* parents were created before their children */
	for (i = x.n; i-- > 1;) {
		uint32_t u = x.parent[i];
		if (!keep[i])
			continue;
		keep[u] = 1;
		self[u] += self[i];
		tot[u] += tot[i];
		if (min_i[i] < min_i[u])
			min_i[u] = min_i[i];
	}
	for (i = 1; i < x.n; i++) {
		len[i] = len[x.parent[i]] + 1;
		m += keep[i];
	}
	ord = an__calloc(m, sizeof(*ord));
	tmp = an__calloc(m, sizeof(*tmp));
	idx = an__calloc(x.n, sizeof(*idx));
	if (!ord || !tmp || !idx ||
	    an__grow((void **)&t->v, &t->cap, (size_t)m + 1,
		     sizeof(*t->v)) < 0)
		goto nomem;
	m = 0;
	for (i = 1; i < x.n; i++)
		if (keep[i])
			ord[m++] = i;
	so.min_i = min_i;
	so.len = len;
	an__sort_keys(ord, tmp, m, cmp_created, &so);
	for (i = 0; i < m; i++) {
		uint32_t z = ord[i];
		an_cpu_tree_node *e = &t->v[i + 1];
		idx[z] = i + 1;
		e->function = x.label[z];
		e->parent = idx[x.parent[z]]; /* 0 for the root */
		e->first_child = AN_NONE;
		e->next_sibling = AN_NONE;
		e->self_us = self[z];
		e->total_us = tot[z];
	}
	t->n = m + 1;
	*used = 1;
	goto done;
nomem:
	rc = AN_ENOMEM;
done:
	an__ht_free(&x.memo);
	free(x.parent);
	free(x.label);
	free(x.first);
	free(x.slink);
	free(nn);
	free(need);
	free(chain);
	free(min_i);
	free(len);
	free(self);
	free(tot);
	free(keep);
	free(ord);
	free(tmp);
	free(idx);
	return rc;
}

int an_cpu_callers(an_cpu_tree **out, const an_cpu *c, const uint8_t *mask,
		   an_error *err)
{
	const an_profile *p = c->p;
	an_cpu_tree *t = NULL;
	uint8_t *below = NULL;
	uint32_t i;
	int rc = AN_OK, fast = 0;

	*out = NULL;
	below = selected_below(p, mask);
	if (!below || tree_new(&t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (callers_trie(t, c, mask, below, &fast) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < p->node_count; i++) {
		uint32_t u, at = 0;
		int outer;
		double s = c->self[i], tot;
		if (!mask[p->func[i]])
			continue;
		outer = !below[i];
		tot = outer ? c->total[i] : 0;
		if (s == 0 && tot == 0)
			continue;
		t->v[0].self_us += s;
		t->v[0].total_us += tot;
		if (fast)
			continue;
		for (u = p->parent[i]; u != AN_NONE && u != p->root;
		     u = p->parent[u]) {
			if (tree_child(t, at, p->func[u], &at) < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			t->v[at].self_us += s;
			t->v[at].total_us += tot;
		}
	}
	if (tree_link(t) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	*out = t;
	t = NULL;
done:
	free(below);
	an_cpu_tree_free(t);
	return rc;
}

uint32_t an_cpu_tree_count(const an_cpu_tree *t) { return t->n; }

const an_cpu_tree_node *an_cpu_tree_get(const an_cpu_tree *t, uint32_t i)
{
	return &t->v[i];
}

void an_cpu_tree_free(an_cpu_tree *t)
{
	if (!t)
		return;
	free(t->v);
	an__ht_free(&t->kids);
	free(t);
}

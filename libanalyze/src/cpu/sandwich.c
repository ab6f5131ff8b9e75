/*
 * sandwich.c - the merged callers and callees trees of the functions a
 * mask selects (DevTools' bottom-up and top-down views of a selection).
 */
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

int an_cpu_callers(an_cpu_tree **out, const an_cpu *c, const uint8_t *mask,
		   an_error *err)
{
	const an_profile *p = c->p;
	an_cpu_tree *t = NULL;
	uint8_t *below = NULL;
	uint32_t i;
	int rc = AN_OK;

	*out = NULL;
	below = selected_below(p, mask);
	if (!below || tree_new(&t) < 0)
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

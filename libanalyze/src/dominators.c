/*
 * dominators.c - the dominator tree and retained sizes of a heap graph.
 *
 * DevTools (HeapSnapshot.calculateDominatorsAndRetainedSizes) runs
 * Lengauer-Tarjan over the essential edges from a DFS that starts at the
 * root, then restarts the DFS at every node that has no essential
 * retainer (as if the root held it), and finally puts every node still
 * unreached directly under the root. Its tree is therefore the dominator
 * tree of
 *
 *     G' = essential edges + { root -> k : k has no essential retainer },
 *
 * with the nodes G' cannot reach dominated by the root. (Those leftovers
 * only retain each other: their semidominators stay above every reached
 * node's, so they change nothing for the rest, and each ends under the
 * root.) Dominator trees are unique, so any correct algorithm gives
 * DevTools' tree; we use semi-NCA (Georgiadis, "Linear-Time Algorithms for
 * Dominators and Related Problems", 2005) on arrays renumbered in DFS
 * preorder. Most retainers of a node precede it in preorder and cost no
 * memory access at all; the rest go through eval with path compression.
 * Everything is iterative: real dominator trees are hundreds of thousands
 * of levels deep.
 */
#include "heap_int.h"

static int ess_bit(const uint8_t *bits, uint32_t e)
{
	return (bits[e >> 3] >> (e & 7)) & 1;
}

/* The DFS state. Vertices are numbered 1..num in preorder (0 = none). */
typedef struct dfs_ctx {
	const an_heap *h;
	const uint8_t *ess;
	uint32_t *pre;    /* node -> preorder number, 0 = unreached */
	uint32_t *vertex; /* preorder number -> node */
	uint32_t *parent; /* preorder number -> parent's preorder number */
	uint32_t *cursor; /* node -> next edge to look at */
	uint32_t *indeg;  /* node -> essential retainers already seen */
	uint32_t num;
} dfs_ctx;

static void visit(dfs_ctx *d, uint32_t v, uint32_t parent)
{
	d->pre[v] = ++d->num;
	d->vertex[d->num] = v;
	d->parent[d->num] = parent;
	d->cursor[v] = d->h->first_edge[v];
}

/* Preorder DFS over essential edges from `start`, whose tree parent is
 * `parent`. Every essential edge of every node it reaches is counted in
 * indeg[target] exactly once. */
static void dfs(dfs_ctx *d, uint32_t start, uint32_t parent)
{
	const an_heap *h = d->h;
	uint32_t v = start;

	visit(d, v, parent);
	for (;;) {
		uint32_t e = d->cursor[v], end = h->first_edge[v + 1];
		uint32_t next = UINT32_MAX;
		for (; e < end; e++) {
			uint32_t w;
			if (!ess_bit(d->ess, e))
				continue;
			w = h->eto[e];
			d->indeg[w]++;
			if (d->pre[w] == 0) {
				next = w;
				e++;
				break;
			}
		}
		d->cursor[v] = e;
		if (next != UINT32_MAX) {
			visit(d, next, d->pre[v]);
			v = next;
			continue;
		}
		if (v == start)
			return;
		v = d->vertex[d->parent[d->pre[v]]];
	}
}

/* Nodes left unreached by the DFS from the root that an unreached node
 * retains through an essential edge (all their retainers are unreached:
 * a reached one would have reached them). */
static uint8_t *retained_by_unreached(const dfs_ctx *d)
{
	const an_heap *h = d->h;
	uint32_t v, e;
	uint8_t *has = an__calloc(h->node_count, 1);

	if (!has)
		return NULL;
	for (v = 0; v < h->node_count; v++) {
		if (d->pre[v] != 0)
			continue;
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++)
			if (ess_bit(d->ess, e) && d->pre[h->eto[e]] == 0)
				has[h->eto[e]] = 1;
	}
	return has;
}

/* The paper's eval(v) while vertex w is processed: vertices above w are
 * linked (ancestor[x] is meaningful); the result is the vertex of least
 * semidominator on v's path to the root of its linked tree. */
static uint32_t eval(uint32_t v, uint32_t w, uint32_t *ancestor,
		     uint32_t *label, const uint32_t *semi, uint32_t *stack)
{
	uint32_t sp = 0, x = v;

	while (ancestor[x] > w) {
		stack[sp++] = x;
		x = ancestor[x];
	}
	/* x's ancestor is unlinked: x's label is final for this root */
	while (sp > 0) {
		uint32_t y = stack[--sp], a = ancestor[y];
		if (semi[label[a]] < semi[label[y]])
			label[y] = label[a];
		ancestor[y] = ancestor[a];
	}
	return label[v];
}

int an__heap_dominators(an_heap *h, const uint8_t *ess, uint32_t **order)
{
	uint32_t n = h->node_count, len = n + 1, reached, i, v, e, acc;
	uint32_t *pre, *vertex, *parent, *cursor, *indeg;
	uint32_t *first = NULL, *src = NULL, *semi, *label, *ancestor, *idom;
	uint8_t *has_retainer = NULL;
	dfs_ctx d;
	int rc = AN_ENOMEM;

	pre = an__calloc(len, sizeof(uint32_t)); /* later semi, by preorder */
	vertex = an__calloc(len, sizeof(uint32_t));
	parent = an__calloc(len, sizeof(uint32_t));
	cursor = an__calloc(n, sizeof(uint32_t));
	indeg = an__calloc(n, sizeof(uint32_t));
	if (!pre || !vertex || !parent || !cursor || !indeg)
		goto done;

	/* 1. preorder DFS from the root, then from every node without an
	 *    essential retainer (its tree parent is the root) */
	d.h = h;
	d.ess = ess;
	d.pre = pre;
	d.vertex = vertex;
	d.parent = parent;
	d.cursor = cursor;
	d.indeg = indeg;
	d.num = 0;
	dfs(&d, h->root, 0);
	if (d.num < n) {
		has_retainer = retained_by_unreached(&d);
		if (!has_retainer)
			goto done;
		for (v = 0; v < n; v++)
			if (pre[v] == 0 && !has_retainer[v])
				dfs(&d, v, 1);
		free(has_retainer);
		has_retainer = NULL;
	}
	reached = d.num;
	/* the unreached follow, in node order (pre stays 0: no retainers) */
	for (v = 0, i = reached; v < n && i < n; v++)
		if (pre[v] == 0)
			vertex[++i] = v;
	free(cursor);
	cursor = NULL;

	/* 2. essential retainers of every reached vertex, as preorder
	 *    numbers (CSR by preorder number); indeg becomes the cursor */
	first = an__calloc((size_t)reached + 2, sizeof(uint32_t));
	if (!first)
		goto done;
	acc = 0;
	for (i = 1; i <= reached; i++) {
		first[i] = acc;
		acc += indeg[vertex[i]];
	}
	first[reached + 1] = acc;
	src = an__calloc(acc, sizeof(uint32_t));
	if (!src)
		goto done;
	for (i = 1; i <= reached; i++)
		indeg[vertex[i]] = first[i];
	for (v = 0; v < n; v++) {
		uint32_t pv = pre[v];
		if (pv == 0)
			continue;
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++)
			if (ess_bit(ess, e))
				src[indeg[h->eto[e]]++] = pv;
	}
	free(indeg);
	indeg = NULL;

	/* 3. semidominators, last vertex first. semi reuses pre's memory,
	 *    ancestor starts as the DFS parent. A vertex without retainers
	 *    (a restart) has the root as its only one: its parent. */
	semi = pre;
	pre = NULL;
	label = an__calloc(len, sizeof(uint32_t));
	ancestor = an__calloc(len, sizeof(uint32_t));
	cursor = an__calloc(len, sizeof(uint32_t)); /* eval's stack */
	if (!label || !ancestor || !cursor) {
		pre = semi;
		free(label);
		free(ancestor);
		goto done;
	}
	for (i = 1; i <= reached; i++) {
		semi[i] = label[i] = i;
		ancestor[i] = parent[i];
	}
	for (i = reached; i >= 2; i--) {
		uint32_t s = parent[i], j;
		for (j = first[i]; j < first[i + 1]; j++) {
			uint32_t p = src[j];
			if (p > i) {
				uint32_t u = eval(p, i, ancestor, label, semi,
						  cursor);
				p = semi[u];
			}
			if (p < s)
				s = p;
		}
		semi[i] = s;
	}
	free(src);
	free(first);
	free(ancestor);
	free(cursor);
	src = first = cursor = NULL;

	/* 4. immediate dominators: the nearest common ancestor of the
	 *    parent and the semidominator, first vertex first (label's
	 *    memory holds idom) */
	idom = label;
	idom[1] = 1;
	for (i = 2; i <= reached; i++) {
		uint32_t x = parent[i];
		while (x > semi[i])
			x = idom[x];
		idom[i] = x;
	}
	free(semi);

	/* 5. back to node ordinals; the unreached are under the root */
	h->dom = an__calloc(n, sizeof(*h->dom));
	if (!h->dom) {
		free(idom);
		goto done;
	}
	h->dom[h->root] = h->root;
	for (i = 2; i <= reached; i++)
		h->dom[vertex[i]] = vertex[idom[i]];
	for (; i <= n; i++)
		h->dom[vertex[i]] = h->root;
	free(idom);
	*order = vertex;
	vertex = NULL;
	rc = AN_OK;
done:
	free(pre);
	free(vertex);
	free(parent);
	free(cursor);
	free(indeg);
	free(first);
	free(src);
	free(has_retainer);
	return rc;
}

int an__heap_retained_sizes(an_heap *h, const uint32_t *order)
{
	uint32_t n = h->node_count, i, v;

	h->retained = an__calloc(n, sizeof(*h->retained));
	if (!h->retained)
		return AN_ENOMEM;
	memcpy(h->retained, h->nself, (size_t)n * sizeof(*h->retained));
	/* everything follows its dominator in `order`: sum bottom-up */
	for (i = n; i >= 2; i--) {
		v = order[i];
		h->retained[h->dom[v]] += h->retained[v];
	}
	return AN_OK;
}

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
 * preorder. The retainers that precede a node in preorder are candidates
 * by themselves (only their least is kept); the others (two thirds of
 * them on a generated 160 MB snapshot) go through eval with path
 * compression.
 * Everything is iterative: real dominator trees are hundreds of thousands
 * of levels deep.
 */
#include "heap/heap_int.h"

static int ess_bit(const uint8_t *bits, uint32_t e)
{
	return (bits[e >> 3] >> (e & 7)) & 1;
}

/* The DFS state. Vertices are numbered 1..num in preorder (0 = none). */
typedef struct dfs_ctx {
	const an_heap *h;
	const uint8_t *ess;
	uint32_t *pre;    /* node -> preorder number, 0 = unreached */
	uint32_t *cnt;    /* preorder number -> retainers numbered higher;
			     later a fill cursor, then the vertex's node */
	uint32_t *parent; /* preorder number -> parent's preorder number */
	uint32_t num;
	uint32_t (*fwd)[2]; /* forward edges: target's and source's number */
	size_t nfwd, fwdcap;
	struct frame {
		uint32_t v, e, pv;  /* node, next edge, preorder number */
	} *stack;
	size_t cap;
} dfs_ctx;

#define PREFETCH_EDGES 8 /* look this far ahead in an edge run */

static uint32_t visit(dfs_ctx *d, uint32_t v, uint32_t parent)
{
	d->pre[v] = ++d->num;
	d->parent[d->num] = parent;
	return d->num;
}

/* Preorder DFS over essential edges from `start`, whose tree parent is
 * `parent`, with an explicit stack. It sees every essential edge of every
 * node it reaches exactly once: one to a node already numbered lower (a
 * retainer numbered higher than its target) is counted in the target's
 * cnt; one to a node numbered higher (a descendant) that is not a tree
 * edge is kept in d->fwd (few: most edges are tree or cross edges). */
static int dfs(dfs_ctx *d, uint32_t start, uint32_t parent)
{
	const an_heap *h = d->h;
	const uint32_t *eto = h->eto;
	uint32_t *pre = d->pre;
	size_t sp = 0;
	uint32_t last = h->edge_count;

	if (an__grow((void **)&d->stack, &d->cap, 1, sizeof(*d->stack)) < 0)
		return AN_ENOMEM;
	d->stack[0].v = start;
	d->stack[0].e = h->first_edge[start];
	d->stack[0].pv = visit(d, start, parent);
	sp = 1;
	while (sp > 0) {
		struct frame *f = &d->stack[sp - 1];
		uint32_t e = f->e, end = h->first_edge[f->v + 1], w = 0;
		int down = 0;
		for (; e < end; e++) {
			if (e + PREFETCH_EDGES < last)
				__builtin_prefetch(&pre[eto[e + PREFETCH_EDGES]]);
			if (!ess_bit(d->ess, e))
				continue;
			w = eto[e];
			if (pre[w] == 0) {
				down = 1;
				break;
			}
			if (pre[w] < f->pv) {
				d->cnt[pre[w]]++;
			} else if (pre[w] > f->pv) {
				if (an__grow((void **)&d->fwd, &d->fwdcap,
					     d->nfwd + 1, sizeof(*d->fwd)) < 0)
					return AN_ENOMEM;
				d->fwd[d->nfwd][0] = pre[w];
				d->fwd[d->nfwd++][1] = f->pv;
			}
		}
		if (!down) {
			sp--;
			continue;
		}
		f->e = e + 1;
		if (an__grow((void **)&d->stack, &d->cap, sp + 1,
			     sizeof(*d->stack)) < 0)
			return AN_ENOMEM;
		f = &d->stack[sp - 1];
		d->stack[sp].v = w;
		d->stack[sp].e = h->first_edge[w];
		d->stack[sp].pv = visit(d, w, f->pv);
		sp++;
	}
	return AN_OK;
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

/* The linked forest of the semidominator pass, per preorder number. */
typedef struct link_st {
	uint32_t ancestor; /* meaningful once linked */
	uint32_t best;     /* least semidominator on the compressed path */
} link_st;


/* The paper's eval(v) while vertex w is processed, returning the least
 * semidominator itself rather than its vertex: vertices above w are
 * linked; the path from v to the root of its linked tree is compressed. */
static uint32_t eval(link_st *lk, uint32_t v, uint32_t w, uint32_t *stack)
{
	uint32_t sp = 0, x = v;

	while (lk[x].ancestor > w) {
		stack[sp++] = x;
		x = lk[x].ancestor;
	}
	/* x's ancestor is unlinked: x's best is final for this root */
	while (sp > 0) {
		uint32_t y = stack[--sp], a = lk[y].ancestor;
		if (lk[a].best < lk[y].best)
			lk[y].best = lk[a].best;
		lk[y].ancestor = lk[a].ancestor;
	}
	return lk[v].best;
}

int an__heap_dominators(an_heap *h, const uint8_t *ess, uint32_t **order)
{
	uint32_t n = h->node_count, len = n + 1, reached, i, v, e;
	uint32_t *pre, *vertex = NULL, *cnt, *parent, *src = NULL, *semi;
	uint64_t acc, j, given;
	size_t k;
	uint32_t *stack = NULL;
	link_st *lk = NULL;
	uint8_t *has_retainer = NULL;
	dfs_ctx d;
	int rc = AN_ENOMEM;

	memset(&d, 0, sizeof(d));
	/* len entries: its memory becomes the forest links (step 3) */
	pre = an__calloc(len, sizeof(uint32_t));
	cnt = an__calloc(len, sizeof(uint32_t));
	parent = an__calloc(len, sizeof(uint32_t));
	if (!pre || !cnt || !parent)
		goto done;

	/* 1. preorder DFS from the root, then from every node without an
	 *    essential retainer (its tree parent is the root) */
	d.h = h;
	d.ess = ess;
	d.pre = pre;
	d.cnt = cnt;
	d.parent = parent;
	if (dfs(&d, h->root, 0) < 0)
		goto done;
	if (d.num < n) {
		has_retainer = retained_by_unreached(&d);
		if (!has_retainer)
			goto done;
		for (v = 0; v < n; v++)
			if (pre[v] == 0 && !has_retainer[v] &&
			    dfs(&d, v, 1) < 0)
				goto done;
		free(has_retainer);
		has_retainer = NULL;
	}
	free(d.stack);
	d.stack = NULL;
	reached = d.num;

	/* 2. essential retainers of every reached vertex, as preorder
	 *    numbers, by vertex in preorder: the vertex's least retainer
	 *    numbered lower (each is a candidate semidominator by itself; the
	 *    tree parent to start with, or the root for a restart), then
	 *    those numbered higher, filled from the end (cnt the cursor). The
	 *    first entry is the only one below its vertex's number: where
	 *    one vertex's entries start is seen without an array for it. */
	acc = 0;
	for (i = 1; i <= reached; i++) {
		acc += (uint64_t)cnt[i] + 1;
		cnt[i] = (uint32_t)acc;
		if (acc > UINT32_MAX) { /* 2^32 edges and restarts */
			rc = AN_ELIMIT;
			goto done;
		}
	}
	src = an__calloc(acc, sizeof(uint32_t));
	if (!src)
		goto done;
	for (v = 0; v < n; v++) {
		uint32_t pv = pre[v], end = h->first_edge[v + 1];
		if (pv == 0)
			continue;
		for (e = h->first_edge[v]; e < end; e++) {
			uint32_t pw;
			if (e + PREFETCH_EDGES < h->edge_count)
				__builtin_prefetch(
					&pre[h->eto[e + PREFETCH_EDGES]]);
			if (!ess_bit(ess, e))
				continue;
			pw = pre[h->eto[e]];
			if (pw < pv)
				src[--cnt[pw]] = pv;
		}
	}
	/* every cursor is now one past its vertex's first entry */
	for (i = 1; i <= reached; i++)
		src[cnt[i] - 1] = parent[i];
	for (k = 0; k < d.nfwd; k++) {
		uint32_t *m = &src[cnt[d.fwd[k][0]] - 1];
		if (d.fwd[k][1] < *m)
			*m = d.fwd[k][1];
	}
	free(d.fwd);
	d.fwd = NULL;
	/* the cursors become each vertex's node; the unreached follow, in
	 * node order */
	vertex = cnt;
	cnt = NULL;
	for (v = 0, i = reached; v < n; v++) {
		if (pre[v] != 0)
			vertex[pre[v]] = v;
		else if (i < n)
			vertex[++i] = v;
	}
	free(pre);
	pre = NULL;

	/* 3. semidominators, last vertex first, over the forest that starts
	 *    as the DFS tree. Vertex i's semidominator goes to entry
	 *    acc - reached + i - 1 of src (semi[i - 1]), which the entries
	 *    of vertices i and above, at least one each, have been read
	 *    from. The entries read below those are given back to the
	 *    kernel as the pass goes: the forest grows as src shrinks, and
	 *    this is the peak of memory of heap summary. */
	lk = an__calloc(len, sizeof(*lk));
	stack = an__calloc(len, sizeof(uint32_t)); /* eval's */
	if (!lk || !stack)
		goto done;
	semi = src + (acc - reached);
	j = acc;
	given = acc - reached;
	for (i = reached; i >= 2; i--) {
		uint32_t s = UINT32_MAX, p;
		while ((p = src[j - 1]) > i) {
			j--;
			p = eval(lk, p, i, stack);
			if (p < s)
				s = p;
		}
		p = src[--j];
		if (p < s)
			s = p;
		/* eval reads only vertices already done: i's link is set
		 * here, and the forest's memory is touched as it grows */
		semi[i - 1] = lk[i].best = s;
		lk[i].ancestor = parent[i];
		if (j + AN_BIG_BYTES / sizeof(*src) <= given) {
			an__release_part(src + j, (given - j) * sizeof(*src));
			given = j;
		}
	}
	free(lk);
	free(stack);
	stack = NULL;
	lk = NULL;

	/* 4. immediate dominators: the nearest common ancestor of the
	 *    parent and the semidominator, first vertex first. parent[x]
	 *    becomes idom[x] in place (x < i is done when i is reached). */
	for (i = 2; i <= reached; i++) {
		uint32_t x = parent[i];
		while (x > semi[i - 1])
			x = parent[x];
		parent[i] = x;
	}
	free(src);
	src = NULL;

	/* 5. back to node ordinals; the unreached are under the root */
	h->d.dom = an__calloc(n, sizeof(*h->d.dom));
	if (!h->d.dom)
		goto done;
	h->d.dom[h->root] = h->root;
	for (i = 2; i <= reached; i++)
		h->d.dom[vertex[i]] = vertex[parent[i]];
	for (; i <= n; i++)
		h->d.dom[vertex[i]] = h->root;
	*order = vertex;
	vertex = NULL;
	rc = AN_OK;
done:
	free(d.stack);
	free(pre);
	free(cnt);
	free(vertex);
	free(parent);
	free(d.fwd);
	free(src);
	free(lk);
	free(stack);
	free(has_retainer);
	return rc;
}

int an__heap_retained_sizes(an_heap *h, const uint32_t *order)
{
	uint32_t n = h->node_count, i, v;

	h->d.retained = an__calloc(n, sizeof(*h->d.retained));
	if (!h->d.retained)
		return AN_ENOMEM;
	for (v = 0; v < n; v++)
		h->d.retained[v] = an__size_get(&h->d.self, v);
	/* everything follows its dominator in `order`: sum bottom-up */
	for (i = n; i >= 2; i--) {
		v = order[i];
		h->d.retained[h->d.dom[v]] += h->d.retained[v];
	}
	return AN_OK;
}

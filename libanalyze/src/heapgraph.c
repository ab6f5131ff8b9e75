/*
 * heapgraph.c - DevTools' Memory panel pipeline on the loaded graph, in
 * DevTools' order (HeapSnapshot.ts, chrome-devtools-frontend 1.0.1705227):
 * page-owned flags, essential edges, shallow-size reassignment, dominators
 * and retained sizes (dominators.c: DevTools' tree, including its handling
 * of nodes only reachable through ignored edges), distances
 * (with DevTools' edge filter), class names with interface names and
 * location keys, and the Summary aggregation. Every loop is iterative:
 * real dominator trees are hundreds of thousands of levels deep.
 */
#include <pthread.h>
#include <stdio.h>

#include "heap_int.h"

/* ---- WeakMap ephemeron edge names ------------------------------------
 * "<n> / part of key (<k> @<id>) -> value (<v> @<id>) pair in WeakMap
 * (table @<id>)", matched as DevTools' regex with lazy groups does. */

static int digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start;
}

static int lit(const char *s, size_t n, size_t *i, const char *l)
{
	size_t k = strlen(l);

	if (n - *i < k || memcmp(s + *i, l, k) != 0)
		return 0;
	*i += k;
	return 1;
}

/* Matches from position i: "<any> @<digits>)" lazily followed by `rest`
 * matched by `tail`; returns 1 and the table id on success. */
static int match_tail(const char *s, size_t n, size_t i, uint64_t *table)
{
	/* " pair in WeakMap (table @<digits>)" then end */
	size_t k = i, d;
	uint64_t t = 0;

	if (!lit(s, n, &k, " pair in WeakMap (table @"))
		return 0;
	d = k;
	if (!digits(s, n, &k))
		return 0;
	for (; d < k; d++)
		t = t * 10 + (uint64_t)(s[d] - '0');
	if (!lit(s, n, &k, ")") || k != n)
		return 0;
	*table = t;
	return 1;
}

static int match_value(const char *s, size_t n, size_t i, uint64_t *table)
{
	/* "<v> @<digits>)" lazily, then the tail */
	size_t p;

	for (p = i; p < n; p++) {
		size_t k = p;
		if (!lit(s, n, &k, " @") || !digits(s, n, &k) ||
		    !lit(s, n, &k, ")"))
			continue;
		if (match_tail(s, n, k, table))
			return 1;
	}
	return 0;
}

/* 1 when `name` is a WeakMap ephemeron edge name; *dup_off is where
 * DevTools' duplicatedPart starts and *table the table id. */
static int weakmap_edge(an_str name, size_t *dup_off, uint64_t *table)
{
	const char *s = name.ptr;
	size_t n = name.len, i = 0, p;

	if (!digits(s, n, &i))
		return 0;
	*dup_off = i;
	if (!lit(s, n, &i, " / part of key ("))
		return 0;
	for (p = i; p < n; p++) {
		size_t k = p;
		if (!lit(s, n, &k, " @") || !digits(s, n, &k) ||
		    !lit(s, n, &k, ") -> value ("))
			continue;
		if (match_value(s, n, k, table))
			return 1;
	}
	return 0;
}

/* Per string index: 0 unknown, 1 not a WeakMap edge, 2 + dup id. */
typedef struct wm_cache {
	uint32_t *state;      /* per string */
	uint64_t *table;      /* per dup id: table node id */
	uint32_t ndup;
	/* dup-part interning: hash of (ptr,len) -> dup id + 1 */
	uint32_t *slots;
	size_t cap;
	an_str *dups;
	size_t dup_cap;
} wm_cache;


static int wm_lookup(const an_heap *h, wm_cache *c, uint32_t str,
		     uint32_t *dup)
{
	an_str name;
	size_t off;
	uint64_t table;

	if (c->state[str] == 1)
		return 0;
	if (c->state[str] >= 2) {
		*dup = c->state[str] - 2;
		return 1;
	}
	name = h->strs.items[str];
	if (!weakmap_edge(name, &off, &table)) {
		c->state[str] = 1;
		return 0;
	}
	{
		const char *s = name.ptr + off;
		size_t n = name.len - off, j;
		if ((size_t)(c->ndup + 1) * 2 > c->cap) {
			size_t ncap = c->cap ? c->cap * 2 : 256, k;
			uint32_t *ns = an__calloc(ncap, sizeof(*ns));
			if (!ns)
				return -1;
			for (k = 0; k < c->ndup; k++) {
				size_t q = an__hash_bytes(c->dups[k].ptr,
						    c->dups[k].len) &
					   (ncap - 1);
				while (ns[q])
					q = (q + 1) & (ncap - 1);
				ns[q] = (uint32_t)k + 1;
			}
			free(c->slots);
			c->slots = ns;
			c->cap = ncap;
		}
		j = an__hash_bytes(s, n) & (c->cap - 1);
		while (c->slots[j]) {
			an_str d = c->dups[c->slots[j] - 1];
			if (d.len == n && memcmp(d.ptr, s, n) == 0)
				break;
			j = (j + 1) & (c->cap - 1);
		}
		if (!c->slots[j]) {
			if (an__grow((void **)&c->dups, &c->dup_cap,
				     c->ndup + 1, sizeof(*c->dups)) < 0)
				return -1;
			c->dups[c->ndup].ptr = s;
			c->dups[c->ndup].len = (uint32_t)n;
			c->slots[j] = ++c->ndup;
		}
		*dup = c->slots[j] - 1;
		c->state[str] = *dup + 2;
		/* table ids are per name, not per dup part: keep per string */
		(void)table;
	}
	return 1;
}

/* Table id named in edge-name string `str` (known to be a WeakMap edge). */
static uint64_t wm_table(const an_heap *h, uint32_t str)
{
	size_t off;
	uint64_t table = UINT64_MAX;

	weakmap_edge(h->strs.items[str], &off, &table);
	return table;
}

static void wm_free(wm_cache *c)
{
	free(c->state);
	free(c->table);
	free(c->slots);
	free(c->dups);
}

/* ---- helpers ----------------------------------------------------------- */

static int has_string_name(const an_heap *h, uint32_t e)
{
	return h->etype[e] != h->e_element && h->etype[e] != h->e_hidden;
}

static int is_synthetic(const an_heap *h, uint32_t n)
{
	return h->ntype[n] == h->t_synthetic;
}

static int is_dom_trees_root(const an_heap *h, uint32_t n)
{
	return is_synthetic(h, n) &&
	       an__heap_str_is(h, h->nname[n], "(Document DOM trees)");
}

/* DevTools JSHeapSnapshot.isUserRoot */
static int is_user_root(const an_heap *h, uint32_t n)
{
	return !is_synthetic(h, n) || is_dom_trees_root(h, n);
}

/* ---- 0. DOM state (initDetachednessAndClassIndex, propagateDOMState) ----
 * Native nodes reachable from an attached one are attached; from a
 * detached one, detached, and renamed "Detached <name>" (which changes
 * their class). Without a detachedness field, natives already named
 * "Detached ..." are detached and nothing propagates. */

enum { DOM_UNKNOWN = 0, DOM_ATTACHED = 1, DOM_DETACHED = 2 };

typedef struct dom_ctx {
	an_heap *h;
	uint8_t *visited;
	uint32_t *att, *det;      /* work stacks */
	size_t natt, ndet;
	uint32_t *renamed;        /* old string -> new string + 1 */
	int rc;
} dom_ctx;

static void dom_process(dom_ctx *d, uint32_t v, uint8_t state)
{
	an_heap *h = d->h;

	if (d->visited[v])
		return;
	if (h->ntype[v] != h->t_native) {
		d->visited[v] = 1;
		return;
	}
	h->ndet[v] = state;
	if (state == DOM_ATTACHED) {
		d->att[d->natt++] = v;
	} else if (state == DOM_DETACHED) {
		uint32_t old = h->nname[v];
		if (!d->renamed[old]) {
			an_str s = h->strs.items[old];
			char *tmp = malloc((size_t)s.len + 10);
			uint32_t id;
			if (!tmp) {
				d->rc = AN_ENOMEM;
				return;
			}
			memcpy(tmp, "Detached ", 9);
			memcpy(tmp + 9, s.ptr, s.len);
			if (an__strtab_push(&h->strs, tmp, (size_t)s.len + 9,
					    &id) < 0) {
				free(tmp);
				d->rc = AN_ENOMEM;
				return;
			}
			free(tmp);
			d->renamed[old] = id + 1;
		}
		h->nname[v] = d->renamed[old] - 1;
		d->det[d->ndet++] = v;
	}
	d->visited[v] = 1;
}

static void dom_spread(dom_ctx *d, uint32_t v, uint8_t state)
{
	an_heap *h = d->h;
	uint32_t e;

	for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
		uint8_t t = h->etype[e];
		if (t == h->e_hidden || t == h->e_invisible || t == h->e_weak)
			continue;
		dom_process(d, h->eto[e], state);
	}
}

static int dom_state(an_heap *h)
{
	dom_ctx d;
	uint32_t v, n = h->node_count;

	if (!h->ndet) {
		/* old snapshots: names tell */
		h->ndet = an__calloc(n, 1);
		if (!h->ndet)
			return AN_ENOMEM;
		for (v = 0; v < n; v++) {
			an_str s = h->strs.items[h->nname[v]];
			if (h->ntype[v] == h->t_native && s.len >= 9 &&
			    !memcmp(s.ptr, "Detached ", 9))
				h->ndet[v] = DOM_DETACHED;
		}
		return AN_OK;
	}
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.visited = an__calloc(n, 1);
	d.att = an__calloc(n, sizeof(uint32_t));
	d.det = an__calloc(n, sizeof(uint32_t));
	d.renamed = an__calloc(h->strs.count, sizeof(uint32_t));
	if (!d.visited || !d.att || !d.det || !d.renamed) {
		d.rc = AN_ENOMEM;
		goto done;
	}
	for (v = 0; v < n && !d.rc; v++)
		if (h->ndet[v] != DOM_UNKNOWN)
			dom_process(&d, v, h->ndet[v]);
	while (d.natt && !d.rc)
		dom_spread(&d, d.att[--d.natt], DOM_ATTACHED);
	while (d.ndet && !d.rc) {
		v = d.det[--d.ndet];
		if (h->ndet[v] == DOM_ATTACHED)
			continue;
		dom_spread(&d, v, DOM_DETACHED);
	}
done:
	free(d.visited);
	free(d.att);
	free(d.det);
	free(d.renamed);
	return d.rc;
}

/* ---- 1. page-owned flags (markPageOwnedNodes) ---------------------------- */

static int mark_page_owned(an_heap *h)
{
	uint32_t r = h->root, e, sp = 0, *stack;

	h->page = an__calloc(h->node_count, 1);
	stack = an__calloc(h->node_count, sizeof(*stack));
	if (!h->page || !stack) {
		free(stack);
		return AN_ENOMEM;
	}
	for (e = h->first_edge[r]; e < h->first_edge[r + 1]; e++) {
		uint32_t t = h->eto[e];
		if (h->etype[e] == h->e_element) {
			if (!is_dom_trees_root(h, t))
				continue;
		} else if (h->etype[e] != h->e_shortcut) {
			continue;
		}
		stack[sp++] = t;
		h->page[t] = 1;
	}
	while (sp) {
		uint32_t v = stack[--sp];
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t t = h->eto[e];
			if (h->page[t] || h->etype[e] == h->e_weak)
				continue;
			/* a node is pushed once: the flag is set on push */
			stack[sp++] = t;
			h->page[t] = 1;
		}
	}
	free(stack);
	return AN_OK;
}

/* ---- 2. essential edges (initEssentialEdges) ---------------------------- */

static int essential_edges(an_heap *h, wm_cache *wm, uint8_t **out)
{
	uint32_t v, e;
	uint8_t *bits = an__calloc(((size_t)h->edge_count + 7) / 8, 1);

	*out = bits;
	if (!bits)
		return AN_ENOMEM;
	for (v = 0; v < h->node_count; v++) {
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint8_t t = h->etype[e];
			uint32_t c = h->eto[e], dup;
			if (t == h->e_internal) {
				int m = wm_lookup(h, wm, h->ename[e], &dup);
				if (m < 0)
					return AN_ENOMEM;
				if (m && wm_table(h, h->ename[e]) == h->nid[v])
					continue;
			}
			if (t == h->e_weak || c == v)
				continue;
			if (v != h->root) {
				if (t == h->e_shortcut)
					continue;
				if (h->page[c] && !h->page[v])
					continue;
			}
			bits[e >> 3] |= (uint8_t)(1u << (e & 7));
		}
	}
	return AN_OK;
}

/* ---- 3. shallow sizes (JSHeapSnapshot.calculateShallowSizes) ----------- */

static int has_user_roots(const an_heap *h)
{
	uint32_t e;

	for (e = h->first_edge[h->root]; e < h->first_edge[h->root + 1]; e++)
		if (is_user_root(h, h->eto[e]))
			return 1;
	return 0;
}

static int shallow_sizes(an_heap *h)
{
	const uint32_t unvisited = 0xffffffffu, multiple = 0xfffffffeu;
	uint32_t n = h->node_count, i, e, *owners, *work;
	size_t wn = 0, wcap;

	if (!has_user_roots(h))
		return AN_OK;
	owners = an__calloc(n, sizeof(*owners));
	wcap = (size_t)n * 2 + 1; /* each node is pushed at most twice */
	work = an__calloc(wcap, sizeof(*work));
	if (!owners || !work) {
		free(owners);
		free(work);
		return AN_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint8_t t = h->ntype[i];
		if (t == h->t_hidden || t == h->t_array ||
		    (t == h->t_native &&
		     an__heap_str_is(h, h->nname[i],
				     "system / ExternalStringData"))) {
			owners[i] = unvisited;
		} else {
			owners[i] = i;
			work[wn++] = i;
		}
	}
	while (wn) {
		uint32_t id = work[--wn], owner = owners[id];
		for (e = h->first_edge[id]; e < h->first_edge[id + 1]; e++) {
			uint32_t t = h->eto[e];
			if (h->etype[e] == h->e_weak)
				continue;
			if (owners[t] == unvisited) {
				owners[t] = owner;
				work[wn++] = t;
			} else if (owners[t] == t || owners[t] == owner ||
				   owners[t] == multiple) {
				continue;
			} else {
				owners[t] = multiple;
				work[wn++] = t;
			}
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t o = owners[i];
		if (o == unvisited || o == multiple || o == i)
			continue;
		if (is_synthetic(h, o) || o == h->root)
			continue;
		h->nself[o] += h->nself[i];
		h->nself[i] = 0;
	}
	free(owners);
	free(work);
	return AN_OK;
}

/* ---- 4. dominators and retained sizes: dominators.c ---------------- */

/* ---- 5. distances (JSHeapSnapshot.calculateDistances) ----------------- */

/* parseInt(name, 10) of an edge name, or -1 when it is NaN. */
static int64_t edge_name_int(const an_heap *h, uint32_t e)
{
	an_str s;
	size_t i = 0;
	int64_t v = 0;
	int neg = 0, any = 0;

	if (!has_string_name(h, e))
		return h->ename[e];
	s = h->strs.items[h->ename[e]];
	while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t' ||
			     s.ptr[i] == '\n' || s.ptr[i] == '\r'))
		i++;
	if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+'))
		neg = s.ptr[i++] == '-';
	for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
		any = 1;
		if (v < INT64_MAX / 10)
			v = v * 10 + (s.ptr[i] - '0');
	}
	if (!any)
		return INT64_MIN;
	return neg ? -v : v;
}

typedef struct dist_ctx {
	an_heap *h;
	wm_cache *wm;
	uint8_t *pending;   /* per dup id: in DevTools' pendingEphemeronEdges */
} dist_ctx;

/* DevTools' distance filter for edge e from node v. */
static int dist_filter(dist_ctx *d, uint32_t v, uint32_t e)
{
	an_heap *h = d->h;
	uint32_t dup;

	if (h->ntype[v] == h->t_hidden && has_string_name(h, e) &&
	    an__heap_str_is(h, h->ename[e], "sloppy_function_map") &&
	    an__heap_str_is(h, h->nname[v], "system / NativeContext"))
		return 0;
	if (h->ntype[v] == h->t_array &&
	    an__heap_str_is(h, h->nname[v], "(map descriptors)")) {
		int64_t idx = edge_name_int(h, e);
		if (idx == INT64_MIN)
			return 1; /* NaN: both tests false -> kept */
		return idx < 2 || (idx % 3) != 1;
	}
	if (h->etype[e] == h->e_internal) {
		int m = wm_lookup(h, d->wm, h->ename[e], &dup);
		if (m > 0) {
			if (!d->pending[dup]) {
				d->pending[dup] = 1;
				return 0;
			}
			d->pending[dup] = 0;
		}
	}
	return 1;
}

static void bfs(dist_ctx *d, uint32_t *queue, uint32_t qn)
{
	an_heap *h = d->h;
	uint32_t qi = 0, e;

	while (qi < qn) {
		uint32_t v = queue[qi++];
		int32_t dist = h->dist[v] + 1;
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t c = h->eto[e];
			if (h->etype[e] == h->e_weak)
				continue;
			if (h->dist[c] != AN_HEAP_NO_DISTANCE)
				continue;
			if (!dist_filter(d, v, e))
				continue;
			h->dist[c] = dist;
			queue[qn++] = c;
		}
	}
}

static int distances(an_heap *h, wm_cache *wm)
{
	uint32_t n = h->node_count, i, e, qn = 0, *queue;
	dist_ctx d;

	h->dist = an__calloc(n, sizeof(*h->dist));
	/* a node is queued at most once per BFS, plus the root's duplicate
	 * edges to user roots */
	queue = an__calloc((size_t)n + (h->first_edge[h->root + 1] -
					h->first_edge[h->root]) + 1,
			   sizeof(*queue));
	d.h = h;
	d.wm = wm;
	d.pending = an__calloc(wm->ndup + 1, 1);
	if (!h->dist || !queue || !d.pending) {
		free(queue);
		free(d.pending);
		return AN_ENOMEM;
	}
	for (i = 0; i < n; i++)
		h->dist[i] = AN_HEAP_NO_DISTANCE;
	for (e = h->first_edge[h->root]; e < h->first_edge[h->root + 1]; e++) {
		uint32_t c = h->eto[e];
		if (is_user_root(h, c)) {
			h->dist[c] = 1;
			queue[qn++] = c;
		}
	}
	bfs(&d, queue, qn);
	h->dist[h->root] = qn > 0 ? AN_HEAP_SYSTEM_DISTANCE : 0;
	queue[0] = h->root;
	bfs(&d, queue, 1);
	free(queue);
	free(d.pending);
	return AN_OK;
}

/* ---- 7. dominated children and the Summary ---------------------------- */

static const an_heap *kid_heap;

static int cmp_kid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t rx = kid_heap->retained[x], ry = kid_heap->retained[y];

	if (rx != ry)
		return rx > ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int dominated_children(an_heap *h)
{
	uint32_t n = h->node_count, v, acc = 0, *cur;

	h->dom_first = an__calloc((size_t)n + 1, sizeof(*h->dom_first));
	h->dom_kids = an__calloc(n, sizeof(*h->dom_kids));
	cur = an__calloc(n, sizeof(*cur));
	if (!h->dom_first || !h->dom_kids || !cur) {
		free(cur);
		return AN_ENOMEM;
	}
	for (v = 0; v < n; v++)
		if (v != h->root)
			h->dom_first[h->dom[v]]++;
	for (v = 0; v < n; v++) {
		uint32_t k = h->dom_first[v];
		h->dom_first[v] = acc;
		acc += k;
	}
	h->dom_first[n] = acc;
	memcpy(cur, h->dom_first, (size_t)n * sizeof(*cur));
	for (v = 0; v < n; v++)
		if (v != h->root)
			h->dom_kids[cur[h->dom[v]]++] = v;
	free(cur);
	kid_heap = h;
	for (v = 0; v < n; v++) {
		uint32_t k = h->dom_first[v + 1] - h->dom_first[v];
		if (k > 1)
			qsort(h->dom_kids + h->dom_first[v], k,
			      sizeof(uint32_t), cmp_kid);
	}
	kid_heap = NULL;
	return AN_OK;
}

static int cmp_class(const void *a, const void *b)
{
	const an_heap_class *x = &kid_heap->classes[*(const uint32_t *)a];
	const an_heap_class *y = &kid_heap->classes[*(const uint32_t *)b];

	if (x->retained_size != y->retained_size)
		return x->retained_size > y->retained_size ? -1 : 1;
	return an__str_cmp(x->name, y->name);
}

/* buildAggregates + calculateClassesRetainedSize */
static int summary(an_heap *h)
{
	uint32_t n = h->node_count, v, c, sp = 0, *stack;
	uint8_t *seen;

	for (v = 0; v < n; v++) {
		an_heap_class *k = &h->classes[h->cls[v]];
		if (!h->nself[v])
			continue;
		k->count++;
		k->self_size += h->nself[v];
		if (h->dist[v] < k->distance)
			k->distance = h->dist[v];
	}
	/* topmost members on each dominator path: entries are node*2, +1
	 * when leaving a node that marked its class seen */
	stack = an__calloc((size_t)n * 2 + 2, sizeof(*stack));
	seen = an__calloc(h->nclasses, 1);
	if (!stack || !seen) {
		free(stack);
		free(seen);
		return AN_ENOMEM;
	}
	stack[sp++] = h->root * 2;
	while (sp) {
		uint32_t x = stack[--sp], k;
		v = x / 2;
		c = h->cls[v];
		if (x & 1) {
			seen[c] = 0;
			continue;
		}
		if (!seen[c] && h->nself[v]) {
			h->classes[c].retained_size += h->retained[v];
			if (h->dom_first[v + 1] != h->dom_first[v]) {
				seen[c] = 1;
				stack[sp++] = v * 2 + 1;
			}
		}
		for (k = h->dom_first[v + 1]; k > h->dom_first[v]; k--)
			stack[sp++] = h->dom_kids[k - 1] * 2;
	}
	free(stack);
	free(seen);
	h->class_order = an__calloc(h->nclasses, sizeof(*h->class_order));
	if (!h->class_order)
		return AN_ENOMEM;
	for (c = 0; c < h->nclasses; c++) {
		if (!h->classes[c].count)
			continue;
		h->class_order[h->nclass_order++] = c;
	}
	kid_heap = h;
	if (h->nclass_order > 1)
		qsort(h->class_order, h->nclass_order, sizeof(uint32_t),
		      cmp_class);
	kid_heap = NULL;
	return AN_OK;
}

/* The dominator tree runs on a second thread while the first computes
 * distances and class names: they read the same graph and write disjoint
 * arrays (the strings, which class naming extends, are not touched by
 * the dominator side). */
typedef struct dom_job {
	an_heap *h;
	const uint8_t *ess;
	int rc;
} dom_job;

static void *dom_thread(void *arg)
{
	dom_job *j = arg;

	j->rc = an__heap_dominators(j->h, j->ess);
	if (j->rc == AN_OK)
		j->rc = dominated_children(j->h);
	return NULL;
}

int an__heap_analyse(an_heap *h, an_error *err)
{
	wm_cache wm;
	uint8_t *ess = NULL;
	dom_job dj;
	pthread_t tid;
	int rc, threaded = 0;

	memset(&wm, 0, sizeof(wm));
	wm.state = an__calloc(h->strs.count + 1, sizeof(*wm.state));
	if (!wm.state)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	rc = dom_state(h);
	if (rc == AN_OK)
		rc = mark_page_owned(h);
	if (rc == AN_OK)
		rc = essential_edges(h, &wm, &ess);
	free(h->page); /* only the essential edges needed it */
	h->page = NULL;
	if (rc == AN_OK)
		rc = shallow_sizes(h);
	dj.h = h;
	dj.ess = ess;
	dj.rc = AN_OK;
	if (rc == AN_OK) {
		threaded = pthread_create(&tid, NULL, dom_thread, &dj) == 0;
		if (!threaded)
			dom_thread(&dj); /* no thread: do it here */
	}
	if (rc == AN_OK)
		rc = distances(h, &wm);
	if (rc == AN_OK)
		rc = an__heap_class_names(h);
	if (threaded)
		pthread_join(tid, NULL);
	free(ess);
	if (rc == AN_OK)
		rc = dj.rc;
	if (rc == AN_OK)
		rc = summary(h);
	wm_free(&wm);
	if (rc < 0)
		return an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	return AN_OK;
}

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

#include "heap/heap_int.h"

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

/*
 * The WeakMap edge names of a snapshot, classified once (wm_classify,
 * then wm_intern) and only read afterwards, so threads share it. Two edges whose names share
 * DevTools' duplicatedPart (the name after its leading number) get the
 * same dup id.
 */
typedef struct wm_entry {
	uint64_t table;       /* table node id named in the edge name */
	uint64_t hash;        /* of the dup part */
	uint32_t str;         /* the name's string index */
	uint32_t off;         /* where the dup part starts */
	uint32_t dup;         /* dup id */
} wm_entry;

typedef struct wm_cache {
	uint32_t *state;      /* per string: 0 not a WeakMap edge name,
				 else 1 + its wm_entry */
	uint32_t nstate;
	wm_entry *entries;
	uint32_t nentries;
	uint32_t ndup;
} wm_cache;

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
static int wm_classify(const an_heap *h, wm_cache *c)
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

/* Dup ids (for the distances). */
static int wm_intern(const an_heap *h, wm_cache *c)
{
	uint32_t k, *slots;
	size_t cap, mask;

	/* open addressing, at most half full */
	for (cap = 16; cap < (size_t)c->nentries * 2; cap *= 2)
		;
	mask = cap - 1;
	slots = an__calloc(cap, sizeof(*slots));
	if (!slots)
		return AN_ENOMEM;
	for (k = 0; k < c->nentries; k++) {
		wm_entry *e = &c->entries[k];
		an_str name = h->strs.items[e->str];
		const char *p = name.ptr + e->off;
		size_t n = name.len - e->off, j;
		e->hash = wm_hash(p, n);
		for (j = e->hash & mask; slots[j]; j = (j + 1) & mask) {
			const wm_entry *o = &c->entries[slots[j] - 1];
			an_str on = h->strs.items[o->str];
			if (o->hash == e->hash && on.len - o->off == n &&
			    memcmp(on.ptr + o->off, p, n) == 0)
				break;
		}
		if (slots[j]) {
			e->dup = c->entries[slots[j] - 1].dup;
		} else {
			e->dup = c->ndup++;
			slots[j] = k + 1;
		}
	}
	free(slots);
	return AN_OK;
}

/* The entry of a WeakMap edge name, or NULL. */
static const wm_entry *wm_lookup(const wm_cache *c, uint32_t str)
{
	if (str >= c->nstate || !c->state[str])
		return NULL;
	return &c->entries[c->state[str] - 1];
}

static void wm_free(wm_cache *c)
{
	free(c->state);
	free(c->entries);
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
		if (h->page[t])
			continue; /* pushed once: the stack holds node_count */
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

/* Stores the bits of edges [e0, e1) held in byte k; the two end bytes may
 * be shared with the other thread's range. */
static void ess_store(uint8_t *bits, uint32_t k, uint8_t b, uint32_t e0,
		      uint32_t e1)
{
	if (k == e0 >> 3 || k == (e1 - 1) >> 3)
		__atomic_fetch_or(&bits[k], b, __ATOMIC_RELAXED);
	else
		bits[k] = b;
}

typedef struct ess_job {
	const an_heap *h;
	const wm_cache *wm;
	uint8_t *bits;
	uint32_t v0, v1;        /* node range */
} ess_job;

/* initEssentialEdges for the edges of nodes [v0, v1). */
static void *ess_range(void *arg)
{
	const ess_job *j = arg;
	const an_heap *h = j->h;
	uint32_t v, e, e0 = h->first_edge[j->v0], e1 = h->first_edge[j->v1];
	uint8_t b = 0;

	for (v = j->v0; v < j->v1; v++) {
		for (e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint8_t t = h->etype[e];
			uint32_t c = h->eto[e];
			const wm_entry *w;
			int ess = 1;
			if (t == h->e_internal &&
			    (w = wm_lookup(j->wm, h->ename[e])) != NULL &&
			    w->table == h->nid[v])
				ess = 0;
			else if (t == h->e_weak || c == v)
				ess = 0;
			else if (v != h->root &&
				 (t == h->e_shortcut ||
				  (h->page[c] && !h->page[v])))
				ess = 0;
			b |= (uint8_t)(ess << (e & 7));
			if ((e & 7) == 7) {
				ess_store(j->bits, e >> 3, b, e0, e1);
				b = 0;
			}
		}
	}
	if (e1 > e0 && (e1 & 7) != 0)
		ess_store(j->bits, (e1 - 1) >> 3, b, e0, e1);
	return NULL;
}

/* One bit per edge, on two threads (halves by edge count). */
static int essential_edges(an_heap *h, const wm_cache *wm, uint8_t **out)
{
	uint32_t n = h->node_count, mid = 0, lo = 0, hi = n;
	uint8_t *bits = an__calloc(((size_t)h->edge_count + 7) / 8, 1);
	ess_job j[2];
	pthread_t tid;
	int threaded;

	*out = bits;
	if (!bits)
		return AN_ENOMEM;
	/* first node whose edges start in the second half */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->first_edge[mid] < h->edge_count / 2)
			lo = mid + 1;
		else
			hi = mid;
	}
	mid = lo;
	j[0].h = j[1].h = h;
	j[0].wm = j[1].wm = wm;
	j[0].bits = j[1].bits = bits;
	j[0].v0 = 0;
	j[0].v1 = j[1].v0 = mid;
	j[1].v1 = n;
	threaded = pthread_create(&tid, NULL, ess_range, &j[1]) == 0;
	ess_range(&j[0]);
	if (threaded)
		pthread_join(tid, NULL);
	else
		ess_range(&j[1]);
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
	const wm_cache *wm;
	uint8_t *pending;   /* per dup id: in DevTools' pendingEphemeronEdges */
} dist_ctx;

/* DevTools' distance filter for edge e from node v. */
static int dist_filter(dist_ctx *d, uint32_t v, uint32_t e)
{
	an_heap *h = d->h;

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
		const wm_entry *w = wm_lookup(d->wm, h->ename[e]);
		if (w) {
			if (!d->pending[w->dup]) {
				d->pending[w->dup] = 1;
				return 0;
			}
			d->pending[w->dup] = 0;
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

static int distances(an_heap *h, const wm_cache *wm)
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

/* The CSR of dominated children, in node order for now. */
static int dominated_children(an_heap *h)
{
	uint32_t n = h->node_count, v, *first;

	first = h->dom_first = an__calloc((size_t)n + 1, sizeof(*first));
	h->dom_kids = an__calloc(n, sizeof(*h->dom_kids));
	if (!first || !h->dom_kids)
		return AN_ENOMEM;
	for (v = 0; v < n; v++)
		if (v != h->root)
			first[h->dom[v]]++;
	an__csr_starts(first, n);
	for (v = 0; v < n; v++)
		if (v != h->root)
			h->dom_kids[first[h->dom[v]]++] = v;
	an__csr_restore(first, n);
	return AN_OK;
}

typedef struct kid_key {
	uint64_t retained;
	uint32_t id;
} kid_key;

/* Larger retained size first, then node order. */
static int kid_before(const kid_key *x, const kid_key *y)
{
	if (x->retained != y->retained)
		return x->retained > y->retained;
	return x->id < y->id;
}

static int cmp_kid(const void *a, const void *b)
{
	const kid_key *x = a, *y = b;

	return kid_before(x, y) ? -1 : kid_before(y, x);
}

/* Each node's dominated children by retained size (the Dominators
 * view's order), into j->sorted: the Summary reads h->dom_kids meanwhile
 * (it does not need the order). */
typedef struct kids_job {
	const an_heap *h;
	uint32_t *sorted;       /* the new dom_kids */
	int rc;
} kids_job;

static void *sort_kids(void *arg)
{
	kids_job *j = arg;
	const an_heap *h = j->h;
	uint32_t v, i, cap = 0;
	kid_key *tmp = NULL;

	j->sorted = an__calloc(h->node_count, sizeof(*j->sorted));
	if (!j->sorted) {
		j->rc = AN_ENOMEM;
		return NULL;
	}
	for (v = 0; v < h->node_count; v++) {
		const uint32_t *k = h->dom_kids + h->dom_first[v];
		uint32_t *out = j->sorted + h->dom_first[v];
		uint32_t m = h->dom_first[v + 1] - h->dom_first[v];
		if (m < 2) {
			if (m == 1)
				out[0] = k[0];
			continue;
		}
		if (m > cap) {
			kid_key *t = realloc(tmp, (size_t)m * sizeof(*t));
			if (!t)
				break;
			tmp = t;
			cap = m;
		}
		for (i = 0; i < m; i++) {
			tmp[i].retained = h->retained[k[i]];
			tmp[i].id = k[i];
		}
		if (m <= 16) {
			for (i = 1; i < m; i++) {
				kid_key x = tmp[i];
				uint32_t p = i;
				for (; p > 0 && kid_before(&x, &tmp[p - 1]); p--)
					tmp[p] = tmp[p - 1];
				tmp[p] = x;
			}
		} else {
			qsort(tmp, m, sizeof(*tmp), cmp_kid);
		}
		for (i = 0; i < m; i++)
			out[i] = tmp[i].id;
	}
	j->rc = v == h->node_count ? AN_OK : AN_ENOMEM;
	free(tmp);
	return NULL;
}

/* A class's sort key (no heap needed: two heaps may be analysed at
 * once). */
typedef struct class_key {
	uint64_t retained;
	an_str name;
	uint32_t id;
} class_key;

/* Retained size descending, then name, then class order. */
static int cmp_class(const void *a, const void *b)
{
	const class_key *x = a, *y = b;
	int r;

	if (x->retained != y->retained)
		return x->retained > y->retained ? -1 : 1;
	r = an__str_cmp(x->name, y->name);
	if (r)
		return r;
	return x->id < y->id ? -1 : x->id > y->id;
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
	if (h->nclass_order > 1) {
		class_key *keys = an__calloc(h->nclass_order, sizeof(*keys));
		if (!keys)
			return AN_ENOMEM;
		for (c = 0; c < h->nclass_order; c++) {
			const an_heap_class *k = &h->classes[h->class_order[c]];
			keys[c].retained = k->retained_size;
			keys[c].name = k->name;
			keys[c].id = h->class_order[c];
		}
		qsort(keys, h->nclass_order, sizeof(*keys), cmp_class);
		for (c = 0; c < h->nclass_order; c++)
			h->class_order[c] = keys[c].id;
		free(keys);
	}
	return AN_OK;
}

/*
 * Two threads. The second classifies WeakMap edge names while the first
 * marks page-owned nodes; the essential edges are split between them;
 * then the second builds the dominator tree while the first reassigns
 * shallow sizes (which the retained sizes wait for), interns WeakMap dup
 * parts, computes distances and class names; last, the first aggregates the Summary while
 * the second sorts dominated children. They read the same graph and write
 * disjoint arrays (the strings, which class naming extends, are not
 * touched on the dominator side).
 */
typedef struct wm_job {
	const an_heap *h;
	wm_cache *wm;
	int rc;
} wm_job;

static void *wm_thread(void *arg)
{
	wm_job *j = arg;

	j->rc = wm_classify(j->h, j->wm);
	return NULL;
}

typedef struct dom_job {
	an_heap *h;
	const uint8_t *ess;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int nself_final;        /* shallow sizes done: -1 failed, 1 ok */
	int rc;
} dom_job;

static void *dom_thread(void *arg)
{
	dom_job *j = arg;
	uint32_t *order = NULL;
	int ready;

	j->rc = an__heap_dominators(j->h, j->ess, &order);
	pthread_mutex_lock(&j->mu);
	while (j->nself_final == 0)
		pthread_cond_wait(&j->cv, &j->mu);
	ready = j->nself_final > 0;
	pthread_mutex_unlock(&j->mu);
	if (j->rc == AN_OK && ready)
		j->rc = an__heap_retained_sizes(j->h, order);
	free(order);
	if (j->rc == AN_OK && ready)
		j->rc = dominated_children(j->h);
	return NULL;
}

static void nself_final(dom_job *j, int ok)
{
	pthread_mutex_lock(&j->mu);
	j->nself_final = ok ? 1 : -1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

int an__heap_analyse(an_heap *h, an_error *err)
{
	wm_cache wm;
	uint8_t *ess = NULL;
	dom_job dj;
	kids_job kj;
	pthread_t tid;
	int rc, threaded = 0;

	memset(&wm, 0, sizeof(wm));
	memset(&dj, 0, sizeof(dj));
	if (an__heap_ret_index_new(h) < 0)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	wm.nstate = h->strs.count; /* the snapshot's; dom_state adds more */
	rc = dom_state(h);
	if (rc == AN_OK) {
		wm_job wj = {h, &wm, AN_OK};
		threaded = pthread_create(&tid, NULL, wm_thread, &wj) == 0;
		if (!threaded)
			wm_thread(&wj);
		rc = mark_page_owned(h);
		if (threaded)
			pthread_join(tid, NULL);
		if (rc == AN_OK)
			rc = wj.rc;
	}
	if (rc == AN_OK)
		rc = essential_edges(h, &wm, &ess);
	free(h->page); /* only the essential edges needed it */
	h->page = NULL;
	if (rc == AN_OK) {
		dj.h = h;
		dj.ess = ess;
		pthread_mutex_init(&dj.mu, NULL);
		pthread_cond_init(&dj.cv, NULL);
		threaded = pthread_create(&tid, NULL, dom_thread, &dj) == 0;
		rc = shallow_sizes(h);
		nself_final(&dj, rc == AN_OK);
		if (!threaded)
			dom_thread(&dj); /* no thread: do it here */
		if (rc == AN_OK)
			rc = wm_intern(h, &wm);
		if (rc == AN_OK)
			rc = distances(h, &wm);
		if (rc == AN_OK)
			rc = an__heap_class_names(h);
		if (threaded)
			pthread_join(tid, NULL);
		pthread_cond_destroy(&dj.cv);
		pthread_mutex_destroy(&dj.mu);
		if (rc == AN_OK)
			rc = dj.rc;
	}
	free(ess);
	if (rc == AN_OK) {
		kj.h = h;
		kj.sorted = NULL;
		kj.rc = AN_OK;
		threaded = pthread_create(&tid, NULL, sort_kids, &kj) == 0;
		rc = summary(h);
		if (threaded)
			pthread_join(tid, NULL);
		else
			sort_kids(&kj);
		if (rc == AN_OK)
			rc = kj.rc;
		if (rc == AN_OK) {
			free(h->dom_kids);
			h->dom_kids = kj.sorted;
			kj.sorted = NULL;
		}
		free(kj.sorted);
	}
	wm_free(&wm);
	if (rc < 0)
		return an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	return AN_OK;
}

/*
 * builder.c - turns what a format loader read into the CPU profile model:
 * builder storage, validation (ids, tree shape, sample references,
 * counts), timestamps and their stable sort, system-node detection and
 * DevTools' lone-(program) fix. The loaders (cpuprofile.c) produce into
 * the builder; they never see the model's internals.
 */
#include "core/sort.h"
#include "cpu/profile_int.h"

/* ---- builder -------------------------------------------------------- */

void an__builder_init(an_builder *b, an_strtab *strs)
{
	memset(b, 0, sizeof(*b));
	b->strs = strs;
}

void an__builder_free(an_builder *b)
{
	free(b->nodes);
	free(b->kids);
	free(b->ticks);
	free(b->samples);
	free(b->deltas);
	free(b->lines);
	memset(b, 0, sizeof(*b));
}

/* Bytes the builder's arrays hold. */
static uint64_t held(const an_builder *b)
{
	return (uint64_t)b->node_cap * sizeof(*b->nodes) +
	       (uint64_t)b->kid_cap * sizeof(*b->kids) +
	       (uint64_t)b->tick_cap * sizeof(*b->ticks) +
	       (uint64_t)b->sample_cap * sizeof(*b->samples) +
	       (uint64_t)b->delta_cap * sizeof(*b->deltas) +
	       (uint64_t)b->line_cap * sizeof(*b->lines);
}

/*
 * Room to grow an array of `cap` elements of `size` bytes to hold `need`
 * (doubling): AN_OK, or AN_ENOMEM when the builder would then hold more
 * than half the machine's memory. A file (a gzip bomb: 1 MB inflates to
 * 1 GB of "0,0,0...") must not get the machine swapping or killed; the
 * model built afterwards takes as much again.
 */
static int room(const an_builder *b, size_t cap, size_t need, size_t size)
{
	uint64_t mem, ncap;

	if (need <= cap)
		return AN_OK;
	mem = an__mem_total();
	ncap = cap ? cap : 16; /* as an__grow() */
	while (ncap < need)
		ncap *= 2;
	if (mem && held(b) + (ncap - cap) * size > mem / 2)
		return AN_ENOMEM;
	return AN_OK;
}

an_raw_node *an__builder_node(an_builder *b, uint64_t offset)
{
	an_raw_node *n;

	if (b->node_n >= UINT32_MAX - 1 ||
	    room(b, b->node_cap, b->node_n + 1, sizeof(*b->nodes)) < 0 ||
	    an__grow((void **)&b->nodes, &b->node_cap, b->node_n + 1,
		     sizeof(*b->nodes)) < 0)
		return NULL;
	n = &b->nodes[b->node_n++];
	memset(n, 0, sizeof(*n));
	n->id = AN_ID_NONE;
	n->parent = AN_ID_NONE;
	n->line = -1;
	n->column = -1;
	n->hits = -1;
	n->kid_off = (uint32_t)b->kid_n;
	n->tick_off = (uint32_t)b->tick_n;
	n->offset = offset;
	return n;
}

#define PUSH(arr, n, cap, v)                                                  \
	do {                                                                  \
		if ((n) >= UINT32_MAX - 1)                                    \
			return AN_ELIMIT;                                     \
		if (room(b, (cap), (n) + 1, sizeof(*(arr))) < 0)              \
			return AN_ENOMEM;                                     \
		if (an__grow((void **)&(arr), &(cap), (n) + 1,                \
			     sizeof(*(arr))) < 0)                             \
			return AN_ENOMEM;                                     \
		(arr)[(n)++] = (v);                                           \
	} while (0)

int an__builder_kid(an_builder *b, int64_t id)
{
	PUSH(b->kids, b->kid_n, b->kid_cap, id);
	return AN_OK;
}

int an__builder_tick(an_builder *b, uint32_t line, uint32_t ticks)
{
	an_line_ticks t = {line, ticks};
	PUSH(b->ticks, b->tick_n, b->tick_cap, t);
	return AN_OK;
}

int an__builder_sample(an_builder *b, int64_t id)
{
	PUSH(b->samples, b->sample_n, b->sample_cap, id);
	return AN_OK;
}

int an__builder_delta(an_builder *b, int64_t d)
{
	PUSH(b->deltas, b->delta_n, b->delta_cap, d);
	return AN_OK;
}

int an__builder_line(an_builder *b, int32_t line)
{
	PUSH(b->lines, b->line_n, b->line_cap, line);
	return AN_OK;
}

#define APPEND(field, n, cap)                                                 \
	do {                                                                  \
		if (src->n) {                                                 \
			if (dst->n + src->n >= UINT32_MAX - 1)                \
				return AN_ELIMIT;                             \
			if (room(dst, dst->cap, dst->n + src->n,              \
				 sizeof(*dst->field)) < 0)                    \
				return AN_ENOMEM;                             \
			if (an__grow((void **)&dst->field, &dst->cap,         \
				     dst->n + src->n,                         \
				     sizeof(*dst->field)) < 0)                \
				return AN_ENOMEM;                             \
			memcpy(dst->field + dst->n, src->field,               \
			       src->n * sizeof(*src->field));                 \
			dst->n += src->n;                                     \
		}                                                             \
	} while (0)

int an__builder_append(an_builder *dst, an_builder *src)
{
	size_t i, node0 = dst->node_n;
	uint32_t kid0 = (uint32_t)dst->kid_n, tick0 = (uint32_t)dst->tick_n;

	APPEND(nodes, node_n, node_cap);
	APPEND(kids, kid_n, kid_cap);
	APPEND(ticks, tick_n, tick_cap);
	APPEND(samples, sample_n, sample_cap);
	APPEND(deltas, delta_n, delta_cap);
	APPEND(lines, line_n, line_cap);
	for (i = node0; i < dst->node_n; i++) {
		dst->nodes[i].kid_off += kid0;
		dst->nodes[i].tick_off += tick0;
	}
	dst->have_samples |= src->have_samples;
	dst->have_deltas |= src->have_deltas;
	if (src->have_end) {
		dst->end_time = src->end_time;
		dst->have_end = 1;
	}
	src->node_n = src->kid_n = src->tick_n = 0;
	src->sample_n = src->delta_n = src->line_n = 0;
	src->have_samples = src->have_deltas = src->have_end = 0;
	return AN_OK;
}

/* ---- nodes whose parent never arrived ------------------------------- */

static uint64_t raw_id_hash(uint32_t i, const void *ctx)
{
	return an__ht_mix64((uint64_t)((const an_builder *)ctx)->nodes[i].id);
}

static int raw_id_eq(uint32_t i, const void *key, const void *ctx)
{
	return ((const an_builder *)ctx)->nodes[i].id ==
	       *(const int64_t *)key;
}

int an__builder_adopt_orphans(an_builder *b)
{
	an_hashtab ids;
	an_raw_node *m;
	int64_t max_id = 0, mid;
	uint32_t i, n = (uint32_t)b->node_n, k;
	uint32_t name;
	int rc = AN_OK;

	b->orphans = 0;
	if (n == 0)
		return AN_OK;
	an__ht_init(&ids, raw_id_hash, raw_id_eq, b);
	if (an__ht_reserve(&ids, n) < 0)
		return AN_ENOMEM;
	for (i = 0; i < n; i++) {
		int64_t id = b->nodes[i].id;
		if (id > max_id)
			max_id = id;
		/* duplicates are reported later, by an__profile_finish */
		rc = an__ht_add(&ids, an__ht_mix64((uint64_t)id), &id, i, &k);
		if (rc < 0)
			goto done;
	}
	rc = AN_OK;
	for (i = 1; i < n; i++) {
		int64_t par = b->nodes[i].parent;
		if (par != AN_ID_NONE &&
		    an__ht_find(&ids, an__ht_mix64((uint64_t)par), &par) ==
			    AN_HT_NONE)
			b->orphans++;
	}
	if (!b->orphans || b->nodes[0].id == AN_ID_NONE)
		goto done;
	if (max_id == INT64_MAX) {
		rc = AN_ELIMIT;
		goto done;
	}
	mid = max_id + 1;
	for (i = 1; i < n; i++) {
		int64_t par = b->nodes[i].parent;
		if (par != AN_ID_NONE &&
		    an__ht_find(&ids, an__ht_mix64((uint64_t)par), &par) ==
			    AN_HT_NONE)
			b->nodes[i].parent = mid;
	}
	rc = an__strtab_intern(b->strs, "(missing parent)", 16, &name);
	if (rc < 0)
		goto done;
	m = an__builder_node(b, b->nodes[0].offset);
	if (!m) {
		rc = AN_ENOMEM;
		goto done;
	}
	m->id = mid;
	m->parent = b->nodes[0].id;
	m->name = name;
	m->url = m->script_id = b->nodes[0].url; /* "" in a trace root */
	rc = AN_OK;
done:
	an__ht_free(&ids);
	return rc;
}

/* ---- id -> index map: the hash table over p->node_id ------------------ */

static uint64_t id_hash(uint32_t i, const void *ctx)
{
	const an_profile *p = ctx;

	return an__ht_mix64((uint64_t)p->node_id[i]);
}

static int id_eq(uint32_t i, const void *key, const void *ctx)
{
	const an_profile *p = ctx;

	return p->node_id[i] == *(const int64_t *)key;
}

/* The node with id `id`, or AN_NONE. */
static uint32_t idmap_get(const an_hashtab *ids, int64_t id)
{
	return an__ht_find(ids, an__ht_mix64((uint64_t)id), &id);
}

/* ---- function interning: the hash table over p->funcs ----------------
 * Names and urls are interned, so their pointers identify them. */

static uint64_t fn_hash(const char *name, const char *url, int32_t line,
			int32_t col)
{
	return an__ht_mix64(((uint64_t)(uintptr_t)name * 31 +
			     (uint64_t)(uintptr_t)url) ^
			    an__ht_mix64((uint64_t)(uint32_t)line << 32 |
					 (uint32_t)col));
}

static uint64_t fn_item_hash(uint32_t f, const void *ctx)
{
	const an_function *g = &((const an_profile *)ctx)->funcs[f];

	return fn_hash(g->name.ptr, g->url.ptr, g->line, g->column);
}

static int fn_eq(uint32_t f, const void *key, const void *ctx)
{
	const an_function *g = &((const an_profile *)ctx)->funcs[f];
	const an_function *k = key;

	return g->line == k->line && g->column == k->column &&
	       g->name.ptr == k->name.ptr && g->url.ptr == k->url.ptr;
}

/* ---- stable sort of samples by timestamp ---------------------------- */

static int cmp_ts(uint32_t a, uint32_t b, const void *ctx)
{
	const int64_t *ts = ctx;

	return ts[a] < ts[b] ? -1 : ts[a] > ts[b];
}

/*
 * Samples are almost in time order (a few negative deltas move one
 * sample back a little): a stable insertion sort of idx by ts, which
 * gives up after `budget` moves (leaving idx a permutation in which
 * equal timestamps keep their order, so a stable sort can finish it).
 * 1 when done.
 */
static int insertion_sort_ts(uint32_t *idx, uint32_t n, const int64_t *ts,
			     uint64_t budget)
{
	uint32_t i, j, x;

	for (i = 1; i < n; i++) {
		x = idx[i];
		for (j = i; j > 0 && ts[idx[j - 1]] > ts[x]; j--) {
			idx[j] = idx[j - 1];
			if (!budget--) {
				idx[j - 1] = x;
				return 0;
			}
		}
		idx[j] = x;
	}
	return 1;
}

/* A direct id -> node table when ids are compact (V8 numbers nodes
 * 1..n): *lo is the smallest id. NULL when they are not, or no memory
 * (the hash table then serves). */
static uint32_t *dense_ids(const an_profile *p, int64_t *lo, int64_t *hi)
{
	uint32_t i, n = p->node_count, *t;
	int64_t a = p->node_id[0], z = p->node_id[0];

	for (i = 1; i < n; i++) {
		if (p->node_id[i] < a)
			a = p->node_id[i];
		if (p->node_id[i] > z)
			z = p->node_id[i];
	}
	if ((uint64_t)z - (uint64_t)a >= 4 * (uint64_t)n + 1024)
		return NULL;
	t = malloc(((size_t)(z - a) + 1) * sizeof(*t));
	if (!t)
		return NULL;
	memset(t, 0xff, ((size_t)(z - a) + 1) * sizeof(*t)); /* AN_NONE */
	for (i = 0; i < n; i++)
		t[p->node_id[i] - a] = i;
	*lo = a;
	*hi = z;
	return t;
}

/* ---- finishing ------------------------------------------------------- */

static int build_tree(an_profile *p, an_builder *b, const an_hashtab *ids,
		      an_error *err)
{
	uint32_t n = p->node_count, i, k;
	uint32_t *count = NULL, *queue = NULL;
	uint8_t *listed = an__calloc(n, 1); /* in its parent's children */
	int rc = AN_OK;

	if (!listed)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < n; i++)
		p->parent[i] = AN_NONE;
	/* parents from children lists */
	for (i = 0; i < n; i++) {
		const an_raw_node *r = &b->nodes[i];
		for (k = 0; k < r->kid_n; k++) {
			int64_t cid = b->kids[r->kid_off + k];
			uint32_t c = idmap_get(ids, cid);
			if (c == AN_NONE)
				AN_FAIL(err, AN_EFORMAT, r->offset,
					"node %lld lists child %lld, which "
					"is not in nodes",
					(long long)r->id, (long long)cid);
			if (c == 0)
				AN_FAIL(err, AN_EFORMAT, r->offset,
					"node %lld lists the root %lld as a "
					"child (cycle)",
					(long long)r->id, (long long)cid);
			if (p->parent[c] != AN_NONE || c == i)
				AN_FAIL(err, AN_EFORMAT, r->offset,
					"node %lld lists child %lld, which "
					"already has a parent (cycle?)",
					(long long)r->id, (long long)cid);
			p->parent[c] = i;
			listed[c] = 1;
		}
	}
	/* parents from parent ids (trace format) */
	for (i = 0; i < n; i++) {
		const an_raw_node *r = &b->nodes[i];
		uint32_t par;
		if (r->parent == AN_ID_NONE)
			continue;
		par = idmap_get(ids, r->parent);
		if (par == AN_NONE)
			AN_FAIL(err, AN_EFORMAT, r->offset,
				"node %lld names parent %lld, which is not "
				"in nodes",
				(long long)r->id, (long long)r->parent);
		if (i == 0 || par == i ||
		    (p->parent[i] != AN_NONE && p->parent[i] != par))
			AN_FAIL(err, AN_EFORMAT, r->offset,
				"node %lld has an inconsistent parent %lld",
				(long long)r->id, (long long)r->parent);
		p->parent[i] = par;
	}
	/* CSR children: children-list order first, parent-only in node
	 * order (a node given both ways appears once) */
	count = an__calloc((size_t)n + 1, sizeof(*count));
	queue = p->bfs = an__calloc(n, sizeof(*queue));
	if (!count || !queue)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 1; i < n; i++) {
		if (p->parent[i] == AN_NONE)
			AN_FAIL(err, AN_EFORMAT, b->nodes[i].offset,
				"node %lld is not reachable from the root "
				"node %lld",
				(long long)b->nodes[i].id,
				(long long)b->nodes[0].id);
		count[p->parent[i]]++;
	}
	p->kid_off[0] = 0;
	for (i = 0; i < n; i++)
		p->kid_off[i + 1] = p->kid_off[i] + count[i];
	memset(count, 0, (size_t)n * sizeof(*count));
	for (i = 0; i < n; i++) {
		const an_raw_node *r = &b->nodes[i];
		for (k = 0; k < r->kid_n; k++) {
			uint32_t c = idmap_get(ids, b->kids[r->kid_off + k]);
			p->kids[p->kid_off[i] + count[i]++] = c;
		}
	}
	for (i = 1; i < n; i++) {
		uint32_t par = p->parent[i];
		/* not already placed via a children list */
		if (!listed[i])
			p->kids[p->kid_off[par] + count[par]++] = i;
	}
	/* depths by BFS from the root; anything unreached sits on a cycle */
	{
		uint32_t head = 0, tail = 0, seen = 1;
		for (i = 0; i < n; i++)
			p->depth[i] = AN_NONE;
		p->depth[0] = 0;
		queue[tail++] = 0;
		while (head < tail) {
			uint32_t v = queue[head++];
			for (k = p->kid_off[v]; k < p->kid_off[v + 1]; k++) {
				uint32_t c = p->kids[k];
				if (p->depth[c] != AN_NONE)
					continue;
				p->depth[c] = p->depth[v] + 1;
				if (p->depth[c] > p->max_depth)
					p->max_depth = p->depth[c];
				queue[tail++] = c;
				seen++;
			}
		}
		if (seen != n) {
			for (i = 0; i < n && p->depth[i] != AN_NONE; i++)
				;
			AN_FAIL(err, AN_EFORMAT, b->nodes[i].offset,
				"node %lld is not reachable from the root "
				"(cycle in children)",
				(long long)b->nodes[i].id);
		}
	}
done:
	free(count);
	free(listed);
	return rc;
}

static int build_functions(an_profile *p, an_builder *b, an_error *err)
{
	an_hashtab m;
	uint32_t i, n = p->node_count;
	size_t fcap = 0;
	int rc = AN_OK;

	an__ht_init(&m, fn_item_hash, fn_eq, p);
	if (an__ht_reserve(&m, n) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < n; i++) {
		const an_raw_node *r = &b->nodes[i];
		an_function key;
		uint32_t f;
		memset(&key, 0, sizeof(key));
		key.name = an__strtab_get(&p->strs, r->name);
		key.url = an__strtab_get(&p->strs, r->url);
		key.script_id = an__strtab_get(&p->strs, r->script_id);
		key.line = r->line;
		key.column = r->column;
		key.kind = AN_FRAME_JS;
		if (an__grow((void **)&p->funcs, &fcap, p->func_count + 1,
			     sizeof(*p->funcs)) < 0)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		rc = an__ht_add(&m, fn_hash(key.name.ptr, key.url.ptr,
					    key.line, key.column),
				&key, p->func_count, &f);
		if (rc < 0)
			AN_FAIL(err, rc, AN_NO_OFFSET, "out of memory");
		if (rc == 1)
			p->funcs[p->func_count++] = key;
		rc = AN_OK;
		p->func[i] = f;
	}
done:
	an__ht_free(&m);
	return rc;
}

/* DevTools extractMetaNodes: root children, scanned in the order its
 * translated tree holds them (reverse of the artifact order). */
static void find_system_nodes(an_profile *p)
{
	uint32_t k;

	p->root = 0;
	p->funcs[p->func[0]].kind = AN_FRAME_ROOT;
	p->gc = p->program = p->idle = AN_NONE;
	for (k = p->kid_off[1]; k > p->kid_off[0]; k--) {
		uint32_t c = p->kids[k - 1];
		an_function *f = &p->funcs[p->func[c]];
		an_str nm = f->name;
		if (nm.len == 19 && memcmp(nm.ptr, "(garbage collector)", 19) ==
					    0) {
			if (p->gc == AN_NONE)
				p->gc = c;
			f->kind = AN_FRAME_GC;
		} else if (nm.len == 9 && memcmp(nm.ptr, "(program)", 9) == 0) {
			if (p->program == AN_NONE)
				p->program = c;
			f->kind = AN_FRAME_PROGRAM;
		} else if (nm.len == 6 && memcmp(nm.ptr, "(idle)", 6) == 0) {
			if (p->idle == AN_NONE)
				p->idle = c;
			f->kind = AN_FRAME_IDLE;
		}
	}
}

/* DevTools fixMissingSamples: a lone (program) sample between two
 * samples sharing the same bottom frame (the one below the root) becomes
 * the previous sample. */
static int fix_missing_samples(an_profile *p)
{
	uint32_t i, n = p->sample_count, prev, cur;
	uint32_t *s = p->sample_fixed, *bottom;

	memcpy(s, p->sample_node, (size_t)n * sizeof(*s));
	if (p->program == AN_NONE || n < 3)
		return AN_OK;
	/* each node's bottom frame, parents first: not a walk per sample */
	bottom = an__calloc(p->node_count, sizeof(*bottom));
	if (!bottom)
		return AN_ENOMEM;
	for (i = 0; i < p->node_count; i++) {
		uint32_t v = p->bfs[i], u = p->parent[v];
		bottom[v] = u == AN_NONE || p->parent[u] == AN_NONE ?
				    v :
				    bottom[u];
	}
	prev = s[0];
	cur = s[1];
	for (i = 1; i + 1 < n; i++) {
		uint32_t next = s[i + 1];
		int sys_prev = prev == p->program || prev == p->gc ||
			       prev == p->idle;
		int sys_next = next == p->program || next == p->gc ||
			       next == p->idle;
		if (cur == p->program && !sys_prev && !sys_next &&
		    bottom[prev] == bottom[next])
			s[i] = prev;
		/* as DevTools: the *original* node becomes the previous one */
		prev = cur;
		cur = next;
	}
	free(bottom);
	return AN_OK;
}

static int build_samples(an_profile *p, an_builder *b, const an_hashtab *ids,
			 an_error *err)
{
	uint32_t n = (uint32_t)b->sample_n, i;
	uint32_t *idx = NULL, *tmp = NULL, *dense = NULL;
	int64_t *ts = NULL, lo = 0, hi = 0;
	int rc = AN_OK, sorted = 1;

	if (b->have_deltas && b->delta_n != b->sample_n)
		AN_FAIL(err, AN_EFORMAT, b->samples_offset,
			"samples has %zu entries but timeDeltas has %zu",
			b->sample_n, b->delta_n);
	if (b->line_n && b->line_n != b->sample_n)
		AN_FAIL(err, AN_EFORMAT, b->samples_offset,
			"samples has %zu entries but lines has %zu",
			b->sample_n, b->line_n);
	p->sample_count = n;
	p->sample_node = an__calloc(n, sizeof(uint32_t));
	p->sample_fixed = an__calloc(n, sizeof(uint32_t));
	p->sample_ts = an__calloc(n, sizeof(int64_t));
	ts = an__calloc(n, sizeof(int64_t));
	if (!p->sample_node || !p->sample_fixed || !p->sample_ts || !ts)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (b->line_n) {
		p->sample_line = an__calloc(n, sizeof(*p->sample_line));
		if (!p->sample_line)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	if (b->have_deltas) {
		int64_t t = p->start_time;
		for (i = 0; i < n; i++) {
			int64_t d = b->deltas[i];
			if ((d > 0 && t > INT64_MAX - d) ||
			    (d < 0 && t < INT64_MIN - d))
				AN_FAIL(err, AN_ELIMIT, b->samples_offset,
					"timeDeltas overflow the clock at "
					"sample %u", i);
			t += d;
			ts[i] = t;
			if (d < 0)
				p->negative_deltas++;
			if (i && ts[i] < ts[i - 1])
				sorted = 0;
		}
		/* no endTime (a trace without one): startTime + all deltas */
		if (!b->have_end)
			p->end_time = t;
	} else if (n) {
		/* no timestamps: spread samples evenly over the profile */
		double step = (double)(p->end_time - p->start_time) / n;
		for (i = 0; i < n; i++)
			ts[i] = p->start_time + (int64_t)(step * i);
	}
	dense = dense_ids(p, &lo, &hi);
	for (i = 0; i < n; i++) {
		int64_t id = b->samples[i];
		uint32_t v = !dense ? idmap_get(ids, id) :
			     id >= lo && id <= hi ? dense[id - lo] : AN_NONE;
		if (v == AN_NONE)
			AN_FAIL(err, AN_EFORMAT, b->samples_offset,
				"sample %u names node %lld, which is not in "
				"nodes",
				i, (long long)b->samples[i]);
		p->sample_node[i] = v;
	}
	if (!sorted) {
		idx = an__calloc(n, sizeof(*idx));
		tmp = an__calloc(n, sizeof(*tmp));
		if (!idx || !tmp)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		for (i = 0; i < n; i++)
			idx[i] = i;
		if (!insertion_sort_ts(idx, n, ts, 16 * (uint64_t)n))
			an__sort_keys(idx, tmp, n, cmp_ts, ts);
		for (i = 0; i < n; i++) {
			p->sample_ts[i] = ts[idx[i]];
			tmp[i] = p->sample_node[idx[i]];
		}
		memcpy(p->sample_node, tmp, (size_t)n * sizeof(*tmp));
		if (b->line_n)
			for (i = 0; i < n; i++)
				p->sample_line[i] = b->lines[idx[i]];
	} else if (n) {
		memcpy(p->sample_ts, ts, (size_t)n * sizeof(*ts));
		if (b->line_n)
			memcpy(p->sample_line, b->lines,
			       (size_t)n * sizeof(*p->sample_line));
	}
	/* the last sample lasts the mean interval (DevTools); the spans are
	 * >= 0 but may not fit int64 (deltas near INT64_MIN and back) */
	if (n >= 2)
		p->last_duration = (double)((uint64_t)p->sample_ts[n - 1] -
					    (uint64_t)p->sample_ts[0]) /
				   (n - 1);
	else if (n == 1 && p->end_time > p->sample_ts[0])
		p->last_duration = (double)((uint64_t)p->end_time -
					    (uint64_t)p->sample_ts[0]);
done:
	free(dense);
	free(idx);
	free(tmp);
	free(ts);
	return rc;
}

/* Per-sample lines (trace format) become positionTicks per node: count
 * (node, line) pairs and append one tick run per node, pairs in (node,
 * line) order. The lines are put in node order by counting (each node's
 * samples together), and only each node's own lines are sorted: a
 * node's samples are few beside the whole profile's. */
static int cmp_line(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void sort_lines(uint32_t *v, size_t n)
{
	size_t i, j;

	if (n > 32) {
		qsort(v, n, sizeof(*v), cmp_line);
		return;
	}
	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static int lines_to_ticks(an_builder *b, const an_hashtab *ids)
{
	uint32_t *node = NULL, *at = NULL, *sorted = NULL;
	size_t i, k, m = 0, nn = b->node_n;
	int rc = AN_OK;

	if (!b->line_n)
		return AN_OK;
	node = an__calloc(b->line_n, sizeof(*node));
	at = an__calloc(nn + 1, sizeof(*at));
	sorted = an__calloc(b->line_n, sizeof(*sorted));
	if (!node || !at || !sorted) {
		rc = AN_ENOMEM;
		goto done;
	}
	for (i = 0; i < b->line_n; i++) {
		uint32_t v = idmap_get(ids, b->samples[i]);
		node[i] = v == AN_NONE || b->lines[i] <= 0 ? AN_NONE : v;
		if (node[i] != AN_NONE)
			at[v + 1]++;
	}
	for (k = 0; k < nn; k++)
		at[k + 1] += at[k];
	for (i = 0; i < b->line_n; i++)
		if (node[i] != AN_NONE)
			sorted[at[node[i]]++] = (uint32_t)b->lines[i];
	/* at[k] is now where node k's lines end */
	for (k = 0; k < nn; k++) {
		size_t from = m, to = at[k];
		an_raw_node *r = &b->nodes[k];
		if (from == to)
			continue;
		sort_lines(sorted + from, to - from);
		r->tick_off = (uint32_t)b->tick_n;
		r->tick_n = 0;
		for (i = from; i < to;) {
			size_t j = i;
			while (j < to && sorted[j] == sorted[i])
				j++;
			rc = an__builder_tick(b, sorted[i], (uint32_t)(j - i));
			if (rc < 0)
				goto done;
			r->tick_n++;
			i = j;
		}
		m = to;
	}
done:
	free(node);
	free(at);
	free(sorted);
	return rc;
}

/* Where the (missing parent) node is and how many samples hang below
 * it (b->orphans > 0 only when an__builder_adopt_orphans added it last). */
static int count_orphans(an_profile *p, const an_builder *b, an_error *err)
{
	uint8_t *under;
	uint32_t i, n = p->node_count;

	p->missing = AN_NONE;
	p->orphans = b->orphans;
	if (!b->orphans)
		return AN_OK;
	p->missing = n - 1;
	under = an__calloc(n, 1);
	if (!under)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* breadth-first order: a parent before its children */
	for (i = 0; i < n; i++) {
		uint32_t v = p->bfs[i];
		under[v] = v == p->missing ||
			   (p->parent[v] != AN_NONE && under[p->parent[v]]);
	}
	for (i = 0; i < p->sample_count; i++)
		p->orphan_samples += under[p->sample_node[i]];
	free(under);
	return AN_OK;
}

int an__profile_finish(an_profile **out, an_builder *b, an_kind kind,
		       an_strtab *strs, an_error *err)
{
	an_profile *p = NULL;
	an_hashtab ids;
	uint32_t n, i;
	int rc = AN_OK, root_has_hits;
	*out = NULL;
	an__ht_init(&ids, id_hash, id_eq, NULL);
	if (b->node_n == 0)
		AN_FAIL(err, AN_EFORMAT, b->nodes_offset,
			"profile has no nodes");
	n = (uint32_t)b->node_n;
	p = calloc(1, sizeof(*p));
	if (!p)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	ids.ctx = p;
	p->kind = kind;
	p->strs = *strs; /* take the strings */
	an__strtab_init(strs);
	b->strs = &p->strs;
	p->node_count = n;
	p->start_time = b->start_time;
	p->end_time = b->have_end ? b->end_time : b->start_time;
	p->node_id = an__calloc(n, sizeof(*p->node_id));
	p->parent = an__calloc(n, sizeof(*p->parent));
	p->depth = an__calloc(n, sizeof(*p->depth));
	p->func = an__calloc(n, sizeof(*p->func));
	p->hits = an__calloc(n, sizeof(*p->hits));
	p->kid_off = an__calloc((size_t)n + 1, sizeof(*p->kid_off));
	p->kids = an__calloc(n, sizeof(*p->kids));
	p->tick_off = an__calloc((size_t)n + 1, sizeof(*p->tick_off));
	if (!p->node_id || !p->parent || !p->depth || !p->func || !p->hits ||
	    !p->kid_off || !p->kids || !p->tick_off)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (an__ht_reserve(&ids, n) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < n; i++) {
		const an_raw_node *r = &b->nodes[i];
		uint32_t dup;
		if (r->id == AN_ID_NONE)
			AN_FAIL(err, AN_EFORMAT, r->offset,
				"node without an id");
		p->node_id[i] = r->id;
		rc = an__ht_add(&ids, an__ht_mix64((uint64_t)r->id), &r->id,
				i, &dup);
		if (rc < 0)
			AN_FAIL(err, rc, AN_NO_OFFSET, "out of memory");
		rc = AN_OK;
		if (dup != i)
			AN_FAIL(err, AN_EFORMAT, r->offset,
				"duplicate node id %lld", (long long)r->id);
	}
	if (b->nodes[0].parent != AN_ID_NONE)
		AN_FAIL(err, AN_EFORMAT, b->nodes[0].offset,
			"the first node (the root) has a parent");
	AN_TRY(build_tree(p, b, &ids, err));
	AN_TRY(build_functions(p, b, err));
	AN_TRY(build_samples(p, b, &ids, err));
	rc = lines_to_ticks(b, &ids);
	if (rc < 0)
		AN_FAIL(err, rc, AN_NO_OFFSET, "out of memory");
	/* positionTicks CSR */
	{
		uint32_t total = 0;
		for (i = 0; i < n; i++)
			total += b->nodes[i].tick_n;
		p->ticks = an__calloc(total, sizeof(*p->ticks));
		if (!p->ticks)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		for (i = 0; i < n; i++) {
			const an_raw_node *r = &b->nodes[i];
			p->tick_off[i + 1] = p->tick_off[i] + r->tick_n;
			if (r->tick_n)
				memcpy(p->ticks + p->tick_off[i],
				       b->ticks + r->tick_off,
				       r->tick_n * sizeof(*p->ticks));
		}
	}
	/* hitCount: as DevTools, use the artifact's when the root has one,
	 * else count samples */
	root_has_hits = b->nodes[0].hits >= 0;
	for (i = 0; i < n; i++)
		p->hits[i] = root_has_hits && b->nodes[i].hits > 0 ?
				     (uint64_t)b->nodes[i].hits : 0;
	if (!root_has_hits)
		for (i = 0; i < p->sample_count; i++)
			p->hits[p->sample_node[i]]++;
	for (i = 0; i < n; i++)
		p->total_hits += p->hits[i];
	find_system_nodes(p);
	if (fix_missing_samples(p) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	AN_TRY(count_orphans(p, b, err));
	*out = p;
	p = NULL;
done:
	an__ht_free(&ids);
	an_profile_free(p);
	return rc;
}


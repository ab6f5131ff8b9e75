/*
 * flame.c - flame graph layout (an_flame_layout): merges the siblings of
 * a weighted tree that share a key into frames, orders each frame's
 * children, and places the rectangles, eliding runs of frames narrower
 * than the minimum (see flame.h); and the time-ordered flame chart of a
 * sample timeline (an_flame_chart). No drawing here: render.c draws.
 */
#include <math.h>

#include "analyze/flame.h"
#include "core/hashtab.h"
#include "core/sort.h"
#include "flame/flame_int.h"

/* A merged frame while the layout is built. */
typedef struct frame {
	uint32_t parent; /* frame index; AN_NONE for the root */
	uint32_t key;
	double self;
	double total;
} frame;

typedef struct builder {
	frame *f;
	uint32_t n;
	const an_flame_tree *t;
	an_flame_order order;
} builder;

static uint64_t pk_hash(uint32_t parent, uint32_t key)
{
	return an__ht_mix64((uint64_t)parent << 32 | key);
}

static uint64_t frame_hash(uint32_t i, const void *ctx)
{
	const builder *b = ctx;

	return pk_hash(b->f[i].parent, b->f[i].key);
}

static int frame_eq(uint32_t i, const void *key, const void *ctx)
{
	const builder *b = ctx;
	const uint32_t *pk = key;

	return b->f[i].parent == pk[0] && b->f[i].key == pk[1];
}

static uint32_t rank_of(const builder *b, uint32_t key)
{
	return b->t->rank ? b->t->rank[key] : key;
}

static int cmp_children(uint32_t x, uint32_t y, const void *ctx)
{
	const builder *b = ctx;
	const frame *p = &b->f[x], *q = &b->f[y];
	uint32_t rp, rq;

	if (b->order == AN_FLAME_BY_WEIGHT && p->total != q->total)
		return p->total > q->total ? -1 : 1;
	rp = rank_of(b, p->key);
	rq = rank_of(b, q->key);
	if (rp != rq)
		return rp < rq ? -1 : 1;
	return p->key < q->key ? -1 : p->key > q->key;
}

static int check_tree(const an_flame_tree *t, an_error *err)
{
	uint32_t i;

	if (!t || t->n == 0 || !t->parent || !t->key || !t->self)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"an_flame_layout needs a tree with nodes");
	for (i = 0; i < t->n; i++) {
		if (t->key[i] >= t->nkeys)
			return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
					"node %u has key %u, not below %u", i,
					t->key[i], t->nkeys);
		if (!(t->self[i] >= 0) || !isfinite(t->self[i]))
			return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
					"node %u has weight %g", i,
					t->self[i]);
	}
	return AN_OK;
}

/* Merges the tree into frames, each after its parent (breadth first). */
static int merge(builder *b, an_error *err)
{
	const an_flame_tree *t = b->t;
	uint32_t *kid_off = NULL, *kids = NULL, *queue = NULL, *fof = NULL;
	uint32_t i, head = 0, tail = 0;
	an_hashtab ht;
	int rc = AN_OK;

	an__ht_init(&ht, frame_hash, frame_eq, b);
	kid_off = an__calloc((size_t)t->n + 2, sizeof(*kid_off));
	kids = an__calloc(t->n, sizeof(*kids));
	queue = an__calloc(t->n, sizeof(*queue));
	fof = an__calloc(t->n, sizeof(*fof));
	b->f = an__calloc(t->n, sizeof(*b->f));
	if (!kid_off || !kids || !queue || !fof || !b->f)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 1; i < t->n; i++)
		if (t->parent[i] < t->n && t->parent[i] != i)
			kid_off[t->parent[i] + 2]++;
	for (i = 0; i < t->n; i++)
		kid_off[i + 2] += kid_off[i + 1];
	for (i = 1; i < t->n; i++)
		if (t->parent[i] < t->n && t->parent[i] != i)
			kids[kid_off[t->parent[i] + 1]++] = i;
	b->f[0].parent = AN_NONE;
	b->f[0].key = t->key[0];
	b->f[0].self = t->self[0];
	b->n = 1;
	fof[0] = 0;
	queue[tail++] = 0;
	while (head < tail) {
		uint32_t u = queue[head++], k;
		for (k = kid_off[u]; k < kid_off[u + 1]; k++) {
			uint32_t c = kids[k], pk[2], fi;
			pk[0] = fof[u];
			pk[1] = t->key[c];
			if (t->distinct) {
				fi = b->n;
				rc = 1;
			} else {
				AN_TRY(an__ht_add(&ht, pk_hash(pk[0], pk[1]),
						  pk, b->n, &fi));
			}
			if (rc == 1) {
				b->f[fi].parent = pk[0];
				b->f[fi].key = pk[1];
				b->f[fi].self = 0;
				b->n++;
			}
			rc = AN_OK;
			b->f[fi].self += t->self[c];
			fof[c] = fi;
			queue[tail++] = c;
		}
	}
	for (i = 0; i < b->n; i++)
		b->f[i].total = b->f[i].self;
	for (i = b->n; i-- > 1;)
		b->f[b->f[i].parent].total += b->f[i].total;
done:
	if (rc == AN_ENOMEM || rc == AN_ELIMIT)
		an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	an__ht_free(&ht);
	free(kid_off);
	free(kids);
	free(queue);
	free(fof);
	return rc;
}

/* One pending rectangle of the depth-first walk. */
typedef struct pending {
	uint32_t frame;   /* AN_NONE: an elided run */
	uint32_t parent;  /* its parent's rectangle */
	uint32_t depth;
	uint32_t elided;
	double x;
	double width;
} pending;

static int emit(an_flame *fl, const pending *p, const builder *b)
{
	an_flame_rect *r;

	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? (size_t)fl->cap * 2 : 256;
		an_flame_rect *v;
		if (cap > UINT32_MAX - 1)
			return AN_ELIMIT;
		v = an__reallocarray(fl->r, cap, sizeof(*v));
		if (!v)
			return AN_ENOMEM;
		fl->r = v;
		fl->cap = (uint32_t)cap;
	}
	r = &fl->r[fl->n++];
	r->parent = p->parent;
	r->depth = p->depth;
	r->x = p->x;
	r->width = p->width;
	r->elided = p->elided;
	if (p->frame == AN_NONE) {
		r->key = AN_NONE;
		r->self = 0;
	} else {
		r->key = b->f[p->frame].key;
		r->self = b->f[p->frame].self;
	}
	if (p->depth + 1 > fl->depth)
		fl->depth = p->depth + 1;
	return AN_OK;
}

/* emit()'s status without an error record (the caller reports) */
#define AN_TRY_PLAIN(expr)                                                    \
	do {                                                                  \
		int rc_ = (expr);                                             \
		if (rc_ < 0)                                                  \
			return rc_;                                           \
	} while (0)

/* Places the frames depth first. */
static int place(an_flame *fl, builder *b, double min_w, an_error *err)
{
	uint32_t *kid_off = NULL, *kids = NULL, *tmp = NULL, i;
	pending *stack = NULL, *row = NULL;
	size_t sp = 0;
	int rc = AN_OK;

	kid_off = an__calloc((size_t)b->n + 2, sizeof(*kid_off));
	kids = an__calloc(b->n, sizeof(*kids));
	tmp = an__calloc(b->n, sizeof(*tmp));
	/* the stack holds at most every frame once, plus elided runs (at
	 * most one per frame) */
	stack = an__calloc((size_t)b->n * 2 + 1, sizeof(*stack));
	row = an__calloc((size_t)b->n * 2 + 1, sizeof(*row));
	if (!kid_off || !kids || !tmp || !stack || !row)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 1; i < b->n; i++)
		kid_off[b->f[i].parent + 2]++;
	for (i = 0; i < b->n; i++)
		kid_off[i + 2] += kid_off[i + 1];
	for (i = 1; i < b->n; i++)
		kids[kid_off[b->f[i].parent + 1]++] = i;
	for (i = 0; i < b->n; i++)
		an__sort_keys(kids + kid_off[i], tmp,
			      kid_off[i + 1] - kid_off[i], cmp_children, b);
	stack[sp].frame = 0;
	stack[sp].parent = AN_NONE;
	stack[sp].depth = 0;
	stack[sp].elided = 0;
	stack[sp].x = 0;
	stack[sp++].width = b->f[0].total;
	while (sp) {
		pending p = stack[--sp];
		uint32_t me = fl->n, k, nrow = 0;
		double x;
		rc = emit(fl, &p, b);
		if (rc < 0)
			AN_FAIL(err, rc, AN_NO_OFFSET, rc == AN_ENOMEM ?
				"out of memory" : "too many frames");
		if (p.frame == AN_NONE)
			continue;
		x = p.x;
		for (k = kid_off[p.frame]; k < kid_off[p.frame + 1]; k++) {
			const frame *c = &b->f[kids[k]];
			pending *q;
			if (c->total <= 0)
				continue;
			if (c->total < min_w && nrow &&
			    row[nrow - 1].frame == AN_NONE) {
				/* one more narrow frame in the run */
				row[nrow - 1].width += c->total;
				row[nrow - 1].elided++;
				x += c->total;
				continue;
			}
			q = &row[nrow++];
			q->frame = c->total < min_w ? AN_NONE : kids[k];
			q->parent = me;
			q->depth = p.depth + 1;
			q->elided = c->total < min_w ? 1 : 0;
			q->x = x;
			q->width = c->total;
			x += c->total;
		}
		while (nrow)
			stack[sp++] = row[--nrow];
	}
done:
	free(kid_off);
	free(kids);
	free(tmp);
	free(stack);
	free(row);
	return rc;
}

int an_flame_layout(an_flame **out, const an_flame_tree *t,
		    const an_flame_opts *o, an_error *err)
{
	an_flame_opts def = AN_FLAME_OPTS_INIT;
	builder b;
	an_flame *fl = NULL;
	int rc = AN_OK;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if (!o)
		o = &def;
	if (o->version != AN_FLAME_OPTS_VERSION)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"unknown an_flame_opts version %u", o->version);
	if (!(o->min_weight >= 0) || !isfinite(o->min_weight) ||
	    (o->order != AN_FLAME_BY_NAME && o->order != AN_FLAME_BY_WEIGHT))
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"bad an_flame_opts (order %d, min_weight %g)",
			(int)o->order, o->min_weight);
	AN_TRY(check_tree(t, err));
	b.t = t;
	b.order = o->order;
	AN_TRY(merge(&b, err));
	fl = calloc(1, sizeof(*fl));
	if (!fl)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	fl->total = b.f[0].total;
	AN_TRY(place(fl, &b, o->min_weight, err));
	*out = fl;
	fl = NULL;
done:
	free(b.f);
	an_flame_free(fl);
	return rc;
}

/* ---- the flame chart ---- */

static int chart_open(an_flame *fl, uint32_t parent, uint32_t depth,
		      uint32_t key, double x)
{
	builder none;
	pending p;

	memset(&none, 0, sizeof(none));
	p.frame = AN_NONE;
	p.parent = parent;
	p.depth = depth;
	p.elided = 0;
	p.x = x;
	p.width = 0;
	AN_TRY_PLAIN(emit(fl, &p, &none));
	fl->r[fl->n - 1].key = key;
	return AN_OK;
}

/* Elides frames narrower than min: runs of adjacent narrow siblings
 * become one elided frame; what stood on them goes. */
static int chart_elide(an_flame *fl, double min, an_error *err)
{
	uint32_t *to = NULL, i, n = 0;
	int rc = AN_OK;

	to = an__calloc((size_t)fl->n + 1, sizeof(*to));
	if (!to)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < fl->n; i++) {
		an_flame_rect r = fl->r[i];
		uint32_t p = r.parent == AN_NONE ? AN_NONE : to[r.parent];
		an_flame_rect *last = n ? &fl->r[n - 1] : NULL;
		if (r.parent != AN_NONE &&
		    (p == AN_NONE || fl->r[p].key == AN_NONE)) {
			to[i] = AN_NONE; /* on a dropped or elided frame */
			continue;
		}
		r.parent = p;
		if (r.width < min && r.parent != AN_NONE) {
			if (last && last->key == AN_NONE &&
			    last->parent == p &&
			    last->x + last->width == r.x) {
				last->width += r.width;
				last->elided++;
				to[i] = n - 1;
				continue;
			}
			r.key = AN_NONE;
			r.elided = 1;
			r.self = 0;
		}
		fl->r[n] = r;
		to[i] = n++;
	}
	fl->n = n;
	fl->depth = 0;
	for (i = 0; i < n; i++)
		if (fl->r[i].depth + 1 > fl->depth)
			fl->depth = fl->r[i].depth + 1;
done:
	free(to);
	return rc;
}

/* Depth of every node below node 0 (UINT32_MAX: does not reach it), in
 * time linear in the nodes whatever the shape. */
static int chart_depths(uint32_t *depth, uint32_t *stack,
			const an_flame_tree *t, an_error *err)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		depth[i] = UINT32_MAX - 1; /* not known yet */
	depth[0] = 0;
	for (i = 0; i < t->n; i++) {
		uint32_t v = i, sp = 0, d;
		if (t->key[i] >= t->nkeys)
			return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
					"node %u has key %u, not below %u", i,
					t->key[i], t->nkeys);
		/* up to a node whose depth is known; a walk longer than
		 * the nodes is a cycle */
		while (v < t->n && depth[v] == UINT32_MAX - 1 && sp <= t->n) {
			stack[sp++] = v;
			v = t->parent[v];
		}
		d = v < t->n && sp <= t->n && depth[v] < UINT32_MAX - 1 ?
			    depth[v] : UINT32_MAX;
		while (sp) {
			v = stack[--sp];
			depth[v] = d == UINT32_MAX ? UINT32_MAX : ++d;
		}
	}
	return AN_OK;
}

int an_flame_chart(an_flame **out, const an_flame_tree *t,
		   const uint32_t *sample_node, const double *sample_weight,
		   uint32_t nsamples, const an_flame_opts *o, an_error *err)
{
	an_flame_opts def = AN_FLAME_OPTS_INIT;
	an_flame *fl = NULL;
	uint32_t *path = NULL, *orect = NULL, *onode = NULL, *depth = NULL;
	uint32_t i, k, nopen = 0;
	double x = 0;
	int rc = AN_OK;

	*out = NULL;
	if (!o)
		o = &def;
	if (o->version != AN_FLAME_OPTS_VERSION || !(o->min_weight >= 0) ||
	    !isfinite(o->min_weight))
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET, "bad an_flame_opts");
	if (!t || t->n == 0 || !t->parent || !t->key ||
	    (nsamples && (!sample_node || !sample_weight)))
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"an_flame_chart needs a tree and samples");
	depth = an__calloc(t->n, sizeof(*depth));
	path = an__calloc((size_t)t->n + 1, sizeof(*path));
	/* per open level: its rectangle and its node */
	orect = an__calloc((size_t)t->n + 1, sizeof(*orect));
	onode = an__calloc((size_t)t->n + 1, sizeof(*onode));
	fl = calloc(1, sizeof(*fl));
	if (!depth || !path || !orect || !onode || !fl)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	AN_TRY(chart_depths(depth, path, t, err));
	rc = chart_open(fl, AN_NONE, 0, t->key[0], 0);
	if (rc < 0)
		AN_FAIL(err, rc, AN_NO_OFFSET, "out of memory");
	orect[0] = 0;
	onode[0] = 0;
	nopen = 1;
	for (i = 0; i < nsamples; i++) {
		uint32_t v = sample_node[i], u, cnt = 0, keep;
		double w = sample_weight[i];
		if (v >= t->n || depth[v] == UINT32_MAX || !(w >= 0) ||
		    !isfinite(w))
			AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
				"sample %u: node %u, weight %g", i, v, w);
		/* up from the sample's node to the deepest frame still
		 * open on its path (the root is): cost = frames to open */
		for (u = v; !(depth[u] < nopen && onode[depth[u]] == u);
		     u = t->parent[u])
			path[cnt++] = u;
		keep = depth[u] + 1;
		/* frames not on the path end here */
		for (k = nopen; k-- > keep;)
			fl->r[orect[k]].width = x - fl->r[orect[k]].x;
		while (cnt) {
			u = path[--cnt];
			rc = chart_open(fl, orect[depth[u] - 1], depth[u],
					t->key[u], x);
			if (rc < 0)
				AN_FAIL(err, rc, AN_NO_OFFSET,
					"out of memory");
			orect[depth[u]] = fl->n - 1;
			onode[depth[u]] = u;
		}
		nopen = depth[v] + 1;
		x += w;
	}
	for (k = 0; k < nopen; k++)
		fl->r[orect[k]].width = x - fl->r[orect[k]].x;
	/* self: the width not covered by children */
	for (i = 0; i < fl->n; i++)
		fl->r[i].self = fl->r[i].width;
	for (i = 1; i < fl->n; i++)
		fl->r[fl->r[i].parent].self -= fl->r[i].width;
	fl->total = x;
	if (o->min_weight > 0)
		AN_TRY(chart_elide(fl, o->min_weight, err));
	*out = fl;
	fl = NULL;
done:
	free(depth);
	free(path);
	free(orect);
	free(onode);
	an_flame_free(fl);
	return rc;
}

/* ---- built by hand ---- */

int an_flame_new(an_flame **out, an_error *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? AN_OK :
		      an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
}

int an_flame_add(an_flame *f, uint32_t parent, uint32_t key, double x,
		 double width, double self, uint32_t elided, uint32_t *index,
		 an_error *err)
{
	builder none;
	pending p;
	int rc;

	if (!f || (parent == AN_NONE) != (f->n == 0) ||
	    (parent != AN_NONE && parent >= f->n) || !(width >= 0) ||
	    !isfinite(width) || !isfinite(x) || !isfinite(self))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"an_flame_add: box %u (parent %u, width %g) "
				"out of order", f ? f->n : 0, parent, width);
	memset(&none, 0, sizeof(none));
	p.frame = AN_NONE;
	p.parent = parent;
	p.depth = parent == AN_NONE ? 0 : f->r[parent].depth + 1;
	p.elided = elided;
	p.x = x;
	p.width = width;
	rc = emit(f, &p, &none);
	if (rc < 0)
		return an__fail(err, rc, AN_NO_OFFSET, rc == AN_ENOMEM ?
				"out of memory" : "too many boxes");
	f->r[f->n - 1].key = key;
	f->r[f->n - 1].self = self;
	if (parent == AN_NONE)
		f->total = width;
	if (index)
		*index = f->n - 1;
	return AN_OK;
}

uint32_t an_flame_count(const an_flame *f)
{
	return f ? f->n : 0;
}

const an_flame_rect *an_flame_get(const an_flame *f, uint32_t i)
{
	return f && i < f->n ? &f->r[i] : NULL;
}

double an_flame_total(const an_flame *f)
{
	return f ? f->total : 0;
}

uint32_t an_flame_depth(const an_flame *f)
{
	return f ? f->depth : 0;
}

void an_flame_free(an_flame *f)
{
	if (!f)
		return;
	free(f->r);
	free(f);
}

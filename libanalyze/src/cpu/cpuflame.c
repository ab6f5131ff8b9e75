/*
 * cpuflame.c - an analysed CPU profile as a flame graph tree
 * (an_cpu_flame): the call tree weighted by self time, frames keyed by
 * function and ordered by name as folded stacks are; in time mode a
 * (garbage collector) sample sits on top of the stack it interrupted,
 * as in `cpu folded` and DevTools' flame chart. And the differential
 * form (an_cpu_flame_diff): the target's graph with each box's change of
 * self time against the same stack in the base.
 */
#include <math.h>

#include "core/hashtab.h"
#include "cpu/cpu_int.h"

static int cmp_fn_name(uint32_t a, uint32_t b, const void *ctx)
{
	const an_profile *p = ctx;
	const an_function *x = &p->funcs[a], *y = &p->funcs[b];
	int r = an__str_cmp(x->name, y->name);

	if (!r)
		r = an__str_cmp(x->url, y->url);
	if (!r && x->line != y->line)
		r = x->line < y->line ? -1 : 1;
	if (!r && x->column != y->column)
		r = x->column < y->column ? -1 : 1;
	return r;
}

/* The profile's tree for the layouts: node 0 the root, one node per
 * profile node, and one more per node that has GC drawn on top of it
 * (gcx[v]: that node, or AN_NONE). */
typedef struct ftree {
	an_flame_tree t;
	uint32_t *parent, *key, *map, *gcx, *rank;
	double *self;
} ftree;

static void ftree_free(ftree *f)
{
	free(f->parent);
	free(f->key);
	free(f->map);
	free(f->gcx);
	free(f->rank);
	free(f->self);
}

/* Focus: per node, inside the subtree of a matching frame (bit 1), and
 * the outermost such frame (bit 2); *found counts the latter. The marks
 * of the stack filter (stackfilter.c) say which stacks hold a match.
 * NULL when out of memory. */
static uint8_t *focus_marks(const an_profile *p, const an_filter *focus,
			    uint32_t *found)
{
	uint8_t gc_mark, *nm = an__cpu_filter_marks(p, focus, &gc_mark);
	uint32_t i;

	*found = 0;
	if (!nm)
		return NULL;
	/* top down (bfs order), so a parent's bit 1 is final */
	for (i = 0; i < p->node_count; i++) {
		uint32_t v = p->bfs[i];
		int in = (nm[v] & F_INC) != 0;
		int up = p->parent[v] != AN_NONE && v != p->root &&
			 (nm[p->parent[v]] & 1);
		nm[v] = in ? (up ? 1 : 3) : 0;
		*found += nm[v] == 3;
	}
	return nm;
}

static int ftree_build(ftree *f, const an_cpu *c, const an_cpu_flame_sel *sel,
		       an_error *err)
{
	const an_profile *p = c->p;
	uint32_t n = p->node_count, i, v, m, *order = NULL, *tmp = NULL;
	uint32_t found = 0;
	uint8_t *nm = NULL, *fo = NULL, gc_mark = 0;
	const an_filter *flt = sel ? sel->filter : NULL;
	double *gcw = NULL;
	int time_gc = c->weights == AN_WEIGHTS_TIME && p->gc != AN_NONE;
	int rc = AN_OK;

	memset(f, 0, sizeof(*f));
	f->parent = an__calloc((size_t)n * 2, sizeof(*f->parent));
	f->key = an__calloc((size_t)n * 2, sizeof(*f->key));
	f->self = an__calloc((size_t)n * 2, sizeof(*f->self));
	f->map = an__calloc(n, sizeof(*f->map));
	f->gcx = an__calloc(n, sizeof(*f->gcx));
	f->rank = an__calloc(p->func_count, sizeof(*f->rank));
	gcw = an__calloc(n, sizeof(*gcw));
	order = an__calloc(p->func_count, sizeof(*order));
	tmp = an__calloc(p->func_count, sizeof(*tmp));
	if (!f->parent || !f->key || !f->self || !f->map || !f->gcx ||
	    !f->rank || !gcw || !order || !tmp)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (flt && !an_filter_is_empty(flt) &&
	    !(nm = an__cpu_filter_marks(p, flt, &gc_mark)))
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (sel && sel->focus && !an_filter_is_empty(sel->focus)) {
		fo = focus_marks(p, sel->focus, &found);
		if (!fo)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
		if (!found)
			AN_FAIL(err, AN_ENOTFOUND, AN_NO_OFFSET,
				"no function of the profile matches the "
				"focus");
	}
	if (time_gc)
		for (i = c->i0; i < c->i1; i++)
			if (c->gc_parent[i - c->i0] != AN_NONE)
				gcw[c->gc_parent[i - c->i0]] +=
					an__cpu_duration(p, i);
	/* the root first: the layout's node 0 */
	f->map[p->root] = 0;
	m = 1;
	for (v = 0; v < n; v++)
		if (v != p->root)
			f->map[v] = m++;
	for (v = 0; v < n; v++) {
		uint32_t at = f->map[v];
		/* outside a focus: no weight; filtered stacks: none */
		int in = !fo || (fo[v] & 1);
		f->parent[at] = p->parent[v] == AN_NONE || v == p->root ?
					AN_NONE : f->map[p->parent[v]];
		if (fo && (fo[v] & 2))
			f->parent[at] = 0; /* an outermost focus frame */
		f->key[at] = p->func[v];
		f->self[at] = time_gc && v == p->gc ? 0 : c->self[v];
		if (!in || !an__cpu_stack_passes(flt, nm, gc_mark, v, 0))
			f->self[at] = 0;
		f->gcx[v] = AN_NONE;
		if (gcw[v] > 0) {
			f->parent[m] = at;
			f->key[m] = p->func[p->gc];
			f->gcx[v] = m;
			f->self[m++] = in && an__cpu_stack_passes(flt, nm,
								  gc_mark, v,
								  1) ?
					       gcw[v] : 0;
		}
	}
	for (i = 0; i < p->func_count; i++)
		order[i] = i;
	an__sort_keys(order, tmp, p->func_count, cmp_fn_name, p);
	for (i = 0; i < p->func_count; i++)
		f->rank[order[i]] = i;
	f->t.n = m;
	f->t.parent = f->parent;
	f->t.key = f->key;
	f->t.self = f->self;
	f->t.nkeys = p->func_count;
	f->t.rank = f->rank;
	f->t.distinct = 0;
done:
	free(gcw);
	free(order);
	free(tmp);
	free(nm);
	free(fo);
	if (rc < 0)
		ftree_free(f);
	return rc;
}

int an_cpu_flame(an_flame **out, const an_cpu *c, const an_cpu_flame_sel *sel,
		 const an_flame_opts *o, an_error *err)
{
	ftree f;
	int rc;

	*out = NULL;
	rc = ftree_build(&f, c, sel, err);
	if (rc < 0)
		return rc;
	rc = an_flame_layout(out, &f.t, o, err);
	ftree_free(&f);
	return rc;
}

int an_cpu_flame_chart(an_flame **out, const an_cpu *c,
		       const an_flame_opts *o, an_error *err)
{
	const an_profile *p = c->p;
	uint32_t ns = c->i1 - c->i0, i, *node = NULL;
	double *w = NULL;
	ftree f;
	int time = c->weights == AN_WEIGHTS_TIME;
	int rc;

	*out = NULL;
	rc = ftree_build(&f, c, NULL, err);
	if (rc < 0)
		return rc;
	node = an__calloc((size_t)ns + 1, sizeof(*node));
	w = an__calloc((size_t)ns + 1, sizeof(*w));
	if (!node || !w) {
		rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		goto done;
	}
	/* time: each sample its duration, a (garbage collector) sample on
	 * top of the stack before it; hits: each sample one hit */
	for (i = 0; i < ns; i++) {
		uint32_t s = c->i0 + i;
		uint32_t v = time ? p->sample_fixed[s] : p->sample_node[s];
		if (time && p->gc != AN_NONE && c->gc_parent[i] != AN_NONE)
			/* a GC sample of no duration has no box on top */
			node[i] = f.gcx[c->gc_parent[i]] != AN_NONE ?
					  f.gcx[c->gc_parent[i]] :
					  f.map[c->gc_parent[i]];
		else
			node[i] = f.map[v];
		w[i] = time ? an__cpu_duration(p, s) : c->hit_us;
	}
	rc = an_flame_chart(out, &f.t, node, w, ns, o, err);
done:
	free(node);
	free(w);
	ftree_free(&f);
	return rc;
}

/* ---- differential ---- */

/* target rectangles by (parent rectangle, key) */
typedef struct rect_key {
	uint32_t parent;
	uint32_t key;
} rect_key;

static uint64_t rk_hash(uint32_t parent, uint32_t key)
{
	return an__ht_mix64((uint64_t)parent << 32 | key);
}

static uint64_t rect_hash(uint32_t i, const void *ctx)
{
	const an_flame_rect *r = an_flame_get(ctx, i);

	return rk_hash(r->parent, r->key);
}

static int rect_eq(uint32_t i, const void *key, const void *ctx)
{
	const an_flame_rect *r = an_flame_get(ctx, i);
	const rect_key *k = key;

	return r->parent == k->parent && r->key == k->key;
}

int an_cpu_flame_diff(an_flame **out, double **delta, const an_cpu *base,
		      const an_cpu *target, const an_flame_opts *o,
		      int absolute, an_error *err)
{
	an_flame_opts all = AN_FLAME_OPTS_INIT;
	an_cpu_diff_opts dopts = AN_CPU_DIFF_OPTS_INIT;
	an_flame *tf = NULL, *bf = NULL;
	an_cpu_diff *d = NULL;
	an_hashtab ht;
	uint32_t *fmap = NULL, *tof = NULL, i, tn, bn;
	double *bself = NULL, *dl = NULL, maxc = 0;
	double bt = base->total_us, tt = target->total_us;
	int rc = AN_OK;

	*out = NULL;
	*delta = NULL;
	an__ht_init(&ht, rect_hash, rect_eq, NULL);
	AN_TRY(an_cpu_flame(&tf, target, NULL, o, err));
	if (o)
		all.order = o->order;
	AN_TRY(an_cpu_flame(&bf, base, NULL, &all, err));
	AN_TRY(an_cpu_diff_build(&d, base, target, &dopts, err));
	tn = an_flame_count(tf);
	bn = an_flame_count(bf);
	/* base function -> target function (AN_NONE: gone) */
	fmap = an__calloc((size_t)base->p->func_count + 1, sizeof(*fmap));
	tof = an__calloc((size_t)bn + 1, sizeof(*tof));
	bself = an__calloc((size_t)tn + 1, sizeof(*bself));
	dl = an__calloc((size_t)tn + 1, sizeof(*dl));
	if (!fmap || !tof || !bself || !dl)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	memset(fmap, 0xff, (size_t)base->p->func_count * sizeof(*fmap));
	for (i = 0; i < an_cpu_diff_count(d); i++) {
		const an_cpu_diff_row *r = an_cpu_diff_get(d, i);
		if (r->base_fn != AN_NONE)
			fmap[r->base_fn] = r->target_fn;
	}
	/* the (root) frames are not listed by the diff: map them */
	fmap[base->p->func[base->p->root]] =
		target->p->func[target->p->root];
	ht.ctx = tf;
	for (i = 0; i < tn; i++) {
		const an_flame_rect *r = an_flame_get(tf, i);
		if (r->key != AN_NONE)
			AN_TRY(an__ht_put(&ht, rk_hash(r->parent, r->key), i));
	}
	/* each base box's target box: its parent's, then its function
	 * (preorder: parents come first) */
	for (i = 0; i < bn; i++) {
		const an_flame_rect *r = an_flame_get(bf, i);
		rect_key k;
		if (r->parent == AN_NONE) {
			tof[i] = 0;
		} else if (tof[r->parent] == AN_NONE || r->key == AN_NONE ||
			   fmap[r->key] == AN_NONE) {
			tof[i] = AN_NONE;
		} else {
			k.parent = tof[r->parent];
			k.key = fmap[r->key];
			tof[i] = an__ht_find(&ht, rk_hash(k.parent, k.key), &k);
		}
		if (tof[i] != AN_NONE)
			bself[tof[i]] += r->self;
	}
	for (i = 0; i < tn; i++) {
		const an_flame_rect *r = an_flame_get(tf, i);
		double t = r->self, b = bself[i];
		if (r->key == AN_NONE)
			continue; /* elided: no single stack to compare */
		if (!absolute) {
			t = tt > 0 ? t / tt : 0;
			b = bt > 0 ? b / bt : 0;
		}
		dl[i] = t - b;
		if (fabs(dl[i]) > maxc)
			maxc = fabs(dl[i]);
	}
	for (i = 0; i < tn && maxc > 0; i++)
		dl[i] /= maxc;
	*out = tf;
	*delta = dl;
	tf = NULL;
	dl = NULL;
done:
	an__ht_free(&ht);
	an_flame_free(tf);
	an_flame_free(bf);
	an_cpu_diff_free(d);
	free(fmap);
	free(tof);
	free(bself);
	free(dl);
	return rc;
}

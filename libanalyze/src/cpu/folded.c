/*
 * folded.c - frame labels and folded stacks ("a;b;c weight" lines for
 * flame graph tools), merged by stack and streamed in the byte-wise order
 * of the stack text from a trie of labels, without building the lines.
 */
#include <math.h>
#include <stdio.h>

#include "core/hashtab.h"
#include "cpu/cpu_int.h"

size_t an_cpu_frame_label(char *buf, size_t cap, const an_profile *p,
			  uint32_t fn)
{
	const an_function *f = &p->funcs[fn];
	char tail[64];
	size_t n = 0, i, tl = 0;
	const char *name = f->name.len ? f->name.ptr : "(anonymous)";
	size_t nlen = f->name.len ? f->name.len : 11;

	if (f->url.len)
		tl = (size_t)snprintf(tail, sizeof(tail), ":%ld:%ld",
				      (long)f->line + 1, (long)f->column + 1);
#define PUT(ch)                                                               \
	do {                                                                  \
		char c_ = (ch);                                               \
		if (c_ == ';')                                                \
			c_ = ':';                                             \
		else if ((unsigned char)c_ < 0x20 || c_ == 0x7f)              \
			c_ = ' ';                                             \
		if (n + 1 < cap)                                              \
			buf[n] = c_;                                          \
		n++;                                                          \
	} while (0)
	for (i = 0; i < nlen; i++)
		PUT(name[i]);
	if (f->url.len) {
		PUT(' ');
		for (i = 0; i < f->url.len; i++)
			PUT(f->url.ptr[i]);
		for (i = 0; i < tl; i++)
			PUT(tail[i]);
	}
#undef PUT
	if (cap)
		buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

/*
 * How the lines come out in the order of their text without building it:
 * a label never holds ';' (it becomes ':') and is never empty, so a line
 * is its trie path joined by ';', equal lines are one trie node (siblings
 * are merged by label, not by function), and two lines compare as their
 * first differing labels do, each followed by what comes after it: the
 * end of the line (the child's own line) or ';' (a line further down).
 * So each trie node lists its children's entries (child, own line) and
 * (child, lines below) sorted by "label" and "label;" byte-wise, and a
 * depth-first walk over those lists meets the lines in byte-wise order
 * (for labels "a", "a b", "a!", "b": "a", "a b", "a!", "a;...", "b").
 */

/* The distinct frame labels: label i is text[off[i]..off[i + 1]). */
typedef struct labels {
	char *text;
	size_t len, cap;
	size_t *off;
	size_t off_cap;
	uint32_t n;
	an_hashtab ht;
} labels;

typedef struct label_key {
	const char *s;
	size_t len;
} label_key;

static uint64_t label_hash(uint32_t i, const void *ctx)
{
	const labels *l = ctx;

	return an__ht_bytes(l->text + l->off[i], l->off[i + 1] - l->off[i]);
}

static int label_eq(uint32_t i, const void *key, const void *ctx)
{
	const labels *l = ctx;
	const label_key *k = key;

	return l->off[i + 1] - l->off[i] == k->len &&
	       memcmp(l->text + l->off[i], k->s, k->len) == 0;
}

/* Interns the label of function `fn` (or the text `lit` when fn is
 * AN_NONE) into *out. */
static int label_add(labels *l, const an_profile *p, uint32_t fn,
		     const char *lit, uint32_t *out)
{
	size_t need = fn != AN_NONE ? an_cpu_frame_label(NULL, 0, p, fn) :
				      strlen(lit);
	label_key k;
	int rc;

	if (an__grow((void **)&l->text, &l->cap, l->len + need + 1, 1) < 0 ||
	    an__grow((void **)&l->off, &l->off_cap, (size_t)l->n + 2,
		     sizeof(*l->off)) < 0)
		return AN_ENOMEM;
	if (fn != AN_NONE)
		an_cpu_frame_label(l->text + l->len, need + 1, p, fn);
	else
		memcpy(l->text + l->len, lit, need);
	k.s = l->text + l->len;
	k.len = need;
	l->off[l->n] = l->len;
	l->off[l->n + 1] = l->len + need;
	rc = an__ht_add(&l->ht, an__ht_bytes(k.s, k.len), &k, l->n, out);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		l->len += need;
		l->n++;
	}
	return AN_OK;
}

/* The trie of lines: node 0 is the empty line above the first frames. */
typedef struct trie {
	uint32_t *parent;
	uint32_t *label;
	double *w;          /* the line's weight, summed in node order */
	uint32_t *eoff;     /* entries of node t: ent[eoff[t]..eoff[t + 1]) */
	uint32_t *ent;      /* child * 2 + (1: the lines below it) */
	uint32_t n;
	an_hashtab ht;      /* (parent, label) -> node */
} trie;

typedef struct trie_key {
	uint32_t parent, label;
} trie_key;

static uint64_t trie_pair_hash(uint32_t parent, uint32_t label)
{
	return an__ht_mix64((uint64_t)parent << 32 | label);
}

static uint64_t trie_hash(uint32_t i, const void *ctx)
{
	const trie *t = ctx;

	return trie_pair_hash(t->parent[i], t->label[i]);
}

static int trie_eq(uint32_t i, const void *key, const void *ctx)
{
	const trie *t = ctx;
	const trie_key *k = key;

	return t->parent[i] == k->parent && t->label[i] == k->label;
}

/* Child of `parent` with `label`, created when missing (room for it was
 * allocated up front). */
static int trie_child(trie *t, uint32_t parent, uint32_t label,
		      uint32_t *out)
{
	trie_key k;
	int rc;

	k.parent = parent;
	k.label = label;
	rc = an__ht_add(&t->ht, trie_pair_hash(parent, label), &k, t->n, out);
	if (rc == 1) {
		t->parent[t->n] = parent;
		t->label[t->n] = label;
		t->w[t->n] = 0;
		t->n++;
	}
	return rc < 0 ? rc : AN_OK;
}

typedef struct ent_sort {
	const labels *l;
	const trie *t;
} ent_sort;

/* Byte-wise order of "label" (own line) and "label;" (lines below). */
static int cmp_ent(uint32_t x, uint32_t y, const void *ctx)
{
	const ent_sort *s = ctx;
	uint32_t la = s->t->label[x / 2], lb = s->t->label[y / 2];
	const unsigned char *a =
		(const unsigned char *)s->l->text + s->l->off[la];
	const unsigned char *b =
		(const unsigned char *)s->l->text + s->l->off[lb];
	size_t na = s->l->off[la + 1] - s->l->off[la];
	size_t nb = s->l->off[lb + 1] - s->l->off[lb];
	size_t m = na < nb ? na : nb;
	int r = memcmp(a, b, m);

	if (r)
		return r;
	if (na == nb) /* same label: own line first */
		return (int)(x & 1) - (int)(y & 1);
	if (na < nb) /* a ends here, or goes on with ';' */
		return (x & 1) ? (int)';' - (int)b[m] : -1;
	return (y & 1) ? (int)a[m] - (int)';' : 1;
}

/* Lists and sorts every node's entries. */
static int trie_order(trie *t, const labels *l)
{
	uint32_t *nkid = an__calloc((size_t)t->n + 1, sizeof(*nkid));
	uint32_t *fill = NULL, *tmp = NULL, i;
	ent_sort es;
	int rc = AN_ENOMEM;

	t->eoff = an__calloc((size_t)t->n + 1, sizeof(*t->eoff));
	t->ent = an__calloc((size_t)t->n * 2, sizeof(*t->ent));
	tmp = an__calloc((size_t)t->n * 2, sizeof(*tmp));
	fill = an__calloc((size_t)t->n, sizeof(*fill));
	if (!nkid || !t->eoff || !t->ent || !tmp || !fill)
		goto done;
	for (i = 1; i < t->n; i++)
		nkid[t->parent[i]]++;
	/* eoff[p + 1] counts p's entries first */
	for (i = 1; i < t->n; i++)
		t->eoff[t->parent[i] + 1] += (t->w[i] > 0) + (nkid[i] > 0);
	for (i = 0; i < t->n; i++)
		t->eoff[i + 1] += t->eoff[i];
	for (i = 0; i < t->n; i++)
		fill[i] = t->eoff[i];
	for (i = 1; i < t->n; i++) {
		uint32_t p = t->parent[i];
		if (t->w[i] > 0)
			t->ent[fill[p]++] = i * 2;
		if (nkid[i] > 0)
			t->ent[fill[p]++] = i * 2 + 1;
	}
	es.l = l;
	es.t = t;
	for (i = 0; i < t->n; i++)
		if (t->eoff[i + 1] - t->eoff[i] > 1)
			an__sort_keys(t->ent + t->eoff[i], tmp,
				      t->eoff[i + 1] - t->eoff[i], cmp_ent,
				      &es);
	rc = AN_OK;
done:
	free(nkid);
	free(fill);
	free(tmp);
	return rc;
}

typedef struct walk_frame {
	uint32_t node;  /* trie node whose entries are being listed */
	uint32_t next;  /* next entry */
	size_t len;     /* its line's length in the buffer */
} walk_frame;

/* Calls cb for each line, in order; the buffer holds the current path. */
static int trie_walk(const trie *t, const labels *l, uint32_t depth,
		     an_cpu_folded_cb cb, void *payload, an_error *err)
{
	walk_frame *st = an__calloc((size_t)depth + 2, sizeof(*st));
	char *buf = NULL;
	size_t cap = 0, sp = 0;
	int rc = AN_OK;

	if (!st)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	st[sp].node = 0;
	st[sp].next = t->eoff[0];
	st[sp].len = 0;
	sp++;
	while (sp) {
		walk_frame *f = &st[sp - 1];
		uint32_t e, c, lab;
		size_t len = f->len, ll;

		if (f->next == t->eoff[f->node + 1]) {
			sp--;
			continue;
		}
		e = t->ent[f->next++];
		c = e / 2;
		lab = t->label[c];
		ll = l->off[lab + 1] - l->off[lab];
		if (an__grow((void **)&buf, &cap, len + ll + 2, 1) < 0)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
		if (f->node != 0)
			buf[len++] = ';';
		memcpy(buf + len, l->text + l->off[lab], ll);
		len += ll;
		if (!(e & 1)) {
			if (cb(buf, len, (uint64_t)llround(t->w[c]),
			       payload)) {
				rc = AN_ECANCELED;
				goto done;
			}
			continue;
		}
		if (sp == (size_t)depth + 2) /* cannot be: depth bounds it */
			AN_FAIL(err, AN_ELIMIT, AN_NO_OFFSET,
				"folded stacks deeper than the tree");
		st[sp].node = c;
		st[sp].next = t->eoff[c];
		st[sp].len = len;
		sp++;
	}
done:
	free(st);
	free(buf);
	return rc;
}

int an_cpu_folded(const an_cpu *c, const an_filter *f, an_cpu_folded_cb cb,
		  void *payload, an_error *err)
{
	const an_profile *p = c->p;
	labels l;
	trie t;
	uint32_t *flab = NULL, *tn = NULL, lab_root, lab_gc, i, v;
	uint8_t *nm = NULL, gc_mark = 0;
	double *gcw = NULL;
	size_t cap = (size_t)p->node_count * 2 + 2;
	int rc = AN_OK;

	memset(&l, 0, sizeof(l));
	memset(&t, 0, sizeof(t));
	an__ht_init(&l.ht, label_hash, label_eq, &l);
	an__ht_init(&t.ht, trie_hash, trie_eq, &t);
	/* entries are u32 child * 2 + 1 */
	if (cap > UINT32_MAX / 2)
		AN_FAIL(err, AN_ELIMIT, AN_NO_OFFSET, "too many stacks");
	gcw = an__calloc(p->node_count, sizeof(*gcw));
	flab = an__calloc(p->func_count, sizeof(*flab));
	tn = an__calloc(p->node_count, sizeof(*tn));
	t.parent = an__calloc(cap, sizeof(*t.parent));
	t.label = an__calloc(cap, sizeof(*t.label));
	t.w = an__calloc(cap, sizeof(*t.w));
	if (!gcw || !flab || !tn || !t.parent || !t.label || !t.w)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (!an_filter_is_empty(f)) {
		nm = an__cpu_filter_marks(p, f, &gc_mark);
		if (!nm)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
	}
	/* time mode: GC weight goes on top of its parent's stack */
	if (c->weights == AN_WEIGHTS_TIME && p->gc != AN_NONE)
		for (i = c->i0; i < c->i1; i++)
			if (c->gc_parent[i - c->i0] != AN_NONE)
				gcw[c->gc_parent[i - c->i0]] +=
					an__cpu_duration(p, i);
	for (i = 0; i < p->func_count; i++)
		if (label_add(&l, p, i, NULL, &flab[i]) < 0)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
	if (label_add(&l, p, AN_NONE, "(root)", &lab_root) < 0 ||
	    label_add(&l, p, AN_NONE, "(garbage collector)", &lab_gc) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* every node's stack, parents first */
	t.parent[0] = AN_NONE;
	t.label[0] = AN_NONE;
	t.n = 1;
	for (i = 0; i < p->node_count; i++) {
		v = p->bfs[i];
		if (v == p->root)
			tn[v] = 0;
		else if (trie_child(&t, p->parent[v] == AN_NONE ?
					       0 : tn[p->parent[v]],
				    flab[p->func[v]], &tn[v]) < 0)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
	}
	/* weights, summed in node order (own stack, then GC on top) as
	 * the lines always were */
	for (v = 0; v < p->node_count; v++) {
		int pass;
		double w = c->self[v];
		if (c->weights == AN_WEIGHTS_TIME && v == p->gc)
			w = 0; /* all of it is in gcw */
		for (pass = 0; pass < 2; pass++) {
			double wt = pass ? gcw[v] : w;
			uint32_t at;
			if (wt <= 0 ||
			    !an__cpu_stack_passes(f, nm, gc_mark, v, pass))
				continue;
			if (v == p->root)
				rc = trie_child(&t, 0, pass ? lab_gc : lab_root,
						&at);
			else if (pass)
				rc = trie_child(&t, tn[v], lab_gc, &at);
			else
				at = tn[v];
			if (rc < 0)
				AN_FAIL(err, rc, AN_NO_OFFSET,
					"out of memory");
			t.w[at] += wt;
		}
	}
	an__ht_free(&t.ht);
	an__ht_free(&l.ht);
	free(tn);
	tn = NULL;
	free(gcw);
	gcw = NULL;
	if (trie_order(&t, &l) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	rc = trie_walk(&t, &l, p->max_depth + 2, cb, payload, err);
done:
	an__ht_free(&t.ht);
	an__ht_free(&l.ht);
	free(t.parent);
	free(t.label);
	free(t.w);
	free(t.eoff);
	free(t.ent);
	free(l.text);
	free(l.off);
	free(flab);
	free(tn);
	free(nm);
	free(gcw);
	return rc;
}

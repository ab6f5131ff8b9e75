/*
 * folded.c - frame labels and folded stacks ("a;b;c weight" lines for
 * flame graph tools), merged by stack and sorted by stack text.
 */
#include <math.h>
#include <stdio.h>

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

typedef struct fold_item {
	uint32_t node;       /* stack top node */
	uint32_t gc_parent;  /* node under a GC frame, or AN_NONE */
	double weight;
	uint32_t str_off;    /* stack string in the fold buffer */
	uint32_t str_len;
} fold_item;

typedef struct fold_ctx {
	char *buf;           /* all stack strings */
	size_t len, cap;
} fold_ctx;

typedef struct fold_sort {
	const fold_item *items;
	const fold_ctx *fc;
} fold_sort;

static int cmp_fold(uint32_t x, uint32_t y, const void *ctx)
{
	const fold_sort *s = ctx;
	const fold_item *a = &s->items[x], *b = &s->items[y];
	an_str sa = {s->fc->buf + a->str_off, a->str_len};
	an_str sb = {s->fc->buf + b->str_off, b->str_len};

	return an__str_cmp(sa, sb);
}

/* Appends the label path root..v (excluding the root) to the buffer. */
static int append_path(const an_profile *p, fold_ctx *fc, uint32_t v,
		       uint32_t *path)
{
	uint32_t depth = 0, k;

	for (; v != AN_NONE && v != p->root; v = p->parent[v])
		path[depth++] = v;
	for (k = depth; k-- > 0;) {
		size_t need = an_cpu_frame_label(NULL, 0, p, p->func[path[k]]);
		if (an__grow((void **)&fc->buf, &fc->cap, fc->len + need + 2,
			     1) < 0)
			return AN_ENOMEM;
		an_cpu_frame_label(fc->buf + fc->len, need + 1, p,
				   p->func[path[k]]);
		fc->len += need;
		if (k)
			fc->buf[fc->len++] = ';';
	}
	return AN_OK;
}

static int frames_equal(const fold_ctx *fc, const fold_item *a,
			const fold_item *b)
{
	return a->str_len == b->str_len &&
	       memcmp(fc->buf + a->str_off, fc->buf + b->str_off,
		      a->str_len) == 0;
}

/* Kept when (no includes or a frame is included) and no frame is
 * excluded; `extra` is one more frame on top (GC), or AN_NONE. */
static int stack_passes(const an_profile *p, const an_filter *f, uint32_t v,
			uint32_t extra)
{
	int inc = !an_filter_has_includes(f);
	uint32_t u = extra != AN_NONE ? extra : v;

	if (an_filter_is_empty(f))
		return 1;
	while (u != AN_NONE) {
		const an_function *fn = &p->funcs[p->func[u]];
		an_str fields[2];
		fields[0] = fn->name;
		fields[1] = fn->url;
		if (u != p->root) {
			if (an_filter_excludes(f, fields, 2))
				return 0;
			if (!inc && an_filter_matches(f, fields, 2))
				inc = 1;
		}
		if (u == extra) {
			extra = AN_NONE;
			u = v;
		} else {
			u = p->parent[u];
		}
	}
	return inc;
}

int an_cpu_folded(const an_cpu *c, const an_filter *f, an_cpu_folded_cb cb,
		  void *payload, an_error *err)
{
	const an_profile *p = c->p;
	fold_item *items = NULL;
	size_t n = 0, cap = 0, i;
	uint32_t *path = NULL, v;
	fold_ctx fc = {NULL, 0, 0};
	fold_sort fs;
	uint32_t *ord = NULL, *tmp = NULL;
	double *gcw = NULL;
	int rc = AN_OK;

	path = an__calloc((size_t)p->max_depth + 2, sizeof(*path));
	gcw = an__calloc(p->node_count, sizeof(*gcw));
	if (!path || !gcw)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* time mode: GC weight goes on top of its parent's stack */
	if (c->weights == AN_WEIGHTS_TIME && p->gc != AN_NONE)
		for (i = c->i0; i < c->i1; i++)
			if (c->gc_parent[i - c->i0] != AN_NONE)
				gcw[c->gc_parent[i - c->i0]] +=
					an__cpu_duration(p, (uint32_t)i);
	for (v = 0; v < p->node_count; v++) {
		int pass;
		double w = c->self[v];
		if (c->weights == AN_WEIGHTS_TIME && v == p->gc)
			w = 0; /* all of it is in gcw */
		for (pass = 0; pass < 2; pass++) {
			fold_item *it;
			double wt = pass ? gcw[v] : w;
			if (wt <= 0)
				continue;
			if (!stack_passes(p, f, v, pass ? p->gc : AN_NONE))
				continue;
			if (an__grow((void **)&items, &cap, n + 1,
				     sizeof(*items)) < 0)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			it = &items[n++];
			it->node = v;
			it->gc_parent = pass ? v : AN_NONE;
			it->weight = wt;
			it->str_off = (uint32_t)fc.len;
			if (v == p->root) {
				static const char rl[] = "(root)";
				if (an__grow((void **)&fc.buf, &fc.cap,
					     fc.len + sizeof(rl), 1) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
				memcpy(fc.buf + fc.len, rl, sizeof(rl) - 1);
				fc.len += sizeof(rl) - 1;
			} else if (append_path(p, &fc, v, path) < 0) {
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			}
			if (pass) {
				static const char g[] = ";(garbage collector)";
				if (an__grow((void **)&fc.buf, &fc.cap,
					     fc.len + sizeof(g), 1) < 0)
					AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
				if (v == p->root) {
					memcpy(fc.buf + it->str_off, g + 1,
					       sizeof(g) - 2);
					fc.len = it->str_off + sizeof(g) - 2;
				} else {
					memcpy(fc.buf + fc.len, g,
					       sizeof(g) - 1);
					fc.len += sizeof(g) - 1;
				}
			}
			if (fc.len - it->str_off > UINT32_MAX ||
			    fc.len > UINT32_MAX)
				AN_FAIL(err, AN_ELIMIT, AN_NO_OFFSET,
					"folded stacks too large");
			it->str_len = (uint32_t)(fc.len - it->str_off);
		}
	}
	if (n > UINT32_MAX)
		AN_FAIL(err, AN_ELIMIT, AN_NO_OFFSET, "too many stacks");
	ord = an__calloc(n, sizeof(*ord));
	tmp = an__calloc(n, sizeof(*tmp));
	if (!ord || !tmp)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < n; i++)
		ord[i] = (uint32_t)i;
	fs.items = items;
	fs.fc = &fc;
	an__sort_keys(ord, tmp, n, cmp_fold, &fs);
	for (i = 0; i < n;) {
		size_t j = i + 1;
		const fold_item *first = &items[ord[i]];
		double w = first->weight;
		while (j < n && frames_equal(&fc, first, &items[ord[j]])) {
			w += items[ord[j]].weight;
			j++;
		}
		if (cb(fc.buf + first->str_off, first->str_len,
		       (uint64_t)llround(w), payload)) {
			rc = AN_ECANCELED;
			goto done;
		}
		i = j;
	}
done:
	free(ord);
	free(tmp);
	free(items);
	free(path);
	free(gcw);
	free(fc.buf);
	return rc;
}

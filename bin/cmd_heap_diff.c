/*
 * cmd_heap_diff.c - `profkit heap diff BASE TARGET`: both snapshots
 * loaded through libanalyze, DevTools' Comparison rows and the
 * explanations of what grew printed as text, JSON or CSV, or the growth
 * graph drawn (-o growth.svg|png|pdf), and stored with --db
 * (docs/database.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_heap.h"

/* ---- diff ---- */

enum {
	F_NAME, F_LOCATION, F_SCRIPT, F_LINE, F_COLUMN, F_NEW, F_DELETED,
	F_DELTA, F_ALLOC, F_FREED, F_SIZE_DELTA, F_CLASS, F_EXPLAIN, F_N
};

static const fe_col diff_cols[F_N] = {
	{"name", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},
	{"location", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
	{"script_id", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"line", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"column", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"new_count", FE_T_UINT, FE_IN_DATA, "new", 8, 1, 0},
	{"deleted_count", FE_T_UINT, FE_IN_DATA, "deleted", 8, 2, 0},
	{"count_delta", FE_T_INT, FE_IN_DATA, "delta", 8, 3, 0},
	{"alloc_size", FE_T_BYTES, FE_IN_DATA, "alloc", 11, 4, 0},
	{"freed_size", FE_T_BYTES, FE_IN_DATA, "freed", 11, 5, 0},
	{"size_delta", FE_T_DBYTES, FE_IN_DATA, "size delta", 11, 6, 0},
	{NULL, FE_T_CALL, 0, "class", 0, 7, 0},
	{"explain", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
};
static const fe_table diff_table = {diff_cols, F_N, "classes", 0};

static const fe_col diff_head[] = {
	{"base", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"target", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"new_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"deleted_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"shared_ids", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

static void diff_location_json(FILE *f, const void *ctx)
{
	const an_heap_diff_row *r = ctx;

	put_location_json(f, r->script_id, r->line, r->column);
}

static void diff_class_text(FILE *f, const void *ctx)
{
	const an_heap_diff_row *r = ctx;

	put_class_text(f, r->name, r->has_location, r->script_id, r->line,
		       r->column);
}

typedef struct diff_job {
	const char *base_path, *target_path;
	an_heap_base *base;
	an_source *base_src;    /* kept for --db (sha256, bytes) */
	hjob t;                 /* the target, loaded in full */
	an_heap_diff *diff;
	const an_heap_diff_row *rows; /* the diff's, DevTools' order */
	const fe_opts *o;
	int fmt;                /* FE_SVG... when drawing the growth graph */
	an_heap_pool *pool;     /* BASE's memory, handed on to TARGET */
} diff_job;

/* text intro: "# BASE -> TARGET: ..." unless -q */
static void diff_header(FILE *f, const void *ctx)
{
	const diff_job *dj = ctx;
	const an_heap_diff_info *in = an_heap_diff_get_info(dj->diff);

	if (dj->o->quiet)
		return;
	fputs("# ", f);
	fe_text(f, dj->base_path, strlen(dj->base_path));
	fputs(" -> ", f);
	fe_text(f, dj->target_path, strlen(dj->target_path));
	fprintf(f, ": %" PRIu64 " new, %" PRIu64 " deleted objects; %"
		PRIu64 " of %" PRIu64 " base objects still there\n",
		in->new_count, in->deleted_count, in->shared,
		in->base_objects);
}

/* One line on stderr for each reason the comparison means little. */
static void diff_warnings(const diff_job *dj)
{
	const an_heap_diff_info *in = an_heap_diff_get_info(dj->diff);
	uint64_t fewer = in->base_objects < in->target_objects ?
				 in->base_objects : in->target_objects;

	/* different processes: ids are assigned afresh, few coincide */
	if (fewer >= 10 && in->shared * 20 < fewer)
		fe_errorf("warning: %s and %s share only %" PRIu64 " of %"
			  PRIu64 " object ids: snapshots of different "
			  "processes? The comparison means little",
			  dj->base_path, dj->target_path, in->shared, fewer);
	/* swapped: the "new" objects are older than the "deleted" ones */
	else if (in->deleted_count > in->new_count &&
		 in->max_new_id < in->max_deleted_id)
		fe_errorf("warning: %s looks newer than %s (more objects "
			  "deleted than new, and the new ones have lower "
			  "ids): were BASE and TARGET swapped?",
			  dj->base_path, dj->target_path);
}


/* The explanations a run prints: --explain K, else 5 in text and none in
 * JSON; CSV has no room for them. */
static long explain_count(const fe_opts *o)
{
	if (o->format == FE_CSV || fe_wants_picture(o))
		return 0;
	if (o->explain_set)
		return o->explain;
	return o->format == FE_TEXT ? FE_DEFAULT_EXPLAIN : 0;
}

/* An explained row: the largest group of its new objects by path. */
typedef struct explained {
	const an_heap_diff_row *r;
	an_heap_diff_group g;
	const an_heap *h;
} explained;

/* 1 when a name is a number (a hash table entry's edge) */
static int numeric(an_str s)
{
	uint32_t i;

	for (i = 0; i < s.len; i++)
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return 0;
	return s.len > 0;
}

/* 1 for the name of a WeakMap key -> value edge ("N / part of key (..
 * @k) -> value (.. @v) pair in WeakMap (table @t)") */
static int weakmap_pair(an_str s)
{
	static const char pat[] = " pair in WeakMap (table @";
	size_t n = sizeof(pat) - 1, i;

	for (i = 0; i + n <= s.len; i++)
		if (!memcmp(s.ptr + i, pat, n))
			return 1;
	return 0;
}

void group_edge_text(FILE *f, const an_heap *h, uint32_t e)
{
	an_heap_edge_kind t = an_heap_edge_kind_of(h, e);
	int idx = an_heap_edge_is_index(h, e);
	an_str nm = an_heap_edge_name(h, e);

	if (idx || numeric(nm))
		fputs(t == AN_HEAP_EDGE_HIDDEN || t == AN_HEAP_EDGE_INTERNAL ?
			      "{*}" : "[*]", f);
	else if (t == AN_HEAP_EDGE_INTERNAL && weakmap_pair(nm))
		fputs("{WeakMap key -> value}", f);
	else if (t == AN_HEAP_EDGE_CONTEXT) {
		fputs("->", f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
	} else if (t == AN_HEAP_EDGE_INTERNAL ||
		   t == AN_HEAP_EDGE_INVISIBLE) {
		fputc('{', f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
		fputc('}', f);
	} else if (memchr(nm.ptr, ' ', nm.len)) {
		fputs("[\"", f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
		fputs("\"]", f);
	} else {
		fputc('.', f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
	}
}

an_str node_class_name(const an_heap *h, uint32_t n)
{
	return an_heap_class_get(h, an_heap_node_class(h, n))->name;
}

/* text: "2800 x {id, payload} (+184 kB) <- [*] (array) <- ..." */
static void explained_text(FILE *f, const explained *x)
{
	const an_heap_diff_group *g = &x->g;
	char a[32];
	uint32_t i;

	human(a, sizeof(a), g->retained_size);
	fprintf(f, "  %" PRIu64 " x ", g->count);
	fe_text_max(f, x->r->name.ptr, x->r->name.len, FE_TEXT_CLASS_MAX);
	fprintf(f, " (+%s)", a);
	for (i = 0; i < g->len; i++) {
		an_str c = node_class_name(x->h, g->chain[i].from);
		fputs(" <- ", f);
		group_edge_text(f, x->h, g->chain[i].edge);
		fputc(' ', f);
		fe_text_max(f, c.ptr, c.len, FE_TEXT_CLASS_SHORT);
	}
	if (g->len == 0)
		fputs(" (no retainer)", f);
	fprintf(f, "\n      %" PRIu64 " of %" PRIu64 " new, %u path%s, "
		"e.g. @%" PRIu64 "\n", g->count, g->class_new, g->groups,
		g->groups == 1 ? "" : "s",
		an_heap_node_id(x->h, g->representative));
}

/* JSON: "explain": [{count, retained_size, new_count, paths,
 * representative, chain: [{edge_name, edge_type, class, id}]}] */
static void explained_json(FILE *f, const void *ctx)
{
	const explained *x = ctx;
	const an_heap_diff_group *g = &x->g;
	uint32_t i;

	fprintf(f, "[{\"count\": %" PRIu64 ", \"retained_size\": %" PRIu64
		", \"new_count\": %" PRIu64 ", \"paths\": %u, "
		"\"representative\": %" PRIu64 ", \"chain\": [", g->count,
		g->retained_size, g->class_new, g->groups,
		an_heap_node_id(x->h, g->representative));
	for (i = 0; i < g->len; i++) {
		uint32_t e = g->chain[i].edge, n = g->chain[i].from;
		an_str c = node_class_name(x->h, n);
		fputs(i ? ", {" : "{", f);
		edge_json(f, x->h, e);
		fputs(", \"class\": ", f);
		fe_json_str(f, c.ptr, c.len);
		fprintf(f, ", \"id\": %" PRIu64 "}", an_heap_node_id(x->h, n));
	}
	fputs("]}]", f);
}

/* Explains the k printed rows that grew most (size delta, then count
 * delta; only rows with new objects); ex[i] for printed row i, its
 * .r NULL when not explained. */
static int explain_rows(explained *ex, const an_heap_diff_row **pr,
			uint32_t np, const diff_job *dj, long k)
{
	uint32_t *sel = calloc((size_t)np + 1, sizeof(*sel));
	uint32_t *gr = calloc((size_t)np + 1, sizeof(*gr));
	uint32_t i, ng = 0;
	an_error err;
	int rc = FE_EXIT_OK;

	if (!sel || !gr) {
		free(sel);
		free(gr);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	for (i = 0; i < np; i++)
		sel[i] = (uint32_t)(pr[i] - dj->rows);
	if (an_heap_diff_growth(gr, &ng, dj->diff, sel, np, &err) < 0)
		rc = fe_fail(NULL, &err);
	for (i = 0; rc == FE_EXIT_OK && i < ng && (long)i < k; i++) {
		explained *x = &ex[gr[i]];
		if (an_heap_diff_explain(&x->g, dj->diff, dj->t.heap,
					 sel[gr[i]], FE_DEFAULT_CHAIN_STEPS,
					 &err) < 0) {
			rc = fe_fail(NULL, &err);
			break;
		}
		x->r = pr[gr[i]];
		x->h = dj->t.heap;
	}
	free(sel);
	free(gr);
	return rc;
}

/* text, after the table: the explained rows, most growth first */
static void explained_section(FILE *f, const explained *ex, uint32_t np)
{
	const explained **v;
	uint32_t i, n = 0, j;

	v = calloc((size_t)np + 1, sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < np; i++)
		if (ex[i].r) {
			/* insertion by size delta, then place */
			for (j = n; j > 0 && v[j - 1]->r->size_delta <
						     ex[i].r->size_delta; j--)
				v[j] = v[j - 1];
			v[j] = &ex[i];
			n++;
		}
	if (n) {
		fputs("\nWhere the new objects are held (the largest group "
		      "of each class by retainer path):\n", f);
		for (i = 0; i < n; i++)
			explained_text(f, v[i]);
	}
	free(v);
}

static int do_diff(FILE *f, const diff_job *dj, const fe_opts *o)
{
	const an_heap_diff_row *rows, **pr;
	uint32_t n = an_heap_diff_rows(dj->diff, &rows), i, np = 0;
	uint32_t matched = 0;
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	long k = explain_count(o);
	const an_heap_diff_info *in = an_heap_diff_get_info(dj->diff);
	an_heap_diff_sort by = AN_HEAP_DIFF_BY_ALLOC;
	uint32_t *order = NULL;
	an_error err;
	int rc;
	explained *ex;
	fe_val hv[5];
	fe_writer w;

	if (o->sort && !strcmp(o->sort, "delta"))
		by = AN_HEAP_DIFF_BY_DELTA;
	else if (o->sort && !strcmp(o->sort, "freed"))
		by = AN_HEAP_DIFF_BY_FREED;
	else if (o->sort && !strcmp(o->sort, "count"))
		by = AN_HEAP_DIFF_BY_COUNT;
	if (an_heap_diff_order(&order, dj->diff, by, &err) < 0)
		return fe_fail(NULL, &err);
	pr = calloc((size_t)n + 1, sizeof(*pr));
	ex = calloc((size_t)n + 1, sizeof(*ex));
	if (!pr || !ex) {
		free(order);
		free(pr);
		free(ex);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (!an_filter_test(o->filter, &rows[order[i]].name, 1))
			continue;
		matched++;
		/* the rest only counted, for the footer */
		if (limit == 0 || np < (uint32_t)limit)
			pr[np++] = &rows[order[i]];
	}
	free(order);
	rc = explain_rows(ex, pr, np, dj, k);
	if (rc == FE_EXIT_OK) {
		hv[0] = fe_cstr(dj->base_path);
		hv[1] = fe_cstr(dj->target_path);
		hv[2] = fe_uint(in->new_count);
		hv[3] = fe_uint(in->deleted_count);
		hv[4] = fe_uint(in->shared);
		fe_table_begin(&w, f, o->format, &diff_table, diff_head, hv, 5,
			       diff_header, dj);
		for (i = 0; i < np; i++) {
			const an_heap_diff_row *r = pr[i];
			fe_val v[F_N];
			v[F_NAME] = fe_str(r->name);
			location_vals(&v[F_LOCATION], r->has_location,
				      r->script_id, r->line, r->column,
				      fe_call(diff_location_json, r));
			v[F_NEW] = fe_uint(r->new_count);
			v[F_DELETED] = fe_uint(r->deleted_count);
			v[F_DELTA] = fe_int(r->count_delta);
			v[F_ALLOC] = fe_uint(r->alloc_size);
			v[F_FREED] = fe_uint(r->freed_size);
			v[F_SIZE_DELTA] = fe_int(r->size_delta);
			v[F_CLASS] = fe_call(diff_class_text, r);
			v[F_EXPLAIN] = ex[i].r ?
					       fe_call(explained_json, &ex[i]) :
					       fe_absent();
			fe_table_row(&w, v);
		}
		fe_table_cut(&w, n, "class|classes",
			     fe_flat_cut(n, matched, np), limit,
			     !o->top_set, 0, o);
		fe_table_end(&w);
		if (n && !matched)
			fe_errorf("no class passes %s", o->patterns);
		if (o->format == FE_TEXT)
			explained_section(f, ex, np);
	}
	for (i = 0; i < np; i++)
		an_heap_diff_group_free(&ex[i].g);
	free(ex);
	free(pr);
	return rc;
}

/* ---- the growth graph (-o growth.svg) ---- */

typedef struct growth_names {
	const an_heap *h;
	const an_heap_growth *g;
	char *lab, *loc; /* scratch for one label and one location */
	size_t cap;
} growth_names;

/* "Class" then, for a step, the edge it holds the next frame by
 * ("LabService.cache", "(array)[*]") */
static an_str growth_label(uint32_t k, const void *ctx)
{
	const growth_names *x = ctx;
	const an_heap_growth_key *key = an_heap_growth_key_get(x->g, k);
	an_str s = {x->lab, 0}, c;
	FILE *m;
	long at;

	if (!key)
		return s;
	if (key->kind == AN_HEAP_GROWTH_ROOT) {
		s.ptr = "all new objects";
		s.len = (uint32_t)strlen(s.ptr);
		return s;
	}
	c = an_heap_class_get(x->h, key->cls)->name;
	m = fmemopen(x->lab, x->cap, "w");
	if (!m)
		return s;
	fe_text_max(m, c.ptr, c.len, FE_TEXT_CLASS_MAX);
	if (key->kind == AN_HEAP_GROWTH_STEP)
		group_edge_text(m, x->h, key->edge);
	at = ftell(m);
	fclose(m);
	s.len = at > 0 && (size_t)at < x->cap ? (uint32_t)at : 0;
	return s;
}

/* the tooltip's second part: an example object (and for a class, how
 * many of its objects the picture holds) */
static an_str growth_location(uint32_t k, const void *ctx)
{
	const growth_names *x = ctx;
	const an_heap_growth_key *key = an_heap_growth_key_get(x->g, k);
	an_str s = {x->loc, 0};
	int n = 0;

	if (key && key->kind == AN_HEAP_GROWTH_STEP)
		n = snprintf(x->loc, x->cap, "(e.g. @%" PRIu64 ")",
			     an_heap_node_id(x->h, key->node));
	else if (key && key->kind == AN_HEAP_GROWTH_CLASS)
		n = snprintf(x->loc, x->cap, "(%" PRIu64 " new object%s of this "
			     "class in the picture, e.g. @%" PRIu64 ")",
			     key->count, key->count == 1 ? "" : "s",
			     an_heap_node_id(x->h, key->node));
	s.len = n > 0 && (size_t)n < x->cap ? (uint32_t)n : 0;
	return s;
}

static an_flame_kind growth_kind(uint32_t k, const void *ctx)
{
	const growth_names *x = ctx;
	const an_heap_growth_key *key = an_heap_growth_key_get(x->g, k);

	if (!key || key->kind == AN_HEAP_GROWTH_ROOT)
		return AN_FLAME_PROGRAM;
	return key->kind == AN_HEAP_GROWTH_CLASS ? AN_FLAME_JS :
						   AN_FLAME_NATIVE;
}

/* the legend, in the order of an_flame_kind */
static const char *const growth_kinds[] = {
	"new objects, by class", "retainers (path from a GC root)", "", "",
	"all new objects", "elided (too small)"
};

static int draw_growth(FILE *f, const diff_job *dj, const fe_opts *o)
{
	an_flame_opts fo;
	an_flame_render_opts ro;
	an_flame_labels lab;
	growth_names names;
	an_heap_growth *g = NULL;
	an_flame *fl = NULL;
	const an_heap_growth_info *in;
	an_error err;
	char sub[800], bn[300], tn[300], size[32];
	int rc = FE_EXIT_OK;

	an_error_clear(&err);
	names.h = dj->t.heap;
	names.cap = 1100;
	names.lab = malloc(names.cap);
	names.loc = malloc(names.cap);
	if (!names.lab || !names.loc) {
		fe_errorf("out of memory");
		rc = FE_EXIT_ERROR;
		goto done;
	}
	if (an_heap_growth_new(&g, dj->diff, dj->t.heap,
			       FE_DEFAULT_CHAIN_STEPS, &err) < 0) {
		rc = fe_fail(dj->target_path, &err);
		goto done;
	}
	in = an_heap_growth_get_info(g);
	fe_file_label(bn, sizeof(bn), dj->base_path);
	fe_file_label(tn, sizeof(tn), dj->target_path);
	human(size, sizeof(size), in->retained_size);
	snprintf(sub, sizeof(sub), "%s \xe2\x86\x92 %s \xc2\xb7 %" PRIu64
		 " new objects retaining %s (%" PRIu64 " more inside them)",
		 bn, tn, in->objects, size, in->nested);
	/* largest first and 1 px unless told, as heap flame */
	fe_flame_opts(&ro, &fo, o, dj->fmt, (double)in->retained_size,
		      "Heap growth: the new objects by retainer path", sub, 1,
		      1);
	ro.unit = AN_FLAME_BYTES;
	if (in->objects == 0)
		fe_errorf("warning: %s has no new objects to draw (the "
			  "picture has no frames)", dj->target_path);
	names.g = g;
	lab.label = growth_label;
	lab.location = growth_location;
	lab.kind = growth_kind;
	lab.ctx = &names;
	lab.kind_names = growth_kinds;
	if (an_heap_growth_flame(&fl, g, &fo, &err) < 0 ||
	    an_flame_render(fl, &lab, &ro, fe_image_write, f, &err) < 0)
		rc = fe_fail(dj->target_path, &err);
done:
	an_flame_free(fl);
	an_heap_growth_free(g);
	free(names.lab);
	free(names.loc);
	return rc;
}

/* BASE through the light pipeline; TARGET in full when explanations or
 * the picture are asked for (they walk its retainers and dominators),
 * else light too; then the diff.
 * Errors name the file they come from. */
static int diff_load(diff_job *dj)
{
	an_error err;
	an_heap_load_opts lo = AN_HEAP_LOAD_OPTS_INIT;
	an_source *src = NULL;
	fe_progress bar;
	int rc;

	an_error_clear(&err);
	if (an_heap_pool_new(&dj->pool) < 0) {
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	lo.pool = dj->pool;
	if (fe_progress_begin(&bar, dj->base_path)) {
		lo.progress = fe_progress_cb;
		lo.payload = &bar;
	}
	rc = an_source_open_path(&src, dj->base_path, &err) < 0 ||
	     (dj->o->db && an_source_enable_sha256(src) < 0) ||
	     an_heap_base_load(&dj->base, src, &lo, &err) < 0;
	fe_progress_end(&bar);
	dj->base_src = src;
	if (rc)
		return fe_fail(dj->base_path, &err);
	if (explain_count(dj->o) > 0 || fe_wants_picture(dj->o)) {
		rc = hjob_load(&dj->t, dj->target_path, dj->o->db != NULL,
			       dj->pool);
		if (rc)
			return rc;
		if (an_heap_diff_new(&dj->diff, dj->base, dj->t.heap,
				     &err) < 0)
			return fe_fail(NULL, &err);
		/* the diff kept what it needs: the explanations' retainer
		 * index gets the base's memory */
		an_heap_base_free(dj->base);
		dj->base = NULL;
		return FE_EXIT_OK;
	}
	lo.progress = NULL;
	lo.payload = NULL;
	if (fe_progress_begin(&bar, dj->target_path)) {
		lo.progress = fe_progress_cb;
		lo.payload = &bar;
	}
	dj->t.path = dj->target_path;
	rc = an_source_open_path(&dj->t.src, dj->target_path, &err) < 0 ||
	     (dj->o->db && an_source_enable_sha256(dj->t.src) < 0) ||
	     an_heap_diff_load(&dj->diff, dj->base, dj->t.src, &lo, &err) < 0;
	fe_progress_end(&bar);
	if (rc)
		return fe_fail(dj->target_path, &err);
	return FE_EXIT_OK;
}

/* --db: both artifacts (kept when already stored) and every diff row,
 * in the run's one transaction */
static int store_diff_db(const diff_job *dj, const fe_opts *o)
{
	an_store *st = NULL;
	an_error err;
	an_artifact_info bi, ti;
	char bsha[65], tsha[65], *babs, *tabs;
	int64_t bid, tid;
	int rc;

	an_error_clear(&err);
	an_source_sha256(dj->base_src, bsha);
	an_source_sha256(dj->t.src, tsha);
	memset(&bi, 0, sizeof(bi));
	babs = fe_abs_path(dj->base_path);
	tabs = fe_abs_path(dj->target_path);
	bi.path = babs ? babs : dj->base_path;
	bi.given_path = dj->base_path;
	bi.sha256 = bsha;
	bi.kind = AN_KIND_HEAPSNAPSHOT;
	bi.bytes = an_source_raw_bytes(dj->base_src);
	ti = bi;
	ti.path = tabs ? tabs : dj->target_path;
	ti.given_path = dj->target_path;
	ti.sha256 = tsha;
	ti.bytes = an_source_raw_bytes(dj->t.src);
	if (an_store_open(&st, o->db, &err) < 0 ||
	    an_store_artifact_keep(&bid, st, &bi, &err) < 0 ||
	    an_store_artifact_keep(&tid, st, &ti, &err) < 0 ||
	    an_store_heap_diff(st, bid, tid, dj->diff, &err) < 0 ||
	    an_store_commit(st, &err) < 0)
		rc = fe_fail(o->db, &err);
	else
		rc = FE_EXIT_OK;
	an_store_close(st);
	free(babs);
	free(tabs);
	return rc;
}

static void diff_free(diff_job *dj)
{
	an_heap_diff_free(dj->diff);
	an_heap_base_free(dj->base);
	an_source_free(dj->base_src);
	hjob_free(&dj->t);
	an_heap_pool_free(dj->pool); /* after the heaps that use it */
}

int run_diff(const fe_opts *o, const char *cmdname)
{
	diff_job dj;
	fe_out out;
	int rc;

	memset(&dj, 0, sizeof(dj));
	dj.o = o;
	dj.base_path = o->args[0];
	dj.target_path = o->args[1];
	/* a bad picture name is a usage error before anything is read */
	if (fe_wants_picture(o) &&
	    fe_image_format(&dj.fmt, o, cmdname) != FE_EXIT_OK)
		return FE_EXIT_USAGE;
	rc = diff_load(&dj);
	if (rc == FE_EXIT_OK) {
		an_heap_diff_rows(dj.diff, &dj.rows);
		diff_warnings(&dj);
		rc = fe_out_open(&out, o->out);
		if (rc == FE_EXIT_OK) {
			rc = fe_wants_picture(o) ? draw_growth(out.f, &dj, o) :
						   do_diff(out.f, &dj, o);
			if (rc == FE_EXIT_OK && o->db)
				rc = store_diff_db(&dj, o);
			rc = fe_out_finish(&out, rc);
		}
	}
	diff_free(&dj);
	return rc;
}


/*
 * cmd_heap_leaks.c - `profkit heap leaks BASE TARGET [FINAL]`: the ids
 * of BASE and FINAL and the analysed TARGET loaded through libanalyze,
 * the leak clusters (found and ranked by the library) printed as text,
 * JSON or CSV, and stored with --db (docs/database.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_heap.h"

enum {
	L_COUNT, L_RETAINED, L_NESTED, L_ID, L_NAME, L_LOCATION, L_SCRIPT,
	L_LINE, L_COLUMN, L_REP, L_PATH, L_CHAIN, L_TEXT, L_N
};

static const fe_col leak_cols[L_N] = {
	{"count", FE_T_UINT, FE_IN_DATA, "count", 8, 1, 0},
	{"retained_size", FE_T_BYTES, FE_IN_DATA, "retained", 11, 2, 0},
	{"nested", FE_T_UINT, FE_IN_DATA, "nested", 7, 3, 0},
	{NULL, FE_T_CALL, 0, "example", 11, 4, 0},
	{"class", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},
	{"location", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
	{"script_id", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"line", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"column", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"representative", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"path", FE_T_CSTR, FE_IN_CSV, NULL, 0, 0, 0},
	{"chain", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
	{NULL, FE_T_CALL, 0, "class <- retainer path", 0, 5, 0},
};
static const fe_table leak_table = {leak_cols, L_N, "clusters", 0};

enum {
	H_BASE, H_TARGET, H_FINAL, H_NEW, H_GONE, H_TRIVIAL, H_UNREACHABLE,
	H_CANDIDATES, H_NESTED, H_RETAINED, H_CLUSTERS, H_N
};

static const fe_col leak_head[H_N] = {
	{"base", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"target", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"final", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"new_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"gone_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"trivial_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"unreachable_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"candidate_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"nested_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"retained_size", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"total_clusters", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

typedef struct leak_job {
	const char *path[3];    /* BASE, TARGET, FINAL (or NULL) */
	an_source *src[3];      /* BASE's and FINAL's, kept for --db */
	an_heap_ids *ids[3];    /* BASE's and FINAL's ids */
	hjob t;                 /* TARGET, loaded in full */
	an_heap_leaks *leaks;
	const fe_opts *o;
	an_heap_pool *pool;     /* memory one load hands on to the next */
} leak_job;

/* one cluster as a row's callbacks see it */
typedef struct leak_row {
	const an_heap_leak_cluster *c;
	const an_heap *h;
	char *path;             /* the path as text (CSV), or NULL */
} leak_row;

static void leak_header(FILE *f, const void *ctx)
{
	const leak_job *lj = ctx;
	const an_heap_leaks_info *in = an_heap_leaks_get_info(lj->leaks);
	char a[32];

	if (lj->o->quiet)
		return;
	human(a, sizeof(a), in->retained_size);
	fputs("# ", f);
	fe_text(f, lj->path[0], strlen(lj->path[0]));
	fputs(" -> ", f);
	fe_text(f, lj->path[1], strlen(lj->path[1]));
	if (lj->path[2]) {
		fputs(" -> ", f);
		fe_text(f, lj->path[2], strlen(lj->path[2]));
	}
	fprintf(f, ": %" PRIu64 " new objects", in->new_objects);
	if (lj->path[2])
		fprintf(f, ", %" PRIu64 " gone in FINAL", in->gone);
	fprintf(f, ", %" PRIu64 " trivial, %" PRIu64 " unreachable; %"
		PRIu64 " leak candidates (%" PRIu64 " nested in others) in %u"
		" cluster%s retaining %s\n", in->trivial, in->unreachable,
		in->candidates, in->nested, in->clusters,
		in->clusters == 1 ? "" : "s", a);
}

static void rep_text(FILE *f, const void *ctx)
{
	const leak_row *r = ctx;
	char id[32];

	snprintf(id, sizeof(id), "@%" PRIu64,
		 an_heap_node_id(r->h, r->c->representative));
	fprintf(f, "%11s", id);
}

static void location_json(FILE *f, const void *ctx)
{
	const leak_row *r = ctx;
	const an_heap_class *k = an_heap_class_get(r->h, r->c->cls);

	put_location_json(f, k->script_id, k->line, k->column);
}

/* " <- .cache ReportService <- ..." */
static void path_text(FILE *f, const leak_row *r)
{
	uint32_t i;

	for (i = 0; i < r->c->len; i++) {
		an_str c = node_class_name(r->h, r->c->chain[i].from);
		fputs(" <- ", f);
		group_edge_text(f, r->h, r->c->chain[i].edge);
		fputc(' ', f);
		fe_text_max(f, c.ptr, c.len, FE_TEXT_CLASS_SHORT);
	}
	if (r->c->len == 0)
		fputs(" (no retainer)", f);
}

static void class_path_text(FILE *f, const void *ctx)
{
	const leak_row *r = ctx;
	const an_heap_class *k = an_heap_class_get(r->h, r->c->cls);

	put_class_text(f, k->name, k->has_location, k->script_id, k->line,
		       k->column);
	path_text(f, r);
}

/* [{edge_name, edge_type, class, id}, ...] */
static void chain_json(FILE *f, const void *ctx)
{
	const leak_row *r = ctx;
	uint32_t i;

	fputc('[', f);
	for (i = 0; i < r->c->len; i++) {
		uint32_t e = r->c->chain[i].edge, n = r->c->chain[i].from;
		an_str c = node_class_name(r->h, n);
		fputs(i ? ", {" : "{", f);
		edge_json(f, r->h, e);
		fputs(", \"class\": ", f);
		fe_json_str(f, c.ptr, c.len);
		fprintf(f, ", \"id\": %" PRIu64 "}", an_heap_node_id(r->h, n));
	}
	fputc(']', f);
}

/* the path as CSV text, without the leading " <- " */
static char *path_string(const leak_row *r)
{
	char *p = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&p, &n);

	if (!m)
		return NULL;
	path_text(m, r);
	if (fclose(m) != 0) {
		free(p);
		return NULL;
	}
	if (n >= 4 && !strncmp(p, " <- ", 4))
		memmove(p, p + 4, n - 3);
	else if (n >= 1 && p[0] == ' ')
		memmove(p, p + 1, n);
	return p;
}

static int do_leaks(FILE *f, const leak_job *lj, const fe_opts *o)
{
	const an_heap_leak_cluster *c;
	const an_heap_leaks_info *in = an_heap_leaks_get_info(lj->leaks);
	uint32_t n = an_heap_leaks_clusters(lj->leaks, &c), i, shown = 0;
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	fe_val hv[H_N];
	fe_writer w;

	hv[H_BASE] = fe_cstr(lj->path[0]);
	hv[H_TARGET] = fe_cstr(lj->path[1]);
	hv[H_FINAL] = lj->path[2] ? fe_cstr(lj->path[2]) : fe_null();
	hv[H_NEW] = fe_uint(in->new_objects);
	hv[H_GONE] = fe_uint(in->gone);
	hv[H_TRIVIAL] = fe_uint(in->trivial);
	hv[H_UNREACHABLE] = fe_uint(in->unreachable);
	hv[H_CANDIDATES] = fe_uint(in->candidates);
	hv[H_NESTED] = fe_uint(in->nested);
	hv[H_RETAINED] = fe_uint(in->retained_size);
	hv[H_CLUSTERS] = fe_uint(in->clusters);
	fe_table_begin(&w, f, o->format, &leak_table, leak_head, hv, H_N,
		       leak_header, lj);
	for (i = 0; i < n && (limit == 0 || i < (uint32_t)limit); i++) {
		const an_heap_class *k = an_heap_class_get(lj->t.heap,
							   c[i].cls);
		leak_row r;
		fe_val v[L_N];
		r.c = &c[i];
		r.h = lj->t.heap;
		r.path = NULL;
		if (o->format == FE_CSV) {
			r.path = path_string(&r);
			if (!r.path) {
				fe_table_end(&w);
				fe_errorf("out of memory");
				return FE_EXIT_ERROR;
			}
		}
		v[L_COUNT] = fe_uint(c[i].count);
		v[L_RETAINED] = fe_uint(c[i].retained_size);
		shown++;
		v[L_NESTED] = fe_uint(c[i].nested);
		v[L_ID] = fe_call(rep_text, &r);
		v[L_NAME] = fe_str(k->name);
		location_vals(&v[L_LOCATION], k->has_location,
			      k->script_id, k->line, k->column,
			      fe_call(location_json, &r));
		v[L_REP] = fe_uint(an_heap_node_id(lj->t.heap,
						   c[i].representative));
		v[L_PATH] = r.path ? fe_cstr(r.path) : fe_absent();
		v[L_CHAIN] = fe_call(chain_json, &r);
		v[L_TEXT] = fe_call(class_path_text, &r);
		fe_table_row(&w, v);
		free(r.path);
	}
	/* the footer: what --min-count/--min-size and -n left out */
	fe_table_cut(&w, in->clusters, "cluster|clusters",
		     (n < in->clusters ? FE_CUT_COUNT | FE_CUT_SIZE : 0) |
			     (shown < n ? FE_CUT_N : 0),
		     limit, !o->top_set, 0, o);
	fe_table_end(&w);
	return FE_EXIT_OK;
}

/* BASE's or FINAL's ids; the error names the file */
static int ids_load(leak_job *lj, int k)
{
	an_error err;
	an_heap_load_opts lo = AN_HEAP_LOAD_OPTS_INIT;
	fe_progress bar;
	int rc;

	an_error_clear(&err);
	lo.pool = lj->pool;
	if (fe_progress_begin(&bar, lj->path[k])) {
		lo.progress = fe_progress_cb;
		lo.payload = &bar;
	}
	rc = an_source_open_path(&lj->src[k], lj->path[k], &err) < 0 ||
	     (lj->o->db && an_source_enable_sha256(lj->src[k]) < 0) ||
	     an_heap_ids_load(&lj->ids[k], lj->src[k], &lo, &err) < 0;
	fe_progress_end(&bar);
	if (rc)
		return fe_fail(lj->path[k], &err);
	return FE_EXIT_OK;
}

/* BASE and FINAL (ids only: every input is read before TARGET's long
 * analysis, so a bad one fails early), then TARGET, then the search */
static int leaks_load(leak_job *lj)
{
	an_heap_leaks_opts lo = AN_HEAP_LEAKS_OPTS_INIT;
	an_error err;
	int rc;

	if (an_heap_pool_new(&lj->pool) < 0) {
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	rc = ids_load(lj, 0);
	if (rc == FE_EXIT_OK && lj->path[2])
		rc = ids_load(lj, 2);
	if (rc == FE_EXIT_OK)
		rc = hjob_load(&lj->t, lj->path[1], lj->o->db != NULL,
			       lj->pool);
	if (rc)
		return rc;
	lo.min_count = lj->o->min_count;
	lo.min_size = lj->o->min_size;
	lo.max_steps = FE_DEFAULT_CHAIN_STEPS;
	an_error_clear(&err);
	if (an_heap_leaks_new(&lj->leaks, lj->ids[0], lj->t.heap, lj->ids[2],
			      &lo, &err) < 0)
		return fe_fail(NULL, &err);
	return FE_EXIT_OK;
}

static void artifact_of(an_artifact_info *a, char *sha, const char *path,
			an_source *src)
{
	an_source_sha256(src, sha);
	memset(a, 0, sizeof(*a));
	a->path = path;
	a->sha256 = sha;
	a->kind = AN_KIND_HEAPSNAPSHOT;
	a->bytes = an_source_raw_bytes(src);
}

/* --db: the artifacts (kept when already stored) and every cluster
 * kept, in the run's one transaction */
static int store_leaks_db(const leak_job *lj, const fe_opts *o)
{
	an_store *st = NULL;
	an_error err;
	an_artifact_info a[3];
	char sha[3][65];
	int64_t id[3] = {0, 0, 0};
	int rc, k, bad = 0;

	an_error_clear(&err);
	artifact_of(&a[0], sha[0], lj->path[0], lj->src[0]);
	artifact_of(&a[1], sha[1], lj->path[1], lj->t.src);
	if (lj->path[2])
		artifact_of(&a[2], sha[2], lj->path[2], lj->src[2]);
	bad = an_store_open(&st, o->db, &err) < 0;
	for (k = 0; k < 3 && !bad; k++)
		if (k < 2 || lj->path[2])
			bad = an_store_artifact_keep(&id[k], st, &a[k],
						     &err) < 0;
	if (bad ||
	    an_store_heap_leaks(st, id[0], id[1], id[2], lj->leaks,
				lj->t.heap, &err) < 0 ||
	    an_store_commit(st, &err) < 0)
		rc = fe_fail(o->db, &err);
	else
		rc = FE_EXIT_OK;
	an_store_close(st);
	return rc;
}

static void leaks_free(leak_job *lj)
{
	int k;

	an_heap_leaks_free(lj->leaks);
	for (k = 0; k < 3; k++) {
		an_heap_ids_free(lj->ids[k]);
		an_source_free(lj->src[k]);
	}
	hjob_free(&lj->t);
	an_heap_pool_free(lj->pool); /* after the heap that uses it */
}

int run_leaks(const fe_opts *o, const char *cmdname)
{
	leak_job lj;
	fe_out out;
	int rc, k, stdin_args = 0;

	for (k = 0; k < o->nargs; k++)
		stdin_args += !strcmp(o->args[k], "-");
	if (o->nargs < 2 || o->nargs > 3)
		return fe_usage_error(cmdname, "%s needs BASE, TARGET and "
				      "optionally FINAL", cmdname);
	if (stdin_args > 1)
		return fe_usage_error(cmdname, "only one of BASE, TARGET and "
				      "FINAL can be '-'");
	memset(&lj, 0, sizeof(lj));
	lj.o = o;
	lj.path[0] = o->args[0];
	lj.path[1] = o->args[1];
	lj.path[2] = o->nargs > 2 ? o->args[2] : NULL;
	rc = leaks_load(&lj);
	if (rc == FE_EXIT_OK) {
		rc = fe_out_open(&out, o->out);
		if (rc == FE_EXIT_OK) {
			rc = do_leaks(out.f, &lj, o);
			if (rc == FE_EXIT_OK && o->db)
				rc = store_leaks_db(&lj, o);
			rc = fe_out_finish(&out, rc);
		}
	}
	leaks_free(&lj);
	return rc;
}

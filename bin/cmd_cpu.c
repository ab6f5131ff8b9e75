/*
 * cmd_cpu.c - `profkit cpu top|tree|lines|callers|callees|folded` and the
 * dispatch of `cpu flame` (cmd_cpu_flame.c) and `cpu diff`
 * (cmd_cpu_diff.c): parse options, load and analyse through libanalyze,
 * print text/JSON/CSV.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_cpu.h"
#include "fe/fe.h"

static const char help_cpu[] =
	"Usage: profkit cpu COMMAND [OPTIONS] FILE\n"
	"CPU profile (.cpuprofile or Chrome trace JSON) reports:\n"
	"  top       functions by self time\n"
	"  tree      top-down call tree\n"
	"  lines     hot source lines\n"
	"  callers   who calls the functions matching a pattern\n"
	"  callees   what the functions matching a pattern call\n"
	"  folded    folded stacks for flame graph tools\n"
	"  flame     flame graph picture (SVG, PNG, PDF)\n"
	"  diff      per-function changes between two profiles\n"
	"Run 'profkit cpu COMMAND --help' for the options of each.\n"
	"\n"
	"Examples:\n"
	"  profkit cpu top app.cpuprofile -n 20\n"
	"  profkit cpu callers app.cpuprofile '^JSON.parse$'\n"
	"  profkit cpu diff v1.cpuprofile v2.cpuprofile -n 10\n"
	"\n"
	"Docs: man profkit; docs/cli.md; every option: docs/options.md\n";

void job_free(job *j)
{
	an_cpu_free(j->cpu);
	an_profile_free(j->prof);
	an_source_free(j->src);
}

/* Loads and analyses `path` into j (a progress bar when `bar` allows);
 * on failure err says why and nothing is printed. */
int job_run(job *j, const char *path, const fe_opts *o, int bar_ok,
	    an_error *err)
{
	an_profile_load_opts lo = AN_PROFILE_LOAD_OPTS_INIT;
	fe_progress bar;
	int rc;

	memset(j, 0, sizeof(*j));
	j->path = path;
	an_error_clear(err);
	memset(&bar, 0, sizeof(bar));
	if (bar_ok && fe_progress_begin(&bar, path)) {
		lo.progress = fe_progress_cb;
		lo.payload = &bar;
	}
	lo.pick = o->pick;
	lo.pick_pid = o->pick_pid;
	lo.pick_tid = o->pick_tid;
	rc = an_source_open_path(&j->src, path, err) < 0 ||
	     (o->db && an_source_enable_sha256(j->src) < 0) ||
	     an_profile_load(&j->prof, j->src, &lo, err) < 0;
	if (bar_ok)
		fe_progress_end(&bar);
	if (rc || an_cpu_analyze(&j->cpu, j->prof, &o->cpu, err) < 0)
		return err->code < 0 ? err->code : AN_EIO;
	return AN_OK;
}

/* Why a report of this profile will be empty: no samples at all, or
 * none in the --from/--to window (a note; the report still runs). */
void empty_window(const char *path, const fe_opts *o)
{
	const an_cpu_opts *c = &o->cpu;
	char from[48] = "", to[48] = "";

	if (c->from_us == AN_CPU_UNBOUNDED && c->to_us == AN_CPU_UNBOUNDED) {
		fe_errorf("%s: the profile has no samples: every time is 0",
			  path);
		return;
	}
	if (c->from_us != AN_CPU_UNBOUNDED)
		snprintf(from, sizeof(from), " --from %g",
			 (double)c->from_us / 1000);
	if (c->to_us != AN_CPU_UNBOUNDED)
		snprintf(to, sizeof(to), " --to %g", (double)c->to_us / 1000);
	fe_errorf("%s: no samples in the window%s%s (ms after the "
		  "profile's start): every time is 0", path, from, to);
}

static int job_load(job *j, const char *path, const fe_opts *o)
{
	an_error err;

	if (job_run(j, path, o, 1, &err) < 0)
		return fe_fail(path, &err);
	fe_profile_warnings(path, j->prof);
	/* a heap profile has no sample timeline: its weights are bytes */
	if (job_bytes(j)) {
		if (an_cpu_total_us(j->cpu) == 0)
			fe_errorf("%s: the heap profile has no samples: every "
				  "size is 0", path);
	} else if (an_cpu_sample_count(j->cpu) == 0) {
		empty_window(path, o);
	}
	return FE_EXIT_OK;
}

const char *weights_name(an_weights w)
{
	return w == AN_WEIGHTS_BYTES ? "bytes" :
	       w == AN_WEIGHTS_HITS  ? "hits" :
				       "time";
}

int job_bytes(const job *j)
{
	return an_cpu_weights(j->cpu) == AN_WEIGHTS_BYTES;
}

/* A weight cell: bytes as integers (a heap profile), else µs. */
static fe_val wval(const job *j, double x)
{
	return job_bytes(j) ? fe_uint((uint64_t)x) : fe_dbl(x);
}

static int store_db(const job *j, const fe_opts *o)
{
	an_store *st = NULL;
	an_error err;
	an_artifact_info info;
	char sha[65], *meta = NULL, *abs = NULL;
	char key[AN_STORE_PROFILE_KEY_SIZE];
	int64_t id;
	int rc;

	an_error_clear(&err);
	if (an_store_cpu_meta(&meta, j->cpu, &o->cpu,
			      an_source_is_gzip(j->src), &err) < 0)
		return fe_fail(NULL, &err);
	an_source_sha256(j->src, sha);
	memset(&info, 0, sizeof(info));
	abs = fe_abs_path(j->path);
	info.path = abs ? abs : j->path;
	info.given_path = j->path;
	info.sha256 = sha;
	info.kind = an_profile_kind(j->prof);
	info.bytes = an_source_raw_bytes(j->src);
	info.meta_json = meta;
	info.profile = an_store_profile_key(key, j->prof);
	if (an_store_open(&st, o->db, &err) < 0)
		rc = fe_fail(o->db, &err);
	else
		rc = fe_db_artifact(&id, st, &info, o);
	if (rc == FE_EXIT_OK && (an_store_cpu(st, id, j->cpu, &err) < 0 ||
				 an_store_commit(st, &err) < 0))
		rc = fe_fail(o->db, &err);
	an_store_close(st);
	an_store_meta_free(meta);
	free(abs);
	return rc;
}

double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

static void frame_location(FILE *f, const an_function *fn)
{
	if (!fn->url.len)
		return;
	fputs("  ", f);
	fe_text(f, fn->url.ptr, fn->url.len);
	if (fn->line >= 0)
		fprintf(f, ":%ld:%ld", (long)fn->line + 1,
			(long)fn->column + 1);
}

static void frame_name(FILE *f, const an_function *fn)
{
	if (fn->name.len)
		fe_text_max(f, fn->name.ptr, fn->name.len,
			    FE_TEXT_FUNCTION_MAX);
	else
		fputs("(anonymous)", f);
}

/* text: "name  url:line:col" */
void frame_text(FILE *f, const void *ctx)
{
	const an_function *fn = ctx;

	frame_name(f, fn);
	frame_location(f, fn);
}

/* What the text intro of a report needs. */
typedef struct report_ctx {
	const job *j;
	const fe_opts *o;
	int lines;		/* cpu lines: ticks, not samples */
} report_ctx;

/* "time, from samples" / "hits, from hitCount: 374": the two counts of
 * a profile can differ (docs/semantics.md); the header says which one
 * the report weighs. Traces have no hitCount: their hits are samples. */
const char *weights_text(char *buf, size_t cap, const job *j)
{
	int trace = an_profile_kind(j->prof) == AN_KIND_TRACE;

	if (an_cpu_weights(j->cpu) == AN_WEIGHTS_HITS)
		snprintf(buf, cap, "hits, from %s: %llu",
			 trace ? "samples" : "hitCount",
			 (unsigned long long)an_profile_total_hits(j->prof));
	else
		snprintf(buf, cap, "time, from samples");
	return buf;
}

/* cpu lines of a .cpuprofile: positionTicks, which sum to hitCount */
static const char *lines_weights_text(char *buf, size_t cap, const job *j)
{
	if (an_profile_kind(j->prof) == AN_KIND_TRACE)
		return weights_text(buf, cap, j);
	snprintf(buf, cap, "%s, ticks from positionTicks: %llu hits",
		 weights_name(an_cpu_weights(j->cpu)),
		 (unsigned long long)an_profile_total_hits(j->prof));
	return buf;
}

/* text intro: "# FILE: kind, N samples, ..." unless -q */
static void summary_line(FILE *f, const void *ctx)
{
	const report_ctx *r = ctx;
	const job *j = r->j;
	char ms[32], wt[96];

	if (r->o->quiet)
		return;
	fprintf(f, "# ");
	fe_text(f, j->path, strlen(j->path));
	if (job_bytes(j)) {
		fprintf(f, ": heapprofile, %llu samples, %u nodes, total "
			"%.0f bytes (weights: bytes)\n",
			(unsigned long long)an_profile_heap_samples(j->prof,
								    NULL),
			an_profile_node_count(j->prof),
			an_cpu_total_us(j->cpu));
		return;
	}
	fe_time(ms, sizeof(ms), an_cpu_total_us(j->cpu));
	fprintf(f, ": %s, %u samples, %u nodes, total %s (weights: %s)\n",
		an_kind_name(an_profile_kind(j->prof)),
		an_cpu_sample_count(j->cpu), an_profile_node_count(j->prof), ms,
		r->lines ? lines_weights_text(wt, sizeof(wt), j) :
			   weights_text(wt, sizeof(wt), j));
}

/* The JSON head every CPU report starts with. */
static const fe_col head_cols[] = {
	{"file", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"weights", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"total_us", FE_T_US, FE_IN_JSON, NULL, 0, 0, 0},
	{"sample_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};
#define NHEAD (sizeof(head_cols) / sizeof(head_cols[0]))

/* ... and a heap profile's: sizes in bytes, its samples */
static const fe_col head_cols_b[NHEAD] = {
	{"file", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"weights", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"total_size", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"sample_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

static void begin(fe_writer *w, FILE *f, const fe_table *t,
		  const report_ctx *r)
{
	fe_val hv[NHEAD];
	const job *j = r->j;

	hv[0] = fe_cstr(j->path);
	hv[1] = fe_cstr(weights_name(an_cpu_weights(j->cpu)));
	hv[2] = wval(j, an_cpu_total_us(j->cpu));
	hv[3] = fe_uint(job_bytes(j) ? an_profile_heap_samples(j->prof, NULL) :
				       an_cpu_sample_count(j->cpu));
	if (!job_bytes(j))
		fe_report_times(an_cpu_total_us(j->cpu));
	fe_table_begin(w, f, r->o->format, t,
		       job_bytes(j) ? head_cols_b : head_cols, hv, NHEAD,
		       summary_line, r);
}

void frame_vals(fe_val *v, an_str name, an_str url, int64_t line,
		       int64_t col)
{
	v[C_NAME] = fe_str(name);
	v[C_URL] = fe_str(url);
	v[C_LINE] = fe_int(line >= 0 ? line + 1 : 0);
	v[C_COL] = fe_int(col >= 0 ? col + 1 : 0);
}

int fn_passes(const an_profile *p, uint32_t fi, const an_filter *flt)
{
	const an_function *fn = an_profile_function(p, fi);
	an_str fields[2];

	fields[0] = fn->name;
	fields[1] = fn->url;
	return an_filter_test(flt, fields, 2);
}

/* ---- top ---- */

enum { T_SELF = 4, T_TOTAL, T_SELF_PCT, T_TOTAL_PCT, T_FUNCTION, T_N };

static const fe_col top_cols[T_N] = {
	FRAME_COLS,
	[T_SELF] = {"self_us", FE_T_US, FE_IN_DATA, "self ms", 10, 1, 0},
	[T_TOTAL] = {"total_us", FE_T_US, FE_IN_DATA, "total ms", 10, 3, 0},
	[T_SELF_PCT] = {"self_percent", FE_T_PCT, FE_IN_DATA, "self%", 6, 2,
			0},
	[T_TOTAL_PCT] = {"total_percent", FE_T_PCT, FE_IN_DATA, "total%", 6,
			 4, 0},
	[T_FUNCTION] = {NULL, FE_T_CALL, 0, "function", 0, 5, 0},
};
static const fe_table top_table = {top_cols, T_N, "functions", 0};

/* a heap profile's: DevTools' "Self size" and "Total size", bytes */
static const fe_col top_cols_b[T_N] = {
	FRAME_COLS,
	[T_SELF] = {"self_size", FE_T_UINT, FE_IN_DATA, "self size", 12, 1,
		    0},
	[T_TOTAL] = {"total_size", FE_T_UINT, FE_IN_DATA, "total size", 12,
		     3, 0},
	[T_SELF_PCT] = {"self_percent", FE_T_PCT, FE_IN_DATA, "self%", 6, 2,
			0},
	[T_TOTAL_PCT] = {"total_percent", FE_T_PCT, FE_IN_DATA, "total%", 6,
			 4, 0},
	[T_FUNCTION] = {NULL, FE_T_CALL, 0, "function", 0, 5, 0},
};
static const fe_table top_table_b = {top_cols_b, T_N, "functions", 0};

static int print_top(FILE *f, const job *j, const fe_opts *o)
{
	const an_profile *p = j->prof;
	const uint32_t *order;
	uint32_t n = an_cpu_functions(j->cpu, &order), i, shown = 0;
	uint32_t matched = 0;
	double total = an_cpu_total_us(j->cpu);
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	report_ctx r = {j, o, 0};
	fe_writer w;

	begin(&w, f, job_bytes(j) ? &top_table_b : &top_table, &r);
	for (i = 0; i < n; i++) {
		uint32_t fi = order[i];
		const an_function *fn = an_profile_function(p, fi);
		double s = an_cpu_function_self_us(j->cpu, fi);
		double t = an_cpu_function_total_us(j->cpu, fi);
		fe_val v[T_N];
		if (!fn_passes(p, fi, o->filter))
			continue;
		matched++;
		/* the rest only counted, for the footer */
		if (limit != 0 && shown >= (uint32_t)limit)
			continue;
		frame_vals(v, fn->name, fn->url, fn->line, fn->column);
		v[T_SELF] = wval(j, s);
		v[T_TOTAL] = wval(j, t);
		v[T_SELF_PCT] = fe_dbl(pct(s, total));
		v[T_TOTAL_PCT] = fe_dbl(pct(t, total));
		v[T_FUNCTION] = fe_call(frame_text, fn);
		fe_table_row(&w, v);
		shown++;
	}
	fe_table_cut(&w, n, "function|functions",
		     fe_flat_cut(n, matched, shown), limit, !o->top_set, 0, o);
	fe_table_end(&w);
	if (n && !matched)
		fe_errorf("%s: no function passes %s", j->path,
			  o->patterns);
	return FE_EXIT_OK;
}

/* ---- trees ---- */

enum {
	R_SEQ, R_PARENT, R_DEPTH, R_FRAME, R_SELF = R_FRAME + 4, R_TOTAL,
	R_SELF_PCT, R_TOTAL_PCT, R_FUNCTION, R_N
};

static const fe_col tree_cols[R_N] = {
	{"seq", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"parent", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"depth", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	FRAME_COLS,
	[R_SELF] = {"self_us", FE_T_US, FE_IN_DATA, "self ms", 10, 3, 0},
	[R_TOTAL] = {"total_us", FE_T_US, FE_IN_DATA, "total ms", 10, 1, 0},
	[R_SELF_PCT] = {"self_percent", FE_T_PCT, FE_IN_DATA, NULL, 0, 0, 0},
	[R_TOTAL_PCT] = {"total_percent", FE_T_PCT, FE_IN_DATA, "total%", 6,
			 2, 0},
	[R_FUNCTION] = {NULL, FE_T_CALL, 0, "function", 0, 4, 0},
};
static const fe_table tree_table = {tree_cols, R_N, "nodes", 0};

static const fe_col tree_cols_b[R_N] = {
	{"seq", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"parent", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"depth", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	FRAME_COLS,
	[R_SELF] = {"self_size", FE_T_UINT, FE_IN_DATA, "self size", 12, 3,
		    0},
	[R_TOTAL] = {"total_size", FE_T_UINT, FE_IN_DATA, "total size", 12,
		     1, 0},
	[R_SELF_PCT] = {"self_percent", FE_T_PCT, FE_IN_DATA, NULL, 0, 0, 0},
	[R_TOTAL_PCT] = {"total_percent", FE_T_PCT, FE_IN_DATA, "total%", 6,
			 2, 0},
	[R_FUNCTION] = {NULL, FE_T_CALL, 0, "function", 0, 4, 0},
};
static const fe_table tree_table_b = {tree_cols_b, R_N, "nodes", 0};

/* A tree line's function cell: indentation, then the frame or label. */
typedef struct tree_cell {
	const an_function *fn; /* NULL: the label */
	const char *label;
	uint32_t depth;
} tree_cell;

static void tree_text(FILE *f, const void *ctx)
{
	const tree_cell *c = ctx;
	uint32_t d = c->depth;

	fprintf(f, "%*s",
		(int)(2 * (d < FE_TEXT_TREE_DEPTH ? d : FE_TEXT_TREE_DEPTH)),
		"");
	if (d >= FE_TEXT_TREE_DEPTH)
		fprintf(f, "[%u] ", d);
	if (c->fn)
		frame_text(f, c->fn);
	else
		fe_text(f, c->label, strlen(c->label));
}

/* The options that prune a tree report. */
static unsigned tree_cut(const fe_opts *o)
{
	return (o->top_set && o->top > 0 ? FE_CUT_N : 0) |
	       (o->max_depth >= 0 ? FE_CUT_DEPTH : 0) | FE_CUT_PERCENT |
	       FE_CUT_FILTER;
}

/* Prints the rows of a tree view; a root without a function is `label`. */
static void print_view(FILE *f, const an_cpu_view *v, const char *label,
		       const report_ctx *r)
{
	const an_profile *p = r->j->prof;
	double total = an_cpu_total_us(r->j->cpu);
	uint32_t i, n = an_cpu_view_count(v);
	an_str lab = {label, label ? strlen(label) : 0}, none = {"", 0};
	fe_writer w;

	begin(&w, f, job_bytes(r->j) ? &tree_table_b : &tree_table, r);
	for (i = 0; i < n; i++) {
		const an_cpu_view_row *row = an_cpu_view_get(v, i);
		fe_val val[R_N];
		tree_cell cell;
		cell.fn = row->function != AN_NONE ?
				  an_profile_function(p, row->function) :
				  NULL;
		cell.label = label;
		cell.depth = row->depth;
		val[R_SEQ] = fe_uint(i + 1);
		val[R_PARENT] = fe_uint(row->parent == AN_NONE ?
						0 :
						(uint64_t)row->parent + 1);
		val[R_DEPTH] = fe_uint(row->depth);
		if (cell.fn)
			frame_vals(val + R_FRAME, cell.fn->name,
				   cell.fn->url, cell.fn->line,
				   cell.fn->column);
		else
			frame_vals(val + R_FRAME, lab, none, -1, -1);
		val[R_SELF] = wval(r->j, row->self_us);
		val[R_TOTAL] = wval(r->j, row->total_us);
		val[R_SELF_PCT] = fe_dbl(pct(row->self_us, total));
		val[R_TOTAL_PCT] = fe_dbl(pct(row->total_us, total));
		val[R_FUNCTION] = fe_call(tree_text, &cell);
		fe_table_row(&w, val);
	}
	fe_table_cut_tree(&w, an_cpu_view_hidden(v), "node|nodes",
			  tree_cut(r->o), r->o->top, 0, r->o->max_depth,
			  r->o);
	fe_table_end(&w);
}

/* The pruning options of the tree reports. */
static an_cpu_view_opts view_opts(const fe_opts *o)
{
	an_cpu_view_opts vo = AN_CPU_VIEW_OPTS_INIT;

	if (o->max_depth >= 0 && o->max_depth < AN_CPU_VIEW_UNLIMITED)
		vo.max_depth = (uint32_t)o->max_depth;
	vo.min_percent = o->min_percent;
	vo.max_children = o->top_set && o->top > 0 && o->top < UINT32_MAX ?
				  (uint32_t)o->top :
				  0;
	return vo;
}

static int do_tree(FILE *f, const job *j, const fe_opts *o)
{
	an_cpu_view_opts vo = view_opts(o);
	an_cpu_view *v = NULL;
	report_ctx r = {j, o, 0};
	an_error err;
	int rc;

	an_error_clear(&err);
	vo.filter = o->filter;
	vo.focus = o->focus;
	rc = an_cpu_view_build(&v, j->cpu, NULL, &vo, &err);
	/* an error prints no report at all */
	if (rc == AN_ENOTFOUND) {
		fe_errorf("%s: no function matches %s", j->path,
			  o->focus_patterns);
		return FE_EXIT_ERROR;
	}
	if (rc < 0)
		return fe_fail(j->path, &err);
	print_view(f, v, "(focus)", &r);
	if (o->filter && an_cpu_view_count(v) <= 1)
		fe_errorf("%s: no function passes %s", j->path,
			  o->patterns);
	an_cpu_view_free(v);
	return FE_EXIT_OK;
}

static int do_sandwich(FILE *f, const job *j, const fe_opts *o,
		       const char *re, int callers)
{
	const an_profile *p = j->prof;
	an_cpu_view_opts vo = view_opts(o);
	an_cpu_view *v = NULL;
	report_ctx r = {j, o, 0};
	an_filter *sel = NULL;
	uint8_t *mask = NULL;
	an_cpu_tree *t = NULL;
	an_error err;
	int rc = FE_EXIT_ERROR;
	char label[200];

	an_error_clear(&err);
	if (an_filter_new(&sel, &err) < 0 ||
	    an_filter_add(sel, AN_FILTER_INCLUDE, re, &err) < 0) {
		fe_report(NULL, &err);
		an_filter_free(sel);
		return FE_EXIT_USAGE;
	}
	mask = calloc(an_profile_function_count(p) + 1, 1);
	if (!mask) {
		fe_errorf("out of memory");
		goto done;
	}
	if (an_cpu_select(mask, j->cpu, sel) == 0) {
		fe_errorf("%s: no function matches '%s'", j->path, re);
		goto done;
	}
	if ((callers ? an_cpu_callers(&t, j->cpu, mask, &err) :
		       an_cpu_callees(&t, j->cpu, mask, &err)) < 0 ||
	    an_cpu_view_build(&v, j->cpu, t, &vo, &err) < 0) {
		rc = fe_fail(j->path, &err);
		goto done;
	}
	snprintf(label, sizeof(label), "%s of /%s/",
		 callers ? "callers" : "callees", re);
	print_view(f, v, label, &r);
	rc = FE_EXIT_OK;
done:
	an_cpu_view_free(v);
	an_cpu_tree_free(t);
	free(mask);
	an_filter_free(sel);
	return rc;
}

/* ---- lines ---- */

enum {
	L_URL, L_LINE, L_TICKS, L_SELF, L_SELF_PCT, L_FUNCTION, L_TEXT, L_N
};

static const fe_col line_cols[L_N] = {
	{"url", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},
	{"line", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"ticks", FE_T_UINT, FE_IN_DATA, "ticks", 8, 1, 0},
	{"self_us", FE_T_US, FE_IN_DATA, "self ms", 10, 2, 0},
	{"self_percent", FE_T_PCT, FE_IN_DATA, "self%", 6, 3, 0},
	{"function", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},
	{NULL, FE_T_CALL, 0, "line (function)", 0, 4, 0},
};
static const fe_table line_table = {line_cols, L_N, "lines", 0};

typedef struct line_cell {
	const an_cpu_line *e;
	const an_function *fn;
} line_cell;

/* text: "url:line (function)" */
static void line_text(FILE *f, const void *ctx)
{
	const line_cell *c = ctx;

	fe_text(f, c->e->url.ptr, c->e->url.len);
	fprintf(f, ":%u (", c->e->line);
	frame_name(f, c->fn);
	fputc(')', f);
}

static int do_lines(FILE *f, const job *j, const fe_opts *o)
{
	an_cpu_lines *l = NULL;
	an_error err;
	uint32_t n, i, shown = 0, matched = 0;
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	double total = an_cpu_total_us(j->cpu);
	const an_profile *p = j->prof;
	report_ctx r = {j, o, 1};
	fe_writer w;

	an_error_clear(&err);
	if (an_cpu_hot_lines(&l, j->cpu, &err) < 0)
		return fe_fail(j->path, &err);
	n = an_cpu_lines_count(l);
	begin(&w, f, &line_table, &r);
	for (i = 0; i < n; i++) {
		const an_cpu_line *e = an_cpu_lines_get(l, i);
		const an_function *fn = an_profile_function(p, e->function);
		line_cell cell = {e, fn};
		an_str fields[2];
		fe_val v[L_N];
		fields[0] = e->url;
		fields[1] = fn->name;
		if (!an_filter_test(o->filter, fields, 2))
			continue;
		matched++;
		/* the rest only counted, for the footer */
		if (limit != 0 && shown >= (uint32_t)limit)
			continue;
		v[L_URL] = fe_str(e->url);
		v[L_LINE] = fe_uint(e->line);
		v[L_TICKS] = fe_uint(e->ticks);
		v[L_SELF] = fe_dbl(e->self_us);
		v[L_SELF_PCT] = fe_dbl(pct(e->self_us, total));
		v[L_FUNCTION] = fe_str(fn->name);
		v[L_TEXT] = fe_call(line_text, &cell);
		fe_table_row(&w, v);
		shown++;
	}
	fe_table_cut(&w, n, "line|lines", fe_flat_cut(n, matched, shown),
		     limit, !o->top_set, 0, o);
	fe_table_end(&w);
	an_cpu_lines_free(l);
	if (n == 0 && an_cpu_sample_count(j->cpu) > 0)
		fe_errorf("%s: no source positions (positionTicks) in this "
			  "profile: no hot lines to list", j->path);
	else if (n && !matched)
		fe_errorf("%s: no line passes %s", j->path, o->patterns);
	return FE_EXIT_OK;
}

/* ---- folded ---- */

/* Where the folded lines go, and how many were written. */
typedef struct fold_out {
	FILE *f;
	uint64_t lines;
} fold_out;

static int fold_line(const char *stack, size_t len, uint64_t w, void *pl)
{
	fold_out *fo = pl;

	if (w == 0)
		return 0;
	fwrite(stack, 1, len, fo->f);
	fprintf(fo->f, " %llu\n", (unsigned long long)w);
	fo->lines++;
	return ferror(fo->f) ? 1 : 0;
}

static int do_folded(FILE *f, const job *j, const fe_opts *o)
{
	fold_out fo = {f, 0};
	an_error err;

	an_error_clear(&err);
	if (an_cpu_folded(j->cpu, o->filter, fold_line, &fo, &err) < 0)
		/* canceled: the output went away, said nothing more */
		return err.code == AN_ECANCELED ? fe_exit_code(err.code) :
						  fe_fail(j->path, &err);
	/* the format has no room for a footer: only an empty result is
	 * said (no samples is said when loading) */
	if (!fo.lines && o->filter && an_cpu_sample_count(j->cpu) > 0)
		fe_errorf("%s: no stack passes %s", j->path, o->patterns);
	return FE_EXIT_OK;
}

/* ---- dispatch ---- */


/* options, help texts and examples: fe/fe_cmdtab.c */
static const fe_subcmd subcmds[] = {
	{"top", NULL, 0, 1, 1},
	{"tree", NULL, 0, 1, 1},
	{"lines", NULL, 0, 1, 1},
	{"callers", NULL, 0, 2, 2},
	{"callees", NULL, 0, 2, 2},
	{"folded", NULL, 0, 1, 1},
	{"flame", NULL, 0, 1, 1},
	{"diff", NULL, 0, 2, 2},
};

int cmd_cpu(int argc, char **argv)
{
	const fe_subcmd *sc;
	char cmdname[32];
	fe_opts o;
	fe_out out;
	job j;
	int rc, with_re;

	rc = fe_parse_group(&o, &sc, cmdname, sizeof(cmdname), argc, argv,
			    "cpu", help_cpu, subcmds,
			    sizeof(subcmds) / sizeof(subcmds[0]));
	if (!sc)
		return rc;
	if (o.sort && strcmp(o.sort, "name") && strcmp(o.sort, "weight")) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "--sort must be name or weight, "
				      "not '%s'", o.sort);
	}
	if (!strcmp(sc->name, "diff")) {
		if (o.nargs != 2)
			rc = fe_usage_error(cmdname, "%s needs BASE and "
					    "TARGET", cmdname);
		else if (!strcmp(o.args[0], "-") && !strcmp(o.args[1], "-"))
			rc = fe_usage_error(cmdname, "standard input can be "
					    "read once: only one of BASE and "
					    "TARGET can be '-'");
		else
			rc = do_diff(&o);
		fe_opts_free(&o);
		return rc;
	}
	with_re = sc->max_args == 2;
	if (o.nargs != 1 + with_re) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "%s needs %s", cmdname,
				      with_re ? "FILE and RE" :
						    "exactly one FILE");
	}
	if (with_re) {
		an_filter *probe = NULL;
		an_error err;
		an_error_clear(&err);
		if (an_filter_new(&probe, &err) == AN_OK &&
		    an_filter_add(probe, AN_FILTER_INCLUDE, o.args[1], &err) <
			    0) {
			an_filter_free(probe);
			fe_opts_free(&o);
			return fe_usage_error(cmdname, "%s", err.message);
		}
		an_filter_free(probe);
	}
	if (o.focus && o.filter) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "--focus cannot be combined "
				      "with --filter or --exclude");
	}
	if (!strcmp(sc->name, "flame")) {
		int fmt;
		memset(&j, 0, sizeof(j));
		if (o.chart && (o.filter || o.focus)) {
			fe_opts_free(&o);
			return fe_usage_error(cmdname, "--chart cannot be "
					      "combined with --filter, "
					      "--exclude or --focus");
		}
		if (o.max_depth >= 0 || o.min_percent > 0) {
			fe_opts_free(&o);
			return fe_usage_error(cmdname, "cpu flame takes "
					      "--focus, not --max-depth or "
					      "--min-percent");
		}
		rc = fe_image_format(&fmt, &o, cmdname);
		if (rc == FE_EXIT_OK)
			rc = job_load(&j, o.args[0], &o);
		if (rc == FE_EXIT_OK) {
			rc = fe_out_open(&out, o.out);
			if (rc == FE_EXIT_OK)
				rc = fe_out_finish(&out, do_flame(&out, &j, &o,
								  fmt));
		}
		job_free(&j);
		fe_opts_free(&o);
		return rc;
	}
	rc = job_load(&j, o.args[0], &o);
	if (rc) {
		job_free(&j);
		fe_opts_free(&o);
		return rc;
	}
	rc = fe_out_open(&out, o.out);
	if (rc == FE_EXIT_OK) {
		if (!strcmp(sc->name, "top"))
			rc = print_top(out.f, &j, &o);
		else if (!strcmp(sc->name, "tree"))
			rc = do_tree(out.f, &j, &o);
		else if (!strcmp(sc->name, "lines"))
			rc = do_lines(out.f, &j, &o);
		else if (!strcmp(sc->name, "folded"))
			rc = do_folded(out.f, &j, &o);
		else
			rc = do_sandwich(out.f, &j, &o, o.args[1],
					 !strcmp(sc->name, "callers"));
		if (rc == FE_EXIT_OK && o.db)
			rc = store_db(&j, &o);
		rc = fe_out_finish(&out, rc);
	}
	job_free(&j);
	fe_opts_free(&o);
	return rc;
}

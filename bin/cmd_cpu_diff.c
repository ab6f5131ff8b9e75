/*
 * cmd_cpu_diff.c - `profkit cpu diff BASE TARGET`: both profiles loaded
 * at once, compared through libanalyze, printed as text, JSON or CSV or
 * drawn as a differential flame graph, and stored with --db.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_cpu.h"

/* One side of a diff, loaded on its own thread. */
typedef struct diff_side {
	job j;
	const char *path;
	const fe_opts *o;
	an_error err;
	int rc;
} diff_side;

static void *load_side(void *arg)
{
	diff_side *s = arg;

	s->rc = job_run(&s->j, s->path, s->o, 0, &s->err);
	return NULL;
}

/* What the diff's text intro and rows need. */
typedef struct diff_ctx {
	const diff_side *side[2];
	const an_cpu_diff_row *row;
	const fe_opts *o;
} diff_ctx;

static void diff_side_line(FILE *f, const char *label, const job *j)
{
	char ms[32];

	fe_time(ms, sizeof(ms), an_cpu_total_us(j->cpu));
	fprintf(f, "# %s ", label);
	fe_text(f, j->path, strlen(j->path));
	fprintf(f, ": %s, %u samples, total %s\n",
		an_kind_name(an_profile_kind(j->prof)),
		an_cpu_sample_count(j->cpu), ms);
}

/* text intro: one line per side, then how deltas are measured */
static void diff_intro(FILE *f, const void *ctx)
{
	const diff_ctx *d = ctx;

	if (d->o->quiet)
		return;
	diff_side_line(f, "base:  ", &d->side[0]->j);
	diff_side_line(f, "target:", &d->side[1]->j);
	fprintf(f, "# weights: %s; deltas: %s\n",
		weights_name(an_cpu_weights(d->side[0]->j.cpu)),
		!d->o->absolute ? "target - base, points of each total" :
		fe_report_seconds() ? "target - base, s" :
				      "target - base, ms");
}

static const char *diff_status(an_cpu_diff_status s)
{
	return s == AN_CPU_DIFF_NEW ? "new" :
	       s == AN_CPU_DIFF_GONE ? "gone" : "both";
}

/* text: "name  url:line:col", tagged when on one side only */
static void diff_fn_text(FILE *f, const void *ctx)
{
	const diff_ctx *d = ctx;
	const an_cpu_diff_row *r = d->row;
	const an_function *fn = r->base_fn != AN_NONE ?
		an_profile_function(d->side[0]->j.prof, r->base_fn) :
		an_profile_function(d->side[1]->j.prof, r->target_fn);

	frame_text(f, fn);
	if (r->status != AN_CPU_DIFF_BOTH)
		fprintf(f, " [%s]", diff_status(r->status));
}

static const fe_col diff_head[] = {
	{"base", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"target", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"weights", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"delta_unit", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"base_total_us", FE_T_US, FE_IN_JSON, NULL, 0, 0, 0},
	{"target_total_us", FE_T_US, FE_IN_JSON, NULL, 0, 0, 0},
	{"base_sample_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"target_sample_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};
#define NDIFFHEAD (sizeof(diff_head) / sizeof(diff_head[0]))

enum {
	D_STATUS = 4, D_BSELF, D_TSELF, D_BTOTAL, D_TTOTAL, D_BSELF_PCT,
	D_TSELF_PCT, D_BTOTAL_PCT, D_TTOTAL_PCT, D_SELF_DELTA, D_TOTAL_DELTA,
	D_RATIO, D_FUNCTION, D_N
};

/* The columns of both modes; the text shows shares (default) or times
 * (--absolute). */
#define DIFF_COLS(SELF_TEXT, PCT_TEXT, DTYPE, DW)                             \
	FRAME_COLS,                                                           \
	[D_STATUS] = {"status", FE_T_CSTR, FE_IN_DATA, NULL, 0, 0, 0},        \
	[D_BSELF] = {"base_self_us", FE_T_US, FE_IN_DATA, "base ms", 10,      \
		     SELF_TEXT, 0},                                           \
	[D_TSELF] = {"target_self_us", FE_T_US, FE_IN_DATA, "target ms", 10,  \
		     SELF_TEXT ? SELF_TEXT + 1 : 0, 0},                       \
	[D_BTOTAL] = {"base_total_us", FE_T_US, FE_IN_DATA, NULL, 0, 0, 0},   \
	[D_TTOTAL] = {"target_total_us", FE_T_US, FE_IN_DATA, NULL, 0, 0, 0}, \
	[D_BSELF_PCT] = {"base_self_percent", FE_T_PCT, FE_IN_DATA, "base%",  \
			 7, PCT_TEXT, 0},                                     \
	[D_TSELF_PCT] = {"target_self_percent", FE_T_PCT, FE_IN_DATA,         \
			 "target%", 7, PCT_TEXT ? PCT_TEXT + 1 : 0, 0},       \
	[D_BTOTAL_PCT] = {"base_total_percent", FE_T_PCT, FE_IN_DATA, NULL,   \
			  0, 0, 0},                                           \
	[D_TTOTAL_PCT] = {"target_total_percent", FE_T_PCT, FE_IN_DATA, NULL, \
			  0, 0, 0},                                           \
	[D_SELF_DELTA] = {"self_delta", DTYPE, FE_IN_DATA, "self +/-", DW, 1, \
			  0},                                                 \
	[D_TOTAL_DELTA] = {"total_delta", DTYPE, FE_IN_DATA, "total +/-", DW, \
			   4, 0},                                             \
	[D_RATIO] = {"self_ratio", FE_T_RATIO, FE_IN_DATA, "ratio", 8, 5, 0}, \
	[D_FUNCTION] = {NULL, FE_T_CALL, 0, "function", 0, 6, 0}

static const fe_col diff_cols_share[D_N] = {
	DIFF_COLS(0, 2, FE_T_DPCT, 9)
};
static const fe_col diff_cols_abs[D_N] = {
	DIFF_COLS(2, 0, FE_T_DUS, 10)
};
static const fe_table diff_share = {diff_cols_share, D_N, "functions", 0};
static const fe_table diff_abs = {diff_cols_abs, D_N, "functions", 0};

static int diff_passes(const diff_ctx *d, const an_cpu_diff_row *r)
{
	if (r->base_fn != AN_NONE)
		return fn_passes(d->side[0]->j.prof, r->base_fn,
				 d->o->filter);
	return fn_passes(d->side[1]->j.prof, r->target_fn, d->o->filter);
}

static void print_diff(FILE *f, const an_cpu_diff *df, diff_ctx *d)
{
	const job *b = &d->side[0]->j, *t = &d->side[1]->j;
	const fe_opts *o = d->o;
	double bt = an_cpu_total_us(b->cpu), tt = an_cpu_total_us(t->cpu);
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	uint32_t n = an_cpu_diff_count(df), i, shown = 0, matched = 0;
	fe_val hv[NDIFFHEAD];
	fe_writer w;

	hv[0] = fe_cstr(b->path);
	hv[1] = fe_cstr(t->path);
	hv[2] = fe_cstr(weights_name(an_cpu_weights(b->cpu)));
	hv[3] = fe_cstr(o->absolute ? "us" : "percent");
	hv[4] = fe_dbl(bt);
	hv[5] = fe_dbl(tt);
	hv[6] = fe_uint(an_cpu_sample_count(b->cpu));
	hv[7] = fe_uint(an_cpu_sample_count(t->cpu));
	fe_report_times(bt > tt ? bt : tt);
	fe_table_begin(&w, f, o->format, o->absolute ? &diff_abs : &diff_share,
		       diff_head, hv, NDIFFHEAD, diff_intro, d);
	for (i = 0; i < n; i++) {
		const an_cpu_diff_row *r = an_cpu_diff_get(df, i);
		const an_function *fn = r->base_fn != AN_NONE ?
			an_profile_function(b->prof, r->base_fn) :
			an_profile_function(t->prof, r->target_fn);
		fe_val v[D_N];
		if (!diff_passes(d, r))
			continue;
		matched++;
		/* the rest only counted, for the footer */
		if (limit != 0 && shown >= (uint32_t)limit)
			continue;
		d->row = r;
		frame_vals(v, fn->name, fn->url, fn->line, fn->column);
		v[D_STATUS] = fe_cstr(diff_status(r->status));
		v[D_BSELF] = fe_dbl(r->base_self_us);
		v[D_TSELF] = fe_dbl(r->target_self_us);
		v[D_BTOTAL] = fe_dbl(r->base_total_us);
		v[D_TTOTAL] = fe_dbl(r->target_total_us);
		v[D_BSELF_PCT] = fe_dbl(pct(r->base_self_us, bt));
		v[D_TSELF_PCT] = fe_dbl(pct(r->target_self_us, tt));
		v[D_BTOTAL_PCT] = fe_dbl(pct(r->base_total_us, bt));
		v[D_TTOTAL_PCT] = fe_dbl(pct(r->target_total_us, tt));
		v[D_SELF_DELTA] = fe_dbl(r->self_delta);
		v[D_TOTAL_DELTA] = fe_dbl(r->total_delta);
		v[D_RATIO] = r->has_ratio ? fe_dbl(r->self_ratio) : fe_null();
		v[D_FUNCTION] = fe_call(diff_fn_text, d);
		fe_table_row(&w, v);
		shown++;
	}
	fe_table_cut(&w, n, "function|functions",
		     fe_flat_cut(n, matched, shown), limit, !o->top_set, 0, o);
	fe_table_end(&w);
	if (n && !matched)
		fe_errorf("no function passes %s", o->patterns);
}

/* `cpu diff ... -o diff.svg`: the differential flame graph */
static int diff_picture(fe_out *out, const job *b, const job *t,
			const fe_opts *o, int fmt)
{
	an_flame_opts fo;
	an_flame_render_opts ro;
	an_flame_labels lab;
	flame_names *names;
	an_flame *fl = NULL;
	double *delta = NULL;
	an_error err;
	char sub[700], bn[300], tn[300];
	int rc = FE_EXIT_OK;

	an_error_clear(&err);
	fe_file_label(bn, sizeof(bn), b->path);
	fe_file_label(tn, sizeof(tn), t->path);
	snprintf(sub, sizeof(sub), "widths: %s; colours: change of self "
		 "time against %s (%s)", tn, bn,
		 o->absolute ? "in time" : "in share of each total");
	fe_flame_opts(&ro, &fo, o, fmt, an_cpu_total_us(t->cpu),
		      "CPU Differential Flame Graph", sub, 0.1, 0);
	names = flame_names_new(&lab, t->prof);
	if (!names)
		return FE_EXIT_ERROR;
	if (an_cpu_flame_diff(&fl, &delta, b->cpu, t->cpu, &fo, o->absolute,
			      &err) < 0)
		rc = fe_fail(t->path, &err);
	ro.delta = delta;
	if (rc == FE_EXIT_OK &&
	    an_flame_render(fl, &lab, &ro, fe_image_write, out->f, &err) < 0)
		rc = fe_fail(t->path, &err);
	an_flame_free(fl);
	free(delta);
	flame_names_free(names);
	return rc;
}

/* cpu diff --db: both profiles (kept when already stored) and every
 * row of the comparison */
static int store_cpu_diff(const diff_side *side, const an_cpu_diff *df,
			  const fe_opts *o)
{
	an_store *st = NULL;
	an_error err;
	an_artifact_info info[2];
	char sha[2][65], *abs[2], key[2][AN_STORE_PROFILE_KEY_SIZE];
	int64_t id[2];
	int k, rc = FE_EXIT_OK;

	an_error_clear(&err);
	memset(info, 0, sizeof(info));
	for (k = 0; k < 2; k++) {
		an_source_sha256(side[k].j.src, sha[k]);
		abs[k] = fe_abs_path(side[k].path);
		info[k].path = abs[k] ? abs[k] : side[k].path;
		info[k].given_path = side[k].path;
		info[k].sha256 = sha[k];
		info[k].kind = an_profile_kind(side[k].j.prof);
		info[k].bytes = an_source_raw_bytes(side[k].j.src);
		info[k].profile = an_store_profile_key(key[k],
						       side[k].j.prof);
	}
	if (an_store_open(&st, o->db, &err) < 0 ||
	    an_store_artifact_keep(&id[0], st, &info[0], &err) < 0 ||
	    an_store_artifact_keep(&id[1], st, &info[1], &err) < 0 ||
	    an_store_cpu_diff(st, id[0], id[1], df, side[0].j.cpu,
			      side[1].j.cpu, &err) < 0 ||
	    an_store_commit(st, &err) < 0)
		rc = fe_fail(o->db, &err);
	an_store_close(st);
	free(abs[0]);
	free(abs[1]);
	return rc;
}

/* `cpu diff BASE TARGET`: both loaded at once (BASE on a thread of its
 * own), compared, printed. */
int do_diff(const fe_opts *o)
{
	diff_side side[2];
	an_cpu_diff_opts dopts = AN_CPU_DIFF_OPTS_INIT;
	an_cpu_diff *df = NULL;
	diff_ctx d;
	pthread_t tid;
	an_error err;
	fe_out out;
	int threaded, rc = FE_EXIT_ERROR, k, fmt = FE_SVG;
	int picture = fe_wants_picture(o);

	if (picture && fe_image_format(&fmt, o, "cpu diff") != FE_EXIT_OK)
		return FE_EXIT_USAGE;
	memset(side, 0, sizeof(side));
	for (k = 0; k < 2; k++) {
		side[k].path = o->args[k];
		side[k].o = o;
	}
	threaded = pthread_create(&tid, NULL, load_side, &side[0]) == 0;
	if (!threaded)
		load_side(&side[0]);
	side[1].rc = job_run(&side[1].j, side[1].path, o, 1, &side[1].err);
	if (threaded)
		pthread_join(tid, NULL);
	for (k = 0; k < 2; k++)
		if (side[k].rc < 0)
			rc = fe_fail(side[k].path, &side[k].err);
	if (side[0].rc < 0 || side[1].rc < 0)
		goto done;
	for (k = 0; k < 2; k++)
		if (job_bytes(&side[k].j)) {
			fe_errorf("%s: cpu diff compares CPU profiles, not "
				  "heap profiles", side[k].path);
			rc = FE_EXIT_ERROR;
			goto done;
		}
	for (k = 0; k < 2; k++) {
		fe_profile_warnings(side[k].path, side[k].j.prof);
		if (an_cpu_sample_count(side[k].j.cpu) == 0)
			empty_window(side[k].path, o);
	}
	an_error_clear(&err);
	dopts.absolute = o->absolute;
	if (an_cpu_diff_build(&df, side[0].j.cpu, side[1].j.cpu, &dopts,
			      &err) < 0) {
		rc = fe_fail(NULL, &err);
		goto done;
	}
	d.side[0] = &side[0];
	d.side[1] = &side[1];
	d.row = NULL;
	d.o = o;
	rc = fe_out_open(&out, o->out);
	if (rc == FE_EXIT_OK && picture) {
		rc = diff_picture(&out, &side[0].j, &side[1].j, o, fmt);
		if (rc == FE_EXIT_OK && o->db)
			rc = store_cpu_diff(side, df, o);
		rc = fe_out_finish(&out, rc);
	} else if (rc == FE_EXIT_OK) {
		print_diff(out.f, df, &d);
		rc = o->db ? store_cpu_diff(side, df, o) : FE_EXIT_OK;
		rc = fe_out_finish(&out, rc);
	}
done:
	an_cpu_diff_free(df);
	job_free(&side[0].j);
	job_free(&side[1].j);
	return rc;
}


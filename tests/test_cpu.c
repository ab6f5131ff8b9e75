/*
 * test_cpu.c - CPU analysis: values derived by hand on a tiny profile (both
 * weighting modes, GC on the previous stack, the lone-(program) fix,
 * recursion counted once, time windows, callers/callees, folded stacks),
 * and parity with Chrome DevTools' own model on every fixture: the
 * expected files in fixtures/cpu/expected/ are the output of
 * ../shared/oracles/cpu/oracle.js (see fixtures/gen/make_expected.sh).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "fixture.h"

/* Same tree as test_profile.c. Samples (startTime 1000, every delta 10):
 * ts 1010..1080 -> nodes 6 7 2 6 3 4 5 7 (ids). Every sample lasts 10 us
 * (the last gets the mean interval (1080-1010)/7 = 10).
 * Lone (program) fix: sample 2 is (program) between 7 and 6, both with
 * bottom frame main -> becomes 7. GC (sample 4) sits on top of 6. */
static const char tiny[] =
	"{\"nodes\":["
	"{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\","
	"\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":0,"
	"\"children\":[2,3,4,5]},"
	"{\"id\":2,\"callFrame\":{\"functionName\":\"(program)\",\"scriptId\":"
	"\"0\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},"
	"\"hitCount\":1},"
	"{\"id\":3,\"callFrame\":{\"functionName\":\"(garbage collector)\","
	"\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},"
	"\"hitCount\":1},"
	"{\"id\":4,\"callFrame\":{\"functionName\":\"main\",\"scriptId\":\"9\","
	"\"url\":\"a.js\",\"lineNumber\":0,\"columnNumber\":0},\"hitCount\":1,"
	"\"children\":[6]},"
	"{\"id\":5,\"callFrame\":{\"functionName\":\"(idle)\",\"scriptId\":\"0\","
	"\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":1},"
	"{\"id\":6,\"callFrame\":{\"functionName\":\"f\",\"scriptId\":\"9\","
	"\"url\":\"a.js\",\"lineNumber\":10,\"columnNumber\":2},\"hitCount\":2,"
	"\"children\":[7],\"positionTicks\":[{\"line\":11,\"ticks\":2}]},"
	"{\"id\":7,\"callFrame\":{\"functionName\":\"f\",\"scriptId\":\"9\","
	"\"url\":\"a.js\",\"lineNumber\":10,\"columnNumber\":2},\"hitCount\":2,"
	"\"positionTicks\":[{\"line\":12,\"ticks\":1},{\"line\":11,\"ticks\":1}]}"
	"],\"startTime\":1000,\"endTime\":1090,"
	"\"samples\":[6,7,2,6,3,4,5,7],"
	"\"timeDeltas\":[10,10,10,10,10,10,10,10]}";

/* node indexes in `tiny`: artifact order */
enum { N_ROOT, N_PROGRAM, N_GC, N_MAIN, N_IDLE, N_F, N_F2 };

static an_profile *prof;
static an_cpu *cpu;

static void load_tiny(an_weights w, int64_t from, int64_t to)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_error err;

	o.weights = w;
	o.from_us = from;
	o.to_us = to;
	cr_assert_eq(fx_load_string(&prof, tiny, 0, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_cpu_analyze(&cpu, prof, &o, &err), AN_OK, "%s",
		     err.message);
}

static void fini(void)
{
	an_cpu_free(cpu);
	an_profile_free(prof);
	cpu = NULL;
	prof = NULL;
}

TestSuite(cpu, .fini = fini);

static uint32_t fn(const char *name)
{
	uint32_t f = fx_function_named(prof, name);
	cr_assert_neq(f, AN_NONE, "no function %s", name);
	return f;
}

Test(cpu, time_mode_by_hand)
{
	const uint32_t *order;
	uint32_t n;

	load_tiny(AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	cr_expect_float_eq(an_cpu_total_us(cpu), 80, 1e-9);
	cr_expect_eq(an_cpu_sample_count(cpu), 8);
	/* self: f = 20 + 30 (incl. the fixed (program) sample) */
	cr_expect_float_eq(an_cpu_node_self_us(cpu, N_F), 20, 1e-9);
	cr_expect_float_eq(an_cpu_node_self_us(cpu, N_F2), 30, 1e-9);
	cr_expect_float_eq(an_cpu_node_self_us(cpu, N_PROGRAM), 0, 1e-9);
	cr_expect_float_eq(an_cpu_node_self_us(cpu, N_GC), 10, 1e-9);
	/* totals: GC time also counts in f's and main's totals */
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_F2), 30, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_F), 60, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_MAIN), 70, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_GC), 10, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_ROOT), 80, 1e-9);
	/* per function: recursion counted once (60, not 90) */
	cr_expect_float_eq(an_cpu_function_self_us(cpu, fn("f")), 50, 1e-9);
	cr_expect_float_eq(an_cpu_function_total_us(cpu, fn("f")), 60, 1e-9);
	cr_expect_float_eq(an_cpu_function_total_us(cpu, fn("main")), 70,
			   1e-9);
	/* order: self desc, total desc, name; (program) has no time */
	n = an_cpu_functions(cpu, &order);
	cr_assert_eq(n, 4);
	cr_expect_eq(order[0], fn("f"));
	cr_expect_eq(order[1], fn("main"));
	cr_expect_eq(order[2], fn("(garbage collector)"));
	cr_expect_eq(order[3], fn("(idle)"));
}

Test(cpu, hits_mode_by_hand)
{
	/* (1090 - 1000) / 8 hits = 11.25 us per hit, from hitCount */
	load_tiny(AN_WEIGHTS_HITS, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	cr_expect_float_eq(an_cpu_hit_us(cpu), 11.25, 1e-9);
	cr_expect_float_eq(an_cpu_total_us(cpu), 90, 1e-9);
	cr_expect_float_eq(an_cpu_node_self_us(cpu, N_PROGRAM), 11.25, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_F), 45, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_MAIN), 56.25, 1e-9);
	cr_expect_float_eq(an_cpu_function_self_us(cpu, fn("f")), 45, 1e-9);
	cr_expect_float_eq(an_cpu_function_total_us(cpu, fn("f")), 45, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_ROOT), 90, 1e-9);
}

Test(cpu, time_window_by_hand)
{
	/* [25, 55) us after startTime: samples at 1030 (f2, fixed),
	 * 1040 (f), 1050 (GC on top of f) */
	load_tiny(AN_WEIGHTS_TIME, 25, 55);
	cr_expect_eq(an_cpu_sample_count(cpu), 3);
	cr_expect_float_eq(an_cpu_total_us(cpu), 30, 1e-9);
	cr_expect_float_eq(an_cpu_node_self_us(cpu, N_F2), 10, 1e-9);
	cr_expect_float_eq(an_cpu_node_total_us(cpu, N_F), 30, 1e-9);
	cr_expect_float_eq(an_cpu_function_total_us(cpu, fn("main")), 30,
			   1e-9);
}

Test(cpu, rejects_an_empty_window)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_error err;

	cr_assert_eq(fx_load_string(&prof, tiny, 0, &err), AN_OK);
	o.from_us = 50;
	o.to_us = 50;
	cr_expect_eq(an_cpu_analyze(&cpu, prof, &o, &err), AN_EINVAL);
	cr_expect_null(cpu);
}

Test(cpu, hot_lines_by_hand)
{
	an_cpu_lines *l = NULL;
	an_error err;
	const an_cpu_line *e;

	/* a.js:11 has 2 + 1 ticks, a.js:12 one; time mode weighs a tick
	 * as the sampled span (70 + 10) over 8 hits = 10 us */
	load_tiny(AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	cr_assert_eq(an_cpu_hot_lines(&l, cpu, &err), AN_OK);
	cr_assert_eq(an_cpu_lines_count(l), 2);
	e = an_cpu_lines_get(l, 0);
	cr_expect_eq(e->line, 11);
	cr_expect_eq(e->ticks, 3);
	cr_expect_float_eq(e->self_us, 30, 1e-9);
	cr_expect_eq(e->function, fn("f"));
	e = an_cpu_lines_get(l, 1);
	cr_expect_eq(e->line, 12);
	cr_expect_float_eq(e->self_us, 10, 1e-9);
	an_cpu_lines_free(l);
}

Test(cpu, hot_lines_refuse_a_window_without_sample_lines)
{
	an_cpu_lines *l = NULL;
	an_error err;

	load_tiny(AN_WEIGHTS_TIME, 0, 40);
	cr_expect_eq(an_cpu_hot_lines(&l, cpu, &err), AN_EINVAL);
	cr_expect_null(l);
}

static uint8_t *mask_for(const char *re)
{
	an_filter *f = NULL;
	an_error err;
	uint8_t *m = calloc(an_profile_function_count(prof), 1);

	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, re, &err), AN_OK);
	an_cpu_select(m, cpu, f);
	an_filter_free(f);
	return m;
}

Test(cpu, callees_by_hand)
{
	an_cpu_tree *t = NULL;
	an_error err;
	const an_cpu_tree_node *r, *c;
	uint8_t *m;

	load_tiny(AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	m = mask_for("^f$");
	cr_assert_eq(an_cpu_callees(&t, cpu, m, &err), AN_OK);
	/* outermost f (node 6): self 20, total 60; below it f again */
	r = an_cpu_tree_get(t, 0);
	cr_expect_float_eq(r->self_us, 20, 1e-9);
	cr_expect_float_eq(r->total_us, 60, 1e-9);
	cr_assert_neq(r->first_child, AN_NONE);
	c = an_cpu_tree_get(t, r->first_child);
	cr_expect_eq(c->function, fn("f"));
	cr_expect_float_eq(c->total_us, 30, 1e-9);
	cr_expect_eq(c->next_sibling, AN_NONE);
	cr_expect_eq(an_cpu_tree_count(t), 2);
	an_cpu_tree_free(t);
	free(m);
}

Test(cpu, callers_by_hand)
{
	an_cpu_tree *t = NULL;
	an_error err;
	const an_cpu_tree_node *r, *a, *b, *c;
	uint8_t *m;

	load_tiny(AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	m = mask_for("^f$");
	cr_assert_eq(an_cpu_callers(&t, cpu, m, &err), AN_OK);
	r = an_cpu_tree_get(t, 0);
	cr_expect_float_eq(r->self_us, 50, 1e-9);
	cr_expect_float_eq(r->total_us, 60, 1e-9);
	/* f <- main carries the outer f (total 60, self 20); f <- f <- main
	 * carries the inner one (self 30, total 0: already counted) */
	a = an_cpu_tree_get(t, r->first_child);
	cr_expect_eq(a->function, fn("main"));
	cr_expect_float_eq(a->total_us, 60, 1e-9);
	cr_expect_float_eq(a->self_us, 20, 1e-9);
	cr_assert_neq(a->next_sibling, AN_NONE);
	b = an_cpu_tree_get(t, a->next_sibling);
	cr_expect_eq(b->function, fn("f"));
	cr_expect_float_eq(b->self_us, 30, 1e-9);
	cr_expect_float_eq(b->total_us, 0, 1e-9);
	c = an_cpu_tree_get(t, b->first_child);
	cr_expect_eq(c->function, fn("main"));
	an_cpu_tree_free(t);
	free(m);
}

typedef struct fold_buf {
	char text[4096];
	size_t len;
	uint64_t sum;
} fold_buf;

static int collect(const char *s, size_t len, uint64_t w, void *pl)
{
	fold_buf *b = pl;
	int n = snprintf(b->text + b->len, sizeof(b->text) - b->len,
			 "%.*s %llu\n", (int)len, s, (unsigned long long)w);
	b->len += (size_t)n;
	b->sum += w;
	return 0;
}

Test(cpu, folded_by_hand)
{
	fold_buf b;
	an_error err;

	memset(&b, 0, sizeof(b));
	load_tiny(AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	cr_assert_eq(an_cpu_folded(cpu, NULL, collect, &b, &err), AN_OK);
	cr_expect_str_eq(b.text,
			 "(idle) 10\n"
			 "main a.js:1:1 10\n"
			 "main a.js:1:1;f a.js:11:3 20\n"
			 "main a.js:1:1;f a.js:11:3;(garbage collector) 10\n"
			 "main a.js:1:1;f a.js:11:3;f a.js:11:3 30\n");
	cr_expect_eq(b.sum, 80);
}

Test(cpu, folded_filters_whole_stacks)
{
	fold_buf b;
	an_error err;
	an_filter *f = NULL;

	memset(&b, 0, sizeof(b));
	load_tiny(AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED, AN_CPU_UNBOUNDED);
	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, "^main$", &err),
		     AN_OK);
	cr_assert_eq(an_filter_add(f, AN_FILTER_EXCLUDE, "garbage", &err),
		     AN_OK);
	cr_assert_eq(an_cpu_folded(cpu, f, collect, &b, &err), AN_OK);
	cr_expect_str_eq(b.text,
			 "main a.js:1:1 10\n"
			 "main a.js:1:1;f a.js:11:3 20\n"
			 "main a.js:1:1;f a.js:11:3;f a.js:11:3 30\n");
	an_filter_free(f);
}

/* ---- parity with DevTools (the oracle's files) ---- */

static yajl_val read_json(const char *rel)
{
	char errbuf[256];
	char *text = fx_slurp(fx_path(rel), NULL);
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));

	cr_assert_not_null(v, "%s: %s", rel, errbuf);
	free(text);
	return v;
}

static double num(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	cr_assert_not_null(v, "missing number %s", key);
	return YAJL_GET_DOUBLE(v);
}

static const char *str(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	cr_assert_not_null(v, "missing string %s", key);
	return YAJL_GET_STRING(v);
}

static const char *const parity_fixtures[] = {
	"async_io.cpuprofile",     "busy_wait.cpuprofile",
	"cli_cpu_prof.cpuprofile", "json_parse.cpuprofile",
	"recursion.cpuprofile",    "regex.cpuprofile",
	"synth_small.cpuprofile",  "synth_hostile.cpuprofile",
	/* busy_wait in the legacy head/timestamps format
	 * (fixtures/gen/cpuprofile_to_legacy.js) */
	"legacy_busy_wait.cpuprofile",
	"trace_busy_wait.json",    "trace_synth_small.json",
	/* the hand-made pair of test_cpudiff.c; two releases of one
	 * handler (fixtures/gen/cpu_release.js) */
	"diff_base.cpuprofile",    "diff_target.cpuprofile",
	"release_a.cpuprofile",    "release_b.cpuprofile",
};

/*
 * Every function DevTools lists is ours with the same self and total, and
 * we list no other. The oracle groups by callUID (with scriptId) and
 * rounds each entry to 1 us; we group by (name, url, line, column), so
 * sum its entries per key. The issue allows max(1 ms, 0.1 %); we hold
 * ourselves to 1 us per oracle entry.
 */
/* One CPU profile of a fixture: the default one, or thread pid:tid of a
 * trace (expected files NAME.PID-TID.MODE.json). */
typedef struct parity_case {
	const char *file;
	int pick;
	int64_t pid, tid;
} parity_case;

static void check_parity_of(const parity_case *pc, an_weights w,
			    const char *mode)
{
	char rel[256], base[128], *dot;
	const char *file = pc->file;
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_error err;
	yajl_val exp, fns;
	const char *fpath[] = {"functions", NULL};
	double *eself, *etotal;
	unsigned *ecount;
	uint32_t nf, i, listed;
	const uint32_t *order;

	snprintf(base, sizeof(base), "%s", file);
	dot = strstr(base, ".json");
	*(dot ? dot : strrchr(base, '.')) = '\0';
	if (pc->pick)
		snprintf(rel, sizeof(rel), "cpu/expected/%s.%lld-%lld.%s.json",
			 base, (long long)pc->pid, (long long)pc->tid, mode);
	else
		snprintf(rel, sizeof(rel), "cpu/expected/%s.%s.json", base,
			 mode);
	exp = read_json(rel);
	snprintf(rel, sizeof(rel), "cpu/%s", file);
	if (pc->pick)
		cr_assert_eq(fx_load_profile_pick(&prof, fx_path(rel), pc->pid,
						  pc->tid, &err),
			     AN_OK, "%s: %s", file, err.message);
	else
		cr_assert_eq(fx_load_profile(&prof, fx_path(rel), 0, &err),
			     AN_OK, "%s: %s", file, err.message);
	o.weights = w;
	cr_assert_eq(an_cpu_analyze(&cpu, prof, &o, &err), AN_OK);
	cr_expect_float_eq(an_cpu_total_us(cpu), num(exp, "total_ms") * 1000,
			   1.0, "%s %s: total", file, mode);
	nf = an_profile_function_count(prof);
	eself = calloc(nf, sizeof(double));
	etotal = calloc(nf, sizeof(double));
	ecount = calloc(nf, sizeof(unsigned));
	fns = yajl_tree_get(exp, fpath, yajl_t_array);
	cr_assert_not_null(fns);
	for (i = 0; i < YAJL_GET_ARRAY(fns)->len; i++) {
		yajl_val e = YAJL_GET_ARRAY(fns)->values[i];
		uint32_t f = fx_find_function(prof, str(e, "name"),
					      str(e, "url"),
					      (int)num(e, "line"),
					      (int)num(e, "column"));
		cr_assert_neq(f, AN_NONE, "%s %s: oracle function '%s' %s "
			      "missing", file, mode, str(e, "name"),
			      str(e, "url"));
		eself[f] += num(e, "self_ms") * 1000;
		etotal[f] += num(e, "total_ms") * 1000;
		ecount[f]++;
	}
	listed = an_cpu_functions(cpu, &order);
	for (i = 0; i < listed; i++)
		cr_expect_gt(ecount[order[i]], 0,
			     "%s %s: we list '%s' which DevTools does not",
			     file, mode,
			     an_profile_function(prof, order[i])->name.ptr);
	for (i = 0; i < nf; i++) {
		double tol = 1.0 * ecount[i] + 1e-6;
		if (!ecount[i])
			continue;
		cr_expect(fabs(an_cpu_function_self_us(cpu, i) - eself[i]) <=
				  tol,
			  "%s %s: '%s' self %.3f vs DevTools %.3f", file, mode,
			  an_profile_function(prof, i)->name.ptr,
			  an_cpu_function_self_us(cpu, i), eself[i]);
		cr_expect(fabs(an_cpu_function_total_us(cpu, i) - etotal[i]) <=
				  tol,
			  "%s %s: '%s' total %.3f vs DevTools %.3f", file,
			  mode, an_profile_function(prof, i)->name.ptr,
			  an_cpu_function_total_us(cpu, i), etotal[i]);
	}
	free(eself);
	free(etotal);
	free(ecount);
	yajl_tree_free(exp);
	an_cpu_free(cpu);
	an_profile_free(prof);
	cpu = NULL;
	prof = NULL;
}

static void check_parity(const char *file, an_weights w, const char *mode)
{
	parity_case pc = {file, 0, 0, 0};

	check_parity_of(&pc, w, mode);
}

/*
 * Real traces recorded by fixtures/gen/make_traces.sh (headless Chromium:
 * a page's main thread and its dedicated worker, plus a browser-internal
 * renderer; Node with tracing enabled at runtime: the main thread, whose
 * chunks come from the profiler thread), every profile against DevTools'
 * own SamplesHandler (fixtures/gen/make_trace_expected.sh).
 */
static const parity_case real_traces[] = {
	{"trace_chrome_worker.json.gz", 1, 21875, 21875},
	{"trace_chrome_worker.json.gz", 1, 21875, 22172},
	{"trace_chrome_worker.json.gz", 1, 21744, 21744},
	{"trace_node_worker.json", 1, 22965, 22965},
};

Test(cpu, matches_devtools_timeline_on_every_thread_of_real_traces)
{
	size_t i;

	for (i = 0; i < sizeof(real_traces) / sizeof(*real_traces); i++)
		check_parity_of(&real_traces[i], AN_WEIGHTS_TIME, "timeline");
}

Test(cpu, matches_devtools_timeline_on_every_fixture)
{
	size_t i;

	for (i = 0; i < sizeof(parity_fixtures) / sizeof(*parity_fixtures); i++)
		check_parity(parity_fixtures[i], AN_WEIGHTS_TIME, "timeline");
}

Test(cpu, matches_devtools_model_on_every_fixture)
{
	size_t i;

	for (i = 0; i < sizeof(parity_fixtures) / sizeof(*parity_fixtures); i++)
		check_parity(parity_fixtures[i], AN_WEIGHTS_HITS, "model");
}

/* Folded output as text, one line per stack. */
typedef struct fold_text {
	char *buf;
	size_t len, cap;
	uint64_t sum;
} fold_text;

static int collect_text(const char *s, size_t len, uint64_t w, void *pl)
{
	fold_text *t = pl;
	size_t need = t->len + len + 32;

	if (need > t->cap) {
		t->cap = need * 2;
		t->buf = realloc(t->buf, t->cap);
		cr_assert_not_null(t->buf);
	}
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->len += (size_t)snprintf(t->buf + t->len, 32, " %llu\n",
				   (unsigned long long)w);
	t->sum += w;
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits into sorted lines, control characters turned into spaces (the
 * oracle only replaces CR/LF; we replace every C0 control and DEL). */
static char **sorted_lines(char *text, size_t *n)
{
	size_t cap = 16, k = 0;
	char **v = malloc(cap * sizeof(*v)), *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		for (char *q = p; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				*q = ' ';
		if (k == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[k++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	qsort(v, k, sizeof(*v), cmp_lines);
	*n = k;
	return v;
}

/* Our folded stacks are DevTools' (as sorted line sets), and their
 * weights sum to the total. */
static void check_folded(const parity_case *pc)
{
	char rel[256], base[128], *dot;
	an_error err;
	fold_text got = {NULL, 0, 0, 0};
	char *want, **gl, **wl;
	size_t ng, nw, j;

	snprintf(base, sizeof(base), "%s", pc->file);
	dot = strstr(base, ".json");
	*(dot ? dot : strrchr(base, '.')) = '\0';
	if (pc->pick)
		snprintf(rel, sizeof(rel), "cpu/expected/%s.%lld-%lld.folded.txt",
			 base, (long long)pc->pid, (long long)pc->tid);
	else
		snprintf(rel, sizeof(rel), "cpu/expected/%s.folded.txt", base);
	want = fx_slurp(fx_path(rel), NULL);
	snprintf(rel, sizeof(rel), "cpu/%s", pc->file);
	if (pc->pick)
		cr_assert_eq(fx_load_profile_pick(&prof, fx_path(rel), pc->pid,
						  pc->tid, &err),
			     AN_OK);
	else
		cr_assert_eq(fx_load_profile(&prof, fx_path(rel), 0, &err),
			     AN_OK);
	cr_assert_eq(an_cpu_analyze(&cpu, prof, NULL, &err), AN_OK);
	cr_assert_eq(an_cpu_folded(cpu, NULL, collect_text, &got, &err), AN_OK);
	/* weights sum to the total (each stack rounded to 1 us) */
	cr_expect(fabs((double)got.sum - an_cpu_total_us(cpu)) <=
			  (double)got.len / 2,
		  "%s: folded sum %llu vs total %.1f", base,
		  (unsigned long long)got.sum, an_cpu_total_us(cpu));
	got.buf[got.len] = '\0';
	gl = sorted_lines(got.buf, &ng);
	wl = sorted_lines(want, &nw);
	cr_expect_eq(ng, nw, "%s: %zu stacks vs DevTools %zu", base, ng, nw);
	for (j = 0; j < ng && j < nw; j++)
		cr_expect_str_eq(gl[j], wl[j], "%s: stack %zu", base, j);
	free(gl);
	free(wl);
	free(got.buf);
	free(want);
	an_cpu_free(cpu);
	an_profile_free(prof);
	cpu = NULL;
	prof = NULL;
}

Test(cpu, folded_matches_devtools_on_every_fixture)
{
	size_t i;

	for (i = 0; i < sizeof(parity_fixtures) / sizeof(*parity_fixtures);
	     i++) {
		parity_case pc = {parity_fixtures[i], 0, 0, 0};
		check_folded(&pc);
	}
}

/* The recorded traces' threads (the browser-internal renderer's folded
 * stacks, most of a MB, are not kept: its timeline is checked above). */
Test(cpu, folded_matches_devtools_on_every_thread_of_real_traces)
{
	size_t i;

	for (i = 0; i < sizeof(real_traces) / sizeof(*real_traces); i++)
		if (real_traces[i].pid != 21744)
			check_folded(&real_traces[i]);
}

/*
 * Hot lines of the recorded traces' threads: per-sample lines, counted
 * and timed as DevTools' line-level profile does (every sample but the
 * first with a line, each weighing the time since the sample before).
 */
Test(cpu, real_trace_hot_lines_match_devtools)
{
	size_t i, j;

	for (i = 0; i < sizeof(real_traces) / sizeof(*real_traces); i++) {
		const parity_case *pc = &real_traces[i];
		char rel[256], base[128];
		an_error err;
		an_cpu_lines *l = NULL;
		yajl_val exp, lines;
		const char *lp[] = {"lines", NULL};
		uint32_t k;

		snprintf(base, sizeof(base), "%s", pc->file);
		*strstr(base, ".json") = '\0';
		snprintf(rel, sizeof(rel), "cpu/expected/%s.%lld-%lld.lines.json",
			 base, (long long)pc->pid, (long long)pc->tid);
		exp = read_json(rel);
		snprintf(rel, sizeof(rel), "cpu/%s", pc->file);
		cr_assert_eq(fx_load_profile_pick(&prof, fx_path(rel), pc->pid,
						  pc->tid, &err),
			     AN_OK);
		cr_assert_eq(an_cpu_analyze(&cpu, prof, NULL, &err), AN_OK);
		cr_assert_eq(an_cpu_hot_lines(&l, cpu, &err), AN_OK);
		lines = yajl_tree_get(exp, lp, yajl_t_array);
		cr_assert_not_null(lines);
		/* a deliberate difference (docs/semantics.md): when negative
		 * timeDeltas make samples re-sort, DevTools leaves the lines
		 * in file order, so they no longer belong to their samples;
		 * profkit keeps each line with its sample. Only the
		 * browser-internal renderer has such deltas (15). */
		if (an_profile_negative_deltas(prof)) {
			cr_expect_eq(pc->pid, 21744);
			cr_expect_eq(an_profile_negative_deltas(prof), 15);
			goto next;
		}
		/* another: Node writes per-sample lines but no columns, and
		 * DevTools counts only samples with both, so it shows no hot
		 * lines for a Node trace; profkit does (287 ticks on
		 * parseLoop's JSON.parse line) */
		if (pc->pid == 22965) {
			cr_expect_eq(YAJL_GET_ARRAY(lines)->len, 0);
			cr_assert_gt(an_cpu_lines_count(l), 0);
			cr_expect_eq(an_cpu_lines_get(l, 0)->line, 20);
			cr_expect_eq(an_cpu_lines_get(l, 0)->ticks, 287);
			goto next;
		}
		cr_expect_eq(an_cpu_lines_count(l), YAJL_GET_ARRAY(lines)->len,
			     "%s %lld:%lld: line count", base,
			     (long long)pc->pid, (long long)pc->tid);
		for (j = 0; j < YAJL_GET_ARRAY(lines)->len; j++) {
			yajl_val e = YAJL_GET_ARRAY(lines)->values[j];
			const an_cpu_line *g = NULL;
			for (k = 0; k < an_cpu_lines_count(l) && !g; k++) {
				const an_cpu_line *c = an_cpu_lines_get(l, k);
				if (c->line == (uint32_t)num(e, "line") &&
				    strcmp(c->url.ptr, str(e, "url")) == 0)
					g = c;
			}
			cr_assert_not_null(g, "%s: no line %s:%d", base,
					   str(e, "url"), (int)num(e, "line"));
			cr_expect_eq(g->ticks, (uint64_t)num(e, "ticks"),
				     "%s %s:%d ticks", base, str(e, "url"),
				     (int)num(e, "line"));
			cr_expect_float_eq(g->self_us, num(e, "ms") * 1000, 1.0,
					   "%s %s:%d time", base,
					   str(e, "url"), (int)num(e, "line"));
		}
	next:
		an_cpu_lines_free(l);
		yajl_tree_free(exp);
		an_cpu_free(cpu);
		an_profile_free(prof);
		cpu = NULL;
		prof = NULL;
	}
}

Test(cpu, hot_lines_match_devtools)
{
	/* the .cpuprofiles (the traces: real_trace_hot_lines_match_devtools
	 * and trace_lines_equal_the_source_positionticks) */
	size_t i, j;

	for (i = 0; i < 9; i++) {
		char rel[256], base[128];
		an_error err;
		an_cpu_lines *l = NULL;
		yajl_val exp, lines;
		const char *lp[] = {"lines", NULL};

		snprintf(base, sizeof(base), "%s", parity_fixtures[i]);
		*strrchr(base, '.') = '\0';
		snprintf(rel, sizeof(rel), "cpu/expected/%s.lines.json", base);
		exp = read_json(rel);
		snprintf(rel, sizeof(rel), "cpu/%s", parity_fixtures[i]);
		cr_assert_eq(fx_load_profile(&prof, fx_path(rel), 0, &err),
			     AN_OK);
		cr_assert_eq(an_cpu_analyze(&cpu, prof, NULL, &err), AN_OK);
		cr_assert_eq(an_cpu_hot_lines(&l, cpu, &err), AN_OK);
		lines = yajl_tree_get(exp, lp, yajl_t_array);
		cr_assert_not_null(lines);
		cr_expect_eq(an_cpu_lines_count(l), YAJL_GET_ARRAY(lines)->len,
			     "%s: line count", base);
		/* compared as a set: the oracle's comparator never reaches its
		 * line tiebreak and orders urls by UTF-16 units */
		for (j = 0; j < YAJL_GET_ARRAY(lines)->len; j++) {
			yajl_val e = YAJL_GET_ARRAY(lines)->values[j];
			const an_cpu_line *g = NULL;
			uint32_t k;
			for (k = 0; k < an_cpu_lines_count(l) && !g; k++) {
				const an_cpu_line *c = an_cpu_lines_get(l, k);
				if (c->line == (uint32_t)num(e, "line") &&
				    strcmp(c->url.ptr, str(e, "url")) == 0)
					g = c;
			}
			cr_assert_not_null(g, "%s: no line %s:%d", base,
					   str(e, "url"), (int)num(e, "line"));
			cr_expect_eq(g->ticks, (uint64_t)num(e, "ticks"),
				     "%s #%zu", base, j);
			cr_expect_float_eq(g->self_us, num(e, "ms") * 1000,
					   1.0, "%s #%zu", base, j);
			if (j > 0)
				cr_expect_geq(an_cpu_lines_get(l, j - 1)->ticks,
					      an_cpu_lines_get(l, j)->ticks);
		}
		an_cpu_lines_free(l);
		yajl_tree_free(exp);
		an_cpu_free(cpu);
		an_profile_free(prof);
		cpu = NULL;
		prof = NULL;
	}
}

Test(cpu, trace_lines_equal_the_source_positionticks)
{
	/* the converter spreads positionTicks into per-sample lines, so the
	 * trace's hot lines equal busy_wait's (ticks exact) */
	an_profile *a = NULL;
	an_cpu *ca = NULL;
	an_cpu_lines *la = NULL, *lb = NULL;
	an_error err;
	uint32_t j;

	cr_assert_eq(fx_load_profile(&a, fx_path("cpu/busy_wait.cpuprofile"),
				     0, &err),
		     AN_OK);
	cr_assert_eq(an_cpu_analyze(&ca, a, NULL, &err), AN_OK);
	cr_assert_eq(an_cpu_hot_lines(&la, ca, &err), AN_OK);
	cr_assert_eq(fx_load_profile(&prof, fx_path("cpu/trace_busy_wait.json"),
				     0, &err),
		     AN_OK);
	cr_assert_eq(an_cpu_analyze(&cpu, prof, NULL, &err), AN_OK);
	cr_assert_eq(an_cpu_hot_lines(&lb, cpu, &err), AN_OK);
	cr_assert_eq(an_cpu_lines_count(la), an_cpu_lines_count(lb));
	cr_assert_gt(an_cpu_lines_count(la), 0);
	for (j = 0; j < an_cpu_lines_count(la); j++) {
		cr_expect_eq(an_cpu_lines_get(la, j)->line,
			     an_cpu_lines_get(lb, j)->line);
		cr_expect_eq(an_cpu_lines_get(la, j)->ticks,
			     an_cpu_lines_get(lb, j)->ticks);
	}
	an_cpu_lines_free(la);
	an_cpu_lines_free(lb);
	an_cpu_free(ca);
	an_profile_free(a);
}

/*
 * test_cpudiff.c - an_cpu_diff_build on the hand-made pair
 * fixtures/cpu/diff_{base,target}.cpuprofile (fixtures/gen/cpu_diff_pair.js):
 * every sample lasts 100 us, so each side's self and total are counted by
 * hand from the samples (and equal the DevTools oracle's, which
 * test_cpu.c's parity test checks for both files):
 *
 *   base (500 us):   main 100/500, slow 200/200, fast 100/200,
 *                    helper@10 100/100            (self/total, us)
 *   target (800 us): main 100/800, slow 300/300, fast 100/200,
 *                    helper@12 100/100, newfn 200/200
 *
 * helper moved from line 10 to 12: two functions, one gone, one new.
 * The scriptIds differ ("10" vs "42") and must not split a function.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

typedef struct pair {
	an_profile *p[2];
	an_cpu *c[2];
	an_cpu_diff *d;
} pair;

static void load_pair(pair *x, int absolute, an_weights w)
{
	static const char *const names[2] = {"cpu/diff_base.cpuprofile",
					     "cpu/diff_target.cpuprofile"};
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	an_cpu_diff_opts dopts = AN_CPU_DIFF_OPTS_INIT;
	an_error err;
	int k;

	memset(x, 0, sizeof(*x));
	co.weights = w;
	for (k = 0; k < 2; k++) {
		cr_assert_eq(fx_load_profile(&x->p[k], fx_path(names[k]), 0,
					     &err), AN_OK, "%s", err.message);
		cr_assert_eq(an_cpu_analyze(&x->c[k], x->p[k], &co, &err),
			     AN_OK, "%s", err.message);
	}
	dopts.absolute = absolute;
	cr_assert_eq(an_cpu_diff_build(&x->d, x->c[0], x->c[1], &dopts, &err),
		     AN_OK, "%s", err.message);
}

static void free_pair(pair *x)
{
	int k;

	an_cpu_diff_free(x->d);
	for (k = 0; k < 2; k++) {
		an_cpu_free(x->c[k]);
		an_profile_free(x->p[k]);
	}
}

/* The expected row: name, 0-based line, status, the four times, the
 * two deltas, the ratio (negative: none). */
typedef struct want {
	const char *name;
	int32_t line;
	an_cpu_diff_status status;
	double bs, bt, ts, tt;
	double ds, dt, ratio;
} want;

static void check_rows(const pair *x, const want *w, uint32_t n)
{
	uint32_t i;

	cr_assert_eq(an_cpu_diff_count(x->d), n);
	for (i = 0; i < n; i++) {
		const an_cpu_diff_row *r = an_cpu_diff_get(x->d, i);
		const an_function *f = r->base_fn != AN_NONE ?
			an_profile_function(x->p[0], r->base_fn) :
			an_profile_function(x->p[1], r->target_fn);
		cr_assert_eq(f->name.len, strlen(w[i].name), "row %u", i);
		cr_assert(!memcmp(f->name.ptr, w[i].name, f->name.len),
			  "row %u: %.*s, want %s", i, (int)f->name.len,
			  f->name.ptr, w[i].name);
		cr_assert_eq(f->line, w[i].line, "row %u", i);
		cr_assert_eq(r->status, w[i].status, "row %u", i);
		cr_assert_eq(r->base_fn == AN_NONE,
			     w[i].status == AN_CPU_DIFF_NEW, "row %u", i);
		cr_assert_eq(r->target_fn == AN_NONE,
			     w[i].status == AN_CPU_DIFF_GONE, "row %u", i);
		cr_assert_float_eq(r->base_self_us, w[i].bs, 1e-9, "row %u", i);
		cr_assert_float_eq(r->base_total_us, w[i].bt, 1e-9, "row %u",
				   i);
		cr_assert_float_eq(r->target_self_us, w[i].ts, 1e-9, "row %u",
				   i);
		cr_assert_float_eq(r->target_total_us, w[i].tt, 1e-9, "row %u",
				   i);
		cr_assert_float_eq(r->self_delta, w[i].ds, 1e-9, "row %u", i);
		cr_assert_float_eq(r->total_delta, w[i].dt, 1e-9, "row %u", i);
		cr_assert_eq(r->has_ratio, w[i].ratio >= 0, "row %u", i);
		if (w[i].ratio >= 0)
			cr_assert_float_eq(r->self_ratio, w[i].ratio, 1e-9,
					   "row %u", i);
	}
}

/*
 * Shares: base 500 us, target 800 us. main self 20 % -> 12.5 %, total
 * 100 % -> 100 %; fast self 20 -> 12.5, total 40 -> 25; slow 40 -> 37.5;
 * helper@10 20 -> gone; helper@12 new 12.5; newfn new 25. By |self
 * delta|: newfn 25, helper@10 20, helper@12 12.5, then fast and main
 * (7.5 each; fast's total moved 15 points, main's 0), slow 2.5.
 */
Test(cpudiff, shares_of_each_total)
{
	const want w[] = {
		{"newfn", 20, AN_CPU_DIFF_NEW, 0, 0, 200, 200, 25, 25, -1},
		{"helper", 10, AN_CPU_DIFF_GONE, 100, 100, 0, 0, -20, -20, 0},
		{"helper", 12, AN_CPU_DIFF_NEW, 0, 0, 100, 100, 12.5, 12.5,
		 -1},
		{"fast", 9, AN_CPU_DIFF_BOTH, 100, 200, 100, 200, -7.5, -15,
		 0.625},
		{"main", 0, AN_CPU_DIFF_BOTH, 100, 500, 100, 800, -7.5, 0,
		 0.625},
		{"slow", 5, AN_CPU_DIFF_BOTH, 200, 200, 300, 300, -2.5, -2.5,
		 0.9375},
	};
	pair x;

	load_pair(&x, 0, AN_WEIGHTS_TIME);
	check_rows(&x, w, sizeof(w) / sizeof(w[0]));
	free_pair(&x);
}

/*
 * Times: newfn +200; slow, helper@10, helper@12 all 100 in self and
 * total, so by name, url, line: helper@10, helper@12, slow; main and
 * fast 0 self, main's total +300 before fast's 0.
 */
Test(cpudiff, absolute_times)
{
	const want w[] = {
		{"newfn", 20, AN_CPU_DIFF_NEW, 0, 0, 200, 200, 200, 200, -1},
		{"helper", 10, AN_CPU_DIFF_GONE, 100, 100, 0, 0, -100, -100,
		 0},
		{"helper", 12, AN_CPU_DIFF_NEW, 0, 0, 100, 100, 100, 100, -1},
		{"slow", 5, AN_CPU_DIFF_BOTH, 200, 200, 300, 300, 100, 100,
		 1.5},
		{"main", 0, AN_CPU_DIFF_BOTH, 100, 500, 100, 800, 0, 300, 1},
		{"fast", 9, AN_CPU_DIFF_BOTH, 100, 200, 100, 200, 0, 0, 1},
	};
	pair x;

	load_pair(&x, 1, AN_WEIGHTS_TIME);
	check_rows(&x, w, sizeof(w) / sizeof(w[0]));
	free_pair(&x);
}

/* A profile against itself: every function, every delta 0, ratio 1. */
Test(cpudiff, identical_profiles)
{
	an_profile *p;
	an_cpu *c;
	an_cpu_diff *d;
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	an_error err;
	const uint32_t *order;
	uint32_t i, n;

	cr_assert_eq(fx_load_profile(&p, fx_path("cpu/synth_small.cpuprofile"),
				     0, &err), AN_OK);
	cr_assert_eq(an_cpu_analyze(&c, p, &co, &err), AN_OK);
	cr_assert_eq(an_cpu_diff_build(&d, c, c, NULL, &err), AN_OK);
	n = an_cpu_functions(c, &order);
	cr_assert_eq(an_cpu_diff_count(d), n);
	cr_assert_eq(n, 97); /* the rows of `cpu top -n 0` */
	for (i = 0; i < n; i++) {
		const an_cpu_diff_row *r = an_cpu_diff_get(d, i);
		cr_assert_eq(r->status, AN_CPU_DIFF_BOTH);
		cr_assert_eq(r->base_fn, r->target_fn);
		cr_assert_eq(r->self_delta, 0);
		cr_assert_eq(r->total_delta, 0);
		if (r->base_self_us > 0)
			cr_assert_eq(r->self_ratio, 1);
	}
	cr_assert_null(an_cpu_diff_get(d, n));
	an_cpu_diff_free(d);
	an_cpu_free(c);
	an_profile_free(p);
}

Test(cpudiff, bad_options)
{
	an_cpu_diff *d = (an_cpu_diff *)1;
	an_cpu_diff_opts o = {99, 0};
	an_error err;

	cr_assert_eq(an_cpu_diff_build(&d, NULL, NULL, NULL, &err),
		     AN_EINVAL);
	cr_assert_null(d);
	d = (an_cpu_diff *)1;
	cr_assert_eq(an_cpu_diff_build(&d, NULL, NULL, &o, &err), AN_EINVAL);
	cr_assert_null(d);
	cr_assert(strstr(err.message, "version 99"), "%s", err.message);
}

/* an_store_cpu_diff: every row, in order, with the hand-derived shares;
 * storing the pair again replaces the rows. */
Test(cpudiff, stored_rows)
{
	pair x;
	an_store *st = NULL;
	an_artifact_info info;
	an_error err;
	int64_t id[2];
	sqlite3 *db;
	sqlite3_stmt *q;
	char path[] = "/tmp/profkit_cpudiff_XXXXXX", sa[65], sb[65];
	int fd = mkstemp(path), k, rows = 0;

	memset(sa, 'a', 64);
	memset(sb, 'b', 64);
	sa[64] = sb[64] = 0;
	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	load_pair(&x, 0, AN_WEIGHTS_TIME);
	for (k = 0; k < 2; k++) {
		cr_assert_eq(an_store_open(&st, path, &err), AN_OK, "%s",
			     err.message);
		memset(&info, 0, sizeof(info));
		info.path = "base";
		info.sha256 = sa;
		info.kind = AN_KIND_CPUPROFILE;
		cr_assert_eq(an_store_artifact_keep(&id[0], st, &info, &err),
			     AN_OK, "%s", err.message);
		info.path = "target";
		info.sha256 = sb;
		cr_assert_eq(an_store_artifact_keep(&id[1], st, &info, &err),
			     AN_OK);
		cr_assert_eq(an_store_cpu_diff(st, id[0], id[1], x.d, x.c[0],
					       x.c[1], &err), AN_OK, "%s",
			     err.message);
		cr_assert_eq(an_store_commit(st, &err), AN_OK);
		an_store_close(st);
	}
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT name, line, status,"
			" self_delta, delta_unit, self_ratio FROM cpu_diff"
			" ORDER BY row_index", -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		if (rows == 0) {
			cr_assert_str_eq(name, "newfn");
			cr_assert_eq(sqlite3_column_int(q, 1), 21);
			cr_assert_str_eq((const char *)sqlite3_column_text(q, 2),
					 "new");
			cr_assert_float_eq(sqlite3_column_double(q, 3), 25,
					   1e-9);
			cr_assert_eq(sqlite3_column_type(q, 5), SQLITE_NULL);
		}
		if (rows == 5) {
			cr_assert_str_eq(name, "slow");
			cr_assert_float_eq(sqlite3_column_double(q, 5), 0.9375,
					   1e-9);
		}
		cr_assert_str_eq((const char *)sqlite3_column_text(q, 4),
				 "percent");
		rows++;
	}
	cr_assert_eq(rows, 6);
	sqlite3_finalize(q);
	sqlite3_close(db);
	unlink(path);
	free_pair(&x);
}

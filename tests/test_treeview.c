/*
 * test_treeview.c - the rows of cpu/treeview.c on a five-node profile
 * whose numbers are derived by hand: eight samples 10 µs apart (the
 * last one gets the mean interval, 10 µs), so
 *
 *   (root) 80 = a 40 (self 10) > c 30 (self 30)
 *             + b 30 (self 30)
 *             + (idle) 10 (self 10)
 *
 * Children come by total descending: a, b, (idle).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"

#define FRAME(id, name, url, line, kids)                                     \
	"{\"id\":" #id ",\"callFrame\":{\"functionName\":\"" name "\","      \
	"\"scriptId\":\"1\",\"url\":\"" url "\",\"lineNumber\":" #line     \
	",\"columnNumber\":0},\"hitCount\":0" kids "}"

static const char five[] =
	"{\"nodes\":["
	FRAME(1, "(root)", "", -1, ",\"children\":[2,3,5]") ","
	FRAME(2, "a", "a.js", 1, ",\"children\":[4]") ","
	FRAME(3, "b", "b.js", 2, "") ","
	FRAME(4, "c", "a.js", 3, "") ","
	FRAME(5, "(idle)", "", -1, "")
	"],\"startTime\":0,\"endTime\":80,"
	"\"samples\":[2,4,4,3,3,3,5,4],"
	"\"timeDeltas\":[10,10,10,10,10,10,10,10]}";

static an_profile *prof;
static an_cpu *cpu;
static an_cpu_view *view;

static void setup(void)
{
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	an_error err;

	cr_assert_eq(fx_load_string(&prof, five, 0, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_cpu_analyze(&cpu, prof, &co, &err), AN_OK);
}

static void teardown(void)
{
	an_cpu_view_free(view);
	an_cpu_free(cpu);
	an_profile_free(prof);
}

TestSuite(treeview, .init = setup, .fini = teardown, .timeout = 10);

typedef struct want {
	const char *name;  /* NULL: a merged tree's root (no function) */
	uint32_t parent;
	uint32_t depth;
	double self, total;
} want;

static void expect_rows(const want *w, uint32_t n)
{
	uint32_t i;

	cr_assert_eq(an_cpu_view_count(view), n, "%u rows, want %u",
		     an_cpu_view_count(view), n);
	for (i = 0; i < n; i++) {
		const an_cpu_view_row *r = an_cpu_view_get(view, i);
		if (w[i].name) {
			const an_function *fn =
				an_profile_function(prof, r->function);
			cr_expect(fn->name.len == strlen(w[i].name) &&
					  !memcmp(fn->name.ptr, w[i].name,
						  fn->name.len),
				  "row %u: %.*s, want %s", i, (int)fn->name.len,
				  fn->name.ptr, w[i].name);
		} else {
			cr_expect_eq(r->function, AN_NONE, "row %u", i);
		}
		cr_expect_eq(r->parent, w[i].parent, "row %u: parent %u", i,
			     r->parent);
		cr_expect_eq(r->depth, w[i].depth, "row %u: depth", i);
		cr_expect_float_eq(r->self_us, w[i].self, 1e-9, "row %u: self",
				   i);
		cr_expect_float_eq(r->total_us, w[i].total, 1e-9,
				   "row %u: total", i);
	}
	cr_expect_null(an_cpu_view_get(view, n));
}

static an_filter *filter(an_filter_kind k, const char *re)
{
	an_filter *f = NULL;
	an_error err;

	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	cr_assert_eq(an_filter_add(f, k, re, &err), AN_OK);
	return f;
}

static int build(const an_cpu_view_opts *o)
{
	an_error err;

	an_error_clear(&err);
	return an_cpu_view_build(&view, cpu, NULL, o, &err);
}

Test(treeview, whole_tree_depth_first_largest_child_first)
{
	static const want w[] = {
		{"(root)", AN_NONE, 0, 0, 80}, {"a", 0, 1, 10, 40},
		{"c", 1, 2, 30, 30},           {"b", 0, 1, 30, 30},
		{"(idle)", 0, 1, 10, 10},
	};

	cr_assert_eq(build(NULL), AN_OK);
	expect_rows(w, 5);
	cr_expect_eq(an_cpu_view_hidden(view), 0, "nothing left out");
}

Test(treeview, exclude_hides_the_subtree)
{
	static const want w[] = {
		{"(root)", AN_NONE, 0, 0, 80}, {"b", 0, 1, 30, 30},
		{"(idle)", 0, 1, 10, 10},
	};
	an_cpu_view_opts o = AN_CPU_VIEW_OPTS_INIT;
	an_filter *f = filter(AN_FILTER_EXCLUDE, "^a$");

	o.filter = f;
	cr_assert_eq(build(&o), AN_OK);
	expect_rows(w, 3);
	/* a (with c below it) is the one child of a listed row left out */
	cr_expect_eq(an_cpu_view_hidden(view), 1);
	an_filter_free(f);
}

Test(treeview, include_keeps_the_paths_to_a_match)
{
	static const want w[] = {
		{"(root)", AN_NONE, 0, 0, 80}, {"a", 0, 1, 10, 40},
		{"c", 1, 2, 30, 30},
	};
	an_cpu_view_opts o = AN_CPU_VIEW_OPTS_INIT;
	an_filter *f = filter(AN_FILTER_INCLUDE, "^c$");

	o.filter = f;
	cr_assert_eq(build(&o), AN_OK);
	expect_rows(w, 3);
	/* b and (idle), children of the root, are left out */
	cr_expect_eq(an_cpu_view_hidden(view), 2);
	an_filter_free(f);
}

Test(treeview, min_percent_depth_and_children_prune)
{
	/* (idle) is 12.5 % */
	static const want pct[] = {
		{"(root)", AN_NONE, 0, 0, 80}, {"a", 0, 1, 10, 40},
		{"c", 1, 2, 30, 30},           {"b", 0, 1, 30, 30},
	};
	static const want depth[] = {
		{"(root)", AN_NONE, 0, 0, 80}, {"a", 0, 1, 10, 40},
		{"b", 0, 1, 30, 30},           {"(idle)", 0, 1, 10, 10},
	};
	static const want kids[] = {
		{"(root)", AN_NONE, 0, 0, 80}, {"a", 0, 1, 10, 40},
		{"c", 1, 2, 30, 30},
	};
	an_cpu_view_opts o = AN_CPU_VIEW_OPTS_INIT;

	o.min_percent = 12.6;
	cr_assert_eq(build(&o), AN_OK);
	expect_rows(pct, 4);
	cr_expect_eq(an_cpu_view_hidden(view), 1, "(idle)");
	an_cpu_view_free(view);
	o.min_percent = 12.5; /* not below: shown */
	cr_assert_eq(build(&o), AN_OK);
	cr_expect_eq(an_cpu_view_count(view), 5);
	an_cpu_view_free(view);
	o.min_percent = 0;
	o.max_depth = 1;
	cr_assert_eq(build(&o), AN_OK);
	expect_rows(depth, 4);
	cr_expect_eq(an_cpu_view_hidden(view), 1, "c, below the depth");
	an_cpu_view_free(view);
	o.max_depth = AN_CPU_VIEW_UNLIMITED;
	o.max_children = 1;
	cr_assert_eq(build(&o), AN_OK);
	expect_rows(kids, 3);
	cr_expect_eq(an_cpu_view_hidden(view), 2, "b and (idle)");
}

Test(treeview, focus_is_the_merged_callees)
{
	/* the root is the selection (a: total 40, self 10) */
	static const want w[] = {
		{NULL, AN_NONE, 0, 10, 40}, {"c", 0, 1, 30, 30},
	};
	an_cpu_view_opts o = AN_CPU_VIEW_OPTS_INIT;
	an_filter *f = filter(AN_FILTER_INCLUDE, "^a$");

	o.focus = f;
	cr_assert_eq(build(&o), AN_OK);
	expect_rows(w, 2);
	an_filter_free(f);
}

/* callers of c: c is called by a, which (root) calls; the root frame is
 * no caller */
Test(treeview, a_merged_tree_is_walked_as_given)
{
	static const want w[] = {
		{NULL, AN_NONE, 0, 30, 30}, {"a", 0, 1, 30, 30},
	};
	uint8_t mask[8] = {0};
	an_cpu_tree *t = NULL;
	an_error err;
	an_filter *f = filter(AN_FILTER_INCLUDE, "^c$");

	cr_assert_eq(an_cpu_select(mask, cpu, f), 1);
	cr_assert_eq(an_cpu_callers(&t, cpu, mask, &err), AN_OK);
	cr_assert_eq(an_cpu_view_build(&view, cpu, t, NULL, &err), AN_OK);
	expect_rows(w, 2);
	an_cpu_tree_free(t);
	an_filter_free(f);
}

Test(treeview, focus_without_a_match_or_with_a_filter_fails)
{
	an_cpu_view_opts o = AN_CPU_VIEW_OPTS_INIT;
	an_filter *f = filter(AN_FILTER_INCLUDE, "^nothing$");
	an_filter *g = filter(AN_FILTER_EXCLUDE, "^b$");

	o.focus = f;
	cr_expect_eq(build(&o), AN_ENOTFOUND);
	cr_expect_null(view);
	o.filter = g;
	cr_expect_eq(build(&o), AN_EINVAL);
	cr_expect_null(view);
	an_filter_free(f);
	an_filter_free(g);
}

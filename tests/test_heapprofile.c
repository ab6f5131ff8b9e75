/*
 * test_heapprofile.c - the .heapprofile loader (issue 10) and the CPU
 * analyses on it, weighted in bytes: the hand-made tiny.heapprofile
 * (every number derived by hand in fixtures/heapprofile/README.md), the
 * `node --heap-prof` capture alloc.heapprofile (counts cross-checked with
 * a plain JSON walk in Python), compressed copies, hostile shapes, and
 * storage in the cpu tables (--db).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "fixture.h"
#include "store_check.h"

static an_profile *load_file(const char *rel)
{
	an_profile *p = NULL;
	an_error err;

	an_error_clear(&err);
	cr_assert_eq(fx_load_profile(&p, fx_path(rel), 0, &err), AN_OK,
		     "%s: %s", rel, err.message);
	return p;
}

static uint32_t fn_named(const an_profile *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < an_profile_function_count(p); i++) {
		const an_function *f = an_profile_function(p, i);
		if (f->name.len == strlen(name) &&
		    memcmp(f->name.ptr, name, f->name.len) == 0)
			return i;
	}
	cr_assert_fail("no function %s", name);
	return 0;
}

Test(heapprofile, tiny_loads_with_bytes_as_hits)
{
	an_profile *p = load_file("heapprofile/tiny.heapprofile");
	uint64_t unknown = 0;
	uint32_t i;
	uint64_t want_hits[] = {0, 100, 1000, 500, 50, 200, 0, 0, 30};

	cr_expect_eq(an_profile_kind(p), AN_KIND_HEAPPROFILE);
	cr_expect_eq(an_profile_node_count(p), 9);
	/* (root), main, alloc, helper, (anonymous), leaf, (V8 API) */
	cr_expect_eq(an_profile_function_count(p), 7);
	cr_expect_eq(an_profile_heap_samples(p, &unknown), 8);
	cr_expect_eq(unknown, 1, "nodeId 99 is not in the tree");
	cr_expect_eq(an_profile_sample_count(p), 0, "no timeline");
	cr_expect_eq(an_profile_total_hits(p), 1880);
	cr_expect_eq(an_profile_start_time(p), 0);
	cr_expect_eq(an_profile_end_time(p), 1880);
	cr_expect_eq(an_profile_max_depth(p), 3);
	for (i = 0; i < 9; i++) {
		cr_expect_eq(an_profile_node_id(p, i), (int64_t)i + 1,
			     "node %u", i);
		cr_expect_eq(an_profile_node_hits(p, i), want_hits[i],
			     "node %u", i);
	}
	/* parents from the nesting: 4 under 3, 6 under 5 under 2 */
	cr_expect_eq(an_profile_node_parent(p, 3), 2);
	cr_expect_eq(an_profile_node_parent(p, 5), 4);
	cr_expect_eq(an_profile_node_parent(p, 4), 1);
	cr_expect_eq(an_profile_node_parent(p, 8), 0);
	an_profile_free(p);
}

Test(heapprofile, tiny_self_and_total_sizes)
{
	an_profile *p = load_file("heapprofile/tiny.heapprofile");
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_cpu *c = NULL;
	an_error err;
	const uint32_t *order;
	uint32_t n, alloc, mainf, helper, api;

	o.weights = AN_WEIGHTS_HITS; /* whatever is asked: bytes */
	cr_assert_eq(an_cpu_analyze(&c, p, &o, &err), AN_OK);
	cr_expect_eq(an_cpu_weights(c), AN_WEIGHTS_BYTES);
	cr_expect_float_eq(an_cpu_total_us(c), 1880, 0);
	alloc = fn_named(p, "alloc");
	mainf = fn_named(p, "main");
	helper = fn_named(p, "helper");
	api = fn_named(p, "(V8 API)");
	/* alloc: 1000 + 500 (recursive) + 200 (under helper); total only
	 * its outermost nodes: 1500 (node 3, holding 4) + 200 (node 6) */
	cr_expect_float_eq(an_cpu_function_self_us(c, alloc), 1700, 0);
	cr_expect_float_eq(an_cpu_function_total_us(c, alloc), 1700, 0);
	cr_expect_float_eq(an_cpu_function_self_us(c, mainf), 100, 0);
	cr_expect_float_eq(an_cpu_function_total_us(c, mainf), 1850, 0);
	cr_expect_float_eq(an_cpu_function_self_us(c, helper), 50, 0);
	cr_expect_float_eq(an_cpu_function_total_us(c, helper), 250, 0);
	cr_expect_float_eq(an_cpu_function_total_us(c, api), 30, 0);
	/* node totals */
	cr_expect_float_eq(an_cpu_node_total_us(c, 0), 1880, 0);
	cr_expect_float_eq(an_cpu_node_total_us(c, 1), 1850, 0);
	cr_expect_float_eq(an_cpu_node_total_us(c, 2), 1500, 0);
	cr_expect_float_eq(an_cpu_node_total_us(c, 4), 250, 0);
	cr_expect_float_eq(an_cpu_node_total_us(c, 6), 0, 0);
	/* listed by self size; the zero-size (anonymous) and leaf are not */
	n = an_cpu_functions(c, &order);
	cr_assert_eq(n, 4);
	cr_expect_eq(order[0], alloc);
	cr_expect_eq(order[1], mainf);
	cr_expect_eq(order[2], helper);
	cr_expect_eq(order[3], api);
	an_cpu_free(c);
	an_profile_free(p);
}

/* DevTools prunes empty branches from the heap profile's tree: so does
 * the tree view; a window is refused */
Test(heapprofile, tree_view_prunes_empty_branches)
{
	an_profile *p = load_file("heapprofile/tiny.heapprofile");
	an_cpu_view_opts vo = AN_CPU_VIEW_OPTS_INIT;
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_cpu_view *v = NULL;
	an_cpu *c = NULL;
	an_error err;
	uint32_t i;

	cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
	cr_assert_eq(an_cpu_view_build(&v, c, NULL, &vo, &err), AN_OK);
	/* root, main, alloc, alloc, helper, alloc, (V8 API) */
	cr_expect_eq(an_cpu_view_count(v), 7);
	for (i = 0; i < an_cpu_view_count(v); i++)
		cr_expect_gt(an_cpu_view_get(v, i)->total_us, 0, "row %u", i);
	cr_expect_float_eq(an_cpu_view_get(v, 2)->total_us, 1500, 0);
	an_cpu_view_free(v);
	an_cpu_free(c);
	o.from_us = 0;
	cr_expect_eq(an_cpu_analyze(&c, p, &o, &err), AN_EINVAL);
	cr_expect_null(c);
	an_profile_free(p);
}

Test(heapprofile, node_heap_prof_capture)
{
	an_profile *p = load_file("heapprofile/alloc.heapprofile");
	an_cpu *c = NULL;
	an_error err;
	uint64_t unknown = 0;

	/* Python: json.load, walk head: 21 nodes, selfSize sum 7437984,
	 * 430 samples of which 2 name an id not in the tree */
	cr_expect_eq(an_profile_node_count(p), 21);
	cr_expect_eq(an_profile_total_hits(p), 7437984);
	cr_expect_eq(an_profile_heap_samples(p, &unknown), 430);
	cr_expect_eq(unknown, 2);
	cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
	cr_expect_float_eq(an_cpu_function_self_us(c, fn_named(p,
							       "makeObjects")),
			   3097824, 0);
	cr_expect_float_eq(an_cpu_function_total_us(c, fn_named(p,
								"makeStrings")),
			   3230520, 0);
	an_cpu_free(c);
	an_profile_free(p);
}

/* the same profile gzipped or zstd-compressed, in every chunk size */
Test(heapprofile, chunked_and_compressed_inputs_load_the_same)
{
	size_t chunks[] = {1, 7, 4096}, i;
	an_profile *p;
	an_error err;

	for (i = 0; i < 3; i++) {
		p = NULL;
		cr_assert_eq(fx_load_profile(&p, fx_path("heapprofile/"
							 "tiny.heapprofile"),
					     chunks[i], &err),
			     AN_OK, "chunk %zu: %s", chunks[i], err.message);
		cr_expect_eq(an_profile_total_hits(p), 1880);
		an_profile_free(p);
	}
	p = load_file("heapprofile/alloc.heapprofile.zst");
	cr_expect_eq(an_profile_total_hits(p), 7437984);
	an_profile_free(p);
}

static int load_str(const char *json, an_error *err)
{
	an_profile *p = NULL;
	int rc;

	an_error_clear(err);
	rc = fx_load_string(&p, json, 0, err);
	an_profile_free(p);
	return rc;
}

#define CF "\"callFrame\":{\"functionName\":\"f\",\"url\":\"\"}"
#define ROOT(self, kids)                                                      \
	"{\"head\":{" CF ",\"selfSize\":" self ",\"id\":1,\"children\":[" kids \
	"]},\"samples\":["
#define KID(id, self)                                                         \
	"{" CF ",\"selfSize\":" self ",\"id\":" id ",\"children\":[]}"

Test(heapprofile, hostile_shapes)
{
	static const struct {
		const char *json;
		int rc;
		const char *msg;
	} cases[] = {
		{ROOT("0", KID("2", "-5")) "]}", AN_EFORMAT,
		 "selfSize -5 out of range"},
		{ROOT("0", KID("2", "1.5")) "]}", AN_EFORMAT,
		 "selfSize must be an integer, not a fractional number"},
		{ROOT("0", KID("2", "\"7\"")) "]}", AN_EFORMAT,
		 "selfSize must be an integer, not a string"},
		{ROOT("0", KID("2", "99999999999999999999")) "]}", AN_EPARSE,
		 NULL},
		{ROOT("0", KID("2", "9007199254740992") "," KID("3", "1"))
		 "]}", AN_ELIMIT, "the sizes add up to more than 2^53 bytes"},
		{ROOT("0", "2, 3") "]}", AN_EFORMAT,
		 "a child must be a node object, not an integer"},
		{ROOT("0", KID("2", "1") "," KID("2", "1")) "]}", AN_EFORMAT,
		 "duplicate node id 2"},
		{"{\"head\":{" CF ",\"selfSize\":1,\"children\":[]},"
		 "\"samples\":[]}", AN_EFORMAT, "a node without an id"},
		{"{\"head\":{" CF ",\"id\":1,\"children\":[" KID("2", "1")
		 "]},\"samples\":[]}", AN_EFORMAT, "node 1 has no selfSize"},
		{ROOT("0", KID("2", "1")) "{\"size\":-1,\"nodeId\":2,"
		 "\"ordinal\":1}]}", AN_EFORMAT, "sample size -1 out of range"},
		{ROOT("0", KID("2", "1")) "{\"size\":1,\"ordinal\":1}]}",
		 AN_EFORMAT, "a sample without nodeId"},
		{ROOT("0", KID("2", "1")) "7]}", AN_EFORMAT,
		 "a sample must be an object, not an integer"},
		{"{\"head\":[],\"selfSize\":1}", AN_EFORMAT,
		 "head must be an object, not an array"},
		{ROOT("0", KID("2", "1")) "{\"size\":1,\"nodeId\":2,"
		 "\"ordinal\":1}", AN_EPARSE, NULL},
	};
	an_error err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = load_str(cases[i].json, &err);
		cr_expect_eq(rc, cases[i].rc, "case %zu: %d (%s)", i, rc,
			     err.message);
		if (cases[i].msg)
			cr_expect_str_eq(err.message, cases[i].msg,
					 "case %zu", i);
		cr_expect_neq(err.offset, AN_NO_OFFSET, "case %zu", i);
	}
}

/* what V8 writes and DevTools accepts: samples naming nodes that are not
 * in the tree, keys in any order, a children array before the id, extra
 * members; sizes come from selfSize, never from the samples */
Test(heapprofile, tolerated_shapes)
{
	static const char json[] =
		"{\"samples\":[{\"nodeId\":77,\"size\":5,\"ordinal\":3}],"
		"\"extra\":{\"a\":[1,{\"b\":2}]},"
		"\"head\":{\"children\":[{\"children\":[],\"id\":5,"
		"\"selfSize\":40,\"callFrame\":{\"url\":\"u.js\","
		"\"functionName\":\"g\",\"lineNumber\":3,"
		"\"columnNumber\":1,\"scriptId\":12,\"x\":[]}}],"
		"\"id\":9,\"selfSize\":2," CF "}}";
	an_profile *p = NULL;
	an_error err;
	uint64_t unknown;
	const an_function *g;

	cr_assert_eq(fx_load_string(&p, json, 3, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_node_count(p), 2);
	cr_expect_eq(an_profile_total_hits(p), 42);
	cr_expect_eq(an_profile_heap_samples(p, &unknown), 1);
	cr_expect_eq(unknown, 1);
	cr_expect_eq(an_profile_node_parent(p, 1), 0);
	g = an_profile_function(p, an_profile_node_function(p, 1));
	cr_expect_eq(g->line, 3);
	cr_expect_eq(g->column, 1);
	cr_expect(g->script_id.len == 2 &&
		  memcmp(g->script_id.ptr, "12", 2) == 0);
	an_profile_free(p);
}

/* --db: a heap profile goes into the cpu tables, bytes in the *_us
 * columns (no schema change), artifact.kind 'heapprofile' and
 * meta.weights 'bytes' say so */
Test(heapprofile, stored_in_the_cpu_tables_in_bytes, .init = store_setup,
     .fini = store_teardown)
{
	size_t n;
	char *json = fx_slurp(fx_path("heapprofile/tiny.heapprofile"), &n);
	char db[512], *meta = NULL;
	fixture f;
	sqlite3 *d;
	an_error err;

	load(&f, json);
	dbpath(db, sizeof(db), "hp.db");
	store_run(db, &f, "tiny.heapprofile");
	cr_assert_eq(an_store_cpu_meta(&meta, f.c, NULL, 0, &err), AN_OK);
	cr_expect_str_eq(meta, "{\"format\": \"heapprofile\", \"gzip\": "
			 "false, \"nodes\": 9, \"functions\": 7, "
			 "\"samples\": 8, \"unknown_samples\": 1, "
			 "\"total_size\": 1880, \"weights\": \"bytes\"}");
	an_store_meta_free(meta);
	d = db_open(db);
	cr_expect_eq(q_int(d, "SELECT count(*) FROM artifact WHERE kind = "
			      "'heapprofile'"), 1);
	cr_expect_eq(q_int(d, "SELECT count(*) FROM cpu_function"), 4);
	cr_expect_eq(q_int(d, "SELECT self_us FROM cpu_function WHERE "
			      "name = 'alloc'"), 1700);
	cr_expect_eq(q_int(d, "SELECT total_us FROM cpu_function WHERE "
			      "name = 'main'"), 1850);
	cr_expect_eq(q_int(d, "SELECT sum(self_us) FROM cpu_node"), 1880);
	cr_expect_eq(q_int(d, "SELECT hit_count FROM cpu_node WHERE "
			      "node_id = 4"), 500);
	cr_expect_eq(q_int(d, "SELECT total_us FROM cpu_node WHERE "
			      "node_id = 3"), 1500);
	cr_expect_eq(q_int(d, "SELECT count(*) FROM cpu_line"), 0);
	sqlite3_close(d);
	unload(&f);
	free(json);
}

/* ---- parity with DevTools (fixtures/gen/heapprofile_oracle.js) ---- */

static yajl_val read_json(const char *rel)
{
	char errbuf[256];
	char *text = fx_slurp(fx_path(rel), NULL);
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));

	cr_assert_not_null(v, "%s: %s", rel, errbuf);
	free(text);
	return v;
}

static yajl_val member(yajl_val obj, const char *key, yajl_type t)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, t);

	cr_assert_not_null(v, "missing %s", key);
	return v;
}

/* 1 when a node of function fn has an ancestor of function fn */
static int recursive(const an_profile *p, uint32_t fn)
{
	uint32_t i, u;

	for (i = 0; i < an_profile_node_count(p); i++) {
		if (an_profile_node_function(p, i) != fn)
			continue;
		for (u = an_profile_node_parent(p, i); u != AN_NONE;
		     u = an_profile_node_parent(p, u))
			if (an_profile_node_function(p, u) == fn)
				return 1;
	}
	return 0;
}

/*
 * Every function DevTools' heap profile view lists is ours with the same
 * self size. Totals: the same, but where DevTools counts a frame twice:
 * it groups by callUID (with scriptId: two rows for one of our functions,
 * here the anonymous module wrappers of two scripts), and its bottom-up
 * tree of this version counts a recursive function's nested nodes again
 * (BottomUpProfileDataGridTree makes a new profileNodeUIDValues map per
 * tree level, so the "already counted" check never finds an ancestor):
 * there ours is the outermost-only total and smaller (docs/cli.md).
 */
Test(heapprofile, devtools_parity)
{
	static const char *const names[] = {"tiny", "alloc"};
	size_t k;

	for (k = 0; k < 2; k++) {
		char rel[128];
		an_profile *p;
		an_cpu *c = NULL;
		an_error err;
		yajl_val exp, fns;
		double *eself, *etotal;
		uint32_t *erows, nf, i;
		size_t j;

		snprintf(rel, sizeof(rel), "heapprofile/%s.heapprofile",
			 names[k]);
		p = load_file(rel);
		cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
		snprintf(rel, sizeof(rel), "heapprofile/expected/%s.json",
			 names[k]);
		exp = read_json(rel);
		cr_expect_float_eq(an_cpu_total_us(c),
				   YAJL_GET_DOUBLE(member(exp, "total",
							  yajl_t_number)),
				   0, "%s total", names[k]);
		nf = an_profile_function_count(p);
		eself = calloc(nf, sizeof(double));
		etotal = calloc(nf, sizeof(double));
		erows = calloc(nf, sizeof(uint32_t));
		cr_assert(eself && etotal && erows);
		fns = member(exp, "functions", yajl_t_array);
		for (j = 0; j < YAJL_GET_ARRAY(fns)->len; j++) {
			yajl_val f = YAJL_GET_ARRAY(fns)->values[j];
			const char *nm = YAJL_GET_STRING(member(f, "name",
							yajl_t_string));
			const char *url = YAJL_GET_STRING(member(f, "url",
							yajl_t_string));
			int line = (int)YAJL_GET_INTEGER(member(f, "line",
							yajl_t_number));
			int col = (int)YAJL_GET_INTEGER(member(f, "column",
							yajl_t_number));
			uint32_t fi = fx_find_function(p, nm, url, line, col);
			cr_assert_neq(fi, AN_NONE, "%s: %s %s:%d:%d",
				      names[k], nm, url, line, col);
			eself[fi] += YAJL_GET_DOUBLE(member(f, "self",
							yajl_t_number));
			etotal[fi] += YAJL_GET_DOUBLE(member(f, "total",
							yajl_t_number));
			erows[fi]++;
		}
		for (i = 0; i < nf; i++) {
			const an_function *f = an_profile_function(p, i);
			double t = an_cpu_function_total_us(c, i);
			if (f->kind == AN_FRAME_ROOT)
				continue;
			cr_expect_float_eq(an_cpu_function_self_us(c, i),
					   eself[i], 0, "%s: self of %.*s",
					   names[k], (int)f->name.len,
					   f->name.ptr);
			if (erows[i] == 1 && !recursive(p, i))
				cr_expect_float_eq(t, etotal[i], 0,
						   "%s: total of %.*s",
						   names[k], (int)f->name.len,
						   f->name.ptr);
			else
				cr_expect_leq(t, etotal[i], "%s: %.*s",
					      names[k], (int)f->name.len,
					      f->name.ptr);
		}
		free(eself);
		free(etotal);
		free(erows);
		yajl_tree_free(exp);
		an_cpu_free(c);
		an_profile_free(p);
	}
}

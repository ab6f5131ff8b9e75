/*
 * test_heapleaks.c - `heap leaks` (an_heap_leaks_*): on the lab fixtures
 * the clusters fixtures/gen/heap_scenarios.js is known to have leaked
 * between baseline and leak, with exact counts and retained sizes;
 * nothing of that growth survives into cleared; on the hand-made
 * leaks_{base,target,final} snapshots (fixtures/gen/leaks_pair.js) the
 * nesting rule (a candidate dominated by another counts once); options;
 * bad input.
 *
 * Where the expected numbers come from (not from profkit's leak code):
 * - counts: heap_scenarios.js grows buffers 4 -> 48, the cache 200 ->
 *   3000, listeners 10 -> 300, Session(A) 10 -> 60, Session(B) 5 -> 30
 *   between baseline and leak: 44, 2800, 290, 50, 25 new ones.
 * - retained sizes from the DevTools oracle's Summary
 *   (fixtures/heap/expected/{baseline,leak}.summary.json, class
 *   retained sizes, whose old members are the same objects in both):
 *   {id, payload} 448040 - 25640 = 422400; Buffer 3154752 - 263072 =
 *   2891680 (= 44 x 65720: Buffer 96 + ArrayBuffer 88 + its 65536 B
 *   backing store); Session(A) 14400 - 2400 = 12000; Session(B): the
 *   leak's 30 all retain 80 B (2400 / 30) while the baseline's 5 had
 *   in-object slack (720 / 5), so 25 x 80 = 2000; a listener: closure
 *   64 + its Context 40 (`profkit heap dominators leak @105763` shows
 *   Function 232 = 64 + Context 168, Context = 40 + {body, seen} 128)
 *   and {body, seen} (38448 - 1328) / 290 = 128 by the oracle: 290 x
 *   232 = 67280.
 * - the tiny snapshots: by hand (leaks_pair.js's header), and the
 *   oracle's Summary of leaks_target (Holder 296, Shared 64, Leaf 48).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"

#define LAB(w) "heap/" w ".heapsnapshot.gz"
#define TINY(w) "heap/leaks_" w ".heapsnapshot"

static an_heap *target;
static an_heap_ids *base, *final;
static an_heap_leaks *leaks;

static void fini(void)
{
	an_heap_leaks_free(leaks);
	an_heap_ids_free(base);
	an_heap_ids_free(final);
	an_heap_free(target);
}

TestSuite(heapleaks, .fini = fini, .timeout = 120);

static int ids_load(an_heap_ids **out, const char *rel, an_error *err)
{
	an_source *src = NULL;
	int rc;

	an_error_clear(err);
	rc = an_source_open_path(&src, fx_path(rel), err);
	if (rc == AN_OK)
		rc = an_heap_ids_load(out, src, NULL, err);
	an_source_free(src);
	return rc;
}

static an_heap_ids *must_ids(const char *rel)
{
	an_heap_ids *s = NULL;
	an_error err;
	int rc = ids_load(&s, rel, &err);

	cr_assert_eq(rc, AN_OK, "%s: %d %s", rel, rc, err.message);
	return s;
}

/* leaks of b -> t (-> f, may be NULL), rel paths */
static uint32_t search(const char *b, const char *t, const char *f,
		       const an_heap_leaks_opts *o,
		       const an_heap_leak_cluster **c)
{
	an_error err;
	int rc;

	base = must_ids(b);
	final = f ? must_ids(f) : NULL;
	target = must_load(t);
	rc = an_heap_leaks_new(&leaks, base, target, final, o, &err);
	cr_assert_eq(rc, AN_OK, "%d %s", rc, err.message);
	return an_heap_leaks_clusters(leaks, c);
}

static const char *cname(const an_heap_leak_cluster *c)
{
	static _Thread_local char buf[128];
	an_str s = an_heap_class_get(target, c->cls)->name;

	snprintf(buf, sizeof(buf), "%.*s", (int)s.len, s.ptr);
	return buf;
}

/* the cluster of class `name` whose path's first step is retained by
 * class `via` (NULL: any); NULL when none */
static const an_heap_leak_cluster *find(const an_heap_leak_cluster *c,
					uint32_t n, const char *name,
					const char *via)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cname(&c[i]), name) &&
		    (!via || (c[i].len &&
			      !strcmp(class_name(target, c[i].chain[0].from),
				      via))))
			return &c[i];
	return NULL;
}

static void expect(const an_heap_leak_cluster *c, uint64_t count,
		   uint64_t retained, uint64_t nested, const char *what)
{
	cr_assert_not_null(c, "no %s cluster", what);
	cr_expect_eq(c->count, count, "%s: count %llu", what,
		     (unsigned long long)c->count);
	cr_expect_eq(c->retained_size, retained, "%s: retained %llu", what,
		     (unsigned long long)c->retained_size);
	cr_expect_eq(c->nested, nested, "%s: nested %llu", what,
		     (unsigned long long)c->nested);
}

/* the path's edges and classes, "name Class" per step, ' < ' apart */
static void path_is(const an_heap_leak_cluster *c, const char *want)
{
	char buf[512];
	size_t k = 0;
	uint32_t i;

	buf[0] = 0;
	for (i = 0; i < c->len && k < sizeof(buf); i++) {
		uint32_t e = c->chain[i].edge;
		an_str nm = an_heap_edge_name(target, e);
		if (an_heap_edge_is_index(target, e))
			nm.len = 0;
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%.*s %s",
				      i ? " < " : "", (int)nm.len, nm.ptr,
				      class_name(target, c->chain[i].from));
	}
	cr_expect_str_eq(buf, want);
}

/* every cluster's objects: new, not trivial, held from a user root */
static void no_churn(const an_heap_leak_cluster *c, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t v = c[i].representative;
		an_heap_node_kind k = an_heap_node_kind_of(target, v);
		int32_t d = an_heap_node_distance(target, v);
		cr_expect(k != AN_HEAP_NODE_NATIVE &&
			  k != AN_HEAP_NODE_SYNTHETIC &&
			  k != AN_HEAP_NODE_HIDDEN && k != AN_HEAP_NODE_CODE &&
			  k != AN_HEAP_NODE_ARRAY, "cluster %u: %s", i,
			  an_heap_node_type(target, v));
		cr_expect(d >= 1 && d < AN_HEAP_SYSTEM_DISTANCE,
			  "cluster %u: distance %d", i, d);
		cr_expect(!an_heap_ids_has(base, an_heap_node_id(target, v)));
	}
}

static void lab_clusters(const char *final_rel)
{
	const an_heap_leak_cluster *c;
	uint32_t n = search(LAB("baseline"), LAB("leak"),
			    final_rel, NULL, &c);
	const an_heap_leak_cluster *cache, *lis;

	cr_assert_geq(n, 5);
	/* ranked by retained size: buffers, the Map cache, listeners */
	expect(&c[0], 44, 2891680, 44, "retained buffers");
	cr_expect_str_eq(cname(&c[0]), "Buffer");
	path_is(&c[0], " Array < retainedBuffers ReportService < "
		       "reportService global");
	cache = &c[1];
	cr_expect_str_eq(cname(cache), "{id, payload}");
	/* the payload and id strings are small: trivial, not nested */
	expect(cache, 2800, 422400, 0, "Map cache");
	cr_expect_eq(cache->len, 4);
	cr_expect_str_eq(class_name(target, cache->chain[0].from), "(array)");
	cr_expect(str_is(an_heap_edge_name(target, cache->chain[1].edge),
			 "table"));
	cr_expect_str_eq(class_name(target, cache->chain[1].from), "Map");
	cr_expect(str_is(an_heap_edge_name(target, cache->chain[2].edge),
			 "cache"));
	lis = &c[2];
	cr_expect_str_eq(cname(lis), "Function");
	/* each closure dominates its Context, {body, seen} and seen[] */
	expect(lis, 290, 67280, 3 * 290, "listeners");
	path_is(lis, " Array < report Object < _events EventEmitter < "
		     "bus ReportService < reportService global");
	expect(find(c, n, "Session", "Array") == &c[3] ? &c[3] : NULL, 50,
	       12000, 150, "Session(A)");
	expect(find(c + 4, n - 4, "Session", "Array"), 25, 2000, 25,
	       "Session(B)");
	no_churn(c, n);
	cr_expect_eq(an_heap_leaks_get_info(leaks)->gone, 0);
}

Test(heapleaks, lab_baseline_to_leak)
{
	lab_clusters(NULL);
}

/* FINAL = TARGET: everything is still there, the same clusters */
Test(heapleaks, lab_final_still_holding)
{
	lab_clusters(LAB("leak"));
}

/* cleared keeps only the first items of each scenario, all of them in
 * baseline already: none of the growth is left, and only single
 * objects (Node's stdout/stderr streams, made lazily after baseline)
 * remain */
Test(heapleaks, lab_final_cleared)
{
	const an_heap_leak_cluster *c;
	const an_heap_leaks_info *in;
	uint32_t n = search(LAB("baseline"), LAB("leak"),
			    LAB("cleared"), NULL, &c), i;

	in = an_heap_leaks_get_info(leaks);
	cr_expect_gt(in->gone, 2800 + 44 + 290);
	for (i = 0; i < n; i++) {
		cr_expect_eq(c[i].count, 1, "cluster %u (%s): %llu", i,
			     cname(&c[i]), (unsigned long long)c[i].count);
		cr_expect(strcmp(cname(&c[i]), "{id, payload}") &&
			  strcmp(cname(&c[i]), "Buffer") &&
			  strcmp(cname(&c[i]), "Session"), "%s", cname(&c[i]));
	}
	no_churn(c, n);
}


/* the hand-made pair: nesting counts once (leaks_pair.js) */
Test(heapleaks, nested_counted_once)
{
	const an_heap_leak_cluster *c;
	const an_heap_leaks_info *in;
	uint64_t naive = 0;
	uint32_t n = search(TINY("base"), TINY("target"), NULL, NULL, &c), v;

	cr_assert_eq(n, 3);
	expect(&c[0], 1, 296, 4, "Holder");
	cr_expect_str_eq(cname(&c[0]), "Holder");
	path_is(&c[0], "entries Cache < cache global");
	cr_expect_eq(an_heap_node_id(target, c[0].representative), 101);
	expect(&c[1], 1, 64, 0, "Shared");
	cr_expect_str_eq(cname(&c[1]), "Shared");
	expect(&c[2], 3, 48, 0, "Leaf");
	cr_expect_str_eq(cname(&c[2]), "Leaf");
	path_is(&c[2], " Array < list global");
	cr_expect_eq(an_heap_node_id(target, c[2].representative), 111);
	in = an_heap_leaks_get_info(leaks);
	cr_expect_eq(in->target_objects, 17);
	cr_expect_eq(in->new_objects, 12);
	cr_expect_eq(in->trivial, 3);      /* "tmp", system / Foo, native */
	cr_expect_eq(in->unreachable, 0);
	cr_expect_eq(in->candidates, 9);
	cr_expect_eq(in->nested, 4);       /* the Items and Blobs */
	cr_expect_eq(in->clusters, 3);
	/* every candidate's shallow size once: 48 + 2*24 + 2*100 + 3*16 +
	 * 64 */
	cr_expect_eq(in->retained_size, 408);
	/* what summing every candidate's retained size would say: the
	 * Holder tree 296 + 2*124 + 2*100, the rest 112 */
	for (v = 0; v < an_heap_node_count(target); v++) {
		uint64_t id = an_heap_node_id(target, v);
		if (id >= 101 && id <= 117)
			naive += an_heap_node_retained_size(target, v);
	}
	cr_expect_eq(naive, 856);
}

Test(heapleaks, tiny_final_drops_the_freed)
{
	const an_heap_leak_cluster *c;
	const an_heap_leaks_info *in;
	uint32_t n = search(TINY("base"), TINY("target"), TINY("final"), NULL,
			    &c);

	cr_assert_eq(n, 2);
	expect(&c[0], 1, 64, 0, "Shared");
	expect(&c[1], 3, 48, 0, "Leaf");
	in = an_heap_leaks_get_info(leaks);
	/* Holder, 2 Items, 2 Blobs, "tmp", system / Foo and the churned
	 * native (FINAL has another id for it) */
	cr_expect_eq(in->gone, 8);
	cr_expect_eq(in->candidates, 4);
	cr_expect_eq(in->retained_size, 112);
}

Test(heapleaks, min_count_and_size)
{
	an_heap_leaks_opts o = AN_HEAP_LEAKS_OPTS_INIT;
	const an_heap_leak_cluster *c;
	uint32_t n;

	o.min_count = 2;
	n = search(TINY("base"), TINY("target"), NULL, &o, &c);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(cname(&c[0]), "Leaf");
	cr_expect_eq(an_heap_leaks_get_info(leaks)->clusters, 3);
	an_heap_leaks_free(leaks);
	o.min_count = 0;
	o.min_size = 64;
	cr_assert_eq(an_heap_leaks_new(&leaks, base, target, NULL, &o, NULL),
		     AN_OK);
	n = an_heap_leaks_clusters(leaks, &c);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(cname(&c[1]), "Shared");
	/* strings of at least min_string_size are candidates: "tmp" (20 B)
	 * then is a cluster of its own */
	an_heap_leaks_free(leaks);
	o.min_size = 0;
	o.min_string_size = 20;
	cr_assert_eq(an_heap_leaks_new(&leaks, base, target, NULL, &o, NULL),
		     AN_OK);
	cr_expect_eq(an_heap_leaks_clusters(leaks, &c), 4);
	cr_expect_eq(an_heap_leaks_get_info(leaks)->trivial, 2);
	an_heap_leaks_free(leaks);
	leaks = NULL;
	o.version = 99;
	cr_expect_eq(an_heap_leaks_new(&leaks, base, target, NULL, &o, NULL),
		     AN_EINVAL);
	cr_expect_null(leaks);
}

Test(heapleaks, id_sets)
{
	base = must_ids(TINY("target"));
	cr_expect_eq(an_heap_ids_count(base), 17);
	cr_expect(an_heap_ids_has(base, 1));
	cr_expect(an_heap_ids_has(base, 123));
	cr_expect(!an_heap_ids_has(base, 125));
	cr_expect(!an_heap_ids_has(base, 2));
	cr_expect(!an_heap_ids_has(base, (uint64_t)1 << 40));
	final = must_ids(LAB("leak"));
	cr_expect_eq(an_heap_ids_count(final), 56204);
}

Test(heapleaks, bad_input)
{
	an_heap_ids *s = NULL;
	an_error err;

	cr_expect_eq(ids_load(&s, "cpu/busy_wait.cpuprofile", &err),
		     AN_EFORMAT);
	cr_expect_null(s);
	cr_expect(strstr(err.message, "not a heap snapshot"), "%s",
		  err.message);
	cr_expect_lt(ids_load(&s, "bad/heap/truncated.heapsnapshot.gz", &err),
		     0);
	cr_expect_null(s);
	cr_expect_lt(ids_load(&s, "bad/heap/truncated.heapsnapshot", &err), 0);
	cr_expect_null(s);
	base = must_ids(TINY("base"));
	cr_expect_eq(an_heap_leaks_new(&leaks, base, NULL, NULL, NULL, &err),
		     AN_EINVAL);
	cr_expect_null(leaks);
}

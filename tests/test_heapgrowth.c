/*
 * test_heapgrowth.c - the growth graph of `heap diff -o growth.svg`
 * (an_heap_growth_*): on the lab pair baseline -> leak its leaves are
 * exactly the clusters `heap leaks` finds for the same pair (one leaf
 * per cluster, as wide as the cluster's retained size, with its count),
 * the Map cache's 2,800 entries sit on the path the generator built, the
 * total is the leaks' retained size, elision keeps the total, and a pair
 * of identical snapshots gives an empty root.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"

static an_heap *target;
static an_heap_base *base;
static an_heap_diff *diff;
static an_heap_growth *growth;
static an_flame *fl;
static an_heap_ids *ids;
static an_heap_leaks *leaks;

static void fini(void)
{
	an_flame_free(fl);
	an_heap_growth_free(growth);
	an_heap_leaks_free(leaks);
	an_heap_ids_free(ids);
	an_heap_diff_free(diff);
	an_heap_base_free(base);
	an_heap_free(target);
}

TestSuite(heapgrowth, .fini = fini, .timeout = 120);

static void must_open(an_source **src, const char *rel)
{
	an_error err;

	an_error_clear(&err);
	cr_assert_eq(an_source_open_path(src, fx_path(rel), &err), AN_OK,
		     "%s: %s", rel, err.message);
}

/* b -> t (fixture names): diff, growth graph, layout (min_weight) */
static void grow(const char *b, const char *t, double min_weight)
{
	an_flame_opts fo = AN_FLAME_OPTS_INIT;
	an_source *src = NULL;
	an_error err;

	must_open(&src, snapshot_rel(b));
	cr_assert_eq(an_heap_base_load(&base, src, NULL, &err), AN_OK, "%s",
		     err.message);
	an_source_free(src);
	target = must_load(snapshot_rel(t));
	cr_assert_eq(an_heap_diff_new(&diff, base, target, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_heap_growth_new(&growth, diff, target, 20, &err),
		     AN_OK, "%s", err.message);
	fo.min_weight = min_weight;
	fo.order = AN_FLAME_BY_WEIGHT;
	cr_assert_eq(an_heap_growth_flame(&fl, growth, &fo, &err), AN_OK,
		     "%s", err.message);
}

static const an_heap_growth_key *key_of(uint32_t i)
{
	const an_flame_rect *r = an_flame_get(fl, i);
	const an_heap_growth_key *k = an_heap_growth_key_get(growth, r->key);

	cr_assert(k, "rectangle %u has no key", i);
	return k;
}

/* the leaf rectangle of class `cls` whose path, from the leaf down,
 * has the retainer classes want[0..n) and then the root */
static uint32_t leaf_on(const char *cls, const char *const *want,
			uint32_t n)
{
	uint32_t i, j, r;

	for (i = 0; i < an_flame_count(fl); i++) {
		const an_flame_rect *x = an_flame_get(fl, i);
		const an_heap_growth_key *k;
		if (x->key == AN_NONE)
			continue;
		k = key_of(i);
		if (k->kind != AN_HEAP_GROWTH_CLASS ||
		    !str_is(an_heap_class_get(target, k->cls)->name, cls))
			continue;
		for (j = 0, r = x->parent; j < n && r != AN_NONE;
		     j++, r = an_flame_get(fl, r)->parent) {
			const an_heap_growth_key *s = key_of(r);
			if (s->kind != AN_HEAP_GROWTH_STEP ||
			    !str_is(an_heap_class_get(target, s->cls)->name,
				    want[j]))
				break;
		}
		if (j == n && r != AN_NONE &&
		    key_of(r)->kind == AN_HEAP_GROWTH_ROOT)
			return i;
	}
	cr_assert_fail("no leaf %s on that path", cls);
	return AN_NONE;
}

/*
 * heap_scenarios.js grows the Map cache from 200 to 3000 entries {id,
 * payload} between baseline and leak: all 2,800 new ones hang off
 * global.reportService.cache's table, none inside another, so their leaf
 * is as wide as their retained sizes summed (the same sum the
 * explanation of test_heapdiff checks).
 */
Test(heapgrowth, map_cache_on_its_path)
{
	static const char *const path[] = {"(array)", "Map", "ReportService",
					   "global"};
	const an_heap_growth_info *in;
	const an_flame_rect *x;
	uint64_t sum = 0;
	uint32_t i, v;

	grow("baseline", "leak", 0);
	i = leaf_on("{id, payload}", path, 4);
	x = an_flame_get(fl, i);
	for (v = 0; v < an_heap_node_count(target); v++)
		if (an_heap_diff_is_new(diff, v) &&
		    !strcmp(class_name(target, v), "{id, payload}"))
			sum += an_heap_node_retained_size(target, v);
	cr_expect_eq(x->width, (double)sum);
	cr_expect_eq(x->self, (double)sum);
	cr_expect_eq(key_of(i)->count, 2800);
	/* heap leaks prints for the pair: 15,882 new, 11,559 trivial, 3
	 * unreachable, 4,320 candidates of which 1,100 nested; the diff
	 * (DevTools) counts only the 15,857 new objects of non-zero size,
	 * so 25 fewer of them are trivial, the same candidates */
	in = an_heap_growth_get_info(growth);
	cr_expect_eq(in->new_objects, 15857);
	cr_expect_eq(in->new_objects, an_heap_diff_get_info(diff)->new_count);
	cr_expect_eq(in->trivial, 11559 - 25);
	cr_expect_eq(in->unreachable, 3);
	cr_expect_eq(in->objects, 3220);
	cr_expect_eq(in->nested, 1100);
	cr_expect_eq(an_flame_total(fl), (double)in->retained_size);
}

/* One leaf per leak cluster of the same pair, same class, count and
 * retained size; the totals agree. */
Test(heapgrowth, leaves_are_the_leak_clusters)
{
	an_heap_leaks_opts lo = AN_HEAP_LEAKS_OPTS_INIT;
	const an_heap_leak_cluster *c;
	const an_heap_growth_info *in;
	an_source *src = NULL;
	an_error err;
	uint32_t nc, i, j, leaves = 0;
	uint8_t *used;

	grow("baseline", "leak", 0);
	must_open(&src, snapshot_rel("baseline"));
	cr_assert_eq(an_heap_ids_load(&ids, src, NULL, &err), AN_OK);
	an_source_free(src);
	lo.max_steps = 20;
	cr_assert_eq(an_heap_leaks_new(&leaks, ids, target, NULL, &lo, &err),
		     AN_OK, "%s", err.message);
	nc = an_heap_leaks_clusters(leaks, &c);
	in = an_heap_growth_get_info(growth);
	cr_expect_eq(nc, 16);
	cr_expect_eq(in->paths, nc);
	cr_expect_eq(in->retained_size,
		     an_heap_leaks_get_info(leaks)->retained_size);
	used = calloc(nc, 1);
	cr_assert(used);
	for (i = 0; i < an_flame_count(fl); i++) {
		const an_flame_rect *x = an_flame_get(fl, i);
		const an_heap_growth_key *k;
		if (x->key == AN_NONE || key_of(i)->kind !=
					      AN_HEAP_GROWTH_CLASS)
			continue;
		k = key_of(i);
		leaves++;
		/* a free cluster of this class and width, path length
		 * = the leaf's depth - 1 */
		for (j = 0; j < nc; j++)
			if (!used[j] && c[j].cls == k->cls &&
			    (double)c[j].retained_size == x->width &&
			    c[j].len + 1 == x->depth)
				break;
		cr_expect_lt(j, nc, "leaf %u (class %u, %.0f B, depth %u) is "
			     "no cluster", i, k->cls, x->width, x->depth);
		if (j < nc)
			used[j] = 1;
	}
	cr_expect_eq(leaves, nc);
	free(used);
}

/* Frames under 100 kB are elided into slivers: fewer rectangles, the
 * same total, and the largest cluster (44 Buffers, 2.89 MB) still
 * drawn. */
Test(heapgrowth, elision_keeps_the_total)
{
	const an_heap_growth_info *in;
	uint32_t i, elided = 0, leaves = 0;

	grow("baseline", "leak", 100000);
	in = an_heap_growth_get_info(growth);
	cr_expect_eq(an_flame_total(fl), (double)in->retained_size);
	for (i = 0; i < an_flame_count(fl); i++) {
		const an_flame_rect *x = an_flame_get(fl, i);
		if (x->key == AN_NONE) {
			elided += x->elided;
			continue;
		}
		if (key_of(i)->kind == AN_HEAP_GROWTH_CLASS) {
			leaves++;
			cr_expect_geq(x->width, 100000);
		}
	}
	cr_expect_gt(elided, 0);
	cr_expect_eq(leaves, 2); /* Buffer 2.89 MB, {id, payload} 422 kB */
}

/* Nothing new: a root of width 0 and nothing else. */
Test(heapgrowth, identical_snapshots_give_an_empty_root)
{
	const an_heap_growth_info *in;

	grow("baseline", "baseline", 0);
	in = an_heap_growth_get_info(growth);
	cr_expect_eq(in->new_objects, 0);
	cr_expect_eq(in->objects, 0);
	cr_expect_eq(in->retained_size, 0);
	cr_expect_eq(an_flame_count(fl), 1);
	cr_expect_eq(key_of(0)->kind, AN_HEAP_GROWTH_ROOT);
	cr_expect_eq(an_flame_total(fl), 0);
}

/* A diff made with another heap is refused, not read out of bounds. */
Test(heapgrowth, diff_of_another_heap_is_refused)
{
	an_heap *other = must_load(snapshot_rel("leak"));
	an_heap_growth *g = NULL;
	an_error err;

	grow("baseline", "cleared", 0);
	an_error_clear(&err);
	cr_expect_eq(an_heap_growth_new(&g, diff, other, 0, &err),
		     AN_EINVAL);
	cr_expect_null(g);
	cr_expect(strstr(err.message, "TARGET") != NULL, "%s", err.message);
	an_heap_free(other);
}

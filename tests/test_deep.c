/*
 * test_deep.c - folded stacks in the byte-wise order of their text on
 * labels that sort apart from their stacks (names with bytes below ';',
 * equal labels from different functions), and deep call chains (issue
 * 8): one function recursing 30 000 deep, generated here, through every
 * CPU report, run on a thread with a small stack so that any recursion
 * proportional to depth overflows it.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

#define FRAME(id, name, script, url, kids, hits)                            \
	"{\"id\":" #id ",\"callFrame\":{\"functionName\":\"" name "\","      \
	"\"scriptId\":\"" script "\",\"url\":\"" url "\",\"lineNumber\":0," \
	"\"columnNumber\":0},\"hitCount\":" #hits kids "}"

/* Siblings below (root) whose stacks sort apart from a name order: "a"
 * twice (scripts 1 and 7: two functions, one label), "a b", "a;x" (label
 * "a:x"), "a!", "a" in u.js ("a u.js:1:1"), "aa", "c" twice (one
 * function, two nodes); x below both "a", d below both "c". One sample
 * each, 10 µs apart (the last lasts the mean interval, 10 µs). */
static const char names[] =
	"{\"nodes\":["
	FRAME(1, "(root)", "0", "", ",\"children\":[2,3,4,5,6,7,8,9,10]", 0)
	"," FRAME(2, "a", "1", "", ",\"children\":[11]", 1)
	"," FRAME(3, "a b", "1", "", "", 1)
	"," FRAME(4, "a;x", "1", "", "", 1)
	"," FRAME(5, "a!", "1", "", "", 1)
	"," FRAME(6, "a", "1", "u.js", "", 1)
	"," FRAME(7, "aa", "1", "", "", 1)
	"," FRAME(8, "c", "1", "", ",\"children\":[12]", 1)
	"," FRAME(9, "c", "1", "", ",\"children\":[13]", 1)
	"," FRAME(10, "a", "7", "", ",\"children\":[14]", 1)
	"," FRAME(11, "x", "1", "", "", 1)
	"," FRAME(12, "d", "1", "", "", 1)
	"," FRAME(13, "d", "1", "", "", 1)
	"," FRAME(14, "x", "7", "", "", 1)
	"],\"startTime\":0,\"endTime\":130,"
	"\"samples\":[2,3,4,5,6,7,8,9,10,11,12,13,14],"
	"\"timeDeltas\":[10,10,10,10,10,10,10,10,10,10,10,10,10]}";

typedef struct fold_buf {
	char text[1024];
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

static void folded_names(const char *inc, const char *exc, fold_buf *b)
{
	an_profile *p = NULL;
	an_cpu *c = NULL;
	an_filter *f = NULL;
	an_error err;

	memset(b, 0, sizeof(*b));
	cr_assert_eq(fx_load_string(&p, names, 0, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	if (inc)
		cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, inc, &err),
			     AN_OK);
	if (exc)
		cr_assert_eq(an_filter_add(f, AN_FILTER_EXCLUDE, exc, &err),
			     AN_OK);
	cr_assert_eq(an_cpu_folded(c, f, collect, b, &err), AN_OK, "%s",
		     err.message);
	an_filter_free(f);
	an_cpu_free(c);
	an_profile_free(p);
}

/* The order `sort` gives the lines (LC_ALL=C): ' ' < '!' < ':' < ';' <
 * 'a', so "a;x" comes after "a b", "a!" and "a:x", not after "a". */
Test(folded, lines_in_bytewise_order_merged_by_label)
{
	fold_buf b;

	folded_names(NULL, NULL, &b);
	cr_expect_str_eq(b.text,
			 "a 20\n"
			 "a b 10\n"
			 "a u.js:1:1 10\n"
			 "a! 10\n"
			 "a:x 10\n"
			 "a;x 20\n"
			 "aa 10\n"
			 "c 20\n"
			 "c;d 20\n");
	cr_expect_eq(b.sum, 130);
}

Test(folded, filters_whole_stacks)
{
	fold_buf b;

	folded_names("^x$", NULL, &b);
	cr_expect_str_eq(b.text, "a;x 20\n");
	folded_names(NULL, "^(d|a b)$", &b);
	cr_expect_str_eq(b.text,
			 "a 20\n"
			 "a u.js:1:1 10\n"
			 "a! 10\n"
			 "a:x 10\n"
			 "a;x 20\n"
			 "aa 10\n"
			 "c 20\n");
	folded_names("^c$", "^d$", &b);
	cr_expect_str_eq(b.text, "c 20\n");
}

/* ---- deep chains ---- */

#define DEPTH 30000u
#define LABEL "recurse file:///deep.js:1:18"

/* fixtures/gen/deep_cpuprofile.js --depth n [--leaf], in memory: (root)
 * then n nodes of one function, each the only child of the one before;
 * one sample per depth (deepest first) or, leaf, 10 of the deepest; every
 * delta 100 µs. */
static char *deep_json(uint32_t n, int leaf)
{
	size_t cap = (size_t)n * 200 + 1000, len = 0;
	char *s = malloc(cap);
	uint32_t id, i, ns = leaf ? 10 : n;

	cr_assert_not_null(s);
#define PUT(...) (len += (size_t)snprintf(s + len, cap - len, __VA_ARGS__))
	PUT("{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
	    "\"(root)\",\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1,"
	    "\"columnNumber\":-1},\"hitCount\":0,\"children\":[2]}");
	for (id = 2; id <= n + 1; id++) {
		PUT(",{\"id\":%u,\"callFrame\":{\"functionName\":\"recurse\","
		    "\"scriptId\":\"1\",\"url\":\"file:///deep.js\","
		    "\"lineNumber\":0,\"columnNumber\":17},\"hitCount\":%u",
		    id, leaf ? (id == n + 1 ? 10u : 0u) : 1u);
		if (id <= n)
			PUT(",\"children\":[%u]", id + 1);
		PUT("}");
	}
	PUT("],\"startTime\":0,\"endTime\":%u,\"samples\":[", ns * 100 + 100);
	for (i = 0; i < ns; i++)
		PUT("%s%u", i ? "," : "", leaf ? n + 1 : n + 1 - i);
	PUT("],\"timeDeltas\":[");
	for (i = 0; i < ns; i++)
		PUT("%s100", i ? "," : "");
	PUT("]}");
#undef PUT
	cr_assert_lt(len, cap);
	return s;
}

typedef struct deep_fold {
	uint64_t lines, sum, bad, stop_after;
	size_t last_len;
	uint64_t last_w;
} deep_fold;

/* Line k (1-based) must be k labels joined by ';'. */
static int deep_line(const char *s, size_t len, uint64_t w, void *pl)
{
	deep_fold *d = pl;
	size_t ll = sizeof(LABEL) - 1;
	uint64_t k = ++d->lines;

	if (len != k * ll + (k - 1) || memcmp(s, LABEL, ll) != 0 ||
	    memcmp(s + len - ll, LABEL, ll) != 0 ||
	    (k > 1 && s[len - ll - 1] != ';'))
		d->bad++;
	d->sum += w;
	d->last_len = len;
	d->last_w = w;
	return d->stop_after && k == d->stop_after;
}

typedef struct deep_run {
	int leaf;
	int done;
} deep_run;

/* Every report on a deep chain; asserts from a thread whose stack is
 * far smaller than the recursion any of them would need. */
static void *deep_reports(void *arg)
{
	deep_run *r = arg;
	const uint32_t n = DEPTH;
	char *json = deep_json(n, r->leaf);
	an_profile *p = NULL;
	an_cpu *c = NULL;
	an_cpu_view *v = NULL;
	an_cpu_tree *t = NULL;
	an_cpu_lines *lines = NULL;
	an_filter *f = NULL;
	an_cpu_view_opts vo = AN_CPU_VIEW_OPTS_INIT;
	an_error err;
	const uint32_t *order;
	uint8_t *mask;
	deep_fold d;
	const double tot = r->leaf ? 1000.0 : 100.0 * n;
	uint32_t fn;

	cr_assert_eq(fx_load_string(&p, json, 0, &err), AN_OK, "%s",
		     err.message);
	free(json);
	cr_assert_eq(an_profile_node_count(p), n + 1);
	cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
	cr_expect_eq(an_cpu_total_us(c), tot);
	/* top: one function, counted once however deep */
	cr_assert_eq(an_cpu_functions(c, &order), 1);
	fn = order[0];
	cr_expect_eq(an_cpu_function_self_us(c, fn), tot);
	cr_expect_eq(an_cpu_function_total_us(c, fn), tot);

	/* folded: n lines of 1..n frames, or one line of n */
	memset(&d, 0, sizeof(d));
	cr_assert_eq(an_cpu_folded(c, NULL, deep_line, &d, &err), AN_OK,
		     "%s", err.message);
	if (r->leaf) {
		cr_expect_eq(d.lines, 1);
		cr_expect_eq(d.last_len, n * (sizeof(LABEL) - 1) + n - 1);
		cr_expect_eq(d.last_w, 1000);
	} else {
		cr_expect_eq(d.lines, n);
		cr_expect_eq(d.bad, 0);
		cr_expect_eq(d.sum, 100ull * n);
		cr_expect_eq(d.last_len, n * (sizeof(LABEL) - 1) + n - 1);
		cr_expect_eq(d.last_w, 100);
		memset(&d, 0, sizeof(d));
		d.stop_after = 7;
		cr_expect_eq(an_cpu_folded(c, NULL, deep_line, &d, &err),
			     AN_ECANCELED);
		cr_expect_eq(d.lines, 7);
	}
	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, "^recurse$", &err),
		     AN_OK);
	cr_assert_eq(an_filter_add(f, AN_FILTER_EXCLUDE, "^nothing$", &err),
		     AN_OK);
	memset(&d, 0, sizeof(d));
	cr_assert_eq(an_cpu_folded(c, f, deep_line, &d, &err), AN_OK);
	cr_expect_eq(d.lines, r->leaf ? 1 : n);
	cr_expect_eq(d.sum, (uint64_t)tot);

	/* tree: n + 1 rows, the last n deep; filtered the same */
	cr_assert_eq(an_cpu_view_build(&v, c, NULL, &vo, &err), AN_OK);
	cr_expect_eq(an_cpu_view_count(v), n + 1);
	cr_expect_eq(an_cpu_view_get(v, n)->depth, n);
	cr_expect_eq(an_cpu_view_get(v, n)->total_us, r->leaf ? 1000 : 100);
	an_cpu_view_free(v);
	vo.filter = f;
	cr_assert_eq(an_cpu_view_build(&v, c, NULL, &vo, &err), AN_OK);
	cr_expect_eq(an_cpu_view_count(v), n + 1);
	an_cpu_view_free(v);
	vo.filter = NULL;

	/* callees: the outermost call and n - 1 merged levels below it */
	mask = calloc(an_profile_function_count(p), 1);
	cr_assert_not_null(mask);
	cr_assert_eq(an_cpu_select(mask, c, f), 1);
	cr_assert_eq(an_cpu_callees(&t, c, mask, &err), AN_OK);
	cr_expect_eq(an_cpu_tree_count(t), n);
	cr_expect_eq(an_cpu_tree_get(t, 0)->total_us, tot);
	cr_assert_eq(an_cpu_view_build(&v, c, t, &vo, &err), AN_OK);
	cr_expect_eq(an_cpu_view_count(v), n);
	an_cpu_view_free(v);
	an_cpu_tree_free(t);
	/* callers: the selection, then n - 1 levels of callers (each the
	 * self time of the calls below it). With a sample per depth the
	 * walk up from each call would take the sum of the depths (4.5e8
	 * steps): built as a trie instead */
	{
		const an_cpu_tree_node *top;
		cr_assert_eq(an_cpu_callers(&t, c, mask, &err), AN_OK);
		cr_expect_eq(an_cpu_tree_count(t), n);
		cr_expect_eq(an_cpu_tree_get(t, 0)->self_us, tot);
		top = an_cpu_tree_get(t, an_cpu_tree_get(t, 0)->first_child);
		cr_expect_eq(top->self_us, r->leaf ? 1000 : 100.0 * (n - 1));
		cr_expect_eq(top->total_us, 0); /* outermost call: no caller */
		cr_expect_eq(an_cpu_tree_get(t, n - 1)->self_us,
			     r->leaf ? 1000 : 100);
		an_cpu_tree_free(t);
	}
	free(mask);
	/* focus: the callees view */
	vo.focus = f;
	cr_assert_eq(an_cpu_view_build(&v, c, NULL, &vo, &err), AN_OK);
	cr_expect_eq(an_cpu_view_count(v), n);
	an_cpu_view_free(v);

	/* hot lines: no positionTicks, none */
	cr_assert_eq(an_cpu_hot_lines(&lines, c, &err), AN_OK);
	cr_expect_eq(an_cpu_lines_count(lines), 0);
	an_cpu_lines_free(lines);

	an_filter_free(f);
	an_cpu_free(c);
	an_profile_free(p);
	r->done = 1;
	return NULL;
}

static void run_small_stack(int leaf)
{
	pthread_attr_t a;
	pthread_t th;
	deep_run r = {leaf, 0};

	cr_assert_eq(pthread_attr_init(&a), 0);
	/* 30 000 frames of even 32 bytes would need 960 KiB */
	cr_assert_eq(pthread_attr_setstacksize(&a, 512 * 1024), 0);
	cr_assert_eq(pthread_create(&th, &a, deep_reports, &r), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&a);
	cr_assert(r.done);
}

Test(folded, deep_chain_one_sample_per_depth, .timeout = 240)
{
	run_small_stack(0);
}

Test(folded, deep_chain_leaf_samples, .timeout = 240)
{
	run_small_stack(1);
}

/* ---- callers: the trie build against the walk ---- */

/* A random tree (fixed seed) of 4000 nodes, each the child of the one
 * before (p = 0.97) or of an earlier one; functions a, b, c by depth
 * modulo 3 (so paths merge everywhere) but 30 % d or e in the first 20
 * levels; every node sampled
 * 1-3 times 1 µs apart: deep enough that the callers tree is built as a
 * trie (more than 8 walk steps a node), with integer weights. */
#define RN 4000u

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static char *random_json(void)
{
	static const char *fns[] = {"a", "b", "c", "d", "e", "f"};
	size_t cap = (size_t)RN * 300 + 1000, len = 0;
	char *s = malloc(cap);
	uint32_t *par = malloc(RN * sizeof(*par)), i, k, ns = 0;
	uint32_t *hits = malloc(RN * sizeof(*hits));
	uint32_t *dep = calloc(RN, sizeof(*dep));
	uint64_t seed = 42;

	cr_assert(s && par && hits && dep);
#define PUT(...) (len += (size_t)snprintf(s + len, cap - len, __VA_ARGS__))
	PUT("{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
	    "\"(root)\",\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1,"
	    "\"columnNumber\":-1}}");
	for (i = 1; i < RN; i++) {
		uint32_t r = rnd(&seed) % 100;
		par[i] = i == 1 || rnd(&seed) % 100 < 97 ? i - 1 :
							    rnd(&seed) % i;
		dep[i] = dep[par[i]] + 1;
		hits[i] = 1 + rnd(&seed) % 3;
		ns += hits[i];
		PUT(",{\"id\":%u,\"parent\":%u,\"callFrame\":{\"functionName\":"
		    "\"%s\",\"scriptId\":\"1\",\"url\":\"r.js\",\"lineNumber\":"
		    "0,\"columnNumber\":0}}",
		    i + 1, par[i] + 1,
		    fns[dep[i] < 20 && r < 30 ? 3 + r % 2 : dep[i] % 3]);
	}
	PUT("],\"startTime\":0,\"endTime\":%u,\"samples\":[", ns + 1);
	for (i = 1, k = 0; i < RN; i++)
		for (; hits[i]; hits[i]--, k++)
			PUT("%s%u", k ? "," : "", i + 1);
	PUT("],\"timeDeltas\":[");
	for (k = 0; k < ns; k++)
		PUT("%s1", k ? "," : "");
	PUT("]}");
#undef PUT
	cr_assert_lt(len, cap);
	free(par);
	free(hits);
	free(dep);
	return s;
}

typedef struct wnode {
	uint32_t function, parent;
	uint32_t kid, next; /* first child, next sibling (0: none) */
	double self, total;
} wnode;

/* The walk an_cpu_callers always did, node creation order included. */
static uint32_t walk_callers(wnode *w, const an_profile *p, const an_cpu *c,
			     const uint8_t *mask)
{
	uint32_t n = an_profile_node_count(p), i, u, m = 1, k;

	memset(&w[0], 0, sizeof(w[0]));
	w[0].function = AN_NONE;
	w[0].parent = AN_NONE;
	for (i = 0; i < n; i++) {
		uint32_t at = 0;
		int outer = 1;
		double s = an_cpu_node_self_us(c, i), tot;
		if (!mask[an_profile_node_function(p, i)])
			continue;
		for (u = an_profile_node_parent(p, i); u != AN_NONE;
		     u = an_profile_node_parent(p, u))
			if (mask[an_profile_node_function(p, u)])
				outer = 0;
		tot = outer ? an_cpu_node_total_us(c, i) : 0;
		if (s == 0 && tot == 0)
			continue;
		w[0].self += s;
		w[0].total += tot;
		for (u = an_profile_node_parent(p, i);
		     u != AN_NONE && an_profile_node_parent(p, u) != AN_NONE;
		     u = an_profile_node_parent(p, u)) {
			uint32_t f = an_profile_node_function(p, u);
			for (k = w[at].kid; k; k = w[k].next)
				if (w[k].function == f)
					break;
			if (!k) {
				cr_assert_lt(m, RN * 64);
				k = m++;
				w[k].function = f;
				w[k].parent = at;
				w[k].kid = 0;
				w[k].next = w[at].kid;
				w[at].kid = k;
				w[k].self = w[k].total = 0;
			}
			at = k;
			w[at].self += s;
			w[at].total += tot;
		}
	}
	return m;
}

Test(folded, callers_trie_equals_the_walk, .timeout = 120)
{
	char *json = random_json();
	an_profile *p = NULL;
	an_cpu *c = NULL;
	an_cpu_tree *t = NULL;
	an_filter *f = NULL;
	an_error err;
	uint8_t *mask;
	wnode *w = malloc((size_t)RN * 64 * sizeof(*w));
	uint64_t steps = 0;
	uint32_t i, m, nsel;

	cr_assert_not_null(w);
	cr_assert_eq(fx_load_string(&p, json, 0, &err), AN_OK, "%s",
		     err.message);
	free(json);
	cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
	for (i = 0; i < RN; i++)
		steps += an_profile_node_depth(p, i);
	/* deep enough for the trie: more than 8 steps a node + 65536 */
	cr_assert_gt(steps, 8ull * RN + 65536, "%llu",
		     (unsigned long long)steps);
	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, "^[ad]$", &err),
		     AN_OK);
	mask = calloc(an_profile_function_count(p), 1);
	cr_assert_not_null(mask);
	nsel = an_cpu_select(mask, c, f);
	cr_assert_eq(nsel, 2);
	m = walk_callers(w, p, c, mask);
	cr_assert_gt(m, 100);
	cr_assert_eq(an_cpu_callers(&t, c, mask, &err), AN_OK);
	cr_assert_eq(an_cpu_tree_count(t), m);
	for (i = 0; i < m; i++) {
		const an_cpu_tree_node *e = an_cpu_tree_get(t, i);
		cr_assert_eq(e->function, w[i].function, "node %u", i);
		cr_assert_eq(e->parent, w[i].parent, "node %u", i);
		cr_assert_eq(e->self_us, w[i].self, "node %u", i);
		cr_assert_eq(e->total_us, w[i].total, "node %u", i);
	}
	an_cpu_tree_free(t);
	free(mask);
	free(w);
	an_filter_free(f);
	an_cpu_free(c);
	an_profile_free(p);
}

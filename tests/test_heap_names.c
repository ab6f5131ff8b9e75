/*
 * test_heap_names.c - display names as DevTools' JSHeapSnapshotNode.name()
 * gives them: tiny.heapsnapshot, every concatenated string and plain
 * Object of the real snapshots, deep concatenations, JSON-style escapes
 * and the length budget of plain object names, decoded strings, and the
 * WeakMap edge names (the matcher against DevTools' regex, in linear
 * time).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"
#include "mini_snapshot.h"
#include "heap/heap_int.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heap, .fini = fini, .timeout = 120);

/* ---- display names ---- */

Test(heap, display_names_tiny)
{
	char buf[64], *s;
	size_t len;

	heap = load_tiny();
	/* plain objects get DevTools' "{a, b}" names */
	s = node_name(heap, T_KEY);
	cr_expect_str_eq(s, "{a, b}");
	free(s);
	s = node_name(heap, T_VALUE);
	cr_expect_str_eq(s, "{a, b}");
	free(s);
	/* anything else: the raw name */
	s = node_name(heap, T_GLOBAL);
	cr_expect_str_eq(s, "global");
	free(s);
	s = node_name(heap, T_EXTSTR);
	cr_expect_str_eq(s, "external text: a source string whose characters "
			    "live outside the V8 heap");
	free(s);
	/* a small buffer: cut and NUL-terminated, full length returned */
	memset(buf, 'x', sizeof(buf));
	cr_assert_eq(an_heap_node_name(buf, 9, &len, heap, T_EXTSTR, NULL),
		     AN_OK);
	cr_expect_eq(len, strlen("external text: a source string whose "
				 "characters live outside the V8 heap"));
	cr_expect_str_eq(buf, "external");
	cr_expect_eq(buf[9], 'x');
	cr_assert_eq(an_heap_node_name(buf, 3, &len, heap, T_KEY, NULL), AN_OK);
	cr_expect_eq(len, 6);
	cr_expect_str_eq(buf, "{a");
}

/*
 * Every concatenated string and plain "Object" of the real snapshots has
 * DevTools' name: FNV-1a 64 over "<id>\0<name>\0" for each such node in
 * node order, as JSHeapSnapshotNode.name() gives it (computed with the
 * oracle's DevTools bundle on the snapshots as committed, paths under
 * /app: 1815 / 9763 / 1613 names), plus a few spelled
 * out.
 */
Test(heap, display_names_match_devtools_on_real_snapshots)
{
	static const struct {
		const char *base;
		uint32_t count;
		uint64_t digest;
	} want[] = {
		{"baseline", 1815, 0x1c00b76d52dc8a6bull},
		{"leak", 9763, 0x39cee66ef564d67cull},
		{"cleared", 1613, 0x8e63f63a299aac22ull},
	};
	static const struct {
		uint64_t id;
		const char *name;
	} leak_names[] = {
		/* concatenated strings */
		{80823, "leak.heapsnapshot"},
		{74865, "abcdefghijabcdefghijabcdefghijabcdefghij"},
		{8777, "Internal Binding builtins"},
		/* plain objects, cut to about 100 characters with ", …, " */
		{42357, "{node, acorn, ada, ares, brotli, cjs_module_lexer, "
			"cldr, icu, \xe2\x80\xa6, tz, undici, unicode, uv, "
			"uvwasi, v8, zlib}"},
		{68969, "{kTimeout, async_id_symbol, trigger_async_id_symbol, "
			"Timeout, \xe2\x80\xa6, decRefCount, incRefCount, "
			"knownTimersById}"},
	};
	size_t f, i;

	for (f = 0; f < sizeof(want) / sizeof(*want); f++) {
		uint64_t d = FX_FNV_INIT;
		uint32_t n, count = 0;
		an_heap *h = must_load(snapshot_rel(want[f].base));
		for (n = 0; n < an_heap_node_count(h); n++) {
			const char *t = an_heap_node_type(h, n);
			char idbuf[32], *s;
			if (strcmp(t, "concatenated string") &&
			    (strcmp(t, "object") ||
			     !str_is(an_heap_node_raw_name(h, n), "Object")))
				continue;
			count++;
			snprintf(idbuf, sizeof(idbuf), "%" PRIu64,
				 an_heap_node_id(h, n));
			d = fx_fnv(d, idbuf, strlen(idbuf) + 1);
			s = node_name(h, n);
			d = fx_fnv(d, s, strlen(s) + 1);
			free(s);
		}
		cr_expect_eq(count, want[f].count, "%s: %u names",
			     want[f].base, count);
		cr_expect_eq(d, want[f].digest,
			     "%s: names digest %016" PRIx64 ", DevTools %016"
			     PRIx64, want[f].base, d, want[f].digest);
		if (!strcmp(want[f].base, "leak"))
			for (i = 0; i < sizeof(leak_names) / sizeof(*leak_names);
			     i++) {
				uint32_t k = an_heap_find_id(h, leak_names[i].id);
				char *s;
				cr_assert_neq(k, AN_NONE);
				s = node_name(h, k);
				cr_expect_str_eq(s, leak_names[i].name, "@%" PRIu64,
						 leak_names[i].id);
				free(s);
			}
		an_heap_free(h);
	}
}

/* A growable string. */
typedef struct sb {
	char *p;
	size_t len, cap;
} sb;

static void sb_add(sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		cr_assert_geq(n, 0);
		if (b->len + (size_t)n < b->cap)
			break;
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	b->len += (size_t)n;
}

/*
 * Unknown top-level keys are skipped whatever they hold (brackets and
 * quotes inside strings included), and strings are JSON-decoded.
 */
Test(heap, skips_unknown_values_and_decodes_strings)
{
	static const char json[] =
		MINI_META MINI_BODY
		"\"x\":{\"a\":[1,{\"b\":\"]}\\\"[{\"}],\"c\":null},"
		"\"y\":-1.5e3,\"z\":\"}\","
		"\"strings\":[\"\",\"F\\\"o\\\\o\\u00e9\",\"g\"]}";
	an_str s;

	heap = must_load_str(json);
	s = an_heap_node_raw_name(heap, 1);
	cr_expect_eq(s.len, 7);
	cr_expect(str_is(s, "F\"o\\o\xc3\xa9"));
}

/*
 * A left-deep chain of 300 concatenated strings (s = s + "b", 300 times,
 * starting from "a"): DevTools' consStringName walks it with an unbounded
 * stack and shows "a" followed by 300 "b" (checked with the oracle's
 * DevTools bundle: 301 characters). Node ordinals: 0 root, 1 G, 2..301 the
 * cons strings (cons k: first -> cons k+1, second -> "b"; the last one's
 * first is "a"), 302 "a", 303 "b".
 */
#define CONS_DEPTH 300

static char *deep_cons_snapshot(void)
{
	sb b = {NULL, 0, 0};
	uint32_t k;

	sb_add(&b, MINI_META "\"node_count\":%u,\"edge_count\":%u},"
		   "\"nodes\":[9,0,1,0,1,3,1,3,16,1",
	       CONS_DEPTH + 4, 2 * CONS_DEPTH + 2);
	for (k = 0; k < CONS_DEPTH; k++)
		sb_add(&b, ",10,3,%u,32,2", 5 + 2 * k);
	sb_add(&b, ",2,6,%u,16,0,2,7,%u,16,0],\"edges\":[5,2,5,2,8,10",
	       5 + 2 * CONS_DEPTH, 7 + 2 * CONS_DEPTH);
	for (k = 0; k < CONS_DEPTH; k++)
		sb_add(&b, ",3,4,%u,3,5,%u",
		       5 * (k + 1 < CONS_DEPTH ? 3 + k : CONS_DEPTH + 2),
		       5 * (CONS_DEPTH + 3));
	sb_add(&b, "],\"strings\":[\"\",\"G\",\"g\",\"(concatenated "
		   "string)\",\"first\",\"second\",\"a\",\"b\",\"s\"]}");
	return b.p;
}

Test(heap, concatenated_string_name_of_a_deep_chain)
{
	char *json = deep_cons_snapshot(), *s, want[CONS_DEPTH + 2];

	heap = must_load_str(json);
	cr_assert_eq(an_heap_node_count(heap), CONS_DEPTH + 4);
	cr_assert_str_eq(an_heap_node_type(heap, 2), "concatenated string");
	cr_assert_str_eq(an_heap_node_type(heap, CONS_DEPTH + 1),
			 "concatenated string");
	/* the innermost cons string: "a" + "b" */
	s = node_name(heap, CONS_DEPTH + 1);
	cr_expect_str_eq(s, "ab");
	free(s);
	/* the outermost */
	want[0] = 'a';
	memset(want + 1, 'b', CONS_DEPTH);
	want[CONS_DEPTH + 1] = '\0';
	s = node_name(heap, 2);
	cr_expect_str_eq(s, want,
			 "300-deep concatenated string: got %zu characters "
			 "\"%.20s\", DevTools shows 301 (\"abbb...\")",
			 strlen(s), s);
	free(s);
	free(json);
}

/*
 * formatPropertyName quotes names holding , ' " { } with
 * JSON.stringify, which writes \n as the two characters \ n (not \u000a).
 * Object {"x,\ny": 1, z: 1} -> {"x,\ny", z} (the oracle's DevTools bundle
 * gives exactly this).
 */
Test(heap, plain_object_name_escapes_like_json_stringify)
{
	static const char json[] =
		MINI_META
		"\"node_count\":3,\"edge_count\":4},"
		"\"nodes\":[9,0,1,0,1,3,1,3,16,1,3,4,5,16,2],"
		"\"edges\":[5,2,5,2,3,10,2,5,5,2,6,5],"
		"\"strings\":[\"\",\"G\",\"g\",\"o\",\"Object\",\"x,\\ny\","
		"\"z\"]}";
	char *s;

	heap = must_load_str(json);
	s = node_name(heap, 2);
	cr_expect_str_eq(s, "{\"x,\\ny\", z}");
	free(s);
}

/* Nodes 1..n of `heap` are of the classes want[0..n). */
static void expect_classes(const char *const *want, uint32_t n)
{
	uint32_t v;

	for (v = 1; v <= n; v++) {
		an_str c = an_heap_class_get(heap,
					     an_heap_node_class(heap, v))->name;
		cr_expect(c.len == strlen(want[v - 1]) &&
				  !memcmp(c.ptr, want[v - 1], c.len),
			  "node %u: class '%.*s', want '%s'", v, (int)c.len,
			  c.ptr, want[v - 1]);
	}
}

/*
 * Plain objects of one shape (property names in edge order) are classed
 * once and the class reused: seven Objects of shapes (a, b) three times,
 * (b, a), (a), (), (a, c). Six plain objects: an interface needs 2, so
 * only "{a, b}" is one (3 objects); (b, a) has both its properties and
 * takes it, the others stay "Object". DevTools agrees (the oracle's
 * `summary` of this snapshot: {a, b} 4, Object 3, (string) 1).
 */
Test(heap, plain_objects_of_one_shape_classed_alike)
{
	static const char json[] =
		MINI_META
		"\"node_count\":9,\"edge_count\":18},"
		"\"nodes\":[9,0,1,0,7, 3,1,3,10,2, 3,1,5,10,2, 3,1,7,10,2, "
		"3,1,9,10,1, 3,1,11,10,0, 3,1,13,10,2, 3,1,15,10,2, "
		"2,4,100,16,0],"
		"\"edges\":[1,1,5, 1,2,10, 1,3,15, 1,4,20, 1,5,25, 1,6,30, "
		"1,7,35, 2,2,40, 2,3,40, 2,3,40, 2,2,40, 2,2,40, 2,3,40, "
		"2,2,40, 2,2,40, 2,3,40, 2,2,40, 2,5,40],"
		"\"strings\":[\"\",\"Object\",\"a\",\"b\",\"s\",\"c\"]}";
	static const char *const want[] = {"{a, b}", "{a, b}", "{a, b}",
					   "Object", "Object", "{a, b}",
					   "Object"};

	heap = must_load_str(json);
	expect_classes(want, 7);
}

/* The first plain object has no property, so its shape is empty (it
 * was remembered with a memcpy from no array: UBSan, found by the
 * fuzzer); two (a) objects make "{a}" an interface, the empty one stays
 * "Object" (3 plain objects: an interface needs 2). */
Test(heap, an_empty_shape_first)
{
	static const char json[] =
		MINI_META
		"\"node_count\":5,\"edge_count\":5},"
		"\"nodes\":[9,0,1,0,3, 3,1,3,10,0, 3,1,5,10,1, 3,1,7,10,1, "
		"2,3,9,16,0],"
		"\"edges\":[1,1,5, 1,2,10, 1,3,15, 2,2,20, 2,2,20],"
		"\"strings\":[\"\",\"Object\",\"a\",\"s\"]}";
	static const char *const want[] = {"Object", "{a}", "{a}"};

	heap = must_load_str(json);
	expect_classes(want, 3);
}

/*
 * #plainObjectName stops adding names once start + end + the *formatted*
 * name would pass 100 characters. Object {A: 1, m: 1, B: 1} with A = "a,"
 * + 46 "a" (48 characters, 50 once quoted) and B = 49 "b": "{" + A is 51
 * long; B would make 51 + 1 + 49 = 101 > 100, so DevTools stops:
 * {"a,aaa…", …} (confirmed with the oracle's DevTools bundle). Counting
 * A as 48 instead of 50 lets B (and m) in.
 */
Test(heap, plain_object_name_budget_counts_quoted_names)
{
	sb b = {NULL, 0, 0};
	char want[128];
	char a[49], bb[50];
	char *s;

	memset(a, 'a', 48);
	a[1] = ',';
	a[48] = '\0';
	memset(bb, 'b', 49);
	bb[49] = '\0';
	sb_add(&b, MINI_META "\"node_count\":3,\"edge_count\":5},"
		   "\"nodes\":[9,0,1,0,1,3,1,3,16,1,3,4,5,16,3],"
		   "\"edges\":[5,2,5,2,3,10,2,5,5,2,7,5,2,6,5],"
		   "\"strings\":[\"\",\"G\",\"g\",\"o\",\"Object\",\"%s\","
		   "\"%s\",\"m\"]}",
	       a, bb);
	heap = must_load_str(b.p);
	snprintf(want, sizeof(want), "{\"%s\", \xe2\x80\xa6}", a);
	s = node_name(heap, 2);
	cr_expect_str_eq(s, want);
	free(s);
	free(b.p);
}

/* ---- WeakMap edge names ----
 * The reference: DevTools' regex as a backtracking matcher would run it
 * (every split tried; the square of the length), against the library's
 * one-pass matcher, on 200,000 names made of the pattern's pieces. */

static int ref_digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start;
}

static int ref_lit(const char *s, size_t n, size_t *i, const char *l)
{
	size_t k = strlen(l);

	if (n - *i < k || memcmp(s + *i, l, k) != 0)
		return 0;
	*i += k;
	return 1;
}

static int ref_tail(const char *s, size_t n, size_t k, uint64_t *table)
{
	size_t d;
	uint64_t t = 0;

	if (!ref_lit(s, n, &k, " pair in WeakMap (table @"))
		return 0;
	d = k;
	if (!ref_digits(s, n, &k))
		return 0;
	for (; d < k; d++)
		t = t * 10 + (uint64_t)(s[d] - '0');
	if (!ref_lit(s, n, &k, ")") || k != n)
		return 0;
	*table = t;
	return 1;
}

static int ref_weakmap(const char *s, size_t n, size_t *dup, uint64_t *table)
{
	size_t i = 0, p, v;

	if (!ref_digits(s, n, &i))
		return 0;
	*dup = i;
	if (!ref_lit(s, n, &i, " / part of key ("))
		return 0;
	for (p = i; p < n; p++) {
		size_t k = p;
		if (!ref_lit(s, n, &k, " @") || !ref_digits(s, n, &k) ||
		    !ref_lit(s, n, &k, ") -> value ("))
			continue;
		for (v = k; v < n; v++) {
			size_t m = v;
			if (!ref_lit(s, n, &m, " @") || !ref_digits(s, n, &m) ||
			    !ref_lit(s, n, &m, ")"))
				continue;
			if (ref_tail(s, n, m, table))
				return 1;
		}
	}
	return 0;
}

Test(heap, weakmap_names_match_as_devtools_regex)
{
	static const char *const pieces[] = {
		"1", "23", "0", " / part of key (", "Object", " @", "7", ")",
		" -> value (", ") -> value (", " pair in WeakMap (table @",
		"(", " ", "@", "x", "Map @12) -> value (", " @5)",
		" pair in WeakMap (table @9)"};
	const size_t np = sizeof(pieces) / sizeof(*pieces);
	uint32_t seed = 12345, k, hits = 0;
	char buf[512];

	for (k = 0; k < 200000; k++) {
		size_t n = 0, dup_a = 0, dup_b = 0;
		uint64_t ta = 0, tb = 0;
		int a, b, m, j;
		an_str name;
		/* half the names start like the real thing */
		if (k % 2) {
			n = (size_t)snprintf(buf, sizeof(buf),
					     "%u / part of key (", k % 97);
		}
		seed = seed * 1103515245u + 12345u;
		m = 1 + (int)((seed >> 16) % 12);
		for (j = 0; j < m; j++) {
			const char *pc;
			seed = seed * 1103515245u + 12345u;
			pc = pieces[(seed >> 16) % np];
			if (n + strlen(pc) >= sizeof(buf))
				break;
			memcpy(buf + n, pc, strlen(pc));
			n += strlen(pc);
		}
		if (k % 3 == 0 && n + 40 < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      " @4) pair in WeakMap (table @%u)",
					      k);
		name.ptr = buf;
		name.len = n;
		a = ref_weakmap(buf, n, &dup_a, &ta);
		b = an__heap_weakmap_name(name, &dup_b, &tb);
		cr_assert_eq(a, b, "'%.*s': reference %d, library %d", (int)n,
			     buf, a, b);
		if (a) {
			cr_assert_eq(dup_a, dup_b, "'%.*s'", (int)n, buf);
			cr_assert_eq(ta, tb, "'%.*s'", (int)n, buf);
			hits++;
		}
	}
	cr_expect_gt(hits, 1000, "names that match: %u", hits);
}

/* An 8 MB name of near misses: one pass, not the square of it (a 300 kB
 * one took 4 s with the backtracking matcher, this one would take hours:
 * the suite's timeout catches a return to it). */
Test(heap, weakmap_name_matching_is_linear)
{
	size_t n = 8u << 20, i, dup;
	char *s = malloc(n + 64);
	uint64_t table;
	an_str name;
	int r;

	cr_assert_not_null(s);
	i = (size_t)snprintf(s, 64, "1 / part of key (");
	while (i + 16 < n) {
		memcpy(s + i, " @1) -> value (", 15);
		i += 15;
	}
	name.ptr = s;
	name.len = i;
	r = an__heap_weakmap_name(name, &dup, &table);
	cr_expect_eq(r, 0);
	free(s);
}

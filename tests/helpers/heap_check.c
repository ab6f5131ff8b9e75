/*
 * heap_check.c - helpers shared by the heap tests (test_heap_*.c): tiny
 * snapshots from strings, names and classes of nodes, and reading the
 * heap oracle's expected files (see heap_check.h).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "fixture.h"
#include "heap_check.h"

an_heap *must_load_str(const char *json)
{
	an_heap *h = NULL;
	an_error err;
	int rc = fx_load_heap_mem(&h, json, strlen(json), 0, &err);

	cr_assert_eq(rc, AN_OK, "%d %s (byte %llu)", rc, err.message,
		     (unsigned long long)err.offset);
	return h;
}

int str_is(an_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

const char *class_name(const an_heap *h, uint32_t n)
{
	return an_heap_class_get(h, an_heap_node_class(h, n))->name.ptr;
}

/* Display name into a malloc'ed buffer (names can be long). */
char *node_name(const an_heap *h, uint32_t n)
{
	size_t len, len2;
	char *buf;

	cr_assert_eq(an_heap_node_name(NULL, 0, &len, h, n, NULL), AN_OK);
	buf = malloc(len + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(an_heap_node_name(buf, len + 1, &len2, h, n, NULL),
		     AN_OK);
	cr_assert_eq(len2, len);
	return buf;
}

an_heap *load_tiny(void)
{
	return must_load("heap/tiny.heapsnapshot");
}

yajl_val read_json(const char *rel)
{
	char errbuf[256];
	char *text = fx_slurp(fx_path(rel), NULL);
	yajl_val v = yajl_tree_parse(text, errbuf, sizeof(errbuf));

	cr_assert_not_null(v, "%s: %s", rel, errbuf);
	free(text);
	return v;
}

yajl_val jget(yajl_val obj, const char *key, yajl_type t)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, t);

	cr_assert_not_null(v, "missing %s", key);
	return v;
}

long long jint(yajl_val obj, const char *key)
{
	yajl_val v = jget(obj, key, yajl_t_number);

	cr_assert(YAJL_IS_INTEGER(v), "%s is not an integer", key);
	return YAJL_GET_INTEGER(v);
}

const char *jstr(yajl_val obj, const char *key)
{
	return YAJL_GET_STRING(jget(obj, key, yajl_t_string));
}

/* JavaScript's String length: UTF-16 code units of UTF-8 text. */
size_t utf16_len(const char *s)
{
	size_t k = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c & 0xc0) == 0x80)
			continue;
		k += c >= 0xf0 ? 2 : 1;
	}
	return k;
}

/* Our display name against the oracle's, which it cut to `cut` UTF-16
 * units (adding `ellipsis` when it did). */
void expect_name(const char *ours, const char *theirs, size_t cut,
			int ellipsis, const char *ctx)
{
	size_t tl = strlen(theirs);

	if (ellipsis && tl >= 3 && !strcmp(theirs + tl - 3, "\xe2\x80\xa6") &&
	    utf16_len(ours) > cut) {
		cr_expect(strncmp(ours, theirs, tl - 3) == 0,
			  "%s: name \"%.60s\", DevTools \"%.60s\"", ctx, ours,
			  theirs);
		return;
	}
	if (!ellipsis && utf16_len(theirs) >= cut) {
		cr_expect(strncmp(ours, theirs, tl) == 0,
			  "%s: name \"%.60s\", DevTools \"%.60s\"", ctx, ours,
			  theirs);
		return;
	}
	cr_expect_str_eq(ours, theirs, "%s: name", ctx);
}

/*
 * One node of the oracle's output ({id, name, class, type, distance,
 * self_size, retained_size}) against ours. Distances are compared raw:
 * -5 (unreachable) and >= 100000000 (system) are what DevTools computes
 * too, and it shows both as "-".
 */
void expect_node(const an_heap *h, uint32_t n, yajl_val o,
			size_t name_cut, int ellipsis, const char *ctx)
{
	char *name = node_name(h, n);

	cr_expect_eq(an_heap_node_id(h, n), (uint64_t)jint(o, "id"), "%s", ctx);
	cr_expect_eq(an_heap_node_self_size(h, n),
		     (uint64_t)jint(o, "self_size"),
		     "%s @%lld: self %" PRIu64 ", DevTools %lld", ctx,
		     jint(o, "id"), an_heap_node_self_size(h, n),
		     jint(o, "self_size"));
	cr_expect_eq(an_heap_node_retained_size(h, n),
		     (uint64_t)jint(o, "retained_size"),
		     "%s @%lld: retained %" PRIu64 ", DevTools %lld", ctx,
		     jint(o, "id"), an_heap_node_retained_size(h, n),
		     jint(o, "retained_size"));
	cr_expect_eq(an_heap_node_distance(h, n), jint(o, "distance"),
		     "%s @%lld: distance %d, DevTools %lld", ctx, jint(o, "id"),
		     an_heap_node_distance(h, n), jint(o, "distance"));
	cr_expect_str_eq(an_heap_node_type(h, n), jstr(o, "type"), "%s @%lld",
			 ctx, jint(o, "id"));
	cr_expect_str_eq(class_name(h, n), jstr(o, "class"), "%s @%lld", ctx,
			 jint(o, "id"));
	expect_name(name, jstr(o, "name"), name_cut, ellipsis, ctx);
	free(name);
}

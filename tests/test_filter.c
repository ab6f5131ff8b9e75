/*
 * test_filter.c - include/exclude filters over PCRE2: semantics from
 * filter.h, invalid patterns, UTF-8, NUL bytes in names, case, anchors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

static an_str S(const char *s)
{
	an_str v = {s, (uint32_t)strlen(s)};
	return v;
}

/* an_filter_test() on one or two NUL-terminated fields (b may be NULL) */
static int pass2(const an_filter *f, const char *a, const char *b)
{
	an_str fields[2];

	fields[0] = S(a);
	if (b)
		fields[1] = S(b);
	return an_filter_test(f, fields, b ? 2 : 1);
}

static an_filter *make(const char *const *inc, size_t ninc,
		       const char *const *exc, size_t nexc)
{
	an_filter *f = NULL;
	an_error err;
	size_t i;

	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	for (i = 0; i < ninc; i++)
		cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, inc[i], &err),
			     AN_OK, "include %s: %s", inc[i], err.message);
	for (i = 0; i < nexc; i++)
		cr_assert_eq(an_filter_add(f, AN_FILTER_EXCLUDE, exc[i], &err),
			     AN_OK, "exclude %s: %s", exc[i], err.message);
	return f;
}

Test(filter, no_patterns_pass_everything)
{
	an_filter *f = make(NULL, 0, NULL, 0);
	an_str one = S("anything");

	cr_expect_eq(an_filter_is_empty(f), 1);
	cr_expect_eq(an_filter_has_includes(f), 0);
	cr_expect_eq(pass2(f, "main", "file:///a.js"), 1, "main, a.js");
	cr_expect_eq(pass2(f, "", NULL), 1, "empty name");
	cr_expect_eq(an_filter_test(f, NULL, 0), 1, "no fields");
	cr_expect_eq(an_filter_matches(f, &one, 1), 0, "matches: no includes");
	cr_expect_eq(an_filter_excludes(f, &one, 1), 0, "no excludes");
	an_filter_free(f);
}

Test(filter, null_filter_passes)
{
	an_str one = S("main");

	cr_expect_eq(an_filter_test(NULL, &one, 1), 1, "NULL filter");
	cr_expect_eq(an_filter_is_empty(NULL), 1);
	cr_expect_eq(an_filter_has_includes(NULL), 0);
	cr_expect_eq(an_filter_matches(NULL, &one, 1), 0);
	cr_expect_eq(an_filter_excludes(NULL, &one, 1), 0);
	an_filter_free(NULL);
}

Test(filter, include_matches_either_field)
{
	static const char *const inc[] = {"foo"};
	an_filter *f = make(inc, 1, NULL, 0);
	an_str both[2] = {S("bar"), S("lib/foo.js")};

	cr_expect_eq(an_filter_is_empty(f), 0);
	cr_expect_eq(an_filter_has_includes(f), 1);
	cr_expect_eq(pass2(f, "foo", "x.js"), 1, "name foo");
	cr_expect_eq(pass2(f, "bar", "lib/foo.js"), 1, "url lib/foo.js");
	cr_expect_eq(pass2(f, "myfoobar", NULL), 1, "unanchored: myfoobar");
	cr_expect_eq(pass2(f, "bar", "baz.js"), 0, "bar, baz.js");
	cr_expect_eq(pass2(f, "fo", "o"), 0, "no match across fields");
	cr_expect_eq(an_filter_test(f, NULL, 0), 0, "no fields to match");
	cr_expect_eq(an_filter_matches(f, both, 2), 1, "matches bar/foo.js");
	cr_expect_eq(an_filter_matches(f, both, 1), 0, "only field 0: bar");
	cr_expect_eq(an_filter_excludes(f, both, 2), 0, "no excludes");
	an_filter_free(f);
}

Test(filter, several_includes_are_or)
{
	static const char *const inc[] = {"^alpha$", "^beta$", "gamma"};
	an_filter *f = make(inc, 3, NULL, 0);

	cr_expect_eq(pass2(f, "alpha", NULL), 1, "alpha");
	cr_expect_eq(pass2(f, "beta", NULL), 1, "beta");
	cr_expect_eq(pass2(f, "x", "a/gamma.js"), 1, "gamma in url");
	cr_expect_eq(pass2(f, "alphabeta", NULL), 0, "alphabeta");
	cr_expect_eq(pass2(f, "delta", "d.js"), 0, "delta");
	an_filter_free(f);
}

Test(filter, exclude_wins_over_include)
{
	static const char *const inc[] = {"a"};
	static const char *const exc[] = {"b", "^node:"};
	an_filter *f = make(inc, 1, exc, 2);
	an_str fields[2] = {S("main"), S("node:internal/timers")};

	cr_expect_eq(pass2(f, "ab", NULL), 0, "ab: included and excluded");
	cr_expect_eq(pass2(f, "a", "b.js"), 0, "exclude matches the url");
	cr_expect_eq(pass2(f, "a", "c.js"), 1, "a, c.js");
	cr_expect_eq(pass2(f, "c", "d.js"), 0, "not included");
	cr_expect_eq(an_filter_test(f, fields, 2), 0, "node: url");
	cr_expect_eq(an_filter_excludes(f, fields, 2), 1);
	cr_expect_eq(an_filter_matches(f, fields, 2), 1, "main has an a");
	cr_expect_eq(an_filter_excludes(f, fields, 1), 0, "main alone");
	an_filter_free(f);
}

Test(filter, only_excludes)
{
	static const char *const exc[] = {"^node:", "^\\(idle\\)$"};
	an_filter *f = make(NULL, 0, exc, 2);

	cr_expect_eq(an_filter_is_empty(f), 0);
	cr_expect_eq(an_filter_has_includes(f), 0);
	cr_expect_eq(pass2(f, "x", "node:fs"), 0, "node:fs");
	cr_expect_eq(pass2(f, "(idle)", ""), 0, "(idle)");
	cr_expect_eq(pass2(f, "(idle) x", ""), 1, "(idle) x");
	cr_expect_eq(pass2(f, "main", "file:///node:x.js"), 1, "anchored");
	an_filter_free(f);
}

Test(filter, invalid_regex_is_einval)
{
	static const struct {
		const char *pattern;
		uint64_t offset;
	} cases[] = {
		{"foo(", 4}, {"a[b", 3}, {"x{2,1}", 5}, {"*a", 0},
		{"a\\", 2},  {"[z-a]", 3}, {"\xff", 0},
	};
	an_filter *f = NULL;
	an_error err;
	size_t i;

	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		an_error_clear(&err);
		cr_expect_eq(an_filter_add(f, i % 2 ? AN_FILTER_EXCLUDE :
						      AN_FILTER_INCLUDE,
					   cases[i].pattern, &err),
			     AN_EINVAL, "pattern %s", cases[i].pattern);
		cr_expect_eq(err.code, AN_EINVAL, "pattern %s",
			     cases[i].pattern);
		cr_expect_eq(err.offset, cases[i].offset,
			     "pattern %s: offset %llu", cases[i].pattern,
			     (unsigned long long)err.offset);
		cr_expect_not_null(strstr(err.message, cases[i].pattern),
				   "message '%s' names the pattern %s",
				   err.message, cases[i].pattern);
	}
	/* failed adds leave the filter as it was */
	cr_expect_eq(an_filter_is_empty(f), 1, "after failed adds");
	cr_expect_eq(pass2(f, "anything", NULL), 1);
	cr_expect_eq(an_filter_add(f, AN_FILTER_INCLUDE, "(", NULL), AN_EINVAL,
		     "NULL error record");
	an_filter_free(f);
}

Test(filter, utf8_names)
{
	static const char *const inc[] = {"日本", "^.{2}$", "^caf.$"};
	an_filter *f = make(inc, 3, NULL, 0);
	static const char *const exc[] = {"\\x{1F600}"};
	an_filter *g = make(NULL, 0, exc, 1);

	cr_expect_eq(pass2(f, "x", "file:///東京/日本語.js"), 1, "日本 in url");
	/* UTF mode: "." is one character, not one byte */
	cr_expect_eq(pass2(f, "日本", NULL), 1, "日本");
	cr_expect_eq(pass2(f, "ab", NULL), 1, "ab: 2 characters");
	cr_expect_eq(pass2(f, "東京都", NULL), 0, "3 characters");
	cr_expect_eq(pass2(f, "café", NULL), 1, "café: 4 characters");
	cr_expect_eq(pass2(g, "smile 😀", NULL), 0, "emoji excluded");
	cr_expect_eq(pass2(g, "smile", NULL), 1, "no emoji");
	/* invalid UTF-8 in a name is tolerated, not a crash */
	cr_expect_eq(pass2(f, "\xff\xfe日本", NULL), 1, "invalid UTF-8 + 日本");
	cr_expect_eq(pass2(f, "\xc3", NULL), 0, "truncated sequence");
	an_filter_free(f);
	an_filter_free(g);
}

Test(filter, nul_bytes_match_with_explicit_lengths)
{
	static const char *const inc[] = {"^a\\x00b$"};
	static const char *const tail[] = {"b$"};
	an_filter *f = make(inc, 1, NULL, 0), *g = make(tail, 1, NULL, 0);
	an_str anb = {"a\0b", 3}, a = {"a\0b", 1}, anbc = {"a\0bc", 4};
	an_str empty = {NULL, 0};
	static const char *const any[] = {"^$"};
	an_filter *h = make(any, 1, NULL, 0);

	cr_expect_eq(an_filter_test(f, &anb, 1), 1, "a\\0b (3 bytes)");
	cr_expect_eq(an_filter_test(f, &a, 1), 0, "a (1 byte)");
	cr_expect_eq(an_filter_test(f, &anbc, 1), 0, "a\\0bc");
	/* the bytes after the NUL are part of the name */
	cr_expect_eq(an_filter_test(g, &anb, 1), 1, "b$ on a\\0b");
	cr_expect_eq(an_filter_test(g, &a, 1), 0, "b$ on a");
	/* a NULL pointer with length 0 is the empty string */
	cr_expect_eq(an_filter_test(h, &empty, 1), 1, "^$ on {NULL,0}");
	cr_expect_eq(an_filter_test(h, &a, 1), 0, "^$ on a");
	an_filter_free(f);
	an_filter_free(g);
	an_filter_free(h);
}

Test(filter, case_sensitivity)
{
	static const char *const cs[] = {"foo"};
	static const char *const ci[] = {"(?i)foo", "(?i)^é$"};
	an_filter *f = make(cs, 1, NULL, 0), *g = make(ci, 2, NULL, 0);

	cr_expect_eq(pass2(f, "foo", NULL), 1, "foo");
	cr_expect_eq(pass2(f, "FOO", NULL), 0, "FOO is case-sensitive");
	cr_expect_eq(pass2(f, "Foo", NULL), 0, "Foo is case-sensitive");
	cr_expect_eq(pass2(g, "FOO", NULL), 1, "(?i) FOO");
	cr_expect_eq(pass2(g, "xFoOx", NULL), 1, "(?i) xFoOx");
	cr_expect_eq(pass2(g, "É", NULL), 1, "(?i)é matches É (UTF)");
	cr_expect_eq(pass2(g, "E", NULL), 0, "(?i)é does not match E");
	an_filter_free(f);
	an_filter_free(g);
}

Test(filter, anchors)
{
	static const char *const inc[] = {"^main$"};
	static const char *const js[] = {"\\.js$"};
	an_filter *f = make(inc, 1, NULL, 0), *g = make(js, 1, NULL, 0);

	cr_expect_eq(pass2(f, "main", NULL), 1, "main");
	cr_expect_eq(pass2(f, "mainLoop", NULL), 0, "mainLoop");
	cr_expect_eq(pass2(f, "domain", NULL), 0, "domain");
	cr_expect_eq(pass2(f, "x\nmain", NULL), 0, "^ is not multiline");
	cr_expect_eq(pass2(g, "x", "a.js"), 1, "a.js");
	cr_expect_eq(pass2(g, "x", "a.json"), 0, "a.json");
	cr_expect_eq(pass2(g, "x", "ajs"), 0, "escaped dot");
	an_filter_free(f);
	an_filter_free(g);
}

Test(filter, many_patterns)
{
	an_filter *f = NULL;
	an_error err;
	char pat[32], name[32];
	int i;

	cr_assert_eq(an_filter_new(&f, &err), AN_OK);
	for (i = 0; i < 40; i++) {
		snprintf(pat, sizeof(pat), "^f%d$", i);
		cr_assert_eq(an_filter_add(f, AN_FILTER_INCLUDE, pat, &err),
			     AN_OK, "%s", pat);
		snprintf(pat, sizeof(pat), "^g%d$", i);
		cr_assert_eq(an_filter_add(f, AN_FILTER_EXCLUDE, pat, &err),
			     AN_OK, "%s", pat);
	}
	for (i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		cr_expect_eq(pass2(f, name, NULL), i < 40, "%s", name);
		snprintf(name, sizeof(name), "g%d", i);
		cr_expect_eq(pass2(f, "f0", name), i == 40, "f0 + %s", name);
	}
	an_filter_free(f);
}

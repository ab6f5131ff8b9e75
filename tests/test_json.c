/*
 * test_json.c - the streaming JSON driver (json.c over yajl): event
 * sequences, the number policy, escapes, absolute error offsets for every
 * chunk size, truncation, empty input, the depth limit, and callbacks
 * that stop the parse.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "io/json_int.h"

typedef struct ev {
	an_json_ev type;
	long long i;
	double d;
	char *s; /* malloc'd copy of the string/key (NUL added) */
	size_t len;
	uint64_t off;
	int depth;
} ev;

typedef struct rec {
	ev *v;
	size_t n, cap;
	int keep;            /* store events (else only hash/count) */
	long fail_at;        /* event index that fails, -1 for none */
	int fail_code;       /* status returned there */
	int describe;        /* call an__json_fail() before returning */
	an_error *want_err;  /* expected an__json_err() */
	uint64_t hash;       /* FNV-1a over every event */
	size_t count;
	uint64_t last_off;
	int non_monotonic;   /* an offset went backwards */
} rec;

static void fnv(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ull;
	}
}

static int record(an_json *j, an_json_ev type, const an_json_val *v,
		  void *payload)
{
	rec *r = payload;
	uint64_t off = an__json_offset(j);
	int depth = an__json_depth(j);
	int t = (int)type;

	cr_assert_eq(an__json_err(j), r->want_err, "an__json_err()");
	if (off < r->last_off)
		r->non_monotonic = 1;
	r->last_off = off;
	fnv(&r->hash, &t, sizeof(t));
	fnv(&r->hash, &off, sizeof(off));
	fnv(&r->hash, &depth, sizeof(depth));
	if (type == AN_JSON_INT || type == AN_JSON_BOOL)
		fnv(&r->hash, &v->i, sizeof(v->i));
	if (type == AN_JSON_DOUBLE)
		fnv(&r->hash, &v->d, sizeof(v->d));
	if (type == AN_JSON_STRING || type == AN_JSON_KEY) {
		fnv(&r->hash, &v->len, sizeof(v->len));
		fnv(&r->hash, v->s, v->len);
	}
	if (r->keep) {
		ev *e;
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->v = realloc(r->v, r->cap * sizeof(*r->v));
			cr_assert_not_null(r->v);
		}
		e = &r->v[r->n++];
		memset(e, 0, sizeof(*e));
		e->type = type;
		e->i = v->i;
		e->d = v->d;
		e->off = off;
		e->depth = depth;
		if (type == AN_JSON_STRING || type == AN_JSON_KEY) {
			e->s = malloc(v->len + 1);
			cr_assert_not_null(e->s);
			memcpy(e->s, v->s, v->len);
			e->s[v->len] = '\0';
			e->len = v->len;
		}
	}
	if (r->fail_at >= 0 && r->count == (size_t)r->fail_at) {
		r->count++;
		if (r->describe)
			return an__json_fail(j, r->fail_code,
					     "stopped at event %ld", r->fail_at);
		return r->fail_code;
	}
	r->count++;
	return AN_OK;
}

static void rec_init(rec *r, int keep, an_error *err)
{
	memset(r, 0, sizeof(*r));
	r->keep = keep;
	r->fail_at = -1;
	r->hash = 0xcbf29ce484222325ull;
	r->want_err = err;
}

static void rec_free(rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].s);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

/* Parses len bytes of data with the given chunk limit (0 = none). */
static int parse_mem(const void *data, size_t len, size_t chunk, rec *r,
		     an_error *err)
{
	an_source *src = NULL;
	int rc;

	an_error_clear(err);
	cr_assert_eq(an_source_open_memory(&src, data, len, "json", err),
		     AN_OK);
	if (chunk)
		an_source_set_chunk_limit(src, chunk);
	rc = an__json_parse(src, record, r, err);
	an_source_free(src);
	return rc;
}

static int parse_str(const char *s, size_t chunk, rec *r, an_error *err)
{
	return parse_mem(s, strlen(s), chunk, r, err);
}

static const size_t sweep[] = {0, 1, 2, 3, 7, 31, 4096, 65536};
#define NSWEEP (sizeof(sweep) / sizeof(sweep[0]))

Test(json, every_type_in_order)
{
	/* offsets:  0 {  1-3 "a"  5-8 null  10-12 "b"  14-17 true
	 * 19-21 "c"  23-27 false  29-31 "d"  33-35 -12  37-39 "e"
	 * 41-45 1.5e3  47-49 "f"  51-54 "xy"  56-58 "g"  60-61 []
	 * 63-65 "h"  67-68 {}  69 } */
	static const char doc[] = "{\"a\":null,\"b\":true,\"c\":false,"
				  "\"d\":-12,\"e\":1.5e3,\"f\":\"xy\","
				  "\"g\":[],\"h\":{}}";
	static const struct {
		an_json_ev t;
		const char *s;
		long long i;
		double d;
		uint64_t off;
		int depth;
	} w[] = {
		{AN_JSON_MAP_START, NULL, 0, 0, 1, 0},
		{AN_JSON_KEY, "a", 0, 0, 4, 1},	{AN_JSON_NULL, NULL, 0, 0, 9, 1},
		{AN_JSON_KEY, "b", 0, 0, 13, 1}, {AN_JSON_BOOL, NULL, 1, 0, 18, 1},
		{AN_JSON_KEY, "c", 0, 0, 22, 1}, {AN_JSON_BOOL, NULL, 0, 0, 28, 1},
		{AN_JSON_KEY, "d", 0, 0, 32, 1}, {AN_JSON_INT, NULL, -12, 0, 36, 1},
		{AN_JSON_KEY, "e", 0, 0, 40, 1},
		{AN_JSON_DOUBLE, NULL, 0, 1500.0, 46, 1},
		{AN_JSON_KEY, "f", 0, 0, 50, 1},
		{AN_JSON_STRING, "xy", 0, 0, 55, 1},
		{AN_JSON_KEY, "g", 0, 0, 59, 1},
		{AN_JSON_ARRAY_START, NULL, 0, 0, 61, 1},
		{AN_JSON_ARRAY_END, NULL, 0, 0, 62, 1},
		{AN_JSON_KEY, "h", 0, 0, 66, 1},
		{AN_JSON_MAP_START, NULL, 0, 0, 68, 1},
		{AN_JSON_MAP_END, NULL, 0, 0, 69, 1},
		{AN_JSON_MAP_END, NULL, 0, 0, 70, 0},
	};
	size_t nw = sizeof(w) / sizeof(w[0]), c, k;
	an_error err;
	rec r;

	for (c = 0; c < NSWEEP; c++) {
		rec_init(&r, 1, &err);
		cr_assert_eq(parse_str(doc, sweep[c], &r, &err), AN_OK,
			     "chunk %zu: %s", sweep[c], err.message);
		cr_assert_eq(r.n, nw, "chunk %zu: %zu events", sweep[c], r.n);
		for (k = 0; k < nw; k++) {
			const ev *e = &r.v[k];
			cr_expect(e->type == w[k].t && e->off == w[k].off &&
					  e->depth == w[k].depth &&
					  (!w[k].s || !strcmp(e->s, w[k].s)) &&
					  e->i == w[k].i && e->d == w[k].d,
				  "chunk %zu event %zu: type %d offset %llu "
				  "depth %d i %lld d %g s '%s'",
				  sweep[c], k, (int)e->type,
				  (unsigned long long)e->off, e->depth, e->i,
				  e->d, e->s ? e->s : "");
		}
		rec_free(&r);
	}
}

/* Parses doc (chunk limit `chunk`) and expects `code` at `off`. */
static void expect_fail(const char *doc, size_t chunk, int code,
			uint64_t off)
{
	an_error err;
	rec r;

	rec_init(&r, 0, &err);
	cr_expect_eq(parse_str(doc, chunk, &r, &err), code,
		     "%s (chunk %zu): '%s'", doc, chunk, err.message);
	cr_expect_eq(err.code, code, "%s (chunk %zu)", doc, chunk);
	cr_expect_eq(err.offset, off, "%s (chunk %zu): offset %llu, want %llu",
		     doc, chunk, (unsigned long long)err.offset,
		     (unsigned long long)off);
}

Test(json, integers_and_doubles_are_distinct)
{
	/* [1,2.5,3] is the yajl trap: without a double callback 2.5 would
	 * silently vanish */
	static const char doc[] =
		"[1,2.5,3,-0,1e2,1E-2,0.0,-1.5e-3,9223372036854775807,"
		"-9223372036854775808]";
	static const struct {
		an_json_ev t;
		long long i;
		double d;
	} want[] = {{AN_JSON_INT, 1, 0},	  {AN_JSON_DOUBLE, 0, 2.5},
		    {AN_JSON_INT, 3, 0},	  {AN_JSON_INT, 0, 0},
		    {AN_JSON_DOUBLE, 0, 100.0},   {AN_JSON_DOUBLE, 0, 0.01},
		    {AN_JSON_DOUBLE, 0, 0.0},	  {AN_JSON_DOUBLE, 0, -0.0015},
		    {AN_JSON_INT, INT64_MAX, 0}, {AN_JSON_INT, INT64_MIN, 0}};
	size_t c, k;
	an_error err;
	rec r;

	for (c = 0; c < 3; c++) {
		rec_init(&r, 1, &err);
		cr_assert_eq(parse_str(doc, sweep[c], &r, &err), AN_OK,
			     "chunk %zu: %s", sweep[c], err.message);
		cr_assert_eq(r.n, 12, "chunk %zu: %zu events", sweep[c], r.n);
		for (k = 0; k < 10; k++) {
			const ev *e = &r.v[k + 1];
			cr_expect_eq(e->type, want[k].t, "element %zu", k);
			if (want[k].t == AN_JSON_INT)
				cr_expect_eq(e->i, want[k].i, "element %zu: %lld",
					     k, e->i);
			else
				cr_expect_float_eq(e->d, want[k].d, 1e-15,
						   "element %zu: %g", k, e->d);
		}
		rec_free(&r);
	}
}

Test(json, integer_beyond_int64_is_eparse_at_its_first_byte)
{
	static const struct {
		const char *doc;
		uint64_t off;
	} cases[] = {
		{"[1,99999999999999999999]", 3},
		{"[9223372036854775808]", 1},	 /* INT64_MAX + 1 */
		{"[-9223372036854775809]", 1},	 /* INT64_MIN - 1 */
		{"{\"a\":18446744073709551616}", 5}, /* 2^64 */
		{"99999999999999999999", 0},	 /* ends at EOF */
	};
	const char *path = fx_path("bad/huge_count.cpuprofile");
	size_t len, k, c;
	char *file = fx_slurp(path, &len);
	uint64_t at = (uint64_t)(strstr(file, "99999999999999999999") - file);
	an_error err;
	rec r;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		for (c = 0; c < NSWEEP; c++)
			expect_fail(cases[k].doc, sweep[c], AN_EPARSE,
				    cases[k].off);
	rec_init(&r, 0, &err);
	cr_expect_eq(parse_str(cases[0].doc, 0, &r, &err), AN_EPARSE);
	cr_expect_not_null(strstr(err.message, "integer overflow"), "'%s'",
			   err.message);
	/* "hitCount":99999999999999999999 starts at byte `at` */
	for (c = 0; c < 3; c++) {
		rec_init(&r, 0, &err);
		cr_expect_eq(parse_mem(file, len, sweep[c], &r, &err),
			     AN_EPARSE, "%s", path);
		cr_expect_eq(err.offset, at, "%s chunk %zu: offset %llu, "
			     "number at %llu", path, sweep[c],
			     (unsigned long long)err.offset,
			     (unsigned long long)at);
	}
	free(file);
}

struct chunk_param {
	size_t chunk;
};

ParameterizedTestParameters(json, error_offsets_are_absolute)
{
	static struct chunk_param p[] = {{1}, {2}, {3}, {7}, {31}, {4096}};
	return cr_make_param_array(struct chunk_param, p,
				   sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct chunk_param *p, json, error_offsets_are_absolute)
{
	static const struct {
		const char *doc;
		uint64_t off;
	} cases[] = {
		/* {"nodes":[ 0-9, {"id":1, 10-17, "callFrame": 18-29,
		 * {"functionName": 30-45, "main", 46-52, "url": 53-58,
		 * "" 59-60, }} 61-62, "," 63, '@' 64: yajl consumes the
		 * invalid char, we report the char itself, 64 */
		{"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		 "\"main\",\"url\":\"\"}},@]}", 64},
		/* {"k":[ 0-5, true, 6-10, false, 11-16, nul 17-19, 'x' 20:
		 * the literal breaks at 'x', which is not consumed */
		{"{\"k\":[true,false,nulx]}", 20},
		/* {"name":" 0-8, c a f 9-11, \xc3 12, '(' 13 is not a
		 * continuation byte: offset just past it, 14 */
		{"{\"name\":\"caf\xc3(\"}", 14},
		/* {"a" 0-3, ' ' 4, 1 5: a value where ':' belongs, the
		 * offending token ends at 6 */
		{"{\"a\" 1}", 6},
		/* [1, 0-2, ']' 3 is unexpected after ','; offset 4 */
		{"[1,]", 4},
		/* [1] 0-2, ' ' 3, x 4: trailing garbage, offset 5 */
		{"[1] x", 5},
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		expect_fail(cases[k].doc, p->chunk, AN_EPARSE, cases[k].off);
}

Test(json, truncated_input_is_eparse_at_length)
{
	static const char *const docs[] = {
		"{\"a\":[1,2", "{\"a\":\"unterminated", "[1", "{\"a\":tr",
		"{\"a\"", "{\"a\":1,", "[\"x\\u00"};
	const char *path = fx_path("bad/truncated.cpuprofile");
	size_t d, c, len;
	char *file = fx_slurp(path, &len);
	an_error err;
	rec r;

	for (d = 0; d < sizeof(docs) / sizeof(docs[0]); d++)
		for (c = 0; c < 4; c++)
			expect_fail(docs[d], sweep[c], AN_EPARSE,
				    strlen(docs[d]));
	rec_init(&r, 0, &err);
	cr_expect_eq(parse_str(docs[0], 0, &r, &err), AN_EPARSE);
	cr_expect_not_null(strstr(err.message, "truncated"), "'%s'",
			   err.message);
	rec_init(&r, 0, &err);
	cr_expect_eq(parse_mem(file, len, 7, &r, &err), AN_EPARSE, "%s", path);
	cr_expect_eq(err.offset, len, "%s: offset %llu of %zu bytes", path,
		     (unsigned long long)err.offset, len);
	free(file);

	/* a lone top-level number is only complete at EOF */
	rec_init(&r, 1, &err);
	cr_expect_eq(parse_str("12", 1, &r, &err), AN_OK, "\"12\"");
	cr_assert_eq(r.n, 1, "\"12\"");
	cr_expect_eq(r.v[0].type, AN_JSON_INT);
	cr_expect_eq(r.v[0].i, 12);
	cr_expect_eq(r.v[0].off, 2, "offset of the number 12");
	rec_free(&r);
}

/* A second value after the document is only seen at EOF when it is a
 * number; it is trailing content, not truncation. */
Test(json, trailing_number_is_not_called_truncation)
{
	static const char doc[] = "{\"a\":1} 2";
	an_error err;
	rec r;

	rec_init(&r, 0, &err);
	cr_expect_eq(parse_str(doc, 0, &r, &err), AN_EPARSE, "%s", doc);
	cr_expect_null(strstr(err.message, "truncated"),
		       "%s is complete, but the message is '%s'", doc,
		       err.message);
}

Test(json, empty_input_is_eformat)
{
	const char *path = fx_path("bad/empty.cpuprofile");
	an_source *src = NULL;
	an_error err;
	rec r;

	expect_fail("", 0, AN_EFORMAT, 0);
	rec_init(&r, 0, &err);
	cr_assert_eq(an_source_open_path(&src, path, &err), AN_OK);
	cr_expect_eq(an__json_parse(src, record, &r, &err), AN_EFORMAT, "%s",
		     path);
	cr_expect_eq(r.count, 0, "no events for %s", path);
	an_source_free(src);
	/* whitespace only is not a document either */
	rec_init(&r, 0, &err);
	cr_expect_lt(parse_str(" \n\t", 0, &r, &err), 0, "whitespace only");
}

/* n '[' then n ']' (caller frees) */
static char *nested(size_t n)
{
	char *s = malloc(2 * n + 1);

	cr_assert_not_null(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	return s;
}

Test(json, nesting_beyond_the_limit_is_elimit)
{
	/* MAX_DEPTH in json.c is 4096 */
	char *ok = nested(4096), *deep = nested(4097);
	const char *path = fx_path("bad/deep_nesting.json");
	size_t len, c;
	char *file = fx_slurp(path, &len);
	an_error err;
	rec r;

	rec_init(&r, 0, &err);
	cr_expect_eq(parse_str(ok, 0, &r, &err), AN_OK, "4096 deep: %s",
		     err.message);
	cr_expect_eq(r.count, 2 * 4096, "4096 deep: events");
	for (c = 0; c < 3; c++) {
		/* the 4097th '[' (byte 4096) fails; offset just past it */
		rec_init(&r, 0, &err);
		cr_expect_eq(parse_str(deep, sweep[c], &r, &err), AN_ELIMIT,
			     "4097 deep, chunk %zu", sweep[c]);
		cr_expect_eq(err.offset, 4097, "4097 deep, chunk %zu: %llu",
			     sweep[c], (unsigned long long)err.offset);
		rec_init(&r, 0, &err);
		cr_expect_eq(parse_mem(file, len, sweep[c], &r, &err),
			     AN_ELIMIT, "%s chunk %zu", path, sweep[c]);
		cr_expect_eq(err.offset, 4097, "%s chunk %zu: %llu", path,
			     sweep[c], (unsigned long long)err.offset);
	}
	free(ok);
	free(deep);
	free(file);
}

Test(json, callback_failure_stops_the_parse)
{
	/* { 0, "id" 1-4, : 5, 1 6, "," 7, "x" 8-10, ":" 11, 2.5 12-14:
	 * the DOUBLE (event 4) ends at offset 15 */
	static const char doc[] = "{\"id\":1,\"x\":2.5,\"y\":3}";
	static const int codes[] = {AN_EFORMAT, AN_ELIMIT, AN_EUSER,
				    AN_ECANCELED};
	size_t c, k;
	an_error err;
	rec r;

	for (k = 0; k < 4; k++) {
		for (c = 0; c < 4; c++) {
			rec_init(&r, 1, &err);
			r.fail_at = 4;
			r.fail_code = codes[k];
			r.describe = (k % 2) == 0;
			cr_expect_eq(parse_str(doc, sweep[c], &r, &err),
				     codes[k], "code %d, chunk %zu", codes[k],
				     sweep[c]);
			cr_expect_eq(r.n, 5, "code %d chunk %zu: %zu events",
				     codes[k], sweep[c], r.n);
			cr_expect_eq(r.v[4].type, AN_JSON_DOUBLE);
			cr_expect_eq(err.code, codes[k]);
			cr_expect_eq(err.offset, 15, "code %d chunk %zu: %llu",
				     codes[k], sweep[c],
				     (unsigned long long)err.offset);
			if (r.describe)
				cr_expect_str_eq(err.message,
						 "stopped at event 4");
			else
				cr_expect_str_eq(err.message,
						 an_status_str(codes[k]),
						 "undescribed %d", codes[k]);
			rec_free(&r);
		}
	}
	/* with no error record the status still comes back */
	rec_init(&r, 0, NULL);
	r.fail_at = 4;
	r.fail_code = AN_EFORMAT;
	r.describe = 1;
	cr_expect_eq(parse_str(doc, 0, &r, NULL), AN_EFORMAT, "NULL err");
}

Test(json, offsets_point_just_past_each_token)
{
	/* [ 0, ' ' 1, 1 2, ' ' 3, ',' 4, ' ' 5, "s" 6-8, ' ' 9, ] 10 */
	static const char doc[] = "[ 1 , \"s\" ]";
	static const uint64_t want[] = {1, 3, 9, 11};
	size_t c, k;
	an_error err;
	rec r;

	for (c = 0; c < NSWEEP; c++) {
		rec_init(&r, 1, &err);
		cr_assert_eq(parse_str(doc, sweep[c], &r, &err), AN_OK);
		cr_assert_eq(r.n, 4);
		for (k = 0; k < 4; k++)
			cr_expect_eq(r.v[k].off, want[k],
				     "chunk %zu event %zu: %llu", sweep[c], k,
				     (unsigned long long)r.v[k].off);
		cr_expect_eq(r.non_monotonic, 0);
		rec_free(&r);
	}
}

Test(json, escapes_are_decoded)
{
	static const char doc[] =
		"{\"k\\u00e9y\":[\"a\\nb\",\"caf\\u00e9\",\"\\ud83d\\ude00\","
		"\"\\\"\\\\\\/\\b\\f\\r\\t\",\"a\\u0000b\",\"\xe6\x97\xa5\"]}";
	static const struct {
		const char *s;
		size_t len;
	} want[] = {{"k\xc3\xa9y", 4},	  {"a\nb", 3},
		    {"caf\xc3\xa9", 5},	  {"\xf0\x9f\x98\x80", 4},
		    {"\"\\/\b\f\r\t", 7}, {"a\0b", 3},
		    {"\xe6\x97\xa5", 3}};
	static const size_t idx[] = {1, 3, 4, 5, 6, 7, 8};
	size_t c, k;
	an_error err;
	rec r;

	for (c = 0; c < NSWEEP; c++) {
		rec_init(&r, 1, &err);
		cr_assert_eq(parse_str(doc, sweep[c], &r, &err), AN_OK,
			     "chunk %zu: %s", sweep[c], err.message);
		cr_assert_eq(r.n, 11, "chunk %zu: %zu events", sweep[c], r.n);
		cr_expect_eq(r.v[1].type, AN_JSON_KEY);
		for (k = 0; k < 7; k++) {
			const ev *e = &r.v[idx[k]];
			cr_expect_eq(e->len, want[k].len,
				     "chunk %zu string %zu: len %zu", sweep[c],
				     k, e->len);
			cr_expect_arr_eq(e->s, want[k].s, want[k].len,
					 "chunk %zu string %zu", sweep[c], k);
		}
		rec_free(&r);
	}
}

Test(json, invalid_utf8_in_a_string_is_eparse)
{
	size_t c;

	for (c = 0; c < 4; c++) {
		expect_fail("[\"a\xff b\"]", sweep[c], AN_EPARSE, 4);
		expect_fail("[\"\xc3(\"]", sweep[c], AN_EPARSE, 4);
		expect_fail("[\"\x80\"]", sweep[c], AN_EPARSE, 3);
		expect_fail("{\"\xe6\x97\":1}", sweep[c], AN_EPARSE, 5);
	}
}

static void parse_fixture(const char *rel, size_t chunk, rec *r)
{
	an_source *src = NULL;
	an_error err;

	rec_init(r, 0, &err);
	cr_assert_eq(an_source_open_path(&src, fx_path(rel), &err), AN_OK,
		     "%s", rel);
	if (chunk)
		an_source_set_chunk_limit(src, chunk);
	cr_expect_eq(an__json_parse(src, record, r, &err), AN_OK,
		     "%s chunk %zu: %s", rel, chunk, err.message);
	an_source_free(src);
}

ParameterizedTestParameters(json, same_events_for_every_chunk_size)
{
	static struct chunk_param p[] = {{1},  {2},    {3},    {7},
					 {31}, {4096}, {65536}};
	return cr_make_param_array(struct chunk_param, p,
				   sizeof(p) / sizeof(p[0]));
}

ParameterizedTest(struct chunk_param *p, json,
		  same_events_for_every_chunk_size)
{
	static const char *const files[] = {"cpu/busy_wait.cpuprofile",
					    "cpu/synth_hostile.cpuprofile"};
	size_t f;
	rec whole, chunked;

	for (f = 0; f < 2; f++) {
		parse_fixture(files[f], 0, &whole);
		parse_fixture(files[f], p->chunk, &chunked);
		cr_expect_gt(whole.count, 1000, "%s: %zu events", files[f],
			     whole.count);
		cr_expect_eq(chunked.count, whole.count,
			     "%s chunk %zu: %zu events, %zu unchunked",
			     files[f], p->chunk, chunked.count, whole.count);
		cr_expect_eq(chunked.hash, whole.hash,
			     "%s chunk %zu: event hash differs", files[f],
			     p->chunk);
		cr_expect_eq(chunked.non_monotonic, 0, "%s chunk %zu",
			     files[f], p->chunk);
	}
}

Test(json, gzip_input_reports_decompressed_offsets)
{
	/* gzip -n of {"a":[1,2,@]}: '@' at 10 */
	static const uint8_t bad[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
		0xab, 0x56, 0x4a, 0x54, 0xb2, 0x8a, 0x36, 0xd4, 0x31, 0xd2,
		0x71, 0x88, 0xad, 0x05, 0x00, 0x98, 0xcc, 0xa6, 0xd1, 0x0d,
		0x00, 0x00, 0x00};
	an_error err;
	rec r;

	rec_init(&r, 0, &err);
	cr_expect_eq(parse_mem(bad, sizeof(bad), 3, &r, &err), AN_EPARSE,
		     "gzip of {\"a\":[1,2,@]}: '%s'", err.message);
	cr_expect_eq(err.offset, 10, "decompressed offset, got %llu",
		     (unsigned long long)err.offset);
}

/* A long string, as snapshots hold (source code, payloads): 3 MB of text
 * with escapes and 2-, 3- and 4-byte UTF-8 every few bytes, cut by every
 * chunk size into hundreds of pieces, arrives whole: its decoded length
 * and bytes, and the offsets of the events after it. (yajl re-lexed a
 * string spanning chunks from its start on every chunk: quadratic; the
 * bench measures the time, tests/bench/heap_longstr.sh.) */
#define LONG_REPS 60000
static const char long_unit[] = "ab\\\"c\\n\\u00e9d\xc3\xa9\xe6\x97\xa5"
				"\xf0\x9f\x98\x80\\\\ efghijklmnopqrstuvwx";
static const char long_dec[] = "ab\"c\n\xc3\xa9" "d\xc3\xa9\xe6\x97\xa5"
			       "\xf0\x9f\x98\x80\\ efghijklmnopqrstuvwx";

static char *long_doc(size_t *len, const char *tail)
{
	size_t ul = sizeof(long_unit) - 1, i, n = 0;
	char *d = malloc(ul * LONG_REPS + 64);

	cr_assert_not_null(d);
	memcpy(d, "[1,\"", 4);
	n = 4;
	for (i = 0; i < LONG_REPS; i++, n += ul)
		memcpy(d + n, long_unit, ul);
	memcpy(d + n, tail, strlen(tail));
	n += strlen(tail);
	*len = n;
	return d;
}

Test(json, a_long_string_across_many_chunks_arrives_whole)
{
	static const size_t chunks[] = {0, 7, 4096, 65536, 1000003};
	size_t len, c, i, dl = sizeof(long_dec) - 1;
	char *d = long_doc(&len, "\",\"x\",2]");
	an_error err;
	rec r;

	for (c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		rec_init(&r, 1, &err);
		cr_assert_eq(parse_mem(d, len, chunks[c], &r, &err), AN_OK,
			     "chunk %zu: %s", chunks[c], err.message);
		cr_assert_eq(r.n, 6, "chunk %zu: %zu events", chunks[c], r.n);
		cr_assert_eq(r.v[2].type, AN_JSON_STRING);
		cr_assert_eq(r.v[2].len, dl * LONG_REPS, "chunk %zu: %zu",
			     chunks[c], r.v[2].len);
		for (i = 0; i < LONG_REPS; i++)
			if (memcmp(r.v[2].s + i * dl, long_dec, dl))
				break;
		cr_expect_eq(i, LONG_REPS, "chunk %zu: repeat %zu differs",
			     chunks[c], i);
		/* just past the closing quote, then "x", then 2 */
		cr_expect_eq(r.v[2].off, len - 7, "chunk %zu", chunks[c]);
		cr_expect_eq(r.v[3].off, len - 3, "chunk %zu", chunks[c]);
		cr_expect_str_eq(r.v[3].s, "x");
		cr_expect_eq(r.v[4].i, 2);
		rec_free(&r);
	}
	free(d);
}

/* Strict inside a long string too: a bad escape, a byte that is not
 * UTF-8 and a raw control character near its end are reported at the
 * same byte for every chunk size as for the whole document at once, and
 * so is a string the input cuts short. */
Test(json, errors_late_in_a_long_string_keep_their_offsets)
{
	static const size_t chunks[] = {7, 4096, 65536, 1000003};
	static const struct {
		const char *tail;
		const char *msg;
	} bad[] = {{"ab\\xcd\"]", "malformed JSON: inside a string, '\\' "
				   "occurs before a character which it may "
				   "not"},
		   {"ab\xff\"]", "malformed JSON: invalid bytes in UTF8 "
				 "string"},
		   {"ab\x01\"]", "malformed JSON: invalid character inside "
				 "string"},
		   {"abc", "truncated JSON: input ends inside a value"}};
	size_t b, c, len;

	for (b = 0; b < sizeof(bad) / sizeof(*bad); b++) {
		char *d = long_doc(&len, bad[b].tail);
		uint64_t want;
		an_error err;
		rec r;
		rec_init(&r, 0, &err);
		cr_assert_eq(parse_mem(d, len, 0, &r, &err), AN_EPARSE,
			     "case %zu", b);
		cr_expect_str_eq(err.message, bad[b].msg, "case %zu", b);
		want = err.offset;
		/* at the bad byte ("ab" then it) or, cut short, the end */
		if (b < 3)
			cr_expect(want >= len - strlen(bad[b].tail) + 2 &&
				  want <= len - strlen(bad[b].tail) + 4,
				  "case %zu: %llu of %zu", b,
				  (unsigned long long)want, len);
		else
			cr_expect_eq(want, len, "case %zu", b);
		rec_free(&r);
		for (c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
			rec_init(&r, 0, &err);
			cr_expect_eq(parse_mem(d, len, chunks[c], &r, &err),
				     AN_EPARSE, "case %zu chunk %zu", b,
				     chunks[c]);
			cr_expect_eq(err.offset, want,
				     "case %zu chunk %zu: %llu", b, chunks[c],
				     (unsigned long long)err.offset);
			cr_expect_str_eq(err.message, bad[b].msg,
					 "case %zu chunk %zu", b, chunks[c]);
			rec_free(&r);
		}
		free(d);
	}
}

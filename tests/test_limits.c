/*
 * test_limits.c - hostile input made at run time (too big to commit):
 * shapes whose cost grew faster than the input (a node with 300 000
 * children), nesting a million deep, gzip bombs (bounded memory, a clear
 * error), and counts claimed far beyond the bytes present. Each case
 * names the limit of docs/formats.md ("Limits") it checks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "core/hashtab.h"
#include "fixture.h"

/* A growable string for generated documents (caller frees .s). */
typedef struct gen {
	char *s;
	size_t len, cap;
} gen;

static void put(gen *g, const char *s, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		size_t cap = g->cap ? g->cap : 4096;
		while (cap < g->len + n + 1)
			cap *= 2;
		g->s = realloc(g->s, cap);
		cr_assert_not_null(g->s);
		g->cap = cap;
	}
	memcpy(g->s + g->len, s, n);
	g->len += n;
	g->s[g->len] = '\0';
}

static void puts_(gen *g, const char *s)
{
	put(g, s, strlen(s));
}

static int load_mem(an_profile **p, const void *d, size_t n, size_t chunk,
		    an_error *err)
{
	an_source *src = NULL;
	int rc = an_source_open_memory(&src, d, n, "gen", err);

	cr_assert_eq(rc, AN_OK);
	if (chunk)
		an_source_set_chunk_limit(src, chunk);
	rc = an_profile_load(p, src, NULL, err);
	an_source_free(src);
	return rc;
}

/* A root with `n` children listed in its children array, samples on the
 * first and the last. */
static gen wide_profile(uint32_t n)
{
	gen g = {0};
	char buf[160];
	uint32_t i;

	puts_(&g, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		  "\"(root)\",\"scriptId\":\"0\",\"url\":\"\","
		  "\"lineNumber\":-1,\"columnNumber\":-1},\"children\":[");
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s%u", i ? "," : "", i + 2);
		puts_(&g, buf);
	}
	puts_(&g, "]}");
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf),
			 ",{\"id\":%u,\"callFrame\":{\"functionName\":\"f%u\","
			 "\"scriptId\":\"1\",\"url\":\"a.js\","
			 "\"lineNumber\":%u,\"columnNumber\":0}}",
			 i + 2, i, i);
		puts_(&g, buf);
	}
	snprintf(buf, sizeof(buf),
		 "],\"startTime\":0,\"endTime\":20,\"samples\":[2,%u],"
		 "\"timeDeltas\":[5,5]}", n + 1);
	puts_(&g, buf);
	return g;
}

/* Placing each child looked it up in its parent's children list: a node
 * with 300 000 children took minutes (80 000: 14 s). Linear now. */
Test(limits, wide_node_loads_in_linear_time, .timeout = 60)
{
	const uint32_t n = 300000;
	gen g = wide_profile(n);
	an_profile *p = NULL;
	an_error err;
	const uint32_t *kids;
	uint32_t nk;

	cr_assert_eq(load_mem(&p, g.s, g.len, 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_node_count(p), n + 1);
	nk = an_profile_node_children(p, 0, &kids);
	cr_assert_eq(nk, n, "root has %u children", nk);
	/* children keep the children-list order, each once */
	cr_expect_eq(an_profile_node_id(p, kids[0]), 2);
	cr_expect_eq(an_profile_node_id(p, kids[n / 2]), n / 2 + 2);
	cr_expect_eq(an_profile_node_id(p, kids[n - 1]), n + 1);
	cr_expect_eq(an_profile_max_depth(p), 1);
	cr_expect_eq(an_profile_sample_count(p), 2);
	an_profile_free(p);
	free(g.s);
}

/* A child given both ways (in its parent's children and with a parent
 * id, as in traces) is placed once, in children-list order, and the
 * parent-only ones after it in node order. */
Test(limits, child_given_both_ways_is_placed_once)
{
	static const char doc[] =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		"\"(root)\"},\"children\":[4,2]},"
		"{\"id\":2,\"parent\":1,"
		"\"callFrame\":{\"functionName\":\"b\"}},"
		"{\"id\":3,\"parent\":1,"
		"\"callFrame\":{\"functionName\":\"c\"}},"
		"{\"id\":4,\"callFrame\":{\"functionName\":\"a\"}}],"
		"\"startTime\":0,\"endTime\":1,\"samples\":[3],"
		"\"timeDeltas\":[1]}";
	an_profile *p = NULL;
	an_error err;
	const uint32_t *kids;

	cr_assert_eq(load_mem(&p, doc, strlen(doc), 0, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_profile_node_children(p, 0, &kids), 3);
	cr_expect_eq(an_profile_node_id(p, kids[0]), 4);
	cr_expect_eq(an_profile_node_id(p, kids[1]), 2);
	cr_expect_eq(an_profile_node_id(p, kids[2]), 3);
	an_profile_free(p);
}

/* "{\"a\":" n times, then 1 and n '}' (caller frees) */
static gen deep_objects(size_t n, const char *head, const char *tail)
{
	gen g = {0};
	size_t i;

	puts_(&g, head);
	for (i = 0; i < n; i++)
		put(&g, "{\"a\":", 5);
	put(&g, "1", 1);
	for (i = 0; i < n; i++)
		put(&g, "}", 1);
	puts_(&g, tail);
	return g;
}

/* Nesting a million deep stops at the 4097th level (json.c MAX_DEPTH),
 * on the heap, in every loader: the C stack is never involved. */
Test(limits, nesting_a_million_deep_stops_at_the_depth_limit)
{
	const size_t n = 1000000;
	gen top = deep_objects(n, "", "");
	gen cpu = deep_objects(n, "{\"nodes\":[],\"x\":", "}");
	gen heap = deep_objects(n, "{\"snapshot\":", "}");
	an_profile *p = NULL;
	an_heap *h = NULL;
	an_source *src = NULL;
	an_error err;

	/* 4097 objects open: the 4097th '{' is byte 5 * 4096 */
	cr_expect_eq(load_mem(&p, top.s, top.len, 0, &err), AN_ELIMIT, "%s",
		     err.message);
	cr_expect_eq(err.offset, 5 * 4096 + 1, "%llu",
		     (unsigned long long)err.offset);
	cr_expect_not_null(strstr(err.message, "4096"), "%s", err.message);
	cr_expect_eq(load_mem(&p, cpu.s, cpu.len, 7, &err), AN_ELIMIT, "%s",
		     err.message);
	cr_expect_eq(err.offset, 16 + 5 * 4095 + 1, "%llu",
		     (unsigned long long)err.offset);
	cr_assert_eq(an_source_open_memory(&src, heap.s, heap.len, "h", &err),
		     AN_OK);
	cr_expect_eq(an_heap_load(&h, src, NULL, &err), AN_ELIMIT, "%s",
		     err.message);
	cr_expect_null(h);
	an_source_free(src);
	free(top.s);
	free(cpu.s);
	free(heap.s);
}

/* Inverse of murmur3's fmix64 (core/hashtab.h an__ht_mix64). */
static uint64_t unxorshift33(uint64_t x)
{
	return x ^ (x >> 33);
}

static uint64_t inverse_mix64(uint64_t h)
{
	/* multiplicative inverses of fmix64's constants mod 2^64 */
	const uint64_t i1 = 0x4f74430c22a54005ull; /* 0xff51afd7ed558ccd */
	const uint64_t i2 = 0x9cb4b2f8129337dbull; /* 0xc4ceb9fe1a85ec53 */

	h = unxorshift33(h);
	h *= i2;
	h = unxorshift33(h);
	h *= i1;
	return unxorshift33(h);
}

/* Node ids whose hashes all had the same home slot (hash (a << 32 | a):
 * its halves xor to 0): 40 000 of them took 6.6 s, quadratic in the
 * count; the table's random seed spreads them now. */
Test(limits, crafted_colliding_ids_load_in_linear_time, .timeout = 60)
{
	const uint32_t n = 200000;
	gen g = {0};
	char buf[160];
	int64_t *ids = calloc(n, sizeof(*ids));
	uint64_t a;
	uint32_t i = 0;
	an_profile *p = NULL;
	an_error err;

	cr_assert_not_null(ids);
	cr_assert_eq(inverse_mix64(an__ht_mix64(12345)), 12345);
	for (a = 1; i < n; a++) {
		uint64_t x = inverse_mix64(a << 32 | a);
		if (x > 1 && x <= INT64_MAX)
			ids[i++] = (int64_t)x;
	}
	puts_(&g, "{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		  "\"(root)\"},\"children\":[");
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s%lld", i ? "," : "",
			 (long long)ids[i]);
		puts_(&g, buf);
	}
	puts_(&g, "]}");
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf),
			 ",{\"id\":%lld,\"callFrame\":"
			 "{\"functionName\":\"f\"}}",
			 (long long)ids[i]);
		puts_(&g, buf);
	}
	snprintf(buf, sizeof(buf),
		 "],\"startTime\":0,\"endTime\":9,\"samples\":[%lld],"
		 "\"timeDeltas\":[1]}", (long long)ids[n - 1]);
	puts_(&g, buf);
	cr_assert_eq(load_mem(&p, g.s, g.len, 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_node_count(p), n + 1);
	cr_expect_eq(an_profile_sample_count(p), 1);
	cr_expect_eq(an_profile_node_id(p, an_profile_sample_node(p, 0)),
		     ids[n - 1]);
	an_profile_free(p);
	free(ids);
	free(g.s);
}

/* gzip of `head`, then n bytes of byte `fill`, then `tail`. */
static gen gzip_bomb(const char *head, uint64_t n, int fill,
		     const char *tail)
{
	gen g = {0};
	z_stream z;
	static unsigned char in[1 << 20], out[1 << 16];
	uint64_t left = n;
	int stage = 0, rc;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 9,
				  Z_DEFAULT_STRATEGY), Z_OK);
	memset(in, fill, sizeof(in));
	do {
		int flush = Z_NO_FLUSH;
		if (stage == 0) {
			z.next_in = (unsigned char *)(uintptr_t)head;
			z.avail_in = (uInt)strlen(head);
			stage = 1;
		} else if (stage == 1 && left) {
			uInt k = left < sizeof(in) ? (uInt)left : sizeof(in);
			z.next_in = in;
			z.avail_in = k;
			left -= k;
		} else if (stage == 1) {
			z.next_in = (unsigned char *)(uintptr_t)tail;
			z.avail_in = (uInt)strlen(tail);
			stage = 2;
			flush = Z_FINISH;
		} else {
			flush = Z_FINISH;
		}
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			rc = deflate(&z, flush);
			cr_assert(rc == Z_OK || rc == Z_STREAM_END ||
				  rc == Z_BUF_ERROR);
			put(&g, (const char *)out, sizeof(out) - z.avail_out);
		} while (z.avail_out == 0);
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
	return g;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A gzip bomb: 250 KB expanding to 256 MiB of spaces. It is inflated as
 * it is parsed, never held: the load ends with a clear error at the end
 * of the decompressed bytes, in bounded memory (this test's whole peak
 * RSS stays far below the 256 MiB). */
Test(limits, gzip_bomb_of_spaces_is_a_clear_error_in_bounded_memory)
{
	const uint64_t n = 256ull << 20;
	gen g = gzip_bomb("", n, ' ', "");
	an_source *src = NULL;
	an_profile *p = NULL;
	an_heap *h = NULL;
	an_error err;

	cr_assert_lt(g.len, 300000, "bomb is %zu bytes", g.len);
	cr_assert_eq(an_source_open_memory(&src, g.s, g.len, "bomb", &err),
		     AN_OK);
	cr_expect_eq(an_profile_load(&p, src, NULL, &err), AN_EFORMAT, "%s",
		     err.message);
	cr_expect_eq(err.offset, n, "offset %llu",
		     (unsigned long long)err.offset);
	cr_expect_str_eq(err.message, "no JSON value: the input is "
				      "268435456 bytes of whitespace");
	an_source_free(src);
	cr_assert_eq(an_source_open_memory(&src, g.s, g.len, "bomb", &err),
		     AN_OK);
	cr_expect_eq(an_heap_load(&h, src, NULL, &err), AN_EFORMAT);
	cr_expect_eq(err.offset, n, "heap: offset %llu (%s)",
		     (unsigned long long)err.offset, err.message);
	cr_expect_str_eq(err.message, "no JSON value: the input is "
				      "268435456 bytes of whitespace");
	cr_expect_null(h);
	an_source_free(src);
	cr_expect_lt(peak_rss_kb(), 160 * 1024, "peak RSS %ld KB",
		     peak_rss_kb());
	free(g.s);
}

/* Whitespace only, uncompressed: the same message, at its end. */
Test(limits, whitespace_only_says_so)
{
	an_profile *p = NULL;
	an_error err;

	cr_expect_eq(load_mem(&p, " \n\t\r ", 5, 0, &err), AN_EFORMAT);
	cr_expect_eq(err.offset, 5);
	cr_expect_str_eq(err.message,
			 "no JSON value: the input is 5 bytes of whitespace");
	/* a value that begins is truncated, not whitespace */
	cr_expect_eq(load_mem(&p, "  \"abc", 6, 0, &err), AN_EPARSE);
	cr_expect_not_null(strstr(err.message, "truncated"), "%s",
			   err.message);
}

/* tiny.heapsnapshot with node_count and edge_count replaced; gzipped
 * when asked (its size is then unknown to the loader). */
static int load_claiming(const char *counts, int gz, an_error *err,
			 uint64_t *meta_end)
{
	size_t len;
	char *tiny = fx_slurp(fx_path("heap/tiny.heapsnapshot"), &len);
	const char *old = "\"node_count\":17,\"edge_count\":30";
	char *at = strstr(tiny, old), *end;
	gen g = {0}, z = {0};
	an_source *src = NULL;
	an_heap *h = NULL;
	int rc;

	cr_assert_not_null(at);
	put(&g, tiny, (size_t)(at - tiny));
	puts_(&g, counts);
	puts_(&g, at + strlen(old));
	/* the offset is just past the snapshot value's '}' */
	end = strstr(g.s, "\"nodes\"");
	cr_assert_not_null(end);
	while (end > g.s && *end != '}')
		end--;
	*meta_end = (uint64_t)(end - g.s) + 1;
	if (gz) {
		z = gzip_bomb(g.s, 0, ' ', "");
		rc = an_source_open_memory(&src, z.s, z.len, "gz", err);
	} else {
		rc = an_source_open_memory(&src, g.s, g.len, "plain", err);
	}
	cr_assert_eq(rc, AN_OK);
	rc = an_heap_load(&h, src, NULL, err);
	cr_expect_null(h);
	an_heap_free(h);
	an_source_free(src);
	free(g.s);
	free(z.s);
	free(tiny);
	return rc;
}

/* A snapshot that claims 2^31 nodes (or edges) in 2 KB is refused when
 * its meta has been read, before anything is sized by the claim; it
 * was refused only after its nodes (or edges) were read. */
Test(limits, counts_beyond_the_bytes_present_are_refused_at_the_meta)
{
	an_error err;
	uint64_t end;

	cr_expect_eq(load_claiming("\"node_count\":2147483648,"
				   "\"edge_count\":30", 0, &err, &end),
		     AN_EFORMAT, "%s", err.message);
	cr_expect_eq(err.offset, end, "%llu, want %llu",
		     (unsigned long long)err.offset, (unsigned long long)end);
	cr_expect_not_null(strstr(err.message, "declares 2147483648 nodes "
					       "and 30 edges"),
			   "%s", err.message);
	cr_expect_not_null(strstr(err.message, "bytes can hold"), "%s",
			   err.message);
	cr_expect_eq(load_claiming("\"node_count\":17,"
				   "\"edge_count\":2147483648", 0, &err, &end),
		     AN_EFORMAT, "%s", err.message);
	cr_expect_eq(err.offset, end);
	/* as many as the bytes can hold: the usual count mismatch later */
	cr_expect_eq(load_claiming("\"node_count\":18,\"edge_count\":30", 0,
				   &err, &end),
		     AN_EFORMAT, "%s", err.message);
	cr_expect_gt(err.offset, end);
}

/* Gzip or a pipe: the size is unknown, so the claim is checked against
 * the machine's memory (37 bytes a node and 9 an edge at least). */
Test(limits, counts_beyond_memory_are_refused_at_the_meta)
{
	an_error err;
	uint64_t end, mem = (uint64_t)sysconf(_SC_PHYS_PAGES) *
			    (uint64_t)sysconf(_SC_PAGESIZE);
	char counts[96];

	/* 4294967292 nodes need 148 GiB: more than this machine has */
	cr_assert_lt(mem, 4294967292ull * 37, "a machine this big");
	cr_expect_eq(load_claiming("\"node_count\":4294967292,"
				   "\"edge_count\":30", 1, &err, &end),
		     AN_ELIMIT, "%s", err.message);
	cr_expect_eq(err.offset, end);
	cr_expect_not_null(strstr(err.message, "MiB of memory"), "%s",
			   err.message);
	/* a claim that fits the memory goes on to the usual mismatch */
	snprintf(counts, sizeof(counts),
		 "\"node_count\":%llu,\"edge_count\":30",
		 (unsigned long long)(mem / 37 / 4));
	cr_expect_eq(load_claiming(counts, 1, &err, &end), AN_EFORMAT, "%s",
		     err.message);
	cr_expect_gt(err.offset, end);
}

/* A heap snapshot (tiny's meta) of a root and a chain of n objects:
 * root -element-> o1 -p-> o2 -p-> ... -p-> on. */
static gen heap_chain(uint32_t n)
{
	size_t len;
	char *tiny = fx_slurp(fx_path("heap/tiny.heapsnapshot"), &len);
	char *meta = strstr(tiny, "\"node_count\"");
	char buf[96];
	gen g = {0};
	uint32_t i;

	cr_assert_not_null(meta);
	put(&g, tiny, (size_t)(meta - tiny));
	snprintf(buf, sizeof(buf),
		 "\"node_count\":%u,\"edge_count\":%u},\n\"nodes\":[", n + 1,
		 n);
	puts_(&g, buf);
	/* type,name,id,self_size,edge_count,trace_node_id,detachedness;
	 * types 9 synthetic, 3 object; strings 0 "", 1 "Obj", 2 "p" */
	puts_(&g, "9,0,1,0,1,0,0");
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), ",3,1,%u,16,%u,0,0", 3 + 2 * i,
			 i + 1 < n ? 1 : 0);
		puts_(&g, buf);
	}
	/* type 1 element, 2 property; to_node = ordinal * 7 */
	puts_(&g, "],\n\"edges\":[1,0,7");
	for (i = 1; i < n; i++) {
		snprintf(buf, sizeof(buf), ",2,2,%u", 7 * (i + 1));
		puts_(&g, buf);
	}
	puts_(&g, "],\"locations\":[],\"strings\":[\"\",\"Obj\",\"p\"]}");
	free(tiny);
	return g;
}

/* The retainer chain from the end of a 500 000-long chain to the root:
 * each step looked for its node among all the steps before (seconds at
 * 100 000, minutes at 400 000); a hash of the steps now. */
Test(limits, long_retainer_chain_is_linear, .timeout = 60)
{
	const uint32_t n = 500000;
	gen g = heap_chain(n);
	an_source *src = NULL;
	an_heap *h = NULL;
	an_heap_retainer *r = NULL;
	an_error err;
	uint32_t len = 0, last;

	cr_assert_eq(an_source_open_memory(&src, g.s, g.len, "chain", &err),
		     AN_OK);
	cr_assert_eq(an_heap_load(&h, src, NULL, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_heap_node_count(h), n + 1);
	last = an_heap_find_id(h, 3 + 2 * (uint64_t)(n - 1));
	cr_assert_eq(last, n);
	cr_assert_eq(an_heap_retainer_chain(&r, &len, h, last, 0, 0, &err),
		     AN_OK, "%s", err.message);
	/* o_n back to o_1 (distance 1: it ends there) */
	cr_expect_eq(len, n - 1, "%u steps", len);
	cr_expect_eq(r[0].from, n - 1);
	cr_expect_eq(r[len - 1].from, 1);
	an_heap_retainers_free(r);
	an_heap_free(h);
	an_source_free(src);
	free(g.s);
}

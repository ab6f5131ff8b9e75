/*
 * test_heapapi.c - the heap API's shape: node and edge kinds mapped from
 * the snapshot's type names, the loader's options (progress callback,
 * cancelation, limits), and out-of-memory reported as a status.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <sys/stat.h>

#include "fixture.h"
#include "mini_snapshot.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heapapi, .fini = fini, .timeout = 120);

static an_heap *must_load_str(const char *json)
{
	an_heap *h = NULL;
	an_error err;
	int rc = fx_load_heap_mem(&h, json, strlen(json), 0, &err);

	cr_assert_eq(rc, AN_OK, "%d %s (byte %llu)", rc, err.message,
		     (unsigned long long)err.offset);
	return h;
}

/* tiny.heapsnapshot's nodes by ordinal (test_heap.c's T_* list) */
enum { T_ROOT = 0, T_GLOBAL = 2, T_TABLE = 4, T_KEY = 5, T_HELLO = 7,
       T_PROPS = 8, T_ONTICK = 9, T_CONTEXT = 10, T_EXTSTR = 11,
       T_EXTDATA = 12 };

Test(heapapi, kinds_of_the_tiny_snapshot)
{
	uint32_t first;

	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
	cr_expect_eq(an_heap_node_kind_of(heap, T_ROOT),
		     AN_HEAP_NODE_SYNTHETIC);
	cr_expect_eq(an_heap_node_kind_of(heap, T_TABLE), AN_HEAP_NODE_ARRAY);
	cr_expect_eq(an_heap_node_kind_of(heap, T_KEY), AN_HEAP_NODE_OBJECT);
	cr_expect_eq(an_heap_node_kind_of(heap, T_HELLO), AN_HEAP_NODE_STRING);
	cr_expect_eq(an_heap_node_kind_of(heap, T_ONTICK),
		     AN_HEAP_NODE_CLOSURE);
	cr_expect_eq(an_heap_node_kind_of(heap, T_EXTSTR), AN_HEAP_NODE_STRING);
	cr_expect_eq(an_heap_node_kind_of(heap, T_PROPS), AN_HEAP_NODE_HIDDEN);
	cr_expect_eq(an_heap_node_kind_of(heap, T_EXTDATA),
		     AN_HEAP_NODE_NATIVE);
	cr_assert_eq(an_heap_node_edges(heap, T_GLOBAL, &first), 6);
	cr_expect_eq(an_heap_edge_kind_of(heap, first), AN_HEAP_EDGE_PROPERTY);
	cr_expect_eq(an_heap_edge_kind_of(heap, first + 5),
		     AN_HEAP_EDGE_INTERNAL);
	cr_expect_eq(an_heap_edge_kind_of(heap, 11), AN_HEAP_EDGE_WEAK);
	cr_expect_eq(an_heap_edge_kind_of(heap, 21), AN_HEAP_EDGE_HIDDEN);
	cr_expect_eq(an_heap_edge_kind_of(heap, 3), AN_HEAP_EDGE_ELEMENT);
}

/* The kind follows the type's name, not its position in meta's list, and
 * an unknown name is OTHER with its string kept. */
Test(heapapi, kinds_by_name_and_unknown_types)
{
	static const char j[] =
		"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\","
		"\"id\",\"self_size\",\"edge_count\"],\"node_types\":[["
		"\"object\",\"mystery node\",\"synthetic\"],\"string\","
		"\"number\",\"number\",\"number\"],\"edge_fields\":[\"type\","
		"\"name_or_index\",\"to_node\"],\"edge_types\":[[\"shortcut\","
		"\"odd edge\",\"weak\"],\"string_or_number\",\"node\"]},"
		"\"node_count\":3,\"edge_count\":2},"
		"\"nodes\":[2,0,1,0,2, 0,1,3,10,0, 1,2,5,4,0],"
		"\"edges\":[0,3,5, 1,3,10],"
		"\"strings\":[\"\",\"Foo\",\"X\",\"g\"]}";

	heap = must_load_str(j);
	cr_expect_eq(an_heap_node_kind_of(heap, 0), AN_HEAP_NODE_SYNTHETIC);
	cr_expect_eq(an_heap_node_kind_of(heap, 1), AN_HEAP_NODE_OBJECT);
	cr_expect_eq(an_heap_node_kind_of(heap, 2), AN_HEAP_NODE_OTHER);
	cr_expect_str_eq(an_heap_node_type(heap, 2), "mystery node");
	cr_expect_str_eq(an_heap_node_type(heap, 1), "object");
	cr_expect_eq(an_heap_edge_kind_of(heap, 0), AN_HEAP_EDGE_SHORTCUT);
	cr_expect_eq(an_heap_edge_kind_of(heap, 1), AN_HEAP_EDGE_OTHER);
	cr_expect_str_eq(an_heap_edge_type(heap, 1), "odd edge");
}

/* Every node's kind agrees with its type name on a real snapshot. */
Test(heapapi, kinds_agree_with_type_names)
{
	static const char *const names[] = {
		"hidden", "array", "string", "object", "code", "closure",
		"regexp", "number", "native", "synthetic",
		"concatenated string", "sliced string", "symbol", "bigint",
		"object shape"
	};
	uint32_t n, count, seen[16] = {0};

	heap = fx_must_load_heap(fx_heap_rel("leak"));
	count = an_heap_node_count(heap);
	for (n = 0; n < count; n++) {
		an_heap_node_kind k = an_heap_node_kind_of(heap, n);
		cr_assert_lt((unsigned)k, 16u);
		seen[k]++;
		if (k != AN_HEAP_NODE_OTHER)
			cr_assert_str_eq(an_heap_node_type(heap, n), names[k],
					 "node %u", n);
	}
	cr_expect_eq(seen[AN_HEAP_NODE_OTHER], 0);
	cr_expect_gt(seen[AN_HEAP_NODE_CLOSURE], 0);
	cr_expect_gt(seen[AN_HEAP_NODE_OBJECT_SHAPE] +
			     seen[AN_HEAP_NODE_HIDDEN], 0);
}

/* ---- loader options: progress, cancelation, limits ---- */

typedef struct calls {
	uint64_t done[4096];
	uint64_t total[4096];
	unsigned n;
	unsigned cancel_at;      /* cancel on this call (1-based), 0 never */
} calls;

static int record(uint64_t done, uint64_t total, void *payload)
{
	calls *c = payload;

	if (c->n < 4096) {
		c->done[c->n] = done;
		c->total[c->n] = total;
	}
	c->n++;
	return c->cancel_at && c->n >= c->cancel_at;
}

/* fixtures/<rel> (gzip) inflated into a temporary file; caller unlinks */
static char *inflate_to_tmp(const char *rel)
{
	static char path[] = "/tmp/an_heapapi_XXXXXX";
	gzFile in = gzopen(fx_path(rel), "rb");
	int fd = mkstemp(path);
	char buf[65536];
	int n;

	cr_assert_not_null(in);
	cr_assert_geq(fd, 0);
	while ((n = gzread(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(fd, buf, (size_t)n), n);
	gzclose(in);
	close(fd);
	return path;
}

static uint64_t size_of(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return (uint64_t)st.st_size;
}

/* Calls: more than one, done strictly increasing, total the file's size,
 * the last one at the total. */
static void expect_progress(const calls *c, uint64_t size, const char *what,
			    unsigned min_calls)
{
	unsigned i;

	cr_assert_geq(c->n, min_calls, "%s: %u calls", what, c->n);
	cr_assert_leq(c->n, 4096, "%s", what);
	for (i = 0; i < c->n; i++) {
		cr_expect_eq(c->total[i], size, "%s: call %u total %llu", what,
			     i, (unsigned long long)c->total[i]);
		if (i)
			cr_expect_gt(c->done[i], c->done[i - 1],
				     "%s: call %u: %llu after %llu", what, i,
				     (unsigned long long)c->done[i],
				     (unsigned long long)c->done[i - 1]);
	}
	cr_expect_eq(c->done[c->n - 1], size, "%s: ends at %llu of %llu",
		     what, (unsigned long long)c->done[c->n - 1],
		     (unsigned long long)size);
}

static int load_heap_opts(an_heap **out, const char *path,
			  const an_heap_load_opts *o, an_error *err)
{
	an_source *src = NULL;
	int rc = an_source_open_path(&src, path, err);

	if (rc == AN_OK)
		rc = an_heap_load(out, src, o, err);
	an_source_free(src);
	return rc;
}

static int load_profile_opts(an_profile **out, const char *path,
			     const an_profile_load_opts *o, an_error *err)
{
	an_source *src = NULL;
	int rc = an_source_open_path(&src, path, err);

	if (rc == AN_OK)
		rc = an_profile_load(out, src, o, err);
	an_source_free(src);
	return rc;
}

Test(heapapi, progress_of_a_plain_snapshot)
{
	char *path = inflate_to_tmp("heap/leak.heapsnapshot.gz");
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	static calls c;
	an_error err;
	uint64_t size = size_of(path);
	int rc;

	o.progress = record;
	o.payload = &c;
	rc = load_heap_opts(&heap, path, &o, &err);
	unlink(path);
	cr_assert_eq(rc, AN_OK, "%s", err.message);
	/* at most one call per 1/64th or MiB: a few MB give several */
	cr_expect_gt(size, 4u << 20);
	expect_progress(&c, size, "plain", 4);
	cr_expect_leq(c.n, 66);
	cr_expect_eq(an_heap_node_count(heap), 56204);
}

Test(heapapi, progress_of_a_gzip_snapshot_counts_compressed_bytes)
{
	const char *path = fx_path("heap/leak.heapsnapshot.gz");
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	static calls c;
	an_error err;
	uint64_t size = size_of(path);

	o.progress = record;
	o.payload = &c;
	cr_assert_eq(load_heap_opts(&heap, path, &o, &err), AN_OK, "%s",
		     err.message);
	expect_progress(&c, size, "gzip", 2);
}

Test(heapapi, progress_of_a_memory_source_and_a_profile)
{
	const char *path = fx_path("cpu/synth_small.cpuprofile.gz");
	an_profile_load_opts o = AN_PROFILE_LOAD_OPTS_INIT;
	an_profile *p = NULL;
	an_source *src = NULL;
	static calls c;
	an_error err;
	size_t len;
	char *data = fx_slurp(path, &len);

	o.progress = record;
	o.payload = &c;
	cr_assert_eq(an_source_open_memory(&src, data, len, "m", &err), AN_OK);
	cr_expect_eq(an_source_size(src), len);
	cr_assert_eq(an_profile_load(&p, src, &o, &err), AN_OK, "%s",
		     err.message);
	expect_progress(&c, len, "profile", 1);
	cr_expect_gt(an_profile_sample_count(p), 0);
	an_profile_free(p);
	an_source_free(src);
	free(data);
}

Test(heapapi, canceled_by_the_progress_callback)
{
	char *path = inflate_to_tmp("heap/leak.heapsnapshot.gz");
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	static calls c;
	an_error err;
	int rc;

	c.cancel_at = 2;
	o.progress = record;
	o.payload = &c;
	rc = load_heap_opts(&heap, path, &o, &err);
	unlink(path);
	cr_expect_eq(rc, AN_ECANCELED, "%d %s", rc, err.message);
	cr_expect_eq(err.code, AN_ECANCELED);
	cr_expect_null(heap);
	cr_expect_eq(c.n, 2, "no call after the one that canceled");
}

Test(heapapi, canceled_gzip_and_profile_loads)
{
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	an_profile_load_opts po = AN_PROFILE_LOAD_OPTS_INIT;
	an_profile *p = NULL;
	static calls c, pc;
	an_error err;

	c.cancel_at = 1;
	o.progress = record;
	o.payload = &c;
	cr_expect_eq(load_heap_opts(&heap, fx_path("heap/leak.heapsnapshot.gz"),
				    &o, &err),
		     AN_ECANCELED, "%s", err.message);
	cr_expect_null(heap);
	pc.cancel_at = 1;
	po.progress = record;
	po.payload = &pc;
	cr_expect_eq(load_profile_opts(&p, fx_path("cpu/recursion.cpuprofile"),
				       &po, &err),
		     AN_ECANCELED, "%s", err.message);
	cr_expect_null(p);
}

/* leak: 56204 nodes, so a limit of 56203 refuses it at the meta */
Test(heapapi, limits_below_the_counts_refuse_the_snapshot)
{
	const char *path = fx_path("heap/leak.heapsnapshot.gz");
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	uint32_t edges;
	an_error err;

	o.max_nodes = 56203;
	cr_expect_eq(load_heap_opts(&heap, path, &o, &err), AN_ELIMIT, "%s",
		     err.message);
	cr_expect_null(heap);
	cr_expect_neq(err.offset, AN_NO_OFFSET);
	cr_expect_gt(err.offset, 0);
	cr_expect_not_null(strstr(err.message, "56204 nodes"), "%s",
			   err.message);
	/* at the count itself it loads */
	o.max_nodes = 56204;
	cr_assert_eq(load_heap_opts(&heap, path, &o, &err), AN_OK, "%s",
		     err.message);
	edges = an_heap_edge_count(heap);
	an_heap_free(heap);
	heap = NULL;
	o.max_nodes = 0;
	o.max_edges = edges - 1;
	cr_expect_eq(load_heap_opts(&heap, path, &o, &err), AN_ELIMIT, "%s",
		     err.message);
	cr_expect_null(heap);
	o.max_edges = edges;
	cr_assert_eq(load_heap_opts(&heap, path, &o, &err), AN_OK, "%s",
		     err.message);
	an_heap_free(heap);
	heap = NULL;
	/* strings: tiny has 35 */
	o.max_edges = 0;
	o.max_strings = 34;
	cr_expect_eq(load_heap_opts(&heap, fx_path("heap/tiny.heapsnapshot"),
				    &o, &err),
		     AN_ELIMIT, "%s", err.message);
	cr_expect_null(heap);
	cr_expect_not_null(strstr(err.message, "more than 34 strings"), "%s",
			   err.message);
	cr_expect_gt(err.offset, 1500);
	o.max_strings = 35;
	cr_expect_eq(load_heap_opts(&heap, fx_path("heap/tiny.heapsnapshot"),
				    &o, &err),
		     AN_OK, "%s", err.message);
}

Test(heapapi, unknown_opts_version_is_einval)
{
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	an_profile_load_opts po = AN_PROFILE_LOAD_OPTS_INIT;
	an_profile *p = NULL;
	an_error err;

	o.version = AN_HEAP_LOAD_OPTS_VERSION + 1;
	cr_expect_eq(load_heap_opts(&heap, fx_path("heap/tiny.heapsnapshot"),
				    &o, &err),
		     AN_EINVAL);
	cr_expect_null(heap);
	po.version = 0;
	cr_expect_eq(load_profile_opts(&p, fx_path("cpu/recursion.cpuprofile"),
				       &po, &err),
		     AN_EINVAL);
	cr_expect_null(p);
}

/* The last raw read is under a reporting step: the end is still
 * reported (tiny.heapsnapshot followed by 256 KiB of blanks, read in
 * 256 KiB pieces: one report at 256 KiB, one at the end). */
Test(heapapi, progress_reports_the_end_of_the_input)
{
	static char path[] = "/tmp/an_heapapi_end_XXXXXX";
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	static calls c;
	static char blanks[256 * 1024];
	size_t len;
	char *tiny = fx_slurp(fx_path("heap/tiny.heapsnapshot"), &len);
	int fd = mkstemp(path), rc;
	an_error err;

	cr_assert_geq(fd, 0);
	memset(blanks, ' ', sizeof(blanks));
	cr_assert_eq(write(fd, tiny, len), (ssize_t)len);
	cr_assert_eq(write(fd, blanks, sizeof(blanks)),
		     (ssize_t)sizeof(blanks));
	close(fd);
	free(tiny);
	o.progress = record;
	o.payload = &c;
	rc = load_heap_opts(&heap, path, &o, &err);
	unlink(path);
	cr_assert_eq(rc, AN_OK, "%s", err.message);
	expect_progress(&c, len + sizeof(blanks), "padded", 2);
	cr_expect_eq(c.done[0], 256 * 1024);
}

/* ---- out of memory is a status, never a different answer ---- */

/* Under a sanitizer (its own allocator) these tests are left out; they
 * run in the Release build, which `make check` (and so CI) runs first. */
#ifndef __SANITIZE_ADDRESS__
#include <pthread.h>

/* glibc's allocator under our own calloc/malloc, which fail while armed
 * for one size, on the arming thread only */
void *__libc_calloc(size_t n, size_t size);
void *__libc_malloc(size_t size);
static size_t fail_calloc_n, fail_malloc_size;
static pthread_t armer;
static unsigned failed;

void *calloc(size_t n, size_t size)
{
	if (fail_calloc_n && n == fail_calloc_n && size == 4 &&
	    pthread_equal(pthread_self(), armer)) {
		failed++;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *malloc(size_t size)
{
	if (fail_malloc_size && size == fail_malloc_size &&
	    pthread_equal(pthread_self(), armer)) {
		failed++;
		return NULL;
	}
	return __libc_malloc(size);
}

/* The Statistics view's JS arrays count an elements store only when its
 * retainer count is known: without memory that is AN_ENOMEM, not JS
 * arrays of 0 (tiny: 32). */
Test(heapapi, statistics_out_of_memory_is_enomem)
{
	an_heap_stats s;
	an_error err;
	int rc;

	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
	cr_assert_eq(an_heap_statistics(&s, heap, &err), AN_OK);
	cr_assert_eq(s.js_arrays, 32);
	armer = pthread_self();
	fail_calloc_n = an_heap_node_count(heap);
	rc = an_heap_statistics(&s, heap, &err);
	fail_calloc_n = 0;
	cr_expect_eq(failed, 1);
	cr_expect_eq(rc, AN_ENOMEM);
	cr_expect_eq(err.code, AN_ENOMEM);
	cr_expect_eq(s.total, 0, "no partial numbers");
}

/* A concatenated string's name needs a stack: without memory that is
 * AN_ENOMEM and an empty buffer, not a silently empty name. */
Test(heapapi, node_name_out_of_memory_is_enomem)
{
	static const char j[] = MINI_META
		"\"node_count\":3,\"edge_count\":3},"
		"\"nodes\":[9,0,1,0,1, 10,0,3,32,2, 2,3,5,16,0],"
		"\"edges\":[5,4,5, 3,1,10, 3,2,10],"
		"\"strings\":[\"\",\"first\",\"second\",\"tail\",\"g\"]}";
	char buf[64];
	size_t len = 99;
	an_error err;
	int rc;

	heap = must_load_str(j);
	cr_assert_eq(an_heap_node_name(buf, sizeof(buf), &len, heap, 1, &err),
		     AN_OK);
	cr_expect_str_eq(buf, "tailtail");
	cr_expect_eq(len, 8);
	armer = pthread_self();
	fail_malloc_size = 64 * sizeof(uint32_t);
	rc = an_heap_node_name(buf, sizeof(buf), &len, heap, 1, &err);
	fail_malloc_size = 0;
	cr_expect_eq(failed, 1);
	cr_expect_eq(rc, AN_ENOMEM);
	cr_expect_eq(len, 0);
	cr_expect_str_eq(buf, "");
}
#endif

/* A concatenated string that is its own first part (a hostile snapshot)
 * has no end: the name stops once the stack is deeper than any acyclic
 * string graph (node count + 1), instead of growing until memory runs
 * out. Hand-run: pop 1, push tail and 1 (stack 2), again (3), again
 * (4 = 3 nodes + 1): the next push would pass it, nothing was written. */
Test(heapapi, concatenated_string_cycle_ends)
{
	static const char j[] = MINI_META
		"\"node_count\":3,\"edge_count\":3},"
		"\"nodes\":[9,0,1,0,1, 10,0,3,32,2, 2,3,5,16,0],"
		"\"edges\":[5,4,5, 3,1,5, 3,2,10],"
		"\"strings\":[\"\",\"first\",\"second\",\"tail\",\"g\"]}";
	char buf[64];
	size_t len = 99;
	an_error err;

	heap = must_load_str(j);
	cr_assert_eq(an_heap_node_name(buf, sizeof(buf), &len, heap, 1, &err),
		     AN_OK, "%s", err.message);
	cr_expect_eq(len, 0);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(an_heap_node_name(buf, sizeof(buf), &len, heap, 3, &err),
		     AN_EINVAL);
}

static int load_info(an_heap_info *out, const char *path, an_error *err)
{
	an_source *src = NULL;
	int rc = an_source_open_path(&src, path, err);

	if (rc < 0)
		return rc;
	rc = an_heap_load_info(out, src, NULL, err);
	an_source_free(src);
	return rc;
}

/* an_heap_load_info() without the dominator tree: tiny's numbers by
 * hand. Total = the sum of the self_size column (every node is in the
 * root's dominator tree), no extra_native_bytes; the one native (4096
 * bytes of "system / ExternalStringData") gives its size to the string
 * that owns it, so native is 0. */
Test(heapapi, info_of_the_tiny_snapshot)
{
	an_heap_info in;
	an_error err;
	const uint32_t *order;

	cr_assert_eq(load_info(&in, fx_path("heap/tiny.heapsnapshot"), &err),
		     AN_OK, "%s", err.message);
	cr_expect_eq(in.nodes, 17);
	cr_expect_eq(in.edges, 30);
	cr_expect_eq(in.total, 40 + 24 + 64 + 32 + 32 + 24 + 24 + 32 + 40 +
				       40 + 4096 + 32 + 16 + 24 + 48);
	cr_expect_eq(in.v8_heap, in.total);
	cr_expect_eq(in.native, 0);
	cr_expect_eq(in.extra_native_bytes, 0);
	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
	cr_expect_eq(in.classes, an_heap_classes(heap, &order));
}

/* ... and on every fixture snapshot the same numbers as the full load */
Test(heapapi, info_agrees_with_the_full_load)
{
	static const char *const base[] = {"tiny", "leak", "baseline",
					   "cleared"};
	size_t i;

	for (i = 0; i < sizeof(base) / sizeof(*base); i++) {
		an_heap_info in;
		an_heap_stats s;
		an_error err;
		const uint32_t *order;
		an_heap *h = fx_must_load_heap(fx_heap_rel(base[i]));
		cr_assert_eq(an_heap_statistics(&s, h, &err), AN_OK);
		cr_assert_eq(load_info(&in, fx_path(fx_heap_rel(base[i])),
				       &err), AN_OK, "%s", base[i]);
		cr_expect_eq(in.nodes, an_heap_node_count(h), "%s", base[i]);
		cr_expect_eq(in.edges, an_heap_edge_count(h), "%s", base[i]);
		cr_expect_eq(in.total, an_heap_total_size(h), "%s", base[i]);
		cr_expect_eq(in.v8_heap, s.v8_heap, "%s", base[i]);
		cr_expect_eq(in.native, s.native, "%s", base[i]);
		cr_expect_eq(in.extra_native_bytes,
			     an_heap_extra_native_bytes(h), "%s", base[i]);
		cr_expect_eq(in.classes, an_heap_classes(h, &order), "%s",
			     base[i]);
		cr_expect_geq(in.classes, 10, "%s", base[i]);
		an_heap_free(h);
	}
}

/* A damaged snapshot: the same error as an_heap_load(), and no numbers */
Test(heapapi, info_of_a_damaged_snapshot_fails_as_the_load)
{
	static const char *const bad[] = {
		"bad/heap/truncated.heapsnapshot.gz",
		"bad/heap/string_index_out_of_range.heapsnapshot",
		"bad/heap/to_node_out_of_range.heapsnapshot"};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		an_heap_info in;
		an_heap *h = NULL;
		an_error e1, e2;
		int rc1 = fx_load_heap(&h, fx_path(bad[i]), 0, &e1);
		int rc2 = load_info(&in, fx_path(bad[i]), &e2);
		cr_expect_lt(rc1, 0, "%s", bad[i]);
		cr_expect_eq(rc2, rc1, "%s", bad[i]);
		cr_expect_eq(e2.offset, e1.offset, "%s", bad[i]);
		cr_expect_str_eq(e2.message, e1.message, "%s", bad[i]);
		cr_expect_eq(in.nodes, 0, "%s", bad[i]);
		cr_expect_eq(in.total, 0, "%s", bad[i]);
	}
}

/*
 * test_heapload.c - the .heapsnapshot loader: the same model whatever the
 * input chunk size, the bad-input corpus with exact statuses and byte
 * offsets (each case at several chunk sizes), faults inside whole records
 * (the integer scanner's fast path), and a file read by two threads.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "mini_snapshot.h"
#include "heap/heap_int.h"

TestSuite(heapload, .timeout = 120);

#define load_file(out, rel, chunk, err)                                       \
	fx_load_heap((out), fx_path(rel), (chunk), (err))
#define must_load(rel) fx_must_load_heap(rel)
#define snapshot_rel(base) fx_heap_rel(base)

/* ---- the same model whatever the chunk size ---- */

static uint64_t fnv_u64(uint64_t d, uint64_t v)
{
	return fx_fnv(d, &v, sizeof(v));
}

static uint64_t fnv_str(uint64_t d, an_str s)
{
	d = fnv_u64(d, s.len);
	return fx_fnv(d, s.ptr, s.len);
}

/* Everything the API exposes, as one number. */
static uint64_t heap_digest(const an_heap *h)
{
	uint64_t d = FX_FNV_INIT;
	const uint32_t *order, *kids;
	uint32_t i, n, first, cnt, e;
	an_heap_stats st;

	d = fnv_u64(d, an_heap_node_count(h));
	d = fnv_u64(d, an_heap_edge_count(h));
	d = fnv_u64(d, an_heap_root(h));
	d = fnv_u64(d, an_heap_total_size(h));
	d = fnv_u64(d, an_heap_extra_native_bytes(h));
	for (i = 0; i < an_heap_node_count(h); i++) {
		d = fx_fnv(d, an_heap_node_type(h, i),
			strlen(an_heap_node_type(h, i)));
		d = fnv_str(d, an_heap_node_raw_name(h, i));
		d = fnv_u64(d, an_heap_node_id(h, i));
		d = fnv_u64(d, an_heap_node_self_size(h, i));
		d = fnv_u64(d, an_heap_node_retained_size(h, i));
		d = fnv_u64(d, an_heap_node_dominator(h, i));
		d = fnv_u64(d, (uint64_t)(int64_t)an_heap_node_distance(h, i));
		d = fnv_u64(d, an_heap_node_class(h, i));
		cnt = an_heap_node_dominated(h, i, &kids);
		d = fx_fnv(d, kids, cnt * sizeof(*kids));
		cnt = an_heap_node_edges(h, i, &first);
		d = fnv_u64(d, first);
		d = fnv_u64(d, cnt);
		for (e = first; e < first + cnt; e++) {
			d = fx_fnv(d, an_heap_edge_type(h, e),
				strlen(an_heap_edge_type(h, e)));
			d = fnv_u64(d, an_heap_edge_target(h, e));
			d = fnv_u64(d, an_heap_edge_is_index(h, e) ?
					       an_heap_edge_index(h, e) :
					       UINT64_MAX);
			d = fnv_str(d, an_heap_edge_name(h, e));
		}
	}
	n = an_heap_classes(h, &order);
	d = fnv_u64(d, n);
	d = fnv_u64(d, an_heap_class_count(h));
	for (i = 0; i < n; i++) {
		const an_heap_class *c = an_heap_class_get(h, order[i]);
		d = fnv_u64(d, order[i]);
		d = fnv_str(d, c->name);
		d = fnv_u64(d, (uint64_t)c->has_location);
		d = fnv_u64(d, c->script_id);
		d = fnv_u64(d, c->line);
		d = fnv_u64(d, c->column);
		d = fnv_u64(d, c->count);
		d = fnv_u64(d, c->self_size);
		d = fnv_u64(d, c->retained_size);
		d = fnv_u64(d, (uint64_t)(int64_t)c->distance);
	}
	cr_assert_eq(an_heap_statistics(&st, h, NULL), AN_OK);
	d = fnv_u64(d, st.total);
	d = fnv_u64(d, st.v8_heap);
	d = fnv_u64(d, st.code);
	d = fnv_u64(d, st.strings);
	d = fnv_u64(d, st.js_arrays);
	d = fnv_u64(d, st.system);
	d = fnv_u64(d, st.native);
	d = fnv_u64(d, st.typed_arrays);
	d = fnv_u64(d, st.other);
	return d;
}

static void check_chunking(const char *base, const size_t *sizes,
			   size_t nsizes)
{
	an_heap *h;
	an_error err;
	uint64_t want, got;
	size_t i;
	int rc;

	h = must_load(snapshot_rel(base));
	want = heap_digest(h);
	an_heap_free(h);
	for (i = 0; i < nsizes; i++) {
		rc = load_file(&h, snapshot_rel(base), sizes[i], &err);
		cr_assert_eq(rc, AN_OK, "%s, chunks of %zu: %s (byte %llu)",
			     base, sizes[i], err.message,
			     (unsigned long long)err.offset);
		got = heap_digest(h);
		an_heap_free(h);
		cr_expect_eq(got, want, "%s, chunks of %zu: digest %016" PRIx64
			     ", whole file %016" PRIx64, base, sizes[i], got,
			     want);
	}
}

Test(heapload, same_model_for_every_chunk_size_tiny)
{
	static const size_t sizes[] = {1, 2, 3, 7, 31, 4096, 65536};

	check_chunking("tiny", sizes, sizeof(sizes) / sizeof(*sizes));
}

/* The full sweep on the 5 MB leak snapshot costs about 3 s under ASan
 * (1-byte chunks included), so it runs on a real snapshot too. */
Test(heapload, same_model_for_every_chunk_size_leak)
{
	static const size_t sizes[] = {1, 2, 3, 7, 31, 4096, 65536};

	check_chunking("leak", sizes, sizeof(sizes) / sizeof(*sizes));
}

/* ---- bad input ---- */

static const size_t bad_chunks[] = {0, 1, 2, 3, 7, 31, 4096};

/* Loads with every chunk size: same status, offset and message each time;
 * returns them for chunk size 0 (whole reads). */
static int load_bad(const char *data, size_t len, const char *rel,
		    an_error *out)
{
	int first = 0;
	size_t i;

	for (i = 0; i < sizeof(bad_chunks) / sizeof(*bad_chunks); i++) {
		an_heap *h = NULL;
		an_error err;
		int rc = rel ? load_file(&h, rel, bad_chunks[i], &err) :
			       fx_load_heap_mem(&h, data, len, bad_chunks[i], &err);
		cr_expect_null(h, "%s: a model on failure",
			       rel ? rel : data);
		an_heap_free(h);
		if (i == 0) {
			first = rc;
			*out = err;
			continue;
		}
		cr_expect_eq(rc, first, "%s, chunks of %zu: status %d, whole "
			     "reads %d", rel ? rel : "string", bad_chunks[i],
			     rc, first);
		cr_expect_eq(err.offset, out->offset,
			     "%s, chunks of %zu: byte %llu, whole reads %llu",
			     rel ? rel : "string", bad_chunks[i],
			     (unsigned long long)err.offset,
			     (unsigned long long)out->offset);
		cr_expect_str_eq(err.message, out->message,
				 "%s, chunks of %zu: \"%s\", whole reads \"%s\"",
				 rel ? rel : "string", bad_chunks[i],
				 err.message, out->message);
	}
	return first;
}

/*
 * Every file of fixtures/bad/heap (see its README) with its status and
 * the byte offset, which points at the offending token where there is
 * one (bytes checked by hand in each file):
 * - values in nodes/edges: the first character of the bad number or
 *   string: beyond_u32 907 = "4294967301" (global's id), float 909 =
 *   "40.5", negative 909 = "-40", unknown_node_type 988 = "42",
 *   string_in_edges / to_node_* 1190 = edge 1's to_node;
 * - node_count_too_small 1151: the first value of the 17th node, the one
 *   beyond the declared 16;
 * - counts only known wrong at the end of the array: the ']' of nodes
 *   (node_count_too_big 1167, nodes_ragged 1165);
 * - edge counts: the edge_count value (1162, Lonely's "1") where the
 *   running sum first passes snapshot.edge_count (31 > 30 and 30 > 29): the
 *   node at fault cannot be known;
 * - meta problems: right after the snapshot value's '}' (missing_meta
 *   70, meta_no_edge_count 840), where the meta is complete; so are
 *   counts the input cannot hold (huge_node_count 870: 4e9 nodes, 2143
 *   bytes), refused before anything is sized by them;
 * - string_index_out_of_range 872: the '[' of nodes. The string count is
 *   only known once "strings" (last) has been read, and node offsets are
 *   not kept, so the nodes array is the closest place;
 * - nodes_before_snapshot 10: the '[' of the nodes value;
 * - truncated: its end (958); truncated.gz: EIO after the 1002 bytes it
 *   could inflate; empty and cpuprofile_as_heap: 0.
 */
static const struct bad_file {
	const char *file;
	int status;
	uint64_t offset;
	const char *message; /* a part of it */
} bad_files[] = {
	{"beyond_u32_in_nodes.heapsnapshot", AN_EFORMAT, 907,
	 "value 4294967301 does not fit 32 bits"},
	{"cpuprofile_as_heap.heapsnapshot", AN_EFORMAT, 0,
	 "this is a cpuprofile, not a heap snapshot"},
	{"edge_count_header_mismatch.heapsnapshot", AN_EFORMAT, 1162,
	 "node edge counts exceed snapshot.edge_count (29)"},
	{"edge_count_sum_mismatch.heapsnapshot", AN_EFORMAT, 1162,
	 "node edge counts exceed snapshot.edge_count (30)"},
	{"empty.heapsnapshot", AN_EFORMAT, 0, "empty input"},
	{"float_in_nodes.heapsnapshot", AN_EFORMAT, 909,
	 "nodes must hold integers, not fractional numbers"},
	{"huge_node_count.heapsnapshot", AN_EFORMAT, 870,
	 "snapshot declares 4000000000 nodes and 30 edges (28000000090 "
	 "numbers), more than its 2143 bytes can hold"},
	{"meta_no_edge_count.heapsnapshot", AN_EFORMAT, 840,
	 "node_fields lacks type, name, id, self_size or edge_count"},
	{"missing_meta.heapsnapshot", AN_EFORMAT, 70,
	 "snapshot.meta lacks node_fields or edge_fields"},
	{"negative_in_nodes.heapsnapshot", AN_EFORMAT, 909,
	 "negative number in nodes"},
	{"node_count_too_big.heapsnapshot", AN_EFORMAT, 1167,
	 "nodes holds 17 nodes but snapshot.node_count is 18"},
	{"node_count_too_small.heapsnapshot", AN_EFORMAT, 1151,
	 "nodes has more entries than snapshot.node_count (16)"},
	{"nodes_before_snapshot.heapsnapshot", AN_EFORMAT, 10,
	 "\"nodes\" before snapshot"},
	{"nodes_ragged.heapsnapshot", AN_EFORMAT, 1165,
	 "nodes holds 118 numbers, not a multiple of its 7 fields"},
	{"string_in_edges.heapsnapshot", AN_EFORMAT, 1190,
	 "edges must hold integers, not strings"},
	{"string_index_out_of_range.heapsnapshot", AN_EFORMAT, 872,
	 "node 2 (id 5) names string 999, but there are 35 strings"},
	{"to_node_not_multiple.heapsnapshot", AN_EFORMAT, 1190,
	 "edge to_node 15 is not a node index"},
	{"to_node_out_of_range.heapsnapshot", AN_EFORMAT, 1190,
	 "edge to_node 119 is not a node index"},
	{"truncated.heapsnapshot", AN_EPARSE, 958,
	 "truncated JSON: input ends inside the snapshot"},
	{"truncated.heapsnapshot.gz", AN_EIO, 1002, "truncated gzip stream"},
	{"unknown_node_type.heapsnapshot", AN_EFORMAT, 988,
	 "node type 42 is not in meta.node_types"},
};

Test(heapload, every_bad_fixture_fails_with_its_status_and_offset)
{
	size_t i;

	for (i = 0; i < sizeof(bad_files) / sizeof(*bad_files); i++) {
		char rel[128];
		an_error err;
		int rc;

		snprintf(rel, sizeof(rel), "bad/heap/%s", bad_files[i].file);
		rc = load_bad(NULL, 0, rel, &err);
		cr_expect_eq(rc, bad_files[i].status, "%s: status %d (%s), "
			     "want %d", rel, rc, err.message,
			     bad_files[i].status);
		cr_expect_eq(err.code, rc, "%s", rel);
		cr_expect_eq(err.offset, bad_files[i].offset,
			     "%s: byte %llu, want %llu (%s)", rel,
			     (unsigned long long)err.offset,
			     (unsigned long long)bad_files[i].offset,
			     err.message);
		cr_expect(strstr(err.message, bad_files[i].message) != NULL,
			  "%s: message \"%s\", want \"%s\"", rel, err.message,
			  bad_files[i].message);
		cr_expect(strchr(err.message, '\n') == NULL, "%s", rel);
	}
}

/* The corpus is complete: a new file there needs a row above. */
Test(heapload, bad_fixture_table_covers_the_directory)
{
	DIR *d = opendir(fx_path("bad/heap"));
	struct dirent *de;
	size_t i, n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		int found = !strcmp(de->d_name, "README.md");
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < sizeof(bad_files) / sizeof(*bad_files); i++)
			found |= !strcmp(de->d_name, bad_files[i].file);
		cr_expect(found, "bad/heap/%s has no expected status",
			  de->d_name);
		n++;
	}
	closedir(d);
	cr_expect_eq(n, sizeof(bad_files) / sizeof(*bad_files) + 1);
}

/* Offset of `needle` in `hay` (which must hold it) plus `plus`. */
static uint64_t at(const char *hay, const char *needle, int plus)
{
	const char *p = strstr(hay, needle);

	cr_assert_not_null(p, "no \"%s\"", needle);
	return (uint64_t)(p - hay) + (uint64_t)plus;
}

static void expect_bad(const char *json, int status, uint64_t offset,
		       const char *message, const char *what)
{
	an_error err;
	int rc = load_bad(json, strlen(json), NULL, &err);

	cr_expect_eq(rc, status, "%s: status %d (%s), want %d", what, rc,
		     err.message, status);
	cr_expect_eq(err.offset, offset, "%s: byte %llu, want %llu (%s)", what,
		     (unsigned long long)err.offset,
		     (unsigned long long)offset, err.message);
	cr_expect(strstr(err.message, message) != NULL,
		  "%s: message \"%s\", want \"%s\"", what, err.message,
		  message);
}

Test(heapload, rejects_trailing_garbage)
{
	static const char j[] = MINI " trailing";

	expect_bad(j, AN_EPARSE, at(j, "trailing", 0), "trailing garbage",
		   "text after the object");
}

Test(heapload, rejects_a_trailing_comma_in_the_object)
{
	static const char j[] = MINI_META MINI_BODY MINI_STRINGS ",}";

	/* at the '}' that follows the comma, whatever the chunk size */
	expect_bad(j, AN_EPARSE, at(j, ",}", 1), "trailing comma",
		   "trailing comma");
}

Test(heapload, rejects_a_trailing_comma_in_the_object_with_spaces)
{
	static const char j[] = MINI_META MINI_BODY MINI_STRINGS ", \n }";

	expect_bad(j, AN_EPARSE, at(j, ", \n }", 4), "trailing comma",
		   "trailing comma and spaces");
}

Test(heapload, rejects_a_trailing_comma_in_nodes)
{
	static const char j[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
				"\"nodes\":[9,0,1,0,1,3,1,3,10,0,],"
				"\"edges\":[5,2,5]," MINI_STRINGS "}";

	expect_bad(j, AN_EPARSE, at(j, ",]", 1), "malformed JSON",
		   "trailing comma in nodes");
}

/* Without "strings", node 0 names string 0 of none: reported at the
 * nodes array (see string_index_out_of_range). */
Test(heapload, rejects_a_snapshot_without_strings)
{
	static const char j[] = MINI_META MINI_BODY "\"x\":[]}";

	expect_bad(j, AN_EFORMAT, at(j, "\"nodes\":", 8),
		   "node 0 (id 1) names string 0, but there are 0 strings",
		   "no strings");
}

Test(heapload, rejects_an_empty_snapshot)
{
	static const char j[] = MINI_META "\"node_count\":0,\"edge_count\":0},"
				"\"nodes\":[],\"edges\":[],\"strings\":[]}";

	/* right after the snapshot value */
	expect_bad(j, AN_EFORMAT, at(j, "},\"nodes\"", 1),
		   "snapshot has no nodes", "node_count 0");
}

Test(heapload, rejects_counts_beyond_32_bits)
{
	static const char j[] = MINI_META
		"\"node_count\":4294967296,\"edge_count\":1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,10,0],\"edges\":[5,2,5],"
		MINI_STRINGS "}";

	expect_bad(j, AN_ELIMIT, at(j, "},\"nodes\"", 1),
		   "at most 4294967293", "node_count 2^32");
}

Test(heapload, rejects_malformed_numbers_in_nodes)
{
	static const char big[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,123456789012345678901,0],"
		"\"edges\":[5,2,5]," MINI_STRINGS "}";
	static const char zero[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,010,0],"
		"\"edges\":[5,2,5]," MINI_STRINGS "}";
	static const char expo[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,1e1,0],"
		"\"edges\":[5,2,5]," MINI_STRINGS "}";
	static const char word[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,null,0],"
		"\"edges\":[5,2,5]," MINI_STRINGS "}";
	static const char obj[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
		"\"nodes\":{},\"edges\":[5,2,5]," MINI_STRINGS "}";

	expect_bad(big, AN_EFORMAT, at(big, "1234567890", 0), "too large",
		   "21 digits");
	expect_bad(zero, AN_EPARSE, at(zero, "010", 1), "leading zero",
		   "leading zero");
	expect_bad(expo, AN_EFORMAT, at(expo, "1e1", 0), "not fractional",
		   "exponent");
	expect_bad(word, AN_EPARSE, at(word, "null", 0), "malformed JSON",
		   "null in nodes");
	expect_bad(obj, AN_EFORMAT, at(obj, "{},", 0),
		   "nodes must be an array of integers", "nodes as an object");
}

/* The same faults inside the arrays, where whole records are read by the
 * scanner's fast path (records end in "\n,", as V8 writes them): it must
 * hand over to the strict scanner, which reports the same byte as with
 * 1-byte chunks (expect_bad loads each case with several chunk sizes). */
#define MID_NODES(rec2) \
	MINI_META "\"node_count\":3,\"edge_count\":2},\"nodes\":[9,0,1,0,2\n," \
	rec2 "\n,3,2,5,0,0],\"edges\":[5,2,5\n,5,2,10]," MINI_STRINGS "}"
#define MID_EDGES(edge1) \
	MINI_META "\"node_count\":3,\"edge_count\":3},\"nodes\":[9,0,1,0,2\n," \
	"3,1,3,10,1\n,3,2,5,0,0],\"edges\":[5,2,5\n," edge1 "\n,5,2,10]," \
	MINI_STRINGS "}"

Test(heapload, rejects_faults_inside_whole_records)
{
	static const char zero[] = MID_NODES("3,1,3,010,0");
	static const char big[] = MID_NODES("3,1,3,123456789012345678901,0");
	static const char wide[] = MID_NODES("3,4294967296,3,10,0");
	static const char type[] = MID_NODES("12,1,3,10,0");
	static const char space[] = MID_NODES("3,1,3 ,10,0");
	static const char sum[] = MID_NODES("3,1,3,10,1");
	static const char to[] = MID_EDGES("5,2,11");
	static const char etype[] = MID_EDGES("7,2,10");
	static const char ok[] = MID_EDGES("5,2,10");
	an_heap *h = NULL;
	an_error err;

	expect_bad(zero, AN_EPARSE, at(zero, "010", 1), "leading zero",
		   "leading zero mid-array");
	expect_bad(big, AN_EFORMAT, at(big, "1234567890", 0), "too large",
		   "21 digits mid-array");
	expect_bad(wide, AN_EFORMAT, at(wide, "4294967296", 0),
		   "does not fit 32 bits", "name beyond 32 bits mid-array");
	expect_bad(type, AN_EFORMAT, at(type, "12,1", 0),
		   "node type 12 is not in meta.node_types",
		   "node type mid-array");
	expect_bad(sum, AN_EFORMAT, at(sum, "3,1,3,10,1", 9),
		   "node edge counts exceed", "edge counts mid-array");
	expect_bad(to, AN_EFORMAT, at(to, "11\n", 0), "is not a node index",
		   "to_node mid-array");
	expect_bad(etype, AN_EFORMAT, at(etype, "7,2,10", 0),
		   "edge type 7 is not in meta.edge_types",
		   "edge type mid-array");
	/* and the valid ones read as written */
	cr_assert_eq(fx_load_heap_mem(&h, ok, strlen(ok), 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_heap_node_count(h), 3);
	cr_expect_eq(an_heap_edge_count(h), 3);
	an_heap_free(h);
	cr_assert_eq(fx_load_heap_mem(&h, space, strlen(space), 0, &err), AN_OK,
		     "%s", err.message);
	cr_expect_eq(an_heap_node_count(h), 3);
	an_heap_free(h);
}

/* Names are string indexes, checked once the strings are read; the
 * loader only looks at each edge when the largest index it read is out
 * of range, which element and hidden edges (numbers) may be. */
#define ONE_EDGE(edge) \
	MINI_META "\"node_count\":2,\"edge_count\":1},\"nodes\":[9,0,1,0,1," \
	"3,1,3,10,0],\"edges\":[" edge "]," MINI_STRINGS "}"

Test(heapload, edge_names_are_checked_against_the_strings)
{
	static const char prop[] = ONE_EDGE("2,3,5");
	static const char elem[] = ONE_EDGE("1,3,5");
	static const char hidden[] = ONE_EDGE("4,70000,5");
	static const char last[] = ONE_EDGE("2,2,5");
	an_heap *h = NULL;
	an_error err;

	expect_bad(prop, AN_EFORMAT, at(prop, "[2,3,5]", 0),
		   "edge 0 names string 3, but there are 3 strings",
		   "property name one past the strings");
	cr_assert_eq(fx_load_heap_mem(&h, elem, strlen(elem), 0, &err), AN_OK,
		     "%s", err.message);
	an_heap_free(h);
	cr_assert_eq(fx_load_heap_mem(&h, hidden, strlen(hidden), 0, &err),
		     AN_OK, "%s", err.message);
	an_heap_free(h);
	cr_assert_eq(fx_load_heap_mem(&h, last, strlen(last), 0, &err), AN_OK,
		     "%s", err.message);
	an_heap_free(h);
}

/* `locations`, read 8 bytes a value by their own fast path: the class of
 * an object with a location is keyed by the values as written, whatever
 * the chunks; a value beyond 32 bits fails at its byte. */
static char *with_locations(const char *locations)
{
	static const char meta[] = MINI_META;
	const char *cut = strstr(meta, "\"node\"]}") + 7;
	char *doc = malloc(4096);

	cr_assert_not_null(doc);
	snprintf(doc, 4096, "%.*s,\"location_fields\":[\"object_index\","
		 "\"script_id\",\"line\",\"column\"]%s\"node_count\":2,"
		 "\"edge_count\":1},\"nodes\":[9,0,1,0,1\n,3,1,3,10,0],"
		 "\"edges\":[5,2,5],\"locations\":[%s],%s}",
		 (int)(cut - meta), meta, cut, locations, MINI_STRINGS);
	return doc;
}

Test(heapload, locations_read_alike_in_any_chunks)
{
	static const size_t chunks[] = {0, 1, 7};
	char *doc = with_locations("0,7,0,0\n,5,1234567,4294967295,"
				   "123456789012\n,5,1234567,4294967295,89");
	char *wide = with_locations("5,1234567,4294967296,89");
	unsigned c;

	for (c = 0; c < 3; c++) {
		an_heap *h = NULL;
		an_error err;
		const an_heap_class *k;
		int rc = fx_load_heap_mem(&h, doc, strlen(doc), chunks[c],
					  &err);
		/* 123456789012 is beyond 32 bits too */
		cr_expect_eq(rc, AN_EFORMAT, "chunk %zu", chunks[c]);
		cr_expect_eq(err.offset, (uint64_t)(strstr(doc, "123456789012") -
						    doc), "chunk %zu",
			     chunks[c]);
		rc = fx_load_heap_mem(&h, wide, strlen(wide), chunks[c], &err);
		cr_expect_eq(rc, AN_EFORMAT, "chunk %zu", chunks[c]);
		cr_expect_eq(err.offset, (uint64_t)(strstr(wide, "4294967296") -
						    wide), "chunk %zu",
			     chunks[c]);
		cr_expect(strstr(err.message, "does not fit 32 bits") != NULL,
			  "%s", err.message);
		free(doc);
		doc = with_locations("0,7,0,0\n,5,1234567,4294967295,89");
		rc = fx_load_heap_mem(&h, doc, strlen(doc), chunks[c], &err);
		cr_assert_eq(rc, AN_OK, "chunk %zu: %s", chunks[c],
			     err.message);
		k = an_heap_class_get(h, an_heap_node_class(h, 1));
		cr_expect(k->has_location, "chunk %zu", chunks[c]);
		cr_expect_eq(k->script_id, 1234567, "chunk %zu", chunks[c]);
		cr_expect_eq(k->line, 4294967295u, "chunk %zu", chunks[c]);
		cr_expect_eq(k->column, 89, "chunk %zu", chunks[c]);
		an_heap_free(h);
		free(doc);
		doc = with_locations("0,7,0,0\n,5,1234567,4294967295,"
				     "123456789012\n,5,1234567,4294967295,89");
	}
	free(doc);
	free(wide);
}

/* Locations are kept for the nodes that have one (a bit per node, ranks
 * per 64 nodes, the numbers in node order): 200 nodes, locations for
 * nodes 1, 63, 64, 65, 130 and 199 given out of order, node 64 twice
 * (the later entry wins, as in DevTools' map); every other node has
 * none, across the 64-node words. */
Test(heapload, locations_of_some_nodes_across_words)
{
	static const char meta[] = MINI_META;
	const char *cut = strstr(meta, "\"node\"]}") + 7;
	static const uint32_t with[] = {1, 63, 64, 65, 130, 199};
	size_t cap = 65536, at;
	char *doc = malloc(cap);
	an_heap *h = NULL;
	an_error err;
	uint32_t v, k;

	cr_assert_not_null(doc);
	at = (size_t)snprintf(doc, cap, "%.*s,\"location_fields\":["
			      "\"object_index\",\"script_id\",\"line\","
			      "\"column\"]%s\"node_count\":200,"
			      "\"edge_count\":199},\"nodes\":[9,0,1,0,199",
			      (int)(cut - meta), meta, cut);
	for (v = 1; v < 200; v++)
		at += (size_t)snprintf(doc + at, cap - at, ",3,1,%u,10,0",
				       2 * v + 1);
	at += (size_t)snprintf(doc + at, cap - at, "],\"edges\":[");
	for (v = 1; v < 200; v++)
		at += (size_t)snprintf(doc + at, cap - at, "%s5,2,%u",
				       v > 1 ? "," : "", 5 * v);
	/* object_index is the node's first field: ordinal x 5 */
	at += (size_t)snprintf(doc + at, cap - at,
			       "],\"locations\":[995,9,199,1, 320,5,64,0,"
			       "5,7,1,2, 650,9,130,3, 315,7,63,1, 325,7,65,"
			       "4, 320,8,64,5],%s}", MINI_STRINGS);
	cr_assert_lt(at, cap);
	cr_assert_eq(fx_load_heap_mem(&h, doc, strlen(doc), 0, &err), AN_OK,
		     "%s", err.message);
	cr_expect_eq(h->nlocs, 6);
	for (v = 0; v < 200; v++) {
		const uint32_t *l = an__heap_loc(h, v);
		int listed = 0;
		for (k = 0; k < 6; k++)
			listed |= with[k] == v;
		if (!listed) {
			cr_expect_null(l, "node %u", v);
			continue;
		}
		cr_assert_not_null(l, "node %u", v);
		/* script 9 for 130 and 199, 8 for 64 (the later entry),
		 * else 7; the line is the node's ordinal */
		cr_expect_eq(l[0], v == 130 || v == 199 ? 9 : v == 64 ? 8 : 7,
			     "node %u", v);
		cr_expect_eq(l[1], v, "node %u", v);
	}
	cr_expect_eq(an__heap_loc(h, 64)[2], 5);
	cr_expect_eq(an__heap_loc(h, 1)[2], 2);
	an_heap_free(h);
	free(doc);
}

/* Numbers of every length from 1 to 17 digits in a node record, read 8
 * bytes at a time by the fast path (whole document in one chunk) and
 * byte by byte (1- and 7-byte chunks): the same values. Ids beyond 32
 * bits and sizes beyond 2^53 fail as before. */
Test(heapload, numbers_of_every_length_read_alike)
{
	static const char digits[] = "12345678901234567";
	static const size_t chunks[] = {0, 1, 7};
	char doc[2048], id[24], size[24];
	unsigned len, c;

	for (len = 1; len <= 17; len++) {
		uint64_t want_id = 0, want_size = 0;
		unsigned k, idlen = len <= 10 ? len : 10;
		snprintf(id, sizeof(id), "%.*s", (int)idlen, digits);
		snprintf(size, sizeof(size), "%.*s", (int)len, digits);
		for (k = 0; k < idlen; k++)
			want_id = want_id * 10 + (uint64_t)(digits[k] - '0');
		for (k = 0; k < len; k++)
			want_size = want_size * 10 +
				    (uint64_t)(digits[k] - '0');
		snprintf(doc, sizeof(doc), "%s\"node_count\":3,"
			 "\"edge_count\":1},\"nodes\":[9,0,1,0,1\n,3,1,%s,%s,0"
			 "\n,3,1,5,2,0],\"edges\":[5,2,5],%s}", MINI_META, id,
			 size, MINI_STRINGS);
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			an_heap *h = NULL;
			an_error err;
			int rc = fx_load_heap_mem(&h, doc, strlen(doc),
						  chunks[c], &err);
			if (len == 17) {
				/* 12345678901234567 > 2^53 */
				cr_expect_eq(rc, AN_ELIMIT, "len %u chunk %zu",
					     len, chunks[c]);
				cr_expect_eq(err.offset,
					     (uint64_t)(strstr(doc, ",1234567890"
							       "1234567,") -
							doc + 1),
					     "len %u chunk %zu", len,
					     chunks[c]);
				continue;
			}
			cr_assert_eq(rc, AN_OK, "len %u chunk %zu: %s", len,
				     chunks[c], err.message);
			cr_expect_eq(an_heap_node_id(h, 1), want_id,
				     "len %u chunk %zu", len, chunks[c]);
			cr_expect_eq(an_heap_node_self_size(h, 1), want_size,
				     "len %u chunk %zu", len, chunks[c]);
			cr_expect_eq(an_heap_node_id(h, 2), 5);
			cr_expect_eq(an_heap_node_self_size(h, 2), 2);
			an_heap_free(h);
		}
	}
}

/* ---- a file read by two threads ----
 * From a plain file the edges are parsed by a second thread while the
 * first goes on to the strings. Whatever it finds, the model or the error
 * (status, byte, message) must be the one a single-threaded read of the
 * same bytes from memory gives, and an error in the edges must win over a
 * later one in the strings. The nodes are made large (64 k) so that the
 * second thread is at the edges before the first. */

static char *big_snapshot(const char *edges, const char *strings, size_t *len)
{
	const uint32_t nodes = 65536;
	size_t cap = (size_t)nodes * 24 + 4096, n = 0;
	char *b = malloc(cap);
	uint32_t i;

	cr_assert_not_null(b);
	n += (size_t)snprintf(b + n, cap - n,
			      MINI_META "\"node_count\":%u,\"edge_count\":2},"
			      "\"nodes\":[9,0,1,0,2", nodes);
	for (i = 1; i < nodes; i++)
		n += (size_t)snprintf(b + n, cap - n, "\n,3,1,%u,10,0",
				      2 * i + 1);
	n += (size_t)snprintf(b + n, cap - n, "],\"edges\":%s,\"strings\":%s}",
			      edges, strings);
	*len = n;
	return b;
}

static void same_as_from_memory(const char *edges, const char *strings,
				size_t cut, const char *what)
{
	char path[] = "/tmp/an_test_heap_XXXXXX";
	size_t len;
	char *b = big_snapshot(edges, strings, &len);
	int fd = mkstemp(path);
	an_heap *hf = NULL, *hm = NULL;
	an_error ef, em;
	int rf, rm;

	if (cut)
		len = cut > len ? len : len - cut;
	cr_assert(fd >= 0 && write(fd, b, len) == (ssize_t)len, "%s", what);
	close(fd);
	rm = fx_load_heap_mem(&hm, b, len, 0, &em);
	rf = fx_load_heap(&hf, path, 0, &ef);
	unlink(path);
	cr_expect_eq(rf, rm, "%s: file %d (%s), memory %d (%s)", what, rf,
		     ef.message, rm, em.message);
	if (rf < 0 && rm < 0) {
		cr_expect_eq(ef.offset, em.offset, "%s: byte %llu vs %llu", what,
			     (unsigned long long)ef.offset,
			     (unsigned long long)em.offset);
		cr_expect_str_eq(ef.message, em.message, "%s", what);
	} else if (rf == AN_OK && rm == AN_OK) {
		cr_expect_eq(an_heap_edge_count(hf), 2, "%s", what);
		cr_expect_eq(an_heap_node_retained_size(hf, 0),
			     an_heap_node_retained_size(hm, 0), "%s", what);
	}
	an_heap_free(hf);
	an_heap_free(hm);
	free(b);
}

Test(heapload, two_threads_read_a_file_as_one_reads_memory)
{
	static const char strs[] = "[\"\",\"Foo\",\"g\"]";
	static const char bad_strs[] = "[\"\",1,\"g\"]";

	same_as_from_memory("[5,2,5\n,5,2,10]", strs, 0, "valid");
	same_as_from_memory("[5,2,5\n,5,2,11]", strs, 0, "bad to_node");
	same_as_from_memory("[5,2,5\n,5,2,11]", bad_strs, 0,
			    "bad to_node and bad strings");
	same_as_from_memory("[5,2,5\n,5,2,10]", bad_strs, 0, "bad strings");
	same_as_from_memory("[5,2,5\n,5,\"x\",10]", bad_strs, 0,
			    "a string in edges and bad strings");
	same_as_from_memory("[5,2,5\n,5,2,10,5,2,5]", strs, 0,
			    "one edge too many");
	same_as_from_memory("[5,2,5\n,5,2,10]", strs, 30, "cut in strings");
	same_as_from_memory("[5,2,5\n,5,2,10]", strs, 40, "cut in edges");
	same_as_from_memory("[5,2,5\n,2,3,10]", strs, 0,
			    "an edge name beyond the strings");
	same_as_from_memory("[5,2,5\n,1,3,10]", strs, 0,
			    "an element index beyond the strings");
}

/* A second "snapshot" appended to type lists already handed over (and
 * crashed); a second "strings" would add strings. Both are refused at the
 * value. */
Test(heapload, rejects_a_repeated_snapshot_or_strings)
{
	static const char meta2[] = MINI_META MINI_BODY
		MINI_STRINGS ",\"snapshot\":{\"meta\":{}}}";
	static const char meta2b[] = MINI_META "\"node_count\":2,"
		"\"edge_count\":1},\"snapshot\":{\"meta\":{\"node_types\":"
		"[[\"x\"]]}},\"nodes\":[9,0,1,0,1,3,1,3,10,0],"
		"\"edges\":[5,2,5]," MINI_STRINGS "}";
	static const char str2[] = MINI_META MINI_BODY MINI_STRINGS
		",\"strings\":[\"z\"]}";

	expect_bad(meta2, AN_EFORMAT, at(meta2, "{\"meta\":{}}", 0),
		   "a second \"snapshot\" value", "snapshot after strings");
	expect_bad(meta2b, AN_EFORMAT, at(meta2b, "{\"meta\":{\"node_types", 0),
		   "a second \"snapshot\" value", "snapshot twice");
	expect_bad(str2, AN_EFORMAT, at(str2, "[\"z\"]", 0),
		   "a second \"strings\" array", "strings twice");
}

Test(heapload, rejects_bad_meta_counts)
{
	static const char frac[] = MINI_META "\"node_count\":2.0,\"edge_count\":1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,10,0],\"edges\":[5,2,5],"
		MINI_STRINGS "}";
	static const char neg[] = MINI_META "\"node_count\":2,\"edge_count\":-1},"
		"\"nodes\":[9,0,1,0,1,3,1,3,10,0],\"edges\":[5,2,5],"
		MINI_STRINGS "}";
	an_error err;

	cr_expect_eq(load_bad(frac, strlen(frac), NULL, &err), AN_EFORMAT,
		     "%s", err.message);
	cr_expect(strstr(err.message, "node_count") != NULL, "%s",
		  err.message);
	cr_expect_neq(err.offset, AN_NO_OFFSET);
	cr_expect_eq(load_bad(neg, strlen(neg), NULL, &err), AN_EFORMAT,
		     "%s", err.message);
	cr_expect(strstr(err.message, "edge_count") != NULL, "%s",
		  err.message);
}

Test(heapload, rejects_non_strings_in_strings)
{
	static const char j[] = MINI_META MINI_BODY
		"\"strings\":[\"\",1,\"g\"]}";
	an_error err;

	cr_expect_eq(load_bad(j, strlen(j), NULL, &err), AN_EFORMAT, "%s",
		     err.message);
	cr_expect(strstr(err.message, "strings") != NULL, "%s", err.message);
	cr_expect_neq(err.offset, AN_NO_OFFSET);
}

Test(heapload, rejects_an_unterminated_string)
{
	static const char j[] = MINI_META MINI_BODY "\"strings\":[\"\",\"Fo";

	expect_bad(j, AN_EPARSE, strlen(j), "truncated", "unterminated");
}

Test(heapload, rejects_edges_before_nodes)
{
	static const char j[] = MINI_META "\"node_count\":2,\"edge_count\":1},"
		"\"edges\":[5,2,5],\"nodes\":[9,0,1,0,1,3,1,3,10,0],"
		MINI_STRINGS "}";

	expect_bad(j, AN_EFORMAT, at(j, "[5,2,5]", 0), "before",
		   "edges first");
}

Test(heapload, rejects_a_missing_snapshot)
{
	expect_bad("{}", AN_EFORMAT, 2, "missing snapshot", "{}");
	expect_bad("{\"strings\":[]}", AN_EFORMAT, 14, "missing snapshot",
		   "strings only");
}

/* A node_count that is not a number is a type error (it was reported as
 * missing when null, and never checked for true). */
Test(heapload, non_numeric_node_count_is_a_type_error)
{
	static const char *const bad[] = {"\"17\"", "null", "true"};
	size_t len, i;
	char *text = fx_slurp(fx_path("heap/tiny.heapsnapshot"), &len);
	char *at = strstr(text, "\"node_count\":17");

	cr_assert_not_null(at);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char doc[8192];
		an_source *src = NULL;
		an_heap *h = NULL;
		an_error err;
		int n = snprintf(doc, sizeof(doc), "%.*s\"node_count\":%s%s",
				 (int)(at - text), text, bad[i],
				 at + strlen("\"node_count\":17"));
		cr_assert_lt((size_t)n, sizeof(doc));
		an_error_clear(&err);
		cr_assert_eq(an_source_open_memory(&src, doc, (size_t)n, "t",
						   &err), AN_OK);
		cr_expect_eq(an_heap_load(&h, src, NULL, &err), AN_EFORMAT,
			     "%s", bad[i]);
		cr_expect_not_null(strstr(err.message, "integer"),
				   "%s: '%s'", bad[i], err.message);
		an_heap_free(h);
		an_source_free(src);
	}
	free(text);
}

/* A 4 MB name (snapshots hold source code and payloads as strings), in
 * pieces of every size: the node's name arrives whole. */
Test(heapload, a_long_string_across_many_chunks_arrives_whole)
{
	static const size_t chunks[] = {0, 4096, 65536, 1000003};
	static const char head[] = MINI_META MINI_BODY "\"strings\":[\"\",\"";
	static const char tail[] = "\",\"g\"]}";
	size_t n = 4u << 20, len = strlen(head) + n + strlen(tail), i, c;
	char *d = malloc(len + 1);

	cr_assert_not_null(d);
	memcpy(d, head, strlen(head));
	for (i = 0; i < n; i++) /* 'a'..'z', and "\n" as an escape */
		d[strlen(head) + i] = i % 64 == 62 ? '\\' :
				      i % 64 == 63 ? 'n' : (char)('a' + i % 26);
	memcpy(d + strlen(head) + n, tail, strlen(tail) + 1);
	for (c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		an_heap *h = NULL;
		an_error err;
		an_str s;
		cr_assert_eq(fx_load_heap_mem(&h, d, len, chunks[c], &err),
			     AN_OK, "chunk %zu: %s", chunks[c], err.message);
		s = an_heap_node_snapshot_name(h, 1);
		cr_expect_eq(s.len, n - n / 64, "chunk %zu", chunks[c]);
		for (i = 0; i < s.len; i++)
			if (s.ptr[i] != (i % 63 == 62 ? '\n' :
					 (char)('a' + (i + i / 63) % 26)))
				break;
		cr_expect_eq(i, s.len, "chunk %zu: byte %zu", chunks[c], i);
		an_heap_free(h);
	}
	free(d);
}

/* The strings array: plain strings are stored as they are, the others
 * as yajl decodes them (by hand: "\u00e9" is C3 A9, the pair
 * "\ud83d\ude00" F0 9F 98 80, "\u0000" one NUL byte, a lone high
 * surrogate "?" in its place (yajl 2.1, Debian 12), raw
 * UTF-8 kept), at every chunk size (a string cut by a chunk's end goes
 * through yajl too). */
Test(heapload, strings_plain_or_escaped_read_alike_in_any_chunks)
{
	static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 31, 4096};
	static const char doc[] = MINI_META MINI_BODY
		"\"strings\":[ \"\" ,\"F\\\"o\\u00e9\\ud83d\\ude00\",\n\"g\","
		"\"h\\u0000i\",\"\\ud83dxy\",\"caf\xc3\xa9\","
		"\"\\/\\b\\f\\n\\r\\t\\\\\",\"plain\"\n]}";
	static const struct {
		const char *s;
		size_t len;
	} want[] = {
		{"", 0},
		{"F\"o\xc3\xa9\xf0\x9f\x98\x80", 9},
		{"g", 1},
		{"h\0i", 3},
		{"?xy", 3},
		{"caf\xc3\xa9", 5},
		{"/\b\f\n\r\t\\", 7},
		{"plain", 5},
	};
	size_t c, k;

	for (c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
		an_heap *h = NULL;
		an_error err;
		cr_assert_eq(fx_load_heap_mem(&h, doc, strlen(doc), chunks[c],
					      &err),
			     AN_OK, "chunk %zu: %s", chunks[c], err.message);
		cr_assert_eq(h->nstrings, 8, "chunk %zu", chunks[c]);
		for (k = 0; k < 8; k++) {
			an_str s = h->strs.items[k];
			cr_expect(s.len == want[k].len &&
					  !memcmp(s.ptr, want[k].s, s.len),
				  "chunk %zu: string %zu '%.*s'", chunks[c], k,
				  (int)s.len, s.ptr);
		}
		an_heap_free(h);
	}
}

/* What is not a plain string fails as yajl reports it (at the end of
 * the token it refused), wherever the plain strings before it were
 * read. */
Test(heapload, strings_array_faults_after_plain_strings)
{
	static const char comma[] = MINI_META MINI_BODY
		"\"strings\":[\"\",\"Foo\",\"g\",]}";
	static const char comma_esc[] = MINI_META MINI_BODY
		"\"strings\":[\"\",\"F\\u006fo\",\"g\",]}";
	static const char missing[] = MINI_META MINI_BODY
		"\"strings\":[\"\",\"Foo\" \"g\"]}";
	static const char ctrl[] = MINI_META MINI_BODY
		"\"strings\":[\"\",\"Foo\",\"g\tx\"]}";
	static const char num[] = MINI_META MINI_BODY
		"\"strings\":[\"\",\"Foo\",7,\"g\"]}";

	expect_bad(comma, AN_EPARSE, at(comma, ",]", 2), "unallowed token",
		   "trailing comma");
	expect_bad(comma_esc, AN_EPARSE, at(comma_esc, ",]", 2),
		   "unallowed token", "trailing comma after yajl's string");
	expect_bad(missing, AN_EPARSE, at(missing, " \"g", 4),
		   "after array element", "missing comma");
	expect_bad(ctrl, AN_EPARSE, at(ctrl, "\t", 0), "invalid character",
		   "tab in a string");
	expect_bad(num, AN_EFORMAT, at(num, "7,", 1),
		   "each entry of strings must be a string", "a number");
}

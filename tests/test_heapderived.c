/*
 * test_heapderived.c - the loaded heap graph and what the analysis
 * derives from it are kept apart: the snapshot's self sizes and names
 * read back unchanged after DevTools' pipeline (an_heap_node_raw_self_size,
 * an_heap_node_snapshot_name) next to the derived ones (reassigned sizes,
 * "Detached " names), sizes of 4 GB and more included. Values derived by
 * hand from the snapshots; DevTools' property-name formatting.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fixture.h"
#include "heap/heap_int.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heapderived, .fini = fini, .timeout = 60);

static uint32_t node(uint64_t id)
{
	uint32_t n = an_heap_find_id(heap, id);

	cr_assert_neq(n, AN_NONE, "no node @%llu", (unsigned long long)id);
	return n;
}

static void load_mem(const char *json)
{
	an_error err;
	int rc = fx_load_heap_mem(&heap, json, strlen(json), 0, &err);

	cr_assert_eq(rc, AN_OK, "load: %s", err.message);
}

static void expect_str(an_str s, const char *want, const char *what)
{
	cr_expect(s.len == strlen(want) && !memcmp(s.ptr, want, s.len),
		  "%s: '%.*s', want '%s'", what, (int)s.len, s.ptr, want);
}

/* tiny.heapsnapshot (node fields type name id self_size edge_count
 * trace_node_id detachedness). Its hidden, array and
 * "system / ExternalStringData" nodes with a single owner:
 *   @9 array, 64 B, only retained by WeakMap @7 (internal "table"):
 *      @7 24 + 64 = 88, @9 0
 *   @25 native ExternalStringData, 4096 B, only from string @23
 *      (internal "data"): @23 40 + 4096 = 4136, @25 0
 *   @29 hidden Oddball, 16 B, only from Object @13 (hidden edge):
 *      @13 32 + 16 = 48, @29 0
 *   @17 hidden PropertyArray, 24 B, from @11 and @13: two owners, kept */
Test(heapderived, tiny_raw_and_reassigned_self_sizes)
{
	static const struct {
		uint64_t id, raw, adjusted;
	} want[] = {
		{7, 24, 88},  {9, 64, 0},   {23, 40, 4136}, {25, 4096, 0},
		{13, 32, 48}, {29, 16, 0},  {17, 24, 24},   {11, 32, 32},
	};
	size_t i;

	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint32_t n = node(want[i].id);
		cr_expect_eq(an_heap_node_raw_self_size(heap, n), want[i].raw,
			     "@%llu raw self size %llu, want %llu",
			     (unsigned long long)want[i].id,
			     (unsigned long long)an_heap_node_raw_self_size(
				     heap, n),
			     (unsigned long long)want[i].raw);
		cr_expect_eq(an_heap_node_self_size(heap, n),
			     want[i].adjusted,
			     "@%llu self size %llu, want %llu",
			     (unsigned long long)want[i].id,
			     (unsigned long long)an_heap_node_self_size(heap,
									n),
			     (unsigned long long)want[i].adjusted);
	}
}

/* Every loaded self size reads back as written, in node order, and the
 * reassignment only moves bytes (both sums are 4568). */
Test(heapderived, tiny_loaded_sizes_untouched)
{
	static const uint64_t raw[17] = {0,  0,  40, 24, 64, 32, 32,
					 24, 24, 32, 40, 40, 4096, 32,
					 16, 24, 48};
	uint64_t sum_raw = 0, sum_adj = 0;
	uint32_t n;

	heap = fx_must_load_heap("heap/tiny.heapsnapshot");
	cr_assert_eq(an_heap_node_count(heap), 17);
	for (n = 0; n < 17; n++) {
		cr_expect_eq(an_heap_node_raw_self_size(heap, n), raw[n],
			     "node %u", n);
		sum_raw += an_heap_node_raw_self_size(heap, n);
		sum_adj += an_heap_node_self_size(heap, n);
	}
	cr_expect_eq(sum_raw, 4568);
	cr_expect_eq(sum_adj, 4568);
	/* the analysis derives its sizes into arrays of its own */
	cr_expect_neq(heap->nself.v, heap->d.self.v);
}

#define META6                                                                 \
	"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\","   \
	"\"self_size\",\"edge_count\",\"detachedness\"],\"node_types\":"      \
	"[[\"hidden\",\"array\",\"string\",\"object\",\"code\",\"closure\","   \
	"\"regexp\",\"number\",\"native\",\"synthetic\",\"concatenated "      \
	"string\",\"sliced string\"],\"string\",\"number\",\"number\","        \
	"\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\","  \
	"\"to_node\"],\"edge_types\":[[\"context\",\"element\",\"property\","  \
	"\"internal\",\"hidden\",\"shortcut\",\"weak\"],\"string_or_number\"," \
	"\"node\"]},"

/* The root -> (shortcut) Holder @3 -> (internal) native "<div class=x>"
 * @5, detached (2) -> (internal) native "<span id=y>" @7, unknown (0):
 * the detached state spreads to @7, and DevTools names both "Detached
 * <name>" (classes "Detached <div>", "Detached <span>"); the snapshot's
 * names stay. */
static const char detached[] =
	META6 "\"node_count\":4,\"edge_count\":3},"
	      "\"nodes\":[9,0,1,0,1,0, 3,1,3,16,1,0, 8,2,5,100,1,2, "
	      "8,3,7,50,0,0],"
	      "\"edges\":[5,4,6, 3,5,12, 3,6,18],"
	      "\"strings\":[\"\",\"Holder\",\"<div class=x>\",\"<span id=y>\","
	      "\"g\",\"dom\",\"child\"]}";

Test(heapderived, detached_names_derived_snapshot_names_kept)
{
	uint32_t div, span, holder;

	load_mem(detached);
	div = node(5);
	span = node(7);
	holder = node(3);
	expect_str(an_heap_node_raw_name(heap, div), "Detached <div class=x>",
		   "@5 name");
	expect_str(an_heap_node_snapshot_name(heap, div), "<div class=x>",
		   "@5 snapshot name");
	expect_str(an_heap_node_raw_name(heap, span), "Detached <span id=y>",
		   "@7 name");
	expect_str(an_heap_node_snapshot_name(heap, span), "<span id=y>",
		   "@7 snapshot name");
	expect_str(an_heap_node_raw_name(heap, holder), "Holder", "@3 name");
	expect_str(an_heap_node_snapshot_name(heap, holder), "Holder",
		   "@3 snapshot name");
	expect_str(an_heap_class_get(heap, an_heap_node_class(heap, div))->name,
		   "Detached <div>", "@5 class");
	expect_str(an_heap_class_get(heap, an_heap_node_class(heap, span))->name,
		   "Detached <span>", "@7 class");
	/* the loaded names are the snapshot's string indexes, unchanged */
	cr_expect_eq(heap->nname[div], 2);
	cr_expect_eq(heap->nname[span], 3);
	/* and so are the loaded detachedness values (2 and 0), though the
	 * detached state spread to @7 */
	cr_assert_not_null(heap->ndet);
	cr_expect_eq(heap->ndet[div], 2);
	cr_expect_eq(heap->ndet[span], 0);
}

/* Owners spread through chains of hidden and array nodes, each hidden
 * node 1 edge deep or more; sizes derived by hand:
 *   A @3 (10 B) -> H1 @11 (1 B) -> H2 @13 (2 B) <- B @5 (20 B):
 *      H1 owned by A (11), H2 by A and B: kept
 *   C @7 (30 B) and D @9 (40 B) -> H3 @15 (4 B) -> array H4 @17 (8 B):
 *      H3 has two owners, and so has H4 through it: both kept
 *   A -> H5 @19 (16 B) <- H6 @21 (32 B) <- B: H6 owned by B (52), H5
 *      reached from A directly and from B through H6: kept
 *   A -(weak)-> H7 @23 (64 B) <- C: weak edges do not own, C 94
 * Both sums are 227. DevTools agrees (the oracle's `summary` of this
 * snapshot written to a file: A 11, B 52, C 94, D 40, (system) 3
 * objects of 22 B, (array) 8). */
static const char owner_chains[] =
	META6 "\"node_count\":12,\"edge_count\":15},"
	      "\"nodes\":[9,0,1,0,4,0, 3,1,3,10,3,0, 3,2,5,20,2,0, "
	      "3,3,7,30,2,0, 3,4,9,40,1,0, 0,6,11,1,1,0, 0,6,13,2,0,0, "
	      "0,6,15,4,1,0, 1,6,17,8,0,0, 0,6,19,16,0,0, 0,6,21,32,1,0, "
	      "0,6,23,64,0,0],"
	      "\"edges\":[1,1,6, 1,2,12, 1,3,18, 1,4,24, "
	      "3,5,30, 3,5,54, 6,5,66, 3,5,36, 3,5,60, 3,5,42, 3,5,66, "
	      "3,5,42, 3,5,36, 3,5,48, 3,5,54],"
	      "\"strings\":[\"\",\"A\",\"B\",\"C\",\"D\",\"p\",\"(h)\"]}";

Test(heapderived, owners_spread_through_chains)
{
	static const struct {
		uint64_t id, self;
	} want[] = {
		{3, 11}, {5, 52},  {7, 94},  {9, 40},  {11, 0}, {13, 2},
		{15, 4}, {17, 8},  {19, 16}, {21, 0},  {23, 0},
	};
	uint64_t sum = 0;
	size_t i;

	load_mem(owner_chains);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t got = an_heap_node_self_size(heap, node(want[i].id));
		cr_expect_eq(got, want[i].self, "@%llu self size %llu, want %llu",
			     (unsigned long long)want[i].id,
			     (unsigned long long)got,
			     (unsigned long long)want[i].self);
		sum += got;
	}
	cr_expect_eq(sum, 227);
}

/* Sizes that do not fit in 32 bits: root -> (element) A @3, 10 B ->
 * (internal) hidden H @5 of exactly 2^32 - 1 B; root -> (element) B @7
 * of 5e9 B. H moves to A: 10 + 4294967295 = 4294967305. */
static const char big_sizes[] =
	META6 "\"node_count\":4,\"edge_count\":3},"
	      "\"nodes\":[9,0,1,0,2,0, 3,1,3,10,1,0, 0,2,5,4294967295,0,0, "
	      "3,3,7,5000000000,0,0],"
	      "\"edges\":[1,1,6, 1,2,18, 3,4,12],"
	      "\"strings\":[\"\",\"A\",\"H\",\"B\",\"h\"]}";

Test(heapderived, sizes_of_4_gb_and_more)
{
	uint32_t a, hid, b;

	load_mem(big_sizes);
	a = node(3);
	hid = node(5);
	b = node(7);
	cr_expect_eq(an_heap_node_raw_self_size(heap, a), 10);
	cr_expect_eq(an_heap_node_self_size(heap, a), 4294967305ull);
	cr_expect_eq(an_heap_node_raw_self_size(heap, hid), 4294967295ull);
	cr_expect_eq(an_heap_node_self_size(heap, hid), 0);
	cr_expect_eq(an_heap_node_raw_self_size(heap, b), 5000000000ull);
	cr_expect_eq(an_heap_node_self_size(heap, b), 5000000000ull);
	cr_expect_eq(an_heap_node_retained_size(heap, a), 4294967305ull);
	cr_expect_eq(an_heap_total_size(heap), 9294967305ull);
}

/* formatPropertyName: plain names as they are; a name with one of
 * , ' " { } quoted with JSON escapes. UTF-16 units: "é" is 1, an emoji
 * (4 UTF-8 bytes) 2. */
/* Sizes whose sum could overflow: each large size and the sum of the
 * large sizes stay within 2^53 (DevTools' exact doubles). Two nodes of
 * 2^52 + 1 B pass alone but not together; one of 2^53 + 1 B fails. */
static const char sizes_sum_beyond_2_53[] =
	META6 "\"node_count\":3,\"edge_count\":2},"
	      "\"nodes\":[9,0,1,0,2,0, 3,1,3,4503599627370497,0,0, "
	      "3,2,5,4503599627370497,0,0],"
	      "\"edges\":[1,1,6, 1,2,12],"
	      "\"strings\":[\"\",\"A\",\"B\"]}";
static const char size_beyond_2_53[] =
	META6 "\"node_count\":2,\"edge_count\":1},"
	      "\"nodes\":[9,0,1,0,1,0, 3,1,3,9007199254740993,0,0],"
	      "\"edges\":[1,1,6],"
	      "\"strings\":[\"\",\"A\"]}";
static const char size_at_2_52[] =
	META6 "\"node_count\":2,\"edge_count\":1},"
	      "\"nodes\":[9,0,1,0,1,0, 3,1,3,4503599627370497,0,0],"
	      "\"edges\":[1,1,6],"
	      "\"strings\":[\"\",\"A\"]}";

Test(heapderived, sizes_beyond_2_53_are_refused)
{
	an_error err;
	an_heap *h = NULL;
	const char *big_sum = strstr(sizes_sum_beyond_2_53, "3,2,5,") + 6;

	load_mem(size_at_2_52);
	cr_expect_eq(an_heap_total_size(heap), 4503599627370497ull);
	cr_expect_eq(fx_load_heap_mem(&h, sizes_sum_beyond_2_53,
				      strlen(sizes_sum_beyond_2_53), 0, &err),
		     AN_ELIMIT, "two sizes of 2^52 + 1: %s", err.message);
	cr_expect_eq(err.offset, (uint64_t)(big_sum - sizes_sum_beyond_2_53),
		     "offset %llu", (unsigned long long)err.offset);
	cr_expect_null(h);
	cr_expect_eq(fx_load_heap_mem(&h, size_beyond_2_53,
				      strlen(size_beyond_2_53), 0, &err),
		     AN_ELIMIT, "one size of 2^53 + 1: %s", err.message);
	cr_expect(strstr(err.message, "9007199254740993") != NULL, "%s",
		  err.message);
	an_heap_free(h);
}

Test(heapderived, property_names_formatted_once)
{
	static const struct {
		const char *in, *out;
		size_t units;
	} c[] = {
		{"abc", "abc", 3},
		{"a,b", "\"a,b\"", 5},
		{"x\"y\n", "\"x\\\"y\\n\"", 8},
		{"{\x01}", "\"{\\u0001}\"", 10},
		{"caf\xc3\xa9", "caf\xc3\xa9", 4},
		{"'\xf0\x9f\x98\x80", "\"'\xf0\x9f\x98\x80\"", 5},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		an_str s = {c[i].in, (uint32_t)strlen(c[i].in)};
		char buf[32], small[4];
		size_t n = an__heap_prop_format(s, buf, sizeof(buf));
		cr_expect_eq(n, strlen(c[i].out), "case %zu length", i);
		cr_expect(n < sizeof(buf) && !memcmp(buf, c[i].out, n),
			  "case %zu: '%.*s'", i, (int)n, buf);
		cr_expect_eq(an__heap_prop_units(s), c[i].units, "case %zu", i);
		/* cut at the room given, full length still returned */
		cr_expect_eq(an__heap_prop_format(s, small, sizeof(small)), n);
		cr_expect(!memcmp(small, c[i].out,
				  n < sizeof(small) ? n : sizeof(small)),
			  "case %zu cut", i);
	}
}

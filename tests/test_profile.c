/*
 * test_profile.c - the CPU profile loaders and model: tree building,
 * validation of bad input (status and byte offset), trace reassembly,
 * system-node detection, sorting of samples, and identical models for
 * every chunk size.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

/*
 * A hand-made profile used across the tests (values derived by hand in
 * test_cpu.c). Tree: 1 (root) -> 2 (program), 3 (garbage collector),
 * 4 main -> 6 f -> 7 f (recursion), 5 (idle).
 */
static const char tiny[] =
	"{\"nodes\":["
	"{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":\"0\","
	"\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":0,"
	"\"children\":[2,3,4,5]},"
	"{\"id\":2,\"callFrame\":{\"functionName\":\"(program)\",\"scriptId\":"
	"\"0\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},"
	"\"hitCount\":1},"
	"{\"id\":3,\"callFrame\":{\"functionName\":\"(garbage collector)\","
	"\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},"
	"\"hitCount\":1},"
	"{\"id\":4,\"callFrame\":{\"functionName\":\"main\",\"scriptId\":\"9\","
	"\"url\":\"a.js\",\"lineNumber\":0,\"columnNumber\":0},\"hitCount\":1,"
	"\"children\":[6]},"
	"{\"id\":5,\"callFrame\":{\"functionName\":\"(idle)\",\"scriptId\":\"0\","
	"\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},\"hitCount\":1},"
	"{\"id\":6,\"callFrame\":{\"functionName\":\"f\",\"scriptId\":\"9\","
	"\"url\":\"a.js\",\"lineNumber\":10,\"columnNumber\":2},\"hitCount\":2,"
	"\"children\":[7],\"positionTicks\":[{\"line\":11,\"ticks\":2}]},"
	"{\"id\":7,\"callFrame\":{\"functionName\":\"f\",\"scriptId\":\"9\","
	"\"url\":\"a.js\",\"lineNumber\":10,\"columnNumber\":2},\"hitCount\":2,"
	"\"positionTicks\":[{\"line\":12,\"ticks\":1},{\"line\":11,\"ticks\":1}]}"
	"],\"startTime\":1000,\"endTime\":1090,"
	"\"samples\":[6,7,2,6,3,4,5,7],"
	"\"timeDeltas\":[10,10,10,10,10,10,10,10]}";

Test(profile, builds_the_tree_of_a_hand_made_profile)
{
	an_profile *p = NULL;
	an_error err;
	const uint32_t *kids;
	uint32_t f, n;

	cr_assert_eq(fx_load_string(&p, tiny, 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_kind(p), AN_KIND_CPUPROFILE);
	cr_expect_eq(an_profile_node_count(p), 7);
	/* (root) program gc main idle f: f twice is one function */
	cr_expect_eq(an_profile_function_count(p), 6);
	cr_expect_eq(an_profile_sample_count(p), 8);
	cr_expect_eq(an_profile_total_hits(p), 8);
	cr_expect_eq(an_profile_max_depth(p), 3);
	cr_expect_eq(an_profile_start_time(p), 1000);
	cr_expect_eq(an_profile_end_time(p), 1090);
	n = an_profile_node_children(p, 0, &kids);
	cr_assert_eq(n, 4);
	cr_expect_eq(an_profile_node_id(p, kids[0]), 2);
	cr_expect_eq(an_profile_node_id(p, kids[3]), 5);
	/* node index 6 is id 7: depth 3 under f under main */
	cr_expect_eq(an_profile_node_id(p, 6), 7);
	cr_expect_eq(an_profile_node_depth(p, 6), 3);
	cr_expect_eq(an_profile_node_parent(p, 6), 5);
	f = fx_find_function(p, "f", "a.js", 10, 2);
	cr_assert_neq(f, AN_NONE);
	cr_expect_eq(an_profile_node_function(p, 5), f);
	cr_expect_eq(an_profile_node_function(p, 6), f);
	cr_expect_eq(an_profile_function(p, an_profile_node_function(p, 2))
			     ->kind,
		     AN_FRAME_GC);
	cr_expect_eq(an_profile_function(p, an_profile_node_function(p, 0))
			     ->kind,
		     AN_FRAME_ROOT);
	cr_expect_eq(an_profile_sample_time(p, 0), 1010);
	cr_expect_eq(an_profile_sample_time(p, 7), 1080);
	cr_expect_eq(an_profile_negative_deltas(p), 0);
	an_profile_free(p);
}

Test(profile, sorts_samples_stably_after_negative_deltas)
{
	/* ts = 1010, 1030, 1025, 1025: sorted 1010(a) 1025(a) 1025(b)
	 * 1030(b); equal stamps keep their order */
	static const char doc[] =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		"\"(root)\"},\"children\":[2,3]},"
		"{\"id\":2,\"callFrame\":{\"functionName\":\"a\"}},"
		"{\"id\":3,\"callFrame\":{\"functionName\":\"b\"}}],"
		"\"startTime\":1000,\"endTime\":1040,\"samples\":[2,3,2,3],"
		"\"timeDeltas\":[10,20,-5,0]}";
	an_profile *p = NULL;
	an_error err;

	cr_assert_eq(fx_load_string(&p, doc, 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_negative_deltas(p), 1);
	cr_expect_eq(an_profile_sample_time(p, 0), 1010);
	cr_expect_eq(an_profile_sample_time(p, 1), 1025);
	cr_expect_eq(an_profile_sample_time(p, 2), 1025);
	cr_expect_eq(an_profile_sample_time(p, 3), 1030);
	cr_expect_eq(an_profile_node_id(p, an_profile_sample_node(p, 1)), 2);
	cr_expect_eq(an_profile_node_id(p, an_profile_sample_node(p, 2)), 3);
	cr_expect_eq(an_profile_node_id(p, an_profile_sample_node(p, 3)), 3);
	/* no hitCount anywhere: counted from samples */
	cr_expect_eq(an_profile_node_hits(p, 1), 2);
	cr_expect_eq(an_profile_total_hits(p), 4);
	an_profile_free(p);
}

Test(profile, accepts_parent_links_and_any_key_order)
{
	/* samples before nodes, parent instead of children, numeric
	 * scriptId, unknown keys with nested values */
	static const char doc[] =
		"{\"samples\":[3,3],\"x\":{\"y\":[1,{\"z\":[]}]},"
		"\"timeDeltas\":[5,5],\"nodes\":["
		"{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\","
		"\"scriptId\":0}},"
		"{\"id\":2,\"parent\":1,\"callFrame\":{\"functionName\":\"a\","
		"\"url\":\"u.js\",\"lineNumber\":3,\"columnNumber\":4}},"
		"{\"id\":3,\"parent\":2,\"callFrame\":{\"functionName\":\"b\"}}],"
		"\"startTime\":0,\"endTime\":10}";
	an_profile *p = NULL;
	an_error err;

	cr_assert_eq(fx_load_string(&p, doc, 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_node_parent(p, 2), 1);
	cr_expect_eq(an_profile_node_depth(p, 2), 2);
	cr_expect_eq(an_profile_node_hits(p, 2), 2);
	cr_expect_neq(fx_find_function(p, "a", "u.js", 3, 4), AN_NONE);
	an_profile_free(p);
}

typedef struct bad_case {
	const char *file;   /* under fixtures/bad */
	int code;           /* expected status */
	uint64_t offset;    /* expected byte offset */
	const char *needle; /* expected in the message */
} bad_case;

/* Offsets checked by hand against the files (see fixtures/bad/README.md):
 * they point at the offending node object, array or token. */
static const bad_case bad_cases[] = {
	{"empty.cpuprofile", AN_EFORMAT, 0, "empty"},
	{"truncated.cpuprofile", AN_EPARSE, 339, "truncated"},
	{"truncated.cpuprofile.gz", AN_EIO, AN_NO_OFFSET, "truncated gzip"},
	{"heap_as_cpu.heapsnapshot", AN_EFORMAT, 0, "heapsnapshot"},
	{"float_id.cpuprofile", AN_EFORMAT, 408, "integer"},
	{"string_id.cpuprofile", AN_EFORMAT, 142, "integer"},
	{"unknown_child.cpuprofile", AN_EFORMAT, 266, "not in nodes"},
	{"unknown_sample.cpuprofile", AN_EFORMAT, 620, "not in nodes"},
	{"cycle.cpuprofile", AN_EFORMAT, 287, "parent"},
	{"counts_disagree.cpuprofile", AN_EFORMAT, 620, "timeDeltas"},
	{"not_json.cpuprofile", AN_EPARSE, 0, "invalid character"},
	{"wrong_kind.json", AN_EFORMAT, 0, "nodes"},
	{"huge_count.cpuprofile", AN_EPARSE, 535, "integer overflow"},
	{"deep_nesting.json", AN_EFORMAT, 1, "expected a JSON object"},
	{"duplicate_id.cpuprofile", AN_EFORMAT, 409, "duplicate node id 3"},
	{"negative_id.cpuprofile", AN_EFORMAT, 407, "out of range"},
};

Test(profile, rejects_every_bad_fixture_with_status_and_offset)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_case *c = &bad_cases[i];
		char rel[256];
		an_profile *p = NULL;
		an_error err;
		int rc;
		snprintf(rel, sizeof(rel), "bad/%s", c->file);
		rc = fx_load_profile(&p, fx_path(rel), 0, &err);
		cr_expect_eq(rc, c->code, "%s: status %d, want %d (%s)",
			     c->file, rc, c->code, err.message);
		cr_expect_eq(err.code, rc, "%s: record code", c->file);
		cr_expect_null(p, "%s: no profile on failure", c->file);
		if (c->offset != AN_NO_OFFSET)
			cr_expect_eq(err.offset, c->offset,
				     "%s: offset %llu, want %llu", c->file,
				     (unsigned long long)err.offset,
				     (unsigned long long)c->offset);
		cr_expect_not_null(strstr(err.message, c->needle),
				   "%s: message '%s' lacks '%s'", c->file,
				   err.message, c->needle);
		cr_expect_null(strchr(err.message, '\n'),
			       "%s: one-line message", c->file);
	}
}

Test(profile, truncated_gzip_reports_decompressed_offset)
{
	an_profile *p = NULL;
	an_error err;

	cr_assert_eq(fx_load_profile(&p, fx_path("bad/truncated.cpuprofile.gz"),
				     0, &err),
		     AN_EIO);
	cr_expect_neq(err.offset, AN_NO_OFFSET);
	cr_expect_gt(err.offset, 0);
}

Test(profile, rejects_structural_errors_in_strings)
{
	static const struct {
		const char *doc;
		int code;
		const char *needle;
	} cases[] = {
		{"{\"nodes\":[]}", AN_EFORMAT, "no nodes"},
		{"{\"nodes\":[{\"callFrame\":{}}]}", AN_EFORMAT, "without an id"},
		{"{\"nodes\":[{\"id\":1,\"parent\":2},{\"id\":2,"
		 "\"children\":[1]}]}", AN_EFORMAT, "root"},
		{"{\"nodes\":[{\"id\":1},{\"id\":2}]}", AN_EFORMAT,
		 "not reachable"},
		{"{\"nodes\":[{\"id\":1,\"children\":[2,2]},{\"id\":2}]}",
		 AN_EFORMAT, "already has a parent"},
		{"{\"nodes\":[{\"id\":1,\"children\":[1]}]}", AN_EFORMAT,
		 "root 1 as a child"},
		{"{\"nodes\":[{\"id\":1,\"children\":[2]},{\"id\":2,"
		 "\"children\":[3]},{\"id\":3,\"children\":[2]}]}", AN_EFORMAT,
		 "already has a parent"},
		{"{\"nodes\":[{\"id\":1}],\"samples\":[1.5]}", AN_EFORMAT,
		 "integer"},
		{"{\"nodes\":[{\"id\":1,\"hitCount\":-1}]}", AN_EFORMAT,
		 "out of range"},
		{"{\"nodes\":[{\"id\":1,\"callFrame\":{\"lineNumber\":"
		 "99999999999}}]}", AN_EFORMAT, "out of range"},
		{"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":7}}]}",
		 AN_EFORMAT, "string"},
		{"{\"nodes\":7}", AN_EFORMAT, "array"},
		{"{\"nodes\":[{\"id\":1}],\"startTime\":\"x\"}", AN_EFORMAT,
		 "microseconds"},
		{"{\"nodes\":[{\"id\":1}],\"timeDeltas\":[9223372036854775807,"
		 "1],\"samples\":[1,1]}", AN_ELIMIT, "overflow"},
		{"[1,2]", AN_EFORMAT, "object"},
		{"{\"nodes\":[{\"id\":1}]} x", AN_EPARSE, "malformed"},
		{"{\"traceEvents\":[{\"name\":\"X\"}]}", AN_EFORMAT,
		 "no CPU profile"},
		/* an empty nodes array is not a heap snapshot's numbers */
		{"{\"nodes\":[],\"startTime\":1}", AN_EFORMAT, "no nodes"},
		{"{\"nodes\":[{\"id\":1}],\"timeDeltas\":[1e300],"
		 "\"samples\":[1]}", AN_EFORMAT, "out of range"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		an_profile *p = NULL;
		an_error err;
		int rc = fx_load_string(&p, cases[i].doc, 0, &err);
		cr_expect_eq(rc, cases[i].code, "%s: got %d (%s)",
			     cases[i].doc, rc, err.message);
		cr_expect_not_null(strstr(err.message, cases[i].needle),
				   "%s: '%s' lacks '%s'", cases[i].doc,
				   err.message, cases[i].needle);
		cr_expect_null(p);
		an_profile_free(p);
	}
}

/* A digest of everything the model holds, to compare loads. */
static uint64_t digest(const an_profile *p)
{
	uint64_t h = 1469598103934665603ull;
	uint32_t i, k;

#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
	MIX(an_profile_node_count(p));
	MIX(an_profile_function_count(p));
	MIX(an_profile_sample_count(p));
	MIX(an_profile_start_time(p));
	MIX(an_profile_end_time(p));
	for (i = 0; i < an_profile_node_count(p); i++) {
		const an_line_ticks *t;
		uint32_t nt = an_profile_node_ticks(p, i, &t);
		MIX(an_profile_node_id(p, i));
		MIX(an_profile_node_parent(p, i));
		MIX(an_profile_node_function(p, i));
		MIX(an_profile_node_hits(p, i));
		for (k = 0; k < nt; k++) {
			MIX(t[k].line);
			MIX(t[k].ticks);
		}
	}
	for (i = 0; i < an_profile_function_count(p); i++) {
		const an_function *f = an_profile_function(p, i);
		for (k = 0; k < f->name.len; k++)
			MIX((unsigned char)f->name.ptr[k]);
		for (k = 0; k < f->url.len; k++)
			MIX((unsigned char)f->url.ptr[k]);
		MIX(f->line);
		MIX(f->column);
		MIX(f->kind);
	}
	for (i = 0; i < an_profile_sample_count(p); i++) {
		MIX(an_profile_sample_time(p, i));
		MIX(an_profile_sample_node(p, i));
	}
#undef MIX
	return h;
}

static const char *const all_fixtures[] = {
	"cpu/async_io.cpuprofile",     "cpu/busy_wait.cpuprofile",
	"cpu/cli_cpu_prof.cpuprofile", "cpu/json_parse.cpuprofile",
	"cpu/recursion.cpuprofile",    "cpu/regex.cpuprofile",
	"cpu/synth_small.cpuprofile",  "cpu/synth_hostile.cpuprofile",
	"cpu/trace_busy_wait.json",    "cpu/trace_synth_small.json",
};

Test(profile, every_chunk_size_builds_the_same_model, .timeout = 240)
{
	static const size_t chunks[] = {1, 2, 3, 7, 31, 4096, 65536};
	size_t i, c;

	for (i = 0; i < sizeof(all_fixtures) / sizeof(all_fixtures[0]); i++) {
		an_profile *p = NULL;
		an_error err;
		uint64_t want;
		cr_assert_eq(fx_load_profile(&p, fx_path(all_fixtures[i]), 0,
					     &err),
			     AN_OK, "%s: %s", all_fixtures[i], err.message);
		want = digest(p);
		an_profile_free(p);
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			cr_assert_eq(fx_load_profile(&p,
						     fx_path(all_fixtures[i]),
						     chunks[c], &err),
				     AN_OK, "%s chunk %zu: %s",
				     all_fixtures[i], chunks[c], err.message);
			cr_expect_eq(digest(p), want, "%s: chunk %zu differs",
				     all_fixtures[i], chunks[c]);
			an_profile_free(p);
		}
	}
}

Test(profile, every_chunk_size_gives_the_same_error)
{
	static const size_t chunks[] = {1, 2, 3, 7, 31, 4096, 65536};
	size_t i, c;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		char rel[256];
		an_profile *p = NULL;
		an_error ref, err;
		int want;
		snprintf(rel, sizeof(rel), "bad/%s", bad_cases[i].file);
		want = fx_load_profile(&p, fx_path(rel), 0, &ref);
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			cr_expect_eq(fx_load_profile(&p, fx_path(rel),
						     chunks[c], &err),
				     want, "%s chunk %zu", rel, chunks[c]);
			cr_expect_eq(err.offset, ref.offset,
				     "%s chunk %zu: offset %llu vs %llu", rel,
				     chunks[c],
				     (unsigned long long)err.offset,
				     (unsigned long long)ref.offset);
			cr_expect_str_eq(err.message, ref.message, "%s", rel);
		}
	}
}

Test(profile, trace_and_cpuprofile_give_the_same_samples)
{
	/* trace_busy_wait.json was converted from busy_wait.cpuprofile by
	 * fixtures/gen/cpuprofile_to_trace.js: same nodes, samples and
	 * timestamps; a second, smaller profile in the trace is ignored */
	an_profile *a = NULL, *b = NULL;
	an_error err;
	uint32_t i;

	cr_assert_eq(fx_load_profile(&a, fx_path("cpu/busy_wait.cpuprofile"),
				     0, &err),
		     AN_OK);
	cr_assert_eq(fx_load_profile(&b, fx_path("cpu/trace_busy_wait.json"),
				     0, &err),
		     AN_OK, "%s", err.message);
	cr_expect_eq(an_profile_kind(b), AN_KIND_TRACE);
	cr_assert_eq(an_profile_sample_count(a), an_profile_sample_count(b));
	cr_expect_eq(an_profile_node_count(a), an_profile_node_count(b));
	cr_expect_eq(an_profile_start_time(a), an_profile_start_time(b));
	for (i = 0; i < an_profile_sample_count(a); i++) {
		cr_expect_eq(an_profile_sample_time(a, i),
			     an_profile_sample_time(b, i), "sample %u", i);
		cr_expect_eq(an_profile_node_id(a, an_profile_sample_node(a, i)),
			     an_profile_node_id(b, an_profile_sample_node(b, i)),
			     "sample %u", i);
	}
	an_profile_free(a);
	an_profile_free(b);
}

Test(profile, hostile_names_survive_exactly)
{
	static const char doc[] =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		"\"(root)\"},\"children\":[2]},{\"id\":2,\"callFrame\":"
		"{\"functionName\":\"a;b\\\"c\\\\d\\ne\\u001b[2J\\u0000z\","
		"\"url\":\"\\u65e5\\u672c.js\"}}],\"samples\":[2],"
		"\"timeDeltas\":[1]}";
	an_profile *p = NULL;
	an_error err;
	const an_function *f;
	static const char want[] = "a;b\"c\\d\ne\x1b[2J\0z";

	cr_assert_eq(fx_load_string(&p, doc, 0, &err), AN_OK, "%s",
		     err.message);
	f = an_profile_function(p, an_profile_node_function(p, 1));
	cr_assert_eq(f->name.len, sizeof(want) - 1);
	cr_expect_eq(memcmp(f->name.ptr, want, sizeof(want) - 1), 0);
	cr_expect_str_eq(f->url.ptr, "\xe6\x97\xa5\xe6\x9c\xac.js");
	an_profile_free(p);
}

Test(profile, gzip_input_loads_like_plain)
{
	/* synth_small.cpuprofile.gz is `gzip -9 -n` of synth_small */
	an_profile *a = NULL, *b = NULL;
	an_error err;

	cr_assert_eq(fx_load_profile(&a, fx_path("cpu/synth_small.cpuprofile"),
				     0, &err),
		     AN_OK);
	cr_assert_eq(fx_load_profile(&b,
				     fx_path("cpu/synth_small.cpuprofile.gz"),
				     0, &err),
		     AN_OK, "%s", err.message);
	cr_expect_eq(an_profile_sample_count(b), 5000);
	cr_expect_eq(digest(a), digest(b));
	an_profile_free(a);
	an_profile_free(b);
}

Test(profile, skips_a_byte_order_mark_in_any_chunking)
{
	static const char doc[] =
		"\xef\xbb\xbf{\"nodes\":[{\"id\":1,\"callFrame\":"
		"{\"functionName\":\"(root)\"},\"children\":[2]},{\"id\":2,"
		"\"callFrame\":{\"functionName\":\"a\"}}],\"samples\":[2,2],"
		"\"timeDeltas\":[1,1]}";
	static const size_t chunks[] = {0, 1, 2, 3, 4};
	size_t c;

	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		an_profile *p = NULL;
		an_error err;
		cr_assert_eq(fx_load_string(&p, doc, chunks[c], &err), AN_OK,
			     "chunk %zu: %s", chunks[c], err.message);
		cr_expect_eq(an_profile_sample_count(p), 2);
		an_profile_free(p);
	}
}

/* ---- trace events that are not profiles ---------------------------- */

#define TR_PROFILE                                                            \
	"{\"args\":{\"data\":{\"startTime\":1000}},\"id\":\"0x1\","         \
	"\"name\":\"Profile\",\"ph\":\"P\",\"pid\":7,\"tid\":1,\"ts\":1000}"
#define TR_CHUNK                                                              \
	"{\"args\":{\"data\":{\"cpuProfile\":{\"nodes\":["                  \
	"{\"callFrame\":{\"functionName\":\"(root)\",\"scriptId\":0},"       \
	"\"id\":1},{\"callFrame\":{\"functionName\":\"f\",\"url\":\"a.js\"," \
	"\"scriptId\":1,\"lineNumber\":0,\"columnNumber\":0},\"id\":2,"      \
	"\"parent\":1}],\"samples\":[2,2,1]},\"timeDeltas\":[10,20,30]}},"   \
	"\"id\":\"0x1\",\"name\":\"ProfileChunk\",\"ph\":\"P\",\"pid\":7,"   \
	"\"tid\":1,\"ts\":1100}"
/* Chrome's UpdateCounters: args.data.nodes is a DOM node count */
#define TR_COUNTERS                                                           \
	"{\"args\":{\"data\":{\"documents\":1,\"jsEventListeners\":3,"       \
	"\"nodes\":57}},\"cat\":\"disabled-by-default-devtools.timeline\","  \
	"\"name\":\"UpdateCounters\",\"ph\":\"I\",\"pid\":7,\"tid\":1,"      \
	"\"ts\":1050}"
/* an event whose data has profile-like keys of every wrong shape */
#define TR_ODD                                                                \
	"{\"args\":{\"data\":{\"nodes\":[1,2,{\"id\":\"x\"}],"               \
	"\"samples\":\"all\",\"timeDeltas\":{\"a\":1},\"lines\":[true],"     \
	"\"cpuProfile\":{\"nodes\":[{\"positionTicks\":[{\"line\":1}]}]}}},"  \
	"\"name\":\"Layout\",\"ph\":\"X\",\"pid\":7,\"tid\":1,\"ts\":1060}"

/*
 * Real Chrome traces are mostly other events, some with args.data keys a
 * profile also has (UpdateCounters' integer "nodes"). Their names may
 * come after their args, so the loader cannot skip them up front: before
 * this was fixed, such a trace failed with "nodes must be an array, not
 * an integer". The profile must come out as if they were not there.
 */
Test(profile, trace_ignores_profile_keys_of_other_events)
{
	static const char plain[] =
		"{\"traceEvents\":[" TR_PROFILE "," TR_CHUNK "]}";
	static const char noisy[] =
		"{\"traceEvents\":[" TR_COUNTERS "," TR_ODD "," TR_PROFILE
		"," TR_COUNTERS "," TR_ODD "," TR_CHUNK "," TR_ODD "]}";
	static const size_t chunks[] = {0, 1, 7, 31};
	an_profile *a = NULL;
	an_error err;
	size_t c;

	cr_assert_eq(fx_load_string(&a, plain, 0, &err), AN_OK, "%s",
		     err.message);
	/* samples 2, 2, 1 at 1010, 1030, 1060 */
	cr_assert_eq(an_profile_sample_count(a), 3);
	cr_expect_eq(an_profile_sample_time(a, 2), 1060);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		an_profile *b = NULL;
		cr_assert_eq(fx_load_string(&b, noisy, chunks[c], &err), AN_OK,
			     "chunk %zu: %s", chunks[c], err.message);
		cr_expect_eq(an_profile_sample_count(b), 3);
		cr_expect_eq(an_profile_node_count(b), an_profile_node_count(a));
		cr_expect_eq(digest(b), digest(a), "chunk %zu", chunks[c]);
		an_profile_free(b);
	}
	an_profile_free(a);
}

/* A profile event with malformed data still fails, at the bad value,
 * whether its name comes before or after its args. */
Test(profile, trace_profile_event_with_bad_nodes_still_fails)
{
	static const char after[] =
		"{\"traceEvents\":[" TR_PROFILE ",{\"args\":{\"data\":"
		"{\"cpuProfile\":{\"nodes\":5}}},\"id\":\"0x1\","
		"\"name\":\"ProfileChunk\",\"pid\":7}]}";
	static const char before[] =
		"{\"traceEvents\":[" TR_PROFILE ",{\"name\":\"ProfileChunk\","
		"\"id\":\"0x1\",\"pid\":7,\"args\":{\"data\":"
		"{\"cpuProfile\":{\"nodes\":5}}}}]}";
	const char *docs[2] = {after, before};
	int i;

	for (i = 0; i < 2; i++) {
		an_profile *p = NULL;
		an_error err;
		/* the offset just past the 5, as for a .cpuprofile */
		uint64_t at = (uint64_t)(strstr(docs[i], "\"nodes\":5") -
					 docs[i]) + 9;
		cr_expect_eq(fx_load_string(&p, docs[i], 0, &err), AN_EFORMAT,
			     "%s", i ? "name first" : "args first");
		cr_expect_str_eq(err.message,
				 "nodes must be an array, not an integer");
		cr_expect_eq(err.offset, at, "%s: offset %llu, want %llu",
			     i ? "name first" : "args first",
			     (unsigned long long)err.offset,
			     (unsigned long long)at);
		an_profile_free(p);
	}
}

/*
 * Chunks may carry `lines` or not (a real Chrome trace: "samples has 4253
 * entries but lines has 4153" before this was fixed). As DevTools'
 * SamplesHandler does, a chunk without lines counts as line 0 (none) for
 * its samples, whether it comes before or after one with lines.
 * Samples of f: line 3 twice (chunk 1), none (chunk 2), line 5 (chunk 3);
 * as in DevTools' line-level profile the first sample is not counted.
 */
#define TR_NODES                                                              \
	"\"nodes\":[{\"callFrame\":{\"functionName\":\"(root)\","          \
	"\"scriptId\":0},\"id\":1},{\"callFrame\":{\"functionName\":"     \
	"\"f\",\"url\":\"a.js\",\"scriptId\":1,\"lineNumber\":0,"         \
	"\"columnNumber\":0},\"id\":2,\"parent\":1}],"
#define TR_CH(body)                                                           \
	"{\"args\":{\"data\":" body "},\"id\":\"0x1\","                   \
	"\"name\":\"ProfileChunk\",\"pid\":7,\"tid\":1,\"ts\":1100}"

Test(profile, trace_lines_optional_per_chunk)
{
	static const char with_first[] =
		"{\"traceEvents\":[" TR_PROFILE ","
		TR_CH("{\"cpuProfile\":{" TR_NODES "\"samples\":[2,2]},"
		      "\"timeDeltas\":[10,10],\"lines\":[3,3]}") ","
		TR_CH("{\"cpuProfile\":{\"samples\":[2]},"
		      "\"timeDeltas\":[10]}") ","
		TR_CH("{\"cpuProfile\":{\"samples\":[2]},"
		      "\"timeDeltas\":[10],\"lines\":[5]}") "]}";
	static const char without_first[] =
		"{\"traceEvents\":[" TR_PROFILE ","
		TR_CH("{\"cpuProfile\":{" TR_NODES "\"samples\":[2]},"
		      "\"timeDeltas\":[10]}") ","
		TR_CH("{\"cpuProfile\":{\"samples\":[2,2,2]},"
		      "\"timeDeltas\":[10,10,10],\"lines\":[3,3,5]}") "]}";
	const char *docs[2] = {with_first, without_first};
	int i;

	for (i = 0; i < 2; i++) {
		an_profile *p = NULL;
		an_cpu *c = NULL;
		an_cpu_lines *l = NULL;
		an_error err;
		cr_assert_eq(fx_load_string(&p, docs[i], 0, &err), AN_OK,
			     "%d: %s", i, err.message);
		cr_assert_eq(an_profile_sample_count(p), 4);
		cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
		cr_assert_eq(an_cpu_hot_lines(&l, c, &err), AN_OK, "%s",
			     err.message);
		cr_assert_eq(an_cpu_lines_count(l), 2, "%d", i);
		/* the first sample never counts (DevTools): with_first
		 * loses one line-3 tick; each tick weighs its 10 µs delta */
		cr_expect_eq(an_cpu_lines_get(l, 0)->line, 3);
		cr_expect_eq(an_cpu_lines_get(l, 0)->ticks, i ? 2 : 1);
		cr_expect_float_eq(an_cpu_lines_get(l, 0)->self_us,
				   i ? 20.0 : 10.0, 1e-9);
		cr_expect_eq(an_cpu_lines_get(l, 1)->line, 5);
		cr_expect_eq(an_cpu_lines_get(l, 1)->ticks, 1);
		cr_expect_float_eq(an_cpu_lines_get(l, 1)->self_us, 10.0,
				   1e-9);
		an_cpu_lines_free(l);
		an_cpu_free(c);
		an_profile_free(p);
	}
}

/*
 * A lost chunk: node 3 names parent 9, which never arrives (a real
 * Chrome 141 trace has two such nodes). DevTools ends the timeline at the
 * first sample below such a node; profkit keeps every sample and hangs
 * the node under a synthetic "(missing parent)" below the root. Before,
 * the load failed: "node 3 names parent 9, which is not in nodes".
 * Samples 2, 3, 4, 4 at 10 µs each: three of them below node 3.
 */
Test(profile, trace_node_whose_parent_never_arrived)
{
	static const char doc[] =
		"{\"traceEvents\":[" TR_PROFILE ","
		TR_CH("{\"cpuProfile\":{\"nodes\":[{\"callFrame\":"
		      "{\"functionName\":\"(root)\",\"scriptId\":0},\"id\":1},"
		      "{\"callFrame\":{\"functionName\":\"f\",\"scriptId\":1},"
		      "\"id\":2,\"parent\":1},{\"callFrame\":{\"functionName\":"
		      "\"g\",\"scriptId\":1},\"id\":3,\"parent\":9},"
		      "{\"callFrame\":{\"functionName\":\"h\",\"scriptId\":1},"
		      "\"id\":4,\"parent\":3}],\"samples\":[2,3,4,4]},"
		      "\"timeDeltas\":[10,10,10,10]}") "]}";
	an_profile *p = NULL;
	an_cpu *c = NULL;
	an_error err;
	uint32_t samples = 99, n, m, g;
	const an_function *f;

	cr_assert_eq(fx_load_string(&p, doc, 0, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_orphans(p, &samples), 1);
	cr_expect_eq(samples, 3);
	cr_expect_eq(an_profile_sample_count(p), 4);
	n = an_profile_node_count(p);
	cr_assert_eq(n, 5, "4 nodes and (missing parent)");
	m = n - 1;
	f = an_profile_function(p, an_profile_node_function(p, m));
	cr_expect(f->name.len == 16 &&
		  !memcmp(f->name.ptr, "(missing parent)", 16));
	cr_expect_eq(an_profile_node_parent(p, m), 0);
	cr_expect_eq(an_profile_node_id(p, m), 5, "max id + 1");
	g = AN_NONE;
	for (uint32_t i = 0; i < n; i++)
		if (an_profile_node_id(p, i) == 3)
			g = i;
	cr_assert_neq(g, AN_NONE);
	cr_expect_eq(an_profile_node_parent(p, g), m);
	cr_expect_eq(an_profile_node_depth(p, g), 2);
	/* the three samples below it: 10 + 10 + 10 (the last sample
	 * lasts the mean interval, 10) */
	cr_assert_eq(an_cpu_analyze(&c, p, NULL, &err), AN_OK);
	cr_expect_float_eq(an_cpu_node_total_us(c, m), 30.0, 1e-9);
	cr_expect_float_eq(an_cpu_total_us(c), 40.0, 1e-9);
	an_cpu_free(c);
	an_profile_free(p);
}

/* A .cpuprofile is a whole profile: a missing node there is an error. */
Test(profile, cpuprofile_unknown_child_still_fails)
{
	static const char doc[] =
		"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		"\"(root)\"},\"children\":[2]}],\"samples\":[1],"
		"\"timeDeltas\":[1]}";
	an_profile *p = NULL;
	an_error err;

	cr_expect_eq(fx_load_string(&p, doc, 0, &err), AN_EFORMAT);
	cr_expect_str_eq(err.message,
			 "node 1 lists child 2, which is not in nodes");
	an_profile_free(p);
}

/*
 * What a trace holds besides profiles (an_trace_summary), filled even when
 * there is no CPU profile: a Node trace written with
 * --trace-event-categories has none (Node starts the sampler only when
 * tracing is enabled at runtime). fixtures/cpu/trace_no_samples.json,
 * by hand: 4 events; pids 40 and 52; threads (40,40), (40,41), (52,52);
 * ts from 1000000 to 1004000 + 1200.5 (rounded: 1201); the metadata
 * event's ts 0 is not part of the span (Chrome writes 0 there).
 */
Test(profile, trace_summary_without_profile)
{
	an_profile_load_opts o = AN_PROFILE_LOAD_OPTS_INIT;
	an_trace_summary t;
	an_source *src = NULL;
	an_profile *p = NULL;
	an_error err;

	o.trace = &t;
	cr_assert_eq(an_source_open_path(&src,
					 fx_path("cpu/trace_no_samples.json"),
					 &err),
		     AN_OK);
	cr_expect_eq(an_profile_load(&p, src, &o, &err), AN_EFORMAT);
	cr_expect_str_eq(err.message,
			 "trace has no CPU profile (no Profile events among 4 "
			 "events); record one with the trace category "
			 "disabled-by-default-v8.cpu_profiler, or use node "
			 "--cpu-prof");
	cr_expect_null(p);
	cr_expect_eq(t.events, 4);
	cr_expect_eq(t.processes, 2);
	cr_expect_eq(t.threads, 3);
	cr_expect_eq(t.profiles, 0);
	cr_expect(t.has_time);
	cr_expect_eq(t.first_us, 1000000);
	cr_expect_eq(t.last_us, 1005201);
	cr_expect_eq(t.count, 0);
	cr_expect_eq(t.loaded, AN_NONE);
	an_trace_summary_free(&t);
	an_source_free(src);
}

/* The same counts for a trace with a profile: Profile + ProfileChunk of
 * pid 7, tid 1, at ts 1000 and 1100. */
Test(profile, trace_summary_with_profile)
{
	static const char doc[] =
		"{\"traceEvents\":[" TR_PROFILE "," TR_CHUNK "]}";
	an_profile_load_opts o = AN_PROFILE_LOAD_OPTS_INIT;
	an_trace_summary t;
	an_source *src = NULL;
	an_profile *p = NULL;
	an_error err;

	memset(&t, 0xab, sizeof(t));
	o.trace = &t;
	cr_assert_eq(an_source_open_memory(&src, doc, strlen(doc), "t", &err),
		     AN_OK);
	cr_assert_eq(an_profile_load(&p, src, &o, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(t.events, 2);
	cr_expect_eq(t.processes, 1);
	cr_expect_eq(t.threads, 1);
	cr_expect_eq(t.profiles, 1);
	cr_expect_eq(t.first_us, 1000);
	cr_expect_eq(t.last_us, 1100);
	cr_assert_eq(t.count, 1);
	cr_expect_eq(t.dflt, 0);
	cr_expect_eq(t.loaded, 0);
	cr_expect_eq(t.list[0].pid, 7);
	cr_expect_eq(t.list[0].tid, 1);
	cr_expect_null(t.list[0].thread_name);
	an_trace_summary_free(&t);
	an_profile_free(p);
	an_source_free(src);
}

/*
 * test_cpuscan.c - the fast front end of the CPU loaders (cpuscan.c):
 * the integer scanner for samples/timeDeltas/lines and the trace event
 * skimmer. Each input is loaded with every chunk size from 1 byte to the
 * whole input and must give exactly what the plain yajl parse gives (the
 * reference, an__profile_load_plain): the same status, message and byte
 * offset, the same model and the same trace summary. Values of the
 * valid inputs are also checked by hand.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"
#include "cpu/cpuscan_int.h"

typedef struct result {
	int rc;
	an_error err;
	uint64_t digest;
	an_trace_summary sum;
	uint32_t samples;
	int64_t sample_id[8];  /* node ids of the first samples, time order */
	int64_t sample_ts[8];
	uint64_t listed;       /* the summary's profiles: pid, tid, names */
	size_t adopted;        /* pieces taken from other threads */
} result;

static uint64_t digest(const an_profile *p)
{
	uint64_t h = FX_FNV_INIT;
	uint32_t i, k;

#define MIX(x)                                                                \
	do {                                                                  \
		int64_t x_ = (int64_t)(x);                                    \
		h = fx_fnv(h, &x_, sizeof(x_));                               \
	} while (0)
	MIX(an_profile_node_count(p));
	MIX(an_profile_function_count(p));
	MIX(an_profile_sample_count(p));
	MIX(an_profile_start_time(p));
	MIX(an_profile_end_time(p));
	MIX(an_profile_total_hits(p));
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
		h = fx_fnv(h, f->name.ptr, f->name.len);
		h = fx_fnv(h, f->url.ptr, f->url.len);
		MIX(f->line);
		MIX(f->column);
	}
	for (i = 0; i < an_profile_sample_count(p); i++) {
		MIX(an_profile_sample_node(p, i));
		MIX(an_profile_sample_time(p, i));
	}
#undef MIX
	return h;
}

/* Loads from `src` (then freed): plainly, or with the fast paths and,
 * when `split` (a trace), the event array skimmed by other threads in
 * pieces of that many bytes. */
static void load_src(result *res, an_source *src, int trace, int plain,
		     size_t split)
{
	an_profile *p = NULL;
	uint32_t i;

	if (plain)
		res->rc = an__profile_load_plain(&p, src, trace,
						 trace ? &res->sum : NULL,
						 &res->err);
	else if (trace && split)
		res->rc = an__trace_load_split(&p, src, &res->sum, split,
					       &res->adopted, &res->err);
	else if (trace)
		res->rc = an__trace_load(&p, src, &res->sum, NULL, &res->err);
	else
		res->rc = an__cpuprofile_load(&p, src, NULL, &res->err);
	/* the list of profiles, as a digest (then freed; counts stay) */
	res->listed = FX_FNV_INIT;
	for (i = 0; i < res->sum.count; i++) {
		const an_trace_profile *e = &res->sum.list[i];
		const char *nm[3] = {e->id, e->thread_name, e->process_name};
		int k;
		res->listed = (res->listed ^ (uint64_t)e->pid) * 1099511628211u;
		res->listed = (res->listed ^ (uint64_t)e->tid) * 1099511628211u;
		res->listed = (res->listed ^ e->samples) * 1099511628211u;
		for (k = 0; k < 3; k++) {
			const char *c = nm[k] ? nm[k] : "(none)";
			for (; *c; c++)
				res->listed = (res->listed ^ (uint8_t)*c) *
					      1099511628211u;
		}
	}
	res->listed ^= (uint64_t)res->sum.loaded << 32;
	an_trace_summary_free(&res->sum);
	if (p) {
		res->digest = digest(p);
		res->samples = an_profile_sample_count(p);
		for (i = 0; i < res->samples && i < 8; i++) {
			res->sample_id[i] = an_profile_node_id(
				p, an_profile_sample_node(p, i));
			res->sample_ts[i] = an_profile_sample_time(p, i);
		}
	}
	an_profile_free(p);
	an_source_free(src);
}

static void load_split(result *res, const char *doc, size_t len, int trace,
		       size_t chunk, int plain, size_t split)
{
	an_source *src = NULL;

	memset(res, 0, sizeof(*res));
	cr_assert_eq(an_source_open_memory(&src, doc, len, "t", &res->err),
		     AN_OK);
	if (chunk)
		an_source_set_chunk_limit(src, chunk);
	load_src(res, src, trace, plain, split);
}

static void load(result *res, const char *doc, size_t len, int trace,
		 size_t chunk, int plain)
{
	load_split(res, doc, len, trace, chunk, plain, 0);
}

/*
 * `got` must agree with the plain parse of the whole input (`ref`). yajl's
 * own offset for a few errors depends on where its input was cut ("01"
 * cut after the 0 is reported one byte later): there the offset of the
 * plain parse with the same chunking (`same`) is accepted too. `how`
 * names the run in messages.
 */
static void agree(result *got, const result *same, const result *ref,
		  int trace, const char *how, const char *doc, size_t len)
{
	if (got->rc < 0 && got->err.offset == same->err.offset)
		got->err.offset = ref->err.offset;
	cr_assert_eq(got->rc, ref->rc, "%s: status %d, want %d (%s / %s) "
		     "in %.*s", how, got->rc, ref->rc, got->err.message,
		     ref->err.message, (int)len, doc);
	if (ref->rc < 0) {
		cr_assert_str_eq(got->err.message, ref->err.message,
				 "%s in %.*s", how, (int)len, doc);
		cr_assert_eq(got->err.offset, ref->err.offset,
			     "%s: offset %llu, want %llu (%s) in %.*s", how,
			     (unsigned long long)got->err.offset,
			     (unsigned long long)ref->err.offset,
			     ref->err.message, (int)len, doc);
	} else {
		cr_assert_eq(got->digest, ref->digest,
			     "%s: model differs in %.*s", how, (int)len, doc);
	}
	if (!trace)
		return;
	cr_assert_eq(got->listed, ref->listed,
		     "%s: profiles listed differ in %.*s", how, (int)len, doc);
	cr_assert_eq(got->sum.events, ref->sum.events,
		     "%s: %llu events, want %llu in %.*s", how,
		     (unsigned long long)got->sum.events,
		     (unsigned long long)ref->sum.events, (int)len, doc);
	cr_assert_eq(got->sum.threads, ref->sum.threads,
		     "%s: threads in %.*s", how, (int)len, doc);
	cr_assert_eq(got->sum.processes, ref->sum.processes,
		     "%s: processes in %.*s", how, (int)len, doc);
	cr_assert_eq(got->sum.profiles, ref->sum.profiles,
		     "%s: profiles in %.*s", how, (int)len, doc);
	cr_assert_eq(got->sum.has_time, ref->sum.has_time,
		     "%s: has_time in %.*s", how, (int)len, doc);
	cr_assert_eq(got->sum.first_us, ref->sum.first_us,
		     "%s: first_us in %.*s", how, (int)len, doc);
	cr_assert_eq(got->sum.last_us, ref->sum.last_us,
		     "%s: last_us %lld, want %lld in %.*s", how,
		     (long long)got->sum.last_us, (long long)ref->sum.last_us,
		     (int)len, doc);
}

/*
 * Loads `doc` plainly and with every chunk size; all must agree. A trace
 * is also loaded with its event array cut into pieces of every size for
 * other threads, in chunks of that size, and whole (pieces up to 40
 * bytes, then every 16th size). Returns the reference result.
 */
static result check(const char *doc, int trace)
{
	size_t len = strlen(doc), c, chunk;
	result ref, got, same;
	char how[64];

	load(&ref, doc, len, trace, 0, 1);
	for (c = 1; c <= len + 1; c++) {
		chunk = c == len + 1 ? 0 : c;
		load(&got, doc, len, trace, chunk, 0);
		load(&same, doc, len, trace, chunk, 1);
		snprintf(how, sizeof(how), "chunk %zu", c);
		agree(&got, &same, &ref, trace, how, doc, len);
		if (!trace)
			continue;
		load_split(&got, doc, len, trace, chunk, 0, c);
		snprintf(how, sizeof(how), "chunk %zu, pieces of %zu", c, c);
		agree(&got, &same, &ref, trace, how, doc, len);
		if (c > 40 && c % 16)
			continue;
		load_split(&got, doc, len, trace, 0, 0, c);
		snprintf(how, sizeof(how), "whole, pieces of %zu", c);
		agree(&got, &ref, &ref, trace, how, doc, len);
	}
	return ref;
}

/* ---- .cpuprofile: samples and timeDeltas ------------------------------ */

#define NODES                                                                 \
	"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\","  \
	"\"scriptId\":\"0\",\"url\":\"\",\"lineNumber\":-1,"                  \
	"\"columnNumber\":-1},\"children\":[2,3]},"                           \
	"{\"id\":2,\"callFrame\":{\"functionName\":\"a\",\"scriptId\":\"1\"," \
	"\"url\":\"a.js\",\"lineNumber\":0,\"columnNumber\":0}},"             \
	"{\"id\":3,\"callFrame\":{\"functionName\":\"b\",\"scriptId\":\"1\"," \
	"\"url\":\"a.js\",\"lineNumber\":1,\"columnNumber\":0}}],"            \
	"\"startTime\":100,\"endTime\":200,"

Test(cpuscan, reads_samples_and_deltas_in_every_chunking)
{
	result r = check(NODES "\"samples\":[2,3,2, 3 ,\n2],"
			       "\"timeDeltas\":[10,20,-5,7 , 1000]}", 0);

	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_assert_eq(r.samples, 5);
	/* ts = 110, 130, 125, 132, 1132: sorted 110 130 125... */
	cr_expect_eq(r.sample_ts[0], 110);
	cr_expect_eq(r.sample_id[0], 2);
	cr_expect_eq(r.sample_ts[1], 125);
	cr_expect_eq(r.sample_id[1], 2);
	cr_expect_eq(r.sample_ts[2], 130);
	cr_expect_eq(r.sample_id[2], 3);
	cr_expect_eq(r.sample_ts[3], 132);
	cr_expect_eq(r.sample_ts[4], 1132);
}

Test(cpuscan, reads_keys_in_any_order_and_empty_arrays)
{
	result r = check("{\"timeDeltas\":[5,5],\"samples\":[3,2],"
			 "\"startTime\":0,\"endTime\":10,"
			 "\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
			 "\"(root)\",\"url\":\"\",\"lineNumber\":-1,"
			 "\"columnNumber\":-1},\"children\":[2,3]},"
			 "{\"id\":2,\"callFrame\":{\"functionName\":\"a\","
			 "\"url\":\"\",\"lineNumber\":0,\"columnNumber\":0}},"
			 "{\"id\":3,\"callFrame\":{\"functionName\":\"b\","
			 "\"url\":\"\",\"lineNumber\":0,\"columnNumber\":1}}]"
			 "}", 0);

	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.sample_id[0], 3);
	cr_expect_eq(r.sample_ts[0], 5);
	cr_expect_eq(r.sample_id[1], 2);
	cr_expect_eq(r.sample_ts[1], 10);
	r = check(NODES "\"samples\":[ ],\"timeDeltas\":[]}", 0);
	cr_expect_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.samples, 0);
}

/* Every way an entry can be wrong: yajl's message and offset, or the
 * loader's, whatever the chunking. */
Test(cpuscan, bad_entries_fail_as_the_plain_parse_does)
{
	static const char *const bad[] = {
		"[2,-3]", "[2,3.5]", "[2,\"3\"]", "[2,null]", "[2,{}]",
		"[2,[3]]", "[2,03]", "[2,3,]", "[2 3]", "[2,,3]", "[,2]",
		"[2,3}", "[2,99999999999999999999]", "[2,9999999999999999999]",
		"[2,123456789012345678]", "[2,-]", "[2,1e3]", "[2,-0]",
		"[2,truex]", "[2,\v3]", "[2,3", "[2,3,", "[2,", "[",
		"[2,3]x", "[2,3] ,\"x\":1",
	};
	static const char *const deltas[] = {
		"[1,2.5,3]", "[1,-0,3]", "[1,\"2\"]", "[1,2e400]", "[1,-]",
		"[1,0x1]", "[1,-01]", "[1,2,]", "[1, 2 ,3 ]",
		"[1,-9223372036854775808,1]", "[1,9223372036854775808]",
	};
	char doc[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(doc, sizeof(doc), NODES "\"samples\":%s,"
			 "\"timeDeltas\":[1,1]}", bad[i]);
		check(doc, 0);
	}
	for (i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		snprintf(doc, sizeof(doc), NODES "\"samples\":[2,3,2],"
			 "\"timeDeltas\":%s}", deltas[i]);
		check(doc, 0);
	}
}

Test(cpuscan, negative_sample_id_is_reported_at_the_number)
{
	result r = check(NODES "\"samples\":[2,-3],\"timeDeltas\":[1,1]}", 0);

	cr_assert_eq(r.rc, AN_EFORMAT);
	cr_expect_str_eq(r.err.message, "sample node id -3 out of range");
	/* just past "-3" */
	cr_expect_eq(r.err.offset, strlen(NODES "\"samples\":[2,-3"));
}

Test(cpuscan, a_fractional_delta_is_rounded_like_the_plain_parse)
{
	result r = check(NODES "\"samples\":[2,3,2],"
			       "\"timeDeltas\":[1,2.5,3]}", 0);

	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.sample_ts[0], 101);
	cr_expect_eq(r.sample_ts[1], 104); /* 101 + llround(2.5) */
	cr_expect_eq(r.sample_ts[2], 107);
}

/* ---- traces: the skimmer -------------------------------------------- */

#define PROFILE                                                               \
	"{\"name\":\"Profile\",\"ph\":\"P\",\"pid\":1,\"tid\":2,\"ts\":1000," \
	"\"id\":\"0x1\",\"args\":{\"data\":{\"startTime\":1000}}}"
#define CHUNK                                                                 \
	"{\"name\":\"ProfileChunk\",\"ph\":\"P\",\"pid\":1,\"tid\":2,"        \
	"\"ts\":1010,\"id\":\"0x1\",\"args\":{\"data\":{\"cpuProfile\":{"     \
	"\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":\"(root)\","    \
	"\"url\":\"\",\"scriptId\":0}},{\"id\":2,\"parent\":1,"               \
	"\"callFrame\":{\"functionName\":\"f\",\"url\":\"f.js\","             \
	"\"scriptId\":1,\"lineNumber\":3,\"columnNumber\":4}}],"              \
	"\"samples\":[2,2,1]},\"timeDeltas\":[5, 6,7],\"lines\":[4,-1,0]}}}"
/* skipped events: escaped quotes and braces in strings, nested args,
 * fractional ts, a duration, an integer args.data.nodes */
#define OTHER1                                                                \
	"{\"name\":\"RunTask\",\"cat\":\"a\\\"}]{[\\\\\",\"ph\":\"X\","       \
	"\"pid\":1,\"tid\":3,\"ts\":900.4,\"dur\":50,\"args\":{\"data\":"     \
	"{\"nodes\":7,\"x\":[1,2.5e3,{\"y\":null}],\"t\":true,"               \
	"\"f\":false,\"s\":\"\\u00e9\\n\"}}}"
#define OTHER2                                                                \
	"{\"args\":{},\"dur\":-3,\"ts\":5000,\"pid\":7,\"tid\":7,"            \
	"\"ph\":\"X\",\"name\":\"Layout\"}"
#define META                                                                  \
	"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":2,"         \
	"\"args\":{\"name\":\"CrRendererMain\"}}"

Test(cpuscan, skims_a_bare_array_trace_in_every_chunking)
{
	result r = check("[" OTHER1 ",\n" PROFILE ",\n" OTHER2 ",\n" META
			 ",\n" CHUNK "]", 1);

	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.sum.events, 5);
	cr_expect_eq(r.sum.processes, 2);
	cr_expect_eq(r.sum.threads, 3); /* 1:3, 1:2, 7:7 */
	cr_expect_eq(r.sum.profiles, 1);
	cr_expect_eq(r.sum.first_us, 900);  /* llround(900.4) */
	cr_expect_eq(r.sum.last_us, 5000);  /* dur -3 does not count */
	cr_expect_eq(r.samples, 3);
	cr_expect_eq(r.sample_ts[0], 1005);
	cr_expect_eq(r.sample_ts[2], 1018);
}

Test(cpuscan, skims_the_object_form_with_keys_before_and_after)
{
	result r = check("{\"metadata\":{\"traceEvents\":[1,{\"a\":[]}]},"
			 "\"traceEvents\":[ " OTHER2 " , " PROFILE "," CHUNK
			 "," OTHER1 " ],\"displayTimeUnit\":\"ms\"}", 1);

	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.sum.events, 4);
	cr_expect_eq(r.sum.last_us, 5000);
	cr_expect_eq(r.sum.first_us, 900);
	cr_expect_eq(r.samples, 3);
}

Test(cpuscan, only_skipped_events_and_odd_elements)
{
	result r = check("[" OTHER1 "," OTHER2 ",1,\"s\",[" OTHER2 "],null]",
			 1);

	cr_expect_eq(r.rc, AN_EFORMAT);
	cr_expect_eq(r.sum.events, 2);
	check("[]", 1);
	check("[ ]", 1);
	check("[" OTHER2 "]", 1);
	check("{\"traceEvents\":[]}", 1);
	check("{\"x\":1,\"traceEvents\":[" OTHER2 "]}", 1);
}

Test(cpuscan, names_it_cannot_read_go_to_yajl)
{
	/* "Pro\u0066ile" is Profile once decoded: it must not be skipped */
	result r = check("[" "{\"name\":\"Pro\\u0066ile\",\"pid\":1,"
			 "\"id\":\"0x1\",\"args\":{\"data\":{\"startTime\":1}}},"
			 "{\"n\\u0061me\":\"Profile\",\"pid\":1,\"id\":\"0x2\"},"
			 "{\"name\":\"h\xc3\xa9\",\"pid\":2,\"ts\":3},"
			 "{\"name\":\"x\",\"name\":\"Profile\",\"pid\":1,"
			 "\"id\":\"0x3\"},"
			 "{\"name\":\"x\",\"pid\":12345678901234567890}]", 1);

	cr_expect_eq(r.sum.profiles, 3, "%s", r.err.message);
	cr_expect_eq(r.sum.events, 5);
}

/* Malformed JSON inside events the skimmer would skip: yajl's message at
 * yajl's offset, whatever the chunking. */
Test(cpuscan, malformed_skipped_events_fail_as_the_plain_parse_does)
{
	static const char *const bad[] = {
		"{\"name\":\"a\",\"args\":{\"x\":1,}}",
		"{\"name\":\"a\",\"args\":{\"x\" 1}}",
		"{\"name\":\"a\",\"args\":{\"x\":[1,]}}",
		"{\"name\":\"a\",\"args\":{\"x\":\"\\q\"}}",
		"{\"name\":\"a\",\"args\":{\"x\":\"\\u12g4\"}}",
		"{\"name\":\"a\",\"args\":{\"x\":\"a\x01\"}}",
		"{\"name\":\"a\",\"args\":{\"x\":\"\xff\"}}",
		"{\"name\":\"a\",\"args\":{\"x\":01}}",
		"{\"name\":\"a\",\"args\":{\"x\":1.}}",
		"{\"name\":\"a\",\"args\":{\"x\":-}}",
		"{\"name\":\"a\",\"args\":{\"x\":tru}}",
		"{\"name\":\"a\",\"args\":{\"x\":nulll}}",
		"{\"name\":\"a\",\"args\":{\"x\":[}]}}",
		"{\"name\":\"a\",\"args\":{\"x\":{]}}}",
		"{\"name\":\"a\",\"args\":{1:2}}",
		"{\"name\":\"a\" \"ts\":1}",
		"{\"name\":\"a\",\"ts\":99999999999999999999}",
		"{\"name\":\"a\",\"ts\":1e999}",
		"{\"name\":\"a\",\"ts\":\v1}",
		"{\"name\":\"a\"}{\"name\":\"b\"}",
		"{\"name\":\"a\"},]",
		"{\"name\":\"a\"},,{}",
		"{\"name\":\"a\"}]]",
		"{\"name\":\"a\"}",
		"{\"name\":\"a\",",
		"{\"name\":\"a\",\"args\":{\"x\":\"abc",
		"{\"name\":\"a\"}, ",
		"{\"name\":\"a\",\"args\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	};
	char doc[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		result r;
		snprintf(doc, sizeof(doc), "[" OTHER2 ",%s", bad[i]);
		r = check(doc, 1);
		cr_expect_neq(r.rc, AN_OK, "%s", doc);
		snprintf(doc, sizeof(doc), "[%s", bad[i]);
		check(doc, 1);
		snprintf(doc, sizeof(doc), "{\"traceEvents\":[" PROFILE
			 ",%s", bad[i]);
		check(doc, 1);
	}
}

Test(cpuscan, bad_chunk_arrays_fail_as_the_plain_parse_does)
{
	static const char *const bad[] = {
		"\"samples\":[2,-1]", "\"samples\":[2,1.5]",
		"\"samples\":[2,\"1\"]", "\"samples\":[2,]",
		"\"lines\":[1,-2]", "\"lines\":[1,2147483648]",
		"\"lines\":[1,2147483647]", "\"lines\":[-1,-0]",
		"\"timeDeltas\":[1,2.5]", "\"timeDeltas\":[1,\"x\"]",
	};
	char doc[1024];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(doc, sizeof(doc),
			 "[" PROFILE ",{\"name\":\"ProfileChunk\",\"pid\":1,"
			 "\"id\":\"0x1\",\"args\":{\"data\":{\"cpuProfile\":{"
			 "\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
			 "\"(root)\"}},{\"id\":2,\"parent\":1,\"callFrame\":{"
			 "\"functionName\":\"f\"}}],%s}}}}]", bad[i]);
		check(doc, 1);
		/* the same in an event not (yet) known to be a chunk */
		snprintf(doc, sizeof(doc),
			 "[{\"args\":{\"data\":{\"cpuProfile\":{%s}}},"
			 "\"name\":\"X\"}," OTHER2 "]", bad[i]);
		check(doc, 1);
	}
}

Test(cpuscan, the_trace_fixtures_load_as_with_the_plain_parse)
{
	static const char *const files[] = {
		"cpu/trace_busy_wait.json", "cpu/trace_synth_small.json",
		"cpu/trace_missing_parent.json", "cpu/trace_no_samples.json",
		/* a real Node trace (metadata events, ph M, other threads'
		 * events) and a Chrome 66-style CpuProfile event */
		"cpu/trace_node_worker.json", "cpu/trace_legacy_busy_wait.json",
	};
	static const size_t chunks[] = {0, 1, 7, 4096};
	size_t i, c, len;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *doc = fx_slurp(fx_path(files[i]), &len);
		result ref, got;
		load(&ref, doc, len, 1, 0, 1);
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			load(&got, doc, len, 1, chunks[c], 0);
			cr_expect_eq(got.rc, ref.rc, "%s", files[i]);
			cr_expect_eq(got.digest, ref.digest, "%s chunk %zu",
				     files[i], chunks[c]);
			cr_expect_eq(got.sum.events, ref.sum.events, "%s",
				     files[i]);
			cr_expect_eq(got.listed, ref.listed, "%s", files[i]);
			cr_expect_eq(got.sum.first_us, ref.sum.first_us, "%s",
				     files[i]);
			cr_expect_eq(got.sum.last_us, ref.sum.last_us, "%s",
				     files[i]);
			cr_expect_eq(got.sum.threads, ref.sum.threads, "%s",
				     files[i]);
			cr_expect_eq(got.sum.first_us, ref.sum.first_us, "%s",
				     files[i]);
			cr_expect_eq(got.sum.last_us, ref.sum.last_us, "%s",
				     files[i]);
		}
		free(doc);
	}
}

/* ---- the model's sample table (builder.c fast paths) ----------------- */

/* A profile with nodes 1 (root) .. 3 and n samples whose deltas are
 * given; samples alternate between nodes 2 and 3. */
static char *deltas_profile(const int *deltas, int n, const char *ids)
{
	size_t cap = 1024 + (size_t)n * 24, len;
	char *doc = malloc(cap);
	int i;

	cr_assert_not_null(doc);
	len = (size_t)snprintf(doc, cap, "%s\"samples\":[", ids);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(doc + len, cap - len, "%s%d",
					i ? "," : "", 2 + i % 2);
	len += (size_t)snprintf(doc + len, cap - len, "],\"timeDeltas\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(doc + len, cap - len, "%s%d",
					i ? "," : "", deltas[i]);
	snprintf(doc + len, cap - len, "]}");
	return doc;
}

Test(cpuscan, samples_in_reverse_time_order_sort_stably)
{
	/* 200 samples going back in time two at a time (equal pairs):
	 * far beyond the insertion sort's budget, so the merge sort runs */
	enum { N = 200 };
	int deltas[N], i;
	result r;
	char *doc;

	deltas[0] = 100000;
	for (i = 1; i < N; i++)
		deltas[i] = i % 2 ? 0 : -10;
	doc = deltas_profile(deltas, N, NODES);
	load(&r, doc, strlen(doc), 0, 0, 0);
	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	/* the last pair (samples 198: node 2, 199: node 3) has the
	 * smallest time, 100100 - 990; equal times keep file order */
	cr_expect_eq(r.sample_ts[0], 100100 - 990);
	cr_expect_eq(r.sample_id[0], 2);
	cr_expect_eq(r.sample_ts[1], 100100 - 990);
	cr_expect_eq(r.sample_id[1], 3);
	cr_expect_eq(r.sample_ts[2], 100100 - 980);
	cr_expect_eq(r.sample_id[2], 2);
	free(doc);
}

Test(cpuscan, sparse_and_missing_sample_ids)
{
	static const char sparse[] =
		"{\"nodes\":[{\"id\":10,\"callFrame\":{\"functionName\":"
		"\"(root)\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},"
		"\"children\":[900000000000,30]},{\"id\":900000000000,"
		"\"callFrame\":{\"functionName\":\"a\",\"url\":\"\","
		"\"lineNumber\":0,\"columnNumber\":0}},{\"id\":30,\"callFrame\":"
		"{\"functionName\":\"b\",\"url\":\"\",\"lineNumber\":0,"
		"\"columnNumber\":1}}],\"startTime\":0,\"endTime\":9,";
	static const char dense[] =
		"{\"nodes\":[{\"id\":10,\"callFrame\":{\"functionName\":"
		"\"(root)\",\"url\":\"\",\"lineNumber\":-1,\"columnNumber\":-1},"
		"\"children\":[12,30]},{\"id\":12,"
		"\"callFrame\":{\"functionName\":\"a\",\"url\":\"\","
		"\"lineNumber\":0,\"columnNumber\":0}},{\"id\":30,\"callFrame\":"
		"{\"functionName\":\"b\",\"url\":\"\",\"lineNumber\":0,"
		"\"columnNumber\":1}}],\"startTime\":0,\"endTime\":9,";
	char doc[1024];
	result r;

	snprintf(doc, sizeof(doc), "%s\"samples\":[30,900000000000],"
		 "\"timeDeltas\":[1,1]}", sparse);
	r = check(doc, 0);
	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.sample_id[0], 30);
	cr_expect_eq(r.sample_id[1], 900000000000);
	/* a hole inside the compact id range, and ids beyond it */
	snprintf(doc, sizeof(doc), "%s\"samples\":[30,20],"
		 "\"timeDeltas\":[1,1]}", dense);
	r = check(doc, 0);
	cr_expect_eq(r.rc, AN_EFORMAT);
	cr_expect_str_eq(r.err.message,
			 "sample 1 names node 20, which is not in nodes");
	snprintf(doc, sizeof(doc), "%s\"samples\":[9,12],"
		 "\"timeDeltas\":[1,1]}", dense);
	r = check(doc, 0);
	cr_expect_str_eq(r.err.message,
			 "sample 0 names node 9, which is not in nodes");
	snprintf(doc, sizeof(doc), "%s\"samples\":[31],\"timeDeltas\":[1]}",
		 dense);
	r = check(doc, 0);
	cr_expect_str_eq(r.err.message,
			 "sample 0 names node 31, which is not in nodes");
}

/* ---- random damage: the fast paths never judge differently ----------- */

/* Compares a fast load with the plain one at the chunk sizes given
 * (0 = the whole input at once); a trace also, when `pieces`, with its
 * event array in pieces for other threads at the first chunk size
 * (pieces of 1 byte when that is 0, else of half the chunk size). */
static void same_as_plain_at(const char *doc, size_t len, int trace,
			     const size_t *chunks, size_t nchunks, int pieces)
{
	result ref, got, same;
	size_t c, split;
	char how[64];

	load(&ref, doc, len, trace, 0, 1);
	for (c = 0; c < nchunks; c++) {
		load(&got, doc, len, trace, chunks[c], 0);
		load(&same, doc, len, trace, chunks[c], 1);
		snprintf(how, sizeof(how), "chunk %zu", chunks[c]);
		agree(&got, &same, &ref, trace, how, doc, len);
		if (!trace || !pieces || c)
			continue;
		split = chunks[c] / 2 + 1;
		load_split(&got, doc, len, trace, chunks[c], 0, split);
		snprintf(how, sizeof(how), "chunk %zu, pieces of %zu",
			 chunks[c], split);
		agree(&got, &same, &ref, trace, how, doc, len);
	}
}

static void same_as_plain(const char *doc, size_t len, int trace)
{
	static const size_t chunks[] = {0, 1, 5, 64};

	same_as_plain_at(doc, len, trace, chunks,
			 sizeof(chunks) / sizeof(chunks[0]), 1);
}

/* Each of 3000 copies of a document gets one to three random edits (a
 * byte replaced by one that matters to JSON, deleted, or inserted). */
static void damage(const char *base, int trace, unsigned seed)
{
	static const char pool[] = "\"\\{}[],: 0-1.eEtfnu\x01\x7f\xc3\xa9x\t";
	size_t blen = strlen(base);
	char *doc = malloc(blen + 8);
	unsigned s = seed;
	int k, e;

	cr_assert_not_null(doc);
	for (k = 0; k < 3000; k++) {
		size_t len = blen;
		memcpy(doc, base, blen);
		for (e = 0; e < 1 + k % 3; e++) {
			size_t at;
			char ch;
			s = s * 1103515245u + 12345u;
			at = (s >> 8) % len;
			s = s * 1103515245u + 12345u;
			ch = pool[(s >> 8) % (sizeof(pool) - 1)];
			switch ((s >> 20) % 4) {
			case 0:
				memmove(doc + at, doc + at + 1, len - at - 1);
				len--;
				break;
			case 1:
				memmove(doc + at + 1, doc + at, len - at);
				doc[at] = ch;
				len++;
				break;
			default:
				doc[at] = ch;
				break;
			}
		}
		same_as_plain(doc, len, trace);
	}
	free(doc);
}

Test(cpuscan, randomly_damaged_traces_fail_as_the_plain_parse_does,
     .timeout = 240)
{
	damage("[" OTHER1 "," PROFILE ",\n" OTHER2 "," CHUNK "," META "]", 1,
	       1);
}

Test(cpuscan, randomly_damaged_object_traces_fail_as_the_plain_parse_does,
     .timeout = 240)
{
	damage("{\"x\":[1],\"traceEvents\":[" OTHER2 "," OTHER1 "],\"y\":{}}",
	       1, 2);
}

Test(cpuscan, randomly_damaged_profiles_fail_as_the_plain_parse_does,
     .timeout = 240)
{
	damage(NODES "\"samples\":[2,3,2, 3 ,\n2],"
		     "\"timeDeltas\":[10,20,-5,7 , 1000]}", 0, 3);
}

/* ---- events larger than the skimmer re-reads (LARGE) ------------------ */

/* `pre` + n copies of `fill` + `post`, NUL-terminated. */
static char *big_doc(const char *pre, const char *fill, size_t n,
		     const char *post, size_t *len)
{
	size_t a = strlen(pre), f = strlen(fill), z = strlen(post), i;
	char *d = malloc(a + f * n + z + 1);

	cr_assert_not_null(d);
	memcpy(d, pre, a);
	for (i = 0; i < n; i++)
		memcpy(d + a + i * f, fill, f);
	memcpy(d + a + f * n, post, z + 1);
	*len = a + f * n + z;
	return d;
}

/* (Not in 1-byte chunks: yajl itself is quadratic on a long string cut
 * into many pieces.) */
static void same_big(const char *pre, const char *fill, size_t n,
		     const char *post)
{
	static const size_t chunks[] = {0, 4093, 65536};
	size_t len;
	char *d = big_doc(pre, fill, n, post, &len);

	same_as_plain_at(d, len, 1, chunks,
			 sizeof(chunks) / sizeof(chunks[0]), 1);
	free(d);
}

Test(cpuscan, events_larger_than_the_skim_window, .timeout = 240)
{
	/* a skipped event with a 600 KB string (escapes too), then a
	 * profile: read in 1 MiB-ish pieces from 64 KiB chunks */
	same_big("[" OTHER2 ",{\"name\":\"a\",\"args\":{\"s\":\"",
		 "abc\\\"{[\\\\", 60000, "\"}}," PROFILE "," CHUNK "]");
	/* a ProfileChunk with 400 KB of samples */
	same_big("[" PROFILE ",{\"name\":\"ProfileChunk\",\"pid\":1,"
		 "\"id\":\"0x1\",\"args\":{\"data\":{\"cpuProfile\":{"
		 "\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		 "\"(root)\"}},{\"id\":2,\"parent\":1,\"callFrame\":{"
		 "\"functionName\":\"f\"}}],\"samples\":[",
		 "2,1,", 100000, "2]},\"timeDeltas\":[1]}}}," OTHER2 "]");
	/* nesting, and an error after 300 KB inside a skipped event */
	same_big("[" OTHER2 ",{\"name\":\"a\",\"args\":{\"x\":[", "[1,{}],",
		 50000, "2]}}," OTHER1 "]");
	same_big("[" OTHER2 ",{\"name\":\"a\",\"args\":{\"x\":[", "[1,{}],",
		 50000, "2 3]}}," OTHER1 "]");
	same_big("[" OTHER2 ",{\"name\":\"a\",\"args\":{\"x\":[", "[1,{}],",
		 50000, "2]}]," OTHER1 "]");
	/* a huge top-level string element, and truncation */
	same_big("[" OTHER2 ",\"", "xy", 200000, "\"," OTHER2 "]");
	same_big("[" OTHER2 ",{\"name\":\"a\",\"args\":{\"s\":\"", "ab",
		 200000, "");
}

/* Metadata events (ph M) the skimmer reads past, like Chrome's
 * thread_sort_index at ts 0, stay out of the span as with the plain
 * parse: 500 .. 700. */
Test(cpuscan, skipped_metadata_is_not_part_of_the_span)
{
	static const char doc[] =
		"[{\"args\":{\"sort_index\":-1},\"cat\":\"__metadata\","
		"\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,"
		"\"tid\":2,\"ts\":0},"
		"{\"name\":\"RunTask\",\"ph\":\"X\",\"pid\":1,\"tid\":2,"
		"\"ts\":500,\"dur\":200}]";
	result r = check(doc, 1);

	cr_expect_eq(r.sum.events, 2);
	cr_expect_eq(r.sum.first_us, 500);
	cr_expect_eq(r.sum.last_us, 700);
}

/* Strings are searched sixteen (or eight) bytes at a time: every byte
 * that matters in a string ('\\', a control character, a byte >= 0x80,
 * DEL, which does not) at every position of strings of 0 to 40 bytes,
 * as a value in args (f = 0) and at the top level (f = 1), with chunk
 * ends around the block size: as the plain parse, every time. (Two
 * tests, run side by side: each takes minutes under ASan.) */
static void special_bytes(size_t f)
{
	static const char *const special[] = {
		"\\n", "\\q", "\\u00e9", "\\u0g00", "\x01", "\x1f", "\t",
		"\x7f", "\x80", "\xc3\xa9", "\xff", " "};
	static const int valid[] = {1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1};
	static const size_t chunks[] = {0, 7, 16, 17};
	static const char *const pre[] = {
		"[" PROFILE "," CHUNK ",{\"name\":\"a\",\"pid\":1,\"ts\":5,"
		"\"args\":{\"s\":\"",
		"[" PROFILE "," CHUNK ",{\"cat\":\""};
	static const char *const post[] = {
		"\"}},{\"name\":\"b\",\"pid\":2,\"ts\":9}]",
		"\",\"name\":\"a\",\"pid\":1,\"ts\":5},"
		"{\"name\":\"b\",\"pid\":2,\"ts\":9}]"};
	static const char fill[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDE";
	const size_t nsp = sizeof(special) / sizeof(special[0]);
	char doc[1024];
	size_t len, at, k, n;
	int ok = 0, bad = 0;

	for (len = 0; len <= 40; len++)
		for (at = 0; at <= len; at++)
			for (k = 0; k < nsp; k++) {
				const char *sp = at < len ? special[k] : "";
				result r;
				n = 0;
				memcpy(doc, pre[f], strlen(pre[f]));
				n += strlen(pre[f]);
				memcpy(doc + n, fill, at);
				n += at;
				memcpy(doc + n, sp, strlen(sp));
				n += strlen(sp);
				if (at < len) {
					memcpy(doc + n, fill + at + 1,
					       len - at - 1);
					n += len - at - 1;
				}
				memcpy(doc + n, post[f], strlen(post[f]) + 1);
				n += strlen(post[f]);
				/* (the string scanner: no pieces, for time) */
				same_as_plain_at(doc, n, 1, chunks, 4, 0);
				load(&r, doc, n, 1, 0, 0);
				if (at == len || valid[k])
					ok += r.rc == AN_OK &&
					      r.sum.events == 4;
				else
					bad += r.rc < 0;
				if (at == len)
					break;
			}
	/* 41 strings without a special byte and 820 positions in the
	 * others; valid: "\n", "\u00e9", DEL, "é", " " */
	cr_expect_eq(ok, 41 + 5 * 820, "%d valid", ok);
	cr_expect_eq(bad, 7 * 820, "%d refused", bad);
}

Test(cpuscan, special_bytes_at_every_position_of_a_string_in_args,
     .timeout = 240)
{
	special_bytes(0);
}

Test(cpuscan, special_bytes_at_every_position_of_a_top_level_string,
     .timeout = 240)
{
	special_bytes(1);
}

/* ---- the event array on several threads ------------------------------ */

/* "[" PROFILE, then n events of 15 threads (pid 1 + i % 3, tid 10 + i %
 * 5, ts 2000 + 10 i, dur 5) with CHUNK after the first half and META
 * after the next quarter, "]". */
static char *many_events(size_t n, size_t *len)
{
	size_t cap = 256 + n * 96 + sizeof(CHUNK) + sizeof(META), at, i;
	char *d = malloc(cap);

	cr_assert_not_null(d);
	at = (size_t)snprintf(d, cap, "[" PROFILE);
	for (i = 0; i < n; i++) {
		at += (size_t)snprintf(d + at, cap - at,
				       ",%s{\"name\":\"E\",\"ph\":\"X\","
				       "\"pid\":%zu,\"tid\":%zu,\"ts\":%zu,"
				       "\"dur\":5}",
				       i % 7 ? "" : "\n", 1 + i % 3, 10 + i % 5,
				       2000 + 10 * i);
		if (i == n / 2)
			at += (size_t)snprintf(d + at, cap - at, "," CHUNK);
		if (i == 3 * n / 4)
			at += (size_t)snprintf(d + at, cap - at, "," META);
	}
	at += (size_t)snprintf(d + at, cap - at, "]");
	cr_assert_lt(at, cap);
	*len = at;
	return d;
}

/* The counts of many_events(n), by hand. */
static void expect_many(const result *r, size_t n, const char *how)
{
	cr_assert_eq(r->rc, AN_OK, "%s: %s", how, r->err.message);
	cr_expect_eq(r->sum.events, n + 3, "%s", how);
	cr_expect_eq(r->sum.threads, 16, "%s: 15 + the profile's", how);
	cr_expect_eq(r->sum.processes, 3, "%s", how);
	cr_expect_eq(r->sum.profiles, 1, "%s", how);
	cr_expect_eq(r->sum.first_us, 1000, "%s: the Profile event", how);
	cr_expect_eq(r->sum.last_us, (int64_t)(2000 + 10 * (n - 1) + 5),
		     "%s", how);
	cr_expect_eq(r->samples, 3, "%s", how);
}

Test(cpuscan, pieces_skimmed_by_other_threads_are_taken_over)
{
	size_t len, split, chunk;
	char *d = many_events(400, &len);
	result ref, got, same;
	char how[64];

	load(&ref, d, len, 1, 0, 1);
	expect_many(&ref, 400, "plain");
	for (split = 1; split < len; split = split * 3 + 7)
		for (chunk = 0; chunk < 3000; chunk = chunk * 4 + 61) {
			load_split(&got, d, len, 1, chunk, 0, split);
			load(&same, d, len, 1, chunk, 1);
			snprintf(how, sizeof(how), "chunk %zu, pieces of %zu",
				 chunk, split);
			agree(&got, &same, &ref, 1, how, d, len);
			expect_many(&got, 400, how);
			/* pieces are taken over whoever skimmed them */
			if (split < len / 4)
				cr_expect_gt(got.adopted, 0, "%s", how);
		}
	free(d);
}

/* Where a piece's first element is guessed wrong, the reader reads on
 * alone: "},{" inside a string, objects shaped like events inside an
 * event, an event that is damaged; with pieces of every size. */
Test(cpuscan, wrong_guesses_of_a_piece_start_cost_only_time)
{
	static const char *const docs[] = {
		"[" OTHER2 ",{\"name\":\"a\",\"args\":{\"s\":\"},{\\\"ts\\\":1,"
		"\\\"pid\\\":9},{\\\"ts\\\":2}\"},\"ts\":7}," OTHER2 ","
		PROFILE "," CHUNK "," OTHER1 "]",
		"[" OTHER2 ",{\"name\":\"a\",\"args\":{\"v\":[{\"ts\":1,"
		"\"pid\":9},{\"ts\":2,\"pid\":9},{\"ts\":3}]},\"ts\":8},"
		OTHER2 "," PROFILE "," CHUNK "," OTHER1 "]",
		"{\"traceEvents\":[" OTHER2 "," OTHER2 ",{\"name\":\"a\","
		"\"ts\":1}," OTHER2 "," PROFILE "," CHUNK "],\"metadata\":"
		"{\"x\":[{\"ts\":1},{\"ts\":2}]}}",
		"[" OTHER2 "," OTHER2 ",{\"name\":\"a\",\"ts\":01}," OTHER2
		"," PROFILE "," CHUNK "]",
		"[" OTHER2 "," OTHER2 ",{\"name\":\"a\",\"ts\":1}," OTHER2
		"," PROFILE "," CHUNK "," OTHER2 ",{\"ts\":1}{\"ts\":2}]",
		"[" OTHER2 "," OTHER2 "," OTHER2 "," PROFILE "," CHUNK ","
		OTHER2 "," OTHER2 ",",
		"[" PROFILE "," CHUNK "," OTHER2 "," OTHER2 "]  "};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		check(docs[i], 1);
}

/* A trace file opened by path is mapped and read in place: large, the
 * other threads skim it on their own (pieces of 4 MiB), and with pieces
 * of 64 KiB; the same counts and model as the plain parse, while the
 * reader gives back the pages it read. */
Test(cpuscan, a_large_mapped_trace_on_several_threads, .timeout = 240)
{
	static const size_t splits[] = {0, 65536};
	char path[] = "/tmp/cpuscan-XXXXXX";
	size_t len, i, n = 300000;
	char *d = many_events(n, &len);
	an_source *src;
	an_error err;
	result ref, got;
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(d, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	cr_assert_gt(len, 16u << 20, "%zu bytes", len);
	memset(&ref, 0, sizeof(ref));
	cr_assert_eq(an_source_open_path(&src, path, &err), AN_OK);
	load_src(&ref, src, 1, 1, 0);
	expect_many(&ref, n, "plain");
	for (i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		char how[32];
		memset(&got, 0, sizeof(got));
		cr_assert_eq(an_source_open_path(&src, path, &err), AN_OK);
		load_src(&got, src, 1, 0, splits[i]);
		snprintf(how, sizeof(how), "pieces of %zu", splits[i]);
		agree(&got, &ref, &ref, 1, how, "(file)", 6);
		expect_many(&got, n, how);
		if (splits[i])
			cr_expect_gt(got.adopted, 0, "%s", how);
	}
	unlink(path);
	free(d);
}

/* ---- per-sample lines become line ticks per node ---------------------- */

/* Samples of f (node 2) on lines 9, 4, 9 and of g (node 3) on 7, 7, with
 * a sample without a line (0): f gets ticks (4, 1), (9, 2) and g (7, 2),
 * each node's in line order. */
Test(cpuscan, per_sample_lines_become_ticks_in_line_order)
{
	static const char doc[] =
		"[" PROFILE ",{\"name\":\"ProfileChunk\",\"ph\":\"P\","
		"\"pid\":1,\"tid\":2,\"ts\":1010,\"id\":\"0x1\",\"args\":{"
		"\"data\":{\"cpuProfile\":{\"nodes\":[{\"id\":1,\"callFrame\":"
		"{\"functionName\":\"(root)\"}},{\"id\":3,\"parent\":1,"
		"\"callFrame\":{\"functionName\":\"g\"}},{\"id\":2,"
		"\"parent\":1,\"callFrame\":{\"functionName\":\"f\"}}],"
		"\"samples\":[2,3,2,2,3,2]},\"timeDeltas\":[1,1,1,1,1,1],"
		"\"lines\":[9,7,4,9,7,0]}}}]";
	static const struct {
		int64_t id;
		uint32_t n;
		an_line_ticks t[2];
	} want[] = {{2, 2, {{4, 1}, {9, 2}}}, {3, 1, {{7, 2}, {0, 0}}}};
	an_profile *p = NULL;
	an_source *src = NULL;
	an_error err;
	uint32_t i, k, w, found = 0;

	check(doc, 1);
	cr_assert_eq(an_source_open_memory(&src, doc, strlen(doc), "t", &err),
		     AN_OK);
	cr_assert_eq(an__trace_load(&p, src, NULL, NULL, &err), AN_OK, "%s",
		     err.message);
	for (i = 0; i < an_profile_node_count(p); i++) {
		const an_line_ticks *t;
		uint32_t n = an_profile_node_ticks(p, i, &t);
		for (w = 0; w < 2; w++) {
			if (an_profile_node_id(p, i) != want[w].id)
				continue;
			found++;
			cr_assert_eq(n, want[w].n, "node %lld",
				     (long long)want[w].id);
			for (k = 0; k < n; k++) {
				cr_expect_eq(t[k].line, want[w].t[k].line,
					     "node %lld tick %u",
					     (long long)want[w].id, k);
				cr_expect_eq(t[k].ticks, want[w].t[k].ticks,
					     "node %lld tick %u",
					     (long long)want[w].id, k);
			}
		}
	}
	cr_expect_eq(found, 2);
	an_profile_free(p);
	an_source_free(src);
}

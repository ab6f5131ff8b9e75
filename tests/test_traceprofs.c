/*
 * test_traceprofs.c - which CPU profiles of a trace count and what
 * an_trace_summary says of them, on hand-made traces whose answers follow
 * from DevTools' SamplesHandler by hand: one profile per thread named by
 * its Profile event; source Internal, then Inspector, else the first;
 * chunks before their Profile event count; profiles without a Profile
 * event and chosen profiles without nodes are dropped; processes, then
 * threads, in first-seen order; the default has the most samples (the
 * first listed on a tie). Also the legacy formats: CpuProfile events and
 * the head/timestamps .cpuprofile.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <analyze/analyze.h>

static char doc[1 << 16];
static size_t doc_n;

static void start(void)
{
	doc_n = (size_t)snprintf(doc, sizeof(doc), "[");
}

static void add(const char *fmt, ...)
{
	va_list ap;

	if (doc_n > 1)
		doc[doc_n++] = ',';
	va_start(ap, fmt);
	doc_n += (size_t)vsnprintf(doc + doc_n, sizeof(doc) - doc_n, fmt, ap);
	va_end(ap);
	cr_assert_lt(doc_n, sizeof(doc) - 2);
}

/* A Profile event of thread pid:tid, profile id, source or NULL; args
 * first, as Chrome writes them. */
static void profile_ev(int pid, int tid, const char *id, const char *source)
{
	char src[64] = "";

	if (source)
		snprintf(src, sizeof(src), "\"source\":\"%s\",", source);
	add("{\"args\":{\"data\":{%s\"startTime\":1000}},\"id\":\"%s\","
	    "\"name\":\"Profile\",\"ph\":\"P\",\"pid\":%d,\"tid\":%d,"
	    "\"ts\":1000}",
	    src, id, pid, tid);
}

/* A ProfileChunk with n samples of node 2 (deltas 10 each), written from
 * a profiler thread (tid 99); nodes (root 1, f 2) when `nodes`. */
static void chunk_ev(int pid, const char *id, int n, int nodes)
{
	char s[512] = "", d[512] = "";
	size_t sn = 0, dn = 0;
	int i;

	for (i = 0; i < n; i++) {
		sn += (size_t)snprintf(s + sn, sizeof(s) - sn, "%s2",
				       i ? "," : "");
		dn += (size_t)snprintf(d + dn, sizeof(d) - dn, "%s10",
				       i ? "," : "");
	}
	add("{\"args\":{\"data\":{\"cpuProfile\":{%s\"samples\":[%s]},"
	    "\"timeDeltas\":[%s]}},\"id\":\"%s\",\"name\":\"ProfileChunk\","
	    "\"ph\":\"P\",\"pid\":%d,\"tid\":99,\"ts\":1100}",
	    nodes ? "\"nodes\":[{\"callFrame\":{\"functionName\":"
		    "\"(root)\"},\"id\":1},{\"callFrame\":{\"functionName\":"
		    "\"f\",\"url\":\"a.js\"},\"id\":2,\"parent\":1}],"
		  : "",
	    s, d, id, pid);
}

static int load(an_profile **p, an_trace_summary *t, int pick, int pid,
		int tid, an_error *err)
{
	an_profile_load_opts o = AN_PROFILE_LOAD_OPTS_INIT;
	an_source *src = NULL;
	int rc;

	doc[doc_n++] = ']';
	doc[doc_n] = '\0';
	o.trace = t;
	o.pick = pick;
	o.pick_pid = pid;
	o.pick_tid = tid;
	cr_assert_eq(an_source_open_memory(&src, doc, doc_n, "t", err), AN_OK);
	rc = an_profile_load(p, src, &o, err);
	an_source_free(src);
	return rc;
}

Test(traceprofs, one_profile_per_thread_internal_then_inspector)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	/* thread 7:1: no source (5 samples), Inspector (3), Internal (2) */
	profile_ev(7, 1, "0x1", NULL);
	chunk_ev(7, "0x1", 5, 1);
	profile_ev(7, 1, "0x2", "Inspector");
	chunk_ev(7, "0x2", 3, 1);
	profile_ev(7, 1, "0x3", "Internal");
	chunk_ev(7, "0x3", 2, 1);
	/* thread 7:2: SelfProfiling (4), then Inspector (1) */
	profile_ev(7, 2, "0x4", "SelfProfiling");
	chunk_ev(7, "0x4", 4, 1);
	profile_ev(7, 2, "0x5", "Inspector");
	chunk_ev(7, "0x5", 1, 1);
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_assert_eq(t.count, 2);
	cr_expect_str_eq(t.list[0].id, "0x3");
	cr_expect_eq(t.list[0].samples, 2);
	cr_expect_str_eq(t.list[0].source, "Internal");
	cr_expect_str_eq(t.list[1].id, "0x5");
	cr_expect_eq(t.list[1].tid, 2);
	cr_expect_eq(t.ignored, 3);
	cr_expect_eq(t.dflt, 0);
	cr_expect_eq(t.loaded, 0);
	cr_expect_eq(an_profile_sample_count(p), 2);
	/* deltas 10, 20: (30 - 10) + 20 / 1 */
	cr_expect_float_eq(t.list[1].duration_us, 0.0, 1e-9);
	cr_expect_float_eq(t.list[0].duration_us, 20.0, 1e-9);
	an_profile_free(p);
	an_trace_summary_free(&t);
}

Test(traceprofs, chunks_before_their_profile_event_count)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	chunk_ev(7, "0x1", 3, 1);
	profile_ev(7, 1, "0x1", NULL);
	chunk_ev(7, "0x1", 2, 0);
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_assert_eq(t.count, 1);
	cr_expect_eq(t.list[0].samples, 5);
	cr_expect_eq(an_profile_sample_count(p), 5);
	/* ts 1010 .. 1050: 40 + 40 / 4 */
	cr_expect_float_eq(t.list[0].duration_us, 50.0, 1e-9);
	an_profile_free(p);
	an_trace_summary_free(&t);
}

Test(traceprofs, profiles_without_a_profile_event_are_not_shown)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	chunk_ev(7, "0x9", 8, 1);
	profile_ev(7, 1, "0x1", NULL);
	chunk_ev(7, "0x1", 2, 1);
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_expect_eq(t.count, 1);
	cr_expect_eq(t.ignored, 1);
	cr_expect_eq(an_profile_sample_count(p), 2);
	an_profile_free(p);
	an_trace_summary_free(&t);

	start();
	chunk_ev(7, "0x9", 8, 1);
	cr_expect_eq(load(&p, &t, 0, 0, 0, &err), AN_EFORMAT);
	cr_expect_null(p);
	cr_expect_str_eq(err.message,
			 "trace has 1 CPU profiles but none to show: no "
			 "Profile event names a thread for them, or they have "
			 "no nodes");
	cr_expect_eq(t.count, 0);
	cr_expect_eq(t.ignored, 1);
	cr_expect_eq(t.profiles, 0);
	an_trace_summary_free(&t);
}

Test(traceprofs, a_chosen_profile_without_nodes_drops_its_thread)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	profile_ev(7, 1, "0x1", "Internal");
	profile_ev(7, 1, "0x2", NULL);
	chunk_ev(7, "0x2", 3, 1);
	cr_expect_eq(load(&p, &t, 0, 0, 0, &err), AN_EFORMAT);
	cr_expect_eq(t.count, 0);
	cr_expect_eq(t.ignored, 2);
	cr_expect_eq(t.profiles, 2);
	an_trace_summary_free(&t);
}

Test(traceprofs, processes_then_threads_in_first_seen_order)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	profile_ev(9, 3, "0x1", NULL);
	profile_ev(5, 1, "0x1", NULL);
	profile_ev(9, 2, "0x2", NULL);
	chunk_ev(5, "0x1", 5, 1);
	chunk_ev(9, "0x2", 5, 1);
	chunk_ev(9, "0x1", 1, 1);
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_assert_eq(t.count, 3);
	cr_expect_eq(t.list[0].pid, 9);
	cr_expect_eq(t.list[0].tid, 3);
	cr_expect_eq(t.list[1].pid, 9);
	cr_expect_eq(t.list[1].tid, 2);
	cr_expect_eq(t.list[2].pid, 5);
	/* 9:2 and 5:1 both have 5 samples: the first listed wins */
	cr_expect_eq(t.dflt, 1);
	cr_expect_eq(t.loaded, 1);
	an_profile_free(p);
	an_trace_summary_free(&t);

	/* --profile 9:3 */
	doc_n--;
	cr_assert_eq(load(&p, &t, 1, 9, 3, &err), AN_OK, "%s", err.message);
	cr_expect_eq(an_profile_sample_count(p), 1);
	cr_expect_eq(t.loaded, 0);
	cr_expect_eq(t.dflt, 1);
	an_profile_free(p);
	an_trace_summary_free(&t);

	doc_n--;
	cr_expect_eq(load(&p, &t, 1, 1, 1, &err), AN_ENOTFOUND);
	cr_expect_null(p);
	cr_expect_str_eq(err.message, "no CPU profile of thread 1:1; the "
				      "trace has 9:3, 9:2, 5:1");
	an_trace_summary_free(&t);
}

Test(traceprofs, names_come_from_metadata_events)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	add("{\"args\":{\"name\":\"Main\"},\"cat\":\"__metadata\","
	    "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":7,\"tid\":1,"
	    "\"ts\":0}");
	add("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":7,\"tid\":3,"
	    "\"args\":{\"name\":\"Renderer \\\"1\\\"\"}}");
	/* not metadata: no name */
	add("{\"args\":{\"name\":\"Bogus\"},\"name\":\"thread_name\","
	    "\"ph\":\"X\",\"pid\":7,\"tid\":1,\"ts\":5,\"dur\":1}");
	profile_ev(7, 1, "0x1", NULL);
	chunk_ev(7, "0x1", 2, 1);
	profile_ev(7, 2, "0x2", NULL);
	chunk_ev(7, "0x2", 1, 1);
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_assert_eq(t.count, 2);
	cr_expect_str_eq(t.list[0].thread_name, "Main");
	cr_expect_str_eq(t.list[0].process_name, "Renderer \"1\"");
	cr_expect_null(t.list[1].thread_name);
	cr_expect_str_eq(t.list[1].process_name, "Renderer \"1\"");
	/* ts 0 of metadata is not part of the span: 5 .. 1100 */
	cr_expect_eq(t.first_us, 5);
	cr_expect_eq(t.last_us, 1100);
	cr_expect_eq(t.threads, 4); /* 7:1, 7:3, 7:99 (chunks), 7:2 */
	an_profile_free(p);
	an_trace_summary_free(&t);
}

/* Chrome <= 66: a whole profile in one CpuProfile instant event, nodes
 * with children; used only for a thread without a Profile-based one. */
#define LEGACY_EV(pid, tid)                                                   \
	"{\"args\":{\"data\":{\"cpuProfile\":{\"nodes\":[{\"callFrame\":"     \
	"{\"functionName\":\"(root)\"},\"id\":1,\"children\":[2]},"           \
	"{\"callFrame\":{\"functionName\":\"g\",\"url\":\"b.js\"},\"id\":2}],"\
	"\"samples\":[2,1,2,2],\"timeDeltas\":[100,50,50,50],"               \
	"\"startTime\":500,\"endTime\":800}}},\"name\":\"CpuProfile\","       \
	"\"ph\":\"I\",\"pid\":" #pid ",\"tid\":" #tid ",\"ts\":900}"

Test(traceprofs, legacy_cpuprofile_events)
{
	an_trace_summary t;
	an_profile *p = NULL;
	an_error err;

	start();
	add(LEGACY_EV(3, 4));
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_assert_eq(t.count, 1);
	cr_expect(t.list[0].legacy);
	cr_expect_eq(t.list[0].pid, 3);
	cr_expect_eq(t.list[0].tid, 4);
	cr_expect_eq(t.profiles, 1);
	cr_expect_eq(an_profile_sample_count(p), 4);
	cr_expect_eq(an_profile_start_time(p), 500);
	cr_expect_eq(an_profile_end_time(p), 800);
	cr_expect_eq(an_profile_sample_time(p, 0), 600);
	cr_expect_eq(an_profile_sample_time(p, 3), 750);
	/* (750 - 600) + 150 / 3 */
	cr_expect_float_eq(t.list[0].duration_us, 200.0, 1e-9);
	an_profile_free(p);
	an_trace_summary_free(&t);

	/* a Profile-based profile of the same thread wins */
	start();
	add(LEGACY_EV(7, 1));
	profile_ev(7, 1, "0x1", NULL);
	chunk_ev(7, "0x1", 2, 1);
	cr_assert_eq(load(&p, &t, 0, 0, 0, &err), AN_OK, "%s", err.message);
	cr_assert_eq(t.count, 1);
	cr_expect_not(t.list[0].legacy);
	cr_expect_eq(t.list[0].samples, 2);
	cr_expect_eq(t.ignored, 1);
	an_profile_free(p);
	an_trace_summary_free(&t);
}

/*
 * The legacy .cpuprofile: nested head (root > main > f, root > (idle)),
 * 1-based lines (lineNumber 5 is line 4; 0 unknown), startTime/endTime in
 * seconds, absolute timestamps: samples at 1000500, 1001000, 1002000,
 * 1002500 µs; start 1.0 s.
 */
Test(traceprofs, legacy_head_and_timestamps)
{
	static const char legacy[] =
		"{\"typeId\":\"CPU\",\"uid\":\"1\",\"title\":\"\",\"head\":{"
		"\"functionName\":\"(root)\",\"url\":\"\",\"lineNumber\":0,"
		"\"id\":1,\"hitCount\":0,\"children\":[{\"functionName\":"
		"\"main\",\"url\":\"m.js\",\"lineNumber\":5,\"columnNumber\":"
		"3,\"children\":[{\"functionName\":\"f\",\"url\":\"m.js\","
		"\"lineNumber\":9,\"columnNumber\":1,\"id\":3,\"hitCount\":2,"
		"\"children\":[]}],\"id\":2,\"hitCount\":1},{\"functionName\":"
		"\"(idle)\",\"id\":4,\"hitCount\":1,\"children\":[]}]},"
		"\"startTime\":1.0,\"endTime\":1.003,\"samples\":[2,3,3,4],"
		"\"timestamps\":[1000500,1001000,1002000,1002500]}";
	an_source *src = NULL;
	an_profile *p = NULL;
	an_error err;
	uint32_t n, f;

	cr_assert_eq(an_source_open_memory(&src, legacy, strlen(legacy), "l",
					   &err),
		     AN_OK);
	cr_assert_eq(an_profile_load(&p, src, NULL, &err), AN_OK, "%s",
		     err.message);
	cr_expect_eq(an_profile_kind(p), AN_KIND_CPUPROFILE);
	cr_assert_eq(an_profile_node_count(p), 4);
	cr_expect_eq(an_profile_start_time(p), 1000000);
	cr_expect_eq(an_profile_end_time(p), 1003000);
	cr_expect_eq(an_profile_sample_time(p, 0), 1000500);
	cr_expect_eq(an_profile_sample_time(p, 2), 1002000);
	cr_expect_eq(an_profile_total_hits(p), 4);
	for (n = 0; n < 4; n++) {
		const an_function *fn =
			an_profile_function(p, an_profile_node_function(p, n));
		if (strcmp(fn->name.ptr, "f") == 0) {
			cr_expect_eq(fn->line, 8);
			cr_expect_eq(fn->column, 0);
			cr_expect_eq(an_profile_node_depth(p, n), 2);
			f = an_profile_node_parent(p, n);
			cr_expect_eq(an_profile_node_id(p, f), 2);
		}
		if (strcmp(fn->name.ptr, "(root)") == 0)
			cr_expect_eq(fn->line, -1);
		if (strcmp(fn->name.ptr, "(idle)") == 0)
			cr_expect_eq(an_profile_node_depth(p, n), 1);
	}
	an_profile_free(p);
	an_source_free(src);
}

Test(traceprofs, legacy_timestamps_and_deltas_do_not_mix)
{
	static const char bad[] =
		"{\"head\":{\"functionName\":\"(root)\",\"id\":1,\"hitCount\""
		":0,\"children\":[]},\"samples\":[1],\"timestamps\":[5],"
		"\"timeDeltas\":[5]}";
	an_source *src = NULL;
	an_profile *p = NULL;
	an_error err;

	cr_assert_eq(an_source_open_memory(&src, bad, strlen(bad), "l", &err),
		     AN_OK);
	cr_expect_eq(an_profile_load(&p, src, NULL, &err), AN_EFORMAT);
	cr_expect_str_eq(err.message, "both timeDeltas and timestamps");
	/* just past the [ of timeDeltas (byte 112) */
	cr_expect_eq(err.offset, 113, "%llu", (unsigned long long)err.offset);
	an_source_free(src);
}

/* A tree is either a nodes array or a head tree, never both (offsets:
 * just past the second one's opening bracket). */
Test(traceprofs, nodes_and_head_do_not_mix)
{
	static const char *const docs[] = {
		"{\"head\":{\"id\":1,\"hitCount\":0,\"children\":[]},"
		"\"nodes\":[]}",
		"{\"nodes\":[{\"id\":1}],\"head\":{\"id\":1}}"};
	static const uint64_t at[] = {53, 28};
	int i;

	for (i = 0; i < 2; i++) {
		an_source *src = NULL;
		an_profile *p = NULL;
		an_error err;
		cr_assert_eq(an_source_open_memory(&src, docs[i],
						   strlen(docs[i]), "l", &err),
			     AN_OK);
		cr_expect_eq(an_profile_load(&p, src, NULL, &err), AN_EFORMAT);
		cr_expect_str_eq(err.message, "both nodes and head");
		cr_expect_eq(err.offset, at[i]);
		an_source_free(src);
	}
}

/* A JSON object that is no profile says what it holds instead: its
 * top-level keys (printable, cut at 24 bytes), or that it is empty. */
Test(traceprofs, not_a_profile_names_its_keys)
{
	static const char *const docs[] = {
		"{}", "{\"hello\":1}",
		"{\"a\":[1],\"b\\u0001c\":{},"
		"\"abcdefghijklmnopqrstuvwxyz0123\":2}"};
	static const char *const want[] = {
		"not a CPU profile: no \"nodes\" array (an empty object)",
		"not a CPU profile: no \"nodes\" array (1 top-level key: "
		"\"hello\")",
		"not a CPU profile: no \"nodes\" array (3 top-level keys: "
		"\"a\", \"b?c\", \"abcdefghijklmnopqrstuvwx..\")"};
	int i;

	for (i = 0; i < 3; i++) {
		an_source *src = NULL;
		an_profile *p = NULL;
		an_error err;
		cr_assert_eq(an_source_open_memory(&src, docs[i],
						   strlen(docs[i]), "k", &err),
			     AN_OK);
		cr_expect_eq(an_profile_load(&p, src, NULL, &err), AN_EFORMAT);
		cr_expect_str_eq(err.message, want[i]);
		an_source_free(src);
	}
}

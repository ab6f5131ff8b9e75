/*
 * test_sniff.c - artifact kind detection from content: every committed
 * fixture, hand-written key orders, BOM and whitespace, every prefix
 * length (never reading past len), non-JSON, gzip through a source.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"

/* Sniffs a file through an_source_sniff() and, as bytes, an_sniff(). */
static an_kind sniff_file(const char *rel)
{
	const char *path = fx_path(rel);
	an_source *src = NULL;
	an_error err;
	an_kind k = (an_kind)99, whole;
	size_t len;
	char *data;

	cr_assert_eq(an_source_open_path(&src, path, &err), AN_OK, "%s: %s",
		     rel, err.message);
	cr_assert_eq(an_source_sniff(&k, src, &err), AN_OK, "%s: %s", rel,
		     err.message);
	an_source_free(src);
	data = fx_slurp(fx_path(rel), &len);
	whole = an_sniff((const uint8_t *)data, len);
	free(data);
	cr_expect_eq(whole, k, "%s: an_sniff says %s, an_source_sniff %s", rel,
		     an_kind_name(whole), an_kind_name(k));
	return k;
}

/* an_sniff() over an exactly-sized heap copy, so ASan sees over-reads */
static an_kind sniff_n(const char *s, size_t n)
{
	uint8_t *copy = malloc(n);
	an_kind k;

	cr_assert(n == 0 || copy != NULL);
	if (n)
		memcpy(copy, s, n);
	k = an_sniff(copy, n);
	free(copy);
	return k;
}

static an_kind sniff_str(const char *s)
{
	return sniff_n(s, strlen(s));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

Test(sniff, every_cpu_fixture_has_the_right_kind)
{
	DIR *d = opendir(fx_path("cpu"));
	struct dirent *e;
	size_t profiles = 0, traces = 0;
	char rel[512];

	cr_assert_not_null(d, "cannot list %s", fx_path("cpu"));
	while ((e = readdir(d)) != NULL) {
		an_kind want;
		if (ends_with(e->d_name, ".cpuprofile")) {
			want = AN_KIND_CPUPROFILE;
			profiles++;
		} else if (strncmp(e->d_name, "trace_", 6) == 0 &&
			   ends_with(e->d_name, ".json")) {
			want = AN_KIND_TRACE;
			traces++;
		} else {
			continue;
		}
		snprintf(rel, sizeof(rel), "cpu/%s", e->d_name);
		cr_expect_eq(sniff_file(rel), want, "%s is %s", rel,
			     an_kind_name(want));
	}
	closedir(d);
	cr_expect_geq(profiles, 8, "%zu .cpuprofile fixtures", profiles);
	cr_expect_geq(traces, 2, "%zu trace fixtures", traces);
	/* one trace is {"traceEvents":[...]}, the other a bare array */
	cr_expect_eq(sniff_file("cpu/trace_busy_wait.json"), AN_KIND_TRACE);
	cr_expect_eq(sniff_file("cpu/trace_synth_small.json"), AN_KIND_TRACE);
}

Test(sniff, bad_fixtures)
{
	static const char *const cpu[] = {
		"bad/counts_disagree.cpuprofile", "bad/cycle.cpuprofile",
		"bad/duplicate_id.cpuprofile",	  "bad/float_id.cpuprofile",
		"bad/huge_count.cpuprofile",	  "bad/negative_id.cpuprofile",
		"bad/string_id.cpuprofile",	  "bad/truncated.cpuprofile",
		"bad/unknown_child.cpuprofile",	  "bad/unknown_sample.cpuprofile",
	};
	size_t i;
	an_source *src = NULL;
	an_error err;
	an_kind k;

	cr_expect_eq(sniff_file("bad/heap_as_cpu.heapsnapshot"),
		     AN_KIND_HEAPSNAPSHOT, "heap_as_cpu.heapsnapshot");
	cr_expect_eq(sniff_file("bad/wrong_kind.json"), AN_KIND_UNKNOWN);
	cr_expect_eq(sniff_file("bad/not_json.cpuprofile"), AN_KIND_UNKNOWN);
	cr_expect_eq(sniff_file("bad/empty.cpuprofile"), AN_KIND_UNKNOWN);
	cr_expect_eq(sniff_file("bad/deep_nesting.json"), AN_KIND_UNKNOWN);
	/* well-formed enough to recognise, invalid in their content */
	for (i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++)
		cr_expect_eq(sniff_file(cpu[i]), AN_KIND_CPUPROFILE, "%s",
			     cpu[i]);
	/* a truncated gzip fails the peek itself */
	cr_assert_eq(an_source_open_path(&src,
					 fx_path("bad/truncated.cpuprofile.gz"),
					 &err), AN_OK);
	cr_expect_eq(an_source_sniff(&k, src, &err), AN_EIO,
		     "truncated.cpuprofile.gz");
	cr_expect_eq(k, AN_KIND_UNKNOWN);
	an_source_free(src);
}

Test(sniff, hand_written_documents)
{
	static const struct {
		const char *doc;
		an_kind kind;
	} cases[] = {
		/* CPU profiles, any key order */
		{"{\"startTime\":1,\"nodes\":[{\"id\":1}]}", AN_KIND_CPUPROFILE},
		{"{\"samples\":[1,2],\"timeDeltas\":[0,1],\"nodes\":[{\"id\":1}]}",
		 AN_KIND_CPUPROFILE},
		{"{\"nodes\":[],\"samples\":[]}", AN_KIND_CPUPROFILE},
		{"{ \"nodes\" :\r\n [ { \"id\" : 1 } ] }", AN_KIND_CPUPROFILE},
		/* heap profile: head with selfSize */
		{"{\"samples\":[],\"head\":{\"callFrame\":{},\"selfSize\":0}}",
		 AN_KIND_HEAPPROFILE},
		{"{\"head\":{\"callFrame\":{\"functionName\":\"(root)\"},"
		 "\"selfSize\":0,\"id\":1,\"children\":[]},\"samples\":[]}",
		 AN_KIND_HEAPPROFILE},
		/* heap snapshots */
		{"{\"nodes\":[9,1,1,0,3],\"edges\":[],\"strings\":[\"\"]}",
		 AN_KIND_HEAPSNAPSHOT},
		{"{\"nodes\":[-1]}", AN_KIND_HEAPSNAPSHOT},
		{"{\"snapshot\":{\"meta\":{}}}", AN_KIND_HEAPSNAPSHOT},
		{"{\"strings\":[],\"edges\":[]}", AN_KIND_HEAPSNAPSHOT},
		/* traces */
		{"{\"traceEvents\":[]}", AN_KIND_TRACE},
		{"{\"metadata\":{\"nodes\":[{}]},\"traceEvents\":[]}",
		 AN_KIND_TRACE},
		{"[{\"ph\":\"M\",\"name\":\"x\"}]", AN_KIND_TRACE},
		{"[{\"name\":\"x\",\"args\":{},\"ph\":\"X\"}]", AN_KIND_TRACE},
		/* undecided */
		{"{\"hello\":1}", AN_KIND_UNKNOWN},
		{"[]", AN_KIND_UNKNOWN},
		{"[{\"name\":\"x\"}]", AN_KIND_UNKNOWN},
		{"[{\"args\":{\"ph\":1}}]", AN_KIND_UNKNOWN},
		{"{\"nodes\":[", AN_KIND_UNKNOWN},
		{"{\"nodes\":\"x\"}", AN_KIND_UNKNOWN},
		/* keys below the top level do not count */
		{"{\"meta\":{\"nodes\":[{\"id\":1}],\"startTime\":1}}",
		 AN_KIND_UNKNOWN},
		{"{\"a\":{\"traceEvents\":[],\"snapshot\":{}}}", AN_KIND_UNKNOWN},
		/* nor do keys inside string values */
		{"{\"x\":\"\\\"nodes\\\":[{\\\"id\\\":1}]\",\"startTime\":1}",
		 AN_KIND_UNKNOWN},
		{"{\"x\":\"{\\\"snapshot\\\":1}\"}", AN_KIND_UNKNOWN},
		/* not JSON objects or arrays */
		{"", AN_KIND_UNKNOWN},
		{"   \n", AN_KIND_UNKNOWN},
		{"null", AN_KIND_UNKNOWN},
		{"42", AN_KIND_UNKNOWN},
		{"\"nodes\"", AN_KIND_UNKNOWN},
		{"<html><body>{\"nodes\":[{}]}", AN_KIND_UNKNOWN},
		{"This is not a CPU profile.", AN_KIND_UNKNOWN},
		{"\x1f\x8b\x08\x00", AN_KIND_UNKNOWN},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		an_kind k = sniff_str(cases[i].doc);
		cr_expect_eq(k, cases[i].kind, "%s: got %s, want %s",
			     cases[i].doc, an_kind_name(k),
			     an_kind_name(cases[i].kind));
	}
}

Test(sniff, bom_and_leading_whitespace)
{
	static const char doc[] = "\xef\xbb\xbf \r\n\t{\"traceEvents\":[]}";

	cr_expect_eq(sniff_str(doc), AN_KIND_TRACE, "BOM + whitespace");
	cr_expect_eq(sniff_str("\xef\xbb\xbf{\"nodes\":[{\"id\":1}]}"),
		     AN_KIND_CPUPROFILE, "BOM + cpuprofile");
	cr_expect_eq(sniff_str("\n\n  [{\"ph\":\"B\"}]"), AN_KIND_TRACE,
		     "whitespace + bare array");
	/* a broken BOM is not JSON */
	cr_expect_eq(sniff_str("\xef\xbb{\"traceEvents\":[]}"),
		     AN_KIND_UNKNOWN, "2-byte BOM");
	cr_expect_eq(sniff_str("\xef\xbb\xbf"), AN_KIND_UNKNOWN, "BOM only");
	cr_expect_eq(an_sniff(NULL, 0), AN_KIND_UNKNOWN, "NULL, 0");
}

/*
 * Every prefix of doc: never reads past len (ASan), UNKNOWN before
 * `decider` has been seen completely, `kind` from then on.
 */
static void prefixes(const char *doc, size_t len, const char *decider,
		     an_kind kind)
{
	const char *at = strstr(doc, decider);
	size_t decide, n;

	cr_assert_not_null(at, "decider %s", decider);
	decide = (size_t)(at - doc) + strlen(decider);
	for (n = 0; n <= len; n++) {
		an_kind k = sniff_n(doc, n);
		an_kind want = n >= decide ? kind : AN_KIND_UNKNOWN;
		cr_expect_eq(k, want, "prefix %zu of %.*s: got %s, want %s", n,
			     (int)(len < 80 ? len : 80), doc, an_kind_name(k),
			     an_kind_name(want));
	}
}

Test(sniff, every_prefix_length)
{
	static const struct {
		const char *doc, *decider;
		an_kind kind;
	} cases[] = {
		{"{\"nodes\":[{\"id\":1,\"callFrame\":{\"functionName\":"
		 "\"(root)\"}}],\"startTime\":0}",
		 "{\"nodes\":[{", AN_KIND_CPUPROFILE},
		{"{\"startTime\":1,\"nodes\":[{\"id\":1}]}", "\"nodes\":",
		 AN_KIND_CPUPROFILE},
		/* escapes in a string, so prefixes can end after a '\\' */
		{"{\"x\":\"a\\\"}\\\\\",\"nodes\":[{\"id\":1}]}",
		 "[{", AN_KIND_CPUPROFILE},
		{"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\"]},"
		 "\"node_count\":1},\"nodes\":[9,1],\"strings\":[\"a\"]}",
		 "{\"snapshot\":", AN_KIND_HEAPSNAPSHOT},
		{"{\"nodes\":[9,1,1],\"edges\":[]}", "{\"nodes\":[9",
		 AN_KIND_HEAPSNAPSHOT},
		{"{\"traceEvents\":[{\"ph\":\"X\"}]}", "{\"traceEvents\":",
		 AN_KIND_TRACE},
		{"[{\"pid\":1,\"ph\":\"X\",\"ts\":0}]", "\"ph\":",
		 AN_KIND_TRACE},
		{"{\"head\":{\"callFrame\":{},\"selfSize\":0,\"children\":[]},"
		 "\"samples\":[]}",
		 "\"selfSize\":", AN_KIND_HEAPPROFILE},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		prefixes(cases[i].doc, strlen(cases[i].doc), cases[i].decider,
			 cases[i].kind);
}

Test(sniff, every_prefix_of_fixtures)
{
	static const struct {
		const char *rel, *decider;
		an_kind kind;
	} files[] = {
		{"cpu/busy_wait.cpuprofile", "{\"nodes\":[{", AN_KIND_CPUPROFILE},
		{"cpu/trace_busy_wait.json", "{\"traceEvents\":", AN_KIND_TRACE},
		{"bad/heap_as_cpu.heapsnapshot", "{\"snapshot\":",
		 AN_KIND_HEAPSNAPSHOT},
	};
	size_t i, len;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *data = fx_slurp(fx_path(files[i].rel), &len);
		prefixes(data, len, files[i].decider, files[i].kind);
		free(data);
	}
}

Test(sniff, only_the_first_64k_are_looked_at)
{
	/* {"pad":"xxx...","nodes":[{"id":1}]} with the deciding key after
	 * AN_SNIFF_BYTES */
	size_t pad = AN_SNIFF_BYTES + 100, n = 0;
	char *doc = malloc(pad + 64);
	an_source *src = NULL;
	an_error err;
	an_kind k;

	cr_assert_not_null(doc);
	n += (size_t)snprintf(doc, 16, "{\"pad\":\"");
	memset(doc + n, 'x', pad);
	n += pad;
	n += (size_t)snprintf(doc + n, 64, "\",\"nodes\":[{\"id\":1}]}");
	cr_expect_eq(an_sniff((const uint8_t *)doc, n), AN_KIND_CPUPROFILE,
		     "all %zu bytes", n);
	cr_assert_eq(an_source_open_memory(&src, doc, n, NULL, &err), AN_OK);
	cr_assert_eq(an_source_sniff(&k, src, &err), AN_OK);
	cr_expect_eq(k, AN_KIND_UNKNOWN, "nodes key beyond %u bytes",
		     AN_SNIFF_BYTES);
	an_source_free(src);
	free(doc);
}

Test(sniff, gzip_through_a_source)
{
	const char *path = fx_path("cpu/busy_wait.cpuprofile");
	size_t flen, len, got = 0;
	char *file = fx_slurp(path, &flen);
	char tmp[] = "/tmp/an_test_sniff_XXXXXX";
	int fd = mkstemp(tmp);
	an_source *src = NULL;
	an_error err;
	an_kind k;
	const uint8_t *p;
	gzFile gzf;

	/* a gzip file without a .gz name: sniffing sees through it */
	cr_assert_geq(fd, 0);
	gzf = gzdopen(fd, "wb");
	cr_assert_not_null(gzf);
	cr_assert_eq(gzwrite(gzf, file, (unsigned)flen), (int)flen);
	cr_assert_eq(gzclose(gzf), Z_OK);
	cr_assert_eq(an_source_open_path(&src, tmp, &err), AN_OK);
	cr_assert_eq(an_source_sniff(&k, src, &err), AN_OK, "%s", err.message);
	cr_expect_eq(k, AN_KIND_CPUPROFILE, "gzip of %s: %s", path,
		     an_kind_name(k));
	cr_expect_eq(an_source_is_gzip(src), 1);
	/* sniffing consumed nothing */
	an_source_set_chunk_limit(src, 1000);
	while (an_source_next(&p, &len, src, &err) == AN_OK && len > 0) {
		cr_assert_leq(got + len, flen);
		cr_expect_arr_eq(p, file + got, len, "at %zu", got);
		got += len;
	}
	cr_expect_eq(got, flen, "all of %s after sniffing", path);
	cr_expect_lt(an_source_raw_bytes(src), flen, "compressed");
	/* too late once reading started */
	cr_expect_eq(an_source_sniff(&k, src, &err), AN_EINVAL);
	an_source_free(src);
	unlink(tmp);
	free(file);
}

/* The first element of "nodes" is only looked for inside the array that
 * is the value of "nodes", not in a later or nested array. */
Test(sniff, nodes_element_is_only_read_from_the_nodes_array)
{
	static const char *const docs[] = {
		"{\"nodes\":{\"a\":[1]}}",
		"{\"nodes\":null,\"x\":[{\"id\":1}]}",
		"{\"nodes\":\"x\",\"y\":[7]}",
	};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		an_kind k = sniff_str(docs[i]);
		cr_expect_eq(k, AN_KIND_UNKNOWN, "%s: got %s", docs[i],
			     an_kind_name(k));
	}
}

Test(sniff, kind_names)
{
	cr_expect_str_eq(an_kind_name(AN_KIND_UNKNOWN), "unknown");
	cr_expect_str_eq(an_kind_name(AN_KIND_CPUPROFILE), "cpuprofile");
	cr_expect_str_eq(an_kind_name(AN_KIND_TRACE), "trace");
	cr_expect_str_eq(an_kind_name(AN_KIND_HEAPSNAPSHOT), "heapsnapshot");
	cr_expect_str_eq(an_kind_name(AN_KIND_HEAPPROFILE), "heapprofile");
	cr_expect_str_eq(an_kind_name((an_kind)42), "unknown");
}

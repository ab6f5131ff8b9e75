/*
 * cmd_info.c - `profkit info FILE...`: what each artifact is, its size
 * and, for CPU profiles, counts, duration and sampling interval.
 */
#include <stdlib.h>
#include <string.h>

#include "fe/fe.h"

static const char help_info[] =
	"Usage: profkit info [OPTIONS] FILE...\n"
	"Kind, size and counts of each artifact: for CPU profiles the nodes,\n"
	"functions, samples, duration, mean sampling interval and maximum\n"
	"stack depth; for heap snapshots nodes, edges, total size (as\n"
	"DevTools), V8 heap and native bytes, classes. The kind is detected\n"
	"from the content, not the name.\n"
	"  --format text|json|csv  output format (default text)\n"
	"  -o, --output FILE     write to FILE (replaced atomically)\n"
	"  -q, --quiet           no progress bar\n"
	"  --progress            progress bar on stderr even when not a\n"
	"                        terminal (-q: never)\n"
	"  --help                this help\n"
	"FILE may be gzipped; '-' reads standard input.\n";

typedef struct info {
	const char *path;
	an_kind kind;
	int gzip;
	uint64_t bytes;
	an_profile *prof;
	an_heap *heap;
} info;

static int examine(info *in, const char *path, an_error *err)
{
	an_source *src = NULL;
	an_profile_load_opts po = AN_PROFILE_LOAD_OPTS_INIT;
	an_heap_load_opts ho = AN_HEAP_LOAD_OPTS_INIT;
	fe_progress bar;
	int rc;

	memset(in, 0, sizeof(*in));
	in->path = path;
	if (fe_progress_begin(&bar, path)) {
		po.progress = ho.progress = fe_progress_cb;
		po.payload = ho.payload = &bar;
	}
	rc = an_source_open_path(&src, path, err);
	if (rc < 0)
		return rc;
	rc = an_source_sniff(&in->kind, src, err);
	/* unknown content goes to the profile loader too: it says what is
	 * wrong with it (empty, malformed JSON, not a profile) */
	if (rc == AN_OK && (in->kind == AN_KIND_CPUPROFILE ||
			    in->kind == AN_KIND_TRACE ||
			    in->kind == AN_KIND_UNKNOWN))
		rc = an_profile_load(&in->prof, src, &po, err);
	else if (rc == AN_OK && in->kind == AN_KIND_HEAPSNAPSHOT)
		rc = an_heap_load(&in->heap, src, &ho, err);
	if (rc == AN_OK && !in->prof && !in->heap) {
		/* other kinds: read through to learn the size */
		const uint8_t *d;
		size_t n;
		do {
			rc = an_source_next(&d, &n, src, err);
		} while (rc == AN_OK && n);
	}
	fe_progress_end(&bar);
	in->gzip = an_source_is_gzip(src);
	in->bytes = an_source_raw_bytes(src);
	an_source_free(src);
	return rc;
}

/* Statistics; out of memory ends the run rather than print wrong
 * numbers. */
static void statistics(an_heap_stats *s, const an_heap *h)
{
	an_error err;

	if (an_heap_statistics(s, h, &err) < 0) {
		fe_errorf("%s", err.message);
		exit(FE_EXIT_ERROR);
	}
}

static void print_text(FILE *f, const info *in)
{
	fe_text(f, in->path, strlen(in->path));
	fprintf(f, ":\n  kind        %s%s\n  bytes       %llu\n",
		an_kind_name(in->kind), in->gzip ? " (gzip)" : "",
		(unsigned long long)in->bytes);
	if (in->prof) {
		const an_profile *p = in->prof;
		uint32_t ns = an_profile_sample_count(p);
		int64_t span = ns ? an_profile_sample_time(p, ns - 1) -
					    an_profile_sample_time(p, 0) :
				    0;
		char ms[32];
		fprintf(f, "  nodes       %u\n  functions   %u\n"
			   "  samples     %u\n  hits        %llu\n",
			an_profile_node_count(p),
			an_profile_function_count(p), ns,
			(unsigned long long)an_profile_total_hits(p));
		fe_ms(ms, sizeof(ms),
		      (double)(an_profile_end_time(p) -
			       an_profile_start_time(p)));
		fprintf(f, "  start_time  %lld us\n  end_time    %lld us\n"
			   "  duration    %s ms\n",
			(long long)an_profile_start_time(p),
			(long long)an_profile_end_time(p), ms);
		if (ns >= 2)
			fprintf(f, "  interval    %.1f us (mean)\n",
				(double)span / (ns - 1));
		fprintf(f, "  max_depth   %u\n", an_profile_max_depth(p));
		if (an_profile_negative_deltas(p))
			fprintf(f, "  negative    %u timeDeltas (samples "
				   "re-sorted)\n",
				an_profile_negative_deltas(p));
	} else if (in->heap) {
		const an_heap *h = in->heap;
		an_heap_stats s;
		const uint32_t *order;
		statistics(&s, h);
		fprintf(f, "  nodes       %u\n  edges       %u\n"
			   "  total_size  %llu\n  v8_heap     %llu\n"
			   "  native      %llu\n  classes     %u\n",
			an_heap_node_count(h), an_heap_edge_count(h),
			(unsigned long long)s.total,
			(unsigned long long)s.v8_heap,
			(unsigned long long)s.native,
			an_heap_classes(h, &order));
	} else {
		fputs("  (details for this kind are not supported yet)\n", f);
	}
}

static void print_json(FILE *f, const info *in, int first)
{
	fputs(first ? "\n  {\"file\": " : ",\n  {\"file\": ", f);
	fe_json_str(f, in->path, strlen(in->path));
	fprintf(f, ", \"kind\": \"%s\", \"gzip\": %s, \"bytes\": %llu",
		an_kind_name(in->kind), in->gzip ? "true" : "false",
		(unsigned long long)in->bytes);
	if (in->prof) {
		const an_profile *p = in->prof;
		fprintf(f, ", \"nodes\": %u, \"functions\": %u, "
			   "\"samples\": %u, \"hits\": %llu, "
			   "\"start_time\": %lld, \"end_time\": %lld, "
			   "\"max_depth\": %u, \"negative_deltas\": %u",
			an_profile_node_count(p), an_profile_function_count(p),
			an_profile_sample_count(p),
			(unsigned long long)an_profile_total_hits(p),
			(long long)an_profile_start_time(p),
			(long long)an_profile_end_time(p),
			an_profile_max_depth(p), an_profile_negative_deltas(p));
	}
	if (in->heap) {
		an_heap_stats s;
		const uint32_t *order;
		statistics(&s, in->heap);
		fprintf(f, ", \"nodes\": %u, \"edges\": %u, "
			   "\"total_size\": %llu, \"v8_heap\": %llu, "
			   "\"native\": %llu, \"extra_native_bytes\": %llu, "
			   "\"classes\": %u",
			an_heap_node_count(in->heap),
			an_heap_edge_count(in->heap),
			(unsigned long long)s.total,
			(unsigned long long)s.v8_heap,
			(unsigned long long)s.native,
			(unsigned long long)an_heap_extra_native_bytes(in->heap),
			an_heap_classes(in->heap, &order));
	}
	fputc('}', f);
}

static void print_csv(FILE *f, const info *in)
{
	const an_profile *p = in->prof;

	fe_csv_str(f, in->path, strlen(in->path));
	fprintf(f, ",%s,%d,%llu", an_kind_name(in->kind), in->gzip,
		(unsigned long long)in->bytes);
	if (p)
		fprintf(f, ",%u,%u,%u,%lld,%lld,,\n",
			an_profile_node_count(p),
			an_profile_function_count(p),
			an_profile_sample_count(p),
			(long long)an_profile_start_time(p),
			(long long)an_profile_end_time(p));
	else if (in->heap)
		fprintf(f, ",%u,,,,,%u,%llu\n", an_heap_node_count(in->heap),
			an_heap_edge_count(in->heap),
			(unsigned long long)an_heap_total_size(in->heap));
	else
		fputs(",,,,,,,\n", f);
}

int cmd_info(int argc, char **argv)
{
	fe_opts o;
	fe_out out;
	int rc, done, i, failed = 0, first = 1;

	rc = fe_parse(&o, argc, argv, FE_OPT_FORMAT | FE_OPT_OUT | FE_OPT_QUIET,
		      "info", help_info, &done);
	if (rc || done) {
		fe_opts_free(&o);
		return rc;
	}
	if (o.nargs < 1) {
		fe_opts_free(&o);
		return fe_usage_error("info ", "info needs at least one FILE");
	}
	rc = fe_out_open(&out, o.out);
	if (rc) {
		fe_opts_free(&o);
		return rc;
	}
	if (o.format == FE_JSON)
		fputs("{\"artifacts\": [", out.f);
	else if (o.format == FE_CSV)
		fputs("file,kind,gzip,bytes,nodes,functions,samples,"
		      "start_time,end_time,edges,total_size\n", out.f);
	for (i = 0; i < o.nargs; i++) {
		info in;
		an_error err;
		an_error_clear(&err);
		if (examine(&in, o.args[i], &err) < 0) {
			fe_report(o.args[i], &err);
			failed = 1;
			an_profile_free(in.prof);
			an_heap_free(in.heap);
			continue;
		}
		if (o.format == FE_JSON)
			print_json(out.f, &in, first);
		else if (o.format == FE_CSV)
			print_csv(out.f, &in);
		else
			print_text(out.f, &in);
		first = 0;
		an_profile_free(in.prof);
		an_heap_free(in.heap);
	}
	if (o.format == FE_JSON)
		fputs(first ? "]}\n" : "\n]}\n", out.f);
	rc = fe_out_close(&out, !failed);
	fe_opts_free(&o);
	return failed ? FE_EXIT_ERROR : rc;
}

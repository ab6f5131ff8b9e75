/*
 * cmd_info.c - `profkit info FILE...`: what each artifact is, its size
 * and, for CPU profiles, counts, duration and sampling interval.
 */
#include <stdlib.h>
#include <string.h>

#include "fe/fe.h"


typedef struct info {
	const char *path;
	an_kind kind;
	int gzip;
	int zstd;
	uint64_t bytes;
	an_profile *prof;
	int heap;             /* a heap snapshot: hinfo is set */
	an_heap_info hinfo;   /* its counts, sizes and classes */
	an_trace_summary trace; /* what a trace holds */
	int no_profile;       /* a trace without any CPU profile */
} info;

static int examine(info *in, const char *path, const fe_opts *o,
		   an_error *err)
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
	po.trace = &in->trace;
	po.pick = o->pick;
	po.pick_pid = o->pick_pid;
	po.pick_tid = o->pick_tid;
	rc = an_source_open_path(&src, path, err);
	if (rc < 0)
		return rc;
	rc = an_source_sniff(&in->kind, src, err);
	/* unknown content goes to the profile loader too: it says what is
	 * wrong with it (empty, malformed JSON, not a profile) */
	if (rc == AN_OK && (in->kind == AN_KIND_CPUPROFILE ||
			    in->kind == AN_KIND_TRACE ||
			    in->kind == AN_KIND_HEAPPROFILE ||
			    in->kind == AN_KIND_UNKNOWN))
		rc = an_profile_load(&in->prof, src, &po, err);
	/* a valid trace without CPU samples (Node traces written with
	 * --trace-event-categories): described, not an error */
	if (rc == AN_EFORMAT && in->kind == AN_KIND_TRACE &&
	    in->trace.events > 0 && in->trace.profiles == 0) {
		in->no_profile = 1;
		an_error_clear(err);
		rc = AN_OK;
	} else if (rc == AN_OK && in->kind == AN_KIND_HEAPSNAPSHOT) {
		/* no dominator tree: a fraction of an_heap_load()'s time */
		rc = an_heap_load_info(&in->hinfo, src, &ho, err);
		in->heap = rc == AN_OK;
	}
	if (rc == AN_OK && !in->prof && !in->heap) {
		/* other kinds: read through to learn the size */
		const uint8_t *d;
		size_t n;
		do {
			rc = an_source_next(&d, &n, src, err);
		} while (rc == AN_OK && n);
	}
	fe_progress_end(&bar);
	if (rc == AN_OK && in->prof)
		fe_profile_warnings(path, in->prof);
	in->gzip = an_source_is_gzip(src);
	in->zstd = an_source_is_zstd(src);
	in->bytes = an_source_raw_bytes(src);
	an_source_free(src);
	return rc;
}

/* "436.2 ms"; a minute or more in seconds: "904.2 s", not "904246.2 ms" */
static void duration(char *buf, size_t cap, double us)
{
	char ms[24];

	if (us >= 60e6) {
		snprintf(buf, cap, "%.1f s", us / 1e6);
		return;
	}
	fe_ms(ms, sizeof(ms), us);
	snprintf(buf, cap, "%s ms", ms);
}

/* text: what a trace holds, and its CPU profiles one per line */
static void print_trace(FILE *f, const an_trace_summary *t, int none)
{
	char ms[48];
	uint32_t i;

	fprintf(f, "  events      %llu\n  processes   %u\n  threads     %u\n",
		(unsigned long long)t->events, t->processes, t->threads);
	if (t->has_time) {
		duration(ms, sizeof(ms), (double)(t->last_us - t->first_us));
		fprintf(f, "  span        %s\n", ms);
	}
	if (none)
		return;
	fprintf(f, "  profiles    %u", t->count);
	if (t->ignored)
		fprintf(f, " (%u more without a thread, superseded or "
			   "empty: not shown, as in DevTools)",
			t->ignored);
	fputs("\n", f);
	for (i = 0; i < t->count; i++) {
		const an_trace_profile *e = &t->list[i];
		char id[48];
		snprintf(id, sizeof(id), "%lld:%lld", (long long)e->pid,
			 (long long)e->tid);
		duration(ms, sizeof(ms), e->duration_us);
		fprintf(f, "   %c %-15s %8llu samples %13s  ",
			i == t->loaded ? '*' : ' ', id,
			(unsigned long long)e->samples, ms);
		if (e->thread_name)
			fe_text(f, e->thread_name, strlen(e->thread_name));
		else
			fputs("-", f);
		if (e->process_name) {
			fputs(" (", f);
			fe_text(f, e->process_name, strlen(e->process_name));
			fputs(")", f);
		}
		if (e->legacy)
			fputs(" [legacy CpuProfile event]", f);
		if (i == t->dflt)
			fputs(" [default]", f);
		fputs("\n", f);
	}
}

/* JSON: the trace's profiles */
static void json_profiles(FILE *f, const void *ctx)
{
	const an_trace_summary *t = ctx;
	uint32_t i;

	fputs("[", f);
	for (i = 0; i < t->count; i++) {
		const an_trace_profile *e = &t->list[i];
		fprintf(f, "%s{\"pid\": %lld, \"tid\": %lld, \"id\": ",
			i ? ", " : "", (long long)e->pid, (long long)e->tid);
		fe_json_str(f, e->id, strlen(e->id));
		fputs(", \"thread_name\": ", f);
		if (e->thread_name)
			fe_json_str(f, e->thread_name, strlen(e->thread_name));
		else
			fputs("null", f);
		fputs(", \"process_name\": ", f);
		if (e->process_name)
			fe_json_str(f, e->process_name,
				    strlen(e->process_name));
		else
			fputs("null", f);
		fputs(", \"source\": ", f);
		if (e->source)
			fe_json_str(f, e->source, strlen(e->source));
		else
			fputs("null", f);
		fprintf(f, ", \"samples\": %llu, \"nodes\": %llu, "
			   "\"duration_us\": %.0f, \"legacy\": %s, "
			   "\"default\": %s, \"described\": %s}",
			(unsigned long long)e->samples,
			(unsigned long long)e->nodes, e->duration_us,
			e->legacy ? "true" : "false",
			i == t->dflt ? "true" : "false",
			i == t->loaded ? "true" : "false");
	}
	fputs("]", f);
}

/* "3.82 MB" (fe_size without its padding) */
static void size_text(char *buf, size_t cap, uint64_t bytes)
{
	size_t n;

	fe_size(buf, cap, bytes);
	n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
}

/* text: a card per artifact */
static void print_text(FILE *f, const void *ctx)
{
	const info *in = ctx;

	fe_text(f, in->path, strlen(in->path));
	fprintf(f, ":\n  kind        %s%s\n  bytes       %llu\n",
		an_kind_name(in->kind),
		in->gzip ? " (gzip)" : in->zstd ? " (zstd)" : "",
		(unsigned long long)in->bytes);
	if (in->kind == AN_KIND_TRACE)
		print_trace(f, &in->trace, in->no_profile);
	if (in->prof && in->kind == AN_KIND_HEAPPROFILE) {
		const an_profile *p = in->prof;
		uint64_t unknown;
		uint64_t ns = an_profile_heap_samples(p, &unknown);
		fprintf(f, "  nodes       %u\n  functions   %u\n"
			   "  samples     %llu\n  total_size  %llu\n"
			   "  max_depth   %u\n",
			an_profile_node_count(p),
			an_profile_function_count(p), (unsigned long long)ns,
			(unsigned long long)an_profile_total_hits(p),
			an_profile_max_depth(p));
		if (unknown)
			fprintf(f, "  unknown     %llu samples name a node not "
				   "in the tree (ignored)\n",
				(unsigned long long)unknown);
	} else if (in->prof) {
		const an_profile *p = in->prof;
		uint32_t ns = an_profile_sample_count(p);
		int64_t span = ns ? an_profile_sample_time(p, ns - 1) -
					    an_profile_sample_time(p, 0) :
				    0;
		char ms[48];
		uint64_t hits = an_profile_total_hits(p);
		fprintf(f, "  nodes       %u\n  functions   %u\n"
			   "  samples     %u\n  hits        %llu",
			an_profile_node_count(p),
			an_profile_function_count(p), ns,
			(unsigned long long)hits);
		/* two honest counts: say why they differ */
		if (hits != ns && hits != 0)
			fprintf(f, " (the nodes' hitCount: %llu %s than "
				   "samples, normal for V8; --weights hits "
				   "uses it)",
				(unsigned long long)(hits > ns ? hits - ns :
								 ns - hits),
				hits > ns ? "more" : "fewer");
		fputc('\n', f);
		duration(ms, sizeof(ms),
			 (double)(an_profile_end_time(p) -
				  an_profile_start_time(p)));
		fprintf(f, "  start_time  %lld us\n  end_time    %lld us\n"
			   "  duration    %s\n",
			(long long)an_profile_start_time(p),
			(long long)an_profile_end_time(p), ms);
		if (ns >= 2)
			fprintf(f, "  interval    %.1f us (mean)\n",
				(double)span / (ns - 1));
		fprintf(f, "  max_depth   %u\n", an_profile_max_depth(p));
		if (an_profile_negative_deltas(p))
			fprintf(f, "  negative    %u timeDeltas (normal: V8 "
				   "writes some samples out of order; put back "
				   "in time order as DevTools does)\n",
				an_profile_negative_deltas(p));
	} else if (in->heap) {
		const an_heap_info *s = &in->hinfo;
		char t[32], v[32], n[32];
		/* bytes, and as DevTools shows them (kB, MB of 1000) */
		size_text(t, sizeof(t), s->total);
		size_text(v, sizeof(v), s->v8_heap);
		size_text(n, sizeof(n), s->native);
		fprintf(f, "  nodes       %u\n  edges       %u\n"
			   "  total_size  %llu (%s)\n  v8_heap     %llu (%s)\n"
			   "  native      %llu (%s)\n  classes     %u\n",
			s->nodes, s->edges, (unsigned long long)s->total, t,
			(unsigned long long)s->v8_heap, v,
			(unsigned long long)s->native, n, s->classes);
	} else if (in->no_profile) {
		fputs("  cpu profile none: no Profile events (record one with "
		      "node --cpu-prof, or\n"
		      "              enable the trace category "
		      "disabled-by-default-v8.cpu_profiler\n"
		      "              at runtime: node starts the sampler "
		      "only then)\n", f);
	} else {
		fputs("  (details for this kind are not supported yet)\n", f);
	}
}

enum {
	I_FILE, I_KIND, I_GZIP, I_BYTES, I_NODES, I_FUNCTIONS, I_SAMPLES,
	I_HITS, I_START, I_END, I_MAX_DEPTH, I_NEGATIVE, I_EDGES, I_TOTAL,
	I_V8_HEAP, I_NATIVE, I_EXTRA, I_CLASSES, I_EVENTS, I_PROCESSES,
	I_THREADS, I_SPAN, I_PROFILES, I_PROFILE, I_UNKNOWN, I_LIST, I_LIST_CSV,
	I_CARD,
	I_N
};

/* CPU profiles and heap snapshots have members of their own (absent
 * in JSON, empty in CSV for the other kinds) */
static const fe_col info_cols[I_N] = {
	{"file", FE_T_CSTR, FE_IN_DATA, NULL, 0, 0, 0},
	{"kind", FE_T_CSTR, FE_IN_DATA, NULL, 0, 0, 0},
	{"gzip", FE_T_BOOL, FE_IN_DATA, NULL, 0, 0, 0},
	{"bytes", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"nodes", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"functions", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"samples", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"hits", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"start_time", FE_T_INT, FE_IN_DATA, NULL, 0, 0, 0},
	{"end_time", FE_T_INT, FE_IN_DATA, NULL, 0, 0, 0},
	{"max_depth", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"negative_deltas", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"edges", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"total_size", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"v8_heap", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"native", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"extra_native_bytes", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"classes", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"events", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"processes", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"threads", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"span_us", FE_T_INT, FE_IN_DATA, NULL, 0, 0, 0},
	{"cpu_profiles", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"profile", FE_T_CSTR, FE_IN_DATA, NULL, 0, 0, 0},
	{"unknown_samples", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"profiles", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
	/* CSV: the same list as one JSON string */
	{"profiles", FE_T_CSTR, FE_IN_CSV, NULL, 0, 0, 0},
	{NULL, FE_T_CALL, 0, NULL, 0, 1, 0},
};
static const fe_table info_table = {info_cols, I_N, "artifacts", 1};

static void info_row(fe_writer *w, const info *in)
{
	fe_val v[I_N];
	unsigned i;
	char pick[48], *list = NULL;
	size_t list_len = 0;
	FILE *mf;

	for (i = 0; i < I_N; i++)
		v[i] = fe_absent();
	v[I_FILE] = fe_cstr(in->path);
	v[I_KIND] = fe_cstr(an_kind_name(in->kind));
	v[I_GZIP] = fe_uint(in->gzip != 0);
	v[I_BYTES] = fe_uint(in->bytes);
	if (in->prof && in->kind == AN_KIND_HEAPPROFILE) {
		const an_profile *p = in->prof;
		uint64_t unknown;
		v[I_NODES] = fe_uint(an_profile_node_count(p));
		v[I_FUNCTIONS] = fe_uint(an_profile_function_count(p));
		v[I_SAMPLES] = fe_uint(an_profile_heap_samples(p, &unknown));
		v[I_TOTAL] = fe_uint(an_profile_total_hits(p));
		v[I_MAX_DEPTH] = fe_uint(an_profile_max_depth(p));
		v[I_UNKNOWN] = fe_uint(unknown);
	} else if (in->prof) {
		const an_profile *p = in->prof;
		v[I_NODES] = fe_uint(an_profile_node_count(p));
		v[I_FUNCTIONS] = fe_uint(an_profile_function_count(p));
		v[I_SAMPLES] = fe_uint(an_profile_sample_count(p));
		v[I_HITS] = fe_uint(an_profile_total_hits(p));
		v[I_START] = fe_int(an_profile_start_time(p));
		v[I_END] = fe_int(an_profile_end_time(p));
		v[I_MAX_DEPTH] = fe_uint(an_profile_max_depth(p));
		v[I_NEGATIVE] = fe_uint(an_profile_negative_deltas(p));
	}
	if (in->heap) {
		const an_heap_info *s = &in->hinfo;
		v[I_NODES] = fe_uint(s->nodes);
		v[I_EDGES] = fe_uint(s->edges);
		v[I_TOTAL] = fe_uint(s->total);
		v[I_V8_HEAP] = fe_uint(s->v8_heap);
		v[I_NATIVE] = fe_uint(s->native);
		v[I_EXTRA] = fe_uint(s->extra_native_bytes);
		v[I_CLASSES] = fe_uint(s->classes);
	}
	if (in->kind == AN_KIND_TRACE) {
		const an_trace_summary *t = &in->trace;
		v[I_EVENTS] = fe_uint(t->events);
		v[I_PROCESSES] = fe_uint(t->processes);
		v[I_THREADS] = fe_uint(t->threads);
		if (t->has_time)
			v[I_SPAN] = fe_int(t->last_us - t->first_us);
		v[I_PROFILES] = fe_uint(t->count);
		if (t->loaded != AN_NONE) {
			snprintf(pick, sizeof(pick), "%lld:%lld",
				 (long long)t->list[t->loaded].pid,
				 (long long)t->list[t->loaded].tid);
			v[I_PROFILE] = fe_cstr(pick);
		}
		if (!in->no_profile) {
			v[I_LIST] = fe_call(json_profiles, t);
			if (w->format == FE_CSV) {
				mf = open_memstream(&list, &list_len);
				if (mf) {
					json_profiles(mf, t);
					fclose(mf);
				}
				v[I_LIST_CSV] = fe_cstr(list);
			}
		}
	}
	v[I_CARD] = fe_call(print_text, in);
	fe_table_row(w, v);
	free(list);
}

int cmd_info(int argc, char **argv)
{
	fe_opts o;
	fe_out out;
	fe_writer w;
	int rc, done, i, failed = 0;

	/* options and help: fe/fe_cmdtab.c */
	rc = fe_parse(&o, argc, argv, 0, "info", NULL, &done);
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
	fe_table_begin(&w, out.f, o.format, &info_table, NULL, NULL, 0, NULL,
		       NULL);
	for (i = 0; i < o.nargs; i++) {
		info in;
		an_error err;
		an_error_clear(&err);
		if (examine(&in, o.args[i], &o, &err) < 0) {
			fe_report(o.args[i], &err);
			failed = 1;
		} else {
			info_row(&w, &in);
		}
		an_profile_free(in.prof);
		an_trace_summary_free(&in.trace);
	}
	fe_table_end(&w);
	rc = fe_out_finish(&out, failed ? FE_EXIT_ERROR : FE_EXIT_OK);
	fe_opts_free(&o);
	return rc;
}

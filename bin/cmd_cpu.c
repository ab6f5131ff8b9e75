/*
 * cmd_cpu.c - `profkit cpu top|tree|lines|callers|callees|folded`: parse
 * options, load and analyse through libanalyze, print text/JSON/CSV.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fe/fe.h"

#define CPU_FORMAT_HELP                                                       \
	"  --format text|json|csv  output format (default text)\n"            \
	"  -q, --quiet           no '# file: ...' summary line (text)\n"

#define CPU_COMMON_HELP                                                       \
	"  --weights time|hits   time: per-sample durations (default, as the\n" \
	"                        Performance panel); hits: (end-start)/hits\n"  \
	"                        per hit (DevTools' legacy tree model)\n"      \
	"  --from MS, --to MS    only samples in [from, to) ms after the\n"    \
	"                        profile's startTime\n"                         \
	"  -o, --output FILE     write to FILE (replaced atomically)\n"        \
	"  --db FILE             also store the analysis in SQLite FILE\n"     \
	"  --progress            progress bar on stderr even when not a\n"     \
	"                        terminal (-q: never)\n"                       \
	"  -h, --help            this help\n"                                  \
	"FILE may be gzipped; '-' reads standard input. Trace JSON (Profile +\n" \
	"ProfileChunk events) is accepted wherever a .cpuprofile is.\n"

static const char help_top[] =
	"Usage: profkit cpu top [OPTIONS] FILE\n"
	"Functions by self time (bottom-up): self, total (recursion counted\n"
	"once), share of the profile, name and url:line:column (1-based).\n"
	"  -n, --top N           show N functions (default 25, 0 = all)\n"
	"  --filter RE           only functions whose name or url match RE\n"
	"  --exclude RE          hide functions whose name or url match RE\n"
	CPU_FORMAT_HELP CPU_COMMON_HELP;

static const char help_tree[] =
	"Usage: profkit cpu tree [OPTIONS] FILE\n"
	"Top-down call tree: total, self and name of every call path.\n"
	"  --max-depth N         stop N levels below the root (or --depth)\n"
	"  --min-percent P       hide nodes below P% of the total (default 0)\n"
	"  --focus RE            only the subtrees of functions matching RE\n"
	"  --filter RE           only paths leading to a matching function\n"
	"  --exclude RE          hide matching functions and their subtrees\n"
	"  -n, --top N           at most N children per node (0 = all)\n"
	CPU_FORMAT_HELP CPU_COMMON_HELP;

static const char help_lines[] =
	"Usage: profkit cpu lines [OPTIONS] FILE\n"
	"Hot source lines from positionTicks (or a trace's per-sample lines),\n"
	"summed per url:line and weighted like hits.\n"
	"  -n, --top N           show N lines (default 25, 0 = all)\n"
	"  --filter RE, --exclude RE  on the url and the function name\n"
	CPU_FORMAT_HELP CPU_COMMON_HELP;

static const char help_callers[] =
	"Usage: profkit cpu callers [OPTIONS] FILE RE\n"
	"Who calls the functions matching RE (name or url): their callers,\n"
	"merged by function, innermost first, with the time spent in the\n"
	"matching functions through each path.\n"
	"  --max-depth N         at most N caller levels (or --depth)\n"
	"  --min-percent P       hide paths below P% of the total\n"
	"  -n, --top N           at most N entries per level (0 = all)\n"
	CPU_FORMAT_HELP CPU_COMMON_HELP;

static const char help_callees[] =
	"Usage: profkit cpu callees [OPTIONS] FILE RE\n"
	"What the functions matching RE (name or url) call: the call trees\n"
	"below their outermost occurrences, merged by function.\n"
	"  --max-depth N         at most N levels (or --depth)\n"
	"  --min-percent P       hide entries below P% of the total\n"
	"  -n, --top N           at most N entries per level (0 = all)\n"
	CPU_FORMAT_HELP CPU_COMMON_HELP;

static const char help_folded[] =
	"Usage: profkit cpu folded [OPTIONS] FILE\n"
	"Folded stacks (one 'frame;frame;... weight' line per stack, weight\n"
	"in microseconds), input for flamegraph.pl, inferno and speedscope.\n"
	"Weights sum to the profile total. Frames are 'name url:line:col';\n"
	"(garbage collector) sits on top of the stack it interrupted.\n"
	"  --filter RE           keep stacks containing a matching frame\n"
	"  --exclude RE          drop stacks containing a matching frame\n"
	CPU_COMMON_HELP;

static const char help_cpu[] =
	"Usage: profkit cpu COMMAND [OPTIONS] FILE\n"
	"CPU profile (.cpuprofile or Chrome trace JSON) reports:\n"
	"  top       functions by self time\n"
	"  tree      top-down call tree\n"
	"  lines     hot source lines\n"
	"  callers   who calls the functions matching a pattern\n"
	"  callees   what the functions matching a pattern call\n"
	"  folded    folded stacks for flame graph tools\n"
	"Run 'profkit cpu COMMAND --help' for the options of each.\n";

/* A loaded and analysed profile. */
typedef struct job {
	const char *path;
	an_source *src;
	an_profile *prof;
	an_cpu *cpu;
} job;

static void job_free(job *j)
{
	an_cpu_free(j->cpu);
	an_profile_free(j->prof);
	an_source_free(j->src);
}

static int job_load(job *j, const char *path, const fe_opts *o)
{
	an_error err;
	an_profile_load_opts lo = AN_PROFILE_LOAD_OPTS_INIT;
	fe_progress bar;
	int rc;

	memset(j, 0, sizeof(*j));
	j->path = path;
	an_error_clear(&err);
	if (fe_progress_begin(&bar, path)) {
		lo.progress = fe_progress_cb;
		lo.payload = &bar;
	}
	rc = an_source_open_path(&j->src, path, &err) < 0 ||
	     (o->db && an_source_enable_sha256(j->src) < 0) ||
	     an_profile_load(&j->prof, j->src, &lo, &err) < 0;
	fe_progress_end(&bar);
	if (rc || an_cpu_analyze(&j->cpu, j->prof, &o->cpu, &err) < 0) {
		fe_report(path, &err);
		return FE_EXIT_ERROR;
	}
	return FE_EXIT_OK;
}

static const char *weights_name(an_weights w)
{
	return w == AN_WEIGHTS_HITS ? "hits" : "time";
}

static void write_meta_json(FILE *f, const job *j, const fe_opts *o)
{
	const an_profile *p = j->prof;

	fprintf(f,
		"{\"format\": \"%s\", \"gzip\": %s, \"nodes\": %u, "
		"\"functions\": %u, \"samples\": %u, \"start_time\": %lld, "
		"\"end_time\": %lld, \"weights\": \"%s\"",
		an_kind_name(an_profile_kind(p)),
		an_source_is_gzip(j->src) ? "true" : "false",
		an_profile_node_count(p), an_profile_function_count(p),
		an_profile_sample_count(p),
		(long long)an_profile_start_time(p),
		(long long)an_profile_end_time(p),
		weights_name(an_cpu_weights(j->cpu)));
	if (o->cpu.from_us != AN_CPU_UNBOUNDED)
		fprintf(f, ", \"from_us\": %lld", (long long)o->cpu.from_us);
	if (o->cpu.to_us != AN_CPU_UNBOUNDED)
		fprintf(f, ", \"to_us\": %lld", (long long)o->cpu.to_us);
	fputc('}', f);
}

static int store_db(const job *j, const fe_opts *o)
{
	an_store *st = NULL;
	an_error err;
	an_artifact_info info;
	char sha[65], *meta = NULL;
	size_t metalen = 0;
	int64_t id;
	FILE *mf;
	int rc = FE_EXIT_ERROR;

	an_error_clear(&err);
	mf = open_memstream(&meta, &metalen);
	if (!mf) {
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	write_meta_json(mf, j, o);
	fclose(mf);
	an_source_sha256(j->src, sha);
	info.path = j->path;
	info.sha256 = sha;
	info.kind = an_profile_kind(j->prof);
	info.bytes = an_source_raw_bytes(j->src);
	info.meta_json = meta;
	if (an_store_open(&st, o->db, &err) < 0 ||
	    an_store_artifact(&id, st, &info, &err) < 0 ||
	    an_store_cpu(st, id, j->cpu, &err) < 0 ||
	    an_store_commit(st, &err) < 0)
		fe_report(o->db, &err);
	else
		rc = FE_EXIT_OK;
	an_store_close(st);
	free(meta);
	return rc;
}

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

static void frame_location(FILE *f, const an_function *fn)
{
	if (!fn->url.len)
		return;
	fputs("  ", f);
	fe_text(f, fn->url.ptr, fn->url.len);
	if (fn->line >= 0)
		fprintf(f, ":%ld:%ld", (long)fn->line + 1,
			(long)fn->column + 1);
}

static void frame_name(FILE *f, const an_function *fn)
{
	if (fn->name.len)
		fe_text_max(f, fn->name.ptr, fn->name.len, 120);
	else
		fputs("(anonymous)", f);
}

static void summary_line(FILE *f, const job *j, const fe_opts *o)
{
	char ms[32];

	if (o->quiet)
		return;
	fe_ms(ms, sizeof(ms), an_cpu_total_us(j->cpu));
	fprintf(f, "# ");
	fe_text(f, j->path, strlen(j->path));
	fprintf(f, ": %s, %u samples, %u nodes, total %s ms (weights: %s)\n",
		an_kind_name(an_profile_kind(j->prof)),
		an_cpu_sample_count(j->cpu), an_profile_node_count(j->prof), ms,
		weights_name(an_cpu_weights(j->cpu)));
}

static int64_t ui(double us)
{
	return (int64_t)llround(us);
}

static void json_frame(FILE *f, const an_function *fn)
{
	fputs("\"name\": ", f);
	fe_json_str(f, fn->name.ptr, fn->name.len);
	fputs(", \"url\": ", f);
	fe_json_str(f, fn->url.ptr, fn->url.len);
	fprintf(f, ", \"line\": %ld, \"column\": %ld",
		fn->line >= 0 ? (long)fn->line + 1 : 0L,
		fn->column >= 0 ? (long)fn->column + 1 : 0L);
}

static void csv_frame(FILE *f, const an_function *fn)
{
	fe_csv_str(f, fn->name.ptr, fn->name.len);
	fputc(',', f);
	fe_csv_str(f, fn->url.ptr, fn->url.len);
	fprintf(f, ",%ld,%ld", fn->line >= 0 ? (long)fn->line + 1 : 0L,
		fn->column >= 0 ? (long)fn->column + 1 : 0L);
}

static int fn_passes(const an_profile *p, uint32_t fi, const an_filter *flt)
{
	const an_function *fn = an_profile_function(p, fi);
	an_str fields[2];

	fields[0] = fn->name;
	fields[1] = fn->url;
	return an_filter_test(flt, fields, 2);
}

/* ---- top ---- */

static int print_top(FILE *f, const job *j, const fe_opts *o)
{
	const an_profile *p = j->prof;
	const uint32_t *order;
	uint32_t n = an_cpu_functions(j->cpu, &order), i, shown = 0;
	double total = an_cpu_total_us(j->cpu);
	long limit = o->top_set ? o->top : 25;

	if (o->format == FE_JSON) {
		fprintf(f,
			"{\"file\": ");
		fe_json_str(f, j->path, strlen(j->path));
		fprintf(f, ", \"weights\": \"%s\", \"total_us\": %lld, "
			   "\"sample_count\": %u, \"functions\": [",
			weights_name(an_cpu_weights(j->cpu)),
			(long long)ui(total), an_cpu_sample_count(j->cpu));
	} else if (o->format == FE_CSV) {
		fputs("name,url,line,column,self_us,total_us,self_percent,"
		      "total_percent\n", f);
	} else {
		summary_line(f, j, o);
		fprintf(f, "%10s %6s %10s %6s  %s\n", "self ms", "self%",
			"total ms", "total%", "function");
	}
	for (i = 0; i < n && (limit == 0 || shown < (uint32_t)limit); i++) {
		uint32_t fi = order[i];
		const an_function *fn = an_profile_function(p, fi);
		double s = an_cpu_function_self_us(j->cpu, fi);
		double t = an_cpu_function_total_us(j->cpu, fi);
		char a[32], b[32];
		if (!fn_passes(p, fi, o->filter))
			continue;
		if (o->format == FE_JSON) {
			fputs(shown ? ",\n  {" : "\n  {", f);
			json_frame(f, fn);
			fprintf(f, ", \"self_us\": %lld, \"total_us\": %lld, "
				   "\"self_percent\": %.2f, "
				   "\"total_percent\": %.2f}",
				(long long)ui(s), (long long)ui(t),
				pct(s, total), pct(t, total));
		} else if (o->format == FE_CSV) {
			csv_frame(f, fn);
			fprintf(f, ",%lld,%lld,%.2f,%.2f\n", (long long)ui(s),
				(long long)ui(t), pct(s, total),
				pct(t, total));
		} else {
			fe_ms(a, sizeof(a), s);
			fe_ms(b, sizeof(b), t);
			fprintf(f, "%10s %5.1f%% %10s %5.1f%%  ", a,
				pct(s, total), b, pct(t, total));
			frame_name(f, fn);
			frame_location(f, fn);
			fputc('\n', f);
		}
		shown++;
	}
	if (o->format == FE_JSON)
		fputs(shown ? "\n]}\n" : "]}\n", f);
	return FE_EXIT_OK;
}

/* ---- trees ---- */

typedef struct tree_view {
	/* generic view over the profile tree or a merged an_cpu_tree */
	const job *j;
	const an_cpu_tree *t;     /* NULL: the profile's call tree */
	uint8_t *keep;            /* profile tree: node shown */
} tree_view;

static uint32_t tv_function(const tree_view *v, uint32_t n)
{
	return v->t ? an_cpu_tree_get(v->t, n)->function :
		      an_profile_node_function(v->j->prof, n);
}

static double tv_self(const tree_view *v, uint32_t n)
{
	return v->t ? an_cpu_tree_get(v->t, n)->self_us :
		      an_cpu_node_self_us(v->j->cpu, n);
}

static double tv_total(const tree_view *v, uint32_t n)
{
	return v->t ? an_cpu_tree_get(v->t, n)->total_us :
		      an_cpu_node_total_us(v->j->cpu, n);
}

/* Children of n, ordered by total desc (profile tree sorted here). */
static uint32_t tv_children(const tree_view *v, uint32_t n, uint32_t *out)
{
	uint32_t k = 0, i, cnt;
	const uint32_t *kids;

	if (v->t) {
		uint32_t c;
		for (c = an_cpu_tree_get(v->t, n)->first_child; c != AN_NONE;
		     c = an_cpu_tree_get(v->t, c)->next_sibling)
			out[k++] = c;
		return k;
	}
	cnt = an_profile_node_children(v->j->prof, n, &kids);
	for (i = 0; i < cnt; i++)
		if (!v->keep || v->keep[kids[i]])
			out[k++] = kids[i];
	/* insertion sort by total desc, stable; child lists are short */
	for (i = 1; i < k; i++) {
		uint32_t x = out[i], m = i;
		double tx = tv_total(v, x);
		while (m > 0 && tv_total(v, out[m - 1]) < tx) {
			out[m] = out[m - 1];
			m--;
		}
		out[m] = x;
	}
	return k;
}

typedef struct frame_it {
	uint32_t node;
	uint32_t depth;
	uint32_t parent_seq; /* output sequence number of the parent */
} frame_it;

/*
 * Prints the tree below `root` depth-first without recursion. The root
 * itself is printed with the label `root_label` (NULL: its function).
 */
static int print_tree(FILE *f, const tree_view *v, uint32_t root,
		      const char *root_label, uint32_t count, const fe_opts *o,
		      double total, int *first)
{
	frame_it *stack = calloc((size_t)count + 1, sizeof(*stack));
	uint32_t *kids = calloc((size_t)count + 1, sizeof(*kids));
	uint32_t sp = 0, seq = 0;
	const an_profile *p = v->j->prof;

	if (!stack || !kids) {
		free(stack);
		free(kids);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	stack[sp].node = root;
	stack[sp].depth = 0;
	stack[sp].parent_seq = 0;
	sp++;
	while (sp) {
		frame_it it = stack[--sp];
		uint32_t fi = tv_function(v, it.node), nk, i, limit;
		double s = tv_self(v, it.node), t = tv_total(v, it.node);
		const an_function *fn = fi != AN_NONE ?
						an_profile_function(p, fi) :
						NULL;
		char a[32], b[32];

		if (it.depth > 0 && pct(t, total) < o->min_percent)
			continue;
		seq++;
		if (o->format == FE_JSON) {
			fputs(*first ? "\n  {" : ",\n  {", f);
			*first = 0;
			fprintf(f, "\"seq\": %u, \"parent\": %u, \"depth\": %u, ",
				seq, it.parent_seq, it.depth);
			if (fn) {
				json_frame(f, fn);
			} else {
				fputs("\"name\": ", f);
				fe_json_str(f, root_label, strlen(root_label));
				fputs(", \"url\": \"\", \"line\": 0, "
				      "\"column\": 0", f);
			}
			fprintf(f, ", \"self_us\": %lld, \"total_us\": %lld, "
				   "\"self_percent\": %.2f, "
				   "\"total_percent\": %.2f}",
				(long long)ui(s), (long long)ui(t),
				pct(s, total), pct(t, total));
		} else if (o->format == FE_CSV) {
			fprintf(f, "%u,%u,%u,", seq, it.parent_seq, it.depth);
			if (fn)
				csv_frame(f, fn);
			else {
				fe_csv_str(f, root_label, strlen(root_label));
				fputs(",,0,0", f);
			}
			fprintf(f, ",%lld,%lld,%.2f,%.2f\n", (long long)ui(s),
				(long long)ui(t), pct(s, total),
				pct(t, total));
		} else {
			fe_ms(a, sizeof(a), t);
			fe_ms(b, sizeof(b), s);
			fprintf(f, "%10s %5.1f%% %10s  %*s", a, pct(t, total),
				b, (int)(2 * (it.depth < 60 ? it.depth : 60)),
				"");
			if (it.depth >= 60)
				fprintf(f, "[%u] ", it.depth);
			if (fn && !(it.depth == 0 && root_label)) {
				frame_name(f, fn);
				frame_location(f, fn);
			} else {
				fe_text(f, root_label, strlen(root_label));
			}
			fputc('\n', f);
		}
		if (o->max_depth >= 0 && it.depth >= (uint32_t)o->max_depth)
			continue;
		nk = tv_children(v, it.node, kids);
		limit = o->top_set && o->top > 0 && (uint32_t)o->top < nk ?
				(uint32_t)o->top :
				nk;
		/* push in reverse so the largest child prints first */
		for (i = limit; i-- > 0;) {
			stack[sp].node = kids[i];
			stack[sp].depth = it.depth + 1;
			stack[sp].parent_seq = seq;
			sp++;
		}
	}
	free(stack);
	free(kids);
	return FE_EXIT_OK;
}

static void tree_header(FILE *f, const job *j, const fe_opts *o)
{
	if (o->format == FE_JSON) {
		fputs("{\"file\": ", f);
		fe_json_str(f, j->path, strlen(j->path));
		fprintf(f, ", \"weights\": \"%s\", \"total_us\": %lld, "
			   "\"sample_count\": %u, \"nodes\": [",
			weights_name(an_cpu_weights(j->cpu)),
			(long long)ui(an_cpu_total_us(j->cpu)),
			an_cpu_sample_count(j->cpu));
	} else if (o->format == FE_CSV) {
		fputs("seq,parent,depth,name,url,line,column,self_us,"
		      "total_us,self_percent,total_percent\n", f);
	} else {
		summary_line(f, j, o);
		fprintf(f, "%10s %6s %10s  %s\n", "total ms", "total%",
			"self ms", "function");
	}
}

static void tree_footer(FILE *f, const fe_opts *o, int first)
{
	if (o->format == FE_JSON)
		fputs(first ? "]}\n" : "\n]}\n", f);
}

/* Nodes to show for --filter/--exclude: excluded subtrees hidden; with
 * includes, only nodes on a path to an included node (and below it). */
static uint8_t *tree_keep(const job *j, const an_filter *flt)
{
	const an_profile *p = j->prof;
	uint32_t n = an_profile_node_count(p), i;
	uint8_t *keep = calloc(n, 1), *hit = calloc(n, 1);
	int inc = an_filter_has_includes(flt);

	if (!keep || !hit) {
		free(keep);
		free(hit);
		return NULL;
	}
	/* nodes come in no particular order; walk parents */
	for (i = 0; i < n; i++) {
		const an_function *fn =
			an_profile_function(p, an_profile_node_function(p, i));
		an_str fields[2];
		fields[0] = fn->name;
		fields[1] = fn->url;
		if (i == 0)
			continue;
		if (an_filter_excludes(flt, fields, 2))
			hit[i] = 2;
		else if (inc && an_filter_matches(flt, fields, 2))
			hit[i] = 1;
	}
	for (i = 0; i < n; i++) {
		uint32_t u;
		int excluded = 0, below_inc = 0;
		for (u = i; u != AN_NONE; u = an_profile_node_parent(p, u)) {
			if (hit[u] == 2)
				excluded = 1;
			if (hit[u] == 1)
				below_inc = 1;
		}
		if (excluded)
			continue;
		if (!inc || below_inc) {
			keep[i] = 1;
		}
	}
	/* ancestors of an included node stay, unless excluded */
	if (inc)
		for (i = 0; i < n; i++)
			if (keep[i] && hit[i] == 1)
				for (uint32_t u = an_profile_node_parent(p, i);
				     u != AN_NONE;
				     u = an_profile_node_parent(p, u))
					keep[u] = 1;
	keep[0] = 1;
	free(hit);
	return keep;
}

static int do_tree(FILE *f, const job *j, const fe_opts *o)
{
	tree_view v;
	int first = 1, rc = FE_EXIT_OK;
	const an_profile *p = j->prof;
	uint32_t n = an_profile_node_count(p);
	double total = an_cpu_total_us(j->cpu);

	memset(&v, 0, sizeof(v));
	v.j = j;
	if (!an_filter_is_empty(o->filter)) {
		v.keep = tree_keep(j, o->filter);
		if (!v.keep) {
			fe_errorf("out of memory");
			return FE_EXIT_ERROR;
		}
	}
	tree_header(f, j, o);
	if (o->focus) {
		uint8_t *mask = calloc(an_profile_function_count(p), 1);
		an_cpu_tree *t = NULL;
		an_error err;
		an_error_clear(&err);
		if (!mask) {
			free(v.keep);
			fe_errorf("out of memory");
			return FE_EXIT_ERROR;
		}
		if (an_cpu_select(j->cpu, o->focus, mask) == 0) {
			fe_errorf("%s: no function matches --focus", j->path);
			rc = FE_EXIT_ERROR;
		} else if (an_cpu_callees(&t, j->cpu, mask, &err) < 0) {
			fe_report(j->path, &err);
			rc = FE_EXIT_ERROR;
		} else {
			v.t = t;
			rc = print_tree(f, &v, 0, "(focus)",
					an_cpu_tree_count(t), o, total, &first);
		}
		an_cpu_tree_free(t);
		free(mask);
	} else {
		rc = print_tree(f, &v, 0, NULL, n, o, total, &first);
	}
	tree_footer(f, o, first);
	free(v.keep);
	return rc;
}

static int do_sandwich(FILE *f, const job *j, const fe_opts *o,
		       const char *re, int callers)
{
	const an_profile *p = j->prof;
	an_filter *sel = NULL;
	uint8_t *mask = NULL;
	an_cpu_tree *t = NULL;
	an_error err;
	tree_view v;
	int first = 1, rc = FE_EXIT_ERROR;
	char label[200];

	an_error_clear(&err);
	if (an_filter_new(&sel, &err) < 0 ||
	    an_filter_add(sel, AN_FILTER_INCLUDE, re, &err) < 0) {
		fe_report(NULL, &err);
		an_filter_free(sel);
		return FE_EXIT_USAGE;
	}
	mask = calloc(an_profile_function_count(p) + 1, 1);
	if (!mask) {
		fe_errorf("out of memory");
		goto done;
	}
	if (an_cpu_select(j->cpu, sel, mask) == 0) {
		fe_errorf("%s: no function matches '%s'", j->path, re);
		goto done;
	}
	if ((callers ? an_cpu_callers(&t, j->cpu, mask, &err) :
		       an_cpu_callees(&t, j->cpu, mask, &err)) < 0) {
		fe_report(j->path, &err);
		goto done;
	}
	memset(&v, 0, sizeof(v));
	v.j = j;
	v.t = t;
	snprintf(label, sizeof(label), "%s of /%s/",
		 callers ? "callers" : "callees", re);
	tree_header(f, j, o);
	rc = print_tree(f, &v, 0, label, an_cpu_tree_count(t), o,
			an_cpu_total_us(j->cpu), &first);
	tree_footer(f, o, first);
done:
	an_cpu_tree_free(t);
	free(mask);
	an_filter_free(sel);
	return rc;
}

/* ---- lines ---- */

static int do_lines(FILE *f, const job *j, const fe_opts *o)
{
	an_cpu_lines *l = NULL;
	an_error err;
	uint32_t n, i, shown = 0;
	long limit = o->top_set ? o->top : 25;
	double total = an_cpu_total_us(j->cpu);
	const an_profile *p = j->prof;

	an_error_clear(&err);
	if (an_cpu_hot_lines(&l, j->cpu, &err) < 0) {
		fe_report(j->path, &err);
		return FE_EXIT_ERROR;
	}
	n = an_cpu_lines_count(l);
	if (o->format == FE_JSON) {
		fputs("{\"file\": ", f);
		fe_json_str(f, j->path, strlen(j->path));
		fprintf(f, ", \"weights\": \"%s\", \"total_us\": %lld, "
			   "\"sample_count\": %u, \"lines\": [",
			weights_name(an_cpu_weights(j->cpu)),
			(long long)ui(total), an_cpu_sample_count(j->cpu));
	} else if (o->format == FE_CSV) {
		fputs("url,line,ticks,self_us,self_percent,function\n", f);
	} else {
		summary_line(f, j, o);
		fprintf(f, "%8s %10s %6s  %s\n", "ticks", "self ms", "self%",
			"line (function)");
	}
	for (i = 0; i < n && (limit == 0 || shown < (uint32_t)limit); i++) {
		const an_cpu_line *e = an_cpu_lines_get(l, i);
		const an_function *fn = an_profile_function(p, e->function);
		an_str fields[2];
		char a[32];
		fields[0] = e->url;
		fields[1] = fn->name;
		if (!an_filter_test(o->filter, fields, 2))
			continue;
		if (o->format == FE_JSON) {
			fputs(shown ? ",\n  {\"url\": " : "\n  {\"url\": ", f);
			fe_json_str(f, e->url.ptr, e->url.len);
			fprintf(f, ", \"line\": %u, \"ticks\": %llu, "
				   "\"self_us\": %lld, \"self_percent\": %.2f, "
				   "\"function\": ",
				e->line, (unsigned long long)e->ticks,
				(long long)ui(e->self_us),
				pct(e->self_us, total));
			fe_json_str(f, fn->name.ptr, fn->name.len);
			fputc('}', f);
		} else if (o->format == FE_CSV) {
			fe_csv_str(f, e->url.ptr, e->url.len);
			fprintf(f, ",%u,%llu,%lld,%.2f,", e->line,
				(unsigned long long)e->ticks,
				(long long)ui(e->self_us),
				pct(e->self_us, total));
			fe_csv_str(f, fn->name.ptr, fn->name.len);
			fputc('\n', f);
		} else {
			fe_ms(a, sizeof(a), e->self_us);
			fprintf(f, "%8llu %10s %5.1f%%  ",
				(unsigned long long)e->ticks, a,
				pct(e->self_us, total));
			fe_text(f, e->url.ptr, e->url.len);
			fprintf(f, ":%u (", e->line);
			frame_name(f, fn);
			fputs(")\n", f);
		}
		shown++;
	}
	if (o->format == FE_JSON)
		fputs(shown ? "\n]}\n" : "]}\n", f);
	an_cpu_lines_free(l);
	return FE_EXIT_OK;
}

/* ---- folded ---- */

static int fold_line(const char *stack, size_t len, uint64_t w, void *pl)
{
	FILE *f = pl;

	if (w == 0)
		return 0;
	fwrite(stack, 1, len, f);
	fprintf(f, " %llu\n", (unsigned long long)w);
	return ferror(f) ? 1 : 0;
}

static int do_folded(FILE *f, const job *j, const fe_opts *o)
{
	an_error err;

	an_error_clear(&err);
	if (an_cpu_folded(j->cpu, o->filter, fold_line, f, &err) < 0) {
		if (err.code != AN_ECANCELED)
			fe_report(j->path, &err);
		return FE_EXIT_ERROR;
	}
	return FE_EXIT_OK;
}

/* ---- dispatch ---- */

typedef struct subcmd {
	const char *name;
	const char *help;
	unsigned opts;
	int with_re;
} subcmd;

/* options every report takes */
#define REPORT (FE_OPT_FORMAT | FE_OPT_QUIET | FE_OPT_OUT | FE_OPT_DB |       \
		FE_OPT_TOP | FE_OPT_WEIGHTS | FE_OPT_WINDOW)

static const subcmd subcmds[] = {
	{"top", help_top, REPORT | FE_OPT_FILTER, 0},
	{"tree", help_tree, REPORT | FE_OPT_FILTER | FE_OPT_TREE, 0},
	{"lines", help_lines, REPORT | FE_OPT_FILTER, 0},
	{"callers", help_callers, REPORT | FE_OPT_TREE, 1},
	{"callees", help_callees, REPORT | FE_OPT_TREE, 1},
	{"folded", help_folded, FE_OPT_OUT | FE_OPT_DB | FE_OPT_FILTER |
		FE_OPT_WEIGHTS | FE_OPT_WINDOW, 0},
};

int cmd_cpu(int argc, char **argv)
{
	const subcmd *sc = NULL;
	char cmdname[32];
	fe_opts o;
	fe_out out;
	job j;
	size_t i;
	int rc, done, ok;

	if (argc < 2) {
		fputs("profkit: cpu: no command given\n", stderr);
		fputs(help_cpu, stderr);
		return FE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help_cpu, stdout);
		return FE_EXIT_OK;
	}
	for (i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			sc = &subcmds[i];
	if (!sc)
		return fe_usage_error("cpu ", "cpu: unknown command '%s'",
				      argv[1]);
	snprintf(cmdname, sizeof(cmdname), "cpu %s", sc->name);
	rc = fe_parse(&o, argc - 1, argv + 1, sc->opts, cmdname, sc->help,
		      &done);
	if (rc || done) {
		fe_opts_free(&o);
		return rc;
	}
	if (o.nargs != 1 + sc->with_re) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "%s needs %s", cmdname,
				      sc->with_re ? "FILE and RE" :
						    "exactly one FILE");
	}
	if (sc->with_re) {
		an_filter *probe = NULL;
		an_error err;
		an_error_clear(&err);
		if (an_filter_new(&probe, &err) == AN_OK &&
		    an_filter_add(probe, AN_FILTER_INCLUDE, o.args[1], &err) <
			    0) {
			an_filter_free(probe);
			fe_opts_free(&o);
			return fe_usage_error(cmdname, "%s", err.message);
		}
		an_filter_free(probe);
	}
	if (o.focus && o.filter) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "--focus cannot be combined "
				      "with --filter or --exclude");
	}
	rc = job_load(&j, o.args[0], &o);
	if (rc) {
		job_free(&j);
		fe_opts_free(&o);
		return rc;
	}
	rc = fe_out_open(&out, o.out);
	if (rc == FE_EXIT_OK) {
		if (!strcmp(sc->name, "top"))
			rc = print_top(out.f, &j, &o);
		else if (!strcmp(sc->name, "tree"))
			rc = do_tree(out.f, &j, &o);
		else if (!strcmp(sc->name, "lines"))
			rc = do_lines(out.f, &j, &o);
		else if (!strcmp(sc->name, "folded"))
			rc = do_folded(out.f, &j, &o);
		else
			rc = do_sandwich(out.f, &j, &o, o.args[1],
					 !strcmp(sc->name, "callers"));
		if (rc == FE_EXIT_OK && o.db)
			rc = store_db(&j, &o);
		ok = rc == FE_EXIT_OK;
		rc = fe_out_close(&out, ok);
		if (!ok && rc == FE_EXIT_OK)
			rc = FE_EXIT_ERROR;
		if (!ok)
			rc = rc == FE_EXIT_USAGE ? rc : FE_EXIT_ERROR;
	}
	job_free(&j);
	fe_opts_free(&o);
	return rc;
}

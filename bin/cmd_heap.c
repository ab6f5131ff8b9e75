/*
 * cmd_heap.c - `profkit heap summary|top|show|dominators|retainers`:
 * parse options, load the snapshot through libanalyze, print text, JSON
 * or CSV. The numbers are DevTools' (see docs/semantics.md). `heap
 * summary --db` also stores the analysis (docs/database.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fe/fe.h"

#define HEAP_COMMON_HELP                                                      \
	"  --format text|json|csv  output format (default text)\n"            \
	"  -o, --output FILE     write to FILE (replaced atomically)\n"        \
	"  -q, --quiet           no '# file: ...' summary line (text)\n"      \
	"  --progress            progress bar on stderr even when not a\n"     \
	"                        terminal (-q: never)\n"                       \
	"  -h, --help            this help\n"                                  \
	"FILE may be gzipped; '-' reads standard input.\n"

static const char help_summary[] =
	"Usage: profkit heap summary [OPTIONS] FILE\n"
	"DevTools' Summary view: per class the object count, shallow size,\n"
	"retained size (of the topmost members only) and minimum distance,\n"
	"sorted by retained size; preceded by the Statistics breakdown and the\n"
	"bytes held outside the V8 heap by ArrayBuffer backing stores.\n"
	"  -n, --top N           show N classes (default 25, 0 = all)\n"
	"  --filter RE           only classes whose name matches RE\n"
	"  --exclude RE          hide classes whose name matches RE\n"
	"  --db FILE             also store the analysis in SQLite FILE:\n"
	"                        every class and the 1000 objects with the\n"
	"                        largest retained sizes (-n, --filter and\n"
	"                        --exclude only change what is printed)\n"
	"  --all-objects         with --db: store every object (a bigger,\n"
	"                        slower database; see docs/PERFORMANCE.md)\n"
	HEAP_COMMON_HELP;

static const char help_top[] =
	"Usage: profkit heap top [OPTIONS] FILE\n"
	"Objects by retained size: @id, class, name, shallow and retained\n"
	"size, distance.\n"
	"  -n, --top N           show N objects (default 25, 0 = all)\n"
	"  --filter RE, --exclude RE  on the class name\n"
	HEAP_COMMON_HELP;

static const char help_show[] =
	"Usage: profkit heap show [OPTIONS] FILE @ID\n"
	"One object in full (DevTools' Containment view): class, name, sizes,\n"
	"distance, dominator, its outgoing edges sorted by the target's\n"
	"retained size, and its incoming edges in Retainers order.\n"
	"  -n, --top N           at most N edges each way (default 25, 0 = all)\n"
	"  --format text|json     output format (default text; no CSV)\n"
	"  -o, --output FILE     write to FILE (replaced atomically)\n"
	"  -q, --quiet           no '# file: ...' summary line (text)\n"
	"  --progress            progress bar on stderr even when not a\n"
	"                        terminal (-q: never)\n"
	"  -h, --help            this help\n"
	"FILE may be gzipped; '-' reads standard input.\n";

static const char help_dominators[] =
	"Usage: profkit heap dominators [OPTIONS] FILE [@ID]\n"
	"The dominator subtree of @ID (default: the root) as an indented tree,\n"
	"children by retained size.\n"
	"  --depth N             levels below @ID (default 4; alias\n"
	"                        --max-depth)\n"
	"  --min-size BYTES      hide subtrees retaining less than BYTES\n"
	"  --min-percent P       hide subtrees below P% of the total\n"
	"  -n, --top N           at most N children per node (default 10)\n"
	HEAP_COMMON_HELP;

static const char help_retainers[] =
	"Usage: profkit heap retainers [OPTIONS] FILE @ID\n"
	"The retainer chain from @ID up to a GC root in DevTools' order: each\n"
	"step follows the first retainer (lowest distance, then largest\n"
	"retained size) until distance 1 or a node already in the chain.\n"
	"  --paths K             the K first distinct chains (default 1): the\n"
	"                        Kth starts at @ID's Kth retainer\n"
	"  --depth N             at most N steps (default 20, as DevTools'\n"
	"                        view expands; 0 = up to the root)\n"
	HEAP_COMMON_HELP;

static const char help_heap[] =
	"Usage: profkit heap COMMAND [OPTIONS] FILE\n"
	"Heap snapshot (.heapsnapshot) reports, with DevTools' numbers:\n"
	"  summary      per class: count, shallow, retained, distance\n"
	"  top          objects by retained size\n"
	"  show         one object, its edges and retainers\n"
	"  dominators   the dominator tree below an object\n"
	"  retainers    the retainer chain from an object to a GC root\n"
	"Run 'profkit heap COMMAND --help' for the options of each.\n";

typedef struct hjob {
	const char *path;
	an_source *src;
	an_heap *heap;
} hjob;

static int hjob_load(hjob *j, const char *path, int want_sha)
{
	an_error err;
	an_heap_load_opts lo = AN_HEAP_LOAD_OPTS_INIT;
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
	     (want_sha && an_source_enable_sha256(j->src) < 0) ||
	     an_heap_load(&j->heap, j->src, &lo, &err) < 0;
	fe_progress_end(&bar);
	if (rc) {
		fe_report(path, &err);
		return FE_EXIT_ERROR;
	}
	return FE_EXIT_OK;
}

static void hjob_free(hjob *j)
{
	an_heap_free(j->heap);
	an_source_free(j->src);
}

/* "12.3 MB"-style size for text output */
static void human(char *buf, size_t cap, uint64_t bytes)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, cap, "%.*f %s", v < 10 ? 2 : v < 100 ? 1 : 0, v,
			 units[u]);
}

static double hpct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* distance as DevTools shows it: "-" for unreachable / system-only */
static int dist_known(int32_t d)
{
	return d >= 0 && d < AN_HEAP_SYSTEM_DISTANCE;
}

static void print_dist_text(FILE *f, int32_t d)
{
	if (dist_known(d))
		fprintf(f, "%5d", d);
	else
		fputs("    -", f);
}

static void print_dist_json(FILE *f, int32_t d)
{
	if (dist_known(d))
		fprintf(f, "%d", d);
	else
		fputs("null", f);
}

static int class_passes(const an_heap_class *c, const an_filter *flt)
{
	return an_filter_test(flt, &c->name, 1);
}

static void heap_header(FILE *f, const hjob *j, const fe_opts *o)
{
	char t[32];

	if (o->quiet)
		return;
	human(t, sizeof(t), an_heap_total_size(j->heap));
	fputs("# ", f);
	fe_text(f, j->path, strlen(j->path));
	fprintf(f, ": heap snapshot, %u nodes, %u edges, total %s\n",
		an_heap_node_count(j->heap), an_heap_edge_count(j->heap), t);
}

/* DevTools' Statistics view, same rows and labels */
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

static void stats_text(FILE *f, const an_heap *h)
{
	an_heap_stats s;
	char a[32];
	const char *labels[8] = {"code", "strings", "JS arrays",
				 "typed arrays", "system objects",
				 "other JS objects", "other non-JS objects",
				 "total"};
	uint64_t v[8];
	int i;

	statistics(&s, h);
	v[0] = s.code;
	v[1] = s.strings;
	v[2] = s.js_arrays;
	v[3] = s.typed_arrays;
	v[4] = s.system;
	v[5] = s.other;
	v[6] = s.other_native;
	v[7] = s.total;
	fputs("Statistics:\n", f);
	for (i = 0; i < 8; i++) {
		human(a, sizeof(a), v[i]);
		fprintf(f, "  %-21s %12" PRIu64 "  %9s  %5.1f%%\n", labels[i],
			v[i], a, hpct(v[i], s.total));
	}
	human(a, sizeof(a), s.typed_arrays);
	fprintf(f, "ArrayBuffer backing stores (system / JSArrayBufferData, "
		   "outside the V8 heap): %s\n\n", a);
}

static void stats_json(FILE *f, const an_heap *h)
{
	an_heap_stats s;

	statistics(&s, h);
	fprintf(f, "\"statistics\": {\"total\": %" PRIu64 ", \"v8_heap\": %"
		   PRIu64 ", \"code\": %" PRIu64 ", \"strings\": %" PRIu64
		   ", \"js_arrays\": %" PRIu64 ", \"typed_arrays\": %" PRIu64
		   ", \"system\": %" PRIu64 ", \"native\": %" PRIu64
		   ", \"other\": %" PRIu64 ", \"other_native\": %" PRIu64
		   "}, \"array_buffer_bytes\": %" PRIu64,
		s.total, s.v8_heap, s.code, s.strings, s.js_arrays,
		s.typed_arrays, s.system, s.native,
		s.other, s.other_native, s.typed_arrays);
}

/* heap_object rows without --all-objects (besides the root) */
#define DB_TOP_OBJECTS 1000

static int store_db(const hjob *j, const fe_opts *o)
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
	fprintf(mf, "{\"format\": \"heapsnapshot\", \"gzip\": %s, "
		    "\"node_count\": %u, \"edge_count\": %u, \"total_size\": %"
		    PRIu64 ", \"extra_native_bytes\": %" PRIu64 ", ",
		an_source_is_gzip(j->src) ? "true" : "false",
		an_heap_node_count(j->heap), an_heap_edge_count(j->heap),
		an_heap_total_size(j->heap),
		an_heap_extra_native_bytes(j->heap));
	stats_json(mf, j->heap);
	if (o->all_objects)
		fputs(", \"all_objects\": true}", mf);
	else
		fprintf(mf, ", \"all_objects\": false, \"top_objects\": %u}",
			DB_TOP_OBJECTS);
	if (fclose(mf) != 0 || !meta) {
		free(meta);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	an_source_sha256(j->src, sha);
	memset(&info, 0, sizeof(info));
	info.path = j->path;
	info.sha256 = sha;
	info.kind = AN_KIND_HEAPSNAPSHOT;
	info.bytes = an_source_raw_bytes(j->src);
	info.meta_json = meta;
	if (an_store_open(&st, o->db, &err) < 0 ||
	    an_store_artifact(&id, st, &info, &err) < 0 ||
	    an_store_heap(st, id, j->heap,
			  o->all_objects ? AN_STORE_ALL_OBJECTS :
					   DB_TOP_OBJECTS,
			  &err) < 0 ||
	    an_store_commit(st, &err) < 0)
		fe_report(o->db, &err);
	else
		rc = FE_EXIT_OK;
	an_store_close(st);
	free(meta);
	return rc;
}

static int do_summary(FILE *f, const hjob *j, const fe_opts *o)
{
	const an_heap *h = j->heap;
	const uint32_t *order;
	uint32_t n = an_heap_classes(h, &order), i, shown = 0;
	uint64_t total = an_heap_total_size(h);
	long limit = o->top_set ? o->top : 25;

	if (o->format == FE_JSON) {
		fprintf(f, "{\"file\": ");
		fe_json_str(f, j->path, strlen(j->path));
		fprintf(f, ", \"node_count\": %u, \"edge_count\": %u, "
			   "\"total_size\": %" PRIu64 ", ",
			an_heap_node_count(h), an_heap_edge_count(h), total);
		stats_json(f, h);
		fputs(", \"classes\": [", f);
	} else if (o->format == FE_CSV) {
		fputs("name,script_id,line,column,count,self_size,"
		      "retained_size,distance\n", f);
	} else {
		heap_header(f, j, o);
		stats_text(f, h);
		fprintf(f, "%9s %12s %6s %12s %6s %5s  %s\n", "count",
			"shallow", "%", "retained", "%", "dist", "class");
	}
	for (i = 0; i < n && (limit == 0 || shown < (uint32_t)limit); i++) {
		const an_heap_class *c = an_heap_class_get(h, order[i]);
		if (!class_passes(c, o->filter))
			continue;
		if (o->format == FE_JSON) {
			fputs(shown ? ",\n  {\"name\": " : "\n  {\"name\": ", f);
			fe_json_str(f, c->name.ptr, c->name.len);
			if (c->has_location)
				fprintf(f, ", \"location\": {\"script_id\": %u,"
					   " \"line\": %u, \"column\": %u}",
					c->script_id, c->line + 1,
					c->column + 1);
			else
				fputs(", \"location\": null", f);
			fprintf(f, ", \"count\": %" PRIu64 ", \"self_size\": %"
				   PRIu64 ", \"retained_size\": %" PRIu64
				   ", \"distance\": ",
				c->count, c->self_size, c->retained_size);
			print_dist_json(f, c->distance);
			fputc('}', f);
		} else if (o->format == FE_CSV) {
			fe_csv_str(f, c->name.ptr, c->name.len);
			if (c->has_location)
				fprintf(f, ",%u,%u,%u", c->script_id,
					c->line + 1, c->column + 1);
			else
				fputs(",,,", f);
			fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
				c->count, c->self_size, c->retained_size);
			if (dist_known(c->distance))
				fprintf(f, "%d", c->distance);
			fputc('\n', f);
		} else {
			fprintf(f, "%9" PRIu64 " %12" PRIu64 " %5.1f%% %12"
				   PRIu64 " %5.1f%% ",
				c->count, c->self_size,
				hpct(c->self_size, total), c->retained_size,
				hpct(c->retained_size, total));
			print_dist_text(f, c->distance);
			fputs("  ", f);
			fe_text_max(f, c->name.ptr, c->name.len, 100);
			if (c->has_location)
				fprintf(f, "  (script %u:%u:%u)", c->script_id,
					c->line + 1, c->column + 1);
			fputc('\n', f);
		}
		shown++;
	}
	if (o->format == FE_JSON)
		fputs(shown ? "\n]}\n" : "]}\n", f);
	return FE_EXIT_OK;
}

/* ---- objects ---- */

/* The display name; out of memory ends the run rather than print a
 * wrong name. */
static size_t node_name(char *buf, size_t cap, const an_heap *h, uint32_t n)
{
	an_error err;
	size_t len;

	if (an_heap_node_name(buf, cap, &len, h, n, &err) < 0) {
		fe_errorf("%s", err.message);
		exit(FE_EXIT_ERROR);
	}
	return len;
}

static int is_string_kind(an_heap_node_kind k)
{
	return k == AN_HEAP_NODE_STRING || k == AN_HEAP_NODE_CONS_STRING ||
	       k == AN_HEAP_NODE_SLICED_STRING;
}

/* Class and display name of a node, for text. */
static void node_text(FILE *f, const an_heap *h, uint32_t n, size_t max)
{
	const an_heap_class *c = an_heap_class_get(h, an_heap_node_class(h, n));
	char buf[512];
	size_t len = node_name(buf, sizeof(buf), h, n);
	an_heap_node_kind kind = an_heap_node_kind_of(h, n);

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	fe_text_max(f, c->name.ptr, c->name.len, 60);
	fprintf(f, " @%" PRIu64, an_heap_node_id(h, n));
	if (len && (len != c->name.len || memcmp(buf, c->name.ptr, len))) {
		fputc(' ', f);
		if (is_string_kind(kind)) {
			fputc('"', f);
			fe_text_max(f, buf, len, max);
			fputc('"', f);
		} else {
			fe_text_max(f, buf, len, max);
		}
	}
}

static void node_json(FILE *f, const an_heap *h, uint32_t n)
{
	const an_heap_class *c = an_heap_class_get(h, an_heap_node_class(h, n));
	char buf[1100];
	size_t len = node_name(buf, sizeof(buf), h, n);

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	fprintf(f, "\"id\": %" PRIu64 ", \"class\": ", an_heap_node_id(h, n));
	fe_json_str(f, c->name.ptr, c->name.len);
	fputs(", \"name\": ", f);
	fe_json_str(f, buf, len);
	fprintf(f, ", \"type\": \"%s\", \"self_size\": %" PRIu64
		   ", \"retained_size\": %" PRIu64 ", \"distance\": ",
		an_heap_node_type(h, n), an_heap_node_self_size(h, n),
		an_heap_node_retained_size(h, n));
	print_dist_json(f, an_heap_node_distance(h, n));
}

/* DevTools' edge notation: .name, [0], {internal}, [[weak]], ->context */
static void edge_text(FILE *f, const an_heap *h, uint32_t e)
{
	an_heap_edge_kind t = an_heap_edge_kind_of(h, e);
	an_str nm = an_heap_edge_name(h, e);

	if (an_heap_edge_is_index(h, e)) {
		if (t == AN_HEAP_EDGE_HIDDEN)
			fprintf(f, "{%u}", an_heap_edge_index(h, e));
		else
			fprintf(f, "[%u]", an_heap_edge_index(h, e));
		return;
	}
	if (t == AN_HEAP_EDGE_CONTEXT) {
		fputs("->", f);
		fe_text_max(f, nm.ptr, nm.len, 80);
	} else if (t == AN_HEAP_EDGE_WEAK) {
		fputs("[[", f);
		fe_text_max(f, nm.ptr, nm.len, 80);
		fputs("]]", f);
	} else if (t == AN_HEAP_EDGE_INTERNAL ||
		   t == AN_HEAP_EDGE_INVISIBLE) {
		fputc('{', f);
		fe_text_max(f, nm.ptr, nm.len, 80);
		fputc('}', f);
	} else if (memchr(nm.ptr, ' ', nm.len)) {
		fputs("[\"", f);
		fe_text_max(f, nm.ptr, nm.len, 80);
		fputs("\"]", f);
	} else {
		fputc('.', f);
		fe_text_max(f, nm.ptr, nm.len, 80);
	}
}

static void edge_json(FILE *f, const an_heap *h, uint32_t e)
{
	fputs("\"edge_name\": ", f);
	if (an_heap_edge_is_index(h, e)) {
		char num[16];
		int k = snprintf(num, sizeof(num), "%u",
				 an_heap_edge_index(h, e));
		fe_json_str(f, num, (size_t)k);
	} else {
		an_str nm = an_heap_edge_name(h, e);
		fe_json_str(f, nm.ptr, nm.len);
	}
	fprintf(f, ", \"edge_type\": \"%s\"", an_heap_edge_type(h, e));
}

static const an_heap *top_heap;

static int cmp_retained(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t rx = an_heap_node_retained_size(top_heap, x);
	uint64_t ry = an_heap_node_retained_size(top_heap, y);

	if (rx != ry)
		return rx > ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int do_top(FILE *f, const hjob *j, const fe_opts *o)
{
	const an_heap *h = j->heap;
	uint32_t n = an_heap_node_count(h), i, k = 0, shown = 0;
	uint32_t *v = malloc((size_t)n * sizeof(*v));
	uint64_t total = an_heap_total_size(h);
	long limit = o->top_set ? o->top : 25;

	if (!v) {
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	for (i = 0; i < n; i++)
		if (i != an_heap_root(h))
			v[k++] = i;
	top_heap = h;
	qsort(v, k, sizeof(*v), cmp_retained);
	if (o->format == FE_JSON) {
		fputs("{\"file\": ", f);
		fe_json_str(f, j->path, strlen(j->path));
		fprintf(f, ", \"total_size\": %" PRIu64 ", \"objects\": [",
			total);
	}
	else if (o->format == FE_CSV)
		fputs("id,class,name,type,self_size,retained_size,distance\n",
		      f);
	else {
		heap_header(f, j, o);
		fprintf(f, "%12s %12s %6s %5s  %s\n", "shallow", "retained",
			"%", "dist", "object");
	}
	for (i = 0; i < k && (limit == 0 || shown < (uint32_t)limit); i++) {
		const an_heap_class *c =
			an_heap_class_get(h, an_heap_node_class(h, v[i]));
		if (!class_passes(c, o->filter))
			continue;
		if (o->format == FE_JSON) {
			fputs(shown ? ",\n  {" : "\n  {", f);
			node_json(f, h, v[i]);
			fputc('}', f);
		} else if (o->format == FE_CSV) {
			char buf[1100];
			size_t len = node_name(buf, sizeof(buf), h, v[i]);
			if (len >= sizeof(buf))
				len = sizeof(buf) - 1;
			fprintf(f, "%" PRIu64 ",", an_heap_node_id(h, v[i]));
			fe_csv_str(f, c->name.ptr, c->name.len);
			fputc(',', f);
			fe_csv_str(f, buf, len);
			fprintf(f, ",%s,%" PRIu64 ",%" PRIu64 ",",
				an_heap_node_type(h, v[i]),
				an_heap_node_self_size(h, v[i]),
				an_heap_node_retained_size(h, v[i]));
			if (dist_known(an_heap_node_distance(h, v[i])))
				fprintf(f, "%d",
					an_heap_node_distance(h, v[i]));
			fputc('\n', f);
		} else {
			fprintf(f, "%12" PRIu64 " %12" PRIu64 " %5.1f%% ",
				an_heap_node_self_size(h, v[i]),
				an_heap_node_retained_size(h, v[i]),
				hpct(an_heap_node_retained_size(h, v[i]),
				     total));
			print_dist_text(f, an_heap_node_distance(h, v[i]));
			fputs("  ", f);
			node_text(f, h, v[i], 60);
			fputc('\n', f);
		}
		shown++;
	}
	if (o->format == FE_JSON)
		fputs(shown ? "\n]}\n" : "]}\n", f);
	free(v);
	return FE_EXIT_OK;
}

/* "@123" or "123": digits after an optional '@', fitting 64 bits */
static int id_syntax_ok(const char *s)
{
	char *end;

	if (*s == '@')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	(void)strtoull(s, &end, 10);
	return !*end && errno == 0;
}

/* "@123" or "123" -> node ordinal; usage error when malformed */
static int parse_id(const char *s, const hjob *j, uint32_t *out)
{
	char *end;
	unsigned long long id;

	if (*s == '@')
		s++;
	if (!*s || *s == '-')
		return FE_EXIT_USAGE;
	id = strtoull(s, &end, 10);
	if (*end)
		return FE_EXIT_USAGE;
	*out = an_heap_find_id(j->heap, id);
	if (*out == AN_NONE) {
		fe_errorf("%s: no object @%llu", j->path, id);
		return FE_EXIT_ERROR;
	}
	return FE_EXIT_OK;
}

/* Step i of the chain from n: its node, and the edge it retains the
 * previous one by (AN_NONE for n itself). */
static uint32_t step_node(uint32_t n, const an_heap_retainer *c, uint32_t i)
{
	return i ? c[i - 1].from : n;
}

static uint32_t step_edge(const an_heap_retainer *c, uint32_t i)
{
	return i ? c[i - 1].edge : AN_NONE;
}

/* The members of step i's JSON object. */
static void step_json(FILE *f, const an_heap *h, uint32_t n,
		      const an_heap_retainer *c, uint32_t i)
{
	uint32_t e = step_edge(c, i);

	node_json(f, h, step_node(n, c, i));
	fputs(", ", f);
	if (e == AN_NONE)
		fputs("\"edge_name\": null, \"edge_type\": null", f);
	else
		edge_json(f, h, e);
}

static void print_chain(FILE *f, const an_heap *h, uint32_t n,
			const an_heap_retainer *c, uint32_t len,
			const fe_opts *o, uint32_t chain_no)
{
	uint32_t i;

	if (o->format == FE_JSON) {
		fputs(chain_no == 1 ? "\n  [" : ",\n  [", f);
		for (i = 0; i <= len; i++) {
			fputs(i ? ",\n    {" : "\n    {", f);
			step_json(f, h, n, c, i);
			fputc('}', f);
		}
		fputs("\n  ]", f);
		return;
	}
	for (i = 0; i <= len; i++) {
		uint32_t v = step_node(n, c, i), e = step_edge(c, i);
		char a[32];
		if (o->format == FE_CSV) {
			const an_heap_class *k =
				an_heap_class_get(h, an_heap_node_class(h, v));
			fprintf(f, "%u,%u,%" PRIu64 ",", chain_no, i,
				an_heap_node_id(h, v));
			fe_csv_str(f, k->name.ptr, k->name.len);
			fputc(',', f);
			if (e != AN_NONE) {
				an_str nm = an_heap_edge_name(h, e);
				if (an_heap_edge_is_index(h, e))
					fprintf(f, "%u",
						an_heap_edge_index(h, e));
				else
					fe_csv_str(f, nm.ptr, nm.len);
				fprintf(f, ",%s", an_heap_edge_type(h, e));
			} else {
				fputc(',', f);
			}
			fprintf(f, ",%" PRIu64 ",",
				an_heap_node_retained_size(h, v));
			if (dist_known(an_heap_node_distance(h, v)))
				fprintf(f, "%d", an_heap_node_distance(h, v));
			fputc('\n', f);
			continue;
		}
		fprintf(f, "%*s", (int)(i < 20 ? 2 * i : 40), "");
		if (i)
			fputs("<- ", f);
		node_text(f, h, v, 40);
		if (e != AN_NONE) {
			fputc(' ', f);
			edge_text(f, h, e);
			fprintf(f, " (%s)", an_heap_edge_type(h, e));
		}
		human(a, sizeof(a), an_heap_node_retained_size(h, v));
		fprintf(f, "  [retained %s, distance ", a);
		if (dist_known(an_heap_node_distance(h, v)))
			fprintf(f, "%d]\n", an_heap_node_distance(h, v));
		else
			fputs("-]\n", f);
	}
}

static int do_retainers(FILE *f, const hjob *j, const fe_opts *o,
			const char *ids)
{
	const an_heap *h = j->heap;
	uint32_t n, len, k, paths = o->paths ? o->paths : 1;
	uint32_t steps = o->max_depth >= 0 ? (uint32_t)o->max_depth : 20;
	an_heap_retainer *c = NULL;
	an_error err;
	int rc = parse_id(ids, j, &n);

	if (rc == FE_EXIT_USAGE)
		return fe_usage_error("heap retainers", "bad object id '%s' "
				      "(want @ID)", ids);
	if (rc)
		return rc;
	if (o->format == FE_JSON)
		fputs("{\"chain\": ", f);
	else if (o->format == FE_CSV)
		fputs("chain,step,id,class,edge_name,edge_type,retained_size,"
		      "distance\n", f);
	else
		heap_header(f, j, o);
	for (k = 0; k < paths; k++) {
		if (an_heap_retainer_chain(&c, &len, h, n, k, steps, &err) <
		    0) {
			fe_errorf("%s: %s", j->path, err.message);
			rc = FE_EXIT_ERROR;
			break;
		}
		if (k > 0 && len == 0) {
			an_heap_retainers_free(c);
			break; /* no k-th retainer */
		}
		if (o->format == FE_JSON && k == 1) {
			/* first chain printed: list the others after it */
			fputs(", \"alternatives\": [", f);
		}
		if (o->format == FE_JSON && k == 0) {
			/* the chain object is the first array itself */
			uint32_t i;
			fputc('[', f);
			for (i = 0; i <= len; i++) {
				fputs(i ? ",\n  {" : "\n  {", f);
				step_json(f, h, n, c, i);
				fputc('}', f);
			}
			fputs("\n]", f);
			an_heap_retainers_free(c);
			continue;
		}
		if (o->format == FE_TEXT && k > 0)
			fputc('\n', f);
		print_chain(f, h, n, c, len, o, k);
		an_heap_retainers_free(c);
	}
	if (o->format == FE_JSON)
		fputs(k > 1 ? "\n]}\n" : "}\n", f);
	return rc;
}

static const an_heap *edge_sort_heap;

static int cmp_edge_target(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t rx = an_heap_node_retained_size(
		edge_sort_heap, an_heap_edge_target(edge_sort_heap, x));
	uint64_t ry = an_heap_node_retained_size(
		edge_sort_heap, an_heap_edge_target(edge_sort_heap, y));

	if (rx != ry)
		return rx > ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int do_show(FILE *f, const hjob *j, const fe_opts *o, const char *ids)
{
	const an_heap *h = j->heap;
	uint32_t n, first, cnt, i, *out_e, nr = 0, dom;
	an_heap_retainer *r = NULL;
	an_error err;
	long limit = o->top_set ? o->top : 25;
	int rc = parse_id(ids, j, &n);

	if (rc == FE_EXIT_USAGE)
		return fe_usage_error("heap show", "bad object id '%s' (want "
				      "@ID)", ids);
	if (rc)
		return rc;
	cnt = an_heap_node_edges(h, n, &first);
	out_e = malloc(((size_t)cnt + 1) * sizeof(*out_e));
	if (!out_e || an_heap_retainers(&r, &nr, h, n, &err) < 0) {
		free(out_e);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	for (i = 0; i < cnt; i++)
		out_e[i] = first + i;
	edge_sort_heap = h;
	qsort(out_e, cnt, sizeof(*out_e), cmp_edge_target);
	dom = an_heap_node_dominator(h, n);
	if (o->format == FE_JSON) {
		fputs("{", f);
		node_json(f, h, n);
		fputs(", \"dominator\": ", f);
		if (n == an_heap_root(h))
			fputs("null", f);
		else
			fprintf(f, "%" PRIu64, an_heap_node_id(h, dom));
		fputs(", \"edges\": [", f);
		for (i = 0; i < cnt && (limit == 0 || i < (uint32_t)limit);
		     i++) {
			fputs(i ? ",\n  {" : "\n  {", f);
			edge_json(f, h, out_e[i]);
			fputs(", \"target\": {", f);
			node_json(f, h, an_heap_edge_target(h, out_e[i]));
			fputs("}}", f);
		}
		fputs("], \"retainers\": [", f);
		for (i = 0; i < nr && (limit == 0 || i < (uint32_t)limit);
		     i++) {
			fputs(i ? ",\n  {" : "\n  {", f);
			edge_json(f, h, r[i].edge);
			fputs(", \"from\": {", f);
			node_json(f, h, r[i].from);
			fputs("}}", f);
		}
		fputs("]}\n", f);
	} else {
		char a[32], b[32];
		heap_header(f, j, o);
		node_text(f, h, n, 200);
		human(a, sizeof(a), an_heap_node_self_size(h, n));
		human(b, sizeof(b), an_heap_node_retained_size(h, n));
		fprintf(f, "\n  type        %s\n  shallow     %" PRIu64
			   " (%s)\n  retained    %" PRIu64 " (%s)\n"
			   "  distance    ",
			an_heap_node_type(h, n), an_heap_node_self_size(h, n),
			a, an_heap_node_retained_size(h, n), b);
		if (dist_known(an_heap_node_distance(h, n)))
			fprintf(f, "%d\n", an_heap_node_distance(h, n));
		else
			fputs("-\n", f);
		fputs("  dominator   ", f);
		if (n == an_heap_root(h))
			fputs("(none: the root)\n", f);
		else {
			node_text(f, h, dom, 60);
			fputc('\n', f);
		}
		fprintf(f, "edges (%u):\n", cnt);
		for (i = 0; i < cnt && (limit == 0 || i < (uint32_t)limit);
		     i++) {
			uint32_t t = an_heap_edge_target(h, out_e[i]);
			fputs("  ", f);
			edge_text(f, h, out_e[i]);
			fprintf(f, " (%s) -> ", an_heap_edge_type(h, out_e[i]));
			node_text(f, h, t, 40);
			human(a, sizeof(a), an_heap_node_retained_size(h, t));
			fprintf(f, "  [retained %s]\n", a);
		}
		if (limit && cnt > (uint32_t)limit)
			fprintf(f, "  ... %u more\n", cnt - (uint32_t)limit);
		fprintf(f, "retainers (%u):\n", nr);
		for (i = 0; i < nr && (limit == 0 || i < (uint32_t)limit);
		     i++) {
			fputs("  ", f);
			node_text(f, h, r[i].from, 40);
			fputc(' ', f);
			edge_text(f, h, r[i].edge);
			fprintf(f, " (%s)  [distance ",
				an_heap_edge_type(h, r[i].edge));
			if (dist_known(an_heap_node_distance(h, r[i].from)))
				fprintf(f, "%d]\n",
					an_heap_node_distance(h, r[i].from));
			else
				fputs("-]\n", f);
		}
		if (limit && nr > (uint32_t)limit)
			fprintf(f, "  ... %u more\n", nr - (uint32_t)limit);
	}
	free(out_e);
	an_heap_retainers_free(r);
	return FE_EXIT_OK;
}

static int do_dominators(FILE *f, const hjob *j, const fe_opts *o,
			 const char *ids)
{
	const an_heap *h = j->heap;
	uint32_t n = an_heap_root(h), sp = 0, seq = 0;
	uint32_t *stack, *depth, *parent;
	uint64_t total = an_heap_total_size(h);
	long maxd = o->max_depth >= 0 ? o->max_depth : 4;
	long per = o->top_set ? o->top : 10;
	int rc;

	if (ids) {
		rc = parse_id(ids, j, &n);
		if (rc == FE_EXIT_USAGE)
			return fe_usage_error("heap dominators", "bad object "
					      "id '%s' (want @ID)", ids);
		if (rc)
			return rc;
	}
	stack = malloc((size_t)an_heap_node_count(h) * sizeof(*stack));
	depth = malloc((size_t)an_heap_node_count(h) * sizeof(*depth));
	parent = malloc((size_t)an_heap_node_count(h) * sizeof(*parent));
	if (!stack || !depth || !parent) {
		free(stack);
		free(depth);
		free(parent);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	if (o->format == FE_JSON)
		fputs("{\"nodes\": [", f);
	else if (o->format == FE_CSV)
		fputs("seq,parent,depth,id,class,self_size,retained_size\n",
		      f);
	else {
		heap_header(f, j, o);
		fprintf(f, "%12s %6s %12s  %s\n", "retained", "%", "shallow",
			"object");
	}
	stack[sp] = n;
	depth[sp] = 0;
	parent[sp] = 0;
	sp++;
	while (sp) {
		uint32_t v, d, p, k, cnt;
		const uint32_t *kids;
		sp--;
		v = stack[sp];
		d = depth[sp];
		p = parent[sp];
		if (d > 0 && (hpct(an_heap_node_retained_size(h, v), total) <
				      o->min_percent ||
			      an_heap_node_retained_size(h, v) < o->min_size))
			continue;
		seq++;
		if (o->format == FE_JSON) {
			fputs(seq > 1 ? ",\n  {" : "\n  {", f);
			fprintf(f, "\"seq\": %u, \"parent\": %u, \"depth\": "
				   "%u, ", seq, p, d);
			node_json(f, h, v);
			fputc('}', f);
		} else if (o->format == FE_CSV) {
			const an_heap_class *c =
				an_heap_class_get(h, an_heap_node_class(h, v));
			fprintf(f, "%u,%u,%u,%" PRIu64 ",", seq, p, d,
				an_heap_node_id(h, v));
			fe_csv_str(f, c->name.ptr, c->name.len);
			fprintf(f, ",%" PRIu64 ",%" PRIu64 "\n",
				an_heap_node_self_size(h, v),
				an_heap_node_retained_size(h, v));
		} else {
			fprintf(f, "%12" PRIu64 " %5.1f%% %12" PRIu64 "  %*s",
				an_heap_node_retained_size(h, v),
				hpct(an_heap_node_retained_size(h, v), total),
				an_heap_node_self_size(h, v),
				(int)(2 * (d < 40 ? d : 40)), "");
			node_text(f, h, v, 40);
			fputc('\n', f);
		}
		if ((long)d >= maxd)
			continue;
		cnt = an_heap_node_dominated(h, v, &kids);
		if (per > 0 && cnt > (uint32_t)per)
			cnt = (uint32_t)per;
		for (k = cnt; k-- > 0;) {
			stack[sp] = kids[k];
			depth[sp] = d + 1;
			parent[sp] = seq;
			sp++;
		}
	}
	if (o->format == FE_JSON)
		fputs(seq ? "\n]}\n" : "]}\n", f);
	free(stack);
	free(depth);
	free(parent);
	return FE_EXIT_OK;
}

/* ---- dispatch ---- */

typedef struct hsub {
	const char *name;
	const char *help;
	unsigned opts;
	int min_args, max_args;
} hsub;

#define HREPORT (FE_OPT_FORMAT | FE_OPT_QUIET | FE_OPT_OUT)

static const hsub hsubs[] = {
	{"summary", help_summary,
	 HREPORT | FE_OPT_TOP | FE_OPT_FILTER | FE_OPT_DB |
		 FE_OPT_ALL_OBJECTS,
	 1, 1},
	{"top", help_top, HREPORT | FE_OPT_TOP | FE_OPT_FILTER, 1, 1},
	{"show", help_show, HREPORT | FE_OPT_TOP, 2, 2},
	{"dominators", help_dominators,
	 HREPORT | FE_OPT_TOP | FE_OPT_TREE | FE_OPT_MIN_SIZE,
	 1, 2},
	{"retainers", help_retainers, HREPORT | FE_OPT_PATHS | FE_OPT_DEPTH,
	 2, 2},
};

int cmd_heap(int argc, char **argv)
{
	const hsub *sc = NULL;
	char cmdname[32];
	fe_opts o;
	fe_out out;
	hjob j;
	size_t i;
	int rc, done, ok;

	if (argc < 2) {
		fputs("profkit: heap: no command given\n", stderr);
		fputs(help_heap, stderr);
		return FE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help_heap, stdout);
		return FE_EXIT_OK;
	}
	for (i = 0; i < sizeof(hsubs) / sizeof(hsubs[0]); i++)
		if (!strcmp(argv[1], hsubs[i].name))
			sc = &hsubs[i];
	if (!sc)
		return fe_usage_error("heap ", "heap: unknown command '%s'",
				      argv[1]);
	snprintf(cmdname, sizeof(cmdname), "heap %s", sc->name);
	rc = fe_parse(&o, argc - 1, argv + 1, sc->opts, cmdname, sc->help,
		      &done);
	if (rc || done) {
		fe_opts_free(&o);
		return rc;
	}
	if (o.nargs < sc->min_args || o.nargs > sc->max_args) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "%s needs %s", cmdname,
				      sc->min_args == 2 ? "FILE and @ID" :
				      sc->max_args == 2 ? "FILE [@ID]" :
							  "exactly one FILE");
	}
	if (o.all_objects && !o.db) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "--all-objects needs --db");
	}
	if (o.nargs > 1 && !id_syntax_ok(o.args[1])) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "bad object id '%s' (want @ID, "
				      "e.g. @12345)", o.args[1]);
	}
	if (!strcmp(sc->name, "show") && o.format == FE_CSV) {
		fe_opts_free(&o);
		return fe_usage_error(cmdname, "heap show has no CSV form; "
				      "use --format json");
	}
	rc = hjob_load(&j, o.args[0], o.db != NULL);
	if (rc) {
		hjob_free(&j);
		fe_opts_free(&o);
		return rc;
	}
	rc = fe_out_open(&out, o.out);
	if (rc == FE_EXIT_OK) {
		if (!strcmp(sc->name, "summary"))
			rc = do_summary(out.f, &j, &o);
		else if (!strcmp(sc->name, "top"))
			rc = do_top(out.f, &j, &o);
		else if (!strcmp(sc->name, "show"))
			rc = do_show(out.f, &j, &o, o.args[1]);
		else if (!strcmp(sc->name, "dominators"))
			rc = do_dominators(out.f, &j, &o,
					   o.nargs > 1 ? o.args[1] : NULL);
		else
			rc = do_retainers(out.f, &j, &o, o.args[1]);
		if (rc == FE_EXIT_OK && o.db)
			rc = store_db(&j, &o);
		ok = rc == FE_EXIT_OK;
		i = (size_t)rc;
		rc = fe_out_close(&out, ok);
		if (!ok)
			rc = (int)i;
	}
	hjob_free(&j);
	fe_opts_free(&o);
	return rc;
}

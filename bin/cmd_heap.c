/*
 * cmd_heap.c - `profkit heap summary|top|show|dominators|retainers` and
 * the dispatch of `heap flame` (cmd_heap_flame.c), `heap diff`
 * (cmd_heap_diff.c) and `heap leaks` (cmd_heap_leaks.c): parse options,
 * load the snapshot through libanalyze, print text, JSON or CSV. The
 * numbers are DevTools' (see docs/semantics.md). `heap summary --db`
 * also stores the analysis (docs/database.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_heap.h"
#include "fe/fe.h"

static const char help_heap[] =
	"Usage: profkit heap COMMAND [OPTIONS] FILE\n"
	"Heap snapshot (.heapsnapshot) reports, with DevTools' numbers:\n"
	"  summary      per class: count, shallow, retained, distance\n"
	"  top          objects by retained size\n"
	"  show         one object, its edges and retainers\n"
	"  dominators   the dominator tree below an object\n"
	"  retainers    the retainer chain from an object to a GC root\n"
	"  flame        the dominator tree as a flame graph picture\n"
	"  diff         what changed between two snapshots (Comparison)\n"
	"  leaks        leaked objects clustered by retainer path\n"
	"Run 'profkit heap COMMAND --help' for the options of each.\n"
	"\n"
	"Examples:\n"
	"  profkit heap summary app.heapsnapshot -n 10\n"
	"  profkit heap retainers app.heapsnapshot @76943\n"
	"  profkit heap diff before.heapsnapshot after.heapsnapshot\n"
	"\n"
	"Docs: man profkit; docs/cli.md; every option: docs/options.md\n";

int hjob_load(hjob *j, const char *path, int want_sha, an_heap_pool *pool)
{
	an_error err;
	an_heap_load_opts lo = AN_HEAP_LOAD_OPTS_INIT;
	fe_progress bar;
	int rc;

	memset(j, 0, sizeof(*j));
	j->path = path;
	an_error_clear(&err);
	lo.pool = pool;
	if (fe_progress_begin(&bar, path)) {
		lo.progress = fe_progress_cb;
		lo.payload = &bar;
	}
	rc = an_source_open_path(&j->src, path, &err) < 0 ||
	     (want_sha && an_source_enable_sha256(j->src) < 0) ||
	     an_heap_load(&j->heap, j->src, &lo, &err) < 0;
	fe_progress_end(&bar);
	if (rc) {
		return fe_fail(path, &err);
	}
	return FE_EXIT_OK;
}

void hjob_free(hjob *j)
{
	an_heap_free(j->heap);
	an_source_free(j->src);
}

/* "12.3 MB"-style size for text output (fe_size without the padding;
 * --bytes: the integer) */
void location_vals(fe_val *v, int has_location, uint32_t script_id,
		   uint32_t line, uint32_t column, fe_val json)
{
	if (!has_location) {
		v[0] = v[1] = v[2] = v[3] = fe_null();
		return;
	}
	v[0] = json;
	v[1] = fe_uint(script_id);
	v[2] = fe_uint((uint64_t)line + 1);
	v[3] = fe_uint((uint64_t)column + 1);
}

void human(char *buf, size_t cap, uint64_t bytes)
{
	size_t n;

	fe_size(buf, cap, bytes);
	n = strlen(buf);
	if (n && buf[n - 1] == ' ')
		buf[n - 1] = '\0';
}

static double hpct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static int class_passes(const an_heap_class *c, const an_filter *flt)
{
	return an_filter_test(flt, &c->name, 1);
}

/* What the text intros need. */
typedef struct report_ctx {
	const hjob *j;
	const fe_opts *o;
	const an_heap_stats *stats; /* heap summary's Statistics */
} report_ctx;

/* text intro: "# FILE: heap snapshot, ..." unless -q */
static void heap_header(FILE *f, const void *ctx)
{
	const report_ctx *r = ctx;
	const hjob *j = r->j;
	char t[32];

	if (r->o->quiet)
		return;
	human(t, sizeof(t), an_heap_total_size(j->heap));
	fputs("# ", f);
	fe_text(f, j->path, strlen(j->path));
	fprintf(f, ": heap snapshot, %u nodes, %u edges, total %s\n",
		an_heap_node_count(j->heap), an_heap_edge_count(j->heap), t);
}

/* DevTools' Statistics view, same rows and labels */
static void stats_text(FILE *f, const an_heap_stats *st)
{
	const an_heap_stats s = *st;
	char a[32];
	const char *labels[8] = {"code", "strings", "JS arrays",
				 "typed arrays", "system objects",
				 "other JS objects", "other non-JS objects",
				 "total"};
	uint64_t v[8];
	int i;

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

static const fe_col stats_cols[] = {
	{"total", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"v8_heap", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"code", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"strings", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"js_arrays", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"typed_arrays", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"system", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"native", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"other", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"other_native", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

/* JSON: the Statistics as an object */
static void stats_json(FILE *f, const void *ctx)
{
	const an_heap_stats *s = ctx;
	fe_val v[10];

	v[0] = fe_uint(s->total);
	v[1] = fe_uint(s->v8_heap);
	v[2] = fe_uint(s->code);
	v[3] = fe_uint(s->strings);
	v[4] = fe_uint(s->js_arrays);
	v[5] = fe_uint(s->typed_arrays);
	v[6] = fe_uint(s->system);
	v[7] = fe_uint(s->native);
	v[8] = fe_uint(s->other);
	v[9] = fe_uint(s->other_native);
	fe_json_object(f, stats_cols, v, 10);
}

/* text intro of heap summary: the header line and the Statistics */
static void summary_intro(FILE *f, const void *ctx)
{
	const report_ctx *r = ctx;

	heap_header(f, r);
	stats_text(f, r->stats);
}

static int store_db(const hjob *j, const fe_opts *o)
{
	an_store *st = NULL;
	an_error err;
	an_artifact_info info;
	char sha[65], *meta = NULL, *abs = NULL;
	uint32_t top = o->all_objects ? AN_STORE_ALL_OBJECTS :
					FE_DB_TOP_OBJECTS;
	int64_t id;
	int rc;

	an_error_clear(&err);
	if (an_store_heap_meta(&meta, j->heap, an_source_is_gzip(j->src), top,
			       &err) < 0)
		return fe_fail(NULL, &err);
	an_source_sha256(j->src, sha);
	memset(&info, 0, sizeof(info));
	abs = fe_abs_path(j->path);
	info.path = abs ? abs : j->path;
	info.given_path = j->path;
	info.sha256 = sha;
	info.kind = AN_KIND_HEAPSNAPSHOT;
	info.bytes = an_source_raw_bytes(j->src);
	info.meta_json = meta;
	if (an_store_open(&st, o->db, &err) < 0)
		rc = fe_fail(o->db, &err);
	else
		rc = fe_db_artifact(&id, st, &info, o);
	if (rc == FE_EXIT_OK &&
	    (an_store_heap(st, id, j->heap, top, &err) < 0 ||
	     an_store_commit(st, &err) < 0))
		rc = fe_fail(o->db, &err);
	an_store_close(st);
	an_store_meta_free(meta);
	free(abs);
	return rc;
}

enum {
	S_NAME, S_LOCATION, S_SCRIPT, S_LINE, S_COLUMN, S_COUNT, S_SELF,
	S_SELF_PCT, S_RETAINED, S_RETAINED_PCT, S_DIST, S_CLASS, S_N
};

static const fe_col summary_cols[S_N] = {
	{"name", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},
	{"location", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
	{"script_id", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"line", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"column", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"count", FE_T_UINT, FE_IN_DATA, "count", 9, 1, 0},
	{"self_size", FE_T_BYTES, FE_IN_DATA, "shallow", 12, 2, 0},
	{NULL, FE_T_PCT, 0, "%", 6, 3, 0},
	{"retained_size", FE_T_BYTES, FE_IN_DATA, "retained", 12, 4, 0},
	{NULL, FE_T_PCT, 0, "%", 6, 5, 0},
	{"distance", FE_T_DIST, FE_IN_DATA, "dist", 5, 6, 0},
	{NULL, FE_T_CALL, 0, "class", 0, 7, 0},
};
static const fe_table summary_table = {summary_cols, S_N, "classes", 0};

static const fe_col location_cols[] = {
	{"script_id", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"line", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"column", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

/* JSON: a constructor's location (0-based in), 1-based */
void put_location_json(FILE *f, uint32_t script, uint32_t line,
		       uint32_t column)
{
	fe_val v[3];

	v[0] = fe_uint(script);
	v[1] = fe_uint((uint64_t)line + 1);
	v[2] = fe_uint((uint64_t)column + 1);
	fe_json_object(f, location_cols, v, 3);
}

/* text: a class name and, when it has one, its constructor's location */
void put_class_text(FILE *f, an_str name, int has_location,
		    uint32_t script, uint32_t line, uint32_t column)
{
	fe_text_max(f, name.ptr, name.len, FE_TEXT_CLASS_MAX);
	if (has_location)
		fprintf(f, "  (script %u:%u:%u)", script, line + 1,
			column + 1);
}

static void location_json(FILE *f, const void *ctx)
{
	const an_heap_class *c = ctx;

	put_location_json(f, c->script_id, c->line, c->column);
}

static void class_text(FILE *f, const void *ctx)
{
	const an_heap_class *c = ctx;

	put_class_text(f, c->name, c->has_location, c->script_id, c->line,
		       c->column);
}

static const fe_col summary_head[] = {
	{"file", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"node_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"edge_count", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"total_size", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
	{"statistics", FE_T_CALL, FE_IN_JSON, NULL, 0, 0, 0},
	{"array_buffer_bytes", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

static int do_summary(FILE *f, const hjob *j, const fe_opts *o)
{
	const an_heap *h = j->heap;
	const uint32_t *order;
	uint32_t n = an_heap_classes(h, &order), i, shown = 0, matched = 0;
	uint64_t total = an_heap_total_size(h);
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	report_ctx r = {j, o, NULL};
	an_heap_stats s;
	an_error err;
	fe_val hv[6];
	fe_writer w;

	if (an_heap_statistics(&s, h, &err) < 0)
		return fe_fail(j->path, &err);
	r.stats = &s;
	hv[0] = fe_cstr(j->path);
	hv[1] = fe_uint(an_heap_node_count(h));
	hv[2] = fe_uint(an_heap_edge_count(h));
	hv[3] = fe_uint(total);
	hv[4] = fe_call(stats_json, &s);
	hv[5] = fe_uint(s.typed_arrays);
	fe_table_begin(&w, f, o->format, &summary_table, summary_head, hv, 6,
		       summary_intro, &r);
	for (i = 0; i < n; i++) {
		const an_heap_class *c = an_heap_class_get(h, order[i]);
		fe_val v[S_N];
		if (!class_passes(c, o->filter))
			continue;
		matched++;
		/* the rest only counted, for the footer */
		if (limit != 0 && shown >= (uint32_t)limit)
			continue;
		v[S_NAME] = fe_str(c->name);
		location_vals(&v[S_LOCATION], c->has_location,
			      c->script_id, c->line, c->column,
			      fe_call(location_json, c));
		v[S_COUNT] = fe_uint(c->count);
		v[S_SELF] = fe_uint(c->self_size);
		v[S_SELF_PCT] = fe_dbl(hpct(c->self_size, total));
		v[S_RETAINED] = fe_uint(c->retained_size);
		v[S_RETAINED_PCT] = fe_dbl(hpct(c->retained_size, total));
		v[S_DIST] = fe_int(c->distance);
		v[S_CLASS] = fe_call(class_text, c);
		fe_table_row(&w, v);
		shown++;
	}
	fe_table_cut(&w, n, "class|classes", fe_flat_cut(n, matched, shown),
		     limit, !o->top_set, 0, o);
	fe_table_end(&w);
	if (n && !matched)
		fe_errorf("%s: no class passes %s", j->path, o->patterns);
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
	fe_text_max(f, c->name.ptr, c->name.len, FE_TEXT_CLASS_SHORT);
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

/* A node's text cell: indentation, then node_text(). */
typedef struct node_cell {
	const an_heap *h;
	uint32_t n;
	size_t max;     /* characters of the name */
	int indent;     /* spaces before it */
} node_cell;

static void node_cell_text(FILE *f, const void *ctx)
{
	const node_cell *c = ctx;

	fprintf(f, "%*s", c->indent, "");
	node_text(f, c->h, c->n, c->max);
}

/* An object's columns; the reports of objects start with them. */
enum {
	O_ID, O_CLASS, O_NAME, O_TYPE, O_SELF, O_RETAINED, O_PCT, O_DIST,
	O_OBJECT, O_N
};

#define NODE_COLS(json, self_at, retained_at)                                 \
	{"id", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},                         \
	{"class", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},                       \
	{"name", FE_T_STR, json, NULL, 0, 0, 0},                              \
	{"type", FE_T_CSTR, json, NULL, 0, 0, 0},                             \
	{"self_size", FE_T_BYTES, FE_IN_DATA, "shallow", 12, self_at, 0},     \
	{"retained_size", FE_T_BYTES, FE_IN_DATA, "retained", 12, retained_at,\
	 0}

static const fe_col top_cols[O_N] = {
	NODE_COLS(FE_IN_DATA, 1, 2),
	[O_PCT] = {NULL, FE_T_PCT, 0, "%", 6, 3, 0},
	[O_DIST] = {"distance", FE_T_DIST, FE_IN_DATA, "dist", 5, 4, 0},
	[O_OBJECT] = {NULL, FE_T_CALL, 0, "object", 0, 5, 0},
};
static const fe_table top_table = {top_cols, O_N, "objects", 0};

/* The values of an object's columns (not O_PCT, O_OBJECT); the name is
 * written into buf[1100]. */
static void node_vals(fe_val *v, const an_heap *h, uint32_t n, char *buf)
{
	const an_heap_class *c = an_heap_class_get(h, an_heap_node_class(h, n));
	size_t len = node_name(buf, 1100, h, n);
	an_str name;

	if (len >= 1100)
		len = 1100 - 1;
	name.ptr = buf;
	name.len = len;
	v[O_ID] = fe_uint(an_heap_node_id(h, n));
	v[O_CLASS] = fe_str(c->name);
	v[O_NAME] = fe_str(name);
	v[O_TYPE] = fe_cstr(an_heap_node_type(h, n));
	v[O_SELF] = fe_uint(an_heap_node_self_size(h, n));
	v[O_RETAINED] = fe_uint(an_heap_node_retained_size(h, n));
	v[O_PCT] = fe_dbl(hpct(an_heap_node_retained_size(h, n),
			       an_heap_total_size(h)));
	v[O_DIST] = fe_int(an_heap_node_distance(h, n));
	v[O_OBJECT] = fe_null();
}

/* The JSON members of a node, as heap top lists them. */
static void node_json(FILE *f, const an_heap *h, uint32_t n)
{
	char buf[1100];
	fe_val v[O_N];

	node_vals(v, h, n, buf);
	fe_json_members(f, top_cols, v, O_N);
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
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
	} else if (t == AN_HEAP_EDGE_WEAK) {
		fputs("[[", f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
		fputs("]]", f);
	} else if (t == AN_HEAP_EDGE_INTERNAL ||
		   t == AN_HEAP_EDGE_INVISIBLE) {
		fputc('{', f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
		fputc('}', f);
	} else if (memchr(nm.ptr, ' ', nm.len)) {
		fputs("[\"", f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
		fputs("\"]", f);
	} else {
		fputc('.', f);
		fe_text_max(f, nm.ptr, nm.len, FE_TEXT_EDGE_MAX);
	}
}

void edge_json(FILE *f, const an_heap *h, uint32_t e)
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

static const fe_col top_head[] = {
	{"file", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0},
	{"total_size", FE_T_UINT, FE_IN_JSON, NULL, 0, 0, 0},
};

static int do_top(FILE *f, const hjob *j, const fe_opts *o)
{
	const an_heap *h = j->heap;
	uint32_t *v = NULL, i, k = 0, shown = 0, matched = 0;
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	report_ctx r = {j, o, NULL};
	fe_val hv[2];
	an_error err;
	fe_writer w;

	if (an_heap_top(&v, &k, h, AN_HEAP_TOP_ALL, AN_HEAP_TOP_SORTED,
			&err) < 0)
		return fe_fail(j->path, &err);
	hv[0] = fe_cstr(j->path);
	hv[1] = fe_uint(an_heap_total_size(h));
	fe_table_begin(&w, f, o->format, &top_table, top_head, hv, 2,
		       heap_header, &r);
	for (i = 0; i < k; i++) {
		const an_heap_class *c =
			an_heap_class_get(h, an_heap_node_class(h, v[i]));
		node_cell cell = {h, v[i], FE_TEXT_NODE_NAME, 0};
		char buf[1100];
		fe_val val[O_N];
		if (!class_passes(c, o->filter))
			continue;
		matched++;
		/* the rest only counted, for the footer */
		if (limit != 0 && shown >= (uint32_t)limit)
			continue;
		node_vals(val, h, v[i], buf);
		val[O_OBJECT] = fe_call(node_cell_text, &cell);
		fe_table_row(&w, val);
		shown++;
	}
	fe_table_cut(&w, k, "object|objects", fe_flat_cut(k, matched, shown),
		     limit, !o->top_set, 0, o);
	fe_table_end(&w);
	an_heap_indexes_free(v);
	if (k && !matched)
		fe_errorf("%s: no object's class passes %s", j->path,
			  o->patterns);
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

/* One chain: the retainers from n, len steps. */
typedef struct chain {
	an_heap_retainer *c;
	uint32_t len;
} chain;

/* JSON: {"file": PATH, "chain": [steps], "alternatives": [[steps], ...],
 * "total_paths": N when --paths cut them} */
static void chains_json(FILE *f, const char *path, const an_heap *h,
			uint32_t n, const chain *ch, uint32_t nch,
			uint32_t all)
{
	uint32_t k, i;

	fputs("{\"file\": ", f);
	fe_json_str(f, path, strlen(path));
	fputs(", \"chain\": ", f);
	for (k = 0; k < nch; k++) {
		/* the first chain is the "chain" array itself, the others
		 * are listed after it, one level deeper */
		const char *in = k ? "\n    {" : "\n  {";
		if (k == 1)
			fputs(", \"alternatives\": [", f);
		if (k)
			fputs(k == 1 ? "\n  [" : ",\n  [", f);
		else
			fputc('[', f);
		for (i = 0; i <= ch[k].len; i++) {
			if (i)
				fputc(',', f);
			fputs(in, f);
			step_json(f, h, n, ch[k].c, i);
			fputc('}', f);
		}
		fputs(k ? "\n  ]" : "\n]", f);
	}
	if (nch > 1)
		fputs("\n]", f);
	/* how many chains there are, when --paths cut them */
	if (all > nch)
		fprintf(f, ", \"total_paths\": %u", all);
	fputs("}\n", f);
}

enum {
	H_CHAIN, H_STEP, H_ID, H_CLASS, H_EDGE_NAME, H_EDGE_TYPE, H_RETAINED,
	H_DIST, H_TEXT, H_N
};

/* Text and CSV: a row per step (text: a line, a blank one between
 * chains). */
static const fe_col step_cols[H_N] = {
	{"chain", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"step", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"id", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"class", FE_T_STR, FE_IN_CSV, NULL, 0, 0, 0},
	{"edge_name", FE_T_STR, FE_IN_CSV, NULL, 0, 0, 0},
	{"edge_type", FE_T_CSTR, FE_IN_CSV, NULL, 0, 0, 0},
	{"retained_size", FE_T_UINT, FE_IN_CSV, NULL, 0, 0, 0},
	{"distance", FE_T_DIST, FE_IN_CSV, NULL, 0, 0, 0},
	{NULL, FE_T_CALL, 0, NULL, 0, 1, 0},
};
static const fe_table step_table = {step_cols, H_N, "chain", 1};

typedef struct step_cell {
	const an_heap *h;
	uint32_t v, e, i, k;
} step_cell;

/* text: "  <- Class @id name .edge (type)  [retained .., distance ..]" */
static void step_text(FILE *f, const void *ctx)
{
	const step_cell *s = ctx;
	const an_heap *h = s->h;
	uint32_t i = s->i;
	char a[32];

	if (i == 0 && s->k > 0)
		fputc('\n', f);
	fprintf(f, "%*s",
		(int)(2 * (i < FE_TEXT_CHAIN_DEPTH ? i : FE_TEXT_CHAIN_DEPTH)),
		"");
	if (i)
		fputs("<- ", f);
	node_text(f, h, s->v, FE_TEXT_NODE_SHORT);
	if (s->e != AN_NONE) {
		fputc(' ', f);
		edge_text(f, h, s->e);
		fprintf(f, " (%s)", an_heap_edge_type(h, s->e));
	}
	human(a, sizeof(a), an_heap_node_retained_size(h, s->v));
	fprintf(f, "  [retained %s, distance ", a);
	if (fe_dist_known(an_heap_node_distance(h, s->v)))
		fprintf(f, "%d]\n", an_heap_node_distance(h, s->v));
	else
		fputs("-]\n", f);
}

static void chains_table(FILE *f, const report_ctx *r, uint32_t n,
			 const chain *ch, uint32_t nch, uint32_t all)
{
	const an_heap *h = r->j->heap;
	uint32_t k, i;
	fe_writer w;

	fe_table_begin(&w, f, r->o->format, &step_table, NULL, NULL, 0,
		       heap_header, r);
	for (k = 0; k < nch; k++)
		for (i = 0; i <= ch[k].len; i++) {
			uint32_t v = step_node(n, ch[k].c, i);
			uint32_t e = step_edge(ch[k].c, i);
			const an_heap_class *c =
				an_heap_class_get(h, an_heap_node_class(h, v));
			step_cell cell = {h, v, e, i, k};
			char num[16];
			fe_val val[H_N];
			val[H_CHAIN] = fe_uint(k);
			val[H_STEP] = fe_uint(i);
			val[H_ID] = fe_uint(an_heap_node_id(h, v));
			val[H_CLASS] = fe_str(c->name);
			if (e == AN_NONE) {
				val[H_EDGE_NAME] = fe_null();
				val[H_EDGE_TYPE] = fe_null();
			} else if (an_heap_edge_is_index(h, e)) {
				an_str s = {num, 0};
				int len = snprintf(num, sizeof(num), "%u",
						   an_heap_edge_index(h, e));
				s.len = (size_t)len;
				val[H_EDGE_NAME] = fe_str(s);
				val[H_EDGE_TYPE] =
					fe_cstr(an_heap_edge_type(h, e));
			} else {
				val[H_EDGE_NAME] =
					fe_str(an_heap_edge_name(h, e));
				val[H_EDGE_TYPE] =
					fe_cstr(an_heap_edge_type(h, e));
			}
			val[H_RETAINED] =
				fe_uint(an_heap_node_retained_size(h, v));
			val[H_DIST] = fe_int(an_heap_node_distance(h, v));
			val[H_TEXT] = fe_call(step_text, &cell);
			fe_table_row(&w, val);
		}
	/* a chain starts at each retainer of n: `all` of them */
	fe_table_cut_of(&w, nch, all, "retainer path|retainer paths",
			FE_CUT_PATHS, (long)(r->o->paths ? r->o->paths :
						   FE_DEFAULT_PATHS),
			!r->o->paths, r->o);
	fe_table_end(&w);
}

static int do_retainers(FILE *f, const hjob *j, const fe_opts *o,
			const char *ids)
{
	const an_heap *h = j->heap;
	uint32_t n, k, nch = 0, all;
	/* -n N is --paths N (0: all, at most 100) */
	uint32_t paths = o->paths ? o->paths :
			 !o->top_set ? FE_DEFAULT_PATHS :
			 o->top == 0 || o->top > 100 ? 100 : (uint32_t)o->top;
	an_heap_retainer *rs = NULL;
	uint32_t steps = o->max_depth >= 0 ? (uint32_t)o->max_depth :
						 FE_DEFAULT_CHAIN_STEPS;
	chain *ch = NULL;
	report_ctx r = {j, o, NULL};
	an_error err;
	int rc = parse_id(ids, j, &n);

	if (rc == FE_EXIT_USAGE)
		return fe_usage_error("heap retainers", "bad object id '%s' "
				      "(want @ID)", ids);
	if (rc)
		return rc;
	ch = calloc((size_t)paths + 1, sizeof(*ch));
	if (!ch) {
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	/* the chains first: the Kth starts at the Kth retainer; a failure
	 * prints no half report (issue 12): nothing on stdout */
	for (k = 0; k < paths; k++) {
		if (an_heap_retainer_chain(&ch[nch].c, &ch[nch].len, h, n, k,
					   steps, &err) < 0) {
			fe_errorf("%s: %s", j->path, err.message);
			rc = FE_EXIT_ERROR;
			break;
		}
		if (k > 0 && ch[nch].len == 0) {
			an_heap_retainers_free(ch[nch].c);
			break; /* no k-th retainer */
		}
		nch++;
	}
	/* a record, not a table, in JSON: the first chain and then the
	 * alternatives */
	all = nch;
	if (rc == FE_EXIT_OK && nch == paths &&
	    an_heap_retainers(&rs, &all, h, n, &err) < 0) {
		rc = fe_fail(j->path, &err);
		all = nch;
	}
	an_heap_retainers_free(rs);
	if (rc == FE_EXIT_OK && o->format == FE_JSON)
		chains_json(f, j->path, h, n, ch, nch, all);
	else if (rc == FE_EXIT_OK)
		chains_table(f, &r, n, ch, nch, all);
	for (k = 0; k < nch; k++)
		an_heap_retainers_free(ch[k].c);
	free(ch);
	return rc;
}

/* heap show --format csv: a row for the object, then one per edge and
 * per retainer, each with the object at the other end in heap top's
 * columns; -n applies to each direction as in text */
enum { W_DIR, W_EDGE_NAME, W_EDGE_TYPE, W_NODE, W_N = W_NODE + O_N };

static const fe_col show_cols[W_N] = {
	{"direction", FE_T_CSTR, FE_IN_CSV, NULL, 0, 0, 0},
	{"edge_name", FE_T_STR, FE_IN_CSV, NULL, 0, 0, 0},
	{"edge_type", FE_T_CSTR, FE_IN_CSV, NULL, 0, 0, 0},
	[W_NODE] = NODE_COLS(FE_IN_DATA, 0, 0),
	[W_NODE + O_PCT] = {NULL, FE_T_PCT, 0, NULL, 0, 0, 0},
	[W_NODE + O_DIST] = {"distance", FE_T_DIST, FE_IN_DATA, NULL, 0, 0, 0},
	[W_NODE + O_OBJECT] = {NULL, FE_T_CALL, 0, NULL, 0, 0, 0},
};
static const fe_table show_table = {show_cols, W_N, "rows", 0};

static void show_csv_row(fe_writer *w, const an_heap *h, const char *dir,
			 uint32_t e, uint32_t n)
{
	char buf[1100], num[16];
	fe_val v[W_N];
	an_str nm = {"", 0};

	v[W_DIR] = fe_cstr(dir);
	v[W_EDGE_NAME] = fe_str(nm);
	v[W_EDGE_TYPE] = fe_cstr(NULL);
	if (e != AN_NONE) {
		if (an_heap_edge_is_index(h, e)) {
			int k = snprintf(num, sizeof(num), "%u",
					 an_heap_edge_index(h, e));
			nm.ptr = num;
			nm.len = (size_t)k;
		} else {
			nm = an_heap_edge_name(h, e);
		}
		v[W_EDGE_NAME] = fe_str(nm);
		v[W_EDGE_TYPE] = fe_cstr(an_heap_edge_type(h, e));
	}
	node_vals(v + W_NODE, h, n, buf);
	fe_table_row(w, v);
}

static void show_csv(FILE *f, const an_heap *h, uint32_t n,
		     const uint32_t *out_e, uint32_t cnt,
		     const an_heap_retainer *r, uint32_t nr, long limit)
{
	fe_writer w;
	uint32_t i;

	fe_table_begin(&w, f, FE_CSV, &show_table, NULL, NULL, 0, NULL, NULL);
	show_csv_row(&w, h, "object", AN_NONE, n);
	for (i = 0; i < cnt && (limit == 0 || i < (uint32_t)limit); i++)
		show_csv_row(&w, h, "edge", out_e[i],
			     an_heap_edge_target(h, out_e[i]));
	for (i = 0; i < nr && (limit == 0 || i < (uint32_t)limit); i++)
		show_csv_row(&w, h, "retainer", r[i].edge, r[i].from);
	fe_table_end(&w);
}

static int do_show(FILE *f, const hjob *j, const fe_opts *o, const char *ids)
{
	const an_heap *h = j->heap;
	uint32_t n, cnt, i, *out_e = NULL, nr = 0, dom;
	an_heap_retainer *r = NULL;
	an_error err;
	long limit = o->top_set ? o->top : FE_DEFAULT_ROWS;
	report_ctx rx = {j, o, NULL};
	int rc = parse_id(ids, j, &n);

	if (rc == FE_EXIT_USAGE)
		return fe_usage_error("heap show", "bad object id '%s' (want "
				      "@ID)", ids);
	if (rc)
		return rc;
	if (an_heap_edges_by_target(&out_e, &cnt, h, n, &err) < 0 ||
	    an_heap_retainers(&r, &nr, h, n, &err) < 0) {
		an_heap_indexes_free(out_e);
		return fe_fail(j->path, &err);
	}
	dom = an_heap_node_dominator(h, n);
	if (o->format == FE_CSV) {
		show_csv(f, h, n, out_e, cnt, r, nr, limit);
	} else if (o->format == FE_JSON) {
		fputs("{\"file\": ", f);
		fe_json_str(f, j->path, strlen(j->path));
		fputs(", ", f);
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
		fputs("]", f);
		/* how many there are, when -n cut them */
		if (limit && cnt > (uint32_t)limit)
			fprintf(f, ", \"total_edges\": %u", cnt);
		if (limit && nr > (uint32_t)limit)
			fprintf(f, ", \"total_retainers\": %u", nr);
		fputs("}\n", f);
	} else {
		char a[32], b[32];
		heap_header(f, &rx);
		node_text(f, h, n, FE_TEXT_NODE_FULL);
		human(a, sizeof(a), an_heap_node_self_size(h, n));
		human(b, sizeof(b), an_heap_node_retained_size(h, n));
		fprintf(f, "\n  type        %s\n  shallow     %" PRIu64
			   " (%s)\n  retained    %" PRIu64 " (%s)\n"
			   "  distance    ",
			an_heap_node_type(h, n), an_heap_node_self_size(h, n),
			a, an_heap_node_retained_size(h, n), b);
		if (fe_dist_known(an_heap_node_distance(h, n)))
			fprintf(f, "%d\n", an_heap_node_distance(h, n));
		else
			fputs("-\n", f);
		fputs("  dominator   ", f);
		if (n == an_heap_root(h))
			fputs("(none: the root)\n", f);
		else {
			node_text(f, h, dom, FE_TEXT_NODE_NAME);
			fputc('\n', f);
		}
		fprintf(f, "edges (%u):\n", cnt);
		for (i = 0; i < cnt && (limit == 0 || i < (uint32_t)limit);
		     i++) {
			uint32_t t = an_heap_edge_target(h, out_e[i]);
			fputs("  ", f);
			edge_text(f, h, out_e[i]);
			fprintf(f, " (%s) -> ", an_heap_edge_type(h, out_e[i]));
			node_text(f, h, t, FE_TEXT_NODE_SHORT);
			human(a, sizeof(a), an_heap_node_retained_size(h, t));
			fprintf(f, "  [retained %s]\n", a);
		}
		if (limit && cnt > (uint32_t)limit)
			fprintf(f, "  ... %u more\n", cnt - (uint32_t)limit);
		fprintf(f, "retainers (%u):\n", nr);
		for (i = 0; i < nr && (limit == 0 || i < (uint32_t)limit);
		     i++) {
			fputs("  ", f);
			node_text(f, h, r[i].from, FE_TEXT_NODE_SHORT);
			fputc(' ', f);
			edge_text(f, h, r[i].edge);
			fprintf(f, " (%s)  [distance ",
				an_heap_edge_type(h, r[i].edge));
			if (fe_dist_known(an_heap_node_distance(h, r[i].from)))
				fprintf(f, "%d]\n",
					an_heap_node_distance(h, r[i].from));
			else
				fputs("-]\n", f);
		}
		if (limit && nr > (uint32_t)limit)
			fprintf(f, "  ... %u more\n", nr - (uint32_t)limit);
	}
	an_heap_indexes_free(out_e);
	an_heap_retainers_free(r);
	return FE_EXIT_OK;
}

enum { D_SEQ, D_PARENT, D_DEPTH, D_NODE, D_N = D_NODE + O_N };

static const fe_col dom_cols[D_N] = {
	{"seq", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"parent", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	{"depth", FE_T_UINT, FE_IN_DATA, NULL, 0, 0, 0},
	NODE_COLS(FE_IN_JSON, 3, 1),
	[D_NODE + O_PCT] = {NULL, FE_T_PCT, 0, "%", 6, 2, 0},
	[D_NODE + O_DIST] = {"distance", FE_T_DIST, FE_IN_JSON, NULL, 0, 0, 0},
	[D_NODE + O_OBJECT] = {NULL, FE_T_CALL, 0, "object", 0, 4, 0},
};
static const fe_table dom_table = {dom_cols, D_N, "nodes", 0};
/* the JSON head of a report about one file */
static const fe_col file_head[] = {
	{"file", FE_T_CSTR, FE_IN_JSON, NULL, 0, 0, 0}};

static int do_dominators(FILE *f, const hjob *j, const fe_opts *o,
			 const char *ids)
{
	const an_heap *h = j->heap;
	uint32_t n = an_heap_root(h), count = 0, i;
	uint64_t hidden = 0;
	const uint32_t *kids;
	long per = o->top_set ? o->top : FE_DEFAULT_DOM_CHILDREN;
	an_heap_dom_row *rows = NULL;
	an_heap_dom_opts dopt;
	report_ctx r = {j, o, NULL};
	an_error err;
	fe_writer w;
	fe_val hv;
	int rc;

	if (ids) {
		rc = parse_id(ids, j, &n);
		if (rc == FE_EXIT_USAGE)
			return fe_usage_error("heap dominators", "bad object "
					      "id '%s' (want @ID)", ids);
		if (rc)
			return rc;
	}
	dopt.max_depth = o->max_depth < 0 ? FE_DEFAULT_DOM_DEPTH :
			 o->max_depth < UINT32_MAX ? (uint32_t)o->max_depth :
						     UINT32_MAX;
	dopt.max_children = per > 0 && per < UINT32_MAX ? (uint32_t)per : 0;
	dopt.min_percent = o->min_percent;
	dopt.min_size = o->min_size;
	if (an_heap_dominator_rows(&rows, &count, h, n, &dopt, &err) < 0)
		return fe_fail(j->path, &err);
	hv = fe_cstr(j->path);
	fe_table_begin(&w, f, o->format, &dom_table, file_head, &hv, 1,
		       heap_header, &r);
	for (i = 0; i < count; i++) {
		uint32_t v = rows[i].node, d = rows[i].depth;
		char buf[1100];
		fe_val val[D_N];
		node_cell cell;
		val[D_SEQ] = fe_uint(i + 1);
		val[D_PARENT] = fe_uint(rows[i].parent == AN_NONE ?
						0 :
						(uint64_t)rows[i].parent + 1);
		val[D_DEPTH] = fe_uint(d);
		node_vals(val + D_NODE, h, v, buf);
		cell.h = h;
		cell.n = v;
		cell.max = FE_TEXT_NODE_SHORT;
		cell.indent = (int)(2 * (d < FE_TEXT_DOM_DEPTH ?
						 d :
						 FE_TEXT_DOM_DEPTH));
		val[D_NODE + O_OBJECT] = fe_call(node_cell_text, &cell);
		fe_table_row(&w, val);
		hidden += an_heap_node_dominated(h, v, &kids);
	}
	/* every row but the first is a dominated node of a row: the rest
	 * of their dominated nodes were cut */
	hidden -= count ? count - 1 : 0;
	fe_table_cut_tree(&w, hidden, "object|objects",
			  (per > 0 ? FE_CUT_N : 0) | FE_CUT_DEPTH |
				  FE_CUT_PERCENT | FE_CUT_SIZE,
			  per, !o->top_set, (long)dopt.max_depth, o);
	fe_table_end(&w);
	an_heap_dominator_rows_free(rows);
	return FE_EXIT_OK;
}

/* ---- dispatch ---- */

/* options, help texts and examples: fe/fe_cmdtab.c */
static const fe_subcmd hsubs[] = {
	{"summary", NULL, 0, 1, 1},
	{"top", NULL, 0, 1, 1},
	{"show", NULL, 0, 2, 2},
	{"dominators", NULL, 0, 1, 2},
	{"retainers", NULL, 0, 2, 2},
	{"flame", NULL, 0, 1, 1},
	{"diff", NULL, 0, 2, 2},
	{"leaks", NULL, 0, 2, 3},
};

int cmd_heap(int argc, char **argv)
{
	const fe_subcmd *sc;
	char cmdname[32];
	fe_opts o;
	fe_out out;
	hjob j;
	int rc;

	rc = fe_parse_group(&o, &sc, cmdname, sizeof(cmdname), argc, argv,
			    "heap", help_heap, hsubs,
			    sizeof(hsubs) / sizeof(hsubs[0]));
	if (!sc)
		return rc;
	if (!strcmp(sc->name, "leaks")) {
		rc = run_leaks(&o, cmdname);
		fe_opts_free(&o);
		return rc;
	}
	if (!strcmp(sc->name, "diff")) {
		if (o.nargs != 2)
			rc = fe_usage_error(cmdname, "%s needs BASE and TARGET",
					    cmdname);
		else if (!strcmp(o.args[0], "-") && !strcmp(o.args[1], "-"))
			rc = fe_usage_error(cmdname, "only one of BASE and "
					    "TARGET can be '-'");
		else if (fe_wants_picture(&o) && o.sort &&
			 strcmp(o.sort, "name") && strcmp(o.sort, "weight"))
			rc = fe_usage_error(cmdname, "--sort must be name or "
					    "weight for a picture");
		else if (fe_wants_picture(&o) && o.explain_set)
			rc = fe_usage_error(cmdname, "--explain is for the "
					    "table, not the picture");
		else if (!fe_wants_picture(&o) && o.sort &&
			 strcmp(o.sort, "alloc") && strcmp(o.sort, "delta") &&
			 strcmp(o.sort, "freed") && strcmp(o.sort, "count"))
			rc = fe_usage_error(cmdname, "--sort must be alloc, "
					    "delta, freed or count");
		else
			rc = run_diff(&o, cmdname);
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
	if (!strcmp(sc->name, "flame")) {
		rc = run_flame(&o, cmdname);
		fe_opts_free(&o);
		return rc;
	}
	rc = hjob_load(&j, o.args[0], o.db != NULL, NULL);
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
		rc = fe_out_finish(&out, rc);
	}
	hjob_free(&j);
	fe_opts_free(&o);
	return rc;
}

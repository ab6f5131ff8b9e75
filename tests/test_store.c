/*
 * test_store.c - the SQLite results database (store.c): schema and row
 * values against a hand-computed profile and a hand-checked heap
 * snapshot, replacement by sha256, atomicity of abandoned runs, refusal
 * of foreign files and newer schemas, the upgrade of a version-1
 * database, heap_object limits, and byte-exact round trips of hostile
 * names.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "analyze/store.h"
#include "fixture.h"

/*
 * Hand-made profile. Tree (node id: function):
 *
 *   10 (root) ─┬─ 20 main (app.js:1:1) ─┬─ 30 foo (app.js:5:3)
 *              │                        └─ 40 bar (lib.js:10:1)
 *              └─ 50 (idle)
 *
 * samples 20,30,30,20,40,50 at t = 0,10,...,50: every sample lasts 10 µs
 * (the last one lasts the mean interval, 50 / 5 = 10). Total 60 µs.
 *   node self:  root 0, main 20, foo 20, bar 10, idle 10
 *   node total: root 60, main 50, foo 20, bar 10, idle 10
 * Hot lines: 6 hits over a 60 µs sampled span = 10 µs per tick:
 *   app.js:1 2 ticks 20 µs; app.js:5, app.js:6, lib.js:10 1 tick 10 µs.
 */
#define NODE(id, name, script, url, line, col, hits, rest)                    \
	"{\"id\":" #id ",\"callFrame\":{\"functionName\":\"" name             \
	"\",\"scriptId\":\"" script "\",\"url\":\"" url                       \
	"\",\"lineNumber\":" #line ",\"columnNumber\":" #col                  \
	"},\"hitCount\":" #hits rest "}"

#define PROFILE(foo_name)                                                     \
	"{\"nodes\":["                                                        \
	NODE(10, "(root)", "0", "", -1, -1, 0,                                \
	     ",\"children\":[20,50]") ","                                     \
	NODE(20, "main", "7", "file:///app.js", 0, 0, 2,                      \
	     ",\"children\":[30,40],\"positionTicks\":"                       \
	     "[{\"line\":1,\"ticks\":2}]") ","                                \
	NODE(30, foo_name, "7", "file:///app.js", 4, 2, 2,                    \
	     ",\"positionTicks\":[{\"line\":5,\"ticks\":1},"                  \
	     "{\"line\":6,\"ticks\":1}]") ","                                 \
	NODE(40, "bar", "8", "file:///lib.js", 9, 0, 1,                       \
	     ",\"positionTicks\":[{\"line\":10,\"ticks\":1}]") ","            \
	NODE(50, "(idle)", "0", "", -1, -1, 1, "")                            \
	"],\"startTime\":0,\"endTime\":60,"                                   \
	"\"samples\":[20,30,30,20,40,50],"                                    \
	"\"timeDeltas\":[0,10,10,10,10,10]}"

static const char profile_json[] = PROFILE("foo");
/* quote, apostrophe, semicolon, newline, NUL, backslash, non-ASCII */
static const char hostile_json[] =
	PROFILE("q\\\"u'o;te\\n\\u0000x\\\\y\\u00e9");
static const char hostile_name[] = "q\"u'o;te\n\0x\\y\xc3\xa9";
#define HOSTILE_LEN (sizeof(hostile_name) - 1)

static const char meta_json[] = "{\"samples\":6,\"nodes\":5}";

/* A loaded and analysed profile plus what the artifact row needs. */
typedef struct fixture {
	an_source *src;
	an_profile *p;
	an_cpu *c;
	char sha[65];
	size_t bytes;
} fixture;

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp failed");
}

static void teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

TestSuite(store, .init = setup, .fini = teardown, .timeout = 30);

static void dbpath(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static void load_opts(fixture *f, const char *json, const an_cpu_opts *o)
{
	an_error err;
	int rc;

	memset(f, 0, sizeof(*f));
	f->bytes = strlen(json);
	rc = an_source_open_memory(&f->src, json, f->bytes, "mem", &err);
	cr_assert_eq(rc, AN_OK, "open_memory: %s", err.message);
	cr_assert_eq(an_source_enable_sha256(f->src), AN_OK);
	rc = an_profile_load(&f->p, f->src, NULL, &err);
	cr_assert_eq(rc, AN_OK, "profile_load: %s", err.message);
	an_source_sha256(f->src, f->sha);
	rc = an_cpu_analyze(&f->c, f->p, o, &err);
	cr_assert_eq(rc, AN_OK, "cpu_analyze: %s", err.message);
}

static void load(fixture *f, const char *json)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;

	load_opts(f, json, &o);
}

static void unload(fixture *f)
{
	an_cpu_free(f->c);
	an_profile_free(f->p);
	an_source_free(f->src);
}

/* Stores artifact + CPU analysis in an open store; returns the id. */
static int64_t put(an_store *s, const fixture *f, const char *path)
{
	an_artifact_info info;
	an_error err;
	int64_t id = -1;
	int rc;

	memset(&info, 0, sizeof(info));
	info.path = path;
	info.sha256 = f->sha;
	info.kind = an_profile_kind(f->p);
	info.bytes = f->bytes;
	info.meta_json = meta_json;
	rc = an_store_artifact(&id, s, &info, &err);
	cr_assert_eq(rc, AN_OK, "store_artifact: %s", err.message);
	rc = an_store_cpu(s, id, f->c, &err);
	cr_assert_eq(rc, AN_OK, "store_cpu: %s", err.message);
	return id;
}

/* One complete committed run. */
static int64_t store_run(const char *db, const fixture *f, const char *path)
{
	an_store *s;
	an_error err;
	int64_t id;
	int rc;

	rc = an_store_open(&s, db, &err);
	cr_assert_eq(rc, AN_OK, "store_open %s: %s", db, err.message);
	id = put(s, f, path);
	rc = an_store_commit(s, &err);
	cr_assert_eq(rc, AN_OK, "commit: %s", err.message);
	an_store_close(s);
	return id;
}

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
		     SQLITE_OK, "sqlite3_open %s", path);
	return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
		     "prepare '%s': %s", sql, sqlite3_errmsg(db));
	return st;
}

/* Value of a one-row, one-column integer query. */
static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prep(db, sql);
	int64_t v;

	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no row for '%s'", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void assert_same_bytes(const char *path, const char *before,
			      size_t before_len)
{
	size_t len;
	char *after = slurp(path, &len);

	cr_assert_eq(len, before_len, "%s changed size: %zu -> %zu", path,
		     before_len, len);
	cr_assert(memcmp(before, after, len) == 0, "%s changed", path);
	free(after);
}

/* Files in the temp dir other than those named in `keep`. */
static int stray_files(const char *keep)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    (keep && strcmp(e->d_name, keep) == 0))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Function index of `name` in the profile (AN_NONE when absent). */
static uint32_t fn_index(const an_profile *p, const char *name, size_t len)
{
	uint32_t i, n = an_profile_function_count(p);

	for (i = 0; i < n; i++) {
		const an_function *f = an_profile_function(p, i);
		if (f->name.len == len && memcmp(f->name.ptr, name, len) == 0)
			return i;
	}
	return AN_NONE;
}

Test(store, creates_schema_and_artifact_row)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t id;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	id = store_run(db, &f, "some/dir/app.cpuprofile");
	cr_expect_eq(stray_files("out.db"), 0, "temporary file left behind");

	h = db_open(db);
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 2);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM sqlite_master WHERE "
			      "type = 'table' AND name IN ('artifact', "
			      "'cpu_function', 'cpu_node', 'cpu_line', "
			      "'heap_class', 'heap_object')"),
		     6);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 1);
	st = prep(h, "SELECT id, path, sha256, kind, bytes, tool_version, "
		     "meta, analysed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]"
		     "-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z', "
		     "abs(strftime('%s', 'now') - strftime('%s', "
		     "analysed_at)) < 300 FROM artifact");
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int64(st, 0), id);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 1),
			 "some/dir/app.cpuprofile");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 2), f.sha);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 3),
			 "cpuprofile");
	cr_expect_eq(sqlite3_column_int64(st, 4), (int64_t)f.bytes);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 5),
			 an_version());
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 6), meta_json);
	cr_expect_eq(sqlite3_column_int(st, 7), 1, "analysed_at format");
	cr_expect_eq(sqlite3_column_int(st, 8), 1, "analysed_at is now");
	sqlite3_finalize(st);
	sqlite3_close(h);
	unload(&f);
}

Test(store, functions_have_hand_derived_values)
{
	static const struct {
		const char *name, *url, *script, *kind;
		int line, col; /* 0 = NULL */
		int64_t self_us, total_us;
		double self_pct, total_pct;
	} want[] = {
		/* ordered by self desc, total desc, name */
		{"main", "file:///app.js", "7", "js", 1, 1, 20, 50,
		 100.0 / 3, 500.0 / 6},
		{"foo", "file:///app.js", "7", "js", 5, 3, 20, 20, 100.0 / 3,
		 100.0 / 3},
		{"(idle)", "", "0", "idle", 0, 0, 10, 10, 100.0 / 6,
		 100.0 / 6},
		{"bar", "file:///lib.js", "8", "js", 10, 1, 10, 10, 100.0 / 6,
		 100.0 / 6},
	};
	fixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "app.cpuprofile");
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 4);
	st = prep(h, "SELECT function_index, name, url, line, col, "
		     "script_id, kind, self_us, total_us, self_pct, "
		     "total_pct FROM cpu_function "
		     "ORDER BY self_us DESC, total_us DESC, name");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *name = want[i].name;

		cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "row %zu", i);
		cr_expect_eq(sqlite3_column_int64(st, 0),
			     fn_index(f.p, name, strlen(name)), "%s", name);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 1),
				 name);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 2),
				 want[i].url, "%s", name);
		if (want[i].line) {
			cr_expect_eq(sqlite3_column_int(st, 3), want[i].line,
				     "%s line", name);
			cr_expect_eq(sqlite3_column_int(st, 4), want[i].col,
				     "%s col", name);
		} else {
			cr_expect_eq(sqlite3_column_type(st, 3), SQLITE_NULL,
				     "%s line", name);
			cr_expect_eq(sqlite3_column_type(st, 4), SQLITE_NULL,
				     "%s col", name);
		}
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 5),
				 want[i].script, "%s", name);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 6),
				 want[i].kind, "%s", name);
		cr_expect_eq(sqlite3_column_int64(st, 7), want[i].self_us,
			     "%s self", name);
		cr_expect_eq(sqlite3_column_int64(st, 8), want[i].total_us,
			     "%s total", name);
		cr_expect_float_eq(sqlite3_column_double(st, 9),
				   want[i].self_pct, 1e-9, "%s", name);
		cr_expect_float_eq(sqlite3_column_double(st, 10),
				   want[i].total_pct, 1e-9, "%s", name);
	}
	cr_expect_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	unload(&f);
}

Test(store, nodes_have_hand_derived_values)
{
	static const struct {
		int64_t id, parent_id; /* parent 0 = root, no parent */
		const char *fn;
		int depth;
		int64_t hits, self_us, total_us;
	} want[] = {
		{10, 0, "(root)", 0, 0, 0, 60},
		{20, 10, "main", 1, 2, 20, 50},
		{30, 20, "foo", 2, 2, 20, 20},
		{40, 20, "bar", 2, 1, 10, 10},
		{50, 10, "(idle)", 1, 1, 10, 10},
	};
	fixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "app.cpuprofile");
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	cr_expect_eq(q_int(h, "SELECT node_id FROM cpu_node "
			      "WHERE node_index = 0 AND parent_index IS NULL"),
		     10, "root is node 0 without parent");
	st = prep(h, "SELECT n.node_index, p.node_id, n.function_index, "
		     "n.depth, n.hit_count, n.self_us, n.total_us "
		     "FROM cpu_node n LEFT JOIN cpu_node p "
		     "ON p.artifact_id = n.artifact_id "
		     "AND p.node_index = n.parent_index WHERE n.node_id = ?");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t id = want[i].id;
		const char *fn = want[i].fn;
		uint32_t k, idx = AN_NONE;

		for (k = 0; k < an_profile_node_count(f.p); k++)
			if (an_profile_node_id(f.p, k) == id)
				idx = k;
		sqlite3_bind_int64(st, 1, id);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "node %lld",
			     (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 0), idx, "node %lld",
			     (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 1), want[i].parent_id,
			     "parent of %lld", (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 2),
			     fn_index(f.p, fn, strlen(fn)), "fn of %lld",
			     (long long)id);
		cr_expect_eq(sqlite3_column_int(st, 3), want[i].depth,
			     "depth of %lld", (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 4), want[i].hits,
			     "hits of %lld", (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 5), want[i].self_us,
			     "self of %lld", (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 6), want[i].total_us,
			     "total of %lld", (long long)id);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	unload(&f);
}

Test(store, lines_have_hand_derived_values)
{
	static const struct {
		const char *url;
		int line;
		int64_t ticks, self_us;
		const char *fn;
	} want[] = {
		{"file:///app.js", 1, 2, 20, "main"},
		{"file:///app.js", 5, 1, 10, "foo"},
		{"file:///app.js", 6, 1, 10, "foo"},
		{"file:///lib.js", 10, 1, 10, "bar"},
	};
	fixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "app.cpuprofile");
	h = db_open(db);
	st = prep(h, "SELECT url, line, ticks, self_us, function_index "
		     "FROM cpu_line ORDER BY url, line");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *fn = want[i].fn;

		cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "line row %zu", i);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 0),
				 want[i].url);
		cr_expect_eq(sqlite3_column_int(st, 1), want[i].line);
		cr_expect_eq(sqlite3_column_int64(st, 2), want[i].ticks,
			     "ticks of line %d", want[i].line);
		cr_expect_eq(sqlite3_column_int64(st, 3), want[i].self_us,
			     "self of line %d", want[i].line);
		cr_expect_eq(sqlite3_column_int64(st, 4),
			     fn_index(f.p, fn, strlen(fn)), "fn of line %d",
			     want[i].line);
	}
	cr_expect_eq(sqlite3_step(st), SQLITE_DONE, "extra line rows");
	sqlite3_finalize(st);
	sqlite3_close(h);
	unload(&f);
}

Test(store, same_sha256_replaces_rows)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "first.cpuprofile");
	store_run(db, &f, "second.cpuprofile");
	/* and twice within one run */
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &f, "third.cpuprofile");
	put(s, &f, "fourth.cpuprofile");
	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	an_store_close(s);

	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact "
			      "WHERE path = 'fourth.cpuprofile'"),
		     1, "the last store wins");
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 4);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_line"), 4);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node WHERE "
			      "artifact_id NOT IN (SELECT id FROM artifact)"),
		     0, "orphan rows");
	sqlite3_close(h);
	unload(&f);
}

Test(store, storing_cpu_twice_replaces_rows)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;
	int64_t id;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	id = put(s, &f, "a.cpuprofile");
	cr_assert_eq(an_store_cpu(s, id, f.c, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	an_store_close(s);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 4);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_line"), 4);
	sqlite3_close(h);
	unload(&f);
}

Test(store, different_artifacts_accumulate)
{
	fixture a, b;
	char db[256];
	sqlite3 *h;
	int64_t ia, ib;

	load(&a, profile_json);
	load(&b, hostile_json);
	cr_assert_str_neq(a.sha, b.sha);
	dbpath(db, sizeof(db), "out.db");
	ia = store_run(db, &a, "a.cpuprofile");
	ib = store_run(db, &b, "b.cpuprofile");
	cr_expect_neq(ia, ib);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 2);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 8);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 10);
	sqlite3_close(h);
	unload(&a);
	unload(&b);
}

Test(store, abandoned_run_leaves_existing_db_identical)
{
	fixture a, b;
	char db[256];
	char *before;
	size_t len;
	an_store *s;
	an_error err;

	load(&a, profile_json);
	load(&b, hostile_json);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &a, "a.cpuprofile");
	before = slurp(db, &len);

	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &b, "b.cpuprofile"); /* new artifact */
	put(s, &a, "a2.cpuprofile"); /* replaces the existing one */
	an_store_close(s);

	assert_same_bytes(db, before, len);
	cr_expect_eq(stray_files("out.db"), 0, "journal left behind");
	free(before);
	unload(&a);
	unload(&b);
}

Test(store, abandoned_run_leaves_no_new_file)
{
	fixture f;
	char db[256];
	an_store *s;
	an_error err;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "new.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &f, "a.cpuprofile");
	cr_expect_not(exists(db), "database visible before commit");
	an_store_close(s);
	cr_expect_not(exists(db), "database created without commit");
	cr_expect_eq(stray_files(NULL), 0, "temporary file left behind");
	unload(&f);
}

Test(store, file_created_meanwhile_is_not_replaced)
{
	static const char other[] = "written by another process\n";
	fixture f;
	char db[256];
	an_store *s;
	an_error err;
	FILE *fp;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "race.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &f, "a.cpuprofile");
	fp = fopen(db, "wb");
	cr_assert_not_null(fp);
	fwrite(other, 1, sizeof(other) - 1, fp);
	fclose(fp);
	cr_expect_eq(an_store_commit(s, &err), AN_EIO);
	an_store_close(s);
	assert_same_bytes(db, other, sizeof(other) - 1);
	cr_expect_eq(stray_files("race.db"), 0, "temporary file left behind");
	unload(&f);
}

Test(store, new_file_gets_umask_permissions)
{
	fixture f;
	char db[256];
	struct stat sb;

	umask(022);
	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "a.cpuprofile");
	cr_assert_eq(stat(db, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0644, "mode %o",
		     (unsigned)(sb.st_mode & 0777));
	unload(&f);
}

Test(store, empty_existing_file_is_used_and_restored)
{
	fixture f;
	char db[256];
	FILE *fp;
	an_store *s;
	an_error err;
	struct stat sb;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "empty.db");
	fp = fopen(db, "wb");
	cr_assert_not_null(fp);
	fclose(fp);
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &f, "a.cpuprofile");
	an_store_close(s);
	cr_assert_eq(stat(db, &sb), 0);
	cr_expect_eq(sb.st_size, 0, "empty file written to");
	unload(&f);
}

Test(store, not_a_database_is_eio_and_untouched)
{
	static const char junk[] =
		"this is not an SQLite database, just some text that is long "
		"enough to cover the 100-byte SQLite header and then some "
		"more bytes\n";
	char db[256];
	an_store *s = (an_store *)1;
	an_error err;
	FILE *fp;

	dbpath(db, sizeof(db), "junk.db");
	fp = fopen(db, "wb");
	cr_assert_not_null(fp);
	fwrite(junk, 1, sizeof(junk) - 1, fp);
	fclose(fp);

	cr_expect_eq(an_store_open(&s, db, &err), AN_EIO);
	cr_expect_null(s);
	cr_expect_eq(err.code, AN_EIO);
	cr_expect_not_null(strstr(err.message, "file is not a database"),
			   "message: %s", err.message);
	assert_same_bytes(db, junk, sizeof(junk) - 1);
	cr_expect_eq(stray_files("junk.db"), 0, "journal left behind");
}

Test(store, newer_schema_is_eformat_and_untouched)
{
	char db[256];
	char *before;
	size_t len;
	sqlite3 *h = NULL;
	an_store *s;
	an_error err;

	dbpath(db, sizeof(db), "future.db");
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "CREATE TABLE x(y); "
				     "PRAGMA user_version = 3",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(h);
	before = slurp(db, &len);

	cr_expect_eq(an_store_open(&s, db, &err), AN_EFORMAT);
	cr_expect_null(s);
	cr_expect_not_null(strstr(err.message, "version 3"), "message: %s",
			   err.message);
	assert_same_bytes(db, before, len);
	free(before);
}

Test(store, negative_schema_version_is_eformat_and_untouched)
{
	char db[256];
	char *before;
	size_t len;
	sqlite3 *h = NULL;
	an_store *s;
	an_error err;

	dbpath(db, sizeof(db), "foreign.db");
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "CREATE TABLE x(y); "
				     "PRAGMA user_version = -1",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(h);
	before = slurp(db, &len);
	cr_expect_eq(an_store_open(&s, db, &err), AN_EFORMAT);
	cr_expect_null(s);
	assert_same_bytes(db, before, len);
	free(before);
}

Test(store, missing_directory_is_eio)
{
	char db[256];
	an_store *s;
	an_error err;

	dbpath(db, sizeof(db), "no/such/dir/out.db");
	cr_expect_eq(an_store_open(&s, db, &err), AN_EIO);
	cr_expect_null(s);
	cr_expect_eq(stray_files(NULL), 0);
}

Test(store, hostile_name_round_trips)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	uint32_t fn;

	load(&f, hostile_json);
	fn = fn_index(f.p, hostile_name, HOSTILE_LEN);
	cr_assert_neq(fn, AN_NONE, "loader changed the hostile name");
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "it's \"hostile\".cpuprofile");
	h = db_open(db);
	st = prep(h, "SELECT name, self_us FROM cpu_function "
		     "WHERE function_index = ?");
	sqlite3_bind_int64(st, 1, fn);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_bytes(st, 0), (int)HOSTILE_LEN);
	cr_expect(memcmp(sqlite3_column_blob(st, 0), hostile_name,
			 HOSTILE_LEN) == 0,
		  "name bytes differ");
	cr_expect_eq(sqlite3_column_int64(st, 1), 20);
	sqlite3_finalize(st);
	/* and it is findable by an exact, bound comparison */
	st = prep(h, "SELECT count(*) FROM cpu_function WHERE name = ?");
	sqlite3_bind_text(st, 1, hostile_name, (int)HOSTILE_LEN,
			  SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact WHERE path = "
			      "'it''s \"hostile\".cpuprofile'"),
		     1);
	sqlite3_close(h);
	unload(&f);
}

Test(store, windowed_cpuprofile_stores_no_lines)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	fixture f;
	char db[256];
	sqlite3 *h;

	o.from_us = 0;
	o.to_us = 20; /* samples at 0 and 10: main 10, foo 10 */
	load_opts(&f, profile_json, &o);
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &f, "a.cpuprofile");
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_line"), 0);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 2);
	cr_expect_eq(q_int(h, "SELECT self_us FROM cpu_function "
			      "WHERE name = 'foo'"),
		     10);
	cr_expect_float_eq((double)q_int(h, "SELECT total_pct * 1000 FROM "
					    "cpu_function WHERE name = "
					    "'main'"),
			   100000.0, 1e-6);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	sqlite3_close(h);
	unload(&f);
}

Test(store, failed_call_keeps_transaction_usable)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;
	an_artifact_info info;
	int64_t id = 0;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &f, "a.cpuprofile");

	cr_expect_eq(an_store_cpu(s, 9999, f.c, &err), AN_ENOTFOUND);
	memset(&info, 0, sizeof(info));
	info.path = "b";
	info.sha256 = "not-a-hash";
	cr_expect_eq(an_store_artifact(&id, s, &info, &err), AN_EINVAL);
	info.sha256 = "ABCDEF0123456789ABCDEF0123456789"
		      "ABCDEF0123456789ABCDEF0123456789";
	cr_expect_eq(an_store_artifact(&id, s, &info, &err), AN_EINVAL,
		     "uppercase hex would defeat the sha256 key");
	info.sha256 = "00000000000000000000000000000000"
		      "00000000000000000000000000000000";
	info.meta_json = "[1, 2";
	cr_expect_eq(an_store_artifact(&id, s, &info, &err), AN_EINVAL);
	info.meta_json = "[1, 2]";
	cr_expect_eq(an_store_artifact(&id, s, &info, &err), AN_EINVAL,
		     "meta must be an object");

	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	cr_expect_eq(an_store_commit(s, &err), AN_EINVAL);
	cr_expect_eq(an_store_cpu(s, 1, f.c, &err), AN_EINVAL,
		     "write after commit");
	an_store_close(s);

	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	sqlite3_close(h);
	unload(&f);
}

Test(store, meta_may_be_null)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;
	an_artifact_info info;
	int64_t id = 0;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	memset(&info, 0, sizeof(info));
	info.path = "a";
	info.sha256 = f.sha;
	info.kind = AN_KIND_CPUPROFILE;
	cr_assert_eq(an_store_artifact(&id, s, &info, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	an_store_close(s);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact "
			      "WHERE meta IS NULL"),
		     1);
	sqlite3_close(h);
	unload(&f);
}

Test(store, close_accepts_null)
{
	an_store_close(NULL);
}

/* ---- heap snapshots ---- */

/* A loaded heap snapshot plus what the artifact row needs. */
typedef struct hfixture {
	an_source *src;
	an_heap *h;
	char sha[65];
	uint64_t bytes;
} hfixture;

static void hload_src(hfixture *f)
{
	an_error err;
	int rc;

	cr_assert_eq(an_source_enable_sha256(f->src), AN_OK);
	rc = an_heap_load(&f->h, f->src, NULL, &err);
	cr_assert_eq(rc, AN_OK, "heap_load: %s", err.message);
	an_source_sha256(f->src, f->sha);
	f->bytes = an_source_raw_bytes(f->src);
}

static void hload(hfixture *f, const char *rel)
{
	an_error err;
	int rc;

	memset(f, 0, sizeof(*f));
	rc = an_source_open_path(&f->src, fx_path(rel), &err);
	cr_assert_eq(rc, AN_OK, "open %s: %s", rel, err.message);
	hload_src(f);
}

static void hload_mem(hfixture *f, const char *json, size_t len)
{
	an_error err;
	int rc;

	memset(f, 0, sizeof(*f));
	rc = an_source_open_memory(&f->src, json, len, "mem", &err);
	cr_assert_eq(rc, AN_OK, "open_memory: %s", err.message);
	hload_src(f);
}

static void hunload(hfixture *f)
{
	an_heap_free(f->h);
	an_source_free(f->src);
}

/* Stores artifact + heap analysis in an open store; returns the id. */
static int64_t hput(an_store *s, const hfixture *f, const char *path,
		    uint32_t top)
{
	an_artifact_info info;
	an_error err;
	int64_t id = -1;
	int rc;

	memset(&info, 0, sizeof(info));
	info.path = path;
	info.sha256 = f->sha;
	info.kind = AN_KIND_HEAPSNAPSHOT;
	info.bytes = f->bytes;
	info.meta_json = "{\"node_count\": 17}";
	rc = an_store_artifact(&id, s, &info, &err);
	cr_assert_eq(rc, AN_OK, "store_artifact: %s", err.message);
	rc = an_store_heap(s, id, f->h, top, &err);
	cr_assert_eq(rc, AN_OK, "store_heap: %s", err.message);
	return id;
}

static int64_t hstore_run(const char *db, const hfixture *f,
			  const char *path, uint32_t top)
{
	an_store *s;
	an_error err;
	int64_t id;
	int rc;

	rc = an_store_open(&s, db, &err);
	cr_assert_eq(rc, AN_OK, "store_open %s: %s", db, err.message);
	id = hput(s, f, path, top);
	rc = an_store_commit(s, &err);
	cr_assert_eq(rc, AN_OK, "commit: %s", err.message);
	an_store_close(s);
	return id;
}

/* NULL column -> -1 */
static int64_t col_or(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? -1
		       : sqlite3_column_int64(st, i);
}

/*
 * fixtures/heap/tiny.heapsnapshot, checked by hand against the file (see
 * the node and edge lists there) and against `profkit heap summary`:
 *
 * - Shallow sizes after DevTools' reassignment: the WeakMap's table
 *   (array @9, 64) moves to the WeakMap (24 + 64 = 88); the Oddball
 *   (hidden @29, 16), held only by Object @13, moves there (32 + 16); the
 *   ExternalStringData (native @25, 4096) moves to its external string
 *   (40 + 4096); the PropertyArray @17 has two owners and keeps its 24.
 * - Dominators over essential edges: the WeakMap table -> value edge
 *   (table @9 -> @13) is not essential, so @13 hangs off its key @11;
 *   the external string @23 is page-owned, so the edge from (GC roots)
 *   is ignored and the Context @21 dominates it; Lonely @33 is only
 *   weakly held and hangs off the root.
 * - Distances: global 1 (the user root); @13 is 4 = max(key 2, table 3)
 *   + 1 (ephemeron); Lonely none (weak edge only).
 * - Total 4568 = sum of all self sizes, the root's retained size.
 */
static const struct hclass_want {
	const char *name;
	int64_t script_id, line, col; /* -1 = NULL */
	int64_t count, self_size, retained_size, distance;
} tiny_classes[] = {
	{"global", -1, -1, -1, 1, 40, 4520, 1},
	{"system / Context", -1, -1, -1, 1, 40, 4176, 2},
	{"(string)", -1, -1, -1, 2, 4160, 4160, 3},
	{"{a, b}", -1, -1, -1, 2, 80, 104, 2},
	{"WeakMap", -1, -1, -1, 1, 88, 88, 2},
	{"Lonely", 3, 11, 5, 1, 48, 48, -1},
	{"Array", -1, -1, -1, 1, 32, 32, 2},
	{"Function", -1, -1, -1, 1, 32, 32, 2},
	{"(system)", -1, -1, -1, 1, 24, 24, 3},
	{"WeakRef", -1, -1, -1, 1, 24, 24, 2},
	/* no members with a non-zero shallow size: no Summary row */
	{"(synthetic)", -1, -1, -1, 0, 0, 0, -1},
	{"(array)", -1, -1, -1, 0, 0, 0, -1},
	{"system / ExternalStringData", -1, -1, -1, 0, 0, 0, -1},
};

static const struct hobject_want {
	int64_t id;
	const char *cls, *type, *name;
	int64_t self_size, retained_size, distance, dominator_id;
} tiny_objects[] = {
	{1, "(synthetic)", "synthetic", "", 0, 4568, -1, -1},
	{3, "(synthetic)", "synthetic", "(GC roots)", 0, 0, -1, 1},
	{5, "global", "object", "global", 40, 4520, 1, 1},
	{7, "WeakMap", "object", "WeakMap", 88, 88, 2, 5},
	{9, "(array)", "array", "", 0, 0, 3, 7},
	{11, "{a, b}", "object", "{a, b}", 32, 104, 2, 5},
	{13, "{a, b}", "object", "{a, b}", 48, 48, 4, 11},
	{15, "(string)", "string", "hello", 24, 24, 3, 5},
	{17, "(system)", "hidden", "system / PropertyArray", 24, 24, 3, 11},
	{19, "Function", "closure", "onTick", 32, 32, 2, 5},
	{21, "system / Context", "object", "system / Context", 40, 4176, 2,
	 5},
	{23, "(string)", "string",
	 "external text: a source string whose characters live outside "
	 "the V8 heap",
	 4136, 4136, 3, 21},
	{25, "system / ExternalStringData", "native",
	 "system / ExternalStringData", 0, 0, 4, 23},
	{27, "Array", "object", "Array", 32, 32, 2, 5},
	{29, "(system)", "hidden", "system / Oddball", 0, 0, 5, 13},
	{31, "WeakRef", "object", "WeakRef", 24, 24, 2, 5},
	{33, "Lonely", "object", "Lonely", 48, 48, -1, 1},
};

#define NWANT(a) (sizeof(a) / sizeof((a)[0]))

Test(store, heap_classes_have_hand_checked_values)
{
	hfixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;

	hload(&f, "heap/tiny.heapsnapshot");
	dbpath(db, sizeof(db), "out.db");
	hstore_run(db, &f, "tiny.heapsnapshot", AN_STORE_ALL_OBJECTS);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_class"),
		     (int64_t)NWANT(tiny_classes));
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_class "
			      "WHERE count > 0"),
		     10, "one row per Summary row");
	cr_expect_eq(q_int(h, "SELECT kind = 'heapsnapshot' FROM artifact"),
		     1);
	st = prep(h, "SELECT class_index, script_id, line, col, count, "
		     "self_size, retained_size, distance FROM heap_class "
		     "WHERE name = ?");
	for (i = 0; i < NWANT(tiny_classes); i++) {
		const struct hclass_want *w = &tiny_classes[i];
		const an_heap_class *c;

		sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "class %s",
			     w->name);
		c = an_heap_class_get(f.h,
				      (uint32_t)sqlite3_column_int64(st, 0));
		cr_expect_eq(c->name.len, strlen(w->name), "index of %s",
			     w->name);
		cr_expect_eq(col_or(st, 1), w->script_id, "%s", w->name);
		cr_expect_eq(col_or(st, 2), w->line, "%s line", w->name);
		cr_expect_eq(col_or(st, 3), w->col, "%s col", w->name);
		cr_expect_eq(col_or(st, 4), w->count, "%s count", w->name);
		cr_expect_eq(col_or(st, 5), w->self_size, "%s self", w->name);
		cr_expect_eq(col_or(st, 6), w->retained_size, "%s retained",
			     w->name);
		cr_expect_eq(col_or(st, 7), w->distance, "%s distance",
			     w->name);
		cr_expect_eq(sqlite3_step(st), SQLITE_DONE, "%s twice",
			     w->name);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* the Summary is the classes with members, in this order */
	st = prep(h, "SELECT name FROM heap_class WHERE count > 0 "
		     "ORDER BY retained_size DESC, name");
	for (i = 0; i < 10; i++) {
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 0),
				 tiny_classes[i].name, "summary row %zu", i);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	hunload(&f);
}

Test(store, heap_objects_have_hand_checked_values)
{
	hfixture f;
	char db[256];
	sqlite3 *h;
	sqlite3_stmt *st;
	size_t i;

	hload(&f, "heap/tiny.heapsnapshot");
	dbpath(db, sizeof(db), "out.db");
	hstore_run(db, &f, "tiny.heapsnapshot", AN_STORE_ALL_OBJECTS);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 17);
	cr_expect_eq(q_int(h, "SELECT sum(self_size) FROM heap_object"),
		     4568, "reassignment keeps the total");
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object AS o "
			      "LEFT JOIN heap_class AS c USING "
			      "(artifact_id, class_index) WHERE c.name IS "
			      "NULL"),
		     0, "every object's class has a row");
	st = prep(h, "SELECT o.node_index, c.name, o.type, o.name, "
		     "o.self_size, o.retained_size, o.distance, "
		     "o.dominator_id FROM heap_object AS o JOIN heap_class "
		     "AS c USING (artifact_id, class_index) WHERE o.id = ?");
	for (i = 0; i < NWANT(tiny_objects); i++) {
		const struct hobject_want *w = &tiny_objects[i];
		int64_t id = w->id;

		sqlite3_bind_int64(st, 1, id);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "@%lld",
			     (long long)id);
		cr_expect_eq(sqlite3_column_int64(st, 0), (int64_t)i,
			     "node index of @%lld", (long long)id);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 1),
				 w->cls, "class of @%lld", (long long)id);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 2),
				 w->type, "type of @%lld", (long long)id);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 3),
				 w->name, "name of @%lld", (long long)id);
		cr_expect_eq(col_or(st, 4), w->self_size, "self of @%lld",
			     (long long)id);
		cr_expect_eq(col_or(st, 5), w->retained_size,
			     "retained of @%lld", (long long)id);
		cr_expect_eq(col_or(st, 6), w->distance, "distance of @%lld",
			     (long long)id);
		cr_expect_eq(col_or(st, 7), w->dominator_id,
			     "dominator of @%lld", (long long)id);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	hunload(&f);
}

/* Node indexes stored for a top_objects limit, as a bit set. */
static uint32_t stored_set(const char *db)
{
	sqlite3 *h = db_open(db);
	sqlite3_stmt *st = prep(h, "SELECT node_index FROM heap_object");
	uint32_t set = 0;

	while (sqlite3_step(st) == SQLITE_ROW)
		set |= 1u << sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	/* dominators are always stored too */
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object AS o WHERE "
			      "o.dominator_id IS NOT NULL AND NOT EXISTS ("
			      "SELECT 1 FROM heap_object AS d WHERE "
			      "d.artifact_id = o.artifact_id AND d.id = "
			      "o.dominator_id)"),
		     0, "%s: a stored object's dominator is missing", db);
	sqlite3_close(h);
	return set;
}

#define B(n) (1u << (n))

Test(store, heap_top_objects_limits)
{
	/*
	 * Retained sizes by node index: 0 root 4568, 2 global 4520,
	 * 10 Context 4176, 11 external string 4136, 5 @11 104, 3 WeakMap
	 * 88, 6 @13 48 and 16 Lonely 48 (tie: lower index first), 9 onTick
	 * 32 and 13 Array 32, 7 hello, 8 PropertyArray and 15 WeakRef 24,
	 * then the zero-sized 1, 4, 12, 14.
	 */
	static const struct {
		uint32_t top, set;
	} cases[] = {
		{0, 0},
		{1, B(0) | B(2)},
		{3, B(0) | B(2) | B(10) | B(11)},
		{5, B(0) | B(2) | B(10) | B(11) | B(5) | B(3)},
		{6, B(0) | B(2) | B(10) | B(11) | B(5) | B(3) | B(6)},
		{7, B(0) | B(2) | B(10) | B(11) | B(5) | B(3) | B(6) | B(16)},
		{15, 0x1ffffu & ~B(14)},
		{16, 0x1ffffu},
		{17, 0x1ffffu},
		{1000, 0x1ffffu},
		{AN_STORE_ALL_OBJECTS, 0x1ffffu},
	};
	hfixture f;
	char db[256];
	size_t i;

	hload(&f, "heap/tiny.heapsnapshot");
	for (i = 0; i < NWANT(cases); i++) {
		char name[32];
		uint32_t got;

		snprintf(name, sizeof(name), "top%zu.db", i);
		dbpath(db, sizeof(db), name);
		hstore_run(db, &f, "tiny.heapsnapshot", cases[i].top);
		got = stored_set(db);
		cr_expect_eq(got, cases[i].set, "top %u: stored %#x, want %#x",
			     cases[i].top, got, cases[i].set);
	}
	hunload(&f);
}

Test(store, heap_same_sha256_replaces_rows)
{
	hfixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;
	int64_t id;

	hload(&f, "heap/tiny.heapsnapshot");
	dbpath(db, sizeof(db), "out.db");
	hstore_run(db, &f, "first.heapsnapshot", AN_STORE_ALL_OBJECTS);
	hstore_run(db, &f, "second.heapsnapshot", AN_STORE_ALL_OBJECTS);
	/* twice within one run, and the heap twice for one artifact */
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	hput(s, &f, "third.heapsnapshot", AN_STORE_ALL_OBJECTS);
	id = hput(s, &f, "fourth.heapsnapshot", AN_STORE_ALL_OBJECTS);
	cr_assert_eq(an_store_heap(s, id, f.h, AN_STORE_ALL_OBJECTS, &err),
		     AN_OK, "%s", err.message);
	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	an_store_close(s);

	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact "
			      "WHERE path = 'fourth.heapsnapshot'"),
		     1, "the last store wins");
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_class"),
		     (int64_t)NWANT(tiny_classes));
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 17);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object WHERE "
			      "artifact_id NOT IN (SELECT id FROM artifact)"),
		     0, "orphan rows");
	sqlite3_close(h);

	/* a smaller limit replaces the rows, it does not add to them */
	hstore_run(db, &f, "fifth.heapsnapshot", 3);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 4);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_class"),
		     (int64_t)NWANT(tiny_classes));
	sqlite3_close(h);
	hunload(&f);
}

Test(store, heap_and_cpu_artifacts_share_a_database)
{
	fixture c;
	hfixture f;
	char db[256];
	sqlite3 *h;
	sqlite3 *w;

	load(&c, profile_json);
	hload(&f, "heap/tiny.heapsnapshot");
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &c, "a.cpuprofile");
	hstore_run(db, &f, "tiny.heapsnapshot", 1000);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 2);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 17);
	sqlite3_close(h);

	/* deleting the artifact cascades to the heap tables */
	cr_assert_eq(sqlite3_open(db, &w), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(w, "PRAGMA foreign_keys = ON; DELETE FROM "
				     "artifact WHERE kind = 'heapsnapshot'",
				  NULL, NULL, NULL),
		     SQLITE_OK, "%s", sqlite3_errmsg(w));
	sqlite3_close(w);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_class"), 0);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 0);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 5);
	sqlite3_close(h);
	unload(&c);
	hunload(&f);
}

Test(store, heap_failed_call_keeps_transaction_usable)
{
	hfixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;

	hload(&f, "heap/tiny.heapsnapshot");
	dbpath(db, sizeof(db), "out.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	hput(s, &f, "tiny.heapsnapshot", 3);
	cr_expect_eq(an_store_heap(s, 9999, f.h, 3, &err), AN_ENOTFOUND);
	cr_expect_eq(an_store_heap(s, 1, NULL, 3, &err), AN_EINVAL);
	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	cr_expect_eq(an_store_heap(s, 1, f.h, 3, &err), AN_EINVAL,
		     "write after commit");
	an_store_close(s);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 4);
	sqlite3_close(h);
	hunload(&f);
}

Test(store, heap_abandoned_run_leaves_existing_db_identical)
{
	hfixture f;
	fixture c;
	char db[256];
	char *before;
	size_t len;
	an_store *s;
	an_error err;

	load(&c, profile_json);
	hload(&f, "heap/tiny.heapsnapshot");
	dbpath(db, sizeof(db), "out.db");
	store_run(db, &c, "a.cpuprofile");
	before = slurp(db, &len);
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	hput(s, &f, "tiny.heapsnapshot", AN_STORE_ALL_OBJECTS);
	an_store_close(s);
	assert_same_bytes(db, before, len);
	cr_expect_eq(stray_files("out.db"), 0, "journal left behind");
	free(before);
	unload(&c);
	hunload(&f);
}

/*
 * The version-1 schema exactly as profkit 0.1 created it (artifact and
 * the CPU tables), for the upgrade test.
 */
static const char schema_v1[] =
	"CREATE TABLE artifact (id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
	" sha256 TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, bytes INTEGER NOT"
	" NULL, analysed_at TEXT NOT NULL, tool_version TEXT NOT NULL,"
	" meta TEXT);"
	"CREATE TABLE cpu_function (artifact_id INTEGER NOT NULL REFERENCES"
	" artifact(id) ON DELETE CASCADE, function_index INTEGER NOT NULL,"
	" name TEXT NOT NULL, url TEXT NOT NULL, line INTEGER, col INTEGER,"
	" script_id TEXT NOT NULL, kind TEXT NOT NULL, self_us INTEGER NOT"
	" NULL, total_us INTEGER NOT NULL, self_pct REAL NOT NULL, total_pct"
	" REAL NOT NULL, PRIMARY KEY (artifact_id, function_index));"
	"CREATE INDEX cpu_function_name ON cpu_function(name);"
	"CREATE TABLE cpu_node (artifact_id INTEGER NOT NULL REFERENCES"
	" artifact(id) ON DELETE CASCADE, node_index INTEGER NOT NULL,"
	" node_id INTEGER NOT NULL, parent_index INTEGER, function_index"
	" INTEGER NOT NULL, depth INTEGER NOT NULL, hit_count INTEGER NOT"
	" NULL, self_us INTEGER NOT NULL, total_us INTEGER NOT NULL,"
	" PRIMARY KEY (artifact_id, node_index)) WITHOUT ROWID;"
	"CREATE INDEX cpu_node_function ON cpu_node(artifact_id,"
	" function_index);"
	"CREATE TABLE cpu_line (artifact_id INTEGER NOT NULL REFERENCES"
	" artifact(id) ON DELETE CASCADE, url TEXT NOT NULL, line INTEGER NOT"
	" NULL, ticks INTEGER NOT NULL, self_us INTEGER NOT NULL,"
	" function_index INTEGER NOT NULL, PRIMARY KEY (artifact_id, url,"
	" line));"
	"INSERT INTO artifact VALUES (7, 'old.cpuprofile', '"
	"1111111111111111111111111111111111111111111111111111111111111111',"
	" 'cpuprofile', 123, '2025-01-01T00:00:00Z', '0.1.0', '{}');"
	"INSERT INTO cpu_function VALUES (7, 0, 'main', 'file:///a.js', 1, 1,"
	" '3', 'js', 10, 10, 100.0, 100.0);"
	"INSERT INTO cpu_node VALUES (7, 0, 1, NULL, 0, 0, 1, 10, 10);"
	"PRAGMA user_version = 1;";

static void make_v1(const char *db)
{
	sqlite3 *w = NULL;

	cr_assert_eq(sqlite3_open(db, &w), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(w, schema_v1, NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(w));
	sqlite3_close(w);
}

Test(store, upgrades_version_1_database)
{
	hfixture f;
	fixture c;
	char db[256];
	char *before;
	size_t len;
	sqlite3 *h;
	an_store *s;
	an_error err;

	hload(&f, "heap/tiny.heapsnapshot");
	load(&c, profile_json);
	dbpath(db, sizeof(db), "v1.db");
	make_v1(db);
	before = slurp(db, &len);

	/* an abandoned run leaves it at version 1, byte for byte */
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	hput(s, &f, "tiny.heapsnapshot", AN_STORE_ALL_OBJECTS);
	an_store_close(s);
	assert_same_bytes(db, before, len);

	hstore_run(db, &f, "tiny.heapsnapshot", AN_STORE_ALL_OBJECTS);
	h = db_open(db);
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 2);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM sqlite_master WHERE "
			      "name IN ('heap_class', 'heap_object', "
			      "'heap_class_name', 'heap_object_class', "
			      "'heap_object_id')"),
		     5);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 2);
	cr_expect_eq(q_int(h, "SELECT self_us FROM cpu_function "
			      "WHERE artifact_id = 7 AND name = 'main'"),
		     10, "version-1 rows are kept");
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_class"),
		     (int64_t)NWANT(tiny_classes));
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 17);
	sqlite3_close(h);

	/* the upgraded database takes CPU rows and cascades as before */
	store_run(db, &c, "a.cpuprofile");
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "PRAGMA foreign_keys = ON; DELETE FROM "
				     "artifact WHERE kind = 'heapsnapshot'",
				  NULL, NULL, NULL),
		     SQLITE_OK, "%s", sqlite3_errmsg(h));
	sqlite3_close(h);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object"), 0);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_node"), 6);
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 2);
	sqlite3_close(h);
	free(before);
	unload(&c);
	hunload(&f);
}

/*
 * A snapshot with two long object names: 1023 'x' + "\u00e9" (2 bytes)
 * + "yz", and 1100 'w'. heap_object.name is cut at 1024 bytes, but never
 * inside a UTF-8 sequence; heap_class.name is the whole name.
 */
#define LONG_META                                                             \
	"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\","  \
	"\"self_size\",\"edge_count\"],\"node_types\":[[\"hidden\","         \
	"\"array\",\"string\",\"object\",\"code\",\"closure\",\"regexp\","   \
	"\"number\",\"native\",\"synthetic\"],\"string\",\"number\","         \
	"\"number\",\"number\"],\"edge_fields\":[\"type\",\"name_or_index\"," \
	"\"to_node\"],\"edge_types\":[[\"context\",\"element\",\"property\"," \
	"\"internal\",\"hidden\",\"shortcut\",\"weak\"],\"string_or_number\"," \
	"\"node\"]},\"node_count\":3,\"edge_count\":2},"                       \
	"\"nodes\":[9,0,1,0,2, 3,1,3,100,0, 3,2,5,50,0],"                      \
	"\"edges\":[5,3,5, 1,1,10],\"strings\":[\"\",\""

Test(store, heap_long_names_are_cut_at_a_character_boundary)
{
	hfixture f;
	char db[256];
	char *json, *p;
	size_t cap = 4096;
	sqlite3 *h;
	sqlite3_stmt *st;

	json = malloc(cap);
	cr_assert_not_null(json);
	p = json;
	p += snprintf(p, cap, "%s", LONG_META);
	memset(p, 'x', 1023);
	p += 1023;
	p += snprintf(p, 64, "\xc3\xa9yz\",\"");
	memset(p, 'w', 1100);
	p += 1100;
	p += snprintf(p, 64, "\",\"g\"]}");
	hload_mem(&f, json, (size_t)(p - json));
	dbpath(db, sizeof(db), "out.db");
	hstore_run(db, &f, "long.heapsnapshot", AN_STORE_ALL_OBJECTS);
	h = db_open(db);
	st = prep(h, "SELECT length(CAST(o.name AS BLOB)),"
		     " length(CAST(c.name AS BLOB)), substr(o.name, -1)"
		     " FROM heap_object AS o JOIN heap_class AS c"
		     " USING (artifact_id, class_index) WHERE o.id = ?");
	sqlite3_bind_int(st, 1, 3);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1023, "cut before the e-acute");
	cr_expect_eq(sqlite3_column_int(st, 1), 1027);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 2), "x");
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, 5);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1024);
	cr_expect_eq(sqlite3_column_int(st, 1), 1100);
	sqlite3_finalize(st);
	sqlite3_close(h);
	hunload(&f);
	free(json);
}

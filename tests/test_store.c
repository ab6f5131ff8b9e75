/*
 * test_store.c - the SQLite results database (store.c): schema and row
 * values against a hand-computed profile, replacement by sha256,
 * atomicity of abandoned runs, refusal of foreign files and newer
 * schemas, and byte-exact round trips of hostile names.
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
	rc = an_profile_load(&f->p, f->src, &err);
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
	rc = an_store_artifact(s, &info, &id, &err);
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
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM sqlite_master WHERE "
			      "type = 'table' AND name IN ('artifact', "
			      "'cpu_function', 'cpu_node', 'cpu_line')"),
		     4);
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
				     "PRAGMA user_version = 2",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(h);
	before = slurp(db, &len);

	cr_expect_eq(an_store_open(&s, db, &err), AN_EFORMAT);
	cr_expect_null(s);
	cr_expect_not_null(strstr(err.message, "version 2"), "message: %s",
			   err.message);
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
	cr_expect_eq(an_store_artifact(s, &info, &id, &err), AN_EINVAL);
	info.sha256 = "ABCDEF0123456789ABCDEF0123456789"
		      "ABCDEF0123456789ABCDEF0123456789";
	cr_expect_eq(an_store_artifact(s, &info, &id, &err), AN_EINVAL,
		     "uppercase hex would defeat the sha256 key");
	info.sha256 = "00000000000000000000000000000000"
		      "00000000000000000000000000000000";
	info.meta_json = "[1, 2";
	cr_expect_eq(an_store_artifact(s, &info, &id, &err), AN_EINVAL);
	info.meta_json = "[1, 2]";
	cr_expect_eq(an_store_artifact(s, &info, &id, &err), AN_EINVAL,
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
	cr_assert_eq(an_store_artifact(s, &info, &id, &err), AN_OK, "%s",
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

/*
 * test_store_cpu.c - CPU profiles in the results database: the schema
 * and the artifact row, function, node and line rows against values
 * derived by hand on the profile in store_check.h, byte-exact hostile
 * names, a windowed profile (no lines) and a NULL meta.
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
#include "store_check.h"

static const char hostile_name[] = "q\"u'o;te\n\0x\\y\xc3\xa9";
#define HOSTILE_LEN (sizeof(hostile_name) - 1)

TestSuite(store, .init = store_setup, .fini = store_teardown, .timeout = 30);

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
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 4);
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

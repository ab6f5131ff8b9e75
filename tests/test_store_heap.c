/*
 * test_store_heap.c - heap snapshots in the results database: class and
 * object rows against values checked by hand on tiny.heapsnapshot, the
 * top_objects limits, replacement by sha256, heap and CPU artifacts in
 * one database, failed calls and abandoned runs, the upgrade of a
 * version-1 database, and long names cut at a character boundary.
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

TestSuite(store, .init = store_setup, .fini = store_teardown, .timeout = 30);

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
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 4);
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
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 4);
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

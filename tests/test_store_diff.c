/*
 * test_store_diff.c - heap_diff in the results database (schema version
 * 3): a version-2 database is upgraded (in the run's transaction: an
 * abandoned run leaves it as it was), every row of the comparison is
 * stored with both artifacts, an artifact stored before keeps its rows,
 * storing the same pair again replaces its rows, and deleting an
 * artifact removes the comparisons it is part of.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/store.h"
#include "fixture.h"
#include "heap_check.h"
#include "store_check.h"

TestSuite(store, .init = store_setup, .fini = store_teardown, .timeout = 60);

#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_L "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

typedef struct pair {
	an_heap_base *base;
	an_heap *target;
	an_heap_diff *diff;
	const an_heap_diff_row *rows;
	uint32_t n;
} pair;

static void pair_load(pair *p)
{
	an_source *src = NULL;
	an_error err;

	cr_assert_eq(an_source_open_path(&src, fx_path("heap/baseline."
						       "heapsnapshot.gz"),
					 &err),
		     AN_OK);
	cr_assert_eq(an_heap_base_load(&p->base, src, NULL, &err), AN_OK);
	an_source_free(src);
	p->target = must_load("heap/leak.heapsnapshot.gz");
	cr_assert_eq(an_heap_diff_new(&p->diff, p->base, p->target, &err),
		     AN_OK);
	p->n = an_heap_diff_rows(p->diff, &p->rows);
	cr_assert_eq(p->n, 46);
}

static void pair_free(pair *p)
{
	an_heap_diff_free(p->diff);
	an_heap_free(p->target);
	an_heap_base_free(p->base);
}

static an_artifact_info info(const char *path, const char *sha)
{
	an_artifact_info i;

	memset(&i, 0, sizeof(i));
	i.path = path;
	i.sha256 = sha;
	i.kind = AN_KIND_HEAPSNAPSHOT;
	i.bytes = 1000;
	return i;
}

/* Stores the pair's diff in one run; commits when `commit`. */
static void put_diff(const char *db, const pair *p, int commit)
{
	an_artifact_info bi = info("baseline.heapsnapshot.gz", SHA_B);
	an_artifact_info ti = info("leak.heapsnapshot.gz", SHA_L);
	an_store *s = NULL;
	an_error err;
	int64_t b, t;

	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	cr_assert_eq(an_store_artifact_keep(&b, s, &bi, &err), AN_OK, "%s",
		     err.message);
	cr_assert_eq(an_store_artifact_keep(&t, s, &ti, &err), AN_OK, "%s",
		     err.message);
	cr_assert_neq(b, t);
	cr_assert_eq(an_store_heap_diff(s, b, t, p->diff, &err), AN_OK, "%s",
		     err.message);
	if (commit)
		cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s",
			     err.message);
	an_store_close(s);
}

/* A database at version 2: what this profkit makes, minus the version-3
 * tables, with the base already stored by `heap summary --db`. */
static void make_v2(const char *db, const an_heap *base_heap)
{
	an_artifact_info bi = info("baseline.heapsnapshot.gz", SHA_B);
	an_store *s = NULL;
	an_error err;
	sqlite3 *h = NULL;
	int64_t id;

	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	cr_assert_eq(an_store_artifact(&id, s, &bi, &err), AN_OK);
	cr_assert_eq(an_store_heap(s, id, base_heap, 10, &err), AN_OK);
	cr_assert_eq(an_store_commit(s, &err), AN_OK);
	an_store_close(s);
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "DROP TABLE heap_diff;"
				     "DROP TABLE heap_leak_cluster;"
				     "VACUUM; PRAGMA user_version = 2",
				  NULL, NULL, NULL),
		     SQLITE_OK, "%s", sqlite3_errmsg(h));
	sqlite3_close(h);
}

Test(store, diff_upgrades_version_2_and_stores_every_row)
{
	pair p;
	an_heap *bh;
	char db[256], *before;
	size_t len;
	sqlite3 *h;
	sqlite3_stmt *st;
	uint32_t i = 0;

	pair_load(&p);
	bh = must_load("heap/baseline.heapsnapshot.gz");
	dbpath(db, sizeof(db), "v2.db");
	make_v2(db, bh);
	an_heap_free(bh);
	before = slurp(db, &len);
	h = db_open(db);
	cr_assert_eq(q_int(h, "PRAGMA user_version"), 2);
	sqlite3_close(h);

	/* an abandoned run leaves it at version 2, byte for byte */
	put_diff(db, &p, 0);
	assert_same_bytes(db, before, len);
	free(before);

	put_diff(db, &p, 1);
	h = db_open(db);
	cr_expect_eq(q_int(h, "PRAGMA user_version"), 4);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM pragma_table_info("
			      "'artifact') WHERE name = 'given_path'"), 1,
		     "version 4 adds artifact.given_path");
	cr_expect_eq(q_int(h, "SELECT count(*) FROM pragma_table_info("
			      "'artifact') WHERE name = 'profile'"), 1,
		     "version 4 adds artifact.profile");
	cr_expect_eq(q_int(h, "SELECT count(*) FROM sqlite_master WHERE "
			      "name IN ('heap_diff', 'heap_leak_cluster', "
			      "'heap_diff_target', 'heap_diff_name', "
			      "'heap_leak_cluster_pair', "
			      "'heap_leak_cluster_target', "
			      "'heap_leak_cluster_final')"),
		     7);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 2);
	/* the base was stored before: kept with its rows */
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_object o JOIN "
			      "artifact a ON a.id = o.artifact_id WHERE "
			      "a.sha256 = '" SHA_B "'"),
		     11);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_diff"), 46);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_diff d JOIN "
			      "artifact b ON b.id = d.base_id JOIN artifact t"
			      " ON t.id = d.target_id WHERE b.sha256 = '" SHA_B
			      "' AND t.sha256 = '" SHA_L "'"),
		     46);
	st = prep(h, "SELECT row_index, name, script_id, line, col, "
		     "new_count, deleted_count, count_delta, alloc_size, "
		     "freed_size, size_delta FROM heap_diff ORDER BY "
		     "row_index");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const an_heap_diff_row *r = &p.rows[i];
		cr_assert_lt(i, p.n);
		cr_expect_eq(sqlite3_column_int64(st, 0), i);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 1),
				 r->name.ptr, "row %u", i);
		if (r->has_location) {
			cr_expect_eq(sqlite3_column_int64(st, 2), r->script_id);
			cr_expect_eq(sqlite3_column_int64(st, 3), r->line + 1);
			cr_expect_eq(sqlite3_column_int64(st, 4),
				     r->column + 1);
		} else {
			cr_expect_eq(sqlite3_column_type(st, 2), SQLITE_NULL);
		}
		cr_expect_eq(sqlite3_column_int64(st, 5), r->new_count);
		cr_expect_eq(sqlite3_column_int64(st, 6), r->deleted_count);
		cr_expect_eq(sqlite3_column_int64(st, 7), r->count_delta);
		cr_expect_eq(sqlite3_column_int64(st, 8), r->alloc_size);
		cr_expect_eq(sqlite3_column_int64(st, 9), r->freed_size);
		cr_expect_eq(sqlite3_column_int64(st, 10), r->size_delta);
		i++;
	}
	sqlite3_finalize(st);
	cr_expect_eq(i, 46);
	/* hand-checked rows (the oracle's): the cache entries and Session A */
	cr_expect_eq(q_int(h, "SELECT new_count * 1000000 + alloc_size FROM "
			      "heap_diff WHERE name = '{id, payload}'"),
		     2800LL * 1000000 + 112000);
	cr_expect_eq(q_int(h, "SELECT new_count FROM heap_diff WHERE name = "
			      "'Session' AND script_id = 106 AND line = 6 AND "
			      "col = 14"),
		     50);
	sqlite3_close(h);
	pair_free(&p);
}

Test(store, diff_stored_again_replaces_its_rows)
{
	pair p;
	char db[256];
	sqlite3 *h;

	pair_load(&p);
	dbpath(db, sizeof(db), "d.db");
	put_diff(db, &p, 1);
	put_diff(db, &p, 1);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 2);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_diff"), 46);
	cr_expect_eq(q_int(h, "SELECT count(DISTINCT row_index) FROM "
			      "heap_diff"),
		     46);
	sqlite3_close(h);

	/* deleting either artifact removes the comparison */
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "PRAGMA foreign_keys = ON; DELETE FROM "
				     "artifact WHERE sha256 = '" SHA_L "'",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM heap_diff"), 0);
	sqlite3_close(h);
	pair_free(&p);
}

Test(store, diff_of_unknown_artifacts_is_enotfound)
{
	pair p;
	char db[256];
	an_store *s = NULL;
	an_error err;

	pair_load(&p);
	dbpath(db, sizeof(db), "e.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK);
	cr_expect_eq(an_store_heap_diff(s, 5, 6, p.diff, &err), AN_ENOTFOUND);
	cr_expect_eq(an_store_heap_diff(s, 5, 6, NULL, &err), AN_EINVAL);
	an_store_close(s);
	pair_free(&p);
}

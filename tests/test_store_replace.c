/*
 * test_store_replace.c - artifacts are keyed by content: the same sha256
 * replaces its rows (whatever the path), others accumulate;
 * an_store_artifact_put() replaces only the same analysis.
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

/* an_store_artifact_put() on a store: its status, with id and replaced */
static int put_meta(an_store *s, const fixture *f, const char *meta,
		    int replace_any, int64_t *id, int *replaced)
{
	an_artifact_info info;
	an_error err;

	memset(&info, 0, sizeof(info));
	info.path = "/abs/a.cpuprofile";
	info.given_path = "a.cpuprofile";
	info.sha256 = f->sha;
	info.kind = an_profile_kind(f->p);
	info.bytes = f->bytes;
	info.meta_json = meta;
	an_error_clear(&err);
	*replaced = -1;
	return an_store_artifact_put(id, replaced, s, &info, replace_any,
				     &err);
}

Test(store, put_replaces_the_same_analysis_refuses_another)
{
	fixture f;
	char db[256];
	sqlite3 *h;
	an_store *s;
	an_error err;
	int64_t id = 0, id2 = 0;
	int rep;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	cr_assert_eq(put_meta(s, &f, "{\"weights\": \"time\"}", 0, &id, &rep),
		     AN_OK);
	cr_expect_eq(rep, 0, "a new file replaces nothing");
	cr_assert_eq(an_store_cpu(s, id, f.c, &err), AN_OK);
	/* the same options (formatted otherwise): replaced, same id */
	cr_expect_eq(put_meta(s, &f, "{\"weights\":\"time\"}", 0, &id2, &rep),
		     AN_OK);
	cr_expect_eq(id2, id);
	cr_expect_eq(rep, 1);
	/* other options: refused, and the call leaves nothing */
	id2 = 0;
	cr_expect_eq(put_meta(s, &f, "{\"weights\": \"hits\"}", 0, &id2,
			      &rep),
		     AN_EEXIST);
	cr_expect_eq(id2, 0, "no id on failure");
	/* the heap's object count is not an analysis option */
	cr_expect_eq(put_meta(s, &f, "{\"weights\": \"time\", "
				     "\"top_objects\": 5}",
			      0, &id2, &rep),
		     AN_OK);
	/* replace_any replaces whatever was stored */
	cr_expect_eq(put_meta(s, &f, "{\"weights\": \"hits\"}", 1, &id2,
			      &rep),
		     AN_OK);
	cr_expect_eq(id2, id);
	cr_expect_eq(rep, 1);
	cr_assert_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	an_store_close(s);
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact WHERE meta = "
			      "'{\"weights\": \"hits\"}' AND path = "
			      "'/abs/a.cpuprofile' AND given_path = "
			      "'a.cpuprofile'"),
		     1);
	/* the rows of the analysis stay with the artifact id */
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 4);
	sqlite3_close(h);
	unload(&f);
}

Test(store, put_adds_an_analysis_to_a_file_a_comparison_stored)
{
	fixture f;
	char db[256];
	an_store *s;
	an_error err;
	int64_t id = 0, id2 = 0;
	int rep;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "out.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	cr_assert_eq(put_meta(s, &f, NULL, 0, &id, &rep), AN_OK);
	cr_expect_eq(put_meta(s, &f, "{\"weights\": \"hits\"}", 0, &id2,
			      &rep),
		     AN_OK);
	cr_expect_eq(id2, id);
	cr_expect_eq(rep, 0, "there was no analysis to replace");
	an_store_close(s);
	unload(&f);
}

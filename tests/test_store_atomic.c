/*
 * test_store_atomic.c - a run is all or nothing: an abandoned run leaves
 * an existing database byte for byte as it was and no new file, a file
 * created meanwhile is not replaced, permissions follow the umask, an
 * empty file is used, a failed call leaves the transaction usable, and
 * an_store_close(NULL) is harmless.
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

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
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

/* an_store_close(NULL) does nothing: an open store next to it still
 * commits, and the committed database is whole after its close. */
Test(store, close_accepts_null)
{
	fixture f;
	char db[256];
	an_store *s;
	an_error err;
	sqlite3 *h;

	load(&f, profile_json);
	dbpath(db, sizeof(db), "null.db");
	cr_assert_eq(an_store_open(&s, db, &err), AN_OK, "%s", err.message);
	put(s, &f, "a.cpuprofile");
	an_store_close(NULL);
	cr_expect_eq(an_store_commit(s, &err), AN_OK, "%s", err.message);
	an_store_close(s);
	cr_assert(exists(db), "committed database missing");
	cr_expect_eq(stray_files("null.db"), 0, "temporary file left behind");
	h = db_open(db);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM artifact"), 1);
	cr_expect_eq(q_int(h, "SELECT count(*) FROM cpu_function"), 4);
	sqlite3_close(h);
	unload(&f);
}

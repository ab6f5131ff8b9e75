/*
 * test_store_schema.c - files the store refuses, untouched: not a
 * database, a newer or a negative schema version, a missing directory.
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
				     "PRAGMA user_version = 5",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(h);
	before = slurp(db, &len);

	cr_expect_eq(an_store_open(&s, db, &err), AN_EFORMAT);
	cr_expect_null(s);
	cr_expect_not_null(strstr(err.message, "version 5"), "message: %s",
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

/*
 * store_check.c - helpers shared by the results-database tests
 * (test_store_*.c): the hand-made profile, a temporary directory per
 * test, loading and storing a profile, and reading the database back
 * (see store_check.h).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "analyze/store.h"
#include "fixture.h"
#include "store_check.h"

const char profile_json[] = PROFILE("foo");
/* quote, apostrophe, semicolon, newline, NUL, backslash, non-ASCII */
const char hostile_json[] =
	PROFILE("q\\\"u'o;te\\n\\u0000x\\\\y\\u00e9");
const char meta_json[] = "{\"samples\":6,\"nodes\":5}";

static char tmpdir[64];

void store_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp failed");
}

void store_teardown(void)
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

void dbpath(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", tmpdir, name);
}

void load_opts(fixture *f, const char *json, const an_cpu_opts *o)
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

void load(fixture *f, const char *json)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;

	load_opts(f, json, &o);
}

void unload(fixture *f)
{
	an_cpu_free(f->c);
	an_profile_free(f->p);
	an_source_free(f->src);
}

/* Stores artifact + CPU analysis in an open store; returns the id. */
int64_t put(an_store *s, const fixture *f, const char *path)
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
int64_t store_run(const char *db, const fixture *f, const char *path)
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

sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
		     SQLITE_OK, "sqlite3_open %s", path);
	return db;
}

sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
		     "prepare '%s': %s", sql, sqlite3_errmsg(db));
	return st;
}

/* Value of a one-row, one-column integer query. */
int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prep(db, sql);
	int64_t v;

	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no row for '%s'", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

char *slurp(const char *path, size_t *len)
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

void assert_same_bytes(const char *path, const char *before,
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
int stray_files(const char *keep)
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

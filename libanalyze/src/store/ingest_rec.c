/*
 * ingest_rec.c - the ingest_file table (what `profkit ingest` did with
 * each file, which lets a rerun skip finished work) and the lookups the
 * batch layer needs of stored artifacts and comparisons.
 */
#include <stdio.h>

#include "store/ingest_int.h"
#include "store/store_int.h"

/* A statement of this file: prepared, run by the caller, finalized. */
static int prepare(an_store *s, const char *sql, sqlite3_stmt **st,
		   an_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return an__store_fail(s, err, "cannot prepare a statement");
	return AN_OK;
}

static int bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	return v ? an__store_bind_cstr(st, i, v) : sqlite3_bind_null(st, i);
}

int an__store_ingest_record(an_store *s, const an__ingest_rec *rec,
			    an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, b;

	rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	rc = prepare(s,
		     "INSERT OR REPLACE INTO ingest_file (path, bytes,"
		     " mtime_ns, sha256, kind, status, reason, profiles,"
		     " ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		     " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
		     &st, err);
	if (rc == AN_OK) {
		b = an__store_bind_cstr(st, 1, rec->path);
		b |= sqlite3_bind_int64(st, 2, an__store_i64(rec->bytes));
		b |= sqlite3_bind_int64(st, 3, rec->mtime_ns);
		b |= bind_opt(st, 4, rec->sha256);
		b |= bind_opt(st, 5, rec->kind);
		b |= an__store_bind_cstr(st, 6, rec->status);
		b |= bind_opt(st, 7, rec->reason);
		b |= sqlite3_bind_int64(st, 8, rec->profiles);
		if (b != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
			rc = an__store_fail(s, err,
					    "cannot record the ingested file");
	}
	sqlite3_finalize(st);
	return an__store_call_end(s, rc, err);
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int an__store_ingest_lookup(an_store *s, const char *path,
			    an__ingest_seen *out, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	memset(out, 0, sizeof(*out));
	rc = prepare(s,
		     "SELECT bytes, mtime_ns, sha256, status, reason, profiles"
		     " FROM"
		     " ingest_file WHERE path = ?1",
		     &st, err);
	if (rc < 0)
		return rc;
	an__store_bind_cstr(st, 1, path);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->found = 1;
		out->bytes = (uint64_t)sqlite3_column_int64(st, 0);
		out->mtime_ns = sqlite3_column_int64(st, 1);
		copy_col(out->sha256, sizeof(out->sha256), st, 2);
		copy_col(out->status, sizeof(out->status), st, 3);
		copy_col(out->reason, sizeof(out->reason), st, 4);
		out->profiles = (uint32_t)sqlite3_column_int64(st, 5);
	} else if (step != SQLITE_DONE) {
		rc = an__store_fail(s, err, "cannot read the database");
	}
	sqlite3_finalize(st);
	return rc;
}

int an__store_artifact_id(an_store *s, const char *sha256,
			  const char *profile, int64_t *id, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*id = 0;
	rc = an__store_stmt(s, Q_FIND_ARTIFACT, &st, err);
	if (rc < 0)
		return rc;
	an__store_bind_cstr(st, 1, sha256);
	an__store_bind_cstr(st, 2, profile ? profile : "");
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = an__store_fail(s, err, "cannot look up the artifact");
	sqlite3_reset(st);
	return rc;
}

int an__store_has_heap_diff(an_store *s, int64_t base_id, int64_t target_id,
			    int *yes, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*yes = 0;
	rc = prepare(s,
		     "SELECT 1 FROM heap_diff WHERE base_id = ?1 AND"
		     " target_id = ?2 LIMIT 1",
		     &st, err);
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(st, 1, base_id);
	sqlite3_bind_int64(st, 2, target_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*yes = 1;
	else if (step != SQLITE_DONE)
		rc = an__store_fail(s, err, "cannot read the database");
	sqlite3_finalize(st);
	return rc;
}

int an__store_unit_begin(an_store *s, an_error *err)
{
	return an__store_exec(s, "SAVEPOINT an_unit",
			      "cannot start a savepoint", err);
}

int an__store_unit_end(an_store *s, int rc, an_error *err)
{
	if (rc == AN_OK)
		return an__store_exec(s, "RELEASE an_unit",
				      "cannot release a savepoint", err);
	if (sqlite3_get_autocommit(s->db) ||
	    sqlite3_exec(s->db, "ROLLBACK TO an_unit; RELEASE an_unit", NULL,
			 NULL, NULL) != SQLITE_OK)
		s->broken = 1;
	return rc;
}

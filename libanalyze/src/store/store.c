/*
 * store.c - the SQLite results database (DESIGN.md §5, docs/database.md):
 * the connection, one write transaction per run, a savepoint per writer
 * call, and the statements prepared once per store. The schema is in
 * schema.c, publishing a new database in publish.c, the writers in
 * artifact.c, cpu_writer.c, heap_writer.c and diff_writer.c.
 *
 * Atomicity: a database that does not exist yet is built in a temporary
 * file next to it and moved into place by an_store_commit(); an existing
 * one is written inside BEGIN IMMEDIATE ... COMMIT. Each writer call runs
 * in a savepoint, so a failed call leaves the transaction as it was
 * before the call.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_int.h"

#define BUSY_TIMEOUT_MS 5000
#define USE_FAILED "cannot use the database"

/* The text of the statements of store_int.h's Q_ enum, in its order. */
static const char *const sql_text[Q_COUNT] = {
	"PRAGMA user_version",
	"SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0"
	" END",
	"UPDATE artifact SET path = ?2, kind = ?3, bytes = ?4,"
	" analysed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
	" tool_version = ?5, meta = ?6, given_path = ?7 WHERE id = ?1",
	"INSERT INTO artifact (path, sha256, kind, bytes, analysed_at,"
	" tool_version, meta, given_path, profile) VALUES (?1, ?2, ?3, ?4,"
	" strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5, ?6, ?7, ?8)",
	"SELECT 1 FROM artifact WHERE id = ?1",
	"DELETE FROM cpu_function WHERE artifact_id = ?1",
	"DELETE FROM cpu_node WHERE artifact_id = ?1",
	"DELETE FROM cpu_line WHERE artifact_id = ?1",
	"INSERT INTO cpu_function (artifact_id, function_index, name, url,"
	" line, col, script_id, kind, self_us, total_us, self_pct,"
	" total_pct) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	" ?12)",
	"INSERT INTO cpu_node (artifact_id, node_index, node_id,"
	" parent_index, function_index, depth, hit_count, self_us,"
	" total_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* (url, line) is unique in an_cpu_hot_lines(); summing on conflict
	 * only guards against a future change there */
	"INSERT INTO cpu_line (artifact_id, url, line, ticks, self_us,"
	" function_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	" ON CONFLICT (artifact_id, url, line) DO UPDATE SET"
	" ticks = ticks + excluded.ticks,"
	" self_us = self_us + excluded.self_us",
	"DELETE FROM heap_class WHERE artifact_id = ?1",
	"DELETE FROM heap_object WHERE artifact_id = ?1",
	"INSERT INTO heap_class (artifact_id, class_index, name, script_id,"
	" line, col, count, self_size, retained_size, distance) VALUES (?1,"
	" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	"INSERT INTO heap_object (artifact_id, node_index, id, class_index,"
	" type, name, self_size, retained_size, distance, dominator_id)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	"SELECT id FROM artifact WHERE sha256 = ?1 AND profile = ?2",
	"DELETE FROM heap_diff WHERE base_id = ?1 AND target_id = ?2",
	"INSERT INTO heap_diff (base_id, target_id, row_index, name,"
	" script_id, line, col, new_count, deleted_count, count_delta,"
	" alloc_size, freed_size, size_delta) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	" ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	"DELETE FROM cpu_diff WHERE base_id = ?1 AND target_id = ?2",
	"INSERT INTO cpu_diff (base_id, target_id, row_index, name, url,"
	" line, col, status, base_self_us, base_total_us, target_self_us,"
	" target_total_us, base_self_pct, target_self_pct, self_delta,"
	" total_delta, delta_unit, self_ratio) VALUES (?1, ?2, ?3, ?4, ?5,"
	" ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	"DELETE FROM heap_leak_cluster WHERE base_id = ?1 AND target_id = ?2"
	" AND final_id IS ?3",
	"INSERT INTO heap_leak_cluster (base_id, target_id, final_id,"
	" cluster_index, class, count, retained_size, representative, chain)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* the same analysis: the same meta but for how many objects a
	 * heap snapshot keeps (json_remove also makes both minified) */
	"SELECT id, meta IS NOT NULL, meta IS NULL OR ?2 IS NOT NULL AND"
	" json_remove(meta, '$.top_objects', '$.all_objects') ="
	" json_remove(?2, '$.top_objects', '$.all_objects')"
	" FROM artifact WHERE sha256 = ?1 AND profile = ?3",
};

int an__store_fail(an_store *s, an_error *err, const char *what)
{
	return an__fail(err, AN_EIO, AN_NO_OFFSET, "%s: %s", what,
			sqlite3_errmsg(s->db));
}

int an__store_exec(an_store *s, const char *sql, const char *what,
		   an_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return an__store_fail(s, err, what);
	return AN_OK;
}

/* Returns the cached statement `id`, reset and ready for binding. */
int an__store_stmt(an_store *s, int id, sqlite3_stmt **out, an_error *err)
{
	if (!s->q[id] &&
	    sqlite3_prepare_v3(s->db, sql_text[id], -1,
			       SQLITE_PREPARE_PERSISTENT, &s->q[id],
			       NULL) != SQLITE_OK)
		return an__store_fail(s, err, "cannot prepare a statement");
	sqlite3_reset(s->q[id]);
	sqlite3_clear_bindings(s->q[id]);
	*out = s->q[id];
	return AN_OK;
}

/* Runs a statement that returns no rows and resets it. */
int an__store_step_done(an_store *s, sqlite3_stmt *st, const char *what,
			an_error *err)
{
	int rc = AN_OK;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = an__store_fail(s, err, what);
	sqlite3_reset(st);
	return rc;
}

void an__store_finalize_all(an_store *s)
{
	int i;

	for (i = 0; i < Q_COUNT; i++) {
		sqlite3_finalize(s->q[i]);
		s->q[i] = NULL;
	}
}

char *an__store_dup_str(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 1);

	if (!p)
		return NULL;
	memcpy(p, a, na);
	memcpy(p + na, b, nb + 1);
	return p;
}

/* PRAGMA user_version into *v. */
static int schema_version(an_store *s, int *v, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = an__store_stmt(s, Q_USER_VERSION, &st, err);
	if (rc < 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = an__store_fail(s, err, USE_FAILED);
	else
		*v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* After a run with foreign keys off: fails unless every key holds. */
static int check_keys(an_store *s, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (!s->fk_off)
		return AN_OK;
	if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st,
			       NULL) != SQLITE_OK)
		return an__store_fail(s, err, "cannot check the database");
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"a row refers to a missing artifact; nothing "
				"was stored");
	if (step != SQLITE_DONE)
		return an__store_fail(s, err, "cannot check the database");
	return AN_OK;
}

/* SQLite takes "file:..." as a URI when URIs are enabled globally; make
 * sure it opens the very file we looked at. */
static char *sqlite_name(const char *path)
{
	if (strncmp(path, "file:", 5) == 0)
		return an__store_dup_str("./", path);
	return an__store_dup_str(path, "");
}

int an_store_open(an_store **out, const char *path, an_error *err)
{
	an_store *s = NULL;
	struct stat sb;
	char *name = NULL;
	int rc = AN_OK, version = 0;

	*out = NULL;
	if (!path || !*path)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no database path given");
	s = calloc(1, sizeof(*s));
	if (s)
		s->path = an__store_dup_str(path, "");
	if (!s || !s->path)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			AN_FAIL(err, AN_EIO, AN_NO_OFFSET,
				"cannot access the database: %s",
				strerror(errno));
		AN_TRY(an__store_make_temp(s, err));
	}
	name = sqlite_name(s->tmp ? s->tmp : s->path);
	if (!name)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	/* never SQLITE_OPEN_CREATE: a missing file was made above, and an
	 * existing one must not be replaced. NOMUTEX: a store is used by
	 * one thread at a time. */
	if (sqlite3_open_v2(name, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		if (!s->db)
			AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET,
			"cannot open the database: %s", sqlite3_errmsg(s->db));
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/*
	 * Connection settings, then the write lock. Any of these may be the
	 * first to read page 1, so a file that is not a database fails here
	 * ("file is not a database"), before anything is written to it. The
	 * cache is for bulk imports; a temporary file is thrown away on
	 * failure, so it needs no journal file.
	 */
	AN_TRY(an__store_exec(s, "PRAGMA cache_size = -16384", USE_FAILED,
			      err));
	/* foreign keys cannot be switched inside a transaction, and the
	 * migration to version 4 rebuilds `artifact` (schema.c): a run that
	 * may migrate keeps them off and checks them before it commits */
	AN_TRY(schema_version(s, &version, err));
	if (version == AN_STORE_SCHEMA_VERSION)
		AN_TRY(an__store_exec(s, "PRAGMA foreign_keys = ON",
				      USE_FAILED, err));
	else
		s->fk_off = 1;
	if (s->tmp)
		AN_TRY(an__store_exec(s, "PRAGMA journal_mode = MEMORY",
				      USE_FAILED, err));
	AN_TRY(an__store_exec(s, "BEGIN IMMEDIATE", USE_FAILED, err));
	AN_TRY(an__store_ensure_schema(s, err));
	*out = s;
	s = NULL;
done:
	free(name);
	an_store_close(s);
	return rc;
}

/* Every writer runs in a savepoint: a failed call undoes only itself. */
int an__store_call_begin(an_store *s, an_error *err)
{
	if (s->committed)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"the database was already committed");
	if (s->broken || sqlite3_get_autocommit(s->db))
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"the transaction was aborted by an earlier "
				"error");
	return an__store_exec(s, "SAVEPOINT an_call",
			      "cannot start a savepoint", err);
}

int an__store_call_end(an_store *s, int rc, an_error *err)
{
	if (rc == AN_OK) {
		rc = an__store_exec(s, "RELEASE an_call",
				    "cannot release a savepoint", err);
		if (rc == AN_OK)
			return AN_OK;
	}
	/* SQLite may already have rolled the whole transaction back
	 * (SQLITE_FULL, SQLITE_IOERR, ...) */
	if (sqlite3_get_autocommit(s->db) ||
	    sqlite3_exec(s->db, "ROLLBACK TO an_call; RELEASE an_call", NULL,
			 NULL, NULL) != SQLITE_OK)
		s->broken = 1;
	return rc;
}

/* Back to the rollback journal after checkpoints (an_store_checkpoint):
 * the WAL is written into the database and its files removed. Best
 * effort (another connection may hold the database open). */
static void leave_wal(an_store *s)
{
	if (!s->wal)
		return;
	sqlite3_exec(s->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	s->wal = 0;
}

int an_store_commit(an_store *s, an_error *err)
{
	int rc = AN_OK;

	if (!s || s->committed)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"the database was already committed");
	if (s->broken || sqlite3_get_autocommit(s->db))
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"the transaction was aborted by an earlier "
				"error");
	/* Statistics for the query planner: without them it assumes an
	 * artifact has ~10 rows and prefers the primary key over
	 * cpu_node_function. Sampled (analysis_limit), so it stays cheap on
	 * big databases. */
	AN_TRY(an__store_exec(s, "PRAGMA analysis_limit = 400; ANALYZE",
			      "cannot update the statistics", err));
	AN_TRY(check_keys(s, err));
	/* on failure (e.g. SQLITE_BUSY) the transaction stays open and
	 * an_store_close() rolls it back */
	AN_TRY(an__store_exec(s, "COMMIT", "cannot commit", err));
	s->committed = 1;
	leave_wal(s);
	an__store_finalize_all(s);
	if (sqlite3_close(s->db) != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET,
			"cannot close the database: %s",
			sqlite3_errmsg(s->db));
	s->db = NULL;
	if (s->tmp)
		AN_TRY(an__store_publish(s, err));
done:
	return rc;
}

int an_store_checkpoint(an_store *s, an_error *err)
{
	int rc = AN_OK;

	if (!s || s->committed || s->tmp)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"a checkpoint needs an open database that "
				"existed before the run");
	if (s->broken || sqlite3_get_autocommit(s->db))
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"the transaction was aborted by an earlier "
				"error");
	AN_TRY(check_keys(s, err));
	AN_TRY(an__store_exec(s, "COMMIT", "cannot commit", err));
	if (s->fk_off) {
		AN_TRY(an__store_exec(s, "PRAGMA foreign_keys = ON",
				      USE_FAILED, err));
		s->fk_off = 0;
	}
	/*
	 * A long run commits often: in WAL mode with synchronous=NORMAL a
	 * commit is an append without fsync. A crash of the process loses
	 * nothing committed, a power loss at most the last commits, and
	 * neither corrupts the file. an_store_commit() / _close() go back
	 * to the rollback journal (one file again). Best effort: a file
	 * system without shared memory stays in its journal mode.
	 */
	if (!s->wal &&
	    sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL,
			 NULL) == SQLITE_OK) {
		s->wal = 1;
		sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL,
			     NULL);
	}
	rc = an__store_exec(s, "BEGIN IMMEDIATE", USE_FAILED, err);
	if (rc < 0)
		s->broken = 1;
done:
	return rc;
}

void an_store_close(an_store *s)
{
	if (!s)
		return;
	an__store_finalize_all(s);
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		leave_wal(s);
		sqlite3_close_v2(s->db);
	}
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->path);
	free(s);
}

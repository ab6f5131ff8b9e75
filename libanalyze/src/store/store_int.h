/*
 * store_int.h - what the store's files share: the connection record, the
 * statements prepared once per store, and small helpers for errors,
 * binding and savepoints. Only the store layer includes <sqlite3.h>.
 */
#ifndef AN_STORE_INT_H
#define AN_STORE_INT_H

#include <sqlite3.h>

#include "analyze/store.h"
#include "core/common_int.h"

#define AN_STORE_SCHEMA_VERSION 4

/* heap_object.name: DevTools' display name, cut at this many bytes */
#define AN_STORE_HEAP_NAME_MAX 1024

/* Statements prepared once per store and reused (index into sql_text). */
enum {
	Q_USER_VERSION,
	Q_META_OK,
	Q_UPD_ARTIFACT,
	Q_INS_ARTIFACT,
	Q_HAS_ARTIFACT,
	Q_DEL_FUNCTION,
	Q_DEL_NODE,
	Q_DEL_LINE,
	Q_INS_FUNCTION,
	Q_INS_NODE,
	Q_INS_LINE,
	Q_DEL_HCLASS,
	Q_DEL_HOBJECT,
	Q_INS_HCLASS,
	Q_INS_HOBJECT,
	Q_FIND_ARTIFACT,
	Q_DEL_HDIFF,
	Q_INS_HDIFF,
	Q_DEL_CDIFF,
	Q_INS_CDIFF,
	Q_DEL_LEAK,
	Q_INS_LEAK,
	Q_FIND_ARTIFACT_META,
	Q_COUNT
};


struct an_store {
	sqlite3 *db;               /* NULL once committed */
	char *path;                /* the database path as given */
	char *tmp;                 /* file being built, NULL when the
				      database existed (or once published) */
	int committed;             /* an_store_commit() succeeded */
	int broken;                /* the transaction was lost */
	int fk_off;                /* foreign keys off: this run may
				      migrate the schema (schema.c) */
	int wal;                   /* in WAL mode since a checkpoint */
	sqlite3_stmt *q[Q_COUNT];  /* lazily prepared statements */
};

/* ---- store.c: connection, statements, savepoints ---- */

/* AN_EIO "what: <sqlite's message>" */
AN_HIDDEN int an__store_fail(an_store *s, an_error *err, const char *what);
AN_HIDDEN int an__store_exec(an_store *s, const char *sql, const char *what,
			     an_error *err);
/* Returns the cached statement `id`, reset and ready for binding. */
AN_HIDDEN int an__store_stmt(an_store *s, int id, sqlite3_stmt **out,
			     an_error *err);
/* Runs a statement that returns no rows and resets it. */
AN_HIDDEN int an__store_step_done(an_store *s, sqlite3_stmt *st,
				  const char *what, an_error *err);
AN_HIDDEN void an__store_finalize_all(an_store *s);
/* a + b in a new string (NULL when out of memory) */
AN_HIDDEN char *an__store_dup_str(const char *a, const char *b);
/* Every writer runs in a savepoint: a failed call undoes only itself. */
AN_HIDDEN int an__store_call_begin(an_store *s, an_error *err);
AN_HIDDEN int an__store_call_end(an_store *s, int rc, an_error *err);

/* ---- artifact.c ---- */

/* AN_ENOTFOUND unless an artifact row with this id exists. */
AN_HIDDEN int an__store_check_artifact(an_store *s, int64_t id,
				       an_error *err);
/* Deletes the artifact's rows from the tables of `qs` (statement ids);
 * AN_ENOTFOUND when there is no such artifact. */
AN_HIDDEN int an__store_clear_rows(an_store *s, int64_t id, const int *qs,
				   size_t n, const char *what, an_error *err);

/* ---- schema.c ---- */

/* Checks the schema version and migrates an older database. */
AN_HIDDEN int an__store_ensure_schema(an_store *s, an_error *err);

/* ---- publish.c ---- */

/* Creates `<path>.tmp-XXXXXX` exclusively into s->tmp. */
AN_HIDDEN int an__store_make_temp(an_store *s, an_error *err);
/* Moves the finished temporary file to the database path. */
AN_HIDDEN int an__store_publish(an_store *s, an_error *err);

/* ---- binding ---- */

/* Binds a model string with its explicit length (may contain NUL). The
 * profile outlives the step, hence SQLITE_STATIC. */
static inline int an__store_bind_str(sqlite3_stmt *st, int i, an_str v)
{
	return sqlite3_bind_text64(st, i, v.ptr ? v.ptr : "", v.len,
				   SQLITE_STATIC, SQLITE_UTF8);
}

static inline int an__store_bind_cstr(sqlite3_stmt *st, int i,
				      const char *v)
{
	return sqlite3_bind_text64(st, i, v, strlen(v), SQLITE_STATIC,
				   SQLITE_UTF8);
}

/* 1-based position, NULL when the artifact has none (-1). */
static inline int an__store_bind_pos(sqlite3_stmt *st, int i,
				     int32_t zero_based)
{
	if (zero_based < 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, (sqlite3_int64)zero_based + 1);
}

static inline sqlite3_int64 an__store_i64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

/* DevTools shows "-" for unreachable and system-only distances: NULL. */
static inline int an__store_bind_dist(sqlite3_stmt *st, int i, int32_t d)
{
	if (d < 0 || d >= AN_HEAP_SYSTEM_DISTANCE)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, d);
}

#endif /* AN_STORE_INT_H */

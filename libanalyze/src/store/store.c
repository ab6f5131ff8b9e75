/*
 * store.c - the SQLite results database (DESIGN.md §5, docs/database.md):
 * schema creation and migration, one write transaction per run, and the
 * artifact, CPU and heap writers. The only file that includes <sqlite3.h>.
 *
 * Atomicity: a database that does not exist yet is built in a temporary
 * file next to it and moved into place by an_store_commit(); an existing
 * one is written inside BEGIN IMMEDIATE ... COMMIT. Each writer call runs
 * in a savepoint, so a failed call leaves the transaction as it was
 * before the call.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/store.h"
#include "core/common_int.h"

#define SCHEMA_VERSION 2
#define BUSY_TIMEOUT_MS 5000
#define TMP_TRIES 100   /* attempts at a fresh temporary name */
#define USE_FAILED "cannot use the database"

/*
 * The schema, as the steps that take a database from one version to the
 * next (PRAGMA user_version; 0 is a new or empty file). Every table but
 * `artifact` references it with ON DELETE CASCADE (needs PRAGMA
 * foreign_keys=ON), so deleting an artifact row removes everything stored
 * for it. IF NOT EXISTS keeps a step harmless on a file that already has
 * some of its tables. heap_diff and heap_leak_cluster will be a later
 * step, added the same way.
 *
 * Version 1: artifact and the CPU tables.
 */
static const char schema_v1_sql[] =
	"CREATE TABLE IF NOT EXISTS artifact (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL,\n"
	"  sha256 TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL,\n"
	"  bytes INTEGER NOT NULL,\n"
	"  analysed_at TEXT NOT NULL,\n"
	"  tool_version TEXT NOT NULL,\n"
	"  meta TEXT\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS cpu_function (\n"
	"  artifact_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  function_index INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  url TEXT NOT NULL,\n"
	"  line INTEGER,\n"
	"  col INTEGER,\n"
	"  script_id TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  self_us INTEGER NOT NULL,\n"
	"  total_us INTEGER NOT NULL,\n"
	"  self_pct REAL NOT NULL,\n"
	"  total_pct REAL NOT NULL,\n"
	"  PRIMARY KEY (artifact_id, function_index)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS cpu_function_name\n"
	"  ON cpu_function(name);\n"
	"CREATE TABLE IF NOT EXISTS cpu_node (\n"
	"  artifact_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  node_index INTEGER NOT NULL,\n"
	"  node_id INTEGER NOT NULL,\n"
	"  parent_index INTEGER,\n"
	"  function_index INTEGER NOT NULL,\n"
	"  depth INTEGER NOT NULL,\n"
	"  hit_count INTEGER NOT NULL,\n"
	"  self_us INTEGER NOT NULL,\n"
	"  total_us INTEGER NOT NULL,\n"
	"  PRIMARY KEY (artifact_id, node_index)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX IF NOT EXISTS cpu_node_function\n"
	"  ON cpu_node(artifact_id, function_index);\n"
	"CREATE TABLE IF NOT EXISTS cpu_line (\n"
	"  artifact_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  url TEXT NOT NULL,\n"
	"  line INTEGER NOT NULL,\n"
	"  ticks INTEGER NOT NULL,\n"
	"  self_us INTEGER NOT NULL,\n"
	"  function_index INTEGER NOT NULL,\n"
	"  PRIMARY KEY (artifact_id, url, line)\n"
	");\n";

/*
 * Version 2: the heap tables. heap_object is WITHOUT ROWID: with
 * --all-objects it holds a row per node and is by far the biggest table;
 * keyed by (artifact_id, node_index) directly it needs no separate rowid
 * b-tree. Sizes are bytes; line and col are 1-based; distance is NULL
 * where DevTools shows "-".
 */
static const char schema_v2_sql[] =
	"CREATE TABLE IF NOT EXISTS heap_class (\n"
	"  artifact_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  class_index INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  script_id INTEGER,\n"
	"  line INTEGER,\n"
	"  col INTEGER,\n"
	"  count INTEGER NOT NULL,\n"
	"  self_size INTEGER NOT NULL,\n"
	"  retained_size INTEGER NOT NULL,\n"
	"  distance INTEGER,\n"
	"  PRIMARY KEY (artifact_id, class_index)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS heap_class_name\n"
	"  ON heap_class(name);\n"
	"CREATE TABLE IF NOT EXISTS heap_object (\n"
	"  artifact_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  node_index INTEGER NOT NULL,\n"
	"  id INTEGER NOT NULL,\n"
	"  class_index INTEGER NOT NULL,\n"
	"  type TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  self_size INTEGER NOT NULL,\n"
	"  retained_size INTEGER NOT NULL,\n"
	"  distance INTEGER,\n"
	"  dominator_id INTEGER,\n"
	"  PRIMARY KEY (artifact_id, node_index)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX IF NOT EXISTS heap_object_class\n"
	"  ON heap_object(artifact_id, class_index);\n"
	"CREATE INDEX IF NOT EXISTS heap_object_id\n"
	"  ON heap_object(artifact_id, id);\n";

/* migrations[v - 1] takes a database from version v - 1 to v */
static const char *const migrations[SCHEMA_VERSION] = {
	schema_v1_sql,
	schema_v2_sql,
};

/* heap_object.name: DevTools' display name, cut at this many bytes */
#define HEAP_NAME_MAX 1024

/* Statements prepared once per store and reused (index into sql_text). */
enum {
	Q_USER_VERSION,
	Q_META_OK,
	Q_DEL_ARTIFACT,
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
	Q_COUNT
};

static const char *const sql_text[Q_COUNT] = {
	"PRAGMA user_version",
	"SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0"
	" END",
	"DELETE FROM artifact WHERE sha256 = ?1",
	"INSERT INTO artifact (path, sha256, kind, bytes, analysed_at,"
	" tool_version, meta) VALUES (?1, ?2, ?3, ?4,"
	" strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5, ?6)",
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
};

struct an_store {
	sqlite3 *db;               /* NULL once committed */
	char *path;                /* the database path as given */
	char *tmp;                 /* file being built, NULL when the
				      database existed (or once published) */
	int committed;             /* an_store_commit() succeeded */
	int broken;                /* the transaction was lost */
	sqlite3_stmt *q[Q_COUNT];  /* lazily prepared statements */
};

static int db_fail(an_store *s, an_error *err, const char *what)
{
	return an__fail(err, AN_EIO, AN_NO_OFFSET, "%s: %s", what,
			sqlite3_errmsg(s->db));
}

static int exec(an_store *s, const char *sql, const char *what,
		an_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, what);
	return AN_OK;
}

/* Returns the cached statement `id`, reset and ready for binding. */
static int stmt(an_store *s, int id, sqlite3_stmt **out, an_error *err)
{
	if (!s->q[id] &&
	    sqlite3_prepare_v3(s->db, sql_text[id], -1,
			       SQLITE_PREPARE_PERSISTENT, &s->q[id],
			       NULL) != SQLITE_OK)
		return db_fail(s, err, "cannot prepare a statement");
	*out = s->q[id];
	return AN_OK;
}

/* Runs a statement that returns no rows and resets it. */
static int step_done(an_store *s, sqlite3_stmt *st, const char *what,
		     an_error *err)
{
	int rc = AN_OK;

	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(s, err, what);
	sqlite3_reset(st);
	return rc;
}

static void finalize_all(an_store *s)
{
	int i;

	for (i = 0; i < Q_COUNT; i++) {
		sqlite3_finalize(s->q[i]);
		s->q[i] = NULL;
	}
}

/* Binds a model string with its explicit length (may contain NUL). The
 * profile outlives the step, hence SQLITE_STATIC. */
static int bind_str(sqlite3_stmt *st, int i, an_str v)
{
	return sqlite3_bind_text64(st, i, v.ptr ? v.ptr : "", v.len,
				   SQLITE_STATIC, SQLITE_UTF8);
}

static int bind_cstr(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text64(st, i, v, strlen(v), SQLITE_STATIC,
				   SQLITE_UTF8);
}

/* 1-based position, NULL when the artifact has none (-1). */
static int bind_pos(sqlite3_stmt *st, int i, int32_t zero_based)
{
	if (zero_based < 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, (sqlite3_int64)zero_based + 1);
}

static sqlite3_int64 to_i64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)v;
}

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0.0;
}

static const char *frame_kind_name(an_frame_kind k)
{
	switch (k) {
	case AN_FRAME_JS: return "js";
	case AN_FRAME_ROOT: return "root";
	case AN_FRAME_PROGRAM: return "program";
	case AN_FRAME_IDLE: return "idle";
	case AN_FRAME_GC: return "gc";
	}
	return "js";
}

static char *dup_str(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 1);

	if (!p)
		return NULL;
	memcpy(p, a, na);
	memcpy(p + na, b, nb + 1);
	return p;
}

/*
 * Creates `<path>.tmp-XXXXXX` exclusively. Not mkstemp(): that makes the
 * file 0600, while a database SQLite creates itself gets 0644 minus the
 * umask, and the temporary file becomes the database.
 */
static int make_temp(an_store *s, an_error *err)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts;
	uint64_t x;
	size_t n = strlen(s->path);
	int tries, fd = -1, i;

	s->tmp = malloc(n + sizeof(".tmp-XXXXXX"));
	if (!s->tmp)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	memcpy(s->tmp, s->path, n);
	memcpy(s->tmp + n, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	    ((uint64_t)getpid() << 20) ^ (uint64_t)(uintptr_t)s;
	for (tries = 0; tries < TMP_TRIES; tries++) {
		/* splitmix64 step */
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);
		z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ z >> 27) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		for (i = 0; i < 6; i++) {
			s->tmp[n + 5 + (size_t)i] = digits[z % 36];
			z /= 36;
		}
		fd = open(s->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			  0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int e = errno;
		free(s->tmp);
		s->tmp = NULL;
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"cannot create the database: %s",
				strerror(e));
	}
	/* closed before SQLite opens it: closing another descriptor of a
	 * file would drop SQLite's POSIX locks on it */
	close(fd);
	return AN_OK;
}

/* Best effort: makes the new directory entry durable. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash) {
		dir = dup_str(".", "");
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		dir = malloc(n + 1);
		if (dir) {
			memcpy(dir, path, n);
			dir[n] = '\0';
		}
	}
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * Moves the finished temporary file to the database path. link() fails
 * when another process created the database meanwhile, so its data is
 * never replaced; rename() is the fallback on file systems without hard
 * links.
 */
static int publish(an_store *s, an_error *err)
{
	if (link(s->tmp, s->path) == 0) {
		unlink(s->tmp);
	} else if (errno == EEXIST) {
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"the database was created by another "
				"process meanwhile; nothing was stored");
	} else if (rename(s->tmp, s->path) != 0) {
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"cannot move the new database into place: "
				"%s",
				strerror(errno));
	}
	free(s->tmp);
	s->tmp = NULL;
	sync_dir(s->path);
	return AN_OK;
}

/* Checks the schema version and migrates an older database to the
 * current one. Runs inside the write transaction, so an abandoned run
 * leaves an old database at its old version. */
static int ensure_schema(an_store *s, an_error *err)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	int rc = AN_OK, version, v;

	AN_TRY(stmt(s, Q_USER_VERSION, &st, err));
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(s, err, "cannot read the database");
		sqlite3_reset(st);
		goto done;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (version > SCHEMA_VERSION)
		AN_FAIL(err, AN_EFORMAT, AN_NO_OFFSET,
			"database schema version %d is newer than this "
			"profkit supports (%d)",
			version, SCHEMA_VERSION);
	if (version < 0)
		AN_FAIL(err, AN_EFORMAT, AN_NO_OFFSET,
			"database schema version %d is not one of profkit's",
			version);
	if (version == SCHEMA_VERSION)
		goto done;
	for (v = version; v < SCHEMA_VERSION; v++)
		AN_TRY(exec(s, migrations[v], "cannot create the schema",
			    err));
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 SCHEMA_VERSION);
	AN_TRY(exec(s, sql, "cannot set the schema version", err));
done:
	return rc;
}

/* SQLite takes "file:..." as a URI when URIs are enabled globally; make
 * sure it opens the very file we looked at. */
static char *sqlite_name(const char *path)
{
	if (strncmp(path, "file:", 5) == 0)
		return dup_str("./", path);
	return dup_str(path, "");
}

int an_store_open(an_store **out, const char *path, an_error *err)
{
	an_store *s = NULL;
	struct stat sb;
	char *name = NULL;
	int rc = AN_OK;

	*out = NULL;
	if (!path || !*path)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"no database path given");
	s = calloc(1, sizeof(*s));
	if (s)
		s->path = dup_str(path, "");
	if (!s || !s->path)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			AN_FAIL(err, AN_EIO, AN_NO_OFFSET,
				"cannot access the database: %s",
				strerror(errno));
		AN_TRY(make_temp(s, err));
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
	AN_TRY(exec(s, "PRAGMA foreign_keys = ON", USE_FAILED, err));
	AN_TRY(exec(s, "PRAGMA cache_size = -16384", USE_FAILED, err));
	if (s->tmp)
		AN_TRY(exec(s, "PRAGMA journal_mode = MEMORY", USE_FAILED,
			    err));
	AN_TRY(exec(s, "BEGIN IMMEDIATE", USE_FAILED, err));
	AN_TRY(ensure_schema(s, err));
	*out = s;
	s = NULL;
done:
	free(name);
	an_store_close(s);
	return rc;
}

/* Every writer runs in a savepoint: a failed call undoes only itself. */
static int call_begin(an_store *s, an_error *err)
{
	if (s->committed)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"the database was already committed");
	if (s->broken || sqlite3_get_autocommit(s->db))
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"the transaction was aborted by an earlier "
				"error");
	return exec(s, "SAVEPOINT an_call", "cannot start a savepoint",
		    err);
}

static int call_end(an_store *s, int rc, an_error *err)
{
	if (rc == AN_OK) {
		rc = exec(s, "RELEASE an_call", "cannot release a savepoint",
			  err);
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

static int is_sha256(const char *h)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') ||
		      (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

static int check_meta(an_store *s, const char *meta, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, ok;

	AN_TRY(stmt(s, Q_META_OK, &st, err));
	if (bind_cstr(st, 1, meta) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(s, err, "cannot check the artifact metadata");
		sqlite3_reset(st);
		goto done;
	}
	ok = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!ok)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"artifact metadata is not a JSON object");
done:
	return rc;
}

static int put_artifact(an_store *s, const an_artifact_info *info,
			int64_t *artifact_id, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, b;

	if (info->meta_json)
		AN_TRY(check_meta(s, info->meta_json, err));
	AN_TRY(stmt(s, Q_DEL_ARTIFACT, &st, err));
	if (bind_cstr(st, 1, info->sha256) != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "cannot bind: %s",
			sqlite3_errmsg(s->db));
	AN_TRY(step_done(s, st, "cannot replace the artifact", err));
	AN_TRY(stmt(s, Q_INS_ARTIFACT, &st, err));
	b = bind_cstr(st, 1, info->path);
	b |= bind_cstr(st, 2, info->sha256);
	b |= bind_cstr(st, 3, an_kind_name(info->kind));
	b |= sqlite3_bind_int64(st, 4, (sqlite3_int64)info->bytes);
	b |= bind_cstr(st, 5, an_version());
	if (info->meta_json)
		b |= bind_cstr(st, 6, info->meta_json);
	else
		b |= sqlite3_bind_null(st, 6);
	if (b != SQLITE_OK) {
		rc = db_fail(s, err, "cannot bind the artifact");
		sqlite3_reset(st);
		goto done;
	}
	AN_TRY(step_done(s, st, "cannot store the artifact", err));
	*artifact_id = sqlite3_last_insert_rowid(s->db);
done:
	return rc;
}

int an_store_artifact(int64_t *artifact_id, an_store *s,
		      const an_artifact_info *info, an_error *err)
{
	int rc;

	if (!s || !info || !artifact_id || !info->path || !info->sha256)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store, artifact path or sha256");
	if (!is_sha256(info->sha256))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"sha256 must be 64 lowercase hex digits");
	if (info->bytes > (uint64_t)INT64_MAX)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"artifact size out of range");
	rc = call_begin(s, err);
	if (rc < 0)
		return rc;
	return call_end(s, put_artifact(s, info, artifact_id, err), err);
}

/* AN_ENOTFOUND unless an artifact row with this id exists. */
static int check_artifact(an_store *s, int64_t id, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, found;

	AN_TRY(stmt(s, Q_HAS_ARTIFACT, &st, err));
	sqlite3_bind_int64(st, 1, id);
	found = sqlite3_step(st);
	if (found != SQLITE_ROW && found != SQLITE_DONE) {
		rc = db_fail(s, err, "cannot look up the artifact");
		sqlite3_reset(st);
		goto done;
	}
	sqlite3_reset(st);
	if (found == SQLITE_DONE)
		AN_FAIL(err, AN_ENOTFOUND, AN_NO_OFFSET,
			"no artifact with id %lld", (long long)id);
done:
	return rc;
}

/* Deletes the artifact's rows from the tables of `qs` (statement ids). */
static int clear_rows(an_store *s, int64_t id, const int *qs, size_t n,
		      const char *what, an_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = AN_OK;

	AN_TRY(check_artifact(s, id, err));
	for (i = 0; i < n; i++) {
		AN_TRY(stmt(s, qs[i], &st, err));
		sqlite3_bind_int64(st, 1, id);
		AN_TRY(step_done(s, st, what, err));
	}
done:
	return rc;
}

/* Removes earlier CPU rows of the artifact, so storing twice replaces. */
static int clear_cpu(an_store *s, int64_t id, an_error *err)
{
	static const int qs[] = {Q_DEL_FUNCTION, Q_DEL_NODE, Q_DEL_LINE};

	return clear_rows(s, id, qs, sizeof(qs) / sizeof(qs[0]),
			  "cannot replace CPU rows", err);
}

static int put_functions(an_store *s, int64_t id, const an_cpu *c,
			 an_error *err)
{
	const an_profile *p = an_cpu_profile(c);
	const uint32_t *order;
	uint32_t n = an_cpu_functions(c, &order), i;
	double total = an_cpu_total_us(c);
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	AN_TRY(stmt(s, Q_INS_FUNCTION, &st, err));
	for (i = 0; i < n; i++) {
		uint32_t fn = order[i];
		const an_function *f = an_profile_function(p, fn);
		double self = an_cpu_function_self_us(c, fn);
		double tot = an_cpu_function_total_us(c, fn);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= sqlite3_bind_int64(st, 2, fn);
		b |= bind_str(st, 3, f->name);
		b |= bind_str(st, 4, f->url);
		b |= bind_pos(st, 5, f->line);
		b |= bind_pos(st, 6, f->column);
		b |= bind_str(st, 7, f->script_id);
		b |= bind_cstr(st, 8, frame_kind_name(f->kind));
		b |= sqlite3_bind_int64(st, 9, llround(self));
		b |= sqlite3_bind_int64(st, 10, llround(tot));
		b |= sqlite3_bind_double(st, 11, pct(self, total));
		b |= sqlite3_bind_double(st, 12, pct(tot, total));
		if (b != SQLITE_OK) {
			rc = db_fail(s, err, "cannot bind a function");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(step_done(s, st, "cannot store a function", err));
	}
done:
	return rc;
}

static int put_nodes(an_store *s, int64_t id, const an_cpu *c,
		     an_error *err)
{
	const an_profile *p = an_cpu_profile(c);
	uint32_t n = an_profile_node_count(p), i;
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	AN_TRY(stmt(s, Q_INS_NODE, &st, err));
	for (i = 0; i < n; i++) {
		uint32_t parent = an_profile_node_parent(p, i);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= sqlite3_bind_int64(st, 2, i);
		b |= sqlite3_bind_int64(st, 3, an_profile_node_id(p, i));
		if (parent == AN_NONE)
			b |= sqlite3_bind_null(st, 4);
		else
			b |= sqlite3_bind_int64(st, 4, parent);
		b |= sqlite3_bind_int64(st, 5, an_profile_node_function(p, i));
		b |= sqlite3_bind_int64(st, 6, an_profile_node_depth(p, i));
		b |= sqlite3_bind_int64(st, 7,
					to_i64(an_profile_node_hits(p, i)));
		b |= sqlite3_bind_int64(st, 8,
					llround(an_cpu_node_self_us(c, i)));
		b |= sqlite3_bind_int64(st, 9,
					llround(an_cpu_node_total_us(c, i)));
		if (b != SQLITE_OK) {
			rc = db_fail(s, err, "cannot bind a node");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(step_done(s, st, "cannot store a node", err));
	}
done:
	return rc;
}

static int put_lines(an_store *s, int64_t id, const an_cpu *c,
		     an_error *err)
{
	an_cpu_lines *l = NULL;
	an_error lerr;
	sqlite3_stmt *st = NULL;
	uint32_t n, i;
	int rc = AN_OK;

	rc = an_cpu_hot_lines(&l, c, &lerr);
	if (rc == AN_EINVAL) /* a window on a .cpuprofile: no lines */
		return AN_OK;
	if (rc < 0) {
		if (err)
			*err = lerr;
		return rc;
	}
	AN_TRY(stmt(s, Q_INS_LINE, &st, err));
	n = an_cpu_lines_count(l);
	for (i = 0; i < n; i++) {
		const an_cpu_line *e = an_cpu_lines_get(l, i);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= bind_str(st, 2, e->url);
		b |= sqlite3_bind_int64(st, 3, e->line);
		b |= sqlite3_bind_int64(st, 4, to_i64(e->ticks));
		b |= sqlite3_bind_int64(st, 5, llround(e->self_us));
		b |= sqlite3_bind_int64(st, 6, e->function);
		if (b != SQLITE_OK) {
			rc = db_fail(s, err, "cannot bind a line");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(step_done(s, st, "cannot store a line", err));
	}
done:
	an_cpu_lines_free(l);
	return rc;
}

static int put_cpu(an_store *s, int64_t id, const an_cpu *c, an_error *err)
{
	int rc = AN_OK;

	AN_TRY(clear_cpu(s, id, err));
	AN_TRY(put_functions(s, id, c, err));
	AN_TRY(put_nodes(s, id, c, err));
	AN_TRY(put_lines(s, id, c, err));
done:
	return rc;
}

int an_store_cpu(an_store *s, int64_t artifact_id, const an_cpu *c,
		 an_error *err)
{
	int rc;

	if (!s || !c)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store or CPU analysis");
	rc = call_begin(s, err);
	if (rc < 0)
		return rc;
	return call_end(s, put_cpu(s, artifact_id, c, err), err);
}

/* ---- heap ---- */

/* DevTools shows "-" for unreachable and system-only distances: NULL. */
static int bind_dist(sqlite3_stmt *st, int i, int32_t d)
{
	if (d < 0 || d >= AN_HEAP_SYSTEM_DISTANCE)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, d);
}

static int clear_heap(an_store *s, int64_t id, an_error *err)
{
	static const int qs[] = {Q_DEL_HCLASS, Q_DEL_HOBJECT};

	return clear_rows(s, id, qs, sizeof(qs) / sizeof(qs[0]),
			  "cannot replace heap rows", err);
}

/*
 * Every class, in class index order (the primary key's). Classes without
 * members (all their objects have a zero shallow size, so DevTools lists
 * no row for them) get count 0: heap_object rows may refer to them.
 */
static int put_classes(an_store *s, int64_t id, const an_heap *h,
		       an_error *err)
{
	uint32_t n = an_heap_class_count(h), c;
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	AN_TRY(stmt(s, Q_INS_HCLASS, &st, err));
	for (c = 0; c < n; c++) {
		const an_heap_class *k = an_heap_class_get(h, c);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= sqlite3_bind_int64(st, 2, c);
		b |= bind_str(st, 3, k->name);
		if (k->has_location) {
			b |= sqlite3_bind_int64(st, 4, k->script_id);
			b |= sqlite3_bind_int64(st, 5,
						(sqlite3_int64)k->line + 1);
			b |= sqlite3_bind_int64(st, 6,
						(sqlite3_int64)k->column + 1);
		} else {
			b |= sqlite3_bind_null(st, 4);
			b |= sqlite3_bind_null(st, 5);
			b |= sqlite3_bind_null(st, 6);
		}
		b |= sqlite3_bind_int64(st, 7, to_i64(k->count));
		b |= sqlite3_bind_int64(st, 8, to_i64(k->self_size));
		b |= sqlite3_bind_int64(st, 9, to_i64(k->retained_size));
		b |= bind_dist(st, 10, k->count ? k->distance : -1);
		if (b != SQLITE_OK) {
			rc = db_fail(s, err, "cannot bind a class");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(step_done(s, st, "cannot store a class", err));
	}
done:
	return rc;
}

/* A place in the dominator tree: the k-th node dominated by `parent`. */
typedef struct dom_pos {
	uint32_t parent;
	uint32_t k;
} dom_pos;

static uint32_t pos_node(const an_heap *h, dom_pos p)
{
	const uint32_t *kids;

	an_heap_node_dominated(h, p.parent, &kids);
	return kids[p.k];
}

/* max-heap order: larger retained size first, then lower node index */
static int pos_before(const an_heap *h, dom_pos a, dom_pos b)
{
	uint32_t x = pos_node(h, a), y = pos_node(h, b);
	uint64_t rx = an_heap_node_retained_size(h, x);
	uint64_t ry = an_heap_node_retained_size(h, y);

	return rx != ry ? rx > ry : x < y;
}

static void heap_push(const an_heap *h, dom_pos *q, uint32_t *nq, dom_pos p)
{
	uint32_t i = (*nq)++;

	while (i > 0 && pos_before(h, p, q[(i - 1) / 2])) {
		q[i] = q[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q[i] = p;
}

static dom_pos heap_pop(const an_heap *h, dom_pos *q, uint32_t *nq)
{
	dom_pos top = q[0], last = q[--*nq];
	uint32_t i = 0, n = *nq;

	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && pos_before(h, q[c + 1], q[c]))
			c++;
		if (!pos_before(h, q[c], last))
			break;
		q[i] = q[c];
		i = c;
	}
	if (n)
		q[i] = last;
	return top;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The root and the `top` largest other nodes by retained size, in node
 * order. Walks the dominator tree best first: a node's retained size is
 * never larger than its dominator's, and an_heap_node_dominated() lists
 * children largest first, so a priority queue holding, per visited
 * node, only its next unvisited child yields nodes by descending
 * retained size with every dominator before the nodes it dominates.
 * The queue never holds more than top + 1 entries.
 */
static int pick_top(const an_heap *h, uint32_t top, uint32_t **out,
		    uint32_t *count, an_error *err)
{
	uint32_t root = an_heap_root(h), nq = 0, k = 0, cnt;
	const uint32_t *kids;
	uint32_t *pick = malloc(((size_t)top + 1) * sizeof(*pick));
	dom_pos *q = malloc(((size_t)top + 1) * sizeof(*q));

	if (!pick || !q) {
		free(pick);
		free(q);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	pick[k++] = root;
	if (an_heap_node_dominated(h, root, &kids) > 0) {
		dom_pos p = {root, 0};
		heap_push(h, q, &nq, p);
	}
	while (nq && k <= top) {
		dom_pos p = heap_pop(h, q, &nq);
		uint32_t v = pos_node(h, p);

		pick[k++] = v;
		cnt = an_heap_node_dominated(h, p.parent, &kids);
		if (p.k + 1 < cnt) {
			dom_pos next = {p.parent, p.k + 1};
			heap_push(h, q, &nq, next);
		}
		if (an_heap_node_dominated(h, v, &kids) > 0) {
			dom_pos child = {v, 0};
			heap_push(h, q, &nq, child);
		}
	}
	free(q);
	qsort(pick, k, sizeof(*pick), cmp_u32);
	*out = pick;
	*count = k;
	return AN_OK;
}

static int put_object(an_store *s, sqlite3_stmt *st, int64_t id,
		      const an_heap *h, uint32_t v, an_error *err)
{
	/* one byte beyond the cut, to see whether it splits a character */
	char name[HEAP_NAME_MAX + 2];
	size_t len;
	int b;

	if (an_heap_node_name(name, sizeof(name), &len, h, v, err) < 0)
		return err ? err->code : AN_ENOMEM;

	if (len > HEAP_NAME_MAX) {
		/* cut at a character boundary: back over the continuation
		 * bytes (10xxxxxx) of a sequence the cut would split */
		len = HEAP_NAME_MAX;
		while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
			len--;
	}
	b = sqlite3_bind_int64(st, 1, id);
	b |= sqlite3_bind_int64(st, 2, v);
	b |= sqlite3_bind_int64(st, 3, to_i64(an_heap_node_id(h, v)));
	b |= sqlite3_bind_int64(st, 4, an_heap_node_class(h, v));
	b |= bind_cstr(st, 5, an_heap_node_type(h, v));
	/* SQLITE_TRANSIENT: `name` dies with this call */
	b |= sqlite3_bind_text64(st, 6, name, len, SQLITE_TRANSIENT,
				 SQLITE_UTF8);
	b |= sqlite3_bind_int64(st, 7, to_i64(an_heap_node_self_size(h, v)));
	b |= sqlite3_bind_int64(st, 8,
				to_i64(an_heap_node_retained_size(h, v)));
	b |= bind_dist(st, 9, an_heap_node_distance(h, v));
	if (v == an_heap_root(h))
		b |= sqlite3_bind_null(st, 10);
	else
		b |= sqlite3_bind_int64(
			st, 10,
			to_i64(an_heap_node_id(h,
					       an_heap_node_dominator(h, v))));
	if (b != SQLITE_OK) {
		int rc = db_fail(s, err, "cannot bind an object");
		sqlite3_reset(st);
		return rc;
	}
	return step_done(s, st, "cannot store an object", err);
}

/* Objects in node index order: appends to the primary key's b-tree. */
static int put_objects(an_store *s, int64_t id, const an_heap *h,
		       uint32_t top, an_error *err)
{
	uint32_t n = an_heap_node_count(h), i, count = n;
	uint32_t *pick = NULL;
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	if (top == 0 || n == 0)
		return AN_OK;
	if (top < n - 1)
		AN_TRY(pick_top(h, top, &pick, &count, err));
	AN_TRY(stmt(s, Q_INS_HOBJECT, &st, err));
	for (i = 0; i < count; i++)
		AN_TRY(put_object(s, st, id, h, pick ? pick[i] : i, err));
done:
	free(pick);
	return rc;
}

static int put_heap(an_store *s, int64_t id, const an_heap *h, uint32_t top,
		    an_error *err)
{
	int rc = AN_OK;

	AN_TRY(clear_heap(s, id, err));
	AN_TRY(put_classes(s, id, h, err));
	AN_TRY(put_objects(s, id, h, top, err));
done:
	return rc;
}

int an_store_heap(an_store *s, int64_t artifact_id, const an_heap *h,
		  uint32_t top_objects, an_error *err)
{
	int rc;

	if (!s || !h)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store or heap snapshot");
	rc = call_begin(s, err);
	if (rc < 0)
		return rc;
	return call_end(s, put_heap(s, artifact_id, h, top_objects, err),
			err);
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
	AN_TRY(exec(s, "PRAGMA analysis_limit = 400; ANALYZE",
		    "cannot update the statistics", err));
	/* on failure (e.g. SQLITE_BUSY) the transaction stays open and
	 * an_store_close() rolls it back */
	AN_TRY(exec(s, "COMMIT", "cannot commit", err));
	s->committed = 1;
	finalize_all(s);
	if (sqlite3_close(s->db) != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET,
			"cannot close the database: %s",
			sqlite3_errmsg(s->db));
	s->db = NULL;
	if (s->tmp)
		AN_TRY(publish(s, err));
done:
	return rc;
}

void an_store_close(an_store *s)
{
	if (!s)
		return;
	finalize_all(s);
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->path);
	free(s);
}

/*
 * schema.c - the database schema and its migrations: the SQL that takes a
 * database from one version to the next, run inside the write
 * transaction.
 */
#include <stdio.h>

#include "store/store_int.h"

#define SCHEMA_VERSION AN_STORE_SCHEMA_VERSION

/*
 * The schema, as the steps that take a database from one version to the
 * next (PRAGMA user_version; 0 is a new or empty file). Every table but
 * `artifact` references it with ON DELETE CASCADE (needs PRAGMA
 * foreign_keys=ON), so deleting an artifact row removes everything stored
 * for it. IF NOT EXISTS keeps a step harmless on a file that already has
 * some of its tables.
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

/*
 * Version 3: comparisons of two snapshots. heap_diff holds the rows of
 * DevTools' Comparison view (`profkit heap diff`), keyed by both
 * artifacts and the row's place in DevTools' order; heap_leak_cluster
 * the leak clusters of `profkit heap leaks` (final_id NULL without a
 * third snapshot; chain a JSON array). Both cascade from either artifact.
 */
static const char schema_v3_sql[] =
	"CREATE TABLE IF NOT EXISTS heap_diff (\n"
	"  base_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  target_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  row_index INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  script_id INTEGER,\n"
	"  line INTEGER,\n"
	"  col INTEGER,\n"
	"  new_count INTEGER NOT NULL,\n"
	"  deleted_count INTEGER NOT NULL,\n"
	"  count_delta INTEGER NOT NULL,\n"
	"  alloc_size INTEGER NOT NULL,\n"
	"  freed_size INTEGER NOT NULL,\n"
	"  size_delta INTEGER NOT NULL,\n"
	"  PRIMARY KEY (base_id, target_id, row_index)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS heap_diff_target\n"
	"  ON heap_diff(target_id);\n"
	"CREATE INDEX IF NOT EXISTS heap_diff_name\n"
	"  ON heap_diff(name);\n"
	"CREATE TABLE IF NOT EXISTS heap_leak_cluster (\n"
	"  base_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  target_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  final_id INTEGER\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  cluster_index INTEGER NOT NULL,\n"
	"  class TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  retained_size INTEGER NOT NULL,\n"
	"  representative INTEGER NOT NULL,\n"
	"  chain TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS heap_leak_cluster_pair\n"
	"  ON heap_leak_cluster(base_id, target_id, final_id);\n"
	"CREATE INDEX IF NOT EXISTS heap_leak_cluster_target\n"
	"  ON heap_leak_cluster(target_id);\n"
	"CREATE INDEX IF NOT EXISTS heap_leak_cluster_final\n"
	"  ON heap_leak_cluster(final_id);\n"
	/* cpu diff: one row per function of either profile, in the diff's
	 * order; deltas in delta_unit ('percent': points of each total,
	 * 'us'); line and col 1-based, NULL when unknown */
	"CREATE TABLE IF NOT EXISTS cpu_diff (\n"
	"  base_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  target_id INTEGER NOT NULL\n"
	"    REFERENCES artifact(id) ON DELETE CASCADE,\n"
	"  row_index INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  url TEXT NOT NULL,\n"
	"  line INTEGER,\n"
	"  col INTEGER,\n"
	"  status TEXT NOT NULL,\n"
	"  base_self_us INTEGER NOT NULL,\n"
	"  base_total_us INTEGER NOT NULL,\n"
	"  target_self_us INTEGER NOT NULL,\n"
	"  target_total_us INTEGER NOT NULL,\n"
	"  base_self_pct REAL NOT NULL,\n"
	"  target_self_pct REAL NOT NULL,\n"
	"  self_delta REAL NOT NULL,\n"
	"  total_delta REAL NOT NULL,\n"
	"  delta_unit TEXT NOT NULL,\n"
	"  self_ratio REAL,\n"
	"  PRIMARY KEY (base_id, target_id, row_index)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS cpu_diff_target\n"
	"  ON cpu_diff(target_id);\n"
	"CREATE INDEX IF NOT EXISTS cpu_diff_name\n"
	"  ON cpu_diff(name);\n";

/*
 * Version 4: batch ingest and paths that do not depend on the directory.
 * `artifact` is rebuilt with a `profile` column: a trace holds one CPU
 * profile per thread and each is stored as its own artifact row
 * ('PID:TID'; '' for every other kind), so the key is (sha256, profile)
 * instead of sha256 alone. artifact.path becomes the file's absolute
 * path (realpath) and `given_path` keeps the path as given on the
 * command line (rows of earlier versions keep their path, and no
 * given_path). `ingest_file` remembers what
 * `profkit ingest` did with each file (stored, failed and why, skipped),
 * which is what makes a rerun skip finished work.
 *
 * The rebuild runs with foreign keys off: an_store_open() leaves them off
 * for a run that migrates from an older version (nothing profkit does
 * deletes an artifact row: a stored artifact is updated in place), and
 * an_store_commit() checks the keys.
 */
static const char schema_v4_sql[] =
	"CREATE TABLE artifact_v4 (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT NOT NULL,\n"
	"  sha256 TEXT NOT NULL,\n"
	"  profile TEXT NOT NULL DEFAULT '',\n"
	"  kind TEXT NOT NULL,\n"
	"  bytes INTEGER NOT NULL,\n"
	"  analysed_at TEXT NOT NULL,\n"
	"  tool_version TEXT NOT NULL,\n"
	"  meta TEXT,\n"
	"  given_path TEXT,\n"
	"  UNIQUE (sha256, profile)\n"
	");\n"
	"INSERT INTO artifact_v4 (id, path, sha256, profile, kind, bytes,\n"
	"  analysed_at, tool_version, meta)\n"
	"  SELECT id, path, sha256, '', kind, bytes, analysed_at,\n"
	"  tool_version, meta FROM artifact;\n"
	"DROP TABLE artifact;\n"
	"ALTER TABLE artifact_v4 RENAME TO artifact;\n"
	"CREATE TABLE IF NOT EXISTS ingest_file (\n"
	"  path TEXT PRIMARY KEY,\n"
	"  bytes INTEGER NOT NULL,\n"
	"  mtime_ns INTEGER NOT NULL,\n"
	"  sha256 TEXT,\n"
	"  kind TEXT,\n"
	"  status TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  profiles INTEGER NOT NULL DEFAULT 0,\n"
	"  ingested_at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS ingest_file_sha256\n"
	"  ON ingest_file(sha256);\n";

/* migrations[v - 1] takes a database from version v - 1 to v */
static const char *const migrations[SCHEMA_VERSION] = {
	schema_v1_sql,
	schema_v2_sql,
	schema_v3_sql,
	schema_v4_sql,
};

/* Checks the schema version and migrates an older database to the
 * current one. Runs inside the write transaction, so an abandoned run
 * leaves an old database at its old version. */
int an__store_ensure_schema(an_store *s, an_error *err)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	int rc = AN_OK, version, v;

	AN_TRY(an__store_stmt(s, Q_USER_VERSION, &st, err));
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = an__store_fail(s, err, "cannot read the database");
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
		AN_TRY(an__store_exec(s, migrations[v],
				      "cannot create the schema",
				      err));
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 SCHEMA_VERSION);
	AN_TRY(an__store_exec(s, sql, "cannot set the schema version", err));
done:
	return rc;
}


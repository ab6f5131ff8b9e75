/*
 * merge.c - `profkit merge`: the rows of several databases (the shards
 * of a fanned-out ingest) copied into one, in the output's single
 * transaction. Artifacts are matched by (sha256, profile) and stored
 * once; every row is copied with its artifact ids translated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "store/store_int.h"

/* An input artifact id and what it became in the output. */
typedef struct idmap {
	int64_t from, to;
	int take;  /* copy its per-artifact rows */
} idmap;

typedef struct input {
	sqlite3 *db;
	const char *path;
	idmap *map;
	size_t n;
} input;

/* One table copied from an input: its columns, which of them hold
 * artifact ids (bit k: column k), and whether rows belong to one
 * artifact (column 0) whose rows are taken only once. */
typedef struct table {
	const char *name;
	const char *cols;
	unsigned ncols;
	unsigned id_cols;
	int per_artifact;
	const char *exists; /* rows without a primary key: a query that
			       finds the same row in the output, or NULL */
} table;

static const table tables[] = {
	{"cpu_function",
	 "artifact_id, function_index, name, url, line, col, script_id,"
	 " kind, self_us, total_us, self_pct, total_pct",
	 12, 1u, 1, NULL},
	{"cpu_node",
	 "artifact_id, node_index, node_id, parent_index, function_index,"
	 " depth, hit_count, self_us, total_us",
	 9, 1u, 1, NULL},
	{"cpu_line",
	 "artifact_id, url, line, ticks, self_us, function_index", 6, 1u, 1,
	 NULL},
	{"heap_class",
	 "artifact_id, class_index, name, script_id, line, col, count,"
	 " self_size, retained_size, distance",
	 10, 1u, 1, NULL},
	{"heap_object",
	 "artifact_id, node_index, id, class_index, type, name, self_size,"
	 " retained_size, distance, dominator_id",
	 10, 1u, 1, NULL},
	{"heap_diff",
	 "base_id, target_id, row_index, name, script_id, line, col,"
	 " new_count, deleted_count, count_delta, alloc_size, freed_size,"
	 " size_delta",
	 13, 3u, 0, NULL},
	{"cpu_diff",
	 "base_id, target_id, row_index, name, url, line, col, status,"
	 " base_self_us, base_total_us, target_self_us, target_total_us,"
	 " base_self_pct, target_self_pct, self_delta, total_delta,"
	 " delta_unit, self_ratio",
	 18, 3u, 0, NULL},
	{"heap_leak_cluster",
	 "base_id, target_id, final_id, cluster_index, class, count,"
	 " retained_size, representative, chain",
	 9, 7u, 0,
	 "SELECT 1 FROM heap_leak_cluster WHERE base_id = ?1 AND"
	 " target_id = ?2 AND final_id IS ?3 AND cluster_index = ?4"},
	{"ingest_file",
	 "path, bytes, mtime_ns, sha256, kind, status, reason, profiles,"
	 " ingested_at",
	 9, 0u, 0, NULL},
};

static int in_fail(const input *in, an_error *err, const char *what)
{
	return an__fail(err, AN_EIO, AN_NO_OFFSET, "%s: %s: %s", in->path,
			what, sqlite3_errmsg(in->db));
}

static const idmap *find_map(const input *in, int64_t id)
{
	size_t lo = 0, hi = in->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->map[mid].from < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < in->n && in->map[lo].from == id ? &in->map[lo] : NULL;
}

static int open_input(input *in, const char *path, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	in->path = path;
	if (sqlite3_open_v2(path, &in->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return in->db ? in_fail(in, err, "cannot open")
			      : an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
					 "out of memory");
	sqlite3_busy_timeout(in->db, 5000);
	if (sqlite3_prepare_v2(in->db, "PRAGMA user_version", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return in_fail(in, err, "cannot read");
	}
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v == 0)
		return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
				"%s: not a profkit database", path);
	if (v > AN_STORE_SCHEMA_VERSION)
		return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
				"%s: database schema version %d is newer "
				"than this profkit supports (%d)",
				path, v, AN_STORE_SCHEMA_VERSION);
	if (v < AN_STORE_SCHEMA_VERSION)
		return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
				"%s: database schema version %d is older "
				"than this profkit's (%d): store anything "
				"into it once with --db to upgrade it",
				path, v, AN_STORE_SCHEMA_VERSION);
	return AN_OK;
}

/* The output's artifact of (sha256, profile): id and whether it has its
 * analysis (meta), or id 0. */
static int out_artifact(an_store *s, sqlite3_stmt *in_row, int64_t *id,
			int *full, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, step;

	*id = 0;
	*full = 0;
	AN_TRY(an__store_stmt(s, Q_FIND_ARTIFACT, &st, err));
	sqlite3_bind_value(st, 1, sqlite3_column_value(in_row, 2));
	sqlite3_bind_value(st, 2, sqlite3_column_value(in_row, 3));
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = an__store_fail(s, err, "cannot look up an artifact");
	sqlite3_reset(st);
	if (rc == AN_OK && *id) {
		sqlite3_stmt *m = NULL;

		if (sqlite3_prepare_v2(s->db,
				       "SELECT meta IS NOT NULL FROM artifact"
				       " WHERE id = ?1",
				       -1, &m, NULL) != SQLITE_OK)
			return an__store_fail(s, err, "cannot prepare");
		sqlite3_bind_int64(m, 1, *id);
		if (sqlite3_step(m) == SQLITE_ROW)
			*full = sqlite3_column_int(m, 0);
		sqlite3_finalize(m);
	}
done:
	return rc;
}

#define ART_COLS                                                              \
	"id, path, sha256, profile, kind, bytes, analysed_at,"             \
	" tool_version, meta"

/*
 * The input's artifacts into the output: a new one is inserted; one the
 * output has without its analysis (the bare base row of a diff made by
 * another shard) is completed; one it has with its analysis is kept.
 */
static int merge_artifacts(an_store *s, input *in, an_error *err)
{
	sqlite3_stmt *rd = NULL, *ins = NULL, *upd = NULL;
	size_t cap = 0;
	int rc = AN_OK, step, full, k;
	int64_t id;

	if (sqlite3_prepare_v2(in->db,
			       "SELECT " ART_COLS " FROM artifact ORDER BY id",
			       -1, &rd, NULL) != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "%s: cannot read: %s",
			in->path, sqlite3_errmsg(in->db));
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO artifact (path, sha256, profile,"
			       " kind, bytes, analysed_at, tool_version,"
			       " meta) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
			       " ?8)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "UPDATE artifact SET path = ?1, kind = ?4,"
			       " bytes = ?5, analysed_at = ?6,"
			       " tool_version = ?7, meta = ?8 WHERE id = ?9",
			       -1, &upd, NULL) != SQLITE_OK) {
		rc = an__store_fail(s, err, "cannot prepare");
		goto done;
	}
	while ((step = sqlite3_step(rd)) == SQLITE_ROW) {
		sqlite3_stmt *w;

		if (in->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			idmap *m = realloc(in->map, nc * sizeof(*m));

			if (!m)
				AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
			in->map = m;
			cap = nc;
		}
		AN_TRY(out_artifact(s, rd, &id, &full, err));
		in->map[in->n].from = sqlite3_column_int64(rd, 0);
		in->map[in->n].take =
			!id || (!full && sqlite3_column_type(rd, 8) !=
						 SQLITE_NULL);
		if (id && !in->map[in->n].take) {
			in->map[in->n++].to = id;
			continue;
		}
		w = id ? upd : ins;
		sqlite3_reset(w);
		for (k = 1; k < 9; k++)
			sqlite3_bind_value(w, k, sqlite3_column_value(rd, k));
		if (id)
			sqlite3_bind_int64(w, 9, id);
		if (sqlite3_step(w) != SQLITE_DONE) {
			rc = an__store_fail(s, err,
					    "cannot store an artifact");
			goto done;
		}
		in->map[in->n++].to =
			id ? id : sqlite3_last_insert_rowid(s->db);
	}
	if (step != SQLITE_DONE)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "%s: cannot read: %s",
			in->path, sqlite3_errmsg(in->db));
done:
	sqlite3_finalize(rd);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}

static int copy_table(an_store *s, const input *in, const table *t,
		      uint64_t *rows, an_error *err)
{
	char sql[1024], marks[128];
	sqlite3_stmt *rd = NULL, *wr = NULL, *ex = NULL;
	unsigned k;
	size_t m = 0;
	int rc = AN_OK, step;

	for (k = 0; k < t->ncols; k++)
		m += (size_t)snprintf(marks + m, sizeof(marks) - m, "%s?%u",
				      k ? ", " : "", k + 1);
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s", t->cols, t->name);
	if (sqlite3_prepare_v2(in->db, sql, -1, &rd, NULL) != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "%s: cannot read %s: %s",
			in->path, t->name, sqlite3_errmsg(in->db));
	snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO %s (%s) VALUES (%s)",
		 t->name, t->cols, marks);
	if (sqlite3_prepare_v2(s->db, sql, -1, &wr, NULL) != SQLITE_OK ||
	    (t->exists &&
	     sqlite3_prepare_v2(s->db, t->exists, -1, &ex, NULL) !=
		     SQLITE_OK)) {
		rc = an__store_fail(s, err, "cannot prepare");
		goto done;
	}
	while ((step = sqlite3_step(rd)) == SQLITE_ROW) {
		int skip = 0;

		sqlite3_reset(wr);
		for (k = 0; k < t->ncols && !skip; k++) {
			const idmap *mp;

			if (!(t->id_cols >> k & 1u) ||
			    sqlite3_column_type(rd, (int)k) == SQLITE_NULL) {
				sqlite3_bind_value(wr, (int)k + 1,
						   sqlite3_column_value(
							   rd, (int)k));
				continue;
			}
			mp = find_map(in, sqlite3_column_int64(rd, (int)k));
			/* a dangling id, or rows the output has already */
			if (!mp || (t->per_artifact && !mp->take))
				skip = 1;
			else
				sqlite3_bind_int64(wr, (int)k + 1, mp->to);
		}
		if (skip)
			continue;
		if (ex) {
			sqlite3_reset(ex);
			for (k = 0; k < 4; k++)
				sqlite3_bind_value(
					ex, (int)k + 1,
					sqlite3_column_value(rd, (int)k));
			for (k = 0; k < 3; k++) {
				const idmap *mp;

				if (sqlite3_column_type(rd, (int)k) ==
				    SQLITE_NULL)
					continue;
				mp = find_map(in,
					      sqlite3_column_int64(rd, (int)k));
				sqlite3_bind_int64(ex, (int)k + 1,
						   mp ? mp->to : 0);
			}
			if (sqlite3_step(ex) == SQLITE_ROW)
				continue;
		}
		if (sqlite3_step(wr) != SQLITE_DONE) {
			rc = an__store_fail(s, err, "cannot copy a row");
			goto done;
		}
		*rows += (uint64_t)sqlite3_changes(s->db);
	}
	if (step != SQLITE_DONE)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "%s: cannot read %s: %s",
			in->path, t->name, sqlite3_errmsg(in->db));
done:
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	sqlite3_finalize(ex);
	return rc;
}

static int cmp_map(const void *a, const void *b)
{
	int64_t x = ((const idmap *)a)->from, y = ((const idmap *)b)->from;

	return x < y ? -1 : x > y;
}

/* Refuses an input that is the output file itself. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int an_store_merge(an_store_merge_stats *stats, const char *out,
		   const char *const *inputs, size_t n, an_error *err)
{
	an_store *s = NULL;
	input in;
	size_t i, k;
	int rc = AN_OK;

	memset(stats, 0, sizeof(*stats));
	memset(&in, 0, sizeof(in));
	for (i = 0; i < n; i++)
		if (same_file(inputs[i], out))
			return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
					"%s is the output too", inputs[i]);
	AN_TRY(an_store_open(&s, out, err));
	for (i = 0; i < n; i++) {
		memset(&in, 0, sizeof(in));
		AN_TRY(open_input(&in, inputs[i], err));
		AN_TRY(an__store_call_begin(s, err));
		rc = merge_artifacts(s, &in, err);
		/* a shard may hold no artifact (only files that are none) */
		if (rc == AN_OK && in.n)
			qsort(in.map, in.n, sizeof(*in.map), cmp_map);
		for (k = 0; rc == AN_OK && k < sizeof(tables) /
						       sizeof(tables[0]);
		     k++)
			rc = copy_table(s, &in, &tables[k], &stats->rows, err);
		AN_TRY(an__store_call_end(s, rc, err));
		for (k = 0; k < in.n; k++) {
			if (in.map[k].take)
				stats->artifacts++;
			else
				stats->duplicates++;
		}
		sqlite3_close(in.db);
		free(in.map);
		memset(&in, 0, sizeof(in));
	}
	AN_TRY(an_store_commit(s, err));
done:
	sqlite3_close(in.db);
	free(in.map);
	an_store_close(s);
	return rc;
}

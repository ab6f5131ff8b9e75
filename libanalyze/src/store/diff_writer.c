/*
 * diff_writer.c - the comparison tables: heap_diff, the rows of
 * DevTools' Comparison view between two stored snapshots.
 */
#include "store/store_int.h"

static int put_row(an_store *s, sqlite3_stmt *st, int64_t base_id,
		   int64_t target_id, uint32_t i, const an_heap_diff_row *r,
		   an_error *err)
{
	int b;

	b = sqlite3_bind_int64(st, 1, base_id);
	b |= sqlite3_bind_int64(st, 2, target_id);
	b |= sqlite3_bind_int64(st, 3, i);
	b |= an__store_bind_str(st, 4, r->name);
	if (r->has_location) {
		b |= sqlite3_bind_int64(st, 5, r->script_id);
		b |= sqlite3_bind_int64(st, 6, (sqlite3_int64)r->line + 1);
		b |= sqlite3_bind_int64(st, 7, (sqlite3_int64)r->column + 1);
	} else {
		b |= sqlite3_bind_null(st, 5);
		b |= sqlite3_bind_null(st, 6);
		b |= sqlite3_bind_null(st, 7);
	}
	b |= sqlite3_bind_int64(st, 8, an__store_i64(r->new_count));
	b |= sqlite3_bind_int64(st, 9, an__store_i64(r->deleted_count));
	b |= sqlite3_bind_int64(st, 10, r->count_delta);
	b |= sqlite3_bind_int64(st, 11, an__store_i64(r->alloc_size));
	b |= sqlite3_bind_int64(st, 12, an__store_i64(r->freed_size));
	b |= sqlite3_bind_int64(st, 13, r->size_delta);
	if (b != SQLITE_OK) {
		int rc = an__store_fail(s, err, "cannot bind a diff row");
		sqlite3_reset(st);
		return rc;
	}
	return an__store_step_done(s, st, "cannot store a diff row", err);
}

static int put_diff(an_store *s, int64_t base_id, int64_t target_id,
		    const an_heap_diff *d, an_error *err)
{
	const an_heap_diff_row *rows;
	uint32_t n = an_heap_diff_rows(d, &rows), i;
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	AN_TRY(an__store_check_artifact(s, base_id, err));
	AN_TRY(an__store_check_artifact(s, target_id, err));
	AN_TRY(an__store_stmt(s, Q_DEL_HDIFF, &st, err));
	sqlite3_bind_int64(st, 1, base_id);
	sqlite3_bind_int64(st, 2, target_id);
	AN_TRY(an__store_step_done(s, st, "cannot replace diff rows", err));
	AN_TRY(an__store_stmt(s, Q_INS_HDIFF, &st, err));
	for (i = 0; i < n; i++)
		AN_TRY(put_row(s, st, base_id, target_id, i, &rows[i], err));
done:
	return rc;
}

int an_store_heap_diff(an_store *s, int64_t base_id, int64_t target_id,
		       const an_heap_diff *d, an_error *err)
{
	int rc;

	if (!s || !d)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store or diff");
	rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	return an__store_call_end(s, put_diff(s, base_id, target_id, d, err),
				  err);
}

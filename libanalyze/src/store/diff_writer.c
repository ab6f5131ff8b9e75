/*
 * diff_writer.c - the comparison tables: heap_diff, the rows of
 * DevTools' Comparison view between two stored snapshots, and cpu_diff,
 * the per-function comparison of two stored CPU profiles.
 */
#include <math.h>

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

/* ---- cpu_diff ---- */

static int put_cpu_row(an_store *s, sqlite3_stmt *st, int64_t base_id,
		       int64_t target_id, uint32_t i, const an_cpu_diff_row *r,
		       const an_cpu *base, const an_cpu *target, int absolute,
		       an_error *err)
{
	const an_function *f = r->base_fn != AN_NONE ?
		an_profile_function(an_cpu_profile(base), r->base_fn) :
		an_profile_function(an_cpu_profile(target), r->target_fn);
	double bt = an_cpu_total_us(base), tt = an_cpu_total_us(target);
	static const char *const status[] = {"both", "new", "gone"};
	int b;

	b = sqlite3_bind_int64(st, 1, base_id);
	b |= sqlite3_bind_int64(st, 2, target_id);
	b |= sqlite3_bind_int64(st, 3, i);
	b |= an__store_bind_str(st, 4, f->name);
	b |= an__store_bind_str(st, 5, f->url);
	if (f->line >= 0) {
		b |= sqlite3_bind_int64(st, 6, (sqlite3_int64)f->line + 1);
		b |= sqlite3_bind_int64(st, 7, (sqlite3_int64)f->column + 1);
	} else {
		b |= sqlite3_bind_null(st, 6);
		b |= sqlite3_bind_null(st, 7);
	}
	b |= sqlite3_bind_text(st, 8, status[r->status <= 2 ? r->status : 0],
			       -1, SQLITE_STATIC);
	b |= sqlite3_bind_int64(st, 9, llround(r->base_self_us));
	b |= sqlite3_bind_int64(st, 10, llround(r->base_total_us));
	b |= sqlite3_bind_int64(st, 11, llround(r->target_self_us));
	b |= sqlite3_bind_int64(st, 12, llround(r->target_total_us));
	b |= sqlite3_bind_double(st, 13, bt > 0 ? 100 * r->base_self_us / bt :
						   0);
	b |= sqlite3_bind_double(st, 14, tt > 0 ?
						 100 * r->target_self_us / tt :
						 0);
	b |= sqlite3_bind_double(st, 15, r->self_delta);
	b |= sqlite3_bind_double(st, 16, r->total_delta);
	b |= sqlite3_bind_text(st, 17, absolute ? "us" : "percent", -1,
			       SQLITE_STATIC);
	if (r->has_ratio)
		b |= sqlite3_bind_double(st, 18, r->self_ratio);
	else
		b |= sqlite3_bind_null(st, 18);
	if (b != SQLITE_OK) {
		int rc = an__store_fail(s, err, "cannot bind a cpu diff row");
		sqlite3_reset(st);
		return rc;
	}
	return an__store_step_done(s, st, "cannot store a cpu diff row", err);
}

static int put_cpu_diff(an_store *s, int64_t base_id, int64_t target_id,
			const an_cpu_diff *d, const an_cpu *base,
			const an_cpu *target, an_error *err)
{
	uint32_t n = an_cpu_diff_count(d), i;
	int absolute = an_cpu_diff_absolute(d);
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	AN_TRY(an__store_check_artifact(s, base_id, err));
	AN_TRY(an__store_check_artifact(s, target_id, err));
	AN_TRY(an__store_stmt(s, Q_DEL_CDIFF, &st, err));
	sqlite3_bind_int64(st, 1, base_id);
	sqlite3_bind_int64(st, 2, target_id);
	AN_TRY(an__store_step_done(s, st, "cannot replace cpu diff rows",
				   err));
	AN_TRY(an__store_stmt(s, Q_INS_CDIFF, &st, err));
	for (i = 0; i < n; i++)
		AN_TRY(put_cpu_row(s, st, base_id, target_id, i,
				   an_cpu_diff_get(d, i), base, target,
				   absolute, err));
done:
	return rc;
}

int an_store_cpu_diff(an_store *s, int64_t base_id, int64_t target_id,
		      const an_cpu_diff *d, const an_cpu *base,
		      const an_cpu *target, an_error *err)
{
	int rc;

	if (!s || !d || !base || !target)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store, diff or analyses");
	rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	return an__store_call_end(s, put_cpu_diff(s, base_id, target_id, d,
						  base, target, err),
				  err);
}

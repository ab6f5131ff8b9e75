/*
 * cpu_writer.c - the CPU tables: cpu_function, cpu_node and cpu_line of
 * one analysed profile.
 */
#include <math.h>

#include "store/store_int.h"


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

/* Removes earlier CPU rows of the artifact, so storing twice replaces. */
static int clear_cpu(an_store *s, int64_t id, an_error *err)
{
	static const int qs[] = {Q_DEL_FUNCTION, Q_DEL_NODE, Q_DEL_LINE};

	return an__store_clear_rows(s, id, qs, sizeof(qs) / sizeof(qs[0]),
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

	AN_TRY(an__store_stmt(s, Q_INS_FUNCTION, &st, err));
	for (i = 0; i < n; i++) {
		uint32_t fn = order[i];
		const an_function *f = an_profile_function(p, fn);
		double self = an_cpu_function_self_us(c, fn);
		double tot = an_cpu_function_total_us(c, fn);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= sqlite3_bind_int64(st, 2, fn);
		b |= an__store_bind_str(st, 3, f->name);
		b |= an__store_bind_str(st, 4, f->url);
		b |= an__store_bind_pos(st, 5, f->line);
		b |= an__store_bind_pos(st, 6, f->column);
		b |= an__store_bind_str(st, 7, f->script_id);
		b |= an__store_bind_cstr(st, 8, frame_kind_name(f->kind));
		b |= sqlite3_bind_int64(st, 9, llround(self));
		b |= sqlite3_bind_int64(st, 10, llround(tot));
		b |= sqlite3_bind_double(st, 11, pct(self, total));
		b |= sqlite3_bind_double(st, 12, pct(tot, total));
		if (b != SQLITE_OK) {
			rc = an__store_fail(s, err, "cannot bind a function");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(an__store_step_done(s, st, "cannot store a function",
					   err));
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

	AN_TRY(an__store_stmt(s, Q_INS_NODE, &st, err));
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
					an__store_i64(
						an_profile_node_hits(p, i)));
		b |= sqlite3_bind_int64(st, 8,
					llround(an_cpu_node_self_us(c, i)));
		b |= sqlite3_bind_int64(st, 9,
					llround(an_cpu_node_total_us(c, i)));
		if (b != SQLITE_OK) {
			rc = an__store_fail(s, err, "cannot bind a node");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(an__store_step_done(s, st, "cannot store a node", err));
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
	AN_TRY(an__store_stmt(s, Q_INS_LINE, &st, err));
	n = an_cpu_lines_count(l);
	for (i = 0; i < n; i++) {
		const an_cpu_line *e = an_cpu_lines_get(l, i);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= an__store_bind_str(st, 2, e->url);
		b |= sqlite3_bind_int64(st, 3, e->line);
		b |= sqlite3_bind_int64(st, 4, an__store_i64(e->ticks));
		b |= sqlite3_bind_int64(st, 5, llround(e->self_us));
		b |= sqlite3_bind_int64(st, 6, e->function);
		if (b != SQLITE_OK) {
			rc = an__store_fail(s, err, "cannot bind a line");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(an__store_step_done(s, st, "cannot store a line", err));
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
	rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	return an__store_call_end(s, put_cpu(s, artifact_id, c, err), err);
}


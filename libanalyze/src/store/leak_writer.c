/*
 * leak_writer.c - the heap_leak_cluster table: the clusters of `profkit
 * heap leaks` between stored snapshots, each with its class, count,
 * retained size, representative object id and retainer chain as JSON
 * (the same members as the command's JSON output).
 */
#include "core/sbuf.h"
#include "store/store_int.h"

/* chain JSON: [{"edge_name", "edge_type", "class", "id"}, ...] */
static int chain_json(char **out, const an_heap *h,
		      const an_heap_leak_cluster *c, an_error *err)
{
	an_sbuf b = AN_SBUF_INIT;
	uint32_t i;

	an__sbuf_put(&b, "[", 1);
	for (i = 0; i < c->len; i++) {
		uint32_t e = c->chain[i].edge, n = c->chain[i].from;
		an_str cls;

		cls = an_heap_class_get(h, an_heap_node_class(h, n))->name;
		an__sbuf_printf(&b, "%s{\"edge_name\": ", i ? ", " : "");
		if (an_heap_edge_is_index(h, e)) {
			an__sbuf_printf(&b, "\"%u\"", an_heap_edge_index(h, e));
		} else {
			an_str nm = an_heap_edge_name(h, e);
			an__sbuf_put_json(&b, nm.ptr, nm.len);
		}
		an__sbuf_printf(&b, ", \"edge_type\": ");
		an__sbuf_put_json(&b, an_heap_edge_type(h, e),
				  strlen(an_heap_edge_type(h, e)));
		an__sbuf_printf(&b, ", \"class\": ");
		an__sbuf_put_json(&b, cls.ptr, cls.len);
		an__sbuf_printf(&b, ", \"id\": %llu}",
				(unsigned long long)an_heap_node_id(h, n));
	}
	an__sbuf_put(&b, "]", 1);
	return an__sbuf_take(&b, out, err);
}

static int put_cluster(an_store *s, sqlite3_stmt *st, const int64_t ids[3],
		       uint32_t i, const an_heap_leak_cluster *c,
		       const an_heap *h, an_error *err)
{
	char *chain = NULL;
	int b, rc;

	rc = chain_json(&chain, h, c, err);
	if (rc < 0)
		return rc;
	b = sqlite3_bind_int64(st, 1, ids[0]);
	b |= sqlite3_bind_int64(st, 2, ids[1]);
	if (ids[2] > 0)
		b |= sqlite3_bind_int64(st, 3, ids[2]);
	else
		b |= sqlite3_bind_null(st, 3);
	b |= sqlite3_bind_int64(st, 4, i);
	b |= an__store_bind_str(st, 5, an_heap_class_get(h, c->cls)->name);
	b |= sqlite3_bind_int64(st, 6, an__store_i64(c->count));
	b |= sqlite3_bind_int64(st, 7, an__store_i64(c->retained_size));
	b |= sqlite3_bind_int64(st, 8, an__store_i64(an_heap_node_id(
						 h, c->representative)));
	b |= sqlite3_bind_text(st, 9, chain, -1, SQLITE_TRANSIENT);
	free(chain);
	if (b != SQLITE_OK) {
		rc = an__store_fail(s, err, "cannot bind a leak cluster");
		sqlite3_reset(st);
		return rc;
	}
	return an__store_step_done(s, st, "cannot store a leak cluster", err);
}

static int put_leaks(an_store *s, const int64_t ids[3],
		     const an_heap_leaks *l, const an_heap *h, an_error *err)
{
	const an_heap_leak_cluster *c;
	uint32_t n = an_heap_leaks_clusters(l, &c), i;
	sqlite3_stmt *st = NULL;
	int rc = AN_OK;

	AN_TRY(an__store_check_artifact(s, ids[0], err));
	AN_TRY(an__store_check_artifact(s, ids[1], err));
	if (ids[2] > 0)
		AN_TRY(an__store_check_artifact(s, ids[2], err));
	AN_TRY(an__store_stmt(s, Q_DEL_LEAK, &st, err));
	sqlite3_bind_int64(st, 1, ids[0]);
	sqlite3_bind_int64(st, 2, ids[1]);
	if (ids[2] > 0)
		sqlite3_bind_int64(st, 3, ids[2]);
	else
		sqlite3_bind_null(st, 3);
	AN_TRY(an__store_step_done(s, st, "cannot replace leak clusters",
				   err));
	AN_TRY(an__store_stmt(s, Q_INS_LEAK, &st, err));
	for (i = 0; i < n; i++)
		AN_TRY(put_cluster(s, st, ids, i, &c[i], h, err));
done:
	return rc;
}

int an_store_heap_leaks(an_store *s, int64_t base_id, int64_t target_id,
			int64_t final_id, const an_heap_leaks *l,
			const an_heap *target, an_error *err)
{
	int64_t ids[3];
	int rc;

	if (!s || !l || !target)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store, leaks or target");
	ids[0] = base_id;
	ids[1] = target_id;
	ids[2] = final_id;
	rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	return an__store_call_end(s, put_leaks(s, ids, l, target, err), err);
}

/*
 * heap_writer.c - the heap tables: heap_class (every class) and
 * heap_object (the objects with the largest retained sizes, or all).
 */
#include "store/store_int.h"

#define HEAP_NAME_MAX AN_STORE_HEAP_NAME_MAX

static int clear_heap(an_store *s, int64_t id, an_error *err)
{
	static const int qs[] = {Q_DEL_HCLASS, Q_DEL_HOBJECT};

	return an__store_clear_rows(s, id, qs, sizeof(qs) / sizeof(qs[0]),
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

	AN_TRY(an__store_stmt(s, Q_INS_HCLASS, &st, err));
	for (c = 0; c < n; c++) {
		const an_heap_class *k = an_heap_class_get(h, c);
		int b;

		b = sqlite3_bind_int64(st, 1, id);
		b |= sqlite3_bind_int64(st, 2, c);
		b |= an__store_bind_str(st, 3, k->name);
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
		b |= sqlite3_bind_int64(st, 7, an__store_i64(k->count));
		b |= sqlite3_bind_int64(st, 8, an__store_i64(k->self_size));
		b |= sqlite3_bind_int64(st, 9, an__store_i64(k->retained_size));
		b |= an__store_bind_dist(st, 10, k->count ? k->distance : -1);
		if (b != SQLITE_OK) {
			rc = an__store_fail(s, err, "cannot bind a class");
			sqlite3_reset(st);
			goto done;
		}
		AN_TRY(an__store_step_done(s, st, "cannot store a class", err));
	}
done:
	return rc;
}

static int put_object(an_store *s, sqlite3_stmt *st, int64_t id,
		      const an_heap *h, uint32_t v, an_error *err)
{
	/* one byte beyond the cut, to see whether it splits a character */
	char name[HEAP_NAME_MAX + 2];
	size_t len;
	int b, rc;

	rc = an_heap_node_name(name, sizeof(name), &len, h, v, err);
	if (rc < 0)
		return rc;

	if (len > HEAP_NAME_MAX) {
		/* cut at a character boundary: back over the continuation
		 * bytes (10xxxxxx) of a sequence the cut would split */
		len = HEAP_NAME_MAX;
		while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
			len--;
	}
	b = sqlite3_bind_int64(st, 1, id);
	b |= sqlite3_bind_int64(st, 2, v);
	b |= sqlite3_bind_int64(st, 3, an__store_i64(an_heap_node_id(h, v)));
	b |= sqlite3_bind_int64(st, 4, an_heap_node_class(h, v));
	b |= an__store_bind_cstr(st, 5, an_heap_node_type(h, v));
	/* SQLITE_TRANSIENT: `name` dies with this call */
	b |= sqlite3_bind_text64(st, 6, name, len, SQLITE_TRANSIENT,
				 SQLITE_UTF8);
	b |= sqlite3_bind_int64(st, 7,
				an__store_i64(an_heap_node_self_size(h, v)));
	b |= sqlite3_bind_int64(st, 8,
				an__store_i64(
					an_heap_node_retained_size(h, v)));
	b |= an__store_bind_dist(st, 9, an_heap_node_distance(h, v));
	if (v == an_heap_root(h))
		b |= sqlite3_bind_null(st, 10);
	else
		b |= sqlite3_bind_int64(
			st, 10,
			an__store_i64(an_heap_node_id(
				h, an_heap_node_dominator(h, v))));
	if (b != SQLITE_OK) {
		rc = an__store_fail(s, err, "cannot bind an object");
		sqlite3_reset(st);
		return rc;
	}
	return an__store_step_done(s, st, "cannot store an object", err);
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
		AN_TRY(an_heap_top(&pick, &count, h, top,
				   AN_HEAP_TOP_DOMINATOR_WALK, err));
	AN_TRY(an__store_stmt(s, Q_INS_HOBJECT, &st, err));
	for (i = 0; i < count; i++)
		AN_TRY(put_object(s, st, id, h, pick ? pick[i] : i, err));
done:
	an_heap_indexes_free(pick);
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
	rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	return an__store_call_end(s,
				  put_heap(s, artifact_id, h, top_objects, err),
				  err);
}


/*
 * artifact.c - the artifact row that keys everything stored for a file
 * or one thread profile of a trace, by (sha256, profile): re-storing it
 * rewrites the row in place (same id; an_store_artifact_put() only when
 * the analysis options are the same, the --db rule); a comparison keeps
 * an existing one; and clearing an artifact's rows before a writer stores
 * them again.
 */
#include <stdio.h>

#include "store/store_int.h"

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

	AN_TRY(an__store_stmt(s, Q_META_OK, &st, err));
	if (an__store_bind_cstr(st, 1, meta) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = an__store_fail(s, err,
				    "cannot check the artifact metadata");
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

/* The artifact's profile key: '' unless it is one thread of a trace. */
static const char *profile_key(const an_artifact_info *info)
{
	return info->profile ? info->profile : "";
}

/* The id of the artifact with this key into *id, or 0 when none. */
static int find_artifact(an_store *s, const an_artifact_info *info,
			 int64_t *id, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, step;

	*id = 0;
	AN_TRY(an__store_stmt(s, Q_FIND_ARTIFACT, &st, err));
	if (an__store_bind_cstr(st, 1, info->sha256) != SQLITE_OK ||
	    an__store_bind_cstr(st, 2, profile_key(info)) != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "cannot bind: %s",
			sqlite3_errmsg(s->db));
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_DONE)
		rc = an__store_fail(s, err, "cannot look up the artifact");
	sqlite3_reset(st);
done:
	return rc;
}

/* Writes the artifact row: a new one (id 0; *out_id receives its id), or
 * row `id` rewritten in place. The kind-specific writers replace its
 * rows; comparisons stored with it stay (the file is the same). */
static int write_row(an_store *s, const an_artifact_info *info, int64_t id,
		     int64_t *out_id, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, b;

	if (info->meta_json)
		AN_TRY(check_meta(s, info->meta_json, err));
	AN_TRY(an__store_stmt(s, id ? Q_UPD_ARTIFACT : Q_INS_ARTIFACT, &st,
			      err));
	b = id ? sqlite3_bind_int64(st, 1, id)
	       : an__store_bind_cstr(st, 1, info->path);
	b |= an__store_bind_cstr(st, 2, id ? info->path : info->sha256);
	b |= an__store_bind_cstr(st, 3, an_kind_name(info->kind));
	b |= sqlite3_bind_int64(st, 4, (sqlite3_int64)info->bytes);
	b |= an__store_bind_cstr(st, 5, an_version());
	if (info->meta_json)
		b |= an__store_bind_cstr(st, 6, info->meta_json);
	else
		b |= sqlite3_bind_null(st, 6);
	if (info->given_path)
		b |= an__store_bind_cstr(st, 7, info->given_path);
	else
		b |= sqlite3_bind_null(st, 7);
	if (!id)
		b |= an__store_bind_cstr(st, 8, profile_key(info));
	if (b != SQLITE_OK) {
		rc = an__store_fail(s, err, "cannot bind the artifact");
		sqlite3_reset(st);
		goto done;
	}
	AN_TRY(an__store_step_done(s, st, "cannot store the artifact", err));
	*out_id = id ? id : sqlite3_last_insert_rowid(s->db);
done:
	return rc;
}

/* Stores the artifact row, rewriting the one of the same key if any. */
static int put_artifact(an_store *s, const an_artifact_info *info,
			int64_t *artifact_id, an_error *err)
{
	int64_t id = 0;
	int rc = find_artifact(s, info, &id, err);

	return rc < 0 ? rc : write_row(s, info, id, artifact_id, err);
}

#define PROFILE_KEY_MAX (AN_STORE_PROFILE_KEY_SIZE - 1)

static int check_info(const an_store *s, const an_artifact_info *info,
		      const int64_t *artifact_id, an_error *err)
{
	if (!s || !info || !artifact_id || !info->path || !info->sha256)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing store, artifact path or sha256");
	if (!is_sha256(info->sha256))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"sha256 must be 64 lowercase hex digits");
	if (info->bytes > (uint64_t)INT64_MAX)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"artifact size out of range");
	if (info->profile && strlen(info->profile) > PROFILE_KEY_MAX)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"artifact profile key too long");
	return AN_OK;
}

int an_store_artifact(int64_t *artifact_id, an_store *s,
		      const an_artifact_info *info, an_error *err)
{
	int rc;

	rc = check_info(s, info, artifact_id, err);
	if (rc == AN_OK)
		rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	return an__store_call_end(s, put_artifact(s, info, artifact_id, err),
				  err);
}

int an_store_artifact_keep(int64_t *artifact_id, an_store *s,
			   const an_artifact_info *info, an_error *err)
{
	int64_t id = 0;
	int rc;

	rc = check_info(s, info, artifact_id, err);
	if (rc == AN_OK)
		rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	rc = find_artifact(s, info, &id, err);
	if (rc == AN_OK && !id)
		rc = put_artifact(s, info, &id, err);
	if (rc == AN_OK)
		*artifact_id = id;
	return an__store_call_end(s, rc, err);
}

/* AN_ENOTFOUND unless an artifact row with this id exists. */
int an__store_check_artifact(an_store *s, int64_t id, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, found;

	AN_TRY(an__store_stmt(s, Q_HAS_ARTIFACT, &st, err));
	sqlite3_bind_int64(st, 1, id);
	found = sqlite3_step(st);
	if (found != SQLITE_ROW && found != SQLITE_DONE) {
		rc = an__store_fail(s, err, "cannot look up the artifact");
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
int an__store_clear_rows(an_store *s, int64_t id, const int *qs, size_t n,
			 const char *what, an_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = AN_OK;

	AN_TRY(an__store_check_artifact(s, id, err));
	for (i = 0; i < n; i++) {
		AN_TRY(an__store_stmt(s, qs[i], &st, err));
		sqlite3_bind_int64(st, 1, id);
		AN_TRY(an__store_step_done(s, st, what, err));
	}
done:
	return rc;
}


/* The artifact of info's key: *id (0 when none), whether it has an
 * analysis (a meta) and whether that is the same as info's (the same
 * meta but for top_objects). */
static int find_same(an_store *s, const an_artifact_info *info,
		     int64_t *id, int *has, int *same, an_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AN_OK, step, b;

	*id = 0;
	*has = *same = 0;
	AN_TRY(an__store_stmt(s, Q_FIND_ARTIFACT_META, &st, err));
	b = an__store_bind_cstr(st, 1, info->sha256);
	b |= info->meta_json ? an__store_bind_cstr(st, 2, info->meta_json)
			     : sqlite3_bind_null(st, 2);
	b |= an__store_bind_cstr(st, 3, profile_key(info));
	if (b != SQLITE_OK)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "cannot bind: %s",
			sqlite3_errmsg(s->db));
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*has = sqlite3_column_int(st, 1);
		*same = sqlite3_column_int(st, 2);
	} else if (step != SQLITE_DONE) {
		rc = an__store_fail(s, err, "cannot look up the artifact");
	}
	sqlite3_reset(st);
done:
	return rc;
}

static int put_checked(an_store *s, const an_artifact_info *info,
		       int replace_any, int64_t *id, int *replaced,
		       an_error *err)
{
	int rc = AN_OK, has, same;

	AN_TRY(find_same(s, info, id, &has, &same, err));
	/* an artifact a comparison stored has no analysis (meta NULL) */
	if (*id && has && !same && !replace_any)
		AN_FAIL(err, AN_EEXIST, AN_NO_OFFSET,
			"already stored (artifact %lld) from an analysis with "
			"other options",
			(long long)*id);
	AN_TRY(write_row(s, info, *id, id, err));
	*replaced = has;
done:
	return rc;
}

int an_store_artifact_put(int64_t *artifact_id, int *replaced,
			  an_store *s, const an_artifact_info *info,
			  int replace_any, an_error *err)
{
	int64_t id = 0;
	int rc, rep = 0;

	rc = check_info(s, info, artifact_id, err);
	if (rc == AN_OK)
		rc = an__store_call_begin(s, err);
	if (rc < 0)
		return rc;
	rc = put_checked(s, info, replace_any, &id, &rep, err);
	if (rc == AN_OK) {
		*artifact_id = id;
		if (replaced)
			*replaced = rep;
	}
	return an__store_call_end(s, rc, err);
}

const char *an_store_profile_key(char *buf, const an_profile *p)
{
	int64_t pid, tid;

	if (!p || !an_profile_thread(p, &pid, &tid))
		return NULL;
	snprintf(buf, AN_STORE_PROFILE_KEY_SIZE, "%lld:%lld", (long long)pid,
		 (long long)tid);
	return buf;
}

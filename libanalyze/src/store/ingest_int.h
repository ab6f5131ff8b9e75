/*
 * ingest_int.h - what the store offers the batch layer (`profkit
 * ingest`): the ingest_file bookkeeping of what a run did with each file,
 * and lookups of stored artifacts and comparisons. No SQLite types.
 */
#ifndef AN_STORE_INGEST_INT_H
#define AN_STORE_INGEST_INT_H

#include "analyze/store.h"
#include "core/common_int.h"

/* ingest_file.status */
#define AN_STORE_INGEST_STORED "stored"
#define AN_STORE_INGEST_FAILED "failed"
#define AN_STORE_INGEST_SKIPPED "skipped"

/* One ingest_file row. */
typedef struct an__ingest_rec {
	const char *path;
	uint64_t bytes;
	int64_t mtime_ns;
	const char *sha256; /* NULL when not read to the end */
	const char *kind;   /* an_kind_name(), NULL when unknown */
	const char *status; /* AN_STORE_INGEST_* */
	const char *reason; /* NULL when stored */
	uint32_t profiles;
} an__ingest_rec;

/* What a run recorded for a path (strings copied into the buffers). */
typedef struct an__ingest_seen {
	int found;
	uint64_t bytes;
	int64_t mtime_ns;
	char sha256[65];    /* "" when none */
	char status[16];
	char reason[256];
	uint32_t profiles;
} an__ingest_seen;

/* Inserts or replaces the ingest_file row of rec->path. */
AN_HIDDEN int an__store_ingest_record(an_store *s, const an__ingest_rec *rec,
				      an_error *err);
/* The ingest_file row of `path` into *out (out->found 0 when none). */
AN_HIDDEN int an__store_ingest_lookup(an_store *s, const char *path,
				      an__ingest_seen *out, an_error *err);
/* The id of the artifact (sha256, profile) into *id, 0 when none. */
AN_HIDDEN int an__store_artifact_id(an_store *s, const char *sha256,
				    const char *profile, int64_t *id,
				    an_error *err);
/* *yes = 1 when heap_diff holds rows of (base_id, target_id). */
AN_HIDDEN int an__store_has_heap_diff(an_store *s, int64_t base_id,
				      int64_t target_id, int *yes,
				      an_error *err);

/* Everything one file stores, as a unit: begin, the writer calls, then
 * end with their status (AN_OK keeps them, otherwise all are undone). */
AN_HIDDEN int an__store_unit_begin(an_store *s, an_error *err);
AN_HIDDEN int an__store_unit_end(an_store *s, int rc, an_error *err);

#endif /* AN_STORE_INGEST_INT_H */

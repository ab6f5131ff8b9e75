/*
 * store.h - the SQLite results database (DESIGN.md §5). One file holds
 * many artifacts; `artifact` keys everything and re-storing the same
 * sha256 replaces that artifact's rows instead of duplicating them.
 *
 * All writes of one run happen in one transaction: a failed or abandoned
 * run (an_store_close() without an_store_commit()) leaves an existing
 * database exactly as it was, and removes a database file this run
 * created.
 *
 * Schema: PRAGMA user_version 4 (version 1 had no heap tables, version 2
 * no comparison tables, version 3 no artifact.profile, given_path and
 * ingest_file; opening an older database migrates it in the same
 * transaction).
 *
 * Ownership: an_store_open() returns a caller-owned handle released with
 * an_store_close().
 *
 * Threads: a handle is used by one thread at a time; handles on
 * different database files may be used in parallel. The models stored
 * are only read (const) and may be queried by other threads meanwhile.
 */
#ifndef AN_STORE_H
#define AN_STORE_H

#include "analyze/cpu.h"
#include "analyze/heap.h"
#include "analyze/sniff.h"

AN_BEGIN_DECL

typedef struct an_store an_store;

typedef struct an_artifact_info {
	const char *path;      /* the file's absolute path (profkit: its
				  realpath; "-" for standard input) */
	const char *sha256;    /* 64 hex digits of the raw file */
	an_kind kind;          /* artifact kind */
	uint64_t bytes;        /* raw (on-disk) size */
	const char *meta_json; /* JSON object with format details, or NULL */
	const char *profile;   /* "PID:TID" for one thread profile of a
				  trace, NULL (stored as '') otherwise:
				  the row is keyed by (sha256, profile) */
	const char *given_path; /* the path as given by the user, or NULL
				   (schema version 4) */
} an_artifact_info;

/*
 * Opens or creates the database at `path`, creates the schema when
 * missing and starts a write transaction.
 * @return AN_OK; AN_EIO when the file cannot be opened or is not an
 *         SQLite database (message from SQLite); AN_EFORMAT when its schema
 *         is from an unknown newer version.
 */
AN_API int an_store_open(an_store **out, const char *path, an_error *err);

/*
 * Adds an artifact row, or rewrites the row of the same (sha256, profile)
 * in place, whatever analysis it holds (its id stays; the kind-specific
 * writers then replace its rows; comparisons stored with it stay).
 * *artifact_id receives the id for the kind-specific writers.
 */
AN_API int an_store_artifact(int64_t *artifact_id, an_store *s,
			     const an_artifact_info *info, an_error *err);

/*
 * The --db rule (docs/database.md): stores the artifact row of a file
 * not stored yet; a file already stored (same sha256 and profile) keeps
 * its artifact id, and its row is rewritten (the writers then replace its
 * rows; comparisons stored with it stay) when its meta is NULL (only a
 * comparison stored it), when it equals info->meta_json as JSON but for
 * "top_objects" and "all_objects" (the same analysis options: a snapshot
 * stored again with or without --all-objects is the same analysis), or
 * when replace_any is set. *replaced (may be NULL) is 1 when an earlier
 * analysis was replaced.
 * @return AN_OK; AN_EEXIST when the file is stored from an analysis with
 *         other options (a different meta) and replace_any is 0: nothing
 *         of this call is kept; AN_EINVAL, AN_EIO.
 */
AN_API int an_store_artifact_put(int64_t *artifact_id, int *replaced,
				 an_store *s, const an_artifact_info *info,
				 int replace_any, an_error *err);

/*
 * Like an_store_artifact(), but an artifact with the same key is kept
 * as it is (with every row stored for it) and its id returned: what a
 * comparison of two files stores them with.
 */
AN_API int an_store_artifact_keep(int64_t *artifact_id, an_store *s,
				  const an_artifact_info *info,
				  an_error *err);
/*
 * Stores a CPU analysis: cpu_function (every listed function), cpu_node
 * (the whole call tree) and cpu_line (hot lines, when available).
 */
AN_API int an_store_cpu(an_store *s, int64_t artifact_id, const an_cpu *c,
			an_error *err);

/* an_store_heap(): store every object in heap_object */
#define AN_STORE_ALL_OBJECTS UINT32_MAX

/*
 * Stores a heap snapshot analysis: heap_class (every class of the
 * snapshot: the Summary rows, plus classes whose objects all have a zero
 * shallow size, with count 0) and heap_object. heap_object gets the
 * `top_objects` objects with the largest retained sizes (the root not
 * counted, as in `profkit heap top`) plus the root, taken in dominator
 * tree order so that every stored object's dominator is stored too;
 * 0 stores no objects, AN_STORE_ALL_OBJECTS every node. Storing again
 * for the same artifact replaces its heap rows.
 * @return AN_OK; AN_ENOTFOUND (no such artifact id), AN_EINVAL, AN_EIO,
 *         AN_ENOMEM. On failure nothing of this call is kept.
 */
AN_API int an_store_heap(an_store *s, int64_t artifact_id, const an_heap *h,
			 uint32_t top_objects, an_error *err);

/*
 * The artifact.meta JSON object of a CPU analysis (docs/database.md):
 * format, gzip, node/function/sample counts, start and end time, weights
 * and, when `o` (the options the analysis ran with, or NULL) has one, the
 * window; for a .heapprofile format, gzip, node/function counts, its
 * samples and those naming no node, total_size and weights "bytes" (its
 * cpu rows' *_us columns then hold bytes). *out is caller-owned
 * (an_store_meta_free()).
 * @return AN_OK, AN_EINVAL (no analysis), AN_ENOMEM.
 */
AN_API int an_store_cpu_meta(char **out, const an_cpu *c,
			     const an_cpu_opts *o, int gzip, an_error *err);

/*
 * The artifact.meta JSON object of a heap snapshot: format, gzip, node
 * and edge counts, total size, extra native bytes, DevTools' Statistics,
 * and how many objects an_store_heap() keeps (top_objects, or
 * AN_STORE_ALL_OBJECTS). *out is caller-owned (an_store_meta_free()).
 * @return AN_OK, AN_EINVAL (no heap), AN_ENOMEM.
 */
AN_API int an_store_heap_meta(char **out, const an_heap *h, int gzip,
			      uint32_t top_objects, an_error *err);

/*
 * Stores the rows of a snapshot comparison in heap_diff (every row, in
 * DevTools' order: row_index 0 first), replacing those stored before for
 * the same (base, target) pair.
 * @return AN_OK; AN_ENOTFOUND (no such artifact id), AN_EINVAL, AN_EIO.
 *         On failure nothing of this call is kept.
 */
AN_API int an_store_heap_diff(an_store *s, int64_t base_id,
			      int64_t target_id, const an_heap_diff *d,
			      an_error *err);

/*
 * Stores the clusters of a leak search (an_heap_leaks_new() on
 * `target`) in heap_leak_cluster, one row per cluster kept, in rank
 * order (cluster_index 0 first), with the representative's object id and
 * the chain as JSON ([{"edge_name", "edge_type", "class", "id"}, ...]);
 * final_id <= 0: no FINAL (NULL). Replaces the rows stored before for
 * the same (base, target, final).
 * @return AN_OK; AN_ENOTFOUND (no such artifact id), AN_EINVAL, AN_EIO,
 *         AN_ENOMEM. On failure nothing of this call is kept.
 */
AN_API int an_store_heap_leaks(an_store *s, int64_t base_id,
			       int64_t target_id, int64_t final_id,
			       const an_heap_leaks *l, const an_heap *target,
			       an_error *err);
/*
 * Stores a CPU profile comparison in cpu_diff: every row of d (made from
 * the analyses `base` and `target`, which name its functions) in its
 * order, replacing those stored before for the same (base, target) pair.
 * @return AN_OK; AN_ENOTFOUND (no such artifact id), AN_EINVAL, AN_EIO.
 *         On failure nothing of this call is kept.
 */
AN_API int an_store_cpu_diff(an_store *s, int64_t base_id, int64_t target_id,
			     const an_cpu_diff *d, const an_cpu *base,
			     const an_cpu *target, an_error *err);

/* an_store_profile_key(): room for "PID:TID" of two int64 and the NUL */
#define AN_STORE_PROFILE_KEY_SIZE 48

/*
 * The an_artifact_info.profile of a loaded profile: "PID:TID" into buf
 * (AN_STORE_PROFILE_KEY_SIZE bytes) and buf returned for a trace's
 * profile; NULL for a .cpuprofile (one profile per file).
 */
AN_API const char *an_store_profile_key(char *buf, const an_profile *p);

/* Commits everything written since an_store_open(). */
/* Releases a string from an_store_cpu_meta() / an_store_heap_meta();
 * accepts NULL. */
AN_API void an_store_meta_free(char *meta);

AN_API int an_store_commit(an_store *s, an_error *err);

/*
 * Commits everything written so far and starts the next transaction, for
 * long runs (`profkit ingest`) whose finished work must survive an
 * interruption. Only on a database that existed when it was opened (a new
 * one is published whole by an_store_commit()).
 * @return AN_OK; AN_EINVAL (a new database); AN_EIO (SQLite: the
 *         transaction is then lost, as after any failed commit).
 */
AN_API int an_store_checkpoint(an_store *s, an_error *err);

/* What an_store_merge() did. */
typedef struct an_store_merge_stats {
	uint64_t artifacts;  /* artifacts whose rows were copied */
	uint64_t duplicates; /* artifacts the output had already */
	uint64_t rows;       /* rows copied (artifact rows not counted) */
} an_store_merge_stats;

/*
 * Copies every row of the databases `inputs` (read only; schema version
 * 4) into the database `out` (created when missing), all in one
 * transaction: on failure `out` is left as it was. An artifact (sha256,
 * profile) is stored once: its rows come from the first input that holds
 * its analysis; comparisons and ingest records of every input are kept
 * (the first input's where they repeat).
 * @return AN_OK; AN_EINVAL (an input is `out`); AN_EFORMAT (an input is
 *         no profkit database or of another schema version); AN_EIO;
 *         AN_ENOMEM. Messages name the file.
 */
AN_API int an_store_merge(an_store_merge_stats *stats, const char *out,
			  const char *const *inputs, size_t n,
			  an_error *err);

/* Rolls back anything uncommitted and closes. Accepts NULL. */
AN_API void an_store_close(an_store *s);

AN_END_DECL

#endif

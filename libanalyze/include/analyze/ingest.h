/*
 * ingest.h - batch analysis of a folder of exported artifacts into one
 * database (`profkit ingest`, docs/ingest.md): every file recognised by
 * content, analysed in parallel within a memory budget, stored one
 * artifact per transaction, consecutive snapshots of a folder compared;
 * and combining per-shard databases (`profkit merge`).
 *
 * Ownership: the lists and results are caller-owned and released with
 * their _free() functions.
 *
 * Threads: an_ingest_run() starts opts->jobs threads of its own and
 * returns when they are done; its callback is called from those threads,
 * one call at a time.
 */
#ifndef AN_INGEST_H
#define AN_INGEST_H

#include "analyze/common.h"
#include "analyze/sniff.h"

AN_BEGIN_DECL

/* The files of an ingest: regular files, sorted by path (bytewise). */
typedef struct an_ingest_list {
	char **paths;
	uint64_t *bytes; /* on-disk size of each */
	size_t count;
} an_ingest_list;

/*
 * Expands `inputs` (files and folders; folders recursively, following
 * symbolic links to files but not to folders, leaving out names that
 * start with '.') into *out, sorted, each path once.
 * @return AN_OK; AN_ENOTFOUND / AN_EIO (an input cannot be read; the
 *         message names it); AN_ENOMEM.
 */
AN_API int an_ingest_list_make(an_ingest_list *out,
			       const char *const *inputs, size_t ninputs,
			       an_error *err);
AN_API void an_ingest_list_free(an_ingest_list *l);

/* What became of one file. */
typedef enum an_ingest_status {
	AN_INGEST_STORED = 0,  /* analysed and stored now */
	AN_INGEST_FAILED = 1,  /* bad artifact: recorded with its reason */
	AN_INGEST_SKIPPED = 2, /* not an artifact profkit stores */
	AN_INGEST_KEPT = 3,    /* unchanged since a run recorded it: left as
				  it is (its recorded status in `kept`) */
	AN_INGEST_PENDING = 4  /* not done: the run stopped before */
} an_ingest_status;

typedef struct an_ingest_file {
	const char *path;
	uint64_t bytes;          /* on-disk size */
	an_kind kind;            /* AN_KIND_UNKNOWN when not recognised */
	an_ingest_status status;
	an_ingest_status kept;   /* for AN_INGEST_KEPT: what was recorded */
	char *reason;            /* failed or skipped: why (one line) */
	uint32_t profiles;       /* artifact rows stored (a trace: one per
				    thread profile) */
	int in_shard;            /* 0: only read as the base of a diff */
} an_ingest_file;

/* Progress, as reported to the callback. */
typedef struct an_ingest_progress {
	uint64_t bytes_total;  /* on-disk bytes of the files to analyse */
	uint64_t bytes_done;   /* of those, read so far */
	size_t files_total;    /* files of this run (its shard) */
	size_t files_done;
	const char *current;   /* a file being read now, or NULL */
	const an_ingest_file *finished; /* the file just finished, or NULL */
} an_ingest_progress;

/* Return non-zero to stop the run (AN_ECANCELED): files in flight are
 * abandoned, what was stored stays. */
typedef int (*an_ingest_cb)(const an_ingest_progress *p, void *payload);

typedef struct an_ingest_opts {
	unsigned version;      /* AN_INGEST_OPTS_VERSION */
	unsigned jobs;         /* analyses at once (>= 1) */
	uint64_t mem_budget;   /* bytes the analyses in flight may use
				  together (estimated); 0 = no limit */
	int force;             /* analyse again what a run recorded */
	int diffs;             /* store consecutive heap diffs */
	uint32_t shard;        /* 1-based shard of `shards`; 0 = all */
	uint32_t shards;
	uint32_t top_objects;  /* heap_object rows per snapshot, as
				  an_store_heap() */
	an_ingest_cb progress; /* or NULL */
	void *payload;
} an_ingest_opts;

#define AN_INGEST_OPTS_VERSION 1

/* What a run did. */
typedef struct an_ingest_result {
	an_ingest_file *files; /* the run's files, in list order */
	size_t count;
	size_t by_status[5];   /* indexed by an_ingest_status */
	size_t by_kind[5];     /* stored now, indexed by an_kind */
	uint64_t bytes_read;   /* on-disk bytes analysed now */
	uint32_t diffs_stored; /* heap diffs stored now */
	uint32_t diffs_kept;   /* already stored, left as they were */
	uint32_t diffs_failed;
} an_ingest_result;

/*
 * Ingests the files of `list` (the opts->shard-th contiguous slice of it
 * when sharded) into the database at `db` (created when missing). Each
 * artifact is stored in a transaction of its own, so an interrupted run
 * keeps what finished; a file whose path, size and mtime a run recorded
 * is left alone unless opts->force. Bad artifacts are recorded as failed
 * and do not stop the run. With opts->diffs, every two consecutive
 * snapshots of a folder (by name) get their heap diff stored, each by the
 * shard that holds the later one.
 * @return AN_OK (see result for failures); AN_EINVAL (opts); AN_EIO /
 *         AN_EFORMAT (the database: cannot open, newer schema, write
 *         failed; the message names it); AN_ECANCELED; AN_ENOMEM.
 *         *result is filled as far as the run got in every case.
 */
AN_API int an_ingest_run(an_ingest_result *result, const char *db,
			 const an_ingest_list *list,
			 const an_ingest_opts *opts, an_error *err);
AN_API void an_ingest_result_free(an_ingest_result *r);

/*
 * Estimated peak memory of analysing one file of `kind`, `bytes` on disk
 * and `uncompressed` bytes of JSON (= bytes for plain input): what the
 * budget is checked against. A snapshot's model takes about 1.5x its
 * JSON, a CPU profile's at most 1x, plus a fixed 64 / 32 MiB.
 */
AN_API uint64_t an_ingest_estimate(an_kind kind, uint64_t bytes,
				   uint64_t uncompressed);

AN_END_DECL

#endif

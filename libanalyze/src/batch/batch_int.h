/*
 * batch_int.h - what the files of the batch layer share: the state of one
 * ingest run (ingest.c: the file list, probing, the worker pool and its
 * memory budget) and the tasks it runs (analyse.c: one file, one pair of
 * snapshots).
 */
#ifndef AN_BATCH_INT_H
#define AN_BATCH_INT_H

#include <pthread.h>

#include "analyze/heap.h"
#include "analyze/ingest.h"
#include "analyze/store.h"
#include "core/common_int.h"

/* One file of the list, probed when the run needs it. */
typedef struct an__item {
	int probed;
	int probe_failed;      /* could not be opened or sniffed */
	int stat_ok;           /* mtime_ns is known */
	an_kind kind;
	uint64_t est;          /* an_ingest_estimate() */
	int64_t mtime_ns;
	char sha256[65];       /* "" until known */
	int failed;            /* known to fail (now or by a run before) */
	an_ingest_file *out;   /* its result (files of the shard), or NULL */
	int base_wanted;       /* a snapshot the next one is compared with */
	an_heap_base *base;    /* its comparison base, kept from its load
				  until the pair is done (r->mu) */
	uint64_t base_mem;     /* what the base holds (in r->mem_used) */
	size_t prev;           /* the snapshot it is compared with (the one
				  before it in its folder), or SIZE_MAX */
	int running;           /* its file task is running (r->mu) */
	int pair_done;         /* its comparison with prev is stored */
} an__item;

typedef struct an__run {
	const an_ingest_list *list;
	const an_ingest_opts *o;
	an_store *st;
	pthread_mutex_t mu;    /* everything below, and the store */
	pthread_cond_t cv;
	an__item *items;       /* one per list entry */
	an_ingest_result *res;
	uint64_t mem_used;     /* estimates of the tasks running */
	unsigned running;
	int stop;              /* a fatal error or a cancel: no new task */
	int rc;                /* the first fatal error */
	an_error err;
	uint64_t bytes_finished;
	uint64_t *inflight;    /* bytes read by the task of each slot */
	const char **current;  /* path read by each slot, or NULL */
	unsigned slots;
} an__run;

/* A loader's progress callback payload: the run and the worker's slot. */
typedef struct an__slot {
	an__run *r;
	unsigned slot;
} an__slot;

/* ---- ingest.c ---- */

/* With r->mu held: reports progress (finished: a file just done, or
 * NULL); sets r->stop when the callback says stop. */
AN_HIDDEN void an__ingest_report(an__run *r, const an_ingest_file *finished);
/* With r->mu held: a fatal error ends the run (the first one is kept). */
AN_HIDDEN void an__ingest_fatal(an__run *r, int rc, const an_error *err);
/* an_progress_cb for loads; payload an__slot. */
AN_HIDDEN int an__ingest_progress(uint64_t done, uint64_t total,
				  void *payload);
/* With r->mu held: the dir part of list entry i equals that of j. */
AN_HIDDEN int an__ingest_same_dir(const an__run *r, size_t i, size_t j);

/* list entry i is in the folder of entry j, or in one of its
 * subfolders */
AN_HIDDEN int an__ingest_in_dir(const an__run *r, size_t i, size_t j);

/* ---- analyse.c ---- */

/* Analyses and stores list entry i (its item is probed). */
AN_HIDDEN void an__ingest_file(an__run *r, an__slot *slot, size_t i);
/* Compares snapshot entries a (base) and b (target) and stores the
 * diff. */
AN_HIDDEN void an__ingest_pair(an__run *r, an__slot *slot, size_t a,
			       size_t b);
/* "message (byte N)" of err into a new string (NULL: out of memory). */
AN_HIDDEN char *an__ingest_reason(const an_error *err);

#endif /* AN_BATCH_INT_H */

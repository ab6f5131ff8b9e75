/*
 * trace_int.h - the CPU profiles of a trace: the trace reader
 * (cpuprofile.c) collects them per (pid, id), traceprofs.c keeps one per
 * thread as DevTools' SamplesHandler does and describes them.
 */
#ifndef AN_TRACE_INT_H
#define AN_TRACE_INT_H

#include "core/hashtab.h"
#include "cpu/profile_int.h"

/* args.data.source of a profile, as DevTools knows them */
enum an_prof_source {
	AN_SRC_NONE, AN_SRC_INTERNAL, AN_SRC_INSPECTOR, AN_SRC_SELF
};

typedef struct an_trace_prof {
	int64_t pid;     /* event pid */
	uint32_t id;     /* strtab id of the event "id" */
	int64_t tid;     /* thread named by its Profile event */
	int has_tid;     /* a Profile (or CpuProfile) event was seen */
	int source;      /* enum an_prof_source (the last valid one seen) */
	int legacy;      /* a legacy CpuProfile event */
	an_builder b;    /* everything collected for it */
} an_trace_prof;

/* (pid, tid) -> name (a strtab id, or AN_HT_NONE): threads, and
 * processes with tid 0. */
typedef struct an_trace_names {
	struct an_tname {
		int64_t pid;
		int64_t tid;
		uint32_t name;
	} *v;
	size_t n, cap;
	an_hashtab ix;
} an_trace_names;

AN_HIDDEN void an__tnames_init(an_trace_names *t);
AN_HIDDEN void an__tnames_free(an_trace_names *t);
/* Adds (pid, tid) if new; sets its name unless name is AN_HT_NONE.
 * AN_OK, AN_ENOMEM or AN_ELIMIT. */
AN_HIDDEN int an__tnames_add(an_trace_names *t, int64_t pid, int64_t tid,
			     uint32_t name);
/* The name of (pid, tid), or AN_HT_NONE. */
AN_HIDDEN uint32_t an__tnames_get(const an_trace_names *t, int64_t pid,
				  int64_t tid);
/* Hash of a (pid, id) pair. */
AN_HIDDEN uint64_t an__trace_key_hash(int64_t pid, int64_t id);

/*
 * Keeps one profile per thread as DevTools does: threads are named by
 * Profile events (profiles without one are dropped); of a thread's
 * profiles the first with source Internal wins, else the first with
 * Inspector, else the first (legacy CpuProfile events only when the
 * thread has nothing else); a chosen profile without nodes is dropped.
 * *out: indexes into profs, processes in first-seen order, then threads
 * in first-seen order. *ignored: the profiles not kept.
 */
AN_HIDDEN int an__trace_choose(uint32_t **out, uint32_t *n,
			       uint32_t *ignored, const an_trace_prof *profs,
			       size_t nprofs);

/* Fills s->list, s->count and s->dflt from the chosen profiles. */
AN_HIDDEN int an__trace_describe(an_trace_summary *s,
				 const an_trace_prof *profs,
				 const uint32_t *chosen, uint32_t n,
				 const an_strtab *strs,
				 const an_trace_names *threads,
				 const an_trace_names *procs);

#endif

/*
 * profile.h - the CPU profile model: a call tree of nodes (each one call
 * frame), the functions they belong to, and the time-ordered samples.
 * Loaded from a .cpuprofile or from Chrome trace JSON (Profile +
 * ProfileChunk events); see docs/semantics.md and DESIGN.md §3. A
 * .heapprofile loads into the same model, weighted in bytes (below).
 *
 * Indexes: node 0 is the root "(root)". Function identity is (name, url,
 * line, column); scriptId is kept for display only. Lines and columns are
 * 0-based here, exactly as in the artifact (-1 = unknown).
 *
 * Ownership: an_profile_load() returns a caller-owned profile released with
 * an_profile_free(); everything returned by the getters is borrowed from it.
 *
 * Threads: several profiles may load at once (the progress callback runs
 * on the loading thread); a loaded profile may be queried from many
 * threads at once; an_profile_free() must not race with queries.
 */
#ifndef AN_PROFILE_H
#define AN_PROFILE_H

#include "analyze/sniff.h"
#include "analyze/source.h"

AN_BEGIN_DECL

typedef struct an_profile an_profile;

/* What a frame is; system frames are V8's pseudo-functions. */
typedef enum an_frame_kind {
	AN_FRAME_JS = 0,      /* ordinary function (JS or native builtin) */
	AN_FRAME_ROOT = 1,    /* (root) */
	AN_FRAME_PROGRAM = 2, /* (program): native code outside JS */
	AN_FRAME_IDLE = 3,    /* (idle) */
	AN_FRAME_GC = 4       /* (garbage collector) */
} an_frame_kind;

typedef struct an_function {
	an_str name;        /* functionName, may be empty ("(anonymous)") */
	an_str url;         /* script URL, may be empty */
	int32_t line;       /* 0-based lineNumber, -1 when unknown */
	int32_t column;     /* 0-based columnNumber, -1 when unknown */
	an_str script_id;   /* scriptId of the first node seen (display only) */
	an_frame_kind kind; /* system frames are only detected under root */
} an_function;

typedef struct an_line_ticks {
	uint32_t line;  /* 1-based source line (as in positionTicks) */
	uint32_t ticks; /* samples attributed to that line */
} an_line_ticks;

/*
 * One CPU profile of a trace, as DevTools' trace engine keeps them: one
 * per thread (pid, tid). Strings belong to the summary.
 */
typedef struct an_trace_profile {
	int64_t pid;
	int64_t tid;              /* the thread its Profile event names */
	const char *id;           /* the events' "id" as written ("0x1"),
				     "" when none */
	const char *thread_name;  /* thread_name metadata, or NULL */
	const char *process_name; /* process_name metadata, or NULL */
	const char *source;       /* args.data.source ("Internal",
				     "Inspector", "SelfProfiling"), or NULL */
	uint64_t samples;
	uint64_t nodes;           /* as written (no synthetic nodes) */
	double duration_us;       /* timeline total: first sample to last,
				     plus the mean interval */
	int legacy;               /* from a legacy CpuProfile event
				     (Chrome <= 66; DevTools ignores it) */
} an_trace_profile;

/*
 * What a trace holds besides its CPU profiles, counted while it is read
 * (filled for trace input even when the load fails, e.g. a trace with no
 * CPU profile: `profkit info` describes it from this). Release with
 * an_trace_summary_free().
 */
typedef struct an_trace_summary {
	uint64_t events;    /* trace events */
	uint32_t processes; /* distinct pids */
	uint32_t threads;   /* distinct (pid, tid) */
	uint32_t profiles;  /* Profile and CpuProfile events */
	int has_time;       /* some event had a ts */
	int64_t first_us;   /* smallest ts, µs */
	int64_t last_us;    /* largest ts (+ dur), µs */
	/* the usable CPU profiles, one per thread, in DevTools' order
	 * (processes as first seen, then threads as first seen) */
	an_trace_profile *list;
	uint32_t count;
	uint32_t dflt;      /* index in list of the default: most samples,
			       the first listed on a tie (AN_NONE: none) */
	uint32_t loaded;    /* index of the one the load returned, or
			       AN_NONE */
	uint32_t ignored;   /* profiles DevTools would not show either: no
			       Profile event (thread unknown), another
			       profile chosen for the thread, no nodes */
	char *strs_;        /* private: the strings */
} an_trace_summary;

/* Frees what the summary holds (not the struct); NULL is fine. */
AN_API void an_trace_summary_free(an_trace_summary *s);

/* Options of an_profile_load(); start from AN_PROFILE_LOAD_OPTS_INIT. */
typedef struct an_profile_load_opts {
	unsigned version;        /* AN_PROFILE_LOAD_OPTS_VERSION */
	an_progress_cb progress; /* called while reading, or NULL */
	void *payload;           /* passed to progress */
	an_trace_summary *trace; /* filled for trace input, or NULL */
	/* version 2: pick the profile of thread (pick_pid, pick_tid) of a
	 * trace instead of the default (a .cpuprofile is thread 1:1) */
	int pick;
	int64_t pick_pid;
	int64_t pick_tid;
} an_profile_load_opts;

#define AN_PROFILE_LOAD_OPTS_VERSION 2
#define AN_PROFILE_LOAD_OPTS_INIT                                             \
	{ AN_PROFILE_LOAD_OPTS_VERSION, NULL, NULL, NULL, 0, 0, 0 }

/*
 * Loads a .cpuprofile, Chrome trace JSON or a .heapprofile (kind sniffed
 * from content).
 * A trace holding several profiles (one per thread) yields the one with
 * the most samples, or the one opts->pick names (AN_ENOTFOUND when the
 * trace has none for that thread). `opts` may be NULL (no progress).
 * Version 1 options (without pick) are still accepted.
 * @return AN_OK; AN_EPARSE (malformed JSON), AN_EFORMAT (not a CPU
 *         profile or inconsistent), AN_ELIMIT, AN_ECANCELED (the progress
 *         callback said stop), AN_EINVAL (bad opts version), AN_EIO,
 *         AN_ENOMEM. The error record carries the byte offset where it
 *         applies.
 */
AN_API int an_profile_load(an_profile **out, an_source *src,
			   const an_profile_load_opts *opts, an_error *err);

AN_API void an_profile_free(an_profile *p);

/* Format the profile was read from (AN_KIND_CPUPROFILE, AN_KIND_TRACE or
 * AN_KIND_HEAPPROFILE). */
AN_API an_kind an_profile_kind(const an_profile *p);

/* The thread a trace's profile belongs to: 1 with *pid, *tid set; 0 for a
 * .cpuprofile (which names none). */
AN_API int an_profile_thread(const an_profile *p, int64_t *pid,
			     int64_t *tid);

/* startTime / endTime as written in the artifact, microseconds. */
AN_API int64_t an_profile_start_time(const an_profile *p);
AN_API int64_t an_profile_end_time(const an_profile *p);

AN_API uint32_t an_profile_node_count(const an_profile *p);
AN_API int64_t an_profile_node_id(const an_profile *p, uint32_t node);
/* Parent node index; AN_NONE for the root. */
AN_API uint32_t an_profile_node_parent(const an_profile *p, uint32_t node);
/* Depth: root 0, its children 1, ... */
AN_API uint32_t an_profile_node_depth(const an_profile *p, uint32_t node);
AN_API uint32_t an_profile_node_function(const an_profile *p, uint32_t node);
/* hitCount as used by --weights=hits (from samples when absent). */
AN_API uint64_t an_profile_node_hits(const an_profile *p, uint32_t node);
/* Children in artifact order; *kids is borrowed. */
AN_API uint32_t an_profile_node_children(const an_profile *p, uint32_t node,
					 const uint32_t **kids);
/* positionTicks of a node (or per-sample `lines` of a trace). */
AN_API uint32_t an_profile_node_ticks(const an_profile *p, uint32_t node,
				      const an_line_ticks **ticks);
AN_API uint32_t an_profile_max_depth(const an_profile *p);

AN_API uint32_t an_profile_function_count(const an_profile *p);
AN_API const an_function *an_profile_function(const an_profile *p,
					      uint32_t fn);

/* Samples, stably sorted by timestamp. */
AN_API uint32_t an_profile_sample_count(const an_profile *p);
/* Sum of hitCount over all nodes. */
AN_API uint64_t an_profile_total_hits(const an_profile *p);
/* Timestamp of sample i (microseconds, artifact clock), after sorting. */
AN_API int64_t an_profile_sample_time(const an_profile *p, uint32_t i);
/* Node of sample i after sorting (before the lone-(program) fix). */
AN_API uint32_t an_profile_sample_node(const an_profile *p, uint32_t i);
/*
 * Trace nodes whose parent never arrived (a lost chunk): they hang under
 * a synthetic "(missing parent)" node below the root, and every sample
 * is kept (DevTools ends the timeline at the first such sample instead).
 * Returns how many nodes were re-parented (0 normally) and, in *samples
 * (may be NULL), how many samples hang below that node.
 */
AN_API uint32_t an_profile_orphans(const an_profile *p, uint32_t *samples);

/* Number of negative timeDeltas seen (samples were re-sorted). */
AN_API uint32_t an_profile_negative_deltas(const an_profile *p);

/*
 * A .heapprofile (an_profile_kind() AN_KIND_HEAPPROFILE) is a call tree
 * weighted in bytes: a node's hits (an_profile_node_hits()) are its
 * selfSize, an_profile_total_hits() the total, start time 0 and end time
 * that total; it has no timed samples (an_profile_sample_count() is 0).
 * This returns the number of its samples (0 for a CPU profile) and, in
 * *unknown (may be NULL), how many of them name a node that is not in
 * the tree (V8 writes some; DevTools ignores them, as profkit does).
 */
AN_API uint64_t an_profile_heap_samples(const an_profile *p,
					uint64_t *unknown);

AN_END_DECL

#endif

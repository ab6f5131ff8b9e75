/*
 * profile_int.h - the in-memory CPU profile model and the builder the
 * format loaders (cpuprofile.c, traceprofile.c, heapprofile.c) fill
 * before finalising.
 */
#ifndef AN_PROFILE_INT_H
#define AN_PROFILE_INT_H

#include "analyze/profile.h"
#include "core/common_int.h"
#include "core/strtab.h"

#define AN_ID_NONE INT64_MIN /* "no parent id given" */

/* A node exactly as read, before validation. */
typedef struct an_raw_node {
	int64_t id;          /* node id */
	int64_t parent;      /* parent id (trace format) or AN_ID_NONE */
	uint32_t name;       /* strtab ids */
	uint32_t url;
	uint32_t script_id;
	int32_t line;        /* 0-based, -1 unknown */
	int32_t column;
	int64_t hits;        /* hitCount, -1 when absent */
	uint32_t kid_off;    /* children ids at builder kids[kid_off..] */
	uint32_t kid_n;      /* number of children listed */
	int has_kids;        /* a children array was given (maybe empty) */
	uint32_t tick_off;   /* positionTicks at builder ticks[tick_off..] */
	uint32_t tick_n;
	uint64_t offset;     /* byte offset of the node object */
} an_raw_node;

/* Everything a loader collects; strings live in a shared strtab. */
typedef struct an_builder {
	an_strtab *strs;        /* borrowed; owned by the profile */
	an_raw_node *nodes;
	size_t node_n, node_cap;
	int64_t *kids;          /* children ids */
	size_t kid_n, kid_cap;
	an_line_ticks *ticks;
	size_t tick_n, tick_cap;
	int64_t *samples;       /* sample node ids */
	size_t sample_n, sample_cap;
	int64_t *deltas;        /* timeDeltas */
	size_t delta_n, delta_cap;
	int32_t *lines;         /* per-sample lines (trace) */
	size_t line_n, line_cap;
	int have_samples;       /* a samples array was present */
	int have_deltas;        /* a timeDeltas array was present */
	int64_t start_time, end_time;
	int have_start, have_end;
	uint64_t nodes_offset;  /* where "nodes" began, for messages */
	uint64_t samples_offset;/* where "samples" began */
	uint64_t end_offset;    /* end of input, for whole-file errors */
	uint32_t orphans;       /* nodes re-parented to (missing parent) */
} an_builder;

struct an_profile {
	an_kind kind;            /* source format */
	an_strtab strs;          /* all strings */
	uint32_t node_count;
	int64_t *node_id;
	uint32_t *parent;        /* AN_NONE for root */
	uint32_t *depth;
	uint32_t *func;
	uint64_t *hits;
	uint32_t *kid_off;       /* CSR: children of n at
				    kids[kid_off[n]..kid_off[n+1]) */
	uint32_t *kids;
	uint32_t *tick_off;      /* CSR over ticks */
	an_line_ticks *ticks;
	uint32_t max_depth;
	an_function *funcs;
	uint32_t func_count;
	uint32_t sample_count;
	uint32_t *sample_node;   /* sorted by time */
	uint32_t *sample_fixed;  /* same, lone (program) samples replaced */
	int64_t *sample_ts;      /* sorted timestamps, µs */
	int32_t *sample_line;    /* sorted per-sample lines (trace), or NULL */
	uint32_t *bfs;           /* nodes in breadth-first order from root */
	double last_duration;    /* duration given to the last sample, µs */
	int64_t start_time, end_time;
	uint64_t total_hits;
	uint32_t negative_deltas;
	uint32_t root, gc, program, idle; /* node indexes or AN_NONE */
	uint32_t missing;        /* the (missing parent) node, or AN_NONE */
	uint32_t orphans;        /* nodes whose parent never arrived */
	uint32_t orphan_samples; /* samples below (missing parent) */
	int has_thread;          /* a trace's profile: of thread pid:tid */
	int64_t pid, tid;
	uint64_t heap_samples;   /* .heapprofile: its samples (hits are
				    selfSize bytes; sample_count is 0) */
	uint64_t heap_unknown;   /* of them, naming a node not in the tree */
};

AN_HIDDEN void an__builder_init(an_builder *b, an_strtab *strs);
AN_HIDDEN void an__builder_free(an_builder *b);
/* Appends an empty raw node (id/parent unset) and returns it. */
AN_HIDDEN an_raw_node *an__builder_node(an_builder *b, uint64_t offset);
AN_HIDDEN int an__builder_kid(an_builder *b, int64_t id);
AN_HIDDEN int an__builder_tick(an_builder *b, uint32_t line, uint32_t ticks);
AN_HIDDEN int an__builder_sample(an_builder *b, int64_t id);
AN_HIDDEN int an__builder_delta(an_builder *b, int64_t d);
AN_HIDDEN int an__builder_line(an_builder *b, int32_t line);
/* Moves everything from `src` to the end of `dst` (trace chunks). */
AN_HIDDEN int an__builder_append(an_builder *dst, an_builder *src);
/* Trace nodes whose parent id never arrived (a lost chunk) get a parent:
 * a synthetic "(missing parent)" node appended under the root. Sets
 * b->orphans. AN_OK, AN_ENOMEM or AN_ELIMIT. */
AN_HIDDEN int an__builder_adopt_orphans(an_builder *b);

/*
 * Validates the builder and produces the model (takes ownership of
 * *strs contents through the profile). `name` is only for messages.
 */
AN_HIDDEN int an__profile_finish(an_profile **out, an_builder *b,
				 an_kind kind, an_strtab *strs, an_error *err);

/* --profile PID:TID (an_profile_load_opts.pick) */
typedef struct an__pick {
	int on;
	int64_t pid;
	int64_t tid;
} an__pick;

AN_HIDDEN int an__cpuprofile_load(an_profile **out, an_source *src,
				  const an__pick *pick, an_error *err);
AN_HIDDEN int an__trace_load(an_profile **out, an_source *src,
			     an_trace_summary *summary, const an__pick *pick,
			     an_error *err);
/* A .heapprofile (heapprofile.c): selfSize bytes as hitCount, startTime
 * 0 and endTime the total, no timed samples. */
AN_HIDDEN int an__heapprofile_load(an_profile **out, an_source *src,
				   an_error *err);

#endif

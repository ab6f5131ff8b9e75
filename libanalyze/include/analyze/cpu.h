/*
 * cpu.h - CPU profile analysis: self and total time per call-tree node and
 * per function, hot source lines, the callers/callees ("sandwich") views
 * and folded stacks. Semantics follow Chrome DevTools (DESIGN.md §3 and
 * docs/semantics.md):
 *
 *  - AN_WEIGHTS_TIME (default): sample i lasts ts[i+1] - ts[i] after a
 *    stable sort by timestamp; the last sample lasts the mean interval.
 *    (garbage collector) samples count on top of the previous sample's
 *    stack (in the enclosing frames' totals); a lone (program) sample
 *    between two stacks with the same bottom frame becomes the previous
 *    sample.
 *  - AN_WEIGHTS_HITS: every hit weighs (endTime - startTime) / sum(hitCount)
 *    (DevTools' legacy tree model), from the nodes' hitCount.
 *  - A function's total counts only its outermost occurrence on a stack.
 *  - A .heapprofile is analysed in AN_WEIGHTS_BYTES whatever the options
 *    ask (a window is AN_EINVAL): a node's self is its selfSize, as
 *    DevTools' heap profile view ("Self size", "Total size").
 *
 * Times are microseconds as doubles (exact integers in time mode, except
 * the last sample's mean interval).
 *
 * Ownership: an_cpu_analyze() returns a caller-owned result released with
 * an_cpu_free(); it borrows the profile, which must outlive it.
 *
 * Threads: several analyses of one profile may run at once; an an_cpu
 * (and its lines and trees) may be queried from many threads at once,
 * but not while it is freed. A filter passed in is used by one thread
 * at a time (filter.h).
 */
#ifndef AN_CPU_H
#define AN_CPU_H

#include "analyze/filter.h"
#include "analyze/flame.h"
#include "analyze/profile.h"

AN_BEGIN_DECL

typedef enum an_weights {
	AN_WEIGHTS_TIME = 0, /* per-sample durations */
	AN_WEIGHTS_HITS = 1, /* uniform weight per hit, from hitCount */
	AN_WEIGHTS_BYTES = 2 /* a .heapprofile's: selfSize bytes (never
				asked for: a heap profile always gets it,
				and the *_us getters then return bytes) */
} an_weights;

/* "no bound" for an_cpu_opts.from_us / to_us */
#define AN_CPU_UNBOUNDED INT64_MIN

typedef struct an_cpu_opts {
	unsigned version;   /* AN_CPU_OPTS_VERSION */
	an_weights weights; /* weighting mode */
	int64_t from_us;    /* window start, µs after the profile startTime */
	int64_t to_us;      /* window end (exclusive), same clock */
} an_cpu_opts;

#define AN_CPU_OPTS_VERSION 1
#define AN_CPU_OPTS_INIT                                                      \
	{ AN_CPU_OPTS_VERSION, AN_WEIGHTS_TIME, AN_CPU_UNBOUNDED,             \
	  AN_CPU_UNBOUNDED }

typedef struct an_cpu an_cpu;

/*
 * Computes self/total per node and per function. With a window, only
 * samples whose timestamp falls in [from, to) count (each with its full
 * duration); in hits mode a window counts sample occurrences instead of
 * hitCount.
 * @return AN_OK, AN_EINVAL (bad options), AN_ENOMEM.
 */
AN_API int an_cpu_analyze(an_cpu **out, const an_profile *p,
			  const an_cpu_opts *opts, an_error *err);
AN_API void an_cpu_free(an_cpu *c);

AN_API const an_profile *an_cpu_profile(const an_cpu *c);
AN_API an_weights an_cpu_weights(const an_cpu *c);
/* Total time of the (windowed) profile, µs. */
AN_API double an_cpu_total_us(const an_cpu *c);
/* Samples counted (in the window). */
AN_API uint32_t an_cpu_sample_count(const an_cpu *c);
/* Weight of one hit in hits mode, µs (0 without hits). */
AN_API double an_cpu_hit_us(const an_cpu *c);

AN_API double an_cpu_node_self_us(const an_cpu *c, uint32_t node);
AN_API double an_cpu_node_total_us(const an_cpu *c, uint32_t node);
AN_API double an_cpu_function_self_us(const an_cpu *c, uint32_t fn);
AN_API double an_cpu_function_total_us(const an_cpu *c, uint32_t fn);

/*
 * Functions with non-zero self or total, excluding (root), ordered by
 * self desc, then total desc, then name. *order is borrowed.
 */
AN_API uint32_t an_cpu_functions(const an_cpu *c, const uint32_t **order);

/* Marks in mask[fn] (function_count bytes) the functions whose name or
 * url the filter's include patterns match. Returns how many matched. */
AN_API uint32_t an_cpu_select(uint8_t *mask, const an_cpu *c,
			      const an_filter *f);

/* ---- hot lines ---- */

typedef struct an_cpu_line {
	an_str url;       /* script URL */
	uint32_t line;    /* 1-based */
	uint64_t ticks;   /* samples on that line */
	double self_us;   /* ticks weighted like hits */
	uint32_t function;/* function of the first node seen with the line */
} an_cpu_line;

typedef struct an_cpu_lines an_cpu_lines;

/*
 * Hot lines from positionTicks (or a trace's per-sample lines), summed per
 * (url, line), ordered by ticks desc, url, line. A window needs per-sample
 * lines (trace input): for a .cpuprofile it is AN_EINVAL.
 */
AN_API int an_cpu_hot_lines(an_cpu_lines **out, const an_cpu *c,
			    an_error *err);
AN_API uint32_t an_cpu_lines_count(const an_cpu_lines *l);
AN_API const an_cpu_line *an_cpu_lines_get(const an_cpu_lines *l,
					   uint32_t i);
AN_API void an_cpu_lines_free(an_cpu_lines *l);

/* ---- merged trees (callers / callees) ---- */

typedef struct an_cpu_tree_node {
	uint32_t function;     /* AN_NONE for the tree root (the selection) */
	uint32_t parent;       /* AN_NONE for the root */
	uint32_t first_child;  /* AN_NONE when none; children by total desc */
	uint32_t next_sibling; /* AN_NONE at the end */
	double self_us;
	double total_us;
} an_cpu_tree_node;

typedef struct an_cpu_tree an_cpu_tree;

/*
 * Callees of the selected functions: the subtrees below their outermost
 * occurrences, merged by function. Root self/total = the selection's.
 */
AN_API int an_cpu_callees(an_cpu_tree **out, const an_cpu *c,
			  const uint8_t *mask, an_error *err);
/*
 * Callers of the selected functions: every occurrence's ancestor chain,
 * inverted and merged by function. A caller's total is the selection's
 * time (outermost occurrences) reached through it; its self is the
 * selection's self time reached through it.
 */
AN_API int an_cpu_callers(an_cpu_tree **out, const an_cpu *c,
			  const uint8_t *mask, an_error *err);
AN_API uint32_t an_cpu_tree_count(const an_cpu_tree *t);
AN_API const an_cpu_tree_node *an_cpu_tree_get(const an_cpu_tree *t,
					       uint32_t i);
AN_API void an_cpu_tree_free(an_cpu_tree *t);

/* ---- folded stacks ---- */

/*
 * Receives one folded line: "frame;frame;... " without the weight, which
 * is passed separately (µs, rounded). `stack` is not NUL-terminated and
 * is valid only during the call. Return non-zero to stop (the function
 * then returns AN_ECANCELED).
 */
typedef int (*an_cpu_folded_cb)(const char *stack, size_t len,
				uint64_t weight_us, void *payload);

/*
 * Folded stacks in lexical order, identical stacks merged; weights sum to
 * the total. Frame label: "name url:line:col" (1-based; name alone when the
 * url is empty; "(anonymous)" for an empty name); ';' becomes ':' and
 * control characters become spaces. In time mode (garbage collector) is
 * drawn on top of the previous sample's stack. With a filter, only stacks
 * containing an included frame are kept and stacks containing an
 * excluded frame are dropped.
 *
 * Streams: each line goes to cb as the walk reaches it, never the whole
 * output at once. Memory: O(nodes) to merge and order the stacks plus
 * the current line (O(depth)); time: O(nodes log nodes) plus the bytes
 * of the lines passed, so a 1 M-deep call chain works.
 */
AN_API int an_cpu_folded(const an_cpu *c, const an_filter *f,
			 an_cpu_folded_cb cb, void *payload, an_error *err);

/* Writes the label of function `fn` as used in folded stacks into a
 * caller buffer (truncated, always NUL-terminated); returns the length
 * the full label needs. */
AN_API size_t an_cpu_frame_label(char *buf, size_t cap,
				 const an_profile *p, uint32_t fn);

/* ---- tree views (what `cpu tree`, `callers` and `callees` list) ---- */

/* an_cpu_view_opts.max_depth: no limit */
#define AN_CPU_VIEW_UNLIMITED UINT32_MAX

typedef struct an_cpu_view_opts {
	/* profile tree only: hide excluded functions with their subtrees;
	 * with include patterns keep only the paths to (and the subtrees
	 * below) a match. NULL or empty: everything */
	const an_filter *filter;
	/* instead of the profile tree, the callees of the functions this
	 * matches, merged (an_cpu_callees()). Not with filter or a tree */
	const an_filter *focus;
	uint32_t max_depth;    /* levels below the root, or UNLIMITED */
	double min_percent;    /* hide nodes (never the root) whose total
				  is below this % of the profile's */
	uint32_t max_children; /* per node, the largest; 0 = all */
} an_cpu_view_opts;

#define AN_CPU_VIEW_OPTS_INIT { NULL, NULL, AN_CPU_VIEW_UNLIMITED, 0, 0 }

/* One line of a tree view, depth first, children by total descending. */
typedef struct an_cpu_view_row {
	uint32_t parent;   /* row index of the parent, AN_NONE for row 0 */
	uint32_t depth;    /* 0 for the root */
	uint32_t node;     /* profile node, or an_cpu_tree node */
	uint32_t function; /* AN_NONE for a merged tree's root */
	double self_us;
	double total_us;
} an_cpu_view_row;

typedef struct an_cpu_view an_cpu_view;

/*
 * The rows a tree report lists: the profile's call tree (t NULL, no
 * focus), the merged tree t (callers or callees), or with o->focus the
 * callees of the functions it selects. Pruned by max_depth, min_percent
 * and max_children as the reports document (docs/cli.md).
 * @return AN_OK; AN_ENOTFOUND when the focus matches no function;
 *         AN_EINVAL (focus with a filter or a tree); AN_ENOMEM.
 */
AN_API int an_cpu_view_build(an_cpu_view **out, const an_cpu *c,
			     const an_cpu_tree *t,
			     const an_cpu_view_opts *o, an_error *err);
AN_API uint32_t an_cpu_view_count(const an_cpu_view *v);
/* How many children of the listed rows the pruning (max_depth,
 * min_percent, max_children) or the filter left out, each with its
 * subtree: 0 when the view is the whole tree. */
AN_API uint32_t an_cpu_view_hidden(const an_cpu_view *v);
AN_API const an_cpu_view_row *an_cpu_view_get(const an_cpu_view *v,
					      uint32_t i);
AN_API void an_cpu_view_free(an_cpu_view *v);

/* ---- flame graph ---- */

/* What part of the profile a flame graph shows (NULL: all of it). */
typedef struct an_cpu_flame_sel {
	/* keep only the stacks it keeps, as an_cpu_folded() does: those
	 * with an included frame (if it has includes) and no excluded one */
	const an_filter *filter;
	/* root the graph at the outermost frames of the functions it
	 * matches (name or url): their callees, merged, as cpu callees */
	const an_filter *focus;
} an_cpu_flame_sel;

/*
 * The analysis as a flame graph layout (flame.h): the call tree with
 * each frame's self time, siblings of one function merged, children by
 * name (as folded stacks) or by weight; in time mode (garbage collector)
 * sits on top of the stack it interrupted. Keys are function indexes
 * (an_profile_function()); with a focus the root frame stands for the
 * matching functions. The layout does not borrow c.
 * @return AN_OK, AN_EINVAL (bad options), AN_ENOTFOUND (the focus
 *         matches no frame), AN_ENOMEM.
 */
AN_API int an_cpu_flame(an_flame **out, const an_cpu *c,
			const an_cpu_flame_sel *sel, const an_flame_opts *o,
			an_error *err);

/*
 * The flame chart (DevTools' Performance panel): the samples in time
 * order on the x axis, a box per run of consecutive samples through the
 * same call-tree node; in time mode each sample lasts its duration and
 * (garbage collector) sits on top of the stack before it, in hits mode
 * each sample is one hit. Only the samples in the analysis' window.
 * Keys are function indexes; o->order is not used.
 * @return AN_OK, AN_EINVAL, AN_ENOMEM.
 */
AN_API int an_cpu_flame_chart(an_flame **out, const an_cpu *c,
			      const an_flame_opts *o, an_error *err);

/*
 * A differential flame graph: target's layout (an_cpu_flame), and in
 * *delta (caller frees with free(); one entry per rectangle) how much
 * each box's self time changed against the same stack (the same
 * functions, matched as an_cpu_diff_build() matches them) in base: the
 * change of its share of each profile's total (of the time itself with
 * absolute), divided by the largest change, so -1..1; 0 for elided
 * boxes. For an_flame_render_opts.delta: red where time grew, blue where
 * it shrank.
 * @return AN_OK, AN_EINVAL, AN_ENOMEM.
 */
AN_API int an_cpu_flame_diff(an_flame **out, double **delta,
			     const an_cpu *base, const an_cpu *target,
			     const an_flame_opts *o, int absolute,
			     an_error *err);

/* ---- comparison of two profiles ("release B is slower: where?") ---- */

typedef enum an_cpu_diff_status {
	AN_CPU_DIFF_BOTH = 0, /* the function ran in both profiles */
	AN_CPU_DIFF_NEW = 1,  /* only in the target */
	AN_CPU_DIFF_GONE = 2  /* only in the base */
} an_cpu_diff_status;

typedef struct an_cpu_diff_opts {
	unsigned version; /* AN_CPU_DIFF_OPTS_VERSION */
	/* 0: deltas and ratios of each function's share of its profile's
	 * total (percentage points), so profiles of different lengths
	 * compare; 1: of the times themselves (µs) */
	int absolute;
} an_cpu_diff_opts;

#define AN_CPU_DIFF_OPTS_VERSION 1
#define AN_CPU_DIFF_OPTS_INIT { AN_CPU_DIFF_OPTS_VERSION, 0 }

typedef struct an_cpu_diff_row {
	uint32_t base_fn;       /* function of the base profile, or AN_NONE */
	uint32_t target_fn;     /* function of the target profile, or AN_NONE */
	an_cpu_diff_status status;
	double base_self_us;    /* 0 when the side lacks the function */
	double base_total_us;
	double target_self_us;
	double target_total_us;
	double self_delta;      /* target - base: percentage points, or µs
				   with absolute */
	double total_delta;     /* the same for total time */
	double self_ratio;      /* target / base of the self measure */
	int has_ratio;          /* 0 when the base's self is 0 (no ratio) */
} an_cpu_diff_row;

typedef struct an_cpu_diff an_cpu_diff;

/*
 * Compares two analyses function by function. A function is identified
 * by name, url, line and column (as in an_cpu_functions(); scriptId
 * differs between runs of one program); the rows are the functions
 * listed by an_cpu_functions() on either side, ordered by |self_delta|
 * desc, then |total_delta| desc, then name, url, line, column. Both
 * analyses are borrowed only during the call; the rows' function
 * indexes refer to their profiles.
 * @return AN_OK, AN_EINVAL (bad options), AN_ENOMEM.
 */
AN_API int an_cpu_diff_build(an_cpu_diff **out, const an_cpu *base,
			     const an_cpu *target,
			     const an_cpu_diff_opts *o, an_error *err);
AN_API uint32_t an_cpu_diff_count(const an_cpu_diff *d);
/* 1 when the deltas are of times (an_cpu_diff_opts.absolute) */
AN_API int an_cpu_diff_absolute(const an_cpu_diff *d);
AN_API const an_cpu_diff_row *an_cpu_diff_get(const an_cpu_diff *d,
					      uint32_t i);
AN_API void an_cpu_diff_free(an_cpu_diff *d);

AN_END_DECL

#endif

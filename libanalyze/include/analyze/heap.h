/*
 * heap.h - V8 heap snapshots (.heapsnapshot) with the numbers Chrome
 * DevTools' Memory panel shows: shallow sizes after DevTools' reassignment
 * of hidden/array storage to its owner, dominators, retained sizes,
 * distances, class names (with plain-object interface names and
 * location-keyed constructors), the Summary per class, Statistics, and
 * retainers in the Retainers view's order. DESIGN.md §4 and
 * docs/semantics.md give the rules.
 *
 * Indexes: nodes and edges are numbered by ordinal (position in the
 * snapshot's arrays), as u32. Sizes are bytes (u64).
 *
 * Ownership: an_heap_load() returns a caller-owned heap released with
 * an_heap_free(); strings and arrays returned by getters are borrowed from
 * it.
 *
 * Threads: several heaps may load at once (each load uses the caller's
 * thread and at most one more at a time; the progress callback runs on
 * the caller's only); a
 * loaded heap may be queried from many threads at once (everything
 * taking a const an_heap *); an_heap_free() must not race with queries.
 */
#ifndef AN_HEAP_H
#define AN_HEAP_H

#include "analyze/flame.h"
#include "analyze/source.h"

AN_BEGIN_DECL

typedef struct an_heap an_heap;

/*
 * Memory one load hands on to the next: the big arrays of a heap freed
 * while a pool is attached (an_heap_load_opts.pool) stay mapped in the
 * pool, and the next load with that pool fills them instead of asking
 * the kernel for fresh pages, which the kernel zeroes on first touch.
 * For programs that read snapshots one after another (a diff's BASE
 * then TARGET; docs/library.md says what it keeps). A pool may be shared
 * by loads on several threads; it must outlive the heaps loaded with it.
 * Free it once the last load is done: what it still holds is given back
 * then.
 */
typedef struct an_heap_pool an_heap_pool;
/* @return AN_OK, AN_ENOMEM. */
AN_API int an_heap_pool_new(an_heap_pool **out);
AN_API void an_heap_pool_free(an_heap_pool *p);

/* Distance of nodes no BFS reaches (DevTools shows "-"). */
#define AN_HEAP_NO_DISTANCE (-5)
/* Distances at or above this are system-only paths (DevTools "-"). */
#define AN_HEAP_SYSTEM_DISTANCE 100000000

/* Options of an_heap_load(); start from AN_HEAP_LOAD_OPTS_INIT. */
typedef struct an_heap_load_opts {
	unsigned version;        /* AN_HEAP_LOAD_OPTS_VERSION */
	an_progress_cb progress; /* called while reading, or NULL */
	void *payload;           /* passed to progress */
	uint64_t max_nodes;      /* snapshot.node_count above: AN_ELIMIT;
				    0 = no limit of ours */
	uint64_t max_edges;      /* likewise for snapshot.edge_count */
	uint64_t max_strings;    /* likewise for the strings array */
	/* version 2: */
	an_heap_pool *pool;      /* memory to reuse and to leave the heap's
				    arrays in when it is freed, or NULL */
} an_heap_load_opts;

/* Version 1 (without `pool`) is still accepted. */
#define AN_HEAP_LOAD_OPTS_VERSION 2
#define AN_HEAP_LOAD_OPTS_INIT                                                \
	{ AN_HEAP_LOAD_OPTS_VERSION, NULL, NULL, 0, 0, 0, NULL }

/*
 * Loads a .heapsnapshot (plain or gzip) and runs DevTools' pipeline.
 * `opts` may be NULL (no progress, no limits).
 * @return AN_OK; AN_EPARSE (malformed JSON), AN_EFORMAT (not a heap
 *         snapshot, or inconsistent: counts, indexes out of range, ...),
 *         AN_ELIMIT (counts beyond 2^32 or beyond opts' limits),
 *         AN_ECANCELED (the progress callback said stop), AN_EINVAL (bad
 *         opts version), AN_EIO, AN_ENOMEM. The error record carries the
 *         byte offset where it applies.
 */
AN_API int an_heap_load(an_heap **out, an_source *src,
			const an_heap_load_opts *opts, an_error *err);
AN_API void an_heap_free(an_heap *h);

/*
 * What `profkit info` shows of a snapshot, without the dominator tree:
 * the counts, DevTools' total (the root's retained size is every node's
 * shallow size, as every node is in the root's dominator tree), the
 * Statistics' V8 heap and native bytes (after the shallow-size
 * reassignment) and the number of Summary classes with members. The same
 * numbers as an_heap_load() + an_heap_statistics() + an_heap_classes(),
 * in a fraction of the time: the snapshot is read the same way, but only
 * the DOM state, the shallow sizes and the class names are derived.
 */
typedef struct an_heap_info {
	uint32_t nodes;              /* = an_heap_node_count() */
	uint32_t edges;              /* = an_heap_edge_count() */
	uint64_t total;              /* = an_heap_total_size() */
	uint64_t v8_heap;            /* an_heap_stats.v8_heap */
	uint64_t native;             /* an_heap_stats.native */
	uint64_t extra_native_bytes; /* = an_heap_extra_native_bytes() */
	uint32_t classes;            /* = an_heap_classes()' count */
} an_heap_info;

/*
 * Reads a .heapsnapshot (plain or gzip) into *out (zeroed on failure).
 * `opts` as for an_heap_load() (may be NULL).
 * @return as an_heap_load(), for the same input (same errors at the same
 *         offsets).
 */
AN_API int an_heap_load_info(an_heap_info *out, an_source *src,
			     const an_heap_load_opts *opts, an_error *err);

AN_API uint32_t an_heap_node_count(const an_heap *h);
AN_API uint32_t an_heap_edge_count(const an_heap *h);
AN_API uint32_t an_heap_root(const an_heap *h);
/* DevTools' total: the root's retained size + snapshot.extra_native_bytes */
AN_API uint64_t an_heap_total_size(const an_heap *h);
/* snapshot.extra_native_bytes (0 when absent) */
AN_API uint64_t an_heap_extra_native_bytes(const an_heap *h);

/*
 * Node types of V8's snapshot.meta.node_types, mapped by name at load.
 * A type name this list does not know is AN_HEAP_NODE_OTHER (its name
 * stays available through an_heap_node_type()). Values are pinned.
 */
typedef enum an_heap_node_kind {
	AN_HEAP_NODE_HIDDEN = 0,        /* "hidden": VM internals */
	AN_HEAP_NODE_ARRAY = 1,         /* "array": internal arrays */
	AN_HEAP_NODE_STRING = 2,        /* "string" */
	AN_HEAP_NODE_OBJECT = 3,        /* "object": JS objects */
	AN_HEAP_NODE_CODE = 4,          /* "code": compiled code */
	AN_HEAP_NODE_CLOSURE = 5,       /* "closure": JS functions */
	AN_HEAP_NODE_REGEXP = 6,        /* "regexp" */
	AN_HEAP_NODE_NUMBER = 7,        /* "number": heap numbers */
	AN_HEAP_NODE_NATIVE = 8,        /* "native": embedder objects */
	AN_HEAP_NODE_SYNTHETIC = 9,     /* "synthetic": roots, groups */
	AN_HEAP_NODE_CONS_STRING = 10,  /* "concatenated string" */
	AN_HEAP_NODE_SLICED_STRING = 11,/* "sliced string" */
	AN_HEAP_NODE_SYMBOL = 12,       /* "symbol" */
	AN_HEAP_NODE_BIGINT = 13,       /* "bigint" */
	AN_HEAP_NODE_OBJECT_SHAPE = 14, /* "object shape": maps */
	AN_HEAP_NODE_OTHER = 15         /* a type name not listed here */
} an_heap_node_kind;

/* Edge types of snapshot.meta.edge_types, mapped the same way. */
typedef enum an_heap_edge_kind {
	AN_HEAP_EDGE_CONTEXT = 0,   /* "context": a closure's variable */
	AN_HEAP_EDGE_ELEMENT = 1,   /* "element": array index */
	AN_HEAP_EDGE_PROPERTY = 2,  /* "property": named property */
	AN_HEAP_EDGE_INTERNAL = 3,  /* "internal": VM field */
	AN_HEAP_EDGE_HIDDEN = 4,    /* "hidden": numbered VM link */
	AN_HEAP_EDGE_SHORTCUT = 5,  /* "shortcut": bypasses a wrapper */
	AN_HEAP_EDGE_WEAK = 6,      /* "weak": does not retain */
	AN_HEAP_EDGE_INVISIBLE = 7, /* "invisible" (older V8) */
	AN_HEAP_EDGE_OTHER = 8      /* a type name not listed here */
} an_heap_edge_kind;

/* ---- nodes ---- */
AN_API an_heap_node_kind an_heap_node_kind_of(const an_heap *h, uint32_t n);
/* The type name as the snapshot spells it (for display). */
AN_API const char *an_heap_node_type(const an_heap *h, uint32_t n);
/* The node's name as DevTools shows it in the Summary: the snapshot's
 * name, with "Detached " before detached DOM natives (derived; the
 * snapshot's own string is an_heap_node_snapshot_name()). Not the
 * display name of an_heap_node_name(), which also expands plain objects
 * and concatenated strings. The name "raw_name" is kept for
 * compatibility. */
AN_API an_str an_heap_node_raw_name(const an_heap *h, uint32_t n);
AN_API uint64_t an_heap_node_id(const an_heap *h, uint32_t n);
/* shallow size after DevTools' reassignment (what the Summary shows) */
AN_API uint64_t an_heap_node_self_size(const an_heap *h, uint32_t n);
AN_API uint64_t an_heap_node_retained_size(const an_heap *h, uint32_t n);
/* immediate dominator (the root dominates itself) */
AN_API uint32_t an_heap_node_dominator(const an_heap *h, uint32_t n);
AN_API int32_t an_heap_node_distance(const an_heap *h, uint32_t n);
AN_API uint32_t an_heap_node_class(const an_heap *h, uint32_t n);
/* nodes dominated by n, by retained size descending; *kids borrowed */
AN_API uint32_t an_heap_node_dominated(const an_heap *h, uint32_t n,
				       const uint32_t **kids);
/* Node with this snapshot id, or AN_NONE. */
AN_API uint32_t an_heap_find_id(const an_heap *h, uint64_t id);
/*
 * DevTools' display name: plain objects as "{a, b, …, z}", concatenated
 * strings joined (up to 1024 characters), else the raw name. Written to
 * buf (always NUL-terminated when cap > 0, cut at cap); *len (may be
 * NULL) gets the full length, which may be >= cap.
 * @return AN_OK, AN_EINVAL (no node n), AN_ENOMEM (then buf is empty).
 */
AN_API int an_heap_node_name(char *buf, size_t cap, size_t *len,
			     const an_heap *h, uint32_t n, an_error *err);

/* ---- nodes as loaded ----
 * The snapshot's own values, which the analysis never overwrites (the
 * getters above give the derived ones), so that two snapshots can be
 * compared on both. */
/* self_size as the snapshot has it, before DevTools moves the sizes of
 * hidden and array nodes to their single owner */
AN_API uint64_t an_heap_node_raw_self_size(const an_heap *h, uint32_t n);
/* the name as the snapshot has it (an_heap_node_raw_name adds
 * "Detached " to detached DOM natives, as DevTools does) */
AN_API an_str an_heap_node_snapshot_name(const an_heap *h, uint32_t n);

/* ---- edges ---- */
/* Outgoing edges of n are [first, first + count). */
AN_API uint32_t an_heap_node_edges(const an_heap *h, uint32_t n,
				   uint32_t *first);
AN_API an_heap_edge_kind an_heap_edge_kind_of(const an_heap *h, uint32_t e);
/* The type name as the snapshot spells it (for display). */
AN_API const char *an_heap_edge_type(const an_heap *h, uint32_t e);
AN_API uint32_t an_heap_edge_target(const an_heap *h, uint32_t e);
/* Edge name: element/hidden edges have a number, the others a string. */
AN_API int an_heap_edge_is_index(const an_heap *h, uint32_t e);
AN_API uint32_t an_heap_edge_index(const an_heap *h, uint32_t e);
AN_API an_str an_heap_edge_name(const an_heap *h, uint32_t e);

/* ---- classes (DevTools Summary rows) ---- */
typedef struct an_heap_class {
	an_str name;            /* class name as DevTools shows it */
	int has_location;       /* a constructor keyed by its location */
	uint32_t script_id;     /* when has_location */
	uint32_t line;          /* 0-based, as in the snapshot */
	uint32_t column;        /* 0-based */
	uint64_t count;         /* objects with a non-zero shallow size */
	uint64_t self_size;     /* sum of shallow sizes */
	uint64_t retained_size; /* topmost members' retained sizes */
	int32_t distance;       /* minimum distance of the members */
} an_heap_class;

AN_API uint32_t an_heap_class_count(const an_heap *h);
AN_API const an_heap_class *an_heap_class_get(const an_heap *h, uint32_t c);
/* Classes with members, by retained size desc then name; borrowed. */
AN_API uint32_t an_heap_classes(const an_heap *h, const uint32_t **order);

/* ---- statistics (DevTools' Statistics view) ---- */
typedef struct an_heap_stats {
	uint64_t total;        /* = an_heap_total_size() */
	uint64_t v8_heap;      /* total - native */
	uint64_t code;         /* code objects */
	uint64_t strings;      /* all string types */
	uint64_t js_arrays;    /* Array objects + their sole elements store */
	uint64_t system;       /* hidden objects */
	uint64_t native;       /* native objects + extra_native_bytes */
	uint64_t typed_arrays; /* system / JSArrayBufferData: outside V8 */
	uint64_t other;        /* "Other JS objects": v8_heap - code -
				  strings - js_arrays - system */
	uint64_t other_native; /* "Other non-JS objects": native -
				  typed_arrays */
} an_heap_stats;

/* @return AN_OK, AN_ENOMEM (then *out is all zeros). */
AN_API int an_heap_statistics(an_heap_stats *out, const an_heap *h,
			      an_error *err);

/* ---- retainers (DevTools' Retainers view) ---- */
typedef struct an_heap_retainer {
	uint32_t edge;  /* the retaining edge */
	uint32_t from;  /* the retaining node */
} an_heap_retainer;

/*
 * Retainers of n: incoming edges except weak and invisible ones and those
 * from the root, ordered by the retainer's distance ascending, then its
 * retained size descending (DevTools' order). *out is caller-owned,
 * released with an_heap_retainers_free().
 */
AN_API int an_heap_retainers(an_heap_retainer **out, uint32_t *count,
			     const an_heap *h, uint32_t n, an_error *err);

/*
 * The retainer chain the Retainers view expands from n towards the roots:
 * step 1 takes n's retainer number `alt` (0 = the first; the next ones
 * give alternative chains), every later step the first retainer. It ends
 * at a retainer of distance <= 1 (a GC root's child, such as `global`) or
 * unknown, at a node already in the chain (listed once more), where there
 * is no retainer, or after max_steps steps (0 = no limit; DevTools' view
 * expands 20). (*out)[i] is step i + 1: the edge and the node it comes
 * from; *len == 0 when n has no retainer `alt`. *out is caller-owned,
 * released with an_heap_retainers_free().
 */
AN_API int an_heap_retainer_chain(an_heap_retainer **out, uint32_t *len,
				  const an_heap *h, uint32_t n, uint32_t alt,
				  uint32_t max_steps, an_error *err);

/* Frees an array from an_heap_retainers() or an_heap_retainer_chain();
 * accepts NULL. */
AN_API void an_heap_retainers_free(an_heap_retainer *r);

/* ---- rankings (for reports) ---- */

/* The two orders of an_heap_top(). */
typedef enum an_heap_top_order {
	/*
	 * Every node but the root, by retained size descending, then node
	 * index ascending (`profkit heap top`). *count = min(k, nodes - 1);
	 * *out holds all nodes - 1 of them, so a caller that filters can
	 * read on past *count.
	 */
	AN_HEAP_TOP_SORTED = 0,
	/*
	 * The root and the k largest other nodes, found best first down the
	 * dominator tree (O(k log k), every dominator before the nodes it
	 * dominates), returned in node index order (the database's
	 * heap_object rows). On equal retained sizes the walk keeps a
	 * dominator before its dominated nodes where SORTED goes by index,
	 * so the two sets can differ at the k-th place.
	 */
	AN_HEAP_TOP_DOMINATOR_WALK = 1
} an_heap_top_order;

/* an_heap_top() k: no limit */
#define AN_HEAP_TOP_ALL UINT32_MAX

/*
 * The nodes with the largest retained sizes, in the given order. *out is
 * caller-owned (an_heap_indexes_free()), also when *count is 0.
 * @return AN_OK, AN_EINVAL (no heap, unknown order), AN_ENOMEM.
 */
AN_API int an_heap_top(uint32_t **out, uint32_t *count, const an_heap *h,
		       uint32_t k, an_heap_top_order order, an_error *err);

/*
 * The outgoing edges of n by their target's retained size descending,
 * then edge index (`profkit heap show`). *out is caller-owned
 * (an_heap_indexes_free()).
 * @return AN_OK, AN_EINVAL (no such node), AN_ENOMEM.
 */
AN_API int an_heap_edges_by_target(uint32_t **out, uint32_t *count,
				   const an_heap *h, uint32_t n,
				   an_error *err);

/* Releases an index array from an_heap_top() or an_heap_edges_by_target();
 * accepts NULL. */
AN_API void an_heap_indexes_free(uint32_t *v);

/* ---- dominator tree view (for reports) ---- */

typedef struct an_heap_dom_opts {
	uint32_t max_depth;    /* levels below the start node */
	uint32_t max_children; /* per node, the largest; 0 = all */
	double min_percent;    /* hide subtrees retaining less than this %
				  of an_heap_total_size() */
	uint64_t min_size;     /* hide subtrees retaining fewer bytes */
} an_heap_dom_opts;

/* One line of the view. */
typedef struct an_heap_dom_row {
	uint32_t node;
	uint32_t parent;       /* row index of the parent, AN_NONE for row 0 */
	uint32_t depth;        /* below the start node */
} an_heap_dom_row;

/*
 * The dominator subtree of `start` depth first, the nodes each node
 * dominates by retained size descending (`profkit heap dominators`); the
 * start node is never hidden. *out is caller-owned
 * (an_heap_dominator_rows_free()).
 * @return AN_OK, AN_EINVAL (no heap or options, no such node), AN_ENOMEM.
 */
AN_API int an_heap_dominator_rows(an_heap_dom_row **out, uint32_t *count,
				  const an_heap *h, uint32_t start,
				  const an_heap_dom_opts *o, an_error *err);
/* Releases the rows of an_heap_dominator_rows(); accepts NULL. */
AN_API void an_heap_dominator_rows_free(an_heap_dom_row *rows);

/* ---- flame graph ---- */

/*
 * The dominator tree as a flame graph layout (flame.h): one frame per
 * object on top of its immediate dominator, as wide as its retained size
 * (self: its shallow size after DevTools' reassignment). Keys are node
 * ordinals; "by name" orders siblings by class name. Objects narrower
 * than o->min_weight bytes are elided. Needs an analysed heap
 * (an_heap_load); the layout does not borrow h.
 * @return AN_OK, AN_EINVAL, AN_ENOMEM.
 */
AN_API int an_heap_flame(an_flame **out, const an_heap *h,
			 const an_flame_opts *o, an_error *err);

/* ---- comparison (DevTools' Comparison view) ---- */

/*
 * The base of a comparison: of every object with a non-zero shallow size
 * (after DevTools' reassignment) only its id, class key and size, which is
 * all DevTools' Comparison view reads of the base. Plain objects keep
 * their property set, so that the target's interface definitions can
 * name them. Loading runs only the light part of the pipeline (no
 * dominators, retained sizes or distances) and keeps about 12 bytes per
 * object. Caller-owned, released with an_heap_base_free().
 */
typedef struct an_heap_base an_heap_base;

/*
 * Reads a .heapsnapshot (plain or gzip) as the base of a comparison.
 * @return as an_heap_load().
 */
AN_API int an_heap_base_load(an_heap_base **out, an_source *src,
			     const an_heap_load_opts *opts, an_error *err);
/*
 * The same base from a snapshot already loaded with an_heap_load() (the
 * base does not borrow h): what `profkit ingest` compares a stored
 * snapshot with the next one by, without reading it again.
 * @return AN_OK, AN_EINVAL (h NULL), AN_ENOMEM.
 */
AN_API int an_heap_base_from(an_heap_base **out, const an_heap *h,
			     an_error *err);
AN_API void an_heap_base_free(an_heap_base *b);
/* Objects the base holds (nodes of non-zero shallow size). */
AN_API uint32_t an_heap_base_object_count(const an_heap_base *b);

/* One row of the Comparison view: a class of the target (or of the base
 * only) with objects new in the target or deleted from the base. */
typedef struct an_heap_diff_row {
	an_str name;            /* class name as DevTools shows it */
	an_str key_name;        /* the name in the class key: = name, but
				   for a class the target has no member of,
				   which DevTools names after the base's own
				   class of its last member (before the
				   target's interface names) */
	int has_location;       /* a constructor keyed by its location */
	uint32_t script_id;     /* when has_location */
	uint32_t line;          /* 0-based, as in the snapshot */
	uint32_t column;        /* 0-based */
	uint64_t new_count;     /* ids in the target only ("# New") */
	uint64_t deleted_count; /* ids in the base only ("# Deleted") */
	int64_t count_delta;    /* new - deleted ("# Delta") */
	uint64_t alloc_size;    /* shallow sizes of the new ("Alloc. Size") */
	uint64_t freed_size;    /* of the deleted ("Freed Size") */
	int64_t size_delta;     /* alloc - freed ("Size Delta") */
	uint32_t target_class;  /* the target's class (an_heap_class_get),
				   or AN_NONE when the base has it only */
} an_heap_diff_row;

/* What the comparison saw beyond its rows (to tell when it means
 * little). */
typedef struct an_heap_diff_info {
	uint64_t base_objects;   /* base objects of non-zero shallow size */
	uint64_t target_objects; /* likewise in the target */
	uint64_t shared;         /* ids in both (whatever their class) */
	uint64_t new_count;      /* sum over the rows */
	uint64_t deleted_count;  /* sum over the rows */
	/* the largest ids of new and of deleted objects (0: none), not
	 * counting native and synthetic ones, whose ids the embedder
	 * assigns afresh in every snapshot: V8 numbers objects as it first
	 * sees them, so new objects normally have the largest ids */
	uint64_t max_new_id;
	uint64_t max_deleted_id;
} an_heap_diff_info;

typedef struct an_heap_diff an_heap_diff;

/*
 * DevTools' Comparison of `base` with `target`
 * (HeapSnapshot.calculateSnapshotDiff): the base's plain objects are
 * classed with the target's interface definitions; per class, objects
 * are matched by id; classes without new or deleted objects are left
 * out; rows by alloc size descending, then name, then location. The diff
 * copies what it keeps of `base` (which may be freed); it refers to
 * `target`'s nodes, so an_heap_diff_explain() needs the same target.
 * *out is caller-owned (an_heap_diff_free()).
 * @return AN_OK, AN_ENOMEM.
 */
AN_API int an_heap_diff_new(an_heap_diff **out, const an_heap_base *base,
			    const an_heap *target, an_error *err);
/*
 * The same comparison with TARGET read from `target` and analysed only as
 * far as the rows need (DOM state, shallow sizes, class names: no
 * dominators, retained sizes or distances), then freed: for callers that
 * want the rows without explanations, at about the cost of reading the
 * file. an_heap_diff_is_new() refers to TARGET's node order;
 * an_heap_diff_explain() needs an_heap_diff_new() with a loaded target.
 * @return as an_heap_load() (errors are TARGET's), AN_ENOMEM.
 */
AN_API int an_heap_diff_load(an_heap_diff **out, const an_heap_base *base,
			     an_source *target,
			     const an_heap_load_opts *opts, an_error *err);
AN_API void an_heap_diff_free(an_heap_diff *d);
/* The rows in DevTools' order; *rows borrowed from d. */
AN_API uint32_t an_heap_diff_rows(const an_heap_diff *d,
				  const an_heap_diff_row **rows);
AN_API const an_heap_diff_info *an_heap_diff_get_info(const an_heap_diff *d);
/* 1 when target node n is new (its id is not in the base's class). */
AN_API int an_heap_diff_is_new(const an_heap_diff *d, uint32_t n);

/* Orders of the rows besides DevTools' own (`heap diff --sort`). */
typedef enum an_heap_diff_sort {
	AN_HEAP_DIFF_BY_ALLOC = 0, /* alloc size: DevTools' order itself */
	AN_HEAP_DIFF_BY_DELTA = 1, /* size delta */
	AN_HEAP_DIFF_BY_FREED = 2, /* freed size */
	AN_HEAP_DIFF_BY_COUNT = 3  /* count delta */
} an_heap_diff_sort;

/*
 * The row indexes in the order of `by`, larger first; rows that tie keep
 * DevTools' order. *order has an_heap_diff_rows() entries, caller-owned
 * (free()).
 * @return AN_OK, AN_EINVAL (unknown order), AN_ENOMEM.
 */
AN_API int an_heap_diff_order(uint32_t **order, const an_heap_diff *d,
			      an_heap_diff_sort by, an_error *err);

/*
 * Which of the rows sel[0..n) (row indexes, e.g. those a report shows)
 * grew: those with new objects and a positive size delta, by size delta,
 * then count delta, larger first, ties in their place in sel. out (room
 * for n) receives their positions in sel, *count how many.
 * @return AN_OK, AN_EINVAL (no such row), AN_ENOMEM.
 */
AN_API int an_heap_diff_growth(uint32_t *out, uint32_t *count,
			       const an_heap_diff *d, const uint32_t *sel,
			       uint32_t n, an_error *err);

/* Why a class grew: the largest group of its new objects that share a
 * retainer path (an_heap_diff_explain()). */
typedef struct an_heap_diff_group {
	uint64_t count;           /* new objects in the group */
	uint64_t retained_size;   /* their retained sizes, summed */
	uint64_t class_new;       /* new objects of the row in all */
	uint32_t groups;          /* distinct paths among them */
	uint32_t representative;  /* the group's first member (node) */
	an_heap_retainer *chain;  /* its path: chain[i] is step i + 1, as
				     an_heap_retainer_chain() gives it */
	uint32_t len;             /* steps; 0 when nothing retains it */
} an_heap_diff_group;

/*
 * Groups the new objects of row `row` by their retainer path towards the
 * GC roots (the chain an_heap_retainer_chain() follows with alt 0 and
 * max_steps, 0 = no limit), two paths being the same when their edges
 * have the same types and names (element and hidden edges, and edges
 * named by a number, such as a Map table's entries: any index; a
 * WeakMap's key -> value edges: any pair) and their retainers the same
 * classes; fills *out with the largest
 * group (most objects, then most retained bytes, then the first found).
 * `target` must be the heap the diff was made with. Members of a group
 * do not retain one another (each is on no other's path), so their
 * retained sizes add up without double counting. out->chain is
 * caller-owned (an_heap_diff_group_free()); out is all zeros for a
 * row without new objects.
 * @return AN_OK, AN_EINVAL (no such row), AN_ENOMEM.
 */
AN_API int an_heap_diff_explain(an_heap_diff_group *out,
				const an_heap_diff *d, const an_heap *target,
				uint32_t row, uint32_t max_steps,
				an_error *err);
/* Frees out->chain (accepts a zeroed or freed record). */
AN_API void an_heap_diff_group_free(an_heap_diff_group *x);

/* ---- growth: where the new objects are held, as a flame graph ---- */

/*
 * The growth graph of a diff (`heap diff -o growth.svg`): the new
 * objects of TARGET that are leak candidates (as an_heap_leaks_new()
 * with no FINAL and the default string size: trivial and unreachable
 * ones left out) and that no other candidate dominates, each weighted by
 * its retained size (so no byte counts twice: the graph's total is
 * an_heap_leaks_info.retained_size for the same pair), laid out along
 * its retainer path: the root (all of them), then the path's steps from
 * the GC root's side down to the object, then a frame for the object's
 * class. Steps that an_heap_diff_explain() would group are one frame
 * (same edge type, retainer class, and name unless an index). Frames
 * are keyed: an_heap_growth_key_get() tells what a key stands for.
 * Caller-owned (an_heap_growth_free()); refers to `target`'s nodes.
 */
typedef struct an_heap_growth an_heap_growth;

typedef struct an_heap_growth_info {
	uint64_t new_objects;   /* TARGET objects not in BASE (of non-zero
				   size: the diff's new_count) */
	uint64_t trivial;       /* of those: code, VM internals, small
				   strings... (an_heap_leaks_info) */
	uint64_t unreachable;   /* of the rest: no strong path from a
				   user root */
	uint64_t objects;       /* the rest that no other of them
				   dominates: the graph's leaves */
	uint64_t nested;        /* the rest: in those objects' widths */
	uint64_t retained_size; /* the graph's total */
	uint32_t paths;         /* distinct (class, path) leaves */
} an_heap_growth_info;

/* What a frame's key stands for. */
typedef enum an_heap_growth_kind {
	AN_HEAP_GROWTH_ROOT = 0,  /* the root: all the objects */
	AN_HEAP_GROWTH_STEP = 1,  /* a retainer holding the frames above */
	AN_HEAP_GROWTH_CLASS = 2  /* the new objects of a class (a leaf) */
} an_heap_growth_kind;

typedef struct an_heap_growth_key {
	an_heap_growth_kind kind;
	uint32_t cls;   /* STEP: the retainer's class; CLASS: the objects'
			   (an_heap_class_get of the target) */
	uint32_t edge;  /* STEP: the edge it holds the next one by (one
			   of them, when an index); else AN_NONE */
	uint32_t node;  /* STEP: a retainer; CLASS: an object; the first
			   met; ROOT: the target's root */
	uint64_t count; /* CLASS: objects under this key in all; else 0 */
} an_heap_growth_key;

/*
 * Builds the growth graph of diff d, made with `target` (analysed by
 * an_heap_load()), with paths of at most max_steps steps (0: no limit; a
 * path cut there starts at its last step).
 * @return AN_OK, AN_EINVAL (d not made with target), AN_ENOMEM,
 *         AN_ELIMIT (more than 2^32 frames).
 */
AN_API int an_heap_growth_new(an_heap_growth **out, const an_heap_diff *d,
			      const an_heap *target, uint32_t max_steps,
			      an_error *err);
AN_API void an_heap_growth_free(an_heap_growth *g);
/*
 * The graph laid out (an_flame_layout(); o NULL: defaults; by name:
 * siblings by class name, then edge type and name), its rectangles
 * keyed as an_heap_growth_key_get() says; *out caller-owned
 * (an_flame_free()). May be called many times, with other options, and
 * from many threads at once (the graph is not changed once built).
 * @return as an_flame_layout().
 */
AN_API int an_heap_growth_flame(an_flame **out, const an_heap_growth *g,
				const an_flame_opts *o, an_error *err);
/* Key k of the layout's rectangles; NULL when there is no such key. */
AN_API const an_heap_growth_key *an_heap_growth_key_get(
	const an_heap_growth *g, uint32_t k);
AN_API const an_heap_growth_info *an_heap_growth_get_info(
	const an_heap_growth *g);

/* ---- leaks (memlab's find-leaks) ---- */

/*
 * The object ids of a snapshot, and nothing else: what leak detection
 * reads of BASE and FINAL. 4 bytes per node. Caller-owned, released with
 * an_heap_ids_free().
 */
typedef struct an_heap_ids an_heap_ids;

/*
 * Reads a .heapsnapshot (plain or gzip) for its node ids only (no
 * analysis).
 * @return as an_heap_load().
 */
AN_API int an_heap_ids_load(an_heap_ids **out, an_source *src,
			    const an_heap_load_opts *opts, an_error *err);
AN_API void an_heap_ids_free(an_heap_ids *s);
/* Distinct ids held. */
AN_API uint32_t an_heap_ids_count(const an_heap_ids *s);
/* 1 when a node with this id is in the snapshot. */
AN_API int an_heap_ids_has(const an_heap_ids *s, uint64_t id);

/* Strings smaller than this (shallow size, bytes) are not leak
 * candidates by default. */
#define AN_HEAP_LEAKS_MIN_STRING 1024

/* Options of an_heap_leaks_new(); start from AN_HEAP_LEAKS_OPTS_INIT. */
typedef struct an_heap_leaks_opts {
	unsigned version;          /* AN_HEAP_LEAKS_OPTS_VERSION */
	uint64_t min_string_size;  /* smaller strings are trivial */
	uint64_t min_count;        /* clusters of fewer objects are left
				      out (counted in info.clusters) */
	uint64_t min_size;         /* likewise below this retained size */
	uint32_t max_steps;        /* steps of a chain, 0 = no limit */
} an_heap_leaks_opts;

#define AN_HEAP_LEAKS_OPTS_VERSION 1
#define AN_HEAP_LEAKS_OPTS_INIT                                               \
	{ AN_HEAP_LEAKS_OPTS_VERSION, AN_HEAP_LEAKS_MIN_STRING, 0, 0, 0 }

/* One cluster: leaked objects of one class held on one path. */
typedef struct an_heap_leak_cluster {
	uint64_t count;           /* its objects (candidates that no other
				     candidate dominates) */
	uint64_t retained_size;   /* their retained sizes summed: disjoint */
	uint64_t nested;          /* other candidates they dominate (their
				     bytes are in retained_size already) */
	uint32_t cls;             /* the objects' class (an_heap_class_get
				     of the target) */
	uint32_t representative;  /* its first object (node) */
	const an_heap_retainer *chain; /* the path: chain[i] is step i + 1
				     as an_heap_retainer_chain() gives it;
				     borrowed from the leaks */
	uint32_t len;             /* steps; 0 when nothing retains it */
} an_heap_leak_cluster;

/* What the search saw: each line counts target nodes the one before
 * left over. */
typedef struct an_heap_leaks_info {
	uint64_t target_objects; /* nodes of TARGET */
	uint64_t new_objects;    /* ids not in BASE */
	uint64_t gone;           /* of those, not in FINAL (0: no FINAL) */
	uint64_t trivial;        /* of the rest: code, VM internals
				    (hidden, array, object shape, number),
				    synthetic and native nodes (embedder
				    ids, fresh in every snapshot), small
				    strings, objects of no shallow size */
	uint64_t unreachable;    /* of the rest: no strong path from a
				    user root (only weak retainers, or
				    only the VM's roots, such as the
				    stack: DevTools' distance "-") */
	uint64_t candidates;     /* the rest: the leak candidates */
	uint64_t nested;         /* candidates another one dominates */
	uint64_t retained_size;  /* of all clusters (no double counting) */
	uint32_t clusters;       /* clusters, before min_count/min_size */
} an_heap_leaks_info;

typedef struct an_heap_leaks an_heap_leaks;

/*
 * memlab's find-leaks on TARGET: the candidates are its objects whose id
 * BASE does not have (and FINAL has, when FINAL is given: still alive
 * after the action was undone), minus the trivial ones (see
 * an_heap_leaks_info). A candidate dominated by another candidate is
 * nested: its bytes are in that one's retained size, and it counts
 * there. Every other candidate gets its shortest retainer path from a
 * GC root over non-weak edges (the chain of DevTools' Retainers view);
 * they are clustered by their class and that path (edge types and
 * names, indexes standing for any index, and the retainers' classes, as
 * an_heap_diff_explain() groups) and ranked by retained size, then
 * count, larger first (then in node order of their representatives).
 * `final` may be NULL; `o` may be NULL (defaults). The leaks refer to
 * `target`'s nodes: keep it while reading them. *out is caller-owned
 * (an_heap_leaks_free()).
 * @return AN_OK, AN_EINVAL (no base or target, bad opts version),
 *         AN_ENOMEM.
 */
AN_API int an_heap_leaks_new(an_heap_leaks **out, const an_heap_ids *base,
			     const an_heap *target,
			     const an_heap_ids *final,
			     const an_heap_leaks_opts *o, an_error *err);
AN_API void an_heap_leaks_free(an_heap_leaks *l);
/* The clusters kept (min_count, min_size) in rank order; borrowed. */
AN_API uint32_t an_heap_leaks_clusters(const an_heap_leaks *l,
				       const an_heap_leak_cluster **out);
AN_API const an_heap_leaks_info *an_heap_leaks_get_info(
	const an_heap_leaks *l);

AN_END_DECL

#endif

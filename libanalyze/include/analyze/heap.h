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
 * Threads: loading uses up to two threads of its own. Heaps are
 * independent (several may load at once), and a loaded heap may be
 * queried from several threads at once (everything taking a const
 * an_heap *); an_heap_free() must not race with queries.
 */
#ifndef AN_HEAP_H
#define AN_HEAP_H

#include "analyze/source.h"

AN_BEGIN_DECL

typedef struct an_heap an_heap;

#ifndef AN_NONE
#define AN_NONE UINT32_MAX
#endif

/* Distance of nodes no BFS reaches (DevTools shows "-"). */
#define AN_HEAP_NO_DISTANCE (-5)
/* Distances at or above this are system-only paths (DevTools "-"). */
#define AN_HEAP_SYSTEM_DISTANCE 100000000

/*
 * Loads a .heapsnapshot (plain or gzip) and runs DevTools' pipeline.
 * @return AN_OK; AN_EPARSE (malformed JSON), AN_EFORMAT (not a heap
 *         snapshot, or inconsistent: counts, indexes out of range, ...),
 *         AN_ELIMIT (counts beyond 2^32), AN_EIO, AN_ENOMEM. The error
 *         record carries the byte offset where it applies.
 */
AN_API int an_heap_load(an_heap **out, an_source *src, an_error *err);
AN_API void an_heap_free(an_heap *h);

AN_API uint32_t an_heap_node_count(const an_heap *h);
AN_API uint32_t an_heap_edge_count(const an_heap *h);
AN_API uint32_t an_heap_root(const an_heap *h);
/* DevTools' total: the root's retained size + snapshot.extra_native_bytes */
AN_API uint64_t an_heap_total_size(const an_heap *h);
/* snapshot.extra_native_bytes (0 when absent) */
AN_API uint64_t an_heap_extra_native_bytes(const an_heap *h);

/* ---- nodes ---- */
AN_API const char *an_heap_node_type(const an_heap *h, uint32_t n);
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
 * buf (always NUL-terminated, cut at cap); returns the full length.
 */
AN_API size_t an_heap_node_name(const an_heap *h, uint32_t n, char *buf,
				size_t cap);

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

AN_API void an_heap_statistics(const an_heap *h, an_heap_stats *out);

/* ---- retainers (DevTools' Retainers view) ---- */
typedef struct an_heap_retainer {
	uint32_t edge;  /* the retaining edge */
	uint32_t from;  /* the retaining node */
} an_heap_retainer;

/*
 * Retainers of n: incoming edges except weak and invisible ones and those
 * from the root, ordered by the retainer's distance ascending, then its
 * retained size descending (DevTools' order). *out is caller-owned (free()).
 */
AN_API int an_heap_retainers(const an_heap *h, uint32_t n,
			     an_heap_retainer **out, uint32_t *count,
			     an_error *err);

/*
 * The retainer chain the Retainers view expands from n towards the roots:
 * step 1 takes n's retainer number `alt` (0 = the first; the next ones
 * give alternative chains), every later step the first retainer. It ends
 * at a retainer of distance <= 1 (a GC root's child, such as `global`) or
 * unknown, at a node already in the chain (listed once more), where there
 * is no retainer, or after max_steps steps (0 = no limit; DevTools' view
 * expands 20). (*out)[i] is step i + 1: the edge and the node it comes
 * from; *len == 0 when n has no retainer `alt`. *out is caller-owned
 * (free()).
 */
AN_API int an_heap_retainer_chain(const an_heap *h, uint32_t n, uint32_t alt,
				  uint32_t max_steps, an_heap_retainer **out,
				  uint32_t *len, an_error *err);

AN_END_DECL

#endif

/*
 * heap_int.h - the in-memory heap graph (struct of arrays, u32 ordinals,
 * CSR edges) as the loader (heapsnap.c) fills it, and what the analysis
 * (pipeline.c and its stages) derives from it (an_heap_derived), shared
 * with the queries (heap.c, retainers.c).
 */
#ifndef AN_HEAP_INT_H
#define AN_HEAP_INT_H

#include "analyze/heap.h"
#include "core/common_int.h"
#include "core/hashtab.h"
/* The largest self size (and sum of the large ones) a snapshot may
 * have: 2^53, where DevTools' doubles stop being exact. Small sizes
 * (< 2^32 each, at most 2^32 nodes) cannot overflow a u64 sum. */
#define AN_HEAP_MAX_SIZE (1ull << 53)

#include "core/sort.h"
#include "core/strtab.h"

#define AN_TYPE_NONE 0xff /* a type the snapshot does not declare */

/*
 * Sizes per node as u32, with the rare size of UINT32_MAX or more kept
 * aside (a 13.8 M-node snapshot saves 55 MB per array over u64): read
 * with an__size_get(), written with an__size_set().
 */
typedef struct an__big_size {
	uint32_t node;
	uint64_t size;
} an__big_size;

typedef struct an__sizes {
	uint32_t *v;             /* per node; UINT32_MAX: in `big` */
	an__big_size *big;       /* the sizes that do not fit */
	uint32_t nbig;
	size_t bigcap;
	an_hashtab bigix;        /* node -> its `big` entry */
} an__sizes;

/* Sets node n's size; AN_ENOMEM/AN_ELIMIT only for a size that does not
 * fit in u32 (heapsizes.c). */
AN_HIDDEN int an__size_set(an__sizes *s, uint32_t n, uint64_t size);
/* s was moved (copied to where it is now): repoints its side table. */
AN_HIDDEN void an__size_moved(an__sizes *s);
AN_HIDDEN uint64_t an__size_big(const an__sizes *s, uint32_t n);
/* A copy of `from` (n nodes) into the empty `to`, whose array is `v` (n
 * entries, any content; NULL: AN_ENOMEM). */
AN_HIDDEN int an__size_copy(an__sizes *to, uint32_t *v,
			    const an__sizes *from, uint32_t n);
AN_HIDDEN void an__size_free(an__sizes *s);

static inline uint64_t an__size_get(const an__sizes *s, uint32_t n)
{
	uint32_t v = s->v[n];

	return v != UINT32_MAX ? v : an__size_big(s, n);
}

/*
 * What DevTools' pipeline derives from the loaded graph (pipeline.c and
 * its stages). The loaded arrays of struct an_heap are never written
 * after loading: a derived value that replaces a loaded one (the
 * reassigned shallow size, the "Detached " name) lives here.
 */
typedef struct an_heap_derived {
	an__sizes self;          /* shallow size after the reassignment */
	uint8_t *renamed;        /* bit per node: named "Detached <name>"
				    (detached DOM native), or NULL */
	uint32_t *rename;        /* per snapshot string: its "Detached "
				    string, when `renamed` is set */
	uint8_t *page;           /* page-owned flag (during the pipeline) */
	uint32_t *dom;           /* immediate dominator */
	uint64_t *retained;
	int32_t *dist;
	uint32_t *cls;           /* class per node */
	uint32_t *dom_first;     /* dominated children CSR, node_count + 1 */
	uint32_t *dom_kids;
	an_heap_class *classes;
	uint32_t nclasses;
	uint32_t *class_order;   /* classes with members, Summary order */
	uint32_t nclass_order;
} an_heap_derived;

/* The arrays an_heap_pool keeps, a slot each (heappool.c): the
 * loader's node and edge columns, and the per-node arrays every
 * analysis, light or full, makes first (derived sizes, classes), which
 * a heap keeps until it is freed; the shallow-size reassignment's
 * owner per node, a temporary passed on once
 * (an__heap_pool_free_temp()); and for the retainer index
 * (retainers.c), the two largest arrays of a diff's base, which is
 * freed before the explanations' first queries (an_heap_base_free()). */
enum {
	AN__POOL_NTYPE, AN__POOL_NNAME, AN__POOL_NID, AN__POOL_NSELF,
	AN__POOL_FIRST_EDGE, AN__POOL_NDET, AN__POOL_ETYPE, AN__POOL_ENAME,
	AN__POOL_ETO, AN__POOL_SELF, AN__POOL_CLS, AN__POOL_OWNERS,
	AN__POOL_RI_FIRST, AN__POOL_RI_EDGES, AN__POOL_SLOTS
};

struct an_heap {
	an_strtab strs;          /* snapshot strings, by index (no interning);
				    the pipeline appends its own names */
	uint32_t nstrings;       /* strings from the snapshot (more follow) */
	/* meta */
	char **node_types;       /* node type names */
	uint32_t n_node_types;
	char **edge_types;       /* edge type names */
	uint32_t n_edge_types;
	uint8_t *node_kinds;     /* an_heap_node_kind per node type index */
	uint8_t *edge_kinds;     /* an_heap_edge_kind per edge type index */
	/* node type indexes (AN_TYPE_NONE when absent) */
	uint8_t t_hidden, t_array, t_object, t_native, t_string, t_cons,
		t_sliced, t_code, t_synthetic, t_closure, t_regexp;
	/* edge type indexes */
	uint8_t e_element, e_hidden, e_internal, e_shortcut, e_weak,
		e_property, e_invisible;
	uint32_t node_count, edge_count;
	uint32_t root;           /* root ordinal */
	uint64_t extra_native;   /* snapshot.extra_native_bytes */
	/* nodes, as loaded */
	uint8_t *ntype;
	uint32_t *nname;         /* string index */
	uint32_t *nid;           /* snapshot object id */
	an__sizes nself;         /* shallow size as the snapshot has it */
	uint32_t *first_edge;    /* node_count + 1 entries */
	uint8_t *ndet;           /* detachedness (DOM link state), or NULL */
	/* locations, few nodes have one: a bit per node, and per 64 nodes
	 * the number of bits set before them (an__heap_loc()) */
	uint64_t *loc_bits;      /* or NULL: no locations */
	uint32_t *loc_rank;
	uint32_t *locs;          /* script_id, line, column per node that
				    has a location, in node order */
	uint32_t nlocs;
	/* edges, as loaded */
	uint8_t *etype;
	uint32_t *ename;         /* string index or element index */
	uint32_t *eto;           /* target ordinal */
	/* the analysis */
	an_heap_derived d;
	struct an__ret_index *ri; /* incoming-edge index (retainers.c) */
	an_heap_pool *pool;      /* where an_heap_free() leaves the big
				    arrays, or NULL (heappool.c) */
	size_t pool_bytes[AN__POOL_SLOTS]; /* their blocks' sizes */
	uint8_t pool_took[AN__POOL_SLOTS]; /* the block came from the pool */
};

/* Slot's block (malloc'd, of *bytes bytes), or NULL: none, or no pool
 * (*bytes then 0). */
AN_HIDDEN void *an__heap_pool_take(an_heap_pool *p, int slot,
				   size_t *bytes);
/* Leaves `block` (malloc'd, of `bytes`) in the slot, or frees it: no
 * pool, or the slot holds a larger one. */
AN_HIDDEN void an__heap_pool_give(an_heap_pool *p, int slot, void *block,
				  size_t bytes);
/* n elements of `size` bytes for h's array of `slot` (zeroed when
 * `zero`): the pool's block when it is large enough, else a new one (an
 * eighth larger when h has a pool); h->pool_bytes[slot] gets its size.
 * NULL on overflow or OOM. */
AN_HIDDEN void *an__heap_pool_alloc(an_heap *h, int slot, size_t n,
				    size_t size, int zero);
/* Frees h's array of `slot` into h's pool (or to the system). */
AN_HIDDEN void an__heap_pool_free(an_heap *h, int slot, void *p);
/* The same for a temporary of h's load, freed while the load goes on: a
 * block the load made goes to the pool, one it took from there is freed.
 * A temporary is so passed on once, from a load to the next: the last
 * load's would otherwise sit in the pool through the rest of that load
 * (its peak), the pool not knowing that no load follows. */
AN_HIDDEN void an__heap_pool_free_temp(an_heap *h, int slot, void *p);

/* Node n's location (script_id, line, column), or NULL. */
static inline const uint32_t *an__heap_loc(const an_heap *h, uint32_t n)
{
	uint64_t w, below;

	if (!h->loc_bits)
		return NULL;
	w = h->loc_bits[n >> 6];
	if (!(w >> (n & 63) & 1))
		return NULL;
	below = w & ((UINT64_C(1) << (n & 63)) - 1);
	return h->locs + 3 * ((size_t)h->loc_rank[n >> 6] +
			      (size_t)__builtin_popcountll(below));
}

/* Node n's name (string index) after the DOM state: "Detached <name>"
 * for a detached DOM native, else the snapshot's. */
static inline uint32_t an__heap_name(const an_heap *h, uint32_t n)
{
	const uint8_t *r = h->d.renamed;

	if (r && (r[n >> 3] >> (n & 7) & 1))
		return h->d.rename[h->nname[n]];
	return h->nname[n];
}

/* Runs DevTools' pipeline on a loaded graph (pipeline.c). */
AN_HIDDEN int an__heap_analyse(an_heap *h, an_error *err);

/* The part of it an_heap_load_info() needs: DOM state, shallow sizes,
 * class names; no dominators, retained sizes, distances or Summary
 * (pipeline.c). */
AN_HIDDEN int an__heap_analyse_light(an_heap *h, an_error *err);

/* Loads a snapshot and runs only the light part of the pipeline (for a
 * diff's base: ids, shallow sizes, class names) (heapsnap.c). */
AN_HIDDEN int an__heap_load_light(an_heap **out, an_source *src,
				  const an_heap_load_opts *opts,
				  an_error *err);

/* Loads a snapshot without analysing it: only what the file has (for
 * the ids of leak detection's BASE and FINAL) (heapsnap.c). */
AN_HIDDEN int an__heap_load_raw(an_heap **out, an_source *src,
				const an_heap_load_opts *opts, an_error *err);

/* The Statistics view with the given total (heap.c). */
AN_HIDDEN int an__heap_stats(an_heap_stats *s, const an_heap *h,
			     uint64_t total, an_error *err);

/* Dominator tree h->dom (the root's dominator is itself) over the edges
 * whose bit is set in `ess`; *order (caller frees) gets every node,
 * 1-based, each after its dominator (dominators.c). */
AN_HIDDEN int an__heap_dominators(an_heap *h, const uint8_t *ess,
				  uint32_t **order);

/* h->retained from h->dom, h->nself and the order above. */
AN_HIDDEN int an__heap_retained_sizes(an_heap *h, const uint32_t *order);

/* The retainer queries' lazily built index (retainers.c). */
AN_HIDDEN int an__heap_ret_index_new(an_heap *h);
AN_HIDDEN void an__heap_ret_index_free(an_heap *h);

/* 1 when `name` is a WeakMap ephemeron edge name: *dup_off is where
 * DevTools' duplicatedPart starts, *table the table's id (weakmap.c). */
AN_HIDDEN int an__heap_weakmap_name(an_str name, size_t *dup_off,
				    uint64_t *table);

/* Class of every node, and the class table (heapclass.c). */
AN_HIDDEN int an__heap_class_names(an_heap *h);

/* One of DevTools' interface definitions (inferInterfaceDefinitions):
 * the name "{a, b}" and the property names as string indexes of the
 * heap it was inferred from, in the first object's edge order. */
typedef struct an__iface_def {
	char *name;              /* NUL-terminated, owned */
	size_t name_len;
	uint32_t *props;         /* string indexes, owned */
	uint32_t nprops;
} an__iface_def;

/* h's interface definitions, most popular first, as its class names
 * used them (heapclass.c): what a diff applies to the base. *out is
 * freed with an__heap_iface_defs_free(). AN_OK or AN_ENOMEM. */
AN_HIDDEN int an__heap_iface_defs(an__iface_def **out, size_t *n,
				  const an_heap *h);
AN_HIDDEN void an__heap_iface_defs_free(an__iface_def *v, size_t n);

/* CSR by counting: per-key counts in first[0..n) become start offsets
 * (first[n] the total); filling with first[key]++ as the cursor leaves
 * first[key] at the next key's start, which an__csr_restore() undoes. */
static inline void an__csr_starts(uint32_t *first, uint32_t n)
{
	uint32_t v, acc = 0;

	for (v = 0; v < n; v++) {
		uint32_t k = first[v];
		first[v] = acc;
		acc += k;
	}
	first[n] = acc;
}

static inline void an__csr_restore(uint32_t *first, uint32_t n)
{
	uint32_t v;

	for (v = n; v > 0; v--)
		first[v] = first[v - 1];
	first[0] = 0;
}

/* DevTools' formatPropertyName of s into dst: writes what fits in
 * `room` bytes (no NUL) and returns the whole length (propname.c). */
AN_HIDDEN size_t an__heap_prop_format(an_str s, char *dst, size_t room);

/* Length in UTF-16 units (JS .length) of UTF-8 bytes, and of a
 * formatted property name (propname.c). */
AN_HIDDEN size_t an__heap_js_len(const char *s, size_t n);
AN_HIDDEN size_t an__heap_prop_units(an_str s);

static inline int an__heap_str_is(const an_heap *h, uint32_t s,
				  const char *lit)
{
	an_str v = h->strs.items[s];
	size_t n = strlen(lit);
	return v.len == n && memcmp(v.ptr, lit, n) == 0;
}

#endif

/*
 * heapdiff_int.h - what the comparison of two snapshots keeps (heapdiff.c)
 * and its explanations read (heapdiff_explain.c): the base reduced to
 * ids, class keys and shallow sizes, and the diff's rows with the new
 * objects of the target marked.
 */
#ifndef AN_HEAPDIFF_INT_H
#define AN_HEAPDIFF_INT_H

#include "heap/heap_int.h"

/*
 * A class key of the base. Plain objects (type object named "Object")
 * are keyed by their property set, since the target's interface
 * definitions decide their class; every other object by its class.
 */
typedef struct an__base_key {
	uint32_t name;       /* strs id: the class name; for a property
				set the base's own class name */
	uint32_t first;      /* property sets: their props[] start */
	uint32_t nprops;     /* and length (sorted by name) */
	uint8_t plain;       /* 1: a property set */
	uint8_t has_loc;     /* keyed by a location too */
	uint32_t loc[3];     /* script id, line, column (0-based) */
} an__base_key;

struct an_heap_base {
	an_strtab strs;      /* interned: class and property names */
	an__base_key *keys;
	uint32_t nkeys;
	uint32_t *props;     /* property sets' names (strs ids) */
	size_t nprops;
	/* Entries: the nodes of non-zero shallow size, by id (equal ids in
	 * node order); about 12 bytes each. */
	uint32_t *ids;       /* per entry: its object id, ascending */
	uint32_t *key;       /* per entry: its key */
	an__sizes size;      /* per entry: shallow size after DevTools'
				reassignment */
	uint8_t *native;     /* bit per entry: native or synthetic node
				(embedder ids: not in allocation order) */
	uint32_t n;          /* entries */
	uint32_t node_count; /* nodes in the snapshot */
	an_heap_pool *pool;  /* the load's: where order and size go when
				freed, or NULL */
};

struct an_heap_diff {
	an_strtab strs;           /* the rows' names */
	an_heap_diff_row *rows;   /* DevTools' rows and order */
	uint32_t nrows;
	uint8_t *is_new;          /* bit per target node: new */
	uint32_t node_count;      /* target nodes */
	an_heap_diff_info info;
};

#endif

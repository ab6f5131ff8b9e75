/*
 * retpath_int.h - retainer paths of many nodes at once (retpath.c): the
 * chain of DevTools' Retainers view from a node towards the GC roots
 * (the first retainer at each step, which has the least distance: a
 * shortest path over non-weak edges), each node's first retainer looked
 * up once; and the grouping of nodes by their class and path, as
 * `heap diff --explain` and `heap leaks` report them.
 */
#ifndef AN_RETPATH_INT_H
#define AN_RETPATH_INT_H

#include "heap/heap_int.h"

/* First retainers seen, by node (a node's first retainer is asked for
 * once: the paths of many nodes share their upper part). */
typedef struct an__retmemo {
	an_hashtab t;
	uint32_t *node;      /* per item: the node ... */
	an_heap_retainer *r; /* ... and its first retainer (from AN_NONE:
				none) */
	size_t n, cap;
} an__retmemo;

/* The walker: the memo and the chain being walked. Not movable once
 * initialised (its tables point into it). */
typedef struct an__retwalk {
	const an_heap *h;
	an__retmemo m;
	an_hashtab seen;          /* steps by node, over the chain */
	an_heap_retainer *c;      /* the chain */
	size_t cap;
} an__retwalk;

AN_HIDDEN void an__retwalk_init(an__retwalk *w, const an_heap *h);
AN_HIDDEN void an__retwalk_free(an__retwalk *w);
/*
 * The path of n as an_heap_retainer_chain() walks it (alt 0, max_steps,
 * 0 = no limit): *chain (borrowed from w until the next call) gets *len
 * steps. AN_OK, AN_ENOMEM (err not set).
 */
AN_HIDDEN int an__retwalk_run(const an_heap_retainer **chain,
			      uint32_t *len, an__retwalk *w, uint32_t n,
			      uint32_t max_steps, an_error *err);

/*
 * 1 when edge e's name tells the steps of paths apart (as groups compare
 * them): not for element and hidden edges, edges named by a number (a
 * Map table's entries) or a WeakMap's key -> value edges.
 */
AN_HIDDEN int an__retstep_named(const an_heap *h, uint32_t e);
/* 1 when two steps are the same for grouping: edges of one type, named
 * alike (an__retstep_named()) and, when named, with one name; retainers
 * of one class. */
AN_HIDDEN int an__retstep_same(const an_heap *h, an_heap_retainer a,
			       an_heap_retainer b);
/* A hash of what an__retstep_same() compares. */
AN_HIDDEN uint64_t an__retstep_hash(const an_heap *h, an_heap_retainer r);

/* A group of nodes: same class, same path (an__retgroups_add()). */
typedef struct an__retgroup {
	uint64_t count, retained; /* members, their retained sizes summed */
	uint64_t extra;           /* the caller's own count */
	uint32_t rep;             /* first member */
	uint32_t cls;             /* the members' class */
	size_t first;             /* its path in steps[] */
	uint32_t len;
} an__retgroup;

typedef struct an__retgroups {
	an_hashtab t;
	const an_heap *h;
	an__retgroup *v;
	size_t n, cap;
	an_heap_retainer *steps;   /* the groups' paths */
	size_t nsteps, scap;
	const an_heap_retainer *q; /* lookup: a path ... */
	uint32_t qlen;             /* ... its length */
	uint32_t qcls;             /* ... and the member's class */
} an__retgroups;

/* Not movable once initialised. */
AN_HIDDEN void an__retgroups_init(an__retgroups *g, const an_heap *h);
AN_HIDDEN void an__retgroups_free(an__retgroups *g);
/*
 * Adds node v with path c[0..len) to the group of its class and path
 * (two paths being the same when their edges have the same types and
 * names, element and hidden edges and edges named by a number, such as
 * a Map table's entries, standing for any index, a WeakMap's key ->
 * value edges for any pair, and their retainers the same classes): its
 * count + 1, its retained size + v's; *k (may be NULL) the group's
 * index. AN_OK or AN_ENOMEM.
 */
AN_HIDDEN int an__retgroups_add(an__retgroups *g, const an_heap_retainer *c,
				uint32_t len, uint32_t v, uint32_t *k);

#endif

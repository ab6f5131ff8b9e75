/*
 * pipeline_int.h - the stages of DevTools' Memory panel pipeline that
 * pipeline.c schedules on two threads (one file per stage), the
 * WeakMap edge-name cache they share, and their small predicates.
 */
#ifndef AN_PIPELINE_INT_H
#define AN_PIPELINE_INT_H

#include "heap/heap_int.h"

/*
 * The WeakMap edge names of a snapshot, classified once
 * (an__heap_wm_classify, then an__heap_wm_intern) and only read
 * afterwards, so threads share it. Two edges whose names share
 * DevTools' duplicatedPart (the name after its leading number) get the
 * same dup id.
 */
typedef struct wm_entry {
	uint64_t table;       /* table node id named in the edge name */
	uint64_t hash;        /* of the dup part */
	uint32_t str;         /* the name's string index */
	uint32_t off;         /* where the dup part starts */
	uint32_t dup;         /* dup id */
} wm_entry;

typedef struct wm_cache {
	uint32_t *state;      /* per string: 0 not a WeakMap edge name,
				 else 1 + its wm_entry */
	uint32_t nstate;
	wm_entry *entries;
	uint32_t nentries;
	uint32_t ndup;
} wm_cache;

/* Which strings are WeakMap edge names, and their table ids (enough for
 * the essential edges); c->nstate set by the caller (weakmap.c). */
AN_HIDDEN int an__heap_wm_classify(const an_heap *h, wm_cache *c);

/* Dup ids (for the distances) (weakmap.c). */
AN_HIDDEN int an__heap_wm_intern(const an_heap *h, wm_cache *c);

AN_HIDDEN void an__heap_wm_free(wm_cache *c);

/* The entry of a WeakMap edge name, or NULL. */
static inline const wm_entry *an__heap_wm_lookup(const wm_cache *c,
						 uint32_t str)
{
	if (str >= c->nstate || !c->state[str])
		return NULL;
	return &c->entries[c->state[str] - 1];
}

static inline int has_string_name(const an_heap *h, uint32_t e)
{
	return h->etype[e] != h->e_element && h->etype[e] != h->e_hidden;
}

static inline int is_synthetic(const an_heap *h, uint32_t n)
{
	return h->ntype[n] == h->t_synthetic;
}

static inline int is_dom_trees_root(const an_heap *h, uint32_t n)
{
	return is_synthetic(h, n) &&
	       an__heap_str_is(h, an__heap_name(h, n), "(Document DOM trees)");
}

/* DevTools JSHeapSnapshot.isUserRoot */
static inline int is_user_root(const an_heap *h, uint32_t n)
{
	return !is_synthetic(h, n) || is_dom_trees_root(h, n);
}

/* DOM state: detachedness propagated, detached natives renamed
 * (domstate.c). */
AN_HIDDEN int an__heap_dom_state(an_heap *h);

/* h->page, the page-owned flags (pageowned.c). */
AN_HIDDEN int an__heap_page_owned(an_heap *h);

/* *out (caller frees): one bit per essential edge, on two threads
 * (essential.c). */
AN_HIDDEN int an__heap_essential_edges(an_heap *h, const wm_cache *wm,
				       uint8_t **out);

/* Shallow sizes of hidden and array nodes moved to their single owner
 * (reassign.c). */
AN_HIDDEN int an__heap_shallow_sizes(an_heap *h);

/* h->dist, DevTools' distances (distances.c). */
AN_HIDDEN int an__heap_distances(an_heap *h, const wm_cache *wm);

/* h->dom_first/h->dom_kids, the dominated children in node order, then
 * sorted by retained size in place (domkids.c). */
AN_HIDDEN int an__heap_dominated_children(an_heap *h);
AN_HIDDEN int an__heap_sort_dominated(an_heap *h);

/* The class aggregates and h->class_order (summary.c). */
AN_HIDDEN int an__heap_summary(an_heap *h);

#endif

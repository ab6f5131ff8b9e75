/*
 * heapleaks_int.h - what leak detection's two files share: the id sets
 * of BASE and FINAL (heapleaks_ids.c), read by the search
 * (heapleaks.c), which also finds the candidates and the tops among them
 * for the growth graph (heapgrowth.c).
 */
#ifndef AN_HEAPLEAKS_INT_H
#define AN_HEAPLEAKS_INT_H

#include "heap/heap_int.h"

struct an_heap_ids {
	uint32_t *id;   /* distinct ids, ascending */
	uint32_t n;
};

/*
 * Marks in `bits` (a bit per node of h, zeroed by the caller) the nodes
 * whose id `s` holds. AN_OK or AN_ENOMEM.
 */
AN_HIDDEN int an__heap_ids_mark(uint8_t *bits, const an_heap_ids *s,
				const an_heap *h);

/*
 * The leak candidates among the nodes of h that `fresh` marks (a bit per
 * node: new since BASE) and `alive` (NULL: all) marks too: each one
 * counted in *info (target_objects, new_objects, gone, trivial,
 * unreachable, candidates; the caller zeroes it) and the candidates'
 * bits set in `cand` (zeroed by the caller). Strings below min_string
 * bytes are trivial.
 */
AN_HIDDEN void an__heap_leak_candidates(uint8_t *cand,
					an_heap_leaks_info *info,
					const an_heap *h, const uint8_t *fresh,
					const uint8_t *alive,
					uint64_t min_string);

/*
 * The candidates (bit per node in cand) no other candidate dominates,
 * into *tops (caller-owned; in the order of a depth-first walk of the
 * dominator tree) with per top the number of candidates it dominates in
 * *nested (caller-owned). AN_OK or AN_ENOMEM.
 */
AN_HIDDEN int an__heap_tops(uint32_t **tops, uint64_t **nested,
			    uint32_t *ntops, const an_heap *h,
			    const uint8_t *cand);

#endif

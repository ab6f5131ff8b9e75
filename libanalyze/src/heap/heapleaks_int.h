/*
 * heapleaks_int.h - what leak detection's two files share: the id sets
 * of BASE and FINAL (heapleaks_ids.c), read by the search
 * (heapleaks.c).
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

#endif

/*
 * sort.h - ordering helpers shared by every layer: the byte-wise string
 * order, a stable merge sort of u32 keys (indexes) whose comparator
 * takes a context argument (qsort() has none, which is what tempted code
 * into file-scope comparator contexts that two threads then shared), and
 * a radix sort of u64 keys.
 */
#ifndef AN_SORT_H
#define AN_SORT_H

#include "core/common_int.h"

/* Byte-wise order of two strings (shorter first on a common prefix). */
static inline int an__str_cmp(an_str a, an_str b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = n ? memcmp(a.ptr, b.ptr, n) : 0;

	if (r)
		return r;
	return a.len < b.len ? -1 : a.len > b.len;
}

/* Negative, zero or positive as key a sorts before, with or after b. */
typedef int (*an_key_cmp)(uint32_t a, uint32_t b, const void *ctx);

/*
 * Sorts v[0..n) stably by cmp (bottom-up merge sort, no recursion).
 * tmp is scratch space for n keys. Reentrant: all state is in the
 * arguments.
 */
AN_HIDDEN void an__sort_keys(uint32_t *v, uint32_t *tmp, size_t n,
			     an_key_cmp cmp, const void *ctx);

/*
 * Sorts v[0..n) ascending by bits [lo, hi) of each key (stable; 16-bit
 * LSD radix passes, skipping digits all keys share); tmp has room for n
 * keys. lo and hi are multiples of 16, 0 <= lo < hi <= 64.
 * @return AN_OK or AN_ENOMEM.
 */
AN_HIDDEN int an__radix_u64(uint64_t *v, uint64_t *tmp, size_t n, int lo,
			    int hi);

#endif /* AN_SORT_H */

/*
 * sort.c - the stable merge sort of u32 keys with a context comparator.
 */
#include "core/sort.h"

void an__sort_keys(uint32_t *v, uint32_t *tmp, size_t n, an_key_cmp cmp,
		   const void *ctx)
{
	size_t width, i;

	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = cmp(v[b], v[a], ctx) < 0 ? v[b++] :
								      v[a++];
			while (a < mid)
				tmp[k++] = v[a++];
			while (b < hi)
				tmp[k++] = v[b++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
}

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

int an__radix_u64(uint64_t *v, uint64_t *tmp, size_t n, int lo, int hi)
{
	uint64_t *src = v, *dst = tmp, *t;
	size_t *cnt, i, d;
	int sh;

	cnt = malloc(65536 * sizeof(*cnt));
	if (!cnt)
		return AN_ENOMEM;
	for (sh = lo; sh < hi; sh += 16) {
		size_t sum = 0;
		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (i = 0; i < n; i++)
			cnt[(src[i] >> sh) & 0xffff]++;
		if (n && cnt[(src[0] >> sh) & 0xffff] == n)
			continue;
		for (d = 0; d < 65536; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(src[i] >> sh) & 0xffff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(cnt);
	return AN_OK;
}

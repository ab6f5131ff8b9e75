/*
 * bigmem.c - asks the kernel for transparent huge pages on big arrays
 * (node and edge arrays, the pipeline's per-node arrays): one page fault
 * per 2 MiB instead of per 4 KiB, where the kernel allows it
 * (transparent_hugepage "madvise" or "always"); a no-op elsewhere. And
 * gives the pages of a part of an array that is done with back to the
 * kernel while the rest is still in use.
 */
#define _DEFAULT_SOURCE 1 /* MADV_HUGEPAGE */
#include <stdint.h>
#include <sys/mman.h>

#include "core/common_int.h"

void an__advise_big(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

void an__release_part(void *p, size_t bytes)
{
#ifdef MADV_DONTNEED
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_DONTNEED);
#else
	(void)p;
	(void)bytes;
#endif
}

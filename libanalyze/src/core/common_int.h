/*
 * common_int.h - private helpers shared by all library sources: error
 * reporting macros, overflow-checked allocation, banned functions.
 */
#ifndef AN_COMMON_INT_H
#define AN_COMMON_INT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/common.h"

#define AN_HIDDEN __attribute__((visibility("hidden")))
#define AN_PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))

/* Fills `err` (may be NULL) and returns `code`. Never allocates. */
AN_HIDDEN int an__fail(an_error *err, int code, uint64_t offset,
		       const char *fmt, ...) AN_PRINTFLIKE(4, 5);

/* Evaluates expr; on a negative status jumps to `done` with rc set.
 * Needs `int rc` and a `done:` label in the caller. */
#define AN_TRY(expr)                                                          \
	do {                                                                  \
		rc = (expr);                                                  \
		if (rc < 0)                                                   \
			goto done;                                            \
	} while (0)

/* Fails with `code` and a message, jumping to `done`. */
#define AN_FAIL(err, code, off, ...)                                          \
	do {                                                                  \
		rc = an__fail((err), (code), (off), __VA_ARGS__);             \
		goto done;                                                    \
	} while (0)

/* Arrays from this size on get transparent huge pages (bigmem.c). */
#define AN_BIG_BYTES ((size_t)4 << 20)

/* Asks for huge pages on [p, p + bytes) (bigmem.c). */
AN_HIDDEN void an__advise_big(void *p, size_t bytes);

/* Gives the whole pages inside [p, p + bytes), a part of an allocated
 * array the caller no longer reads, back to the kernel: they read as
 * zeros if touched again; the array is still freed as usual (bigmem.c). */
AN_HIDDEN void an__release_part(void *p, size_t bytes);

/* Overflow-checked array allocation; NULL on overflow or OOM. */
static inline void *an__calloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		return calloc(1, 1);
	p = calloc(n, size);
	if (p && n >= AN_BIG_BYTES / size) /* calloc checked n * size */
		an__advise_big(p, n * size);
	return p;
}

static inline void *an__reallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	q = realloc(p, n * size != 0 ? n * size : 1);
	if (q && n * size >= AN_BIG_BYTES)
		an__advise_big(q, n * size);
	return q;
}

/* Grows *arr (of *cap elements of `size` bytes) to hold at least `need`
 * elements. Returns AN_OK or AN_ENOMEM. */
AN_HIDDEN int an__grow(void **arr, size_t *cap, size_t need, size_t size);

/* Physical memory of the machine in bytes (0 when unknown): what a
 * loader checks counts claimed by a file against before sizing anything
 * by them (docs/formats.md, Limits). */
AN_HIDDEN uint64_t an__mem_total(void);

#pragma GCC poison sprintf vsprintf strcat strncat gets strcpy strtok atoi atol

#endif /* AN_COMMON_INT_H */

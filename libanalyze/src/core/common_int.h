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

/* Overflow-checked array allocation; NULL on overflow or OOM. */
static inline void *an__calloc(size_t n, size_t size)
{
	if (n == 0 || size == 0)
		return calloc(1, 1);
	return calloc(n, size);
}

static inline void *an__reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, n * size != 0 ? n * size : 1);
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

/*
 * sbuf.h - a growable NUL-terminated string built with printf-style
 * appends (small JSON documents such as an artifact's meta). A failed
 * allocation is remembered and reported once, by an__sbuf_take().
 */
#ifndef AN_SBUF_H
#define AN_SBUF_H

#include "core/common_int.h"

typedef struct an_sbuf {
	char *p;    /* the string, NUL-terminated once anything is appended */
	size_t len; /* bytes before the NUL */
	size_t cap; /* bytes allocated */
	int failed; /* an append ran out of memory */
} an_sbuf;

#define AN_SBUF_INIT {NULL, 0, 0, 0}

/* Appends formatted text; on failure marks the buffer failed. */
AN_HIDDEN void an__sbuf_printf(an_sbuf *b, const char *fmt, ...)
	AN_PRINTFLIKE(2, 3);

/* Appends len bytes (any, NUL too); on failure marks the buffer failed. */
AN_HIDDEN void an__sbuf_put(an_sbuf *b, const void *data, size_t len);

/* Appends v as printf's "%.*f" with d (0..3) decimals gives it, faster
 * (the flame graphs' tooltips hold tens of thousands of numbers). */
AN_HIDDEN void an__sbuf_put_fixed(an_sbuf *b, double v, int d);

/* Appends s[0..n) (at most max bytes of it) as valid UTF-8: invalid
 * bytes become U+FFFD, control characters a space (for drawing). */
AN_HIDDEN void an__sbuf_put_utf8(an_sbuf *b, const char *s, size_t n,
				 size_t max);

/* Appends s[0..n) as a JSON string, quotes included: invalid UTF-8
 * becomes U+FFFD, '"', '\\' and control characters are escaped. */
AN_HIDDEN void an__sbuf_put_json(an_sbuf *b, const char *s, size_t n);

/* Hands the string to *out (caller frees with free()) or, when an append
 * failed, frees it and returns AN_ENOMEM. The buffer is empty after. */
AN_HIDDEN int an__sbuf_take(an_sbuf *b, char **out, an_error *err);

#endif /* AN_SBUF_H */

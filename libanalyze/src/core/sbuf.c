/*
 * sbuf.c - the growable string of sbuf.h: printf and raw bytes.
 */
#include <stdio.h>

#include "core/sbuf.h"

void an__sbuf_printf(an_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p ? b->p + b->len : NULL,
		      b->p ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (!b->p || b->len + (size_t)n + 1 > b->cap) {
		if (an__grow((void **)&b->p, &b->cap, b->len + (size_t)n + 1,
			     1) < 0) {
			b->failed = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void an__sbuf_put(an_sbuf *b, const void *data, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len + 1 < b->len ||
	    an__grow((void **)&b->p, &b->cap, b->len + len + 1, 1) < 0) {
		b->failed = 1;
		return;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
}

int an__sbuf_take(an_sbuf *b, char **out, an_error *err)
{
	*out = NULL;
	if (b->failed || !b->p) {
		free(b->p);
		memset(b, 0, sizeof(*b));
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	*out = b->p;
	memset(b, 0, sizeof(*b));
	return AN_OK;
}

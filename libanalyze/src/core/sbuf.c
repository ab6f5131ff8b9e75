/*
 * sbuf.c - the growable string of sbuf.h: printf, raw bytes, text made
 * valid UTF-8, JSON strings.
 */
#include <math.h>
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

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0: no
 * overlong forms, surrogates or values past U+10FFFF. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
		     (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	uint32_t cp;
	size_t k;

	if (len <= 1)
		return len;
	if (len > n)
		return 0;
	cp = c & (0x7fu >> len);
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void an__sbuf_put_utf8(an_sbuf *b, const char *s, size_t n, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	if (n > max)
		n = max;
	while (i < n) {
		size_t len = utf8_len(p + i, n - i);
		if (p[i] < 0x20 || p[i] == 0x7f) {
			an__sbuf_put(b, " ", 1);
			i++;
		} else if (!len) {
			an__sbuf_put(b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			an__sbuf_put(b, s + i, len);
			i += len;
		}
	}
}

void an__sbuf_put_json(an_sbuf *b, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	an__sbuf_put(b, "\"", 1);
	while (i < n) {
		size_t len = utf8_len(p + i, n - i);
		if (p[i] == '"' || p[i] == '\\') {
			an__sbuf_put(b, "\\", 1);
			an__sbuf_put(b, s + i, 1);
			i++;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			an__sbuf_printf(b, "\\u%04x", p[i]);
			i++;
		} else if (!len) {
			an__sbuf_put(b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			an__sbuf_put(b, s + i, len);
			i += len;
		}
	}
	an__sbuf_put(b, "\"", 1);
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

/*
 * printf's "%.*f" without printf where that surely gives the same
 * digits: v >= 0 and small enough that v * 10^d is within 1e-6 of its
 * exact value, and not that close to a half (where printf rounds the
 * exact binary value to even); printf elsewhere.
 */
void an__sbuf_put_fixed(an_sbuf *b, double v, int d)
{
	static const double pow10[] = {1, 10, 100, 1000};
	char buf[32];
	double t = v * pow10[d], fl = floor(t);
	uint64_t n, ip, fp;
	size_t k = sizeof(buf);
	int i;

	if (!(v >= 0 && t < 4e9) || signbit(v) || fabs(t - fl - 0.5) < 1e-6) {
		an__sbuf_printf(b, "%.*f", d, v);
		return;
	}
	n = (uint64_t)fl + (t - fl > 0.5);
	ip = n;
	for (i = 0; i < d; i++)
		ip /= 10;
	fp = n - ip * (uint64_t)pow10[d];
	for (i = 0; i < d; i++) {
		buf[--k] = (char)('0' + fp % 10);
		fp /= 10;
	}
	if (d)
		buf[--k] = '.';
	do {
		buf[--k] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	an__sbuf_put(b, buf + k, sizeof(buf) - k);
}

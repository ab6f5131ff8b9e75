/*
 * json.c - the only user of yajl: the chunked feed loop, depth tracking,
 * the number policy, and conversion of yajl errors into an_error records
 * with absolute byte offsets.
 *
 * yajl re-lexes a token that spans input chunks from its start on every
 * chunk, which makes a long string quadratic (a 200 MB string in 1 MiB
 * chunks: a minute). So a string that a chunk leaves open is held back
 * here, whole, and fed once its closing quote has arrived (or at the
 * end): yajl sees every string in one piece, at its own offsets, and
 * reports the same errors at the same bytes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <yajl/yajl_parse.h>

#include "io/json_int.h"

/* Nesting beyond this is hostile, not a profile. */
#define MAX_DEPTH 4096

struct an_json {
	yajl_handle h;        /* the parser */
	an_json_cb cb;        /* loader callback */
	void *payload;        /* loader state */
	an_error *err;        /* where errors go */
	uint64_t chunk_base;  /* offset of the current chunk */
	int depth;            /* current container depth */
	int rc;               /* status that canceled the parse */
	uint64_t fed;         /* bytes fed so far */
	uint64_t end;         /* offset just past the last byte fed */
	int nonws;            /* a byte other than whitespace was fed */
	int in_str;           /* the bytes fed so far end inside a string */
	int esc;              /* ... right after its backslash */
	uint8_t *pend;        /* a string the input left open, from its
				 opening quote: not fed to yajl yet */
	size_t npend, pend_cap;
	uint64_t pend_base;   /* offset of pend[0] */
};

uint64_t an__json_offset(const an_json *j)
{
	return j->chunk_base + yajl_get_bytes_consumed(j->h);
}

int an__json_depth(const an_json *j)
{
	return j->depth;
}

an_error *an__json_err(an_json *j)
{
	return j->err;
}

int an__json_fail(an_json *j, int code, const char *fmt, ...)
{
	va_list ap;

	j->rc = code;
	if (!j->err)
		return code;
	j->err->code = code;
	j->err->offset = an__json_offset(j);
	va_start(ap, fmt);
	vsnprintf(j->err->message, sizeof(j->err->message), fmt, ap);
	va_end(ap);
	return code;
}

void an__json_unfail(an_json *j)
{
	j->rc = AN_OK;
	if (j->err)
		an_error_clear(j->err);
}

int an__json_fail_at(an_json *j, int code, uint64_t offset, const char *fmt,
		     ...)
{
	va_list ap;

	j->rc = code;
	if (!j->err)
		return code;
	j->err->code = code;
	j->err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(j->err->message, sizeof(j->err->message), fmt, ap);
	va_end(ap);
	return code;
}

static int emit(an_json *j, an_json_ev ev, const an_json_val *v)
{
	int rc = j->cb(j, ev, v, j->payload);

	if (rc < 0) {
		if (j->rc == AN_OK) /* callback forgot to describe it */
			an__json_fail(j, rc, "%s", an_status_str(rc));
		return 0;
	}
	return 1;
}

static int on_null(void *ctx)
{
	an_json_val v = {0, 0, NULL, 0};
	return emit(ctx, AN_JSON_NULL, &v);
}

static int on_bool(void *ctx, int b)
{
	an_json_val v = {b, 0, NULL, 0};
	return emit(ctx, AN_JSON_BOOL, &v);
}

/*
 * Numbers arrive as text (yajl_number) so that we, not yajl, decide what
 * is an integer: yajl would silently drop doubles without a double
 * callback, and its error offset for an integer overflow depends on how
 * the input was chunked. Here the offset is the number's first byte,
 * whatever the chunking.
 */
/* Fails at the first byte of a number token that ends here. */
static int number_fail(an_json *j, const char *what, size_t len)
{
	an__json_fail(j, AN_EPARSE, "malformed JSON: %s", what);
	if (j->err)
		j->err->offset -= len;
	return 0;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	an_json *j = ctx;
	an_json_val v = {0, 0, NULL, 0};
	size_t i = 0;
	int neg = 0, frac = 0;
	unsigned long long acc = 0;
	char buf[64];

	for (i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			frac = 1;
	if (frac) {
		if (len >= sizeof(buf))
			return number_fail(j, "number too long", len);
		memcpy(buf, s, len);
		buf[len] = '\0';
		v.d = strtod(buf, NULL);
		return emit(j, AN_JSON_DOUBLE, &v);
	}
	i = 0;
	if (len && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (acc > (9223372036854775808ull - d) / 10)
			return number_fail(j, "integer overflow", len);
		acc = acc * 10 + d;
	}
	if (!neg && acc > 9223372036854775807ull)
		return number_fail(j, "integer overflow", len);
	v.i = neg ? (acc == 9223372036854775808ull ? LLONG_MIN :
						    -(long long)acc) :
		    (long long)acc;
	return emit(j, AN_JSON_INT, &v);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	an_json_val v = {0, 0, (const char *)s, len};
	return emit(ctx, AN_JSON_STRING, &v);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
	an_json_val v = {0, 0, (const char *)s, len};
	return emit(ctx, AN_JSON_KEY, &v);
}

static int open_container(an_json *j, an_json_ev ev)
{
	an_json_val v = {0, 0, NULL, 0};
	int ok = emit(j, ev, &v);

	if (ok && ++j->depth > MAX_DEPTH) {
		an__json_fail(j, AN_ELIMIT, "JSON nested deeper than %d levels",
			      MAX_DEPTH);
		return 0;
	}
	return ok;
}

static int close_container(an_json *j, an_json_ev ev)
{
	an_json_val v = {0, 0, NULL, 0};

	j->depth--;
	return emit(j, ev, &v);
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, AN_JSON_MAP_START);
}

static int on_end_map(void *ctx)
{
	return close_container(ctx, AN_JSON_MAP_END);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, AN_JSON_ARRAY_START);
}

static int on_end_array(void *ctx)
{
	return close_container(ctx, AN_JSON_ARRAY_END);
}

static const yajl_callbacks callbacks = {
	on_null,      on_bool,    NULL,           NULL,
	on_number,    on_string,  on_start_map,   on_key,
	on_end_map,   on_start_array, on_end_array,
};

/* Turns yajl's verbose multi-line error into one short line worded like
 * our own scanners': "parse error: "/"lexical error: " and " in json
 * text." dropped, an invalid character reported at its own byte (yajl
 * has consumed it; a bad literal it has not). */
static void yajl_error_line(an_json *j, const uint8_t *chunk, size_t n)
{
	static const char tail[] = " in json text.";
	unsigned char *msg = yajl_get_error(j->h, 0, chunk, n);
	const char *m = msg ? (const char *)msg : "parse error";
	uint64_t off = j->chunk_base + yajl_get_bytes_consumed(j->h);
	size_t len;
	char line[200];

	if (strncmp(m, "parse error: ", 13) == 0)
		m += 13;
	else if (strncmp(m, "lexical error: ", 15) == 0)
		m += 15;
	len = strcspn(m, "\n");
	if (len >= sizeof(tail) - 1 &&
	    memcmp(m + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1) == 0)
		len -= sizeof(tail) - 1;
	else if (len > 0 && m[len - 1] == '.')
		len--;
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	memcpy(line, m, len);
	line[len] = '\0';
	if (strcmp(line, "invalid char") == 0) {
		snprintf(line, sizeof(line), "invalid character");
		if (off > 0)
			off--;
	} else if (strcmp(line, "invalid string") == 0) {
		snprintf(line, sizeof(line),
			 "invalid literal (not true, false or null)");
	}
	an__fail(j->err, AN_EPARSE, off, "malformed JSON: %s", line);
	if (msg)
		yajl_free_error(j->h, msg);
}

int an__json_new(an_json **out, an_json_cb cb, void *payload, an_error *err)
{
	an_json *j = calloc(1, sizeof(*j));

	*out = NULL;
	if (!j)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	j->cb = cb;
	j->payload = payload;
	j->err = err;
	j->h = yajl_alloc(&callbacks, NULL, j);
	if (!j->h) {
		free(j);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	*out = j;
	return AN_OK;
}

void an__json_free(an_json *j)
{
	if (!j)
		return;
	yajl_free(j->h);
	free(j->pend);
	free(j);
}

/* yajl on data[0..n), at absolute offset base */
static int parse(an_json *j, const uint8_t *data, size_t n, uint64_t base)
{
	yajl_status st;

	j->chunk_base = base;
	if (!j->nonws) {
		size_t i;
		for (i = 0; i < n && !j->nonws; i++)
			j->nonws = data[i] != ' ' && data[i] != '\n' &&
				   data[i] != '\r' && data[i] != '\t';
	}
	st = yajl_parse(j->h, data, n);
	if (st == yajl_status_client_canceled)
		return j->rc < 0 ? j->rc : AN_ECANCELED;
	if (st != yajl_status_ok) {
		yajl_error_line(j, data, n);
		return AN_EPARSE;
	}
	return AN_OK;
}

/* Where the string open at data[0] (state in j) closes: the index of its
 * closing quote, or n (still open; j's state updated). */
static size_t string_end(an_json *j, const uint8_t *data, size_t n)
{
	size_t i = 0;

	if (j->esc && n) {
		j->esc = 0;
		i = 1;
	}
	while (i < n) {
		uint8_t c = data[i];
		if (c == '"')
			return i;
		if (c == '\\') {
			if (i + 1 == n) {
				j->esc = 1;
				return n;
			}
			i += 2;
			continue;
		}
		i++;
	}
	return n;
}

static int pend_add(an_json *j, const uint8_t *data, size_t n)
{
	if (j->npend + n > j->pend_cap &&
	    an__grow((void **)&j->pend, &j->pend_cap, j->npend + n, 1) < 0)
		return an__json_fail_at(j, AN_ENOMEM, j->pend_base,
					"out of memory");
	memcpy(j->pend + j->npend, data, n);
	j->npend += n;
	return AN_OK;
}

/* Feeds the held-back string (complete, or cut by the end of input). */
static int pend_flush(an_json *j)
{
	int rc;

	if (!j->npend)
		return AN_OK;
	rc = parse(j, j->pend, j->npend, j->pend_base);
	j->npend = 0;
	if (j->pend_cap > (1u << 20)) {
		free(j->pend); /* a long string's buffer: give it back */
		j->pend = NULL;
		j->pend_cap = 0;
	}
	return rc;
}

int an__json_feed(an_json *j, const uint8_t *data, size_t n, uint64_t base)
{
	size_t i = 0, start = 0, k;
	int rc;

	j->fed += n;
	j->end = base + n;
	if (j->in_str) {
		/* the held-back string goes on here */
		k = string_end(j, data, n);
		if (k == n)
			return pend_add(j, data, n);
		rc = pend_add(j, data, k + 1);
		if (rc == AN_OK)
			rc = pend_flush(j);
		if (rc < 0)
			return rc;
		j->in_str = 0;
		i = start = k + 1;
	}
	/* find whether this chunk leaves a string open, and where it began */
	while (i < n) {
		const uint8_t *q = memchr(data + i, '"', n - i);
		size_t open;
		if (!q)
			break;
		open = (size_t)(q - data);
		k = string_end(j, data + open + 1, n - open - 1);
		if (k == n - open - 1) {
			/* open at the end: yajl gets what precedes it */
			if (open > start) {
				rc = parse(j, data + start, open - start,
					   base + start);
				if (rc < 0)
					return rc;
			}
			j->in_str = 1;
			j->pend_base = base + open;
			return pend_add(j, data + open, n - open);
		}
		i = open + 1 + k + 1;
	}
	if (n > start)
		return parse(j, data + start, n - start, base + start);
	return AN_OK;
}

int an__json_finish(an_json *j)
{
	yajl_status st;
	uint64_t end = j->end;
	int rc;

	if (j->in_str) {
		/* cut inside a string: yajl judges what there is of it */
		j->in_str = 0;
		rc = pend_flush(j);
		if (rc < 0)
			return rc;
	}
	j->chunk_base = end;
	st = yajl_complete_parse(j->h);
	if (st == yajl_status_client_canceled)
		return j->rc < 0 ? j->rc : AN_ECANCELED;
	if (st != yajl_status_ok) {
		/* at the end: truncation ("premature EOF"), or something yajl
		 * could only judge once input ended (trailing garbage after
		 * a final number) */
		unsigned char *msg = yajl_get_error(j->h, 0, NULL, 0);
		rc = AN_EPARSE;
		if (msg && strstr((const char *)msg, "premature EOF") &&
		    !j->nonws) {
			/* e.g. a gzip bomb of spaces: say what it was */
			an__fail(j->err, AN_EFORMAT, end,
				 "no JSON value: the input is %llu bytes "
				 "of whitespace", (unsigned long long)end);
			rc = AN_EFORMAT;
		} else if (msg && strstr((const char *)msg, "premature EOF")) {
			an__fail(j->err, AN_EPARSE, end,
				 "truncated JSON: input ends inside a value");
		} else {
			yajl_error_line(j, NULL, 0);
			if (j->err)
				j->err->offset = end;
		}
		if (msg)
			yajl_free_error(j->h, msg);
		return rc;
	}
	return AN_OK;
}

void an__json_skip_bom(int *bom, uint64_t total, const uint8_t **chunk,
		       size_t *n, uint64_t *base)
{
	static const uint8_t bom_bytes[3] = {0xef, 0xbb, 0xbf};

	while (*bom < 3 && *n && (*chunk)[0] == bom_bytes[*bom] &&
	       total - *n == (uint64_t)*bom) {
		(*chunk)++;
		(*n)--;
		(*base)++;
		(*bom)++;
	}
	if (*bom < 3 && total > (uint64_t)*bom)
		*bom = 3; /* no (complete) BOM: parse from here */
}

int an__json_parse(an_source *src, an_json_cb cb, void *payload,
		   an_error *err)
{
	an_json *j = NULL;
	int rc;
	const uint8_t *chunk = NULL;
	size_t n = 0;
	uint64_t total = 0, base;
	int bom = 0; /* BOM bytes skipped */

	rc = an__json_new(&j, cb, payload, err);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = an_source_next(&chunk, &n, src, err);
		if (rc < 0)
			goto done;
		if (n == 0)
			break;
		base = an_source_offset(src) - n;
		total += n;
		an__json_skip_bom(&bom, total, &chunk, &n, &base);
		if (n == 0)
			continue;
		rc = an__json_feed(j, chunk, n, base);
		if (rc < 0)
			goto done;
	}
	if (total == 0) {
		rc = an__fail(err, AN_EFORMAT, 0, "empty input");
		goto done;
	}
	j->end = total;
	rc = an__json_finish(j);
done:
	an__json_free(j);
	return rc;
}

const char *an__json_ev_type(an_json_ev ev)
{
	switch (ev) {
	case AN_JSON_NULL: return "null";
	case AN_JSON_BOOL: return "a boolean";
	case AN_JSON_INT: return "an integer";
	case AN_JSON_DOUBLE: return "a fractional number";
	case AN_JSON_STRING: return "a string";
	case AN_JSON_MAP_START: return "an object";
	case AN_JSON_ARRAY_START: return "an array";
	default: return "a value";
	}
}

int an__json_wrong(an_json *j, const char *what, const char *want,
		   an_json_ev ev)
{
	return an__json_fail(j, AN_EFORMAT, "%s must be %s, not %s", what,
			     want, an__json_ev_type(ev));
}

int an__json_want_int(an_json *j, an_json_ev ev, const an_json_val *v,
		      const char *what, long long lo, long long hi,
		      int64_t *out)
{
	if (ev != AN_JSON_INT)
		return an__json_wrong(j, what, "an integer", ev);
	if (v->i < lo || v->i > hi)
		return an__json_fail(j, AN_EFORMAT, "%s %lld out of range",
				     what, v->i);
	*out = v->i;
	return AN_OK;
}

/*
 * json_int.h - streaming JSON parsing glue over yajl (json.c is the only
 * file that includes yajl). A loader supplies one event callback; the
 * driver feeds the source chunk by chunk and turns yajl errors into
 * an_error records with absolute byte offsets.
 *
 * Number policy: integers that fit int64 arrive as AN_JSON_INT; any number
 * with a fraction or exponent arrives as AN_JSON_DOUBLE (never silently
 * dropped); an integer beyond int64 is a parse error.
 */
#ifndef AN_JSON_INT_H
#define AN_JSON_INT_H

#include "analyze/source.h"
#include "core/common_int.h"

typedef enum an_json_ev {
	AN_JSON_NULL,
	AN_JSON_BOOL,
	AN_JSON_INT,
	AN_JSON_DOUBLE,
	AN_JSON_STRING,
	AN_JSON_KEY,
	AN_JSON_MAP_START,
	AN_JSON_MAP_END,
	AN_JSON_ARRAY_START,
	AN_JSON_ARRAY_END
} an_json_ev;

typedef struct an_json_val {
	long long i;      /* AN_JSON_INT, AN_JSON_BOOL */
	double d;         /* AN_JSON_DOUBLE */
	const char *s;    /* AN_JSON_STRING, AN_JSON_KEY: not NUL-terminated */
	size_t len;       /* length of s */
} an_json_val;

typedef struct an_json an_json;

/*
 * Event callback: return AN_OK to continue, or a negative status after
 * filling the error record with an_json__fail() to stop the parse.
 */
typedef int (*an_json_cb)(an_json *j, an_json_ev ev, const an_json_val *v,
			  void *payload);

/*
 * Push interface, for loaders that hand yajl only parts of a document:
 * create, feed consecutive pieces (with the absolute offset of each
 * piece's first byte, for error offsets), finish at the end of the value.
 * Every call returns AN_OK or the first error (already in the record).
 */
AN_HIDDEN int an__json_new(an_json **out, an_json_cb cb, void *payload,
			   an_error *err);
AN_HIDDEN int an__json_feed(an_json *j, const uint8_t *data, size_t n,
			    uint64_t base);
AN_HIDDEN int an__json_finish(an_json *j);
AN_HIDDEN void an__json_free(an_json *j);

/*
 * Skips a UTF-8 byte order mark at the very start of the input (editors
 * write one; it may span chunks): call on every chunk, in order, with
 * *bom starting at 0 and `total` the bytes read so far including this
 * chunk; *chunk, *n and *base are moved past the BOM bytes.
 */
AN_HIDDEN void an__json_skip_bom(int *bom, uint64_t total,
				 const uint8_t **chunk, size_t *n,
				 uint64_t *base);

/* Parses the whole source. Returns AN_OK or the first error. */
AN_HIDDEN int an__json_parse(an_source *src, an_json_cb cb, void *payload,
			     an_error *err);

/* Absolute offset just past the current token (inside a callback). */
AN_HIDDEN uint64_t an__json_offset(const an_json *j);

/* Container depth of the current event (0 = top level value). */
AN_HIDDEN int an__json_depth(const an_json *j);

/* Records a loader error at the current offset; returns `code`. */
AN_HIDDEN int an__json_fail(an_json *j, int code, const char *fmt, ...)
	AN_PRINTFLIKE(3, 4);

/* The error record the parse reports into (may be NULL). */
/* Forgets a failure the callback reported (an__json_fail) but chose to
 * recover from, so the parse goes on. */
AN_HIDDEN void an__json_unfail(an_json *j);

/* Reports a failure found earlier, at byte `offset` (an__json_fail
 * reports the current one). */
AN_HIDDEN int an__json_fail_at(an_json *j, int code, uint64_t offset,
			       const char *fmt, ...) AN_PRINTFLIKE(4, 5);

AN_HIDDEN an_error *an__json_err(an_json *j);

/* What an event is, for messages: "an integer", "a string", ... */
AN_HIDDEN const char *an__json_ev_type(an_json_ev ev);
/* AN_EFORMAT "WHAT must be WANT, not <what ev is>" at the current
 * offset. */
AN_HIDDEN int an__json_wrong(an_json *j, const char *what,
			     const char *want, an_json_ev ev);
/* An integer in [lo, hi] into *out; anything else is a format error
 * naming `what`. */
AN_HIDDEN int an__json_want_int(an_json *j, an_json_ev ev,
				const an_json_val *v, const char *what,
				long long lo, long long hi, int64_t *out);

#endif

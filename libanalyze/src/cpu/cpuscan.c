/*
 * cpuscan.c - the fast front end of the CPU profile loaders (see
 * cpuscan_int.h): decides which bytes yajl sees. yajl gets one handle
 * for the whole input and is fed real bytes at their real offsets, so
 * its own errors and the loader's keep their offsets; where bytes are
 * left out (integers stored here, skipped trace events) a few synthetic
 * bytes keep yajl's view valid JSON where a ',' needs a value before it
 * ("0" swallowed by scan_cb in an integer array, "" in an event array,
 * which the loader ignores). Every fast path gives up to yajl at the
 * first byte it does not fully understand, so yajl judges everything
 * unusual.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpu/cpuscan_int.h"
#include "cpu/trace_int.h"
#include "io/source_int.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { M_GEN, M_INTS, M_EVENTS, M_BIG };  /* what the next bytes are */
enum { E_START, E_NEED, E_HAVE };          /* place in the event array */
enum { SK_DONE, SK_MORE, SK_BAD };         /* skim results */

#define TAIL 64  /* bytes kept from the previous chunk, for key lookback */
#define PEND 64  /* longest integer array entry carried across chunks */
/* An event cut by chunk ends is skimmed again from its start with each
 * new chunk; once it is this large, or was skimmed over 4 * LARGE bytes
 * in all (tiny chunks), it goes to yajl instead (M_BIG): the cost per
 * event stays bounded whatever its size and the chunk size. */
#define LARGE (256 * 1024)
/* The event array of a large input read as one buffer is cut into
 * pieces of SEG bytes, skimmed by up to MAX_WORKERS other threads while
 * this one reads (par below); at most MAX_SEGS pieces. */
#define SEG (4u << 20)
#define MAX_WORKERS 7
#define MAX_SEGS 65536
#define AHEAD 4      /* pieces skimmed ahead of the reader, at most */

typedef struct par par;

struct an_cpuscan {
	an_json *j;
	an_scan_cfg cfg;
	an_error *err;
	int mode;             /* M_* */
	int no_skim;          /* malformed input seen: yajl reads all */
	int in_event;         /* feeding a kept event */
	uint64_t doc_start;   /* offset of the first byte (after a BOM) */
	int swallow;          /* drop the next integer (a synthetic 0) */
	/* the last array the loader announced */
	int op_kind;
	uint64_t op_at;       /* offset just past its '['; 0: none */
	an_builder *op_b;
	/* the end of the previous chunk */
	uint8_t tail[TAIL];
	size_t tail_n;
	uint64_t tail_end;    /* offset just past tail[] */
	/* integer array (M_INTS); yajl has seen only its '[' */
	int ikind;
	an_builder *ib;
	int iany;             /* entries stored here */
	uint8_t pend[PEND];   /* an entry cut by the chunk end */
	size_t pend_n;
	uint64_t pend_base;
	/* event array (M_EVENTS) */
	int estate;           /* E_*: where the real input is */
	int eyajl;            /* yajl has an element (else only '[') */
	uint8_t *ebuf;        /* an element cut by the chunk end */
	size_t ebuf_n, ebuf_cap;
	uint64_t ebuf_base;
	uint64_t eskimmed;    /* bytes of ebuf skimmed so far, in all */
	/* a large element going to yajl (M_BIG): where it ends */
	int bdepth, bstr, besc;
	/* the event array skimmed by other threads too */
	an_source *src;
	int par_tried;        /* par_start() was called */
	par *par;             /* the threads, while they run */
	uint64_t par_next;    /* an element starting here or later: ask
				 par_arrive(); UINT64_MAX when none */
	uint64_t skip_to;     /* go on reading here (0: no jump) */
};

static int run(an_cpuscan *s, const uint8_t *p, size_t n, uint64_t base,
	       int use_tail);
static void par_stop(an_cpuscan *s);
static void par_start(an_cpuscan *s, uint64_t at);

static int is_ws(uint8_t c)
{
	return c <= ' ' && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
}

static int is_digit(uint8_t c)
{
	return (unsigned)(c - '0') <= 9;
}

/* Length of the run of digits at q[i..m). */
static size_t digits(const uint8_t *q, size_t i, size_t m)
{
	size_t j = i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (j + 8 <= m) {
		const uint64_t ones = 0x0101010101010101ull;
		uint64_t w, t, x;
		memcpy(&w, q + j, 8);
		/* high bit set in each byte that is not '0'..'9': >= 0x80,
		 * or (low 7 bits) + 0x46 >= 0x80, or + 0x50 < 0x80; no
		 * carries cross bytes */
		x = w & (ones * 0x7f);
		t = (w | (x + ones * 0x46) | ~(x + ones * 0x50)) &
		    (ones * 0x80);
		if (t)
			return j + ((size_t)__builtin_ctzll(t) >> 3) - i;
		j += 8;
	}
#endif
	while (j < m && is_digit(q[j]))
		j++;
	return j - i;
}


/* Between yajl and the loader: drops the synthetic integers. */
static int scan_cb(an_json *j, an_json_ev ev, const an_json_val *v,
		   void *payload)
{
	an_cpuscan *s = payload;

	if (s->swallow && ev == AN_JSON_INT) {
		s->swallow = 0;
		return AN_OK;
	}
	return s->cfg.cb(j, ev, v, s->cfg.payload);
}

void an__cpuscan_opened(an_cpuscan *s, int kind, an_builder *b,
			uint64_t off)
{
	s->op_kind = kind;
	s->op_b = b;
	s->op_at = off;
}

static int yfeed(an_cpuscan *s, const uint8_t *p, size_t n, uint64_t base)
{
	if (!n)
		return AN_OK;
	s->op_at = 0;
	return an__json_feed(s->j, p, n, base);
}

/* Synthetic bytes (never the cause of an error). */
static int synth(an_cpuscan *s, const char *t, uint64_t base)
{
	return an__json_feed(s->j, (const uint8_t *)t, strlen(t), base);
}

/* ---- where the fast paths start ------------------------------------- */

static const char *const array_keys[] = {
	"samples", "timeDeltas", "lines", "traceEvents"};

/*
 * 1 when the '[' at p[k] may open an array the loader announces: it
 * follows `"samples":` (or another array_keys entry), or only
 * whitespace since the start of the input (a bare trace array). Only
 * speed depends on this: the loader's announcement decides.
 */
static int candidate(const an_cpuscan *s, const uint8_t *p, size_t k,
		     uint64_t base, int use_tail)
{
	uint8_t w[48];
	size_t wn, from_p, t, i, a;
	uint64_t wstart;

	from_p = k < sizeof(w) ? k : sizeof(w);
	memcpy(w + sizeof(w) - from_p, p + k - from_p, from_p);
	wn = from_p;
	if (wn < sizeof(w) && wn == k && use_tail && s->tail_end == base) {
		t = sizeof(w) - wn;
		if (t > s->tail_n)
			t = s->tail_n;
		memcpy(w + sizeof(w) - wn - t, s->tail + s->tail_n - t, t);
		wn += t;
	}
	wstart = base + k - wn;
	i = sizeof(w);
	while (i > sizeof(w) - wn && is_ws(w[i - 1]))
		i--;
	if (i == sizeof(w) - wn)
		return wstart == s->doc_start;
	if (w[--i] != ':')
		return 0;
	while (i > sizeof(w) - wn && is_ws(w[i - 1]))
		i--;
	if (i == sizeof(w) - wn || w[--i] != '"')
		return 0;
	for (a = 0; a < sizeof(array_keys) / sizeof(array_keys[0]); a++) {
		size_t l = strlen(array_keys[a]);
		if (i >= sizeof(w) - wn + l + 1 &&
		    memcmp(w + i - l, array_keys[a], l) == 0 &&
		    w[i - l - 1] == '"')
			return 1;
	}
	return 0;
}

/* After yajl read an announced '[': 1 if a fast path takes over. */
static int enter(an_cpuscan *s)
{
	if (s->op_kind == AN_SCAN_EVENTS) {
		if (!s->cfg.trace || s->no_skim || s->in_event)
			return 0;
		s->mode = M_EVENTS;
		s->estate = E_START;
		s->eyajl = 0;
		par_start(s, s->op_at);
		return 1;
	}
	s->mode = M_INTS;
	s->ikind = s->op_kind;
	s->ib = s->op_b;
	s->iany = 0;
	s->pend_n = 0;
	return 1;
}

/* Feeds yajl up to an announced array, or to the end. */
static int gen(an_cpuscan *s, const uint8_t *p, size_t i, size_t n,
	       uint64_t base, int use_tail, size_t *next)
{
	size_t start = i;
	int rc;

	while (i < n) {
		const uint8_t *q = memchr(p + i, '[', n - i);
		size_t k;
		if (!q)
			break;
		k = (size_t)(q - p);
		i = k + 1;
		if (!candidate(s, p, k, base, use_tail))
			continue;
		rc = yfeed(s, p + start, k + 1 - start, base + start);
		if (rc < 0)
			return rc;
		start = k + 1;
		if (s->op_at == base + k + 1 && enter(s)) {
			*next = k + 1;
			return AN_OK;
		}
	}
	*next = n;
	return yfeed(s, p + start, n - start, base + start);
}

/* ---- integer arrays ------------------------------------------------- */

enum { IT_OK, IT_MORE, IT_BAD };

/* One entry and its separator at q[0..m): a plain integer in range for
 * `kind`, then ',' or ']' (*end = 1). */
static int item(int kind, const uint8_t *q, size_t m, int64_t *val,
		size_t *len, int *end)
{
	size_t j = 0, d0;
	uint64_t v = 0;
	int neg = 0;

	while (j < m && is_ws(q[j]))
		j++;
	if (j == m)
		return IT_MORE;
	if (q[j] == '-') {
		if (kind == AN_SCAN_SAMPLES)
			return IT_BAD;
		neg = 1;
		if (++j == m)
			return IT_MORE;
	}
	d0 = j;
	while (j < m && is_digit(q[j])) {
		v = v * 10 + (uint64_t)(q[j] - '0');
		if (++j - d0 > 18)
			return IT_BAD;
	}
	if (j == m)
		return IT_MORE;
	if (j == d0 || (q[d0] == '0' && j - d0 > 1) || (neg && v == 0))
		return IT_BAD;
	while (j < m && is_ws(q[j]))
		j++;
	if (j == m)
		return IT_MORE;
	if (q[j] == ',')
		*end = 0;
	else if (q[j] == ']')
		*end = 1;
	else
		return IT_BAD;
	*val = neg ? -(int64_t)v : (int64_t)v;
	if (kind == AN_SCAN_LINES && (*val < -1 || *val > INT32_MAX))
		return IT_BAD;
	*len = j + 1;
	return IT_OK;
}

static int store(an_cpuscan *s, int64_t v)
{
	switch (s->ikind) {
	case AN_SCAN_SAMPLES: return an__builder_sample(s->ib, v);
	case AN_SCAN_DELTAS: return an__builder_delta(s->ib, v);
	default: return an__builder_line(s->ib, (int32_t)v);
	}
}

/* The real input is at an entry (after '[' or ','): yajl takes over from
 * there, after a synthetic "0," when entries were stored here. */
static int ints_handover(an_cpuscan *s, uint64_t at)
{
	int rc;

	s->mode = M_GEN;
	if (s->iany) {
		s->swallow = 1;
		rc = synth(s, "0,", at);
		if (rc < 0)
			return rc;
	}
	rc = yfeed(s, s->pend, s->pend_n, s->pend_base);
	s->pend_n = 0;
	return rc;
}

/* The array's ']' at `at`: yajl, which has seen only the '[', reads an
 * empty array. */
static int ints_close(an_cpuscan *s, const uint8_t *bracket, uint64_t at)
{
	s->mode = M_GEN;
	return yfeed(s, bracket, 1, at);
}

static int ints(an_cpuscan *s, const uint8_t *p, size_t i, size_t n,
		uint64_t base, size_t *next)
{
	int64_t v;
	size_t len, old;
	int r, end;

	if (s->pend_n) {
		/* complete the entry the last chunk cut */
		size_t take = n - i < PEND - s->pend_n ? n - i :
							 PEND - s->pend_n;
		old = s->pend_n;
		memcpy(s->pend + old, p + i, take);
		s->pend_n = old + take;
		r = item(s->ikind, s->pend, s->pend_n, &v, &len, &end);
		if (r == IT_MORE && take == n - i && s->pend_n < PEND) {
			*next = n;
			return AN_OK;
		}
		s->pend_n = old;
		if (r != IT_OK || store(s, v) < 0) {
			*next = i;
			return ints_handover(s, s->pend_base);
		}
		s->iany = 1;
		s->pend_n = 0;
		i += len - old;
		if (end) {
			/* the ']' came in this chunk (the part in pend was
			 * incomplete) */
			*next = i;
			return ints_close(s, p + i - 1, base + i - 1);
		}
	}
	while (i < n) {
		r = item(s->ikind, p + i, n - i, &v, &len, &end);
		if (r == IT_OK && store(s, v) == AN_OK) {
			s->iany = 1;
			i += len;
			if (end) {
				*next = i;
				return ints_close(s, p + i - 1, base + i - 1);
			}
			continue;
		}
		if (r == IT_MORE && n - i < PEND) {
			memcpy(s->pend, p + i, n - i);
			s->pend_n = n - i;
			s->pend_base = base + i;
			*next = n;
			return AN_OK;
		}
		*next = i;
		return ints_handover(s, base + i);
	}
	*next = n;
	return AN_OK;
}

/* ---- the event skimmer ---------------------------------------------- */

enum { TK_OTHER, TK_NAME, TK_PID, TK_TID, TK_TS, TK_DUR, TK_PH };
#define F_ESC 1      /* a string holds an escape */
#define F_NONASCII 2 /* a string holds bytes >= 0x80 (yajl checks UTF-8) */

typedef struct skim_info {
	int keep;          /* hand the element to yajl */
	int evlike;        /* it has a top-level name, pid, tid, ts, dur
			      or ph key (a trace event, most likely) */
	an_scan_event ev;  /* its top-level fields */
} skim_info;

/* A string's bytes from q[i] (after the opening quote): *end at the
 * closing quote. Control characters and bad escapes are SK_BAD, as yajl
 * has them; UTF-8 is left to yajl (F_NONASCII). */
static inline int skim_str(const uint8_t *q, size_t i, size_t m,
			   size_t *end, int *fl)
{
	*fl = 0;
	for (;;) {
		uint8_t c;
#if defined(__SSE2__)
		/* sixteen bytes at a time: stop at '"', '\\', < 0x20 or
		 * >= 0x80 (both are < 0x20 as signed bytes) */
		while (i + 16 <= m) {
			const __m128i w = _mm_loadu_si128(
				(const __m128i *)(const void *)(q + i));
			const __m128i t = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(w,
						     _mm_set1_epi8('\\'))),
				_mm_cmplt_epi8(w, _mm_set1_epi8(0x20)));
			const unsigned b = (unsigned)_mm_movemask_epi8(t);
			if (b) {
				i += (size_t)__builtin_ctz(b);
				break;
			}
			i += 16;
		}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* eight bytes at a time: stop at '"', '\\', < 0x20, >= 0x80
		 * (the lowest flagged byte is exact) */
		while (i + 8 <= m) {
			const uint64_t ones = 0x0101010101010101ull;
			const uint64_t high = 0x8080808080808080ull;
			uint64_t w, x, y, t;
			memcpy(&w, q + i, 8);
			x = w ^ (ones * '"');
			y = w ^ (ones * '\\');
			t = ((x - ones) & ~x) | ((y - ones) & ~y) |
			    ((w - ones * 0x20) & ~w) | w;
			t &= high;
			if (t) {
				i += (size_t)__builtin_ctzll(t) >> 3;
				break;
			}
			i += 8;
		}
#endif
		if (i >= m)
			return SK_MORE;
		c = q[i];
		if (c == '"') {
			*end = i;
			return SK_DONE;
		}
		if (c == '\\') {
			size_t k;
			if (i + 1 >= m)
				return SK_MORE;
			c = q[i + 1];
			*fl |= F_ESC;
			if (c == 'u') {
				if (i + 6 > m)
					return SK_MORE;
				for (k = i + 2; k < i + 6; k++)
					if (!is_digit(q[k]) &&
					    !((q[k] | 0x20) >= 'a' &&
					      (q[k] | 0x20) <= 'f'))
						return SK_BAD;
				i += 6;
				continue;
			}
			if (!c || !strchr("\"\\/bfnrt", c))
				return SK_BAD;
			i += 2;
			continue;
		}
		if (c < 0x20)
			return SK_BAD;
		if (c >= 0x80)
			*fl |= F_NONASCII;
		i++;
	}
}

static int classify(const uint8_t *k, size_t len)
{
	switch (len) {
	case 2:
		if (k[0] == 'p' && k[1] == 'h')
			return TK_PH;
		return k[0] == 't' && k[1] == 's' ? TK_TS : TK_OTHER;
	case 3:
		if (!memcmp(k, "pid", 3))
			return TK_PID;
		if (!memcmp(k, "tid", 3))
			return TK_TID;
		return !memcmp(k, "dur", 3) ? TK_DUR : TK_OTHER;
	case 4:
		return !memcmp(k, "name", 4) ? TK_NAME : TK_OTHER;
	default:
		return TK_OTHER;
	}
}

static int kept_name(const uint8_t *v, size_t len)
{
	static const char *const names[] = {AN_SCAN_KEEP_NAMES};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i][0] == (char)v[0] && strlen(names[i]) == len &&
		    !memcmp(names[i], v, len))
			return 1;
	return 0;
}

/* A number at q[i]: its end, and its value for a top-level field the
 * way json.c and the loader read it. */
static inline int skim_num(const uint8_t *q, size_t i, size_t m,
			   size_t *end, int key, skim_info *in)
{
	size_t j = i, d0;
	uint64_t v = 0;
	int neg = 0, frac = 0;

	if (q[j] == '-') {
		neg = 1;
		if (++j == m)
			return SK_MORE;
	}
	d0 = j;
	if (q[j] == '0') {
		j++;
	} else if (is_digit(q[j])) {
		if (key == TK_OTHER || key == TK_NAME) {
			j += digits(q, j, m);
		} else {
			/* a field: short (pid, ts...), read as it goes; the
			 * value only counts when j - d0 <= 18 */
			while (j < m && is_digit(q[j])) {
				v = v * 10 + (uint64_t)(q[j] - '0');
				j++;
			}
		}
	} else {
		return SK_BAD;
	}
	if (j == m)
		return SK_MORE;
	if (j - d0 > 18)
		in->keep = 1; /* may not fit int64: yajl/json.c decide */
	if (q[j] == '.') {
		if (++j == m)
			return SK_MORE;
		if (!is_digit(q[j]))
			return SK_BAD;
		j += digits(q, j, m);
		if (j == m)
			return SK_MORE;
		frac = 1;
	}
	if (q[j] == 'e' || q[j] == 'E') {
		if (++j == m)
			return SK_MORE;
		if (q[j] == '+' || q[j] == '-')
			if (++j == m)
				return SK_MORE;
		if (!is_digit(q[j]))
			return SK_BAD;
		while (j < m && is_digit(q[j]))
			j++;
		if (j == m)
			return SK_MORE;
		frac = 1;
	}
	*end = j;
	if (frac && j - i >= 60)
		in->keep = 1; /* json.c refuses very long numbers */
	if (in->keep || key == TK_OTHER || key == TK_NAME)
		return SK_DONE;
	if (!frac) {
		int64_t x = neg ? -(int64_t)v : (int64_t)v;
		if (key == TK_PID)
			in->ev.pid = x;
		else if (key == TK_TID)
			in->ev.tid = x;
		else if (key == TK_TS) {
			in->ev.ts = x;
			in->ev.has_ts = 1;
		} else if (x > 0) {
			in->ev.dur = x;
		}
	} else if (key == TK_TS || key == TK_DUR) {
		char buf[64];
		double d;
		memcpy(buf, q + i, j - i);
		buf[j - i] = '\0';
		d = strtod(buf, NULL);
		if (isfinite(d) && fabs(d) < 9e15) {
			int64_t x = (int64_t)llround(d);
			if (key == TK_TS) {
				in->ev.ts = x;
				in->ev.has_ts = 1;
			} else if (x > 0) {
				in->ev.dur = x;
			}
		}
	}
	return SK_DONE;
}

static int skim_lit(const uint8_t *q, size_t i, size_t m, const char *w,
		    size_t *end)
{
	size_t k, l = strlen(w);

	for (k = 0; k < l; k++) {
		if (i + k == m)
			return SK_MORE;
		if (q[i + k] != (uint8_t)w[k])
			return SK_BAD;
	}
	*end = i + l;
	return SK_DONE;
}

/* Skips whitespace at q[i]; SK_MORE at the end of the bytes. Events
 * rarely hold any: one test for the common case. */
#define SKIP_WS()                                                             \
	do {                                                                  \
		if (i >= m || q[i] <= ' ') {                                  \
			while (i < m && is_ws(q[i]))                          \
				i++;                                          \
			if (i == m)                                           \
				return SK_MORE;                               \
		}                                                             \
	} while (0)

/*
 * Skims one element of the event array at q[0..m) (q[0] starts it):
 * SK_DONE with its length, SK_MORE if it does not end within m, SK_BAD
 * at anything yajl would refuse (or that this skimmer does not follow,
 * like more than 63 levels of nesting). Elements other than objects are
 * kept for yajl. One label per place in the grammar, so each branch
 * predicts well (a state variable and a switch cost twice as much).
 */
static int skim(const uint8_t *q, size_t m, skim_info *in, size_t *len)
{
	uint64_t objs = 0; /* bit d: the container at depth d + 1 is {} */
	int depth = 0, key = TK_OTHER, r, fl;
	int inobj = 0;     /* the innermost container is {} */
	size_t i = 0, end = 0;
	uint8_t c;

	memset(in, 0, sizeof(*in));
	in->keep = q[0] != '{';
value:
	SKIP_WS();
	c = q[i];
	switch (c) {
	case '{':
		if (depth >= 63)
			return SK_BAD;
		objs |= 1ull << depth++;
		inobj = 1;
		i++;
		SKIP_WS();
		if (q[i] == '}')
			goto close;
		goto key;
	case '[':
		if (depth >= 63)
			return SK_BAD;
		objs &= ~(1ull << depth++);
		inobj = 0;
		i++;
		SKIP_WS();
		if (q[i] == ']')
			goto close;
		goto value;
	case '"':
		r = skim_str(q, i + 1, m, &end, &fl);
		if (r != SK_DONE)
			return r;
		if (fl) {
			if (fl & F_NONASCII)
				in->keep = 1;
			if (depth == 1 && (key == TK_NAME || key == TK_PH))
				in->keep = 1;
		} else if (depth == 1 && key == TK_NAME &&
			   kept_name(q + i + 1, end - i - 1)) {
			in->keep = 1;
		} else if (depth == 1 && key == TK_PH) {
			/* metadata: its ts is not part of the span */
			in->ev.meta = end - i - 1 == 1 && q[i + 1] == 'M';
		}
		i = end + 1;
		goto after;
	case 't':
		r = skim_lit(q, i, m, "true", &i);
		break;
	case 'f':
		r = skim_lit(q, i, m, "false", &i);
		break;
	case 'n':
		r = skim_lit(q, i, m, "null", &i);
		break;
	default:
		if (c != '-' && !is_digit(c))
			return SK_BAD;
		if (depth == 1 && key != TK_OTHER && key != TK_NAME)
			r = skim_num(q, i, m, &i, key, in);
		else /* the same, with the field code folded away */
			r = skim_num(q, i, m, &i, TK_OTHER, in);
		break;
	}
	if (r != SK_DONE)
		return r;
after:
	if (depth == 0) {
		*len = i;
		return SK_DONE;
	}
	SKIP_WS();
	c = q[i];
	if (c == ',') {
		i++;
		if (inobj)
			goto key_ws;
		goto value;
	}
	if (c == (inobj ? '}' : ']'))
		goto close;
	return SK_BAD;
close:
	depth--;
	inobj = depth > 0 && ((objs >> (depth - 1)) & 1);
	i++;
	goto after;
key_ws:
	SKIP_WS();
key:
	if (q[i] != '"')
		return SK_BAD;
	r = skim_str(q, i + 1, m, &end, &fl);
	if (r != SK_DONE)
		return r;
	if (fl & F_NONASCII)
		in->keep = 1;
	if (depth == 1) {
		key = fl ? TK_OTHER : classify(q + i + 1, end - i - 1);
		in->evlike |= key != TK_OTHER;
		if (fl & F_ESC)
			in->keep = 1; /* might read "name" */
	}
	i = end + 1;
	if (i < m && q[i] == ':') {
		i++;
		goto value;
	}
	SKIP_WS();
	if (q[i] != ':')
		return SK_BAD;
	i++;
	goto value;
}
#undef SKIP_WS

/* ---- the event array ------------------------------------------------ */

/* Brings yajl (only '[' or after an element) to the real state. */
static int events_sync(an_cpuscan *s, uint64_t at)
{
	if (s->estate == E_NEED)
		return synth(s, s->eyajl ? "," : "\"\",", at);
	if (s->estate == E_HAVE && !s->eyajl)
		return synth(s, "\"\"", at);
	return AN_OK;
}

/* Something the skimmer will not judge at `at`: yajl reads the rest. */
static int events_fallback(an_cpuscan *s, uint64_t at)
{
	int rc = events_sync(s, at);

	par_stop(s);
	s->no_skim = 1;
	s->mode = M_GEN;
	return rc;
}

static int events_end(an_cpuscan *s, const uint8_t *bracket, uint64_t at)
{
	int rc = AN_OK;

	if (s->estate == E_HAVE && !s->eyajl)
		rc = synth(s, "\"\"", at);
	if (rc < 0)
		return rc;
	par_stop(s);
	s->mode = M_GEN;
	return yfeed(s, bracket, 1, at);
}

static int element(an_cpuscan *s, const uint8_t *q, size_t len,
		   uint64_t at, const skim_info *in)
{
	int rc;

	s->estate = E_HAVE;
	if (!in->keep) {
		an_scan_event ev = in->ev;
		ev.offset = at + len;
		rc = s->cfg.skipped(s->cfg.payload, &ev);
		if (rc < 0)
			return an__fail(s->err, rc, at + len, "%s",
					rc == AN_ENOMEM ? "out of memory" :
							  an_status_str(rc));
		return AN_OK;
	}
	if (s->eyajl) {
		rc = synth(s, ",", at);
		if (rc < 0)
			return rc;
	}
	s->eyajl = 1;
	s->mode = M_GEN;
	s->in_event = 1;
	rc = run(s, q, len, at, 0);
	if (rc == AN_OK && s->mode == M_INTS)
		rc = ints_handover(s, s->pend_base); /* not for valid JSON */
	s->in_event = 0;
	s->mode = M_EVENTS;
	return rc;
}

/* ---- the event array on several threads ----------------------------- */

/*
 * When the input is one buffer (memory, or a file mapped whole) and the
 * event array is large, the array past its first SEG bytes is cut into
 * pieces of SEG bytes, and other threads skim the pieces while this one
 * reads as before. A piece's thread guesses where its first element
 * starts (a `}` then `,` then `{`, the element after it shaped like a
 * trace event) and skims from there as if it were in the event array,
 * recording what the reader would do: events counted (in batches: each
 * first sight of a thread closes one), and the elements to hand to yajl
 * (their offsets). It stops at the first element starting in the next
 * piece, or at anything it does not follow. When the reader itself comes
 * to an element start at or past a piece's start, it asks for that
 * piece: if the guess is the very element the reader is at, it takes
 * the piece's work over (counts, then each kept element read by yajl at
 * its offset, in file order) and jumps to where the piece stopped; if
 * not, it reads on alone. Skimming depends only on the bytes from an
 * element's start, so a right guess gives what the reader would have
 * found; a wrong one costs only time. A reader waiting for a piece
 * skims a later one meanwhile.
 */

enum { OP_KEEP, OP_THREAD, OP_END };   /* what a piece recorded */
enum { S_FREE, S_RUN, S_DONE };        /* a piece's state */

typedef struct par_op {
	int kind;          /* OP_* */
	uint64_t off;      /* OP_KEEP: the element's offset */
	size_t len;        /* and its length */
	an_scan_batch b;   /* events counted before (with the thread of
			      OP_THREAD) */
} par_op;

typedef struct seg {
	int state;         /* S_*, under par.mu */
	int ok;            /* a start was found and skimmed from */
	uint64_t start;    /* the guessed first element */
	uint64_t stop;     /* where the reader goes on */
	int stop_state;    /* E_NEED: at an element; E_HAVE: after one */
	par_op *ops;
	size_t nops, cap;
} seg;

struct par {
	const uint8_t *p;  /* the whole input */
	size_t n;
	uint64_t first;    /* the first piece's start (the reader's own) */
	uint64_t size;     /* bytes per piece */
	size_t nseg;
	seg *segs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next_claim; /* the first piece nobody took, under mu */
	atomic_int stop;   /* the reader is done with the array */
	pthread_t tids[MAX_WORKERS];
	int nthreads;
	int test;          /* an_scan_cfg.split was set (or fuzzing) */
	size_t nb;         /* the piece the reader asks for next (the
			      reader writes it under mu) */
	int have;          /* reader: segs[nb] is done and was looked at */
};

static uint64_t bound(const par *P, size_t k)
{
	return k < P->nseg ? P->first + (uint64_t)k * P->size : UINT64_MAX;
}

static int seg_push(seg *g, int kind, uint64_t off, size_t len,
		    an_scan_batch *b)
{
	par_op *o;

	if (an__grow((void **)&g->ops, &g->cap, g->nops + 1,
		     sizeof(*g->ops)) < 0)
		return AN_ENOMEM;
	o = &g->ops[g->nops++];
	o->kind = kind;
	o->off = off;
	o->len = len;
	o->b = *b;
	memset(b, 0, sizeof(*b));
	return AN_OK;
}

/* The first element of piece k, guessed: *at, with its skim. */
static int seg_guess(const par *P, size_t k, size_t *at, skim_info *in,
		     size_t *len)
{
	const uint8_t *p = P->p;
	size_t n = P->n, i = (size_t)bound(P, k), j;
	uint64_t e = bound(P, k + 1);
	size_t lim = e < n ? (size_t)e : n;
	int tries;

	for (tries = 0; tries < 64 && i < lim; tries++) {
		const uint8_t *q = memchr(p + i, '}', lim - i);
		if (!q)
			return 0;
		i = (size_t)(q - p) + 1;
		j = i;
		while (j < n && is_ws(p[j]))
			j++;
		if (j >= n || p[j] != ',')
			continue;
		j++;
		while (j < n && is_ws(p[j]))
			j++;
		if (j >= n || p[j] != '{')
			continue;
		if (skim(p + j, n - j, in, len) == SK_DONE && in->evlike) {
			*at = j;
			return 1;
		}
	}
	return 0;
}

/* Skims piece k (any thread) from its guessed start, or from `at` when
 * not 0 (the reader is there): fills segs[k] but its state. */
static void seg_run(par *P, size_t k, uint64_t at)
{
	seg *g = &P->segs[k];
	const uint8_t *p = P->p;
	size_t n = P->n, y, len = 0, j;
	uint64_t e = bound(P, k + 1);
	an_trace_names seen;
	an_scan_batch acc;
	skim_info in;
	int64_t lpid = 0, ltid = 0;
	int lhave = 0, rc = AN_OK;

	g->ok = 0;
	if (at) {
		y = (size_t)at;
		if (skim(p + y, n - y, &in, &len) != SK_DONE)
			return;
	} else if (!seg_guess(P, k, &y, &in, &len)) {
		return;
	}
	g->start = y;
	memset(&acc, 0, sizeof(acc));
	an__tnames_init(&seen);
	for (;;) {
		if (in.keep) {
			rc = seg_push(g, OP_KEEP, y, len, &acc);
		} else {
			/* as on_skipped() and the reader's note_event() */
			const an_scan_event *ev = &in.ev;
			acc.events++;
			acc.offset = y + len;
			if (ev->has_ts && !ev->meta) {
				int64_t end = ev->ts + ev->dur;
				if (!acc.has_time || ev->ts < acc.first_us)
					acc.first_us = ev->ts;
				if (!acc.has_time || end > acc.last_us)
					acc.last_us = end;
				acc.has_time = 1;
			}
			if (!lhave || ev->pid != lpid || ev->tid != ltid) {
				size_t was = seen.n;
				lhave = 1;
				lpid = ev->pid;
				ltid = ev->tid;
				rc = an__tnames_add(&seen, lpid, ltid,
						    AN_HT_NONE);
				if (rc == AN_OK && seen.n != was) {
					acc.has_thread = 1;
					acc.pid = lpid;
					acc.tid = ltid;
					rc = seg_push(g, OP_THREAD, 0, 0, &acc);
				}
			}
		}
		if (rc < 0)
			break;
		/* the next element: after ',' and before the next piece */
		j = y + len;
		g->stop = j;
		g->stop_state = E_HAVE;
		while (j < n && is_ws(p[j]))
			j++;
		if (j >= n || p[j] != ',')
			break;
		j++;
		while (j < n && is_ws(p[j]))
			j++;
		if (j >= n)
			break;
		g->stop = j;
		g->stop_state = E_NEED;
		if (j >= e ||
		    atomic_load_explicit(&P->stop, memory_order_relaxed))
			break;
		if (skim(p + j, n - j, &in, &len) != SK_DONE)
			break;
		y = j;
	}
	if (rc == AN_OK)
		rc = seg_push(g, OP_END, 0, 0, &acc);
	an__tnames_free(&seen);
	g->ok = rc == AN_OK;
}

static void seg_drop(seg *g)
{
	free(g->ops);
	g->ops = NULL;
	g->nops = g->cap = 0;
}

static void *par_main(void *arg)
{
	par *P = arg;

	pthread_mutex_lock(&P->mu);
	while (!atomic_load(&P->stop) && P->next_claim < P->nseg) {
		size_t k;
		if (P->next_claim > P->nb + AHEAD) {
			/* far enough ahead of the reader */
			pthread_cond_wait(&P->cv, &P->mu);
			continue;
		}
		k = P->next_claim++;
		P->segs[k].state = S_RUN;
		pthread_mutex_unlock(&P->mu);
		seg_run(P, k, 0);
		pthread_mutex_lock(&P->mu);
		P->segs[k].state = S_DONE;
		pthread_cond_broadcast(&P->cv);
	}
	pthread_mutex_unlock(&P->mu);
	return NULL;
}

/* Stops and joins the threads (the reader is done with the array). */
static void par_stop(an_cpuscan *s)
{
	par *P = s->par;
	size_t k;
	int t;

	if (!P)
		return;
	pthread_mutex_lock(&P->mu);
	atomic_store(&P->stop, 1);
	P->next_claim = P->nseg;
	pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
	for (t = 0; t < P->nthreads; t++)
		pthread_join(P->tids[t], NULL);
	pthread_cond_destroy(&P->cv);
	pthread_mutex_destroy(&P->mu);
	for (k = 0; k < P->nseg; k++)
		seg_drop(&P->segs[k]);
	free(P->segs);
	free(P);
	s->par = NULL;
	s->par_next = UINT64_MAX;
}

/* The reader enters the event array just before byte `at`: other
 * threads take part when the input is one large buffer (or the tests
 * ask), else nothing changes. */
static void par_start(an_cpuscan *s, uint64_t at)
{
	const uint8_t *w;
	size_t wn, size = s->cfg.split ? s->cfg.split : SEG, nseg;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int workers = cpus > 1 ? (int)(cpus - 1) : 0, t;
	int forced = s->cfg.split != 0;
	par *P;

	if (s->par_tried)
		return;
	s->par_tried = 1;
	if (!s->src || !an__source_whole(&w, &wn, s->src) || at >= wn)
		return;
#if defined(AN_FUZZING)
	/* fuzzing builds: every trace in three pieces, to fuzz them too */
	if (!forced) {
		forced = 1;
		size = (size_t)((wn - at) / 3 + 1);
	}
#endif
	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	if (forced && workers < 1)
		workers = 1;
	if (!workers || (!forced && wn - at < 2 * (uint64_t)size))
		return;
	if ((wn - at) / size >= MAX_SEGS)
		size = (size_t)((wn - at) / (MAX_SEGS - 1)) + 1;
	nseg = (size_t)((wn - at + size - 1) / size);
	if (nseg < 2)
		return;
	P = calloc(1, sizeof(*P));
	if (!P)
		return;
	P->segs = calloc(nseg, sizeof(*P->segs));
	if (!P->segs) {
		free(P);
		return;
	}
	P->p = w;
	P->n = wn;
	P->first = at;
	P->size = size;
	P->nseg = nseg;
	P->next_claim = P->nb = 1;
	P->test = forced;
	atomic_init(&P->stop, 0);
	pthread_mutex_init(&P->mu, NULL);
	pthread_cond_init(&P->cv, NULL);
	s->par = P;
	for (t = 0; t < workers; t++) {
		if (pthread_create(&P->tids[t], NULL, par_main, P) != 0)
			break;
		P->nthreads++;
	}
	if (!P->nthreads) {
		par_stop(s);
		return;
	}
	s->par_next = bound(P, 1);
}

/* Piece k for the reader, at an element starting at x: the piece once
 * done (while waiting, the reader skims a piece nobody took). Nobody
 * took it yet: the reader skims it itself from x, or passes it (NULL)
 * when it ends before x. */
static seg *par_fetch(par *P, size_t k, uint64_t x)
{
	seg *g = NULL;

	pthread_mutex_lock(&P->mu);
	for (;;) {
		if (k >= P->next_claim) {
			P->next_claim = k + 1;
			if (bound(P, k + 1) <= x)
				break;
			P->segs[k].state = S_RUN;
			pthread_mutex_unlock(&P->mu);
			/* the tests have every other piece guessed anyway,
			 * for the guesses to be tried whatever the timing */
			seg_run(P, k, P->test && (k & 1) ? 0 : x);
			pthread_mutex_lock(&P->mu);
			P->segs[k].state = S_DONE;
			g = &P->segs[k];
			break;
		}
		if (P->segs[k].state == S_DONE) {
			g = &P->segs[k];
			break;
		}
		if (P->next_claim < P->nseg) {
			size_t j = P->next_claim++;
			P->segs[j].state = S_RUN;
			pthread_mutex_unlock(&P->mu);
			seg_run(P, j, 0);
			pthread_mutex_lock(&P->mu);
			P->segs[j].state = S_DONE;
			pthread_cond_broadcast(&P->cv);
			continue;
		}
		pthread_cond_wait(&P->cv, &P->mu);
	}
	pthread_mutex_unlock(&P->mu);
	return g;
}

static void par_step(an_cpuscan *s)
{
	par *P = s->par;

	pthread_mutex_lock(&P->mu);
	P->nb++;
	pthread_cond_broadcast(&P->cv);
	pthread_mutex_unlock(&P->mu);
	P->have = 0;
	s->par_next = bound(P, P->nb);
}

/* Does what the reader would have done with the elements of piece g. */
static int par_adopt(an_cpuscan *s, const seg *g)
{
	skim_info kept;
	size_t i;
	int rc;

	memset(&kept, 0, sizeof(kept));
	kept.keep = 1;
	for (i = 0; i < g->nops; i++) {
		const par_op *o = &g->ops[i];
		if (o->b.events || o->b.has_thread) {
			rc = s->cfg.batch(s->cfg.payload, &o->b);
			if (rc < 0)
				return an__fail(s->err, rc, o->b.offset, "%s",
						rc == AN_ENOMEM ?
							"out of memory" :
							an_status_str(rc));
		}
		if (o->kind == OP_KEEP) {
			rc = element(s, s->par->p + o->off, o->len, o->off,
				     &kept);
			if (rc < 0)
				return rc;
		}
	}
	return AN_OK;
}

/* The reader is at an element starting at x (after '['/','), at or past
 * s->par_next: takes over the work of the piece that starts right there,
 * if any (then s->skip_to says where to go on). */
static int par_arrive(an_cpuscan *s, uint64_t x)
{
	par *P = s->par;
	int rc;

	while (s->par && x >= s->par_next) {
		seg *g = &P->segs[P->nb];
		uint64_t stop;
		int state;
		if (!P->have) {
			g = par_fetch(P, P->nb, x);
			if (!g || !g->ok || g->start < x) {
				if (g)
					seg_drop(g);
				par_step(s);
				continue;
			}
			P->have = 1;
			if (g->start > x) {
				/* the reader may come to it */
				s->par_next = g->start;
				return AN_OK;
			}
		}
		if (g->start != x) {
			seg_drop(g);
			par_step(s);
			continue;
		}
		rc = par_adopt(s, g);
		if (s->cfg.adopted)
			(*s->cfg.adopted)++;
		stop = g->stop;
		state = g->stop_state;
		seg_drop(g);
		par_step(s);
		if (rc < 0)
			return rc;
		/* one piece at a time: the reader's source then gives back
		 * the pages read (the next piece is taken at the jump) */
		s->estate = state;
		s->skip_to = stop;
		break;
	}
	return AN_OK;
}

/*
 * The end of a large element: strings, escapes and nesting are followed
 * from p[i] on (resumable), and the bytes go to yajl, which judges them.
 * Returns the index just past the element, or n.
 */
static size_t big_end(an_cpuscan *s, const uint8_t *p, size_t i, size_t n)
{
	while (i < n) {
		uint8_t c;
		if (s->bstr) {
			const uint8_t *qt, *bs;
			if (s->besc) {
				s->besc = 0;
				i++;
				continue;
			}
			qt = memchr(p + i, '"', n - i);
			bs = memchr(p + i, '\\', (qt ? (size_t)(qt - p) : n) - i);
			if (bs) {
				s->besc = 1;
				i = (size_t)(bs - p) + 1;
				continue;
			}
			if (!qt)
				return n;
			s->bstr = 0;
			i = (size_t)(qt - p) + 1;
			if (s->bdepth == 0)
				return i; /* the element was a string */
			continue;
		}
		c = p[i++];
		if (c == '"')
			s->bstr = 1;
		else if (c == '{' || c == '[')
			s->bdepth++;
		else if ((c == '}' || c == ']') && --s->bdepth <= 0)
			return i;
	}
	return n;
}

/* ebuf holds the start of an element too large to skim again and again:
 * yajl reads it (as a kept element) while big_end() finds its end. */
static int big_start(an_cpuscan *s)
{
	size_t end;
	int rc = AN_OK;

	if (s->eyajl)
		rc = synth(s, ",", s->ebuf_base);
	if (rc < 0)
		return rc;
	s->eyajl = 1;
	s->estate = E_HAVE;
	s->bdepth = s->bstr = s->besc = 0;
	end = big_end(s, s->ebuf, 0, s->ebuf_n);
	rc = yfeed(s, s->ebuf, s->ebuf_n, s->ebuf_base);
	s->mode = end < s->ebuf_n || (s->bdepth <= 0 && !s->bstr) ? M_GEN :
								   M_BIG;
	if (s->mode == M_GEN) {
		s->no_skim = 1; /* malformed: skimming ended anyway */
		par_stop(s);
	}
	s->ebuf_n = 0;
	return rc;
}

static int big(an_cpuscan *s, const uint8_t *p, size_t i, size_t n,
	       uint64_t base, size_t *next)
{
	size_t end = big_end(s, p, i, n);

	if (end < n || (s->bdepth <= 0 && !s->bstr))
		s->mode = M_EVENTS;
	*next = end;
	return yfeed(s, p + i, end - i, base + i);
}

/* Continues an element the last chunk cut (in ebuf). */
static int events_resume(an_cpuscan *s, const uint8_t *p, size_t *pi,
			 size_t n)
{
	size_t i = *pi;
	skim_info in;
	int rc;

	for (;;) {
		size_t old = s->ebuf_n, len = 0;
		size_t take = n - i, want = old > 4096 ? old : 4096;
		int r, large;
		if (take > want)
			take = want;
		if (an__grow((void **)&s->ebuf, &s->ebuf_cap, old + take, 1) <
		    0)
			return an__fail(s->err, AN_ENOMEM, s->ebuf_base,
					"out of memory");
		memcpy(s->ebuf + old, p + i, take);
		s->ebuf_n = old + take;
		s->eskimmed += s->ebuf_n;
		r = skim(s->ebuf, s->ebuf_n, &in, &len);
		if (r == SK_DONE) {
			i += len - old;
			s->ebuf_n = 0;
			*pi = i;
			return element(s, s->ebuf, len, s->ebuf_base, &in);
		}
		i += take;
		large = s->ebuf_n >= LARGE || s->eskimmed >= 4 * LARGE;
		if (r == SK_MORE && large && strchr("{[\"", s->ebuf[0])) {
			*pi = i;
			return big_start(s);
		}
		if (r == SK_MORE && !large) {
			if (i < n)
				continue;
			*pi = i;
			return AN_OK;
		}
		/* malformed: yajl reads the element and what follows */
		*pi = i;
		rc = events_fallback(s, s->ebuf_base);
		if (rc == AN_OK)
			rc = run(s, s->ebuf, s->ebuf_n, s->ebuf_base, 0);
		s->ebuf_n = 0;
		return rc;
	}
}

static int events(an_cpuscan *s, const uint8_t *p, size_t i, size_t n,
		  uint64_t base, size_t *next)
{
	skim_info in;
	size_t len = 0;
	int rc, r;

	if (s->ebuf_n) {
		rc = events_resume(s, p, &i, n);
		*next = i;
		if (rc < 0 || s->mode != M_EVENTS)
			return rc;
	}
	while (i < n) {
		uint8_t c = p[i];
		if (is_ws(c)) {
			i++;
			continue;
		}
		if (s->estate == E_HAVE) {
			if (c == ',') {
				s->estate = E_NEED;
				i++;
				continue;
			}
			*next = i + 1;
			if (c == ']')
				return events_end(s, p + i, base + i);
			*next = i;
			return events_fallback(s, base + i);
		}
		if (c == ']' && s->estate == E_START) {
			*next = i + 1;
			return events_end(s, p + i, base + i);
		}
		if (base + i >= s->par_next) {
			rc = par_arrive(s, base + i);
			if (rc < 0)
				return rc;
			if (s->skip_to) {
				*next = n;
				return AN_OK;
			}
		}
		r = skim(p + i, n - i, &in, &len);
		if (r == SK_DONE) {
			rc = element(s, p + i, len, base + i, &in);
			if (rc < 0)
				return rc;
			i += len;
			continue;
		}
		if (r == SK_MORE) {
			if (an__grow((void **)&s->ebuf, &s->ebuf_cap, n - i,
				     1) < 0)
				return an__fail(s->err, AN_ENOMEM, base + i,
						"out of memory");
			memcpy(s->ebuf, p + i, n - i);
			s->ebuf_n = n - i;
			s->eskimmed = 0;
			s->ebuf_base = base + i;
			*next = n;
			return AN_OK;
		}
		*next = i;
		return events_fallback(s, base + i);
	}
	*next = n;
	return AN_OK;
}

/* ---- the driver ----------------------------------------------------- */

static int run_from(an_cpuscan *s, const uint8_t *p, size_t i, size_t n,
		    uint64_t base, int use_tail)
{
	size_t next = 0;
	int rc;

	while (i < n) {
		switch (s->mode) {
		case M_INTS:
			rc = ints(s, p, i, n, base, &next);
			break;
		case M_EVENTS:
			rc = events(s, p, i, n, base, &next);
			break;
		case M_BIG:
			rc = big(s, p, i, n, base, &next);
			break;
		default:
			rc = gen(s, p, i, n, base, use_tail, &next);
			break;
		}
		if (rc < 0)
			return rc;
		i = next;
	}
	return AN_OK;
}

static int run(an_cpuscan *s, const uint8_t *p, size_t n, uint64_t base,
	       int use_tail)
{
	return run_from(s, p, 0, n, base, use_tail);
}

/* Keeps the last bytes of a chunk for candidate(). */
static void note_tail(an_cpuscan *s, const uint8_t *p, size_t n,
		      uint64_t base)
{
	if (n >= TAIL || s->tail_end != base) {
		size_t t = n < TAIL ? n : TAIL;
		memcpy(s->tail, p + n - t, t);
		s->tail_n = t;
	} else {
		size_t keep = TAIL - n < s->tail_n ? TAIL - n : s->tail_n;
		memmove(s->tail, s->tail + s->tail_n - keep, keep);
		memcpy(s->tail + keep, p, n);
		s->tail_n = keep + n;
	}
	s->tail_end = base + n;
}

/* At the end of input: whatever a fast path holds goes to yajl. */
static int flush(an_cpuscan *s)
{
	int rc = AN_OK;

	while (rc == AN_OK && s->mode != M_GEN) {
		if (s->mode == M_BIG) {
			s->mode = M_GEN; /* yajl has it all */
		} else if (s->mode == M_INTS) {
			rc = ints_handover(s, s->pend_base);
		} else if (s->ebuf_n) {
			rc = events_fallback(s, s->ebuf_base);
			if (rc == AN_OK)
				rc = run(s, s->ebuf, s->ebuf_n, s->ebuf_base,
					 0);
			s->ebuf_n = 0;
		} else {
			rc = events_sync(s, s->tail_end);
			s->mode = M_GEN;
		}
	}
	return rc;
}

int an__cpuscan_parse(an_source *src, const an_scan_cfg *cfg, an_error *err)
{
	an_cpuscan *s;
	const uint8_t *chunk = NULL;
	size_t n = 0;
	uint64_t total = 0, base;
	size_t at;
	int rc, bom = 0, started = 0; /* BOM bytes skipped */

	if (cfg->flags & AN_SCAN_PLAIN)
		return an__json_parse(src, cfg->cb, cfg->payload, err);
	s = calloc(1, sizeof(*s));
	if (!s)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	s->cfg = *cfg;
	s->err = err;
	s->src = src;
	s->par_next = UINT64_MAX;
	rc = an__json_new(&s->j, scan_cb, s, err);
	if (rc < 0)
		goto done;
	if (cfg->hook)
		*cfg->hook = s;
	/* the loop of an__json_parse(), BOM and all */
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
		if (!started) {
			s->doc_start = base;
			s->tail_end = base;
			started = 1;
		}
		if (s->skip_to >= base + n)
			continue; /* read by other threads */
		at = s->skip_to ? (size_t)(s->skip_to - base) : 0;
		for (;;) {
			s->skip_to = 0;
			rc = run_from(s, chunk, at, n, base, 1);
			if (rc < 0)
				goto done;
			if (!s->skip_to || s->skip_to >= base + n)
				break;
			at = (size_t)(s->skip_to - base);
		}
		note_tail(s, chunk, n, base);
	}
	s->skip_to = 0;
	par_stop(s);
	if (total == 0) {
		rc = an__fail(err, AN_EFORMAT, 0, "empty input");
		goto done;
	}
	rc = flush(s);
	if (rc < 0)
		goto done;
	rc = an__json_feed(s->j, (const uint8_t *)"", 0, total);
	if (rc < 0)
		goto done;
	rc = an__json_finish(s->j);
done:
	par_stop(s);
	if (cfg->hook)
		*cfg->hook = NULL;
	an__json_free(s->j);
	free(s->ebuf);
	free(s);
	return rc;
}

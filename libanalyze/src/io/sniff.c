/*
 * sniff.c - artifact kind detection from the first bytes. A tiny JSON
 * skimmer records the top-level keys it sees and what the first element
 * of a top-level "nodes" array looks like; no allocation.
 */
#include "analyze/sniff.h"
#include "core/common_int.h"

typedef struct skim {
	const uint8_t *p;   /* cursor */
	const uint8_t *end; /* end of the prefix */
} skim;

enum {
	SEEN_SNAPSHOT = 1 << 0,
	SEEN_NODES = 1 << 1,
	SEEN_EDGES = 1 << 2,
	SEEN_STRINGS = 1 << 3,
	SEEN_SAMPLES = 1 << 4,
	SEEN_TIMEDELTAS = 1 << 5,
	SEEN_STARTTIME = 1 << 6,
	SEEN_TRACEEVENTS = 1 << 7,
	SEEN_HEAD = 1 << 8,
	NODES_OBJECTS = 1 << 9, /* nodes[0] is an object (cpuprofile) */
	NODES_NUMBERS = 1 << 10,/* nodes[0] is a number (heap snapshot) */
	SEEN_SELFSIZE = 1 << 11,/* "selfSize" anywhere (heap profile) */
	SEEN_PH = 1 << 12,      /* "ph" key in an event (trace) */
	SEEN_HITCOUNT = 1 << 13,/* "hitCount" anywhere (legacy cpuprofile) */
	SEEN_STAMPS = 1 << 14   /* "timestamps" (legacy cpuprofile) */
};

static void ws(skim *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' ||
				 *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* Skips a string starting at '"'; returns its body bounds. */
static int str(skim *s, const uint8_t **b, size_t *len)
{
	const uint8_t *start;

	s->p++;
	start = s->p;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\')
			s->p++;
		s->p++;
	}
	if (s->p >= s->end)
		return 0;
	*b = start;
	*len = (size_t)(s->p - start);
	s->p++;
	return 1;
}

static int key_is(const uint8_t *b, size_t len, const char *k)
{
	return strlen(k) == len && memcmp(b, k, len) == 0;
}

static unsigned key_flag(const uint8_t *b, size_t len)
{
	static const struct {
		const char *k;
		unsigned f;
	} keys[] = {{"snapshot", SEEN_SNAPSHOT}, {"nodes", SEEN_NODES},
		    {"edges", SEEN_EDGES},       {"strings", SEEN_STRINGS},
		    {"samples", SEEN_SAMPLES},   {"timeDeltas", SEEN_TIMEDELTAS},
		    {"startTime", SEEN_STARTTIME},
		    {"traceEvents", SEEN_TRACEEVENTS}, {"head", SEEN_HEAD},
		    {"timestamps", SEEN_STAMPS}};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_is(b, len, keys[i].k))
			return keys[i].f;
	return 0;
}

/*
 * Walks the prefix. depth counts containers; keys at depth 1 (inside the
 * top-level object) are recorded. `in_nodes` marks the first value after
 * a top-level "nodes" key's '['.
 */
static unsigned walk(skim *s)
{
	unsigned seen = 0;
	int depth = 0, expect_nodes_elem = 0, top_is_array = 0;
	const uint8_t *b;
	size_t len;

	ws(s);
	if (s->p < s->end && *s->p == '[')
		top_is_array = 1;
	while (s->p < s->end) {
		uint8_t c = *s->p;
		if (c == '{' || c == '[') {
			if (expect_nodes_elem == 2) {
				if (c == '{')
					seen |= NODES_OBJECTS;
				expect_nodes_elem = 0;
			}
			if (expect_nodes_elem == 1)
				expect_nodes_elem = c == '[' ? 2 : 0;
			depth++;
			s->p++;
		} else if (c == '}' || c == ']') {
			depth--;
			expect_nodes_elem = 0;
			s->p++;
		} else if (c == '"') {
			const uint8_t *save;
			if (!str(s, &b, &len))
				break;
			save = s->p;
			ws(s);
			if (s->p < s->end && *s->p == ':') {
				/* a key */
				if (depth == 1 && !top_is_array) {
					unsigned f = key_flag(b, len);
					seen |= f;
					if (f == SEEN_NODES)
						expect_nodes_elem = 1;
				}
				if (key_is(b, len, "selfSize"))
					seen |= SEEN_SELFSIZE;
				if (key_is(b, len, "hitCount"))
					seen |= SEEN_HITCOUNT;
				if (top_is_array && depth == 2 &&
				    key_is(b, len, "ph"))
					seen |= SEEN_PH;
				s->p++;
			} else {
				s->p = save;
				expect_nodes_elem = 0; /* a string value */
			}
		} else if ((c >= '0' && c <= '9') || c == '-') {
			if (expect_nodes_elem == 2)
				seen |= NODES_NUMBERS;
			expect_nodes_elem = 0;
			s->p++;
		} else {
			/* literals (null, true, false) end the wait too;
			 * separators and blanks do not */
			if (c != ',' && c != ':' && c != ' ' && c != '\n' &&
			    c != '\r' && c != '\t')
				expect_nodes_elem = 0;
			s->p++;
		}
		if (depth < 0)
			break;
	}
	if (top_is_array)
		seen |= SEEN_TRACEEVENTS * !!(seen & SEEN_PH);
	return seen;
}

an_kind an_sniff(const uint8_t *data, size_t len)
{
	skim s = {data, data + len};
	unsigned seen;

	/* UTF-8 byte order mark */
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
		s.p += 3;
	ws(&s);
	if (s.p >= s.end || (*s.p != '{' && *s.p != '['))
		return AN_KIND_UNKNOWN;
	seen = walk(&s);
	if (seen & SEEN_TRACEEVENTS)
		return AN_KIND_TRACE;
	if ((seen & SEEN_SNAPSHOT) || (seen & NODES_NUMBERS) ||
	    (seen & (SEEN_EDGES | SEEN_STRINGS)) == (SEEN_EDGES | SEEN_STRINGS))
		return AN_KIND_HEAPSNAPSHOT;
	if ((seen & SEEN_HEAD) && (seen & SEEN_SELFSIZE))
		return AN_KIND_HEAPPROFILE;
	/* the legacy .cpuprofile: a head tree with hitCounts, timestamps */
	if ((seen & SEEN_HEAD) &&
	    (seen & (SEEN_HITCOUNT | SEEN_STAMPS | SEEN_SAMPLES |
		     SEEN_STARTTIME)))
		return AN_KIND_CPUPROFILE;
	if ((seen & NODES_OBJECTS) ||
	    ((seen & SEEN_NODES) &&
	     (seen & (SEEN_SAMPLES | SEEN_TIMEDELTAS | SEEN_STARTTIME))))
		return AN_KIND_CPUPROFILE;
	return AN_KIND_UNKNOWN;
}

int an_source_sniff(an_kind *out, an_source *src, an_error *err)
{
	const uint8_t *data;
	size_t len;
	int rc = an_source_peek(&data, &len, src, AN_SNIFF_BYTES, err);

	*out = AN_KIND_UNKNOWN;
	if (rc < 0)
		return rc;
	*out = an_sniff(data, len);
	return AN_OK;
}

const char *an_kind_name(an_kind kind)
{
	switch (kind) {
	case AN_KIND_CPUPROFILE: return "cpuprofile";
	case AN_KIND_TRACE: return "trace";
	case AN_KIND_HEAPSNAPSHOT: return "heapsnapshot";
	case AN_KIND_HEAPPROFILE: return "heapprofile";
	default: return "unknown";
	}
}

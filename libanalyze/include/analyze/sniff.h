/*
 * sniff.h - tells the kind of a V8 artifact from its content (never from
 * the file name): .cpuprofile, Chrome trace JSON, .heapsnapshot or
 * .heapprofile.
 *
 * Threads: an_sniff() and an_kind_name() may run from any thread;
 * an_source_sniff() uses its source (one thread at a time, source.h).
 */
#ifndef AN_SNIFF_H
#define AN_SNIFF_H

#include "analyze/source.h"

AN_BEGIN_DECL

typedef enum an_kind {
	AN_KIND_UNKNOWN = 0,
	AN_KIND_CPUPROFILE = 1,   /* Profiler.Profile: nodes + samples */
	AN_KIND_TRACE = 2,        /* trace events: array or {traceEvents} */
	AN_KIND_HEAPSNAPSHOT = 3, /* {snapshot, nodes, edges, strings} */
	AN_KIND_HEAPPROFILE = 4   /* sampling heap profile: {head, samples} */
} an_kind;

/* Bytes of the input that an_source_sniff() looks at. */
#define AN_SNIFF_BYTES (64u * 1024u)

/*
 * Classifies a prefix of an artifact. Looks at top-level keys and at the
 * first element of `nodes`; tolerant of key order and of the prefix
 * ending anywhere. Returns AN_KIND_UNKNOWN when undecided.
 */
AN_API an_kind an_sniff(const uint8_t *data, size_t len);

/* Peeks at the first AN_SNIFF_BYTES of `src` and classifies them. */
AN_API int an_source_sniff(an_kind *out, an_source *src, an_error *err);

/* "cpuprofile", "trace", "heapsnapshot", "heapprofile" or "unknown". */
AN_API const char *an_kind_name(an_kind kind);

AN_END_DECL

#endif

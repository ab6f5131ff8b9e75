/*
 * cpuscan_int.h - the fast front end of the CPU profile loaders: it
 * drives the JSON parse of a .cpuprofile or trace in place of
 * an__json_parse() and keeps yajl (json.c) away from the bulk of the
 * bytes, with the loader's event callback (cpuprofile.c) seeing exactly
 * what it would see from a plain parse, at the same byte offsets:
 *
 * - integer arrays (samples, timeDeltas, lines) that the loader opens
 *   and announces with an__cpuscan_opened() are scanned here, straight
 *   into the loader's an_builder; anything but a plain integer in range
 *   goes back to yajl from that value on, which reports it as before;
 * - in a trace's event array, each event is skimmed (validated as
 *   strictly as yajl would) for its top-level name, pid, tid, ts and
 *   dur; only events named as in AN_SCAN_KEEP_NAMES, or that the skimmer
 *   cannot judge (escapes in a name, non-ASCII bytes, very long numbers,
 *   deep nesting), are handed to yajl; the others are reported through
 *   the `skipped` callback, for the trace summary. Malformed JSON makes
 *   the skimmer hand the rest of the input to yajl, which reports it.
 *   When the input is one buffer (memory, or a file mapped whole) and
 *   the event array large, other threads skim pieces of it ahead, and
 *   what they found is taken over in file order (the `batch` callback,
 *   then the kept events) where their guess of an element start proves
 *   right; see cpuscan.c.
 *
 * Nothing is allocated for the caller; the scanner lives for one parse,
 * and its threads are joined before an__cpuscan_parse() returns.
 */
#ifndef AN_CPUSCAN_INT_H
#define AN_CPUSCAN_INT_H

#include "io/json_int.h"
#include "cpu/profile_int.h"

/* Event names whose events are always handed to yajl (the loader reads
 * them); every other event is skipped. A list of string literals. */
#define AN_SCAN_KEEP_NAMES                                                    \
	"Profile", "ProfileChunk", "CpuProfile", "thread_name", "process_name"

/* What an__cpuscan_opened() announces. */
enum an_scan_array {
	AN_SCAN_SAMPLES, /* sample node ids: integers >= 0 */
	AN_SCAN_DELTAS,  /* timeDeltas: integers (fractions go to yajl) */
	AN_SCAN_LINES,   /* per-sample lines: integers in [-1, INT32_MAX] */
	AN_SCAN_EVENTS   /* a trace's event array */
};

/* The top-level fields of a skipped event, as the loader's own callback
 * would have read them: pid/tid when integers, ph, ts/dur when numbers
 * (fractions rounded to the µs; the last valid occurrence wins, and dur
 * only when > 0). Unset fields are 0. */
typedef struct an_scan_event {
	int64_t pid, tid;
	int64_t ts, dur;
	int has_ts;
	int meta;         /* ph is "M" (metadata) */
	uint64_t offset;  /* just past the event's '}' */
} an_scan_event;

/* Counts a skipped event; AN_OK or a negative status (e.g. AN_ENOMEM). */
typedef int (*an_scan_skip_cb)(void *payload, const an_scan_event *ev);

/* Skipped events counted at once (read past by another thread): what
 * the `skipped` callback would have made of them, in file order. */
typedef struct an_scan_batch {
	uint32_t events;     /* how many */
	int has_time;        /* some had a ts and were not metadata: */
	int64_t first_us;    /* the least ts of those */
	int64_t last_us;     /* the greatest ts + dur */
	int has_thread;      /* the last one's (pid, tid) was not seen */
	int64_t pid, tid;    /* before in this batch's part of the file */
	uint64_t offset;     /* just past the last one's '}' */
} an_scan_batch;

/* Counts a batch; AN_OK or a negative status. */
typedef int (*an_scan_batch_cb)(void *payload, const an_scan_batch *b);

typedef struct an_cpuscan an_cpuscan;

enum {
	AN_SCAN_PLAIN = 1 /* no fast paths: every byte through yajl */
};

typedef struct an_scan_cfg {
	an_json_cb cb;           /* the loader's JSON event callback */
	an_scan_skip_cb skipped; /* trace events read past (trace only) */
	an_scan_batch_cb batch;  /* many of them at once (trace only) */
	void *payload;           /* for all three */
	int trace;               /* skim a trace's event array */
	int flags;               /* AN_SCAN_PLAIN */
	size_t split;            /* tests: the event array is cut into
				    pieces of this many bytes, skimmed by
				    other threads whatever its size and
				    the CPUs (0: decided here) */
	size_t *adopted;         /* tests, or NULL: counts the pieces
				    skimmed by other threads and taken */
	an_cpuscan **hook;       /* set to the scanner during the parse */
} an_scan_cfg;

/* Parses the whole source like an__json_parse(). AN_OK or the first
 * error, with the same message and offset as a plain parse. */
AN_HIDDEN int an__cpuscan_parse(an_source *src, const an_scan_cfg *cfg,
				an_error *err);

/* Called by the loader (from its JSON callback, `s` from cfg->hook) right
 * after it opened an array of `kind` at byte `off` - 1, whose values go
 * to `b` (unused for AN_SCAN_EVENTS). */
AN_HIDDEN void an__cpuscan_opened(an_cpuscan *s, int kind, an_builder *b,
				  uint64_t off);

/* Tests: the trace loader with the event array skimmed in pieces of
 * `split` bytes by other threads (an_scan_cfg.split); *adopted (may be
 * NULL) counts the pieces whose work was taken over. */
AN_HIDDEN int an__trace_load_split(an_profile **out, an_source *src,
				   an_trace_summary *summary, size_t split,
				   size_t *adopted, an_error *err);

/* Tests: the loader of cpuprofile.c (trace or not) with every byte
 * through yajl, the reference the fast paths must match. */
AN_HIDDEN int an__profile_load_plain(an_profile **out, an_source *src,
				     int trace, an_trace_summary *summary,
				     an_error *err);

#endif

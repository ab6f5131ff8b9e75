/*
 * cpuprofile.c - loaders for the two CPU profile formats, on the json.c
 * event stream: a .cpuprofile (CDP Profiler.Profile) and Chrome trace JSON
 * (Profile + ProfileChunk events, nodes delta-encoded with `parent`).
 * Both share the node/sample readers, hence one file. Everything read goes
 * into an an_builder; profile.c validates and builds the model.
 */
#include <math.h>
#include <stdio.h>

#include "core/hashtab.h"
#include "core/sort.h"
#include "io/json_int.h"
#include "cpu/trace_int.h"
#include "cpu/cpuscan_int.h"

/* Parser contexts (what the innermost open container is). */
enum ctx {
	C_TOP,       /* the .cpuprofile object */
	C_TRACE_TOP, /* {traceEvents: [...]} */
	C_EVENTS,    /* the event array */
	C_EVENT,     /* one trace event */
	C_ARGS,      /* event.args */
	C_DATA,      /* event.args.data */
	C_CPUPROF,   /* event.args.data.cpuProfile */
	C_NODES,     /* nodes array */
	C_NODE,      /* one node */
	C_CALLFRAME, /* node.callFrame */
	C_KIDS,      /* node.children */
	C_TICKS,     /* node.positionTicks */
	C_TICK,      /* one {line, ticks} */
	C_SAMPLES,   /* samples */
	C_DELTAS,    /* timeDeltas */
	C_LINES,     /* per-sample lines (trace) */
	C_HNODE,     /* a node of a legacy `head` tree */
	C_HKIDS,     /* its children: nested node objects */
	C_STAMPS     /* legacy absolute `timestamps` */
};

enum key {
	K_OTHER, K_NODES, K_START, K_END, K_SAMPLES, K_DELTAS, K_ID,
	K_CALLFRAME, K_FNAME, K_SCRIPTID, K_URL, K_LINENO, K_COLNO,
	K_HITCOUNT, K_CHILDREN, K_POSTICKS, K_LINE, K_TICKS, K_PARENT,
	K_TRACEEVENTS, K_NAME, K_PID, K_ARGS, K_DATA, K_CPUPROFILE, K_LINES,
	K_TID, K_TS, K_DUR, K_SOURCE, K_PH, K_HEAD, K_STAMPS
};

static const char *const key_names[] = {
	"", "nodes", "startTime", "endTime", "samples", "timeDeltas", "id",
	"callFrame", "functionName", "scriptId", "url", "lineNumber",
	"columnNumber", "hitCount", "children", "positionTicks", "line",
	"ticks", "parent", "traceEvents", "name", "pid", "args", "data",
	"cpuProfile", "lines", "tid", "ts", "dur", "source", "ph", "head",
	"timestamps"};

enum evname {
	EV_OTHER, EV_PROFILE, EV_CHUNK, EV_LEGACY, EV_TNAME, EV_PNAME
};

/* JSON nesting is capped at 4096 (json.c); a legacy head tree nests as
 * deep as that */
#define MAX_CTX 4100

typedef an_trace_prof trace_prof;

/* Key of a trace profile: the events' pid and id. */
typedef struct prof_key {
	int64_t pid;
	int64_t id;     /* strtab id of the event id */
} prof_key;

typedef struct reader {
	int trace;               /* reading trace JSON */
	an_strtab strs;          /* all strings */
	an_builder main;         /* .cpuprofile target */
	an_builder *b;           /* where nodes/samples go now */
	uint8_t ctx[MAX_CTX];    /* open contexts */
	int sp;                  /* number of open contexts */
	int skip;                /* depth inside ignored containers */
	int key;                 /* last key in the current object */
	int seen_nodes;          /* a nodes array was found */
	size_t node;             /* current node index in *b */
	int64_t tick_line;       /* current positionTicks entry */
	int64_t tick_ticks;
	uint32_t empty_str;      /* strtab id of "" */
	/* legacy .cpuprofile: a nested `head` tree, absolute timestamps,
	 * startTime/endTime in seconds */
	char topkeys[128];       /* the top-level keys seen, for messages */
	size_t topkeys_n;
	uint32_t ntopkeys, nshown;
	int legacy;              /* a head or timestamps was seen */
	int stamps;              /* deltas hold absolute timestamps */
	uint32_t *hstack;        /* open head nodes (builder indexes) */
	size_t hn, hcap;
	uint32_t *hparent;       /* parent index of each head node */
	size_t hpn, hpcap;
	double top_start, top_end; /* startTime/endTime as written */
	int has_top_start, has_top_end;
	/* trace state */
	an_builder pending;      /* the current event's data */
	int ev_name;             /* enum evname */
	int64_t ev_pid;
	uint32_t ev_id;          /* strtab id */
	int64_t ev_start, ev_end;
	int ev_has_start, ev_has_end;
	int events;              /* events seen */
	int ev_sp;               /* ctx index of the current event */
	int ev_bad;              /* its args held what no profile can */
	int ev_source;           /* enum an_prof_source of args.data */
	int ev_meta;             /* ph is "M" */
	uint32_t ev_argname;     /* args.name (metadata), or AN_HT_NONE */
	char *argname;           /* args.name as read (keys come in any
				    order: kept until the event's name) */
	size_t argname_n, argname_cap;
	int has_argname;
	an_error ev_err;         /* what and where, when ev_bad */
	trace_prof *profs;
	size_t nprofs, cap_profs;
	an_hashtab prof_ix;      /* (pid, id) -> index in profs */
	/* what the trace holds (an_trace_summary) */
	int64_t ev_tid, ev_ts, ev_dur;
	int ev_has_ts;
	uint32_t nprofile_events;
	int has_time;
	int64_t first_ts, last_ts;
	an_trace_names threads;  /* distinct (pid, tid), with names */
	an_trace_names procs;    /* (pid, 0): process names */
	an_cpuscan *scan;        /* the fast scanner, during the parse */
} reader;


static int lookup_key(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (len && key_names[i][0] == s[0] &&
		    strlen(key_names[i]) == len &&
		    memcmp(key_names[i], s, len) == 0)
			return (int)i;
	return K_OTHER;
}

static int push(an_json *j, reader *r, int c)
{
	if (r->sp >= MAX_CTX)
		return an__json_fail(j, AN_ELIMIT, "nesting too deep");
	r->ctx[r->sp++] = (uint8_t)c;
	r->key = K_OTHER;
	return AN_OK;
}

static int is_open(an_json_ev ev)
{
	return ev == AN_JSON_MAP_START || ev == AN_JSON_ARRAY_START;
}

/* Ignores a value: containers are skipped whole. */
static int ignore(reader *r, an_json_ev ev)
{
	if (is_open(ev))
		r->skip = 1;
	return AN_OK;
}

/* Times (µs): integers, or fractional numbers rounded to the µs. */
static int want_time(an_json *j, an_json_ev ev, const an_json_val *v,
		     const char *what, int64_t *out)
{
	if (ev == AN_JSON_INT) {
		*out = v->i;
		return AN_OK;
	}
	if (ev == AN_JSON_DOUBLE && isfinite(v->d) && fabs(v->d) < 9e15) {
		*out = (int64_t)llround(v->d);
		return AN_OK;
	}
	if (ev == AN_JSON_DOUBLE)
		return an__json_fail(j, AN_EFORMAT, "%s %g out of range",
				     what, v->d);
	return an__json_wrong(j, what, "a number of microseconds", ev);
}

static int intern(an_json *j, reader *r, const an_json_val *v, uint32_t *id)
{
	int rc = an__strtab_intern(&r->strs, v->s, v->len, id);

	if (rc < 0)
		return an__json_fail(j, rc, "cannot store string: %s",
				     an_status_str(rc));
	return AN_OK;
}

static int oom(an_json *j, int rc)
{
	return an__json_fail(j, rc, "%s", rc == AN_ELIMIT ?
					     "too many entries" :
					     "out of memory");
}

static int new_node(an_json *j, reader *r)
{
	an_raw_node *n = an__builder_node(r->b, an__json_offset(j) - 1);

	if (!n)
		return oom(j, AN_ENOMEM);
	n->name = n->url = n->script_id = r->empty_str;
	r->node = r->b->node_n - 1;
	return push(j, r, C_NODE);
}

static int in_node(an_json *j, reader *r, an_json_ev ev,
		   const an_json_val *v)
{
	an_raw_node *n = &r->b->nodes[r->node];
	int64_t x = 0;
	int rc;

	switch (r->key) {
	case K_ID:
		rc = an__json_want_int(j, ev, v, "node id", 0, INT64_MAX, &x);
		if (rc == AN_OK)
			n->id = x;
		return rc;
	case K_PARENT:
		rc = an__json_want_int(j, ev, v, "parent id", 0, INT64_MAX, &x);
		if (rc == AN_OK)
			n->parent = x;
		return rc;
	case K_HITCOUNT:
		rc = an__json_want_int(j, ev, v, "hitCount", 0, UINT32_MAX, &x);
		if (rc == AN_OK)
			n->hits = x;
		return rc;
	case K_CALLFRAME:
		if (ev != AN_JSON_MAP_START)
			return an__json_wrong(j, "callFrame", "an object", ev);
		return push(j, r, C_CALLFRAME);
	case K_CHILDREN:
		if (ev != AN_JSON_ARRAY_START)
			return an__json_wrong(j, "children", "an array", ev);
		n->has_kids = 1;
		n->kid_off = (uint32_t)r->b->kid_n;
		return push(j, r, C_KIDS);
	case K_POSTICKS:
		if (ev != AN_JSON_ARRAY_START)
			return an__json_wrong(j, "positionTicks", "an array",
					      ev);
		n->tick_off = (uint32_t)r->b->tick_n;
		return push(j, r, C_TICKS);
	default:
		return ignore(r, ev);
	}
}

static int in_callframe(an_json *j, reader *r, an_json_ev ev,
			const an_json_val *v)
{
	an_raw_node *n = &r->b->nodes[r->node];
	int64_t x = 0;
	int rc;

	switch (r->key) {
	case K_FNAME:
	case K_URL:
		if (ev != AN_JSON_STRING)
			return an__json_wrong(j, key_names[r->key], "a string",
					      ev);
		return intern(j, r, v, r->key == K_FNAME ? &n->name : &n->url);
	case K_SCRIPTID:
		if (ev == AN_JSON_INT) {
			char buf[32];
			an_json_val t = *v;
			int len = snprintf(buf, sizeof(buf), "%lld", v->i);
			t.s = buf;
			t.len = (size_t)len;
			return intern(j, r, &t, &n->script_id);
		}
		if (ev != AN_JSON_STRING)
			return an__json_wrong(j, "scriptId", "a string", ev);
		return intern(j, r, v, &n->script_id);
	case K_LINENO:
	case K_COLNO:
		rc = an__json_want_int(j, ev, v, key_names[r->key], -1,
				       INT32_MAX, &x);
		if (rc < 0)
			return rc;
		if (r->key == K_LINENO)
			n->line = (int32_t)x;
		else
			n->column = (int32_t)x;
		return AN_OK;
	default:
		return ignore(r, ev);
	}
}

/* A node of a legacy `head` tree: nested objects, the callFrame's
 * fields on the node itself (line and column 1-based); `parent` is the index of the node whose
 * children array holds it (AN_HT_NONE for the head). */
static int head_node(an_json *j, reader *r, an_json_ev ev, uint32_t parent)
{
	an_raw_node *n;

	if (ev != AN_JSON_MAP_START)
		return an__json_wrong(j, parent == AN_HT_NONE ? "head" :
						       "each entry of children",
			     "an object", ev);
	if (an__grow((void **)&r->hstack, &r->hcap, r->hn + 1,
		     sizeof(*r->hstack)) < 0 ||
	    an__grow((void **)&r->hparent, &r->hpcap, r->hpn + 1,
		     sizeof(*r->hparent)) < 0)
		return oom(j, AN_ENOMEM);
	n = an__builder_node(r->b, an__json_offset(j) - 1);
	if (!n)
		return oom(j, AN_ENOMEM);
	n->name = n->url = n->script_id = r->empty_str;
	r->node = r->b->node_n - 1;
	r->hparent[r->hpn++] = parent;
	r->hstack[r->hn++] = (uint32_t)r->node;
	return push(j, r, C_HNODE);
}

static int in_head_node(an_json *j, reader *r, an_json_ev ev,
			const an_json_val *v)
{
	switch (r->key) {
	case K_CHILDREN:
		if (ev != AN_JSON_ARRAY_START)
			return an__json_wrong(j, "children", "an array", ev);
		return push(j, r, C_HKIDS);
	case K_LINENO:
	case K_COLNO: {
		/* 1-based here (DevTools subtracts 1); 0 is unknown */
		an_raw_node *n = &r->b->nodes[r->node];
		int64_t x = 0;
		int rc = an__json_want_int(j, ev, v, key_names[r->key], 0,
					   INT32_MAX,
				  &x);
		if (rc < 0)
			return rc;
		if (r->key == K_LINENO)
			n->line = (int32_t)(x - 1);
		else
			n->column = (int32_t)(x - 1);
		return AN_OK;
	}
	case K_FNAME:
	case K_URL:
	case K_SCRIPTID:
		return in_callframe(j, r, ev, v);
	default:
		return in_node(j, r, ev, v);
	}
}

static int in_array(an_json *j, reader *r, int c, an_json_ev ev,
		    const an_json_val *v)
{
	int64_t x = 0;
	int rc;

	switch (c) {
	case C_NODES:
		if (ev != AN_JSON_MAP_START)
			return an__json_wrong(j, "each entry of nodes",
					      "an object", ev);
		return new_node(j, r);
	case C_KIDS:
		rc = an__json_want_int(j, ev, v, "child id", 0, INT64_MAX, &x);
		if (rc == AN_OK) {
			rc = an__builder_kid(r->b, x);
			if (rc < 0)
				return oom(j, rc);
			r->b->nodes[r->node].kid_n++;
		}
		return rc;
	case C_TICKS:
		if (ev != AN_JSON_MAP_START)
			return an__json_wrong(j, "each positionTicks entry",
				     "an object", ev);
		r->tick_line = -1;
		r->tick_ticks = -1;
		return push(j, r, C_TICK);
	case C_SAMPLES:
		rc = an__json_want_int(j, ev, v, "sample node id", 0, INT64_MAX,
				       &x);
		if (rc == AN_OK) {
			rc = an__builder_sample(r->b, x);
			if (rc < 0)
				return oom(j, rc);
		}
		return rc;
	case C_DELTAS:
		rc = want_time(j, ev, v, "timeDeltas entry", &x);
		if (rc == AN_OK) {
			rc = an__builder_delta(r->b, x);
			if (rc < 0)
				return oom(j, rc);
		}
		return rc;
	case C_HKIDS:
		return head_node(j, r, ev, (uint32_t)r->node);
	case C_STAMPS:
		rc = want_time(j, ev, v, "timestamps entry", &x);
		if (rc == AN_OK) {
			rc = an__builder_delta(r->b, x);
			if (rc < 0)
				return oom(j, rc);
		}
		return rc;
	case C_LINES:
		rc = an__json_want_int(j, ev, v, "lines entry", -1, INT32_MAX,
				       &x);
		if (rc == AN_OK) {
			rc = an__builder_line(r->b, (int32_t)x);
			if (rc < 0)
				return oom(j, rc);
		}
		return rc;
	case C_EVENTS:
		if (ev != AN_JSON_MAP_START)
			return ignore(r, ev);
		r->ev_name = EV_OTHER;
		r->ev_pid = 0;
		r->ev_id = r->empty_str;
		r->ev_has_start = r->ev_has_end = 0;
		r->ev_bad = 0;
		r->ev_sp = r->sp;
		r->ev_tid = 0;
		r->ev_has_ts = 0;
		r->ev_dur = 0;
		r->ev_source = AN_SRC_NONE;
		r->ev_meta = 0;
		r->ev_argname = AN_HT_NONE;
		r->has_argname = 0;
		r->events++;
		r->b = &r->pending;
		return push(j, r, C_EVENT);
	default:
		return an__json_fail(j, AN_ERROR, "internal parser state");
	}
}

/* Tells the fast scanner (cpuscan.c) that an array it may read itself
 * has just been opened. */
static int announce(an_json *j, reader *r, int c)
{
	int kind = c == C_SAMPLES ? AN_SCAN_SAMPLES :
		   c == C_DELTAS  ? AN_SCAN_DELTAS :
		   c == C_LINES   ? AN_SCAN_LINES :
		   c == C_EVENTS  ? AN_SCAN_EVENTS : -1;

	if (r->scan && kind >= 0)
		an__cpuscan_opened(r->scan, kind, r->b, an__json_offset(j));
	return AN_OK;
}

/* Arrays shared by the .cpuprofile top level and a trace chunk. */
static int open_array(an_json *j, reader *r, an_json_ev ev, int c,
		      const char *what)
{
	int rc;

	if (ev != AN_JSON_ARRAY_START)
		return an__json_wrong(j, what, "an array", ev);
	if (c == C_NODES) {
		r->seen_nodes = 1;
		if (!r->b->node_n)
			r->b->nodes_offset = an__json_offset(j) - 1;
	} else if (c == C_SAMPLES) {
		r->b->have_samples = 1;
		if (!r->b->samples_offset)
			r->b->samples_offset = an__json_offset(j) - 1;
	} else if (c == C_DELTAS || c == C_STAMPS) {
		if (r->b->have_deltas && (c == C_STAMPS) != r->stamps)
			return an__json_fail(j, AN_EFORMAT,
					     "both timeDeltas and timestamps");
		r->stamps |= c == C_STAMPS;
		r->b->have_deltas = 1;
	}
	rc = push(j, r, c);
	return rc < 0 ? rc : announce(j, r, c);
}

static int is(const an_json_val *v, const char *s)
{
	return v->len == strlen(s) && !memcmp(v->s, s, v->len);
}

static int event_name(const an_json_val *v)
{
	return is(v, "Profile")	     ? EV_PROFILE :
	       is(v, "ProfileChunk") ? EV_CHUNK :
	       is(v, "CpuProfile")   ? EV_LEGACY :
	       is(v, "thread_name")  ? EV_TNAME :
	       is(v, "process_name") ? EV_PNAME :
				       EV_OTHER;
}

/* args.data.source: the ones DevTools knows, else none */
static int source_of(const an_json_val *v)
{
	return is(v, "Internal")      ? AN_SRC_INTERNAL :
	       is(v, "Inspector")     ? AN_SRC_INSPECTOR :
	       is(v, "SelfProfiling") ? AN_SRC_SELF :
					AN_SRC_NONE;
}

/* Keeps args.name until the event's name says whether it names a
 * thread or process (a copy: interned only then). */
static int keep_argname(an_json *j, reader *r, const an_json_val *v)
{
	if (an__grow((void **)&r->argname, &r->argname_cap, v->len + 1, 1) < 0)
		return oom(j, AN_ENOMEM);
	memcpy(r->argname, v->s, v->len);
	r->argname_n = v->len;
	r->has_argname = 1;
	return AN_OK;
}

static int in_map(an_json *j, reader *r, int c, an_json_ev ev,
		  const an_json_val *v)
{
	int64_t x = 0;
	int rc;

	switch (c) {
	case C_TOP:
		switch (r->key) {
		case K_NODES:
			if (r->hpn)
				return an__json_fail(j, AN_EFORMAT,
						     "both nodes and head");
			return open_array(j, r, ev, C_NODES, "nodes");
		case K_HEAD:
			if (r->seen_nodes)
				return an__json_fail(j, AN_EFORMAT,
						     "both nodes and head");
			r->legacy = r->seen_nodes = 1;
			r->b->nodes_offset = an__json_offset(j) - 1;
			return head_node(j, r, ev, AN_HT_NONE);
		case K_STAMPS:
			r->legacy = 1;
			return open_array(j, r, ev, C_STAMPS, "timestamps");
		case K_SAMPLES:
			return open_array(j, r, ev, C_SAMPLES, "samples");
		case K_DELTAS:
			return open_array(j, r, ev, C_DELTAS, "timeDeltas");
		case K_START:
		case K_END:
			rc = want_time(j, ev, v, key_names[r->key], &x);
			if (rc < 0)
				return rc;
			/* as written too: seconds in the legacy format */
			if (r->key == K_START) {
				r->top_start = ev == AN_JSON_INT ? (double)v->i :
								   v->d;
				r->has_top_start = 1;
			} else {
				r->top_end = ev == AN_JSON_INT ? (double)v->i :
								 v->d;
				r->has_top_end = 1;
			}
			if (r->key == K_START) {
				r->b->start_time = x;
				r->b->have_start = 1;
			} else {
				r->b->end_time = x;
				r->b->have_end = 1;
			}
			return AN_OK;
		default:
			return ignore(r, ev);
		}
	case C_TRACE_TOP:
		if (r->key == K_TRACEEVENTS)
			return open_array(j, r, ev, C_EVENTS, "traceEvents");
		return ignore(r, ev);
	case C_EVENT:
		switch (r->key) {
		case K_NAME:
			if (ev == AN_JSON_STRING)
				r->ev_name = event_name(v);
			return ignore(r, ev);
		case K_PH:
			r->ev_meta = ev == AN_JSON_STRING && v->len == 1 &&
				     v->s[0] == 'M';
			return ignore(r, ev);
		case K_PID:
			if (ev == AN_JSON_INT)
				r->ev_pid = v->i;
			return ignore(r, ev);
		case K_TID:
			if (ev == AN_JSON_INT)
				r->ev_tid = v->i;
			return ignore(r, ev);
		case K_TS:
		case K_DUR:
			if ((ev == AN_JSON_INT || ev == AN_JSON_DOUBLE) &&
			    want_time(j, ev, v, key_names[r->key], &x) ==
				    AN_OK) {
				if (r->key == K_TS) {
					r->ev_ts = x;
					r->ev_has_ts = 1;
				} else if (x > 0) {
					r->ev_dur = x;
				}
				return AN_OK;
			}
			an__json_unfail(j);
			return ignore(r, ev);
		case K_ID:
			if (ev == AN_JSON_STRING)
				return intern(j, r, v, &r->ev_id);
			if (ev == AN_JSON_INT) {
				char buf[32];
				an_json_val t = *v;
				t.s = buf;
				t.len = (size_t)snprintf(buf, sizeof(buf),
							 "%lld", v->i);
				return intern(j, r, &t, &r->ev_id);
			}
			return ignore(r, ev);
		case K_ARGS:
			if (ev == AN_JSON_MAP_START)
				return push(j, r, C_ARGS);
			return ignore(r, ev);
		default:
			return ignore(r, ev);
		}
	case C_ARGS:
		if (r->key == K_DATA && ev == AN_JSON_MAP_START)
			return push(j, r, C_DATA);
		if (r->key == K_NAME && ev == AN_JSON_STRING)
			return keep_argname(j, r, v);
		return ignore(r, ev);
	case C_DATA:
	case C_CPUPROF:
		switch (r->key) {
		case K_CPUPROFILE:
			if (c == C_DATA && ev == AN_JSON_MAP_START)
				return push(j, r, C_CPUPROF);
			return ignore(r, ev);
		case K_NODES: return open_array(j, r, ev, C_NODES, "nodes");
		case K_SAMPLES:
			return open_array(j, r, ev, C_SAMPLES, "samples");
		case K_DELTAS:
			return open_array(j, r, ev, C_DELTAS, "timeDeltas");
		case K_LINES: return open_array(j, r, ev, C_LINES, "lines");
		case K_SOURCE:
			if (c == C_DATA && ev == AN_JSON_STRING)
				r->ev_source = source_of(v);
			return ignore(r, ev);
		case K_START:
		case K_END:
			if (ev != AN_JSON_INT && ev != AN_JSON_DOUBLE)
				return ignore(r, ev);
			rc = want_time(j, ev, v, key_names[r->key], &x);
			if (rc < 0)
				return rc;
			if (r->key == K_START) {
				r->ev_start = x;
				r->ev_has_start = 1;
			} else {
				r->ev_end = x;
				r->ev_has_end = 1;
			}
			return AN_OK;
		default:
			return ignore(r, ev);
		}
	case C_NODE:
		return in_node(j, r, ev, v);
	case C_HNODE:
		return in_head_node(j, r, ev, v);
	case C_CALLFRAME:
		return in_callframe(j, r, ev, v);
	case C_TICK:
		if (r->key == K_LINE)
			return an__json_want_int(j, ev, v, "positionTicks line",
						 0,
					UINT32_MAX, &r->tick_line);
		if (r->key == K_TICKS)
			return an__json_want_int(j, ev, v,
						 "positionTicks ticks", 0,
					UINT32_MAX, &r->tick_ticks);
		return ignore(r, ev);
	default:
		return an__json_fail(j, AN_ERROR, "internal parser state");
	}
}

static uint64_t prof_hash(int64_t pid, int64_t id)
{
	return an__trace_key_hash(pid, id);
}

static uint64_t prof_item_hash(uint32_t item, const void *ctx)
{
	const trace_prof *tp = &((const reader *)ctx)->profs[item];

	return prof_hash(tp->pid, tp->id);
}

static int prof_item_eq(uint32_t item, const void *key, const void *ctx)
{
	const trace_prof *tp = &((const reader *)ctx)->profs[item];
	const prof_key *k = key;

	return tp->pid == k->pid && tp->id == k->id;
}

/* Counts the event for the trace summary: its thread and its time. */
static int note_event(reader *r)
{
	if (r->ev_name == EV_PROFILE || r->ev_name == EV_LEGACY)
		r->nprofile_events++;
	/* metadata events (thread and process names) carry ts 0 in
	 * Chrome's traces: not part of the time span */
	if (r->ev_has_ts && !r->ev_meta) {
		int64_t end = r->ev_ts + r->ev_dur;
		if (!r->has_time || r->ev_ts < r->first_ts)
			r->first_ts = r->ev_ts;
		if (!r->has_time || end > r->last_ts)
			r->last_ts = end;
		r->has_time = 1;
	}
	if (r->threads.n >= UINT32_MAX - 2)
		return AN_OK; /* counted up to here */
	if (r->ev_meta && r->ev_argname != AN_HT_NONE &&
	    r->ev_name == EV_PNAME) {
		int rc = an__tnames_add(&r->procs, r->ev_pid, 0, r->ev_argname);
		if (rc < 0)
			return rc;
	}
	return an__tnames_add(&r->threads, r->ev_pid, r->ev_tid,
			      r->ev_meta && r->ev_name == EV_TNAME ?
				      r->ev_argname :
				      AN_HT_NONE);
}

static int cmp_thread_pid(uint32_t a, uint32_t b, const void *ctx)
{
	const struct an_tname *t = ctx;

	return t[a].pid < t[b].pid ? -1 : t[a].pid > t[b].pid;
}

/* Fills the caller's summary from what the reader counted. */
static int summarise(const reader *r, an_trace_summary *s)
{
	uint32_t *v, *tmp, i;
	size_t n = r->threads.n;

	s->processes = 0;
	s->events = (uint64_t)r->events;
	s->threads = (uint32_t)n;
	s->profiles = r->nprofile_events;
	s->has_time = r->has_time;
	s->first_us = r->first_ts;
	s->last_us = r->last_ts;
	if (!n)
		return AN_OK;
	v = an__calloc(n, sizeof(*v));
	tmp = an__calloc(n, sizeof(*tmp));
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return AN_ENOMEM;
	}
	for (i = 0; i < n; i++)
		v[i] = i;
	an__sort_keys(v, tmp, n, cmp_thread_pid, r->threads.v);
	for (i = 0; i < n; i++)
		if (i == 0 ||
		    r->threads.v[v[i]].pid != r->threads.v[v[i - 1]].pid)
			s->processes++;
	free(v);
	free(tmp);
	return AN_OK;
}

/* The profile of (pid, id), or NULL: a hash lookup, since every event
 * asks (a linear scan made many Profile ids quadratic). */
static trace_prof *find_prof(reader *r, int64_t pid, uint32_t id)
{
	prof_key k = {pid, id};
	uint32_t i = an__ht_find(&r->prof_ix, prof_hash(pid, id), &k);

	return i == AN_HT_NONE ? NULL : &r->profs[i];
}

/* Appends n "no line" entries (0) to b's per-sample lines. */
static int zero_lines(an_builder *b, size_t n)
{
	int rc;

	while (n--) {
		rc = an__builder_line(b, 0);
		if (rc < 0)
			return rc;
	}
	return AN_OK;
}

/*
 * Per-sample `lines` are optional per chunk: DevTools' SamplesHandler
 * takes a chunk without them as all zeros (no line) for its samples. So
 * once any chunk has lines, the samples of the chunks without them get
 * zeros, before (earlier chunks) or after (this one) as needed; a trace
 * without any lines keeps none.
 */
static int pad_lines(trace_prof *tp, an_builder *chunk)
{
	if (chunk->line_n) {
		if (tp->b.line_n < tp->b.sample_n)
			return zero_lines(&tp->b,
					  tp->b.sample_n - tp->b.line_n);
		return AN_OK;
	}
	if (tp->b.line_n && chunk->sample_n)
		return zero_lines(chunk, chunk->sample_n);
	return AN_OK;
}

/* A new profile for (pid, id); legacy ones are not looked up again. */
static trace_prof *new_prof(an_json *j, reader *r, int legacy)
{
	prof_key k = {r->ev_pid, r->ev_id};
	trace_prof *tp;
	uint32_t at;
	int rc;

	if (r->nprofs >= UINT32_MAX - 1) {
		oom(j, AN_ELIMIT);
		return NULL;
	}
	if (an__grow((void **)&r->profs, &r->cap_profs, r->nprofs + 1,
		     sizeof(*r->profs)) < 0) {
		oom(j, AN_ENOMEM);
		return NULL;
	}
	tp = &r->profs[r->nprofs];
	memset(tp, 0, sizeof(*tp));
	tp->pid = r->ev_pid;
	tp->id = r->ev_id;
	tp->legacy = legacy;
	an__builder_init(&tp->b, &r->strs);
	if (!legacy) {
		rc = an__ht_add(&r->prof_ix, prof_hash(k.pid, k.id), &k,
				(uint32_t)r->nprofs, &at);
		if (rc < 0) {
			oom(j, rc);
			return NULL;
		}
	}
	r->nprofs++;
	return tp;
}

/*
 * The end of a trace event. As DevTools' SamplesHandler: Profile and
 * ProfileChunk events of one (pid, id) make one profile, whichever comes
 * first; the Profile event names its thread (tid) and start; a known
 * args.data.source is remembered. A legacy CpuProfile event is a whole
 * profile of its thread on its own.
 */
static int end_event(an_json *j, reader *r)
{
	trace_prof *tp = NULL;
	int rc;

	if (r->ev_meta && r->has_argname &&
	    (r->ev_name == EV_TNAME || r->ev_name == EV_PNAME)) {
		rc = an__strtab_intern(&r->strs, r->argname, r->argname_n,
				       &r->ev_argname);
		if (rc < 0)
			return oom(j, rc);
	}
	rc = note_event(r);
	if (rc < 0)
		return oom(j, rc);
	if (r->ev_bad && (r->ev_name == EV_PROFILE || r->ev_name == EV_CHUNK ||
			  r->ev_name == EV_LEGACY))
		return an__json_fail_at(j, r->ev_err.code, r->ev_err.offset,
					"%s", r->ev_err.message);
	if (r->ev_name == EV_PROFILE || r->ev_name == EV_CHUNK) {
		tp = find_prof(r, r->ev_pid, r->ev_id);
		if (!tp && !(tp = new_prof(j, r, 0)))
			return AN_ENOMEM;
	} else if (r->ev_name == EV_LEGACY) {
		if (!(tp = new_prof(j, r, 1)))
			return AN_ENOMEM;
	}
	if (tp && r->ev_name != EV_CHUNK) {
		tp->tid = r->ev_tid;
		tp->has_tid = 1;
	}
	if (tp && r->ev_source != AN_SRC_NONE)
		tp->source = r->ev_source;
	if (tp && r->ev_name != EV_CHUNK && r->ev_has_start) {
		tp->b.start_time = r->ev_start;
		tp->b.have_start = 1;
	}
	if (tp && r->ev_name != EV_PROFILE && r->ev_has_end) {
		tp->b.end_time = r->ev_end;
		tp->b.have_end = 1;
	}
	if (tp && r->ev_name == EV_CHUNK) {
		rc = pad_lines(tp, &r->pending);
		if (rc < 0)
			return oom(j, rc);
	}
	if (tp) {
		if (!tp->b.nodes_offset)
			tp->b.nodes_offset = r->pending.nodes_offset;
		if (!tp->b.samples_offset)
			tp->b.samples_offset = r->pending.samples_offset;
		rc = an__builder_append(&tp->b, &r->pending);
		if (rc < 0)
			return oom(j, rc);
	}
	/* drop whatever a non-profile event carried */
	r->pending.node_n = r->pending.kid_n = r->pending.tick_n = 0;
	r->pending.sample_n = r->pending.delta_n = r->pending.line_n = 0;
	r->pending.have_samples = r->pending.have_deltas = 0;
	r->pending.nodes_offset = r->pending.samples_offset = 0;
	r->b = &r->main;
	return AN_OK;
}

static int close_ctx(an_json *j, reader *r)
{
	int c = r->ctx[--r->sp];
	int rc;

	r->key = K_OTHER;
	if (c == C_TICK) {
		if (r->tick_line < 0 || r->tick_ticks < 0)
			return an__json_fail(j, AN_EFORMAT,
					     "positionTicks entry needs line "
					     "and ticks");
		rc = an__builder_tick(r->b, (uint32_t)r->tick_line,
				      (uint32_t)r->tick_ticks);
		if (rc < 0)
			return oom(j, rc);
		r->b->nodes[r->node].tick_n++;
	} else if (c == C_EVENT) {
		return end_event(j, r);
	} else if (c == C_HNODE) {
		if (--r->hn)
			r->node = r->hstack[r->hn - 1];
	}
	return AN_OK;
}

/*
 * A trace event's args failed to read as profile data, but the event's
 * name may not be known yet (keys come in any order) and most events are
 * not profiles: Chrome's UpdateCounters, for one, has an integer
 * args.data.nodes. Keep the first failure, skip the rest of the event's
 * args, and report it only if the event turns out to be a Profile or
 * ProfileChunk (end_event).
 */
static int defer(an_json *j, reader *r, an_json_ev ev, int code)
{
	an_error *e = an__json_err(j);
	int open = r->sp - (r->ev_sp + 1);

	if (e) {
		r->ev_err = *e;
	} else {
		an_error_clear(&r->ev_err);
		r->ev_err.code = code;
		r->ev_err.offset = an__json_offset(j);
	}
	r->ev_err.code = code;
	an__json_unfail(j);
	r->ev_bad = 1;
	/* the failing value's own container, if it opened one, was not
	 * pushed: skip it along with everything open above the event */
	r->skip = open + (is_open(ev) ? 1 : 0);
	r->sp = r->ev_sp + 1;
	r->key = K_OTHER;
	return AN_OK;
}

/* 1 while reading the args of a trace event not yet known to be a
 * profile event. */
static int deferrable(const reader *r)
{
	return r->trace && r->b == &r->pending && r->ev_name == EV_OTHER &&
	       r->sp > r->ev_sp + 1;
}

/* Remembers a top-level key of a .cpuprofile for the message that says
 * what the object is when it is not a profile: printable ASCII, at most
 * 24 bytes of each, as many keys as fit. */
static void note_topkey(reader *r, const an_json_val *v)
{
	size_t i, n = v->len < 24 ? v->len : 24;
	char *o = r->topkeys + r->topkeys_n;

	r->ntopkeys++;
	if (r->topkeys_n + n + 8 >= sizeof(r->topkeys))
		return;
	if (r->topkeys_n) {
		*o++ = ',';
		*o++ = ' ';
	}
	*o++ = '"';
	for (i = 0; i < n; i++)
		*o++ = v->s[i] >= 0x20 && v->s[i] < 0x7f ? v->s[i] : '?';
	if (n < v->len) {
		*o++ = '.';
		*o++ = '.';
	}
	*o++ = '"';
	*o = '\0';
	r->topkeys_n = (size_t)(o - r->topkeys);
	r->nshown++;
}

static int on_event(an_json *j, an_json_ev ev, const an_json_val *v,
		    void *payload)
{
	reader *r = payload;
	int c, rc;

	if (r->skip) {
		if (is_open(ev))
			r->skip++;
		else if (ev == AN_JSON_MAP_END || ev == AN_JSON_ARRAY_END)
			r->skip--;
		return AN_OK;
	}
	if (ev == AN_JSON_KEY) {
		r->key = lookup_key(v->s, v->len);
		if (r->sp == 1 && !r->trace)
			note_topkey(r, v);
		return AN_OK;
	}
	if (ev == AN_JSON_MAP_END || ev == AN_JSON_ARRAY_END) {
		int in_args;
		if (!r->sp)
			return AN_OK;
		in_args = deferrable(r);
		rc = close_ctx(j, r);
		return rc < 0 && in_args ? defer(j, r, ev, rc) : rc;
	}
	if (r->sp == 0) {
		if (an__json_depth(j) > 0)
			return ignore(r, ev); /* after the top value: n/a */
		if (!r->trace) {
			if (ev != AN_JSON_MAP_START)
				return an__json_fail(j, AN_EFORMAT,
						     "not a CPU profile: "
						     "expected a JSON object, "
						     "found %s",
						     an__json_ev_type(ev));
			return push(j, r, C_TOP);
		}
		if (ev == AN_JSON_MAP_START)
			return push(j, r, C_TRACE_TOP);
		if (ev == AN_JSON_ARRAY_START) {
			rc = push(j, r, C_EVENTS);
			return rc < 0 ? rc : announce(j, r, C_EVENTS);
		}
		return an__json_fail(j, AN_EFORMAT,
				     "not a trace: expected an object or "
				     "array, found %s", an__json_ev_type(ev));
	}
	c = r->ctx[r->sp - 1];
	switch (c) {
	case C_NODES:
	case C_KIDS:
	case C_TICKS:
	case C_SAMPLES:
	case C_DELTAS:
	case C_LINES:
	case C_EVENTS:
	case C_HKIDS:
	case C_STAMPS:
		rc = in_array(j, r, c, ev, v);
		break;
	default:
		rc = in_map(j, r, c, ev, v);
		break;
	}
	if (rc < 0 && deferrable(r))
		return defer(j, r, ev, rc);
	return rc;
}

/* An event the skimmer (cpuscan.c) read past: it counts in the summary
 * as end_event() would count it. */
static int on_skipped(void *payload, const an_scan_event *e)
{
	reader *r = payload;

	r->events++;
	r->ev_name = EV_OTHER;
	r->ev_pid = e->pid;
	r->ev_tid = e->tid;
	r->ev_ts = e->ts;
	r->ev_has_ts = e->has_ts;
	r->ev_dur = e->dur;
	r->ev_meta = e->meta;
	r->ev_argname = AN_HT_NONE;
	return note_event(r);
}

/* Events another thread read past: counted as on_skipped() would have
 * counted them one by one (times are a least and a greatest, so only
 * the threads' first-seen order needs the batches in file order). */
static int on_batch(void *payload, const an_scan_batch *b)
{
	reader *r = payload;

	r->events += (int)b->events;
	if (b->has_time) {
		if (!r->has_time || b->first_us < r->first_ts)
			r->first_ts = b->first_us;
		if (!r->has_time || b->last_us > r->last_ts)
			r->last_ts = b->last_us;
		r->has_time = 1;
	}
	if (!b->has_thread || r->threads.n >= UINT32_MAX - 2)
		return AN_OK;
	return an__tnames_add(&r->threads, b->pid, b->tid, AN_HT_NONE);
}

static void reader_free(reader *r)
{
	size_t i;

	for (i = 0; i < r->nprofs; i++)
		an__builder_free(&r->profs[i].b);
	free(r->profs);
	an__ht_free(&r->prof_ix);
	an__tnames_free(&r->threads);
	an__tnames_free(&r->procs);
	free(r->argname);
	free(r->hstack);
	free(r->hparent);
	an__builder_free(&r->pending);
	an__builder_free(&r->main);
	an__strtab_free(&r->strs);
}

/* Seconds as written (legacy startTime/endTime) to µs. */
static int seconds_us(double sec, int64_t *us)
{
	double x = sec * 1e6;

	if (!isfinite(x) || fabs(x) >= 9e15)
		return AN_ELIMIT;
	*us = (int64_t)llround(x);
	return AN_OK;
}

/*
 * The legacy .cpuprofile (Node <= 10, Chrome <= 57): a nested `head`
 * tree (parents from the nesting), startTime/endTime in seconds and
 * absolute `timestamps` in µs. As DevTools reads it: the timestamps are
 * the sample times; startTime/endTime only weigh hits.
 */
static int finish_legacy(reader *r, an_error *err)
{
	an_builder *b = &r->main;
	size_t i, n = b->delta_n;
	int64_t prev;

	for (i = 1; i < b->node_n && i < r->hpn; i++)
		if (r->hparent[i] != AN_HT_NONE)
			b->nodes[i].parent = b->nodes[r->hparent[i]].id;
	if (!r->stamps) {
		if (r->has_top_start &&
		    seconds_us(r->top_start, &b->start_time) < 0)
			return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
					"startTime %g s out of range",
					r->top_start);
		if (r->has_top_end &&
		    seconds_us(r->top_end, &b->end_time) < 0)
			return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
					"endTime %g s out of range",
					r->top_end);
		return AN_OK;
	}
	b->start_time = n ? b->deltas[0] : 0;
	b->end_time = n ? b->deltas[n - 1] : b->start_time;
	b->have_end = 1;
	if (r->has_top_start &&
	    seconds_us(r->top_start, &b->start_time) < 0)
		return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
				"startTime %g s out of range", r->top_start);
	if (r->has_top_end && seconds_us(r->top_end, &b->end_time) < 0)
		return an__fail(err, AN_EFORMAT, AN_NO_OFFSET,
				"endTime %g s out of range", r->top_end);
	prev = b->start_time;
	for (i = 0; i < n; i++) {
		int64_t t = b->deltas[i];
		if ((prev < 0 && t > INT64_MAX + prev) ||
		    (prev > 0 && t < INT64_MIN + prev))
			return an__fail(err, AN_ELIMIT, b->samples_offset,
					"timestamps entry %zu too far from "
					"the one before",
					i);
		b->deltas[i] = t - prev;
		prev = t;
	}
	return AN_OK;
}

/* "P:T, P:T (and N more)" of the usable profiles, for messages. */
static void list_threads(char *buf, size_t cap, const an_trace_summary *s)
{
	size_t at = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < s->count && i < 8 && at < cap; i++)
		at += (size_t)snprintf(buf + at, cap - at, "%s%lld:%lld",
				       i ? ", " : "",
				       (long long)s->list[i].pid,
				       (long long)s->list[i].tid);
	if (i < s->count && at < cap)
		snprintf(buf + at, cap - at, " and %u more", s->count - i);
}

/* Which builder of a trace to finish: the picked thread's or the
 * default; fills the summary's profile list. */
static int choose(an_builder **out, reader *r, an_trace_summary *sum,
		  const an__pick *pick, an_error *err)
{
	uint32_t *chosen = NULL, n = 0, ignored = 0, i, k = AN_NONE;
	char list[256];
	int rc;

	*out = NULL;
	rc = an__trace_choose(&chosen, &n, &ignored, r->profs, r->nprofs);
	if (rc == AN_OK)
		rc = an__trace_describe(sum, r->profs, chosen, n, &r->strs,
					&r->threads, &r->procs);
	if (rc < 0) {
		free(chosen);
		return an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	}
	sum->ignored = ignored;
	if (!r->nprofs)
		rc = an__fail(err, AN_EFORMAT, 0,
			      "trace has no CPU profile (no Profile events "
			      "among %d events); record one with the trace "
			      "category disabled-by-default-v8.cpu_profiler, "
			      "or use node --cpu-prof",
			      r->events);
	else if (!n)
		rc = an__fail(err, AN_EFORMAT, 0,
			      "trace has %zu CPU profiles but none to show: "
			      "no Profile event names a thread for them, or "
			      "they have no nodes",
			      r->nprofs);
	if (rc < 0)
		goto done;
	if (pick && pick->on) {
		for (i = 0; i < n && k == AN_NONE; i++)
			if (sum->list[i].pid == pick->pid &&
			    sum->list[i].tid == pick->tid)
				k = i;
		if (k == AN_NONE) {
			list_threads(list, sizeof(list), sum);
			rc = an__fail(err, AN_ENOTFOUND, AN_NO_OFFSET,
				      "no CPU profile of thread %lld:%lld; "
				      "the trace has %s",
				      (long long)pick->pid,
				      (long long)pick->tid, list);
			goto done;
		}
	} else {
		k = sum->dflt;
	}
	sum->loaded = k;
	*out = &r->profs[chosen[k]].b;
done:
	free(chosen);
	return rc;
}

static int load(an_profile **out, an_source *src, int trace,
		an_trace_summary *summary, const an__pick *pick,
		int scan_flags, size_t split, size_t *adopted, an_error *err)
{
	reader r;
	an_scan_cfg scan = {on_event, on_skipped, on_batch, NULL, 0, 0, 0,
			    NULL, NULL};
	an_builder *b = NULL;
	an_trace_summary sum;
	int rc, summed = 0;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	memset(&sum, 0, sizeof(sum));
	sum.dflt = sum.loaded = AN_NONE;
	r.trace = trace;
	an__strtab_init(&r.strs);
	an__builder_init(&r.main, &r.strs);
	an__builder_init(&r.pending, &r.strs);
	r.b = &r.main;
	an__ht_init(&r.prof_ix, prof_item_hash, prof_item_eq, &r);
	an__tnames_init(&r.threads);
	an__tnames_init(&r.procs);
	rc = an__strtab_intern(&r.strs, "", 0, &r.empty_str);
	if (rc < 0) {
		an__fail(err, rc, AN_NO_OFFSET, "out of memory");
		goto done;
	}
	scan.payload = &r;
	scan.trace = trace;
	scan.flags = scan_flags;
	scan.split = split;
	scan.adopted = adopted;
	scan.hook = &r.scan;
	rc = an__cpuscan_parse(src, &scan, err);
	if (rc < 0)
		goto done;
	if (!trace) {
		b = &r.main;
		if (!r.seen_nodes && !r.ntopkeys) {
			rc = an__fail(err, AN_EFORMAT, 0,
				      "not a CPU profile: no \"nodes\" array "
				      "(an empty object)");
			goto done;
		}
		if (!r.seen_nodes) {
			rc = an__fail(err, AN_EFORMAT, 0,
				      "not a CPU profile: no \"nodes\" array "
				      "(%u top-level key%s: %s%s)",
				      r.ntopkeys, r.ntopkeys == 1 ? "" : "s",
				      r.topkeys,
				      r.nshown < r.ntopkeys ? ", ..." : "");
			goto done;
		}
		if (pick && pick->on && (pick->pid != 1 || pick->tid != 1)) {
			rc = an__fail(err, AN_ENOTFOUND, AN_NO_OFFSET,
				      "no CPU profile of thread %lld:%lld: "
				      "a .cpuprofile holds one, thread 1:1",
				      (long long)pick->pid,
				      (long long)pick->tid);
			goto done;
		}
		if (r.legacy) {
			rc = finish_legacy(&r, err);
			if (rc < 0)
				goto done;
		}
	} else {
		rc = summarise(&r, &sum);
		summed = 1;
		if (rc < 0) {
			an__fail(err, rc, AN_NO_OFFSET, "out of memory");
			goto done;
		}
		rc = choose(&b, &r, &sum, pick, err);
		if (rc < 0)
			goto done;
		rc = an__builder_adopt_orphans(b);
		if (rc < 0) {
			an__fail(err, rc, AN_NO_OFFSET, "%s",
				 rc == AN_ENOMEM ? "out of memory" :
						   "too many node ids");
			goto done;
		}
	}
	rc = an__profile_finish(out, b, trace ? AN_KIND_TRACE :
						AN_KIND_CPUPROFILE,
				&r.strs, err);
	if (rc == AN_OK && trace) {
		(*out)->has_thread = 1;
		(*out)->pid = sum.list[sum.loaded].pid;
		(*out)->tid = sum.list[sum.loaded].tid;
	}
done:
	/* a failed parse still says what it read */
	if (trace && !summed && summarise(&r, &sum) < 0 && rc == AN_OK) {
		an_profile_free(*out);
		*out = NULL;
		rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	if (summary)
		*summary = sum;
	else
		an_trace_summary_free(&sum);
	reader_free(&r);
	return rc;
}

int an__cpuprofile_load(an_profile **out, an_source *src,
			const an__pick *pick, an_error *err)
{
	return load(out, src, 0, NULL, pick, 0, 0, NULL, err);
}

int an__trace_load(an_profile **out, an_source *src,
		   an_trace_summary *summary, const an__pick *pick,
		   an_error *err)
{
	return load(out, src, 1, summary, pick, 0, 0, NULL, err);
}

int an__trace_load_split(an_profile **out, an_source *src,
			 an_trace_summary *summary, size_t split,
			 size_t *adopted, an_error *err)
{
	return load(out, src, 1, summary, NULL, 0, split, adopted, err);
}

int an__profile_load_plain(an_profile **out, an_source *src, int trace,
			   an_trace_summary *summary, an_error *err)
{
	return load(out, src, trace, summary, NULL, AN_SCAN_PLAIN, 0, NULL,
		    err);
}

/*
 * heapprofile.c - the .heapprofile loader (sampling heap profiler:
 * `node --heap-prof`, DevTools' "Allocation sampling", CDP
 * HeapProfiler.SamplingHeapProfile) into the profile model, with bytes
 * as the weights: a node's hitCount is its selfSize (issue 10).
 *
 * Format: {"head": NODE, "samples": [{"size", "nodeId", "ordinal"}]},
 * NODE = {"callFrame": {functionName, scriptId, url, lineNumber,
 * columnNumber}, "selfSize", "id", "children": [NODE...]}. The tree is
 * nested, so a node's parent is the node whose children array holds it
 * (the builder's parent ids, as trace nodes have). Key order is free.
 *
 * As DevTools' SamplingHeapProfileModel, sizes come from the tree's
 * selfSize; samples are counted and checked, not summed (V8 writes
 * samples whose node is not in the tree, and per node they need not add
 * up to selfSize: both seen in node 20's output; DevTools ignores them).
 */
#include <stdio.h>

#include "cpu/profile_int.h"
#include "io/json_int.h"

#define MAX_CTX 4100 /* above json.c's depth limit */
#define EXACT (UINT64_C(1) << 53) /* bytes exact as doubles */

/* What an open JSON container is. */
enum { C_TOP, C_NODE, C_FRAME, C_KIDS, C_SAMPLES, C_SAMPLE, C_SKIP };

/* The keys this loader knows. */
enum {
	K_OTHER, K_HEAD, K_SAMPLES, K_CALLFRAME, K_SELFSIZE, K_ID, K_CHILDREN,
	K_FNAME, K_SCRIPTID, K_URL, K_LINE, K_COLUMN, K_SIZE, K_NODEID,
	K_ORDINAL
};

static const char *const key_names[] = {
	"", "head", "samples", "callFrame", "selfSize", "id", "children",
	"functionName", "scriptId", "url", "lineNumber", "columnNumber",
	"size", "nodeId", "ordinal"
};

typedef struct ctx {
	uint8_t kind;    /* C_* */
	uint8_t key;     /* K_* of the member being read (maps) */
	uint32_t node;   /* C_NODE, C_FRAME, C_KIDS: its node */
} ctx;

typedef struct reader {
	an_builder b;
	an_strtab strs;
	uint32_t empty_str;   /* strtab id of "" */
	ctx stack[MAX_CTX];
	unsigned sp;
	unsigned skip;        /* depth inside a skipped value */
	uint32_t *parent;     /* per node: parent's index, AN_NONE: root */
	size_t parent_cap;
	int64_t *sample_ids;  /* nodeId per sample */
	size_t sample_n, sample_cap;
	int64_t s_size, s_node; /* the sample being read (-1: absent) */
	int seen_head;
	uint64_t total;       /* sum of selfSize */
} reader;

static int lookup_key(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (strlen(key_names[i]) == len &&
		    memcmp(key_names[i], s, len) == 0)
			return (int)i;
	return K_OTHER;
}

static int push(an_json *j, reader *r, int kind, uint32_t node)
{
	if (r->sp >= MAX_CTX)
		return an__json_fail(j, AN_ELIMIT, "nesting too deep");
	r->stack[r->sp].kind = (uint8_t)kind;
	r->stack[r->sp].key = K_OTHER;
	r->stack[r->sp].node = node;
	r->sp++;
	return AN_OK;
}

/* A node object opens; `parent` is its parent's index or AN_NONE. */
static int new_node(an_json *j, reader *r, uint32_t parent)
{
	an_raw_node *n = an__builder_node(&r->b, an__json_offset(j) - 1);
	uint32_t i;

	if (!n || an__grow((void **)&r->parent, &r->parent_cap,
			   r->b.node_n, sizeof(*r->parent)) < 0)
		return an__json_fail(j, AN_ENOMEM, "out of memory");
	n->name = n->url = n->script_id = r->empty_str;
	i = (uint32_t)(r->b.node_n - 1);
	r->parent[i] = parent;
	return push(j, r, C_NODE, i);
}

/* Where a container opening in the current member goes. */
static int open_value(an_json *j, reader *r, an_json_ev ev)
{
	int map = ev == AN_JSON_MAP_START;
	ctx *c;

	if (r->sp == 0) {
		if (!map)
			return an__json_fail(j, AN_EFORMAT,
					     "not a heap profile: the input "
					     "is an array, not an object");
		return push(j, r, C_TOP, AN_NONE);
	}
	c = &r->stack[r->sp - 1];
	switch (c->kind) {
	case C_TOP:
		if (c->key == K_HEAD) {
			if (!map)
				return an__json_wrong(j, "head", "an object",
						      ev);
			r->seen_head = 1;
			return new_node(j, r, AN_NONE);
		}
		if (c->key == K_SAMPLES) {
			if (map)
				return an__json_wrong(j, "samples", "an array",
						      ev);
			return push(j, r, C_SAMPLES, AN_NONE);
		}
		break;
	case C_NODE:
		if (c->key == K_CALLFRAME) {
			if (!map)
				return an__json_wrong(j, "callFrame",
						      "an object", ev);
			return push(j, r, C_FRAME, c->node);
		}
		if (c->key == K_CHILDREN) {
			if (map)
				return an__json_wrong(j, "children", "an array",
						      ev);
			return push(j, r, C_KIDS, c->node);
		}
		if (c->key != K_OTHER)
			return an__json_wrong(j, key_names[c->key], "a number",
					      ev);
		break;
	case C_KIDS:
		if (!map)
			return an__json_wrong(j, "a child", "a node object",
					      ev);
		return new_node(j, r, c->node);
	case C_SAMPLES:
		if (!map)
			return an__json_wrong(j, "a sample", "an object", ev);
		r->s_size = r->s_node = -1;
		return push(j, r, C_SAMPLE, AN_NONE);
	case C_FRAME:
	case C_SAMPLE:
		if (c->key != K_OTHER)
			return an__json_wrong(j, key_names[c->key], "a scalar",
					      ev);
		break;
	default:
		break;
	}
	r->skip = 1;
	return AN_OK;
}

static int close_node(an_json *j, reader *r, uint32_t i)
{
	const an_raw_node *n = &r->b.nodes[i];

	if (n->id == AN_ID_NONE)
		return an__json_fail(j, AN_EFORMAT, "a node without an id");
	if (n->hits < 0)
		return an__json_fail(j, AN_EFORMAT,
				     "node %lld has no selfSize",
				     (long long)n->id);
	return AN_OK;
}

static int close_sample(an_json *j, reader *r)
{
	if (r->s_node < 0 || r->s_size < 0)
		return an__json_fail(j, AN_EFORMAT, "a sample without %s",
				     r->s_node < 0 ? "nodeId" : "size");
	if (an__grow((void **)&r->sample_ids, &r->sample_cap,
		     r->sample_n + 1, sizeof(*r->sample_ids)) < 0)
		return an__json_fail(j, AN_ENOMEM, "out of memory");
	r->sample_ids[r->sample_n++] = r->s_node;
	return AN_OK;
}

static int in_node(an_json *j, reader *r, ctx *c, an_json_ev ev,
		   const an_json_val *v)
{
	an_raw_node *n = &r->b.nodes[c->node];
	int64_t x = 0;
	int rc = AN_OK;

	switch (c->key) {
	case K_ID:
		rc = an__json_want_int(j, ev, v, "node id", 0, INT64_MAX, &x);
		n->id = x;
		break;
	case K_SELFSIZE:
		rc = an__json_want_int(j, ev, v, "selfSize", 0, INT64_MAX, &x);
		if (rc < 0)
			return rc;
		n->hits = x;
		if ((uint64_t)x > EXACT - r->total)
			return an__json_fail(j, AN_ELIMIT,
					     "the sizes add up to more than "
					     "2^53 bytes");
		r->total += (uint64_t)x;
		break;
	case K_CALLFRAME:
		return an__json_wrong(j, "callFrame", "an object", ev);
	case K_CHILDREN:
		return an__json_wrong(j, "children", "an array", ev);
	default:
		break;
	}
	return rc;
}

static int in_frame(an_json *j, reader *r, ctx *c, an_json_ev ev,
		    const an_json_val *v)
{
	an_raw_node *n = &r->b.nodes[c->node];
	uint32_t *str = NULL;
	int64_t x = 0;
	int rc;

	switch (c->key) {
	case K_FNAME: str = &n->name; break;
	case K_URL: str = &n->url; break;
	case K_SCRIPTID: str = &n->script_id; break;
	case K_LINE:
	case K_COLUMN:
		rc = an__json_want_int(j, ev, v, key_names[c->key], -1,
				       INT32_MAX, &x);
		if (c->key == K_LINE)
			n->line = (int32_t)x;
		else
			n->column = (int32_t)x;
		return rc;
	default:
		return AN_OK;
	}
	/* scriptId: V8 writes a string; accept a number too, as text */
	if (ev == AN_JSON_INT && c->key == K_SCRIPTID) {
		char buf[24];
		int k = snprintf(buf, sizeof(buf), "%lld", v->i);
		rc = an__strtab_intern(&r->strs, buf, (size_t)k, str);
	} else if (ev != AN_JSON_STRING) {
		return an__json_wrong(j, key_names[c->key], "a string", ev);
	} else {
		rc = an__strtab_intern(&r->strs, v->s, v->len, str);
	}
	if (rc < 0)
		return an__json_fail(j, rc, "cannot store string: %s",
				     an_status_str(rc));
	return AN_OK;
}

static int in_sample(an_json *j, reader *r, ctx *c, an_json_ev ev,
		     const an_json_val *v)
{
	int64_t x = 0;
	int rc;

	switch (c->key) {
	case K_SIZE:
		rc = an__json_want_int(j, ev, v, "sample size", 0, INT64_MAX,
				       &x);
		r->s_size = x;
		return rc;
	case K_NODEID:
		rc = an__json_want_int(j, ev, v, "sample nodeId", 0, INT64_MAX,
				       &x);
		r->s_node = x;
		return rc;
	case K_ORDINAL:
		return an__json_want_int(j, ev, v, "sample ordinal", 0,
					 INT64_MAX, &x);
	default:
		return AN_OK;
	}
}

static int on_event(an_json *j, an_json_ev ev, const an_json_val *v,
		    void *payload)
{
	reader *r = payload;
	ctx *c;

	if (r->skip) {
		if (ev == AN_JSON_MAP_START || ev == AN_JSON_ARRAY_START)
			r->skip++;
		else if (ev == AN_JSON_MAP_END || ev == AN_JSON_ARRAY_END)
			r->skip--;
		return AN_OK;
	}
	if (ev == AN_JSON_MAP_START || ev == AN_JSON_ARRAY_START)
		return open_value(j, r, ev);
	if (r->sp == 0)
		return an__json_fail(j, AN_EFORMAT,
				     "not a heap profile: the input is %s, "
				     "not an object", an__json_ev_type(ev));
	c = &r->stack[r->sp - 1];
	if (ev == AN_JSON_MAP_END || ev == AN_JSON_ARRAY_END) {
		r->sp--;
		if (c->kind == C_NODE)
			return close_node(j, r, c->node);
		if (c->kind == C_SAMPLE)
			return close_sample(j, r);
		return AN_OK;
	}
	if (ev == AN_JSON_KEY) {
		c->key = (uint8_t)lookup_key(v->s, v->len);
		return AN_OK;
	}
	switch (c->kind) {
	case C_TOP:
		if (c->key == K_HEAD)
			return an__json_wrong(j, "head", "an object", ev);
		if (c->key == K_SAMPLES)
			return an__json_wrong(j, "samples", "an array", ev);
		return AN_OK;
	case C_NODE: return in_node(j, r, c, ev, v);
	case C_FRAME: return in_frame(j, r, c, ev, v);
	case C_SAMPLE: return in_sample(j, r, c, ev, v);
	case C_KIDS: return an__json_wrong(j, "a child", "a node object", ev);
	case C_SAMPLES: return an__json_wrong(j, "a sample", "an object", ev);
	default: return AN_OK;
	}
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Samples whose nodeId is not a node of the tree. */
static int count_unknown(uint64_t *out, const reader *r, const an_profile *p)
{
	int64_t *ids = malloc((size_t)p->node_count * sizeof(*ids));
	uint64_t k = 0;
	size_t i;

	if (!ids)
		return AN_ENOMEM;
	memcpy(ids, p->node_id, (size_t)p->node_count * sizeof(*ids));
	qsort(ids, p->node_count, sizeof(*ids), cmp_id);
	for (i = 0; i < r->sample_n; i++)
		if (!bsearch(&r->sample_ids[i], ids, p->node_count,
			     sizeof(*ids), cmp_id))
			k++;
	free(ids);
	*out = k;
	return AN_OK;
}

int an__heapprofile_load(an_profile **out, an_source *src, an_error *err)
{
	reader *r = calloc(1, sizeof(*r));
	an_profile *p = NULL;
	size_t i;
	int rc = AN_OK;

	*out = NULL;
	if (!r)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	an__strtab_init(&r->strs);
	an__builder_init(&r->b, &r->strs);
	if (an__strtab_intern(&r->strs, "", 0, &r->empty_str) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	AN_TRY(an__json_parse(src, on_event, r, err));
	if (!r->seen_head)
		AN_FAIL(err, AN_EFORMAT, an_source_offset(src),
			"not a heap profile: no \"head\" object");
	/* parents by index, now that every id is known */
	for (i = 1; i < r->b.node_n; i++)
		r->b.nodes[i].parent = r->b.nodes[r->parent[i]].id;
	r->b.start_time = 0;
	r->b.end_time = (int64_t)r->total;
	r->b.have_start = r->b.have_end = 1;
	r->b.end_offset = an_source_offset(src);
	AN_TRY(an__profile_finish(&p, &r->b, AN_KIND_HEAPPROFILE, &r->strs,
				  err));
	p->heap_samples = r->sample_n;
	if (count_unknown(&p->heap_unknown, r, p) < 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	*out = p;
	p = NULL;
done:
	an_profile_free(p);
	an__builder_free(&r->b);
	an__strtab_free(&r->strs);
	free(r->parent);
	free(r->sample_ids);
	free(r);
	return rc;
}

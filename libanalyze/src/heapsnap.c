/*
 * heapsnap.c - .heapsnapshot loader. A small top-level scanner walks the
 * outer object; `nodes`, `edges` and `locations` (95 % of the bytes, all
 * unsigned integers) go through a strict integer scanner that works chunk
 * by chunk, every other value is handed to yajl (json.c) piece by piece.
 * Field positions and type names come from snapshot.meta, never hard-coded.
 * V8 writes `snapshot` first and `strings` last: names are indexes,
 * validated once the strings have arrived.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "analyze/sniff.h"
#include "heap_int.h"
#include "json_int.h"
#include "source_int.h"

#define MAX_META_FIELDS 64

enum {
	K_OTHER, K_SNAPSHOT, K_NODES, K_EDGES, K_LOCATIONS, K_STRINGS
};

enum scan_state {
	S_START, S_KEY_OR_END, S_KEY, S_COLON, S_VALUE, S_AFTER_VALUE,
	S_DONE, S_INTS, S_YAJL, S_SKIP, S_KEY_AFTER_COMMA, S_SKIP_EDGES
};

/* What the meta callback is inside of. */
enum meta_ctx {
	M_NONE, M_NODE_FIELDS, M_EDGE_FIELDS, M_LOCATION_FIELDS,
	M_NODE_TYPES, M_EDGE_TYPES, M_NODE_TYPES_INNER, M_EDGE_TYPES_INNER
};

typedef struct loader {
	an_heap *h;
	an_error *err;
	/* top-level scanner */
	int state;
	int key;                 /* which top-level value is being read */
	char keybuf[32];         /* current key (truncated) */
	size_t keylen;
	int key_escape;          /* inside a key: after a backslash */
	int seen_first;          /* a member was read (for ',' vs '}') */
	uint64_t key_off;        /* offset of the current key's '"' */
	int order;               /* 1 after snapshot, 2 after nodes, 3 edges */
	/* value skimmer for yajl-bound values */
	int sk_depth, sk_in_str, sk_escape, sk_scalar, sk_started;
	an_json *json;
	/* integer scanner */
	int in_state;            /* 0 expect '[', 1 expect number or ']',
				    2 in number, 3 expect ',' or ']',
				    4 expect number */
	uint64_t num;            /* number being read */
	int num_digits;
	uint64_t num_start;      /* offset of its first digit */
	uint64_t count;          /* numbers read in this array */
	uint32_t fi;             /* field of the current record */
	uint32_t rec;            /* fields per record */
	uint64_t ord;            /* record ordinal */
	uint8_t kinds[MAX_META_FIELDS]; /* enum fkind per field */
	uint64_t to_limit;       /* node_count * nf */
	uint64_t array_start;    /* offset of '[' */
	int fast;                /* fast_records() may parse this array */
	/* meta */
	int meta_depth;          /* depth inside the snapshot value */
	int meta_key;            /* key inside meta/snapshot */
	int meta_ctx;
	char *node_fields[MAX_META_FIELDS];
	uint32_t n_node_fields;
	char *edge_fields[MAX_META_FIELDS];
	uint32_t n_edge_fields;
	char *loc_fields[MAX_META_FIELDS];
	uint32_t n_loc_fields;
	char **type_lists[2][MAX_META_FIELDS]; /* node/edge types per field */
	uint32_t type_list_len[2][MAX_META_FIELDS];
	uint32_t types_index;    /* position in node_types/edge_types */
	int have_meta, have_node_count, have_edge_count;
	uint64_t node_count, edge_count, root_index;
	int have_root_index;
	/* field offsets */
	int nf_type, nf_name, nf_id, nf_self, nf_edges, nf_det;
	int ef_type, ef_name, ef_to;
	int lf_index, lf_script, lf_line, lf_column;
	uint32_t nf, ef, lf;
	/* storage growth */
	size_t node_cap, edge_cap;
	uint64_t edges_declared;   /* sum of node edge counts */
	uint32_t *loc_raw;         /* locations as read */
	size_t loc_n, loc_cap;
	uint64_t nodes_offset, edges_offset;
	/* the edge thread (plain files): parses `edges` with pread while
	 * this thread parses `nodes` */
	int src_fd;              /* pread-able input, or -1 */
	struct edge_job *ej;     /* running or finished edge thread */
	int ej_ahead;            /* S_SKIP_EDGES went past the edges while
				    the edge thread still parses them */
	uint64_t skip_to;        /* S_SKIP: offset just past the edges */
	uint64_t strings_offset;
} loader;

/* ---- meta (snapshot value) through yajl ---- */

enum {
	MK_OTHER, MK_META, MK_NODE_COUNT, MK_EDGE_COUNT, MK_ROOT_INDEX,
	MK_EXTRA_NATIVE, MK_NODE_FIELDS, MK_NODE_TYPES, MK_EDGE_FIELDS,
	MK_EDGE_TYPES, MK_LOCATION_FIELDS
};

static int meta_key(const char *s, size_t n)
{
	static const char *const names[] = {
		"", "meta", "node_count", "edge_count", "root_index",
		"extra_native_bytes", "node_fields", "node_types",
		"edge_fields", "edge_types", "location_fields"};
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return (int)i;
	return MK_OTHER;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int push_name(an_json *j, char **arr, uint32_t *n, const char *s,
		     size_t len)
{
	if (*n >= MAX_META_FIELDS)
		return an__json_fail(j, AN_ELIMIT, "too many meta fields");
	arr[*n] = dup_n(s, len);
	if (!arr[*n])
		return an__json_fail(j, AN_ENOMEM, "out of memory");
	(*n)++;
	return AN_OK;
}

static int push_type(an_json *j, loader *l, int which, const char *s,
		     size_t len)
{
	uint32_t i = l->types_index;
	char **list = l->type_lists[which][i];
	uint32_t n = l->type_list_len[which][i];

	if (n >= 255)
		return an__json_fail(j, AN_ELIMIT, "too many types");
	list = realloc(list, (n + 1) * sizeof(*list));
	if (!list)
		return an__json_fail(j, AN_ENOMEM, "out of memory");
	l->type_lists[which][i] = list;
	list[n] = dup_n(s, len);
	if (!list[n])
		return an__json_fail(j, AN_ENOMEM, "out of memory");
	l->type_list_len[which][i] = n + 1;
	return AN_OK;
}

static int want_u64(an_json *j, an_json_ev ev, const an_json_val *v,
		    const char *what, uint64_t *out)
{
	if (ev != AN_JSON_INT || v->i < 0)
		return an__json_fail(j, AN_EFORMAT,
				     "snapshot.%s must be a non-negative "
				     "integer", what);
	*out = (uint64_t)v->i;
	return AN_OK;
}

static int on_meta(an_json *j, an_json_ev ev, const an_json_val *v,
		   void *payload)
{
	loader *l = payload;
	int d = an__json_depth(j);
	int rc;

	switch (ev) {
	case AN_JSON_KEY:
		if (d == 1 || d == 2)
			l->meta_key = meta_key(v->s, v->len);
		return AN_OK;
	case AN_JSON_MAP_START:
		if (d == 0)
			return AN_OK;
		if (d == 1 && l->meta_key == MK_META)
			l->have_meta = 1;
		return AN_OK;
	case AN_JSON_ARRAY_START:
		if (d == 2 && l->meta_key == MK_NODE_FIELDS)
			l->meta_ctx = M_NODE_FIELDS;
		else if (d == 2 && l->meta_key == MK_EDGE_FIELDS)
			l->meta_ctx = M_EDGE_FIELDS;
		else if (d == 2 && l->meta_key == MK_LOCATION_FIELDS)
			l->meta_ctx = M_LOCATION_FIELDS;
		else if (d == 2 && l->meta_key == MK_NODE_TYPES) {
			l->meta_ctx = M_NODE_TYPES;
			l->types_index = 0;
		} else if (d == 2 && l->meta_key == MK_EDGE_TYPES) {
			l->meta_ctx = M_EDGE_TYPES;
			l->types_index = 0;
		} else if (d == 3 && l->meta_ctx == M_NODE_TYPES)
			l->meta_ctx = M_NODE_TYPES_INNER;
		else if (d == 3 && l->meta_ctx == M_EDGE_TYPES)
			l->meta_ctx = M_EDGE_TYPES_INNER;
		return AN_OK;
	case AN_JSON_ARRAY_END:
		if (d == 3 && (l->meta_ctx == M_NODE_TYPES_INNER ||
			       l->meta_ctx == M_EDGE_TYPES_INNER)) {
			l->meta_ctx = l->meta_ctx == M_NODE_TYPES_INNER ?
					      M_NODE_TYPES :
					      M_EDGE_TYPES;
			l->types_index++;
		} else if (d == 2) {
			l->meta_ctx = M_NONE;
		}
		return AN_OK;
	case AN_JSON_MAP_END:
		return AN_OK;
	case AN_JSON_STRING:
		if (d == 1 && (l->meta_key == MK_NODE_COUNT ||
			       l->meta_key == MK_EDGE_COUNT ||
			       l->meta_key == MK_ROOT_INDEX))
			return an__json_fail(j, AN_EFORMAT,
					     "snapshot.%s must be a "
					     "non-negative integer",
					     l->meta_key == MK_NODE_COUNT ?
						     "node_count" :
					     l->meta_key == MK_EDGE_COUNT ?
						     "edge_count" :
						     "root_index");
		if (d == 3) {
			switch (l->meta_ctx) {
			case M_NODE_FIELDS:
				return push_name(j, l->node_fields,
						 &l->n_node_fields, v->s,
						 v->len);
			case M_EDGE_FIELDS:
				return push_name(j, l->edge_fields,
						 &l->n_edge_fields, v->s,
						 v->len);
			case M_LOCATION_FIELDS:
				return push_name(j, l->loc_fields,
						 &l->n_loc_fields, v->s,
						 v->len);
			case M_NODE_TYPES:
			case M_EDGE_TYPES:
				/* a scalar type such as "string": no list */
				if (l->types_index >= MAX_META_FIELDS)
					return an__json_fail(j, AN_ELIMIT,
							     "too many types");
				l->types_index++;
				return AN_OK;
			default:
				return AN_OK;
			}
		}
		if (d == 4 && (l->meta_ctx == M_NODE_TYPES_INNER ||
			       l->meta_ctx == M_EDGE_TYPES_INNER)) {
			if (l->types_index >= MAX_META_FIELDS)
				return an__json_fail(j, AN_ELIMIT,
						     "too many types");
			return push_type(j, l,
					 l->meta_ctx == M_EDGE_TYPES_INNER,
					 v->s, v->len);
		}
		return AN_OK;
	case AN_JSON_INT:
	case AN_JSON_DOUBLE:
		if (d != 1)
			return AN_OK;
		switch (l->meta_key) {
		case MK_NODE_COUNT:
			rc = want_u64(j, ev, v, "node_count", &l->node_count);
			l->have_node_count = 1;
			return rc;
		case MK_EDGE_COUNT:
			rc = want_u64(j, ev, v, "edge_count", &l->edge_count);
			l->have_edge_count = 1;
			return rc;
		case MK_ROOT_INDEX:
			l->have_root_index = 1;
			return want_u64(j, ev, v, "root_index",
					&l->root_index);
		case MK_EXTRA_NATIVE:
			return want_u64(j, ev, v, "extra_native_bytes",
					&l->h->extra_native);
		default:
			return AN_OK;
		}
	case AN_JSON_NULL:
	case AN_JSON_BOOL:
		if (d == 1 && (l->meta_key == MK_NODE_COUNT ||
			       l->meta_key == MK_EDGE_COUNT ||
			       l->meta_key == MK_ROOT_INDEX))
			return an__json_fail(j, AN_EFORMAT,
					     "snapshot counts and root_index "
					     "must be non-negative integers");
		return AN_OK;
	default:
		return AN_OK;
	}
}

/* ---- strings through yajl ---- */

static int on_strings(an_json *j, an_json_ev ev, const an_json_val *v,
		      void *payload)
{
	loader *l = payload;
	uint32_t id;
	int rc, d = an__json_depth(j);

	if (d == 0) {
		/* the array's own start and end arrive at depth 0 */
		if (ev != AN_JSON_ARRAY_START && ev != AN_JSON_ARRAY_END)
			return an__json_fail(j, AN_EFORMAT,
					     "strings must be an array");
		return AN_OK;
	}
	if (ev != AN_JSON_STRING || d != 1)
		return an__json_fail(j, AN_EFORMAT,
				     "each entry of strings must be a string");
	rc = an__strtab_push(&l->h->strs, v->s, v->len, &id);
	if (rc < 0)
		return an__json_fail(j, rc, "cannot store string");
	return AN_OK;
}

static int on_ignore(an_json *j, an_json_ev ev, const an_json_val *v,
		     void *payload)
{
	(void)j;
	(void)ev;
	(void)v;
	(void)payload;
	return AN_OK;
}

/* ---- after the meta: field offsets and storage ---- */

static int field(char *const *arr, uint32_t n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (strcmp(arr[i], name) == 0)
			return (int)i;
	return -1;
}

static uint8_t type_index(char **list, uint32_t n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return (uint8_t)i;
	return AN_TYPE_NONE;
}

static int setup_meta(loader *l, uint64_t off)
{
	an_heap *h = l->h;
	an_error *err = l->err;

	if (!l->have_meta || !l->n_node_fields || !l->n_edge_fields)
		return an__fail(err, AN_EFORMAT, off,
				"snapshot.meta lacks node_fields or "
				"edge_fields");
	l->nf = l->n_node_fields;
	l->ef = l->n_edge_fields;
	l->nf_type = field(l->node_fields, l->nf, "type");
	l->nf_name = field(l->node_fields, l->nf, "name");
	l->nf_id = field(l->node_fields, l->nf, "id");
	l->nf_self = field(l->node_fields, l->nf, "self_size");
	l->nf_edges = field(l->node_fields, l->nf, "edge_count");
	l->nf_det = field(l->node_fields, l->nf, "detachedness");
	l->ef_type = field(l->edge_fields, l->ef, "type");
	l->ef_name = field(l->edge_fields, l->ef, "name_or_index");
	l->ef_to = field(l->edge_fields, l->ef, "to_node");
	if (l->nf_type < 0 || l->nf_name < 0 || l->nf_id < 0 ||
	    l->nf_self < 0 || l->nf_edges < 0)
		return an__fail(err, AN_EFORMAT, off,
				"snapshot.meta.node_fields lacks type, name, "
				"id, self_size or edge_count");
	if (l->ef_type < 0 || l->ef_name < 0 || l->ef_to < 0)
		return an__fail(err, AN_EFORMAT, off,
				"snapshot.meta.edge_fields lacks type, "
				"name_or_index or to_node");
	if (!l->type_list_len[0][l->nf_type] ||
	    !l->type_list_len[1][l->ef_type])
		return an__fail(err, AN_EFORMAT, off,
				"snapshot.meta lacks node or edge type "
				"names");
	l->lf = l->n_loc_fields;
	l->lf_index = field(l->loc_fields, l->lf, "object_index");
	l->lf_script = field(l->loc_fields, l->lf, "script_id");
	l->lf_line = field(l->loc_fields, l->lf, "line");
	l->lf_column = field(l->loc_fields, l->lf, "column");
	if (!l->have_node_count || !l->have_edge_count)
		return an__fail(err, AN_EFORMAT, off,
				"snapshot lacks node_count or edge_count");
	if (l->node_count == 0)
		return an__fail(err, AN_EFORMAT, off, "snapshot has no nodes");
	if (l->node_count >= UINT32_MAX - 1 || l->edge_count >= UINT32_MAX - 1)
		return an__fail(err, AN_ELIMIT, off,
				"snapshot declares %llu nodes and %llu edges; "
				"at most 4294967293 each are supported",
				(unsigned long long)l->node_count,
				(unsigned long long)l->edge_count);
	/* take the type names */
	h->n_node_types = l->type_list_len[0][l->nf_type];
	h->node_types = l->type_lists[0][l->nf_type];
	l->type_lists[0][l->nf_type] = NULL;
	h->n_edge_types = l->type_list_len[1][l->ef_type];
	h->edge_types = l->type_lists[1][l->ef_type];
	l->type_lists[1][l->ef_type] = NULL;
#define NT(f, s) h->f = type_index(h->node_types, h->n_node_types, s)
	NT(t_hidden, "hidden");
	NT(t_array, "array");
	NT(t_object, "object");
	NT(t_native, "native");
	NT(t_string, "string");
	NT(t_cons, "concatenated string");
	NT(t_sliced, "sliced string");
	NT(t_code, "code");
	NT(t_synthetic, "synthetic");
	NT(t_closure, "closure");
	NT(t_regexp, "regexp");
#undef NT
#define ET(f, s) h->f = type_index(h->edge_types, h->n_edge_types, s)
	ET(e_element, "element");
	ET(e_hidden, "hidden");
	ET(e_internal, "internal");
	ET(e_shortcut, "shortcut");
	ET(e_weak, "weak");
	ET(e_property, "property");
	ET(e_invisible, "invisible");
#undef ET
	h->node_count = (uint32_t)l->node_count;
	h->edge_count = (uint32_t)l->edge_count;
	if (l->have_root_index) {
		if (l->root_index % l->nf ||
		    l->root_index / l->nf >= l->node_count)
			return an__fail(err, AN_EFORMAT, off,
					"snapshot.root_index %llu is not a "
					"node", (unsigned long long)
						 l->root_index);
		h->root = (uint32_t)(l->root_index / l->nf);
	}
	return AN_OK;
}

/* Next capacity for record `ord`: doubling from 64 k, capped by the
 * declared count, so growth follows the data and a huge declared count
 * costs nothing. 0 when `ord` is beyond the declared count. */
static size_t next_cap(size_t cap, uint64_t ord, uint64_t declared)
{
	size_t ncap = cap ? cap * 2 : 65536;

	if (ncap > declared)
		ncap = (size_t)declared;
	return ord < ncap ? ncap : 0;
}

#define RE(p, n)                                                              \
	do {                                                                  \
		void *q_ = an__reallocarray((p), (n), sizeof(*(p)));          \
		if (!q_)                                                      \
			return AN_ENOMEM;                                     \
		(p) = q_;                                                     \
	} while (0)

/* Grows the node arrays to hold node `ord`. */
static int grow_nodes(loader *l, uint64_t ord)
{
	an_heap *h = l->h;
	size_t ncap;

	if (ord < l->node_cap)
		return AN_OK;
	ncap = next_cap(l->node_cap, ord, l->node_count);
	if (!ncap)
		return AN_EFORMAT;
	RE(h->ntype, ncap);
	RE(h->nname, ncap);
	RE(h->nid, ncap);
	RE(h->nself, ncap);
	RE(h->first_edge, ncap + 1);
	if (l->nf_det >= 0)
		RE(h->ndet, ncap);
	l->node_cap = ncap;
	return AN_OK;
}

/* Grows the edge arrays to hold edge `ord`. */
static int grow_edges(loader *l, uint64_t ord)
{
	an_heap *h = l->h;
	size_t ncap;

	if (ord < l->edge_cap)
		return AN_OK;
	ncap = next_cap(l->edge_cap, ord, l->edge_count);
	if (!ncap)
		return AN_EFORMAT;
	RE(h->etype, ncap);
	RE(h->ename, ncap);
	RE(h->eto, ncap);
	l->edge_cap = ncap;
	return AN_OK;
}
#undef RE

/* What each field of a node or edge record is. */
enum fkind {
	F_OTHER, F_NTYPE, F_NNAME, F_NID, F_NSELF, F_NEDGES, F_NDET,
	F_ETYPE, F_ENAME, F_ETO
};

static int too_big(loader *l, uint64_t v)
{
	return an__fail(l->err, AN_EFORMAT, l->num_start,
			"value %llu does not fit 32 bits",
			(unsigned long long)v);
}

/* One integer of nodes/edges/locations. The record field and ordinal are
 * running counters (no division per number: this is the hot loop). */
static int store_int(loader *l, uint64_t v)
{
	an_heap *h = l->h;
	uint64_t ord = l->ord;
	int rc;

	if (l->fi == 0) {
		if (l->key == K_NODES) {
			if (ord >= l->node_count)
				return an__fail(l->err, AN_EFORMAT,
						l->num_start,
						"nodes has more entries than "
						"snapshot.node_count (%llu)",
						(unsigned long long)
							l->node_count);
			if (ord >= l->node_cap) {
				rc = grow_nodes(l, ord);
				if (rc < 0)
					return an__fail(l->err, rc,
							l->num_start,
							"out of memory for "
							"%llu nodes",
							(unsigned long long)
								l->node_count);
			}
		} else if (l->key == K_EDGES) {
			if (ord >= l->edge_count)
				return an__fail(l->err, AN_EFORMAT,
						l->num_start,
						"edges has more entries than "
						"snapshot.edge_count (%llu)",
						(unsigned long long)
							l->edge_count);
			if (ord >= l->edge_cap) {
				rc = grow_edges(l, ord);
				if (rc < 0)
					return an__fail(l->err, rc,
							l->num_start,
							"out of memory for "
							"%llu edges",
							(unsigned long long)
								l->edge_count);
			}
		}
	}
	switch (l->kinds[l->fi]) {
	case F_NTYPE:
		if (v >= h->n_node_types)
			return an__fail(l->err, AN_EFORMAT, l->num_start,
					"node type %llu is not in "
					"meta.node_types",
					(unsigned long long)v);
		h->ntype[ord] = (uint8_t)v;
		break;
	case F_NNAME:
		if (v > UINT32_MAX)
			return too_big(l, v);
		h->nname[ord] = (uint32_t)v;
		break;
	case F_NID:
		if (v > UINT32_MAX)
			return too_big(l, v);
		h->nid[ord] = (uint32_t)v;
		break;
	case F_NSELF:
		h->nself[ord] = v;
		break;
	case F_NEDGES:
		if (v > UINT32_MAX)
			return too_big(l, v);
		h->first_edge[ord] = (uint32_t)v; /* a count for now */
		l->edges_declared += v;
		if (l->edges_declared > l->edge_count)
			return an__fail(l->err, AN_EFORMAT, l->num_start,
					"node edge counts exceed "
					"snapshot.edge_count (%llu)",
					(unsigned long long)l->edge_count);
		break;
	case F_NDET:
		h->ndet[ord] = (uint8_t)(v & 3);
		break;
	case F_ETYPE:
		if (v >= h->n_edge_types)
			return an__fail(l->err, AN_EFORMAT, l->num_start,
					"edge type %llu is not in "
					"meta.edge_types",
					(unsigned long long)v);
		h->etype[ord] = (uint8_t)v;
		break;
	case F_ENAME:
		if (v > UINT32_MAX)
			return too_big(l, v);
		h->ename[ord] = (uint32_t)v;
		break;
	case F_ETO:
		if (v >= l->to_limit || v % l->nf)
			return an__fail(l->err, AN_EFORMAT, l->num_start,
					"edge to_node %llu is not a node index "
					"(a multiple of %u below %llu)",
					(unsigned long long)v, l->nf,
					(unsigned long long)l->to_limit);
		h->eto[ord] = (uint32_t)(v / l->nf);
		break;
	default:
		if (l->key == K_LOCATIONS) {
			if (v > UINT32_MAX)
				return too_big(l, v);
			if (an__grow((void **)&l->loc_raw, &l->loc_cap,
				     l->loc_n + 1, sizeof(*l->loc_raw)) < 0)
				return an__fail(l->err, AN_ENOMEM,
						l->num_start,
						"out of memory");
			l->loc_raw[l->loc_n++] = (uint32_t)v;
		}
		break;
	}
	l->count++;
	if (++l->fi == l->rec) {
		l->fi = 0;
		l->ord++;
	}
	return AN_OK;
}

/* End of an integer array: check the counts. */
static int end_ints(loader *l, uint64_t off)
{
	an_heap *h = l->h;
	uint64_t i, acc = 0;

	if (l->key == K_NODES) {
		if (l->count % l->nf)
			return an__fail(l->err, AN_EFORMAT, off,
					"nodes holds %llu numbers, not a "
					"multiple of its %u fields",
					(unsigned long long)l->count, l->nf);
		if (l->count != l->node_count * l->nf)
			return an__fail(l->err, AN_EFORMAT, off,
					"nodes holds %llu nodes but "
					"snapshot.node_count is %llu",
					(unsigned long long)(l->count / l->nf),
					(unsigned long long)l->node_count);
		if (l->edges_declared != l->edge_count)
			return an__fail(l->err, AN_EFORMAT, off,
					"node edge counts sum to %llu but "
					"snapshot.edge_count is %llu",
					(unsigned long long)l->edges_declared,
					(unsigned long long)l->edge_count);
		/* edge counts -> first edge ordinals */
		for (i = 0; i < l->node_count; i++) {
			uint32_t c = h->first_edge[i];
			h->first_edge[i] = (uint32_t)acc;
			acc += c;
		}
		h->first_edge[l->node_count] = (uint32_t)acc;
		l->order = 2;
	} else if (l->key == K_EDGES) {
		if (l->count != l->edge_count * l->ef)
			return an__fail(l->err, AN_EFORMAT, off,
					"edges holds %llu edges but "
					"snapshot.edge_count is %llu",
					(unsigned long long)(l->count / l->ef),
					(unsigned long long)l->edge_count);
		l->order = 3;
	}
	return AN_OK;
}

/*
 * The fast path of the integer scanner: whole node or edge records of
 * plain digits separated by ',' (V8 puts "\n," between records), parsed
 * with everything in registers. It never reports an error: at anything
 * else (whitespace elsewhere, a bad or too large value, the end of the
 * chunk or of the array, a full array) it stops at the start of that
 * record and the general scanner takes over, byte for byte as strict.
 * Called expecting a number at p[i], at a record boundary; returns the
 * offset after the last record it stored (i when none).
 */
#define FAST_MAX_FIELDS 16

static size_t fast_records(loader *l, const uint8_t *p, size_t i, size_t n)
{
	an_heap *h = l->h;
	uint64_t vals[FAST_MAX_FIELDS];
	uint64_t ord = l->ord, cap, limit, declared = l->edges_declared;
	uint32_t rec = l->rec, f, nf = l->nf;
	int nodes = l->key == K_NODES;

	cap = nodes ? l->node_cap : l->edge_cap;
	limit = nodes ? l->node_count : l->edge_count;
	if (cap > limit)
		cap = limit;
	while (ord < cap) {
		size_t j = i;
		for (f = 0; f < rec; f++) {
			uint64_t v;
			size_t d0 = j;
			if (j >= n || (unsigned)(p[j] - '0') > 9)
				goto stop;
			v = (uint64_t)(p[j++] - '0');
			while (j < n && (unsigned)(p[j] - '0') <= 9) {
				v = v * 10 + (uint64_t)(p[j++] - '0');
				if (j - d0 > 18)
					goto stop;
			}
			if (j >= n || (p[d0] == '0' && j - d0 > 1))
				goto stop;
			vals[f] = v;
			if (p[j] == ',') {
				j++;
			} else if (p[j] == '\n' && f == rec - 1 &&
				   j + 1 < n && p[j + 1] == ',') {
				j += 2;
			} else {
				goto stop;
			}
		}
		if (nodes) {
			uint64_t ne = vals[l->nf_edges];
			if (vals[l->nf_type] >= h->n_node_types ||
			    vals[l->nf_name] > UINT32_MAX ||
			    vals[l->nf_id] > UINT32_MAX || ne > UINT32_MAX ||
			    declared + ne > l->edge_count)
				goto stop;
			declared += ne;
			h->ntype[ord] = (uint8_t)vals[l->nf_type];
			h->nname[ord] = (uint32_t)vals[l->nf_name];
			h->nid[ord] = (uint32_t)vals[l->nf_id];
			h->nself[ord] = vals[l->nf_self];
			h->first_edge[ord] = (uint32_t)ne;
			if (l->nf_det >= 0)
				h->ndet[ord] = (uint8_t)(vals[l->nf_det] & 3);
		} else {
			uint64_t to = vals[l->ef_to], q;
			if (vals[l->ef_type] >= h->n_edge_types ||
			    vals[l->ef_name] > UINT32_MAX || to >= l->to_limit)
				goto stop;
			/* constant divisors for V8's field counts */
			q = nf == 7 ? to / 7 : nf == 6 ? to / 6 : to / nf;
			if (q * nf != to)
				goto stop;
			h->etype[ord] = (uint8_t)vals[l->ef_type];
			h->ename[ord] = (uint32_t)vals[l->ef_name];
			h->eto[ord] = (uint32_t)q;
		}
		ord++;
		i = j;
	}
stop:
	l->count += (ord - l->ord) * rec;
	l->ord = ord;
	l->edges_declared = declared;
	return i;
}

/* The integer scanner: '[' (n (',' n)*)? ']' with strict numbers. */
static int scan_ints(loader *l, const uint8_t *p, size_t n, uint64_t base,
		     size_t *used)
{
	size_t i = 0;
	int rc;

	for (; i < n; i++) {
		uint8_t c = p[i];
		switch (l->in_state) {
		case 0:
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			if (c != '[')
				return an__fail(l->err, AN_EFORMAT, base + i,
						"%s must be an array of "
						"integers", l->keybuf);
			l->array_start = base + i;
			l->in_state = 1;
			continue;
		case 2:
			if (c >= '0' && c <= '9') {
				if (l->num == 0 && l->num_digits == 1)
					return an__fail(l->err, AN_EPARSE,
							base + i,
							"malformed JSON: "
							"leading zero");
				l->num = l->num * 10 + (c - '0');
				if (++l->num_digits > 19)
					return an__fail(l->err, AN_EFORMAT,
							l->num_start,
							"number in %s is too "
							"large", l->keybuf);
				continue;
			}
			if (c == '.' || c == 'e' || c == 'E')
				return an__fail(l->err, AN_EFORMAT,
						l->num_start,
						"%s must hold integers, not "
						"fractional numbers",
						l->keybuf);
			rc = store_int(l, l->num);
			if (rc < 0)
				return rc;
			l->in_state = 3;
			/* fall through: c is a separator */
			/* FALLTHROUGH */
		case 3:
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			if (c == ',') {
				l->in_state = 4;
				continue;
			}
			if (c == ']')
				goto end;
			return an__fail(l->err, AN_EPARSE, base + i,
					"malformed JSON: expected ',' or ']' "
					"in %s", l->keybuf);
		case 1:
		case 4:
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			if (c == ']' && l->in_state == 1)
				goto end;
			if (l->fast && l->fi == 0 && c >= '0' && c <= '9') {
				size_t k = fast_records(l, p, i, n);
				if (k != i) {
					/* after a ',': a number must follow */
					l->in_state = 4;
					i = k - 1; /* the loop's i++ */
					continue;
				}
			}
			if (c >= '0' && c <= '9') {
				/* fast path: the whole number in this chunk */
				size_t j = i + 1;
				uint64_t v = (uint64_t)(c - '0');
				while (j < n && p[j] >= '0' && p[j] <= '9' &&
				       j - i < 19) {
					v = v * 10 + (uint64_t)(p[j] - '0');
					j++;
				}
				if (j < n && (p[j] == ',' || p[j] == ']') &&
				    (c != '0' || j == i + 1)) {
					l->num_start = base + i;
					rc = store_int(l, v);
					if (rc < 0)
						return rc;
					if (p[j] == ']') {
						i = j;
						goto end;
					}
					l->in_state = 4;
					i = j; /* the loop's i++ skips ',' */
					continue;
				}
				l->num = (uint64_t)(c - '0');
				l->num_digits = 1;
				l->num_start = base + i;
				l->in_state = 2;
				continue;
			}
			if (c == '-')
				return an__fail(l->err, AN_EFORMAT, base + i,
						"negative number in %s",
						l->keybuf);
			if (c == '"')
				return an__fail(l->err, AN_EFORMAT, base + i,
						"%s must hold integers, not "
						"strings", l->keybuf);
			return an__fail(l->err, AN_EPARSE, base + i,
					"malformed JSON: unexpected "
					"character in %s", l->keybuf);
		}
	}
	*used = n;
	return AN_OK;
end:
	rc = end_ints(l, base + i);
	if (rc < 0)
		return rc;
	*used = i + 1;
	l->state = S_AFTER_VALUE;
	return AN_OK;
}

/* Skims a yajl-bound value to find its end; feeds yajl on the way. */
static int scan_yajl(loader *l, const uint8_t *p, size_t n, uint64_t base,
		     size_t *used)
{
	size_t i;
	int done = 0, rc;

	for (i = 0; i < n && !done; i++) {
		uint8_t c = p[i];
		if (!l->sk_started) {
			l->sk_started = 1;
			if (c == '{' || c == '[') {
				l->sk_depth = 1;
			} else if (c == '"') {
				l->sk_in_str = 1;
				l->sk_scalar = 2;
			} else {
				l->sk_scalar = 1;
			}
			continue;
		}
		if (l->sk_scalar == 1) {
			/* number or literal: ends before a delimiter */
			if (c == ',' || c == '}' || c == ' ' || c == '\n' ||
			    c == '\r' || c == '\t') {
				done = 1;
				i--; /* not part of the value */
			}
			continue;
		}
		if (l->sk_in_str) {
			if (l->sk_escape)
				l->sk_escape = 0;
			else if (c == '\\')
				l->sk_escape = 1;
			else if (c == '"') {
				l->sk_in_str = 0;
				if (l->sk_scalar == 2)
					done = 1;
			}
			continue;
		}
		if (c == '"')
			l->sk_in_str = 1;
		else if (c == '{' || c == '[')
			l->sk_depth++;
		else if ((c == '}' || c == ']') && --l->sk_depth == 0)
			done = 1;
	}
	if (i) {
		rc = an__json_feed(l->json, p, i, base);
		if (rc < 0)
			return rc;
	}
	*used = i;
	if (done) {
		rc = an__json_finish(l->json);
		an__json_free(l->json);
		l->json = NULL;
		if (rc < 0)
			return rc;
		if (l->key == K_SNAPSHOT) {
			rc = setup_meta(l, base + i);
			if (rc < 0)
				return rc;
			l->order = 1;
		}
		l->state = S_AFTER_VALUE;
	}
	return AN_OK;
}

/* ---- the edge thread -------------------------------------------------
 * V8 writes `edges` right after `nodes`, and `nodes` holds only digits,
 * commas, brackets and blanks: the first '"' after it opens the "edges"
 * key. The thread finds it with pread, parses the edges array with its own
 * copy of the scanner, and reports where it ended; the main thread skips
 * those bytes when it gets there. Any surprise (not "edges", a read error)
 * makes the thread give up quietly and the main thread parse as usual. */

typedef struct edge_job {
	loader l;               /* the thread's scanner (shares the heap) */
	an_error err;           /* its error, reported if reached */
	uint64_t start;         /* where `nodes` begins */
	int fd;
	atomic_int cancel;      /* main thread stopped early */
	_Atomic uint64_t key_at; /* offset of the '"' of the key it found
				    after the nodes (0 = not yet) */
	int found;              /* the edges key was found */
	int failed;             /* scanning failed with err */
	uint64_t end;           /* offset just past the edges value */
	pthread_t tid;
	int started;
} edge_job;

static void *edge_thread(void *arg)
{
	edge_job *j = arg;
	loader *l = &j->l;
	size_t cap = 4u << 20, n, i;
	uint8_t *buf = malloc(cap);
	uint64_t off = j->start;
	int phase = 0; /* 0 find '"', 1 key, 2 ':' , 3 ints */
	char key[8];
	size_t kl = 0;

	if (!buf)
		return NULL;
	while (!atomic_load(&j->cancel)) {
		ssize_t r = pread(j->fd, buf, cap, (off_t)off);
		if (r <= 0)
			break;
		n = (size_t)r;
		i = 0;
		while (i < n && phase < 3) {
			uint8_t c;
			if (phase == 0) {
				/* nodes hold no '"': skip them at memchr speed */
				const uint8_t *q = memchr(buf + i, '"', n - i);
				i = q ? (size_t)(q - buf) + 1 : n;
				phase = q ? 1 : 0;
				if (q)
					atomic_store(&j->key_at, off + i - 1);
				continue;
			}
			c = buf[i++];
			if (phase == 1) {
				if (c == '"') {
					if (kl != 5 || memcmp(key, "edges", 5))
						goto out;
					phase = 2;
				} else if (kl < sizeof(key)) {
					key[kl++] = (char)c;
				} else {
					goto out;
				}
			} else if (c == ':') {
				phase = 3;
				j->found = 1;
				l->in_state = 0;
				l->state = S_INTS;
			} else if (c != ' ' && c != '\n' && c != '\r' &&
				   c != '\t') {
				goto out;
			}
		}
		if (phase == 3 && i < n) {
			size_t used = 0;
			if (scan_ints(l, buf + i, n - i, off + i, &used) < 0) {
				j->failed = 1;
				goto out;
			}
			if (l->state == S_AFTER_VALUE) {
				j->end = off + i + used;
				goto out;
			}
		}
		off += n;
	}
	j->found = 0; /* ran out of input or canceled: not usable */
out:
	free(buf);
	return NULL;
}

static void setup_edge_kinds(loader *l);

/* Starts the edge thread at the start of `nodes` when possible. */
static void edge_thread_start(loader *l, uint64_t nodes_off)
{
	edge_job *j;

	if (l->src_fd < 0 || l->edge_count == 0)
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->l = *l;
	j->l.err = &j->err;
	j->l.json = NULL;
	j->l.loc_raw = NULL;
	j->l.loc_n = j->l.loc_cap = 0;
	memset(j->l.node_fields, 0, sizeof(j->l.node_fields));
	memset(j->l.edge_fields, 0, sizeof(j->l.edge_fields));
	memset(j->l.loc_fields, 0, sizeof(j->l.loc_fields));
	memset(j->l.type_lists, 0, sizeof(j->l.type_lists));
	j->l.key = K_EDGES;
	j->l.order = 2;
	j->l.count = 0;
	j->l.fi = 0;
	j->l.ord = 0;
	setup_edge_kinds(&j->l);
	snprintf(j->l.keybuf, sizeof(j->l.keybuf), "edges");
	an_error_clear(&j->err);
	j->start = nodes_off;
	j->fd = l->src_fd;
	atomic_init(&j->cancel, 0);
	atomic_init(&j->key_at, 0);
	if (pthread_create(&j->tid, NULL, edge_thread, j) != 0) {
		free(j);
		return;
	}
	j->started = 1;
	l->ej = j;
}

/* Waits for the edge thread; frees it. */
static void edge_thread_stop(loader *l)
{
	if (!l->ej)
		return;
	atomic_store(&l->ej->cancel, 1);
	pthread_join(l->ej->tid, NULL);
	free(l->ej);
	l->ej = NULL;
}

/* Joins an edge thread that main went ahead of (ej_ahead) and takes its
 * result: its error comes first, being earlier in the input than
 * anything main found after the edges. */
static int edge_thread_collect(loader *l)
{
	edge_job *j = l->ej;
	int rc = AN_OK;

	if (!j || !l->ej_ahead)
		return AN_OK;
	pthread_join(j->tid, NULL);
	l->ej = NULL;
	if (j->failed) {
		if (l->err)
			*l->err = j->err;
		rc = l->err ? l->err->code : AN_EFORMAT;
	} else if (!j->found) {
		/* a read error or the end of the input inside the edges */
		if (l->state == S_SKIP_EDGES)
			rc = AN_OK; /* finish() reports the truncation */
		else
			rc = an__fail(l->err, AN_EIO, l->edges_offset,
				      "could not read the edges");
	} else if (l->state != S_SKIP_EDGES && j->end != l->skip_to) {
		rc = an__fail(l->err, AN_EPARSE, j->end,
			      "malformed JSON: edges end at byte %llu, not "
			      "%llu", (unsigned long long)j->end,
			      (unsigned long long)l->skip_to);
	} else {
		l->edge_cap = j->l.edge_cap;
		l->count = j->l.count;
	}
	free(j);
	return rc;
}

static void setup_edge_kinds(loader *l)
{
	memset(l->kinds, F_OTHER, sizeof(l->kinds));
	l->rec = l->ef;
	l->fast = l->ef <= FAST_MAX_FIELDS;
	l->kinds[l->ef_type] = F_ETYPE;
	l->kinds[l->ef_name] = F_ENAME;
	l->kinds[l->ef_to] = F_ETO;
	l->to_limit = l->node_count * l->nf;
}

static int key_id(const char *k)
{
	if (!strcmp(k, "snapshot"))
		return K_SNAPSHOT;
	if (!strcmp(k, "nodes"))
		return K_NODES;
	if (!strcmp(k, "edges"))
		return K_EDGES;
	if (!strcmp(k, "locations"))
		return K_LOCATIONS;
	if (!strcmp(k, "strings"))
		return K_STRINGS;
	return K_OTHER;
}

static int begin_value(loader *l, uint64_t off)
{
	an_json_cb cb = on_ignore;

	l->key = key_id(l->keybuf);
	l->count = 0;
	l->fi = 0;
	l->ord = 0;
	memset(l->kinds, F_OTHER, sizeof(l->kinds));
	l->rec = 1;
	l->fast = 0;
	if (l->key == K_NODES && l->order == 1) {
		l->rec = l->nf;
		l->fast = l->nf <= FAST_MAX_FIELDS;
		l->kinds[l->nf_type] = F_NTYPE;
		l->kinds[l->nf_name] = F_NNAME;
		l->kinds[l->nf_id] = F_NID;
		l->kinds[l->nf_self] = F_NSELF;
		l->kinds[l->nf_edges] = F_NEDGES;
		if (l->nf_det >= 0)
			l->kinds[l->nf_det] = F_NDET;
	} else if (l->key == K_EDGES && l->order == 2) {
		setup_edge_kinds(l);
	}
	switch (l->key) {
	case K_NODES:
	case K_EDGES:
		if (l->order != (l->key == K_NODES ? 1 : 2))
			return an__fail(l->err, AN_EFORMAT, off,
					"\"%s\" before %s: V8 writes snapshot, "
					"nodes, edges in that order",
					l->keybuf, l->key == K_NODES ?
						"snapshot" : "nodes");
		if (l->key == K_NODES) {
			l->nodes_offset = off;
			edge_thread_start(l, off);
		} else {
			l->edges_offset = off;
			if (l->ej &&
			    atomic_load(&l->ej->key_at) == l->key_off) {
				/* the edge thread is on these very edges: go
				 * on to the strings while it parses them
				 * (edge_thread_collect() checks its result) */
				l->ej_ahead = 1;
				l->order = 3;
				l->state = S_SKIP_EDGES;
				return AN_OK;
			}
			if (l->ej) {
				edge_job *j = l->ej;
				pthread_join(j->tid, NULL);
				l->ej = NULL;
				if (j->failed) {
					if (l->err)
						*l->err = j->err;
					free(j);
					return l->err ? l->err->code : AN_EFORMAT;
				}
				if (j->found && j->end > off) {
					l->edge_cap = j->l.edge_cap;
					l->count = j->l.count;
					l->skip_to = j->end;
					l->order = 3;
					l->state = S_SKIP;
					free(j);
					return AN_OK;
				}
				free(j);
			}
		}
		/* FALLTHROUGH */
	case K_LOCATIONS:
		if (l->key == K_LOCATIONS && !l->order)
			return an__fail(l->err, AN_EFORMAT, off,
					"locations before snapshot");
		l->in_state = 0;
		l->state = S_INTS;
		return AN_OK;
	case K_SNAPSHOT:
		cb = on_meta;
		break;
	case K_STRINGS:
		cb = on_strings;
		l->strings_offset = off;
		break;
	default:
		break;
	}
	l->sk_depth = l->sk_in_str = l->sk_escape = 0;
	l->sk_scalar = l->sk_started = 0;
	if (an__json_new(&l->json, cb, l, l->err) < 0)
		return AN_ENOMEM;
	l->state = S_YAJL;
	return AN_OK;
}

static int is_ws(uint8_t c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int feed(loader *l, const uint8_t *p, size_t n, uint64_t base)
{
	size_t i = 0, used = 0;
	int rc;

	while (i < n) {
		uint8_t c = p[i];
		switch (l->state) {
		case S_START:
			if (is_ws(c)) {
				i++;
				continue;
			}
			if (c != '{' && !strchr("[\"-0123456789tfn", c))
				return an__fail(l->err, AN_EPARSE, base + i,
						"malformed JSON: invalid "
						"character");
			if (c != '{')
				return an__fail(l->err, AN_EFORMAT, base + i,
						"not a heap snapshot: "
						"expected a JSON object");
			l->state = S_KEY_OR_END;
			i++;
			continue;
		case S_KEY_AFTER_COMMA:
			/* a key must follow: '}' after ',' is bad */
			if (is_ws(c)) {
				i++;
				continue;
			}
			if (c == '}')
				return an__fail(l->err, AN_EPARSE, base + i,
						"malformed JSON: trailing comma");
			l->state = S_KEY_OR_END;
			continue;
		case S_KEY_OR_END:
			if (is_ws(c)) {
				i++;
				continue;
			}
			if (c == '}' && !l->seen_first) {
				l->state = S_DONE;
				i++;
				continue;
			}
			if (c != '"')
				return an__fail(l->err, AN_EPARSE, base + i,
						"malformed JSON: expected a "
						"key");
			l->key_off = base + i;
			l->keylen = 0;
			l->key_escape = 0;
			l->state = S_KEY;
			i++;
			continue;
		case S_KEY:
			i++;
			if (l->key_escape) {
				l->key_escape = 0;
			} else if (c == '\\') {
				l->key_escape = 1;
			} else if (c == '"') {
				l->keybuf[l->keylen] = '\0';
				l->state = S_COLON;
				continue;
			}
			if (l->keylen + 1 < sizeof(l->keybuf))
				l->keybuf[l->keylen++] = (char)c;
			continue;
		case S_COLON:
			if (is_ws(c)) {
				i++;
				continue;
			}
			if (c != ':')
				return an__fail(l->err, AN_EPARSE, base + i,
						"malformed JSON: expected ':'");
			l->state = S_VALUE;
			i++;
			continue;
		case S_VALUE:
			if (is_ws(c)) {
				i++;
				continue;
			}
			rc = begin_value(l, base + i);
			if (rc < 0)
				return rc;
			continue;
		case S_INTS:
			rc = scan_ints(l, p + i, n - i, base + i, &used);
			if (rc < 0)
				return rc;
			i += used;
			continue;
		case S_YAJL:
			rc = scan_yajl(l, p + i, n - i, base + i, &used);
			if (rc < 0)
				return rc;
			i += used;
			continue;
		case S_SKIP_EDGES: {
			/* the edge thread parses these bytes; they hold no
			 * ']' before the closing one, or it fails */
			const uint8_t *q = memchr(p + i, ']', n - i);
			if (!q) {
				i = n;
				continue;
			}
			i = (size_t)(q - p) + 1;
			l->skip_to = base + i;
			l->state = S_AFTER_VALUE;
			continue;
		}
		case S_SKIP:
			/* the edge thread parsed these bytes already */
			if (base + n <= l->skip_to) {
				i = n;
				continue;
			}
			i = (size_t)(l->skip_to - base);
			l->state = S_AFTER_VALUE;
			continue;
		case S_AFTER_VALUE:
			if (is_ws(c)) {
				i++;
				continue;
			}
			l->seen_first = 1;
			if (c == ',') {
				l->state = S_KEY_AFTER_COMMA;
				i++;
				continue;
			}
			if (c == '}') {
				l->state = S_DONE;
				i++;
				continue;
			}
			return an__fail(l->err, AN_EPARSE, base + i,
					"malformed JSON: expected ',' or '}'");
		case S_DONE:
			if (is_ws(c)) {
				i++;
				continue;
			}
			return an__fail(l->err, AN_EPARSE, base + i,
					"malformed JSON: trailing garbage");
		}
	}
	return AN_OK;
}

/* Validation that needs the strings, and the locations map. */
static int finish(loader *l, uint64_t end)
{
	an_heap *h = l->h;
	uint32_t i, ns;

	if (l->state != S_DONE)
		return an__fail(l->err, AN_EPARSE, end,
				"truncated JSON: input ends inside the "
				"snapshot");
	if (l->order < 3)
		return an__fail(l->err, AN_EFORMAT, end,
				"not a heap snapshot: missing %s",
				l->order == 0 ? "snapshot" :
				l->order == 1 ? "nodes" : "edges");
	ns = h->strs.count;
	h->nstrings = ns;
	for (i = 0; i < h->node_count; i++)
		if (h->nname[i] >= ns)
			return an__fail(l->err, AN_EFORMAT, l->nodes_offset,
					"node %u (id %u) names string %u, but "
					"there are %u strings",
					i, h->nid[i], h->nname[i], ns);
	for (i = 0; i < h->edge_count; i++)
		if (h->etype[i] != h->e_element &&
		    h->etype[i] != h->e_hidden && h->ename[i] >= ns)
			return an__fail(l->err, AN_EFORMAT, l->edges_offset,
					"edge %u names string %u, but there "
					"are %u strings",
					i, h->ename[i], ns);
	if (l->loc_n && l->lf && l->lf_index >= 0 && l->lf_script >= 0 &&
	    l->lf_line >= 0 && l->lf_column >= 0) {
		size_t k, nl = l->loc_n / l->lf;
		if (l->loc_n % l->lf)
			return an__fail(l->err, AN_EFORMAT, AN_NO_OFFSET,
					"locations length is not a multiple "
					"of its %u fields", l->lf);
		h->nloc = malloc((size_t)h->node_count * sizeof(*h->nloc));
		h->locs = an__calloc(nl * 3, sizeof(*h->locs));
		if (!h->nloc || !h->locs)
			return an__fail(l->err, AN_ENOMEM, AN_NO_OFFSET,
					"out of memory");
		memset(h->nloc, 0xff, (size_t)h->node_count * sizeof(*h->nloc));
		for (k = 0; k < nl; k++) {
			const uint32_t *r = l->loc_raw + k * l->lf;
			uint32_t obj = r[l->lf_index];
			if (obj % l->nf || obj / l->nf >= h->node_count)
				return an__fail(l->err, AN_EFORMAT,
						AN_NO_OFFSET,
						"location %zu names object "
						"index %u, not a node", k, obj);
			h->locs[3 * k] = r[l->lf_script];
			h->locs[3 * k + 1] = r[l->lf_line];
			h->locs[3 * k + 2] = r[l->lf_column];
			/* a later entry for the same object wins, as in
			 * DevTools' map */
			h->nloc[obj / l->nf] = (uint32_t)k;
		}
		h->nlocs = (uint32_t)nl;
	}
	return AN_OK;
}

static void loader_free(loader *l)
{
	uint32_t i, w, k;

	edge_thread_stop(l);
	an__json_free(l->json);
	for (i = 0; i < MAX_META_FIELDS; i++) {
		free(i < l->n_node_fields ? l->node_fields[i] : NULL);
		free(i < l->n_edge_fields ? l->edge_fields[i] : NULL);
		free(i < l->n_loc_fields ? l->loc_fields[i] : NULL);
		for (w = 0; w < 2; w++) {
			char **list = l->type_lists[w][i];
			if (!list)
				continue;
			for (k = 0; k < l->type_list_len[w][i]; k++)
				free(list[k]);
			free(list);
		}
	}
	free(l->loc_raw);
}

int an_heap_load(an_heap **out, an_source *src, an_error *err)
{
	loader l;
	an_heap *h;
	const uint8_t *chunk;
	size_t n;
	uint64_t total = 0;
	int rc;
	an_kind kind;

	*out = NULL;
	rc = an_source_sniff(src, &kind, err);
	if (rc < 0)
		return rc;
	if (kind != AN_KIND_HEAPSNAPSHOT && kind != AN_KIND_UNKNOWN)
		return an__fail(err, AN_EFORMAT, 0,
				"this is a %s, not a heap snapshot",
				an_kind_name(kind));
	h = calloc(1, sizeof(*h));
	if (!h)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	an__strtab_init(&h->strs);
	memset(&l, 0, sizeof(l));
	l.h = h;
	l.err = err;
	l.src_fd = an__source_plain_fd(src);
	for (;;) {
		rc = an_source_next(src, &chunk, &n, err);
		if (rc < 0)
			goto done;
		if (n == 0)
			break;
		total += n;
		rc = feed(&l, chunk, n, an_source_offset(src) - n);
		if (rc < 0)
			goto done;
	}
	if (total == 0) {
		rc = an__fail(err, AN_EFORMAT, 0, "empty input");
		goto done;
	}
	rc = edge_thread_collect(&l);
	if (rc < 0)
		goto done;
	if (l.state == S_YAJL && l.sk_scalar == 1) {
		/* a number as the last top-level value */
		rc = an__json_finish(l.json);
		if (rc < 0)
			goto done;
		l.state = S_AFTER_VALUE;
	}
	rc = finish(&l, total);
	if (rc < 0)
		goto done;
	rc = an__heap_analyse(h, err);
	if (rc < 0)
		goto done;
	*out = h;
	h = NULL;
done:
	if (rc < 0 && l.ej_ahead) {
		/* failed past the edges the thread still parses: an error
		 * of the thread's is earlier in the input, so it wins */
		int trc = edge_thread_collect(&l);
		if (trc < 0)
			rc = trc;
	}
	loader_free(&l);
	an_heap_free(h);
	return rc;
}

void an_heap_free(an_heap *h)
{
	uint32_t i;

	if (!h)
		return;
	an__strtab_free(&h->strs);
	for (i = 0; i < h->n_node_types; i++)
		free(h->node_types[i]);
	free(h->node_types);
	for (i = 0; i < h->n_edge_types; i++)
		free(h->edge_types[i]);
	free(h->edge_types);
	free(h->ntype);
	free(h->nname);
	free(h->nid);
	free(h->nself);
	free(h->first_edge);
	free(h->ndet);
	free(h->nloc);
	free(h->locs);
	free(h->etype);
	free(h->ename);
	free(h->eto);
	free(h->page);
	free(h->dom);
	free(h->retained);
	free(h->dist);
	free(h->cls);
	free(h->dom_first);
	free(h->dom_kids);
	free(h->classes);
	free(h->class_order);
	an__heap_ret_index_free(h);
	free(h);
}

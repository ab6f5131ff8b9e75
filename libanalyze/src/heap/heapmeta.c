/*
 * heapmeta.c - the yajl side of the .heapsnapshot loader: snapshot.meta
 * (field names, type names, counts) and the strings (the plain ones
 * stored without yajl), then the field offsets and type indexes
 * everything else is read with.
 */
#include <stdio.h>

#include "heap/heapsnap_int.h"

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

int an__hs_on_meta(an_json *j, an_json_ev ev, const an_json_val *v,
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

int an__hs_on_strings(an_json *j, an_json_ev ev, const an_json_val *v,
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
	if (l->max_strings && l->h->strs.count >= l->max_strings)
		return an__json_fail(j, AN_ELIMIT,
				     "more than %llu strings",
				     (unsigned long long)l->max_strings);
	rc = an__strtab_push(&l->h->strs, v->s, v->len, &id);
	if (rc < 0)
		return an__json_fail(j, rc, "cannot store string");
	return AN_OK;
}

/* ---- strings without yajl where they are plain ---- */

/* Bytes a string may hold and be stored as it is: printable ASCII but
 * '"' and '\\' (yajl hands such a string over unchanged). */
static const uint8_t plain_byte[256] = {
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
	R16(0), R16(0),            /* controls: yajl's error */
	1, 1, 0, 1, R4(1), R4(1), R4(1), /* ' ' .. '/', not '"' */
	R16(1), R16(1),            /* '0' .. 'O' */
	R4(1), R4(1), R4(1), 0, 1, 1, 1, /* 'P' .. '_', not '\\' */
	R16(1), R16(1),            /* '`' .. DEL */
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0)
#undef R16
#undef R4
};

static int push_plain(loader *l, const uint8_t *s, size_t len, uint64_t off)
{
	uint32_t id;
	int rc;

	if (l->max_strings && l->h->strs.count >= l->max_strings)
		return an__fail(l->err, AN_ELIMIT, off,
				"more than %llu strings",
				(unsigned long long)l->max_strings);
	rc = an__strtab_push(&l->h->strs, (const char *)s, len, &id);
	if (rc < 0)
		return an__fail(l->err, rc, off, "cannot store string");
	return AN_OK;
}

/* yajl for the strings it must read, fed the array's '[' */
static int yajl_open(loader *l)
{
	int rc;

	if (l->json)
		return AN_OK;
	rc = an__json_new(&l->json, an__hs_on_strings, l, l->err);
	if (rc < 0)
		return rc;
	return an__json_feed(l->json, (const uint8_t *)"[", 1, l->ss_open);
}

/* Bytes yajl must see that the scanner took itself, placed just before
 * offset `at` (where yajl goes on with the input's own bytes). */
static int yajl_fake(loader *l, const char *s, size_t n, uint64_t at)
{
	return an__json_feed(l->json, (const uint8_t *)s, n, at - n);
}

/* Feeds yajl its string from p[*i] up to the closing quote, looked for
 * from p[at] on; l->ss becomes 3 when it closed, else stays 4. */
static int yajl_string(loader *l, const uint8_t *p, size_t n, uint64_t base,
		       size_t *i, size_t at)
{
	size_t j;
	int rc;

	for (j = at; j < n; j++) {
		if (l->ss_esc)
			l->ss_esc = 0;
		else if (p[j] == '\\')
			l->ss_esc = 1;
		else if (p[j] == '"')
			break;
	}
	l->ss = j < n ? 3 : 4;
	if (j < n)
		j++;
	rc = an__json_feed(l->json, p + *i, j - *i, base + *i);
	*i = j;
	return rc;
}

/* Hands the rest of the array, from offset `at` on, to yajl (S_YAJL),
 * in the state the scanner is in: something but a string where one must
 * be, or but ',' and ']' after one, which yajl then reports. */
static int to_yajl(loader *l, uint64_t at)
{
	int rc;

	l->sk_in_str = l->sk_escape = l->sk_scalar = 0;
	l->state = S_YAJL;
	if (l->ss == 0) {
		/* not even the '[': yajl reads the value from its start */
		l->sk_started = 0;
		l->sk_depth = 0;
		return an__json_new(&l->json, an__hs_on_strings, l, l->err);
	}
	l->sk_started = 1;
	l->sk_depth = 1;
	rc = yajl_open(l);
	if (rc == AN_OK && l->ss == 2)
		rc = l->ss_yajl ? yajl_fake(l, ",", 1, at) :
				  yajl_fake(l, "\"\",", 3, at);
	else if (rc == AN_OK && l->ss == 3 && !l->ss_yajl)
		rc = yajl_fake(l, "\"\"", 2, at);
	return rc;
}

int an__hs_scan_strings(loader *l, const uint8_t *p, size_t n,
			uint64_t base, size_t *used)
{
	size_t i = 0, j;
	int rc;

	while (i < n) {
		uint8_t c = p[i];
		if (l->ss == 4) {
			rc = yajl_string(l, p, n, base, &i, i);
			if (rc < 0)
				return rc;
			continue;
		}
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			i++;
			continue;
		}
		if (l->ss == 0) {
			if (c != '[')
				break;
			l->ss_open = base + i;
			l->ss = 1;
			i++;
			continue;
		}
		if (l->ss == 3 && c == ',') {
			l->ss = 2;
			i++;
			continue;
		}
		if (c == ']' && l->ss != 2) {
			if (l->json) {
				rc = an__json_feed(l->json, p + i, 1, base + i);
				if (rc == AN_OK)
					rc = an__json_finish(l->json);
				an__json_free(l->json);
				l->json = NULL;
				if (rc < 0)
					return rc;
			}
			l->state = S_AFTER_VALUE;
			*used = i + 1;
			return AN_OK;
		}
		if (c != '"' || l->ss == 3)
			break;
		for (j = i + 1; j < n && plain_byte[p[j]]; j++)
			;
		if (j < n && p[j] == '"') {
			rc = push_plain(l, p + i + 1, j - i - 1, base + i);
			if (rc < 0)
				return rc;
			l->ss = 3;
			i = j + 1;
			continue;
		}
		/* escapes, controls, UTF-8 or the chunk's end: yajl's */
		rc = yajl_open(l);
		if (rc == AN_OK && l->ss_yajl)
			rc = yajl_fake(l, ",", 1, base + i);
		if (rc < 0)
			return rc;
		l->ss_yajl++;
		l->ss_esc = 0;
		rc = yajl_string(l, p, n, base, &i, i + 1);
		if (rc < 0)
			return rc;
	}
	*used = i;
	if (i < n)
		return to_yajl(l, base + i);
	return AN_OK;
}

int an__hs_on_ignore(an_json *j, an_json_ev ev, const an_json_val *v,
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

/* an_heap_node_kind / an_heap_edge_kind by V8's type names, in enum
 * order */
static const char *const node_kind_names[] = {
	"hidden", "array", "string", "object", "code", "closure", "regexp",
	"number", "native", "synthetic", "concatenated string",
	"sliced string", "symbol", "bigint", "object shape"
};
static const char *const edge_kind_names[] = {
	"context", "element", "property", "internal", "hidden", "shortcut",
	"weak", "invisible"
};

/* kinds[i] = position of names[i] in `known`, or `other` */
static uint8_t *map_kinds(char **names, uint32_t n, const char *const *known,
			  uint8_t nknown, uint8_t other)
{
	uint8_t *kinds = malloc(n ? n : 1);
	uint32_t i;
	uint8_t k;

	if (!kinds)
		return NULL;
	for (i = 0; i < n; i++) {
		kinds[i] = other;
		for (k = 0; k < nknown; k++)
			if (strcmp(names[i], known[k]) == 0)
				kinds[i] = k;
	}
	return kinds;
}

/* Bytes a loaded node and edge take at least: the loader's arrays
 * (type, name, id, self size, first edge; type, name, target) and the
 * analysis' (dominator, retained size, distance, class). */
#define HEAP_NODE_MIN_BYTES 37u
#define HEAP_EDGE_MIN_BYTES 9u

int an__hs_setup_meta(loader *l, uint64_t off)
{
	an_heap *h = l->h;
	an_error *err = l->err;
	uint64_t ints, need, mem;

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
	if ((l->max_nodes && l->node_count > l->max_nodes) ||
	    (l->max_edges && l->edge_count > l->max_edges))
		return an__fail(err, AN_ELIMIT, off,
				"snapshot declares %llu nodes and %llu edges; "
				"the limits are %llu and %llu (0 = none)",
				(unsigned long long)l->node_count,
				(unsigned long long)l->edge_count,
				(unsigned long long)l->max_nodes,
				(unsigned long long)l->max_edges);
	/* the counts against the bytes present (a value of nodes or edges
	 * takes two bytes at least: "0,") and the machine's memory (what a
	 * loaded node and edge take at least), before anything is sized by
	 * them: a file may claim 2^31 nodes in 1 KB */
	ints = l->node_count * l->nf + l->edge_count * l->ef;
	if (l->input_size && ints > l->input_size / 2)
		return an__fail(err, AN_EFORMAT, off,
				"snapshot declares %llu nodes and %llu edges "
				"(%llu numbers), more than its %llu bytes "
				"can hold",
				(unsigned long long)l->node_count,
				(unsigned long long)l->edge_count,
				(unsigned long long)ints,
				(unsigned long long)l->input_size);
	need = l->node_count * HEAP_NODE_MIN_BYTES +
	       l->edge_count * HEAP_EDGE_MIN_BYTES;
	mem = an__mem_total();
	if (mem && need > mem)
		return an__fail(err, AN_ELIMIT, off,
				"snapshot declares %llu nodes and %llu edges, "
				"which need at least %llu MiB of memory; "
				"this machine has %llu MiB",
				(unsigned long long)l->node_count,
				(unsigned long long)l->edge_count,
				(unsigned long long)(need >> 20),
				(unsigned long long)(mem >> 20));
	/* take the type names */
	h->n_node_types = l->type_list_len[0][l->nf_type];
	h->node_types = l->type_lists[0][l->nf_type];
	l->type_lists[0][l->nf_type] = NULL;
	h->n_edge_types = l->type_list_len[1][l->ef_type];
	h->edge_types = l->type_lists[1][l->ef_type];
	l->type_lists[1][l->ef_type] = NULL;
	h->node_kinds = map_kinds(h->node_types, h->n_node_types,
				  node_kind_names,
				  (uint8_t)(sizeof(node_kind_names) /
					    sizeof(*node_kind_names)),
				  AN_HEAP_NODE_OTHER);
	h->edge_kinds = map_kinds(h->edge_types, h->n_edge_types,
				  edge_kind_names,
				  (uint8_t)(sizeof(edge_kind_names) /
					    sizeof(*edge_kind_names)),
				  AN_HEAP_EDGE_OTHER);
	if (!h->node_kinds || !h->edge_kinds)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
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

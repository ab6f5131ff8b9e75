/*
 * heapsnap_int.h - the .heapsnapshot loader's state, shared by its parts:
 * heapsnap.c (the top-level scanner, the edge thread, validation),
 * heapmeta.c (snapshot meta through yajl; the strings, the plain ones
 * directly and the others through yajl) and heapints.c
 * (the integer scanner for nodes, edges and locations).
 */
#ifndef AN_HEAPSNAP_INT_H
#define AN_HEAPSNAP_INT_H

#include "heap/heap_int.h"
#include "io/json_int.h"

#define MAX_META_FIELDS 64

enum {
	K_OTHER, K_SNAPSHOT, K_NODES, K_EDGES, K_LOCATIONS, K_STRINGS
};

enum scan_state {
	S_START, S_KEY_OR_END, S_KEY, S_COLON, S_VALUE, S_AFTER_VALUE,
	S_DONE, S_INTS, S_YAJL, S_SKIP, S_KEY_AFTER_COMMA, S_SKIP_EDGES,
	S_STRINGS
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
	uint64_t big_self;         /* sum of self sizes >= UINT32_MAX */
	uint32_t max_nname;        /* the largest node name index read */
	uint32_t max_ename;        /* the largest edge name_or_index read:
				      below the string count, finish() need
				      not look at each edge */
	uint32_t *loc_raw;         /* locations as read */
	size_t loc_n, loc_cap;
	uint64_t nodes_offset, edges_offset;
	/* the edge thread (plain files): parses `edges` with pread while
	 * this thread parses `nodes` */
	int src_fd;              /* pread-able input, or -1 */
	uint64_t src_bytes;      /* plain input's size, 0 when unknown
				    (gzip, a pipe) */
	uint64_t mem_bytes;      /* physical memory, 0 when unknown */
	struct edge_job *ej;     /* running or finished edge thread */
	int ej_ahead;            /* S_SKIP_EDGES went past the edges while
				    the edge thread still parses them */
	uint64_t skip_to;        /* S_SKIP: offset just past the edges */
	uint64_t strings_offset;
	int seen_strings;        /* a "strings" value was read */
	/* the strings scanner (an__hs_scan_strings()) */
	int ss;                  /* 0 expect '[', 1 a string or ']', 2 a
				    string, 3 ',' or ']', 4 in a string
				    yajl reads */
	int ss_esc;              /* 4: the last byte was a backslash */
	uint64_t ss_open;        /* offset of the array's '[' */
	uint64_t ss_yajl;        /* strings yajl was given */
	/* an_heap_load_opts limits, 0 = none */
	uint64_t max_nodes, max_edges, max_strings;
	uint64_t input_size;     /* bytes of a plain input, 0 = unknown */
} loader;

/* What each field of a node or edge record is. */
enum fkind {
	F_OTHER, F_NTYPE, F_NNAME, F_NID, F_NSELF, F_NEDGES, F_NDET,
	F_ETYPE, F_ENAME, F_ETO
};

#define FAST_MAX_FIELDS 16 /* longest record fast_records() parses */

/* yajl callbacks for the snapshot value, the strings, anything else
 * (heapmeta.c). */
AN_HIDDEN int an__hs_on_meta(an_json *j, an_json_ev ev, const an_json_val *v,
			     void *payload);
AN_HIDDEN int an__hs_on_strings(an_json *j, an_json_ev ev,
				const an_json_val *v, void *payload);
AN_HIDDEN int an__hs_on_ignore(an_json *j, an_json_ev ev,
			       const an_json_val *v, void *payload);

/*
 * The strings array, p[0..n) at offset base of it: plain strings (no
 * escape, control or non-ASCII byte, inside one chunk) are stored
 * directly, every other one goes through yajl (an__hs_on_strings()),
 * which sees the array with those strings only; anything but strings,
 * commas and blanks hands the rest of the array to yajl as it is, to
 * fail there as before. *used: bytes taken; l->state becomes
 * S_AFTER_VALUE after the array, or S_YAJL (heapmeta.c).
 */
AN_HIDDEN int an__hs_scan_strings(loader *l, const uint8_t *p, size_t n,
				  uint64_t base, size_t *used);

/* Field offsets, type indexes and storage once the meta is read, at
 * byte off (heapmeta.c). */
AN_HIDDEN int an__hs_setup_meta(loader *l, uint64_t off);

/* The integer scanner: '[' (n (',' n)*)? ']' with strict numbers, chunk
 * by chunk; *used gets the bytes consumed (heapints.c). */
AN_HIDDEN int an__hs_scan_ints(loader *l, const uint8_t *p, size_t n,
			       uint64_t base, size_t *used);

#endif

/*
 * heapsnap.c - .heapsnapshot loader. A small top-level scanner walks the
 * outer object; `nodes`, `edges` and `locations` (95 % of the bytes, all
 * unsigned integers) go through a strict integer scanner that works chunk
 * by chunk, `strings` through a scanner that stores plain strings as they
 * are and hands yajl the others; every other value is handed to yajl
 * (json.c) piece by piece.
 * Field positions and type names come from snapshot.meta, never hard-coded.
 * V8 writes `snapshot` first and `strings` last: names are indexes,
 * validated once the strings have arrived.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "analyze/sniff.h"
#include "heap/heapsnap_int.h"
#include "io/source_int.h"


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
			rc = an__hs_setup_meta(l, base + i);
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
				/* nodes hold no '"': skip them at memchr
				 * speed */
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
			if (an__hs_scan_ints(l, buf + i, n - i, off + i,
					     &used) < 0) {
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
		rc = j->err.code;
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
		l->max_ename = j->l.max_ename;
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
	an_json_cb cb = an__hs_on_ignore;

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
					int code = j->err.code;
					if (l->err)
						*l->err = j->err;
					free(j);
					return code;
				}
				if (j->found && j->end > off) {
					l->edge_cap = j->l.edge_cap;
					l->count = j->l.count;
					l->max_ename = j->l.max_ename;
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
		if (l->order != 0)
			return an__fail(l->err, AN_EFORMAT, off,
					"a second \"snapshot\" value");
		cb = an__hs_on_meta;
		break;
	case K_STRINGS:
		if (l->seen_strings)
			return an__fail(l->err, AN_EFORMAT, off,
					"a second \"strings\" array");
		l->seen_strings = 1;
		l->strings_offset = off;
		l->ss = 0;
		l->ss_yajl = 0;
		l->state = S_STRINGS;
		return AN_OK;
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
						"malformed JSON: trailing "
						"comma");
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
			rc = an__hs_scan_ints(l, p + i, n - i, base + i, &used);
			if (rc < 0)
				return rc;
			i += used;
			continue;
		case S_STRINGS:
			rc = an__hs_scan_strings(l, p + i, n - i, base + i,
						 &used);
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
/* The nl locations read (l->loc_raw) into h: per node with a location
 * (a later entry for the same object wins, as in DevTools' map) its
 * three numbers in node order, a bit per node and ranks per 64 nodes:
 * 4 bytes an entry and a few bits a node, where an index per node took
 * 4 bytes a node (a real snapshot has locations for about one node in
 * eight). */
static int set_locations(loader *l, size_t nl)
{
	an_heap *h = l->h;
	uint64_t *key, *tmp;
	size_t k, m = 0, words = (size_t)h->node_count / 64 + 1;
	uint32_t w, acc = 0;
	int rc = AN_ENOMEM;

	if (nl > UINT32_MAX) /* entry numbers are kept in 32 bits */
		return an__fail(l->err, AN_ELIMIT, AN_NO_OFFSET,
				"more than 2^32 locations");
	key = an__calloc(nl, sizeof(*key));
	tmp = an__calloc(nl, sizeof(*tmp));
	h->loc_bits = an__calloc(words, sizeof(*h->loc_bits));
	h->loc_rank = an__calloc(words, sizeof(*h->loc_rank));
	if (!key || !tmp || !h->loc_bits || !h->loc_rank)
		goto done;
	for (k = 0; k < nl; k++) {
		uint32_t obj = l->loc_raw[k * l->lf + (size_t)l->lf_index];
		if (obj % l->nf || obj / l->nf >= h->node_count) {
			rc = an__fail(l->err, AN_EFORMAT, AN_NO_OFFSET,
				      "location %zu names object index %u, "
				      "not a node", k, obj);
			goto done;
		}
		key[k] = (uint64_t)(obj / l->nf) << 32 | k;
	}
	if (an__radix_u64(key, tmp, nl, 0, 64) < 0)
		goto done;
	/* the last entry of each node's run is the one kept */
	for (k = 0; k < nl; k++)
		if (k + 1 == nl || key[k + 1] >> 32 != key[k] >> 32)
			key[m++] = key[k];
	h->locs = an__calloc(m * 3, sizeof(*h->locs));
	if (!h->locs)
		goto done;
	for (k = 0; k < m; k++) {
		uint32_t v = (uint32_t)(key[k] >> 32);
		const uint32_t *r = l->loc_raw + (uint32_t)key[k] * l->lf;
		h->locs[3 * k] = r[l->lf_script];
		h->locs[3 * k + 1] = r[l->lf_line];
		h->locs[3 * k + 2] = r[l->lf_column];
		h->loc_bits[v >> 6] |= UINT64_C(1) << (v & 63);
	}
	for (w = 0; w < words; w++) {
		h->loc_rank[w] = acc;
		acc += (uint32_t)__builtin_popcountll(h->loc_bits[w]);
	}
	h->nlocs = (uint32_t)m;
	rc = AN_OK;
done:
	if (rc == AN_ENOMEM)
		an__fail(l->err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	free(key);
	free(tmp);
	return rc;
}

static int finish(loader *l, uint64_t end)
{
	an_heap *h = l->h;
	uint32_t i, ns;

	if (l->state == S_START) /* e.g. a gzip bomb of spaces */
		return an__fail(l->err, AN_EFORMAT, end,
				"no JSON value: the input is %llu bytes of "
				"whitespace", (unsigned long long)end);
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
	/* the loops only when the largest index read may be out of range
	 * (edges: of any type; element and hidden edges hold numbers) */
	for (i = 0; l->max_nname >= ns && i < h->node_count; i++)
		if (h->nname[i] >= ns)
			return an__fail(l->err, AN_EFORMAT, l->nodes_offset,
					"node %u (id %u) names string %u, but "
					"there are %u strings",
					i, h->nid[i], h->nname[i], ns);
	for (i = 0; l->max_ename >= ns && i < h->edge_count; i++)
		if (h->etype[i] != h->e_element &&
		    h->etype[i] != h->e_hidden && h->ename[i] >= ns)
			return an__fail(l->err, AN_EFORMAT, l->edges_offset,
					"edge %u names string %u, but there "
					"are %u strings",
					i, h->ename[i], ns);
	if (l->loc_n && l->lf && l->lf_index >= 0 && l->lf_script >= 0 &&
	    l->lf_line >= 0 && l->lf_column >= 0) {
		size_t nl = l->loc_n / l->lf;
		if (l->loc_n % l->lf)
			return an__fail(l->err, AN_EFORMAT, AN_NO_OFFSET,
					"locations length is not a multiple "
					"of its %u fields", l->lf);
		return set_locations(l, nl);
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

/* Reads the snapshot into a heap of loaded data only (nothing derived). */
static int load(an_heap **out, an_source *src,
		const an_heap_load_opts *opts, an_error *err)
{
	loader l;
	an_heap *h;
	const uint8_t *chunk;
	size_t n;
	uint64_t total = 0;
	int rc;
	an_kind kind;

	rc = an_source_sniff(&kind, src, err);
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
	if (opts) {
		l.max_nodes = opts->max_nodes;
		l.max_edges = opts->max_edges;
		l.max_strings = opts->max_strings;
		h->pool = opts->pool;
	}
	l.src_fd = an__source_plain_fd(src);
	if (!an_source_is_gzip(src) && !an_source_is_zstd(src)) {
		l.input_size = an_source_size(src);
		l.src_bytes = l.input_size;
	}
	{
		long pages = sysconf(_SC_PHYS_PAGES);
		long psize = sysconf(_SC_PAGESIZE);
		if (pages > 0 && psize > 0)
			l.mem_bytes = (uint64_t)pages * (uint64_t)psize;
	}
	for (;;) {
		rc = an_source_next(&chunk, &n, src, err);
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

/* load() with the options checked and the progress callback set */
static int load_opts(an_heap **out, an_source *src,
		     const an_heap_load_opts *opts, an_error *err)
{
	an_heap_load_opts v1;
	int rc;

	*out = NULL;
	if (opts && opts->version == 1) {
		/* without `pool`: the fields before it only */
		v1 = (an_heap_load_opts)AN_HEAP_LOAD_OPTS_INIT;
		v1.progress = opts->progress;
		v1.payload = opts->payload;
		v1.max_nodes = opts->max_nodes;
		v1.max_edges = opts->max_edges;
		v1.max_strings = opts->max_strings;
		opts = &v1;
	}
	if (opts && opts->version != AN_HEAP_LOAD_OPTS_VERSION)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown an_heap_load_opts version %u",
				opts->version);
	if (opts && opts->progress)
		an__source_set_progress(src, opts->progress, opts->payload);
	rc = load(out, src, opts, err);
	an__source_set_progress(src, NULL, NULL);
	return rc;
}

int an_heap_load(an_heap **out, an_source *src,
		 const an_heap_load_opts *opts, an_error *err)
{
	an_heap *h;
	int rc;

	rc = load_opts(&h, src, opts, err);
	if (rc < 0)
		return rc;
	rc = an__heap_analyse(h, err);
	if (rc < 0) {
		an_heap_free(h);
		return rc;
	}
	*out = h;
	return AN_OK;
}

int an_heap_load_info(an_heap_info *out, an_source *src,
		      const an_heap_load_opts *opts, an_error *err)
{
	an_heap *h = NULL;
	uint64_t total, native;
	uint8_t *has;
	uint32_t v, c;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_opts(&h, src, opts, err);
	if (rc < 0)
		return rc;
	rc = an__heap_analyse_light(h, err);
	if (rc < 0)
		goto done;
	/* every node is in the root's dominator tree (dominators.c): the
	 * root retains every shallow size. The native part is the
	 * Statistics view's (an__heap_stats()), without the rest of it. */
	total = native = h->extra_native;
	for (v = 0; v < h->node_count; v++) {
		uint64_t sz = an__size_get(&h->d.self, v);
		total += sz;
		if (h->ntype[v] == h->t_native)
			native += sz;
	}
	/* classes with members: a node of non-zero shallow size (summary.c) */
	has = an__calloc((size_t)h->d.nclasses + 1, 1);
	if (!has) {
		rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		goto done;
	}
	for (v = 0; v < h->node_count; v++)
		if (an__size_get(&h->d.self, v))
			has[h->d.cls[v]] = 1;
	for (c = 0; c < h->d.nclasses; c++)
		out->classes += has[c];
	free(has);
	out->nodes = h->node_count;
	out->edges = h->edge_count;
	out->total = total;
	out->v8_heap = total - native;
	out->native = native;
	out->extra_native_bytes = h->extra_native;
done:
	an_heap_free(h);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int an__heap_load_light(an_heap **out, an_source *src,
			const an_heap_load_opts *opts, an_error *err)
{
	an_heap *h;
	int rc;

	rc = load_opts(&h, src, opts, err);
	if (rc < 0)
		return rc;
	rc = an__heap_analyse_light(h, err);
	if (rc < 0) {
		an_heap_free(h);
		return rc;
	}
	*out = h;
	return AN_OK;
}

int an__heap_load_raw(an_heap **out, an_source *src,
		      const an_heap_load_opts *opts, an_error *err)
{
	return load_opts(out, src, opts, err);
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
	free(h->node_kinds);
	free(h->edge_kinds);
	an__heap_pool_free(h, AN__POOL_NTYPE, h->ntype);
	an__heap_pool_free(h, AN__POOL_NNAME, h->nname);
	an__heap_pool_free(h, AN__POOL_NID, h->nid);
	an__heap_pool_free(h, AN__POOL_NSELF, h->nself.v);
	h->nself.v = NULL;
	an__size_free(&h->nself);
	an__heap_pool_free(h, AN__POOL_FIRST_EDGE, h->first_edge);
	an__heap_pool_free(h, AN__POOL_NDET, h->ndet);
	free(h->loc_bits);
	free(h->loc_rank);
	free(h->locs);
	an__heap_pool_free(h, AN__POOL_ETYPE, h->etype);
	an__heap_pool_free(h, AN__POOL_ENAME, h->ename);
	an__heap_pool_free(h, AN__POOL_ETO, h->eto);
	an__heap_pool_free(h, AN__POOL_SELF, h->d.self.v);
	h->d.self.v = NULL;
	an__size_free(&h->d.self);
	free(h->d.renamed);
	free(h->d.rename);
	free(h->d.page);
	free(h->d.dom);
	free(h->d.retained);
	free(h->d.dist);
	an__heap_pool_free(h, AN__POOL_CLS, h->d.cls);
	free(h->d.dom_first);
	free(h->d.dom_kids);
	free(h->d.classes);
	free(h->d.class_order);
	an__heap_ret_index_free(h);
	free(h);
}

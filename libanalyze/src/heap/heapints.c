/*
 * heapints.c - the integer scanner of the .heapsnapshot loader: `nodes`,
 * `edges` and `locations` (95 % of the bytes), strict as a JSON parser,
 * chunk by chunk (a number may straddle two chunks), with a fast path for
 * whole records; values are validated and stored as they come.
 */
#include <stdio.h>

#include "heap/heapsnap_int.h"

/* Arrays allocated at a declared count that no input size vouches for
 * (a pipe, gzip, memory) stay below this in all. */
#define BLIND_PRESIZE ((uint64_t)1 << 30)

/* Next capacity for record `ord`: the declared count at once when the
 * input can hold it (each of the `fields` values of a record takes two
 * bytes at least; of an input of unknown size, when the arrays stay
 * below BLIND_PRESIZE) and its arrays (`rec_bytes` a record) fit in a
 * quarter of the memory: allocated but untouched until the values
 * arrive, so a count that lies costs nothing, and no copy as the arrays
 * grow (copies were most of the first-touch page faults). Otherwise
 * doubling from 64 k, capped by the declared count. 0 when `ord` is
 * beyond the declared count. */
static size_t next_cap(const loader *l, size_t cap, uint64_t ord,
		       uint64_t declared, unsigned fields, size_t rec_bytes)
{
	size_t ncap = cap ? cap * 2 : 65536;
	uint64_t room = l->mem_bytes / 4;

	if (!l->src_bytes && room > BLIND_PRESIZE)
		room = BLIND_PRESIZE;
	if (!cap && declared <= room / rec_bytes &&
	    (!l->src_bytes || declared <= l->src_bytes / 2 / fields))
		ncap = (size_t)declared;
	if (ncap > declared)
		ncap = (size_t)declared;
	return ord < ncap ? ncap : 0;
}

/* Array *p of `size`-byte elements grown to n; the first time from h's
 * pool (an__heap_pool_alloc(): the block an earlier load left there is
 * filled as it is when large enough). AN_OK or AN_ENOMEM. */
static int grow_array(an_heap *h, void **p, size_t n, size_t size, int slot)
{
	void *q;

	if (!*p)
		q = an__heap_pool_alloc(h, slot, n, size, 0);
	else if ((q = an__reallocarray(*p, n, size)) != NULL)
		h->pool_bytes[slot] = n * size;
	if (!q)
		return AN_ENOMEM;
	*p = q;
	return AN_OK;
}

#define RE(p, n, slot)                                                        \
	do {                                                                  \
		void *q_ = (p);                                               \
		if (grow_array(h, &q_, (n), sizeof(*(p)), (slot)) < 0)        \
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
	ncap = next_cap(l, l->node_cap, ord, l->node_count, l->nf,
			sizeof(*h->ntype) + sizeof(*h->nname) +
				sizeof(*h->nid) + sizeof(*h->nself.v) +
				sizeof(*h->first_edge) + 1);
	if (!ncap)
		return AN_EFORMAT;
	RE(h->ntype, ncap, AN__POOL_NTYPE);
	RE(h->nname, ncap, AN__POOL_NNAME);
	RE(h->nid, ncap, AN__POOL_NID);
	RE(h->nself.v, ncap, AN__POOL_NSELF);
	RE(h->first_edge, ncap + 1, AN__POOL_FIRST_EDGE);
	if (l->nf_det >= 0)
		RE(h->ndet, ncap, AN__POOL_NDET);
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
	ncap = next_cap(l, l->edge_cap, ord, l->edge_count, l->ef,
			sizeof(*h->etype) + sizeof(*h->ename) +
				sizeof(*h->eto));
	if (!ncap)
		return AN_EFORMAT;
	RE(h->etype, ncap, AN__POOL_ETYPE);
	RE(h->ename, ncap, AN__POOL_ENAME);
	RE(h->eto, ncap, AN__POOL_ETO);
	l->edge_cap = ncap;
	return AN_OK;
}
#undef RE


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
		if (v > l->max_nname)
			l->max_nname = (uint32_t)v;
		break;
	case F_NID:
		if (v > UINT32_MAX)
			return too_big(l, v);
		h->nid[ord] = (uint32_t)v;
		break;
	case F_NSELF:
		/* Sizes are summed into retained sizes and totals: bound
		 * them so no sum can overflow. DevTools holds them in
		 * doubles, exact up to 2^53; so do we, for their sum. */
		if (v >= UINT32_MAX) {
			l->big_self += v;
			if (v > AN_HEAP_MAX_SIZE ||
			    l->big_self > AN_HEAP_MAX_SIZE)
				return an__fail(l->err, AN_ELIMIT,
						l->num_start,
						"self_size %llu: sizes beyond "
						"2^53 bytes in all are not "
						"supported",
						(unsigned long long)v);
		}
		rc = an__size_set(&h->nself, (uint32_t)ord, v);
		if (rc < 0)
			return an__fail(l->err, rc, l->num_start,
					"out of memory");
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
		if (v > l->max_ename)
			l->max_ename = (uint32_t)v;
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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#else
#define SWAR 0
#endif

#if SWAR
/* The first 8 bytes at p, first byte lowest. */
static inline uint64_t load8(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* x ^ '0' in every byte: the high bit of each byte that is no digit. */
static inline uint64_t non_digits(uint64_t d)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full, hi = 0x8080808080808080ull;

	return (((d & lo7) + 0x7676767676767676ull) | d) & hi;
}

/* The value of the k (1..8) digits in the low bytes of d (each byte
 * its digit's value): they move to the top, zeros fill below. */
static inline uint64_t digits_value(uint64_t d, unsigned k)
{
	d <<= 8 * (8 - k);
	d = d * 10 + (d >> 8);
	return (((d & 0x000000ff000000ffull) * 0x000f424000000064ull) +
		(((d >> 16) & 0x000000ff000000ffull) *
		 0x0000271000000001ull)) >> 32;
}

static const uint64_t pow10_8[9] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};

/* The number at p (16 bytes readable there): its digit count (0 when
 * p holds no digit; 16 when it has 16 or more: not parsed) and *v. */
static inline unsigned swar_number(const uint8_t *p, uint64_t *v)
{
	const uint64_t zeros = 0x3030303030303030ull;
	uint64_t d = load8(p) ^ zeros, m = non_digits(d), d2;
	unsigned k, k2;

	if (m) {
		k = (unsigned)__builtin_ctzll(m) >> 3;
		if (k)
			*v = digits_value(d, k);
		return k;
	}
	d2 = load8(p + 8) ^ zeros;
	m = non_digits(d2);
	if (!m)
		return 16;
	k2 = (unsigned)__builtin_ctzll(m) >> 3;
	*v = digits_value(d, 8) * pow10_8[k2] +
	     (k2 ? digits_value(d2, k2) : 0);
	return 8 + k2;
}

#endif


static inline __attribute__((always_inline)) size_t
records(loader *l, const uint8_t *p, size_t i, size_t n, uint32_t rec,
	int nodes)
{
	an_heap *h = l->h;
	uint64_t vals[FAST_MAX_FIELDS];
	uint64_t ord = l->ord, cap, limit, declared = l->edges_declared;
	uint64_t max_name = nodes ? l->max_nname : l->max_ename;
	uint32_t f, nf = l->nf;

	cap = nodes ? l->node_cap : l->edge_cap;
	limit = nodes ? l->node_count : l->edge_count;
	if (cap > limit)
		cap = limit;
	while (ord < cap) {
		size_t j = i;
#pragma GCC unroll 16
		for (f = 0; f < rec; f++) {
			uint64_t v;
			size_t d0 = j;
#if SWAR
			if (n - j >= 16) {
				/* 8 bytes at a time: most values are short */
				unsigned k = swar_number(p + j, &v);
				if (k == 0 || k > 15 || (p[j] == '0' && k > 1))
					goto stop;
				j += k; /* j < n: k < 16 */
			} else
#endif
			{
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
			}
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
			    vals[l->nf_self] >= UINT32_MAX ||
			    declared + ne > l->edge_count)
				goto stop;
			declared += ne;
			h->ntype[ord] = (uint8_t)vals[l->nf_type];
			h->nname[ord] = (uint32_t)vals[l->nf_name];
			if (vals[l->nf_name] > max_name)
				max_name = vals[l->nf_name];
			h->nid[ord] = (uint32_t)vals[l->nf_id];
			h->nself.v[ord] = (uint32_t)vals[l->nf_self];
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
			if (vals[l->ef_name] > max_name)
				max_name = vals[l->ef_name];
			h->eto[ord] = (uint32_t)q;
		}
		ord++;
		i = j;
	}
stop:
	l->count += (ord - l->ord) * rec;
	l->ord = ord;
	l->edges_declared = declared;
	if (nodes)
		l->max_nname = (uint32_t)max_name;
	else
		l->max_ename = (uint32_t)max_name;
	return i;
}

/* records() for V8's layouts (7 node fields, 3 edge fields) with the
 * record length a constant: the field loop unrolled, the values in
 * registers. */
static size_t fast_records(loader *l, const uint8_t *p, size_t i, size_t n)
{
	int nodes = l->key == K_NODES;

	if (nodes && l->rec == 7)
		return records(l, p, i, n, 7, 1);
	if (!nodes && l->rec == 3)
		return records(l, p, i, n, 3, 0);
	return records(l, p, i, n, l->rec, nodes);
}

#if SWAR
/* The fast path for `locations` (4 values a location, kept as read until
 * finish()): plain values separated by ',' or "\n,", 8 bytes at a time,
 * stored at once; at anything else it stops before that value and the
 * general scanner goes on. Returns the offset after the last value it
 * stored (i when none). */
static size_t fast_locations(loader *l, const uint8_t *p, size_t i, size_t n)
{
	uint64_t got = 0;

	/* room for what the chunk can hold: two bytes a value at least */
	if (an__grow((void **)&l->loc_raw, &l->loc_cap,
		     l->loc_n + (n - i) / 2 + 1, sizeof(*l->loc_raw)) < 0)
		return i; /* the general scanner reports it */
	while (n - i >= 16) {
		uint64_t v;
		unsigned k = swar_number(p + i, &v);
		size_t j = i + k;
		if (k == 0 || k > 15 || (p[i] == '0' && k > 1) ||
		    v > UINT32_MAX)
			break;
		if (p[j] == ',')
			j++;
		else if (p[j] == '\n' && p[j + 1] == ',')
			j += 2;
		else
			break;
		l->loc_raw[l->loc_n++] = (uint32_t)v;
		got++;
		i = j;
	}
	l->count += got;
	l->ord += got; /* one field a record here */
	return i;
}
#endif

/* The integer scanner: '[' (n (',' n)*)? ']' with strict numbers. */
int an__hs_scan_ints(loader *l, const uint8_t *p, size_t n, uint64_t base,
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
#if SWAR
			if (l->key == K_LOCATIONS && c >= '0' && c <= '9') {
				size_t k = fast_locations(l, p, i, n);
				if (k != i) {
					l->in_state = 4;
					i = k - 1; /* the loop's i++ */
					continue;
				}
			}
#endif
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

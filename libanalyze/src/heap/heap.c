/*
 * heap.c - read access to an analysed heap: node and edge accessors,
 * DevTools' display names (plain objects, concatenated strings), and the
 * Statistics view.
 */
#include <stdio.h>

#include "heap/heap_int.h"

uint32_t an_heap_node_count(const an_heap *h) { return h->node_count; }
uint32_t an_heap_edge_count(const an_heap *h) { return h->edge_count; }
uint32_t an_heap_root(const an_heap *h) { return h->root; }
uint64_t an_heap_extra_native_bytes(const an_heap *h)
{
	return h->extra_native;
}

uint64_t an_heap_total_size(const an_heap *h)
{
	return h->d.retained[h->root] + h->extra_native;
}

const char *an_heap_node_type(const an_heap *h, uint32_t n)
{
	return h->node_types[h->ntype[n]];
}

an_heap_node_kind an_heap_node_kind_of(const an_heap *h, uint32_t n)
{
	return (an_heap_node_kind)h->node_kinds[h->ntype[n]];
}

an_str an_heap_node_raw_name(const an_heap *h, uint32_t n)
{
	return h->strs.items[an__heap_name(h, n)];
}

uint64_t an_heap_node_id(const an_heap *h, uint32_t n) { return h->nid[n]; }

uint64_t an_heap_node_self_size(const an_heap *h, uint32_t n)
{
	return an__size_get(&h->d.self, n);
}

uint64_t an_heap_node_raw_self_size(const an_heap *h, uint32_t n)
{
	return an__size_get(&h->nself, n);
}

an_str an_heap_node_snapshot_name(const an_heap *h, uint32_t n)
{
	return h->strs.items[h->nname[n]];
}

uint64_t an_heap_node_retained_size(const an_heap *h, uint32_t n)
{
	return h->d.retained[n];
}

uint32_t an_heap_node_dominator(const an_heap *h, uint32_t n)
{
	return h->d.dom[n];
}

int32_t an_heap_node_distance(const an_heap *h, uint32_t n)
{
	return h->d.dist[n];
}

uint32_t an_heap_node_class(const an_heap *h, uint32_t n)
{
	return h->d.cls[n];
}

uint32_t an_heap_node_dominated(const an_heap *h, uint32_t n,
				const uint32_t **kids)
{
	*kids = h->d.dom_kids + h->d.dom_first[n];
	return h->d.dom_first[n + 1] - h->d.dom_first[n];
}

uint32_t an_heap_find_id(const an_heap *h, uint64_t id)
{
	uint32_t i;

	/* ids ascend within a snapshot's node list in practice, but not by
	 * contract: a linear scan is exact and cheap next to loading */
	for (i = 0; i < h->node_count; i++)
		if (h->nid[i] == id)
			return i;
	return AN_NONE;
}

uint32_t an_heap_node_edges(const an_heap *h, uint32_t n, uint32_t *first)
{
	*first = h->first_edge[n];
	return h->first_edge[n + 1] - h->first_edge[n];
}

const char *an_heap_edge_type(const an_heap *h, uint32_t e)
{
	return h->edge_types[h->etype[e]];
}

an_heap_edge_kind an_heap_edge_kind_of(const an_heap *h, uint32_t e)
{
	return (an_heap_edge_kind)h->edge_kinds[h->etype[e]];
}

uint32_t an_heap_edge_target(const an_heap *h, uint32_t e)
{
	return h->eto[e];
}

int an_heap_edge_is_index(const an_heap *h, uint32_t e)
{
	return h->etype[e] == h->e_element || h->etype[e] == h->e_hidden;
}

uint32_t an_heap_edge_index(const an_heap *h, uint32_t e)
{
	return h->ename[e];
}

an_str an_heap_edge_name(const an_heap *h, uint32_t e)
{
	an_str none = {"", 0};

	if (an_heap_edge_is_index(h, e))
		return none;
	return h->strs.items[h->ename[e]];
}

uint32_t an_heap_class_count(const an_heap *h) { return h->d.nclasses; }

const an_heap_class *an_heap_class_get(const an_heap *h, uint32_t c)
{
	return &h->d.classes[c];
}

uint32_t an_heap_classes(const an_heap *h, const uint32_t **order)
{
	*order = h->d.class_order;
	return h->d.nclass_order;
}

/* ---- display names ---- */

typedef struct out {
	char *buf;
	size_t cap, len;
} out;

static void put(out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->cap)
			o->buf[o->len] = s[i];
}

static void finish_out(out *o)
{
	if (o->cap)
		o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

/* JSHeapSnapshotNode.formatPropertyName into o */
static void put_prop(out *o, an_str s)
{
	size_t room = o->len + 1 < o->cap ? o->cap - 1 - o->len : 0;

	o->len += an__heap_prop_format(s, room ? o->buf + o->len : NULL, room);
}

static int skip_edge(const an_heap *h, uint32_t e)
{
	an_str nm;

	if (h->etype[e] != h->e_property)
		return 1;
	nm = h->strs.items[h->ename[e]];
	return nm.len == 9 && memcmp(nm.ptr, "__proto__", 9) == 0;
}

/* #plainObjectName: "{a, b, …, y, z}" fitting about 100 characters */
static void plain_object_name(const an_heap *h, uint32_t n, out *o)
{
	uint32_t s = h->first_edge[n], e = h->first_edge[n + 1];
	uint32_t from_start = s, from_end = e ? e - 1 : 0, k;
	uint32_t front[64], back[64], nf = 0, nb = 0;
	size_t start_len = 1, end_len = 1;
	int next_from_end = 0, more = 0;

	if (s == e) {
		put(o, "{}", 2);
		return;
	}
	while (from_start <= from_end && from_end != UINT32_MAX) {
		uint32_t cur = next_from_end ? from_end : from_start;
		size_t flen;
		if (skip_edge(h, cur)) {
			if (next_from_end) {
				if (from_end == 0)
					break;
				from_end--;
			} else {
				from_start++;
			}
			continue;
		}
		flen = an__heap_prop_units(h->strs.items[h->ename[cur]]);
		if (start_len > 1 && start_len + end_len + flen > 100)
			break;
		if (nf >= 64 || nb >= 64)
			break;
		if (next_from_end) {
			if (end_len > 1)
				end_len += 2;
			end_len += flen;
			back[nb++] = cur;
			if (from_end == 0) {
				from_end = UINT32_MAX;
				break;
			}
			from_end--;
		} else {
			if (start_len > 1)
				start_len += 2;
			start_len += flen;
			front[nf++] = cur;
			from_start++;
		}
		next_from_end = !next_from_end;
	}
	more = from_end != UINT32_MAX && from_start <= from_end;
	put(o, "{", 1);
	for (k = 0; k < nf; k++) {
		if (k)
			put(o, ", ", 2);
		put_prop(o, h->strs.items[h->ename[front[k]]]);
	}
	if (more)
		put(o, ", \xe2\x80\xa6", 5); /* ", …" */
	if (nb)
		put(o, ", ", 2);
	for (k = nb; k-- > 0;) {
		put_prop(o, h->strs.items[h->ename[back[k]]]);
		if (k)
			put(o, ", ", 2);
	}
	put(o, "}", 1);
}

/* consStringName: first/second internal edges, depth first, until the
 * name reaches 1024 characters. The stack of an acyclic string graph
 * holds at most one node more than its depth: a deeper stack means a
 * cycle (a hostile snapshot), where DevTools would never end; the name
 * stops there. */
static int cons_string_name(const an_heap *h, uint32_t n, out *o)
{
	uint32_t *stack = malloc(64 * sizeof(*stack)), *ns;
	size_t sp = 0, cap = 64, start = o->len;
	size_t max_sp = (size_t)h->node_count + 1;

	if (!stack)
		return AN_ENOMEM;
	stack[sp++] = n;
	while (sp && o->len - start < 1024) {
		uint32_t v = stack[--sp], e, first = 0, second = 0;
		int have1 = 0, have2 = 0;
		if (h->ntype[v] != h->t_cons) {
			an_str s = h->strs.items[an__heap_name(h, v)];
			put(o, s.ptr, s.len);
			continue;
		}
		for (e = h->first_edge[v];
		     e < h->first_edge[v + 1] && (!have1 || !have2); e++) {
			if (h->etype[e] != h->e_internal)
				continue;
			if (an__heap_str_is(h, h->ename[e], "first")) {
				first = h->eto[e];
				have1 = 1;
			} else if (an__heap_str_is(h, h->ename[e], "second")) {
				second = h->eto[e];
				have2 = 1;
			}
		}
		if (sp + 2 > max_sp)
			break;
		if (sp + 2 > cap) {
			ns = an__reallocarray(stack, cap * 2, sizeof(*stack));
			if (!ns) {
				free(stack);
				return AN_ENOMEM;
			}
			stack = ns;
			cap *= 2;
		}
		stack[sp++] = second;
		stack[sp++] = first;
	}
	free(stack);
	return AN_OK;
}

int an_heap_node_name(char *buf, size_t cap, size_t *len, const an_heap *h,
		      uint32_t n, an_error *err)
{
	out o = {buf, cap, 0};
	int rc = AN_OK;

	if (len)
		*len = 0;
	if (n >= h->node_count)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET, "no node %u", n);
	if (h->ntype[n] == h->t_cons)
		rc = cons_string_name(h, n, &o);
	else if (h->ntype[n] == h->t_object &&
		 an__heap_str_is(h, an__heap_name(h, n), "Object"))
		plain_object_name(h, n, &o);
	else {
		an_str s = h->strs.items[an__heap_name(h, n)];
		put(&o, s.ptr, s.len);
	}
	if (rc < 0) {
		o.len = 0;
		finish_out(&o);
		return an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	}
	finish_out(&o);
	if (len)
		*len = o.len;
	return AN_OK;
}

/* ---- statistics (JSHeapSnapshot.calculateStatistics) ---- */

int an_heap_statistics(an_heap_stats *s, const an_heap *h, an_error *err)
{
	return an__heap_stats(s, h, an_heap_total_size(h), err);
}

int an__heap_stats(an_heap_stats *s, const an_heap *h, uint64_t total,
		   an_error *err)
{
	uint32_t v, e;
	/* the js_arrays rule needs each elements store's retainer count */
	uint32_t *indeg = an__calloc(h->node_count, sizeof(*indeg));

	memset(s, 0, sizeof(*s));
	if (!indeg)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	s->native = h->extra_native;
	for (e = 0; e < h->edge_count; e++)
		indeg[h->eto[e]]++;
	for (v = 0; v < h->node_count; v++) {
		uint64_t sz = an__size_get(&h->d.self, v);
		uint8_t t = h->ntype[v];
		if (t == h->t_hidden) {
			s->system += sz;
			continue;
		}
		if (t == h->t_native) {
			s->native += sz;
			if (an__heap_str_is(h, an__heap_name(h, v),
					    "system / JSArrayBufferData"))
				s->typed_arrays += sz;
		} else if (t == h->t_code) {
			s->code += sz;
		} else if (t == h->t_cons || t == h->t_sliced ||
			   t == h->t_string) {
			s->strings += sz;
		} else if (an__heap_str_is(h, an__heap_name(h, v), "Array")) {
			uint64_t size = sz;
			for (e = h->first_edge[v]; e < h->first_edge[v + 1];
			     e++) {
				if (h->etype[e] != h->e_internal ||
				    !an__heap_str_is(h, h->ename[e],
						     "elements"))
					continue;
				if (indeg[h->eto[e]] == 1)
					size += an__size_get(&h->d.self,
							     h->eto[e]);
				break;
			}
			s->js_arrays += size;
		}
	}
	free(indeg);
	s->total = total;
	s->v8_heap = s->total - s->native;
	s->other = s->v8_heap - s->code - s->strings - s->js_arrays -
		   s->system;
	s->other_native = s->native - s->typed_arrays;
	return AN_OK;
}

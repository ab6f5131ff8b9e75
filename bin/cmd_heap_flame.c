/*
 * cmd_heap_flame.c - `profkit heap flame FILE -o OUT.svg|png|pdf`: the
 * dominator tree as a flame graph by retained size, laid out by
 * libanalyze (an_heap_flame) and drawn by its renderer; this file names
 * the boxes ("Class @id"), picks their colours by node kind and writes
 * the picture (or speedscope's format).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_heap.h"

/* What the renderer asks per node: "Class @id" and the node's name. */
typedef struct hflame_names {
	const an_heap *h;
	char *lab;      /* scratch for one label at a time */
	char *loc;      /* and one location */
	size_t cap;
} hflame_names;

static an_str hflame_label(uint32_t n, const void *ctx)
{
	const hflame_names *x = ctx;
	const an_heap_class *c =
		an_heap_class_get(x->h, an_heap_node_class(x->h, n));
	an_str s = {x->lab, 0};
	int k = snprintf(x->lab, x->cap, "%.*s @%" PRIu64,
			 (int)(c->name.len < 1000 ? c->name.len : 1000),
			 c->name.ptr, an_heap_node_id(x->h, n));

	s.len = k > 0 ? (uint32_t)(k < (int)x->cap ? k : (int)x->cap - 1) :
			0;
	return s;
}

/* the tooltip's second part: the object's name when it says more than
 * its class, then its shallow and retained sizes come from the layout */
static an_str hflame_location(uint32_t n, const void *ctx)
{
	const hflame_names *x = ctx;
	an_str s = {x->loc, 0};
	an_error err;
	size_t len;

	const an_heap_class *c =
		an_heap_class_get(x->h, an_heap_node_class(x->h, n));

	if (an_heap_node_name(x->loc, x->cap, &len, x->h, n, &err) < 0)
		return s;
	s.len = (uint32_t)(len < x->cap ? len : x->cap - 1);
	if (s.len == c->name.len && !memcmp(s.ptr, c->name.ptr, s.len))
		s.len = 0; /* says nothing more than the class */
	return s;
}

static an_flame_kind hflame_kind(uint32_t n, const void *ctx)
{
	const hflame_names *x = ctx;

	switch (an_heap_node_kind_of(x->h, n)) {
	case AN_HEAP_NODE_OBJECT:
	case AN_HEAP_NODE_CLOSURE:
	case AN_HEAP_NODE_REGEXP: return AN_FLAME_JS;
	case AN_HEAP_NODE_NATIVE: return AN_FLAME_NATIVE;
	case AN_HEAP_NODE_STRING:
	case AN_HEAP_NODE_CONS_STRING:
	case AN_HEAP_NODE_SLICED_STRING:
	case AN_HEAP_NODE_NUMBER:
	case AN_HEAP_NODE_BIGINT:
	case AN_HEAP_NODE_SYMBOL:
	case AN_HEAP_NODE_ARRAY: return AN_FLAME_IDLE;
	default: return AN_FLAME_PROGRAM;
	}
}

/* the legend, in the order of an_flame_kind */
static const char *const hflame_kinds[] = {
	"JS objects and functions", "native", "", "strings, numbers, arrays",
	"system, code, roots", "elided (too small)"
};

static int do_flame(fe_out *out, const hjob *j, const fe_opts *o, int fmt)
{
	an_flame_opts fo;
	an_flame_render_opts ro;
	an_flame_labels lab;
	hflame_names names;
	an_flame *fl = NULL;
	an_error err;
	char sub[600], name[300], size[32];
	int rc = FE_EXIT_OK;

	an_error_clear(&err);
	fe_file_label(name, sizeof(name), j->path);
	human(size, sizeof(size), an_heap_total_size(j->heap));
	snprintf(sub, sizeof(sub), "%s \xc2\xb7 total %s, %u objects", name,
		 size, an_heap_node_count(j->heap));
	/* largest first (as heap dominators) and 1 px unless told */
	fe_flame_opts(&ro, &fo, o, fmt, (double)an_heap_total_size(j->heap),
		      "Heap: retained size (dominator tree)", sub, 1, 1);
	ro.unit = AN_FLAME_BYTES;
	/* objects retaining less than --min-size bytes are elided too */
	if ((double)o->min_size > fo.min_weight)
		fo.min_weight = (double)o->min_size;
	names.h = j->heap;
	names.cap = 1100;
	names.lab = malloc(names.cap);
	names.loc = malloc(names.cap);
	if (!names.lab || !names.loc) {
		free(names.lab);
		free(names.loc);
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	lab.label = hflame_label;
	lab.location = hflame_location;
	lab.kind = hflame_kind;
	lab.ctx = &names;
	lab.kind_names = hflame_kinds;
	if (an_heap_flame(&fl, j->heap, &fo, &err) < 0 ||
	    (fmt == FE_SPEEDSCOPE ?
		     an_flame_speedscope(fl, &lab, AN_FLAME_BYTES,
					 ro.subtitle,
					 fe_image_write, out->f, &err) :
		     an_flame_render(fl, &lab, &ro, fe_image_write, out->f,
				     &err)) < 0)
		rc = fe_fail(j->path, &err);
	an_flame_free(fl);
	free(names.lab);
	free(names.loc);
	return rc;
}

int run_flame(const fe_opts *o, const char *cmdname)
{
	fe_out out;
	hjob j;
	int fmt, rc;

	memset(&j, 0, sizeof(j));
	if (o->sort && strcmp(o->sort, "name") && strcmp(o->sort, "weight"))
		return fe_usage_error(cmdname, "--sort must be name or weight, "
				      "not '%s'", o->sort);
	rc = fe_image_format(&fmt, o, cmdname);
	if (rc == FE_EXIT_OK)
		rc = hjob_load(&j, o->args[0], 0, NULL);
	if (rc == FE_EXIT_OK) {
		rc = fe_out_open(&out, o->out);
		if (rc == FE_EXIT_OK)
			rc = fe_out_finish(&out, do_flame(&out, &j, o, fmt));
	}
	hjob_free(&j);
	return rc;
}

/*
 * flame.h - flame graph layout and rendering.
 *
 * Layout (an_flame_layout) is pure data: from any weighted tree (CPU
 * time, bytes) it merges siblings with equal keys, orders the children
 * (by name rank, or heaviest first), and places one rectangle per
 * frame: a frame's width is its total weight, its children sit side by
 * side above it from its left edge, and their widths sum to at most its
 * own (the rest is its self weight). Frames narrower than min_weight
 * are not laid out one by one: each run of adjacent narrow siblings
 * becomes one "elided" rectangle of their summed width, so nothing is
 * dropped from the totals.
 *
 * Rendering (an_flame_render) draws a layout with cairo as SVG, PNG or
 * PDF, flamegraph.pl-like: title, subtitle, a legend of the frame
 * kinds, labels cut with ".." to fit, DejaVu Sans, colours hashed from
 * the label (same input, same picture). SVG output also carries per
 * frame an invisible rectangle with a <title> (label, location, self
 * and total) that browsers show on hover.
 *
 * Ownership: an_flame is caller-owned (an_flame_free). Threads: a layout
 * may be read and rendered from many threads at once.
 */
#ifndef AN_FLAME_H
#define AN_FLAME_H

#include "analyze/common.h"

AN_BEGIN_DECL

/* The input tree: n nodes, node 0 the root. */
typedef struct an_flame_tree {
	uint32_t n;
	const uint32_t *parent; /* parent node, AN_NONE for the root */
	const uint32_t *key;    /* siblings with one key merge into one frame */
	const double *self;     /* the node's own weight (>= 0) */
	uint32_t nkeys;         /* keys are < nkeys */
	const uint32_t *rank;   /* children order by name: rank[key] (e.g. the
				   position of the key's label in sorted
				   order); NULL: by key */
	int distinct;           /* siblings never share a key (e.g. a
				   dominator tree keyed by node): no merging,
				   one frame per node, faster */
} an_flame_tree;

typedef enum an_flame_order {
	AN_FLAME_BY_NAME = 0,  /* children by rank (flamegraph.pl) */
	AN_FLAME_BY_WEIGHT = 1 /* heaviest first, then by rank */
} an_flame_order;

typedef struct an_flame_opts {
	unsigned version;     /* AN_FLAME_OPTS_VERSION */
	an_flame_order order;
	double min_weight;    /* narrower frames are elided (0: none) */
} an_flame_opts;

#define AN_FLAME_OPTS_VERSION 1
#define AN_FLAME_OPTS_INIT { AN_FLAME_OPTS_VERSION, AN_FLAME_BY_NAME, 0 }

/* One laid-out frame. Rectangles come in depth-first order, a parent
 * before its children, siblings left to right. */
typedef struct an_flame_rect {
	uint32_t parent;  /* rectangle index, AN_NONE for the root */
	uint32_t depth;   /* 0 for the root */
	uint32_t key;     /* the frame's key; AN_NONE when elided */
	uint32_t elided;  /* frames this rectangle stands for when elided */
	double x;         /* left edge, in weight from the root's left */
	double width;     /* total weight */
	double self;      /* own weight (0 when elided) */
} an_flame_rect;

typedef struct an_flame an_flame;

/*
 * Lays out t. Nodes whose parent chain does not reach node 0 are
 * ignored.
 * @return AN_OK; AN_EINVAL (bad options, a key >= nkeys, negative or
 *         non-finite weight, no nodes); AN_ENOMEM.
 */
AN_API int an_flame_layout(an_flame **out, const an_flame_tree *t,
			   const an_flame_opts *o, an_error *err);
/*
 * A flame chart: the samples in time order, each a path from the root to
 * its node of t (t->self is not read), laid out on a time axis: a frame
 * lasts as long as consecutive samples pass through the same node, and
 * starts where the first of them starts (weights summed from 0). Frames
 * shorter than o->min_weight are elided as in an_flame_layout (o->order
 * is not used: time orders them). sample_node[i] < t->n; weight >= 0.
 * @return AN_OK; AN_EINVAL; AN_ENOMEM.
 */
AN_API int an_flame_chart(an_flame **out, const an_flame_tree *t,
			  const uint32_t *sample_node,
			  const double *sample_weight, uint32_t nsamples,
			  const an_flame_opts *o, an_error *err);

/*
 * A layout built by the caller, box by box, for trees that come laid out
 * already (a dominator tree with its retained sizes): an_flame_new()
 * gives an empty layout; an_flame_add() appends a box in depth-first
 * order, the root first (parent AN_NONE) and every box after its
 * parent, key AN_NONE for an elided one; *index (may be NULL) gets the
 * box's index. The total is the root's width.
 * @return AN_OK; AN_EINVAL (no root first, a parent not yet added, a
 *         negative width); AN_ENOMEM; AN_ELIMIT.
 */
AN_API int an_flame_new(an_flame **out, an_error *err);
AN_API int an_flame_add(an_flame *f, uint32_t parent, uint32_t key,
			double x, double width, double self, uint32_t elided,
			uint32_t *index, an_error *err);

AN_API uint32_t an_flame_count(const an_flame *f);
AN_API const an_flame_rect *an_flame_get(const an_flame *f, uint32_t i);
/* The root's width: the sum of every node's self weight. */
AN_API double an_flame_total(const an_flame *f);
/* Rows: the deepest rectangle's depth + 1. */
AN_API uint32_t an_flame_depth(const an_flame *f);
AN_API void an_flame_free(an_flame *f);

/* ---- rendering ---- */

/* How a frame is coloured (and named in the legend). */
typedef enum an_flame_kind {
	AN_FLAME_JS = 0,      /* an ordinary (JS) function: warm colours */
	AN_FLAME_NATIVE = 1,  /* a builtin or native function (no url) */
	AN_FLAME_GC = 2,      /* (garbage collector) */
	AN_FLAME_IDLE = 3,    /* (idle) */
	AN_FLAME_PROGRAM = 4, /* (program), (root) */
	AN_FLAME_ELIDED = 5   /* an elided sliver */
} an_flame_kind;

typedef enum an_flame_format {
	AN_FLAME_SVG = 0,
	AN_FLAME_PNG = 1,
	AN_FLAME_PDF = 2
} an_flame_format;

/* What the renderer asks of the caller, per key. */
typedef struct an_flame_labels {
	/* the frame's label (any bytes: invalid UTF-8 and control
	 * characters are replaced when drawn) */
	an_str (*label)(uint32_t key, const void *ctx);
	/* where it comes from ("url:line:col"), for the SVG tooltips; may
	 * return an empty string */
	an_str (*location)(uint32_t key, const void *ctx);
	an_flame_kind (*kind)(uint32_t key, const void *ctx);
	const void *ctx;
	/* the legend's name of each kind (AN_FLAME_ELIDED + 1 of them), or
	 * NULL for the CPU names ("JavaScript", "native / builtin", ...) */
	const char *const *kind_names;
} an_flame_labels;

typedef enum an_flame_unit {
	AN_FLAME_US = 0,   /* weights are microseconds */
	AN_FLAME_BYTES = 1 /* weights are bytes */
} an_flame_unit;

/* How frames are coloured (an_flame_render_opts.palette). In every
 * palette idle, program and elided frames keep their greys, and a frame's
 * shade is hashed from its label (same label, same colour). */
typedef enum an_flame_palette {
	AN_FLAME_PALETTE_KIND = 0, /* a hue per kind: JS warm, native aqua,
				      GC purple (the default) */
	AN_FLAME_PALETTE_HOT = 1,  /* flamegraph.pl's "hot": every function
				      red to yellow */
	AN_FLAME_PALETTE_MEM = 2,  /* flamegraph.pl's "mem": greens */
	AN_FLAME_PALETTE_GRAY = 3  /* greys, for print */
} an_flame_palette;

typedef struct an_flame_render_opts {
	unsigned version;        /* AN_FLAME_RENDER_OPTS_VERSION (1: the
				    fields up to delta only) */
	an_flame_format format;
	an_flame_unit unit;
	double width;            /* image width in px (default 1200) */
	double frame_height;     /* px per row (default 16) */
	const char *title;       /* NULL: "Flame Graph" */
	const char *subtitle;    /* NULL: "total <weight>" */
	int inverted;            /* icicle: the root at the top */
	/* differential colouring: per rectangle -1..1, red as it tends to
	 * 1 (grew), blue to -1 (shrank), white at 0; NULL: by kind */
	const double *delta;
	/* version 2: */
	double height;           /* image height in px, 100..32767: rows
				    share what the headings and legend leave
				    (at most 24 px each, at least 1; rows
				    that do not fit are cut); 0: from the
				    depth (frame_height per row) */
	an_flame_palette palette; /* not used with delta */
} an_flame_render_opts;

#define AN_FLAME_RENDER_OPTS_VERSION 2
#define AN_FLAME_RENDER_OPTS_INIT                                             \
	{ AN_FLAME_RENDER_OPTS_VERSION, AN_FLAME_SVG, AN_FLAME_US, 1200, 16,  \
	  NULL, NULL, 0, NULL, 0, AN_FLAME_PALETTE_KIND }

/* Receives the image bytes in order; returns non-zero to stop (the
 * render then fails with AN_EIO). */
typedef int (*an_flame_write_cb)(const void *data, size_t len,
				 void *payload);

/*
 * Draws f. The picture's height follows from the depth: 86 px of
 * headings and legend plus frame_height per row; when that would pass
 * 32,767 px (cairo's limit) the rows get thinner, down to 1 px (labels
 * from 8 px), and rows past the limit are not drawn. With o->height the
 * picture is that tall and the rows fit it the same way. Deterministic: the
 * same layout, labels and options give the same bytes (PNG, SVG; PDF
 * carries cairo's creation date).
 * @return AN_OK; AN_EINVAL (bad options); AN_EIO (write failed);
 *         AN_ENOMEM.
 */
AN_API int an_flame_render(const an_flame *f, const an_flame_labels *l,
			   const an_flame_render_opts *o,
			   an_flame_write_cb write, void *payload,
			   an_error *err);

/*
 * Writes f in speedscope's file format (a "sampled" profile named
 * `name`): a frame per key (name from l->label, "file" from
 * l->location), a sample per box with a weight of its own, its stack
 * root first, weighted by that own weight (an elided box: its width, as
 * a frame "(elided: N frames)"), so speedscope's left-heavy and sandwich
 * views show the same tree. Unit microseconds or bytes.
 * @return AN_OK; AN_EINVAL; AN_EIO (write failed); AN_ENOMEM.
 */
AN_API int an_flame_speedscope(const an_flame *f, const an_flame_labels *l,
			       an_flame_unit unit, const char *name,
			       an_flame_write_cb write, void *payload,
			       an_error *err);

AN_END_DECL

#endif

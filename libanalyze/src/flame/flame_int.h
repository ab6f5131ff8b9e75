/*
 * flame_int.h - the laid-out flame graph (an_flame), shared by the
 * layout (flame.c) and the renderer (render/render.c).
 */
#ifndef AN_FLAME_INT_H
#define AN_FLAME_INT_H

#include "analyze/flame.h"
#include "core/common_int.h"

struct an_flame {
	an_flame_rect *r; /* depth first, parents before children */
	uint32_t n;
	uint32_t cap;
	double total;     /* the root's width */
	uint32_t depth;   /* rows */
};

/* an_flame_render(), where an SVG of at least par_min drawn frames is
 * drawn on two threads (render.c; tests choose: UINT32_MAX draws on
 * one) */
AN_HIDDEN int an__flame_render(const an_flame *f, const an_flame_labels *l,
			       const an_flame_render_opts *o,
			       an_flame_write_cb write, void *payload,
			       uint32_t par_min, an_error *err);

#endif

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

#endif

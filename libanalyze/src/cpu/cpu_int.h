/*
 * cpu_int.h - the analysed CPU profile (an_cpu) shared by the analysis
 * (analyze.c) and the reports built on it: hot lines (lines.c), callers
 * and callees trees (sandwich.c) and folded stacks (folded.c).
 */
#ifndef AN_CPU_INT_H
#define AN_CPU_INT_H

#include "analyze/cpu.h"
#include "core/sort.h"
#include "cpu/profile_int.h"

struct an_cpu {
	const an_profile *p;   /* borrowed */
	an_weights weights;
	double total_us;       /* window total */
	uint32_t samples;      /* samples in the window */
	double hit_us;         /* weight of one hit (hits mode) */
	uint32_t i0, i1;       /* sample window [i0, i1) */
	int windowed;          /* a window was requested */
	double *self;          /* per node */
	double *total;         /* per node */
	double *gc_on;         /* GC time drawn on top of node (time mode) */
	uint32_t *gc_parent;   /* per sample in window: node under GC, or
				  AN_NONE (time mode only) */
	double *fself;         /* per function */
	double *ftotal;        /* per function */
	uint32_t *order;       /* listed functions */
	uint32_t norder;
};

/* Duration of sample i in µs: to the next sample, or the profile's last
 * duration for the last one. */
static inline double an__cpu_duration(const an_profile *p, uint32_t i)
{
	if (i + 1 < p->sample_count)
		return (double)(p->sample_ts[i + 1] - p->sample_ts[i]);
	return p->last_duration;
}

/* ---- stack filters (stackfilter.c) ---- */

/* Filter state bits of a node's stack: an included frame, an excluded */
enum { F_INC = 1, F_EXC = 2 };

/* Per node (caller frees; NULL when out of memory): the filter state of
 * its stack root..node; *gc_mark gets (garbage collector)'s own. */
AN_HIDDEN uint8_t *an__cpu_filter_marks(const an_profile *p,
					const an_filter *f, uint8_t *gc_mark);
/* 1 when the filter keeps node v's stack (with gc: and GC on top of
 * it); always 1 without marks. */
AN_HIDDEN int an__cpu_stack_passes(const an_filter *f, const uint8_t *nm,
				   uint8_t gc_mark, uint32_t v, int gc);

#endif

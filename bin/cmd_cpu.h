/*
 * cmd_cpu.h - what the cpu commands' frontends share (cmd_cpu.c, the
 * pictures in cmd_cpu_flame.c, the comparison in cmd_cpu_diff.c): a
 * loaded profile and the pieces of its reports.
 */
#ifndef CMD_CPU_H
#define CMD_CPU_H

#include <stdio.h>

#include "fe/fe.h"

/* A loaded and analysed profile. */
typedef struct job {
	const char *path;
	an_source *src;
	an_profile *prof;
	an_cpu *cpu;
} job;

/* Loads and analyses `path` into j (a progress bar when bar_ok allows);
 * on failure err says why and nothing is printed. */
int job_run(job *j, const char *path, const fe_opts *o, int bar_ok,
	    an_error *err);
void job_free(job *j);
/* The stderr note of a profile without samples (in its window). */
void empty_window(const char *path, const fe_opts *o);
const char *weights_name(an_weights w);
/* 1 when j is a heap profile: weights are bytes */
int job_bytes(const job *j);
/* the weights and the count they come from, for text headers */
const char *weights_text(char *buf, size_t cap, const job *j);
/* part in % of whole (0 when whole is 0) */
double pct(double part, double whole);
/* text: "name  url:line:col" of the an_function ctx */
void frame_text(FILE *f, const void *ctx);

/* name, url and 1-based line and column of a function (0: none) */
#define FRAME_COLS                                                            \
	{"name", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},                        \
	{"url", FE_T_STR, FE_IN_DATA, NULL, 0, 0, 0},                         \
	{"line", FE_T_INT, FE_IN_DATA, NULL, 0, 0, 0},                        \
	{"column", FE_T_INT, FE_IN_DATA, NULL, 0, 0, 0}

enum { C_NAME, C_URL, C_LINE, C_COL };

void frame_vals(fe_val *v, an_str name, an_str url, int64_t line,
		int64_t col);
/* 1 when the filter keeps function fi (name or url) */
int fn_passes(const an_profile *p, uint32_t fi, const an_filter *flt);

/* ---- pictures (cmd_cpu_flame.c) ---- */

/* What the renderer asks per function (the layout's keys). */
typedef struct flame_names {
	const an_profile *p;
	char *loc;      /* scratch for one location at a time */
	size_t loc_cap;
} flame_names;

/* The labels of p's functions for the renderer (NULL: out of memory,
 * said); free with flame_names_free(). */
flame_names *flame_names_new(an_flame_labels *lab, const an_profile *p);
void flame_names_free(flame_names *n);
/* `cpu flame`: the graph or chart of j in format fmt to out */
int do_flame(fe_out *out, const job *j, const fe_opts *o, int fmt);

/* `cpu diff BASE TARGET` (cmd_cpu_diff.c), options parsed */
int do_diff(const fe_opts *o);

#endif

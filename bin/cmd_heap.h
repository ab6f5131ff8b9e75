/*
 * cmd_heap.h - what the heap commands' frontends share (cmd_heap.c,
 * cmd_heap_flame.c, cmd_heap_diff.c, cmd_heap_leaks.c): a loaded
 * snapshot and the text/JSON pieces they print with.
 */
#ifndef CMD_HEAP_H
#define CMD_HEAP_H

#include <stdio.h>

#include "fe/fe.h"

/* A loaded and analysed snapshot. */
typedef struct hjob {
	const char *path;
	an_source *src;
	an_heap *heap;
} hjob;

/* Loads path (progress bar when allowed; sha256 when asked; the memory
 * of an earlier load from `pool`, which may be NULL, and the heap's left
 * there when freed); the error is reported. FE_EXIT_OK or
 * FE_EXIT_ERROR. */
int hjob_load(hjob *j, const char *path, int want_sha, an_heap_pool *pool);
void hjob_free(hjob *j);
/* "12.3 MB"-style size for text output */
void human(char *buf, size_t cap, uint64_t bytes);
/* The four location columns of a class keyed by its constructor, in a
 * row: v[0..3] = location (json: its JSON writer), script, line, column
 * (1-based), or all null for a class without one. */
void location_vals(fe_val *v, int has_location, uint32_t script_id,
		   uint32_t line, uint32_t column, fe_val json);
/* JSON object {script_id, line, column} of a 0-based location, 1-based */
void put_location_json(FILE *f, uint32_t script, uint32_t line,
		       uint32_t column);
/* text: a class name and, when it has one, its constructor's location */
void put_class_text(FILE *f, an_str name, int has_location,
		    uint32_t script, uint32_t line, uint32_t column);
/* JSON members edge_name and edge_type of edge e */
void edge_json(FILE *f, const an_heap *h, uint32_t e);

/* a path step's edge, DevTools' notation; indexes (and numeric names)
 * vary in a group: * (cmd_heap_diff.c) */
void group_edge_text(FILE *f, const an_heap *h, uint32_t e);
/* the class name of node n */
an_str node_class_name(const an_heap *h, uint32_t n);

/* `heap flame FILE` (cmd_heap_flame.c), options parsed */
int run_flame(const fe_opts *o, const char *cmdname);

/* `heap diff BASE TARGET` (cmd_heap_diff.c), options parsed */
int run_diff(const fe_opts *o, const char *cmdname);

/* `heap leaks BASE TARGET [FINAL]` (cmd_heap_leaks.c), options
 * parsed */
int run_leaks(const fe_opts *o, const char *cmdname);

#endif

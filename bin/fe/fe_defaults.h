/*
 * fe_defaults.h - the defaults of profkit's options and the limits of its
 * text layout, named once: the commands and their --help texts both use
 * these (FE_XSTR() puts a number into a help string).
 */
#ifndef FE_DEFAULTS_H
#define FE_DEFAULTS_H

#define FE_STR_(x) #x
#define FE_XSTR(x) FE_STR_(x)

/* -n: rows of a table report (cpu top/lines, heap summary/top) and edges
 * each way of heap show */
#define FE_DEFAULT_ROWS 25
/* heap dominators: --depth levels below the object, -n children each */
#define FE_DEFAULT_DOM_DEPTH 4
#define FE_DEFAULT_DOM_CHILDREN 10
/* heap retainers: --depth steps (as far as DevTools' view expands) and
 * --paths chains */
#define FE_DEFAULT_CHAIN_STEPS 20
#define FE_DEFAULT_PATHS 1
#define FE_DEFAULT_EXPLAIN 5 /* heap diff --explain, text */
/* heap summary --db: heap_object rows besides the root without
 * --all-objects */
#define FE_DB_TOP_OBJECTS 1000

/* text: characters shown before a ".." cut */
#define FE_TEXT_FUNCTION_MAX 120 /* a function name */
#define FE_TEXT_CLASS_MAX 100    /* a class in heap summary */
#define FE_TEXT_CLASS_SHORT 60   /* a class before @id */
#define FE_TEXT_EDGE_MAX 80      /* an edge name */
#define FE_TEXT_NODE_FULL 200    /* an object's name in heap show */
#define FE_TEXT_NODE_NAME 60     /* ... in heap top, a dominator */
#define FE_TEXT_NODE_SHORT 40    /* ... in a tree, chain or edge list */
/* text: indentation stops growing at these depths */
#define FE_TEXT_TREE_DEPTH 60    /* cpu tree, callers, callees */
#define FE_TEXT_DOM_DEPTH 40     /* heap dominators */
#define FE_TEXT_CHAIN_DEPTH 20   /* heap retainers */

#endif

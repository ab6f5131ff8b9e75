/*
 * heap_check.h - helpers shared by the heap tests (test_heap_*.c): tiny
 * snapshots from strings, node names and classes, tiny.heapsnapshot's
 * node ordinals, and the heap oracle's expected files
 * (fixtures/heap/expected/, read with yajl_tree). Each helper aborts the
 * test on failure.
 */
#ifndef AN_TEST_HEAP_CHECK_H
#define AN_TEST_HEAP_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include <analyze/analyze.h>

/* ---- loading: fx_load_heap*, fx_must_load_heap, fx_heap_rel
 * (helpers/fixture.c) ---- */

#define load_file(out, rel, chunk, err)                                       \
	fx_load_heap((out), fx_path(rel), (chunk), (err))
#define must_load(rel) fx_must_load_heap(rel)
#define snapshot_rel(base) fx_heap_rel(base)

/* A snapshot from a JSON string, loaded whole. */
an_heap *must_load_str(const char *json);

/* Whether s holds exactly the C string c. */
int str_is(an_str s, const char *c);

/* The class name of node n. */
const char *class_name(const an_heap *h, uint32_t n);

/* Display name into a malloc'ed buffer (names can be long). */
char *node_name(const an_heap *h, uint32_t n);

/* ---- tiny.heapsnapshot, read by hand ----
 *
 * meta: node_fields type,name,id,self_size,edge_count,trace_node_id,
 * detachedness (7 values per node, so to_node = 7 x ordinal); node_types
 * 0 hidden 1 array 2 string 3 object 5 closure 8 native 9 synthetic; edge
 * types 0 context 1 element 2 property 3 internal 4 hidden 5 shortcut
 * 6 weak. 17 nodes, ids 2 x ordinal + 1:
 *
 *  ord id type      name                        self edges
 *   0   1 synthetic ""  (the root)                 0  e0 element 1 -> 1,
 *                                                     e1 shortcut "2" -> 2
 *   1   3 synthetic (GC roots)                     0  e2 element 1 -> 2,
 *                                                     e3 element 2 -> 11
 *   2   5 object    global                        40  e4..e8 property wm->3,
 *                      key->5, list->13, onTick->9, ref->15;
 *                      e9 internal script_context->10
 *   3   7 object    WeakMap                       24  e10 internal table->4
 *   4   9 array     ""  (the WeakMap's table)     64  e11 weak "1"->5,
 *                      e12 weak "2"->6, e13 internal "5 / part of key
 *                      (Object @11) -> value (Object @13) pair in WeakMap
 *                      (table @9)" -> 6
 *   5  11 object    Object (the key)              32  e14 a->7, e15 b->13,
 *                      e16 internal properties->8, e17 internal "3 / part of
 *                      key (Object @11) -> value ... (table @9)" -> 6
 *   6  13 object    Object (the value)            32  e18 a->7, e19 b->9,
 *                      e20 internal properties->8, e21 hidden 1 -> 14
 *   7  15 string    hello                         24
 *   8  17 hidden    system / PropertyArray        24
 *   9  19 closure   onTick                        32  e22 internal context->10
 *  10  21 object    system / Context              40  e23 context text->11,
 *                                                     e24 context greeting->7
 *  11  23 string    external text: ...            40  e25 internal data->12
 *  12  25 native    system / ExternalStringData 4096
 *  13  27 object    Array                         32  e26 element 0->5,
 *                                                     e27 element 1->7
 *  14  29 hidden    system / Oddball              16
 *  15  31 object    WeakRef                       24  e28 weak target->16
 *  16  33 object    Lonely                        48  e29 property label->7
 *
 * Sum of self sizes: 40+24+64+32+32+24+24+32+40+40+4096+32+16+24+48 = 4568.
 * locations (object_index, script_id, line, column): (63 = onTick, 3, 2,
 * 17) and (112 = Lonely, 3, 10, 4).
 */
enum {
	T_ROOT, T_GCROOTS, T_GLOBAL, T_WEAKMAP, T_TABLE, T_KEY, T_VALUE,
	T_HELLO, T_PROPS, T_ONTICK, T_CONTEXT, T_EXTSTR, T_EXTDATA, T_ARRAY,
	T_ODDBALL, T_WEAKREF, T_LONELY, T_COUNT
};

/* fixtures/heap/tiny.heapsnapshot, loaded whole. */
an_heap *load_tiny(void);

/* ---- the oracle's files ---- */

/* fixtures/<rel> parsed; caller frees with yajl_tree_free. */
yajl_val read_json(const char *rel);

/* obj[key] of type t / an integer / a string. */
yajl_val jget(yajl_val obj, const char *key, yajl_type t);
long long jint(yajl_val obj, const char *key);
const char *jstr(yajl_val obj, const char *key);

/* JavaScript's String length: UTF-16 code units of UTF-8 text. */
size_t utf16_len(const char *s);

/* Our display name against the oracle's, which it cut to `cut` UTF-16
 * units (adding `ellipsis` when it did). */
void expect_name(const char *ours, const char *theirs, size_t cut,
		 int ellipsis, const char *ctx);

/*
 * One node of the oracle's output ({id, name, class, type, distance,
 * self_size, retained_size}) against ours. Distances are compared raw:
 * -5 (unreachable) and >= 100000000 (system) are what DevTools computes
 * too, and it shows both as "-".
 */
void expect_node(const an_heap *h, uint32_t n, yajl_val o, size_t name_cut,
		 int ellipsis, const char *ctx);

#endif

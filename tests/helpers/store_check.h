/*
 * store_check.h - helpers shared by the results-database tests
 * (test_store_*.c): the hand-made profile below, a temporary directory
 * per test (store_setup/store_teardown, the suite's .init/.fini), loading
 * and storing a profile, and reading the database back. Each helper
 * aborts the test on failure.
 */
#ifndef AN_TEST_STORE_CHECK_H
#define AN_TEST_STORE_CHECK_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"
#include "analyze/store.h"

/*
 * Hand-made profile. Tree (node id: function):
 *
 *   10 (root) ─┬─ 20 main (app.js:1:1) ─┬─ 30 foo (app.js:5:3)
 *              │                        └─ 40 bar (lib.js:10:1)
 *              └─ 50 (idle)
 *
 * samples 20,30,30,20,40,50 at t = 0,10,...,50: every sample lasts 10 µs
 * (the last one lasts the mean interval, 50 / 5 = 10). Total 60 µs.
 *   node self:  root 0, main 20, foo 20, bar 10, idle 10
 *   node total: root 60, main 50, foo 20, bar 10, idle 10
 * Hot lines: 6 hits over a 60 µs sampled span = 10 µs per tick:
 *   app.js:1 2 ticks 20 µs; app.js:5, app.js:6, lib.js:10 1 tick 10 µs.
 */
#define NODE(id, name, script, url, line, col, hits, rest)                    \
	"{\"id\":" #id ",\"callFrame\":{\"functionName\":\"" name             \
	"\",\"scriptId\":\"" script "\",\"url\":\"" url                       \
	"\",\"lineNumber\":" #line ",\"columnNumber\":" #col                  \
	"},\"hitCount\":" #hits rest "}"

#define PROFILE(foo_name)                                                     \
	"{\"nodes\":["                                                        \
	NODE(10, "(root)", "0", "", -1, -1, 0,                                \
	     ",\"children\":[20,50]") ","                                     \
	NODE(20, "main", "7", "file:///app.js", 0, 0, 2,                      \
	     ",\"children\":[30,40],\"positionTicks\":"                       \
	     "[{\"line\":1,\"ticks\":2}]") ","                                \
	NODE(30, foo_name, "7", "file:///app.js", 4, 2, 2,                    \
	     ",\"positionTicks\":[{\"line\":5,\"ticks\":1},"                  \
	     "{\"line\":6,\"ticks\":1}]") ","                                 \
	NODE(40, "bar", "8", "file:///lib.js", 9, 0, 1,                       \
	     ",\"positionTicks\":[{\"line\":10,\"ticks\":1}]") ","            \
	NODE(50, "(idle)", "0", "", -1, -1, 1, "")                            \
	"],\"startTime\":0,\"endTime\":60,"                                   \
	"\"samples\":[20,30,30,20,40,50],"                                    \
	"\"timeDeltas\":[0,10,10,10,10,10]}"

/* PROFILE("foo"); the same with a hostile foo (see test_store_cpu.c); the
 * artifact row's meta. */
extern const char profile_json[];
extern const char hostile_json[];
extern const char meta_json[];

/* A loaded and analysed profile plus what the artifact row needs. */
typedef struct fixture {
	an_source *src;
	an_profile *p;
	an_cpu *c;
	char sha[65];
	size_t bytes;
} fixture;

/* A fresh temporary directory for the test's databases / its removal. */
void store_setup(void);
void store_teardown(void);

/* The path of `name` in the test's directory. */
void dbpath(char *buf, size_t cap, const char *name);

/* Loads and analyses a profile from JSON (with options / the defaults). */
void load_opts(fixture *f, const char *json, const an_cpu_opts *o);
void load(fixture *f, const char *json);
void unload(fixture *f);

/* Stores artifact + CPU analysis in an open store; returns the id. */
int64_t put(an_store *s, const fixture *f, const char *path);

/* One complete committed run. */
int64_t store_run(const char *db, const fixture *f, const char *path);

/* The database read-only; a prepared statement; the value of a one-row,
 * one-column integer query. */
sqlite3 *db_open(const char *path);
sqlite3_stmt *prep(sqlite3 *db, const char *sql);
int64_t q_int(sqlite3 *db, const char *sql);

/* A whole file (caller frees); the file still holds exactly `before`. */
char *slurp(const char *path, size_t *len);
void assert_same_bytes(const char *path, const char *before,
		       size_t before_len);

/* Files in the temp dir other than those named in `keep`. */
int stray_files(const char *keep);

#endif

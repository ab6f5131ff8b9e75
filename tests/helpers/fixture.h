/*
 * fixture.h - test helpers: fixture paths from $AN_FIXTURES_DIR, loading
 * artifacts from files or strings, and a small JSON reader (yajl_tree)
 * for the oracle's expected values.
 */
#ifndef AN_TEST_FIXTURE_H
#define AN_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <analyze/analyze.h>

/* Absolute path of fixtures/<rel>; a buffer of the calling thread,
 * valid until its next call. */
const char *fx_path(const char *rel);

/* Makes the fifo `fifo` (a name reserved with mkstemp) anew and forks a
 * child that writes data into it with `w` (which must _exit); the
 * child's pid. Aborts the test when either fails. */
pid_t fx_fifo_fork(const char *fifo,
		   void (*w)(const char *, const uint8_t *, size_t),
		   const uint8_t *data, size_t n);

/* Reads a whole file; aborts the test on failure. Caller frees. */
char *fx_slurp(const char *path, size_t *len);

/* Loads a profile from a file (chunk limit 0 = none); returns the status
 * and fills err. */
int fx_load_profile(an_profile **out, const char *path, size_t chunk,
		    an_error *err);
/* The profile of thread pid:tid of a trace (an_profile_load_opts.pick). */
int fx_load_profile_pick(an_profile **out, const char *path, int64_t pid,
			 int64_t tid, an_error *err);

/* Loads a profile from a NUL-terminated JSON string. */
int fx_load_string(an_profile **out, const char *json, size_t chunk,
		   an_error *err);

/* Loads a heap snapshot from a file / from memory (chunk limit 0 =
 * none); returns the status and fills err. */
int fx_load_heap(an_heap **out, const char *path, size_t chunk,
		 an_error *err);
int fx_load_heap_mem(an_heap **out, const void *data, size_t len,
		     size_t chunk, an_error *err);

/* fixtures/heap/<base>.heapsnapshot(.gz) loaded whole; aborts the test on
 * failure. */
an_heap *fx_must_load_heap(const char *rel);

/* "heap/<base>.heapsnapshot", ".gz" but for tiny; a buffer of the
 * calling thread. */
const char *fx_heap_rel(const char *base);

/* FNV-1a of n bytes onto h (start from FX_FNV_INIT), for digests. */
#define FX_FNV_INIT 0xcbf29ce484222325ull
uint64_t fx_fnv(uint64_t h, const void *p, size_t n);

/* Function index by (name, url, 0-based line, 0-based column), or
 * AN_NONE. */
uint32_t fx_find_function(const an_profile *p, const char *name,
			  const char *url, int line, int column);

/* First function named `name`, or AN_NONE. */
uint32_t fx_function_named(const an_profile *p, const char *name);

#endif

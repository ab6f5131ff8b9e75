/*
 * fixture.h - test helpers: fixture paths from $AN_FIXTURES_DIR, loading
 * artifacts from files or strings, and a small JSON reader (yajl_tree)
 * for the oracle's expected values.
 */
#ifndef AN_TEST_FIXTURE_H
#define AN_TEST_FIXTURE_H

#include <stddef.h>

#include <analyze/analyze.h>

/* Absolute path of fixtures/<rel>; static buffer, valid until next call. */
const char *fx_path(const char *rel);

/* Reads a whole file; aborts the test on failure. Caller frees. */
char *fx_slurp(const char *path, size_t *len);

/* Loads a profile from a file (chunk limit 0 = none); returns the status
 * and fills err. */
int fx_load_profile(an_profile **out, const char *path, size_t chunk,
		    an_error *err);

/* Loads a profile from a NUL-terminated JSON string. */
int fx_load_string(an_profile **out, const char *json, size_t chunk,
		   an_error *err);

/* Function index by (name, url, 0-based line, 0-based column), or
 * AN_NONE. */
uint32_t fx_find_function(const an_profile *p, const char *name,
			  const char *url, int line, int column);

/* First function named `name`, or AN_NONE. */
uint32_t fx_function_named(const an_profile *p, const char *name);

#endif

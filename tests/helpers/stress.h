/*
 * stress.h - thread checks of the library's threading contract (every
 * read-only query from several threads, on the same model and on
 * different ones; loads side by side). Each returns the number of
 * mismatches against a single-threaded run (0 = pass), or -1 when the
 * check could not run; `why` receives a one-line reason.
 */
#ifndef AN_TEST_STRESS_H
#define AN_TEST_STRESS_H

#include <stddef.h>

int stress_cpu(char *why, size_t cap);
int stress_heap(char *why, size_t cap);
int stress_load(char *why, size_t cap);
/* One trace loaded at once by several threads, each with its event array
 * cut into pieces of another size for threads of its own. */
int stress_split(char *why, size_t cap);

#endif

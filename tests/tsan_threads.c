/*
 * tsan_threads.c - the thread checks of helpers/stress.c as a plain
 * program, for the ThreadSanitizer build (`make tsan`): Criterion's
 * runner cannot start under TSan. Prints one line per check and a
 * closing "N passed, N failed"; exits 1 when any check failed.
 */
#include <stdio.h>

#include "stress.h"

int main(void)
{
	static const struct {
		const char *name;
		int (*fn)(char *, size_t);
	} checks[] = {{"cpu_queries", stress_cpu},
		      {"heap_queries", stress_heap},
		      {"loads_side_by_side", stress_load},
		      {"trace_in_pieces", stress_split}};
	int i, passed = 0, failed = 0;

	for (i = 0; i < (int)(sizeof(checks) / sizeof(checks[0])); i++) {
		char why[256] = "";
		int r = checks[i].fn(why, sizeof(why));
		printf("%s: %s%s%s\n", checks[i].name, r ? "FAIL" : "ok",
		       r ? ": " : "", why);
		if (r)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

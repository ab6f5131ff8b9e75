/*
 * test_threads.c - the library's threading contract, tried: several
 * threads run every read-only query at once, on the same model and on
 * different models, and each must get exactly what one thread alone gets
 * (helpers/stress.c does the work).
 *
 * How it can fail: a shared mutable static (a comparator context, a
 * cache, a scratch buffer) lets one thread's query see another's data.
 * With cpu.c's former file-scope comparator contexts, the CPU case
 * crashed in 3 runs of 3 of a Release build. `make tsan` runs the same
 * checks under ThreadSanitizer (tsan_threads.c), which also reports a
 * race whose digests happen to agree.
 */
#include <criterion/criterion.h>

#include "stress.h"

TestSuite(threads, .timeout = 240);

Test(threads, cpu_queries_on_same_and_different_profiles)
{
	char why[256] = "";

	cr_expect_eq(stress_cpu(why, sizeof(why)), 0, "%s", why);
}

Test(threads, heap_queries_on_same_and_different_heaps)
{
	char why[256] = "";

	cr_expect_eq(stress_heap(why, sizeof(why)), 0, "%s", why);
}

Test(threads, loads_side_by_side)
{
	char why[256] = "";

	cr_expect_eq(stress_load(why, sizeof(why)), 0, "%s", why);
}

Test(threads, a_trace_skimmed_in_pieces_by_threads)
{
	char why[256] = "";

	cr_expect_eq(stress_split(why, sizeof(why)), 0, "%s", why);
}

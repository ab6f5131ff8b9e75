/*
 * test_heap_threads.c - a loaded heap answers queries from several
 * threads at once, and two heaps load at once.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "heap_check.h"
#include "heap/heap_int.h"

static an_heap *heap;

static void fini(void)
{
	an_heap_free(heap);
	heap = NULL;
}

TestSuite(heap, .fini = fini, .timeout = 120);

/* ---- threads ----
 * A loaded heap answers queries from several threads at once, and two
 * heaps can be loaded at once: every sort carries its own keys (a static
 * comparator context crashed four threads querying one heap). */

typedef struct chain_job {
	const an_heap *h;
	uint32_t first, step, n;
	uint64_t digest;
	int rc;
} chain_job;

static void *chain_worker(void *arg)
{
	chain_job *j = arg;
	uint32_t i, k;

	j->digest = 1469598103934665603ull;
	for (i = 0; i < j->n; i++) {
		an_heap_retainer *c = NULL;
		uint32_t len = 0;
		an_error err;
		uint32_t v = (j->first + i * j->step) % an_heap_node_count(j->h);
		if (an_heap_retainer_chain(&c, &len, j->h, v, i % 3, 0, &err)) {
			j->rc = -1;
			return NULL;
		}
		for (k = 0; k < len; k++)
			j->digest = (j->digest ^ c[k].edge ^
				     ((uint64_t)c[k].from << 32)) *
				    1099511628211ull;
		j->digest = (j->digest ^ len) * 1099511628211ull;
		an_heap_retainers_free(c);
	}
	return NULL;
}

typedef struct load_job {
	char rel[128];
	an_heap *h;
	int rc;
} load_job;

static void *load_worker(void *arg)
{
	load_job *j = arg;
	an_error err;

	j->rc = load_file(&j->h, j->rel, 0, &err);
	return NULL;
}

Test(heap, threads_share_a_heap_and_load_two)
{
	an_heap *h = must_load(snapshot_rel("leak"));
	chain_job one[4], many[4];
	load_job lj[2];
	pthread_t tid[4];
	uint32_t i, c;

	for (i = 0; i < 4; i++) {
		memset(&one[i], 0, sizeof(one[i]));
		one[i].h = h;
		one[i].first = 1000 + i * 7;
		one[i].step = 977;
		one[i].n = 150;
		many[i] = one[i];
		chain_worker(&one[i]); /* alone */
		cr_assert_eq(one[i].rc, 0);
	}
	for (i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&tid[i], NULL, chain_worker,
					    &many[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		cr_expect_eq(many[i].rc, 0);
		cr_expect_eq(many[i].digest, one[i].digest,
			     "thread %u: chains differ from one thread's", i);
	}
	for (i = 0; i < 2; i++) {
		/* snapshot_rel() returns one static buffer: copy */
		snprintf(lj[i].rel, sizeof(lj[i].rel), "%s",
			 snapshot_rel(i ? "baseline" : "leak"));
		lj[i].h = NULL;
		cr_assert_eq(pthread_create(&tid[i], NULL, load_worker, &lj[i]),
			     0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(tid[i], NULL);
		cr_assert_eq(lj[i].rc, AN_OK);
	}
	/* leak loaded beside baseline: the same Summary as alone */
	{
		const uint32_t *oa, *ob;
		uint32_t na = an_heap_classes(lj[0].h, &oa);
		uint32_t nb = an_heap_classes(h, &ob);
		cr_assert_eq(na, nb, "leak beside baseline: %u classes, alone %u",
			     na, nb);
		for (c = 0; c < na; c++)
			cr_expect_eq(oa[c], ob[c], "class row %u", c);
	}
	an_heap_free(lj[0].h);
	an_heap_free(lj[1].h);
	an_heap_free(h);
}

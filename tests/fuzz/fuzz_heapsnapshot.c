/*
 * fuzz_heapsnapshot.c - libFuzzer target for the .heapsnapshot loader
 * and DevTools' pipeline behind it (seeded with the snapshots of
 * fixtures/heap and fixtures/bad/heap): bytes from memory through
 * an_source and an_heap_load(), then what `profkit heap` asks of it:
 * Statistics, the class list, top nodes, names, retainers, dominators.
 * Limits as `profkit` sets none: the loader's own must hold.
 */
#include "fuzz.h"

static void use_node(const an_heap *h, uint32_t n)
{
	an_heap_retainer *r = NULL;
	uint32_t *e = NULL, cnt = 0;
	an_error err;
	char name[256];
	size_t len;
	int rc;

	rc = an_heap_node_name(name, sizeof(name), &len, h, n, &err);
	fuzz_check_error(rc, &err, 0);
	rc = an_heap_retainers(&r, &cnt, h, n, &err);
	fuzz_check_error(rc, &err, 0);
	an_heap_retainers_free(r);
	r = NULL;
	rc = an_heap_retainer_chain(&r, &cnt, h, n, 0, 20, &err);
	fuzz_check_error(rc, &err, 0);
	an_heap_retainers_free(r);
	rc = an_heap_edges_by_target(&e, &cnt, h, n, &err);
	fuzz_check_error(rc, &err, 0);
	an_heap_indexes_free(e);
}

static void use_heap(const an_heap *h)
{
	an_heap_stats st;
	an_heap_dom_opts dopt = {3, 10, 0.0, 0};
	an_heap_dom_row *rows = NULL;
	uint32_t *top = NULL, cnt = 0, i, nn = an_heap_node_count(h);
	const uint32_t *order;
	an_error err;
	int rc;

	if (nn == 0 || an_heap_root(h) >= nn)
		abort();
	rc = an_heap_statistics(&st, h, &err);
	fuzz_check_error(rc, &err, 0);
	an_heap_classes(h, &order);
	rc = an_heap_top(&top, &cnt, h, 8, AN_HEAP_TOP_SORTED, &err);
	fuzz_check_error(rc, &err, 0);
	for (i = 0; rc == AN_OK && i < cnt; i++)
		use_node(h, top[i]);
	an_heap_indexes_free(top);
	top = NULL;
	rc = an_heap_top(&top, &cnt, h, 8, AN_HEAP_TOP_DOMINATOR_WALK, &err);
	fuzz_check_error(rc, &err, 0);
	an_heap_indexes_free(top);
	use_node(h, an_heap_root(h));
	rc = an_heap_dominator_rows(&rows, &cnt, h, an_heap_root(h), &dopt,
				    &err);
	fuzz_check_error(rc, &err, 0);
	an_heap_dominator_rows_free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	an_source *src = fuzz_source(data, size);
	an_heap *h = NULL;
	an_error err;
	int rc;

	if (!src)
		return 0;
	rc = an_heap_load(&h, src, NULL, &err);
	fuzz_check_error(rc, &err, an_source_is_gzip(src) ? 0 : size);
	if (rc == AN_OK)
		use_heap(h);
	an_heap_free(h);
	an_source_free(src);
	return 0;
}

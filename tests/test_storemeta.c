/*
 * test_storemeta.c - the artifact.meta JSON objects of store/meta.c,
 * equal to what `profkit ... --db` stored for the same fixtures before
 * the frontends left building them to the library (the counts are
 * fixtures/cpu/expected's and test_heap.c's tiny_statistics').
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "fixture.h"

static const char *const busy_meta =
	"{\"format\": \"cpuprofile\", \"gzip\": false, \"nodes\": 14, "
	"\"functions\": 14, \"samples\": 704, \"start_time\": 825817817, "
	"\"end_time\": 826254061, \"weights\": \"time\"}";

Test(storemeta, cpu_profile_with_and_without_a_window)
{
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	an_profile *p = NULL;
	an_cpu *c = NULL;
	an_error err;
	char *m = NULL;

	cr_assert_eq(fx_load_profile(&p, fx_path("cpu/busy_wait.cpuprofile"),
				     0, &err), AN_OK);
	cr_assert_eq(an_cpu_analyze(&c, p, &co, &err), AN_OK);
	cr_assert_eq(an_store_cpu_meta(&m, c, &co, 0, &err), AN_OK);
	cr_expect_str_eq(m, busy_meta);
	an_store_meta_free(m);
	cr_assert_eq(an_store_cpu_meta(&m, c, NULL, 0, &err), AN_OK);
	cr_expect_str_eq(m, busy_meta, "no options: no window");
	an_store_meta_free(m);
	an_cpu_free(c);
	an_profile_free(p);

	cr_assert_eq(fx_load_profile(&p, fx_path("cpu/trace_busy_wait.json"),
				     0, &err), AN_OK);
	co.weights = AN_WEIGHTS_HITS;
	co.from_us = 10000;
	co.to_us = 300000;
	cr_assert_eq(an_cpu_analyze(&c, p, &co, &err), AN_OK);
	cr_assert_eq(an_store_cpu_meta(&m, c, &co, 1, &err), AN_OK);
	cr_expect_str_eq(m, "{\"format\": \"trace\", \"gzip\": true, "
			    "\"nodes\": 14, \"functions\": 14, \"samples\": "
			    "704, \"start_time\": 825817817, \"end_time\": "
			    "826254061, \"weights\": \"hits\", \"from_us\": "
			    "10000, \"to_us\": 300000, \"profile\": "
			    "\"48213:1\"}");
	an_store_meta_free(m);
	an_cpu_free(c);
	an_profile_free(p);
}

Test(storemeta, heap_snapshot_top_or_all_objects)
{
	an_heap *h = fx_must_load_heap("heap/tiny.heapsnapshot");
	an_error err;
	char *m = NULL;

	cr_assert_eq(an_store_heap_meta(&m, h, 0, 1000, &err), AN_OK);
	cr_expect_str_eq(m,
		"{\"format\": \"heapsnapshot\", \"gzip\": false, "
		"\"node_count\": 17, \"edge_count\": 30, \"total_size\": 4568, "
		"\"extra_native_bytes\": 0, \"statistics\": {\"total\": 4568, "
		"\"v8_heap\": 4568, \"code\": 0, \"strings\": 4160, "
		"\"js_arrays\": 32, \"typed_arrays\": 0, \"system\": 24, "
		"\"native\": 0, \"other\": 352, \"other_native\": 0}, "
		"\"array_buffer_bytes\": 0, \"all_objects\": false, "
		"\"top_objects\": 1000}");
	an_store_meta_free(m);
	cr_assert_eq(an_store_heap_meta(&m, h, 1, AN_STORE_ALL_OBJECTS, &err),
		     AN_OK);
	cr_expect_str_eq(m,
		"{\"format\": \"heapsnapshot\", \"gzip\": true, "
		"\"node_count\": 17, \"edge_count\": 30, \"total_size\": 4568, "
		"\"extra_native_bytes\": 0, \"statistics\": {\"total\": 4568, "
		"\"v8_heap\": 4568, \"code\": 0, \"strings\": 4160, "
		"\"js_arrays\": 32, \"typed_arrays\": 0, \"system\": 24, "
		"\"native\": 0, \"other\": 352, \"other_native\": 0}, "
		"\"array_buffer_bytes\": 0, \"all_objects\": true}");
	an_store_meta_free(m);
	an_heap_free(h);
}

Test(storemeta, missing_model)
{
	an_error err;
	char *m = (char *)1;

	cr_expect_eq(an_store_cpu_meta(&m, NULL, NULL, 0, &err), AN_EINVAL);
	cr_expect_null(m);
	m = (char *)1;
	cr_expect_eq(an_store_heap_meta(&m, NULL, 0, 1, &err), AN_EINVAL);
	cr_expect_null(m);
}

/*
 * meta.c - the artifact.meta JSON object (docs/database.md): what kind of
 * file it was and the counts and options of its analysis, built from the
 * loaded artifact so that every frontend stores the same object.
 */
#include <inttypes.h>

#include "core/sbuf.h"
#include "store/store_int.h"

int an_store_cpu_meta(char **out, const an_cpu *c, const an_cpu_opts *o,
		      int gzip, an_error *err)
{
	const an_profile *p;
	an_sbuf sb = AN_SBUF_INIT;
	int64_t pid, tid;

	*out = NULL;
	if (!c)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing CPU analysis");
	p = an_cpu_profile(c);
	if (an_profile_kind(p) == AN_KIND_HEAPPROFILE) {
		/* sizes in bytes: the cpu tables' *_us hold bytes */
		uint64_t unknown, n = an_profile_heap_samples(p, &unknown);
		an__sbuf_printf(&sb,
			"{\"format\": \"heapprofile\", \"gzip\": %s, "
			"\"nodes\": %u, \"functions\": %u, \"samples\": "
			"%" PRIu64 ", \"unknown_samples\": %" PRIu64 ", "
			"\"total_size\": %" PRIu64 ", \"weights\": "
			"\"bytes\"}",
			gzip ? "true" : "false", an_profile_node_count(p),
			an_profile_function_count(p), n, unknown,
			an_profile_total_hits(p));
		return an__sbuf_take(&sb, out, err);
	}
	an__sbuf_printf(&sb,
		"{\"format\": \"%s\", \"gzip\": %s, \"nodes\": %u, "
		"\"functions\": %u, \"samples\": %u, \"start_time\": %lld, "
		"\"end_time\": %lld, \"weights\": \"%s\"",
		an_kind_name(an_profile_kind(p)), gzip ? "true" : "false",
		an_profile_node_count(p), an_profile_function_count(p),
		an_profile_sample_count(p),
		(long long)an_profile_start_time(p),
		(long long)an_profile_end_time(p),
		an_cpu_weights(c) == AN_WEIGHTS_HITS ? "hits" : "time");
	if (o && o->from_us != AN_CPU_UNBOUNDED)
		an__sbuf_printf(&sb, ", \"from_us\": %lld",
				(long long)o->from_us);
	if (o && o->to_us != AN_CPU_UNBOUNDED)
		an__sbuf_printf(&sb, ", \"to_us\": %lld",
				(long long)o->to_us);
	if (an_profile_thread(p, &pid, &tid))
		an__sbuf_printf(&sb, ", \"profile\": \"%lld:%lld\"",
				(long long)pid, (long long)tid);
	an__sbuf_printf(&sb, "}");
	return an__sbuf_take(&sb, out, err);
}

int an_store_heap_meta(char **out, const an_heap *h, int gzip,
		       uint32_t top_objects, an_error *err)
{
	an_heap_stats s;
	an_sbuf sb = AN_SBUF_INIT;
	int rc;

	*out = NULL;
	if (!h)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"missing heap snapshot");
	rc = an_heap_statistics(&s, h, err);
	if (rc < 0)
		return rc;
	an__sbuf_printf(&sb, "{\"format\": \"heapsnapshot\", \"gzip\": %s, "
		    "\"node_count\": %u, \"edge_count\": %u, \"total_size\": %"
		    PRIu64 ", \"extra_native_bytes\": %" PRIu64 ", ",
		gzip ? "true" : "false", an_heap_node_count(h),
		an_heap_edge_count(h), an_heap_total_size(h),
		an_heap_extra_native_bytes(h));
	an__sbuf_printf(&sb, "\"statistics\": {\"total\": %" PRIu64
		    ", \"v8_heap\": %" PRIu64 ", \"code\": %" PRIu64
		    ", \"strings\": %" PRIu64
		    ", \"js_arrays\": %" PRIu64 ", \"typed_arrays\": %" PRIu64
		    ", \"system\": %" PRIu64 ", \"native\": %" PRIu64
		    ", \"other\": %" PRIu64 ", \"other_native\": %" PRIu64
		    "}, \"array_buffer_bytes\": %" PRIu64,
		s.total, s.v8_heap, s.code, s.strings, s.js_arrays,
		s.typed_arrays, s.system, s.native, s.other, s.other_native,
		s.typed_arrays);
	if (top_objects == AN_STORE_ALL_OBJECTS)
		an__sbuf_printf(&sb, "%s", ", \"all_objects\": true}");
	else
		an__sbuf_printf(&sb,
				", \"all_objects\": false, \"top_objects\": "
				"%u}",
				top_objects);
	return an__sbuf_take(&sb, out, err);
}

void an_store_meta_free(char *meta)
{
	free(meta);
}

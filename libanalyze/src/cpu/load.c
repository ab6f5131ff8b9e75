/*
 * load.c - an_profile_load(): sniffs the artifact kind and dispatches to
 * the format loader. Sits above both the loaders and the builder.
 */
#include "analyze/sniff.h"
#include "cpu/profile_int.h"
#include "io/source_int.h"

static int load(an_profile **out, an_source *src, an_trace_summary *trace,
		const an__pick *pick, an_error *err)
{
	an_kind kind;
	int rc;

	rc = an_source_sniff(&kind, src, err);
	if (rc < 0)
		return rc;
	switch (kind) {
	case AN_KIND_CPUPROFILE:
		return an__cpuprofile_load(out, src, pick, err);
	case AN_KIND_TRACE:
		return an__trace_load(out, src, trace, pick, err);
	case AN_KIND_HEAPPROFILE:
		return an__heapprofile_load(out, src, err);
	case AN_KIND_UNKNOWN: {
		const uint8_t *d;
		size_t len;
		rc = an_source_peek(&d, &len, src, 1, err);
		if (rc < 0)
			return rc;
		if (len == 0)
			return an__fail(err, AN_EFORMAT, 0, "empty input");
		/* let the JSON parser say what is wrong, if anything */
		rc = an__cpuprofile_load(out, src, pick, err);
		return rc;
	}
	default:
		return an__fail(err, AN_EFORMAT, 0,
				"this is a %s, not a CPU profile",
				an_kind_name(kind));
	}
}

int an_profile_load(an_profile **out, an_source *src,
		    const an_profile_load_opts *opts, an_error *err)
{
	an__pick pick = {0, 0, 0};
	int rc;

	*out = NULL;
	if (opts && opts->version != 1 &&
	    opts->version != AN_PROFILE_LOAD_OPTS_VERSION)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown an_profile_load_opts version %u",
				opts->version);
	if (opts && opts->progress)
		an__source_set_progress(src, opts->progress, opts->payload);
	if (opts && opts->trace) {
		memset(opts->trace, 0, sizeof(*opts->trace));
		opts->trace->dflt = opts->trace->loaded = AN_NONE;
	}
	if (opts && opts->version >= 2 && opts->pick) {
		pick.on = 1;
		pick.pid = opts->pick_pid;
		pick.tid = opts->pick_tid;
	}
	rc = load(out, src, opts ? opts->trace : NULL, &pick, err);
	an__source_set_progress(src, NULL, NULL);
	return rc;
}

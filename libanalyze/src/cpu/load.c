/*
 * load.c - an_profile_load(): sniffs the artifact kind and dispatches to
 * the format loader. Sits above both the loaders and the builder.
 */
#include "analyze/sniff.h"
#include "cpu/profile_int.h"

int an_profile_load(an_profile **out, an_source *src, an_error *err)
{
	an_kind kind;
	int rc;

	*out = NULL;
	rc = an_source_sniff(&kind, src, err);
	if (rc < 0)
		return rc;
	switch (kind) {
	case AN_KIND_CPUPROFILE:
		return an__cpuprofile_load(out, src, err);
	case AN_KIND_TRACE:
		return an__trace_load(out, src, err);
	case AN_KIND_UNKNOWN: {
		const uint8_t *d;
		size_t len;
		rc = an_source_peek(&d, &len, src, 1, err);
		if (rc < 0)
			return rc;
		if (len == 0)
			return an__fail(err, AN_EFORMAT, 0, "empty input");
		/* let the JSON parser say what is wrong, if anything */
		rc = an__cpuprofile_load(out, src, err);
		return rc;
	}
	default:
		return an__fail(err, AN_EFORMAT, 0,
				"this is a %s, not a CPU profile",
				an_kind_name(kind));
	}
}

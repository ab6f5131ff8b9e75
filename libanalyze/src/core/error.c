/*
 * error.c - status code descriptions and filling the caller-owned error
 * record. No allocation here, so errors can be reported after OOM.
 */
#include <stdio.h>
#include <unistd.h>

#include "analyze/version.h"
#include "core/common_int.h"

const char *an_status_str(int code)
{
	switch (code) {
	case AN_OK: return "success";
	case AN_ERROR: return "unexpected error";
	case AN_ENOMEM: return "out of memory";
	case AN_EIO: return "input/output error";
	case AN_EPARSE: return "malformed JSON";
	case AN_EFORMAT: return "not a valid artifact";
	case AN_ELIMIT: return "limit exceeded";
	case AN_ENOTFOUND: return "not found";
	case AN_EINVAL: return "invalid argument";
	case AN_ECANCELED: return "canceled";
	case AN_EUSER: return "error in callback";
	case AN_EEXIST: return "already exists";
	default: return "unknown status";
	}
}

void an_error_clear(an_error *err)
{
	if (!err)
		return;
	err->code = AN_OK;
	err->offset = AN_NO_OFFSET;
	err->message[0] = '\0';
}

int an__fail(an_error *err, int code, uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

int an__grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return AN_OK;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return AN_ENOMEM;
		ncap *= 2;
	}
	p = an__reallocarray(*arr, ncap, size);
	if (!p)
		return AN_ENOMEM;
	*arr = p;
	*cap = ncap;
	return AN_OK;
}

uint64_t an__mem_total(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psize <= 0)
		return 0;
	return (uint64_t)pages * (uint64_t)psize;
}

/* The version from CMake's project(), through the generated header. */
const char *an_version(void)
{
	return AN_VERSION_STRING;
}

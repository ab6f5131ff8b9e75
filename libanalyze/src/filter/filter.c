/*
 * filter.c - include/exclude pattern sets over PCRE2 (the only user of
 * pcre2.h). Patterns are compiled once, JIT-compiled where possible, and
 * matched with explicit lengths (names may contain NUL).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "analyze/filter.h"
#include "core/common_int.h"

typedef struct pattern {
	pcre2_code *re;          /* compiled pattern */
	pcre2_match_data *md;    /* match scratch */
	int jit;                 /* JIT available for re */
} pattern;

struct an_filter {
	pattern *inc;     /* include patterns */
	size_t ninc, cap_inc;
	pattern *exc;     /* exclude patterns */
	size_t nexc, cap_exc;
};

int an_filter_new(an_filter **out, an_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	return AN_OK;
}

static void free_set(pattern *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pcre2_match_data_free(p[i].md);
		pcre2_code_free(p[i].re);
	}
	free(p);
}

void an_filter_free(an_filter *f)
{
	if (!f)
		return;
	free_set(f->inc, f->ninc);
	free_set(f->exc, f->nexc);
	free(f);
}

int an_filter_add(an_filter *f, an_filter_kind kind, const char *pattern_s,
		  an_error *err)
{
	int errcode = 0;
	PCRE2_SIZE erroff = 0;
	pattern p;
	pattern **set = kind == AN_FILTER_EXCLUDE ? &f->exc : &f->inc;
	size_t *n = kind == AN_FILTER_EXCLUDE ? &f->nexc : &f->ninc;
	size_t *cap = kind == AN_FILTER_EXCLUDE ? &f->cap_exc : &f->cap_inc;

	p.re = pcre2_compile((PCRE2_SPTR)pattern_s, PCRE2_ZERO_TERMINATED,
			     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode,
			     &erroff, NULL);
	if (!p.re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return an__fail(err, AN_EINVAL, (uint64_t)erroff,
				"invalid regular expression '%s': %s at "
				"offset %zu",
				pattern_s, (const char *)msg, (size_t)erroff);
	}
	p.jit = pcre2_jit_compile(p.re, PCRE2_JIT_COMPLETE) == 0;
	p.md = pcre2_match_data_create_from_pattern(p.re, NULL);
	if (!p.md || an__grow((void **)set, cap, *n + 1, sizeof(**set)) < 0) {
		pcre2_match_data_free(p.md);
		pcre2_code_free(p.re);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	(*set)[(*n)++] = p;
	return AN_OK;
}

int an_filter_is_empty(const an_filter *f)
{
	return !f || (f->ninc == 0 && f->nexc == 0);
}

static int any_match(const pattern *set, size_t n, const an_str *fields,
		     size_t nfields)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < nfields; k++) {
			PCRE2_SPTR s = (PCRE2_SPTR)(fields[k].ptr ?
						    fields[k].ptr : "");
			int rc = set[i].jit ?
					 pcre2_jit_match(set[i].re, s,
							 fields[k].len, 0, 0,
							 set[i].md, NULL) :
					 pcre2_match(set[i].re, s,
						     fields[k].len, 0, 0,
						     set[i].md, NULL);
			if (rc >= 0)
				return 1;
		}
	}
	return 0;
}

int an_filter_matches(const an_filter *f, const an_str *fields,
		      size_t nfields)
{
	return f && any_match(f->inc, f->ninc, fields, nfields);
}

int an_filter_test(const an_filter *f, const an_str *fields, size_t nfields)
{
	if (!f)
		return 1;
	if (f->ninc && !any_match(f->inc, f->ninc, fields, nfields))
		return 0;
	if (f->nexc && any_match(f->exc, f->nexc, fields, nfields))
		return 0;
	return 1;
}

int an_filter_has_includes(const an_filter *f)
{
	return f && f->ninc > 0;
}

int an_filter_excludes(const an_filter *f, const an_str *fields,
		       size_t nfields)
{
	return f && any_match(f->exc, f->nexc, fields, nfields);
}

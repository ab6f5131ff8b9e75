/*
 * filter.h - include/exclude name filters with PCRE2 regular expressions
 * (JIT-compiled when available). An item with several fields (e.g. a
 * function's name and url) passes when no include pattern is set or one
 * of them matches any field, and no exclude pattern matches any field.
 *
 * Ownership: an_filter_new() returns a caller-owned filter released with
 * an_filter_free().
 *
 * Threads: a filter is used by one thread at a time, even through the
 * const functions (matching writes its scratch space); give each thread
 * its own filter.
 */
#ifndef AN_FILTER_H
#define AN_FILTER_H

#include "analyze/common.h"

AN_BEGIN_DECL

typedef struct an_filter an_filter;

typedef enum an_filter_kind {
	AN_FILTER_INCLUDE = 0,
	AN_FILTER_EXCLUDE = 1
} an_filter_kind;

AN_API int an_filter_new(an_filter **out, an_error *err);
AN_API void an_filter_free(an_filter *f);

/*
 * Adds a pattern (PCRE2 syntax, UTF-8, unanchored).
 * @return AN_OK, AN_EINVAL for an invalid pattern (the error record's
 *         offset is the offset in the pattern), AN_ENOMEM.
 */
AN_API int an_filter_add(an_filter *f, an_filter_kind kind,
			 const char *pattern, an_error *err);

/* 1 when the filter has no patterns at all. */
AN_API int an_filter_is_empty(const an_filter *f);

/* 1 when the item whose fields are given passes, 0 otherwise. A NULL
 * filter passes everything. */
AN_API int an_filter_test(const an_filter *f, const an_str *fields,
			  size_t nfields);

/* 1 when the filter has at least one include pattern. */
AN_API int an_filter_has_includes(const an_filter *f);

/* 1 when any exclude pattern matches any field. */
AN_API int an_filter_excludes(const an_filter *f, const an_str *fields,
			      size_t nfields);

/* 1 when any include pattern matches any field (0 without includes). */
AN_API int an_filter_matches(const an_filter *f, const an_str *fields,
			     size_t nfields);

AN_END_DECL

#endif

/*
 * source_int.h - what other library modules may ask a source beyond the
 * public API.
 */
#ifndef AN_SOURCE_INT_H
#define AN_SOURCE_INT_H

#include "analyze/source.h"
#include "core/common_int.h"

/*
 * A descriptor for positioned reads (pread) of the same bytes next() hands
 * out, when the input is a plain (not gzip) regular file read from its
 * start without a chunk limit; -1 otherwise. Offsets are the same as
 * an_source_offset().
 */
AN_HIDDEN int an__source_plain_fd(const an_source *src);

/*
 * Calls `cb` as an_progress_cb documents, from an_source_next(), until
 * set again (NULL stops it). A callback returning non-zero makes that
 * an_source_next() fail with AN_ECANCELED.
 */
AN_HIDDEN void an__source_set_progress(an_source *src, an_progress_cb cb,
				       void *payload);

#endif

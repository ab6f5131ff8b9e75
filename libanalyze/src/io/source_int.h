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
 * The whole input as one buffer, when next() hands its bytes out in
 * place from one (memory input, or a plain regular file opened by path
 * and mapped; after the first next()): 1 with *data and *len, else 0.
 * Offsets into it are an_source_offset()'s. The buffer stays readable,
 * from any thread, until an_source_free(), whatever next() does
 * meanwhile (a mapping is then no longer unmapped while read, only its
 * pages already read given back to the kernel); bytes before the current
 * offset may already be gone.
 */
AN_HIDDEN int an__source_whole(const uint8_t **data, size_t *len,
			       an_source *src);

/*
 * Calls `cb` as an_progress_cb documents, from an_source_next(), until
 * set again (NULL stops it). A callback returning non-zero makes that
 * an_source_next() fail with AN_ECANCELED.
 */
AN_HIDDEN void an__source_set_progress(an_source *src, an_progress_cb cb,
				       void *payload);

#endif

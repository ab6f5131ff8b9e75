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

#endif

/*
 * source.h - where artifact bytes come from: a path, "-" for standard
 * input, or a memory buffer. gzip input is recognised by its magic bytes
 * (1f 8b), never by the file name, and inflated transparently (several
 * concatenated members are fine; a truncated stream is AN_EIO). zstd
 * input likewise (28 b5 2f fd, or a skippable frame's 5? 2a 4d 18):
 * several frames are fine, skippable ones are skipped, a truncated or
 * corrupt stream is AN_EIO.
 *
 * Byte offsets reported anywhere in the library are offsets into the
 * decompressed stream.
 *
 * Ownership: an_source_open_*() return a caller-owned source released
 * with an_source_free(). Chunks returned by an_source_next() are borrowed
 * and valid until the next call on the same source.
 *
 * Threads: a source is used by one thread at a time (gzip is inflated
 * on a thread of its own, hidden inside); different sources may be read
 * in parallel.
 */
#ifndef AN_SOURCE_H
#define AN_SOURCE_H

#include "analyze/common.h"

AN_BEGIN_DECL

typedef struct an_source an_source;

/*
 * Progress of a load (an_heap_load_opts, an_profile_load_opts): `done` raw
 * bytes read so far (on-disk bytes: compressed ones for gzip) of `total`,
 * the input's size (an_source_size(); 0 when unknown, e.g. a pipe).
 * Called from the loading thread with `done` strictly increasing: when
 * the first bytes are read, then each time another MiB was read (for
 * inputs under 64 MiB another 1/64th of the size, but 64 KiB at least),
 * and at the end of the input unless that count was just reported: the
 * last call has done == total when the size is known. Return non-zero
 * to cancel: the load then fails with AN_ECANCELED.
 */
typedef int (*an_progress_cb)(uint64_t done, uint64_t total, void *payload);

/*
 * Opens `path` for reading; "-" means standard input.
 * @return AN_OK, AN_ENOTFOUND (no such file), AN_EIO, AN_ENOMEM.
 */
AN_API int an_source_open_path(an_source **out, const char *path,
			       an_error *err);

/*
 * Reads from a caller-owned buffer, which must outlive the source.
 * `name` is used in messages (may be NULL).
 */
AN_API int an_source_open_memory(an_source **out, const void *data,
				 size_t len, const char *name, an_error *err);

AN_API void an_source_free(an_source *src);

/*
 * Limits every chunk from an_source_next() to at most `max` bytes (>= 1).
 * Used by tests to exercise parsers across chunk boundaries.
 */
AN_API void an_source_set_chunk_limit(an_source *src, size_t max);

/*
 * Returns up to the first `want` decompressed bytes without consuming
 * them (fewer at EOF). Only valid before the first an_source_next().
 */
AN_API int an_source_peek(const uint8_t **data, size_t *len, an_source *src,
			  size_t want, an_error *err);

/*
 * Next chunk of decompressed bytes. *len == 0 means end of input.
 * @return AN_OK, AN_EIO (read error, truncated or corrupt gzip or zstd).
 */
AN_API int an_source_next(const uint8_t **data, size_t *len, an_source *src,
			  an_error *err);

/* Decompressed bytes handed out so far (the offset of the next chunk). */
AN_API uint64_t an_source_offset(const an_source *src);

/* Raw (compressed, on-disk) bytes read so far (gzip input is inflated
 * ahead on a thread: as of the last buffer it filled; the whole input
 * once next() has returned the end). */
AN_API uint64_t an_source_raw_bytes(const an_source *src);

/* Raw (on-disk) size of the input: a regular file's size, a memory
 * buffer's length; 0 when unknown (a pipe or terminal). */
AN_API uint64_t an_source_size(const an_source *src);

/* 1 when the input is gzip. Valid after the first peek or next. */
AN_API int an_source_is_gzip(const an_source *src);

/* 1 when the input is zstd. Valid after the first peek or next. */
AN_API int an_source_is_zstd(const an_source *src);

/* Name given at open ("-" is shown as "<stdin>"). Borrowed. */
AN_API const char *an_source_name(const an_source *src);

/*
 * Computes a SHA-256 of the raw bytes as they are read (it costs about a
 * quarter of the load time, so it is off by default). Call before the
 * first peek or next. @return AN_OK, or AN_EINVAL once reading started.
 */
AN_API int an_source_enable_sha256(an_source *src);

/*
 * SHA-256 of the raw bytes read so far, as 64 hex digits + NUL: the hash
 * of the file once the source has been read to the end. An empty string
 * unless an_source_enable_sha256() was called.
 */
AN_API void an_source_sha256(const an_source *src, char hex[65]);

AN_END_DECL

#endif

/*
 * fuzz.h - what the libFuzzer targets share: the source every input is
 * read through (memory, as a file would be read), with a chunk limit
 * picked from the input's length so that the same input always runs the
 * same way and number or string splits across chunks are tried too.
 */
#ifndef AN_FUZZ_H
#define AN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <analyze/analyze.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Chunk limits tried: none (whole 256 KiB buffers), and small ones that
 * split tokens; 1 only for small inputs (a byte per parse call is slow). */
static inline size_t fuzz_chunk(size_t size)
{
	static const size_t lim[] = {0, 0, 4096, 7, 31, 1};

	size_t k = size % (sizeof(lim) / sizeof(lim[0]));
	if (lim[k] == 1 && size > 4096)
		return 0;
	return lim[k];
}

/* Opens the input as a source; NULL only when out of memory. */
static inline an_source *fuzz_source(const uint8_t *data, size_t size)
{
	an_source *src = NULL;
	an_error err;

	if (an_source_open_memory(&src, data, size, "fuzz", &err) < 0)
		return NULL;
	if (fuzz_chunk(size))
		an_source_set_chunk_limit(src, fuzz_chunk(size));
	return src;
}

/*
 * Every failed load must say what went wrong in one line: the status in
 * the record, a message without a newline, and an offset inside the
 * input (`size` is the decompressed size when known, else 0: any offset).
 */
static inline void fuzz_check_error(int rc, const an_error *err,
				    uint64_t size)
{
	if (rc >= 0)
		return;
	if (err->code != rc || err->message[0] == '\0' ||
	    strchr(err->message, '\n') ||
	    (size && err->offset != AN_NO_OFFSET && err->offset > size)) {
		fprintf(stderr, "bad error record: rc %d code %d offset %llu "
				"message '%s'\n", rc, err->code,
			(unsigned long long)err->offset, err->message);
		abort();
	}
}

#endif

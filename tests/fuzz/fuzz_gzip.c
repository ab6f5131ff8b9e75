/*
 * fuzz_gzip.c - libFuzzer target for the gzip and zstd paths of
 * io/source.c (seeded with fixtures' .gz and .zst files and, made at run
 * time, gzip and zstd copies of small fixtures): damaged headers,
 * members, frames, trailers and junk after them. The input is read to
 * the end the way `profkit info` does it: sniffed, then loaded by the
 * loader of its kind (or read through), and the decompressed bytes are
 * counted the same way both times.
 */
#include "fuzz_profile.h"

/* Reads src to the end; returns the status, counts the bytes. */
static int drain(an_source *src, uint64_t *total, an_error *err)
{
	const uint8_t *d;
	size_t n;
	int rc;

	*total = 0;
	do {
		rc = an_source_next(&d, &n, src, err);
		if (rc == AN_OK)
			*total += n;
	} while (rc == AN_OK && n);
	return rc;
}

/* zstd input that decompresses to more than 64 MiB: skipped. Unlike
 * deflate's 1032:1, zstd's ratio is unbounded (an RLE block of 4 bytes
 * gives 128 KiB), and parsing gigabytes would only time the run out. */
static int zstd_bomb(const uint8_t *data, size_t size)
{
	an_source *src = NULL;
	an_error err;
	uint64_t total = 0;
	const uint8_t *d;
	size_t n;

	if (size < 4 || !((data[0] == 0x28 && data[1] == 0xb5) ||
			  (data[0] & 0xf0) == 0x50))
		return 0;
	if (an_source_open_memory(&src, data, size, "fuzz", &err) < 0)
		return 1;
	while (an_source_next(&d, &n, src, &err) == AN_OK && n &&
	       total <= (64u << 20))
		total += n;
	an_source_free(src);
	return total > (64u << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	an_source *src = fuzz_source(data, size);
	an_source *again = NULL;
	an_profile *p = NULL;
	an_heap *h = NULL;
	an_kind kind = AN_KIND_UNKNOWN;
	an_error err, err2;
	uint64_t total = 0, total2 = 0;
	int rc, rc2;

	if (!src)
		return 0;
	if (zstd_bomb(data, size)) {
		an_source_free(src);
		return 0;
	}
	rc = an_source_sniff(&kind, src, &err);
	fuzz_check_error(rc, &err, 0);
	if (rc == AN_OK &&
	    (kind == AN_KIND_CPUPROFILE || kind == AN_KIND_TRACE))
		rc = an_profile_load(&p, src, NULL, &err);
	else if (rc == AN_OK && kind == AN_KIND_HEAPSNAPSHOT)
		rc = an_heap_load(&h, src, NULL, &err);
	else if (rc == AN_OK)
		rc = drain(src, &total, &err);
	fuzz_check_error(rc, &err, 0);
	if (p)
		fuzz_check_profile(p);
	an_profile_free(p);
	an_heap_free(h);
	an_source_free(src);
	/* a plain read of the same bytes: same status when nothing but
	 * reading was asked, and never more bytes than a gzip member can
	 * give (deflate inflates at most 1032:1; zstd has no such bound:
	 * an RLE block of 4 bytes gives 128 KiB) */
	if (an_source_open_memory(&again, data, size, "fuzz", &err2) < 0)
		return 0;
	rc2 = drain(again, &total2, &err2);
	fuzz_check_error(rc2, &err2, 0);
	if (kind == AN_KIND_UNKNOWN && (rc < 0) != (rc2 < 0))
		abort();
	if (kind == AN_KIND_UNKNOWN && rc == AN_OK && total != total2)
		abort();
	if (an_source_is_gzip(again) &&
	    total2 > (uint64_t)size * 1032 + 64 * 1024)
		abort();
	an_source_free(again);
	return 0;
}

/*
 * fuzz_gzip.c - libFuzzer target for the gzip path of io/source.c
 * (seeded with fixtures' .gz files and, made at run time, gzip copies of
 * small fixtures): damaged headers, members, trailers and junk after
 * them. The input is read to the end the way `profkit info` does it:
 * sniffed, then loaded by the loader of its kind (or read through), and
 * the decompressed bytes are counted the same way both times.
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
	 * give (deflate inflates at most 1032:1) */
	if (an_source_open_memory(&again, data, size, "fuzz", &err2) < 0)
		return 0;
	rc2 = drain(again, &total2, &err2);
	fuzz_check_error(rc2, &err2, 0);
	if (kind == AN_KIND_UNKNOWN && (rc < 0) != (rc2 < 0))
		abort();
	if (kind == AN_KIND_UNKNOWN && rc == AN_OK && total != total2)
		abort();
	if (total2 > (uint64_t)size * 1032 + 64 * 1024)
		abort();
	an_source_free(again);
	return 0;
}

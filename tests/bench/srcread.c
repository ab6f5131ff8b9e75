/*
 * srcread.c - reads a file through an_source to its end and prints the
 * decompressed byte count: the cost of the byte source alone (gzip
 * inflate, zstd decompression, or a mapped plain file), with no parsing.
 * Built by tests/bench/zstd_bench.sh against a build's libanalyze.a.
 */
#include <stdio.h>

#include <analyze/analyze.h>

int main(int argc, char **argv)
{
	an_source *s = NULL;
	an_error e;
	const uint8_t *d;
	size_t n;
	unsigned long long total = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: srcread FILE\n");
		return 2;
	}
	an_error_clear(&e);
	rc = an_source_open_path(&s, argv[1], &e);
	while (rc == AN_OK) {
		rc = an_source_next(&d, &n, s, &e);
		if (rc != AN_OK || n == 0)
			break;
		total += n;
	}
	an_source_free(s);
	if (rc != AN_OK) {
		fprintf(stderr, "srcread: %s: %s\n", argv[1], e.message);
		return 1;
	}
	printf("%llu\n", total);
	return 0;
}

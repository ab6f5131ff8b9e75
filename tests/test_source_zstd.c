/*
 * test_source_zstd.c - zstd input of byte sources (issue 11): detection by
 * magic bytes (frame and skippable frame), several frames, the inflating
 * thread, pipes that deliver a byte at a time, truncated and corrupt
 * frames, trailing garbage, and the committed .zst fixtures read back to
 * the bytes of their plain originals and loaded to the same models.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "fixture.h"
#include "core/sha256.h"

/* One zstd frame of data at `level`, with a checksum as the zstd CLI
 * writes it. Caller frees. */
static uint8_t *zst(const void *data, size_t n, int level, size_t *out_len)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(n), r;
	uint8_t *buf = malloc(cap);

	cr_assert(c && buf);
	cr_assert(!ZSTD_isError(ZSTD_CCtx_setParameter(
		c, ZSTD_c_compressionLevel, level)));
	cr_assert(!ZSTD_isError(ZSTD_CCtx_setParameter(
		c, ZSTD_c_checksumFlag, 1)));
	r = ZSTD_compress2(c, buf, cap, data, n);
	cr_assert(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
	ZSTD_freeCCtx(c);
	*out_len = r;
	return buf;
}

/* A skippable frame (RFC 8878 3.1.2) with `n` bytes of payload. */
static size_t skippable(uint8_t *out, size_t n)
{
	out[0] = 0x5e; /* magic 0x184D2A5E: any of 0x184D2A50..5F */
	out[1] = 0x2a;
	out[2] = 0x4d;
	out[3] = 0x18;
	out[4] = (uint8_t)n;
	out[5] = (uint8_t)(n >> 8);
	out[6] = 0;
	out[7] = 0;
	memset(out + 8, 'S', n);
	return 8 + n;
}

static uint8_t *noise(size_t n, uint32_t seed)
{
	uint8_t *b = malloc(n);
	size_t i;

	cr_assert_not_null(b);
	/* compressible (a byte from 16) but not trivially so */
	for (i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		b[i] = (uint8_t)('a' + (seed >> 28));
	}
	return b;
}

/* Everything observable after reading a whole source. */
typedef struct rd {
	int rc;       /* AN_OK or the first error */
	an_error err;
	uint8_t *buf; /* bytes delivered (free it) */
	size_t len;
	uint64_t raw; /* an_source_raw_bytes() at the end */
	int gzip;     /* an_source_is_gzip() */
	int zstd;     /* an_source_is_zstd() */
	char sha[65]; /* an_source_sha256() at the end */
} rd;

/* Opens `path` (or memory data/n when path is NULL) with SHA-256 on and
 * the chunk limit `limit`, reads it to the end or the first error
 * (checking each chunk against the offset) and frees it. */
static rd rd_all(const char *path, const void *data, size_t n, size_t limit)
{
	an_source *s = NULL;
	size_t cap = 4096, clen;
	const uint8_t *chunk;
	rd r;

	memset(&r, 0, sizeof(r));
	if (path)
		cr_assert_eq(an_source_open_path(&s, path, &r.err), AN_OK,
			     "%s: %s", path, r.err.message);
	else
		cr_assert_eq(an_source_open_memory(&s, data, n, "m", &r.err),
			     AN_OK);
	cr_assert_eq(an_source_enable_sha256(s), AN_OK);
	if (limit)
		an_source_set_chunk_limit(s, limit);
	r.buf = malloc(cap);
	cr_assert_not_null(r.buf);
	for (;;) {
		uint64_t before = an_source_offset(s);
		r.rc = an_source_next(&chunk, &clen, s, &r.err);
		if (r.rc < 0)
			break;
		cr_assert_eq(an_source_offset(s), before + clen);
		if (limit)
			cr_assert_leq(clen, limit);
		if (clen == 0)
			break;
		while (r.len + clen > cap) {
			cap *= 2;
			r.buf = realloc(r.buf, cap);
			cr_assert_not_null(r.buf);
		}
		memcpy(r.buf + r.len, chunk, clen);
		r.len += clen;
	}
	r.raw = an_source_raw_bytes(s);
	r.gzip = an_source_is_gzip(s);
	r.zstd = an_source_is_zstd(s);
	an_source_sha256(s, r.sha);
	an_source_free(s);
	return r;
}

static char *write_tmp(const void *data, size_t n, const char *suffix)
{
	char tmpl[] = "/tmp/an_test_zstd_XXXXXX";
	size_t plen = sizeof(tmpl) + strlen(suffix);
	char *path = malloc(plen);
	int fd = mkstemp(tmpl);
	FILE *f;

	cr_assert(fd >= 0 && path != NULL, "mkstemp");
	close(fd);
	snprintf(path, plen, "%s%s", tmpl, suffix);
	cr_assert_eq(rename(tmpl, path), 0, "rename to %s", path);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

static void sha_of_bytes(const void *data, size_t n, char hex[65])
{
	an_sha256 h;

	an__sha256_init(&h);
	an__sha256_update(&h, data, n);
	an__sha256_final_hex(&h, hex);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long sz;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)sz + 1);
	cr_assert_not_null(b);
	cr_assert_eq(fread(b, 1, (size_t)sz, f), (size_t)sz, "%s", path);
	fclose(f);
	*n = (size_t)sz;
	return b;
}

Test(source_zstd, detected_by_magic_not_name)
{
	static const char json[] = "{\"nodes\":[{\"id\":1}],\"samples\":[]}";
	size_t n = strlen(json), zlen, elen;
	uint8_t *z = zst(json, n, 3, &zlen), *e = zst("", 0, 3, &elen);
	char *plain_zst = write_tmp(json, n, ".zst");
	char *zst_json = write_tmp(z, zlen, ".json");
	char hex[65];
	rd r;

	r = rd_all(zst_json, NULL, 0, 3);
	cr_assert_eq(r.rc, AN_OK, "%s: %s", zst_json, r.err.message);
	cr_expect(r.zstd == 1 && r.gzip == 0, "zstd content in %s", zst_json);
	cr_expect_eq(r.len, n);
	cr_expect_arr_eq(r.buf, json, n);
	/* raw bytes and the hash are the compressed file's */
	cr_expect_eq(r.raw, zlen);
	sha_of_bytes(z, zlen, hex);
	cr_expect_str_eq(r.sha, hex);
	free(r.buf);

	r = rd_all(plain_zst, NULL, 0, 0);
	cr_expect(r.rc == AN_OK && r.zstd == 0 && r.len == n, "%s", plain_zst);
	cr_expect_arr_eq(r.buf, json, n);
	free(r.buf);

	r = rd_all(NULL, z, zlen, 0);
	cr_expect(r.rc == AN_OK && r.zstd == 1 && r.len == n, "memory zstd");
	cr_expect_arr_eq(r.buf, json, n);
	free(r.buf);

	/* a frame of nothing is empty */
	r = rd_all(NULL, e, elen, 0);
	cr_expect(r.rc == AN_OK && r.zstd == 1 && r.len == 0, "zstd of \"\"");
	free(r.buf);

	/* the magic's first 3 bytes alone are not zstd: passed through */
	r = rd_all(NULL, z, 3, 0);
	cr_expect(r.rc == AN_OK && r.zstd == 0 && r.len == 3, "3 bytes");
	cr_expect_arr_eq(r.buf, z, 3);
	free(r.buf);

	unlink(plain_zst);
	unlink(zst_json);
	free(plain_zst);
	free(zst_json);
	free(z);
	free(e);
}

/* Files shorter than the 4 magic bytes are delivered as they are. (Before
 * zstd, a 1-byte regular file was mapped, then read() again from offset
 * 0 for a second magic byte: "x" came out as "xx".) */
Test(source_zstd, files_shorter_than_the_magic_are_passed_through)
{
	static const char *cases[] = {"x", "\x28", "\x28\xb5\x2f", "{}\n"};
	size_t i;

	for (i = 0; i < 4; i++) {
		size_t n = strlen(cases[i]);
		char *path = write_tmp(cases[i], n, ".json");
		rd r = rd_all(path, NULL, 0, 0);
		cr_expect_eq(r.rc, AN_OK, "case %zu", i);
		cr_expect_eq(r.zstd, 0, "case %zu", i);
		cr_expect_eq(r.len, n, "case %zu: %zu bytes of %zu", i, r.len,
			     n);
		cr_expect_arr_eq(r.buf, cases[i], n, "case %zu", i);
		cr_expect_eq(r.raw, n, "case %zu", i);
		free(r.buf);
		unlink(path);
		free(path);
	}
}

Test(source_zstd, frames_and_skippable_frames_are_concatenated)
{
	static const char a[] = "{\"nodes\":[{\"id\":1},", b[] = "{\"id\":2}]",
			  c[] = ",\"samples\":[]}";
	char whole[128];
	size_t la, lb, lc, n = 0, wn;
	uint8_t *za = zst(a, strlen(a), 1, &la);
	uint8_t *zb = zst(b, strlen(b), 19, &lb);
	uint8_t *zc = zst(c, strlen(c), 3, &lc), *buf = malloc(4096);
	rd r;

	cr_assert_not_null(buf);
	wn = (size_t)snprintf(whole, sizeof(whole), "%s%s%s", a, b, c);
	/* skippable, a, skippable (empty), b, c, skippable at the end */
	n += skippable(buf + n, 17);
	memcpy(buf + n, za, la);
	n += la;
	n += skippable(buf + n, 0);
	memcpy(buf + n, zb, lb);
	n += lb;
	memcpy(buf + n, zc, lc);
	n += lc;
	n += skippable(buf + n, 300);
	r = rd_all(NULL, buf, n, 0);
	cr_assert_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.zstd, 1, "a skippable frame first is zstd too");
	cr_expect_eq(r.len, wn);
	cr_expect_arr_eq(r.buf, whole, wn);
	cr_expect_eq(r.raw, n);
	free(r.buf);
	/* every chunk limit: the same bytes */
	r = rd_all(NULL, buf, n, 1);
	cr_expect(r.rc == AN_OK && r.len == wn, "limit 1");
	cr_expect_arr_eq(r.buf, whole, wn);
	free(r.buf);
	free(za);
	free(zb);
	free(zc);
	free(buf);
}

/* 12 MiB through a file and memory (the thread's four 1 MiB buffers
 * wrap three times) in two frames: the bytes, the raw count, the hash. */
Test(source_zstd, large_zstd_through_the_inflating_thread)
{
	size_t n = 12u << 20, h = 5u << 20, l1, l2, limits[] = {0, 4093};
	uint8_t *data = noise(n, 11), *z1 = zst(data, h, 3, &l1);
	uint8_t *z2 = zst(data + h, n - h, 3, &l2), *both = malloc(l1 + l2);
	char *path, hex[65];
	size_t i;
	rd r;

	cr_assert_not_null(both);
	memcpy(both, z1, l1);
	memcpy(both + l1, z2, l2);
	path = write_tmp(both, l1 + l2, ".zst");
	sha_of_bytes(both, l1 + l2, hex);
	for (i = 0; i < 4; i++) {
		r = rd_all(i < 2 ? path : NULL, both, l1 + l2, limits[i % 2]);
		cr_assert_eq(r.rc, AN_OK, "pass %zu: %s", i, r.err.message);
		cr_expect_eq(r.zstd, 1);
		cr_expect_eq(r.len, n, "pass %zu: %zu bytes", i, r.len);
		cr_expect(memcmp(r.buf, data, n) == 0, "pass %zu", i);
		cr_expect_eq(r.raw, l1 + l2, "pass %zu", i);
		cr_expect_str_eq(r.sha, hex, "pass %zu", i);
		free(r.buf);
	}
	unlink(path);
	free(path);
	free(data);
	free(z1);
	free(z2);
	free(both);
}

/* Child: writes the bytes one at a time, pausing after the first. */
static void slow_writer(const char *fifo, const uint8_t *data, size_t n)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	int fd = open(fifo, O_WRONLY);
	size_t i;

	if (fd < 0)
		_exit(1);
	for (i = 0; i < n; i++) {
		if (write(fd, data + i, 1) != 1)
			_exit(1);
		if (i < 4)
			nanosleep(&ts, NULL);
	}
	close(fd);
	_exit(0);
}

/* '-' and pipes: the magic arrives a byte per read() */
Test(source_zstd, pipe_that_delivers_a_byte_at_a_time)
{
	static const char json[] = "{\"nodes\":[{\"id\":1}],\"samples\":[]}";
	size_t n = strlen(json), zlen;
	uint8_t *z = zst(json, n, 3, &zlen);
	char fifo[] = "/tmp/an_test_zfifo_XXXXXX";
	int status, tfd = mkstemp(fifo);
	pid_t pid;
	rd r;

	cr_assert_geq(tfd, 0);
	close(tfd);
	pid = fx_fifo_fork(fifo, slow_writer, z, zlen);
	r = rd_all(fifo, NULL, 0, 0);
	cr_expect_eq(r.rc, AN_OK, "%s", r.err.message);
	cr_expect_eq(r.zstd, 1);
	cr_expect_eq(r.len, n);
	cr_expect_arr_eq(r.buf, json, n);
	cr_expect_eq(r.raw, zlen);
	free(r.buf);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(fifo);
	free(z);
}

/* Every cut of a frame, from 4 bytes on (the magic), fails with AN_EIO
 * naming truncation: never a shorter input that parses. */
Test(source_zstd, truncated_zstd_is_eio_at_every_cut)
{
	const char *path = fx_path("bad/truncated.cpuprofile.zst");
	size_t n = 3000, zlen, cut;
	uint8_t *data = noise(n, 5), *z = zst(data, n, 19, &zlen);
	rd r;

	for (cut = 4; cut < zlen; cut++) {
		r = rd_all(NULL, z, cut, 0);
		cr_expect_eq(r.rc, AN_EIO, "cut to %zu of %zu", cut, zlen);
		cr_expect_not_null(strstr(r.err.message, "truncated zstd"),
				   "cut %zu: '%s'", cut, r.err.message);
		cr_expect_leq(r.len, n);
		cr_expect_arr_eq(r.buf, data, r.len, "cut %zu", cut);
		cr_expect_eq(r.err.offset, r.len, "cut %zu", cut);
		free(r.buf);
	}
	free(z);
	free(data);
	r = rd_all(path, NULL, 0, 1);
	cr_expect_eq(r.rc, AN_EIO, "%s", path);
	cr_expect_str_eq(r.err.message, "truncated zstd stream: compressed "
			 "data ends after 137 bytes", "%s", path);
	cr_expect_eq(r.zstd, 1, "%s", path);
	cr_expect_eq(r.raw, 137, "%s is 137 bytes", path);
	free(r.buf);
}

/* A flipped byte in the compressed data or the checksum, or junk after
 * the last frame: AN_EIO saying where in the compressed bytes. */
Test(source_zstd, corrupt_zstd_and_trailing_garbage_are_eio)
{
	size_t n = 4000, zlen, i;
	uint8_t *data = noise(n, 9), *z = zst(data, n, 3, &zlen);
	uint8_t *buf = malloc(zlen + 16);
	rd r;

	cr_assert_not_null(buf);
	for (i = 0; i < 2; i++) {
		memcpy(buf, z, zlen);
		/* the middle of the data, the last byte of the checksum */
		buf[i ? zlen - 1 : zlen / 2] ^= 0x55;
		r = rd_all(NULL, buf, zlen, 0);
		cr_expect_eq(r.rc, AN_EIO, "flip %zu", i);
		cr_expect_not_null(strstr(r.err.message, "corrupt zstd data"),
				   "flip %zu: '%s'", i, r.err.message);
		cr_expect_not_null(strstr(r.err.message, "(in the frame at "
					  "compressed byte 0)"),
				   "flip %zu: '%s'", i, r.err.message);
		free(r.buf);
	}
	memcpy(buf, z, zlen);
	memcpy(buf + zlen, "garbage!", 8);
	r = rd_all(NULL, buf, zlen + 8, 0);
	cr_expect_eq(r.rc, AN_EIO);
	cr_expect_eq(r.len, n, "the frame before the junk is delivered");
	{
		char want[64];
		snprintf(want, sizeof(want), "(in the frame at compressed "
			 "byte %zu)", zlen);
		cr_expect_not_null(strstr(r.err.message, want), "'%s' has %s",
				   r.err.message, want);
	}
	free(r.buf);
	/* fewer junk bytes than a frame header: the input ends in it */
	r = rd_all(NULL, buf, zlen + 2, 0);
	cr_expect_eq(r.rc, AN_EIO, "2 junk bytes");
	free(r.buf);
	/* a damaged second frame: named by where it starts */
	memcpy(buf + zlen, z, 16);
	buf[zlen + 5] ^= 0xff;
	r = rd_all(NULL, buf, zlen + 16, 0);
	cr_expect_eq(r.rc, AN_EIO, "damaged second frame");
	{
		char want[64];
		snprintf(want, sizeof(want), "at compressed byte %zu)", zlen);
		cr_expect(strstr(r.err.message, want) ||
				  strstr(r.err.message, "truncated"),
			  "'%s' has %s", r.err.message, want);
	}
	free(r.buf);
	free(buf);
	free(z);
	free(data);
}

Test(source_zstd, peek_then_next_starts_at_the_beginning)
{
	static const char json[] = "{\"nodes\":[{\"id\":1}],\"samples\":[]}";
	size_t n = strlen(json), zlen, plen;
	uint8_t *z = zst(json, n, 3, &zlen);
	const uint8_t *p;
	an_source *s;
	an_error err;
	rd r;

	cr_assert_eq(an_source_open_memory(&s, z, zlen, "m", &err), AN_OK);
	cr_assert_eq(an_source_peek(&p, &plen, s, 8, &err), AN_OK);
	cr_expect_eq(plen, 8);
	cr_expect_arr_eq(p, json, 8);
	cr_expect_eq(an_source_is_zstd(s), 1);
	an_source_free(s);
	r = rd_all(NULL, z, zlen, 5);
	cr_expect(r.rc == AN_OK && r.len == n);
	free(r.buf);
	free(z);
}

/* The committed .zst fixtures are their plain originals, byte for byte,
 * and load to the same models. */
Test(source_zstd, fixtures_read_back_to_their_originals)
{
	static const char *pairs[][2] = {
		{"cpu/synth_small.cpuprofile.zst",
		 "cpu/synth_small.cpuprofile"},
		{"heap/tiny.heapsnapshot.zst", "heap/tiny.heapsnapshot"},
	};
	size_t i, pn;

	for (i = 0; i < 2; i++) {
		char *zp = strdup(fx_path(pairs[i][0]));
		uint8_t *plain = slurp(fx_path(pairs[i][1]), &pn);
		rd r = rd_all(zp, NULL, 0, 0);
		cr_assert_eq(r.rc, AN_OK, "%s: %s", zp, r.err.message);
		cr_expect_eq(r.zstd, 1, "%s", zp);
		cr_expect_eq(r.len, pn, "%s", zp);
		cr_expect(r.len == pn && memcmp(r.buf, plain, pn) == 0, "%s",
			  zp);
		free(r.buf);
		free(plain);
		free(zp);
	}
}

Test(source_zstd, zstd_profile_loads_as_the_plain_one)
{
	an_profile *a = NULL, *b = NULL;
	an_source *s;
	an_error err;
	uint32_t i;

	cr_assert_eq(an_source_open_path(&s, fx_path("cpu/synth_small."
						     "cpuprofile.zst"), &err),
		     AN_OK);
	cr_assert_eq(an_profile_load(&a, s, NULL, &err), AN_OK, "%s",
		     err.message);
	an_source_free(s);
	cr_assert_eq(an_source_open_path(&s, fx_path("cpu/synth_small."
						     "cpuprofile"), &err),
		     AN_OK);
	cr_assert_eq(an_profile_load(&b, s, NULL, &err), AN_OK);
	an_source_free(s);
	cr_expect_eq(an_profile_sample_count(a), 5000);
	cr_expect_eq(an_profile_sample_count(a), an_profile_sample_count(b));
	cr_expect_eq(an_profile_node_count(a), an_profile_node_count(b));
	for (i = 0; i < an_profile_sample_count(a); i++)
		cr_assert_eq(an_profile_sample_time(a, i),
			     an_profile_sample_time(b, i), "sample %u", i);
	an_profile_free(a);
	an_profile_free(b);
}

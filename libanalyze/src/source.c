/*
 * source.c - byte source over a file descriptor or a memory buffer, with
 * transparent gzip inflation (the only user of zlib) and a running SHA-256
 * of the raw bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

#include <sys/stat.h>

#include "analyze/source.h"
#include "common_int.h"
#include "source_int.h"
#include "util/sha256.h"

#define RAW_CAP (256u * 1024u)
#define OUT_CAP (256u * 1024u)

struct an_source {
	char *name;          /* for messages */
	int fd;              /* -1 for memory */
	int own_fd;          /* close on free */
	const uint8_t *mem;  /* memory input */
	size_t mem_len;      /* memory input length */
	size_t mem_pos;      /* memory read position */
	int raw_eof;         /* no more raw bytes */
	uint8_t *raw;        /* raw read buffer (fd input) */
	const uint8_t *rp;   /* unconsumed raw bytes */
	size_t rlen;         /* length at rp */
	uint64_t raw_bytes;  /* raw bytes read */
	an_sha256 sha;       /* hash of raw bytes */
	int hash;            /* sha is being computed */
	int detected;        /* gzip detection done */
	int gzip;            /* input is gzip */
	int z_init;          /* zs initialised */
	int z_member_done;   /* last member ended cleanly */
	z_stream zs;         /* inflater */
	uint8_t *out;        /* decompressed (or copied) bytes */
	size_t out_pos;      /* consumed part of out */
	size_t out_len;      /* valid bytes in out */
	uint64_t offset;     /* decompressed bytes handed out */
	size_t chunk_limit;  /* max bytes per next(), 0 = none */
	int started;         /* next() has been called */
};

static int make(an_source **out, const char *name, an_error *err)
{
	an_source *s = calloc(1, sizeof(*s));
	size_t n = strlen(name);

	*out = NULL;
	if (!s)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	s->name = malloc(n + 1);
	s->out = malloc(OUT_CAP);
	if (!s->name || !s->out) {
		free(s->name);
		free(s->out);
		free(s);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	memcpy(s->name, name, n + 1);
	s->fd = -1;
	an__sha256_init(&s->sha);
	*out = s;
	return AN_OK;
}

int an_source_open_path(an_source **out, const char *path, an_error *err)
{
	an_source *s;
	int rc, fd;

	*out = NULL;
	if (strcmp(path, "-") == 0) {
		rc = make(&s, "<stdin>", err);
		if (rc < 0)
			return rc;
		s->fd = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			return an__fail(err, e == ENOENT ? AN_ENOTFOUND : AN_EIO,
					AN_NO_OFFSET, "cannot open: %s",
					strerror(e));
		}
		rc = make(&s, path, err);
		if (rc < 0) {
			close(fd);
			return rc;
		}
		s->fd = fd;
		s->own_fd = 1;
	}
	s->raw = malloc(RAW_CAP);
	if (!s->raw) {
		an_source_free(s);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	*out = s;
	return AN_OK;
}

int an_source_open_memory(an_source **out, const void *data, size_t len,
			  const char *name, an_error *err)
{
	int rc = make(out, name ? name : "<memory>", err);

	if (rc < 0)
		return rc;
	(*out)->mem = data;
	(*out)->mem_len = len;
	return AN_OK;
}

void an_source_free(an_source *s)
{
	if (!s)
		return;
	if (s->z_init)
		inflateEnd(&s->zs);
	if (s->own_fd)
		close(s->fd);
	free(s->raw);
	free(s->out);
	free(s->name);
	free(s);
}

void an_source_set_chunk_limit(an_source *s, size_t max)
{
	s->chunk_limit = max;
}

/* Makes raw bytes available at rp/rlen; rlen == 0 with raw_eof at end. */
static int fill_raw(an_source *s, an_error *err)
{
	if (s->rlen || s->raw_eof)
		return AN_OK;
	if (!s->raw) {
		size_t n = s->mem_len - s->mem_pos;
		if (n > RAW_CAP)
			n = RAW_CAP;
		if (n == 0) {
			s->raw_eof = 1;
			return AN_OK;
		}
		s->rp = s->mem + s->mem_pos;
		s->rlen = n;
		s->mem_pos += n;
	} else {
		ssize_t n;
		do {
			n = read(s->fd, s->raw, RAW_CAP);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return an__fail(err, AN_EIO, AN_NO_OFFSET,
					"read error: %s", strerror(errno));
		if (n == 0) {
			s->raw_eof = 1;
			return AN_OK;
		}
		s->rp = s->raw;
		s->rlen = (size_t)n;
	}
	if (s->hash)
		an__sha256_update(&s->sha, s->rp, s->rlen);
	s->raw_bytes += s->rlen;
	return AN_OK;
}

static int detect(an_source *s, an_error *err)
{
	int rc;

	if (s->detected)
		return AN_OK;
	rc = fill_raw(s, err);
	if (rc < 0)
		return rc;
	/* A single byte 0x1f followed by EOF is not gzip: need both bytes.
	 * Memory and file reads deliver >= 2 bytes unless the input is
	 * shorter, so one look suffices. */
	if (s->rlen == 1 && !s->raw_eof && s->raw) {
		/* pathological short read from a pipe: read one more byte */
		uint8_t first = s->rp[0];
		ssize_t n;
		do {
			n = read(s->fd, s->raw + 1, RAW_CAP - 1);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return an__fail(err, AN_EIO, AN_NO_OFFSET,
					"read error: %s", strerror(errno));
		s->raw[0] = first;
		s->rp = s->raw;
		if (n == 0)
			s->raw_eof = 1;
		else if (s->hash)
			an__sha256_update(&s->sha, s->raw + 1, (size_t)n);
		s->raw_bytes += (size_t)n;
		s->rlen = 1 + (size_t)n;
	}
	s->gzip = s->rlen >= 2 && s->rp[0] == 0x1f && s->rp[1] == 0x8b;
	s->detected = 1;
	if (s->gzip) {
		memset(&s->zs, 0, sizeof(s->zs));
		if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
			return an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
					"cannot initialise zlib");
		s->z_init = 1;
	}
	return AN_OK;
}

/* Appends decompressed bytes to out[out_len..]; sets *eof at the end. */
static int produce(an_source *s, int *eof, an_error *err)
{
	int rc;

	*eof = 0;
	while (s->out_len < OUT_CAP) {
		rc = fill_raw(s, err);
		if (rc < 0)
			return rc;
		if (!s->gzip) {
			size_t n;
			if (s->rlen == 0) {
				*eof = 1;
				return AN_OK;
			}
			n = s->rlen < OUT_CAP - s->out_len ?
				    s->rlen : OUT_CAP - s->out_len;
			memcpy(s->out + s->out_len, s->rp, n);
			s->out_len += n;
			s->rp += n;
			s->rlen -= n;
			return AN_OK;
		}
		if (s->rlen == 0) {
			if (!s->z_member_done)
				return an__fail(err, AN_EIO,
						s->offset + s->out_len -
							s->out_pos,
						"truncated gzip stream: "
						"compressed data ends after "
						"%llu bytes",
						(unsigned long long)
							s->raw_bytes);
			*eof = 1;
			return AN_OK;
		}
		if (s->z_member_done) {
			/* another gzip member follows, or trailing junk */
			if (s->rp[0] != 0x1f) {
				return an__fail(err, AN_EIO, AN_NO_OFFSET,
						"trailing garbage after gzip "
						"data (compressed byte %llu)",
						(unsigned long long)(s->raw_bytes -
								     s->rlen));
			}
			inflateReset(&s->zs);
			s->z_member_done = 0;
		}
		s->zs.next_in = (Bytef *)(uintptr_t)s->rp;
		s->zs.avail_in = (uInt)s->rlen;
		s->zs.next_out = s->out + s->out_len;
		s->zs.avail_out = (uInt)(OUT_CAP - s->out_len);
		rc = inflate(&s->zs, Z_NO_FLUSH);
		s->rp = s->zs.next_in;
		s->rlen = s->zs.avail_in;
		s->out_len = OUT_CAP - s->zs.avail_out;
		if (rc == Z_STREAM_END) {
			s->z_member_done = 1;
		} else if (rc == Z_BUF_ERROR) {
			/* no progress possible: fine only when input ran out */
			if (s->rlen)
				return an__fail(err, AN_EIO, AN_NO_OFFSET,
						"corrupt gzip data");
			continue;
		} else if (rc != Z_OK) {
			return an__fail(err, AN_EIO, AN_NO_OFFSET,
					"corrupt gzip data: %s",
					s->zs.msg ? s->zs.msg : "inflate error");
		}
		if (s->out_len > 0)
			return AN_OK;
	}
	return AN_OK;
}

int an_source_peek(an_source *s, size_t want, const uint8_t **data,
		   size_t *len, an_error *err)
{
	int rc, eof = 0;

	if (s->started)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"peek after reading started");
	rc = detect(s, err);
	if (rc < 0)
		return rc;
	if (want > OUT_CAP)
		want = OUT_CAP;
	while (s->out_len < want && !eof) {
		rc = produce(s, &eof, err);
		if (rc < 0)
			return rc;
	}
	*data = s->out;
	*len = s->out_len < want ? s->out_len : want;
	return AN_OK;
}

int an_source_next(an_source *s, const uint8_t **data, size_t *len,
		   an_error *err)
{
	int rc, eof = 0;
	size_t n;

	s->started = 1;
	rc = detect(s, err);
	if (rc < 0)
		return rc;
	if (s->out_pos == s->out_len) {
		s->out_pos = s->out_len = 0;
		while (s->out_len == 0 && !eof) {
			rc = produce(s, &eof, err);
			if (rc < 0)
				return rc;
		}
	}
	n = s->out_len - s->out_pos;
	if (s->chunk_limit && n > s->chunk_limit)
		n = s->chunk_limit;
	*data = s->out + s->out_pos;
	*len = n;
	s->out_pos += n;
	s->offset += n;
	return AN_OK;
}

uint64_t an_source_offset(const an_source *s)
{
	return s->offset;
}

uint64_t an_source_raw_bytes(const an_source *s)
{
	return s->raw_bytes;
}

int an_source_is_gzip(const an_source *s)
{
	return s->gzip;
}

const char *an_source_name(const an_source *s)
{
	return s->name;
}

int an_source_enable_sha256(an_source *s)
{
	if (s->raw_bytes || s->detected)
		return AN_EINVAL;
	s->hash = 1;
	return AN_OK;
}

void an_source_sha256(const an_source *s, char hex[65])
{
	an_sha256 copy = s->sha;

	if (!s->hash) {
		hex[0] = '\0';
		return;
	}
	an__sha256_final_hex(&copy, hex);
}

int an__source_plain_fd(const an_source *s)
{
	struct stat st;

	if (s->fd < 0 || !s->detected || s->gzip || s->chunk_limit)
		return -1;
	if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return s->fd;
}

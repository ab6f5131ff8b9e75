/*
 * source.c - byte source over a file descriptor or a memory buffer, with
 * transparent gzip inflation (the only user of zlib) and zstd
 * decompression (the only user of libzstd) and a running SHA-256 of the
 * raw bytes. Compressed input is inflated on a second thread, a few
 * buffers ahead of the reader (inflating is as slow as parsing), from a
 * file, memory or a pipe; plain input from a pipe is read ahead by that
 * thread the same way. A regular file opened by path is mapped (mmap)
 * and read in place, in the same chunks read() would give; what the
 * mapping does not cover (the file grew) is read() after it.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_DONTNEED) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include "analyze/source.h"
#include "core/common_int.h"
#include "io/source_int.h"
#include "core/sha256.h"

#define RAW_CAP (256u * 1024u)
#define OUT_CAP (256u * 1024u)
#define PIPE_BUFS 4             /* buffers the inflating thread fills */
#define PIPE_CAP (1024u * 1024u)
#define MAP_DROP (8u << 20)     /* read mapped bytes unmapped at once */

/* One buffer between the inflating thread and the reader. */
typedef struct pipe_buf {
	uint8_t *data;
	size_t len;
	int eof;             /* the input ends after these bytes */
	int rc;              /* an error after these bytes, with err */
	an_error err;
} pipe_buf;

/* The inflating thread and its ring of buffers. */
typedef struct pipe_st {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pipe_buf bufs[PIPE_BUFS];
	unsigned head;       /* next buffer the reader takes */
	unsigned count;      /* filled buffers not yet released */
	int holding;         /* the reader holds bufs[head] */
	int stop;            /* an_source_free: stop filling */
	int wait_fd;         /* a pipe or terminal: a read may wait for
				its writer, so the thread polls and sees
				stop while it waits */
	uint64_t raw_pub;    /* raw_bytes and sha as of the last buffer, */
	an_sha256 sha_pub;   /* for the getters while the thread runs */
} pipe_st;

struct an_source {
	char *name;          /* for messages */
	int fd;              /* -1 for memory */
	int fd_at_start;     /* fd was at offset 0 when opened */
	int own_fd;          /* close on free */
	const uint8_t *mem;  /* memory input */
	size_t mem_len;      /* memory input length */
	size_t mem_pos;      /* memory read position */
	int raw_eof;         /* no more raw bytes */
	uint8_t *raw;        /* raw read buffer (fd input) */
	const uint8_t *rp;   /* unconsumed raw bytes */
	size_t rlen;         /* length at rp */
	uint64_t raw_bytes;  /* raw bytes read */
	const uint8_t *map;  /* the file mapped (fd input), or NULL */
	size_t map_len;      /* its length */
	size_t map_pos;      /* bytes of it read */
	size_t map_drop;     /* bytes of it unmapped (page multiple) */
	size_t map_rel;      /* bytes of it released (unmapped or, when
				pinned, given back with madvise) */
	int map_tried;       /* map_open() was called */
	int map_over;        /* read to its end (2: read() goes on) */
	int map_pinned;      /* an__source_whole() handed it out: it stays
				mapped until an_source_free() */
	an_sha256 sha;       /* hash of raw bytes */
	int hash;            /* sha is being computed */
	int detected;        /* gzip/zstd detection done */
	int gzip;            /* input is gzip */
	int zstd;            /* input is zstd */
	int z_init;          /* zs initialised */
	int z_member_done;   /* last member (zstd: frame) ended cleanly */
	z_stream zs;         /* inflater */
	ZSTD_DStream *zd;    /* zstd decompressor */
	uint64_t zframe_at;  /* raw offset of the zstd frame being read */
	uint8_t *out;        /* decompressed (or copied) bytes */
	size_t out_cap;      /* its size */
	size_t out_pos;      /* consumed part of out */
	size_t out_len;      /* valid bytes in out */
	uint64_t out_base;   /* decompressed offset of out[0] */
	uint8_t *own_out;    /* the OUT_CAP buffer (out may be a pipe's) */
	pipe_st *pipe;       /* inflating thread, once reading started */
	int pipe_tried;      /* pipe_start() was called */
	uint64_t offset;     /* decompressed bytes handed out */
	size_t chunk_limit;  /* max bytes per next(), 0 = none */
	int started;         /* next() has been called */
	uint64_t size;       /* raw input size, 0 when unknown */
	an_progress_cb progress; /* load progress, or NULL */
	void *prog_payload;
	uint64_t prog_last;  /* raw bytes last reported */
	uint64_t prog_next;  /* report when raw bytes reach this */
	int prog_calls;      /* reports made */
	int prog_end;        /* the end was reported */
};

static int make(an_source **out, const char *name, an_error *err)
{
	an_source *s = calloc(1, sizeof(*s));
	size_t n = strlen(name);

	*out = NULL;
	if (!s)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	s->name = malloc(n + 1);
	s->out = s->own_out = malloc(OUT_CAP);
	s->out_cap = OUT_CAP;
	if (!s->name || !s->out) {
		free(s->name);
		free(s->own_out);
		free(s);
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	}
	memcpy(s->name, name, n + 1);
	s->fd = -1;
	an__sha256_init(&s->sha);
	*out = s;
	return AN_OK;
}

/* Size of a regular file, else 0 (unknown). */
static uint64_t file_size(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0)
		return 0;
	return (uint64_t)st.st_size;
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
		/* a file may come in part-read ({ read x; profkit -; } < f):
		 * then its offsets are not ours, so no pread */
		s->fd_at_start = lseek(0, 0, SEEK_CUR) == 0;
		s->size = s->fd_at_start ? file_size(0) : 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			return an__fail(err,
					e == ENOENT ? AN_ENOTFOUND : AN_EIO,
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
		s->fd_at_start = 1;
		s->size = file_size(fd);
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
	(*out)->size = len;
	return AN_OK;
}

static void pipe_stop(an_source *s);

static void map_close(an_source *s)
{
	if (s->map)
		munmap((void *)(uintptr_t)(s->map + s->map_drop),
		       s->map_len - s->map_drop);
	s->map = NULL;
}

void an_source_free(an_source *s)
{
	if (!s)
		return;
	pipe_stop(s);
	map_close(s);
	if (s->z_init)
		inflateEnd(&s->zs);
	ZSTD_freeDStream(s->zd);
	if (s->own_fd)
		close(s->fd);
	free(s->raw);
	free(s->own_out);
	free(s->name);
	free(s);
}

void an_source_set_chunk_limit(an_source *s, size_t max)
{
	s->chunk_limit = max;
}

/* On the inflating thread, for a pipe: waits until fd has bytes (or its
 * end, or an error, which read() then reports); AN_ECANCELED when
 * pipe_stop() asks the thread to end meanwhile. */
static int wait_readable(an_source *s, an_error *err)
{
	pipe_st *p = s->pipe;
	struct pollfd pfd;
	int stop, r;

	pfd.fd = s->fd;
	pfd.events = POLLIN;
	for (;;) {
		pfd.revents = 0;
		r = poll(&pfd, 1, 100);
		if (r > 0 || (r < 0 && errno != EINTR))
			return AN_OK;
		pthread_mutex_lock(&p->mu);
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			return an__fail(err, AN_ECANCELED, AN_NO_OFFSET,
					"stopped");
	}
}

/* Maps a regular file opened by path, once, when it is read from its
 * start; the mapping is only a faster read(): failing, it is not used. */
static void map_open(an_source *s)
{
	struct stat st;
	void *m;

	s->map_tried = 1;
	if (!s->own_fd || s->raw_bytes || fstat(s->fd, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX / 2)
		return;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (m == MAP_FAILED)
		return;
	(void)posix_madvise(m, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
	s->map = m;
	s->map_len = (size_t)st.st_size;
}

/* The next RAW_CAP bytes (at most) of the mapping at rp/rlen, as read()
 * would give them; 0 when the file is not mapped or the mapping is read
 * (then it is unmapped, and read() goes on from its end). Pages already
 * read are unmapped now and then, so that they do not all count in the
 * resident size: nothing points into them any more (a chunk handed out
 * lives until the next an_source_next()). */
static int map_read(an_source *s)
{
	size_t n;

	if (!s->map_tried)
		map_open(s);
	if (!s->map || s->map_over)
		return 0;
	n = s->map_len - s->map_pos;
	if (n == 0) {
		s->map_over = 1;
		if (!s->map_pinned)
			map_close(s);
		return 0;
	}
	if (s->map_pos - s->map_rel >= MAP_DROP) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t to = page ? s->map_pos / page * page : 0;
		void *at = (void *)(uintptr_t)(s->map + s->map_rel);
		if (to > s->map_rel && s->map_pinned) {
			/* other threads may still read there: the pages
			 * are only given back (read again if touched) */
			(void)madvise(at, to - s->map_rel, MADV_DONTNEED);
			s->map_rel = to;
		} else if (to > s->map_rel &&
			   munmap(at, to - s->map_rel) == 0) {
			s->map_drop = s->map_rel = to;
		}
	}
	if (n > RAW_CAP)
		n = RAW_CAP;
	s->rp = s->map + s->map_pos;
	s->rlen = n;
	s->map_pos += n;
	return 1;
}

/* Makes raw bytes available at rp/rlen; rlen == 0 with raw_eof at end. */
static int fill_raw(an_source *s, an_error *err)
{
	if (s->rlen || s->raw_eof)
		return AN_OK;
	if (s->raw && s->pipe && s->pipe->wait_fd) {
		int rc = wait_readable(s, err);
		if (rc < 0)
			return rc;
	}
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
	} else if (map_read(s)) {
		/* rp and rlen set */
	} else {
		ssize_t n;
		if (s->map_over == 1) {
			/* past the mapping: on with read() */
			s->map_over = 2;
			if (lseek(s->fd, (off_t)s->map_len, SEEK_SET) < 0)
				return an__fail(err, AN_EIO, AN_NO_OFFSET,
						"read error: %s",
						strerror(errno));
		}
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

/* zstd's frame magic 0xFD2FB528, or a skippable frame's 0x184D2A5?,
 * little-endian (RFC 8878 3.1.1, 3.1.2). */
static int zstd_magic(const uint8_t *p, size_t n)
{
	if (n < 4)
		return 0;
	if (p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return 1;
	return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
	       p[3] == 0x18;
}

static int detect(an_source *s, an_error *err)
{
	int rc;

	if (s->detected)
		return AN_OK;
	rc = fill_raw(s, err);
	if (rc < 0)
		return rc;
	/* The magic bytes need 4 bytes (gzip 2, zstd 4). Memory and mapped
	 * files deliver them at once unless the input is shorter; a read()
	 * from a pipe may give fewer: read on until 4 or the end. */
	while (s->rlen < 4 && !s->raw_eof && s->raw && !s->map) {
		ssize_t n;
		if (s->rp != s->raw)
			memmove(s->raw, s->rp, s->rlen);
		s->rp = s->raw;
		do {
			n = read(s->fd, s->raw + s->rlen, RAW_CAP - s->rlen);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return an__fail(err, AN_EIO, AN_NO_OFFSET,
					"read error: %s", strerror(errno));
		if (n == 0) {
			s->raw_eof = 1;
			break;
		}
		if (s->hash)
			an__sha256_update(&s->sha, s->raw + s->rlen,
					  (size_t)n);
		s->raw_bytes += (size_t)n;
		s->rlen += (size_t)n;
	}
	s->gzip = s->rlen >= 2 && s->rp[0] == 0x1f && s->rp[1] == 0x8b;
	s->zstd = zstd_magic(s->rp, s->rlen);
	s->detected = 1;
	if (s->gzip) {
		memset(&s->zs, 0, sizeof(s->zs));
		if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
			return an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
					"cannot initialise zlib");
		s->z_init = 1;
	}
	if (s->zstd) {
		s->zd = ZSTD_createDStream();
		if (!s->zd)
			return an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
					"cannot initialise zstd");
	}
	return AN_OK;
}

/* Decompresses zstd frames into out[out_len..]; like inflate below:
 * AN_OK with *eof at the end of the last frame, else after some output.
 * ZSTD_decompressStream() goes on across frames (skippable ones are
 * skipped) and returns 0 exactly when a frame is decoded and flushed,
 * so the input may only end there. */
static int produce_zstd(an_source *s, int *eof, an_error *err)
{
	ZSTD_inBuffer in;
	ZSTD_outBuffer ob;
	size_t r;
	int rc;

	while (s->out_len < s->out_cap) {
		rc = fill_raw(s, err);
		if (rc < 0)
			return rc;
		if (s->rlen == 0 && s->z_member_done) {
			*eof = 1;
			return AN_OK;
		}
		in.src = s->rp;
		in.size = s->rlen;
		in.pos = 0;
		ob.dst = s->out;
		ob.size = s->out_cap;
		ob.pos = s->out_len;
		r = ZSTD_decompressStream(s->zd, &ob, &in);
		/* (where in the frame it failed, libzstd does not say: a
		 * failed checksum is seen with the frame's last byte, and
		 * in.pos is not moved on an error) */
		if (ZSTD_isError(r))
			return an__fail(err, AN_EIO, AN_NO_OFFSET,
					"corrupt zstd data: %s (in the frame "
					"at compressed byte %llu)",
					ZSTD_getErrorName(r),
					(unsigned long long)s->zframe_at);
		s->rp += in.pos;
		s->rlen -= in.pos;
		s->z_member_done = r == 0;
		if (r == 0)
			s->zframe_at = s->raw_bytes - s->rlen;
		if (ob.pos == s->out_len && s->rlen == 0 && s->raw_eof &&
		    !s->z_member_done)
			return an__fail(err, AN_EIO, s->out_base + s->out_len,
					"truncated zstd stream: compressed "
					"data ends after %llu bytes",
					(unsigned long long)s->raw_bytes);
		s->out_len = ob.pos;
		if (s->out_len > 0)
			return AN_OK;
	}
	return AN_OK;
}

/* Appends decompressed bytes to out[out_len..]; sets *eof at the end. */
static int produce(an_source *s, int *eof, an_error *err)
{
	int rc;

	*eof = 0;
	if (s->zstd)
		return produce_zstd(s, eof, err);
	while (s->out_len < s->out_cap) {
		rc = fill_raw(s, err);
		if (rc < 0)
			return rc;
		if (!s->gzip) {
			size_t n;
			if (s->rlen == 0) {
				*eof = 1;
				return AN_OK;
			}
			n = s->rlen < s->out_cap - s->out_len ?
				    s->rlen : s->out_cap - s->out_len;
			memcpy(s->out + s->out_len, s->rp, n);
			s->out_len += n;
			s->rp += n;
			s->rlen -= n;
			return AN_OK;
		}
		if (s->rlen == 0) {
			if (!s->z_member_done)
				return an__fail(err, AN_EIO,
						s->out_base + s->out_len,
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
						(unsigned long long)(
							s->raw_bytes -
							s->rlen));
			}
			inflateReset(&s->zs);
			s->z_member_done = 0;
		}
		s->zs.next_in = (Bytef *)(uintptr_t)s->rp;
		s->zs.avail_in = (uInt)s->rlen;
		s->zs.next_out = s->out + s->out_len;
		s->zs.avail_out = (uInt)(s->out_cap - s->out_len);
		rc = inflate(&s->zs, Z_NO_FLUSH);
		s->rp = s->zs.next_in;
		s->rlen = s->zs.avail_in;
		s->out_len = s->out_cap - s->zs.avail_out;
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
					s->zs.msg ? s->zs.msg :
						    "inflate error");
		}
		if (s->out_len > 0)
			return AN_OK;
	}
	return AN_OK;
}

int an_source_peek(const uint8_t **data, size_t *len, an_source *s,
		   size_t want, an_error *err)
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

/* The inflating thread: fills buffers in ring order until the input
 * ends, an error, or pipe_stop(). It alone touches the inflater and the
 * raw side of the source while it runs. */
static void *pipe_main(void *arg)
{
	an_source *s = arg;
	pipe_st *p = s->pipe;
	unsigned tail = 0;
	uint64_t produced = s->out_base;

	for (;;) {
		pipe_buf *b = &p->bufs[tail];
		int eof = 0, rc = AN_OK;
		pthread_mutex_lock(&p->mu);
		while (p->count == PIPE_BUFS && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		pthread_mutex_unlock(&p->mu);
		s->out = b->data;
		s->out_cap = PIPE_CAP;
		s->out_len = 0;
		s->out_base = produced;
		an_error_clear(&b->err);
		while (s->out_len < PIPE_CAP && !eof && rc == AN_OK)
			rc = produce(s, &eof, &b->err);
		b->len = s->out_len;
		b->eof = eof;
		b->rc = rc < 0 ? rc : AN_OK;
		produced += b->len;
		pthread_mutex_lock(&p->mu);
		p->raw_pub = s->raw_bytes;
		p->sha_pub = s->sha;
		p->count++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (eof || rc < 0)
			return NULL;
		tail = (tail + 1) % PIPE_BUFS;
	}
}

/* A pipe holds 64 KiB by default: the writer (zcat, curl, aws s3 cp)
 * and this reader then take turns 64 KiB at a time, a few hundred
 * thousand wake-ups for a 1.5 GB snapshot. Linux lets any process with
 * either end make it larger, up to /proc/sys/fs/pipe-max-size (1 MiB by
 * default): `cat x | profkit heap summary -` of a 1.7 GB snapshot took
 * 8.5 s with 64 KiB, 5.9 s with 1 MiB (by path: 5.3 s; PERFORMANCE.md).
 * Failing, it stays as it was. */
#if defined(__linux__) && !defined(F_SETPIPE_SZ)
#define F_SETPIPE_SZ 1031 /* <linux/fcntl.h>: F_LINUX_SPECIFIC_BASE + 7 */
#endif
static void grow_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	int sz;

	for (sz = PIPE_CAP; sz >= 128 * 1024; sz /= 2)
		if (fcntl(fd, F_SETPIPE_SZ, sz) >= 0)
			return;
#else
	(void)fd;
#endif
}

/* Starts the inflating thread; 0 when it cannot (then the reader
 * inflates itself). A read from a pipe may wait for its writer forever:
 * there the thread polls, so that pipe_stop() never hangs. */
static int pipe_start(an_source *s)
{
	pipe_st *p;
	struct stat st;
	unsigned i;
	int wait_fd = 0;

	if (s->fd >= 0) {
		if (fstat(s->fd, &st) < 0)
			return 0;
		wait_fd = !S_ISREG(st.st_mode);
		if (S_ISFIFO(st.st_mode))
			grow_pipe(s->fd);
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return 0;
	p->wait_fd = wait_fd;
	for (i = 0; i < PIPE_BUFS; i++) {
		p->bufs[i].data = malloc(PIPE_CAP);
		if (!p->bufs[i].data)
			goto fail;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->raw_pub = s->raw_bytes;
	p->sha_pub = s->sha;
	s->pipe = p;
	s->out_base = s->offset;
	if (pthread_create(&p->tid, NULL, pipe_main, s) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		s->pipe = NULL;
		goto fail;
	}
	return 1;
fail:
	for (i = 0; i < PIPE_BUFS; i++)
		free(p->bufs[i].data);
	free(p);
	s->out = s->own_out;
	s->out_cap = OUT_CAP;
	return 0;
}

static void pipe_stop(an_source *s)
{
	pipe_st *p = s->pipe;
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->tid, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (i = 0; i < PIPE_BUFS; i++)
		free(p->bufs[i].data);
	free(p);
	s->pipe = NULL;
	s->out = s->own_out;
	s->out_cap = OUT_CAP;
	s->out_pos = s->out_len = 0;
}

/* The next bytes from the inflating thread (none at the end). */
static int pipe_next(an_source *s, const uint8_t **data, size_t *len,
		     an_error *err)
{
	pipe_st *p = s->pipe;
	pipe_buf *b;
	size_t n;

	pthread_mutex_lock(&p->mu);
	b = &p->bufs[p->head];
	if (p->holding && s->out_pos == b->len) {
		if (b->eof || b->rc < 0) {
			/* stays held: the end or the error again */
			pthread_mutex_unlock(&p->mu);
			if (b->rc < 0) {
				if (err)
					*err = b->err;
				return b->rc;
			}
			*len = 0;
			*data = b->data;
			return AN_OK;
		}
		p->holding = 0;
		p->count--;
		p->head = (p->head + 1) % PIPE_BUFS;
		pthread_cond_broadcast(&p->cv);
		b = &p->bufs[p->head];
	}
	while (!p->holding && p->count == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->holding) {
		p->holding = 1;
		s->out_pos = 0;
	}
	pthread_mutex_unlock(&p->mu);
	if (s->out_pos == b->len) {
		/* an empty buffer: the end, or an error right here */
		if (b->rc < 0) {
			if (err)
				*err = b->err;
			return b->rc;
		}
		*len = 0;
		*data = b->data;
		return AN_OK;
	}
	n = b->len - s->out_pos;
	if (s->chunk_limit && n > s->chunk_limit)
		n = s->chunk_limit;
	*data = b->data + s->out_pos;
	*len = n;
	s->out_pos += n;
	s->offset += n;
	return AN_OK;
}

/* A pipe or terminal: plain input from it is read ahead by the thread. */
static int is_stream(an_source *s)
{
	struct stat st;

	return s->fd >= 0 && fstat(s->fd, &st) == 0 && !S_ISREG(st.st_mode);
}

static int next_chunk(const uint8_t **data, size_t *len, an_source *s,
		      an_error *err)
{
	int rc, eof = 0;
	size_t n;

	s->started = 1;
	rc = detect(s, err);
	if (rc < 0)
		return rc;
	if (s->pipe)
		return pipe_next(s, data, len, err);
	if (s->out_pos == s->out_len && !s->pipe_tried &&
	    (s->gzip || s->zstd || is_stream(s))) {
		/* what a peek inflated is handed out: inflate ahead now (or,
		 * from a pipe, read ahead: the reader parses meanwhile) */
		s->pipe_tried = 1;
		s->out_pos = s->out_len = 0;
		if (pipe_start(s))
			return pipe_next(s, data, len, err);
	}
	if (s->out_pos == s->out_len) {
		s->out_base = s->offset;
		s->out_pos = s->out_len = 0;
		if (!s->gzip && !s->zstd) {
			/* plain: the raw bytes in place, in the chunks a
			 * copy into out would have given */
			rc = fill_raw(s, err);
			if (rc < 0)
				return rc;
			n = s->rlen;
			if (s->chunk_limit && n > s->chunk_limit)
				n = s->chunk_limit;
			*data = n ? s->rp : s->out;
			*len = n;
			if (n) {
				s->rp += n;
				s->rlen -= n;
				s->offset += n;
			}
			return AN_OK;
		}
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

/* Reports progress when the raw bytes passed the next mark, or at the
 * end; never the same count twice. */
static int report(an_source *s, int end, an_error *err)
{
	uint64_t done;
	uint64_t step = 1u << 20;

	if (end && s->prog_end)
		return AN_OK;
	done = an_source_raw_bytes(s);
	if (!end && done < s->prog_next)
		return AN_OK;
	s->prog_end = end;
	if (s->prog_calls && done <= s->prog_last)
		return AN_OK;
	if (s->size && s->size / 64 < step)
		step = s->size / 64 > (64u << 10) ? s->size / 64 : 64u << 10;
	s->prog_calls++;
	s->prog_last = done;
	s->prog_next = done + step;
	if (s->progress(done, s->size, s->prog_payload))
		return an__fail(err, AN_ECANCELED, s->offset,
				"canceled by the progress callback");
	return AN_OK;
}

int an_source_next(const uint8_t **data, size_t *len, an_source *s,
		   an_error *err)
{
	int rc = next_chunk(data, len, s, err);

	if (rc < 0 || !s->progress)
		return rc;
	return report(s, *len == 0, err);
}

void an__source_set_progress(an_source *s, an_progress_cb cb,
			     void *payload)
{
	s->progress = cb;
	s->prog_payload = payload;
	s->prog_last = s->prog_next = 0;
	s->prog_calls = s->prog_end = 0;
}

uint64_t an_source_size(const an_source *s)
{
	return s->size;
}

uint64_t an_source_offset(const an_source *s)
{
	return s->offset;
}

uint64_t an_source_raw_bytes(const an_source *s)
{
	uint64_t n;

	if (!s->pipe)
		return s->raw_bytes;
	/* the inflating thread owns raw_bytes: its last published value */
	pthread_mutex_lock(&s->pipe->mu);
	n = s->pipe->raw_pub;
	pthread_mutex_unlock(&s->pipe->mu);
	return n;
}

int an_source_is_gzip(const an_source *s)
{
	return s->gzip;
}

int an_source_is_zstd(const an_source *s)
{
	return s->zstd;
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
	an_sha256 copy;

	if (s->pipe) {
		pthread_mutex_lock(&s->pipe->mu);
		copy = s->pipe->sha_pub;
		pthread_mutex_unlock(&s->pipe->mu);
	} else {
		copy = s->sha;
	}
	if (!s->hash) {
		hex[0] = '\0';
		return;
	}
	an__sha256_final_hex(&copy, hex);
}

int an__source_whole(const uint8_t **data, size_t *len, an_source *s)
{
	*data = NULL;
	*len = 0;
	if (!s->detected || s->gzip || s->zstd || s->pipe)
		return 0;
	if (!s->raw) {
		*data = s->mem;
		*len = s->mem_len;
		return 1;
	}
	if (!s->map || s->map_over)
		return 0;
	s->map_pinned = 1;
	*data = s->map;
	*len = s->map_len;
	return 1;
}

int an__source_plain_fd(const an_source *s)
{
	struct stat st;

	if (s->fd < 0 || !s->fd_at_start || !s->detected || s->gzip ||
	    s->zstd || s->chunk_limit)
		return -1;
	if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return s->fd;
}

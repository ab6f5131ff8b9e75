/*
 * publish.c - a new database is built in a temporary file next to its
 * path and moved into place only when committed: creating that file and
 * publishing it without ever replacing a database another process made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

#define TMP_TRIES 100   /* attempts at a fresh temporary name */

/*
 * Creates `<path>.tmp-XXXXXX` exclusively. Not mkstemp(): that makes the
 * file 0600, while a database SQLite creates itself gets 0644 minus the
 * umask, and the temporary file becomes the database.
 */
int an__store_make_temp(an_store *s, an_error *err)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts;
	uint64_t x;
	size_t n = strlen(s->path);
	int tries, fd = -1, i;

	s->tmp = malloc(n + sizeof(".tmp-XXXXXX"));
	if (!s->tmp)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	memcpy(s->tmp, s->path, n);
	memcpy(s->tmp + n, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));
	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	    ((uint64_t)getpid() << 20) ^ (uint64_t)(uintptr_t)s;
	for (tries = 0; tries < TMP_TRIES; tries++) {
		/* splitmix64 step */
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);
		z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ z >> 27) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		for (i = 0; i < 6; i++) {
			s->tmp[n + 5 + (size_t)i] = digits[z % 36];
			z /= 36;
		}
		fd = open(s->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			  0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int e = errno;
		free(s->tmp);
		s->tmp = NULL;
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"cannot create the database: %s",
				strerror(e));
	}
	/* closed before SQLite opens it: closing another descriptor of a
	 * file would drop SQLite's POSIX locks on it */
	close(fd);
	return AN_OK;
}

/* Best effort: makes the new directory entry durable. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash) {
		dir = an__store_dup_str(".", "");
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		dir = malloc(n + 1);
		if (dir) {
			memcpy(dir, path, n);
			dir[n] = '\0';
		}
	}
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * Moves the finished temporary file to the database path. link() fails
 * when another process created the database meanwhile, so its data is
 * never replaced; rename() is the fallback on file systems without hard
 * links.
 */
int an__store_publish(an_store *s, an_error *err)
{
	if (link(s->tmp, s->path) == 0) {
		unlink(s->tmp);
	} else if (errno == EEXIST) {
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"the database was created by another "
				"process meanwhile; nothing was stored");
	} else if (rename(s->tmp, s->path) != 0) {
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"cannot move the new database into place: "
				"%s",
				strerror(errno));
	}
	free(s->tmp);
	s->tmp = NULL;
	sync_dir(s->path);
	return AN_OK;
}


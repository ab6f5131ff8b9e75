/*
 * fixture.c - test helpers (see fixture.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

const char *fx_path(const char *rel)
{
	/* one per thread: test_heap_threads loads two files at once, and a
	 * shared buffer let both threads open the second path (the test
	 * failed one run in four, comparing baseline with leak) */
	static _Thread_local char buf[4096];
	const char *dir = getenv("AN_FIXTURES_DIR");

	cr_assert_not_null(dir, "AN_FIXTURES_DIR is not set (run via ctest)");
	snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
	return buf;
}

char *fx_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* Opens a file (path) or memory (data, len) with a chunk limit. */
static int open_src(an_source **src, const char *path, const void *data,
		    size_t len, size_t chunk, an_error *err)
{
	int rc;

	an_error_clear(err);
	rc = path ? an_source_open_path(src, path, err) :
		    an_source_open_memory(src, data, len, "test", err);
	if (rc < 0)
		return rc;
	if (chunk)
		an_source_set_chunk_limit(*src, chunk);
	return AN_OK;
}

int fx_load_profile(an_profile **out, const char *path, size_t chunk,
		    an_error *err)
{
	an_source *src = NULL;
	int rc = open_src(&src, path, NULL, 0, chunk, err);

	if (rc < 0)
		return rc;
	rc = an_profile_load(out, src, NULL, err);
	an_source_free(src);
	return rc;
}

int fx_load_profile_pick(an_profile **out, const char *path, int64_t pid,
			 int64_t tid, an_error *err)
{
	an_profile_load_opts o = AN_PROFILE_LOAD_OPTS_INIT;
	an_source *src = NULL;
	int rc = open_src(&src, path, NULL, 0, 0, err);

	if (rc < 0)
		return rc;
	o.pick = 1;
	o.pick_pid = pid;
	o.pick_tid = tid;
	rc = an_profile_load(out, src, &o, err);
	an_source_free(src);
	return rc;
}

int fx_load_string(an_profile **out, const char *json, size_t chunk,
		   an_error *err)
{
	an_source *src = NULL;
	int rc = open_src(&src, NULL, json, strlen(json), chunk, err);

	if (rc < 0)
		return rc;
	rc = an_profile_load(out, src, NULL, err);
	an_source_free(src);
	return rc;
}

static int load_heap(an_heap **out, const char *path, const void *data,
		     size_t len, size_t chunk, an_error *err)
{
	an_source *src = NULL;
	int rc;

	*out = NULL;
	rc = open_src(&src, path, data, len, chunk, err);
	if (rc < 0)
		return rc;
	rc = an_heap_load(out, src, NULL, err);
	an_source_free(src);
	return rc;
}

int fx_load_heap(an_heap **out, const char *path, size_t chunk,
		 an_error *err)
{
	return load_heap(out, path, NULL, 0, chunk, err);
}

int fx_load_heap_mem(an_heap **out, const void *data, size_t len,
		     size_t chunk, an_error *err)
{
	return load_heap(out, NULL, data, len, chunk, err);
}

an_heap *fx_must_load_heap(const char *rel)
{
	an_heap *h = NULL;
	an_error err;
	int rc = fx_load_heap(&h, fx_path(rel), 0, &err);

	cr_assert_eq(rc, AN_OK, "%s: %d %s (byte %llu)", rel, rc, err.message,
		     (unsigned long long)err.offset);
	cr_assert_not_null(h);
	return h;
}

const char *fx_heap_rel(const char *base)
{
	static _Thread_local char rel[128];

	snprintf(rel, sizeof(rel), "heap/%s.heapsnapshot%s", base,
		 strcmp(base, "tiny") ? ".gz" : "");
	return rel;
}

uint64_t fx_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int str_is(an_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

uint32_t fx_find_function(const an_profile *p, const char *name,
			  const char *url, int line, int column)
{
	uint32_t i;

	for (i = 0; i < an_profile_function_count(p); i++) {
		const an_function *f = an_profile_function(p, i);
		if (str_is(f->name, name) && str_is(f->url, url) &&
		    f->line == line && f->column == column)
			return i;
	}
	return AN_NONE;
}

uint32_t fx_function_named(const an_profile *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < an_profile_function_count(p); i++)
		if (str_is(an_profile_function(p, i)->name, name))
			return i;
	return AN_NONE;
}

pid_t fx_fifo_fork(const char *fifo,
		   void (*w)(const char *, const uint8_t *, size_t),
		   const uint8_t *data, size_t n)
{
	pid_t pid;

	unlink(fifo);
	cr_assert_eq(mkfifo(fifo, 0600), 0, "mkfifo %s", fifo);
	pid = fork();
	cr_assert_geq(pid, 0, "fork");
	if (pid == 0)
		w(fifo, data, n);
	return pid;
}

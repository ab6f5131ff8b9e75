/*
 * walk.c - the file list of an ingest: files and folders given by the
 * user expanded into regular files, sorted bytewise, each path once.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/batch_int.h"

#define MAX_DEPTH 64 /* folders deeper than this are not entered */

typedef struct vec {
	char **paths;
	uint64_t *bytes;
	size_t count, cap;
} vec;

static int push(vec *v, char *path, uint64_t bytes, an_error *err)
{
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		char **p = realloc(v->paths, cap * sizeof(*p));
		uint64_t *b;

		if (!p)
			goto oom;
		v->paths = p;
		b = realloc(v->bytes, cap * sizeof(*b));
		if (!b)
			goto oom;
		v->bytes = b;
		v->cap = cap;
	}
	v->paths[v->count] = path;
	v->bytes[v->count++] = bytes;
	return AN_OK;
oom:
	free(path);
	return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
}

static char *join(const char *dir, const char *name)
{
	size_t nd = strlen(dir), nn = strlen(name);
	char *p;

	while (nd > 1 && dir[nd - 1] == '/')
		nd--;
	p = malloc(nd + nn + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, nd);
	p[nd] = '/';
	memcpy(p + nd + 1, name, nn + 1);
	return p;
}

static int walk_dir(vec *v, const char *dir, int depth, an_error *err);

/* Adds `path` (owned) whose stat is `sb`. */
static int add(vec *v, char *path, const struct stat *sb, int depth,
	       an_error *err)
{
	int rc;

	if (S_ISREG(sb->st_mode))
		return push(v, path, (uint64_t)sb->st_size, err);
	if (S_ISDIR(sb->st_mode) && depth < MAX_DEPTH) {
		rc = walk_dir(v, path, depth + 1, err);
		free(path);
		return rc;
	}
	free(path);
	return AN_OK;
}

static int walk_dir(vec *v, const char *dir, int depth, an_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	int rc = AN_OK;

	if (!d)
		return an__fail(err, errno == ENOENT ? AN_ENOTFOUND : AN_EIO,
				AN_NO_OFFSET, "%s: %s", dir,
				strerror(errno));
	while (rc == AN_OK && (e = readdir(d)) != NULL) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = join(dir, e->d_name);
		if (!p) {
			rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
				      "out of memory");
			break;
		}
		/* a link to a file is followed, a link to a folder is not
		 * (no cycles) */
		if (lstat(p, &sb) != 0) {
			free(p);
			continue;
		}
		if (S_ISLNK(sb.st_mode) &&
		    (stat(p, &sb) != 0 || S_ISDIR(sb.st_mode))) {
			free(p);
			continue;
		}
		rc = add(v, p, &sb, depth, err);
	}
	closedir(d);
	return rc;
}

typedef struct entry {
	char *path;
	uint64_t bytes;
} entry;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* Sorts v by path and drops repeated paths (a file given twice, or
 * inside a folder also given). */
static int sort_unique(vec *v, an_error *err)
{
	entry *e = malloc((v->count ? v->count : 1) * sizeof(*e));
	size_t i, n = 0;

	if (!e)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (i = 0; i < v->count; i++) {
		e[i].path = v->paths[i];
		e[i].bytes = v->bytes[i];
	}
	qsort(e, v->count, sizeof(*e), cmp_entry);
	for (i = 0; i < v->count; i++) {
		if (n && !strcmp(v->paths[n - 1], e[i].path)) {
			free(e[i].path);
			continue;
		}
		v->paths[n] = e[i].path;
		v->bytes[n++] = e[i].bytes;
	}
	v->count = n;
	free(e);
	return AN_OK;
}

int an_ingest_list_make(an_ingest_list *out, const char *const *inputs,
			size_t ninputs, an_error *err)
{
	vec v;
	size_t i;
	int rc = AN_OK;
	struct stat sb;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	for (i = 0; i < ninputs && rc == AN_OK; i++) {
		char *p;

		if (stat(inputs[i], &sb) != 0) {
			rc = an__fail(err,
				      errno == ENOENT ? AN_ENOTFOUND : AN_EIO,
				      AN_NO_OFFSET, "%s: %s", inputs[i],
				      strerror(errno));
			break;
		}
		p = join(inputs[i], "");
		if (!p) {
			rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
				      "out of memory");
			break;
		}
		p[strlen(p) - 1] = '\0'; /* join() added a '/' */
		rc = add(&v, p, &sb, 0, err);
	}
	if (rc == AN_OK)
		rc = sort_unique(&v, err);
	if (rc < 0) {
		for (i = 0; i < v.count; i++)
			free(v.paths[i]);
		free(v.paths);
		free(v.bytes);
		return rc;
	}
	out->paths = v.paths;
	out->bytes = v.bytes;
	out->count = v.count;
	return AN_OK;
}

void an_ingest_list_free(an_ingest_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->count; i++)
		free(l->paths[i]);
	free(l->paths);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
}

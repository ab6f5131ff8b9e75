/*
 * fe_out.c - output for the frontends: -o FILE written to a temporary
 * file and renamed into place only on success (never a partial output
 * file), never onto an input (fe_out_check), the --db replace rule
 * (fe_db_artifact), and escaping for text, JSON and CSV.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fe.h"

/* The temporary file of the output being written, removed at exit() if
 * the command ends without closing it (an error path that exits), so no
 * partial file is ever left behind. One output at a time per process. */
static char *pending_tmp;

static void remove_pending(void)
{
	if (pending_tmp)
		unlink(pending_tmp);
}

/* 1 when `path` names the existing file sb describes (same device and
 * inode: hard links and symbolic links to it included). */
static int is_file(const char *path, const struct stat *sb)
{
	struct stat st;

	return path && strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	       st.st_dev == sb->st_dev && st.st_ino == sb->st_ino;
}

/* The absolute path `path` names (or would name, when it does not exist
 * yet: its directory resolved, its last component as given), malloc'd;
 * NULL when it cannot be told. */
static char *place(const char *path)
{
	const char *slash = strrchr(path, '/'), *base;
	char *dir, *full, *r = realpath(path, NULL);
	size_t n, len;

	if (r || errno != ENOENT)
		return r;
	/* the directory: "." without a slash, "/" for "/name" */
	n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
	dir = malloc(n + 1);
	if (!dir)
		return NULL;
	memcpy(dir, !slash ? "." : slash == path ? "/" : path, n);
	dir[n] = '\0';
	r = realpath(dir, NULL);
	free(dir);
	if (!r)
		return NULL;
	base = slash ? slash + 1 : path;
	len = strlen(r) + strlen(base) + 2;
	full = malloc(len);
	if (full)
		snprintf(full, len, "%s/%s", r, base);
	free(r);
	return full;
}

/* 1 when paths a and b name the same file, existing or not. */
static int same_place(const char *a, const char *b)
{
	char *pa, *pb;
	int same;

	if (!strcmp(a, "-") || !strcmp(b, "-"))
		return 0;
	pa = place(a);
	pb = place(b);
	same = pa && pb && !strcmp(pa, pb);
	free(pa);
	free(pb);
	return same;
}

/* The one-line refusal of an output that is also an input. */
static int refuse(const char *opt, const char *out, const char *what,
		  const char *in)
{
	fe_errorf("%s %s is %s %s: refusing to overwrite it", opt, out,
		  what, in);
	return FE_EXIT_USAGE;
}

int fe_out_check(const fe_opts *o)
{
	const char *outs[2], *opts[2] = {"-o", "--db"};
	struct stat sb;
	int i, k;

	outs[0] = o->out;
	outs[1] = o->db;
	for (k = 0; k < 2; k++) {
		/* a file that does not exist yet is no input; standard
		 * input and output ("-") cannot be compared */
		if (!outs[k] || !strcmp(outs[k], "-") ||
		    stat(outs[k], &sb) != 0)
			continue;
		for (i = 0; i < o->nargs; i++)
			if (is_file(o->args[i], &sb))
				return refuse(opts[k], outs[k], "the input",
					      o->args[i]);
	}
	if (o->out && o->db && same_place(o->out, o->db))
		return refuse("-o", o->out, "the --db database", o->db);
	return FE_EXIT_OK;
}

char *fe_abs_path(const char *path)
{
	char *r = strcmp(path, "-") != 0 ? realpath(path, NULL) : NULL;

	return r ? r : strdup(path);
}

int fe_db_artifact(int64_t *id, an_store *st, const an_artifact_info *info,
		   const fe_opts *o)
{
	an_error err;
	int replaced = 0;

	an_error_clear(&err);
	if (an_store_artifact_put(id, &replaced, st, info, o->replace,
				  &err) < 0) {
		if (err.code == AN_EEXIST)
			fe_errorf("%s: %s is %s: nothing stored (--replace "
				  "replaces it)", o->db, info->given_path ?
				  info->given_path : info->path, err.message);
		else
			fe_report(o->db, &err);
		return FE_EXIT_ERROR;
	}
	if (replaced)
		fe_errorf("%s: replaced the stored analysis of %s (artifact "
			  "%lld)", o->db, info->given_path ? info->given_path :
			  info->path, (long long)*id);
	return FE_EXIT_OK;
}

/* fe_out_hold_stdout(): set once per run by fe_parse */
static int hold_stdout;

void fe_out_hold_stdout(int on)
{
	hold_stdout = on;
}

int fe_out_open(fe_out *o, const char *path)
{
	struct stat sb;
	int fd;
	size_t n;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = hold_stdout ? open_memstream(&o->hbuf, &o->hlen)
				   : NULL;
		o->held = o->f != NULL;
		if (!o->f)
			o->f = stdout;
		return FE_EXIT_OK;
	}
	/* an existing file that is not a regular file (/dev/null, a FIFO,
	 * a terminal) is written in place: a temporary file renamed onto
	 * it would replace the device node itself */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		o->f = fopen(path, "w");
		if (!o->f) {
			fe_errorf("%s: %s", path, strerror(errno));
			return FE_EXIT_ERROR;
		}
		return FE_EXIT_OK;
	}
	n = strlen(path);
	o->path = strdup(path);
	o->tmp = malloc(n + 16);
	if (!o->path || !o->tmp) {
		fe_errorf("out of memory");
		goto fail;
	}
	memcpy(o->tmp, path, n);
	memcpy(o->tmp + n, ".tmp-XXXXXX", 12);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		fe_errorf("%s: cannot create output file: %s", path,
			  strerror(errno));
		goto fail;
	}
	{
		/* mkstemp makes 0600; an output file gets the usual mode */
		mode_t um = umask(0);
		umask(um);
		(void)fchmod(fd, 0666 & ~um);
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		fe_errorf("%s: %s", path, strerror(errno));
		goto fail;
	}
	{
		static int registered;
		if (!registered && atexit(remove_pending) == 0)
			registered = 1;
	}
	pending_tmp = o->tmp;
	return FE_EXIT_OK;
fail:
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return FE_EXIT_ERROR;
}

int fe_out_close(fe_out *o, int ok)
{
	int rc = FE_EXIT_OK;

	if (!o->f)
		return ok ? FE_EXIT_OK : FE_EXIT_ERROR;
	if (o->held) {
		/* stdout held in memory: written only now, when all went
		 * well */
		int bad = fclose(o->f) != 0;

		o->f = stdout;
		o->held = 0;
		if (ok && !bad && o->hlen &&
		    fwrite(o->hbuf, 1, o->hlen, stdout) != o->hlen)
			bad = 1;
		free(o->hbuf);
		o->hbuf = NULL;
		o->hlen = 0;
		if (bad)
			ok = 0;
	}
	if (o->f == stdout) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			if (errno != EPIPE)
				fe_errorf("write error: %s", strerror(errno));
			rc = FE_EXIT_ERROR;
		}
		o->f = NULL;
		return ok ? rc : FE_EXIT_ERROR;
	}
	if (!o->tmp) {
		/* written in place (fe_out_open: not a regular file) */
		int bad = ferror(o->f);
		if (fclose(o->f) != 0 || bad) {
			fe_errorf("write error: %s", strerror(errno));
			rc = FE_EXIT_ERROR;
		}
		o->f = NULL;
		return ok ? rc : FE_EXIT_ERROR;
	}
	if (ferror(o->f)) {
		fe_errorf("%s: write error", o->path);
		ok = 0;
		rc = FE_EXIT_ERROR;
	}
	if (fclose(o->f) != 0 && ok) {
		fe_errorf("%s: %s", o->path, strerror(errno));
		ok = 0;
		rc = FE_EXIT_ERROR;
	}
	if (ok && rename(o->tmp, o->path) != 0) {
		fe_errorf("%s: cannot rename into place: %s", o->path,
			  strerror(errno));
		rc = FE_EXIT_ERROR;
		ok = 0;
	}
	if (!ok) {
		unlink(o->tmp);
		if (rc == FE_EXIT_OK)
			rc = FE_EXIT_ERROR;
	}
	if (pending_tmp == o->tmp)
		pending_tmp = NULL;
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}

int fe_out_finish(fe_out *o, int rc)
{
	int c = fe_out_close(o, rc == FE_EXIT_OK);

	return rc != FE_EXIT_OK ? rc : c;
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* U+200E/F, U+202A..202E, U+2066..2069 (bidi marks and overrides) */
static int is_bidi(const unsigned char *p)
{
	unsigned cp = ((unsigned)(p[0] & 0x0f) << 12) |
		      ((unsigned)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);

	return cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void fe_text_max(FILE *f, const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, shown = 0;

	while (i < len) {
		size_t k = utf8_len(p + i, len - i);
		if (shown >= max) {
			fputs("..", f);
			return;
		}
		if (k == 0 || p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\x%02x", p[i]);
			i++;
		} else if (k == 3 && is_bidi(p + i)) {
			/* direction overrides could reorder what follows */
			fprintf(f, "\\u%02x%02x",
				((p[i] & 0x0f) << 4) | ((p[i + 1] >> 2) & 0x0f),
				((p[i + 1] & 0x03) << 6) | (p[i + 2] & 0x3f));
			i += 3;
		} else {
			fwrite(p + i, 1, k, f);
			i += k;
		}
		shown++;
	}
}

void fe_text(FILE *f, const char *s, size_t len)
{
	fe_text_max(f, s, len, (size_t)-1);
}

void fe_json_str(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		unsigned c = p[i];
		size_t k;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default: fprintf(f, "\\u%04x", c); break;
			}
			i++;
		} else if ((k = utf8_len(p + i, len - i)) == 0) {
			fputs("\\ufffd", f); /* invalid byte */
			i++;
		} else {
			fwrite(p + i, 1, k, f);
			i += k;
		}
	}
	fputc('"', f);
}

void fe_csv_str(FILE *f, const char *s, size_t len)
{
	size_t i;
	int quote = len == 0 ? 0 : 0;

	for (i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r')
			quote = 1;
	if (!quote) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

void fe_ms(char *buf, size_t cap, double us)
{
	double ms = us / 1000.0;

	if (ms >= 100 || ms == 0)
		snprintf(buf, cap, "%.1f", ms);
	else if (ms >= 1)
		snprintf(buf, cap, "%.2f", ms);
	else
		snprintf(buf, cap, "%.3f", ms);
}

/*
 * fe_progress.c - the loading progress bar on stderr:
 *   profkit: leak.heapsnapshot.gz  41% [========>            ] 412/1004 kB
 * drawn only when stderr is a terminal (--progress forces it, -q
 * silences it), redrawn with '\r' at most ten times a second from the
 * library's progress callback, and cleared when the file is loaded.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fe.h"

#define BAR_WIDTH 20
#define REDRAW_NS 100000000ll /* 0.1 s */

/* FE_PROGRESS_AUTO, _ON or _OFF, from the options (fe_parse) */
static int mode = FE_PROGRESS_AUTO;

void fe_progress_mode(int m)
{
	mode = m;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int fe_progress_begin(fe_progress *p, const char *path)
{
	const char *slash = strrchr(path, '/');

	memset(p, 0, sizeof(*p));
	p->name = strcmp(path, "-") == 0 ? "<stdin>" :
		  slash && slash[1] ? slash + 1 : path;
	p->on = mode == FE_PROGRESS_ON ||
		(mode == FE_PROGRESS_AUTO && isatty(STDERR_FILENO));
	return p->on;
}

/* Unit for a byte count: kB below a MB, MB below a GB, else GB. */
static void unit_of(uint64_t bytes, uint64_t *div, const char **name)
{
	if (bytes < 1000000u) {
		*div = 1000u;
		*name = "kB";
	} else if (bytes < 1000000000u) {
		*div = 1000000u;
		*name = "MB";
	} else {
		*div = 1000000000u;
		*name = "GB";
	}
}

static void draw(fe_progress *p, uint64_t done, uint64_t total)
{
	char line[256], bar[BAR_WIDTH + 1];
	uint64_t div;
	const char *unit;
	int n;

	if (total) {
		unsigned pct = done >= total ? 100u :
			       (unsigned)(done * 100u / total);
		unsigned fill = pct * BAR_WIDTH / 100u, i;
		for (i = 0; i < BAR_WIDTH; i++)
			bar[i] = i < fill ? '=' : ' ';
		if (fill > 0 && fill < BAR_WIDTH)
			bar[fill - 1] = '>';
		bar[BAR_WIDTH] = '\0';
		unit_of(total, &div, &unit);
		n = snprintf(line, sizeof(line),
			     "profkit: %s %3u%% [%s] %llu/%llu %s", p->name,
			     pct, bar, (unsigned long long)(done / div),
			     (unsigned long long)(total / div),
			     unit);
	} else {
		/* size unknown (a pipe): bytes read so far */
		unit_of(done, &div, &unit);
		n = snprintf(line, sizeof(line), "profkit: %s %llu %s",
			     p->name, (unsigned long long)(done / div), unit);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	/* pad over a longer previous line */
	fprintf(stderr, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
	fflush(stderr);
	if (n > p->width)
		p->width = n;
}

int fe_progress_cb(uint64_t done, uint64_t total, void *payload)
{
	fe_progress *p = payload;
	int64_t t;

	if (!p->on)
		return 0;
	t = now_ns();
	/* the first call draws; then at most every REDRAW_NS, and the end
	 * of the input */
	if (p->width && t - p->last_ns < REDRAW_NS &&
	    !(total && done >= total))
		return 0;
	p->last_ns = t;
	draw(p, done, total);
	return 0;
}

void fe_progress_end(fe_progress *p)
{
	if (!p->on || !p->width)
		return;
	fprintf(stderr, "\r%*s\r", p->width, "");
	fflush(stderr);
	p->width = 0;
}

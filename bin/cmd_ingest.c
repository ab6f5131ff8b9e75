/*
 * cmd_ingest.c - `profkit ingest PATH... --db FILE`: the machine's
 * defaults (cores, available memory), the progress line on stderr and the
 * summary of the run (options: fe_cmdtab.c). The work is an_ingest_run().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fe/fe.h"

/* A number from a one-line file (cgroup files), 0 when none. */
static uint64_t read_u64(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long long v = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return (uint64_t)v;
}

/* 80% of the memory available: MemAvailable (/proc/meminfo) or free
 * pages, and within a container no more than its cgroup (v2) limit
 * leaves (a pod sees the node's /proc/meminfo). */
static uint64_t default_mem(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb = 0;
	uint64_t avail = 0, max, cur;
	long pages, psz;

	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
				break;
		fclose(f);
	}
	avail = (uint64_t)kb * 1024;
	pages = sysconf(_SC_AVPHYS_PAGES);
	psz = sysconf(_SC_PAGESIZE);
	if (!avail && pages > 0 && psz > 0)
		avail = (uint64_t)pages * (uint64_t)psz;
	max = read_u64("/sys/fs/cgroup/memory.max"); /* "max": 0 */
	cur = read_u64("/sys/fs/cgroup/memory.current");
	if (max && max > cur && (!avail || max - cur < avail))
		avail = max - cur;
	return avail / 10 * 8;
}

/* ---- the progress line ---- */

typedef struct bar {
	int on;
	int width;
	int64_t start_ns, last_ns;
} bar;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static void clear_bar(bar *b)
{
	if (b->on && b->width) {
		fprintf(stderr, "\r%*s\r", b->width, "");
		fflush(stderr);
		b->width = 0;
	}
}

/*
 * profkit: ingest  41% [========>           ] 412/1004 MB  7/40 files
 *   ETA 0:31  leak-3.heapsnapshot.gz
 */
static int on_progress(const an_ingest_progress *p, void *payload)
{
	bar *b = payload;
	char line[320], fill[21], eta[32] = "";
	int64_t t = now_ns();
	unsigned pct, k, n;
	double el;
	int len;

	if (!b->on || (b->width && t - b->last_ns < 100000000ll))
		return 0;
	b->last_ns = t;
	pct = p->bytes_total ? (unsigned)(p->bytes_done >= p->bytes_total
						  ? 100
						  : p->bytes_done * 100 /
							    p->bytes_total)
			     : 100;
	n = pct * 20 / 100;
	for (k = 0; k < 20; k++)
		fill[k] = k < n ? '=' : ' ';
	fill[20] = '\0';
	if (n > 0 && n < 20)
		fill[n - 1] = '>';
	el = (double)(t - b->start_ns) / 1e9;
	if (p->bytes_done > 0 && p->bytes_done < p->bytes_total && el > 1) {
		double left = el * (double)(p->bytes_total - p->bytes_done) /
			      (double)p->bytes_done;
		snprintf(eta, sizeof(eta), "  ETA %u:%02u",
			 (unsigned)(left / 60), (unsigned)left % 60);
	}
	len = snprintf(line, sizeof(line),
		       "profkit: ingest %3u%% [%s] %.0f/%.0f MB  %zu/%zu "
		       "files%s  %.60s",
		       pct, fill, (double)p->bytes_done / 1e6,
		       (double)p->bytes_total / 1e6, p->files_done,
		       p->files_total, eta,
		       p->current ? base_name(p->current) : "");
	if (len < 0)
		return 0;
	if ((size_t)len >= sizeof(line))
		len = (int)sizeof(line) - 1;
	fprintf(stderr, "\r%s%*s", line, b->width > len ? b->width - len : 0,
		"");
	fflush(stderr);
	if (len > b->width)
		b->width = len;
	return 0;
}

/* ---- the summary ---- */

/* text: skipped files listed by name at most (failures all are) */
#define SKIPPED_SHOWN 10

static const char *const status_name[] = {"stored", "failed", "skipped",
					   "kept", "pending"};

/* 1 when file fl has outcome `want` now (when 0), by an earlier run (1),
 * or either (2). */
static int matches(const an_ingest_file *fl, an_ingest_status want,
		   int when)
{
	int now = fl->status == want;
	int before = fl->status == AN_INGEST_KEPT && fl->kept == want;

	return when == 0 ? now : when == 1 ? before : now || before;
}

static void list_files(FILE *f, const an_ingest_result *r,
		       an_ingest_status want, int when, const char *title,
		       size_t max);

static void summary_text(FILE *f, const an_ingest_result *r,
			 const fe_opts *c, double secs)
{
	size_t k;
	int first;

	fprintf(f, "ingest into %s: %zu files, %.1f MB analysed in %.2f s "
		   "(%.1f MB/s)\n",
		c->db, r->count, (double)r->bytes_read / 1e6, secs,
		secs > 0 ? (double)r->bytes_read / 1e6 / secs : 0.0);
	fprintf(f, "  stored   %zu", r->by_status[AN_INGEST_STORED]);
	first = 1;
	for (k = 1; k < 5; k++) {
		if (!r->by_kind[k])
			continue;
		fprintf(f, "%s%s %zu", first ? " (" : ", ",
			an_kind_name((an_kind)k), r->by_kind[k]);
		first = 0;
	}
	fputs(first ? "\n" : ")\n", f);
	fprintf(f, "  kept     %zu (unchanged since a run recorded them)\n",
		r->by_status[AN_INGEST_KEPT]);
	fprintf(f, "  skipped  %zu (no artifact profkit stores)\n",
		r->by_status[AN_INGEST_SKIPPED]);
	fprintf(f, "  failed   %zu\n", r->by_status[AN_INGEST_FAILED]);
	fprintf(f, "  heap diffs: %u stored, %u kept, %u failed\n",
		r->diffs_stored, r->diffs_kept, r->diffs_failed);
	list_files(f, r, AN_INGEST_FAILED, 0, "failed", 0);
	list_files(f, r, AN_INGEST_FAILED, 1,
		   "failed in an earlier run (unchanged since, not read again; "
		   "--force retries)",
		   0);
	list_files(f, r, AN_INGEST_SKIPPED, 2, "skipped", SKIPPED_SHOWN);
}

/*
 * Lists the files of one outcome under `title`: now (when = 0), recorded
 * by an earlier run (1), or both (2); at most `max` of them (0: all).
 */
static void list_files(FILE *f, const an_ingest_result *r,
		       an_ingest_status want, int when, const char *title,
		       size_t max)
{
	size_t i, n = 0, shown = 0;

	for (i = 0; i < r->count; i++)
		n += matches(&r->files[i], want, when);
	if (!n)
		return;
	fprintf(f, "%s:\n", title);
	for (i = 0; i < r->count; i++) {
		const an_ingest_file *fl = &r->files[i];

		if (!matches(fl, want, when))
			continue;
		if (max && shown == max) {
			fprintf(f, "  ... %zu more (--format json lists every "
				   "file)\n",
				n - shown);
			break;
		}
		shown++;
		fputs("  ", f);
		fe_text(f, fl->path, strlen(fl->path));
		fputs(": ", f);
		if (fl->reason)
			fe_text(f, fl->reason, strlen(fl->reason));
		fputc('\n', f);
	}
}

static void summary_json(FILE *f, const an_ingest_result *r,
			 const fe_opts *c, double secs)
{
	size_t i;

	fputs("{\"db\": ", f);
	fe_json_str(f, c->db, strlen(c->db));
	fprintf(f, ", \"files\": %zu, \"bytes\": %llu, \"seconds\": %.3f",
		r->count, (unsigned long long)r->bytes_read, secs);
	fprintf(f, ", \"stored\": %zu, \"kept\": %zu, \"skipped\": %zu, "
		   "\"failed\": %zu",
		r->by_status[AN_INGEST_STORED], r->by_status[AN_INGEST_KEPT],
		r->by_status[AN_INGEST_SKIPPED],
		r->by_status[AN_INGEST_FAILED]);
	fprintf(f, ", \"diffs\": {\"stored\": %u, \"kept\": %u, "
		   "\"failed\": %u}, \"results\": [",
		r->diffs_stored, r->diffs_kept, r->diffs_failed);
	for (i = 0; i < r->count; i++) {
		const an_ingest_file *fl = &r->files[i];

		fputs(i ? ",\n  {\"path\": " : "\n  {\"path\": ", f);
		fe_json_str(f, fl->path, strlen(fl->path));
		fprintf(f, ", \"kind\": \"%s\", \"status\": \"%s\"",
			an_kind_name(fl->kind), status_name[fl->status]);
		if (fl->status == AN_INGEST_KEPT)
			fprintf(f, ", \"recorded\": \"%s\"",
				status_name[fl->kept]);
		if (fl->reason) {
			fputs(", \"reason\": ", f);
			fe_json_str(f, fl->reason, strlen(fl->reason));
		}
		fprintf(f, ", \"profiles\": %u}", fl->profiles);
	}
	fputs(r->count ? "\n]}\n" : "]}\n", f);
}

int cmd_ingest(int argc, char **argv)
{
	fe_opts o;
	an_ingest_list list;
	an_ingest_opts io;
	an_ingest_result res;
	an_error err;
	fe_progress probe;
	bar b;
	size_t i;
	int rc, done, failed = 0;
	long cores;

	memset(&list, 0, sizeof(list));
	memset(&res, 0, sizeof(res));
	rc = fe_parse(&o, argc, argv, 0, "ingest", NULL, &done);
	if (rc || done)
		goto out;
	if (!o.nargs) {
		rc = fe_usage_error("ingest", "no PATH given");
		goto out;
	}
	if (!o.db) {
		rc = fe_usage_error("ingest", "--db FILE is required");
		goto out;
	}
	if (o.format == FE_CSV) {
		rc = fe_usage_error("ingest", "--format is text or json for "
				    "the summary (the data is in --db)");
		goto out;
	}
	an_error_clear(&err);
	if (an_ingest_list_make(&list, (const char *const *)o.args,
				(size_t)o.nargs, &err) < 0) {
		rc = fe_fail(NULL, &err);
		goto out;
	}
	memset(&io, 0, sizeof(io));
	io.version = AN_INGEST_OPTS_VERSION;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	io.jobs = o.jobs ? o.jobs : cores > 0 ? (unsigned)cores : 1;
	io.mem_budget = o.mem ? o.mem : default_mem();
	io.force = o.force;
	io.diffs = !o.no_diffs;
	io.shard = o.shard;
	io.shards = o.shards;
	io.top_objects = o.all_objects ? AN_STORE_ALL_OBJECTS
				       : FE_DB_TOP_OBJECTS;
	memset(&b, 0, sizeof(b));
	/* -q / --progress / a terminal, as every command's bar */
	b.on = fe_progress_begin(&probe, "ingest");
	b.start_ns = now_ns();
	io.progress = on_progress;
	io.payload = &b;
	rc = an_ingest_run(&res, o.db, &list, &io, &err);
	clear_bar(&b);
	if (rc < 0) {
		rc = fe_fail(o.db, &err);
	} else {
		double secs = (double)(now_ns() - b.start_ns) / 1e9;

		if (o.format == FE_JSON)
			summary_json(stdout, &res, &o, secs);
		else
			summary_text(stdout, &res, &o, secs);
		for (i = 0; i < res.count; i++)
			if (res.files[i].status == AN_INGEST_FAILED ||
			    (res.files[i].status == AN_INGEST_KEPT &&
			     res.files[i].kept == AN_INGEST_FAILED))
				failed = 1;
		rc = failed ? FE_EXIT_ERROR : FE_EXIT_OK;
		if (fflush(stdout) != 0) {
			fe_errorf("cannot write the summary");
			rc = FE_EXIT_ERROR;
		}
	}
out:
	an_ingest_result_free(&res);
	an_ingest_list_free(&list);
	fe_opts_free(&o);
	return rc;
}

/*
 * cmd_ingest.c - `profkit ingest PATH... --db FILE`: the options, the
 * machine's defaults (cores, available memory), the progress line on
 * stderr and the summary of the run. The work is an_ingest_run().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fe/fe.h"

static const char help[] =
	"Usage: profkit ingest PATH... --db FILE [OPTIONS]\n"
	"Analyses every artifact under PATH (files and folders, recursively;\n"
	".cpuprofile, trace JSON with all its thread profiles, .heapsnapshot,\n"
	".heapprofile; plain, gzip or zstd; recognised by content) into one\n"
	"SQLite database, in parallel. Each file is stored in a transaction\n"
	"of its own: an\n"
	"interrupted run keeps what finished, and a rerun skips every file\n"
	"whose path, size and mtime a run recorded. Bad artifacts are\n"
	"recorded as failed with their reason and do not stop the run.\n"
	"Consecutive snapshots of a folder (by name) get their heap diff\n"
	"stored.\n"
	"  --db FILE        the database (created when missing)\n"
	"  -j N             analyses at once (default: the number of cores)\n"
	"  --mem SIZE       memory the analyses may use together (default 80%\n"
	"                   of the available memory, within a container's\n"
	"                   cgroup limit; K, M, G suffixes); a file estimated\n"
	"                   to need more fails\n"
	"  --shard I/N      only the I-th (1..N) of N slices of the sorted\n"
	"                   file list (fan-out; combine with 'profkit merge')\n"
	"  --force          analyse again what a run recorded\n"
	"  --no-diffs       no heap diffs of consecutive snapshots\n"
	"  --all-objects    store every heap object (as heap summary --db)\n"
	"  --format F       summary as text (default) or json\n"
	"  --progress, -q   force / silence the progress line (default: on\n"
	"                   when stderr is a terminal)\n"
	"  -h, --help       this help\n"
	"Exit status: 0 every file went in (or was skipped as no artifact),\n"
	"1 some failed, 2 usage error.\n"
	"Examples:\n"
	"  profkit ingest incident-4711/ --db incident.db\n"
	"  profkit ingest exports/ --db part3.db --shard 3/8 -j 4\n"
	"See docs/ingest.md for queries, merge and fan-out.\n";

typedef struct ingest_cli {
	const char *db;
	unsigned jobs;
	uint64_t mem;
	int mem_set;
	uint32_t shard, shards;
	int force, no_diffs, all_objects, json, progress;
	const char **paths;
	size_t npaths;
} ingest_cli;

/* "512M", "8G", "1000000" into bytes; 0 on error. */
static uint64_t parse_size(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return 0;
	switch (*end) {
	case 'k': case 'K': v *= 1024.0; break;
	case 'm': case 'M': v *= 1024.0 * 1024; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; break;
	case 't': case 'T': v *= 1024.0 * 1024 * 1024 * 1024; break;
	default: goto bytes;
	}
	end++;
	if (*end == 'i')
		end++;
bytes:
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v >= 1.8e19)
		return 0;
	return (uint64_t)v;
}

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

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/* The option's value: "--opt=V", or the next argument. */
static const char *value(int argc, char **argv, int *i, const char *opt)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq && !strncmp(argv[*i], opt, (size_t)(eq - argv[*i])))
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int is_opt(const char *arg, const char *opt)
{
	size_t n = strlen(opt);

	return !strncmp(arg, opt, n) && (arg[n] == '\0' || arg[n] == '=');
}

static int parse(ingest_cli *c, int argc, char **argv, int *done)
{
	int i, only_paths = 0;
	unsigned long v, n;
	const char *val;

	*done = 0;
	c->paths = calloc((size_t)argc, sizeof(*c->paths));
	if (!c->paths)
		return fe_usage_error("ingest", "out of memory");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_paths || a[0] != '-' || !a[1]) {
			c->paths[c->npaths++] = a;
		} else if (!strcmp(a, "--")) {
			only_paths = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(help, stdout);
			*done = 1;
			return FE_EXIT_OK;
		} else if (is_opt(a, "--db")) {
			if (!(c->db = value(argc, argv, &i, "--db")) ||
			    !*c->db)
				return fe_usage_error("ingest",
						      "--db needs a FILE");
		} else if (!strncmp(a, "-j", 2)) {
			val = a[2] ? a + 2 : value(argc, argv, &i, "-j");
			if (!val || parse_uint(val, 1024, &v) || !v)
				return fe_usage_error(
					"ingest",
					"-j needs a number from 1 to 1024, "
					"not '%s'",
					val ? val : "");
			c->jobs = (unsigned)v;
		} else if (is_opt(a, "--mem")) {
			val = value(argc, argv, &i, "--mem");
			if (!val || !(c->mem = parse_size(val)))
				return fe_usage_error(
					"ingest",
					"--mem needs a size like 8G or 512M, "
					"not '%s'",
					val ? val : "");
			c->mem_set = 1;
		} else if (is_opt(a, "--shard")) {
			char extra;

			val = value(argc, argv, &i, "--shard");
			if (!val || val[0] < '0' || val[0] > '9' ||
			    sscanf(val, "%lu/%lu%c", &v, &n, &extra) != 2 ||
			    !n || !v || v > n || n > 1000000)
				return fe_usage_error(
					"ingest",
					"--shard needs I/N with 1 <= I <= N, "
					"not '%s'",
					val ? val : "");
			c->shard = (uint32_t)v;
			c->shards = (uint32_t)n;
		} else if (!strcmp(a, "--force")) {
			c->force = 1;
		} else if (!strcmp(a, "--no-diffs")) {
			c->no_diffs = 1;
		} else if (!strcmp(a, "--all-objects")) {
			c->all_objects = 1;
		} else if (is_opt(a, "--format")) {
			val = value(argc, argv, &i, "--format");
			if (!val || (strcmp(val, "text") &&
				     strcmp(val, "json")))
				return fe_usage_error(
					"ingest",
					"--format is text or json, not '%s'",
					val ? val : "");
			c->json = !strcmp(val, "json");
		} else if (!strcmp(a, "--progress")) {
			c->progress = FE_PROGRESS_ON;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			c->progress = FE_PROGRESS_OFF;
		} else {
			return fe_usage_error("ingest", "unknown option '%s'",
					      a);
		}
	}
	if (!c->npaths)
		return fe_usage_error("ingest", "no PATH given");
	if (!c->db)
		return fe_usage_error("ingest", "--db FILE is required");
	return FE_EXIT_OK;
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
			 const ingest_cli *c, double secs)
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
			 const ingest_cli *c, double secs)
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
	ingest_cli c;
	an_ingest_list list;
	an_ingest_opts o;
	an_ingest_result res;
	an_error err;
	bar b;
	size_t i;
	int rc, done, failed = 0;
	long cores;

	memset(&c, 0, sizeof(c));
	memset(&list, 0, sizeof(list));
	memset(&res, 0, sizeof(res));
	rc = parse(&c, argc, argv, &done);
	if (rc || done) {
		free(c.paths);
		return rc;
	}
	an_error_clear(&err);
	if (an_ingest_list_make(&list, c.paths, c.npaths, &err) < 0) {
		free(c.paths);
		return fe_fail(NULL, &err);
	}
	memset(&o, 0, sizeof(o));
	o.version = AN_INGEST_OPTS_VERSION;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = c.jobs ? c.jobs : cores > 0 ? (unsigned)cores : 1;
	o.mem_budget = c.mem_set ? c.mem : default_mem();
	o.force = c.force;
	o.diffs = !c.no_diffs;
	o.shard = c.shard;
	o.shards = c.shards;
	o.top_objects = c.all_objects ? AN_STORE_ALL_OBJECTS
				      : FE_DB_TOP_OBJECTS;
	memset(&b, 0, sizeof(b));
	b.on = c.progress == FE_PROGRESS_ON ||
	       (c.progress == FE_PROGRESS_AUTO && isatty(STDERR_FILENO));
	b.start_ns = now_ns();
	o.progress = on_progress;
	o.payload = &b;
	rc = an_ingest_run(&res, c.db, &list, &o, &err);
	clear_bar(&b);
	if (rc < 0) {
		rc = fe_fail(c.db, &err);
	} else {
		double secs = (double)(now_ns() - b.start_ns) / 1e9;

		if (c.json)
			summary_json(stdout, &res, &c, secs);
		else
			summary_text(stdout, &res, &c, secs);
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
	an_ingest_result_free(&res);
	an_ingest_list_free(&list);
	free(c.paths);
	return rc;
}

/*
 * ingest.c - one `profkit ingest` run: the shard's files probed (kind,
 * size, what a run before recorded), the worker pool that analyses them
 * within the memory budget, then the consecutive snapshot pairs compared
 * the same way; progress reports and the result. What one task does is in
 * analyse.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/batch_int.h"
#include "store/ingest_int.h"

#define MIB (1024.0 * 1024.0)

/* A task of the pool: one file, or one pair of snapshots. */
typedef struct task {
	int pair;
	size_t a, b;   /* list entries (b: the target of a pair) */
	uint64_t est;  /* memory it is estimated to need */
	int taken;
} task;

typedef struct pool {
	an__run *r;
	task *t;
	size_t n;
} pool;

typedef struct worker {
	pool *p;
	an__slot slot;
	pthread_t th;
} worker;

uint64_t an_ingest_estimate(an_kind kind, uint64_t bytes,
			    uint64_t uncompressed)
{
	uint64_t u = uncompressed > bytes ? uncompressed : bytes;

	/* measured peak RSS (docs/PERFORMANCE.md): a snapshot's model is
	 * about 1.5x its JSON, a CPU profile's well under its JSON, plus
	 * the fixed cost of a load */
	if (kind == AN_KIND_HEAPSNAPSHOT)
		return u + u / 2 + (64u << 20);
	return u + (32u << 20);
}

/* ---- progress and fatal errors (r->mu held) ---- */

void an__ingest_report(an__run *r, const an_ingest_file *finished)
{
	an_ingest_progress p;
	unsigned i;

	if (!r->o->progress)
		return;
	memset(&p, 0, sizeof(p));
	p.bytes_total = 0;
	p.bytes_done = r->bytes_finished;
	for (i = 0; i < r->slots; i++) {
		p.bytes_done += r->inflight[i];
		if (!p.current && r->current[i])
			p.current = r->current[i];
	}
	p.bytes_total = r->res->bytes_read;
	p.files_total = r->res->count;
	p.files_done = r->res->by_status[AN_INGEST_STORED] +
		       r->res->by_status[AN_INGEST_FAILED] +
		       r->res->by_status[AN_INGEST_SKIPPED] +
		       r->res->by_status[AN_INGEST_KEPT];
	p.finished = finished;
	if (r->o->progress(&p, r->o->payload) && !r->stop) {
		r->stop = 1;
		r->rc = AN_ECANCELED;
		an__fail(&r->err, AN_ECANCELED, AN_NO_OFFSET,
			 "ingest interrupted");
	}
}

void an__ingest_fatal(an__run *r, int rc, const an_error *err)
{
	if (r->rc == AN_OK) {
		r->rc = rc;
		r->err = *err;
	}
	r->stop = 1;
}

int an__ingest_progress(uint64_t done, uint64_t total, void *payload)
{
	an__slot *s = payload;
	an__run *r = s->r;
	int stop;

	(void)total;
	pthread_mutex_lock(&r->mu);
	r->inflight[s->slot] = done;
	an__ingest_report(r, NULL);
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	return stop;
}

static size_t dir_len(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? (size_t)(s - p) : 0;
}

int an__ingest_same_dir(const an__run *r, size_t i, size_t j)
{
	const char *a = r->list->paths[i], *b = r->list->paths[j];
	size_t n = dir_len(a);

	return n == dir_len(b) && !memcmp(a, b, n);
}

int an__ingest_in_dir(const an__run *r, size_t i, size_t j)
{
	const char *a = r->list->paths[i], *b = r->list->paths[j];
	size_t n = dir_len(b);

	return !strncmp(a, b, n) && (n == 0 || a[n] == '/');
}

/* ---- probing ---- */

/* Uncompressed size of a gzip file from its trailer (ISIZE is the size
 * mod 2^32: a file that seems to shrink is taken to be 2^32 more). */
static uint64_t gzip_size(FILE *f, uint64_t bytes)
{
	unsigned char t[4];
	uint64_t u;

	if (bytes < 18 || fseeko(f, -4, SEEK_END) != 0 ||
	    fread(t, 1, 4, f) != 4)
		return bytes * 10;
	u = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
	    (uint64_t)t[3] << 24;
	while (u < bytes)
		u += (uint64_t)1 << 32;
	return u;
}

/* Uncompressed size of a zstd file from its first frame's header (the
 * Frame_Content_Size field, RFC 8878 3.1.1.1), when it has one and it
 * is plausible; else 10x the compressed size. */
static uint64_t zstd_size(const unsigned char *h, size_t n, uint64_t bytes)
{
	static const unsigned did_len[4] = {0, 1, 2, 4};
	static const unsigned fcs_len[4] = {0, 2, 4, 8};
	unsigned fhd, single, pos, len, k;
	uint64_t fcs = 0;

	if (n < 6)
		return bytes * 10;
	fhd = h[4];
	single = fhd >> 5 & 1u;
	pos = 5 + !single + did_len[fhd & 3u];
	len = fcs_len[fhd >> 6];
	if (!len && single)
		len = 1;
	if (!len || pos + len > n)
		return bytes * 10;
	for (k = 0; k < len; k++)
		fcs |= (uint64_t)h[pos + k] << (8 * k);
	if (len == 2)
		fcs += 256;
	return fcs >= bytes ? fcs : bytes * 10;
}

/* Estimated uncompressed size of a file from its raw first bytes. */
static uint64_t raw_size(const char *path, uint64_t bytes)
{
	unsigned char h[18];
	size_t n;
	uint64_t u = bytes;
	FILE *f = fopen(path, "rb");

	if (!f)
		return bytes;
	n = fread(h, 1, sizeof(h), f);
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		u = gzip_size(f, bytes);
	else if (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f &&
		 h[3] == 0xfd)
		u = zstd_size(h, n, bytes);
	fclose(f);
	return u;
}

/* Fills item i: kind (by content), mtime, estimate. On failure the item
 * is marked probe_failed and *err says why. */
static int probe(an__run *r, size_t i, an_error *err)
{
	an__item *it = &r->items[i];
	const char *path = r->list->paths[i];
	uint64_t bytes = r->list->bytes[i], u = bytes;
	an_source *src = NULL;
	struct stat sb;
	int rc = AN_OK;

	if (it->probed)
		return it->probe_failed ? AN_EIO : AN_OK;
	it->probed = 1;
	if (stat(path, &sb) != 0) {
		it->probe_failed = 1;
		return an__fail(err, AN_EIO, AN_NO_OFFSET, "cannot read: %s",
				strerror(errno));
	}
	it->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
		       sb.st_mtim.tv_nsec;
	it->stat_ok = 1;
	rc = an_source_open_path(&src, path, err);
	if (rc == AN_OK)
		rc = an_source_sniff(&it->kind, src, err);
	if (rc == AN_OK)
		u = raw_size(path, bytes);
	an_source_free(src);
	if (rc < 0) {
		it->probe_failed = 1;
		return rc;
	}
	it->est = an_ingest_estimate(it->kind, bytes, u);
	return AN_OK;
}

/* ---- the pool ---- */

/* With r->mu held: the next task that fits the budget, or NULL. *left
 * says whether any task is still to be taken. */
static task *pick(pool *p, int *left)
{
	an__run *r = p->r;
	uint64_t budget = r->o->mem_budget;
	task *later = NULL;
	size_t i;

	*left = 0;
	for (i = 0; i < p->n; i++) {
		task *t = &p->t[i];
		size_t prev;

		if (t->taken)
			continue;
		*left = 1;
		if (budget && r->running != 0 &&
		    r->mem_used + t->est > budget)
			continue;
		/* a snapshot whose predecessor is being read waits for its
		 * base while there is other work: then it is compared on
		 * the spot instead of read again for its pair */
		prev = t->pair ? SIZE_MAX : r->items[t->a].prev;
		if (prev != SIZE_MAX && r->items[prev].running) {
			if (!later)
				later = t;
			continue;
		}
		return t;
	}
	return later;
}

static void *work(void *arg)
{
	worker *w = arg;
	an__run *r = w->p->r;
	task *t;
	int left;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		if (r->stop)
			break;
		t = pick(w->p, &left);
		if (!t) {
			if (!left)
				break;
			pthread_cond_wait(&r->cv, &r->mu);
			continue;
		}
		t->taken = 1;
		r->mem_used += t->est;
		r->running++;
		if (!t->pair)
			r->items[t->a].running = 1;
		pthread_mutex_unlock(&r->mu);
		if (t->pair)
			an__ingest_pair(r, &w->slot, t->a, t->b);
		else
			an__ingest_file(r, &w->slot, t->a);
		pthread_mutex_lock(&r->mu);
		if (!t->pair)
			r->items[t->a].running = 0;
		r->mem_used -= t->est;
		r->running--;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Runs the tasks on up to opts->jobs threads (the calling thread being
 * one of them). */
static void run_pool(an__run *r, task *t, size_t n)
{
	pool p = {r, t, n};
	worker *w;
	unsigned k, nw = r->slots, started = 0;

	if (!n)
		return;
	if (nw > n)
		nw = (unsigned)n;
	w = calloc(nw, sizeof(*w));
	if (!w) {
		an_error e;
		an__fail(&e, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		pthread_mutex_lock(&r->mu);
		an__ingest_fatal(r, AN_ENOMEM, &e);
		pthread_mutex_unlock(&r->mu);
		return;
	}
	for (k = 0; k < nw; k++) {
		w[k].p = &p;
		w[k].slot.r = r;
		w[k].slot.slot = k;
	}
	for (k = 1; k < nw; k++) {
		if (pthread_create(&w[k].th, NULL, work, &w[k]) != 0)
			break;
		started++;
	}
	work(&w[0]);
	for (k = 1; k <= started; k++)
		pthread_join(w[k].th, NULL);
	free(w);
}

/* ---- the run ---- */

static int record(an__run *r, size_t i, const char *status,
		  const char *reason, an_error *err)
{
	an__ingest_rec rec;
	an__item *it = &r->items[i];

	memset(&rec, 0, sizeof(rec));
	rec.path = r->list->paths[i];
	rec.bytes = r->list->bytes[i];
	rec.mtime_ns = it->mtime_ns;
	rec.kind = it->kind ? an_kind_name(it->kind) : NULL;
	rec.status = status;
	rec.reason = reason;
	return an__store_ingest_record(r->st, &rec, err);
}

static an_ingest_status status_of(const char *s)
{
	if (!strcmp(s, AN_STORE_INGEST_STORED))
		return AN_INGEST_STORED;
	if (!strcmp(s, AN_STORE_INGEST_SKIPPED))
		return AN_INGEST_SKIPPED;
	return AN_INGEST_FAILED;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* A file named like an artifact whose content says nothing (empty,
 * not JSON: a broken transfer) is read as that kind, so that it fails
 * with the loader's message instead of being skipped. */
static an_kind kind_by_name(const char *path)
{
	static const struct {
		const char *ext;
		an_kind kind;
	} names[] = {
		{".cpuprofile", AN_KIND_CPUPROFILE},
		{".heapsnapshot", AN_KIND_HEAPSNAPSHOT},
		{".heapprofile", AN_KIND_HEAPPROFILE},
	};
	static const char *const zips[] = {"", ".gz", ".zst"};
	size_t n = strlen(path), k, z, e;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		for (z = 0; z < sizeof(zips) / sizeof(zips[0]); z++) {
			e = strlen(names[k].ext) + strlen(zips[z]);
			if (n > e &&
			    !strncmp(path + n - e, names[k].ext,
				     strlen(names[k].ext)) &&
			    !strcmp(path + n - strlen(zips[z]), zips[z]))
				return names[k].kind;
		}
	return AN_KIND_UNKNOWN;
}

/* 1 when path is the database being written, or one of SQLite's files
 * beside it (-journal, -wal, -shm): never an input of its own ingest. */
static int is_the_db(const char *path, const struct stat *db)
{
	static const char *const sfx[] = {"-journal", "-wal", "-shm"};
	struct stat sb;
	char buf[4096];
	size_t n = strlen(path), k, l;

	if (stat(path, &sb) == 0 && sb.st_dev == db->st_dev &&
	    sb.st_ino == db->st_ino)
		return 1;
	for (k = 0; k < sizeof(sfx) / sizeof(sfx[0]); k++) {
		l = strlen(sfx[k]);
		if (n <= l || n - l >= sizeof(buf) ||
		    strcmp(path + n - l, sfx[k]) != 0)
			continue;
		memcpy(buf, path, n - l);
		buf[n - l] = '\0';
		if (stat(buf, &sb) == 0 && sb.st_dev == db->st_dev &&
		    sb.st_ino == db->st_ino)
			return 1;
	}
	return 0;
}

/* Probes file i of the shard and decides what the run does with it: a
 * task (returns 1), or a result now (kept, skipped, failed). */
static int triage(an__run *r, size_t i, an_error *err)
{
	an__item *it = &r->items[i];
	an_ingest_file *f = it->out;
	an__ingest_seen seen;
	an_error perr;
	const char *why = NULL;
	char buf[160];
	int rc;

	an_error_clear(&perr);
	rc = probe(r, i, &perr);
	if (rc < 0)
		it->kind = kind_by_name(r->list->paths[i]);
	if (it->stat_ok && !r->o->force) {
		int lrc;

		lrc = an__store_ingest_lookup(r->st, r->list->paths[i], &seen,
					      err);
		if (lrc < 0)
			return lrc;
		if (seen.found && seen.bytes == r->list->bytes[i] &&
		    seen.mtime_ns == it->mtime_ns) {
			f->kind = it->kind;
			f->status = AN_INGEST_KEPT;
			f->kept = status_of(seen.status);
			f->profiles = seen.profiles;
			it->failed = f->kept == AN_INGEST_FAILED;
			snprintf(it->sha256, sizeof(it->sha256), "%s",
				 seen.sha256);
			if (seen.reason[0] && !(f->reason = dup_str(
							seen.reason)))
				return an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
						"out of memory");
			return 0;
		}
	}
	/* unknown content (a truncated .gz, an empty file) named like an
	 * artifact: its name says what it was to be */
	if (it->kind == AN_KIND_UNKNOWN)
		it->kind = kind_by_name(r->list->paths[i]);
	f->kind = it->kind;
	if (rc < 0) {
		f->status = AN_INGEST_FAILED;
		it->failed = 1;
		f->reason = an__ingest_reason(&perr);
		rc = record(r, i, AN_STORE_INGEST_FAILED, f->reason, err);
		return rc < 0 ? rc : 0;
	}
	if (it->kind == AN_KIND_UNKNOWN)
		why = "not a profiling artifact";
	if (why) {
		f->status = AN_INGEST_SKIPPED;
		f->reason = dup_str(why);
		rc = record(r, i, AN_STORE_INGEST_SKIPPED, why, err);
		return rc < 0 ? rc : 0;
	}
	if (r->o->mem_budget && it->est > r->o->mem_budget) {
		snprintf(buf, sizeof(buf),
			 "needs about %.0f MiB of memory, more than the "
			 "budget of %.0f MiB",
			 (double)it->est / MIB,
			 (double)r->o->mem_budget / MIB);
		f->status = AN_INGEST_FAILED;
		it->failed = 1;
		f->reason = dup_str(buf);
		rc = record(r, i, AN_STORE_INGEST_FAILED, buf, err);
		return rc < 0 ? rc : 0;
	}
	return 1;
}

/* The snapshot before list entry b in its folder, or SIZE_MAX. */
static size_t previous_snapshot(an__run *r, size_t b)
{
	size_t a = b;
	an_error e;

	/* the files of b's folder, with those of its subfolders between
	 * them (the list is sorted by path) */
	while (a-- > 0 && an__ingest_in_dir(r, a, b)) {
		if (!an__ingest_same_dir(r, a, b))
			continue;
		an_error_clear(&e);
		if (probe(r, a, &e) == AN_OK &&
		    r->items[a].kind == AN_KIND_HEAPSNAPSHOT)
			return a;
	}
	return SIZE_MAX;
}

/* Whether a snapshot follows list entry a in its folder. */
static int has_next_snapshot(an__run *r, size_t a)
{
	size_t b;
	an_error e;

	for (b = a + 1; b < r->list->count && an__ingest_in_dir(r, b, a);
	     b++) {
		if (!an__ingest_same_dir(r, b, a))
			continue;
		an_error_clear(&e);
		if (probe(r, b, &e) == AN_OK &&
		    r->items[b].kind == AN_KIND_HEAPSNAPSHOT)
			return 1;
	}
	return 0;
}

/* The pairs whose target is a snapshot of the shard that is stored. */
static int make_pairs(an__run *r, size_t lo, size_t hi, task **out,
		      size_t *n, an_error *err)
{
	task *t = calloc(hi - lo + 1, sizeof(*t));
	size_t b, a, k = 0;
	int64_t ida, idb;
	int yes, rc = AN_OK;

	if (!t)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	for (b = lo; b < hi; b++) {
		an__item *ib = &r->items[b];

		if (ib->kind != AN_KIND_HEAPSNAPSHOT || ib->failed ||
		    !ib->sha256[0] || ib->pair_done)
			continue;
		a = previous_snapshot(r, b);
		if (a == SIZE_MAX || r->items[a].failed)
			continue;
		if (!r->o->force && r->items[a].sha256[0]) {
			AN_TRY(an__store_artifact_id(r->st, r->items[a].sha256,
						     NULL, &ida, err));
			AN_TRY(an__store_artifact_id(r->st, ib->sha256, NULL,
						     &idb, err));
			if (ida && idb) {
				AN_TRY(an__store_has_heap_diff(r->st, ida, idb,
							       &yes, err));
				if (yes) {
					r->res->diffs_kept++;
					continue;
				}
			}
		}
		t[k].pair = 1;
		t[k].a = a;
		t[k].b = b;
		/* a base kept from the snapshot's load is counted already */
		t[k].est = (r->items[a].base ? 0 : r->items[a].est) + ib->est;
		k++;
	}
done:
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = t;
	*n = k;
	return AN_OK;
}

static int check_opts(const an_ingest_opts *o, an_error *err)
{
	if (!o || o->version != AN_INGEST_OPTS_VERSION)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unsupported ingest options version");
	if (o->jobs < 1)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"jobs must be at least 1");
	if (o->shard > o->shards || (o->shards && !o->shard))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"shard %u of %u does not exist", o->shard,
				o->shards);
	return AN_OK;
}

/* Creates the database (empty, with its schema) when it does not exist,
 * so that every file can be committed as it is done. */
static int open_db(an_store **st, const char *db, an_error *err)
{
	struct stat sb;
	int rc;

	if (stat(db, &sb) != 0 && errno == ENOENT) {
		rc = an_store_open(st, db, err);
		if (rc == AN_OK)
			rc = an_store_commit(*st, err);
		an_store_close(*st);
		*st = NULL;
		if (rc < 0)
			return rc;
	}
	return an_store_open(st, db, err);
}

static void count(an_ingest_result *res)
{
	size_t i;

	memset(res->by_status, 0, sizeof(res->by_status));
	memset(res->by_kind, 0, sizeof(res->by_kind));
	for (i = 0; i < res->count; i++) {
		const an_ingest_file *f = &res->files[i];

		res->by_status[f->status]++;
		if (f->status == AN_INGEST_STORED && f->kind <= 4)
			res->by_kind[f->kind]++;
	}
}

int an_ingest_run(an_ingest_result *res, const char *db,
		  const an_ingest_list *list, const an_ingest_opts *o,
		  an_error *err)
{
	an__run r;
	task *t = NULL;
	size_t lo = 0, hi, i, n = 0;
	struct stat dbst;
	int rc = AN_OK, mu = 0, have_db;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	AN_TRY(check_opts(o, err));
	hi = list->count;
	if (o->shards) {
		lo = (size_t)((uint64_t)list->count * (o->shard - 1) /
			      o->shards);
		hi = (size_t)((uint64_t)list->count * o->shard / o->shards);
	}
	r.list = list;
	r.o = o;
	r.res = res;
	r.slots = o->jobs;
	r.items = calloc(list->count ? list->count : 1, sizeof(*r.items));
	res->files = calloc(hi - lo ? hi - lo : 1, sizeof(*res->files));
	r.inflight = calloc(r.slots, sizeof(*r.inflight));
	r.current = calloc(r.slots, sizeof(*r.current));
	if (!r.items || !res->files || !r.inflight || !r.current)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (pthread_mutex_init(&r.mu, NULL) != 0)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "cannot make a mutex");
	if (pthread_cond_init(&r.cv, NULL) != 0) {
		pthread_mutex_destroy(&r.mu);
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "cannot make a mutex");
	}
	mu = 1;
	res->count = hi - lo;
	for (i = lo; i < hi; i++) {
		res->files[i - lo].path = list->paths[i];
		res->files[i - lo].bytes = list->bytes[i];
		res->files[i - lo].in_shard = 1;
		res->files[i - lo].status = AN_INGEST_PENDING;
		r.items[i].out = &res->files[i - lo];
	}
	AN_TRY(open_db(&r.st, db, err));

	/* what is to be done: probe every file of the shard */
	t = calloc(hi - lo ? hi - lo : 1, sizeof(*t));
	if (!t)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	have_db = stat(db, &dbst) == 0;
	for (i = lo; i < hi; i++) {
		if (have_db && is_the_db(list->paths[i], &dbst)) {
			/* left out, and not recorded */
			res->files[i - lo].status = AN_INGEST_SKIPPED;
			res->files[i - lo].reason =
				dup_str("the database being written");
			continue;
		}
		rc = triage(&r, i, err);
		if (rc < 0)
			goto done;
		if (rc == 1) {
			t[n].a = i;
			t[n].est = r.items[i].est;
			res->bytes_read += list->bytes[i];
			n++;
		}
		rc = AN_OK;
	}
	/* snapshots whose comparison base is kept from their load, and
	 * the snapshot each is compared with */
	for (i = 0; i < list->count; i++)
		r.items[i].prev = SIZE_MAX;
	for (i = 0; o->diffs && i < n; i++)
		if (r.items[t[i].a].kind == AN_KIND_HEAPSNAPSHOT) {
			r.items[t[i].a].base_wanted =
				has_next_snapshot(&r, t[i].a);
			r.items[t[i].a].prev = previous_snapshot(&r, t[i].a);
		}
	count(res);
	AN_TRY(an_store_checkpoint(r.st, err));
	pthread_mutex_lock(&r.mu);
	an__ingest_report(&r, NULL);
	pthread_mutex_unlock(&r.mu);
	run_pool(&r, t, n);
	free(t);
	t = NULL;
	if (!r.stop && o->diffs) {
		AN_TRY(make_pairs(&r, lo, hi, &t, &n, err));
		run_pool(&r, t, n);
	}
	if (r.rc < 0) {
		rc = r.rc;
		*err = r.err;
		goto done;
	}
	AN_TRY(an_store_commit(r.st, err));
done:
	free(t);
	if (r.st)
		an_store_close(r.st);
	if (mu) {
		pthread_cond_destroy(&r.cv);
		pthread_mutex_destroy(&r.mu);
	}
	if (res->files)
		count(res);
	for (i = 0; r.items && i < list->count; i++)
		an_heap_base_free(r.items[i].base);
	free(r.items);
	free(r.inflight);
	free(r.current);
	return rc;
}

void an_ingest_result_free(an_ingest_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->count; i++)
		free(r->files[i].reason);
	free(r->files);
	memset(r, 0, sizeof(*r));
}

/*
 * analyse.c - the two tasks of an ingest run: one file analysed and
 * stored as the per-artifact commands store it (a CPU profile, every
 * thread profile of a trace, a heap snapshot, a sampling heap profile
 * in the cpu tables as `cpu top --db` stores it), atomically with its
 * ingest_file row; and one pair of consecutive snapshots compared and its
 * heap diff stored.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/cpu.h"
#include "analyze/heap.h"
#include "analyze/profile.h"
#include "batch/batch_int.h"
#include "store/ingest_int.h"

/* what a kept comparison base holds per object (id, key, size, native
 * bit: heap.h says about 12 bytes; the rest for its keys and names) */
#define BASE_BYTES_PER_OBJECT 16

/* profiles of one trace stored at most (threads beyond are left out) */
#define MAX_PROFILES 256

char *an__ingest_reason(const an_error *err)
{
	char buf[320];
	char *p;
	size_t n;

	if (err->offset != AN_NO_OFFSET)
		snprintf(buf, sizeof(buf), "%s (byte %llu)", err->message,
			 (unsigned long long)err->offset);
	else
		snprintf(buf, sizeof(buf), "%s", err->message);
	n = strlen(buf) + 1;
	p = malloc(n);
	if (p)
		memcpy(p, buf, n);
	return p;
}

/* One analysed CPU profile waiting to be stored. */
typedef struct cpu_unit {
	an_profile *prof;
	an_cpu *cpu;
	char key[AN_STORE_PROFILE_KEY_SIZE];
} cpu_unit;

/* What a file task produced. */
typedef struct outcome {
	an_kind kind;
	cpu_unit *units;
	uint32_t nunits;
	an_heap *heap;
	an_heap_base *base;   /* a snapshot's comparison base, when wanted */
	an_heap_diff *diff;   /* with the snapshot before it, when its base
				 was kept: stored with it */
	char prev_sha[65];    /* that snapshot's sha256 */
	int diff_done;        /* 1: the diff was stored, 2: it was there */
	int gzip;
	uint64_t raw_bytes;
	char sha256[65];
	char *reason;      /* failed: why */
	const char *skip;  /* skipped: why (static) */
} outcome;

static void outcome_free(outcome *o)
{
	uint32_t k;

	for (k = 0; k < o->nunits; k++) {
		an_cpu_free(o->units[k].cpu);
		an_profile_free(o->units[k].prof);
	}
	free(o->units);
	an_heap_free(o->heap);
	an_heap_base_free(o->base);
	an_heap_diff_free(o->diff);
	free(o->reason);
}

static void begin_read(an__slot *s, const char *path)
{
	pthread_mutex_lock(&s->r->mu);
	s->r->current[s->slot] = path;
	s->r->inflight[s->slot] = 0;
	pthread_mutex_unlock(&s->r->mu);
}

static int fail(outcome *o, const an_error *err)
{
	o->reason = an__ingest_reason(err);
	return err->code < 0 ? err->code : AN_ERROR;
}

/* Loads and analyses the profile of one thread (pick) or the default. */
static int load_cpu(cpu_unit *u, an_source *src, an__slot *s,
		    an_trace_summary *ts, const an_trace_profile *pick,
		    an_error *err)
{
	an_profile_load_opts lo = AN_PROFILE_LOAD_OPTS_INIT;
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	int rc;

	lo.trace = ts;
	if (pick) {
		lo.pick = 1;
		lo.pick_pid = pick->pid;
		lo.pick_tid = pick->tid;
	} else {
		lo.progress = an__ingest_progress;
		lo.payload = s;
	}
	rc = an_profile_load(&u->prof, src, &lo, err);
	if (rc == AN_OK)
		rc = an_cpu_analyze(&u->cpu, u->prof, &co, err);
	if (rc == AN_OK)
		an_store_profile_key(u->key, u->prof);
	return rc;
}

/* A .cpuprofile, or every thread profile of a trace (the default first,
 * read with the progress bar; the others each read again). */
static int analyse_cpu(outcome *o, const char *path, an__slot *s)
{
	an_trace_summary ts;
	an_source *src = NULL;
	an_error err;
	uint32_t k, n;
	int rc;

	memset(&ts, 0, sizeof(ts));
	an_error_clear(&err);
	o->units = calloc(1, sizeof(*o->units));
	if (!o->units)
		return an__fail(&err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
	rc = an_source_open_path(&src, path, &err);
	if (rc == AN_OK)
		rc = an_source_enable_sha256(src);
	if (rc == AN_OK)
		rc = load_cpu(&o->units[0], src, s, &ts, NULL, &err);
	if (rc < 0 && o->kind == AN_KIND_TRACE && ts.count == 0 &&
	    ts.events) {
		/* a trace without a CPU profile is no failure */
		o->skip = "trace without a CPU profile";
		an_profile_free(o->units[0].prof);
		o->units[0].prof = NULL;
		rc = AN_OK;
		goto done;
	}
	if (rc < 0) {
		/* loaded but not analysed: the profile is not kept */
		an_profile_free(o->units[0].prof);
		o->units[0].prof = NULL;
		fail(o, &err);
		goto done;
	}
	o->nunits = 1;
	an_source_sha256(src, o->sha256);
	o->gzip = an_source_is_gzip(src);
	o->raw_bytes = an_source_raw_bytes(src);
	n = ts.count < MAX_PROFILES ? ts.count : MAX_PROFILES;
	if (n > 1) {
		cpu_unit *u = realloc(o->units, n * sizeof(*u));

		if (!u) {
			an__fail(&err, AN_ENOMEM, AN_NO_OFFSET,
				 "out of memory");
			rc = fail(o, &err);
			goto done;
		}
		o->units = u;
		memset(u + 1, 0, (n - 1) * sizeof(*u));
	}
	for (k = 0; k < ts.count && o->nunits < n; k++) {
		an_source *again = NULL;
		cpu_unit *u = &o->units[o->nunits];

		if (k == ts.loaded)
			continue;
		rc = an_source_open_path(&again, path, &err);
		if (rc == AN_OK)
			rc = load_cpu(u, again, s, NULL, &ts.list[k], &err);
		an_source_free(again);
		o->nunits++;
		if (rc < 0) {
			fail(o, &err);
			goto done;
		}
	}
done:
	an_source_free(src);
	an_trace_summary_free(&ts);
	return rc;
}

static int analyse_heap(outcome *o, const char *path, an__slot *s,
			int want_base)
{
	an_heap_load_opts lo = AN_HEAP_LOAD_OPTS_INIT;
	an_source *src = NULL;
	an_error err;
	int rc;

	an_error_clear(&err);
	lo.progress = an__ingest_progress;
	lo.payload = s;
	rc = an_source_open_path(&src, path, &err);
	if (rc == AN_OK)
		rc = an_source_enable_sha256(src);
	if (rc == AN_OK)
		rc = an_heap_load(&o->heap, src, &lo, &err);
	if (rc < 0) {
		fail(o, &err);
	} else {
		an_source_sha256(src, o->sha256);
		o->gzip = an_source_is_gzip(src);
		o->raw_bytes = an_source_raw_bytes(src);
		/* the next snapshot's diff reads this one no more (without
		 * the base, the pair reads it again) */
		if (want_base && an_heap_base_from(&o->base, o->heap,
						   &err) < 0)
			o->base = NULL;
	}
	an_source_free(src);
	return rc;
}

/* The comparison of the snapshot before this one (prev_sha) with this
 * one (artifact target_id), made while it was loaded (r->mu held). */
static int store_diff(an__run *r, outcome *o, int64_t target_id,
		      an_error *err)
{
	int64_t base_id = 0;
	int rc, yes = 0;

	rc = an__store_artifact_id(r->st, o->prev_sha, NULL, &base_id, err);
	if (rc < 0 || !base_id)
		return rc;
	if (!r->o->force)
		rc = an__store_has_heap_diff(r->st, base_id, target_id, &yes,
					     err);
	if (rc == AN_OK && !yes)
		rc = an_store_heap_diff(r->st, base_id, target_id, o->diff,
					err);
	if (rc == AN_OK)
		o->diff_done = yes ? 2 : 1;
	return rc;
}

/* Stores what the analyses produced (r->mu held). */
static int store_outcome(an__run *r, size_t i, outcome *o,
			 const char *abs, an_error *err)
{
	an_store *st = r->st;
	an_artifact_info info;
	an__ingest_rec rec;
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	char *meta = NULL;
	uint32_t k;
	int64_t id;
	int rc = AN_OK;

	memset(&info, 0, sizeof(info));
	/* as the per-artifact commands: the absolute path, and the path as
	 * given (here: as found under the PATH given) */
	info.path = abs ? abs : r->list->paths[i];
	info.given_path = r->list->paths[i];
	info.sha256 = o->sha256;
	info.kind = o->kind;
	info.bytes = o->raw_bytes;
	/* a failed file stores no artifact, even those of its profiles
	 * that did load */
	for (k = 0; !o->reason && k < o->nunits && rc == AN_OK; k++) {
		info.profile = o->units[k].key[0] ? o->units[k].key : NULL;
		rc = an_store_cpu_meta(&meta, o->units[k].cpu, &co, o->gzip,
				       err);
		info.meta_json = meta;
		if (rc == AN_OK)
			rc = an_store_artifact(&id, st, &info, err);
		if (rc == AN_OK)
			rc = an_store_cpu(st, id, o->units[k].cpu, err);
		an_store_meta_free(meta);
		meta = NULL;
	}
	if (!o->reason && o->heap && rc == AN_OK) {
		rc = an_store_heap_meta(&meta, o->heap, o->gzip,
					r->o->top_objects, err);
		info.meta_json = meta;
		if (rc == AN_OK)
			rc = an_store_artifact(&id, st, &info, err);
		if (rc == AN_OK)
			rc = an_store_heap(st, id, o->heap, r->o->top_objects,
					   err);
		an_store_meta_free(meta);
		if (rc == AN_OK && o->diff)
			rc = store_diff(r, o, id, err);
	}
	if (rc < 0)
		return rc;
	memset(&rec, 0, sizeof(rec));
	rec.path = r->list->paths[i];
	rec.bytes = r->list->bytes[i];
	rec.mtime_ns = r->items[i].mtime_ns;
	rec.sha256 = o->sha256[0] ? o->sha256 : NULL;
	rec.kind = an_kind_name(o->kind);
	rec.status = o->reason ? AN_STORE_INGEST_FAILED
		     : o->skip ? AN_STORE_INGEST_SKIPPED
			       : AN_STORE_INGEST_STORED;
	rec.reason = o->reason ? o->reason : o->skip;
	rec.profiles = o->reason ? 0 : o->nunits + (o->heap != NULL);
	return an__store_ingest_record(st, &rec, err);
}

/* When the snapshot before this one kept its base, the comparison is
 * made now, from this snapshot's full load (an_heap_diff_new gives the
 * rows an_heap_diff_load would), and no pair reads it again. */
static void diff_with_prev(an__run *r, const an__item *it, outcome *o)
{
	an__item *ia;
	an_heap_base *pb;
	uint64_t pm;
	an_error err;

	if (it->prev == SIZE_MAX)
		return;
	ia = &r->items[it->prev];
	pthread_mutex_lock(&r->mu);
	pb = ia->base;
	pm = ia->base_mem;
	ia->base = NULL;
	ia->base_mem = 0;
	memcpy(o->prev_sha, ia->sha256, sizeof(o->prev_sha));
	pthread_mutex_unlock(&r->mu);
	if (!pb)
		return;
	an_error_clear(&err);
	/* on failure the pair reads both files */
	if (an_heap_diff_new(&o->diff, pb, o->heap, &err) < 0)
		o->diff = NULL;
	an_heap_base_free(pb);
	pthread_mutex_lock(&r->mu);
	r->mem_used -= pm;
	pthread_mutex_unlock(&r->mu);
}

void an__ingest_file(an__run *r, an__slot *s, size_t i)
{
	const char *path = r->list->paths[i];
	an__item *it = &r->items[i];
	an_ingest_file *f = it->out;
	outcome o;
	an_error err;
	char *abs;
	int rc;

	memset(&o, 0, sizeof(o));
	o.kind = it->kind;
	abs = realpath(path, NULL);
	begin_read(s, path);
	if (it->kind == AN_KIND_HEAPSNAPSHOT) {
		analyse_heap(&o, path, s, it->base_wanted);
		if (o.heap)
			diff_with_prev(r, it, &o);
	} else {
		analyse_cpu(&o, path, s);
	}
	if (!o.reason && !o.skip && !o.nunits && !o.heap) {
		an__fail(&err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		o.reason = an__ingest_reason(&err);
	}

	pthread_mutex_lock(&r->mu);
	s->r->current[s->slot] = NULL;
	s->r->inflight[s->slot] = 0;
	r->bytes_finished += r->list->bytes[i];
	if (r->stop) {
		/* cancelled or failed meanwhile: not stored, not counted */
		pthread_mutex_unlock(&r->mu);
		outcome_free(&o);
		free(abs);
		return;
	}
	an_error_clear(&err);
	rc = an__store_unit_begin(r->st, &err);
	if (rc == AN_OK)
		rc = an__store_unit_end(r->st,
					store_outcome(r, i, &o, abs, &err),
					&err);
	if (rc == AN_OK)
		rc = an_store_checkpoint(r->st, &err);
	if (rc < 0) {
		an__ingest_fatal(r, rc, &err);
	} else {
		f->status = o.reason ? AN_INGEST_FAILED
			    : o.skip ? AN_INGEST_SKIPPED
				     : AN_INGEST_STORED;
		f->profiles = o.reason ? 0 : o.nunits + (o.heap != NULL);
		it->failed = o.reason != NULL;
		memcpy(it->sha256, o.sha256, sizeof(it->sha256));
		if (o.base && !o.reason) {
			/* kept until its pair is done, and counted */
			it->base = o.base;
			it->base_mem = BASE_BYTES_PER_OBJECT *
				       (uint64_t)an_heap_base_object_count(
					       o.base);
			r->mem_used += it->base_mem;
			o.base = NULL;
		}
		if (o.reason) {
			f->reason = o.reason;
			o.reason = NULL;
		} else if (o.skip) {
			size_t n = strlen(o.skip) + 1;

			f->reason = malloc(n);
			if (f->reason)
				memcpy(f->reason, o.skip, n);
		}
		if (o.diff_done) {
			it->pair_done = 1;
			if (o.diff_done == 1)
				r->res->diffs_stored++;
			else
				r->res->diffs_kept++;
		}
		r->res->by_status[AN_INGEST_PENDING]--;
		r->res->by_status[f->status]++;
		an__ingest_report(r, f);
	}
	pthread_mutex_unlock(&r->mu);
	outcome_free(&o);
	free(abs);
}

void an__ingest_pair(an__run *r, an__slot *s, size_t a, size_t b)
{
	an_heap_load_opts lo = AN_HEAP_LOAD_OPTS_INIT;
	an_source *sa = NULL, *sb = NULL;
	an_heap_base *base = NULL;
	an_heap_diff *d = NULL;
	an_artifact_info info;
	an__item *ia = &r->items[a], *ib = &r->items[b];
	char sha[65], *abs = realpath(r->list->paths[a], NULL);
	uint64_t base_mem;
	int64_t ida = 0, idb = 0;
	int rc, yes = 0;
	an_error err;

	an_error_clear(&err);
	begin_read(s, r->list->paths[b]);
	/* the base kept from a's load (this pair is its only user) */
	pthread_mutex_lock(&r->mu);
	base = ia->base;
	base_mem = ia->base_mem;
	ia->base = NULL;
	ia->base_mem = 0;
	pthread_mutex_unlock(&r->mu);
	rc = AN_OK;
	if (!base) {
		rc = an_source_open_path(&sa, r->list->paths[a], &err);
		if (rc == AN_OK && !ia->sha256[0])
			rc = an_source_enable_sha256(sa);
		if (rc == AN_OK)
			rc = an_heap_base_load(&base, sa, &lo, &err);
	}
	if (rc == AN_OK)
		rc = an_source_open_path(&sb, r->list->paths[b], &err);
	if (rc == AN_OK)
		rc = an_heap_diff_load(&d, base, sb, &lo, &err);
	if (rc == AN_OK && !ia->sha256[0] && sa)
		an_source_sha256(sa, sha);
	else
		memcpy(sha, ia->sha256, sizeof(sha));

	pthread_mutex_lock(&r->mu);
	r->current[s->slot] = NULL;
	r->mem_used -= base_mem;
	if (r->stop)
		goto out;
	if (rc < 0) {
		r->res->diffs_failed++;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.path = abs ? abs : r->list->paths[a];
	info.given_path = r->list->paths[a];
	info.sha256 = sha;
	info.kind = AN_KIND_HEAPSNAPSHOT;
	info.bytes = sa ? an_source_raw_bytes(sa) : r->list->bytes[a];
	rc = an__store_unit_begin(r->st, &err);
	if (rc == AN_OK) {
		int urc = an__store_artifact_id(r->st, ib->sha256, NULL, &idb,
						&err);

		/* a base from another shard: a bare artifact row, which
		 * `profkit merge` fills from the shard that analysed it */
		if (urc == AN_OK && !idb)
			urc = an__fail(&err, AN_ENOTFOUND, AN_NO_OFFSET,
				       "%s is not stored",
				       r->list->paths[b]);
		if (urc == AN_OK)
			urc = an_store_artifact_keep(&ida, r->st, &info, &err);
		if (urc == AN_OK && !r->o->force)
			urc = an__store_has_heap_diff(r->st, ida, idb, &yes,
						      &err);
		if (urc == AN_OK && !yes)
			urc = an_store_heap_diff(r->st, ida, idb, d, &err);
		rc = an__store_unit_end(r->st, urc, &err);
	}
	if (rc == AN_OK)
		rc = an_store_checkpoint(r->st, &err);
	if (rc < 0)
		an__ingest_fatal(r, rc, &err);
	else if (yes)
		r->res->diffs_kept++;
	else
		r->res->diffs_stored++;
out:
	pthread_mutex_unlock(&r->mu);
	an_heap_diff_free(d);
	an_heap_base_free(base);
	an_source_free(sa);
	an_source_free(sb);
	free(abs);
}

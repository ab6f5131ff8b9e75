/*
 * stress.c - the thread checks behind test_threads.c (Criterion) and
 * tsan_threads.c (a plain program for ThreadSanitizer, under which
 * Criterion's runner cannot start: its shared arena does not map).
 * Every query of a model is folded into a digest; several threads then
 * recompute it at once, on the same model and on different ones, and
 * must each get what one thread alone got.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "stress.h"
#include "cpu/cpuscan_int.h"

#define NTHREADS 6
#define ROUNDS 3

/* ---- CPU: every query of an an_cpu, folded into one digest ---------- */

static int fold_cb(const char *stack, size_t len, uint64_t w, void *payload)
{
	uint64_t *h = payload;

	*h = fx_fnv(*h, stack, len);
	*h = fx_fnv(*h, &w, sizeof(w));
	return 0;
}

static uint64_t tree_digest(uint64_t h, const an_cpu_tree *t)
{
	uint32_t i, n = an_cpu_tree_count(t);

	/* walk the linked order: it is what the sort decided */
	for (i = 0; i < n; i++) {
		const an_cpu_tree_node *e = an_cpu_tree_get(t, i);
		h = fx_fnv(h, &e->function, sizeof(e->function));
		h = fx_fnv(h, &e->first_child, sizeof(e->first_child));
		h = fx_fnv(h, &e->next_sibling, sizeof(e->next_sibling));
		h = fx_fnv(h, &e->total_us, sizeof(e->total_us));
	}
	return h;
}

/* Digest of everything one an_cpu answers; 0 on any failure. */
static uint64_t cpu_digest(const an_profile *p, an_weights weights)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_cpu *c = NULL;
	an_cpu_lines *lines = NULL;
	const uint32_t *order;
	uint64_t h = FX_FNV_INIT;
	uint32_t nf, i, fcount = an_profile_function_count(p);
	uint8_t *mask = calloc(fcount ? fcount : 1, 1);
	char label[512];

	o.weights = weights;
	if (!mask || an_cpu_analyze(&c, p, &o, NULL) < 0) {
		free(mask);
		return 0;
	}
	nf = an_cpu_functions(c, &order);
	for (i = 0; i < nf; i++) {
		double s = an_cpu_function_self_us(c, order[i]);
		double t = an_cpu_function_total_us(c, order[i]);
		size_t len = an_cpu_frame_label(label, sizeof(label), p,
						order[i]);
		h = fx_fnv(h, &order[i], sizeof(order[i]));
		h = fx_fnv(h, &s, sizeof(s));
		h = fx_fnv(h, &t, sizeof(t));
		h = fx_fnv(h, label, len < sizeof(label) ? len : 0);
	}
	/* callers and callees of each of the first functions */
	for (i = 0; i < nf && i < 12; i++) {
		an_cpu_tree *t = NULL;
		memset(mask, 0, fcount);
		mask[order[i]] = 1;
		if (an_cpu_callers(&t, c, mask, NULL) < 0)
			goto fail;
		h = tree_digest(h, t);
		an_cpu_tree_free(t);
		t = NULL;
		if (an_cpu_callees(&t, c, mask, NULL) < 0)
			goto fail;
		h = tree_digest(h, t);
		an_cpu_tree_free(t);
	}
	if (an_cpu_folded(c, NULL, fold_cb, &h, NULL) < 0)
		goto fail;
	if (an_cpu_hot_lines(&lines, c, NULL) == AN_OK) {
		for (i = 0; i < an_cpu_lines_count(lines); i++) {
			const an_cpu_line *l = an_cpu_lines_get(lines, i);
			h = fx_fnv(h, &l->line, sizeof(l->line));
			h = fx_fnv(h, &l->ticks, sizeof(l->ticks));
		}
		an_cpu_lines_free(lines);
	}
	an_cpu_free(c);
	free(mask);
	return h ? h : 1;
fail:
	an_cpu_free(c);
	free(mask);
	return 0;
}

/* ---- heap: every query of a loaded heap ------------------------------ */

static uint64_t heap_digest(const an_heap *hp)
{
	uint64_t h = FX_FNV_INIT;
	uint32_t n = an_heap_node_count(hp), i, step, k;
	const uint32_t *order;
	an_heap_stats st;
	char name[256];

	if (an_heap_statistics(&st, hp, NULL) < 0)
		return 0;
	h = fx_fnv(h, &st, sizeof(st));
	k = an_heap_classes(hp, &order);
	for (i = 0; i < k; i++) {
		const an_heap_class *c = an_heap_class_get(hp, order[i]);
		h = fx_fnv(h, c->name.ptr, c->name.len);
		h = fx_fnv(h, &c->retained_size, sizeof(c->retained_size));
	}
	/* a spread of nodes: names, dominated children, retainers, chains */
	step = n / 64 ? n / 64 : 1;
	for (i = 0; i < n; i += step) {
		const uint32_t *kids;
		an_heap_retainer *r = NULL;
		uint32_t cnt = 0, nk;
		size_t len;
		if (an_heap_node_name(name, sizeof(name), &len, hp, i,
				      NULL) < 0)
			return 0;
		h = fx_fnv(h, name, len < sizeof(name) ? len : 0);
		nk = an_heap_node_dominated(hp, i, &kids);
		h = fx_fnv(h, kids, (size_t)nk * sizeof(*kids));
		if (an_heap_retainers(&r, &cnt, hp, i, NULL) < 0)
			return 0;
		h = fx_fnv(h, r, (size_t)cnt * sizeof(*r));
		an_heap_retainers_free(r);
		r = NULL;
		if (an_heap_retainer_chain(&r, &cnt, hp, i, 0, 20, NULL) < 0)
			return 0;
		h = fx_fnv(h, r, (size_t)cnt * sizeof(*r));
		an_heap_retainers_free(r);
	}
	return h ? h : 1;
}

/* ---- the harness ------------------------------------------------------ */

typedef struct job {
	const an_profile *prof; /* shared between threads, or NULL */
	const an_heap *heap;    /* shared between threads, or NULL */
	uint64_t want;          /* digest one thread alone computed */
	int mismatches;
} job;

static void *run(void *arg)
{
	job *j = arg;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		uint64_t got = j->prof ? cpu_digest(j->prof, AN_WEIGHTS_TIME) :
					 heap_digest(j->heap);
		if (got != j->want)
			j->mismatches++;
	}
	return NULL;
}

/* Runs the jobs on their own threads; returns the mismatches summed. */
static int run_all(job *jobs, int n)
{
	pthread_t t[NTHREADS];
	int i, started = 0, bad = 0;

	for (i = 0; i < n && i < NTHREADS; i++, started++)
		if (pthread_create(&t[i], NULL, run, &jobs[i]) != 0)
			break;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < n; i++)
		bad += jobs[i].mismatches;
	return started == n ? bad : -1;
}


static int load_profile_at(an_profile **out, const char *rel, char *why,
			   size_t cap)
{
	an_error e;

	if (fx_load_profile(out, fx_path(rel), 0, &e) == AN_OK)
		return 0;
	snprintf(why, cap, "%s: %s", rel, e.message);
	return -1;
}

int stress_cpu(char *why, size_t cap)
{
	static const char *const rel[] = {"cpu/recursion.cpuprofile",
					  "cpu/synth_small.cpuprofile",
					  "cpu/trace_busy_wait.json"};
	an_profile *p[3] = {NULL, NULL, NULL};
	uint64_t want[3];
	job jobs[NTHREADS];
	int i, bad = -1;

	for (i = 0; i < 3; i++) {
		if (load_profile_at(&p[i], rel[i], why, cap) < 0)
			goto done;
		want[i] = cpu_digest(p[i], AN_WEIGHTS_TIME);
		if (!want[i]) {
			snprintf(why, cap, "%s: a query failed", rel[i]);
			goto done;
		}
	}
	/* two threads per profile: identical and different models at once */
	for (i = 0; i < NTHREADS; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].prof = p[i % 3];
		jobs[i].want = want[i % 3];
	}
	bad = run_all(jobs, NTHREADS);
	if (bad)
		snprintf(why, cap, "%d rounds differed from one thread's", bad);
done:
	for (i = 0; i < 3; i++)
		an_profile_free(p[i]);
	return bad;
}

int stress_heap(char *why, size_t cap)
{
	an_heap *h[2] = {NULL, NULL};
	const char *base[2] = {"tiny", "leak"};
	uint64_t want[2];
	job jobs[NTHREADS];
	int i, bad = -1;

	for (i = 0; i < 2; i++) {
		an_error e;
		if (fx_load_heap(&h[i], fx_path(fx_heap_rel(base[i])), 0,
				 &e) < 0) {
			snprintf(why, cap, "%s: %s", base[i], e.message);
			goto done;
		}
		want[i] = heap_digest(h[i]);
		if (!want[i]) {
			snprintf(why, cap, "%s: a query failed", base[i]);
			goto done;
		}
	}
	for (i = 0; i < NTHREADS; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].heap = h[i % 2];
		jobs[i].want = want[i % 2];
	}
	bad = run_all(jobs, NTHREADS);
	if (bad)
		snprintf(why, cap, "%d rounds differed from one thread's", bad);
done:
	an_heap_free(h[0]);
	an_heap_free(h[1]);
	return bad;
}

/* Loading is thread-safe too: heaps and profiles load side by side
 * (each heap load also runs threads of its own), heap loads sharing one
 * an_heap_pool among them. */
typedef struct load_job {
	char *path;     /* owned copy: fx_path() returns a shared buffer */
	int heap;       /* 1: heap snapshot, 0: CPU profile */
	an_heap_pool *pool; /* shared by the heap jobs */
	uint64_t got;
} load_job;

/* Loads j's snapshot twice through the shared pool (the second load
 * takes what the first, or another thread's, left there): both must give
 * `want`. */
static int pooled_twice(const load_job *j, uint64_t want)
{
	an_heap_load_opts o = AN_HEAP_LOAD_OPTS_INIT;
	int k;

	o.pool = j->pool;
	for (k = 0; k < 2; k++) {
		an_source *src = NULL;
		an_heap *h = NULL;
		uint64_t got = 0;
		if (an_source_open_path(&src, j->path, NULL) == AN_OK &&
		    an_heap_load(&h, src, &o, NULL) == AN_OK)
			got = heap_digest(h);
		an_heap_free(h); /* its arrays into the pool */
		an_source_free(src);
		if (got != want)
			return 0;
	}
	return 1;
}

static void *load_one(void *arg)
{
	load_job *j = arg;

	j->got = 0;
	if (j->heap) {
		an_heap *h = NULL;
		an_source *src = NULL;
		an_heap_info in;
		uint64_t d = 0;
		if (fx_load_heap(&h, j->path, 0, NULL) == AN_OK)
			j->got = d = heap_digest(h);
		/* and `info`, whose light pipeline has a thread of its own:
		 * the same totals as the whole model */
		if (j->got &&
		    an_source_open_path(&src, j->path, NULL) == AN_OK) {
			if (an_heap_load_info(&in, src, NULL, NULL) == AN_OK &&
			    in.nodes == an_heap_node_count(h) &&
			    in.total == an_heap_total_size(h)) {
				uint64_t f[7] = {in.nodes, in.edges, in.total,
						 in.v8_heap, in.native,
						 in.extra_native_bytes,
						 in.classes};
				j->got = fx_fnv(j->got, f, sizeof(f));
			} else {
				j->got = 0;
			}
			an_source_free(src);
		}
		an_heap_free(h);
		if (j->got && j->pool && !pooled_twice(j, d))
			j->got = 0;
	} else {
		an_profile *p = NULL;
		if (fx_load_profile(&p, j->path, 0, NULL) == AN_OK)
			j->got = cpu_digest(p, AN_WEIGHTS_HITS);
		an_profile_free(p);
	}
	return NULL;
}

int stress_load(char *why, size_t cap)
{
	static const char *const rel[] = {"heap/baseline.heapsnapshot.gz",
					  "heap/leak.heapsnapshot.gz",
					  "cpu/synth_small.cpuprofile.gz",
					  "cpu/trace_synth_small.json"};
	load_job jobs[4];
	pthread_t t[4];
	uint64_t want[4];
	an_heap_pool *pool = NULL;
	int i, started = 0, bad = -1;

	memset(jobs, 0, sizeof(jobs));
	if (an_heap_pool_new(&pool) != AN_OK)
		return -1;
	for (i = 0; i < 4; i++) {
		jobs[i].path = strdup(fx_path(rel[i]));
		jobs[i].heap = i < 2;
		jobs[i].pool = pool;
		if (!jobs[i].path)
			goto done;
		load_one(&jobs[i]);
		want[i] = jobs[i].got;
		if (!want[i]) {
			snprintf(why, cap, "%s did not load", rel[i]);
			goto done;
		}
	}
	for (i = 0; i < 4; i++, started++)
		if (pthread_create(&t[i], NULL, load_one, &jobs[i]) != 0)
			break;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	bad = started == 4 ? 0 : -1;
	for (i = 0; i < started; i++)
		if (jobs[i].got != want[i]) {
			snprintf(why, cap, "%s loaded beside others differs",
				 rel[i]);
			bad++;
		}
done:
	for (i = 0; i < 4; i++)
		free(jobs[i].path);
	an_heap_pool_free(pool);
	return bad;
}

/* ---- a trace's event array skimmed by several threads ---------------- */

typedef struct split_job {
	const char *path;
	size_t split;     /* bytes per piece */
	uint64_t got;     /* digest of the profile and summary, 0: failed */
} split_job;

static void *split_one(void *arg)
{
	split_job *j = arg;
	an_source *src = NULL;
	an_profile *p = NULL;
	an_trace_summary sum;
	an_error err;
	size_t adopted = 0;

	j->got = 0;
	memset(&sum, 0, sizeof(sum));
	if (an_source_open_path(&src, j->path, &err) == AN_OK &&
	    an__trace_load_split(&p, src, &sum, j->split, &adopted,
				 &err) == AN_OK) {
		j->got = cpu_digest(p, AN_WEIGHTS_HITS);
		j->got = fx_fnv(j->got, &sum.events, sizeof(sum.events));
		j->got = fx_fnv(j->got, &sum.threads, sizeof(sum.threads));
		j->got = fx_fnv(j->got, &sum.first_us, sizeof(sum.first_us));
		j->got = fx_fnv(j->got, &sum.last_us, sizeof(sum.last_us));
	}
	an_trace_summary_free(&sum);
	an_profile_free(p);
	an_source_free(src);
	return NULL;
}

int stress_split(char *why, size_t cap)
{
	static const size_t splits[] = {1, 97, 4096, 30000};
	const char *rel = "cpu/trace_node_worker.json";
	split_job jobs[4], ref;
	pthread_t t[4];
	char *path = strdup(fx_path(rel));
	int i, started = 0, bad = -1;

	if (!path)
		return -1;
	/* the reference: pieces larger than the file, so one thread */
	ref.path = path;
	ref.split = SIZE_MAX / 2;
	split_one(&ref);
	if (!ref.got) {
		snprintf(why, cap, "%s did not load", rel);
		goto done;
	}
	for (i = 0; i < 4; i++) {
		jobs[i].path = path;
		jobs[i].split = splits[i];
	}
	for (i = 0; i < 4; i++, started++)
		if (pthread_create(&t[i], NULL, split_one, &jobs[i]) != 0)
			break;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	bad = started == 4 ? 0 : -1;
	for (i = 0; i < started; i++)
		if (jobs[i].got != ref.got) {
			snprintf(why, cap, "%s in pieces of %zu differs", rel,
				 jobs[i].split);
			bad++;
		}
done:
	free(path);
	return bad;
}

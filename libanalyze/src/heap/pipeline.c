/*
 * pipeline.c - DevTools' Memory panel pipeline on the loaded graph, in
 * DevTools' order (HeapSnapshot.ts, chrome-devtools-frontend 1.0.1705227):
 * page-owned flags, essential edges, shallow-size reassignment, dominators
 * and retained sizes (dominators.c: DevTools' tree, including its handling
 * of nodes only reachable through ignored edges), distances
 * (with DevTools' edge filter), class names with interface names and
 * location keys, and the Summary aggregation. Every loop is iterative:
 * real dominator trees are hundreds of thousands of levels deep.
 */
#include <pthread.h>
#include <stdlib.h>

#include "heap/pipeline_int.h"

/*
 * Two threads. The second classifies WeakMap edge names while the first
 * marks page-owned nodes; the essential edges are split between them;
 * then the second builds the dominator tree and sorts the dominated
 * children while the first reassigns shallow sizes (which the retained
 * sizes wait for), interns WeakMap dup parts, computes distances and
 * class names; last, the first aggregates the Summary. They read the
 * same graph and write disjoint arrays (the strings, which class naming
 * extends, are not touched on the dominator side). The children are
 * sorted in place before the Summary reads them (it does not need their
 * order): sorting beside it took a second array of them at the peak of
 * memory.
 */

typedef struct wm_job {
	const an_heap *h;
	wm_cache *wm;
	int rc;
} wm_job;

static void *wm_thread(void *arg)
{
	wm_job *j = arg;

	j->rc = an__heap_wm_classify(j->h, j->wm);
	return NULL;
}

typedef struct dom_job {
	an_heap *h;
	const uint8_t *ess;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int self_final;        /* shallow sizes done: -1 failed, 1 ok */
	int rc;
} dom_job;

static void *dom_thread(void *arg)
{
	dom_job *j = arg;
	uint32_t *order = NULL;
	int ready;

	j->rc = an__heap_dominators(j->h, j->ess, &order);
	pthread_mutex_lock(&j->mu);
	while (j->self_final == 0)
		pthread_cond_wait(&j->cv, &j->mu);
	ready = j->self_final > 0;
	pthread_mutex_unlock(&j->mu);
	if (j->rc == AN_OK && ready)
		j->rc = an__heap_retained_sizes(j->h, order);
	free(order);
	if (j->rc == AN_OK && ready)
		j->rc = an__heap_dominated_children(j->h);
	if (j->rc == AN_OK && ready)
		j->rc = an__heap_sort_dominated(j->h);
	return NULL;
}

static void self_final(dom_job *j, int ok)
{
	pthread_mutex_lock(&j->mu);
	j->self_final = ok ? 1 : -1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

int an__heap_analyse(an_heap *h, an_error *err)
{
	wm_cache wm;
	uint8_t *ess = NULL;
	dom_job dj;
	pthread_t tid;
	int rc, threaded = 0;

	memset(&wm, 0, sizeof(wm));
	memset(&dj, 0, sizeof(dj));
	if (an__heap_ret_index_new(h) < 0)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	wm.nstate = h->strs.count; /* the snapshot's; dom_state adds more */
	rc = an__heap_dom_state(h);
	if (rc == AN_OK) {
		wm_job wj = {h, &wm, AN_OK};
		threaded = pthread_create(&tid, NULL, wm_thread, &wj) == 0;
		if (!threaded)
			wm_thread(&wj);
		rc = an__heap_page_owned(h);
		if (threaded)
			pthread_join(tid, NULL);
		if (rc == AN_OK)
			rc = wj.rc;
	}
	if (rc == AN_OK)
		rc = an__heap_essential_edges(h, &wm, &ess);
	free(h->d.page); /* only the essential edges needed it */
	h->d.page = NULL;
	if (rc == AN_OK) {
		dj.h = h;
		dj.ess = ess;
		pthread_mutex_init(&dj.mu, NULL);
		pthread_cond_init(&dj.cv, NULL);
		threaded = pthread_create(&tid, NULL, dom_thread, &dj) == 0;
		rc = an__heap_shallow_sizes(h);
		self_final(&dj, rc == AN_OK);
		if (!threaded)
			dom_thread(&dj); /* no thread: do it here */
		if (rc == AN_OK)
			rc = an__heap_wm_intern(h, &wm);
		if (rc == AN_OK)
			rc = an__heap_distances(h, &wm);
		if (rc == AN_OK)
			rc = an__heap_class_names(h);
		if (threaded)
			pthread_join(tid, NULL);
		pthread_cond_destroy(&dj.cv);
		pthread_mutex_destroy(&dj.mu);
		if (rc == AN_OK)
			rc = dj.rc;
	}
	free(ess);
	if (rc == AN_OK)
		rc = an__heap_summary(h);
	an__heap_wm_free(&wm);
	if (rc < 0)
		return an__fail(err, rc, AN_NO_OFFSET, "%s",
				rc == AN_ENOMEM ? "out of memory" :
						  an_status_str(rc));
	return AN_OK;
}

/*
 * The light pipeline on two threads: after the DOM state, the second
 * thread reassigns shallow sizes while this one names classes. Class
 * naming adds strings (the table's id array may move), and the shallow
 * sizes read a few names: the second thread reads them through a view
 * of the heap whose id array is a copy of the one the DOM state left.
 * Its derived sizes are moved into the heap when it is done.
 */

typedef struct light_job {
	an_heap view;          /* the heap, with its own string ids */
	int rc;
} light_job;

static void *light_thread(void *arg)
{
	light_job *j = arg;

	j->rc = an__heap_shallow_sizes(&j->view);
	return NULL;
}

int an__heap_analyse_light(an_heap *h, an_error *err)
{
	light_job *j = NULL;
	pthread_t tid;
	int rc, threaded = 0;

	rc = an__heap_dom_state(h);
	if (rc == AN_OK && h->strs.count) {
		size_t nb = (size_t)h->strs.count * sizeof(*h->strs.items);
		j = malloc(sizeof(*j));
		if (j) {
			j->view = *h;
			j->view.strs.items = malloc(nb);
			j->rc = AN_OK;
			if (j->view.strs.items) {
				memcpy(j->view.strs.items, h->strs.items, nb);
				threaded = pthread_create(&tid, NULL,
							  light_thread,
							  j) == 0;
			}
			if (!threaded) {
				free(j->view.strs.items);
				free(j);
				j = NULL;
			}
		}
	}
	if (rc == AN_OK && !threaded)
		rc = an__heap_shallow_sizes(h);
	if (rc == AN_OK)
		rc = an__heap_class_names(h);
	if (threaded) {
		pthread_join(tid, NULL);
		/* the derived sizes were only ever in the view */
		h->d.self = j->view.d.self;
		h->pool_bytes[AN__POOL_SELF] =
			j->view.pool_bytes[AN__POOL_SELF];
		an__size_moved(&h->d.self);
		if (rc == AN_OK)
			rc = j->rc;
		free(j->view.strs.items);
		free(j);
	}
	if (rc < 0)
		return an__fail(err, rc, AN_NO_OFFSET, "%s",
				rc == AN_ENOMEM ? "out of memory" :
						  an_status_str(rc));
	return AN_OK;
}

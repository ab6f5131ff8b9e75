/*
 * fuzz_profile.h - what the CPU profile targets do with a profile that
 * loaded: the model's invariants, then every analysis `profkit cpu` runs
 * short of folded stacks (whose cost grows with the output, not the
 * input): self/total in time and hits mode, hot lines, callers and
 * callees of the hottest function, frame labels.
 */
#ifndef AN_FUZZ_PROFILE_H
#define AN_FUZZ_PROFILE_H

#include "fuzz.h"

static inline void fuzz_check_profile(const an_profile *p)
{
	uint32_t n = an_profile_node_count(p), i, k;
	uint32_t ns = an_profile_sample_count(p);
	uint32_t nf = an_profile_function_count(p);

	if (n == 0 || an_profile_node_parent(p, 0) != AN_NONE)
		abort();
	for (i = 1; i < n; i++) {
		uint32_t par = an_profile_node_parent(p, i);
		if (par >= n || an_profile_node_function(p, i) >= nf ||
		    an_profile_node_depth(p, i) !=
			    an_profile_node_depth(p, par) + 1)
			abort();
	}
	for (i = 0; i < ns; i++) {
		if (an_profile_sample_node(p, i) >= n)
			abort();
		if (i && an_profile_sample_time(p, i) <
				 an_profile_sample_time(p, i - 1))
			abort();
	}
	for (i = 0; i < n; i++) {
		const uint32_t *kids;
		uint32_t nk = an_profile_node_children(p, i, &kids);
		for (k = 0; k < nk; k++)
			if (kids[k] >= n ||
			    an_profile_node_parent(p, kids[k]) != i)
				abort();
	}
}

static inline void fuzz_analyze(const an_profile *p, an_weights w)
{
	an_cpu_opts o = AN_CPU_OPTS_INIT;
	an_cpu *c = NULL;
	an_cpu_lines *lines = NULL;
	an_cpu_tree *t = NULL;
	an_error err;
	const uint32_t *order;
	uint32_t nf = an_profile_function_count(p), top, i;
	uint8_t *mask;
	char label[128];
	int rc;

	o.weights = w;
	rc = an_cpu_analyze(&c, p, &o, &err);
	fuzz_check_error(rc, &err, 0);
	if (rc < 0)
		return;
	rc = an_cpu_hot_lines(&lines, c, &err);
	fuzz_check_error(rc, &err, 0);
	an_cpu_lines_free(lines);
	top = an_cpu_functions(c, &order);
	mask = calloc(nf ? nf : 1, 1);
	if (mask && top) {
		mask[order[0]] = 1;
		rc = an_cpu_callees(&t, c, mask, &err);
		fuzz_check_error(rc, &err, 0);
		an_cpu_tree_free(t);
		t = NULL;
		rc = an_cpu_callers(&t, c, mask, &err);
		fuzz_check_error(rc, &err, 0);
		an_cpu_tree_free(t);
	}
	free(mask);
	for (i = 0; i < top && i < 16; i++)
		an_cpu_frame_label(label, sizeof(label), p, order[i]);
	an_cpu_free(c);
}

/* Loads the input as a CPU profile and uses it. */
static inline int fuzz_profile(const uint8_t *data, size_t size)
{
	an_source *src = fuzz_source(data, size);
	an_profile_load_opts po = AN_PROFILE_LOAD_OPTS_INIT;
	an_trace_summary ts;
	an_profile *p = NULL;
	an_error err;
	int rc;

	if (!src)
		return 0;
	po.trace = &ts;
	rc = an_profile_load(&p, src, &po, &err);
	fuzz_check_error(rc, &err, an_source_is_gzip(src) ? 0 : size);
	if (rc == AN_OK) {
		fuzz_check_profile(p);
		fuzz_analyze(p, AN_WEIGHTS_TIME);
		fuzz_analyze(p, AN_WEIGHTS_HITS);
	}
	an_trace_summary_free(&ts); /* the profile list a trace fills */
	an_profile_free(p);
	an_source_free(src);
	return 0;
}

#endif

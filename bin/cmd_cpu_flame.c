/*
 * cmd_cpu_flame.c - the cpu commands' pictures: `cpu flame` (flame graph,
 * chart, speedscope file) and the labels of a profile's functions that
 * the renderer asks for, which the `cpu diff` picture uses too.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd_cpu.h"
#include "cmd_heap.h" /* human() */

static an_str flame_label(uint32_t fn, const void *ctx);
static an_str flame_location(uint32_t fn, const void *ctx);
static an_flame_kind flame_kind(uint32_t fn, const void *ctx);

flame_names *flame_names_new(an_flame_labels *lab, const an_profile *p)
{
	flame_names *n = calloc(1, sizeof(*n));

	if (n) {
		n->loc_cap = 4200;
		n->loc = malloc(n->loc_cap);
	}
	if (!n || !n->loc) {
		free(n);
		fe_errorf("out of memory");
		return NULL;
	}
	n->p = p;
	lab->label = flame_label;
	lab->location = flame_location;
	lab->kind = flame_kind;
	lab->ctx = n;
	lab->kind_names = NULL;
	return n;
}

void flame_names_free(flame_names *n)
{
	if (n)
		free(n->loc);
	free(n);
}

static an_str flame_label(uint32_t fn, const void *ctx)
{
	const flame_names *n = ctx;
	const an_function *f = an_profile_function(n->p, fn);
	an_str anon = {"(anonymous)", 11};

	return f->name.len ? f->name : anon;
}

static an_str flame_location(uint32_t fn, const void *ctx)
{
	const flame_names *n = ctx;
	const an_function *f = an_profile_function(n->p, fn);
	an_str s = {n->loc, 0};
	int k;

	if (!f->url.len)
		return s;
	if (f->line >= 0)
		k = snprintf(n->loc, n->loc_cap, "%.*s:%ld:%ld",
			     (int)(f->url.len < 4096 ? f->url.len : 4096),
			     f->url.ptr, (long)f->line + 1,
			     (long)f->column + 1);
	else
		k = snprintf(n->loc, n->loc_cap, "%.*s",
			     (int)(f->url.len < 4096 ? f->url.len : 4096),
			     f->url.ptr);
	s.len = k > 0 ? (uint32_t)k : 0;
	return s;
}

static an_flame_kind flame_kind(uint32_t fn, const void *ctx)
{
	const flame_names *n = ctx;
	const an_function *f = an_profile_function(n->p, fn);

	switch (f->kind) {
	case AN_FRAME_GC: return AN_FLAME_GC;
	case AN_FRAME_IDLE: return AN_FLAME_IDLE;
	case AN_FRAME_ROOT:
	case AN_FRAME_PROGRAM: return AN_FLAME_PROGRAM;
	default: return f->url.len ? AN_FLAME_JS : AN_FLAME_NATIVE;
	}
}

/* "busy_wait.cpuprofile (2026-12-03) · total 431.5 ms, 704 samples, ..." */
static void flame_subtitle(char *buf, size_t cap, const job *j)
{
	char name[300], ms[32];

	fe_file_label(name, sizeof(name), j->path);
	if (job_bytes(j)) {
		/* "a.heapprofile (2026-12-03) · total 7.44 MB (7437984
		 * bytes), 430 samples, weights: bytes" */
		uint64_t b = (uint64_t)an_cpu_total_us(j->cpu);
		char size[32];
		human(size, sizeof(size), b);
		snprintf(buf, cap, "%s \xc2\xb7 total %s (%llu bytes), %llu "
			 "samples, weights: bytes", name, size,
			 (unsigned long long)b,
			 (unsigned long long)an_profile_heap_samples(j->prof,
								     NULL));
		return;
	}
	/* a long profile in seconds: "904.2 s", not "904246.2 ms" */
	if (an_cpu_total_us(j->cpu) >= 60e6)
		snprintf(ms, sizeof(ms), "%.1f s",
			 an_cpu_total_us(j->cpu) / 1e6);
	else {
		fe_ms(ms, sizeof(ms) - 3, an_cpu_total_us(j->cpu));
		strcat(ms, " ms");
	}
	snprintf(buf, cap, "%s \xc2\xb7 total %s, %u samples, weights: %s",
		 name, ms, an_cpu_sample_count(j->cpu),
		 weights_name(an_cpu_weights(j->cpu)));
}

int do_flame(fe_out *out, const job *j, const fe_opts *o, int fmt)
{
	an_flame_opts fo;
	an_flame_render_opts ro;
	an_flame_labels lab;
	an_cpu_flame_sel sel;
	flame_names *names;
	an_flame *fl = NULL;
	an_error err;
	char sub[600];
	int rc = FE_EXIT_OK;

	an_error_clear(&err);
	if (job_bytes(j) && o->chart) {
		fe_errorf("%s: a heap profile has no timeline: --chart does "
			  "not apply", j->path);
		return FE_EXIT_ERROR;
	}
	flame_subtitle(sub, sizeof(sub), j);
	fe_flame_opts(&ro, &fo, o, fmt, an_cpu_total_us(j->cpu),
		      job_bytes(j) ? "Allocation Flame Graph (sampling heap "
				     "profile)" :
		      o->chart   ? "CPU Flame Chart" :
				   "CPU Flame Graph",
		      sub, 0.1, 0);
	if (job_bytes(j))
		ro.unit = AN_FLAME_BYTES;
	names = flame_names_new(&lab, j->prof);
	if (!names)
		return FE_EXIT_ERROR;
	sel.filter = o->filter;
	sel.focus = o->focus;
	if ((o->chart ? an_cpu_flame_chart(&fl, j->cpu, &fo, &err) :
			an_cpu_flame(&fl, j->cpu, &sel, &fo, &err)) < 0 ||
	    (fmt == FE_SPEEDSCOPE ?
		     an_flame_speedscope(fl, &lab, ro.unit, ro.subtitle,
					 fe_image_write, out->f, &err) :
		     an_flame_render(fl, &lab, &ro, fe_image_write, out->f,
				     &err)) < 0) {
		if (err.code == AN_ENOTFOUND && o->focus)
			fe_errorf("%s: no function matches %s", j->path,
				  o->focus_patterns);
		else
			rc = fe_fail(j->path, &err);
		rc = FE_EXIT_ERROR;
	}
	an_flame_free(fl);
	flame_names_free(names);
	return rc;
}


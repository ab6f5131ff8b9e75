/*
 * test_flame.c - flame graph layout (an_flame_layout) on hand-made trees,
 * the CPU profile as a flame graph (an_cpu_flame) against `cpu top` and
 * `cpu folded`'s numbers for busy_wait, and the renderer by structure:
 * SVG tooltips and escaping, PNG pixels at the positions the layout
 * gives, PDF and SVG headers, hostile names in all three formats.
 */
#include <cairo.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "fixture.h"
#include "core/sbuf.h"
#include "flame/flame_int.h"

/*
 * The tree (node: key, self):
 *   0 root k0 0
 *   1 A    k1 2      parent 0
 *   2 C    k3 3      parent 1
 *   3 B    k2 1      parent 0
 *   4 A    k1 4      parent 0   (merges with node 1)
 *   5 C    k3 1      parent 4   (merges with node 2: C self 4)
 *   6 D    k4 0.5    parent 4
 *   7 E    k5 0.25   parent 4
 * Merged: root 11.75 = A (self 6, total 10.75: C 4, D 0.5, E 0.25) +
 * B 1.
 */
static const uint32_t tp[] = {AN_NONE, 0, 1, 0, 0, 4, 4, 4};
static const uint32_t tk[] = {0, 1, 3, 2, 1, 3, 4, 5};
static const double ts[] = {0, 2, 3, 1, 4, 1, 0.5, 0.25};

static an_flame *lay(const uint32_t *rank, an_flame_order order, double min)
{
	an_flame_tree t = {8, tp, tk, ts, 6, rank, 0};
	an_flame_opts o = AN_FLAME_OPTS_INIT;
	an_flame *f = NULL;
	an_error err;

	o.order = order;
	o.min_weight = min;
	cr_assert_eq(an_flame_layout(&f, &t, &o, &err), AN_OK, "%s",
		     err.message);
	return f;
}

static void rect_is(const an_flame *f, uint32_t i, uint32_t key,
		    uint32_t parent, uint32_t depth, double x, double w,
		    double self, uint32_t elided)
{
	const an_flame_rect *r = an_flame_get(f, i);

	cr_assert_not_null(r, "rect %u", i);
	cr_assert_eq(r->key, key, "rect %u key %u", i, r->key);
	cr_assert_eq(r->parent, parent, "rect %u parent %u", i, r->parent);
	cr_assert_eq(r->depth, depth, "rect %u depth", i);
	cr_assert_float_eq(r->x, x, 1e-12, "rect %u x %g", i, r->x);
	cr_assert_float_eq(r->width, w, 1e-12, "rect %u width %g", i,
			   r->width);
	cr_assert_float_eq(r->self, self, 1e-12, "rect %u self", i);
	cr_assert_eq(r->elided, elided, "rect %u elided", i);
}

Test(flame, merged_by_name)
{
	an_flame *f = lay(NULL, AN_FLAME_BY_NAME, 0);

	cr_assert_float_eq(an_flame_total(f), 11.75, 1e-12);
	cr_assert_eq(an_flame_count(f), 6);
	cr_assert_eq(an_flame_depth(f), 3);
	/* depth first: root, A, its children by key (C k3, D k4, E k5),
	 * then B */
	rect_is(f, 0, 0, AN_NONE, 0, 0, 11.75, 0, 0);
	rect_is(f, 1, 1, 0, 1, 0, 10.75, 6, 0);
	rect_is(f, 2, 3, 1, 2, 0, 4, 4, 0);
	rect_is(f, 3, 4, 1, 2, 4, 0.5, 0.5, 0);
	rect_is(f, 4, 5, 1, 2, 4.5, 0.25, 0.25, 0);
	rect_is(f, 5, 2, 0, 1, 10.75, 1, 1, 0);
	cr_assert_null(an_flame_get(f, 6));
	an_flame_free(f);
}

Test(flame, rank_and_weight_orders)
{
	/* ranks reverse the keys: B before A, E, D, C */
	const uint32_t rank[6] = {5, 4, 3, 2, 1, 0};
	an_flame *f = lay(rank, AN_FLAME_BY_NAME, 0);

	rect_is(f, 1, 2, 0, 1, 0, 1, 1, 0);
	rect_is(f, 2, 1, 0, 1, 1, 10.75, 6, 0);
	rect_is(f, 3, 5, 2, 2, 1, 0.25, 0.25, 0);
	rect_is(f, 4, 4, 2, 2, 1.25, 0.5, 0.5, 0);
	rect_is(f, 5, 3, 2, 2, 1.75, 4, 4, 0);
	an_flame_free(f);
	/* heaviest first, whatever the rank */
	f = lay(rank, AN_FLAME_BY_WEIGHT, 0);
	rect_is(f, 1, 1, 0, 1, 0, 10.75, 6, 0);
	rect_is(f, 2, 3, 1, 2, 0, 4, 4, 0);
	rect_is(f, 3, 4, 1, 2, 4, 0.5, 0.5, 0);
	rect_is(f, 4, 5, 1, 2, 4.5, 0.25, 0.25, 0);
	rect_is(f, 5, 2, 0, 1, 10.75, 1, 1, 0);
	an_flame_free(f);
}

/* min 0.6: D and E (adjacent, 0.5 + 0.25) become one elided sliver of
 * 0.75 at x 4; B (1) and C (4) stay. Widths still sum to the total. */
Test(flame, narrow_frames_elided_not_dropped)
{
	an_flame *f = lay(NULL, AN_FLAME_BY_NAME, 0.6);

	cr_assert_eq(an_flame_count(f), 5);
	rect_is(f, 2, 3, 1, 2, 0, 4, 4, 0);
	rect_is(f, 3, AN_NONE, 1, 2, 4, 0.75, 0, 2);
	rect_is(f, 4, 2, 0, 1, 10.75, 1, 1, 0);
	an_flame_free(f);
	/* min 2: B is elided too, under the root, after A */
	f = lay(NULL, AN_FLAME_BY_NAME, 2);
	cr_assert_eq(an_flame_count(f), 5);
	rect_is(f, 4, AN_NONE, 0, 1, 10.75, 1, 0, 1);
	an_flame_free(f);
}

Test(flame, bad_input)
{
	const uint32_t badk[] = {0, 9};
	const uint32_t p2[] = {AN_NONE, 0};
	const double nan_self[] = {0, NAN};
	const double ok_self[] = {0, 1};
	an_flame_tree t = {2, p2, badk, ok_self, 6, NULL, 0};
	an_flame *f = (an_flame *)1;
	an_error err;

	cr_assert_eq(an_flame_layout(&f, &t, NULL, &err), AN_EINVAL);
	cr_assert_null(f);
	cr_assert(strstr(err.message, "key 9"), "%s", err.message);
	t.key = tk;
	t.self = nan_self;
	cr_assert_eq(an_flame_layout(&f, &t, NULL, &err), AN_EINVAL);
	t.n = 0;
	cr_assert_eq(an_flame_layout(&f, &t, NULL, &err), AN_EINVAL);
}

/* ---- the CPU profile ---- */

typedef struct cpu_case {
	an_profile *p;
	an_cpu *c;
	an_flame *f;
} cpu_case;

static void cpu_flame(cpu_case *k, const char *rel)
{
	an_cpu_opts co = AN_CPU_OPTS_INIT;
	an_error err;

	cr_assert_eq(fx_load_profile(&k->p, fx_path(rel), 0, &err), AN_OK,
		     "%s", err.message);
	cr_assert_eq(an_cpu_analyze(&k->c, k->p, &co, &err), AN_OK);
	cr_assert_eq(an_cpu_flame(&k->f, k->c, NULL, NULL, &err), AN_OK, "%s",
		     err.message);
}

static void cpu_free(cpu_case *k)
{
	an_flame_free(k->f);
	an_cpu_free(k->c);
	an_profile_free(k->p);
}

/*
 * busy_wait: the root is the profile's total; busyWait (one call path)
 * is as wide as its total in `cpu top` (234.784 ms); on top of it the
 * (garbage collector) frame weighs what `cpu folded` gives that stack
 * (5846 us, docs/cli.md), and the root's (idle) 191375 + its GC 619.
 */
Test(flame, cpu_busy_wait)
{
	cpu_case k;
	uint32_t bw, i, gc_on_bw = 0;
	double selfsum = 0;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	bw = fx_function_named(k.p, "busyWait");
	cr_assert_float_eq(an_flame_total(k.f), an_cpu_total_us(k.c), 1e-6);
	for (i = 0; i < an_flame_count(k.f); i++) {
		const an_flame_rect *r = an_flame_get(k.f, i);
		const an_function *fn = an_profile_function(k.p, r->key);
		selfsum += r->self;
		if (r->key == bw)
			cr_assert_float_eq(r->width,
					   an_cpu_function_total_us(k.c, bw),
					   1e-6);
		if (fn->kind == AN_FRAME_GC && r->parent != AN_NONE &&
		    an_flame_get(k.f, r->parent)->key == bw) {
			cr_assert_eq(llround(r->width), 5846);
			gc_on_bw = 1;
		}
		if (fn->kind == AN_FRAME_IDLE)
			cr_assert_eq(llround(r->width), 191375 + 619);
	}
	cr_assert(gc_on_bw);
	cr_assert_float_eq(selfsum, an_cpu_total_us(k.c), 1e-6);
	cpu_free(&k);
}

/* ---- rendering ---- */

typedef struct membuf {
	char *p;
	size_t n, cap;
} membuf;

static int to_mem(const void *data, size_t len, void *payload)
{
	membuf *m = payload;

	if (m->n + len + 1 > m->cap) {
		m->cap = (m->n + len + 1) * 2;
		m->p = realloc(m->p, m->cap);
		cr_assert_not_null(m->p);
	}
	memcpy(m->p + m->n, data, len);
	m->n += len;
	m->p[m->n] = 0;
	return 0;
}

static an_str lab(uint32_t fn, const void *ctx)
{
	const an_function *f = an_profile_function(ctx, fn);

	return f->name;
}

static an_str loc(uint32_t fn, const void *ctx)
{
	return an_profile_function(ctx, fn)->url;
}

static an_flame_kind kind(uint32_t fn, const void *ctx)
{
	const an_function *f = an_profile_function(ctx, fn);

	return f->kind == AN_FRAME_GC ? AN_FLAME_GC :
	       f->kind == AN_FRAME_IDLE ? AN_FLAME_IDLE :
	       f->kind == AN_FRAME_JS ? AN_FLAME_JS : AN_FLAME_PROGRAM;
}

static membuf render(const cpu_case *k, an_flame_format fmt)
{
	an_flame_labels l = {lab, loc, kind, k->p, NULL};
	an_flame_render_opts o = AN_FLAME_RENDER_OPTS_INIT;
	membuf m = {NULL, 0, 0};
	an_error err;

	o.format = fmt;
	o.title = "t<&>";
	cr_assert_eq(an_flame_render(k->f, &l, &o, to_mem, &m, &err), AN_OK,
		     "%s", err.message);
	cr_assert_gt(m.n, 100);
	return m;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* one <title> per rectangle at least 0.1 px wide, in px units */
Test(flame, svg_tooltips)
{
	cpu_case k;
	membuf m;
	uint32_t i, drawn = 0;
	double scale;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	m = render(&k, AN_FLAME_SVG);
	scale = (1200 - 20) / an_flame_total(k.f);
	for (i = 0; i < an_flame_count(k.f); i++)
		drawn += an_flame_get(k.f, i)->width * scale >= 0.1;
	cr_assert_eq(count(m.p, "<title>"), drawn);
	cr_assert_eq(count(m.p, "</svg>"), 1);
	cr_assert(strstr(m.p, "width=\"1200px\""), "%.300s", m.p);
	cr_assert(strstr(m.p, "<title>busyWait file:///app/cpu_busy_wait.js"
			      "\nself 228.938 ms"),
		  "no busyWait tooltip");
	free(m.p);
	cpu_free(&k);
}

static membuf render_svg_par(const cpu_case *k, uint32_t par_min)
{
	an_flame_labels l = {lab, loc, kind, k->p, NULL};
	an_flame_render_opts o = AN_FLAME_RENDER_OPTS_INIT;
	membuf m = {NULL, 0, 0};
	an_error err;

	cr_assert_eq(an__flame_render(k->f, &l, &o, to_mem, &m, par_min,
				      &err), AN_OK, "%s", err.message);
	return m;
}

/* cairo numbers the surfaces of a process: the number left out */
static void drop_surface_id(membuf *m)
{
	char *p = strstr(m->p, "<g id=\"surface"), *e;

	cr_assert_not_null(p);
	p += strlen("<g id=\"surface");
	for (e = p; *e >= '0' && *e <= '9'; e++)
		;
	memmove(p, e, strlen(e) + 1);
	m->n -= (size_t)(e - p);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the document's lines, sorted (m.p is cut into them) */
static char **sorted_lines(membuf *m, size_t *n)
{
	char **v = calloc(m->n + 1, sizeof(*v)), *p = m->p, *nl;

	cr_assert_not_null(v);
	*n = 0;
	while (*p) {
		v[(*n)++] = p;
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	qsort(v, *n, sizeof(*v), cmp_line);
	return v;
}

/*
 * An SVG of many frames is drawn on two threads (their fills in two more
 * cairo documents, joined into the main one after its background). It
 * must hold exactly the lines the one-thread drawing holds, each frame's
 * fill before any label (labels on top), and be the same bytes each
 * time (but for the surface number cairo counts per process).
 * synth_small draws 314 frames; 2 forces the two threads.
 */
Test(flame, svg_two_threads)
{
	cpu_case k;
	membuf one, two, again;
	char **a, **b;
	const char *p, *first_use, *last_fill = NULL;
	size_t na, nb, i, fills = 0;
	uint32_t drawn = 0;
	double scale;

	cpu_flame(&k, "cpu/synth_small.cpuprofile");
	scale = (1200 - 20) / an_flame_total(k.f);
	for (i = 0; i < an_flame_count(k.f); i++)
		drawn += an_flame_get(k.f, (uint32_t)i)->width * scale >= 0.1;
	cr_assert_eq(drawn, 314);
	one = render_svg_par(&k, UINT32_MAX);
	two = render_svg_par(&k, 2);
	again = render_svg_par(&k, 2);
	drop_surface_id(&one);
	drop_surface_id(&two);
	drop_surface_id(&again);
	cr_assert_eq(two.n, again.n);
	cr_assert(!memcmp(two.p, again.p, two.n), "not deterministic");
	cr_assert_eq(one.n, two.n);
	cr_assert(memcmp(one.p, two.p, one.n), "the same order: one thread?");
	/* the frames' fills (ordered as the layout: the legend's 12 px
	 * swatches come after the labels) all precede the first glyph */
	first_use = strstr(two.p, "<use ");
	cr_assert_not_null(first_use);
	for (p = two.p; (p = strstr(p, "fill-rule:nonzero")) != NULL; p++) {
		if (++fills == drawn)
			last_fill = p;
	}
	cr_assert_not_null(last_fill);
	cr_assert_lt(last_fill, first_use, "a label under a fill");
	cr_assert_eq(count(two.p, "<rect x=\"0\" y=\"0\""), 1);
	cr_assert_eq(count(two.p, "<g id=\"surface"), 1);
	a = sorted_lines(&one, &na);
	b = sorted_lines(&two, &nb);
	cr_assert_eq(na, nb);
	for (i = 0; i < na; i++)
		cr_assert_str_eq(a[i], b[i], "line %zu", i);
	free(a);
	free(b);
	free(one.p);
	free(two.p);
	free(again.p);
	cpu_free(&k);
}

/*
 * The tooltips' numbers (an__sbuf_put_fixed) are printf's "%.*f", digit
 * for digit: on exact halves (0.125, 2.5: printf rounds to even), on
 * values just beside halves, on integers, zero, -0, negatives, huge
 * values and NaN (printf's own), and on 3 million pseudo-random values
 * of every scale a tooltip shows.
 */
Test(flame, fixed_numbers_as_printf)
{
	static const double fixed[] = {
		0, -0.0, 1, 0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 0.045,
		1234.5, 99.995, 99.9949999, 0.0005, 0.0015, 1e-9, 4e6, 3.9999e9,
		4e9, 1e15, -1, -0.004, 1e300, 17.25, 16.0625
	};
	uint64_t x = 88172645463325252ull;
	char want[400];
	size_t i;
	int d;

	for (i = 0; i < 3000000 + sizeof(fixed) / sizeof(fixed[0]); i++) {
		double v;
		an_sbuf b = AN_SBUF_INIT;
		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			v = fixed[i];
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* 0 .. 1e7 with 1..7 digits before the point */
			v = (double)(x >> 11) / 9007199254740992.0 *
			    pow(10, (double)(x % 8));
			if (x % 5 == 0) /* a value on a 1/1000 grid */
				v = floor(v * 1000) / 1000;
		}
		d = (int)(i % 4);
		snprintf(want, sizeof(want), "%.*f", d, v);
		an__sbuf_put_fixed(&b, v, d);
		cr_assert_not_null(b.p);
		cr_assert_str_eq(b.p, want, "%.17g with %d decimals", v, d);
		free(b.p);
	}
	{
		an_sbuf b = AN_SBUF_INIT;
		an__sbuf_put_fixed(&b, NAN, 2);
		snprintf(want, sizeof(want), "%.2f", NAN);
		cr_assert_str_eq(b.p, want);
		free(b.p);
	}
}

/* hostile names: every format renders; SVG text stays XML */
Test(flame, hostile_names)
{
	cpu_case k;
	membuf m;
	const char *t, *e;
	size_t i;

	cpu_flame(&k, "cpu/synth_hostile.cpuprofile");
	m = render(&k, AN_FLAME_SVG);
	t = strstr(m.p, "<g id=\"profkit-frames\"");
	cr_assert_not_null(t);
	for (e = t; *e; e++)
		cr_assert(!((unsigned char)*e < 0x20 && *e != '\n'),
			  "control byte %d in the SVG", *e);
	cr_assert(strstr(t, "&lt;script&gt;"));
	cr_assert_null(strstr(t, "<script>"));
	/* no '<' inside a title */
	for (i = 0; (t = strstr(t, "<title>")) != NULL; i++) {
		e = strstr(t, "</title>");
		cr_assert_not_null(e);
		cr_assert_null(memchr(t + 7, '<', (size_t)(e - t - 7)));
		t = e;
	}
	cr_assert_gt(i, 10);
	free(m.p);
	m = render(&k, AN_FLAME_PNG);
	cr_assert(!memcmp(m.p, "\x89PNG", 4));
	free(m.p);
	m = render(&k, AN_FLAME_PDF);
	cr_assert(!memcmp(m.p, "%PDF", 4));
	free(m.p);
	cpu_free(&k);
}

static cairo_status_t from_mem(void *closure, unsigned char *data,
			       unsigned int len)
{
	membuf *m = closure;

	if (m->n + len > m->cap)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, m->p + m->n, len);
	m->n += len;
	return CAIRO_STATUS_SUCCESS;
}

/* PNG: the colour at the middle of a frame is its kind's: the root is
 * program (140, 160, 190), (idle) grey 215; the picture is 1200 wide
 * and 52 + rows * 16 + 34 high, the root in the bottom row. */
Test(flame, png_pixels_where_the_layout_says)
{
	cpu_case k;
	membuf m;
	cairo_surface_t *s;
	unsigned char *px;
	int stride, h;
	uint32_t i, checked = 0;
	double scale;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	m = render(&k, AN_FLAME_PNG);
	m.cap = m.n;
	m.n = 0;
	s = cairo_image_surface_create_from_png_stream(from_mem, &m);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cr_assert_eq(cairo_image_surface_get_width(s), 1200);
	h = cairo_image_surface_get_height(s);
	cr_assert_eq(h, 52 + (int)an_flame_depth(k.f) * 16 + 34);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	scale = 1180 / an_flame_total(k.f);
	for (i = 0; i < an_flame_count(k.f); i++) {
		const an_flame_rect *r = an_flame_get(k.f, i);
		const an_function *fn = an_profile_function(k.p, r->key);
		int x = (int)(10 + (r->x + r->width / 2) * scale);
		int y = (int)(52 + (an_flame_depth(k.f) - 1 - r->depth) * 16 +
			      2);
		uint32_t v;
		if (fn->kind != AN_FRAME_ROOT && fn->kind != AN_FRAME_IDLE)
			continue;
		memcpy(&v, px + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
		checked++;
		if (fn->kind == AN_FRAME_ROOT)
			cr_assert_eq(v & 0xffffff, 0x8ca0beu, "root %06x",
				     v & 0xffffff);
		else
			cr_assert_eq(v & 0xffffff, 0xd7d7d7u, "idle %06x",
				     v & 0xffffff);
	}
	cr_assert_eq(checked, 2); /* (root) and (idle) */
	cairo_surface_destroy(s);
	free(m.p);
	cpu_free(&k);
}

/* k rendered as PNG with o, decoded */
static cairo_surface_t *png_with(const cpu_case *k, an_flame_render_opts *o)
{
	an_flame_labels l = {lab, loc, kind, k->p, NULL};
	membuf m = {NULL, 0, 0};
	cairo_surface_t *s;
	an_error err;

	o->format = AN_FLAME_PNG;
	cr_assert_eq(an_flame_render(k->f, &l, o, to_mem, &m, &err), AN_OK,
		     "%s", err.message);
	m.cap = m.n;
	m.n = 0;
	s = cairo_image_surface_create_from_png_stream(from_mem, &m);
	free(m.p);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	return s;
}

/* the pixel 2 px below the top edge of rectangle i, mid-width, in a
 * picture h px high with rows of fh px on a 34 px legend */
static uint32_t pixel_of(cairo_surface_t *s, const cpu_case *k, uint32_t i,
			 int fh)
{
	const an_flame_rect *r = an_flame_get(k->f, i);
	int h = cairo_image_surface_get_height(s);
	int x = (int)(10 + (r->x + r->width / 2) * 1180 / an_flame_total(k->f));
	int y = h - 34 - (int)(r->depth + 1) * fh + 2;
	uint32_t v;

	cairo_surface_flush(s);
	memcpy(&v, cairo_image_surface_get_data(s) +
			   (size_t)y * (size_t)cairo_image_surface_get_stride(s) +
			   (size_t)x * 4, 4);
	return v & 0xffffff;
}

/*
 * --height: the picture is that tall, the rows share what the 52 px of
 * headings and 34 px of legend leave (at most 24 px): busy_wait's 7 rows
 * in 300 px get floor(214 / 7) = 30 -> 24 px, the root on the legend.
 * --palette: gray makes busyWait's box grey (r = g = b, 110..200), hot
 * red-to-yellow (red 205..255, blue <= 55), the root stays blue-grey.
 * A version-1 caller (no height, no palette) gets the default picture;
 * bad values are refused.
 */
Test(flame, height_and_palette)
{
	an_flame_render_opts o = AN_FLAME_RENDER_OPTS_INIT, d;
	an_flame_labels l;
	cairo_surface_t *s;
	cpu_case k;
	membuf m = {NULL, 0, 0}, m1 = {NULL, 0, 0};
	an_error err;
	uint32_t bw, i, v, root = AN_NONE, box = AN_NONE;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	cr_assert_eq(an_flame_depth(k.f), 7);
	bw = fx_function_named(k.p, "busyWait");
	for (i = 0; i < an_flame_count(k.f); i++) {
		if (an_flame_get(k.f, i)->parent == AN_NONE)
			root = i;
		if (an_flame_get(k.f, i)->key == bw)
			box = i;
	}
	cr_assert_neq(box, AN_NONE);
	o.height = 300;
	s = png_with(&k, &o);
	cr_expect_eq(cairo_image_surface_get_height(s), 300);
	cr_expect_eq(pixel_of(s, &k, root, 24), 0x8ca0beu);
	cairo_surface_destroy(s);

	o = d = (an_flame_render_opts)AN_FLAME_RENDER_OPTS_INIT;
	o.palette = AN_FLAME_PALETTE_GRAY;
	s = png_with(&k, &o);
	v = pixel_of(s, &k, box, 16);
	cr_expect(((v >> 16) & 0xff) == (v & 0xff) &&
		  ((v >> 8) & 0xff) == (v & 0xff), "gray %06x", v);
	cr_expect(((v & 0xff) >= 110 && (v & 0xff) <= 200), "gray %06x", v);
	cr_expect_eq(pixel_of(s, &k, root, 16), 0x8ca0beu);
	cairo_surface_destroy(s);
	o.palette = AN_FLAME_PALETTE_HOT;
	s = png_with(&k, &o);
	v = pixel_of(s, &k, box, 16);
	cr_expect((v >> 16) >= 205 && (v & 0xff) <= 55, "hot %06x", v);
	cairo_surface_destroy(s);

	/* version 1: the same bytes as today's defaults */
	l = (an_flame_labels){lab, loc, kind, k.p, NULL};
	d.format = AN_FLAME_PNG;
	cr_assert_eq(an_flame_render(k.f, &l, &d, to_mem, &m, &err), AN_OK);
	d.version = 1;
	d.height = 12345; /* not read: beyond a version-1 struct */
	d.palette = (an_flame_palette)7;
	cr_assert_eq(an_flame_render(k.f, &l, &d, to_mem, &m1, &err), AN_OK,
		     "%s", err.message);
	cr_expect(m.n == m1.n && !memcmp(m.p, m1.p, m.n));
	d.version = AN_FLAME_RENDER_OPTS_VERSION;
	d.palette = AN_FLAME_PALETTE_KIND;
	d.height = 99;
	cr_expect_eq(an_flame_render(k.f, &l, &d, to_mem, &m1, &err),
		     AN_EINVAL);
	d.height = 0;
	d.palette = (an_flame_palette)4;
	cr_expect_eq(an_flame_render(k.f, &l, &d, to_mem, &m1, &err),
		     AN_EINVAL);
	free(m.p);
	free(m1.p);
	cpu_free(&k);
}

/*
 * The heap: every object's box is as wide as its retained size (DevTools'
 * number: test_heap_summary checks those against the oracle), sits on
 * its immediate dominator's box, and the root's box is the sum of the
 * shallow sizes. leak.heapsnapshot: ReportService @6169 retains
 * 3,824,472 bytes (DevTools' oracle: fixtures/heap/expected/
 * leak.summary.json, top_objects).
 */
Test(flame, heap_dominator_tree)
{
	an_heap *h = fx_must_load_heap(fx_heap_rel("leak"));
	an_flame_opts o = AN_FLAME_OPTS_INIT;
	an_flame *f;
	an_error err;
	uint32_t i, n, seen = 0, boxed = 0;
	double selfs = 0;

	o.order = AN_FLAME_BY_WEIGHT;
	cr_assert_eq(an_heap_flame(&f, h, &o, &err), AN_OK, "%s",
		     err.message);
	/* a box per object retaining anything (the reassignment leaves
	 * some with 0 bytes), and the root */
	n = an_heap_node_count(h);
	for (i = 0; i < n; i++) {
		selfs += (double)an_heap_node_self_size(h, i);
		boxed += i == an_heap_root(h) ||
			 an_heap_node_retained_size(h, i) > 0;
	}
	cr_assert_eq(an_flame_count(f), boxed);
	cr_assert_gt(boxed, n / 2);
	cr_assert_float_eq(an_flame_total(f), selfs, 0.5);
	for (i = 0; i < an_flame_count(f); i++) {
		const an_flame_rect *r = an_flame_get(f, i), *p;
		cr_assert_neq(r->key, AN_NONE);
		cr_assert_eq(r->width,
			     (double)an_heap_node_retained_size(h, r->key),
			     "rect %u (node %u)", i, r->key);
		if (r->parent == AN_NONE) {
			cr_assert_eq(r->key, an_heap_root(h));
			continue;
		}
		p = an_flame_get(f, r->parent);
		cr_assert_eq(p->key, an_heap_node_dominator(h, r->key));
		if (an_heap_node_id(h, r->key) == 6169) {
			cr_assert_eq(r->width, 3824472.0);
			seen = 1;
		}
	}
	cr_assert(seen);
	an_flame_free(f);
	/* a minimum: fewer boxes, the same total */
	o.min_weight = 65536;
	cr_assert_eq(an_heap_flame(&f, h, &o, &err), AN_OK);
	cr_assert_lt(an_flame_count(f), 200);
	cr_assert_float_eq(an_flame_total(f), selfs, 0.5);
	an_flame_free(f);
	an_heap_free(h);
}

/*
 * The differential graph of the cpu diff pair (test_cpudiff.c derives
 * the shares by hand): widths from the target; changes of self share
 * newfn +25 (the largest: 1), helper (line 12, new) +12.5 (0.5), main
 * and fast -7.5 (-0.3), slow -2.5 (-0.1), (root) 0. In times (absolute):
 * newfn +200 us (1), slow +100 (0.5), helper@12 +100 (0.5), main 0,
 * fast 0.
 */
Test(flame, cpu_differential)
{
	cpu_case b, t;
	an_flame *f;
	double *d;
	an_error err;
	uint32_t i, k;
	static const char *const names[] = {"newfn", "helper", "main",
					    "fast", "slow", "(root)"};
	static const double share[] = {1, 0.5, -0.3, -0.3, -0.1, 0};
	static const double times[] = {1, 0.5, 0, 0, 0.5, 0};
	int absolute;

	cpu_flame(&b, "cpu/diff_base.cpuprofile");
	cpu_flame(&t, "cpu/diff_target.cpuprofile");
	for (absolute = 0; absolute < 2; absolute++) {
		uint32_t found = 0;
		cr_assert_eq(an_cpu_flame_diff(&f, &d, b.c, t.c, NULL, absolute,
					       &err), AN_OK, "%s", err.message);
		cr_assert_eq(an_flame_count(f), an_flame_count(t.f));
		for (i = 0; i < an_flame_count(f); i++) {
			const an_flame_rect *r = an_flame_get(f, i);
			const an_function *fn = an_profile_function(t.p, r->key);
			cr_assert_float_eq(r->width, an_flame_get(t.f, i)->width,
					   1e-9);
			for (k = 0; k < 6; k++)
				if (fn->name.len == strlen(names[k]) &&
				    !memcmp(fn->name.ptr, names[k],
					    fn->name.len)) {
					cr_assert_float_eq(d[i], absolute ?
						times[k] : share[k], 1e-9,
						"%s: %g", names[k], d[i]);
					found++;
				}
		}
		cr_assert_eq(found, 6);
		free(d);
		an_flame_free(f);
	}
	cpu_free(&b);
	cpu_free(&t);
}

/*
 * The flame chart of a hand-made timeline: root 0, A (1, key 1) under
 * it, B (2, key 2) under A, C (3, key 3) under the root; samples
 * 2 2 1 3 2, each 1 long. Boxes in time order: root 0..5, A 0..3 with B
 * 0..2, C 3..4, then A 4..5 with B 4..5 (a new run: C came between).
 */
Test(flame, chart_runs_of_samples)
{
	static const uint32_t cp[] = {AN_NONE, 0, 1, 0};
	static const uint32_t ck[] = {0, 1, 2, 3};
	static const double cs[] = {0, 0, 0, 0};
	static const uint32_t sn[] = {2, 2, 1, 3, 2};
	static const double sw[] = {1, 1, 1, 1, 1};
	an_flame_tree t = {4, cp, ck, cs, 4, NULL, 0};
	an_flame_opts o = AN_FLAME_OPTS_INIT;
	an_flame *f;
	an_error err;

	cr_assert_eq(an_flame_chart(&f, &t, sn, sw, 5, NULL, &err), AN_OK,
		     "%s", err.message);
	cr_assert_eq(an_flame_count(f), 6);
	cr_assert_float_eq(an_flame_total(f), 5, 1e-12);
	rect_is(f, 0, 0, AN_NONE, 0, 0, 5, 0, 0);
	rect_is(f, 1, 1, 0, 1, 0, 3, 1, 0);
	rect_is(f, 2, 2, 1, 2, 0, 2, 2, 0);
	rect_is(f, 3, 3, 0, 1, 3, 1, 1, 0);
	rect_is(f, 4, 1, 0, 1, 4, 1, 0, 0);
	rect_is(f, 5, 2, 4, 2, 4, 1, 1, 0);
	an_flame_free(f);
	/* min 1.5: C and the second A (adjacent, 1 each) become one
	 * elided box of 2; the second B stood on an elided box: gone */
	o.min_weight = 1.5;
	cr_assert_eq(an_flame_chart(&f, &t, sn, sw, 5, &o, &err), AN_OK);
	cr_assert_eq(an_flame_count(f), 4);
	rect_is(f, 2, 2, 1, 2, 0, 2, 2, 0);
	rect_is(f, 3, AN_NONE, 0, 1, 3, 2, 0, 2);
	an_flame_free(f);
	/* a sample naming no node is refused */
	{
		static const uint32_t bad[] = {7};
		cr_assert_eq(an_flame_chart(&f, &t, bad, sw, 1, NULL, &err),
			     AN_EINVAL);
	}
}

/* busy_wait's chart: as long as the profile; busyWait's boxes add up to
 * its total in `cpu top` (it never recurses); the GC boxes on top of
 * other frames add up to the (garbage collector) time drawn on stacks. */
Test(flame, cpu_chart_busy_wait)
{
	cpu_case k;
	an_flame *f;
	an_error err;
	uint32_t i, bw, runs = 0;
	double bw_sum = 0, selfs = 0;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	bw = fx_function_named(k.p, "busyWait");
	cr_assert_eq(an_cpu_flame_chart(&f, k.c, NULL, &err), AN_OK, "%s",
		     err.message);
	cr_assert_float_eq(an_flame_total(f), an_cpu_total_us(k.c), 1e-6);
	for (i = 0; i < an_flame_count(f); i++) {
		const an_flame_rect *r = an_flame_get(f, i);
		selfs += r->self;
		if (r->key == bw) {
			bw_sum += r->width;
			runs++;
		}
	}
	cr_assert_float_eq(bw_sum, an_cpu_function_total_us(k.c, bw), 1e-6);
	cr_assert_gt(runs, 5); /* a busy wait every fourth tick */
	cr_assert_float_eq(selfs, an_cpu_total_us(k.c), 1e-6);
	an_flame_free(f);
	cpu_free(&k);
}

/* --focus onTick: the graph is onTick's callees, as wide as onTick's
 * total; --exclude (idle): everything but the idle stacks (191,375 us
 * plus the 619 us of GC drawn on them, as cpu folded has them). */
Test(flame, cpu_focus_and_filter)
{
	cpu_case k;
	an_filter *focus = NULL, *ex = NULL;
	an_cpu_flame_sel sel = {NULL, NULL};
	an_flame *f;
	an_error err;
	uint32_t tick;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	tick = fx_function_named(k.p, "onTick");
	cr_assert_eq(an_filter_new(&focus, &err), AN_OK);
	cr_assert_eq(an_filter_add(focus, AN_FILTER_INCLUDE, "^onTick$", &err),
		     AN_OK);
	sel.focus = focus;
	cr_assert_eq(an_cpu_flame(&f, k.c, &sel, NULL, &err), AN_OK, "%s",
		     err.message);
	cr_assert_float_eq(an_flame_total(f),
			   an_cpu_function_total_us(k.c, tick), 1e-6);
	cr_assert_eq(an_flame_get(f, 1)->key, tick);
	an_flame_free(f);
	cr_assert_eq(an_filter_new(&ex, &err), AN_OK);
	cr_assert_eq(an_filter_add(ex, AN_FILTER_EXCLUDE, "^\\(idle\\)$",
				   &err), AN_OK);
	sel.focus = NULL;
	sel.filter = ex;
	cr_assert_eq(an_cpu_flame(&f, k.c, &sel, NULL, &err), AN_OK);
	cr_assert_eq(llround(an_flame_total(f)),
		     llround(an_cpu_total_us(k.c)) - 191375 - 619);
	an_flame_free(f);
	/* a focus nothing matches */
	cr_assert_eq(an_filter_add(focus, AN_FILTER_EXCLUDE, "x", &err), AN_OK);
	an_filter_free(focus);
	cr_assert_eq(an_filter_new(&focus, &err), AN_OK);
	cr_assert_eq(an_filter_add(focus, AN_FILTER_INCLUDE, "^nothing$", &err),
		     AN_OK);
	sel.filter = NULL;
	sel.focus = focus;
	cr_assert_eq(an_cpu_flame(&f, k.c, &sel, NULL, &err), AN_ENOTFOUND);
	an_filter_free(focus);
	an_filter_free(ex);
	cpu_free(&k);
}

/*
 * speedscope: the file parses as JSON (yajl); frames are the distinct
 * functions of the boxes; a sample per box with self time, whose stack
 * ends in that box's function; the weights add up to the total.
 */
Test(flame, speedscope_file)
{
	cpu_case k;
	an_flame_labels l = {lab, loc, kind, NULL, NULL};
	membuf m = {NULL, 0, 0};
	an_error err;
	yajl_val doc, frames, prof, samples, weights;
	char ebuf[200];
	const char *pf[] = {"profiles", NULL}, *sf[] = {"shared", "frames",
							NULL};
	const char *ss[] = {"samples", NULL}, *ws[] = {"weights", NULL};
	const char *un[] = {"unit", NULL};
	uint32_t i, boxes = 0;
	double sum = 0;

	cpu_flame(&k, "cpu/busy_wait.cpuprofile");
	l.ctx = k.p;
	cr_assert_eq(an_flame_speedscope(k.f, &l, AN_FLAME_US, "b\"w",
					 to_mem, &m, &err), AN_OK, "%s",
		     err.message);
	doc = yajl_tree_parse(m.p, ebuf, sizeof(ebuf));
	cr_assert_not_null(doc, "%s", ebuf);
	frames = yajl_tree_get(doc, sf, yajl_t_array);
	cr_assert_not_null(frames);
	prof = yajl_tree_get(doc, pf, yajl_t_array);
	cr_assert_eq(YAJL_GET_ARRAY(prof)->len, 1);
	prof = YAJL_GET_ARRAY(prof)->values[0];
	cr_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(prof, un,
						       yajl_t_string)),
			 "microseconds");
	samples = yajl_tree_get(prof, ss, yajl_t_array);
	weights = yajl_tree_get(prof, ws, yajl_t_array);
	for (i = 0; i < an_flame_count(k.f); i++)
		boxes += an_flame_get(k.f, i)->self > 0;
	cr_assert_eq(YAJL_GET_ARRAY(samples)->len, boxes);
	cr_assert_eq(YAJL_GET_ARRAY(weights)->len, boxes);
	for (i = 0; i < boxes; i++)
		sum += YAJL_GET_DOUBLE(YAJL_GET_ARRAY(weights)->values[i]);
	cr_assert_float_eq(sum, an_cpu_total_us(k.c), 1e-6);
	/* the busyWait box's sample: its stack ends in a frame of that
	 * name, and the frames are the functions drawn (each once) */
	{
		uint32_t s, found = 0;
		for (s = 0; s < boxes; s++) {
			yajl_val st = YAJL_GET_ARRAY(samples)->values[s];
			size_t len = YAJL_GET_ARRAY(st)->len;
			long long fi = YAJL_GET_INTEGER(
				YAJL_GET_ARRAY(st)->values[len - 1]);
			yajl_val fr = YAJL_GET_ARRAY(frames)->values[fi];
			const char *nm[] = {"name", NULL};
			yajl_val v = yajl_tree_get(fr, nm, yajl_t_string);
			const char *name = v ? YAJL_GET_STRING(v) : NULL;
			cr_assert_not_null(name);
			if (!strcmp(name, "busyWait"))
				found++;
		}
		cr_assert_eq(found, 1);
	}
	yajl_tree_free(doc);
	free(m.p);
	cpu_free(&k);
}

/* A long CJK label on a box wide enough for all the drawn part of it:
 * the cut at the renderer's 400 bytes must fall between characters (it
 * fell inside one, cairo refused the text and the render failed). */
static an_str cjk_label(uint32_t key, const void *ctx)
{
	an_str s = {ctx, (uint32_t)strlen(ctx)};

	(void)key;
	s.len = 401; /* 133 characters and the first byte of one more */
	return s;
}

Test(flame, long_label_cut_between_characters)
{
	char label[1801];
	an_flame *f;
	an_flame_labels l = {cjk_label, NULL, NULL, label, NULL};
	an_flame_render_opts o = AN_FLAME_RENDER_OPTS_INIT;
	membuf m = {NULL, 0, 0};
	an_error err;
	int i;

	for (i = 0; i < 600; i++)
		memcpy(label + 3 * i, "\xe6\x97\xa5", 3);
	label[1800] = 0;
	cr_assert_eq(an_flame_new(&f, &err), AN_OK);
	cr_assert_eq(an_flame_add(f, AN_NONE, 0, 0, 100, 0, 0, NULL, &err),
		     AN_OK);
	cr_assert_eq(an_flame_add(f, 0, 1, 0, 100, 100, 0, NULL, &err),
		     AN_OK);
	o.format = AN_FLAME_PNG;
	o.width = 20000;
	cr_assert_eq(an_flame_render(f, &l, &o, to_mem, &m, &err), AN_OK, "%s",
		     err.message);
	free(m.p);
	an_flame_free(f);
}

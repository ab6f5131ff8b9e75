/*
 * render.c - draws a flame graph layout with cairo (the library's only
 * cairo user) as SVG, PNG or PDF: background, title and subtitle, one
 * filled rectangle per frame with its label cut to fit, a legend of the
 * frame kinds, and for SVG an invisible hit rectangle per frame with a
 * <title> tooltip, added after cairo has written the picture.
 */
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>

#include "core/sbuf.h"
#include "flame/flame_int.h"

#define PAD 10.0          /* left and right margin, px */
#define TOP 52.0          /* title and subtitle above the frames */
#define BOTTOM 34.0       /* legend below them */
#define MIN_PX 0.1        /* narrower rectangles are not drawn */
#define LABEL_MAX 400     /* bytes of a label considered for drawing */
#define FONT "DejaVu Sans"
#define MAX_PX 32767.0    /* cairo's largest image side */

typedef struct ctx {
	const an_flame *f;
	const an_flame_labels *l;
	const an_flame_render_opts *o;
	double w, h, scale, fh;
	double top;         /* y of the frames' first row */
	uint32_t rows;      /* rows drawn: the depth, or what fits */
	an_sbuf lab;        /* the current label, valid UTF-8 */
	an_flame_write_cb write;
	void *payload;
	an_sbuf svg;        /* SVG: cairo's output, completed afterwards */
	int write_failed;
	unsigned used_kinds; /* bit per an_flame_kind drawn */
} ctx;

/* The same, escaped for XML text and attributes. */
static void put_xml(an_sbuf *b, const char *s, size_t n, size_t max)
{
	an_sbuf u = AN_SBUF_INIT;
	size_t i;

	an__sbuf_put_utf8(&u, s, n, max);
	for (i = 0; i < u.len; i++) {
		char c = u.p[i];
		if (c == '&')
			an__sbuf_put(b, "&amp;", 5);
		else if (c == '<')
			an__sbuf_put(b, "&lt;", 4);
		else if (c == '>')
			an__sbuf_put(b, "&gt;", 4);
		else if (c == '"')
			an__sbuf_put(b, "&quot;", 6);
		else
			an__sbuf_put(b, &c, 1);
	}
	if (u.failed)
		b->failed = 1;
	free(u.p);
}

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* 1 for the kinds a palette other than AN_FLAME_PALETTE_KIND colours
 * alike: the functions */
static int function_kind(an_flame_kind k)
{
	return k == AN_FLAME_JS || k == AN_FLAME_NATIVE || k == AN_FLAME_GC;
}

/* The fill of a frame: the hue by kind (or by palette), the shade hashed
 * from its label (flamegraph.pl's "hot" palette for JS). */
static void colour(double rgb[3], an_flame_palette p, an_flame_kind k,
		   an_str label)
{
	uint32_t h = fnv(label.ptr, label.len);
	double v1 = (h & 0xff) / 255.0, v2 = (h >> 8 & 0xff) / 255.0;
	double v3 = (h >> 16 & 0xff) / 255.0;

	if (p == AN_FLAME_PALETTE_HOT && function_kind(k))
		k = AN_FLAME_JS;
	if (p == AN_FLAME_PALETTE_MEM && function_kind(k)) {
		/* flamegraph.pl's "mem" */
		rgb[0] = 0;
		rgb[1] = (190 + 50 * v2) / 255;
		rgb[2] = (210 * v1) / 255;
		return;
	}
	if (p == AN_FLAME_PALETTE_GRAY && function_kind(k)) {
		rgb[0] = rgb[1] = rgb[2] = (110 + 90 * v1) / 255;
		return;
	}
	switch (k) {
	case AN_FLAME_JS:
		rgb[0] = 205 + 50 * v3;
		rgb[1] = 230 * v1;
		rgb[2] = 55 * v2;
		break;
	case AN_FLAME_NATIVE: /* aqua */
		rgb[0] = 50 + 60 * v1;
		rgb[1] = 165 + 55 * v1;
		rgb[2] = 165 + 55 * v1;
		break;
	case AN_FLAME_GC: /* purple */
		rgb[0] = 150 + 40 * v1;
		rgb[1] = 90 + 30 * v1;
		rgb[2] = 200 + 40 * v1;
		break;
	case AN_FLAME_IDLE: /* light grey */
		rgb[0] = rgb[1] = rgb[2] = 215;
		break;
	case AN_FLAME_PROGRAM: /* blue grey */
		rgb[0] = 140;
		rgb[1] = 160;
		rgb[2] = 190;
		break;
	default: /* elided */
		rgb[0] = rgb[1] = rgb[2] = 170;
		break;
	}
	rgb[0] /= 255;
	rgb[1] /= 255;
	rgb[2] /= 255;
}

/* Differential: white at 0, red towards 1 (grew), blue towards -1. */
static void diff_colour(double rgb[3], double d)
{
	double a = fabs(d) > 1 ? 1 : isfinite(d) ? fabs(d) : 0;
	/* a little colour even for small changes, so they show */
	double v = a > 0 ? 0.15 + 0.85 * a : 0;

	if (d > 0) {
		rgb[0] = 1;
		rgb[1] = rgb[2] = 1 - 0.8 * v;
	} else {
		rgb[2] = 1;
		rgb[0] = rgb[1] = 1 - 0.8 * v;
	}
	if (v == 0)
		rgb[0] = rgb[1] = rgb[2] = 0.94;
}

static const char *const kind_names[] = {
	"JavaScript", "native / builtin", "garbage collector", "idle",
	"program", "elided (too narrow)"
};

static an_flame_kind kind_of(const ctx *c, const an_flame_rect *r)
{
	an_flame_kind k;

	if (r->key == AN_NONE)
		return AN_FLAME_ELIDED;
	k = c->l->kind ? c->l->kind(r->key, c->l->ctx) : AN_FLAME_JS;
	return k <= AN_FLAME_ELIDED ? k : AN_FLAME_JS;
}

static an_str label_of(const ctx *c, const an_flame_rect *r)
{
	an_str s = {"", 0};

	if (r->key != AN_NONE && c->l->label)
		s = c->l->label(r->key, c->l->ctx);
	return s;
}

static double rect_y(const ctx *c, uint32_t depth)
{
	uint32_t rows = c->rows;

	if (c->o->inverted)
		return c->top + depth * c->fh;
	return c->top + (double)(rows - 1 - depth) * c->fh;
}

/* Draws text cut with ".." to fit `avail` px; nothing when not even
 * two characters fit. */
static void fit_text(cairo_t *cr, const char *s, size_t n, double x,
		     double y, double avail)
{
	cairo_text_extents_t e;
	char buf[LABEL_MAX + 8];
	size_t keep;

	if (n > LABEL_MAX) {
		/* cut at a character's start: s is valid UTF-8 */
		n = LABEL_MAX;
		while (n > 0 && ((uint8_t)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	/* a first guess from the font's average advance, then shrink */
	keep = n;
	if ((double)n * 6.5 > avail) {
		keep = (size_t)(avail / 6.5);
		if (keep > n)
			keep = n;
	}
	for (;;) {
		size_t k = keep;
		while (k > 0 && ((uint8_t)buf[k] & 0xc0) == 0x80)
			k--; /* not inside a character */
		keep = k;
		if (keep < 2)
			return;
		if (keep < n) {
			memcpy(buf + keep, "..", 3);
		} else {
			buf[n] = 0;
		}
		cairo_text_extents(cr, buf, &e);
		if (e.x_advance <= avail)
			break;
		memcpy(buf, s, n); /* undo the ".." */
		buf[n] = 0;
		keep = keep > 4 ? keep - keep / 8 - 1 : keep - 1;
	}
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, buf);
}

/* Whether rectangle i is drawn (at least MIN_PX wide, in a drawn row);
 * its left edge and width in px. */
static int frame_px(const ctx *c, uint32_t i, double *x, double *w)
{
	const an_flame_rect *r = &c->f->r[i];

	*x = PAD + r->x * c->scale;
	*w = r->width * c->scale;
	return *w >= MIN_PX && r->depth < c->rows;
}

/* The fill of rectangle i; notes its kind for the legend. */
static void frame_rgb(ctx *c, uint32_t i, double rgb[3])
{
	const an_flame_rect *r = &c->f->r[i];
	an_flame_kind k = kind_of(c, r);

	c->used_kinds |= 1u << k;
	if (c->o->delta)
		diff_colour(rgb, c->o->delta[i]);
	else
		colour(rgb, c->o->palette, k, label_of(c, r));
}

static void fill_frame(const ctx *c, cairo_t *cr, uint32_t i, double x,
		       double w, const double rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
	cairo_rectangle(cr, x, rect_y(c, c->f->r[i].depth), w, c->fh - 1);
	cairo_fill(cr);
}

/* Rectangle i's label, when it has one and there is room for it. */
static void label_frame(ctx *c, cairo_t *cr, uint32_t i, double x,
			double w)
{
	const an_flame_rect *r = &c->f->r[i];
	an_str s;

	if (w < 20 || r->key == AN_NONE || c->fh < 8)
		return;
	s = label_of(c, r);
	c->lab.len = 0;
	an__sbuf_put_utf8(&c->lab, s.ptr, s.len, LABEL_MAX);
	if (c->lab.failed || !c->lab.len)
		return;
	cairo_set_source_rgb(cr, 0, 0, 0);
	fit_text(cr, c->lab.p, c->lab.len, x + 3,
		 rect_y(c, r->depth) + c->fh * 0.75, w - 6);
}

static void frame_font(const ctx *c, cairo_t *cr)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, c->fh * 0.72);
}

/* Each frame filled, then labelled. */
static void draw_frames(ctx *c, cairo_t *cr)
{
	uint32_t i;
	double rgb[3], x, w;

	frame_font(c, cr);
	for (i = 0; i < c->f->n; i++) {
		if (!frame_px(c, i, &x, &w))
			continue;
		frame_rgb(c, i, rgb);
		fill_frame(c, cr, i, x, w, rgb);
		label_frame(c, cr, i, x, w);
	}
}

static void centred(cairo_t *cr, const char *s, double y, double w)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	cairo_move_to(cr, (w - e.x_advance) / 2, y);
	cairo_show_text(cr, s);
}

static void draw_heading(ctx *c, cairo_t *cr)
{
	an_sbuf t = AN_SBUF_INIT;
	const char *title = c->o->title ? c->o->title : "Flame Graph";

	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 17);
	an__sbuf_put_utf8(&t, title, strlen(title), 1000);
	if (t.p)
		centred(cr, t.p, 24, c->w);
	t.len = 0;
	if (c->o->subtitle) {
		an__sbuf_put_utf8(&t, c->o->subtitle, strlen(c->o->subtitle),
				  1000);
	} else if (c->o->unit == AN_FLAME_BYTES) {
		an__sbuf_printf(&t, "total %.0f bytes", c->f->total);
		/* callers give a subtitle; this is the bare fallback */
	} else {
		an__sbuf_printf(&t, "total %.1f ms", c->f->total / 1000);
	}
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	if (t.p && !t.failed)
		centred(cr, t.p, 42, c->w);
	free(t.p);
}

static void draw_legend(ctx *c, cairo_t *cr)
{
	double x = PAD, y = c->h - BOTTOM + 12, rgb[3];
	an_str none = {"", 0};
	const char *const *names = c->l->kind_names ? c->l->kind_names :
						      kind_names;
	unsigned k;

	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 11);
	if (c->o->delta) {
		static const char *const dn[] = {
			"self time grew (darker: more)",
			"self time shrank", "unchanged"};
		static const double dv[] = {1, -1, 0};
		for (k = 0; k < 3; k++) {
			cairo_text_extents_t e;
			diff_colour(rgb, dv[k]);
			cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
			cairo_rectangle(cr, x, y, 12, 12);
			cairo_fill(cr);
			cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
			cairo_move_to(cr, x + 16, y + 10);
			cairo_show_text(cr, dn[k]);
			cairo_text_extents(cr, dn[k], &e);
			x += 16 + e.x_advance + 18;
		}
		return;
	}
	for (k = 0; k <= AN_FLAME_ELIDED; k++) {
		cairo_text_extents_t e;
		an_sbuf t = AN_SBUF_INIT;
		unsigned j;
		if (!(c->used_kinds & 1u << k))
			continue;
		if (c->o->palette != AN_FLAME_PALETTE_KIND &&
		    function_kind((an_flame_kind)k)) {
			/* one swatch for the functions, which the palette
			 * colours alike: "JavaScript, native / builtin"
			 * (k is the first of them drawn) */
			for (j = k; j <= AN_FLAME_GC; j++)
				if (c->used_kinds & 1u << j)
					an__sbuf_printf(&t, "%s%s",
							t.len ? ", " : "",
							names[j]);
		} else {
			an__sbuf_printf(&t, "%s", names[k]);
		}
		colour(rgb, c->o->palette, (an_flame_kind)k, none);
		cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
		cairo_rectangle(cr, x, y, 12, 12);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, x + 16, y + 10);
		if (t.p && !t.failed) {
			cairo_show_text(cr, t.p);
			cairo_text_extents(cr, t.p, &e);
			x += 16 + e.x_advance + 18;
		}
		free(t.p);
		if (c->o->palette != AN_FLAME_PALETTE_KIND &&
		    function_kind((an_flame_kind)k))
			k = AN_FLAME_GC; /* the functions are done */
	}
}

static void draw(ctx *c, cairo_t *cr)
{
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	draw_frames(c, cr);
	draw_heading(c, cr);
	draw_legend(c, cr);
}

static cairo_status_t to_caller(void *closure, const unsigned char *data,
				unsigned int len)
{
	ctx *c = closure;

	if (c->write_failed || c->write(data, len, c->payload)) {
		c->write_failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t to_sbuf(void *closure, const unsigned char *data,
			      unsigned int len)
{
	an_sbuf *b = closure;

	an__sbuf_put(b, data, len);
	return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static void put_weight(an_sbuf *b, const ctx *c, double v)
{
	double pct = c->f->total > 0 ? 100 * v / c->f->total : 0;

	if (c->o->unit == AN_FLAME_BYTES && v < 1000) {
		an__sbuf_put_fixed(b, v, 0);
		an__sbuf_put(b, " bytes (", 8);
	} else if (c->o->unit == AN_FLAME_BYTES) {
		an__sbuf_put_fixed(b, v < 1e6 ? v / 1e3 : v < 1e9 ? v / 1e6 : v / 1e9,
			  2);
		an__sbuf_put(b, v < 1e6 ? " kB (" : v < 1e9 ? " MB (" :
			     " GB (", 5);
	} else {
		an__sbuf_put_fixed(b, v / 1000, 3);
		an__sbuf_put(b, " ms (", 5);
	}
	an__sbuf_put_fixed(b, pct, 2);
	an__sbuf_put(b, "%)", 2);
}

/* The hit rectangles with their tooltips, before </svg>. */
static int svg_titles(ctx *c, an_sbuf *b)
{
	uint32_t i;

	an__sbuf_printf(b, "<g id=\"profkit-frames\" fill=\"#000\" "
			"fill-opacity=\"0\">\n");
	for (i = 0; i < c->f->n && !b->failed; i++) {
		const an_flame_rect *r = &c->f->r[i];
		double x = PAD + r->x * c->scale, w = r->width * c->scale;
		an_str s, loc = {"", 0};
		if (w < MIN_PX || r->depth >= c->rows)
			continue;
		an__sbuf_put(b, "<rect x=\"", 9);
		an__sbuf_put_fixed(b, x, 2);
		an__sbuf_put(b, "\" y=\"", 5);
		an__sbuf_put_fixed(b, rect_y(c, r->depth), 2);
		an__sbuf_put(b, "\" width=\"", 9);
		an__sbuf_put_fixed(b, w, 2);
		an__sbuf_put(b, "\" height=\"", 10);
		an__sbuf_put_fixed(b, c->fh - 1, 2);
		an__sbuf_put(b, "\"><title>", 9);
		if (r->key == AN_NONE) {
			an__sbuf_printf(b, "%u frames too narrow to draw: ",
					r->elided);
			put_weight(b, c, r->width);
		} else {
			s = label_of(c, r);
			if (c->l->location)
				loc = c->l->location(r->key, c->l->ctx);
			put_xml(b, s.ptr, s.len, 20000);
			if (loc.len) {
				an__sbuf_put(b, " ", 1);
				put_xml(b, loc.ptr, loc.len, 20000);
			}
			an__sbuf_put(b, "\nself ", 6);
			put_weight(b, c, r->self);
			an__sbuf_put(b, ", total ", 8);
			put_weight(b, c, r->width);
		}
		an__sbuf_printf(b, "</title></rect>\n");
	}
	an__sbuf_printf(b, "</g>\n");
	return b->failed ? AN_ENOMEM : AN_OK;
}

/* Writes cairo's SVG with the tooltips inserted before its end. */
static int finish_svg(ctx *c, an_error *err)
{
	an_sbuf t = AN_SBUF_INIT;
	const char *end = NULL, *p;
	size_t at;
	int rc = AN_OK;

	if (c->svg.failed || !c->svg.p)
		return an__fail(err, AN_ENOMEM, AN_NO_OFFSET,
				"out of memory");
	for (p = c->svg.p; (p = strstr(p, "</svg>")) != NULL; p++)
		end = p;
	if (!end)
		return an__fail(err, AN_EIO, AN_NO_OFFSET,
				"cairo wrote no </svg>");
	at = (size_t)(end - c->svg.p);
	rc = svg_titles(c, &t);
	if (rc < 0) {
		free(t.p);
		return an__fail(err, rc, AN_NO_OFFSET, "out of memory");
	}
	if (c->write(c->svg.p, at, c->payload) ||
	    c->write(t.p, t.len, c->payload) ||
	    c->write(end, c->svg.len - at, c->payload))
		rc = an__fail(err, AN_EIO, AN_NO_OFFSET,
			      "could not write the picture");
	free(t.p);
	return rc;
}

/* ---- SVG on two threads ----
 * cairo writes an SVG document on one thread, and formatting its numbers
 * is most of the time a big graph takes. With many frames, their fills
 * go into two more documents, drawn at once on two threads (they need
 * no font, so no glyph definitions), and their drawings are put into the
 * main document after its background: the labels, headings and legend,
 * which the main document keeps, still come after every fill, so the
 * picture is the same (labels stay inside their frames) and so are the
 * elements, in another order. When a document is not shaped as cairo
 * 1.16 writes them, the picture is drawn again on one thread. */

/* Frames drawn, from which two threads share the fills. */
#define PAR_MIN_FRAMES 64

typedef struct fills {
	const ctx *c;
	const double *rgb;   /* 3 per rectangle */
	uint32_t from, to;   /* rectangles [from, to) */
	an_sbuf out;         /* the document */
	cairo_status_t st;
} fills;

static void *fills_main(void *arg)
{
	fills *j = arg;
	cairo_surface_t *s;
	cairo_t *cr;
	uint32_t i;
	double x, w;

	s = cairo_svg_surface_create_for_stream(to_sbuf, &j->out, j->c->w,
						j->c->h);
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
	cr = cairo_create(s);
	for (i = j->from; i < j->to; i++)
		if (frame_px(j->c, i, &x, &w))
			fill_frame(j->c, cr, i, x, w, j->rgb + 3 * (size_t)i);
	j->st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (j->st == CAIRO_STATUS_SUCCESS)
		j->st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (j->st == CAIRO_STATUS_SUCCESS && j->out.failed)
		j->st = CAIRO_STATUS_NO_MEMORY;
	return NULL;
}

#define SVG_END "</g>\n</svg>\n"

/* The drawing inside a cairo document's <g id="surfaceN">: [*from,
 * *to) of b; 0 when b is not shaped so. */
static int svg_body(const an_sbuf *b, size_t *from, size_t *to)
{
	const char *g, *nl;
	size_t n = strlen(SVG_END);

	if (!b->p || b->len < n || memcmp(b->p + b->len - n, SVG_END, n))
		return 0;
	g = strstr(b->p, "<g id=\"surface");
	nl = g ? strchr(g, '\n') : NULL;
	if (!nl || (size_t)(nl + 1 - b->p) > b->len - n)
		return 0;
	*from = (size_t)(nl + 1 - b->p);
	*to = b->len - n;
	return 1;
}

/* The main document with the fills' drawings after its background;
 * 0 when a document is not shaped as expected. */
static int svg_join(an_sbuf *out, const an_sbuf *m, const fills *f,
		    int nf)
{
	const char *bg = "<rect x=\"0\" y=\"0\" ";
	size_t a, e, at;
	const char *nl;
	int k;

	if (!svg_body(m, &a, &e) || strncmp(m->p + a, bg, strlen(bg)))
		return 0;
	nl = strchr(m->p + a, '\n');
	if (!nl)
		return 0;
	at = (size_t)(nl + 1 - m->p);
	an__sbuf_put(out, m->p, at);
	for (k = 0; k < nf; k++) {
		if (!svg_body(&f[k].out, &a, &e))
			return 0;
		an__sbuf_put(out, f[k].out.p + a, e - a);
	}
	an__sbuf_put(out, m->p + at, m->len - at);
	return 1;
}

/* Draws the SVG into c->svg on two threads: 1 done (or failed: rc),
 * 0 when the caller should draw it on one thread. */
static int svg_two_threads(ctx *c, uint32_t par_min, int *rc,
			   an_error *err)
{
	fills f[2];
	pthread_t tid;
	double *rgb = NULL, x, w;
	cairo_surface_t *s;
	cairo_t *cr;
	cairo_status_t st;
	an_sbuf m = AN_SBUF_INIT, out = AN_SBUF_INIT;
	uint32_t i, drawn = 0, half = 0, k;
	int threaded, ok = 0;

	for (i = 0; i < c->f->n; i++)
		drawn += frame_px(c, i, &x, &w);
	if (drawn < par_min || drawn < 2)
		return 0;
	rgb = an__reallocarray(NULL, c->f->n, 3 * sizeof(*rgb));
	if (!rgb)
		return 0;
	/* colours here: label callbacks are called on this thread only.
	 * The other thread fills the first 3/5 of the frames; this one
	 * the rest, then draws the labels and writes the tooltips. */
	for (i = 0, k = 0; i < c->f->n; i++) {
		if (!frame_px(c, i, &x, &w))
			continue;
		frame_rgb(c, i, rgb + 3 * (size_t)i);
		if (++k == drawn - drawn * 2 / 5)
			half = i + 1;
	}
	memset(f, 0, sizeof(f));
	f[0] = (fills){c, rgb, 0, half, AN_SBUF_INIT, CAIRO_STATUS_SUCCESS};
	f[1] = (fills){c, rgb, half, c->f->n, AN_SBUF_INIT,
		       CAIRO_STATUS_SUCCESS};
	/* the main document first: cairo numbers its documents' surfaces
	 * in the order they are made, and only this one's number shows */
	s = cairo_svg_surface_create_for_stream(to_sbuf, &m, c->w, c->h);
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
	threaded = pthread_create(&tid, NULL, fills_main, &f[0]) == 0;
	fills_main(&f[1]);
	/* then its background, labels, headings and legend */
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	frame_font(c, cr);
	for (i = 0; i < c->f->n; i++)
		if (frame_px(c, i, &x, &w))
			label_frame(c, cr, i, x, w);
	draw_heading(c, cr);
	draw_legend(c, cr);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (threaded)
		pthread_join(tid, NULL);
	else
		fills_main(&f[0]);
	for (k = 0; k < 2 && st == CAIRO_STATUS_SUCCESS; k++)
		st = f[k].st;
	if (st == CAIRO_STATUS_SUCCESS && !m.failed && !c->lab.failed)
		ok = svg_join(&out, &m, f, 2);
	free(rgb);
	free(m.p);
	free(f[0].out.p);
	free(f[1].out.p);
	if (st == CAIRO_STATUS_NO_MEMORY || m.failed || out.failed ||
	    c->lab.failed) {
		free(out.p);
		*rc = an__fail(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
		return 1;
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		free(out.p);
		*rc = an__fail(err, AN_EIO, AN_NO_OFFSET, "cairo: %s",
			       cairo_status_to_string(st));
		return 1;
	}
	if (!ok) {
		free(out.p);
		c->used_kinds = 0;
		return 0;
	}
	free(c->svg.p);
	c->svg = out;
	*rc = finish_svg(c, err);
	return 1;
}

static int check_opts(const an_flame_render_opts *o, an_error *err)
{
	if (o->version != AN_FLAME_RENDER_OPTS_VERSION)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown an_flame_render_opts version %u",
				o->version);
	if (o->height != 0 && !(o->height >= 100 && o->height <= MAX_PX))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"height %g px: must be 100..32767", o->height);
	if ((unsigned)o->palette > AN_FLAME_PALETTE_GRAY)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown palette %d", (int)o->palette);
	if (!(o->width >= 200 && o->width <= 32767))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"width %g px: must be 200..32767", o->width);
	if (!(o->frame_height >= 8 && o->frame_height <= 100))
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"frame height %g px: must be 8..100",
				o->frame_height);
	if (o->format > AN_FLAME_PDF || o->unit > AN_FLAME_BYTES)
		return an__fail(err, AN_EINVAL, AN_NO_OFFSET,
				"unknown format or unit");
	return AN_OK;
}

int an__flame_render(const an_flame *f, const an_flame_labels *l,
		     const an_flame_render_opts *o, an_flame_write_cb write,
		     void *payload, uint32_t par_min, an_error *err)
{
	an_flame_render_opts def = AN_FLAME_RENDER_OPTS_INIT;
	cairo_surface_t *s = NULL;
	cairo_t *cr = NULL;
	cairo_status_t st;
	ctx c;
	int rc = AN_OK;

	memset(&c, 0, sizeof(c));
	if (!o)
		o = &def;
	if (o->version == 1) {
		/* a caller built against version 1: its struct ends at
		 * delta; the rest as by default */
		memcpy(&def, o, offsetof(an_flame_render_opts, height));
		def.version = AN_FLAME_RENDER_OPTS_VERSION;
		o = &def;
	}
	AN_TRY(check_opts(o, err));
	if (!f || !l || !write)
		AN_FAIL(err, AN_EINVAL, AN_NO_OFFSET,
			"an_flame_render needs a layout, labels and a writer");
	c.f = f;
	c.l = l;
	c.o = o;
	c.write = write;
	c.payload = payload;
	c.w = floor(o->width);
	c.fh = o->frame_height;
	c.rows = f->depth;
	/* a deep graph gets thinner rows, down to 1 px, so that the
	 * picture stays within cairo's 32,767 px (or the height asked);
	 * deeper rows are cut */
	c.h = o->height > 0 ? floor(o->height) : MAX_PX;
	if (o->height > 0 && f->depth > 0)
		c.fh = fmin(24, floor((c.h - TOP - BOTTOM) / f->depth));
	if (c.fh < 1 || TOP + (double)f->depth * c.fh + BOTTOM > c.h) {
		c.fh = floor((c.h - TOP - BOTTOM) / f->depth);
		if (c.fh < 1) {
			c.fh = 1;
			c.rows = (uint32_t)(c.h - TOP - BOTTOM);
		}
	}
	if (!(o->height > 0))
		c.h = TOP + (double)c.rows * c.fh + BOTTOM;
	/* the frames sit on the legend (an icicle hangs from the
	 * headings): the room a fixed height leaves over is above
	 * (below) them */
	c.top = o->inverted ? TOP : c.h - BOTTOM - (double)c.rows * c.fh;
	c.scale = f->total > 0 ? (c.w - 2 * PAD) / f->total : 0;
	if (o->format == AN_FLAME_SVG &&
	    svg_two_threads(&c, par_min, &rc, err))
		goto done;
	switch (o->format) {
	case AN_FLAME_PNG:
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)c.w,
					       (int)ceil(c.h));
		break;
	case AN_FLAME_PDF:
		s = cairo_pdf_surface_create_for_stream(to_caller, &c, c.w,
							c.h);
		break;
	default:
		s = cairo_svg_surface_create_for_stream(to_sbuf, &c.svg, c.w,
							c.h);
		cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
		break;
	}
	cr = cairo_create(s);
	draw(&c, cr);
	st = cairo_status(cr);
	cairo_destroy(cr);
	cr = NULL;
	if (st == CAIRO_STATUS_SUCCESS && o->format == AN_FLAME_PNG)
		st = cairo_surface_write_to_png_stream(s, to_caller, &c);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	if (c.write_failed)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET,
			"could not write the picture");
	if (st == CAIRO_STATUS_NO_MEMORY || c.lab.failed)
		AN_FAIL(err, AN_ENOMEM, AN_NO_OFFSET, "out of memory");
	if (st != CAIRO_STATUS_SUCCESS)
		AN_FAIL(err, AN_EIO, AN_NO_OFFSET, "cairo: %s",
			cairo_status_to_string(st));
	if (o->format == AN_FLAME_SVG)
		AN_TRY(finish_svg(&c, err));
done:
	if (cr)
		cairo_destroy(cr);
	if (s)
		cairo_surface_destroy(s);
	free(c.lab.p);
	free(c.svg.p);
	return rc;
}

int an_flame_render(const an_flame *f, const an_flame_labels *l,
		    const an_flame_render_opts *o, an_flame_write_cb write,
		    void *payload, an_error *err)
{
	return an__flame_render(f, l, o, write, payload, PAR_MIN_FRAMES,
				err);
}

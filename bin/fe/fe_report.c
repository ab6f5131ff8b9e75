/*
 * fe_report.c - the report writer (fe_report.h): one table description,
 * three formats. The only place that decides how a value of each type
 * looks in text, JSON and CSV.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "fe.h"

/* The text times of the reports that follow (fe_report_times): 0 = each
 * value by itself (fe_ms), else the span that fixes unit and decimals. A
 * frontend global like the progress mode: one report per process. */
static double times_span_us;

void fe_report_times(double span_us)
{
	times_span_us = span_us > 0 ? span_us : 0;
}

/* seconds (a minute or longer) or milliseconds, and the decimals that
 * give the span four significant digits (at least one, at most three) */
static int time_scale(double *div)
{
	double ms = times_span_us / 1000.0;

	if (times_span_us >= 60e6) {
		*div = 1e6;
		return 1;
	}
	*div = 1e3;
	return ms >= 100 ? 1 : ms >= 10 ? 2 : 3;
}

int fe_report_seconds(void)
{
	return times_span_us >= 60e6;
}

/* a time cell: the number in the report's unit and decimals */
static void time_num(char *buf, size_t cap, double us)
{
	double div;
	int dec;

	if (times_span_us <= 0) {
		fe_ms(buf, cap, us);
		return;
	}
	dec = time_scale(&div);
	snprintf(buf, cap, "%.*f", dec, us / div);
}

void fe_time(char *buf, size_t cap, double us)
{
	char num[48];

	time_num(num, sizeof(num), us);
	snprintf(buf, cap, "%s %s", num, fe_report_seconds() ? "s" : "ms");
}

/* --bytes: text sizes as integers (a frontend global, as above) */
static int raw_bytes;

void fe_report_bytes(int raw)
{
	raw_bytes = raw;
}

void fe_size(char *buf, size_t cap, uint64_t bytes)
{
	static const char *const units[] = {"B ", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	int u = 0;

	if (raw_bytes) {
		snprintf(buf, cap, "%" PRIu64, bytes);
		return;
	}
	while (v >= 999.5 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%" PRIu64 " B ", bytes);
	else
		snprintf(buf, cap, "%.*f %s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0,
			 v, units[u]);
}

int fe_dist_known(int64_t d)
{
	return d >= 0 && d < AN_HEAP_SYSTEM_DISTANCE;
}

fe_val fe_str(an_str s)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.s = s;
	return v;
}

fe_val fe_cstr(const char *c)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.c = c;
	return v;
}

fe_val fe_uint(uint64_t u)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.u = u;
	return v;
}

fe_val fe_int(int64_t i)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.i = i;
	return v;
}

fe_val fe_dbl(double d)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.d = d;
	return v;
}

fe_val fe_call(void (*fn)(FILE *f, const void *ctx), const void *ctx)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.fn = fn;
	v.ctx = ctx;
	return v;
}

fe_val fe_absent(void)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.absent = 1;
	return v;
}

fe_val fe_null(void)
{
	fe_val v;

	memset(&v, 0, sizeof(v));
	v.null = 1;
	return v;
}

static an_str val_str(const fe_col *c, const fe_val *v)
{
	an_str s = v->s;

	if (c->type == FE_T_CSTR) {
		s.ptr = v->c ? v->c : "";
		s.len = strlen(s.ptr);
	}
	return s;
}

/* JSON and CSV write numbers alike; 0 when the type is no number. */
static int put_number(FILE *f, const fe_col *c, const fe_val *v)
{
	switch (c->type) {
	case FE_T_UINT:
	case FE_T_BYTES:
		fprintf(f, "%" PRIu64, v->u);
		return 1;
	case FE_T_INT:
	case FE_T_DBYTES:
		fprintf(f, "%" PRId64, v->i);
		return 1;
	case FE_T_US:
	case FE_T_DUS:
		fprintf(f, "%lld", (long long)llround(v->d));
		return 1;
	case FE_T_PCT:
	case FE_T_DPCT:
		fprintf(f, "%.2f", v->d);
		return 1;
	case FE_T_RATIO:
		fprintf(f, "%.4f", v->d);
		return 1;
	case FE_T_BOOL:
		fputc(v->u ? '1' : '0', f);
		return 1;
	case FE_T_DIST:
		if (!fe_dist_known(v->i))
			return 0;
		fprintf(f, "%" PRId64, v->i);
		return 1;
	default:
		return 0;
	}
}

static void put_json(FILE *f, const fe_col *c, const fe_val *v)
{
	an_str s;

	if (v->null) {
		fputs("null", f);
		return;
	}
	if (c->type == FE_T_CALL) {
		v->fn(f, v->ctx);
		return;
	}
	if (c->type == FE_T_STR || c->type == FE_T_CSTR) {
		s = val_str(c, v);
		fe_json_str(f, s.ptr, s.len);
		return;
	}
	if (c->type == FE_T_BOOL) {
		fputs(v->u ? "true" : "false", f);
		return;
	}
	if (!put_number(f, c, v))
		fputs("null", f);
}

static void put_csv(FILE *f, const fe_col *c, const fe_val *v)
{
	an_str s;

	if (v->null || v->absent)
		return;
	if (c->type == FE_T_CALL) {
		v->fn(f, v->ctx);
		return;
	}
	if (c->type == FE_T_STR || c->type == FE_T_CSTR) {
		s = val_str(c, v);
		fe_csv_str(f, s.ptr, s.len);
		return;
	}
	put_number(f, c, v);
}

/* A text cell: right-aligned in `width` (0: as is). */
static void put_text(FILE *f, const fe_col *c, const fe_val *v, int width)
{
	char buf[64];
	an_str s;

	if (v->absent)
		return;
	if (c->type == FE_T_CALL) {
		v->fn(f, v->ctx);
		return;
	}
	if (v->null) {
		fprintf(f, "%*s", width, "-");
		return;
	}
	switch (c->type) {
	case FE_T_STR:
	case FE_T_CSTR:
		s = val_str(c, v);
		fe_text_max(f, s.ptr, s.len, c->max ? (size_t)c->max :
						      (size_t)-1);
		break;
	case FE_T_UINT:
		fprintf(f, "%*" PRIu64, width, v->u);
		break;
	case FE_T_INT:
		fprintf(f, "%*" PRId64, width, v->i);
		break;
	case FE_T_US:
		time_num(buf, sizeof(buf), v->d);
		fprintf(f, "%*s", width, buf);
		break;
	case FE_T_PCT:
		fprintf(f, "%*.1f%%", width > 0 ? width - 1 : 0, v->d);
		break;
	case FE_T_DUS:
		time_num(buf + 1, sizeof(buf) - 1, fabs(v->d));
		buf[0] = v->d < 0 && strpbrk(buf + 1, "123456789") ? '-' :
								      '+';
		fprintf(f, "%*s", width, buf);
		break;
	case FE_T_DPCT:
		fprintf(f, "%+*.1f%%", width > 0 ? width - 1 : 0,
			fabs(v->d) < 0.05 ? 0.0 : v->d);
		break;
	case FE_T_RATIO:
		snprintf(buf, sizeof(buf), "%.2fx", v->d);
		fprintf(f, "%*s", width, buf);
		break;
	case FE_T_BYTES:
		fe_size(buf, sizeof(buf), v->u);
		fprintf(f, "%*s", width, buf);
		break;
	case FE_T_DBYTES:
		if (raw_bytes || v->i == 0) {
			fprintf(f, "%*" PRId64 "%s", raw_bytes ? width :
				width - 3, v->i, raw_bytes ? "" : " B ");
			break;
		}
		fe_size(buf + 1, sizeof(buf) - 1,
			v->i < 0 ? (uint64_t)0 - (uint64_t)v->i :
				   (uint64_t)v->i);
		buf[0] = v->i < 0 ? '-' : '+';
		fprintf(f, "%*s", width, buf);
		break;
	case FE_T_DIST:
		if (fe_dist_known(v->i))
			fprintf(f, "%*" PRId64, width, v->i);
		else
			fprintf(f, "%*s", width, "-");
		break;
	default:
		break;
	}
}

void fe_json_members(FILE *f, const fe_col *cols, const fe_val *vals,
		     unsigned n)
{
	unsigned i, k = 0;

	for (i = 0; i < n; i++) {
		if (!(cols[i].in & FE_IN_JSON) || vals[i].absent)
			continue;
		if (k++)
			fputs(", ", f);
		fe_json_str(f, cols[i].key, strlen(cols[i].key));
		fputs(": ", f);
		put_json(f, &cols[i], &vals[i]);
	}
}

void fe_json_object(FILE *f, const fe_col *cols, const fe_val *vals,
		    unsigned n)
{
	fputc('{', f);
	fe_json_members(f, cols, vals, n);
	fputc('}', f);
}

/* A heading: "self ms" says "self s" when the report is in seconds. */
static void time_head(char *buf, size_t cap, const fe_col *c)
{
	const char *ms = strstr(c->head, "ms");

	if ((c->type == FE_T_US || c->type == FE_T_DUS) &&
	    fe_report_seconds() && ms)
		snprintf(buf, cap, "%.*ss%s", (int)(ms - c->head), c->head,
			 ms + 2);
	else
		snprintf(buf, cap, "%s", c->head);
}

/* Before the text cell at place k of n: one space, two before the last. */
static void text_gap(FILE *f, unsigned k, unsigned n)
{
	if (k > 0)
		fputs(k + 1 == n ? "  " : " ", f);
}

void fe_table_begin(fe_writer *w, FILE *f, int format, const fe_table *t,
		    const fe_col *hcols, const fe_val *hvals, unsigned nhead,
		    void (*intro)(FILE *f, const void *ctx), const void *ctx)
{
	unsigned i, k, n = 0;

	memset(w, 0, sizeof(*w));
	w->f = f;
	w->format = format;
	w->t = t;
	/* text columns by place (tables are a few columns wide) */
	for (k = 1; k <= t->ncols && n < 16; k++)
		for (i = 0; i < t->ncols; i++)
			if (t->cols[i].text == (int)k && n < 16)
				w->order[n++] = i;
	w->ntext = n;
	if (format == FE_JSON) {
		fputc('{', f);
		for (i = 0; i < nhead; i++) {
			fe_json_str(f, hcols[i].key, strlen(hcols[i].key));
			fputs(": ", f);
			put_json(f, &hcols[i], &hvals[i]);
			fputs(", ", f);
		}
		fe_json_str(f, t->rows_key, strlen(t->rows_key));
		fputs(": [", f);
	} else if (format == FE_CSV) {
		k = 0;
		for (i = 0; i < t->ncols; i++) {
			if (!(t->cols[i].in & FE_IN_CSV))
				continue;
			if (k++)
				fputc(',', f);
			fputs(t->cols[i].key, f);
		}
		fputc('\n', f);
	} else {
		if (intro)
			intro(f, ctx);
		if (t->card)
			return;
		for (k = 0; k < n; k++) {
			const fe_col *c = &t->cols[w->order[k]];
			char head[64];
			text_gap(f, k, n);
			time_head(head, sizeof(head), c);
			if (k + 1 == n)
				fputs(head, f);
			else
				fprintf(f, "%*s", c->width, head);
		}
		fputc('\n', f);
	}
}

void fe_table_row(fe_writer *w, const fe_val *vals)
{
	const fe_table *t = w->t;
	FILE *f = w->f;
	unsigned i, k = 0;

	if (w->format == FE_JSON) {
		fputs(w->rows ? ",\n  " : "\n  ", f);
		fe_json_object(f, t->cols, vals, t->ncols);
	} else if (w->format == FE_CSV) {
		for (i = 0; i < t->ncols; i++) {
			if (!(t->cols[i].in & FE_IN_CSV))
				continue;
			if (k++)
				fputc(',', f);
			put_csv(f, &t->cols[i], &vals[i]);
		}
		fputc('\n', f);
	} else if (t->card) {
		for (k = 0; k < w->ntext; k++)
			put_text(f, &t->cols[w->order[k]],
				 &vals[w->order[k]], 0);
	} else {
		for (k = 0; k < w->ntext; k++) {
			unsigned c = w->order[k];
			text_gap(f, k, w->ntext);
			put_text(f, &t->cols[c], &vals[c],
				 k + 1 == w->ntext ? 0 : t->cols[c].width);
		}
		fputc('\n', f);
	}
	w->rows++;
}

/* Appends ", item" (or the first item) to the writer's why. */
static void why_add(fe_writer *w, const char *fmt, ...) FE_PRINTFLIKE(2, 3);

static void why_add(fe_writer *w, const char *fmt, ...)
{
	size_t len = strlen(w->why);
	va_list ap;

	if (len && len + 2 < sizeof(w->why)) {
		memcpy(w->why + len, ", ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(w->why + len, sizeof(w->why) - len, fmt, ap);
	va_end(ap);
}

static void set_why(fe_writer *w, unsigned cut, long n, int n_default,
		    long depth, const fe_opts *o)
{
	const char *dflt = n_default ? " (default)" : "";

	w->why[0] = '\0';
	if (cut & FE_CUT_N)
		why_add(w, "-n %ld%s", n, dflt);
	if (cut & FE_CUT_PATHS)
		why_add(w, "--paths %ld%s", n, dflt);
	if ((cut & FE_CUT_FILTER) && o->filter)
		why_add(w, "%s", o->patterns[0] ? o->patterns :
			"--filter/--exclude");
	if (cut & FE_CUT_DEPTH)
		why_add(w, "--max-depth %ld%s", depth,
			o->max_depth < 0 ? " (default)" : "");
	if ((cut & FE_CUT_PERCENT) && o->min_percent > 0)
		why_add(w, "--min-percent %g", o->min_percent);
	if ((cut & FE_CUT_SIZE) && o->min_size > 0)
		why_add(w, "--min-size %" PRIu64, o->min_size);
	if ((cut & FE_CUT_COUNT) && o->min_count > 0)
		why_add(w, "--min-count %" PRIu64, o->min_count);
	if (cut & FE_CUT_N)
		snprintf(w->why + strlen(w->why),
			 sizeof(w->why) - strlen(w->why),
			 "; -n 0 shows all");
}

unsigned fe_flat_cut(uint64_t n, uint64_t matched, uint64_t shown)
{
	return (matched < n ? FE_CUT_FILTER : 0) |
	       (shown < matched ? FE_CUT_N : 0);
}

void fe_table_cut(fe_writer *w, uint64_t total, const char *noun,
		  unsigned cut, long n, int n_default, long depth,
		  const fe_opts *o)
{
	w->total = total;
	w->noun = noun;
	set_why(w, cut, n, n_default, depth, o);
}

void fe_table_cut_of(fe_writer *w, uint64_t shown, uint64_t total,
		     const char *noun, unsigned cut, long n, int n_default,
		     const fe_opts *o)
{
	fe_table_cut(w, total, noun, cut, n, n_default, 0, o);
	w->shown = shown;
}

void fe_table_cut_tree(fe_writer *w, uint64_t hidden, const char *noun,
		       unsigned cut, long n, int n_default, long depth,
		       const fe_opts *o)
{
	w->hidden = hidden;
	w->noun = noun;
	set_why(w, cut, n, n_default, depth, o);
}

void fe_note_pattern(char *buf, size_t cap, const char *opt,
		     const char *re)
{
	size_t len = strlen(buf);
	const unsigned char *p;

	if (len + 1 < cap)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s '",
					len ? " " : "", opt);
	/* control characters as \xNN: the messages reach a terminal */
	for (p = (const unsigned char *)re; *p && len + 5 < cap; p++)
		if (*p < 0x20 || *p == 0x7f)
			len += (size_t)snprintf(buf + len, cap - len,
						"\\x%02x", *p);
		else
			buf[len++] = (char)*p;
	if (len + 1 < cap)
		buf[len++] = '\'';
	buf[len < cap ? len : cap - 1] = '\0';
}

/* The noun "one|many" for count k (as given without a '|'). */
static void put_noun(FILE *f, const char *noun, uint64_t k)
{
	const char *bar = strchr(noun, '|');

	if (!bar)
		fputs(noun, f);
	else if (k == 1)
		fwrite(noun, 1, (size_t)(bar - noun), f);
	else
		fputs(bar + 1, f);
}

/* The text footer of a cut report (the patterns in `why` escaped as
 * every text cell is). */
static void put_footer(FILE *f, const fe_writer *w)
{
	uint64_t shown = w->shown ? w->shown : w->rows;

	if (w->total > shown) {
		fprintf(f, "# showing %" PRIu64 " of %" PRIu64 " ", shown,
			w->total);
		put_noun(f, w->noun, w->total);
	} else if (w->hidden) {
		fprintf(f, "# %" PRIu64 " more ", w->hidden);
		put_noun(f, w->noun, w->hidden);
		fputs(" below these rows, each with its subtree", f);
	} else {
		return;
	}
	fputs(" (cut by ", f);
	fe_text(f, w->why, strlen(w->why));
	fputs(")\n", f);
}

void fe_table_end(fe_writer *w)
{
	if (w->format == FE_JSON) {
		fputs(w->rows ? "\n]" : "]", w->f);
		if (w->total > (w->shown ? w->shown : w->rows))
			fprintf(w->f, ", \"total_rows\": %" PRIu64, w->total);
		else if (w->hidden)
			fprintf(w->f, ", \"hidden_rows\": %" PRIu64,
				w->hidden);
		fputs("}\n", w->f);
	} else if (w->format == FE_TEXT) {
		put_footer(w->f, w);
	}
}

/*
 * fe_report.h - the one report writer of the frontends. A command
 * describes its report's columns once (fe_col: JSON/CSV name, type, text
 * heading, width and place) and hands over rows of values; the writer
 * formats them as text, JSON or CSV, so commands never branch on the
 * format for a table. Layouts, byte for byte as docs/cli.md shows them:
 *
 *   text  intro (a callback: summary lines), one heading line, one line
 *         per row: the text columns by .text place, right-aligned in
 *         their width and one space apart; the last one after two
 *         spaces, unpadded.
 *   JSON  {<head members>, "<rows key>": [\n  {<row members>},...\n]}
 *   CSV   a heading line of column names, one line per row.
 *
 * A report that left rows out says so (fe_table_cut, before
 * fe_table_end): text ends with one footer line "# showing 10 of 48
 * functions (cut by -n 10; -n 0 shows all)", JSON carries "total_rows"
 * (or, for a tree, "hidden_rows") after the rows; CSV stays rows only.
 * A complete report is written exactly as without the call.
 */
#ifndef FE_REPORT_H
#define FE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <analyze/analyze.h>

/* Column types: how a value is written in each format. */
enum fe_type {
	FE_T_STR,  /* .s: JSON string, CSV field, text escaped (cut at .max) */
	FE_T_CSTR, /* .c: a NUL-terminated string, otherwise as FE_T_STR */
	FE_T_UINT, /* .u: unsigned integer */
	FE_T_INT,  /* .i: signed integer */
	FE_T_US,   /* .d: microseconds; JSON/CSV rounded to an integer, text
		      milliseconds (fe_ms) */
	FE_T_PCT,  /* .d: percent; JSON/CSV %.2f, text %.1f% */
	FE_T_DIST, /* .i: heap distance; unknown (negative or system-only)
		      is JSON null, CSV empty, text "-" */
	FE_T_BOOL, /* .u: JSON true/false, CSV 1/0 */
	FE_T_DUS,  /* .d: a change in microseconds: as FE_T_US, text with
		      its sign ("+1.5") */
	FE_T_DPCT, /* .d: a change in percentage points: as FE_T_PCT, text
		      with its sign ("+1.5%") */
	FE_T_RATIO,/* .d: a ratio: JSON/CSV %.4f, text "1.50x" */
	FE_T_CALL, /* .fn(f, .ctx): written as is by a callback (raw JSON in
		      JSON, text in text) */
	FE_T_BYTES,/* .u: a size in bytes: JSON/CSV the integer, text "3.82 MB"
		      (fe_size; --bytes: the integer) */
	FE_T_DBYTES/* .i: a change in bytes: as FE_T_BYTES, text with its sign
		      ("+1.20 MB") */
};

/* Where a column appears (text: where .text > 0). */
enum { FE_IN_JSON = 1, FE_IN_CSV = 2, FE_IN_DATA = 3 };

typedef struct fe_col {
	const char *key;  /* JSON member and CSV heading */
	int type;         /* enum fe_type */
	int in;           /* FE_IN_*: 0 for a text-only column */
	const char *head; /* text heading */
	int width;        /* text width (FE_T_PCT: with the '%') */
	int text;         /* text place, 1 = first; 0 = not in text */
	int max;          /* FE_T_STR/CSTR in text: characters before ".."
			     (0 = all) */
} fe_col;

typedef struct fe_val {
	an_str s;
	const char *c;
	uint64_t u;
	int64_t i;
	double d;
	void (*fn)(FILE *f, const void *ctx);
	const void *ctx;
	int null;         /* JSON null, CSV empty */
	int absent;       /* JSON: no member; CSV empty */
} fe_val;

typedef struct fe_table {
	const fe_col *cols;
	unsigned ncols;
	const char *rows_key;  /* JSON member holding the rows */
	int card;              /* text: no heading, each row its text
				  cells as they are (a record per row) */
} fe_table;

typedef struct fe_writer {
	FILE *f;
	int format;            /* enum fe_format */
	const fe_table *t;
	unsigned order[16];    /* text columns in .text order */
	unsigned ntext;
	uint64_t rows;         /* rows written */
	uint64_t total;        /* fe_table_cut: rows in all (0: not said) */
	uint64_t hidden;       /* fe_table_cut_tree: children left out */
	uint64_t shown;        /* fe_table_cut_of: shown of total (0: the
				  rows written) */
	const char *noun;      /* what the rows are ("functions") */
	char why[200];         /* the options that cut them */
} fe_writer;

/* What cut a report's rows (fe_table_cut's `cut`). */
enum {
	FE_CUT_N = 1 << 0,       /* -n (the effective count: n) */
	FE_CUT_FILTER = 1 << 1,  /* --filter / --exclude */
	FE_CUT_DEPTH = 1 << 2,   /* --max-depth (the effective depth) */
	FE_CUT_PERCENT = 1 << 3, /* --min-percent */
	FE_CUT_SIZE = 1 << 4,    /* --min-size */
	FE_CUT_PATHS = 1 << 5,   /* --paths (the count in effect: n) */
	FE_CUT_COUNT = 1 << 6    /* --min-count (heap leaks) */
};

struct fe_opts;

/*
 * Starts a table: in JSON the head members (hcols/hvals, may be 0) and
 * the rows key, in CSV the heading line, in text intro(f, ctx) (may be
 * NULL) and the heading line.
 */
void fe_table_begin(fe_writer *w, FILE *f, int format, const fe_table *t,
		    const fe_col *hcols, const fe_val *hvals, unsigned nhead,
		    void (*intro)(FILE *f, const void *ctx),
		    const void *ctx);
/* One row: vals[i] is the value of t->cols[i]. */
void fe_table_row(fe_writer *w, const fe_val *vals);
/*
 * A flat report: `total` rows would be listed without the options in
 * `cut` (FE_CUT_*; n: the -n count in effect, of which n_default says
 * whether it is the default; depth: the --max-depth in effect).
 * fe_table_end() then writes the footer when fewer were written. `noun`
 * ("function|functions") must live until then.
 */
void fe_table_cut(fe_writer *w, uint64_t total, const char *noun,
		  unsigned cut, long n, int n_default, long depth,
		  const struct fe_opts *o);
/* As fe_table_cut(), for a report whose rows are parts of `shown` of
 * `total` things (retainer chains: a row per step). */
void fe_table_cut_of(fe_writer *w, uint64_t shown, uint64_t total,
		     const char *noun, unsigned cut, long n, int n_default,
		     const struct fe_opts *o);
/* FE_CUT_* of a flat list of n rows of which `matched` passed the
 * --filter/--exclude patterns and `shown` were written (the -n cut). */
unsigned fe_flat_cut(uint64_t n, uint64_t matched, uint64_t shown);
/* A tree: `hidden` children of the rows written were left out (each
 * with its subtree) by the options in `cut` (as for fe_table_cut). */
void fe_table_cut_tree(fe_writer *w, uint64_t hidden, const char *noun,
		       unsigned cut, long n, int n_default, long depth,
		       const struct fe_opts *o);
/* Ends the table (JSON: closes the array and the object) with the
 * footer of a cut report. */
void fe_table_end(fe_writer *w);

/* The JSON members cols[i]: vals[i] (those in JSON), ", " apart, for a
 * record that is not a table row (heap show, retainer chains). */
void fe_json_members(FILE *f, const fe_col *cols, const fe_val *vals,
		     unsigned n);
/* The same members as a JSON object (e.g. inside a FE_T_CALL value). */
void fe_json_object(FILE *f, const fe_col *cols, const fe_val *vals,
		    unsigned n);

/* Value constructors. */
fe_val fe_str(an_str s);
fe_val fe_cstr(const char *c);
fe_val fe_uint(uint64_t u);
fe_val fe_int(int64_t i);
fe_val fe_dbl(double d);
fe_val fe_call(void (*fn)(FILE *f, const void *ctx), const void *ctx);
fe_val fe_null(void);
fe_val fe_absent(void);

/* Text times of the reports that follow: unit and decimals from span_us,
 * the largest time they can show (a profile's total): milliseconds with
 * the decimals that give it four significant digits, seconds with one
 * decimal from a minute on; the decimal points of a column line up.
 * JSON and CSV keep whole microseconds. */
void fe_report_times(double span_us);
/* 1 when those times are in seconds. */
int fe_report_seconds(void);
/* A time with its unit in the same scale: "431.5 ms", "904.2 s". */
void fe_time(char *buf, size_t cap, double us);

/* Text sizes: --bytes (raw = 1) prints whole bytes. */
void fe_report_bytes(int raw);
/* A size for text: "3.82 MB", "60.6 kB", "512 B " (kB, MB, GB, TB of
 * 1000 bytes and three significant digits, as DevTools' bytesToString;
 * "B " padded so units line up), or the integer with --bytes. */
void fe_size(char *buf, size_t cap, uint64_t bytes);

/* 1 when a heap distance is shown (not "-"). */
int fe_dist_known(int64_t d);

#endif

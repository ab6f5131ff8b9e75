/*
 * fe.h - helpers shared by the profkit frontends only (not part of the
 * library): diagnostics and exit codes, the common option set, output
 * files written atomically, text/JSON/CSV escaping, the report writer
 * (fe_report.h) and the named defaults (fe_defaults.h).
 */
#ifndef FE_H
#define FE_H

#include <stdint.h>
#include <stdio.h>

#include <analyze/analyze.h>

#include "fe_defaults.h"
#include "fe_report.h"

#define FE_EXIT_OK 0
#define FE_EXIT_ERROR 1
#define FE_EXIT_USAGE 2

#define FE_PRINTFLIKE(f, a) __attribute__((format(printf, f, a)))

/* ---- diagnostics ---- */

void fe_setprogname(const char *name);
/* "profkit: FILE: message (byte N)" on stderr. */
void fe_report(const char *file, const an_error *err);
void fe_errorf(const char *fmt, ...) FE_PRINTFLIKE(1, 2);
/* One warning line about what the loader had to repair (nodes whose
 * parent never arrived), or nothing. */
void fe_profile_warnings(const char *file, const an_profile *p);
/* Prints a usage error with a hint to --help; returns FE_EXIT_USAGE. */
int fe_usage_error(const char *cmd, const char *fmt, ...)
	FE_PRINTFLIKE(2, 3);
/* The exit code of a library status: FE_EXIT_OK for AN_OK (and other
 * non-negative results), FE_EXIT_ERROR for every AN_E* failure. */
int fe_exit_code(int status);
/* Reports err (fe_report) and returns fe_exit_code(err->code). */
int fe_fail(const char *file, const an_error *err);

/* ---- options ---- */

enum fe_format {
	FE_TEXT = 0, FE_JSON = 1, FE_CSV = 2,
	FE_SVG = 3, FE_PNG = 4, FE_PDF = 5, /* pictures (FE_OPT_IMAGE) */
	FE_SPEEDSCOPE = 6 /* the tree of a picture for speedscope */
};

/* Which options a command accepts. */
enum {
	FE_OPT_FORMAT = 1 << 0,
	FE_OPT_OUT = 1 << 1,
	FE_OPT_DB = 1 << 2,
	FE_OPT_TOP = 1 << 3,
	FE_OPT_FILTER = 1 << 4,
	FE_OPT_WEIGHTS = 1 << 5,
	FE_OPT_WINDOW = 1 << 6,
	FE_OPT_TREE = 1 << 7, /* --max-depth, --min-percent, --focus */
	FE_OPT_QUIET = 1 << 8, /* -q: no summary line in text output */
	FE_OPT_PATHS = 1 << 9, /* --paths K */
	FE_OPT_ALL_OBJECTS = 1 << 10, /* --all-objects (with --db) */
	FE_OPT_MIN_SIZE = 1 << 11,    /* --min-size BYTES */
	FE_OPT_DEPTH = 1 << 12,       /* --depth N alone (FE_OPT_TREE has it) */
	FE_OPT_PROFILE = 1 << 13,     /* --profile PID:TID (traces) */
	FE_OPT_ABSOLUTE = 1 << 14,    /* --absolute (cpu diff) */
	/* pictures: --format svg|png|pdf (not text/json/csv), --width,
	 * --height, --title, --subtitle, --min-width, --inverted,
	 * --palette */
	FE_OPT_IMAGE = 1 << 15,
	FE_OPT_CHART = 1 << 16,       /* --chart (cpu flame) */
	FE_OPT_SORT = 1 << 17,        /* --sort KEY (the command checks KEY) */
	FE_OPT_EXPLAIN = 1 << 18,     /* --explain K (heap diff) */
	FE_OPT_MIN_COUNT = 1 << 19,   /* --min-count N (heap leaks) */
	FE_OPT_BYTES = 1 << 20,       /* --bytes: sizes as whole bytes */
	/* ingest: -j, --mem, --shard, --force, --no-diffs */
	FE_OPT_BATCH = 1 << 21
};

/* One option of profkit (fe_opt.c holds them all). */
typedef struct fe_optdef {
	const char *name;  /* long name: "top" */
	char shrt;         /* short form ('n') or 0 */
	const char *arg;   /* its value in help texts ("N"), NULL: none */
	int id;            /* getopt_long's value */
	const char *help;  /* the help line unless a command has its own */
} fe_optdef;

/*
 * One command in the command table (fe_cmdtab.c): the single place that
 * says which options a command takes and what each does for it; --help,
 * the option check of fe_parse and docs/options.md come from it.
 */
typedef struct fe_cmddef {
	const char *name;     /* "cpu top" */
	const char *args;     /* operands after [OPTIONS]: "FILE" */
	const char *about;    /* what it prints (a paragraph) */
	const char *opts;     /* one line per option: "name" (the option's
				 own help line) or "name\thelp"; -h is
				 implied */
	const char *notes;    /* inputs, what it does not take, or NULL */
	const char *examples; /* one command line per line */
	int formats;          /* FE_FMTS_* */
} fe_cmddef;

enum { FE_FMTS_TABLE = 1, FE_FMTS_PICTURE = 2, FE_FMTS_BOTH = 3,
       FE_FMTS_NONE = 0 };

/* The option table (NULL-terminated) and one entry by name. */
const fe_optdef *fe_optdefs(void);
const fe_optdef *fe_optdef_find(const char *name, size_t len);
/* The command table (NULL-terminated by .name) and one entry by name
 * ("cpu top"), or NULL. */
const fe_cmddef *fe_cmds(void);
const fe_cmddef *fe_cmd_find(const char *name);
/* 1 when the command lists the option (long name). */
int fe_cmd_takes(const fe_cmddef *c, const char *opt);
/* The FE_OPT_* bits of what the command lists. */
unsigned fe_cmd_allowed(const fe_cmddef *c);
/* Its --help text. */
void fe_cmd_help(FILE *f, const fe_cmddef *c);
/* " (heap summary, heap diff do)": the commands that take opt, those of
 * cmd's group when there are some, or "" */
void fe_cmd_users(char *buf, size_t cap, const char *cmd, const char *opt);
/* The options of every command as markdown (docs/options.md). */
void fe_cmd_markdown(FILE *f);
/* Edit distance (with swaps) of a[0..la) and b; (size_t)-1 when long. */
size_t fe_edit_distance(const char *a, size_t la, const char *b);
/* 1 when a word of length len at distance dist is a near miss. */
int fe_near(size_t dist, size_t len);

typedef struct fe_opts {
	int format;              /* enum fe_format */
	const char *out;         /* -o FILE or NULL (stdout) */
	const char *db;          /* --db FILE or NULL */
	int replace;             /* --replace: --db replaces an analysis
				    stored with other options */
	long top;                /* -n N; 0 = all */
	int top_set;             /* -n was given */
	an_filter *filter;       /* --filter / --exclude, or NULL */
	an_cpu_opts cpu;         /* --weights, --from, --to */
	long max_depth;          /* --max-depth, -1 = unlimited */
	double min_percent;      /* --min-percent */
	an_filter *focus;        /* --focus RE, or NULL */
	int quiet;               /* -q */
	unsigned paths;          /* --paths K, 0 = default */
	int all_objects;         /* --all-objects */
	uint64_t min_size;       /* --min-size BYTES, 0 = none */
	int pick;                /* --profile was given */
	int64_t pick_pid;        /* its PID */
	int64_t pick_tid;        /* and TID */
	int absolute;            /* --absolute */
	int format_set;          /* --format was given */
	double width;            /* --width PX (0: default) */
	double height;           /* --height PX (0: from the depth) */
	int palette;             /* --palette (an_flame_palette) */
	const char *title;       /* --title */
	const char *subtitle;    /* --subtitle */
	double min_width;        /* --min-width PX (-1: default) */
	int sort_weight;         /* --sort weight (flame commands) */
	int sort_set;            /* --sort was given */
	int inverted;            /* --inverted */
	int chart;               /* --chart */
	const char *sort;        /* --sort KEY, or NULL */
	long explain;            /* --explain K */
	int explain_set;         /* --explain was given */
	uint64_t min_count;      /* --min-count N, 0 = none */
	char patterns[256];      /* "--filter 'RE' --exclude 'RE'" as
				    given, for messages (cut at 255) */
	char focus_patterns[256]; /* "--focus 'RE'" as given */
	int bytes;               /* --bytes */
	unsigned jobs;           /* -j N (ingest), 0 = default */
	uint64_t mem;            /* --mem SIZE in bytes, 0 = default */
	uint32_t shard, shards;  /* --shard I/N, 0/0 = all */
	int force;               /* --force */
	int no_diffs;            /* --no-diffs */
	char **args;             /* positional arguments */
	int nargs;
} fe_opts;

/*
 * Parses argv[1..] of a subcommand. A command in the command table
 * (fe_cmdtab.c) takes the options it lists there and prints its
 * generated help; `allowed` and `help` serve the others. `help` is
 * printed for --help (then *done is set and FE_EXIT_OK returned).
 * Returns FE_EXIT_OK or FE_EXIT_USAGE (message already printed).
 */
int fe_parse(fe_opts *o, int argc, char **argv, unsigned allowed,
	     const char *cmd, const char *help, int *done);
/* One subcommand of a command group (`profkit cpu top`, ...). */
typedef struct fe_subcmd {
	const char *name;  /* "top" */
	const char *help;  /* its --help text */
	unsigned opts;     /* FE_OPT_* it accepts */
	int min_args;      /* positional arguments it needs ... */
	int max_args;      /* ... and accepts */
} fe_subcmd;

/*
 * Parses `GROUP SUBCOMMAND [OPTIONS] ARGS...` (argv[0] is GROUP): prints
 * the group's help for --help, finds the subcommand, writes "GROUP NAME"
 * into cmdname and parses its options. Returns FE_EXIT_OK with *sc set
 * when the caller should run the subcommand; otherwise (help printed,
 * usage error) the exit code, with *sc NULL and nothing left to free.
 */
int fe_parse_group(fe_opts *o, const fe_subcmd **sc, char *cmdname,
		   size_t cap, int argc, char **argv, const char *group,
		   const char *group_help, const fe_subcmd *subs,
		   size_t nsubs);
void fe_opts_free(fe_opts *o);
/* Appends " OPT 'RE'" (the first without the space) to buf, for
 * messages that name the patterns a report was given. */
void fe_note_pattern(char *buf, size_t cap, const char *opt,
		     const char *re);

/* ---- pictures (fe_image.c) ---- */

/* 1 when a command that prints a table or draws a picture (cpu diff,
 * heap diff) is to draw: --format svg|png|pdf, or no --format and -o
 * FILE.svg|png|pdf. */
int fe_wants_picture(const fe_opts *o);
/* The picture format (FE_SVG/PNG/PDF/SPEEDSCOPE) from --format, else
 * from -o's extension (.speedscope.json for speedscope); SVG on stdout,
 * but not to a terminal. FE_EXIT_OK or
 * FE_EXIT_USAGE (message printed). */
int fe_image_format(int *fmt, const fe_opts *o, const char *cmd);
/* The render and layout options of a picture command: --width,
 * --title/--subtitle (else title/subtitle), --inverted, the format,
 * --sort (else by_weight), and the elision threshold from --min-width
 * (else px pixels) for a picture of `total` weight. */
void fe_flame_opts(an_flame_render_opts *ro, an_flame_opts *fo,
		   const fe_opts *o, int fmt, double total,
		   const char *title, const char *subtitle, double px,
		   int by_weight);
/* an_flame_write_cb writing to the FILE * payload */
int fe_image_write(const void *data, size_t len, void *payload);
/* "name.ext (YYYY-MM-DD)": the file's base name and modification date
 * (UTC), "<stdin>" for "-" */
void fe_file_label(char *buf, size_t cap, const char *path);

/* ---- output ---- */

typedef struct fe_out {
	FILE *f;        /* where to write */
	char *path;     /* final path, NULL for stdout and in place */
	char *tmp;      /* temporary file renamed onto path on success;
			   NULL when written in place (not a regular file) */
	int held;       /* stdout held in memory (fe_out_hold_stdout) */
	char *hbuf;     /* ... its bytes */
	size_t hlen;
} fe_out;

/* FE_EXIT_OK, or FE_EXIT_USAGE (one line said) when -o or --db names
 * an existing file that is one of the positional arguments (the inputs)
 * or -o the --db file: same device and inode, through links too.
 * fe_parse() calls it, so every command's outputs are checked before it
 * reads anything. */
int fe_out_check(const fe_opts *o);
/* --db: stores the artifact row of `info` by the replace rule
 * (an_store_artifact_put, --replace), saying on stderr when an earlier
 * analysis is replaced; FE_EXIT_OK or FE_EXIT_ERROR (said). */
int fe_db_artifact(int64_t *id, an_store *st, const an_artifact_info *info,
		   const fe_opts *o);
/* What --db stores as artifact.path: the realpath of `path` (as given
 * when that fails, e.g. "-"); malloc'd, NULL when out of memory. */
char *fe_abs_path(const char *path);
/* Opens -o FILE (atomically replaced on success; a FILE that exists and
 * is no regular file, such as /dev/null, is written in place) or
 * stdout. */
int fe_out_open(fe_out *o, const char *path);
/* With on: a report for stdout is kept in memory and written only when
 * the command succeeds (fe_parse: when --db is given, the database is
 * written after the report, and a failure there must leave stdout
 * empty). */
void fe_out_hold_stdout(int on);
/* Finishes: on ok renames into place, else removes the temporary.
 * Returns FE_EXIT_OK or FE_EXIT_ERROR (write error reported). */
int fe_out_close(fe_out *o, int ok);
/* Finishes a report whose command returned exit code rc: the output is
 * kept when rc is FE_EXIT_OK; returns rc, or the close's failure. */
int fe_out_finish(fe_out *o, int rc);

/* Text: control characters and invalid bytes shown as \xNN. */
void fe_text(FILE *f, const char *s, size_t len);
/* Text, at most `max` characters, ".." appended when cut. */
void fe_text_max(FILE *f, const char *s, size_t len, size_t max);
/* JSON string literal with quotes. */
void fe_json_str(FILE *f, const char *s, size_t len);
/* CSV field (RFC 4180 quoting when needed). */
void fe_csv_str(FILE *f, const char *s, size_t len);

/* Milliseconds from microseconds with sensible precision. */
void fe_ms(char *buf, size_t cap, double us);

/* ---- progress bar (fe_progress.c) ---- */

enum { FE_PROGRESS_AUTO = 0, FE_PROGRESS_ON = 1, FE_PROGRESS_OFF = 2 };

/* One file being loaded. */
typedef struct fe_progress {
	const char *name;   /* shown: the file's base name */
	int on;             /* drawing */
	int width;          /* columns on the line now (0 = nothing drawn) */
	int64_t last_ns;    /* last draw, monotonic clock */
} fe_progress;

/* AUTO: a bar when stderr is a terminal; ON: --progress; OFF: -q. */
void fe_progress_mode(int mode);
/* Starts the bar of one file; returns 1 when it will be drawn (pass
 * fe_progress_cb with p as payload to the loader then). */
int fe_progress_begin(fe_progress *p, const char *path);
/* an_progress_cb: redraws at most ten times a second. */
int fe_progress_cb(uint64_t done, uint64_t total, void *payload);
/* Clears the bar (before any message or output). */
void fe_progress_end(fe_progress *p);

/* ---- commands ---- */

int cmd_info(int argc, char **argv);
int cmd_cpu(int argc, char **argv);
int cmd_heap(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_merge(int argc, char **argv);

#endif

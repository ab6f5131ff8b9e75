/*
 * fe_opt.c - the option set shared by profkit's subcommands (DESIGN.md
 * §2), parsed with getopt_long; each command states which it accepts.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

enum {
	O_FORMAT = 1000, O_DB, O_FILTER, O_EXCLUDE, O_WEIGHTS, O_FROM, O_TO,
	O_MAX_DEPTH, O_MIN_PERCENT, O_FOCUS, O_HELP, O_PATHS, O_ALL_OBJECTS,
	O_DEPTH, O_MIN_SIZE, O_PROGRESS, O_PROFILE, O_ABSOLUTE, O_WIDTH,
	O_TITLE, O_SUBTITLE, O_MIN_WIDTH, O_SORT, O_INVERTED, O_CHART,
	O_EXPLAIN, O_MIN_COUNT, O_REPLACE, O_BYTES, O_MEM, O_SHARD, O_FORCE,
	O_NO_DIFFS, O_HEIGHT, O_PALETTE
};

/* Every option of profkit: its name, its short form, the name of its
 * value in help texts (NULL: it takes none) and the help line a command
 * shows unless its entry in fe_cmdtab.c says something more precise. */
static const fe_optdef optdefs[] = {
	{"format", 0, "FMT", O_FORMAT, "text, json or csv (default text)"},
	{"output", 'o', "FILE", 'o', "write to FILE (replaced atomically, "
	 "only when the command succeeds; '-' = stdout)"},
	{"db", 0, "FILE", O_DB, "also store the analysis in the SQLite "
	 "database FILE (docs/database.md)"},
	{"replace", 0, NULL, O_REPLACE, "with --db: replace a stored "
	 "analysis of the same file made with other options"},
	{"top", 'n', "N", 'n', "show N rows (0 = all)"},
	{"filter", 0, "RE", O_FILTER, "only rows whose name or url match RE"},
	{"exclude", 0, "RE", O_EXCLUDE, "hide rows whose name or url match "
	 "RE"},
	{"weights", 0, "time|hits", O_WEIGHTS, "time: per-sample durations "
	 "(default, as the Performance panel); hits: (end-start)/hits per "
	 "hit (DevTools' legacy tree model)"},
	{"from", 0, "MS", O_FROM, "only samples at or after MS milliseconds "
	 "from the profile's startTime"},
	{"to", 0, "MS", O_TO, "only samples before MS milliseconds from the "
	 "profile's startTime"},
	{"max-depth", 0, "N", O_MAX_DEPTH, "stop N levels below the root"},
	{"depth", 0, "N", O_DEPTH, "the same as --max-depth"},
	{"min-percent", 0, "P", O_MIN_PERCENT, "hide entries below P% of the "
	 "total"},
	{"focus", 0, "RE", O_FOCUS, "only the subtrees of the functions "
	 "matching RE"},
	{"paths", 0, "K", O_PATHS, "the K first distinct chains"},
	{"all-objects", 0, NULL, O_ALL_OBJECTS, "with --db: store every "
	 "object"},
	{"min-size", 0, "BYTES", O_MIN_SIZE, "hide what retains less than "
	 "BYTES"},
	{"bytes", 0, NULL, O_BYTES, "sizes as whole bytes in text (default: "
	 "kB, MB, GB of 1000, as DevTools)"},
	{"profile", 0, "PID:TID", O_PROFILE, "a trace's profile of that "
	 "thread (default: the one with the most samples; profkit info "
	 "lists them)"},
	{"absolute", 0, NULL, O_ABSOLUTE, "deltas and ratio of the times, "
	 "not of the shares"},
	{"width", 0, "PX", O_WIDTH, "picture width (default 1200)"},
	{"height", 0, "PX", O_HEIGHT, "picture height (default: from the "
	 "depth, 16 px a row); the rows share it, at most 24 px each"},
	{"palette", 0, "NAME", O_PALETTE, "kind (default: a hue per frame "
	 "kind), hot (flamegraph.pl's reds and yellows for every function), "
	 "mem (greens), gray (for print)"},
	{"title", 0, "TEXT", O_TITLE, "the picture's title"},
	{"subtitle", 0, "TEXT", O_SUBTITLE, "the picture's subtitle (default: "
	 "file, date, total)"},
	{"min-width", 0, "PX", O_MIN_WIDTH, "merge narrower boxes into one "
	 "grey sliver (the totals stay whole)"},
	{"sort", 0, "KEY", O_SORT, "order of the rows"},
	{"inverted", 0, NULL, O_INVERTED, "icicle: the root at the top"},
	{"chart", 0, NULL, O_CHART, "the flame chart instead: samples in time "
	 "order, as DevTools' Performance panel"},
	{"explain", 0, "K", O_EXPLAIN, "explain the K classes that grew "
	 "most"},
	{"min-count", 0, "N", O_MIN_COUNT, "hide clusters of fewer than N "
	 "objects"},
	{"jobs", 'j', "N", 'j', "analyses at once (default: the number "
	 "of cores)"},
	{"mem", 0, "SIZE", O_MEM, "memory the analyses may use together "
	 "(K, M, G suffixes; default 80% of the available memory)"},
	{"shard", 0, "I/N", O_SHARD, "only the I-th (1..N) of N slices of the "
	 "sorted file list"},
	{"force", 0, NULL, O_FORCE, "analyse again what a run recorded"},
	{"no-diffs", 0, NULL, O_NO_DIFFS, "no heap diffs of consecutive "
	 "snapshots"},
	{"quiet", 'q', NULL, 'q', "no '# file: ...' summary lines (text)"},
	{"progress", 0, NULL, O_PROGRESS, "progress bar on stderr even when "
	 "that is no terminal (-q: never)"},
	{"help", 'h', NULL, O_HELP, "this help"},
	{NULL, 0, NULL, 0, NULL}};

const fe_optdef *fe_optdefs(void)
{
	return optdefs;
}

const fe_optdef *fe_optdef_find(const char *name, size_t len)
{
	size_t k;

	for (k = 0; optdefs[k].name; k++)
		if (strlen(optdefs[k].name) == len &&
		    !strncmp(optdefs[k].name, name, len))
			return &optdefs[k];
	return NULL;
}

/* The long options of one command, for getopt_long: abbreviations are
 * matched against these only. */
typedef struct optset {
	struct option lo[64];
	char shorts[32];
	unsigned n;
} optset;

static void optset_add(optset *os, const fe_optdef *d)
{
	unsigned k;

	for (k = 0; k < os->n; k++)
		if (!strcmp(os->lo[k].name, d->name))
			return;
	if (os->n + 1 >= sizeof(os->lo) / sizeof(os->lo[0]))
		return;
	os->lo[os->n].name = d->name;
	os->lo[os->n].has_arg = d->arg ? required_argument : no_argument;
	os->lo[os->n].flag = NULL;
	os->lo[os->n].val = d->id;
	os->n++;
	memset(&os->lo[os->n], 0, sizeof(os->lo[0]));
	if (d->shrt) {
		size_t l = strlen(os->shorts);
		if (l + 3 < sizeof(os->shorts)) {
			os->shorts[l++] = d->shrt;
			if (d->arg)
				os->shorts[l++] = ':';
			os->shorts[l] = '\0';
		}
	}
}

/* 1 when `arg` ("--name" or "--name=value") abbreviates two or more of
 * the command's long options (getopt_long rejects it like an unknown
 * one); lists them. */
static int ambiguous(const optset *os, const char *arg, char *alts,
		     size_t size)
{
	size_t len, k, used = 0;
	int n = 0;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	alts[0] = '\0';
	for (k = 0; k < os->n; k++) {
		int w;
		if (strncmp(os->lo[k].name, arg, len) != 0)
			continue;
		w = snprintf(alts + used, size - used, "%s--%s",
			     n ? ", " : "", os->lo[k].name);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
		n++;
	}
	return n >= 2;
}

/* edit distance of a[0..la) and b (small strings): insertions,
 * deletions, substitutions and swaps of two neighbours ("tpo" is one
 * edit from "top") */
size_t fe_edit_distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), i, j, d[3][64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		size_t *cur = d[i % 3], *up = d[(i + 2) % 3];
		size_t *up2 = d[(i + 1) % 3];
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = up[j - 1] + (a[i - 1] != b[j - 1]);
			if (up[j] + 1 < best)
				best = up[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return d[la % 3][lb];
}

/* the close enough: at most 1 edit in a short word, 2 in a longer one */
int fe_near(size_t dist, size_t len)
{
	return dist <= (len <= 4 ? 1u : 2u);
}

/* The unknown long option "--name[=v]": "did you mean '--x'?" among the
 * command's own options, or that another command takes it. */
static int unknown_long(const optset *os, const char *opt, const char *cmd,
			const char *cmdsp)
{
	const char *name = opt + 2;
	size_t len = strcspn(name, "="), k, best = (size_t)-1, d;
	const char *pick = NULL, *other = NULL;
	const fe_optdef *g = fe_optdef_find(name, len);
	char users[160];

	for (k = 0; !g && optdefs[k].name; k++)
		if (!strncmp(optdefs[k].name, name, len)) {
			if (other) {
				other = NULL;
				break;
			}
			other = optdefs[k].name;
		}
	if (!g && other)
		g = fe_optdef_find(other, strlen(other));
	if (g) {
		fe_cmd_users(users, sizeof(users), cmd, g->name);
		return fe_usage_error(cmdsp, "%s does not take --%s%s", cmd,
				      g->name, users);
	}
	for (k = 0; k < os->n; k++) {
		d = fe_edit_distance(name, len, os->lo[k].name);
		if (d < best) {
			best = d;
			pick = os->lo[k].name;
		}
	}
	if (pick && fe_near(best, len))
		return fe_usage_error(cmdsp, "%s: unknown option '--%.*s'; did "
				      "you mean '--%s'?", cmd, (int)len, name,
				      pick);
	return fe_usage_error(cmdsp, "%s: unknown option '%s'", cmd, opt);
}

static unsigned needs(int c)
{
	switch (c) {
	case O_FORMAT: return FE_OPT_FORMAT;
	case 'o': return FE_OPT_OUT;
	case O_DB:
	case O_REPLACE: return FE_OPT_DB;
	case 'n': return FE_OPT_TOP;
	case O_FILTER:
	case O_EXCLUDE: return FE_OPT_FILTER;
	case O_WEIGHTS: return FE_OPT_WEIGHTS;
	case O_FROM:
	case O_TO: return FE_OPT_WINDOW;
	case O_MAX_DEPTH:
	case O_MIN_PERCENT:
	case O_FOCUS: return FE_OPT_TREE;
	case 'q': return FE_OPT_QUIET;
	case O_PATHS: return FE_OPT_PATHS;
	case O_ALL_OBJECTS: return FE_OPT_ALL_OBJECTS;
	case O_DEPTH: return FE_OPT_DEPTH;
	case O_MIN_SIZE: return FE_OPT_MIN_SIZE;
	case O_PROFILE: return FE_OPT_PROFILE;
	case O_ABSOLUTE: return FE_OPT_ABSOLUTE;
	case O_WIDTH:
	case O_HEIGHT:
	case O_PALETTE:
	case O_TITLE:
	case O_SUBTITLE:
	case O_MIN_WIDTH:
	case O_INVERTED: return FE_OPT_IMAGE;
	case O_CHART: return FE_OPT_CHART;
	case O_SORT: return FE_OPT_SORT;
	case O_EXPLAIN: return FE_OPT_EXPLAIN;
	case O_MIN_COUNT: return FE_OPT_MIN_COUNT;
	case O_BYTES: return FE_OPT_BYTES;
	case 'j':
	case O_MEM:
	case O_SHARD:
	case O_FORCE:
	case O_NO_DIFFS: return FE_OPT_BATCH;
	default: return 0;
	}
}

/* "512M", "8G", "1.5GiB", "1000000" into bytes; 0 when it is none. */
static uint64_t parse_size(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v > 0) || *s == '-')
		return 0;
	switch (*end) {
	case 'k': case 'K': v *= 1024.0; break;
	case 'm': case 'M': v *= 1024.0 * 1024; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; break;
	case 't': case 'T': v *= 1024.0 * 1024 * 1024 * 1024; break;
	default: goto bytes;
	}
	end++;
	if (*end == 'i')
		end++;
bytes:
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v < 1 || v >= 1.8e19)
		return 0;
	return (uint64_t)v;
}

/* "I/N" with 1 <= I <= N <= 10^6 */
static int parse_shard(const char *s, uint32_t *i, uint32_t *n)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
		return 0;
	b = strtoul(end + 1, &end, 10);
	if (errno || *end || !a || !b || a > b || b > 1000000)
		return 0;
	*i = (uint32_t)a;
	*n = (uint32_t)b;
	return 1;
}

static int parse_num(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out);
}

/* whole pixels from min to 32767 (--width, --height) */
static int parse_pixels(const char *s, double min, double *out)
{
	double v;

	if (!parse_num(s, &v) || v < min || v > 32767 || v != floor(v))
		return 0;
	*out = v;
	return 1;
}

/* "PID:TID": two whole numbers (pids and tids may be negative in
 * hand-made traces) */
static int parse_thread(const char *s, int64_t *pid, int64_t *tid)
{
	char *end;
	long long a, b;

	errno = 0;
	a = strtoll(s, &end, 10);
	if (errno || end == s || *end != ':')
		return 0;
	s = end + 1;
	b = strtoll(s, &end, 10);
	if (errno || end == s || *end != '\0')
		return 0;
	*pid = a;
	*tid = b;
	return 1;
}

static int add_pattern(an_filter **f, an_filter_kind kind, const char *re,
		       const char *cmd)
{
	an_error err;

	an_error_clear(&err);
	if (!*f && an_filter_new(f, &err) < 0) {
		return fe_fail(NULL, &err);
	}
	if (an_filter_add(*f, kind, re, &err) < 0)
		return fe_usage_error(cmd, "%s", err.message);
	return FE_EXIT_OK;
}

unsigned fe_cmd_allowed(const fe_cmddef *def)
{
	unsigned bits = 0;
	size_t k;

	for (k = 0; optdefs[k].name; k++)
		if (fe_cmd_takes(def, optdefs[k].name))
			bits |= needs(optdefs[k].id);
	if (bits & FE_OPT_IMAGE) {
		if (!(def->formats & FE_FMTS_TABLE))
			bits &= ~(unsigned)FE_OPT_FORMAT;
	}
	return bits;
}

/* A whole number in [min, max] for option opt, or a usage error that
 * names the value given. */
static int parse_count(double *v, const char *s, double min, double max,
		       const char *opt, const char *cmdsp, const char *hint)
{
	if (!parse_num(s, v) || *v != floor(*v))
		return fe_usage_error(cmdsp, "%s needs a whole number, not "
				      "'%s'", opt, s);
	if (*v < min || *v > max)
		return fe_usage_error(cmdsp, "'%s' for %s is %s: %s takes "
				      "%.0f..%.0f%s", s, opt,
				      *v < 0 ? "negative" : *v < min ?
				      "too small" : "too large", opt, min,
				      max, hint);
	return FE_EXIT_OK;
}

int fe_parse(fe_opts *o, int argc, char **argv, unsigned allowed,
	     const char *cmd, const char *help, int *done)
{
	an_cpu_opts cpu = AN_CPU_OPTS_INIT;
	const fe_cmddef *def = fe_cmd_find(cmd);
	int c, rc, progress = 0;
	double v;
	char cmdsp[64];
	optset os;
	size_t k;

	snprintf(cmdsp, sizeof(cmdsp), "%s ", cmd);
	memset(o, 0, sizeof(*o));
	o->cpu = cpu;
	o->top = -1;
	o->max_depth = -1;
	o->min_width = -1;
	*done = 0;
	memset(&os, 0, sizeof(os));
	if (def) {
		/* the command's options are those its table entry lists */
		allowed = fe_cmd_allowed(def);
		for (k = 0; optdefs[k].name; k++)
			if (fe_cmd_takes(def, optdefs[k].name) ||
			    optdefs[k].id == O_HELP)
				optset_add(&os, &optdefs[k]);
	} else {
		for (k = 0; optdefs[k].name; k++)
			if (!needs(optdefs[k].id) ||
			    (allowed & needs(optdefs[k].id)) ||
			    (optdefs[k].id == O_DEPTH &&
			     (allowed & FE_OPT_TREE)) ||
			    (optdefs[k].id == O_FORMAT &&
			     (allowed & FE_OPT_IMAGE)))
				optset_add(&os, &optdefs[k]);
	}
	optind = 1;
	opterr = 0;
	for (;;) {
		int li = -1;
		char optname[64], alts[160], shorts[40];
		const char *opt = optname;
		snprintf(shorts, sizeof(shorts), ":%s", os.shorts);
		c = getopt_long(argc, argv, shorts, os.lo, &li);
		if (c == -1)
			break;
		/* the option as the user wrote it, for messages */
		if (li >= 0)
			snprintf(optname, sizeof(optname), "--%s",
				 os.lo[li].name);
		else if ((c == '?' || c == ':') && optopt > 0 && optopt < 256)
			snprintf(optname, sizeof(optname), "-%c", optopt);
		else if (c == '?' || c == ':')
			snprintf(optname, sizeof(optname), "%s",
				 argv[optind - 1]);
		else
			snprintf(optname, sizeof(optname), "-%c", c);
		if (c == ':')
			return fe_usage_error(cmdsp, "%s: option %s needs a "
					      "value", cmd, opt);
		if (c == '?' && ambiguous(&os, opt, alts, sizeof(alts)))
			return fe_usage_error(cmdsp, "%s: option '%.*s' is "
					      "ambiguous: %s", cmd,
					      (int)strcspn(opt, "="), opt,
					      alts);
		if (c == '?' && !strncmp(opt, "--", 2))
			return unknown_long(&os, opt, cmd, cmdsp);
		if (c == '?' && optopt > 0 && optopt < 256) {
			for (k = 0; optdefs[k].name; k++)
				if (optdefs[k].shrt == optopt)
					break;
			if (optdefs[k].name) {
				fe_cmd_users(alts, sizeof(alts), cmd,
					     optdefs[k].name);
				return fe_usage_error(cmdsp, "%s does not take "
						      "-%c%s", cmd, optopt,
						      alts);
			}
		}
		if (c == '?')
			return fe_usage_error(cmdsp, "%s: unknown option '%s'",
					      cmd, opt);
		if (c == O_HELP || c == 'h') {
			if (def)
				fe_cmd_help(stdout, def);
			else
				fputs(help, stdout);
			*done = 1;
			return FE_EXIT_OK;
		}
		if (needs(c) && !(allowed & needs(c)) &&
		    !(needs(c) == FE_OPT_DEPTH && (allowed & FE_OPT_TREE)) &&
		    !(c == O_FORMAT && (allowed & FE_OPT_IMAGE)))
			return fe_usage_error(cmdsp, "%s does not take %s", cmd,
					      opt);
		switch (c) {
		case O_FORMAT:
			/* tables: text, json, csv (FE_OPT_FORMAT); pictures:
			 * svg, png, pdf (FE_OPT_IMAGE); cpu diff takes both */
			o->format_set = 1;
			if ((allowed & FE_OPT_IMAGE) && !strcmp(optarg, "svg"))
				o->format = FE_SVG;
			else if ((allowed & FE_OPT_IMAGE) &&
				 !strcmp(optarg, "png"))
				o->format = FE_PNG;
			else if ((allowed & FE_OPT_IMAGE) &&
				 !strcmp(optarg, "pdf"))
				o->format = FE_PDF;
			else if ((allowed & FE_OPT_IMAGE) &&
				 !(allowed & FE_OPT_FORMAT) &&
				 !strcmp(optarg, "speedscope"))
				o->format = FE_SPEEDSCOPE;
			else if ((allowed & FE_OPT_FORMAT) &&
				 !strcmp(optarg, "text"))
				o->format = FE_TEXT;
			else if ((allowed & FE_OPT_FORMAT) &&
				 !strcmp(optarg, "json"))
				o->format = FE_JSON;
			else if ((allowed & FE_OPT_FORMAT) &&
				 !strcmp(optarg, "csv"))
				o->format = FE_CSV;
			else if (!(allowed & FE_OPT_FORMAT))
				return fe_usage_error(cmdsp,
					"--format must be svg, png, pdf or "
					"speedscope, not '%s'", optarg);
			else if (allowed & FE_OPT_IMAGE)
				return fe_usage_error(cmdsp,
					"--format must be text, json, csv, "
					"svg, png or pdf, not '%s'", optarg);
			else
				return fe_usage_error(cmdsp,
					"--format must be text, json or csv");
			break;
		case 'o': o->out = optarg; break;
		case O_DB: o->db = optarg; break;
		case O_REPLACE: o->replace = 1; break;
		case 'n':
			rc = parse_count(&v, optarg, 0, 1e9, "-n", cmdsp,
					 " (0 = all)");
			if (rc)
				return rc;
			o->top = (long)v;
			o->top_set = 1;
			break;
		case O_FILTER:
		case O_EXCLUDE:
			rc = add_pattern(&o->filter,
					 c == O_FILTER ? AN_FILTER_INCLUDE :
							 AN_FILTER_EXCLUDE,
					 optarg, cmdsp);
			if (rc)
				return rc;
			fe_note_pattern(o->patterns, sizeof(o->patterns),
					c == O_FILTER ? "--filter" :
							"--exclude", optarg);
			break;
		case O_FOCUS:
			rc = add_pattern(&o->focus, AN_FILTER_INCLUDE, optarg,
					 cmdsp);
			if (rc)
				return rc;
			fe_note_pattern(o->focus_patterns,
					sizeof(o->focus_patterns), "--focus",
					optarg);
			break;
		case O_WEIGHTS:
			if (!strcmp(optarg, "time"))
				o->cpu.weights = AN_WEIGHTS_TIME;
			else if (!strcmp(optarg, "hits"))
				o->cpu.weights = AN_WEIGHTS_HITS;
			else
				return fe_usage_error(cmdsp,
					"--weights must be time or hits");
			break;
		case O_FROM:
		case O_TO:
			if (!parse_num(optarg, &v) || v < 0 || v > 1e12)
				return fe_usage_error(cmdsp,
					"%s needs milliseconds >= 0", opt);
			if (c == O_FROM)
				o->cpu.from_us = llround(v * 1000);
			else
				o->cpu.to_us = llround(v * 1000);
			break;
		case O_MIN_SIZE:
			rc = parse_count(&v, optarg, 0, 1e18, opt, cmdsp,
					 " bytes");
			if (rc)
				return rc;
			o->min_size = (uint64_t)v;
			break;
		case O_DEPTH:
		case O_MAX_DEPTH:
			rc = parse_count(&v, optarg, 0, 1e9, opt, cmdsp, "");
			if (rc)
				return rc;
			o->max_depth = (long)v;
			break;
		case O_MIN_PERCENT:
			if (!parse_num(optarg, &v) || v < 0 || v > 100)
				return fe_usage_error(cmdsp,
					"--min-percent needs 0..100");
			o->min_percent = v;
			break;
		case 'q': o->quiet = 1; break;
		case O_PATHS:
			rc = parse_count(&v, optarg, 1, 100, opt, cmdsp, "");
			if (rc)
				return rc;
			o->paths = (unsigned)v;
			break;
		case O_ALL_OBJECTS: o->all_objects = 1; break;
		case O_PROFILE:
			if (!parse_thread(optarg, &o->pick_pid, &o->pick_tid))
				return fe_usage_error(cmdsp,
					"--profile needs PID:TID (profkit "
					"info lists a trace's profiles)");
			o->pick = 1;
			break;
		case O_ABSOLUTE: o->absolute = 1; break;
		case O_BYTES: o->bytes = 1; break;
		case O_WIDTH:
			if (!parse_pixels(optarg, 200, &o->width))
				return fe_usage_error(cmdsp,
					"--width needs whole pixels "
					"200..32767, not '%s'", optarg);
			break;
		case O_HEIGHT:
			if (!parse_pixels(optarg, 100, &o->height))
				return fe_usage_error(cmdsp,
					"--height needs whole pixels "
					"100..32767, not '%s'", optarg);
			break;
		case O_PALETTE:
			if (!strcmp(optarg, "kind"))
				o->palette = AN_FLAME_PALETTE_KIND;
			else if (!strcmp(optarg, "hot"))
				o->palette = AN_FLAME_PALETTE_HOT;
			else if (!strcmp(optarg, "mem"))
				o->palette = AN_FLAME_PALETTE_MEM;
			else if (!strcmp(optarg, "gray") ||
				 !strcmp(optarg, "grey"))
				o->palette = AN_FLAME_PALETTE_GRAY;
			else
				return fe_usage_error(cmdsp,
					"--palette must be kind, hot, mem or "
					"gray, not '%s'", optarg);
			break;
		case O_TITLE: o->title = optarg; break;
		case O_SUBTITLE: o->subtitle = optarg; break;
		case O_MIN_WIDTH:
			if (!parse_num(optarg, &v) || v < 0 || v > 1000)
				return fe_usage_error(cmdsp,
					"--min-width needs pixels 0..1000, not "
					"'%s'", optarg);
			o->min_width = v;
			break;
		case O_INVERTED: o->inverted = 1; break;
		case O_CHART: o->chart = 1; break;
		case O_PROGRESS: progress = 1; break;
		case O_SORT:
			/* the command checks the key */
			o->sort = optarg;
			o->sort_set = 1;
			o->sort_weight = !strcmp(optarg, "weight");
			break;
		case O_EXPLAIN:
			rc = parse_count(&v, optarg, 0, 1e6, opt, cmdsp, "");
			if (rc)
				return rc;
			o->explain = (long)v;
			o->explain_set = 1;
			break;
		case O_MIN_COUNT:
			if (!parse_num(optarg, &v) || v < 0 || v > 1e18 ||
			    v != floor(v))
				return fe_usage_error(cmdsp, "--min-count "
					"needs a whole number >= 0");
			o->min_count = (uint64_t)v;
			break;
		case 'j':
			rc = parse_count(&v, optarg, 1, 1024, opt, cmdsp, "");
			if (rc)
				return rc;
			o->jobs = (unsigned)v;
			break;
		case O_MEM:
			if (!(o->mem = parse_size(optarg)))
				return fe_usage_error(cmdsp, "--mem needs a "
					"size like 8G or 512M, not '%s'",
					optarg);
			break;
		case O_SHARD:
			if (!parse_shard(optarg, &o->shard, &o->shards))
				return fe_usage_error(cmdsp, "--shard needs "
					"I/N with 1 <= I <= N, not '%s'",
					optarg);
			break;
		case O_FORCE: o->force = 1; break;
		case O_NO_DIFFS: o->no_diffs = 1; break;
		default:
			return fe_usage_error(cmdsp, "%s: bad option", cmd);
		}
	}
	if (o->cpu.from_us != AN_CPU_UNBOUNDED &&
	    o->cpu.to_us != AN_CPU_UNBOUNDED && o->cpu.to_us <= o->cpu.from_us)
		return fe_usage_error(cmdsp, "--to must be after --from");
	/* the bar: -q silences it, --progress forces it, else a terminal */
	fe_progress_mode(o->quiet ? FE_PROGRESS_OFF :
			 progress ? FE_PROGRESS_ON : FE_PROGRESS_AUTO);
	fe_report_bytes(o->bytes);
	fe_out_hold_stdout(o->db != NULL);
	o->args = argv + optind;
	o->nargs = argc - optind;
	return fe_out_check(o);
}

void fe_opts_free(fe_opts *o)
{
	an_filter_free(o->filter);
	an_filter_free(o->focus);
	o->filter = o->focus = NULL;
}

int fe_parse_group(fe_opts *o, const fe_subcmd **sc, char *cmdname,
		   size_t cap, int argc, char **argv, const char *group,
		   const char *group_help, const fe_subcmd *subs,
		   size_t nsubs)
{
	char prefix[32];
	size_t i;
	int rc, done;

	*sc = NULL;
	memset(o, 0, sizeof(*o));
	if (argc < 2) {
		fprintf(stderr, "profkit: %s: no command given\n", group);
		fputs(group_help, stderr);
		return FE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(group_help, stdout);
		return FE_EXIT_OK;
	}
	for (i = 0; i < nsubs; i++)
		if (!strcmp(argv[1], subs[i].name))
			*sc = &subs[i];
	if (!*sc) {
		const char *near = NULL;
		size_t best = (size_t)-1, d;
		for (i = 0; i < nsubs; i++) {
			d = fe_edit_distance(argv[1], strlen(argv[1]),
					     subs[i].name);
			if (d < best) {
				best = d;
				near = subs[i].name;
			}
		}
		snprintf(prefix, sizeof(prefix), "%s ", group);
		if (near && argv[1][0] != '-' &&
		    fe_near(best, strlen(argv[1])))
			return fe_usage_error(prefix, "%s: unknown command "
					      "'%s'; did you mean '%s %s'?",
					      group, argv[1], group, near);
		return fe_usage_error(prefix, "%s: unknown command '%s'", group,
				      argv[1]);
	}
	snprintf(cmdname, cap, "%s %s", group, (*sc)->name);
	rc = fe_parse(o, argc - 1, argv + 1, (*sc)->opts, cmdname,
		      (*sc)->help, &done);
	if (rc || done) {
		fe_opts_free(o);
		*sc = NULL;
	}
	return rc;
}

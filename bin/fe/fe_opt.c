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
	O_EXPLAIN, O_MIN_COUNT, O_REPLACE
};

static const struct option long_opts[] = {
	{"format", required_argument, NULL, O_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"db", required_argument, NULL, O_DB},
	{"replace", no_argument, NULL, O_REPLACE},
	{"top", required_argument, NULL, 'n'},
	{"filter", required_argument, NULL, O_FILTER},
	{"exclude", required_argument, NULL, O_EXCLUDE},
	{"weights", required_argument, NULL, O_WEIGHTS},
	{"from", required_argument, NULL, O_FROM},
	{"to", required_argument, NULL, O_TO},
	{"max-depth", required_argument, NULL, O_MAX_DEPTH},
	{"min-percent", required_argument, NULL, O_MIN_PERCENT},
	{"focus", required_argument, NULL, O_FOCUS},
	{"paths", required_argument, NULL, O_PATHS},
	{"all-objects", no_argument, NULL, O_ALL_OBJECTS},
	{"depth", required_argument, NULL, O_DEPTH},
	{"min-size", required_argument, NULL, O_MIN_SIZE},
	{"profile", required_argument, NULL, O_PROFILE},
	{"absolute", no_argument, NULL, O_ABSOLUTE},
	{"width", required_argument, NULL, O_WIDTH},
	{"title", required_argument, NULL, O_TITLE},
	{"subtitle", required_argument, NULL, O_SUBTITLE},
	{"min-width", required_argument, NULL, O_MIN_WIDTH},
	{"sort", required_argument, NULL, O_SORT},
	{"inverted", no_argument, NULL, O_INVERTED},
	{"chart", no_argument, NULL, O_CHART},
	{"explain", required_argument, NULL, O_EXPLAIN},
	{"min-count", required_argument, NULL, O_MIN_COUNT},
	{"quiet", no_argument, NULL, 'q'},
	{"progress", no_argument, NULL, O_PROGRESS},
	{"help", no_argument, NULL, O_HELP},
	{NULL, 0, NULL, 0}};

/* 1 when `arg` ("--name" or "--name=value") abbreviates two or more long
 * options (getopt_long rejects it like an unknown one); lists them. */
static int ambiguous(const char *arg, char *alts, size_t size)
{
	size_t len, k, used = 0;
	int n = 0;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	alts[0] = '\0';
	for (k = 0; long_opts[k].name; k++) {
		int w;
		if (strncmp(long_opts[k].name, arg, len) != 0)
			continue;
		w = snprintf(alts + used, size - used, "%s--%s",
			     n ? ", " : "", long_opts[k].name);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
		n++;
	}
	return n >= 2;
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
	case O_TITLE:
	case O_SUBTITLE:
	case O_MIN_WIDTH:
	case O_INVERTED: return FE_OPT_IMAGE;
	case O_CHART: return FE_OPT_CHART;
	case O_SORT: return FE_OPT_SORT;
	case O_EXPLAIN: return FE_OPT_EXPLAIN;
	case O_MIN_COUNT: return FE_OPT_MIN_COUNT;
	default: return 0;
	}
}

static int parse_num(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out);
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

int fe_parse(fe_opts *o, int argc, char **argv, unsigned allowed,
	     const char *cmd, const char *help, int *done)
{
	an_cpu_opts cpu = AN_CPU_OPTS_INIT;
	int c, rc, progress = 0;
	double v;
	char cmdsp[64];

	snprintf(cmdsp, sizeof(cmdsp), "%s ", cmd);
	memset(o, 0, sizeof(*o));
	o->cpu = cpu;
	o->top = -1;
	o->max_depth = -1;
	o->min_width = -1;
	*done = 0;
	optind = 1;
	opterr = 0;
	for (;;) {
		int li = -1;
		char optname[64], alts[160];
		const char *opt = optname;
		c = getopt_long(argc, argv, ":o:n:qh", long_opts, &li);
		if (c == -1)
			break;
		/* the option as the user wrote it, for messages */
		if (li >= 0)
			snprintf(optname, sizeof(optname), "--%s",
				 long_opts[li].name);
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
		if (c == '?' && ambiguous(opt, alts, sizeof(alts)))
			return fe_usage_error(cmdsp, "%s: option '%.*s' is "
					      "ambiguous: %s", cmd,
					      (int)strcspn(opt, "="), opt, alts);
		if (c == '?')
			return fe_usage_error(cmdsp, "%s: unknown option '%s'",
					      cmd, opt);
		if (c == O_HELP || c == 'h') {
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
			if (!parse_num(optarg, &v) || v < 0 || v > 1e9 ||
			    v != floor(v))
				return fe_usage_error(cmdsp,
					"-n needs a whole number >= 0");
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
			if (!parse_num(optarg, &v) || v < 0 || v > 1e18 ||
			    v != floor(v))
				return fe_usage_error(cmdsp,
					"--min-size needs a whole number of "
					"bytes");
			o->min_size = (uint64_t)v;
			break;
		case O_DEPTH:
		case O_MAX_DEPTH:
			if (!parse_num(optarg, &v) || v < 0 || v > 1e9 ||
			    v != floor(v))
				return fe_usage_error(cmdsp,
					"--max-depth needs a whole number");
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
			if (!parse_num(optarg, &v) || v < 1 || v > 100 ||
			    v != floor(v))
				return fe_usage_error(cmdsp,
					"--paths needs a whole number 1..100");
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
		case O_WIDTH:
			if (!parse_num(optarg, &v) || v < 200 || v > 32767 ||
			    v != floor(v))
				return fe_usage_error(cmdsp,
					"--width needs whole pixels 200..32767, "
					"not '%s'", optarg);
			o->width = v;
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
			if (!parse_num(optarg, &v) || v < 0 || v > 1e6 ||
			    v != floor(v))
				return fe_usage_error(cmdsp,
					"--explain needs a whole number >= 0");
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
		snprintf(prefix, sizeof(prefix), "%s ", group);
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

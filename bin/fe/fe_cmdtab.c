/*
 * fe_cmdtab.c - the command table: for every profkit command its
 * operands, what it prints, the options it takes with the help line of
 * each, and real examples. fe_parse checks options against it, --help
 * and `profkit help` print it, docs/options.md is generated from it
 * (`profkit help --options-md`; a test keeps the two equal).
 */
#include <string.h>

#include "fe.h"

/* option lists shared by several commands */
#define CPU_INPUT "weights\nfrom\nto\nprofile\n"
#define OUT_TAIL "output\nprogress\n"
#define TABLE_FMT "format\nquiet\n"
#define PIC_OPTS                                                              \
	"width\nheight\ntitle\nsubtitle\nmin-width\ninverted\n"

#define CPU_NOTES                                                             \
	"FILE may be gzipped; '-' reads standard input. Trace JSON (Profile "  \
	"and ProfileChunk events, one profile per thread) is read wherever a " \
	".cpuprofile is. Times: ms in text (s when the profile lasts a "      \
	"minute or more), us in JSON and CSV."
#define HEAP_NOTES                                                            \
	"FILE may be gzipped; '-' reads standard input. Sizes: kB, MB, GB "   \
	"(of 1000 bytes, as DevTools) in text, --bytes for whole bytes; "     \
	"bytes in JSON and CSV."

static const fe_cmddef cmds[] = {
	{"info", "FILE...",
	 "Kind, size and counts of each artifact: for CPU profiles nodes, "
	 "functions, samples, duration, mean sampling interval and maximum "
	 "stack depth; for heap snapshots nodes, edges, total size (as "
	 "DevTools), V8 heap and native bytes, classes; for traces the events, "
	 "processes, threads, time span and every CPU profile (one per "
	 "thread; '*' marks the one described, [default] the one cpu commands "
	 "read without --profile). The kind is detected from the content.",
	 "profile\tdescribe that thread's profile of a trace\n"
	 "format\n"
	 "quiet\tno progress bar\n" OUT_TAIL,
	 "FILE may be gzipped; '-' reads standard input. info takes no -n, "
	 "--filter or --db: it prints one record per file.",
	 "profkit info app.cpuprofile\n"
	 "profkit info --format json trace.json.gz\n"
	 "profkit info *.heapsnapshot\n",
	 FE_FMTS_TABLE},
	{"cpu top", "FILE",
	 "Functions by self time (bottom-up): self, total (recursion counted "
	 "once), their shares of the profile, name and url:line:column "
	 "(1-based).",
	 "top\tshow N functions (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "filter\tonly functions whose name or url match RE\n"
	 "exclude\thide functions whose name or url match RE\n"
	 TABLE_FMT CPU_INPUT OUT_TAIL "db\nreplace\n",
	 CPU_NOTES,
	 "profkit cpu top app.cpuprofile -n 20\n"
	 "profkit cpu top app.cpuprofile --exclude '^\\((idle|program)\\)$'\n"
	 "profkit cpu top trace.json.gz --from 2000 --to 5000 --format csv\n",
	 FE_FMTS_TABLE},
	{"cpu tree", "FILE",
	 "Top-down call tree: total, self and name of every call path, "
	 "children by total time.",
	 "max-depth\tstop N levels below the root\n"
	 "depth\tthe same as --max-depth\n"
	 "min-percent\thide nodes below P% of the total (default 0)\n"
	 "focus\tonly the subtrees of functions matching RE\n"
	 "filter\tonly paths leading to a matching function\n"
	 "exclude\thide matching functions and their subtrees\n"
	 "top\tat most N children per node (0 = all)\n"
	 TABLE_FMT CPU_INPUT OUT_TAIL "db\nreplace\n",
	 CPU_NOTES,
	 "profkit cpu tree app.cpuprofile --min-percent 5\n"
	 "profkit cpu tree app.cpuprofile --focus '^handleRequest$' "
	 "--max-depth 3\n",
	 FE_FMTS_TABLE},
	{"cpu lines", "FILE",
	 "Hot source lines from positionTicks (or a trace's per-sample "
	 "lines), summed per url:line.",
	 "top\tshow N lines (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "filter\tonly lines whose url or function name match RE\n"
	 "exclude\thide lines whose url or function name match RE\n"
	 TABLE_FMT CPU_INPUT OUT_TAIL "db\nreplace\n",
	 CPU_NOTES,
	 "profkit cpu lines app.cpuprofile -n 10\n"
	 "profkit cpu lines app.cpuprofile --filter 'src/parser'\n",
	 FE_FMTS_TABLE},
	{"cpu callers", "FILE RE",
	 "Who calls the functions matching RE (name or url): their callers, "
	 "merged by function, innermost first, with the time spent in the "
	 "matching functions through each path.",
	 "max-depth\tat most N caller levels\n"
	 "depth\tthe same as --max-depth\n"
	 "min-percent\thide paths below P% of the total\n"
	 "top\tat most N entries per level (0 = all)\n"
	 TABLE_FMT CPU_INPUT OUT_TAIL "db\nreplace\n",
	 "RE selects the functions: there is no --filter or --exclude. "
	 CPU_NOTES,
	 "profkit cpu callers app.cpuprofile '^JSON.parse$'\n"
	 "profkit cpu callers app.cpuprofile gc --max-depth 3\n",
	 FE_FMTS_TABLE},
	{"cpu callees", "FILE RE",
	 "What the functions matching RE (name or url) call: the call trees "
	 "below their outermost occurrences, merged by function.",
	 "max-depth\tat most N levels\n"
	 "depth\tthe same as --max-depth\n"
	 "min-percent\thide entries below P% of the total\n"
	 "top\tat most N entries per level (0 = all)\n"
	 TABLE_FMT CPU_INPUT OUT_TAIL "db\nreplace\n",
	 "RE selects the functions: there is no --filter or --exclude. "
	 CPU_NOTES,
	 "profkit cpu callees app.cpuprofile '^handleRequest$'\n"
	 "profkit cpu callees app.cpuprofile render --min-percent 1\n",
	 FE_FMTS_TABLE},
	{"cpu folded", "FILE",
	 "Folded stacks (one 'frame;frame;... weight' line per stack, weight "
	 "in microseconds), input for flamegraph.pl, inferno and speedscope. "
	 "Weights sum to the profile total. Frames are 'name url:line:col'; "
	 "(garbage collector) sits on top of the stack it interrupted.",
	 "filter\tkeep stacks containing a matching frame\n"
	 "exclude\tdrop stacks containing a matching frame\n"
	 CPU_INPUT OUT_TAIL "db\nreplace\n",
	 "The folded format is the output: there is no --format, -n or -q. "
	 CPU_NOTES,
	 "profkit cpu folded app.cpuprofile | flamegraph.pl > app.svg\n"
	 "profkit cpu folded app.cpuprofile --exclude '\\(idle\\)' -o "
	 "app.folded\n",
	 FE_FMTS_NONE},
	{"cpu flame", "FILE -o OUT.svg|png|pdf",
	 "Flame graph of the profile, drawn with cairo: one box per call "
	 "path, as wide as its total time, callers below callees; siblings "
	 "by name. (garbage collector) sits on top of the stack it "
	 "interrupted. SVG boxes show name, location, self and total on "
	 "hover.",
	 "output\tthe picture (replaced atomically); without it, SVG on "
	 "stdout when that is no terminal\n"
	 "format\tsvg, png, pdf or speedscope, whatever OUT's extension "
	 "(speedscope: the same tree as a speedscope file)\n"
	 PIC_OPTS "palette\n"
	 "sort\tname or weight: order of siblings (default name)\n"
	 "filter\tonly stacks with a frame matching RE\n"
	 "exclude\tdrop stacks with a frame matching RE\n"
	 "focus\troot the graph at the outermost frames of the functions "
	 "matching RE\n"
	 "chart\n"
	 CPU_INPUT "progress\n",
	 "The format follows OUT's extension. " CPU_NOTES,
	 "profkit cpu flame app.cpuprofile -o app.svg\n"
	 "profkit cpu flame app.cpuprofile --chart -o chart.png\n"
	 "profkit cpu flame trace.json.gz --profile 4242:4242 -o worker.pdf\n",
	 FE_FMTS_PICTURE},
	{"cpu diff", "BASE TARGET",
	 "Per function (name, url, line, column; not scriptId), self and "
	 "total time in BASE and TARGET and how they changed, largest self "
	 "change first: how a regression between two releases is found. "
	 "Changes are in points of each profile's total, or in ms with "
	 "--absolute. A function on one side only is marked [new] or [gone]; "
	 "ratio is target/base self.",
	 "absolute\n"
	 "top\tshow N functions (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "filter\tonly functions whose name or url match RE\n"
	 "exclude\thide functions whose name or url match RE\n"
	 "format\ttext, json, csv, or a picture: svg, png, pdf (default "
	 "text, or a picture by -o's extension)\n"
	 "quiet\n"
	 CPU_INPUT
	 "output\twrite to FILE (replaced atomically); FILE.svg|png|pdf gets "
	 "the differential flame graph: widths from TARGET, red where self "
	 "time grew, blue where it shrank\n"
	 PIC_OPTS
	 "sort\tname or weight: order of siblings in the picture\n"
	 "db\talso store both profiles (once each) and every row in SQLite "
	 "FILE (cpu_diff)\n"
	 "replace\n"
	 "progress\n",
	 "BASE and TARGET may be gzipped; one of them may be '-' (stdin). "
	 "--weights, --from, --to and --profile apply to both.",
	 "profkit cpu diff v1.cpuprofile v2.cpuprofile -n 10\n"
	 "profkit cpu diff v1.cpuprofile v2.cpuprofile --absolute --format "
	 "csv\n"
	 "profkit cpu diff v1.cpuprofile v2.cpuprofile -o diff.svg\n",
	 FE_FMTS_BOTH},
	{"heap summary", "FILE",
	 "DevTools' Summary view: per class the object count, shallow size, "
	 "retained size (of the topmost members only) and minimum distance, "
	 "sorted by retained size; preceded by the Statistics breakdown and "
	 "the bytes held outside the V8 heap by ArrayBuffer backing stores.",
	 "top\tshow N classes (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "filter\tonly classes whose name matches RE\n"
	 "exclude\thide classes whose name matches RE\n"
	 "bytes\n" TABLE_FMT OUT_TAIL
	 "db\talso store the analysis in SQLite FILE: every class and the "
	 FE_XSTR(FE_DB_TOP_OBJECTS) " objects with the largest retained sizes "
	 "(-n, --filter and --exclude only change what is printed)\n"
	 "replace\n"
	 "all-objects\twith --db: store every object (a bigger, slower "
	 "database)\n",
	 HEAP_NOTES,
	 "profkit heap summary app.heapsnapshot -n 10\n"
	 "profkit heap summary app.heapsnapshot --filter '^(Array|Map)$'\n"
	 "profkit heap summary app.heapsnapshot.gz -q --db heap.db\n",
	 FE_FMTS_TABLE},
	{"heap top", "FILE",
	 "Objects by retained size: @id, class, name, shallow and retained "
	 "size, distance.",
	 "top\tshow N objects (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "filter\tonly objects whose class name matches RE\n"
	 "exclude\thide objects whose class name matches RE\n"
	 "bytes\n" TABLE_FMT OUT_TAIL,
	 HEAP_NOTES,
	 "profkit heap top app.heapsnapshot -n 10\n"
	 "profkit heap top app.heapsnapshot --filter Buffer --format json\n",
	 FE_FMTS_TABLE},
	{"heap show", "FILE @ID",
	 "One object in full (DevTools' Containment view): class, name, "
	 "sizes, distance, dominator, its outgoing edges sorted by the "
	 "target's retained size, and its incoming edges in Retainers order.",
	 "top\tat most N edges each way (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "format\ttext, json or csv (default text; CSV: a row for the object, "
	 "then one per edge and per retainer)\n"
	 "quiet\n" "bytes\n" OUT_TAIL,
	 "One object: there is no --filter. " HEAP_NOTES,
	 "profkit heap show app.heapsnapshot @76943\n"
	 "profkit heap show app.heapsnapshot @76943 -n 0 --format json\n",
	 FE_FMTS_TABLE},
	{"heap dominators", "FILE [@ID]",
	 "The dominator subtree of @ID (default: the root) as an indented "
	 "tree, children by retained size.",
	 "depth\tlevels below @ID (default " FE_XSTR(FE_DEFAULT_DOM_DEPTH)
	 ")\n"
	 "max-depth\tthe same as --depth\n"
	 "min-size\thide subtrees retaining less than BYTES\n"
	 "min-percent\thide subtrees below P% of the total\n"
	 "top\tat most N children per node (default "
	 FE_XSTR(FE_DEFAULT_DOM_CHILDREN) ", 0 = all)\n"
	 "bytes\n" TABLE_FMT OUT_TAIL,
	 "A tree of objects: there is no --filter (--min-size and "
	 "--min-percent prune it). " HEAP_NOTES,
	 "profkit heap dominators app.heapsnapshot\n"
	 "profkit heap dominators app.heapsnapshot @76943 --depth 2 -n 20\n"
	 "profkit heap dominators app.heapsnapshot --min-size 1000000\n",
	 FE_FMTS_TABLE},
	{"heap retainers", "FILE @ID",
	 "The retainer chain from @ID up to a GC root in DevTools' order: "
	 "each step follows the first retainer (lowest distance, then largest "
	 "retained size) until distance 1 or a node already in the chain.",
	 "paths\tthe K first distinct chains (default "
	 FE_XSTR(FE_DEFAULT_PATHS) "): the Kth starts at @ID's Kth retainer\n"
	 "top\tthe same as --paths K (0 = all, at most 100)\n"
	 "depth\tat most N steps (default " FE_XSTR(FE_DEFAULT_CHAIN_STEPS)
	 ", as DevTools' view expands; 0 = up to the root)\n"
	 "bytes\n" TABLE_FMT OUT_TAIL,
	 "Chains of one object: there is no --filter. " HEAP_NOTES,
	 "profkit heap retainers app.heapsnapshot @76943\n"
	 "profkit heap retainers app.heapsnapshot @76943 -n 3 --depth 0\n",
	 FE_FMTS_TABLE},
	{"heap flame", "FILE -o OUT.svg|png|pdf",
	 "The dominator tree as a flame graph: one box per object, on top of "
	 "the object that dominates it (keeps it alive alone), as wide as its "
	 "retained size; labels 'Class @id'. SVG boxes show name and sizes "
	 "on hover.",
	 "output\tthe picture (replaced atomically); without it, SVG on "
	 "stdout when that is no terminal\n"
	 "format\tsvg, png, pdf or speedscope, whatever OUT's extension\n"
	 "min-size\tmerge objects retaining less into grey slivers (default: "
	 "those under 1 px)\n"
	 "min-width\tthe same in pixels (default 1)\n"
	 "sort\tweight (default: retained size, as the dominators view) or "
	 "name (class name)\n"
	 "width\n" "height\n" "title\n" "subtitle\n" "inverted\n"
	 "palette\n" "progress\n",
	 "The format follows OUT's extension. FILE may be gzipped; '-' reads "
	 "standard input.",
	 "profkit heap flame app.heapsnapshot -o heap.svg\n"
	 "profkit heap flame app.heapsnapshot --min-size 100000 -o heap.png\n",
	 FE_FMTS_PICTURE},
	{"heap diff", "BASE TARGET",
	 "DevTools' Comparison view: per class the objects new in TARGET, "
	 "deleted from BASE, the count delta and the allocated, freed and "
	 "delta shallow sizes. Only classes with new or deleted objects, by "
	 "alloc size. Warns (stderr, exit 0) when the two share almost no "
	 "object ids or when BASE looks newer than TARGET.",
	 "top\tshow N classes (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "sort\talloc (default: alloc size), delta (size delta), freed "
	 "(freed size), count (count delta); largest first; for a picture "
	 "name or weight\n"
	 "filter\tonly classes whose name matches RE\n"
	 "exclude\thide classes whose name matches RE\n"
	 "explain\tfor the K shown classes that grew most, the retainer path "
	 "holding most of their new objects (default "
	 FE_XSTR(FE_DEFAULT_EXPLAIN) " in text, 0 in JSON; never in CSV)\n"
	 "bytes\n"
	 "format\ttext, json, csv, or a picture: svg, png, pdf (default "
	 "text, or a picture by -o's extension)\n"
	 "quiet\n"
	 "output\twrite to FILE (replaced atomically); FILE.svg|png|pdf gets "
	 "the growth graph: the new objects (as heap leaks finds them, less "
	 "those another one dominates) as wide as their retained size, along "
	 "their retainer paths from a GC root, a frame per step and one for "
	 "their class on top\n"
	 PIC_OPTS "palette\n"
	 "progress\n"
	 "db\talso store both snapshots (once each) and every row in SQLite "
	 "FILE (heap_diff)\n"
	 "replace\n",
	 "BASE and TARGET may be gzipped; one of them may be '-' (stdin). "
	 "Sizes: kB, MB, GB (of 1000 bytes, as DevTools) in text, --bytes "
	 "for whole bytes. With a picture --sort is name or weight (siblings "
	 "by class name, or largest first: the default) and --explain is not "
	 "taken.",
	 "profkit heap diff before.heapsnapshot after.heapsnapshot\n"
	 "profkit heap diff before.heapsnapshot after.heapsnapshot --sort "
	 "count --explain 3\n"
	 "profkit heap diff before.heapsnapshot after.heapsnapshot -o "
	 "growth.svg\n",
	 FE_FMTS_BOTH},
	{"heap leaks", "BASE TARGET [FINAL]",
	 "memlab's find-leaks: objects new in TARGET (ids not in BASE) and, "
	 "with FINAL, still there in FINAL, less the trivial ones (code, VM "
	 "internals, native and synthetic nodes, strings under "
	 FE_XSTR(AN_HEAP_LEAKS_MIN_STRING) " B); one dominated by another is "
	 "counted in it; the rest clustered by class and shortest retainer "
	 "path from a GC root, ranked by their retained size (no byte counted "
	 "twice), each with a representative @id and the path. Take BASE "
	 "before an action, TARGET after it and FINAL after undoing it.",
	 "top\tshow N clusters (default " FE_XSTR(FE_DEFAULT_ROWS)
	 ", 0 = all)\n"
	 "min-count\n"
	 "min-size\thide clusters retaining less than BYTES\n"
	 "bytes\n" TABLE_FMT OUT_TAIL
	 "db\talso store the snapshots (once each) and the clusters in SQLite "
	 "FILE (heap_leak_cluster)\n"
	 "replace\n",
	 "BASE, TARGET and FINAL may be gzipped; one of them may be '-' "
	 "(stdin). Sizes: kB, MB, GB (of 1000 bytes, as DevTools) in text, "
	 "--bytes for whole bytes.",
	 "profkit heap leaks before.heapsnapshot after.heapsnapshot\n"
	 "profkit heap leaks before.heapsnapshot after.heapsnapshot "
	 "undone.heapsnapshot --min-count 10\n",
	 FE_FMTS_TABLE},
	{"ingest", "PATH... --db FILE",
	 "Every artifact under PATH (files and folders, recursively; "
	 ".cpuprofile, trace JSON with all its thread profiles, "
	 ".heapsnapshot, .heapprofile; plain, gzip or zstd; recognised by "
	 "content) analysed in parallel into one SQLite database, stored as "
	 "the per-artifact commands store it. Each file in a transaction of "
	 "its own: an interrupted run keeps what finished, and a rerun skips "
	 "every file whose path, size and mtime a run recorded. Bad artifacts "
	 "are recorded as failed with their reason and do not stop the run. "
	 "Consecutive snapshots of a folder (by name) get their heap diff "
	 "stored. A summary on stdout; a progress line on stderr when it is a "
	 "terminal.",
	 "db\tthe database (created when missing)\n"
	 "jobs\n"
	 "mem\tmemory the analyses may use together (K, M, G suffixes; "
	 "default 80% of the available memory, within a container's cgroup "
	 "limit); a file estimated to need more fails\n"
	 "shard\tonly the I-th (1..N) of N contiguous slices of the sorted "
	 "file list (fan-out; combine the databases with 'profkit merge')\n"
	 "force\n"
	 "no-diffs\n"
	 "all-objects\tstore every heap object (as heap summary --db)\n"
	 "format\tthe summary as text (default) or json (every file)\n"
	 "quiet\tno progress line\n"
	 "progress\n",
	 "Exit status: 0 every file went in (or was skipped as no artifact), "
	 "1 some failed (now or in an earlier run), 2 usage error.",
	 "profkit ingest incident-4711/ --db incident.db\n"
	 "profkit ingest exports/ --db part3.db --shard 3/8 -j 4\n"
	 "parallel profkit ingest exports/ --db s{}.db --shard {}/4 ::: 1 2 3 "
	 "4\n",
	 FE_FMTS_TABLE},
	{"merge", "A.db B.db... -o ALL.db",
	 "Copies every row of the databases given (e.g. the shards of "
	 "'profkit ingest --shard I/N') into ALL.db, created when missing, in "
	 "one transaction: on any error ALL.db is left as it was. An artifact "
	 "(same sha256, and thread profile for traces) is stored once; heap "
	 "diffs a shard made against a snapshot another shard analysed are "
	 "joined to that snapshot's analysis.",
	 "output\tthe merged database (required; not one of the inputs)\n"
	 "quiet\tno summary line\n",
	 "The inputs are only read; they must be of this profkit's schema "
	 "version.",
	 "profkit merge shard-*.db -o incident.db\n"
	 "profkit merge s1.db s2.db -o all.db -q\n",
	 FE_FMTS_NONE},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0}};

const fe_cmddef *fe_cmds(void)
{
	return cmds;
}

const fe_cmddef *fe_cmd_find(const char *name)
{
	size_t k;

	for (k = 0; cmds[k].name; k++)
		if (!strcmp(cmds[k].name, name))
			return &cmds[k];
	return NULL;
}

/* The line of opts naming `opt`, its length in *len, or NULL. */
static const char *opt_line(const fe_cmddef *c, const char *opt,
			    size_t *len)
{
	const char *p = c->opts;
	size_t n = strlen(opt);

	while (*p) {
		size_t l = strcspn(p, "\n");
		size_t nl = strcspn(p, "\t\n");
		if (nl == n && !strncmp(p, opt, n)) {
			*len = l;
			return p;
		}
		p += l + (p[l] == '\n');
	}
	return NULL;
}

int fe_cmd_takes(const fe_cmddef *c, const char *opt)
{
	size_t len;

	return opt_line(c, opt, &len) != NULL;
}

void fe_cmd_users(char *buf, size_t cap, const char *cmd, const char *opt)
{
	size_t k, used = 0, glen = strcspn(cmd, " ");
	int n = 0, w, same = 0, pass;

	buf[0] = '\0';
	/* the commands of the same group when some take it, else all */
	for (k = 0; cmds[k].name; k++)
		if (fe_cmd_takes(&cmds[k], opt) &&
		    !strncmp(cmds[k].name, cmd, glen) &&
		    cmds[k].name[glen] == ' ')
			same = 1;
	for (pass = 0, k = 0; cmds[k].name; k++) {
		if (!fe_cmd_takes(&cmds[k], opt) ||
		    (same && (strncmp(cmds[k].name, cmd, glen) ||
			      cmds[k].name[glen] != ' ')))
			continue;
		w = snprintf(buf + used, cap - used, "%s%s",
			     n++ ? ", " : " (", cmds[k].name);
		if (w < 0 || (size_t)w >= cap - used - 6) {
			buf[used] = '\0';
			break;
		}
		used += (size_t)w;
		pass = 1;
	}
	if (pass)
		snprintf(buf + used, cap - used, " %s)", n > 1 ? "do" : "does");
}

/* "-n, --top N" */
static void opt_label(char *buf, size_t cap, const fe_optdef *d)
{
	if (d->shrt)
		snprintf(buf, cap, "-%c, --%s%s%s", d->shrt, d->name,
			 d->arg ? " " : "", d->arg ? d->arg : "");
	else
		snprintf(buf, cap, "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
}

/* s[0..len) wrapped at 78 columns: the first line goes on from column
 * col (0: starts a line), the others start after `indent` spaces */
static void wrap(FILE *f, const char *s, size_t len, int indent, int col)
{
	size_t at = 0;

	while (at < len) {
		size_t room = 78 - (size_t)(col ? col : indent);
		size_t take = len - at, k;
		if (take > room) {
			take = room;
			for (k = take; k > 0 && s[at + k] != ' '; k--)
				;
			if (k > 0)
				take = k;
		}
		if (col == 0)
			fprintf(f, "%*s", indent, "");
		fprintf(f, "%.*s\n", (int)take, s + at);
		at += take;
		while (at < len && s[at] == ' ')
			at++;
		col = 0;
	}
}

/* the help line of one option line ("name\thelp" or "name") */
static const char *line_help(const char *line, size_t len,
			     const fe_optdef *d, size_t *hlen)
{
	size_t nl = strcspn(line, "\t\n");

	if (nl < len) {
		*hlen = len - nl - 1;
		return line + nl + 1;
	}
	*hlen = strlen(d->help);
	return d->help;
}

void fe_cmd_help(FILE *f, const fe_cmddef *c)
{
	const fe_optdef *d;
	const char *p, *h;
	char label[64], anchor[64];
	size_t k, hlen;

	fprintf(f, "Usage: profkit %s [OPTIONS] %s\n", c->name, c->args);
	wrap(f, c->about, strlen(c->about), 0, 0);
	fputs("\nOptions:\n", f);
	for (d = fe_optdefs(); d->name; d++) {
		size_t len;
		p = opt_line(c, d->name, &len);
		if (!p && strcmp(d->name, "help") != 0)
			continue;
		h = p ? line_help(p, len, d, &hlen) : d->help;
		if (!p)
			hlen = strlen(h);
		opt_label(label, sizeof(label), d);
		fprintf(f, "  %-22s", label);
		if (strlen(label) > 22) {
			fputc('\n', f);
			wrap(f, h, hlen, 25, 0);
		} else {
			fputc(' ', f);
			wrap(f, h, hlen, 25, 25);
		}
	}
	if (c->notes) {
		fputc('\n', f);
		wrap(f, c->notes, strlen(c->notes), 0, 0);
	}
	fputs("\nExamples:\n", f);
	for (p = c->examples; *p;) {
		size_t l = strcspn(p, "\n");
		fprintf(f, "  %.*s\n", (int)l, p);
		p += l + (p[l] == '\n');
	}
	for (k = 0; c->name[k] && k + 1 < sizeof(anchor); k++)
		anchor[k] = c->name[k] == ' ' ? '-' : c->name[k];
	anchor[k] = '\0';
	fprintf(f, "\nDocs: man profkit; docs/cli.md#profkit-%s\n", anchor);
}

/* markdown table cell: '|' escaped */
static void md_cell(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '|')
			fputc('\\', f);
		fputc(s[i], f);
	}
}

void fe_cmd_markdown(FILE *f)
{
	const fe_cmddef *c;
	const fe_optdef *d;
	char label[64];

	fputs("# profkit — the options of every command\n\n"
	      "<!-- Generated by `profkit help --options-md` from "
	      "bin/fe/fe_cmdtab.c;\n"
	      "     do not edit: the docs_options test compares the two. "
	      "-->\n\n"
	      "Each command takes the options listed under it and no other "
	      "(an abbreviation\n"
	      "of a long option is matched against these only). `-h`, "
	      "`--help` prints the\n"
	      "same list; `profkit help COMMAND` does too.\n", f);
	for (c = fe_cmds(); c->name; c++) {
		fprintf(f, "\n## profkit %s %s\n\n", c->name, c->args);
		fputs("| option | meaning |\n|---|---|\n", f);
		for (d = fe_optdefs(); d->name; d++) {
			const char *p, *h;
			size_t len, hlen;
			p = opt_line(c, d->name, &len);
			if (!p && strcmp(d->name, "help") != 0)
				continue;
			if (p) {
				h = line_help(p, len, d, &hlen);
			} else {
				h = d->help;
				hlen = strlen(h);
			}
			opt_label(label, sizeof(label), d);
			fputs("| `", f);
			md_cell(f, label, strlen(label));
			fputs("` | ", f);
			md_cell(f, h, hlen);
			fputs(" |\n", f);
		}
		if (c->notes)
			fprintf(f, "\n%s\n", c->notes);
	}
}

/*
 * profkit.c - entry point of the `profkit` command: dispatches to the
 * command groups (info, cpu). Holds no analysis logic.
 */
#include <signal.h>
#include <string.h>

#include "fe/fe.h"

static const char usage[] =
	"Usage: profkit COMMAND [OPTIONS] FILE...\n"
	"Offline analysis of V8 / Node.js profiling artifacts.\n"
	"\n"
	"Commands:\n"
	"  info FILE...              kind, size and counts of artifacts\n"
	"  cpu top FILE              functions by self time\n"
	"  cpu tree FILE             top-down call tree\n"
	"  cpu lines FILE            hot source lines\n"
	"  cpu callers FILE RE       who calls functions matching RE\n"
	"  cpu callees FILE RE       what functions matching RE call\n"
	"  cpu folded FILE           folded stacks (flame graph input)\n"
	"  cpu flame FILE -o X.svg   flame graph or chart (SVG, PNG, PDF)\n"
	"  cpu diff BASE TARGET      per-function changes between profiles\n"
	"  heap summary FILE         per class: count, shallow, retained\n"
	"  heap top FILE             objects by retained size\n"
	"  heap show FILE @ID        one object, its edges and retainers\n"
	"  heap dominators FILE [@ID]  the dominator tree\n"
	"  heap retainers FILE @ID   the retainer chain to a GC root\n"
	"  heap flame FILE -o X.svg  the dominator tree as a flame graph\n"
	"  heap diff BASE TARGET     DevTools' Comparison, what holds growth\n"
	"  heap leaks BASE TARGET [FINAL]  leak clusters by retainer path\n"
	"  ingest PATH... --db FILE  every artifact under PATH into SQLite\n"
	"  merge A.db B.db... -o ALL.db  combine per-shard databases\n"
	"\n"
	"Inputs: .cpuprofile, Chrome trace JSON, .heapsnapshot, .heapprofile;\n"
	"plain, gzip or zstd; '-' = stdin.\n"
	"Reports take --format text|json|csv and -o FILE; cpu reports, heap\n"
	"summary, both diffs and heap leaks also --db FILE (SQLite). -V,\n"
	"--version prints the version.\n"
	"Run 'profkit COMMAND --help' (or 'profkit help COMMAND') for the\n"
	"options and examples of each. Exit status: 0 success, 1 failure (bad\n"
	"input, I/O), 2 usage error.\n"
	"\n"
	"Examples:\n"
	"  profkit info app.cpuprofile\n"
	"  profkit cpu top app.cpuprofile -n 20\n"
	"  profkit heap summary app.heapsnapshot.gz -n 10\n"
	"\n"
	"Docs: man profkit; docs/cli.md; every option: docs/options.md\n";

/* The command group of argv[0] (info, cpu, heap, ingest, merge), or -1 */
static int dispatch(int argc, char **argv)
{
	if (!strcmp(argv[0], "info"))
		return cmd_info(argc, argv);
	if (!strcmp(argv[0], "cpu"))
		return cmd_cpu(argc, argv);
	if (!strcmp(argv[0], "heap"))
		return cmd_heap(argc, argv);
	if (!strcmp(argv[0], "ingest"))
		return cmd_ingest(argc, argv);
	if (!strcmp(argv[0], "merge"))
		return cmd_merge(argc, argv);
	return -1;
}

/* "unknown command 'X'", with the near misses among the groups and the
 * commands ("did you mean 'cpu top' or 'heap top'?") */
static int unknown_command(const char *word)
{
	static const char *const groups[] = {"info", "cpu", "heap", "ingest",
					     "merge"};
	const fe_cmddef *c;
	char hint[160] = "";
	size_t used = 0, len = strlen(word), k;
	int n = 0, w;

	for (k = 0; k < sizeof(groups) / sizeof(groups[0]); k++)
		if (fe_near(fe_edit_distance(word, len, groups[k]), len)) {
			w = snprintf(hint + used, sizeof(hint) - used,
				     "%s'%s'", n++ ? " or " : "", groups[k]);
			if (w > 0 && (size_t)w < sizeof(hint) - used)
				used += (size_t)w;
		}
	for (c = fe_cmds(); !n && c->name; c++) {
		const char *sub = strchr(c->name, ' ');
		if (!sub || !fe_near(fe_edit_distance(word, len, sub + 1), len))
			continue;
		w = snprintf(hint + used, sizeof(hint) - used, "%s'%s'",
			     used ? " or " : "", c->name);
		if (w > 0 && (size_t)w < sizeof(hint) - used)
			used += (size_t)w;
	}
	if (used)
		return fe_usage_error("", "unknown command '%s'; did you mean "
				      "%s?", word, hint);
	return fe_usage_error("", "unknown command '%s'", word);
}

int main(int argc, char **argv)
{
	char help_opt[] = "--help";
	char *hargv[4];
	int rc;

	/* a closed pipe (profkit ... | head) ends output quietly */
	signal(SIGPIPE, SIG_DFL);
	fe_setprogname("profkit");
	if (argc < 2) {
		fputs("profkit: no command given\n", stderr);
		fputs(usage, stderr);
		return FE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		fputs(usage, stdout);
		return FE_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("profkit %s\n", an_version());
		return FE_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		/* profkit help --options-md: docs/options.md */
		if (argc == 3 && !strcmp(argv[2], "--options-md")) {
			fe_cmd_markdown(stdout);
			return FE_EXIT_OK;
		}
		/* profkit help GROUP [COMMAND] = profkit GROUP [COMMAND]
		 * --help */
		if (argc > 4)
			return fe_usage_error("", "help takes a command: "
					      "'profkit help cpu top'");
		hargv[0] = argv[2];
		hargv[1] = argc == 4 ? argv[3] : help_opt;
		hargv[2] = argc == 4 ? help_opt : NULL;
		hargv[3] = NULL;
		rc = dispatch(argc - 1, hargv);
		return rc < 0 ? unknown_command(argv[2]) : rc;
	}
	rc = dispatch(argc - 1, argv + 1);
	return rc < 0 ? unknown_command(argv[1]) : rc;
}

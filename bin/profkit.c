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
	"Inputs: .cpuprofile, Chrome trace JSON, .heapsnapshot; plain or gzip;\n"
	"'-' = stdin.\n"
	"Reports take --format text|json|csv and -o FILE; cpu reports, heap\n"
	"summary, both diffs and heap leaks also --db FILE (SQLite).\n"
	"--version prints the version.\n"
	"Run 'profkit COMMAND --help' for details. Exit status: 0 success,\n"
	"1 failure (bad input, I/O), 2 usage error.\n";

int main(int argc, char **argv)
{
	/* a closed pipe (profkit ... | head) ends output quietly */
	signal(SIGPIPE, SIG_DFL);
	fe_setprogname("profkit");
	if (argc < 2) {
		fputs("profkit: no command given\n", stderr);
		fputs(usage, stderr);
		return FE_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return FE_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("profkit %s\n", an_version());
		return FE_EXIT_OK;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cpu"))
		return cmd_cpu(argc - 1, argv + 1);
	if (!strcmp(argv[1], "heap"))
		return cmd_heap(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ingest"))
		return cmd_ingest(argc - 1, argv + 1);
	if (!strcmp(argv[1], "merge"))
		return cmd_merge(argc - 1, argv + 1);
	return fe_usage_error("", "unknown command '%s'", argv[1]);
}

/*
 * cmd_merge.c - `profkit merge A.db B.db... -o ALL.db`: combines the
 * databases of a fanned-out ingest (an_store_merge()).
 */
#include <stdlib.h>
#include <string.h>

#include "fe/fe.h"

static const char help[] =
	"Usage: profkit merge A.db B.db... -o ALL.db\n"
	"Copies every row of the databases given (e.g. the shards of\n"
	"'profkit ingest --shard I/N') into ALL.db, created when missing, in\n"
	"one transaction: on any error ALL.db is left as it was. An artifact\n"
	"(same sha256, and thread profile for traces) is stored once; heap\n"
	"diffs a shard made against a snapshot another shard analysed are\n"
	"joined to that snapshot's analysis. The inputs are only read; they\n"
	"must be of this profkit's schema version.\n"
	"  -o FILE     the merged database (required; not one of the inputs)\n"
	"  -q          no summary line\n"
	"  -h, --help  this help\n"
	"Examples:\n"
	"  profkit merge shard-*.db -o incident.db\n"
	"  parallel profkit ingest exports/ --db part{}.db --shard {}/4 ::: "
	"1 2 3 4 &&\n"
	"    profkit merge part?.db -o incident.db\n"
	"See docs/ingest.md (fan-out with GNU parallel or Kubernetes).\n";

int cmd_merge(int argc, char **argv)
{
	const char **in = calloc((size_t)argc, sizeof(*in));
	const char *out = NULL;
	an_store_merge_stats st;
	an_error err;
	size_t n = 0;
	int i, quiet = 0, rc;

	if (!in) {
		fe_errorf("out of memory");
		return FE_EXIT_ERROR;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(help, stdout);
			free(in);
			return FE_EXIT_OK;
		} else if (!strcmp(a, "-o")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				free(in);
				return fe_usage_error("merge",
						      "-o needs a FILE");
			}
			out = argv[++i];
		} else if (!strncmp(a, "-o", 2)) {
			out = a + 2;
		} else if (!strcmp(a, "-q")) {
			quiet = 1;
		} else if (a[0] == '-' && a[1]) {
			free(in);
			return fe_usage_error("merge", "unknown option '%s'",
					      a);
		} else {
			in[n++] = a;
		}
	}
	if (!out || !n) {
		free(in);
		return fe_usage_error("merge", !out ? "-o ALL.db is required"
						    : "no database to merge");
	}
	an_error_clear(&err);
	rc = an_store_merge(&st, out, in, n, &err);
	free(in);
	if (rc < 0)
		return rc == AN_EINVAL ? fe_usage_error("merge", "%s",
							err.message)
				       : fe_fail(out, &err);
	if (!quiet)
		printf("merged %zu database%s into %s: %llu artifacts, %llu "
		       "already there, %llu rows\n",
		       n, n == 1 ? "" : "s", out,
		       (unsigned long long)st.artifacts,
		       (unsigned long long)st.duplicates,
		       (unsigned long long)st.rows);
	return FE_EXIT_OK;
}

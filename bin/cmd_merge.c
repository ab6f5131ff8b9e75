/*
 * cmd_merge.c - `profkit merge A.db B.db... -o ALL.db`: combines the
 * databases of a fanned-out ingest (an_store_merge(); options:
 * fe_cmdtab.c).
 */
#include <string.h>

#include "fe/fe.h"

int cmd_merge(int argc, char **argv)
{
	fe_opts o;
	an_store_merge_stats st;
	an_error err;
	int rc, done;

	rc = fe_parse(&o, argc, argv, 0, "merge", NULL, &done);
	if (rc || done)
		goto out;
	if (!o.out || !o.nargs) {
		rc = fe_usage_error("merge", !o.out ? "-o ALL.db is required"
						    : "no database to merge");
		goto out;
	}
	an_error_clear(&err);
	rc = an_store_merge(&st, o.out, (const char *const *)o.args,
			    (size_t)o.nargs, &err);
	if (rc < 0) {
		rc = rc == AN_EINVAL ? fe_usage_error("merge", "%s",
						      err.message)
				     : fe_fail(o.out, &err);
		goto out;
	}
	rc = FE_EXIT_OK;
	if (!o.quiet)
		printf("merged %d database%s into %s: %llu artifacts, %llu "
		       "already there, %llu rows\n",
		       o.nargs, o.nargs == 1 ? "" : "s", o.out,
		       (unsigned long long)st.artifacts,
		       (unsigned long long)st.duplicates,
		       (unsigned long long)st.rows);
out:
	fe_opts_free(&o);
	return rc;
}

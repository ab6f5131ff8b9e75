/*
 * fe_err.c - diagnostics for the frontends: one line on stderr,
 * "profkit: FILE: message (byte N)".
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "fe.h"

static const char *progname = "profkit";

void fe_setprogname(const char *name)
{
	progname = name;
}

/* An artifact given to the other command group ("this is a
 * heapsnapshot, not a CPU profile"): says which group reads it. */
static int wrong_group(const char *file, const an_error *err)
{
	static const char *const kinds[][3] = {
		{"this is a heapsnapshot, not a", "a heap snapshot", "heap"},
		{"this is a cpuprofile, not a", "a CPU profile", "cpu"},
		{"this is a trace, not a", "a trace", "cpu"}};
	size_t k;

	if (err->code != AN_EFORMAT)
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (strncmp(err->message, kinds[k][0], strlen(kinds[k][0])))
			continue;
		fprintf(stderr, "this is %s, read by the %s commands: "
			"profkit %s %s ", kinds[k][1], kinds[k][2], kinds[k][2],
			kinds[k][2][0] == 'h' ? "summary" : "top");
		fe_text(stderr, file ? file : "FILE",
			strlen(file ? file : "FILE"));
		return 1;
	}
	return 0;
}

void fe_report(const char *file, const an_error *err)
{
	fprintf(stderr, "%s: ", progname);
	if (file) {
		fe_text(stderr, file, strlen(file));
		fputs(": ", stderr);
	}
	if (!wrong_group(file, err))
		fe_text(stderr, err->message, strlen(err->message));
	if (err->offset != AN_NO_OFFSET)
		fprintf(stderr, " (byte %llu)",
			(unsigned long long)err->offset);
	fputc('\n', stderr);
}

void fe_errorf(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int fe_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s%s--help' for more information.\n",
		progname, cmd ? cmd : "",
		cmd && *cmd && cmd[strlen(cmd) - 1] != ' ' ? " " : "");
	return FE_EXIT_USAGE;
}

int fe_exit_code(int status)
{
	return status >= 0 ? FE_EXIT_OK : FE_EXIT_ERROR;
}

int fe_fail(const char *file, const an_error *err)
{
	fe_report(file, err);
	return fe_exit_code(err->code < 0 ? err->code : AN_ERROR);
}

void fe_profile_warnings(const char *file, const an_profile *p)
{
	uint32_t samples, nodes = an_profile_orphans(p, &samples);

	if (!nodes)
		return;
	fprintf(stderr, "%s: ", progname);
	fe_text(stderr, file, strlen(file));
	fprintf(stderr, ": warning: %u node%s whose parent never arrived "
		"(a lost chunk?) and their %u sample%s hang under "
		"(missing parent)\n",
		nodes, nodes == 1 ? "" : "s", samples, samples == 1 ? "" : "s");
}

/*
 * topfn.c - example: the five functions with the most self time in a
 * .cpuprofile (or Chrome trace), through libanalyze's public API only.
 *
 *   topfn FILE.cpuprofile
 *
 * prints one line per function, "self ms  name", like the first column
 * of `profkit cpu top FILE -n 5`, but in exact milliseconds (3 decimals,
 * rounded to the microsecond). On bad input it prints one line on stderr
 * and exits 1. Build: `make` (pkg-config) or CMake (find_package).
 */
#include <stdio.h>

#include <analyze/analyze.h>

#define TOP 5

int main(int argc, char **argv)
{
	an_error err;
	an_source *src = NULL;
	an_profile *prof = NULL;
	an_cpu *cpu = NULL;
	const uint32_t *order;
	uint32_t n, i;
	int rc;

	if (argc != 2) {
		fputs("usage: topfn FILE.cpuprofile\n", stderr);
		return 2;
	}
	an_error_clear(&err);
	rc = an_source_open_path(&src, argv[1], &err);
	if (rc == AN_OK)
		rc = an_profile_load(&prof, src, NULL, &err);
	if (rc == AN_OK)
		rc = an_cpu_analyze(&cpu, prof, NULL, &err);
	if (rc != AN_OK) {
		fprintf(stderr, "topfn: %s: %s\n", argv[1],
			err.message[0] ? err.message : an_status_str(rc));
		goto done;
	}

	n = an_cpu_functions(cpu, &order);
	printf("%10s  %s\n", "self ms", "function");
	for (i = 0; i < n && i < TOP; i++) {
		const an_function *fn = an_profile_function(prof, order[i]);
		/* µs as doubles; whole µs, then ms with 3 decimals */
		long long us = (long long)
			(an_cpu_function_self_us(cpu, order[i]) + 0.5);

		/* names are NUL-terminated in the model (an_str) */
		printf("%6lld.%03lld  %s\n", us / 1000, us % 1000,
		       fn->name.len ? fn->name.ptr : "(anonymous)");
	}
done:
	an_cpu_free(cpu);
	an_profile_free(prof);
	an_source_free(src);
	return rc == AN_OK ? 0 : 1;
}

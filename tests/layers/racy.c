/*
 * racy.c - a deliberate offence for the layer check's own test: a
 * mutable file-scope variable, which tools/check_layers.sh must refuse.
 * Never part of the library.
 */
int an_racy_bump(void);
const char *an_racy_swap(const char *to);

static int counter;                /* .bss */
static const char *greeting = "a"; /* .data.rel.local when PIC */

int an_racy_bump(void)
{
	return ++counter;
}

const char *an_racy_swap(const char *to)
{
	const char *was = greeting;

	greeting = to;
	return was;
}

/*
 * racy.c - a deliberate offence for the layer check's own test: a
 * mutable file-scope variable, which tools/check_layers.sh must refuse.
 * Never part of the library.
 */
int an_racy_bump(void);

static int counter;

int an_racy_bump(void)
{
	return ++counter;
}

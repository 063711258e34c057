#include "cli.h"

void cmd_check_help(FILE *out)
{
	fprintf(out, "usage: vpce check SNAPSHOT [options]\n");
}

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vpce check: not built yet\n");
	return VPCE_EXIT_USAGE;
}

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "util/util.h"

int cli_fail(const struct vpce_error *err)
{
	char msg[2048];

	fprintf(stderr, "vpce: %s\n", vpce_error_format(err, msg, sizeof(msg)));
	return VPCE_EXIT_USAGE;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vpce %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'vpce help %s')\n", cmd);
	return VPCE_EXIT_USAGE;
}

bool cli_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && nc[0])
		return false;
	return isatty(fileno(f)) != 0;
}

int cli_parse_int(const char *s, long min, long max, long *out)
{
	return vpce_parse_long(s, strlen(s), min, max, out);
}

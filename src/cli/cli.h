/* vpce CLI: command table and shared helpers. Only the CLI prints or exits. */
#ifndef VPCE_CLI_H
#define VPCE_CLI_H

#include <stdio.h>
#include "vpce/common.h"
#include "vpce/error.h"
#include "util/banned.h"

/* Exit codes (documented in docs/CLI.md). */
#define VPCE_EXIT_OK 0
#define VPCE_EXIT_EXPECT 1  /* an expectation (--expect, --fail-on) did not hold */
#define VPCE_EXIT_USAGE 2   /* usage or input error */

struct vpce_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);  /* argv[0] is the command name */
	void (*help)(FILE *out);
};

/* One line per command; defined in the cmd_*.c files. */
int cmd_check(int argc, char **argv);
void cmd_check_help(FILE *out);
int cmd_policy(int argc, char **argv);
void cmd_policy_help(FILE *out);
int cmd_plan(int argc, char **argv); void cmd_plan_help(FILE *out);

/* Shared helpers (cli_util.c). */
/* Print "vpce: <formatted error>" on stderr; returns VPCE_EXIT_USAGE. */
int cli_fail(const struct vpce_error *err);
int cli_usage(const char *cmd, const char *fmt, ...) VPCE_PRINTF(2, 3);
/* True when colored output should be used on stream f (tty, NO_COLOR unset). */
bool cli_use_color(FILE *f);
/* Parse a non-negative decimal integer in [min,max]; returns 0 on success. */
int cli_parse_int(const char *s, long min, long max, long *out);

#endif

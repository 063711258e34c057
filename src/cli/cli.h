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
int cmd_audit(int argc, char **argv);
void cmd_audit_help(FILE *out);
int cmd_diagram(int argc, char **argv);
void cmd_diagram_help(FILE *out);
int cmd_report(int argc, char **argv);
void cmd_report_help(FILE *out);

/* Shared helpers (cli_util.c). */
/* Print "vpce: <formatted error>" on stderr; returns VPCE_EXIT_USAGE. */
int cli_fail(const struct vpce_error *err);
int cli_usage(const char *cmd, const char *fmt, ...) VPCE_PRINTF(2, 3);
/* True when colored output should be used on stream f (tty, NO_COLOR unset). */
bool cli_use_color(FILE *f);
/* Parse a non-negative decimal integer in [min,max]; returns 0 on success. */
int cli_parse_int(const char *s, long min, long max, long *out);

/* Progress on stderr for long work: only when stderr is a terminal; the
 * line is redrawn at most every 100 ms and erased by cli_progress_done. */
struct cli_progress {
	const char *label;
	bool tty, shown;
	double last;
};
void cli_progress_init(struct cli_progress *p, const char *label);
void cli_progress_cb(void *ctx, size_t done, size_t total);
void cli_progress_done(struct cli_progress *p);

/* Public service addresses from the bundled ip-ranges.json (loaded on first
 * use), for vpce_engine_options.public_prefixes; same source as check. */
struct vpce_cidr;
struct vpce_ipranges;
struct cli_ipr {
	const char *path;        /* NULL: the bundled copy */
	struct vpce_ipranges *r;
	bool tried;
	char failure[600];
};
size_t cli_public_prefixes(void *ctx, const char *service, const char *region, const struct vpce_cidr **out);
void cli_ipr_release(struct cli_ipr *x);

#endif

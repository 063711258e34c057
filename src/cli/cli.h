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
int cmd_apply(int argc, char **argv);
void cmd_apply_help(FILE *out);
int cmd_export(int argc, char **argv);
void cmd_export_help(FILE *out);
int cmd_snapshot(int argc, char **argv);
void cmd_snapshot_help(FILE *out);
int cmd_plan(int argc, char **argv); void cmd_plan_help(FILE *out);
int cmd_ipranges(int argc, char **argv);
void cmd_ipranges_help(FILE *out);

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
	char sync[160];          /* the syncToken note (cli_snapshot_notes) */
};
size_t cli_public_prefixes(void *ctx, const char *service, const char *region, const struct vpce_cidr **out);
void cli_ipr_release(struct cli_ipr *x);
/* The snapshot-wide notes check and report print: the model's load notes,
 * then where public addresses came from (ip-ranges syncToken, or why not).
 * *out: caller frees the array (the strings belong to m and x). 0 or -1. */
struct vpce_model;
int cli_snapshot_notes(const struct vpce_model *m, struct cli_ipr *x, const char ***out, size_t *n);

/* Every default source x default service, as `vpce check` with no --from/--to
 * decides it (same order). Verdict strings live in the engine. Progress per
 * source on stderr (terminal only). Caller frees v, src and services. */
struct vpce_engine;
struct vpce_model;
struct vpce_verdict;
struct vpce_source;
struct cli_paths {
	struct vpce_verdict *v;
	struct vpce_source *src;   /* src[i] is the source of v[i] */
	size_t n;
	const char **services;
	size_t nservices;
};
int cli_check_all(struct vpce_engine *e, struct cli_paths *out, const char *what, struct vpce_error *err);
void cli_paths_release(struct cli_paths *p);

struct vpce_buf;
/* DOT for the subnet-level rows of p (cmd_diagram.c; also used by report). */
struct vpce_diagram_options;
int cli_diagram_dot(const struct vpce_model *m, const struct cli_paths *p, const struct vpce_diagram_options *o,
		    struct vpce_buf *out, struct vpce_error *err);

/* Run Graphviz `dot -T<format>` on text; output appended to out.
 * Returns 0, -1 when dot is not installed, -2 when it failed (msg says why). */
struct vpce_buf;
int cli_run_dot(const char *format, const char *text, size_t len, struct vpce_buf *out, char *msg, size_t msglen);

/* plan_run.c: flow logs + model -> plan result, for plan, audit and report. */
#include "vpce/plan.h"
struct cli_plan_run {
	struct vpce_ipranges *ipr;
	struct vpce_prices *prices;
	struct vpce_plan_agg *agg;
	struct vpce_plan_result *res;
	struct vpce_flowlog_stats st;
};
/* Reads logs (files, directories, "-") against m; prints errors; returns a
 * VPCE_EXIT_* code. run must be zeroed; release it with cli_plan_run_release. */
int cli_plan_run(const struct vpce_model *m, const char *const *logs, size_t nlogs, const char *ipr_path,
		 const char *prices_path, const struct vpce_flowlog_opts *fopts, unsigned threads,
		 struct cli_plan_run *run);
void cli_plan_run_release(struct cli_plan_run *run);
/* Malformed-line warnings on stderr. */
void cli_plan_warnings(const struct vpce_flowlog_stats *st);

#endif

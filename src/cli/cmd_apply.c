/* vpce apply PLAN.json: create the VPC endpoints a plan asks for (idempotent). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/apply.h"
#include "util/util.h"

void cmd_apply_help(FILE *out)
{
	fprintf(out,
		"usage: vpce apply PLAN.json [--dry-run] [--no-wait] [--wait SECONDS]\n"
		"                  [--profile P] [--region R] [--endpoint-url URL]\n\n"
		"Create the VPC endpoints PLAN.json asks for (format vpce-plan/1, docs/AWS.md).\n"
		"An endpoint that already exists for the same VPC, service and type is left\n"
		"alone; creations carry a ClientToken so retries cannot duplicate them.\n"
		"Prints a JSON report (vpce-apply/1) on stdout, progress on stderr.\n\n"
		"  --dry-run       read-only checks (VPC, subnets, route tables, security\n"
		"                  groups, service); nothing is created\n"
		"  --wait SECONDS  wait for each new endpoint to become available (default 300)\n"
		"  --no-wait       do not wait\n\n"
		"Exit: 0 every action done, 1 some actions failed, 2 usage or plan error.\n");
}

static void progress(void *ud, const char *line)
{
	(void)ud;
	fprintf(stderr, "vpce apply: %s\n", line);
}

int cmd_apply(int argc, char **argv)
{
	struct vpce_aws_options o;
	struct vpce_apply_options ao;
	struct vpce_aws_session *s = NULL;
	struct vpce_buf plan = VPCE_BUF_INIT, report = VPCE_BUF_INIT;
	struct vpce_error err;
	const char *path = NULL;
	int ret = VPCE_EXIT_USAGE, rc;
	long v;

	memset(&o, 0, sizeof(o));
	memset(&ao, 0, sizeof(ao));
	vpce_error_clear(&err);
	ao.progress = progress;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--dry-run") == 0) {
			ao.dry_run = true;
		} else if (strcmp(a, "--no-wait") == 0) {
			ao.wait_seconds = -1;
		} else if (strcmp(a, "--wait") == 0 && val) {
			if (cli_parse_int(val, 1, 3600, &v) != 0)
				return cli_usage("apply", "--wait wants 1..3600 seconds");
			ao.wait_seconds = v;
			i++;
		} else if (strcmp(a, "--profile") == 0 && val) {
			o.profile = val;
			i++;
		} else if (strcmp(a, "--region") == 0 && val) {
			o.region = val;
			i++;
		} else if (strcmp(a, "--endpoint-url") == 0 && val) {
			o.endpoint_url = val;
			i++;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage("apply", "unknown or incomplete option '%s'", a);
		} else if (!path) {
			path = a;
		} else {
			return cli_usage("apply", "unexpected argument '%s'", a);
		}
	}
	if (!path)
		return cli_usage("apply", "PLAN.json is required");
	vpce_buf_init(&plan, (size_t)64 << 20);
	if (vpce_buf_read_file(&plan, path, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	if (vpce_aws_session_new(&o, &s, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	rc = vpce_apply_plan(s, plan.ptr ? plan.ptr : "", plan.len, path, &ao, &report, &err);
	if (report.len)
		fwrite(report.ptr, 1, report.len, stdout);
	if (rc == 0)
		ret = VPCE_EXIT_OK;
	else if (rc == VPCE_EAWS && report.len)
		ret = VPCE_EXIT_EXPECT, cli_fail(&err);
	else
		cli_fail(&err);
out:
	vpce_buf_release(&plan);
	vpce_buf_release(&report);
	vpce_aws_session_free(s);
	return ret;
}

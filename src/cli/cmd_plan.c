/* vpce plan — which endpoints pay off, measured from VPC Flow Logs. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "vpce/plan.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_plan_help(FILE *out)
{
	fprintf(out,
		"usage: vpce plan SNAPSHOT --flow-logs PATH... [--format table|json] [--out plan.json]\n"
		"                 [--prices FILE] [--format-fields \"${version} ...\"] [--threads N]\n"
		"                 [--ip-ranges FILE] [--region R]\n\n"
		"Measures from VPC Flow Logs which traffic goes through NAT gateways, internet\n"
		"gateways and endpoints (each connection once), prices it per region, scales the\n"
		"window to a 730-hour month, and recommends gateway endpoints, interface endpoints,\n"
		"endpoint deletions and AZ changes with their monthly saving (docs/PLAN.md).\n\n"
		"  SNAPSHOT            a directory of AWS CLI describe-* JSON files, or one file\n"
		"  --flow-logs PATH... flow log files or directories (plain or gzip), or -\n"
		"  --format F          table (default) or json (the plan.json document)\n"
		"  --out FILE          also write plan.json to FILE\n"
		"  --prices FILE       prices (default: the bundled data/prices.json)\n"
		"  --format-fields F   field order of files without a header line\n"
		"  --threads N         files read in parallel, and a plain file of 32 MiB or more\n"
		"                      split over the threads (default: online cores, max 8)\n"
		"  --ip-ranges FILE    AWS ip-ranges.json (default: the bundled copy)\n"
		"  --region R          region when folder and AZ names don't tell\n\n"
		"Exit: 0 ran, 2 usage or input error (unreadable snapshot, bad prices file).\n");
}

static void note_skipped(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	fprintf(stderr, "vpce: note: skipped %s: %s\n", path, why);
}

static int write_file(const char *path, const struct vpce_buf *b)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(b->ptr, 1, b->len, f) == b->len;
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

int cmd_plan(int argc, char **argv)
{
	const char *snapshot = NULL, *format = "table", *outpath = NULL, *prices_path = NULL, *fields = NULL;
	const char *ipr_path = NULL, *region = NULL;
	const char **logs = NULL;
	size_t nlogs = 0, alogs = 0;
	struct vpce_snapshot_options sopts = { NULL, note_skipped, NULL };
	struct vpce_model *m = NULL;
	struct cli_plan_run run;
	const struct vpce_ipranges *ipr = NULL;
	const struct vpce_plan_result *res = NULL;
	struct vpce_flowlog_format fmt;
	struct vpce_flowlog_opts fopts;
	struct vpce_buf out = VPCE_BUF_INIT, json = VPCE_BUF_INIT;
	struct vpce_error err;
	long threads = 0;
	int rc = VPCE_EXIT_USAGE;

	memset(&fopts, 0, sizeof(fopts));
	memset(&run, 0, sizeof(run));
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--flow-logs") == 0) {
			if (!val || (val[0] == '-' && val[1] == '-')) {
				rc = cli_usage("plan", "--flow-logs needs at least one PATH");
				goto out;
			}
			while (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))
				if (VPCE_ARRAY_PUSH(logs, nlogs, alogs, argv[++i]) != 0)
					goto oom;
			continue;
		}
		if ((strcmp(a, "--format") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "--prices") == 0 ||
		     strcmp(a, "--format-fields") == 0 || strcmp(a, "--threads") == 0 || strcmp(a, "--ip-ranges") == 0 ||
		     strcmp(a, "--region") == 0) && !val) {
			rc = cli_usage("plan", "%s needs a value", a);
			goto out;
		}
		if (strcmp(a, "--format") == 0) {
			if (strcmp(val, "table") != 0 && strcmp(val, "json") != 0) {
				rc = cli_usage("plan", "--format: expected table or json, got '%s'", val);
				goto out;
			}
			format = val;
		} else if (strcmp(a, "--out") == 0) {
			outpath = val;
		} else if (strcmp(a, "--prices") == 0) {
			prices_path = val;
		} else if (strcmp(a, "--format-fields") == 0) {
			fields = val;
		} else if (strcmp(a, "--ip-ranges") == 0) {
			ipr_path = val;
		} else if (strcmp(a, "--region") == 0) {
			region = val;
		} else if (strcmp(a, "--threads") == 0) {
			if (cli_parse_int(val, 1, 64, &threads) != 0) {
				rc = cli_usage("plan", "--threads: expected 1-64, got '%s'", val);
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage("plan", "unknown option '%s'", a);
			goto out;
		} else if (!snapshot) {
			snapshot = a;
			continue;
		} else {
			rc = cli_usage("plan", "unexpected argument '%s'", a);
			goto out;
		}
		i++;
	}
	if (!snapshot) {
		rc = cli_usage("plan", "missing SNAPSHOT");
		goto out;
	}
	if (!nlogs) {
		rc = cli_usage("plan", "missing --flow-logs PATH");
		goto out;
	}
	if (fields) {
		if (vpce_flowlog_format_parse(fields, strlen(fields), &fmt, &err) != 0) {
			fprintf(stderr, "vpce plan: --format-fields:%u: %s\n", err.col, err.message);
			goto out;
		}
		fopts.format = &fmt;
	}
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n < 1 ? 1 : n > 8 ? 8 : n;
	}
	sopts.region = region;
	if (vpce_snapshot_load(snapshot, &sopts, &m, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if ((rc = cli_plan_run(m, logs, nlogs, ipr_path, prices_path, &fopts, (unsigned)threads, &run)) != 0)
		goto out;
	ipr = run.ipr;
	res = run.res;
	if (strcmp(format, "json") == 0 || outpath) {
		char src[512];
		snprintf(src, sizeof(src), "%s (ip-ranges syncToken %s)", prices_path ? prices_path : "bundled data/prices.json",
			 vpce_ipranges_sync_token(ipr));
		if (vpce_plan_render_json(&json, res, &run.st, src) != 0)
			goto oom;
	}
	if (outpath && write_file(outpath, &json) != 0) {
		fprintf(stderr, "vpce: %s: cannot write\n", outpath);
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		fwrite(json.ptr, 1, json.len, stdout);
	} else {
		if (vpce_plan_render_table(&out, res, &run.st) != 0)
			goto oom;
		fwrite(out.ptr, 1, out.len, stdout);
	}
	fflush(stdout);
	cli_plan_warnings(&run.st);
	rc = VPCE_EXIT_OK;
	goto out;
oom:
	fprintf(stderr, "vpce plan: out of memory\n");
	rc = VPCE_EXIT_USAGE;
out:
	vpce_buf_release(&out);
	vpce_buf_release(&json);
	free(logs);
	cli_plan_run_release(&run);
	vpce_model_free(m);
	return rc;
}

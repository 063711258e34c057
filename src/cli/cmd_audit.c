/* vpce audit — findings with stable ids over a snapshot (docs/AUDIT.md). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/audit.h"
#include "vpce/buf.h"
#include "vpce/path.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_audit_help(FILE *out)
{
	fprintf(out,
		"usage: vpce audit SNAPSHOT [--format table|json|sarif] [--min-severity SEV]\n"
		"                  [--fail-on SEV] [--region R] [--central-threshold N]\n"
		"                  [--flow-logs PATH]... [--prices FILE]\n"
		"       vpce audit --list-rules [--format table|json]\n\n"
		"Checks a snapshot against the rules in docs/AUDIT.md (VPCE001...): gateway\n"
		"endpoints missing from route tables, single-AZ interface endpoints, endpoint\n"
		"security groups, private DNS, endpoint policies, endpoint states, incomplete\n"
		"endpoint sets (ECR, Session Manager, EKS), centralisation candidates, NACLs.\n"
		"Each finding names the resource, the reason, the fix and the AWS page.\n\n"
		"  --format F            table (default), json or sarif (SARIF 2.1.0)\n"
		"  --min-severity SEV    show only findings at or above: low (default), medium,\n"
		"                        high, critical\n"
		"  --fail-on SEV         exit 1 when a finding at or above SEV exists\n"
		"  --region R            region when folder and AZ names don't tell\n"
		"  --central-threshold N VPCs with the same endpoint service before VPCE015 (default 3)\n"
		"  --flow-logs PATH    VPC Flow Logs: adds VPCE017 (interface endpoints that cost more\n"
		"                      than the traffic they carry, as 'vpce plan' measures it)\n"
		"  --prices FILE       prices for that (default: the bundled data/prices.json)\n"
		"  --list-rules          print the rule table (id, severity, name, AWS page) and exit\n\n"
		"Exit: 0 ran (no finding at or above --fail-on), 1 findings at or above --fail-on,\n"
		"2 usage or input error.\n");
}

static void note_skipped(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	fprintf(stderr, "vpce: note: skipped %s: %s\n", path, why);
}

static int list_rules(const char *format)
{
	size_t n;
	const struct vpce_audit_rule *r = vpce_audit_rules(&n);
	struct vpce_buf b = VPCE_BUF_INIT;

	if (strcmp(format, "json") == 0) {
		vpce_buf_puts(&b, "{\n  \"rules\": [");
		for (size_t i = 0; i < n; i++) {
			vpce_buf_printf(&b, "%s\n    {\"id\": \"%s\", \"rule\": \"%s\", \"severity\": \"%s\", \"title\": ",
					i ? "," : "", r[i].id, r[i].name, vpce_severity_name(r[i].severity));
			vpce_buf_put_json_str(&b, r[i].title);
			vpce_buf_puts(&b, ",\n     \"doc\": {\"title\": ");
			vpce_buf_put_json_str(&b, r[i].doc_title);
			vpce_buf_puts(&b, ", \"url\": ");
			vpce_buf_put_json_str(&b, r[i].doc_url);
			vpce_buf_puts(&b, "}}");
		}
		vpce_buf_puts(&b, "\n  ]\n}\n");
	} else {
		for (size_t i = 0; i < n; i++)
			vpce_buf_printf(&b, "%-8s %-8s %-40s %s\n         %s\n", r[i].id, vpce_severity_name(r[i].severity),
					r[i].name, r[i].title, r[i].doc_url);
	}
	if (b.failed) {
		vpce_buf_release(&b);
		fprintf(stderr, "vpce audit: out of memory\n");
		return VPCE_EXIT_USAGE;
	}
	fwrite(b.ptr, 1, b.len, stdout);
	vpce_buf_release(&b);
	return VPCE_EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
	const char *snapshot = NULL, *format = "table", *region = NULL;
	int min_sev = VPCE_SEV_LOW, fail_on = -1;
	bool rules_only = false;
	struct vpce_snapshot_options sopts = { NULL, note_skipped, NULL };
	struct vpce_engine_options eopts;
	struct vpce_audit_options aopts;
	struct vpce_model *m = NULL;
	struct vpce_engine *e = NULL;
	struct vpce_audit *a = NULL;
	struct vpce_buf out = VPCE_BUF_INIT;
	struct vpce_error err;
	struct cli_progress prog;
	struct cli_ipr ipr;
	struct cli_plan_run run;
	const char **logs = NULL, *prices_path = NULL;
	size_t nlogs = 0, alogs = 0;
	int rc = VPCE_EXIT_USAGE;

	memset(&run, 0, sizeof(run));
	memset(&eopts, 0, sizeof(eopts));
	memset(&aopts, 0, sizeof(aopts));
	memset(&ipr, 0, sizeof(ipr));
	eopts.public_prefixes = cli_public_prefixes;
	eopts.public_ctx = &ipr;
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a_ = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a_, "--format") == 0 || strcmp(a_, "--min-severity") == 0 ||
			     strcmp(a_, "--fail-on") == 0 || strcmp(a_, "--region") == 0 ||
			     strcmp(a_, "--central-threshold") == 0 || strcmp(a_, "--flow-logs") == 0 ||
			     strcmp(a_, "--prices") == 0;
		if (takes && !val) {
			rc = cli_usage("audit", "%s needs a value", a_);
			goto out;
		}
		if (strcmp(a_, "--format") == 0) {
			if (strcmp(val, "table") != 0 && strcmp(val, "json") != 0 && strcmp(val, "sarif") != 0) {
				rc = cli_usage("audit", "--format: expected table, json or sarif, got '%s'", val);
				goto out;
			}
			format = val;
		} else if (strcmp(a_, "--min-severity") == 0 || strcmp(a_, "--fail-on") == 0) {
			int s = vpce_severity_parse(val);
			if (s < 0) {
				rc = cli_usage("audit", "%s: expected low, medium, high or critical, got '%s'", a_, val);
				goto out;
			}
			if (a_[2] == 'm')
				min_sev = s;
			else
				fail_on = s;
		} else if (strcmp(a_, "--region") == 0) {
			region = val;
		} else if (strcmp(a_, "--flow-logs") == 0) {
			if (VPCE_ARRAY_PUSH(logs, nlogs, alogs, val) != 0) {
				fprintf(stderr, "vpce audit: out of memory\n");
				goto out;
			}
		} else if (strcmp(a_, "--prices") == 0) {
			prices_path = val;
		} else if (strcmp(a_, "--central-threshold") == 0) {
			long t;
			if (cli_parse_int(val, 2, 100000, &t) != 0) {
				rc = cli_usage("audit", "--central-threshold: expected 2 or more, got '%s'", val);
				goto out;
			}
			aopts.central_threshold = (unsigned)t;
		} else if (strcmp(a_, "--list-rules") == 0) {
			rules_only = true;
			continue;
		} else if (a_[0] == '-' && a_[1]) {
			rc = cli_usage("audit", "unknown option '%s'", a_);
			goto out;
		} else if (!snapshot) {
			snapshot = a_;
			continue;
		} else {
			rc = cli_usage("audit", "unexpected argument '%s'", a_);
			goto out;
		}
		i++;
	}
	if (rules_only) {
		if (strcmp(format, "sarif") == 0) {
			rc = cli_usage("audit", "--list-rules: --format table or json");
			goto out;
		}
		rc = list_rules(format);
		goto out;
	}
	if (!snapshot) {
		rc = cli_usage("audit", "missing SNAPSHOT");
		goto out;
	}
	sopts.region = region;
	cli_progress_init(&prog, "audit: checking subnets");
	aopts.progress = cli_progress_cb;
	aopts.progress_ctx = &prog;
	if (vpce_snapshot_load(snapshot, &sopts, &m, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (nlogs) {
		if ((rc = cli_plan_run(m, logs, nlogs, NULL, prices_path, NULL, 0, &run)) != 0)
			goto out;
		cli_plan_warnings(&run.st);
		aopts.plan = run.res;
		rc = VPCE_EXIT_USAGE;
	}
	if (vpce_engine_new(m, &eopts, &e, &err) != 0 || vpce_audit_run(m, e, &aopts, &a, &err) != 0) {
		cli_progress_done(&prog);
		rc = cli_fail(&err);
		goto out;
	}
	cli_progress_done(&prog);
	if (strcmp(format, "json") == 0)
		rc = vpce_render_audit_json(&out, a, min_sev);
	else if (strcmp(format, "sarif") == 0)
		rc = vpce_render_audit_sarif(&out, a, min_sev, snapshot);
	else
		rc = vpce_render_audit_table(&out, a, min_sev, cli_use_color(stdout));
	if (rc != 0) {
		fprintf(stderr, "vpce audit: out of memory\n");
		rc = VPCE_EXIT_USAGE;
		goto out;
	}
	fwrite(out.ptr, 1, out.len, stdout);
	fflush(stdout);
	rc = VPCE_EXIT_OK;
	if (fail_on >= 0)
		for (size_t i = 0; i < a->count; i++)
			if (a->findings[i].severity >= fail_on)
				rc = VPCE_EXIT_EXPECT;
out:
	vpce_buf_release(&out);
	cli_plan_run_release(&run);
	free(logs);
	vpce_audit_free(a);
	vpce_engine_free(e);
	vpce_model_free(m);
	cli_ipr_release(&ipr);
	return rc;
}

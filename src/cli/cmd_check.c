/* vpce check — every workload's path to every AWS service. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/buf.h"
#include "vpce/ipranges.h"
#include "vpce/path.h"
#include "vpce/render.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_check_help(FILE *out)
{
	fprintf(out,
		"usage: vpce check SNAPSHOT [--from ID]... [--to SERVICE]... [--port N] [--region R]\n"
		"                  [--format table|json] [--explain] [--expect private]\n"
		"                  [--ephemeral-ports LO-HI]\n\n"
		"Decides, for every source and service, which way the traffic goes (gateway or\n"
		"interface endpoint, NAT, internet gateway, ...) or where it is blocked, step by\n"
		"step (DNS, route, security group, network ACL, endpoint security group, onward\n"
		"gateway, endpoint state, endpoint policy), with the fix.\n\n"
		"  SNAPSHOT            a directory of AWS CLI describe-* JSON files, or one file\n"
		"  --from ID           a subnet-, eni- or i- id (default: every subnet, and every\n"
		"                      distinct security-group set of its workloads)\n"
		"  --to SERVICE        s3, dynamodb, sqs, ecr.dkr, ... or com.amazonaws.REGION.NAME\n"
		"                      (default: s3, dynamodb and every service with an interface\n"
		"                      endpoint in the snapshot)\n"
		"  --port N            destination TCP port (default 443)\n"
		"  --region R          region when folder and AZ names don't tell\n"
		"  --format F          table (default) or json (docs/CHECK.md)\n"
		"  --explain           hops, notes and fixes for every non-private path\n"
		"  --expect private    exit 1 unless every path is private\n"
		"  --ephemeral-ports   client port range for NACL return traffic (default 32768-60999)\n"
		"  --action A --resource ARN [--principal ARN] [--principal-org ID]\n"
		"  [--resource-account ID] [--resource-org ID] [--context KEY=VALUE]...\n"
		"                      evaluate this request against the policy of the endpoint each\n"
		"                      path goes through (and the S3 bucket policy in the snapshot)\n"
		"  --ip-ranges FILE    AWS ip-ranges.json for public service addresses (default: the\n"
		"                      bundled copy; S3/DynamoDB use the snapshot's prefix lists)\n\n"
		"Exit: 0 ran (and expectations held), 1 --expect not met, 2 usage or input error.\n");
}

static void note_skipped(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	fprintf(stderr, "vpce: note: skipped %s: %s\n", path, why);
}

static int parse_range(const char *s, long *lo, long *hi)
{
	const char *dash = strchr(s, '-');

	if (!dash)
		return -1;
	if (vpce_parse_long(s, (size_t)(dash - s), 1, 65535, lo) != 0 ||
	    vpce_parse_long(dash + 1, strlen(dash + 1), 1, 65535, hi) != 0 || *lo > *hi)
		return -1;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	const char *snapshot = NULL, *format = "table", *region = NULL, *expect = NULL;
	const char **froms = NULL, **tos = NULL, **services = NULL;
	size_t nfrom = 0, nto = 0, afrom = 0, ato = 0, nservices = 0, nsources = 0, nv = 0;
	struct vpce_source *sources = NULL;
	struct vpce_verdict *verdicts = NULL;
	struct vpce_snapshot_options sopts = { NULL, note_skipped, NULL };
	struct vpce_engine_options eopts;
	struct vpce_model *m = NULL;
	struct vpce_engine *e = NULL;
	struct vpce_buf out = VPCE_BUF_INIT;
	struct vpce_error err;
	struct cli_ipr ipr;
	struct cli_progress prog;
	const char **notes = NULL;
	size_t nnotes = 0;
	bool explain = false, all_private = true;
	struct vpce_check_request req;
	const char **ckeys = NULL, **cvals = NULL;
	size_t nctx = 0, nvals = 0, akeys = 0, avals = 0;
	long port = 443;
	int rc = VPCE_EXIT_USAGE;

	memset(&eopts, 0, sizeof(eopts));
	memset(&ipr, 0, sizeof(ipr));
	memset(&req, 0, sizeof(req));
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0 || strcmp(a, "--port") == 0 ||
			     strcmp(a, "--region") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--expect") == 0 ||
			     strcmp(a, "--ephemeral-ports") == 0 || strcmp(a, "--ip-ranges") == 0 ||
			     strcmp(a, "--action") == 0 || strcmp(a, "--resource") == 0 || strcmp(a, "--principal") == 0 ||
			     strcmp(a, "--principal-org") == 0 || strcmp(a, "--resource-account") == 0 ||
			     strcmp(a, "--resource-org") == 0 || strcmp(a, "--context") == 0;
		if (takes && !val) {
			rc = cli_usage("check", "%s needs a value", a);
			goto out;
		}
		if (strcmp(a, "--from") == 0) {
			if (VPCE_ARRAY_PUSH(froms, nfrom, afrom, val) != 0)
				goto oom;
		} else if (strcmp(a, "--to") == 0) {
			if (VPCE_ARRAY_PUSH(tos, nto, ato, val) != 0)
				goto oom;
		} else if (strcmp(a, "--port") == 0) {
			if (cli_parse_int(val, 1, 65535, &port) != 0) {
				rc = cli_usage("check", "--port: expected 1-65535, got '%s'", val);
				goto out;
			}
		} else if (strcmp(a, "--region") == 0) {
			region = val;
		} else if (strcmp(a, "--format") == 0) {
			if (strcmp(val, "table") != 0 && strcmp(val, "json") != 0) {
				rc = cli_usage("check", "--format: expected table or json, got '%s'", val);
				goto out;
			}
			format = val;
		} else if (strcmp(a, "--expect") == 0) {
			if (strcmp(val, "private") != 0) {
				rc = cli_usage("check", "--expect: only 'private' is supported, got '%s'", val);
				goto out;
			}
			expect = val;
		} else if (strcmp(a, "--ephemeral-ports") == 0) {
			long lo, hi;
			if (parse_range(val, &lo, &hi) != 0) {
				rc = cli_usage("check", "--ephemeral-ports: expected LO-HI, got '%s'", val);
				goto out;
			}
			eopts.ephemeral_lo = (uint16_t)lo;
			eopts.ephemeral_hi = (uint16_t)hi;
		} else if (strcmp(a, "--action") == 0) {
			req.action = val;
		} else if (strcmp(a, "--resource") == 0) {
			req.resource = val;
		} else if (strcmp(a, "--principal") == 0) {
			req.principal = val;
		} else if (strcmp(a, "--principal-org") == 0) {
			req.principal_org = val;
		} else if (strcmp(a, "--resource-account") == 0) {
			req.resource_account = val;
		} else if (strcmp(a, "--resource-org") == 0) {
			req.resource_org = val;
		} else if (strcmp(a, "--context") == 0) {
			const char *eq = strchr(val, '=');
			char *key;
			if (!eq || eq == val) {
				rc = cli_usage("check", "--context: expected KEY=VALUE, got '%s'", val);
				goto out;
			}
			key = strndup(val, (size_t)(eq - val));
			if (!key || VPCE_ARRAY_PUSH(ckeys, nctx, akeys, key) != 0) {
				free(key);
				goto oom;
			}
			if (VPCE_ARRAY_PUSH(cvals, nvals, avals, eq + 1) != 0)
				goto oom;
		} else if (strcmp(a, "--ip-ranges") == 0) {
			ipr.path = val;
		} else if (strcmp(a, "--explain") == 0) {
			explain = true;
			continue;
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage("check", "unknown option '%s'", a);
			goto out;
		} else if (!snapshot) {
			snapshot = a;
			continue;
		} else {
			rc = cli_usage("check", "unexpected argument '%s'", a);
			goto out;
		}
		i++;
	}
	if (!snapshot) {
		rc = cli_usage("check", "missing SNAPSHOT");
		goto out;
	}
	if ((req.resource || req.principal || req.principal_org || req.resource_account || req.resource_org || nctx) &&
	    !req.action) {
		rc = cli_usage("check", "--resource, --principal and --context describe a request: give --action too");
		goto out;
	}
	if (req.action) {
		if (!req.resource)
			req.resource = "*";
		req.ctx_keys = ckeys;
		req.ctx_values = cvals;
		req.nctx = nctx;
		eopts.request = &req;
	}
	sopts.region = region;
	eopts.port = (int)port;
	eopts.public_prefixes = cli_public_prefixes;
	eopts.public_ctx = &ipr;
	if (vpce_snapshot_load(snapshot, &sopts, &m, &err) != 0 || vpce_engine_new(m, &eopts, &e, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (nfrom) {
		sources = calloc(nfrom, sizeof(*sources));
		if (!sources)
			goto oom;
		for (size_t i = 0; i < nfrom; i++)
			if (vpce_engine_source(e, froms[i], &sources[i], &err) != 0) {
				rc = cli_fail(&err);
				goto out;
			}
		nsources = nfrom;
	} else if (vpce_engine_default_sources(e, &sources, &nsources, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (nto) {
		services = tos;
		nservices = nto;
		tos = NULL;
	} else if (vpce_engine_default_services(e, &services, &nservices, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	verdicts = calloc(nsources * nservices + 1, sizeof(*verdicts));
	if (!verdicts)
		goto oom;
	cli_progress_init(&prog, "check: sources");
	for (size_t s = 0; s < nsources; s++) {
		for (size_t t = 0; t < nservices; t++) {
			if (vpce_engine_check(e, &sources[s], services[t], &verdicts[nv], &err) != 0) {
				cli_progress_done(&prog);
				rc = cli_fail(&err);
				goto out;
			}
			all_private = all_private && verdicts[nv].is_private;
			nv++;
		}
		cli_progress_cb(&prog, s + 1, nsources);
	}
	cli_progress_done(&prog);
	if (cli_snapshot_notes(m, &ipr, &notes, &nnotes) != 0)
		goto oom;
	if (strcmp(format, "json") == 0) {
		if (vpce_render_check_json(&out, verdicts, nv, notes, nnotes) != 0)
			goto oom;
	} else {
		struct vpce_render_options ropts = { cli_use_color(stdout), explain };
		if (vpce_render_check_table(&out, verdicts, nv, notes, nnotes, &ropts) != 0)
			goto oom;
	}
	fwrite(out.ptr, 1, out.len, stdout);
	fflush(stdout);
	rc = expect && !all_private ? VPCE_EXIT_EXPECT : VPCE_EXIT_OK;
	goto out;
oom:
	fprintf(stderr, "vpce check: out of memory\n");
	rc = VPCE_EXIT_USAGE;
out:
	vpce_buf_release(&out);
	free(verdicts);
	free(sources);
	free(services);
	free(froms);
	free(tos);
	free(notes);
	for (size_t i = 0; i < nctx; i++)
		free((char *)ckeys[i]);
	free(ckeys);
	free(cvals);
	vpce_engine_free(e);
	vpce_model_free(m);
	cli_ipr_release(&ipr);
	return rc;
}

/* vpce export PLAN.json --terraform DIR | --cloudformation FILE: the plan as
 * infrastructure code (docs/EXPORT.md). Offline: no AWS call is made. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/apply.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_export_help(FILE *out)
{
	fprintf(out,
		"usage: vpce export PLAN.json (--terraform DIR | --cloudformation FILE)\n\n"
		"Write the plan's changes as infrastructure code instead of applying them:\n"
		"  --terraform DIR        versions.tf, variables.tf (one variable per id) and\n"
		"                         main.tf for the hashicorp/aws provider\n"
		"  --cloudformation FILE  a JSON template (AWS::EC2::VPCEndpoint,\n"
		"                         AWS::EC2::SecurityGroup, Parameters for the ids);\n"
		"                         '-' writes to stdout\n"
		"What a format cannot express (CloudFormation: changes to existing endpoints;\n"
		"both: deletions) is listed on stderr. No AWS call is made.\n\n"
		"Exit: 0 written, 2 usage or plan error.\n");
}

int cmd_export(int argc, char **argv)
{
	struct vpce_buf text = VPCE_BUF_INIT, out = VPCE_BUF_INIT, notes = VPCE_BUF_INIT;
	struct vpce_planfile *plan = NULL;
	struct vpce_error err;
	const char *path = NULL, *tf = NULL, *cfn = NULL;
	int ret = VPCE_EXIT_USAGE;

	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--terraform") == 0 && val) {
			tf = val;
			i++;
		} else if (strcmp(a, "--cloudformation") == 0 && val) {
			cfn = val;
			i++;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage("export", "unknown or incomplete option '%s'", a);
		} else if (!path) {
			path = a;
		} else {
			return cli_usage("export", "unexpected argument '%s'", a);
		}
	}
	if (!path)
		return cli_usage("export", "PLAN.json is required");
	if (!tf && !cfn)
		return cli_usage("export", "give --terraform DIR and/or --cloudformation FILE");
	vpce_buf_init(&text, (size_t)64 << 20);
	if (vpce_buf_read_file(&text, path, &err) != 0 ||
	    vpce_planfile_parse(text.ptr ? text.ptr : "", text.len, path, &plan, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	if (tf) {
		if (vpce_export_terraform(plan, tf, &notes, &err) != 0) {
			cli_fail(&err);
			goto out;
		}
		fprintf(stderr, "vpce export: wrote %s/versions.tf, variables.tf, main.tf\n", tf);
	}
	if (cfn) {
		struct vpce_buf cnotes = VPCE_BUF_INIT;
		int rc = vpce_export_cloudformation(plan, &out, &cnotes, &err);
		if (rc == 0) {
			if (strcmp(cfn, "-") == 0) {
				fwrite(out.ptr, 1, out.len, stdout);
			} else {
				char dir[4096], *slash;
				snprintf(dir, sizeof(dir), "%s", cfn);
				slash = strrchr(dir, '/');
				if (slash)
					*slash = 0;
				rc = vpce_write_file_atomic(slash ? dir : ".", slash ? slash + 1 : cfn,
							    &out, &err);
				if (rc == 0)
					fprintf(stderr, "vpce export: wrote %s\n", cfn);
			}
		}
		vpce_buf_put(&notes, cnotes.ptr ? cnotes.ptr : "", cnotes.len);
		vpce_buf_release(&cnotes);
		if (rc) {
			cli_fail(&err);
			goto out;
		}
	}
	for (const char *p = notes.ptr; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(stderr, "vpce export: note: %.*s\n", (int)l, p);
		p += l + (nl ? 1 : 0);
	}
	ret = VPCE_EXIT_OK;
out:
	vpce_buf_release(&text);
	vpce_buf_release(&out);
	vpce_buf_release(&notes);
	vpce_planfile_free(plan);
	return ret;
}

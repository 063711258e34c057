/* vpce report — one self-contained HTML file: summary, path matrix,
 * findings, diagram. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/audit.h"
#include "vpce/buf.h"
#include "vpce/diagram.h"
#include "vpce/ipranges.h"
#include "vpce/path.h"
#include "vpce/report.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_report_help(FILE *out)
{
	fprintf(out,
		"usage: vpce report SNAPSHOT [-o FILE] [--flow-logs PATH]... [--prices FILE] [--vpc ID]\n"
		"                   [--no-diagram] [--region R] [--max-rows N] [--max-findings N]\n"
		"                   [--max-subnets N]\n\n"
		"Writes one self-contained HTML page (no external assets, works offline, prints):\n"
		"summary (paths private/public/blocked, findings by severity), the path matrix\n"
		"(the rows of 'vpce check'), the audit findings ('vpce audit'), the diagram as\n"
		"inline SVG (needs Graphviz's dot; otherwise a note), and with --flow-logs the\n"
		"plan: recommendations, savings and break-even as charts ('vpce plan').\n\n"
		"  -o FILE        write to FILE (default: stdout)\n"
		"  --flow-logs PATH  VPC Flow Logs (files, directories, gzip) for the plan section\n"
		"  --prices FILE  prices for the plan (default: the bundled data/prices.json)\n"
		"  --vpc ID       draw only this VPC in the diagram\n"
		"  --no-diagram   leave the diagram out\n"
		"  --region R     region when folder and AZ names don't tell\n"
		"  --max-rows N   path-matrix rows shown (default 400; the summary counts all)\n"
		"  --max-findings N  findings listed (default 1000; the summary counts all)\n"
		"  --max-subnets N   diagram subnet nodes per VPC (default 24)\n\n"
		"Exit: 0 written, 2 usage or input error.\n");
}

static void note_skipped(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	fprintf(stderr, "vpce: note: skipped %s: %s\n", path, why);
}

int cmd_report(int argc, char **argv)
{
	const char *snapshot = NULL, *outfile = NULL, *region = NULL, *diagram_note = NULL;
	bool no_diagram = false;
	size_t max_rows = 0, max_findings = 0;
	struct vpce_snapshot_options sopts = { NULL, note_skipped, NULL };
	struct vpce_engine_options eopts;
	struct vpce_diagram_options dopts;
	struct vpce_audit_options aopts;
	struct vpce_report_input rin;
	struct vpce_model *m = NULL;
	struct vpce_engine *e = NULL, *ea = NULL;
	struct vpce_audit *a = NULL;
	struct vpce_buf html = VPCE_BUF_INIT, dot = VPCE_BUF_INIT, svg = VPCE_BUF_INIT;
	struct vpce_error err;
	struct cli_ipr ipr;
	struct cli_paths paths;
	struct cli_progress prog;
	const char **notes = NULL;
	size_t nnotes = 0, nlogs = 0, alogs = 0;
	const char **logs = NULL, *prices_path = NULL;
	struct cli_plan_run run;
	char dmsg[512];
	int rc = VPCE_EXIT_USAGE;

	memset(&eopts, 0, sizeof(eopts));
	memset(&dopts, 0, sizeof(dopts));
	memset(&aopts, 0, sizeof(aopts));
	memset(&rin, 0, sizeof(rin));
	memset(&ipr, 0, sizeof(ipr));
	memset(&paths, 0, sizeof(paths));
	memset(&run, 0, sizeof(run));
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *x = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(x, "-o") == 0 || strcmp(x, "--vpc") == 0 || strcmp(x, "--region") == 0 ||
			     strcmp(x, "--max-rows") == 0 || strcmp(x, "--max-findings") == 0 ||
			     strcmp(x, "--max-subnets") == 0 || strcmp(x, "--flow-logs") == 0 ||
			     strcmp(x, "--prices") == 0;
		if (takes && !val) {
			rc = cli_usage("report", "%s needs a value", x);
			goto out;
		}
		if (strcmp(x, "-o") == 0) {
			outfile = val;
		} else if (strcmp(x, "--flow-logs") == 0) {
			if (VPCE_ARRAY_PUSH(logs, nlogs, alogs, val) != 0)
				goto oom;
		} else if (strcmp(x, "--prices") == 0) {
			prices_path = val;
		} else if (strcmp(x, "--vpc") == 0) {
			dopts.vpc = val;
		} else if (strcmp(x, "--region") == 0) {
			region = val;
		} else if (strcmp(x, "--max-rows") == 0 || strcmp(x, "--max-findings") == 0 ||
			   strcmp(x, "--max-subnets") == 0) {
			long n;
			if (cli_parse_int(val, 1, 10000000, &n) != 0) {
				rc = cli_usage("report", "%s: expected a positive number, got '%s'", x, val);
				goto out;
			}
			if (strcmp(x, "--max-rows") == 0)
				max_rows = (size_t)n;
			else if (strcmp(x, "--max-findings") == 0)
				max_findings = (size_t)n;
			else
				dopts.max_subnets = (size_t)n;
		} else if (strcmp(x, "--no-diagram") == 0) {
			no_diagram = true;
			continue;
		} else if (x[0] == '-' && x[1]) {
			rc = cli_usage("report", "unknown option '%s'", x);
			goto out;
		} else if (!snapshot) {
			snapshot = x;
			continue;
		} else {
			rc = cli_usage("report", "unexpected argument '%s'", x);
			goto out;
		}
		i++;
	}
	if (!snapshot) {
		rc = cli_usage("report", "missing SNAPSHOT");
		goto out;
	}
	sopts.region = region;
	eopts.public_prefixes = cli_public_prefixes;
	eopts.public_ctx = &ipr;
	/* Two engines: the check rows keep their strings while the audit resets its own. */
	if (vpce_snapshot_load(snapshot, &sopts, &m, &err) != 0 || vpce_engine_new(m, &eopts, &e, &err) != 0 ||
	    vpce_engine_new(m, &eopts, &ea, &err) != 0 ||
	    cli_check_all(e, &paths, "report: checking paths", &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (nlogs && (rc = cli_plan_run(m, logs, nlogs, NULL, prices_path, NULL, 0, &run)) != 0)
		goto out;
	rc = VPCE_EXIT_USAGE;
	cli_progress_init(&prog, "report: audit");
	aopts.progress = cli_progress_cb;
	aopts.progress_ctx = &prog;
	rc = vpce_audit_run(m, ea, &aopts, &a, &err);
	cli_progress_done(&prog);
	if (rc != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (no_diagram) {
		diagram_note = "left out (--no-diagram).";
	} else {
		if (cli_diagram_dot(m, &paths, &dopts, &dot, &err) != 0) {
			rc = cli_fail(&err);
			goto out;
		}
		if (cli_run_dot("svg", dot.ptr, dot.len, &svg, dmsg, sizeof(dmsg)) != 0) {
			diagram_note = dmsg;
			fprintf(stderr, "vpce report: note: %s; the report says so instead of the diagram\n", dmsg);
		}
	}
	if (cli_snapshot_notes(m, &ipr, &notes, &nnotes) != 0)
		goto oom;
	rin.snapshot = snapshot;
	rin.v = paths.v;
	rin.nv = paths.n;
	rin.notes = notes;
	rin.nnotes = nnotes;
	rin.audit = a;
	rin.svg = svg.len ? svg.ptr : NULL;
	rin.svg_len = svg.len;
	rin.diagram_note = diagram_note;
	rin.max_rows = max_rows;
	rin.max_findings = max_findings;
	rin.plan = run.res;
	if (vpce_render_html(&html, &rin) != 0)
		goto oom;
	if (outfile) {
		FILE *f = fopen(outfile, "wb");
		if (!f || fwrite(html.ptr, 1, html.len, f) != html.len || fclose(f) != 0) {
			fprintf(stderr, "vpce report: cannot write %s\n", outfile);
			rc = VPCE_EXIT_USAGE;
			goto out;
		}
	} else {
		fwrite(html.ptr, 1, html.len, stdout);
		fflush(stdout);
	}
	rc = VPCE_EXIT_OK;
	goto out;
oom:
	fprintf(stderr, "vpce report: out of memory\n");
	rc = VPCE_EXIT_USAGE;
out:
	if (run.res)
		cli_plan_warnings(&run.st);
	cli_plan_run_release(&run);
	free(logs);
	free(notes);
	vpce_buf_release(&html);
	vpce_buf_release(&dot);
	vpce_buf_release(&svg);
	cli_paths_release(&paths);
	vpce_audit_free(a);
	vpce_engine_free(e);
	vpce_engine_free(ea);
	vpce_model_free(m);
	cli_ipr_release(&ipr);
	return rc;
}

/* vpce apply PLAN.json: carry out a plan's recommendations (docs/AWS.md),
 * then check the touched VPCs on fresh snapshots taken before and after. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "vpce/apply.h"
#include "vpce/ipranges.h"
#include "vpce/path.h"
#include "vpce/snapshot.h"
#include "util/util.h"

#define WAIT_SECONDS 600

void cmd_apply_help(FILE *out)
{
	fprintf(out,
		"usage: vpce apply PLAN.json [--dry-run] [--yes] [--wait] [--prune] [--no-check]\n"
		"                  [--format text|json] [--region R] [--profile P]\n"
		"                  [--endpoint-url URL]\n\n"
		"Carry out the recommendations of PLAN.json (written by `vpce plan`): create\n"
		"gateway and interface endpoints (with a security group allowing HTTPS from the\n"
		"VPC when the plan names none), add route tables / subnets and replace policies\n"
		"of existing ones. Idempotent: what already matches the plan is left alone, so a\n"
		"second run makes no write calls. Then checks the touched VPCs' paths on fresh\n"
		"snapshots taken before and after, and prints both.\n\n"
		"  --dry-run       print every write call with its parameters; send none\n"
		"  --yes           do not ask for confirmation (required without a terminal)\n"
		"  --wait          wait until each endpoint is available (at most %d s)\n"
		"  --prune         carry out \"delete\" recommendations (skipped otherwise)\n"
		"  --no-check      skip the before/after check\n"
		"  --format json   the vpce-apply/2 report on stdout (default: text)\n\n"
		"Exit: 0 done, 1 a recommendation failed (the rest did not run; run again to\n"
		"complete), 2 usage or plan error, or no confirmation.\n",
		WAIT_SECONDS);
}

/* ud non-NULL (text output): calls and notes are left to the summary on stdout. */
static void progress(void *ud, const char *line)
{
	if (ud && (vpce_str_startswith(line, "  would call ") ||
		   vpce_str_startswith(line, "  call ") || vpce_str_startswith(line, "  note: ")))
		return;
	fprintf(stderr, "vpce apply: %s\n", line);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* ---- before/after check ------------------------------------------------------- */

struct ipr_ctx {
	struct vpce_ipranges *r;
	bool tried;
};

static size_t public_prefixes(void *vctx, const char *service, const char *region,
			      const struct vpce_cidr **out)
{
	struct ipr_ctx *x = vctx;

	if (!x->tried) {
		struct vpce_error err;
		x->tried = true;
		if (vpce_ipranges_load(NULL, &x->r, &err) != 0)
			x->r = NULL;
	}
	return x->r ? vpce_ipranges_prefixes(x->r, service, region, out) : 0;
}

struct side {
	struct vpce_model *m;
	struct vpce_engine *e;
};

/* Capture every region the plan touches into dir/<region>, load, build an engine. */
static int snapshot_side(const struct vpce_aws_session *s, const struct vpce_planfile *plan,
			 const char *dir, struct ipr_ctx *ipr, struct side *out,
			 struct vpce_error *err)
{
	struct vpce_engine_options eo;
	struct vpce_snapshot_options so;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < vpce_planfile_count(plan) && rc == 0; i++) {
		const struct vpce_planfile_rec *r = vpce_planfile_get(plan, i);
		char rdir[4200];
		struct vpce_capture_result res;
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen = seen || strcmp(vpce_planfile_get(plan, j)->region, r->region) == 0;
		if (seen)
			continue;
		const char *vpcs[VPCE_CAPTURE_MAX_VPCS];
		struct vpce_capture_options co;
		bool many = false;
		memset(&co, 0, sizeof(co));
		co.vpc_ids = vpcs;
		/* the VPCs of this region the plan touches */
		for (size_t j = 0; j < vpce_planfile_count(plan); j++) {
			const struct vpce_planfile_rec *q = vpce_planfile_get(plan, j);
			bool dup = false;
			if (strcmp(q->region, r->region) != 0)
				continue;
			for (size_t k = 0; k < co.nvpc_ids; k++)
				dup = dup || strcmp(vpcs[k], q->vpc) == 0;
			if (!dup && co.nvpc_ids == VPCE_CAPTURE_MAX_VPCS)
				many = true;
			else if (!dup)
				vpcs[co.nvpc_ids++] = q->vpc;
		}
		if (many)
			co.nvpc_ids = 0; /* too many to filter on: capture every VPC */
		snprintf(rdir, sizeof(rdir), "%s/%s", dir, r->region);
		memset(&res, 0, sizeof(res));
		vpce_buf_init(&res.counts, (size_t)1 << 20);
		rc = vpce_snapshot_capture_region(s, r->region, rdir, &co, &res, err);
		vpce_buf_release(&res.counts);
	}
	if (rc)
		return rc;
	memset(&so, 0, sizeof(so));
	memset(&eo, 0, sizeof(eo));
	eo.public_prefixes = public_prefixes;
	eo.public_ctx = ipr;
	eo.brief = true;
	if ((rc = vpce_snapshot_load(dir, &so, &out->m, err)) != 0)
		return rc;
	return vpce_engine_new(out->m, &eo, &out->e, err);
}

static void side_free(struct side *s)
{
	vpce_engine_free(s->e);
	vpce_model_free(s->m);
}

static void put_verdict(struct vpce_buf *b, struct side *s, const char *subnet,
			const char *service)
{
	struct vpce_source src;
	struct vpce_verdict v;
	struct vpce_error e;

	if (vpce_engine_source(s->e, subnet, &src, &e) != 0 ||
	    vpce_engine_check(s->e, &src, service, &v, &e) != 0) {
		vpce_buf_puts(b, "null");
		return;
	}
	vpce_buf_printf(b, "{\"path\": \"%s\", \"private\": %s, \"via\": ",
			vpce_path_name((enum vpce_path_kind)v.path), v.is_private ? "true" : "false");
	if (v.via)
		vpce_buf_put_json_str(b, v.via);
	else
		vpce_buf_puts(b, "null");
	vpce_buf_puts(b, ", \"blocked_at\": ");
	if (v.blocked_at >= 0)
		vpce_buf_printf(b, "\"%s\"", vpce_step_name((enum vpce_step)v.blocked_at));
	else
		vpce_buf_puts(b, "null");
	vpce_buf_putc(b, '}');
}

/* "paths": one entry per subnet of a touched VPC and service of the plan. */
static void paths_json(struct vpce_buf *b, const struct vpce_planfile *plan, struct side *before,
		       struct side *after)
{
	size_t n = 0;

	vpce_buf_puts(b, "[");
	for (size_t i = 0; i < vpce_planfile_count(plan); i++) {
		const struct vpce_planfile_rec *r = vpce_planfile_get(plan, i);
		bool seen = false;
		for (size_t j = 0; j < i; j++) {
			const struct vpce_planfile_rec *q = vpce_planfile_get(plan, j);
			seen = seen || (strcmp(q->vpc, r->vpc) == 0 && strcmp(q->service, r->service) == 0);
		}
		if (seen || r->action == VPCE_PLANFILE_DELETE)
			continue;
		for (uint32_t k = 0; k < after->m->nsubnets; k++) {
			const struct vpce_subnet *sn = &after->m->subnets[k];
			if (sn->vpc == VPCE_NONE || strcmp(after->m->vpcs[sn->vpc].id, r->vpc) != 0)
				continue;
			vpce_buf_puts(b, n++ ? ",\n    {\"from\": " : "\n    {\"from\": ");
			vpce_buf_put_json_str(b, sn->id);
			vpce_buf_puts(b, ", \"vpc\": ");
			vpce_buf_put_json_str(b, r->vpc);
			vpce_buf_puts(b, ", \"service\": ");
			vpce_buf_put_json_str(b, r->service);
			vpce_buf_puts(b, ",\n     \"before\": ");
			put_verdict(b, before, sn->id, r->service);
			vpce_buf_puts(b, ",\n     \"after\": ");
			put_verdict(b, after, sn->id, r->service);
			vpce_buf_putc(b, '}');
			vpce_engine_reset(before->e);
			vpce_engine_reset(after->e);
		}
	}
	vpce_buf_puts(b, n ? "\n  ]" : "]");
}

/* ---- text output ---------------------------------------------------------------- */

static const char *verdict_text(const struct vpce_json *v, char *buf, size_t len)
{
	const char *path = vpce_json_get_str(v, "path"), *via = vpce_json_get_str(v, "via");
	const char *at = vpce_json_get_str(v, "blocked_at");

	if (!path)
		return "?";
	if (at)
		snprintf(buf, len, "blocked at %s", at);
	else
		snprintf(buf, len, "%s%s%s%s", path, via ? " " : "", via ? via : "",
			 vpce_json_get_bool(v, "private", 0) ? " (private)" : "");
	return buf;
}

static void print_text(const char *report, size_t len)
{
	struct vpce_json_doc *d = NULL;
	struct vpce_error e;
	const struct vpce_json *root;

	if (vpce_json_parse(report, len, "report", &d, &e) != 0) {
		fwrite(report, 1, len, stdout);
		return;
	}
	root = vpce_json_root(d);
	vpce_json_foreach(r, vpce_json_get(root, "recommendations")) {
		const char *ep = vpce_json_get_str(r, "endpoint");
		printf("%-12s %-9s %-9s %s in %s%s%s\n", vpce_json_get_str(r, "status"),
		       vpce_json_get_str(r, "action"), vpce_json_get_str(r, "type"),
		       vpce_json_get_str(r, "service"), vpce_json_get_str(r, "vpc"), ep ? ": " : "",
		       ep ? ep : "");
		vpce_json_foreach(c, vpce_json_get(r, "calls")) {
			printf("  %s %s", vpce_json_get_bool(c, "sent", 0) ? "called" : "would call",
			       vpce_json_get_str(c, "action"));
			vpce_json_foreach(p, vpce_json_get(c, "params"))
				printf(" %s=%s", p->key, p->u.str);
			printf("\n");
		}
		vpce_json_foreach(n, vpce_json_get(r, "notes"))
			printf("  note: %s\n", n->u.str);
		if (vpce_json_get(r, "error"))
			printf("  error: %s\n", vpce_json_get_str(vpce_json_get(r, "error"), "message"));
	}
	if (vpce_json_get(root, "paths") && vpce_json_get(root, "paths")->count) {
		printf("\npaths (before -> after):\n");
		vpce_json_foreach(p, vpce_json_get(root, "paths")) {
			char b1[160], b2[160];
			printf("  %s -> %s: %s -> %s\n", vpce_json_get_str(p, "from"),
			       vpce_json_get_str(p, "service"),
			       verdict_text(vpce_json_get(p, "before"), b1, sizeof(b1)),
			       verdict_text(vpce_json_get(p, "after"), b2, sizeof(b2)));
		}
	}
	{
		const struct vpce_json *w = vpce_json_get(root, "write_calls");
		const struct vpce_json *pw = vpce_json_get(root, "planned_write_calls");
		printf("\n%s: %lld write call%s%s\n",
		       vpce_json_get(root, "dry_run")->type == VPCE_JSON_TRUE ? "dry run" : "applied",
		       (long long)(vpce_json_get(root, "dry_run")->type == VPCE_JSON_TRUE
					   ? (pw ? pw->u.num.i : 0)
					   : (w ? w->u.num.i : 0)),
		       (w && w->u.num.i == 1) ? "" : "s",
		       vpce_json_get(root, "dry_run")->type == VPCE_JSON_TRUE ? " would be made, none sent"
									    : "");
	}
	vpce_json_doc_free(d);
}

static bool confirm(unsigned n)
{
	char line[64];

	fprintf(stderr, "vpce apply: apply %u change%s? [y/N] ", n, n == 1 ? "" : "s");
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

int cmd_apply(int argc, char **argv)
{
	struct vpce_aws_options o;
	struct vpce_apply_options ao;
	struct vpce_apply_result res;
	struct vpce_aws_session *s = NULL;
	struct vpce_planfile *plan = NULL;
	struct vpce_buf text = VPCE_BUF_INIT, report = VPCE_BUF_INIT, paths = VPCE_BUF_INIT;
	struct vpce_error err;
	struct side before, after;
	struct ipr_ctx ipr = { NULL, false };
	char tmpdir[] = "/tmp/vpce-apply-XXXXXX", dir[4200];
	const char *path = NULL, *format = "text";
	bool yes = false, check = true, have_before = false, have_tmp = false;
	int ret = VPCE_EXIT_USAGE, rc;

	memset(&o, 0, sizeof(o));
	memset(&ao, 0, sizeof(ao));
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	vpce_error_clear(&err);
	ao.progress = progress;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--dry-run") == 0) {
			ao.dry_run = true;
		} else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0) {
			yes = true;
		} else if (strcmp(a, "--wait") == 0) {
			ao.wait_seconds = WAIT_SECONDS;
		} else if (strcmp(a, "--prune") == 0) {
			ao.prune = true;
		} else if (strcmp(a, "--no-check") == 0) {
			check = false;
		} else if (strcmp(a, "--format") == 0 && val) {
			if (strcmp(val, "text") != 0 && strcmp(val, "json") != 0)
				return cli_usage("apply", "--format wants text or json");
			format = val;
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
	ao.progress_ud = strcmp(format, "text") == 0 ? (void *)format : NULL;
	vpce_buf_init(&text, (size_t)64 << 20);
	if (vpce_buf_read_file(&text, path, &err) != 0 ||
	    vpce_planfile_parse(text.ptr ? text.ptr : "", text.len, path, &plan, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	if (!ao.dry_run && !yes && !(isatty(0) && isatty(2))) {
		fprintf(stderr, "vpce apply: refusing to change AWS resources without confirmation: "
				"no terminal to ask on; pass --yes (or --dry-run)\n");
		goto out;
	}
	if (vpce_aws_session_new(&o, &s, &err) != 0) {
		cli_fail(&err);
		goto out;
	}
	if (!ao.dry_run && !yes) {
		/* show what would be done, then ask */
		struct vpce_apply_options dry = ao;
		dry.dry_run = true;
		dry.wait_seconds = 0;
		rc = vpce_apply_run(s, plan, &dry, &report, &res, &err);
		print_text(report.ptr, report.len);
		if (rc) {
			cli_fail(&err);
			ret = VPCE_EXIT_EXPECT;
			goto out;
		}
		if (res.planned == 0) {
			fprintf(stderr, "vpce apply: nothing to change\n");
			ret = VPCE_EXIT_OK;
			goto out;
		}
		if (!confirm(res.planned)) {
			fprintf(stderr, "vpce apply: not confirmed; nothing changed\n");
			goto out;
		}
	}
	check = check && !ao.dry_run;
	if (check) {
		if (!mkdtemp(tmpdir)) {
			fprintf(stderr, "vpce apply: cannot create a temporary directory\n");
			goto out;
		}
		have_tmp = true;
		snprintf(dir, sizeof(dir), "%s/before", tmpdir);
		fprintf(stderr, "vpce apply: snapshot before\n");
		if (snapshot_side(s, plan, dir, &ipr, &before, &err) != 0) {
			char msg[2048];
			fprintf(stderr, "vpce apply: note: no before-check: %s\n",
				vpce_error_format(&err, msg, sizeof(msg)));
			side_free(&before);
			memset(&before, 0, sizeof(before));
		} else {
			have_before = true;
		}
	}
	rc = vpce_apply_run(s, plan, &ao, &report, &res, &err);
	ret = rc == 0 ? VPCE_EXIT_OK : VPCE_EXIT_EXPECT;
	if (rc && res.failed == 0)
		ret = VPCE_EXIT_USAGE;
	if (rc)
		cli_fail(&err);
	if (check && have_before) {
		snprintf(dir, sizeof(dir), "%s/after", tmpdir);
		fprintf(stderr, "vpce apply: snapshot after\n");
		if (snapshot_side(s, plan, dir, &ipr, &after, &err) != 0) {
			char msg[2048];
			fprintf(stderr, "vpce apply: note: no after-check: %s\n",
				vpce_error_format(&err, msg, sizeof(msg)));
		} else {
			paths_json(&paths, plan, &before, &after);
			/* splice "paths" in before the closing brace */
			while (report.len && (report.ptr[report.len - 1] == '\n' ||
					      report.ptr[report.len - 1] == '}'))
				report.len--;
			report.ptr[report.len] = 0;
			vpce_buf_puts(&report, ",\n  \"paths\": ");
			vpce_buf_put(&report, paths.ptr ? paths.ptr : "[]", paths.len);
			vpce_buf_puts(&report, "\n}\n");
		}
	}
	if (strcmp(format, "json") == 0)
		fwrite(report.ptr ? report.ptr : "", 1, report.len, stdout);
	else
		print_text(report.ptr, report.len);
out:
	if (have_tmp && nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "vpce apply: note: could not remove %s\n", tmpdir);
	side_free(&before);
	side_free(&after);
	vpce_ipranges_free(ipr.r);
	vpce_buf_release(&text);
	vpce_buf_release(&report);
	vpce_buf_release(&paths);
	vpce_planfile_free(plan);
	vpce_aws_session_free(s);
	return ret;
}

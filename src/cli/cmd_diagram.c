/* vpce diagram — Graphviz picture of a VPC with every subnet's paths. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vpce/buf.h"
#include "vpce/diagram.h"
#include "vpce/path.h"
#include "vpce/snapshot.h"
#include "util/util.h"

void cmd_diagram_help(FILE *out)
{
	fprintf(out,
		"usage: vpce diagram SNAPSHOT [--vpc ID] [--format dot|svg|png] [-o FILE]\n"
		"                    [--max-subnets N] [--no-collapse] [--region R]\n\n"
		"Draws the region, VPCs, Availability Zones, subnets (public/private), route\n"
		"tables, internet and NAT gateways, gateway and interface endpoints, instances\n"
		"and AWS services. Each subnet->service path is an edge coloured and labelled by\n"
		"its verdict: private (solid green), public (dashed orange), blocked (dotted red).\n"
		"Subnets of one AZ and route table with identical paths are drawn as one node.\n\n"
		"  --vpc ID          only this VPC\n"
		"  --format F        dot (default), svg or png (svg/png run Graphviz's dot)\n"
		"  -o FILE           write to FILE (default: stdout; png needs -o)\n"
		"  --max-subnets N   subnet nodes per VPC after collapsing (default 24)\n"
		"  --no-collapse     one node per subnet\n"
		"  --region R        region when folder and AZ names don't tell\n\n"
		"Exit: 0 drawn, 2 usage or input error, or dot missing for svg/png.\n");
}

static void note_skipped(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	fprintf(stderr, "vpce: note: skipped %s: %s\n", path, why);
}

/* Subnet-level rows of a check run (every SG set together), for the diagram. */
int cli_diagram_dot(const struct vpce_model *m, const struct cli_paths *p, const struct vpce_diagram_options *o,
		    struct vpce_buf *out, struct vpce_error *err)
{
	struct vpce_verdict *v = calloc(p->n + 1, sizeof(*v));
	uint32_t *sub = calloc(p->n + 1, sizeof(*sub));
	size_t n = 0;
	int rc;

	if (!v || !sub) {
		free(v);
		free(sub);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->src[i].kind == VPCE_K_SUBNET && p->src[i].sg_set == UINT32_MAX) {
			v[n] = p->v[i];
			sub[n++] = p->src[i].idx;
		}
	rc = vpce_render_dot(out, m, v, sub, n, o, err);
	free(v);
	free(sub);
	return rc;
}

/* Only what the diagram draws: the subnet rows (all SG sets together) of
 * the VPCs it draws (--vpc, else the first max_vpcs), for the default
 * services — the same verdicts check gives those rows. */
static int check_drawn_subnets(struct vpce_engine *e, const struct vpce_model *m, const struct vpce_diagram_options *o,
			       struct cli_paths *p, struct vpce_error *err)
{
	size_t max_vpcs = o->max_vpcs ? o->max_vpcs : 8, nv = 0, total = 0, done = 0;
	bool *drawn = calloc((size_t)m->nvpcs + 1, sizeof(bool));
	struct cli_progress prog;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!drawn)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	for (uint32_t v = 0; v < m->nvpcs; v++) {
		if (m->vpcs[v].stub)
			continue;
		if (o->vpc ? strcmp(m->vpcs[v].id, o->vpc) == 0 : nv < max_vpcs)
			drawn[v] = true;
		nv++;
	}
	for (uint32_t s = 0; s < m->nsubnets; s++)
		total += m->subnets[s].vpc < m->nvpcs && drawn[m->subnets[s].vpc];
	rc = vpce_engine_default_services(e, &p->services, &p->nservices, err);
	if (rc)
		goto out;
	p->v = calloc(total * p->nservices + 1, sizeof(*p->v));
	p->src = calloc(total * p->nservices + 1, sizeof(*p->src));
	if (!p->v || !p->src) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	cli_progress_init(&prog, "diagram: checking paths");
	for (uint32_t s = 0; s < m->nsubnets && rc == 0; s++) {
		struct vpce_source src = { VPCE_K_SUBNET, s, m->subnets[s].id, UINT32_MAX };
		if (m->subnets[s].vpc >= m->nvpcs || !drawn[m->subnets[s].vpc])
			continue;
		for (size_t t = 0; t < p->nservices && rc == 0; t++) {
			rc = vpce_engine_check(e, &src, p->services[t], &p->v[p->n], err);
			p->src[p->n] = src;
			if (rc == 0)
				p->n++;
		}
		cli_progress_cb(&prog, ++done, total);
	}
	cli_progress_done(&prog);
out:
	free(drawn);
	if (rc)
		cli_paths_release(p);
	return rc;
}

int cmd_diagram(int argc, char **argv)
{
	const char *snapshot = NULL, *format = "dot", *outfile = NULL, *region = NULL;
	struct vpce_snapshot_options sopts = { NULL, note_skipped, NULL };
	struct vpce_engine_options eopts;
	struct vpce_diagram_options dopts;
	struct vpce_model *m = NULL;
	struct vpce_engine *e = NULL;
	struct vpce_buf dot = VPCE_BUF_INIT, img = VPCE_BUF_INIT;
	struct vpce_error err;
	struct cli_ipr ipr;
	struct cli_paths paths;
	const struct vpce_buf *result = &dot;
	int rc = VPCE_EXIT_USAGE;

	memset(&eopts, 0, sizeof(eopts));
	memset(&dopts, 0, sizeof(dopts));
	memset(&ipr, 0, sizeof(ipr));
	memset(&paths, 0, sizeof(paths));
	vpce_error_clear(&err);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--vpc") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "-o") == 0 ||
			     strcmp(a, "--max-subnets") == 0 || strcmp(a, "--region") == 0;
		if (takes && !val) {
			rc = cli_usage("diagram", "%s needs a value", a);
			goto out;
		}
		if (strcmp(a, "--vpc") == 0) {
			dopts.vpc = val;
		} else if (strcmp(a, "--format") == 0) {
			if (strcmp(val, "dot") != 0 && strcmp(val, "svg") != 0 && strcmp(val, "png") != 0) {
				rc = cli_usage("diagram", "--format: expected dot, svg or png, got '%s'", val);
				goto out;
			}
			format = val;
		} else if (strcmp(a, "-o") == 0) {
			outfile = val;
		} else if (strcmp(a, "--max-subnets") == 0) {
			long n;
			if (cli_parse_int(val, 1, 100000, &n) != 0) {
				rc = cli_usage("diagram", "--max-subnets: expected a positive number, got '%s'", val);
				goto out;
			}
			dopts.max_subnets = (size_t)n;
		} else if (strcmp(a, "--region") == 0) {
			region = val;
		} else if (strcmp(a, "--no-collapse") == 0) {
			dopts.no_collapse = true;
			continue;
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage("diagram", "unknown option '%s'", a);
			goto out;
		} else if (!snapshot) {
			snapshot = a;
			continue;
		} else {
			rc = cli_usage("diagram", "unexpected argument '%s'", a);
			goto out;
		}
		i++;
	}
	if (!snapshot) {
		rc = cli_usage("diagram", "missing SNAPSHOT");
		goto out;
	}
	if (strcmp(format, "png") == 0 && !outfile) {
		rc = cli_usage("diagram", "--format png needs -o FILE");
		goto out;
	}
	sopts.region = region;
	eopts.public_prefixes = cli_public_prefixes;
	eopts.public_ctx = &ipr;
	if (vpce_snapshot_load(snapshot, &sopts, &m, &err) != 0 || vpce_engine_new(m, &eopts, &e, &err) != 0 ||
	    check_drawn_subnets(e, m, &dopts, &paths, &err) != 0 ||
	    cli_diagram_dot(m, &paths, &dopts, &dot, &err) != 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (strcmp(format, "dot") != 0) {
		char msg[512];
		int r = cli_run_dot(format, dot.ptr, dot.len, &img, msg, sizeof(msg));
		if (r != 0) {
			fprintf(stderr, "vpce diagram: %s\n", msg);
			rc = VPCE_EXIT_USAGE;
			goto out;
		}
		result = &img;
	}
	if (outfile) {
		FILE *f = fopen(outfile, "wb");
		if (!f || fwrite(result->ptr, 1, result->len, f) != result->len || fclose(f) != 0) {
			fprintf(stderr, "vpce diagram: cannot write %s\n", outfile);
			rc = VPCE_EXIT_USAGE;
			goto out;
		}
	} else {
		fwrite(result->ptr, 1, result->len, stdout);
		fflush(stdout);
	}
	rc = VPCE_EXIT_OK;
out:
	vpce_buf_release(&dot);
	vpce_buf_release(&img);
	cli_paths_release(&paths);
	vpce_engine_free(e);
	vpce_model_free(m);
	cli_ipr_release(&ipr);
	return rc;
}

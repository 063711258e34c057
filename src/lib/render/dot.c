/* Graphviz DOT rendering of a snapshot and its subnet-level verdicts
 * (include/vpce/diagram.h). Layout is left to Graphviz; this file decides
 * what is drawn (caps, collapsing) and how each verdict looks. */
#include <stdio.h>
#include <stdlib.h>
#include "vpce/diagram.h"
#include "vpce/render.h"
#include "util/util.h"

#define COLOR_PRIVATE "#1a7f37"
#define COLOR_PUBLIC "#c25e00"
#define COLOR_BLOCKED "#c62828"
#define MAX_INSTANCES_DRAWN 20

/* A quoted DOT string; '\n' in s becomes the DOT line break escape. */
static void q(struct vpce_buf *b, const char *s)
{
	vpce_buf_putc(b, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			vpce_buf_putc(b, '\\');
		if (*s == '\n')
			vpce_buf_puts(b, "\\n");
		else
			vpce_buf_putc(b, *s);
	}
	vpce_buf_putc(b, '"');
}

/* A label built with printf into a scratch buffer, then quoted. */
static void qf(struct vpce_buf *b, const char *fmt, ...) VPCE_PRINTF(2, 3);
static void qf(struct vpce_buf *b, const char *fmt, ...)
{
	struct vpce_buf t = VPCE_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	vpce_buf_vprintf(&t, fmt, ap);
	va_end(ap);
	q(b, t.ptr ? t.ptr : "");
	if (t.failed)
		b->failed = true;
	vpce_buf_release(&t);
}

static bool subnet_is_public(const struct vpce_model *m, const struct vpce_subnet *s)
{
	const struct vpce_route_table *r;

	if (s->rtb == VPCE_NONE)
		return false;
	r = &m->rtbs[s->rtb];
	for (uint32_t i = 0; i < r->nroutes; i++)
		if (r->routes[i].target == VPCE_TGT_IGW && r->routes[i].dst.family && r->routes[i].dst.len == 0 &&
		    !r->routes[i].blackhole)
			return true;
	return false;
}

static const char *verdict_color(const struct vpce_verdict *v)
{
	return v->is_private ? COLOR_PRIVATE : v->path == VPCE_PATH_BLOCKED ? COLOR_BLOCKED : COLOR_PUBLIC;
}

static const char *verdict_style(const struct vpce_verdict *v)
{
	return v->is_private ? "solid" : v->path == VPCE_PATH_BLOCKED ? "dotted" : "dashed";
}

static const char *verdict_word(const struct vpce_verdict *v)
{
	return v->is_private ? "private" : v->path == VPCE_PATH_BLOCKED ? "blocked" : "public";
}

static bool same_verdict(const struct vpce_verdict *a, const struct vpce_verdict *b)
{
	return a->path == b->path && a->blocked_at == b->blocked_at && strcmp(a->to, b->to) == 0 &&
	       ((!a->via && !b->via) || (a->via && b->via && strcmp(a->via, b->via) == 0));
}

struct group {
	uint32_t first;          /* subnet index */
	uint32_t *members;
	size_t nmembers, amembers;
	bool is_public;
};

struct drawing {
	const struct vpce_model *m;
	const struct vpce_verdict *v;
	const uint32_t *subnet;
	size_t n;
	size_t *row_start;       /* per subnet: verdict indices */
	size_t *row_idx;
	size_t *row_len;
};

/* Subnets a and b have identical verdict rows. */
static bool same_row(const struct drawing *d, uint32_t a, uint32_t b)
{
	if (d->row_len[a] != d->row_len[b])
		return false;
	for (size_t k = 0; k < d->row_len[a]; k++)
		if (!same_verdict(&d->v[d->row_idx[d->row_start[a] + k]], &d->v[d->row_idx[d->row_start[b] + k]]))
			return false;
	return true;
}

static const char *tgt_label(const struct vpce_route *r, char *buf, size_t len)
{
	if (r->dst.family)
		return vpce_cidr_format(&r->dst, buf, len);
	return r->prefix_list_id ? r->prefix_list_id : "prefix list";
}

static int draw_vpc(struct vpce_buf *b, struct drawing *d, uint32_t vi, const struct vpce_diagram_options *o,
		    const char **services, size_t nservices)
{
	const struct vpce_model *m = d->m;
	const struct vpce_vpc *vp = &m->vpcs[vi];
	struct group *g = NULL;
	size_t ng = 0, ag = 0, drawn, hidden = 0, max = o && o->max_subnets ? o->max_subnets : 24;
	const char **azs = NULL;
	size_t naz = 0, aaz = 0, ninst = 0;
	bool *rtb_used = calloc((size_t)m->nrtbs + 1, sizeof(bool));
	bool *subnet_drawn = calloc((size_t)m->nsubnets + 1, sizeof(bool));
	char cb[64];
	int rc = 0;

	(void)services;
	(void)nservices;
	if (!rtb_used || !subnet_drawn) {
		rc = VPCE_ENOMEM;
		goto out;
	}
	/* Group subnets: same AZ, route table, public/private and verdict row. */
	for (uint32_t s = 0; s < m->nsubnets; s++) {
		const struct vpce_subnet *sn = &m->subnets[s];
		size_t k;
		if (sn->vpc != vi)
			continue;
		for (k = 0; k < ng && !(o && o->no_collapse); k++) {
			const struct vpce_subnet *f = &m->subnets[g[k].first];
			if (f->rtb == sn->rtb && ((!f->az && !sn->az) || (f->az && sn->az && strcmp(f->az, sn->az) == 0)) &&
			    same_row(d, g[k].first, s))
				break;
		}
		if (k == ng || (o && o->no_collapse)) {
			struct group ng_ = { s, NULL, 0, 0, subnet_is_public(m, sn) };
			if (VPCE_ARRAY_PUSH(g, ng, ag, ng_) != 0) {
				rc = VPCE_ENOMEM;
				goto out;
			}
			k = ng - 1;
		}
		if (VPCE_ARRAY_PUSH(g[k].members, g[k].nmembers, g[k].amembers, s) != 0) {
			rc = VPCE_ENOMEM;
			goto out;
		}
	}
	drawn = ng < max ? ng : max;
	for (size_t k = drawn; k < ng; k++)
		hidden += g[k].nmembers;
	for (size_t k = 0; k < drawn; k++) {
		const char *az = m->subnets[g[k].first].az ? m->subnets[g[k].first].az : "unknown AZ";
		bool seen = false;
		for (size_t j = 0; j < naz; j++)
			seen = seen || strcmp(azs[j], az) == 0;
		if (!seen && VPCE_ARRAY_PUSH(azs, naz, aaz, az) != 0) {
			rc = VPCE_ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < g[k].nmembers; j++)
			subnet_drawn[g[k].members[j]] = true;
		if (m->subnets[g[k].first].rtb != VPCE_NONE)
			rtb_used[m->subnets[g[k].first].rtb] = true;
	}
	for (uint32_t i = 0; i < m->ninstances; i++)
		if (m->instances[i].vpc == vi)
			ninst++;

	vpce_buf_printf(b, "    subgraph \"cluster_%s\" {\n      label=", vp->id);
	qf(b, "VPC %s%s%s", vp->id, vp->ncidrs ? "  " : "", vp->ncidrs ? vpce_cidr_format(&vp->cidrs[0], cb, sizeof(cb)) : "");
	vpce_buf_puts(b, "; style=\"rounded\"; color=\"#555555\";\n");

	/* Availability Zones with their subnets, NAT gateways and instances. */
	for (size_t a = 0; a < naz; a++) {
		vpce_buf_printf(b, "      subgraph \"cluster_%s_%s\" {\n        label=", vp->id, azs[a]);
		qf(b, "Availability Zone %s", azs[a]);
		vpce_buf_puts(b, "; style=\"dashed\"; color=\"#888888\";\n");
		for (size_t k = 0; k < drawn; k++) {
			const struct vpce_subnet *f = &m->subnets[g[k].first];
			const char *az = f->az ? f->az : "unknown AZ";
			if (strcmp(az, azs[a]) != 0)
				continue;
			vpce_buf_puts(b, "        ");
			q(b, f->id);
			vpce_buf_puts(b, " [shape=box, style=\"rounded,filled\", fillcolor=");
			vpce_buf_puts(b, g[k].is_public ? "\"#fdf0e1\"" : "\"#e8f1fb\"");
			vpce_buf_puts(b, ", label=");
			if (g[k].nmembers == 1)
				qf(b, "%s subnet\n%s%s%s%s\n%s", g[k].is_public ? "public" : "private", f->id,
				   f->name ? " (" : "", f->name ? f->name : "", f->name ? ")" : "",
				   f->cidr.family ? vpce_cidr_format(&f->cidr, cb, sizeof(cb)) : "");
			else
				qf(b, "%zu %s subnets\n(identical paths)\n%s\n%s%s", g[k].nmembers,
				   g[k].is_public ? "public" : "private", f->id, m->subnets[g[k].members[1]].id,
				   g[k].nmembers > 2 ? "\n..." : "");
			vpce_buf_puts(b, "];\n");
		}
		for (uint32_t i = 0; i < m->nnats; i++) {
			const struct vpce_nat_gateway *nt = &m->nats[i];
			if (nt->vpc != vi || nt->subnet == VPCE_NONE || !m->subnets[nt->subnet].az ||
			    strcmp(m->subnets[nt->subnet].az, azs[a]) != 0)
				continue;
			vpce_buf_puts(b, "        ");
			q(b, nt->id);
			vpce_buf_puts(b, " [shape=octagon, style=filled, fillcolor=\"#fff7d6\", label=");
			qf(b, "NAT gateway\n%s\n%s%s", nt->id, nt->state ? nt->state : "", nt->is_public ? "" : " (private)");
			vpce_buf_puts(b, "];\n");
		}
		for (uint32_t i = 0; ninst <= MAX_INSTANCES_DRAWN && i < m->ninstances; i++) {
			const struct vpce_instance *in = &m->instances[i];
			if (in->vpc != vi || in->subnet == VPCE_NONE || !subnet_drawn[in->subnet] ||
			    !m->subnets[in->subnet].az || strcmp(m->subnets[in->subnet].az, azs[a]) != 0)
				continue;
			vpce_buf_puts(b, "        ");
			q(b, in->id);
			vpce_buf_puts(b, " [shape=box, style=filled, fillcolor=\"#f2f2f2\", fontsize=10, label=");
			qf(b, "instance\n%s%s%s%s", in->id, in->name ? " (" : "", in->name ? in->name : "",
			   in->name ? ")" : "");
			vpce_buf_puts(b, "];\n");
		}
		vpce_buf_puts(b, "      }\n");
	}
	if (hidden) {
		vpce_buf_printf(b, "      \"%s_more\" [shape=note, label=", vp->id);
		qf(b, "%zu more subnet%s not drawn\n(--max-subnets %zu)", hidden, hidden == 1 ? "" : "s", max);
		vpce_buf_puts(b, "];\n");
	}
	if (ninst > MAX_INSTANCES_DRAWN) {
		vpce_buf_printf(b, "      \"%s_instances\" [shape=note, label=", vp->id);
		qf(b, "%zu instances (not drawn one by one)", ninst);
		vpce_buf_puts(b, "];\n");
	}
	/* Internet gateways attached to the VPC. */
	for (uint32_t i = 0; i < m->nigws; i++) {
		bool att = false;
		for (uint32_t k = 0; k < m->igws[i].nvpcs; k++)
			att = att || m->igws[i].vpcs[k] == vi;
		if (!att)
			continue;
		vpce_buf_puts(b, "      ");
		q(b, m->igws[i].id);
		vpce_buf_puts(b, " [shape=house, style=filled, fillcolor=\"#fff7d6\", label=");
		qf(b, "Internet gateway\n%s", m->igws[i].id);
		vpce_buf_puts(b, "];\n");
	}
	/* Endpoints. */
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		if (ep->vpc != vi)
			continue;
		vpce_buf_puts(b, "      ");
		q(b, ep->id);
		if (ep->type == VPCE_EP_GATEWAY) {
			vpce_buf_puts(b, " [shape=cds, style=filled, fillcolor=\"#e3f4e8\", label=");
			qf(b, "gateway endpoint\n%s\n%s%s%s", ep->id, ep->service_short,
			   ep->state && strcmp(ep->state, "available") != 0 ? "\nstate: " : "",
			   ep->state && strcmp(ep->state, "available") != 0 ? ep->state : "");
		} else {
			char azl[256];
			size_t used = 0;
			azl[0] = '\0';
			for (uint32_t k = 0; k < ep->nsubnets && used < sizeof(azl) - 1; k++) {
				const char *az = ep->subnets[k] != VPCE_NONE ? m->subnets[ep->subnets[k]].az : NULL;
				int w = snprintf(azl + used, sizeof(azl) - used, "%s%s", k ? ", " : "", az ? az : "?");
				if (w > 0)
					used += (size_t)w;
			}
			vpce_buf_puts(b, " [shape=box3d, style=filled, fillcolor=\"#e3f4e8\", label=");
			qf(b, "%s endpoint\n%s\n%s\nAZ: %s%s%s", ep->type == VPCE_EP_INTERFACE ? "interface" : "other", ep->id,
			   ep->service_short, azl[0] ? azl : "none",
			   ep->state && strcmp(ep->state, "available") != 0 ? "\nstate: " : "",
			   ep->state && strcmp(ep->state, "available") != 0 ? ep->state : "");
		}
		vpce_buf_puts(b, "];\n");
	}
	/* Route tables used by drawn subnets, and their non-local targets. */
	for (uint32_t r = 0; r < m->nrtbs; r++) {
		const struct vpce_route_table *rt = &m->rtbs[r];
		if (!rtb_used[r])
			continue;
		vpce_buf_puts(b, "      ");
		q(b, rt->id);
		vpce_buf_puts(b, " [shape=note, style=filled, fillcolor=\"#ffffff\", fontsize=10, label=");
		qf(b, "route table\n%s%s", rt->id, rt->is_main ? " (main)" : "");
		vpce_buf_puts(b, "];\n");
	}
	vpce_buf_puts(b, "    }\n");
	/* Structural edges (grey): subnet → route table → gateway. */
	for (size_t k = 0; k < drawn; k++) {
		const struct vpce_subnet *f = &m->subnets[g[k].first];
		if (f->rtb == VPCE_NONE)
			continue;
		vpce_buf_puts(b, "    ");
		q(b, f->id);
		vpce_buf_puts(b, " -> ");
		q(b, m->rtbs[f->rtb].id);
		vpce_buf_puts(b, " [color=\"#999999\", arrowhead=none, style=dashed, label=\"uses\", fontcolor=\"#666666\"];\n");
	}
	for (uint32_t i = 0; i < m->ninstances && ninst <= MAX_INSTANCES_DRAWN; i++) {
		const struct vpce_instance *in = &m->instances[i];
		size_t k;
		if (in->vpc != vi || in->subnet == VPCE_NONE || !subnet_drawn[in->subnet])
			continue;
		for (k = 0; k < drawn; k++) {
			bool member = false;
			for (size_t j = 0; j < g[k].nmembers; j++)
				member = member || g[k].members[j] == in->subnet;
			if (member)
				break;
		}
		vpce_buf_puts(b, "    ");
		q(b, in->id);
		vpce_buf_puts(b, " -> ");
		q(b, m->subnets[g[k].first].id);
		vpce_buf_puts(b, " [color=\"#bbbbbb\", arrowhead=none, label=\"in\", fontcolor=\"#666666\"];\n");
	}
	for (uint32_t r = 0; r < m->nrtbs; r++) {
		const struct vpce_route_table *rt = &m->rtbs[r];
		if (!rtb_used[r])
			continue;
		for (uint32_t k = 0; k < rt->nroutes; k++) {
			const struct vpce_route *ro = &rt->routes[k];
			if (ro->target == VPCE_TGT_LOCAL || !ro->target_id || ro->target_idx == VPCE_NONE)
				continue;
			if (ro->target != VPCE_TGT_IGW && ro->target != VPCE_TGT_NAT && ro->target != VPCE_TGT_GATEWAY_ENDPOINT)
				continue;
			vpce_buf_puts(b, "    ");
			q(b, rt->id);
			vpce_buf_puts(b, " -> ");
			q(b, ro->target_id);
			vpce_buf_puts(b, " [color=\"#999999\", fontcolor=\"#666666\", fontsize=9, label=");
			q(b, tgt_label(ro, cb, sizeof(cb)));
			vpce_buf_puts(b, "];\n");
		}
	}
	for (uint32_t i = 0; i < m->nnats; i++) {
		const struct vpce_nat_gateway *nt = &m->nats[i];
		if (nt->vpc != vi || nt->subnet == VPCE_NONE || !m->subnets[nt->subnet].az)
			continue;
		for (size_t a = 0; a < naz; a++)
			if (strcmp(azs[a], m->subnets[nt->subnet].az) == 0 && subnet_drawn[nt->subnet]) {
				size_t k;
				for (k = 0; k < drawn; k++) {
					bool member = false;
					for (size_t j = 0; j < g[k].nmembers; j++)
						member = member || g[k].members[j] == nt->subnet;
					if (member)
						break;
				}
				vpce_buf_puts(b, "    ");
				q(b, nt->id);
				vpce_buf_puts(b, " -> ");
				q(b, m->subnets[g[k].first].id);
				vpce_buf_puts(b, " [color=\"#bbbbbb\", arrowhead=none, label=\"in\", fontcolor=\"#666666\"];\n");
			}
	}
	/* Paths: one edge per drawn subnet (group) and service, in the verdict's colour. */
	for (size_t k = 0; k < drawn; k++) {
		uint32_t s = g[k].first;
		for (size_t t = 0; t < d->row_len[s]; t++) {
			const struct vpce_verdict *x = &d->v[d->row_idx[d->row_start[s] + t]];
			char cell[64];
			vpce_buf_puts(b, "    ");
			q(b, m->subnets[s].id);
			vpce_buf_puts(b, " -> ");
			qf(b, "svc:%s", x->service);
			vpce_buf_printf(b, " [color=\"%s\", fontcolor=\"%s\", style=%s, penwidth=2, label=", verdict_color(x),
					verdict_color(x), verdict_style(x));
			qf(b, "%s: %s%s%s", verdict_word(x), vpce_render_cell(x, cell, sizeof(cell)), x->via ? "\nvia " : "",
			   x->via ? x->via : "");
			vpce_buf_puts(b, "];\n");
		}
	}
out:
	for (size_t k = 0; k < ng; k++)
		free(g[k].members);
	free(g);
	free(azs);
	free(rtb_used);
	free(subnet_drawn);
	return rc ? rc : b->failed ? VPCE_ENOMEM : 0;
}

int vpce_render_dot(struct vpce_buf *b, const struct vpce_model *m, const struct vpce_verdict *v,
		    const uint32_t *subnet, size_t n, const struct vpce_diagram_options *o, struct vpce_error *err)
{
	struct drawing d;
	const char **services = NULL, **svc_full = NULL;
	size_t nservices = 0, as = 0, af = 0, nf = 0, max_vpcs = o && o->max_vpcs ? o->max_vpcs : 8, nvpc = 0;
	uint32_t only = VPCE_NONE;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	if (o && o->vpc) {
		enum vpce_kind kind;
		if (!vpce_model_find(m, o->vpc, &kind, &only) || kind != VPCE_K_VPC)
			return vpce_error_set(err, VPCE_ENOTFOUND, "VPC %s is not in the snapshot", o->vpc);
	}
	d.m = m;
	d.v = v;
	d.subnet = subnet;
	d.n = n;
	d.row_start = calloc((size_t)m->nsubnets + 1, sizeof(size_t));
	d.row_len = calloc((size_t)m->nsubnets + 1, sizeof(size_t));
	d.row_idx = calloc(n + 1, sizeof(size_t));
	if (!d.row_start || !d.row_len || !d.row_idx) {
		rc = VPCE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (subnet[i] < m->nsubnets)
			d.row_len[subnet[i]]++;
	for (uint32_t s = 1; s <= m->nsubnets; s++)
		d.row_start[s] = d.row_start[s - 1] + d.row_len[s - 1];
	{
		size_t *fill = calloc((size_t)m->nsubnets + 1, sizeof(size_t));
		if (!fill) {
			rc = VPCE_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (subnet[i] < m->nsubnets)
				d.row_idx[d.row_start[subnet[i]] + fill[subnet[i]]++] = i;
		free(fill);
	}
	/* Services drawn: those of verdicts in drawn VPCs, in order. */
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		if (subnet[i] >= m->nsubnets || (only != VPCE_NONE && m->subnets[subnet[i]].vpc != only))
			continue;
		for (size_t k = 0; k < nf; k++)
			seen = seen || strcmp(svc_full[k], v[i].service) == 0;
		if (seen)
			continue;
		if (VPCE_ARRAY_PUSH(svc_full, nf, af, v[i].service) != 0 ||
		    VPCE_ARRAY_PUSH(services, nservices, as, v[i].to) != 0) {
			rc = VPCE_ENOMEM;
			goto out;
		}
	}

	vpce_buf_puts(b, "digraph vpce {\n"
			 "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, compound=true, nodesep=0.3, ranksep=1.2, "
			 "labelloc=t, label=");
	qf(b, "vpce diagram: paths from subnets to AWS services%s%s", only != VPCE_NONE ? " in " : "",
	   only != VPCE_NONE ? m->vpcs[only].id : "");
	vpce_buf_puts(b, "];\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
	vpce_buf_puts(b, "  subgraph \"cluster_region\" {\n    label=");
	qf(b, "Region %s", m->region ? m->region : "(unknown)");
	vpce_buf_puts(b, "; style=\"rounded\"; color=\"#232f3e\";\n");
	vpce_buf_puts(b, "    subgraph \"cluster_services\" {\n      label=\"AWS services\"; style=\"rounded,filled\"; "
			 "fillcolor=\"#f7f7f7\"; color=\"#232f3e\";\n");
	for (size_t k = 0; k < nf; k++) {
		vpce_buf_puts(b, "      ");
		qf(b, "svc:%s", svc_full[k]);
		vpce_buf_puts(b, " [shape=ellipse, style=filled, fillcolor=\"#ffffff\", label=");
		qf(b, "%s\n%s", services[k], svc_full[k]);
		vpce_buf_puts(b, "];\n");
	}
	vpce_buf_puts(b, "    }\n");
	for (uint32_t vi = 0; vi < m->nvpcs && rc == 0; vi++) {
		if (only != VPCE_NONE && vi != only)
			continue;
		if (m->vpcs[vi].stub)
			continue;
		if (nvpc++ >= max_vpcs)
			continue;
		rc = draw_vpc(b, &d, vi, o, services, nservices);
	}
	if (rc)
		goto out;
	if (nvpc > max_vpcs) {
		vpce_buf_puts(b, "    \"more_vpcs\" [shape=note, label=");
		qf(b, "%zu more VPCs not drawn (use --vpc ID)", nvpc - max_vpcs);
		vpce_buf_puts(b, "];\n");
	}
	vpce_buf_puts(b, "  }\n");
	/* Legend: colour, line style and words. */
	vpce_buf_puts(b, "  \"legend\" [shape=plaintext, fontsize=10, label=<<table border=\"1\" cellborder=\"0\" "
			 "cellspacing=\"2\"><tr><td colspan=\"2\"><b>Paths</b></td></tr>"
			 "<tr><td><font color=\"" COLOR_PRIVATE "\">━━ solid green</font></td><td align=\"left\">private: "
			 "gateway or interface endpoint</td></tr>"
			 "<tr><td><font color=\"" COLOR_PUBLIC "\">- - dashed orange</font></td><td align=\"left\">public: "
			 "NAT or internet gateway</td></tr>"
			 "<tr><td><font color=\"" COLOR_BLOCKED "\">··· dotted red</font></td><td align=\"left\">blocked "
			 "(label: the step)</td></tr></table>>];\n}\n");
out:
	free(services);
	free(svc_full);
	free(d.row_start);
	free(d.row_len);
	free(d.row_idx);
	if (rc)
		return vpce_error_set(err, rc, "out of memory");
	return b->failed ? vpce_error_set(err, VPCE_ENOMEM, "out of memory") : 0;
}

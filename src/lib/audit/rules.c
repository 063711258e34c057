/* vpce audit: the rule table. One function per rule; each names the AWS
 * page it follows in the table entry (doc_title, doc_url) and in a comment.
 * Rules read the model and, where the question is "where does this traffic
 * go", the path engine's verdicts (computed once per subnet in prepass()). */
#include <stdio.h>
#include <stdlib.h>
#include "vpce/audit.h"
#include "vpce/policy.h"
#include "util/util.h"

/* Compact copy of one (subnet, service) verdict (engine strings are reset). */
struct sv {
	uint8_t path;
	int8_t blocked_at;
	const char *nacl_return;   /* NACL id when blocked by return traffic, else NULL */
};

struct actx {
	const struct vpce_model *m;
	struct vpce_engine *e;
	unsigned central_threshold;
	struct vpce_arena *arena;
	struct vpce_finding *f;
	size_t n, alloc;
	const struct vpce_audit_rule *rule;
	int rc;
	/* prepass */
	const char **services;   /* engine's default services (engine-owned strings) */
	size_t nservices;
	struct sv *sv;           /* nsubnets x nservices */
	bool *subnet_has_workload;
	bool *sg_on_workload;    /* security group carried by a workload ENI */
	bool *vpc_has_eks;       /* an "Amazon EKS" network interface in the VPC */
	const struct vpce_plan_result *plan; /* flow-log plan, or NULL */
};

struct vpce_audit_priv {
	struct vpce_arena arena;
};

/* ---- helpers ---------------------------------------------------------------- */

static struct vpce_finding *add(struct actx *c, int sev, const char *resource, uint32_t vpc)
{
	struct vpce_finding f;

	if (c->rc)
		return NULL;
	memset(&f, 0, sizeof(f));
	f.rule_id = c->rule->id;
	f.rule_name = c->rule->name;
	f.severity = sev < 0 ? c->rule->severity : sev;
	f.resource = vpce_arena_strdup(c->arena, resource ? resource : "");
	f.vpc = vpc != VPCE_NONE && vpc < c->m->nvpcs ? c->m->vpcs[vpc].id : NULL;
	if (f.vpc)
		f.vpc = vpce_arena_strdup(c->arena, f.vpc);
	f.doc_title = c->rule->doc_title;
	f.doc_url = c->rule->doc_url;
	if (!f.resource || VPCE_ARRAY_PUSH(c->f, c->n, c->alloc, f) != 0) {
		c->rc = VPCE_ENOMEM;
		return NULL;
	}
	return &c->f[c->n - 1];
}

#define SET(c, field, ...)                                                   \
	do {                                                                 \
		if (_f && !((_f)->field = vpce_arena_printf((c)->arena, __VA_ARGS__))) \
			(c)->rc = VPCE_ENOMEM;                               \
	} while (0)

static bool is_service(const struct vpce_endpoint *ep, const char *short_name)
{
	return ep->service_short && strcmp(ep->service_short, short_name) == 0;
}

/* Index of an endpoint in vpc for service short_name of the given type (or
 * any type when type < 0), for the VPC's own region (an endpoint to another
 * region's service does not serve this one's). */
static uint32_t find_endpoint(const struct vpce_model *m, uint32_t vpc, const char *short_name, int type)
{
	const char *region = vpc < m->nvpcs ? m->vpcs[vpc].region : NULL;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		if (ep->vpc == vpc && is_service(ep, short_name) && (type < 0 || ep->type == type) &&
		    (!region || !ep->service_region || strcmp(region, ep->service_region) == 0))
			return i;
	}
	return VPCE_NONE;
}

static const char *region_of(const struct actx *c, uint32_t vpc)
{
	const char *r = vpc < c->m->nvpcs ? c->m->vpcs[vpc].region : NULL;
	return r ? r : c->m->region ? c->m->region : "REGION";
}

static bool available(const struct vpce_endpoint *ep)
{
	return ep->state && strcmp(ep->state, "available") == 0;
}

/* ---- prepass: one verdict per (subnet, default service) ----------------------- */

static int prepass(struct actx *c, const struct vpce_audit_options *o, struct vpce_error *err)
{
	const struct vpce_model *m = c->m;
	int rc;

	rc = vpce_engine_default_services(c->e, &c->services, &c->nservices, err);
	if (rc)
		return rc;
	c->sv = calloc((size_t)m->nsubnets * c->nservices + 1, sizeof(*c->sv));
	c->subnet_has_workload = calloc((size_t)m->nsubnets + 1, sizeof(bool));
	c->sg_on_workload = calloc((size_t)m->nsgs + 1, sizeof(bool));
	c->vpc_has_eks = calloc((size_t)m->nvpcs + 1, sizeof(bool));
	if (!c->sv || !c->subnet_has_workload || !c->sg_on_workload || !c->vpc_has_eks)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->nenis; i++) {
		const struct vpce_eni *en = &m->enis[i];
		if (en->vpc != VPCE_NONE && en->vpc < m->nvpcs && en->description &&
		    vpce_str_startswith(en->description, "Amazon EKS"))
			c->vpc_has_eks[en->vpc] = true;
		if (en->kind != VPCE_ENI_WORKLOAD)
			continue;
		if (en->subnet != VPCE_NONE)
			c->subnet_has_workload[en->subnet] = true;
		for (uint32_t k = 0; k < en->nsgs; k++)
			if (en->sgs[k] != VPCE_NONE)
				c->sg_on_workload[en->sgs[k]] = true;
	}
	for (uint32_t i = 0; i < m->ninstances; i++)
		if (m->instances[i].subnet != VPCE_NONE)
			c->subnet_has_workload[m->instances[i].subnet] = true;
	for (uint32_t s = 0; s < m->nsubnets; s++) {
		struct vpce_source src = { VPCE_K_SUBNET, s, m->subnets[s].id, UINT32_MAX };
		for (size_t k = 0; k < c->nservices; k++) {
			struct vpce_verdict v;
			struct sv *x = &c->sv[(size_t)s * c->nservices + k];
			rc = vpce_engine_check(c->e, &src, c->services[k], &v, err);
			if (rc)
				return rc;
			x->path = v.path;
			x->blocked_at = v.blocked_at;
			if (v.blocked_at == VPCE_STEP_NETWORK_ACL)
				for (uint32_t h = 0; h < v.nhops; h++) {
					const struct vpce_hop *hp = &v.hops[h];
					if (hp->step == VPCE_STEP_NETWORK_ACL && hp->result == VPCE_HOP_FAIL && hp->detail &&
					    strstr(hp->detail, "return traffic") && hp->resource) {
						x->nacl_return = vpce_arena_strdup(c->arena, hp->resource);
						if (!x->nacl_return)
							return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
					}
				}
		}
		vpce_engine_reset(c->e);
		if (o && o->progress)
			o->progress(o->progress_ctx, s + 1, m->nsubnets);
	}
	return 0;
}

/* ---- the rules ---------------------------------------------------------------- */

/* VPCE001 — VPC user guide / PrivateLink guide, "Gateway endpoints": S3 and
 * DynamoDB traffic reaches a gateway endpoint only from subnets whose route
 * table the endpoint is associated with; otherwise it takes the NAT gateway
 * (billed per GB processed). Uses the engine's verdicts. */
static void rule_gateway_not_routed(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (size_t k = 0; k < c->nservices; k++) {
		const char *svc = c->services[k];
		if (strcmp(svc, "s3") != 0 && strcmp(svc, "dynamodb") != 0)
			continue;
		for (uint32_t s = 0; s < m->nsubnets; s++) {
			const struct vpce_subnet *sn = &m->subnets[s];
			const struct sv *x = &c->sv[(size_t)s * c->nservices + k];
			uint32_t ep;
			const char *rtb;
			struct vpce_finding *_f;

			if (x->path != VPCE_PATH_NAT_GATEWAY)
				continue;
			ep = find_endpoint(m, sn->vpc, svc, VPCE_EP_GATEWAY);
			rtb = sn->rtb != VPCE_NONE ? m->rtbs[sn->rtb].id : "RTB";
			_f = add(c, -1, sn->id, sn->vpc);
			if (ep != VPCE_NONE) {
				SET(c, reason, "%s reaches %s through a NAT gateway: gateway endpoint %s is not associated with "
					       "its route table %s", sn->id, svc, m->endpoints[ep].id, rtb);
				SET(c, fix, "aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --add-route-table-ids %s",
				    m->endpoints[ep].id, rtb);
			} else {
				SET(c, reason, "%s reaches %s through a NAT gateway (billed per GB): the VPC has no %s gateway "
					       "endpoint (free)", sn->id, svc, svc);
				SET(c, fix, "aws ec2 create-vpc-endpoint --vpc-id %s --vpc-endpoint-type Gateway "
					    "--service-name com.amazonaws.%s.%s --route-table-ids %s",
				    m->vpcs[sn->vpc].id, region_of(c, sn->vpc), svc, rtb);
			}
		}
	}
}

/* Distinct AZ names of a list of subnet indices. */
static size_t count_azs(const struct vpce_model *m, const uint32_t *subnets, size_t n, const char **azs, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const char *az;
		bool seen = false;
		if (subnets[i] == VPCE_NONE || !(az = m->subnets[subnets[i]].az))
			continue;
		for (size_t j = 0; j < k; j++)
			seen = seen || strcmp(azs[j], az) == 0;
		if (!seen && k < max)
			azs[k++] = az;
	}
	return k;
}

/* VPCE002 — PrivateLink guide, "Access an AWS service using an interface VPC
 * endpoint": an endpoint network interface is created in each subnet
 * (Availability Zone) you choose; for high availability choose several. One
 * AZ while workloads span several: an AZ outage cuts the others off, and
 * cross-AZ traffic is billed. */
static void rule_single_az(struct actx *c)
{
	const struct vpce_model *m = c->m;
	uint32_t *ws = calloc((size_t)m->nsubnets + 1, sizeof(*ws));

	if (!ws) {
		c->rc = VPCE_ENOMEM;
		return;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		const char *eazs[64], *wazs[64];
		size_t ne, nw, nws = 0;
		struct vpce_finding *_f;

		if (ep->type != VPCE_EP_INTERFACE || ep->nsubnets == 0)
			continue;
		for (uint32_t s = 0; s < m->nsubnets; s++)
			if (m->subnets[s].vpc == ep->vpc && c->subnet_has_workload[s])
				ws[nws++] = s;
		ne = count_azs(m, ep->subnets, ep->nsubnets, eazs, 64);
		nw = count_azs(m, ws, nws, wazs, 64);
		if (ne != 1 || nw < 2)
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "interface endpoint %s (%s) has a network interface only in %s while the VPC's workloads "
			       "span %zu Availability Zones", ep->id, ep->service_short, eazs[0], nw);
		SET(c, fix, "aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --add-subnet-ids SUBNET-IN-%s", ep->id,
		    strcmp(wazs[0], eazs[0]) != 0 ? wazs[0] : wazs[1]);
	}
	free(ws);
}

static bool rule_has_port(const struct vpce_sg_rule *r, int port)
{
	if (r->proto == -1)
		return true;
	if (r->proto != 6)
		return false;
	return r->from_port <= port && port <= r->to_port;
}

/* VPCE003 — PrivateLink guide, "Access an AWS service using an interface VPC
 * endpoint" (security groups) and VPC user guide "Security group rules":
 * inbound rules should name the clients (VPC CIDR, their security groups);
 * 0.0.0.0/0 admits anything that can route to the endpoint (peered VPCs,
 * VPN, Direct Connect). One finding per security group. */
static void rule_sg_open(struct actx *c)
{
	const struct vpce_model *m = c->m;
	bool *seen = calloc((size_t)m->nsgs + 1, sizeof(bool));

	if (!seen) {
		c->rc = VPCE_ENOMEM;
		return;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		if (ep->type != VPCE_EP_INTERFACE)
			continue;
		for (uint32_t k = 0; k < ep->nsgs; k++) {
			const struct vpce_security_group *g;
			if (ep->sgs[k] == VPCE_NONE || seen[ep->sgs[k]])
				continue;
			g = &m->sgs[ep->sgs[k]];
			for (uint32_t r = 0; r < g->ningress; r++) {
				const struct vpce_sg_rule *ru = &g->ingress[r];
				struct vpce_finding *_f;
				if (ru->peer_kind != VPCE_PEER_CIDR || ru->cidr.len != 0)
					continue;
				seen[ep->sgs[k]] = true;
				_f = add(c, -1, g->id, ep->vpc);
				SET(c, reason, "security group %s of interface endpoint %s allows inbound from %s", g->id, ep->id,
				    ru->cidr.family == 6 ? "::/0" : "0.0.0.0/0");
				SET(c, fix, "replace the %s rule in %s with tcp/443 from the VPC CIDR or the workloads' security "
					    "groups", ru->cidr.family == 6 ? "::/0" : "0.0.0.0/0", g->id);
				break;
			}
		}
	}
	free(seen);
}

/* Does an ingress rule admit tcp/443 from the VPC's workloads? CIDRs that
 * overlap the VPC, any prefix list (not expanded here), or a security group
 * carried by a workload ENI in the VPC. */
static bool admits_workloads(const struct actx *c, uint32_t vpc, const struct vpce_sg_rule *r)
{
	const struct vpce_model *m = c->m;

	if (!rule_has_port(r, 443))
		return false;
	switch (r->peer_kind) {
	case VPCE_PEER_CIDR:
		for (uint32_t k = 0; k < m->vpcs[vpc].ncidrs; k++)
			if (vpce_cidr_overlaps(&r->cidr, &m->vpcs[vpc].cidrs[k]))
				return true;
		return false;
	case VPCE_PEER_PREFIX_LIST:
		return true;
	default:
		/* A referenced group admits the ENIs that carry it (any VPC: peering). */
		return r->peer_idx != VPCE_NONE && c->sg_on_workload[r->peer_idx];
	}
}

/* VPCE004 — PrivateLink guide, "Access an AWS service using an interface VPC
 * endpoint": the endpoint's security groups must allow HTTPS (443) in from
 * the clients; without it every call times out. */
static void rule_sg_no_443(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		bool ok = false, dangling = false;
		struct vpce_finding *_f;

		if (ep->type != VPCE_EP_INTERFACE || ep->nsgs == 0 || ep->vpc == VPCE_NONE)
			continue;
		for (uint32_t k = 0; k < ep->nsgs && !ok; k++) {
			const struct vpce_security_group *g;
			if (ep->sgs[k] == VPCE_NONE) {
				dangling = true;
				continue;
			}
			g = &m->sgs[ep->sgs[k]];
			for (uint32_t r = 0; r < g->ningress && !ok; r++)
				ok = admits_workloads(c, ep->vpc, &g->ingress[r]);
		}
		if (ok || dangling)
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "no security group of interface endpoint %s (%s) allows tcp/443 in from the VPC's workloads",
		    ep->id, ep->service_short);
		SET(c, fix, "aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp --port 443 --cidr %s",
		    ep->sg_ids && ep->sg_ids[0] ? ep->sg_ids[0] : "SG",
		    m->vpcs[ep->vpc].ncidrs ? vpce_cidr_format(&m->vpcs[ep->vpc].cidrs[0],
							       (char[64]){ 0 }, 64) : "VPC-CIDR");
	}
}

/* VPCE005 — PrivateLink guide, "Access an AWS service using an interface VPC
 * endpoint" (private DNS): without private DNS the service's default name
 * keeps resolving to public addresses, so SDKs bypass the endpoint. S3
 * interface endpoints next to an S3 gateway endpoint are the documented
 * pattern (gateway in the VPC, interface for on-premises) and are skipped. */
static void rule_private_dns_off(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		struct vpce_finding *_f;

		if (ep->type != VPCE_EP_INTERFACE || ep->private_dns || !ep->service_region)
			continue;
		if (is_service(ep, "s3") && find_endpoint(m, ep->vpc, "s3", VPCE_EP_GATEWAY) != VPCE_NONE)
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "interface endpoint %s has private DNS off: %s.%s.amazonaws.com still resolves to public "
			       "addresses", ep->id, ep->service_short, ep->service_region);
		SET(c, fix, "aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --private-dns-enabled", ep->id);
	}
}

/* VPCE006 — VPC user guide, "DNS attributes for your VPC": interface
 * endpoints' private DNS needs enableDnsSupport and enableDnsHostnames;
 * without enableDnsSupport the Amazon DNS server does not answer at all. */
static void rule_vpc_dns(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t v = 0; v < m->nvpcs; v++) {
		const struct vpce_vpc *vp = &m->vpcs[v];
		bool any_if = false, any_pdns = false;
		struct vpce_finding *_f;

		for (uint32_t i = 0; i < m->nendpoints; i++)
			if (m->endpoints[i].vpc == v && m->endpoints[i].type == VPCE_EP_INTERFACE) {
				any_if = true;
				any_pdns = any_pdns || m->endpoints[i].private_dns;
			}
		if (!any_if)
			continue;
		if (!vp->dns_support) {
			_f = add(c, VPCE_SEV_CRITICAL, vp->id, v);
			SET(c, reason, "%s has enableDnsSupport off: the Amazon DNS server does not answer, so no interface "
				       "endpoint name resolves", vp->id);
			SET(c, fix, "aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support", vp->id);
		} else if (!vp->dns_hostnames && any_pdns) {
			_f = add(c, -1, vp->id, v);
			SET(c, reason, "%s has enableDnsHostnames off: private DNS of its interface endpoints does not apply",
			    vp->id);
			SET(c, fix, "aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-hostnames", vp->id);
		}
	}
}

/* VPCE007 — S3 user guide, "AWS PrivateLink for Amazon S3" (private DNS
 * "for inbound endpoints only"): with PrivateDnsOnlyForInboundResolverEndpoint
 * the VPC's own clients keep resolving S3 publicly and need an S3 gateway
 * endpoint; without one their S3 traffic takes the NAT or internet gateway. */
static void rule_s3_inbound_only(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		struct vpce_finding *_f;

		if (ep->type != VPCE_EP_INTERFACE || !is_service(ep, "s3") || ep->dns_inbound_only != 1)
			continue;
		if (find_endpoint(m, ep->vpc, "s3", VPCE_EP_GATEWAY) != VPCE_NONE)
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "S3 interface endpoint %s resolves privately only for the inbound Resolver endpoint, and the "
			       "VPC has no S3 gateway endpoint: the VPC's own S3 traffic goes out publicly", ep->id);
		SET(c, fix, "aws ec2 create-vpc-endpoint --vpc-id %s --vpc-endpoint-type Gateway --service-name "
			    "com.amazonaws.%s.s3 --route-table-ids RTB...", m->vpcs[ep->vpc].id, region_of(c, ep->vpc));
	}
}

/* Lint an endpoint's policy; true when the lint has a finding with that id. */
static bool policy_has(const struct vpce_endpoint *ep, const char *lint_id, char *msg, size_t msglen)
{
	struct vpce_policy *p = NULL;
	struct vpce_policy_lint *l = NULL;
	struct vpce_error err;
	bool found = false;

	if (!ep->policy)
		return false;
	if (vpce_policy_parse(ep->policy, strlen(ep->policy), ep->id, &p, &err) != 0)
		return false;
	if (vpce_policy_lint(p, VPCE_POLICY_LINT_ENDPOINT, &l, &err) == 0)
		for (size_t i = 0; i < l->count && !found; i++)
			if (strcmp(l->findings[i].id, lint_id) == 0) {
				found = true;
				if (msg)
					vpce_strlcpy(msg, l->findings[i].message, msglen);
			}
	vpce_policy_lint_free(l);
	vpce_policy_free(p);
	return found;
}

/* VPCE008 — PrivateLink guide, "Control access to VPC endpoints using
 * endpoint policies": the default policy lets any principal perform any
 * action on any resource — including buckets and queues of other accounts,
 * a data exfiltration path. Uses the policy module's lint ("full-access"). */
static void rule_policy_full_access(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		struct vpce_finding *_f;

		if (!policy_has(ep, "full-access", NULL, 0))
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "endpoint %s (%s) has a full-access policy (Principal *, Action *, Resource *, no "
			       "condition): any principal can reach any account's resources through it", ep->id,
		    ep->service_short);
		SET(c, fix, "vpce policy template org-perimeter --org-id o-... > p.json && aws ec2 modify-vpc-endpoint "
			    "--vpc-endpoint-id %s --policy-document file://p.json", ep->id);
	}
}

/* VPCE009 — PrivateLink guide, "Control access to VPC endpoints using
 * endpoint policies"; IAM user guide, "Policy evaluation logic": a policy
 * with no Allow statement denies every request through the endpoint. */
static void rule_policy_deny_only(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		struct vpce_finding *_f;

		if (!policy_has(ep, "deny-only", NULL, 0))
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "endpoint %s (%s) has a policy with only Deny statements: every request through it is denied",
		    ep->id, ep->service_short);
		SET(c, fix, "add an Allow statement for the principals and resources that should pass (vpce policy template "
			    "own-account --account ACCOUNT), then aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s "
			    "--policy-document file://p.json", ep->id);
	}
}

/* VPCE010 — IAM user guide, "AWS global condition context keys"
 * (aws:SourceVpce): inside an endpoint's own policy the key only ever holds
 * that endpoint's id, so the condition is constant; it belongs in the
 * resource's policy (e.g. the bucket policy). */
static void rule_policy_source_vpce(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		struct vpce_finding *_f;

		if (!policy_has(ep, "endpoint-source-vpce", NULL, 0))
			continue;
		_f = add(c, -1, ep->id, ep->vpc);
		SET(c, reason, "endpoint %s's own policy conditions on aws:SourceVpce/aws:SourceVpc, which there is always "
			       "this endpoint and its VPC", ep->id);
		SET(c, fix, "move the aws:SourceVpce condition to the resource policy (bucket, queue, key) and drop it from "
			    "the policy of %s", ep->id);
	}
}

/* VPCE011 — EC2 API reference, "VpcEndpoint" (State: PendingAcceptance,
 * Pending, Available, Deleting, Deleted, Rejected, Failed, Expired, Partial):
 * only an available endpoint carries traffic. */
static void rule_endpoint_state(struct actx *c)
{
	const struct vpce_model *m = c->m;

	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		bool bad;
		struct vpce_finding *_f;

		if (!ep->state || available(ep))
			continue;
		bad = strcmp(ep->state, "failed") == 0 || strcmp(ep->state, "rejected") == 0;
		_f = add(c, bad ? VPCE_SEV_HIGH : VPCE_SEV_MEDIUM, ep->id, ep->vpc);
		SET(c, reason, "endpoint %s (%s) is %s, not available: it carries no traffic", ep->id, ep->service_short,
		    ep->state);
		if (bad)
			SET(c, fix, "delete and recreate %s (aws ec2 delete-vpc-endpoints --vpc-endpoint-ids %s), after "
				    "checking the service name and subnets", ep->id, ep->id);
		else
			SET(c, fix, "wait for %s to become available (aws ec2 describe-vpc-endpoints --vpc-endpoint-ids %s); "
				    "pendingAcceptance needs the service owner to accept", ep->id, ep->id);
	}
}

/* Service sets: a VPC that has one member of a set needs the others. */
struct member {
	const char *service;
	int type;            /* VPCE_EP_INTERFACE, VPCE_EP_GATEWAY, or -1 either */
	bool optional;       /* documented as needed only when a feature is used */
	const char *why;
};

/* Which members of set are missing in vpc; writes a list into buf. */
static size_t missing_members(const struct vpce_model *m, uint32_t vpc, const struct member *set, size_t n,
			      char *buf, size_t len, bool *only_optional)
{
	size_t miss = 0, used = 0;

	buf[0] = '\0';
	*only_optional = true;
	for (size_t i = 0; i < n; i++) {
		if (find_endpoint(m, vpc, set[i].service, set[i].type) != VPCE_NONE)
			continue;
		miss++;
		if (!set[i].optional)
			*only_optional = false;
		if (used < len) {
			int w = snprintf(buf + used, len - used, "%s%s (%s%s)", miss > 1 ? ", " : "", set[i].service,
					 set[i].type == VPCE_EP_GATEWAY ? "gateway" : "interface", set[i].why);
			if (w > 0)
				used += (size_t)w;
		}
	}
	return miss;
}

static bool vpc_has_any(const struct vpce_model *m, uint32_t vpc, const struct member *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (find_endpoint(m, vpc, set[i].service, set[i].type) != VPCE_NONE)
			return true;
	return false;
}

/* VPCE012 — ECR user guide, "Amazon ECR interface VPC endpoints (AWS
 * PrivateLink)": pulling images privately needs com.amazonaws.REGION.ecr.dkr
 * (Docker Registry API), ecr.api (ECR API) and the S3 gateway endpoint
 * (image layers are served from S3). */
static const struct member ECR_SET[] = {
	{ "ecr.api", VPCE_EP_INTERFACE, false, "" },
	{ "ecr.dkr", VPCE_EP_INTERFACE, false, "" },
	{ "s3", VPCE_EP_GATEWAY, false, ": image layers" },
};

/* VPCE013 — Systems Manager user guide, "Improve the security of EC2
 * instances by using VPC endpoints for Systems Manager": Session Manager
 * needs ssm and ssmmessages, and ec2messages for SSM Agent versions before
 * 3.3.40.0 (later agents no longer call it: conditional, low when it is the
 * only one missing). */
static const struct member SSM_SET[] = {
	{ "ssm", VPCE_EP_INTERFACE, false, "" },
	{ "ssmmessages", VPCE_EP_INTERFACE, false, ": Session Manager channels" },
	{ "ec2messages", VPCE_EP_INTERFACE, true, ": SSM Agent before 3.3.40.0" },
};

/* VPCE014 — EKS user guide, "Private cluster requirements": nodes without
 * outbound internet need ec2, ecr.api, ecr.dkr, S3 (gateway), regional STS
 * (IAM roles for service accounts), CloudWatch Logs (when logging) and
 * Elastic Load Balancing (when the cluster creates load balancers). */
static const struct member EKS_SET[] = {
	{ "ec2", VPCE_EP_INTERFACE, false, "" },
	{ "ecr.api", VPCE_EP_INTERFACE, false, "" },
	{ "ecr.dkr", VPCE_EP_INTERFACE, false, "" },
	{ "s3", -1, false, "" },
	{ "sts", VPCE_EP_INTERFACE, false, ": regional STS, IAM roles for service accounts" },
	{ "logs", VPCE_EP_INTERFACE, true, ": when nodes send logs" },
	{ "elasticloadbalancing", VPCE_EP_INTERFACE, true, ": when the cluster creates load balancers" },
};

static void set_rule(struct actx *c, const struct member *set, size_t n, const char *what, bool (*trigger)(
	struct actx *, uint32_t))
{
	const struct vpce_model *m = c->m;

	for (uint32_t v = 0; v < m->nvpcs; v++) {
		char list[512];
		bool only_optional;
		struct vpce_finding *_f;

		if (!trigger(c, v))
			continue;
		if (missing_members(m, v, set, n, list, sizeof(list), &only_optional) == 0)
			continue;
		_f = add(c, only_optional ? VPCE_SEV_LOW : -1, m->vpcs[v].id, v);
		SET(c, reason, "%s has part of the %s endpoint set; missing: %s", m->vpcs[v].id, what, list);
		SET(c, fix, "aws ec2 create-vpc-endpoint --vpc-id %s --service-name com.amazonaws.%s.SERVICE for each "
			    "missing service (interface endpoints: --vpc-endpoint-type Interface --subnet-ids ... "
			    "--security-group-ids ... --private-dns-enabled)", m->vpcs[v].id, region_of(c, v));
	}
}

static bool trig_ecr(struct actx *c, uint32_t v)
{
	return vpc_has_any(c->m, v, ECR_SET, 2);
}

static bool trig_ssm(struct actx *c, uint32_t v)
{
	return vpc_has_any(c->m, v, SSM_SET, 3);
}

/* EKS: the cluster's cross-account ENIs ("Amazon EKS <cluster>") or an eks /
 * eks-auth endpoint in the VPC. */
static bool trig_eks(struct actx *c, uint32_t v)
{
	const struct vpce_model *m = c->m;

	if (c->vpc_has_eks[v])
		return true;
	return find_endpoint(m, v, "eks", -1) != VPCE_NONE || find_endpoint(m, v, "eks-auth", -1) != VPCE_NONE;
}

static void rule_ecr_set(struct actx *c)
{
	set_rule(c, ECR_SET, 3, "ECR", trig_ecr);
}

static void rule_ssm_set(struct actx *c)
{
	set_rule(c, SSM_SET, 3, "Session Manager", trig_ssm);
}

static void rule_eks_set(struct actx *c)
{
	set_rule(c, EKS_SET, sizeof(EKS_SET) / sizeof(EKS_SET[0]), "EKS private-cluster", trig_eks);
}

/* VPCE015 — AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS
 * Network Infrastructure", "Centralized access to VPC private endpoints":
 * the same interface endpoint in many VPCs can be one shared set in a hub
 * VPC (each interface endpoint is billed per AZ-hour). */
static void rule_centralise(struct actx *c)
{
	const struct vpce_model *m = c->m;
	struct vpce_strmap first, pairs;  /* service -> first endpoint; "service|vpc" seen */
	size_t *count = calloc((size_t)m->nendpoints + 1, sizeof(*count));

	vpce_strmap_init(&first);
	vpce_strmap_init(&pairs);
	if (!count) {
		c->rc = VPCE_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		uint32_t f, dummy;
		char *pair;
		if (ep->type != VPCE_EP_INTERFACE || ep->vpc == VPCE_NONE || !ep->service)
			continue;
		if (!vpce_strmap_get(&first, ep->service, &f)) {
			f = i;
			if (vpce_strmap_put(&first, ep->service, f) != 0) {
				c->rc = VPCE_ENOMEM;
				goto out;
			}
		}
		pair = vpce_arena_printf(c->arena, "%s|%u", ep->service, ep->vpc);
		if (!pair) {
			c->rc = VPCE_ENOMEM;
			goto out;
		}
		if (vpce_strmap_get(&pairs, pair, &dummy))
			continue;
		if (vpce_strmap_put(&pairs, pair, 1) != 0) {
			c->rc = VPCE_ENOMEM;
			goto out;
		}
		count[f]++;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *ep = &m->endpoints[i];
		struct vpce_finding *_f;
		if (count[i] < c->central_threshold)
			continue;
		_f = add(c, -1, ep->service, VPCE_NONE);
		SET(c, reason, "%s has an interface endpoint in %zu VPCs (threshold %u): a centralisation candidate",
		    ep->service, count[i], c->central_threshold);
		SET(c, fix, "share one %s endpoint from a hub VPC (Transit Gateway or peering plus Route 53 private hosted "
			    "zones associated with the spokes)", ep->service_short);
	}
out:
	vpce_strmap_release(&first);
	vpce_strmap_release(&pairs);
	free(count);
}

/* VPCE016 — VPC user guide, "Ephemeral ports" (network ACLs): NACLs
 * are stateless; the return traffic of a path to an endpoint (to the
 * client's ephemeral ports) must be allowed too. Uses the engine's verdicts:
 * one finding per (NACL, service). */
static void rule_nacl_return(struct actx *c)
{
	const struct vpce_model *m = c->m;
	struct vpce_strmap seen;   /* "nacl|service index" reported */

	vpce_strmap_init(&seen);
	for (size_t k = 0; k < c->nservices && !c->rc; k++) {
		for (uint32_t s = 0; s < m->nsubnets; s++) {
			const struct sv *x = &c->sv[(size_t)s * c->nservices + k];
			const struct vpce_subnet *sn = &m->subnets[s];
			bool dup = false, has_ep = false;
			struct vpce_finding *_f;

			if (!x->nacl_return)
				continue;
			for (uint32_t i = 0; i < m->nendpoints && !has_ep; i++) {
				const struct vpce_endpoint *ep = &m->endpoints[i];
				has_ep = ep->vpc == sn->vpc && (strcmp(ep->service_short, c->services[k]) == 0 ||
								strcmp(ep->service, c->services[k]) == 0);
			}
			if (!has_ep)
				continue;
			{
				uint32_t v;
				char *key = vpce_arena_printf(c->arena, "%s|%zu", x->nacl_return, k);
				if (!key || (!(dup = vpce_strmap_get(&seen, key, &v)) && vpce_strmap_put(&seen, key, 1) != 0)) {
					c->rc = VPCE_ENOMEM;
					break;
				}
			}
			if (dup)
				continue;
			_f = add(c, -1, x->nacl_return, sn->vpc);
			SET(c, reason, "network ACL %s blocks the return traffic of %s's path to its %s endpoint (ephemeral "
				       "ports; NACLs are stateless)", x->nacl_return, sn->id, c->services[k]);
			SET(c, fix, "vpce check SNAPSHOT --from %s --to %s --explain shows the rule; allow the return traffic "
				    "(tcp 32768-60999 for Linux clients, 1024-65535 to cover all) in %s", sn->id, c->services[k], x->nacl_return);
		}
	}
	vpce_strmap_release(&seen);
}

/* VPCE017 — "What is AWS PrivateLink?", Pricing: an interface endpoint is billed per
 * AZ-hour whether it carries traffic or not. With flow logs, the plan's
 * delete recommendations are the endpoints whose hourly and data cost exceed
 * what their observed traffic would cost through the NAT gateway. */
static void rule_idle_endpoint(struct actx *c)
{
	if (!c->plan)
		return;
	for (uint32_t i = 0; i < c->plan->nrecs && !c->rc; i++) {
		const struct vpce_plan_rec *r = &c->plan->recs[i];
		struct vpce_finding *_f;
		uint32_t ep = VPCE_NONE;
		enum vpce_kind k;

		if (r->action != VPCE_PLAN_DELETE || !r->endpoint)
			continue;
		if (!vpce_model_find(c->m, r->endpoint, &k, &ep) || k != VPCE_K_ENDPOINT)
			ep = VPCE_NONE;
		_f = add(c, -1, r->endpoint, ep != VPCE_NONE ? c->m->endpoints[ep].vpc : VPCE_NONE);
		SET(c, reason, "interface endpoint %s (%s) costs more than the traffic it carries: %.2f GB/month observed, "
			       "$%.2f/month to save", r->endpoint, r->service ? r->service : "?", r->gb_month,
		    r->monthly_saving_usd);
		SET(c, fix, "vpce plan SNAPSHOT --flow-logs ... shows the arithmetic; if the endpoint is not needed for "
			    "privacy: aws ec2 delete-vpc-endpoints --vpc-endpoint-ids %s", r->endpoint);
	}
}

/* ---- the table ------------------------------------------------------------------ */

#define PL "https://docs.aws.amazon.com/vpc/latest/privatelink/"
#define ACCESS PL "create-interface-endpoint.html"

struct rule_entry {
	struct vpce_audit_rule r;
	void (*fn)(struct actx *c);
};

static const struct rule_entry RULES[] = {
	{ { "VPCE001", "gateway-endpoint-not-routed", VPCE_SEV_MEDIUM,
	    "S3/DynamoDB reached through a NAT gateway instead of a gateway endpoint", "Gateway endpoints",
	    PL "gateway-endpoints.html" }, rule_gateway_not_routed },
	{ { "VPCE002", "interface-endpoint-single-az", VPCE_SEV_MEDIUM,
	    "interface endpoint in one Availability Zone while workloads span several",
	    "Access an AWS service using an interface VPC endpoint", ACCESS }, rule_single_az },
	{ { "VPCE003", "endpoint-sg-open-to-world", VPCE_SEV_MEDIUM,
	    "interface endpoint security group allows inbound from 0.0.0.0/0 or ::/0",
	    "Access an AWS service using an interface VPC endpoint", ACCESS }, rule_sg_open },
	{ { "VPCE004", "endpoint-sg-missing-443", VPCE_SEV_HIGH,
	    "interface endpoint security groups do not allow tcp/443 from the VPC's workloads",
	    "Access an AWS service using an interface VPC endpoint", ACCESS }, rule_sg_no_443 },
	{ { "VPCE005", "private-dns-disabled", VPCE_SEV_MEDIUM,
	    "interface endpoint with private DNS off", "Access an AWS service using an interface VPC endpoint",
	    ACCESS }, rule_private_dns_off },
	{ { "VPCE006", "vpc-dns-attributes-off", VPCE_SEV_HIGH,
	    "VPC DNS attributes off while interface endpoints rely on them", "DNS attributes for your VPC",
	    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html" }, rule_vpc_dns },
	{ { "VPCE007", "s3-inbound-resolver-only-without-gateway", VPCE_SEV_HIGH,
	    "S3 interface endpoint with inbound-Resolver-only private DNS and no S3 gateway endpoint",
	    "AWS PrivateLink for Amazon S3",
	    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html" },
	  rule_s3_inbound_only },
	{ { "VPCE008", "endpoint-policy-full-access", VPCE_SEV_MEDIUM,
	    "endpoint policy allows any principal, any action, any resource (data exfiltration path)",
	    "Control access to VPC endpoints using endpoint policies", PL "vpc-endpoints-access.html" },
	  rule_policy_full_access },
	{ { "VPCE009", "endpoint-policy-deny-only", VPCE_SEV_HIGH, "endpoint policy has no Allow statement",
	    "Control access to VPC endpoints using endpoint policies", PL "vpc-endpoints-access.html" },
	  rule_policy_deny_only },
	{ { "VPCE010", "endpoint-policy-source-vpce", VPCE_SEV_MEDIUM,
	    "aws:SourceVpce / aws:SourceVpc condition inside an endpoint's own policy",
	    "AWS global condition context keys",
	    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html" },
	  rule_policy_source_vpce },
	{ { "VPCE011", "endpoint-not-available", VPCE_SEV_HIGH,
	    "endpoint failed, rejected, pending or being deleted", "VpcEndpoint (EC2 API reference)",
	    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html" }, rule_endpoint_state },
	{ { "VPCE012", "ecr-endpoints-incomplete", VPCE_SEV_MEDIUM,
	    "ECR needs ecr.api, ecr.dkr and the S3 gateway endpoint", "Amazon ECR interface VPC endpoints",
	    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html" }, rule_ecr_set },
	{ { "VPCE013", "ssm-endpoints-incomplete", VPCE_SEV_MEDIUM,
	    "Session Manager needs ssm, ssmmessages (and ec2messages for SSM Agent before 3.3.40.0)",
	    "Improve the security of EC2 instances by using VPC endpoints for Systems Manager",
	    "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html" }, rule_ssm_set },
	{ { "VPCE014", "eks-endpoints-incomplete", VPCE_SEV_MEDIUM,
	    "private EKS nodes need ec2, ecr.api, ecr.dkr, s3, sts (and logs, elasticloadbalancing when used)",
	    "Private cluster requirements (Amazon EKS)",
	    "https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html" }, rule_eks_set },
	{ { "VPCE015", "endpoint-centralisation-candidate", VPCE_SEV_LOW,
	    "the same interface endpoint service in many VPCs", "Centralized access to VPC private endpoints",
	    "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/"
	    "centralized-access-to-vpc-private-endpoints.html" }, rule_centralise },
	{ { "VPCE016", "nacl-blocks-endpoint-return-traffic", VPCE_SEV_HIGH,
	    "network ACL blocks the return traffic of a path to an endpoint", "Ephemeral ports (network ACLs)",
	    "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html" }, rule_nacl_return },
	{ { "VPCE017", "idle-interface-endpoint", VPCE_SEV_LOW,
	    "interface endpoint costs more than the traffic it carries (needs --flow-logs)",
	    "What is AWS PrivateLink? (Pricing)",
	    "https://docs.aws.amazon.com/vpc/latest/privatelink/what-is-privatelink.html" }, rule_idle_endpoint },
};
#define NRULES (sizeof(RULES) / sizeof(RULES[0]))

const struct vpce_audit_rule *vpce_audit_rules(size_t *n)
{
	static struct vpce_audit_rule table[NRULES];
	static bool init;

	if (!init) {
		for (size_t i = 0; i < NRULES; i++)
			table[i] = RULES[i].r;
		init = true;
	}
	if (n)
		*n = NRULES;
	return table;
}

static const char *const SEV_NAMES[] = { "low", "medium", "high", "critical" };

const char *vpce_severity_name(int s)
{
	return s >= 0 && s <= VPCE_SEV_CRITICAL ? SEV_NAMES[s] : NULL;
}

int vpce_severity_parse(const char *s)
{
	for (int i = 0; s && i <= VPCE_SEV_CRITICAL; i++)
		if (strcmp(s, SEV_NAMES[i]) == 0)
			return i;
	return -1;
}

int vpce_audit_run(const struct vpce_model *m, struct vpce_engine *e, const struct vpce_audit_options *opts,
		   struct vpce_audit **out, struct vpce_error *err)
{
	struct actx c;
	struct vpce_audit *a = NULL;
	int rc;

	if (!m || !e || !out)
		return vpce_error_set(err, VPCE_EINVAL, "audit: no model or engine");
	*out = NULL;
	memset(&c, 0, sizeof(c));
	a = calloc(1, sizeof(*a));
	if (!a || !(a->priv = calloc(1, sizeof(*a->priv)))) {
		free(a);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	vpce_arena_init(&a->priv->arena, 64 * 1024);
	c.m = m;
	c.e = e;
	c.arena = &a->priv->arena;
	c.central_threshold = opts && opts->central_threshold ? opts->central_threshold : 3;
	c.plan = opts ? opts->plan : NULL;
	rc = prepass(&c, opts, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < NRULES && !c.rc; i++) {
		c.rule = &RULES[i].r;
		RULES[i].fn(&c);
	}
	if (c.rc) {
		rc = vpce_error_set(err, c.rc, "out of memory");
		goto out;
	}
	a->findings = c.f;
	a->count = c.n;
	c.f = NULL;
	for (size_t i = 0; i < a->count; i++)
		a->by_severity[a->findings[i].severity]++;
	*out = a;
	a = NULL;
out:
	free(c.f);
	free(c.sv);
	free(c.subnet_has_workload);
	free(c.sg_on_workload);
	free(c.vpc_has_eks);
	free(c.services);
	vpce_audit_free(a);
	return rc;
}

void vpce_audit_free(struct vpce_audit *a)
{
	if (!a)
		return;
	if (a->priv) {
		vpce_arena_release(&a->priv->arena);
		free(a->priv);
	}
	free(a->findings);
	free(a);
}

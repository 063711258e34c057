/* vpce apply: carry out a plan.json's recommendations, idempotently.
 *
 * API (Amazon EC2 API Reference): CreateVpcEndpoint, ModifyVpcEndpoint
 * (AddRouteTableId.N, AddSubnetId.N, PolicyDocument), DeleteVpcEndpoints,
 * DescribeVpcEndpoints, CreateSecurityGroup, AuthorizeSecurityGroupIngress,
 * DescribeVpcAttribute; list and filter parameters use the Query protocol's
 * numbered form (RouteTableId.1, Filter.1.Name, Filter.1.Value.1,
 * TagSpecification.1.Tag.1.Key, IpPermissions.1.IpRanges.1.CidrIp).
 * Idempotency: "Ensuring idempotency in Amazon EC2 API requests" —
 * ClientToken (at most 64 ASCII characters) on CreateVpcEndpoint.
 * Interface endpoints: one subnet per Availability Zone, and private DNS
 * needs the VPC's enableDnsSupport and enableDnsHostnames (AWS PrivateLink
 * guide, "Access an AWS service using an interface VPC endpoint", "DNS
 * attributes for your VPC"). The endpoint's security group must allow
 * HTTPS (TCP 443) from the clients ("Security groups" in the same guide).
 *
 * Every write goes through write_call(): in a dry run it is recorded and
 * not sent; the report lists every call with its parameters.
 */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include "vpce/apply.h"
#include "vpce/json.h"
#include "util/util.h"

#define EC2_VERSION "2016-11-15"
#define MAX_IDS 64
#define SG_NAME "vpce-endpoints"
#define TAG_KEY "vpce:plan"

struct params {
	struct vpce_aws_param *p;
	size_t n, alloc;
	struct vpce_arena arena;
	bool failed;
};

static void pinit(struct params *ps)
{
	memset(ps, 0, sizeof(*ps));
	vpce_arena_init(&ps->arena, 2048);
}

static void padd(struct params *ps, const char *name, const char *value)
{
	struct vpce_aws_param p;

	p.name = vpce_arena_strdup(&ps->arena, name);
	p.value = vpce_arena_strdup(&ps->arena, value);
	if (!p.name || !p.value || VPCE_ARRAY_PUSH(ps->p, ps->n, ps->alloc, p) != 0)
		ps->failed = true;
}

static void paddf(struct params *ps, const char *value, const char *fmt, ...) VPCE_PRINTF(3, 4);
static void paddf(struct params *ps, const char *value, const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	padd(ps, name, value);
}

static void prelease(struct params *ps)
{
	free(ps->p);
	vpce_arena_release(&ps->arena);
}

/* What one describe of an endpoint tells. */
struct ep_info {
	char id[64], state[32], vpc[64], service[256], type[16];
	char rtbs[MAX_IDS][64];
	size_t nrtbs;
	char subnets[MAX_IDS][64];
	size_t nsubnets;
	char *policy; /* malloc'd or NULL */
	bool tagged;  /* carries the vpce:plan tag */
};

struct region_client {
	char region[32];
	struct vpce_aws_client *ec2;
};

struct ctx {
	const struct vpce_aws_session *s;
	const struct vpce_planfile *plan;
	const struct vpce_apply_options *o;
	struct region_client clients[16];
	size_t nclients;
	struct vpce_aws_client *ec2;   /* of the current recommendation */
	struct vpce_buf *rep;          /* report */
	unsigned rec_calls;            /* calls recorded for the current recommendation */
	unsigned planned;
	struct vpce_buf notes;         /* JSON strings, comma separated */
};

static void say(struct ctx *c, const char *fmt, ...) VPCE_PRINTF(2, 3);
static void say(struct ctx *c, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!c->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->o->progress(c->o->progress_ud, line);
}

static void note(struct ctx *c, const char *fmt, ...) VPCE_PRINTF(2, 3);
static void note(struct ctx *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->notes.len)
		vpce_buf_puts(&c->notes, ", ");
	vpce_buf_put_json_str(&c->notes, line);
	say(c, "  note: %s", line);
}

static int client_for(struct ctx *c, const char *region, struct vpce_error *err)
{
	for (size_t i = 0; i < c->nclients; i++)
		if (strcmp(c->clients[i].region, region) == 0) {
			c->ec2 = c->clients[i].ec2;
			return 0;
		}
	if (c->nclients == sizeof(c->clients) / sizeof(c->clients[0]))
		return vpce_error_set(err, VPCE_EINVAL, "a plan spans at most 16 regions");
	snprintf(c->clients[c->nclients].region, sizeof(c->clients[0].region), "%s", region);
	if (vpce_aws_client_new(c->s, "ec2", region, &c->clients[c->nclients].ec2, err) != 0)
		return err->code;
	c->ec2 = c->clients[c->nclients++].ec2;
	return 0;
}

static int rd(struct ctx *c, const char *action, const struct params *ps, struct vpce_xml_doc **doc,
	      struct vpce_error *err)
{
	if (ps->failed)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	return vpce_aws_query(c->ec2, action, EC2_VERSION, ps->p, ps->n, doc, err);
}

/* A write: recorded in the report; sent unless this is a dry run (then *doc
 * stays NULL and the caller uses a placeholder). */
static int write_call(struct ctx *c, const char *action, const struct params *ps,
		      struct vpce_xml_doc **doc, struct vpce_error *err)
{
	struct vpce_buf line = VPCE_BUF_INIT;
	int rc = 0;

	*doc = NULL;
	if (ps->failed)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	vpce_buf_printf(c->rep, "%s\n        {\"action\": \"%s\", \"params\": {",
			c->rec_calls++ ? "," : "", action);
	vpce_buf_puts(&line, action);
	for (size_t i = 0; i < ps->n; i++) {
		if (i)
			vpce_buf_puts(c->rep, ", ");
		vpce_buf_put_json_str(c->rep, ps->p[i].name);
		vpce_buf_puts(c->rep, ": ");
		vpce_buf_put_json_str(c->rep, ps->p[i].value);
		vpce_buf_printf(&line, " %s=%s", ps->p[i].name, ps->p[i].value);
	}
	vpce_buf_printf(c->rep, "}, \"sent\": %s}", c->o->dry_run ? "false" : "true");
	c->planned++;
	say(c, "  %s %s", c->o->dry_run ? "would call" : "call", line.ptr ? line.ptr : action);
	vpce_buf_release(&line);
	if (!c->o->dry_run)
		rc = vpce_aws_query(c->ec2, action, EC2_VERSION, ps->p, ps->n, doc, err);
	return rc;
}

static const char *xtext(const struct vpce_xml_node *n, const char *path)
{
	const struct vpce_xml_node *x = vpce_xml_path(n, path);
	return x ? x->text : "";
}

static bool live_state(const char *st)
{
	return !(vpce_str_eqi(st, "deleted") || vpce_str_eqi(st, "deleting") ||
		 vpce_str_eqi(st, "failed") || vpce_str_eqi(st, "rejected") ||
		 vpce_str_eqi(st, "expired"));
}

static void ep_release(struct ep_info *e)
{
	free(e->policy);
	e->policy = NULL;
}

static void ep_fill(const struct vpce_xml_node *it, struct ep_info *e)
{
	const struct vpce_xml_node *set;

	ep_release(e);
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", xtext(it, "vpcEndpointId"));
	snprintf(e->state, sizeof(e->state), "%s", xtext(it, "state"));
	snprintf(e->vpc, sizeof(e->vpc), "%s", xtext(it, "vpcId"));
	snprintf(e->service, sizeof(e->service), "%s", xtext(it, "serviceName"));
	snprintf(e->type, sizeof(e->type), "%s", xtext(it, "vpcEndpointType"));
	set = vpce_xml_child(it, "routeTableIdSet");
	for (const struct vpce_xml_node *r = set ? set->child : NULL; r && e->nrtbs < MAX_IDS;
	     r = r->next)
		snprintf(e->rtbs[e->nrtbs++], sizeof(e->rtbs[0]), "%s", r->text);
	set = vpce_xml_child(it, "subnetIdSet");
	for (const struct vpce_xml_node *r = set ? set->child : NULL; r && e->nsubnets < MAX_IDS;
	     r = r->next)
		snprintf(e->subnets[e->nsubnets++], sizeof(e->subnets[0]), "%s", r->text);
	if (vpce_xml_child(it, "policyDocument")) {
		const char *pd = xtext(it, "policyDocument");
		e->policy = malloc(strlen(pd) + 1);
		if (e->policy)
			memcpy(e->policy, pd, strlen(pd) + 1);
	}
	set = vpce_xml_child(it, "tagSet");
	for (const struct vpce_xml_node *t = set ? set->child : NULL; t; t = t->next)
		if (strcmp(xtext(t, "key"), TAG_KEY) == 0)
			e->tagged = true;
}

/* The live endpoint of the recommendation's VPC, service and type: one
 * tagged vpce:plan first, else any (adopted). found=false when none. */
static int find_endpoint(struct ctx *c, const struct vpce_planfile_rec *r, struct ep_info *e,
			 bool *found, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *set, *best = NULL;
	int rc;

	*found = false;
	pinit(&ps);
	padd(&ps, "Filter.1.Name", "vpc-id");
	padd(&ps, "Filter.1.Value.1", r->vpc);
	padd(&ps, "Filter.2.Name", "service-name");
	padd(&ps, "Filter.2.Value.1", r->service);
	rc = rd(c, "DescribeVpcEndpoints", &ps, &doc, err);
	prelease(&ps);
	if (rc)
		return rc;
	set = vpce_xml_child(vpce_xml_root(doc), "vpcEndpointSet");
	for (const struct vpce_xml_node *it = set ? set->child : NULL; it; it = it->next) {
		bool tagged = false;
		const struct vpce_xml_node *tags = vpce_xml_child(it, "tagSet");
		const char *type = xtext(it, "vpcEndpointType");
		if (!live_state(xtext(it, "state")) || strcmp(xtext(it, "vpcId"), r->vpc) != 0 ||
		    strcmp(xtext(it, "serviceName"), r->service) != 0 ||
		    strcmp(*type ? type : "Gateway", r->type) != 0)
			continue;
		for (const struct vpce_xml_node *t = tags ? tags->child : NULL; t; t = t->next)
			tagged = tagged || strcmp(xtext(t, "key"), TAG_KEY) == 0;
		if (!best || tagged)
			best = it;
		if (tagged)
			break;
	}
	if (best) {
		ep_fill(best, e);
		*found = true;
	}
	vpce_xml_doc_free(doc);
	return 0;
}

/* The endpoint by id; found=false when AWS does not know it or it is gone. */
static int get_endpoint(struct ctx *c, const char *id, struct ep_info *e, bool *found,
			struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *it;
	int rc;

	*found = false;
	pinit(&ps);
	padd(&ps, "VpcEndpointId.1", id);
	rc = rd(c, "DescribeVpcEndpoints", &ps, &doc, err);
	prelease(&ps);
	if (rc) {
		if (strcmp(vpce_aws_error_code(c->ec2), "InvalidVpcEndpointId.NotFound") == 0) {
			vpce_error_clear(err);
			return 0;
		}
		return rc;
	}
	it = vpce_xml_path(vpce_xml_root(doc), "vpcEndpointSet/item");
	if (it && live_state(xtext(it, "state"))) {
		ep_fill(it, e);
		*found = true;
	}
	vpce_xml_doc_free(doc);
	return 0;
}

/* The VPC exists; its CIDR blocks (IPv4 associated, then IPv6) into cidrs. */
static int describe_vpc(struct ctx *c, const char *vpc, char cidrs[][64], size_t *ncidrs,
			struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *v, *set;
	int rc;

	*ncidrs = 0;
	pinit(&ps);
	padd(&ps, "VpcId.1", vpc);
	rc = rd(c, "DescribeVpcs", &ps, &doc, err);
	prelease(&ps);
	if (rc)
		return rc;
	v = vpce_xml_path(vpce_xml_root(doc), "vpcSet/item");
	if (!v) {
		vpce_xml_doc_free(doc);
		return vpce_error_set(err, VPCE_ENOTFOUND, "%s does not exist", vpc);
	}
	set = vpce_xml_child(v, "cidrBlockAssociationSet");
	for (const struct vpce_xml_node *it = set ? set->child : NULL; it && *ncidrs < 8;
	     it = it->next)
		if (strcmp(xtext(it, "cidrBlockState/state"), "associated") == 0 ||
		    !*xtext(it, "cidrBlockState/state"))
			snprintf(cidrs[(*ncidrs)++], 64, "%s", xtext(it, "cidrBlock"));
	if (*ncidrs == 0 && *xtext(v, "cidrBlock"))
		snprintf(cidrs[(*ncidrs)++], 64, "%s", xtext(v, "cidrBlock"));
	set = vpce_xml_child(v, "ipv6CidrBlockAssociationSet");
	for (const struct vpce_xml_node *it = set ? set->child : NULL; it && *ncidrs < 16;
	     it = it->next)
		if (strcmp(xtext(it, "ipv6CidrBlockState/state"), "associated") == 0)
			snprintf(cidrs[(*ncidrs)++], 64, "%s", xtext(it, "ipv6CidrBlock"));
	vpce_xml_doc_free(doc);
	return 0;
}

static int service_offered(struct ctx *c, const struct vpce_planfile_rec *r, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *names;
	bool found = false;
	int rc;

	pinit(&ps);
	padd(&ps, "ServiceName.1", r->service);
	rc = rd(c, "DescribeVpcEndpointServices", &ps, &doc, err);
	prelease(&ps);
	if (rc)
		return rc;
	names = vpce_xml_child(vpce_xml_root(doc), "serviceNameSet");
	for (const struct vpce_xml_node *it = names ? names->child : NULL; it; it = it->next)
		found = found || strcmp(it->text, r->service) == 0;
	vpce_xml_doc_free(doc);
	if (!found)
		return vpce_error_set(err, VPCE_ENOTFOUND, "service %s is not offered in %s",
				      r->service, r->region);
	return 0;
}

/* Every id exists (AWS answers *.NotFound otherwise) and is in the VPC;
 * for subnets their AZ into azs (parallel to ids). */
static int check_in_vpc(struct ctx *c, const char *action, const char *param, const char *setname,
			const char *idel, const char *vpc, const char **ids, size_t n,
			char azs[][64], struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *set;
	int rc = 0;

	if (n == 0)
		return 0;
	pinit(&ps);
	for (size_t i = 0; i < n; i++)
		paddf(&ps, ids[i], "%s.%zu", param, i + 1);
	rc = rd(c, action, &ps, &doc, err);
	prelease(&ps);
	if (rc)
		return rc;
	set = vpce_xml_child(vpce_xml_root(doc), setname);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct vpce_xml_node *hit = NULL;
		for (const struct vpce_xml_node *it = set ? set->child : NULL; it; it = it->next)
			if (strcmp(xtext(it, idel), ids[i]) == 0)
				hit = it;
		if (!hit)
			rc = vpce_error_set(err, VPCE_ENOTFOUND, "%s does not exist", ids[i]);
		else if (strcmp(xtext(hit, "vpcId"), vpc) != 0)
			rc = vpce_error_set(err, VPCE_EINVAL, "%s is in %s, not in %s", ids[i],
					    xtext(hit, "vpcId"), vpc);
		else if (azs)
			snprintf(azs[i], 64, "%s", xtext(hit, "availabilityZone"));
	}
	vpce_xml_doc_free(doc);
	return rc;
}

static int subnet_azs(struct ctx *c, const char *vpc, const char **ids, size_t n, char azs[][64],
		      struct vpce_error *err)
{
	return check_in_vpc(c, "DescribeSubnets", "SubnetId", "subnetSet", "subnetId", vpc, ids, n,
			    azs, err);
}

static int dns_attributes_ok(struct ctx *c, const char *vpc, struct vpce_error *err)
{
	static const char *attrs[2][2] = { { "enableDnsSupport", "enableDnsSupport/value" },
					   { "enableDnsHostnames", "enableDnsHostnames/value" } };

	for (int a = 0; a < 2; a++) {
		struct params ps;
		struct vpce_xml_doc *doc = NULL;
		bool on;
		int rc;
		pinit(&ps);
		padd(&ps, "VpcId", vpc);
		padd(&ps, "Attribute", attrs[a][0]);
		rc = rd(c, "DescribeVpcAttribute", &ps, &doc, err);
		prelease(&ps);
		if (rc)
			return rc;
		on = strcmp(xtext(vpce_xml_root(doc), attrs[a][1]), "true") == 0;
		vpce_xml_doc_free(doc);
		if (!on)
			return vpce_error_set(err, VPCE_EINVAL,
					      "private DNS needs %s on %s (aws ec2 modify-vpc-attribute "
					      "--vpc-id %s --%s), or set \"private_dns\": false",
					      attrs[a][0], vpc, vpc,
					      a ? "enable-dns-hostnames" : "enable-dns-support");
	}
	return 0;
}

static void add_tags(struct ctx *c, struct params *ps, const char *rtype, const char *name)
{
	padd(ps, "TagSpecification.1.ResourceType", rtype);
	padd(ps, "TagSpecification.1.Tag.1.Key", TAG_KEY);
	padd(ps, "TagSpecification.1.Tag.1.Value", vpce_planfile_id(c->plan));
	padd(ps, "TagSpecification.1.Tag.2.Key", "Name");
	padd(ps, "TagSpecification.1.Tag.2.Value", name);
}

/* The security group vpce manages in the VPC: "vpce-endpoints", ingress TCP
 * 443 from each of the VPC's CIDR blocks. Created or completed as needed. */
static int ensure_sg(struct ctx *c, const char *vpc, char *sg, size_t sglen,
		     struct vpce_error *err)
{
	char cidrs[16][64];
	size_t ncidrs = 0, nmissing = 0, n4 = 0, n6 = 0;
	bool have[16] = { false };
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *g;
	int rc;

	if ((rc = describe_vpc(c, vpc, cidrs, &ncidrs, err)) != 0)
		return rc;
	pinit(&ps);
	padd(&ps, "Filter.1.Name", "vpc-id");
	padd(&ps, "Filter.1.Value.1", vpc);
	padd(&ps, "Filter.2.Name", "group-name");
	padd(&ps, "Filter.2.Value.1", SG_NAME);
	rc = rd(c, "DescribeSecurityGroups", &ps, &doc, err);
	prelease(&ps);
	if (rc)
		return rc;
	g = vpce_xml_path(vpce_xml_root(doc), "securityGroupInfo/item");
	sg[0] = 0;
	if (g) {
		const struct vpce_xml_node *perms = vpce_xml_child(g, "ipPermissions");
		snprintf(sg, sglen, "%s", xtext(g, "groupId"));
		for (const struct vpce_xml_node *p = perms ? perms->child : NULL; p; p = p->next) {
			const char *proto = xtext(p, "ipProtocol");
			bool all = strcmp(proto, "-1") == 0;
			long from = 0, to = 65535;
			const struct vpce_xml_node *rs[2] = { vpce_xml_child(p, "ipRanges"),
							       vpce_xml_child(p, "ipv6Ranges") };
			if (!all) {
				if (strcmp(proto, "tcp") != 0 && strcmp(proto, "6") != 0)
					continue;
				if (vpce_parse_long(xtext(p, "fromPort"), strlen(xtext(p, "fromPort")),
						    -1, 65535, &from) != 0 ||
				    vpce_parse_long(xtext(p, "toPort"), strlen(xtext(p, "toPort")), -1,
						    65535, &to) != 0 ||
				    from > 443 || to < 443)
					continue;
			}
			for (int k = 0; k < 2; k++)
				for (const struct vpce_xml_node *r = rs[k] ? rs[k]->child : NULL; r;
				     r = r->next)
					for (size_t i = 0; i < ncidrs; i++)
						if (strcmp(xtext(r, k ? "cidrIpv6" : "cidrIp"),
							   cidrs[i]) == 0)
							have[i] = true;
		}
	}
	vpce_xml_doc_free(doc);
	doc = NULL;
	if (!sg[0]) {
		pinit(&ps);
		padd(&ps, "GroupName", SG_NAME);
		padd(&ps, "GroupDescription",
		     "HTTPS from the VPC to its interface endpoints (created by vpce)");
		padd(&ps, "VpcId", vpc);
		add_tags(c, &ps, "security-group", SG_NAME);
		rc = write_call(c, "CreateSecurityGroup", &ps, &doc, err);
		prelease(&ps);
		if (rc)
			return rc;
		snprintf(sg, sglen, "%s", doc ? xtext(vpce_xml_root(doc), "groupId") : "");
		vpce_xml_doc_free(doc);
		doc = NULL;
		if (!sg[0]) {
			if (!c->o->dry_run)
				return vpce_error_set(err, VPCE_EPARSE,
						      "CreateSecurityGroup: no groupId in the answer");
			snprintf(sg, sglen, "%s", "(new " SG_NAME ")");
		}
		say(c, "  security group %s", sg);
	}
	pinit(&ps);
	padd(&ps, "GroupId", sg);
	padd(&ps, "IpPermissions.1.IpProtocol", "tcp");
	padd(&ps, "IpPermissions.1.FromPort", "443");
	padd(&ps, "IpPermissions.1.ToPort", "443");
	for (size_t i = 0; i < ncidrs; i++) {
		bool v6 = strchr(cidrs[i], ':') != NULL;
		if (have[i])
			continue;
		nmissing++;
		if (v6) {
			n6++;
			paddf(&ps, cidrs[i], "IpPermissions.1.Ipv6Ranges.%zu.CidrIpv6", n6);
			paddf(&ps, "HTTPS from the VPC (vpce)",
			      "IpPermissions.1.Ipv6Ranges.%zu.Description", n6);
		} else {
			n4++;
			paddf(&ps, cidrs[i], "IpPermissions.1.IpRanges.%zu.CidrIp", n4);
			paddf(&ps, "HTTPS from the VPC (vpce)",
			      "IpPermissions.1.IpRanges.%zu.Description", n4);
		}
	}
	rc = 0;
	if (nmissing) {
		rc = write_call(c, "AuthorizeSecurityGroupIngress", &ps, &doc, err);
		vpce_xml_doc_free(doc);
	}
	prelease(&ps);
	return rc;
}

/* Canonical (compact, member order kept) text of a policy for comparison. */
static bool same_policy(const char *current, const struct vpce_json *want)
{
	struct vpce_json_doc *d = NULL;
	struct vpce_buf a = VPCE_BUF_INIT, b = VPCE_BUF_INIT;
	struct vpce_error e;
	bool same = false;

	if (current && vpce_json_parse(current, strlen(current), "policy", &d, &e) == 0) {
		vpce_json_write(&a, vpce_json_root(d), 0, 0, false);
		vpce_json_write(&b, want, 0, 0, false);
		same = a.len == b.len && a.ptr && b.ptr && memcmp(a.ptr, b.ptr, a.len) == 0;
	}
	vpce_json_doc_free(d);
	vpce_buf_release(&a);
	vpce_buf_release(&b);
	return same;
}

/* ids: n rows of char[64] */
static bool has_id(const void *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp((const char *)ids + i * 64, id) == 0)
			return true;
	return false;
}

/* Bring an existing endpoint up to the recommendation: add missing route
 * tables / subnets (one per AZ), replace a different policy. Nothing is
 * removed. *changed tells whether a call was made (or would be). */
static int converge(struct ctx *c, const struct vpce_planfile_rec *r, const struct ep_info *e,
		    bool *changed, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	char azs[MAX_IDS][64], cur_azs[MAX_IDS][64], cur[MAX_IDS][64];
	size_t nadd = 0, ncur = 0;
	bool policy = false;
	int rc;

	*changed = false;
	if (strcmp(e->vpc, r->vpc) != 0 || strcmp(e->service, r->service) != 0)
		return vpce_error_set(err, VPCE_EINVAL, "%s is an endpoint for %s in %s, the plan "
						       "says %s in %s",
				      e->id, e->service, e->vpc, r->service, r->vpc);
	/* VpcEndpointType defaults to Gateway (CreateVpcEndpoint) */
	if (strcmp(e->type[0] ? e->type : "Gateway", r->type) != 0)
		return vpce_error_set(err, VPCE_EINVAL, "%s is a %s endpoint, the plan says %s",
				      e->id, e->type, r->type);
	pinit(&ps);
	padd(&ps, "VpcEndpointId", e->id);
	if (r->nroute_tables) {
		const char *missing[MAX_IDS];
		size_t nm = 0;
		for (size_t i = 0; i < r->nroute_tables; i++)
			if (!has_id(e->rtbs, e->nrtbs, r->route_tables[i]))
				missing[nm++] = r->route_tables[i];
		rc = check_in_vpc(c, "DescribeRouteTables", "RouteTableId", "routeTableSet",
				  "routeTableId", r->vpc, missing, nm, NULL, err);
		if (rc)
			goto out;
		for (size_t i = 0; i < nm; i++)
			paddf(&ps, missing[i], "AddRouteTableId.%zu", ++nadd);
	}
	if (r->nsubnets) {
		const char *cur_ids[MAX_IDS];
		for (size_t i = 0; i < e->nsubnets; i++)
			cur_ids[ncur++] = e->subnets[i];
		if ((rc = subnet_azs(c, r->vpc, r->subnets, r->nsubnets, azs, err)) != 0 ||
		    (rc = check_in_vpc(c, "DescribeSubnets", "SubnetId", "subnetSet", "subnetId",
				       r->vpc, cur_ids, ncur, cur_azs, err)) != 0)
			goto out;
		for (size_t i = 0; i < ncur; i++)
			snprintf(cur[i], 64, "%s", cur_ids[i]);
		for (size_t i = 0; i < r->nsubnets; i++) {
			if (has_id(cur, ncur, r->subnets[i]))
				continue;
			if (has_id(cur_azs, ncur, azs[i])) {
				note(c, "%s: %s skipped: %s already has a subnet in %s (one per AZ)",
				     e->id, r->subnets[i], e->id, azs[i]);
				continue;
			}
			paddf(&ps, r->subnets[i], "AddSubnetId.%zu", ++nadd);
			if (ncur < MAX_IDS) {
				vpce_strlcpy(cur[ncur], r->subnets[i], 64);
				vpce_strlcpy(cur_azs[ncur++], azs[i], 64);
			}
		}
	}
	if (r->policy && !same_policy(e->policy, r->policy)) {
		struct vpce_buf pol = VPCE_BUF_INIT;
		vpce_json_write(&pol, r->policy, 0, 0, false);
		padd(&ps, "PolicyDocument", pol.ptr ? pol.ptr : "{}");
		vpce_buf_release(&pol);
		policy = true;
	}
	rc = 0;
	if (nadd || policy) {
		*changed = true;
		rc = write_call(c, "ModifyVpcEndpoint", &ps, &doc, err);
		if (rc == 0 && doc && strcmp(xtext(vpce_xml_root(doc), "return"), "true") != 0)
			rc = vpce_error_set(err, VPCE_EAWS, "ModifyVpcEndpoint %s: AWS answered "
							    "return=%s",
					    e->id, xtext(vpce_xml_root(doc), "return"));
		vpce_xml_doc_free(doc);
	}
out:
	prelease(&ps);
	return rc;
}

/* ClientToken: the same for the same request (sha256 over its fields). */
static void client_token(const struct vpce_planfile_rec *r, const char *const *ids, size_t n,
			 const char *sg, char out[33])
{
	struct vpce_buf b = VPCE_BUF_INIT;
	char hex[65];

	vpce_buf_printf(&b, "vpce-apply|%s|%s|%s|%d|%s", r->vpc, r->service, r->type,
			r->private_dns, sg ? sg : "");
	for (size_t i = 0; i < n; i++)
		vpce_buf_printf(&b, "|%s", ids[i]);
	if (r->policy)
		vpce_json_write(&b, r->policy, 0, 0, false);
	vpce_sha256_hex(b.ptr ? b.ptr : "", b.len, hex);
	memcpy(out, hex, 32);
	out[32] = 0;
	vpce_buf_release(&b);
}

static int create(struct ctx *c, const struct vpce_planfile_rec *r, char *id, size_t idlen,
		  char *state, size_t statelen, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	char cidrs[16][64], azs[MAX_IDS][64], token[33], sg[64] = "", name[300];
	const char *use[MAX_IDS];
	size_t nuse = 0, ncidrs;
	bool interface = strcmp(r->type, "Interface") == 0;
	int rc;

	/* preflight (read-only) */
	if ((rc = describe_vpc(c, r->vpc, cidrs, &ncidrs, err)) != 0 ||
	    (rc = service_offered(c, r, err)) != 0)
		return rc;
	if (!interface) {
		rc = check_in_vpc(c, "DescribeRouteTables", "RouteTableId", "routeTableSet",
				  "routeTableId", r->vpc, r->route_tables, r->nroute_tables, NULL,
				  err);
		for (size_t i = 0; i < r->nroute_tables; i++)
			use[nuse++] = r->route_tables[i];
		if (rc)
			return rc;
	} else {
		if ((rc = subnet_azs(c, r->vpc, r->subnets, r->nsubnets, azs, err)) != 0)
			return rc;
		for (size_t i = 0; i < r->nsubnets; i++) {
			bool dup = false;
			for (size_t j = 0; j < i; j++)
				dup = dup || strcmp(azs[i], azs[j]) == 0;
			if (dup)
				note(c, "%s skipped: an interface endpoint takes one subnet per "
					"Availability Zone and %s is already covered",
				     r->subnets[i], azs[i]);
			else
				use[nuse++] = r->subnets[i];
		}
		if (r->private_dns && (rc = dns_attributes_ok(c, r->vpc, err)) != 0)
			return rc;
		if (r->nsecurity_groups) {
			rc = check_in_vpc(c, "DescribeSecurityGroups", "GroupId",
					  "securityGroupInfo", "groupId", r->vpc, r->security_groups,
					  r->nsecurity_groups, NULL, err);
			if (rc)
				return rc;
		} else if ((rc = ensure_sg(c, r->vpc, sg, sizeof(sg), err)) != 0) {
			return rc;
		}
	}
	pinit(&ps);
	client_token(r, use, nuse, sg, token);
	padd(&ps, "VpcId", r->vpc);
	padd(&ps, "ServiceName", r->service);
	padd(&ps, "VpcEndpointType", r->type);
	padd(&ps, "ClientToken", token);
	for (size_t i = 0; i < nuse; i++)
		paddf(&ps, use[i], interface ? "SubnetId.%zu" : "RouteTableId.%zu", i + 1);
	if (interface) {
		if (r->nsecurity_groups)
			for (size_t i = 0; i < r->nsecurity_groups; i++)
				paddf(&ps, r->security_groups[i], "SecurityGroupId.%zu", i + 1);
		else
			padd(&ps, "SecurityGroupId.1", sg);
		padd(&ps, "PrivateDnsEnabled", r->private_dns ? "true" : "false");
	}
	if (r->policy) {
		struct vpce_buf pol = VPCE_BUF_INIT;
		vpce_json_write(&pol, r->policy, 0, 0, false);
		padd(&ps, "PolicyDocument", pol.ptr ? pol.ptr : "{}");
		vpce_buf_release(&pol);
	}
	snprintf(name, sizeof(name), "vpce-%s", r->service_short);
	add_tags(c, &ps, "vpc-endpoint", name);
	rc = write_call(c, "CreateVpcEndpoint", &ps, &doc, err);
	prelease(&ps);
	if (rc)
		return rc;
	if (!doc)
		return 0; /* dry run */
	snprintf(id, idlen, "%s", xtext(vpce_xml_root(doc), "vpcEndpoint/vpcEndpointId"));
	snprintf(state, statelen, "%s", xtext(vpce_xml_root(doc), "vpcEndpoint/state"));
	vpce_xml_doc_free(doc);
	if (!id[0])
		return vpce_error_set(err, VPCE_EPARSE, "CreateVpcEndpoint: no vpcEndpointId");
	return 0;
}

static int delete_endpoint(struct ctx *c, const struct ep_info *e, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *u;
	int rc;

	pinit(&ps);
	padd(&ps, "VpcEndpointId.1", e->id);
	rc = write_call(c, "DeleteVpcEndpoints", &ps, &doc, err);
	prelease(&ps);
	if (rc == 0 && doc) {
		u = vpce_xml_path(vpce_xml_root(doc), "unsuccessful/item");
		if (u)
			rc = vpce_error_set(err, VPCE_EAWS, "DeleteVpcEndpoints %s: %s: %s", e->id,
					    xtext(u, "error/code"), xtext(u, "error/message"));
	}
	vpce_xml_doc_free(doc);
	return rc;
}

static int wait_available(struct ctx *c, const char *id, char *state, size_t statelen,
			  struct vpce_error *err)
{
	time_t end = time(NULL) + c->o->wait_seconds;

	for (;;) {
		struct ep_info e;
		bool found;
		struct timespec ts = { 2, 0 };
		int rc;

		memset(&e, 0, sizeof(e));
		rc = get_endpoint(c, id, &e, &found, err);
		ep_release(&e);
		if (rc)
			return rc;
		snprintf(state, statelen, "%s", found ? e.state : "deleted");
		if (vpce_str_eqi(state, "available") || vpce_str_eqi(state, "pendingAcceptance"))
			return 0;
		if (!found || vpce_str_eqi(state, "failed") || vpce_str_eqi(state, "rejected"))
			return vpce_error_set(err, VPCE_EAWS, "%s is %s", id, state);
		if (time(NULL) >= end)
			return vpce_error_set(err, VPCE_EAWS, "%s still %s after %ld s", id, state,
					      c->o->wait_seconds);
		say(c, "  waiting for %s (%s)", id, state);
		nanosleep(&ts, NULL);
	}
}

/* One recommendation. *status is set to a static string. */
static int run_rec(struct ctx *c, const struct vpce_planfile_rec *r, char *id, size_t idlen,
		   char *state, size_t statelen, const char **status, struct vpce_error *err)
{
	struct ep_info e;
	bool found = false, changed = false;
	int rc;

	memset(&e, 0, sizeof(e));
	id[0] = state[0] = 0;
	if ((rc = client_for(c, r->region, err)) != 0)
		return rc;
	switch (r->action) {
	case VPCE_PLANFILE_DELETE:
		if (!c->o->prune) {
			*status = "skipped";
			snprintf(id, idlen, "%s", r->endpoint);
			note(c, "delete %s skipped: deletions run only with --prune", r->endpoint);
			return 0;
		}
		rc = get_endpoint(c, r->endpoint, &e, &found, err);
		snprintf(id, idlen, "%s", r->endpoint);
		if (rc == 0 && !found) {
			*status = "unchanged";
			note(c, "%s is already gone", r->endpoint);
		} else if (rc == 0 && (strcmp(e.vpc, r->vpc) != 0 ||
				       strcmp(e.service, r->service) != 0)) {
			rc = vpce_error_set(err, VPCE_EINVAL, "%s is for %s in %s, the plan says %s "
							      "in %s: not deleted",
					    e.id, e.service, e.vpc, r->service, r->vpc);
		} else if (rc == 0) {
			rc = delete_endpoint(c, &e, err);
			*status = c->o->dry_run ? "would-delete" : "deleted";
			snprintf(state, statelen, "%s", c->o->dry_run ? e.state : "deleting");
		}
		break;
	case VPCE_PLANFILE_MODIFY:
		rc = get_endpoint(c, r->endpoint, &e, &found, err);
		if (rc == 0 && !found)
			rc = vpce_error_set(err, VPCE_ENOTFOUND, "%s does not exist (or is deleted)",
					    r->endpoint);
		if (rc == 0) {
			snprintf(id, idlen, "%s", e.id);
			snprintf(state, statelen, "%s", e.state);
			rc = converge(c, r, &e, &changed, err);
			*status = !changed ? "unchanged" : c->o->dry_run ? "would-modify" : "modified";
		}
		break;
	default:
		rc = find_endpoint(c, r, &e, &found, err);
		if (rc == 0 && found) {
			snprintf(id, idlen, "%s", e.id);
			snprintf(state, statelen, "%s", e.state);
			if (!e.tagged)
				note(c, "%s already serves %s in %s (not created by vpce): brought up "
					"to the plan, not replaced",
				     e.id, r->service, r->vpc);
			rc = converge(c, r, &e, &changed, err);
			*status = !changed ? "unchanged" : c->o->dry_run ? "would-modify" : "modified";
		} else if (rc == 0) {
			rc = create(c, r, id, idlen, state, statelen, err);
			*status = c->o->dry_run ? "would-create" : "created";
		}
		break;
	}
	if (rc == 0 && !c->o->dry_run && c->o->wait_seconds > 0 && id[0] &&
	    r->action != VPCE_PLANFILE_DELETE && strcmp(*status, "skipped") != 0)
		rc = wait_available(c, id, state, statelen, err);
	ep_release(&e);
	return rc;
}

int vpce_apply_run(const struct vpce_aws_session *s, const struct vpce_planfile *plan,
		   const struct vpce_apply_options *opts, struct vpce_buf *report,
		   struct vpce_apply_result *res, struct vpce_error *err)
{
	struct vpce_apply_options none;
	struct ctx c;
	size_t n = vpce_planfile_count(plan);
	bool stopped = false;
	int rc = 0;

	if (!opts) {
		memset(&none, 0, sizeof(none));
		opts = &none;
	}
	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.plan = plan;
	c.o = opts;
	c.rep = report;
	vpce_buf_init(&c.notes, (size_t)1 << 20);
	vpce_buf_clear(report);
	vpce_buf_printf(report, "{\n  \"format\": \"vpce-apply/2\",\n  \"plan\": \"%s\",\n"
				"  \"dry_run\": %s,\n  \"prune\": %s,\n  \"recommendations\": [",
			vpce_planfile_id(plan), opts->dry_run ? "true" : "false",
			opts->prune ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		const struct vpce_planfile_rec *r = vpce_planfile_get(plan, i);
		struct vpce_error e;
		char id[64] = "", state[64] = "";
		const char *status = "not-run";
		int x = 0;

		vpce_error_clear(&e);
		vpce_buf_clear(&c.notes);
		c.rec_calls = 0;
		c.ec2 = NULL;
		vpce_buf_printf(report, "%s\n    {\"index\": %zu, \"action\": \"%s\", \"type\": "
					"\"%s\", \"region\": ",
				i ? "," : "", i, r->action_name, r->type);
		vpce_buf_put_json_str(report, r->region);
		vpce_buf_puts(report, ", \"vpc\": ");
		vpce_buf_put_json_str(report, r->vpc);
		vpce_buf_puts(report, ", \"service\": ");
		vpce_buf_put_json_str(report, r->service);
		vpce_buf_puts(report, ",\n      \"calls\": [");
		if (!stopped) {
			say(&c, "%zu/%zu %s %s %s in %s", i + 1, n, r->action_name, r->type,
			    r->service, r->vpc);
			x = run_rec(&c, r, id, sizeof(id), state, sizeof(state), &status, &e);
		}
		vpce_buf_puts(report, c.rec_calls ? "\n      ],\n      " : "],\n      ");
		if (x) {
			status = "failed";
			stopped = true;
			res->failed++;
			say(&c, "  FAILED: %s", e.message);
			rc = vpce_error_set(err, VPCE_EAWS, "recommendation %zu/%zu (%s %s in %s) "
							    "failed: %s; the rest did not run",
					    i + 1, n, r->action_name, r->service, r->vpc, e.message);
		} else if (strcmp(status, "not-run") == 0) {
			res->not_run++;
		} else if (strcmp(status, "skipped") == 0) {
			res->skipped++;
		} else if (strcmp(status, "unchanged") == 0) {
			res->unchanged++;
			say(&c, "  unchanged %s", id);
		} else {
			res->done++;
			say(&c, "  %s %s", status, id);
		}
		vpce_buf_printf(report, "\"status\": \"%s\", \"endpoint\": ", status);
		if (id[0])
			vpce_buf_put_json_str(report, id);
		else
			vpce_buf_puts(report, "null");
		vpce_buf_puts(report, ", \"state\": ");
		if (state[0])
			vpce_buf_put_json_str(report, state);
		else
			vpce_buf_puts(report, "null");
		vpce_buf_printf(report, ", \"notes\": [%s]", c.notes.ptr ? c.notes.ptr : "");
		if (x) {
			vpce_buf_puts(report, ",\n      \"error\": {\"code\": ");
			vpce_buf_put_json_str(report, c.ec2 ? vpce_aws_error_code(c.ec2) : "");
			vpce_buf_puts(report, ", \"message\": ");
			vpce_buf_put_json_str(report, e.message);
			vpce_buf_putc(report, '}');
		}
		vpce_buf_putc(report, '}');
	}
	for (size_t i = 0; i < c.nclients; i++) {
		res->writes += vpce_aws_client_stats(c.clients[i].ec2)->writes;
		vpce_aws_client_free(c.clients[i].ec2);
	}
	res->planned = c.planned;
	vpce_buf_printf(report, "%s],\n  \"write_calls\": %u,\n  \"planned_write_calls\": %u\n}\n",
			n ? "\n  " : "", res->writes, res->planned);
	vpce_buf_release(&c.notes);
	if (report->failed)
		rc = vpce_error_set(err, VPCE_ENOMEM, "report too large");
	return rc;
}

/* vpce export --cloudformation: the plan's creations as a CloudFormation
 * template in JSON (docs/EXPORT.md). Resource properties follow the
 * CloudFormation User Guide: AWS::EC2::VPCEndpoint (VpcId, ServiceName,
 * VpcEndpointType, RouteTableIds, SubnetIds, SecurityGroupIds,
 * PrivateDnsEnabled, PolicyDocument, Tags) and AWS::EC2::SecurityGroup
 * (GroupName, GroupDescription, VpcId, SecurityGroupIngress, Tags);
 * parameter types AWS::EC2::VPC::Id, AWS::EC2::Subnet::Id,
 * AWS::EC2::SecurityGroup::Id. CloudFormation has no resource that adds a
 * route table or subnet to an endpoint it does not manage, and a stack only
 * deletes what it created: modifications and deletions are listed in the
 * template's Metadata and in notes instead. A template is for one region. */
#include <stdio.h>
#include <stdlib.h>
#include "vpce/apply.h"
#include "util/util.h"

/* "rtb-0abc" -> "RouteTable0abc"; "vpc-0abc" -> "Vpc0abc". */
static void param_name(char *out, size_t len, const char *id)
{
	static const struct {
		const char *prefix, *name;
	} kinds[] = { { "vpc-", "Vpc" }, { "rtb-", "RouteTable" }, { "subnet-", "Subnet" },
		      { "sg-", "SecurityGroup" } };

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (vpce_str_startswith(id, kinds[k].prefix)) {
			snprintf(out, len, "%s%s", kinds[k].name, id + strlen(kinds[k].prefix));
			return;
		}
	snprintf(out, len, "Id%s", id);
}

/* "ecr.dkr" -> "EcrDkr" */
static void camel(char *out, size_t len, const char *s)
{
	size_t o = 0;
	bool up = true;

	for (; *s && o + 1 < len; s++) {
		char c = *s;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
			up = true;
			continue;
		}
		out[o++] = up && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		up = false;
	}
	out[o] = 0;
}

static const char *hexpart(const char *id)
{
	const char *d = strchr(id, '-');
	return d ? d + 1 : id;
}

struct param {
	const char *id;
	char name[96];
	const char *type, *what;
	bool cidr; /* the VPC's CIDR parameter (no default) */
};

static void want(struct param *ps, size_t *n, size_t cap, const char *id, const char *type,
		 const char *what, bool cidr)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(ps[i].id, id) == 0 && ps[i].cidr == cidr)
			return;
	if (*n >= cap)
		return;
	ps[*n].id = id;
	param_name(ps[*n].name, sizeof(ps[*n].name), id);
	if (cidr)
		vpce_strlcpy(ps[*n].name + strlen(ps[*n].name), "Cidr",
			     sizeof(ps[*n].name) - strlen(ps[*n].name));
	ps[*n].type = type;
	ps[*n].what = what;
	ps[*n].cidr = cidr;
	(*n)++;
}

static void refs(struct vpce_buf *b, const char **ids, size_t n)
{
	char nm[96];

	vpce_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		param_name(nm, sizeof(nm), ids[i]);
		vpce_buf_printf(b, "%s{\"Ref\": \"%s\"}", i ? ", " : "", nm);
	}
	vpce_buf_putc(b, ']');
}

static bool wants_sg(const struct vpce_planfile_rec *r)
{
	return r->action == VPCE_PLANFILE_CREATE && strcmp(r->type, "Interface") == 0 &&
	       !r->nsecurity_groups;
}

static void tags(struct vpce_buf *b, const struct vpce_planfile *p, const char *name)
{
	vpce_buf_printf(b, ",\n        \"Tags\": [{\"Key\": \"Name\", \"Value\": \"%s\"}, "
			   "{\"Key\": \"vpce:plan\", \"Value\": \"%s\"}]",
			name, vpce_planfile_id(p));
}

int vpce_export_cloudformation(const struct vpce_planfile *p, struct vpce_buf *out,
			       struct vpce_buf *notes, struct vpce_error *err)
{
	struct vpce_buf res = VPCE_BUF_INIT, outs = VPCE_BUF_INIT, meta = VPCE_BUF_INIT;
	struct vpce_buf dummy = VPCE_BUF_INIT;
	struct param *ps;
	size_t n = vpce_planfile_count(p), np = 0, cap = 8, nres = 0, nmeta = 0, nouts = 0;
	int rc = 0;

	if (!notes)
		notes = &dummy;
	vpce_buf_clear(out);
	for (size_t i = 0; i < n; i++) {
		const struct vpce_planfile_rec *r = vpce_planfile_get(p, i);
		if (strcmp(r->region, vpce_planfile_get(p, 0)->region) != 0)
			return vpce_error_set(err, VPCE_EINVAL,
					      "the plan spans regions %s and %s: a CloudFormation "
					      "template is for one region (split the plan, or use "
					      "--terraform)",
					      vpce_planfile_get(p, 0)->region, r->region);
		cap += 2 + r->nroute_tables + r->nsubnets + r->nsecurity_groups;
	}
	ps = calloc(cap, sizeof(*ps));
	if (!ps)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct vpce_planfile_rec *r = vpce_planfile_get(p, i);
		bool gw = strcmp(r->type, "Gateway") == 0, first = true;
		char svc[64], vp[96], lid[160];

		if (r->action != VPCE_PLANFILE_CREATE) {
			vpce_buf_printf(&meta, "%s\n        ", nmeta++ ? "," : "");
			vpce_buf_printf(&meta, "{\"recommendation\": %zu, \"action\": \"%s\", "
					       "\"endpoint\": \"%s\", \"service\": \"%s\", \"vpc\": \"%s\", "
					       "\"why\": \"%s\"}",
					i + 1, r->action_name, r->endpoint, r->service, r->vpc,
					r->action == VPCE_PLANFILE_MODIFY
						? "CloudFormation cannot change an endpoint it does "
						  "not manage: use vpce apply or Terraform"
						: "a stack deletes only what it created: use vpce "
						  "apply --prune or aws ec2 delete-vpc-endpoints");
			vpce_buf_printf(notes, "recommendation %zu (%s %s): not expressible in "
					       "CloudFormation; listed in Metadata.vpce.not_exported\n",
					i + 1, r->action_name, r->endpoint);
			continue;
		}
		camel(svc, sizeof(svc), r->service_short);
		param_name(vp, sizeof(vp), r->vpc);
		want(ps, &np, cap, r->vpc, "AWS::EC2::VPC::Id", "VPC", false);
		if (wants_sg(r)) {
			for (size_t j = 0; j < i; j++)
				first = first && !(wants_sg(vpce_planfile_get(p, j)) &&
						   strcmp(vpce_planfile_get(p, j)->vpc, r->vpc) == 0);
			if (first) {
				want(ps, &np, cap, r->vpc, "String", "IPv4 CIDR block of", true);
				vpce_buf_printf(&res, "%s\n    \"EndpointsSg%s\": {\n"
						      "      \"Type\": \"AWS::EC2::SecurityGroup\",\n"
						      "      \"Properties\": {\n"
						      "        \"GroupDescription\": \"HTTPS from the VPC to its "
						      "interface endpoints (created by vpce)\",\n"
						      "        \"VpcId\": {\"Ref\": \"%s\"},\n"
						      "        \"SecurityGroupIngress\": [{\"IpProtocol\": "
						      "\"tcp\", \"FromPort\": 443, \"ToPort\": 443, "
						      "\"CidrIp\": {\"Ref\": \"%sCidr\"}, \"Description\": "
						      "\"HTTPS from the VPC (vpce)\"}]",
						nres++ ? "," : "", hexpart(r->vpc), vp, vp);
				tags(&res, p, "vpce-endpoints");
				vpce_buf_puts(&res, "\n      }\n    }");
			}
		}
		for (size_t k = 0; k < r->nroute_tables; k++)
			want(ps, &np, cap, r->route_tables[k], "String", "route table", false);
		for (size_t k = 0; k < r->nsubnets; k++)
			want(ps, &np, cap, r->subnets[k], "AWS::EC2::Subnet::Id", "subnet", false);
		for (size_t k = 0; k < r->nsecurity_groups; k++)
			want(ps, &np, cap, r->security_groups[k], "AWS::EC2::SecurityGroup::Id",
			     "security group", false);
		snprintf(lid, sizeof(lid), "%s%s%s", svc, gw ? "Gateway" : "Interface",
			 hexpart(r->vpc));
		vpce_buf_printf(&res, "%s\n    \"%s\": {\n      \"Type\": \"AWS::EC2::VPCEndpoint\",\n"
				      "      \"Properties\": {\n"
				      "        \"VpcId\": {\"Ref\": \"%s\"},\n"
				      "        \"ServiceName\": \"%s\",\n"
				      "        \"VpcEndpointType\": \"%s\"",
				nres++ ? "," : "", lid, vp, r->service, r->type);
		if (gw) {
			vpce_buf_puts(&res, ",\n        \"RouteTableIds\": ");
			refs(&res, r->route_tables, r->nroute_tables);
		} else {
			vpce_buf_puts(&res, ",\n        \"SubnetIds\": ");
			refs(&res, r->subnets, r->nsubnets);
			vpce_buf_puts(&res, ",\n        \"SecurityGroupIds\": ");
			if (r->nsecurity_groups)
				refs(&res, r->security_groups, r->nsecurity_groups);
			else
				vpce_buf_printf(&res, "[{\"Ref\": \"EndpointsSg%s\"}]", hexpart(r->vpc));
			vpce_buf_printf(&res, ",\n        \"PrivateDnsEnabled\": %s",
					r->private_dns ? "true" : "false");
		}
		if (r->policy) {
			vpce_buf_puts(&res, ",\n        \"PolicyDocument\": ");
			vpce_json_write(&res, r->policy, 2, 4, false);
		}
		{
			char nm[160];
			snprintf(nm, sizeof(nm), "vpce-%s", r->service_short);
			tags(&res, p, nm);
		}
		vpce_buf_puts(&res, "\n      }\n    }");
		vpce_buf_printf(&outs, "%s\n    \"%sId\": {\"Description\": \"%s %s endpoint in %s\", "
				       "\"Value\": {\"Ref\": \"%s\"}}",
				nouts++ ? "," : "", lid, r->service_short, r->type, r->vpc, lid);
	}
	vpce_buf_printf(out, "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n"
			     "  \"Description\": \"VPC endpoints from vpce plan %s (vpce export)\",\n"
			     "  \"Metadata\": {\n    \"vpce\": {\n      \"plan\": \"%s\",\n"
			     "      \"not_exported\": [",
			vpce_planfile_id(p), vpce_planfile_id(p));
	vpce_buf_puts(out, meta.ptr ? meta.ptr : "");
	vpce_buf_puts(out, nmeta ? "\n      ]\n    }\n  },\n" : "]\n    }\n  },\n");
	vpce_buf_puts(out, "  \"Parameters\": {");
	for (size_t i = 0; i < np; i++) {
		vpce_buf_printf(out, "%s\n    \"%s\": {\"Type\": \"%s\", \"Description\": \"%s %s\"",
				i ? "," : "", ps[i].name, ps[i].type, ps[i].what, ps[i].id);
		if (ps[i].cidr)
			vpce_buf_puts(out, ", \"AllowedPattern\": "
					   "\"^[0-9]{1,3}(\\\\.[0-9]{1,3}){3}/[0-9]{1,2}$\"");
		else
			vpce_buf_printf(out, ", \"Default\": \"%s\"", ps[i].id);
		if (!ps[i].cidr && strcmp(ps[i].type, "String") == 0)
			vpce_buf_puts(out, ", \"AllowedPattern\": \"^rtb-[0-9a-f]+$\"");
		vpce_buf_putc(out, '}');
	}
	vpce_buf_puts(out, np ? "\n  },\n" : "},\n");
	if (nres == 0) {
		/* a template needs a resource: a harmless wait condition handle */
		vpce_buf_puts(&res, "\n    \"NothingToCreate\": {\"Type\": "
				    "\"AWS::CloudFormation::WaitConditionHandle\"}");
	}
	vpce_buf_printf(out, "  \"Resources\": {%s\n  }", res.ptr ? res.ptr : "");
	if (nouts)
		vpce_buf_printf(out, ",\n  \"Outputs\": {%s\n  }", outs.ptr);
	vpce_buf_puts(out, "\n}\n");
	if (out->failed || res.failed)
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	free(ps);
	vpce_buf_release(&res);
	vpce_buf_release(&outs);
	vpce_buf_release(&meta);
	vpce_buf_release(&dummy);
	return rc;
}

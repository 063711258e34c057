/* vpce apply: create the VPC endpoints of a plan, idempotently.
 *
 * API: CreateVpcEndpoint and DescribeVpcEndpoints (Amazon EC2 API Reference,
 * API_CreateVpcEndpoint.html, API_DescribeVpcEndpoints.html); list and filter
 * parameters use the Query protocol's numbered form (RouteTableId.1,
 * Filter.1.Name, Filter.1.Value.1, TagSpecification.1.Tag.1.Key, ...).
 * Idempotency: "Ensuring idempotency in Amazon EC2 API requests"
 * (Run_Instance_Idempotency.html) — ClientToken up to 64 ASCII characters.
 * Gateway endpoints take route tables, Interface endpoints subnets and
 * security groups ("Gateway endpoints" / "Access an AWS service using an
 * interface VPC endpoint", AWS PrivateLink guide).
 */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include "vpce/apply.h"
#include "vpce/json.h"
#include "util/util.h"

#define MAX_ACTIONS 1000
#define MAX_IDS 64

struct action {
	const struct vpce_json *node;
	const char *region, *vpc_id, *service, *type;
	const struct vpce_json *rts, *subnets, *sgs, *tags;
	int private_dns; /* -1 unset */
};

static int plan_error(const struct vpce_json_doc *doc, const struct vpce_json *n,
		      struct vpce_error *err, const char *fmt, ...) VPCE_PRINTF(4, 5);
static int plan_error(const struct vpce_json_doc *doc, const struct vpce_json *n,
		      struct vpce_error *err, const char *fmt, ...)
{
	unsigned line = 0, col = 0;
	char msg[VPCE_ERROR_MSG_MAX];
	va_list ap;

	if (n)
		vpce_json_position(doc, n, &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vpce_error_setpos(err, VPCE_EINVAL, vpce_json_doc_name(doc), line, col, "%s", msg);
}

static bool id_ok(const char *s, const char *prefix)
{
	if (!s || !vpce_str_startswith(s, prefix) || strlen(s) > 64)
		return false;
	for (const char *p = s + strlen(prefix); *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return s[strlen(prefix)] != 0;
}

static int check_ids(const struct vpce_json_doc *doc, const struct vpce_json *arr,
		     const char *prefix, const char *what, struct vpce_error *err)
{
	if (!arr)
		return 0;
	if (arr->type != VPCE_JSON_ARRAY || arr->count > MAX_IDS)
		return plan_error(doc, arr, err, "%s must be an array of ids", what);
	vpce_json_foreach(it, arr)
		if (it->type != VPCE_JSON_STRING || !id_ok(it->u.str, prefix))
			return plan_error(doc, it, err, "not a valid id in %s", what);
	return 0;
}

static int parse_plan(const struct vpce_json_doc *doc, struct action **out, size_t *n,
		      struct vpce_error *err)
{
	const struct vpce_json *root = vpce_json_root(doc), *acts;
	const char *fmt;
	struct action *a;
	size_t i = 0;
	int rc;

	if (root->type != VPCE_JSON_OBJECT)
		return plan_error(doc, root, err, "%s", "a plan is a JSON object");
	fmt = vpce_json_get_str(root, "format");
	if (fmt && strcmp(fmt, "vpce-plan/1") != 0)
		return plan_error(doc, vpce_json_get(root, "format"), err,
				  "unsupported plan format '%s' (want vpce-plan/1)", fmt);
	acts = vpce_json_get(root, "actions");
	if (!acts || acts->type != VPCE_JSON_ARRAY)
		return plan_error(doc, acts ? acts : root, err, "%s", "\"actions\" must be an array");
	if (acts->count > MAX_ACTIONS)
		return plan_error(doc, acts, err, "%s", "too many actions");
	a = calloc(acts->count ? acts->count : 1, sizeof(*a));
	if (!a)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	vpce_json_foreach(it, acts) {
		struct action *x = &a[i++];
		const char *act = vpce_json_get_str(it, "action");
		const struct vpce_json *pd;
		x->node = it;
		if (it->type != VPCE_JSON_OBJECT) {
			rc = plan_error(doc, it, err, "%s", "an action is an object");
			goto fail;
		}
		if (!act || strcmp(act, "create-vpc-endpoint") != 0) {
			rc = plan_error(doc, vpce_json_get(it, "action") ? vpce_json_get(it, "action") : it,
					err, "unsupported action '%s' (want create-vpc-endpoint)",
					act ? act : "(missing)");
			goto fail;
		}
		x->region = vpce_json_get_str(it, "region");
		x->vpc_id = vpce_json_get_str(it, "vpc_id");
		x->service = vpce_json_get_str(it, "service_name");
		x->type = vpce_json_get_str(it, "type");
		x->rts = vpce_json_get(it, "route_table_ids");
		x->subnets = vpce_json_get(it, "subnet_ids");
		x->sgs = vpce_json_get(it, "security_group_ids");
		x->tags = vpce_json_get(it, "tags");
		pd = vpce_json_get(it, "private_dns");
		x->private_dns = -1;
		if (!x->region || !*x->region || strlen(x->region) > 32) {
			rc = plan_error(doc, it, err, "%s", "action needs \"region\"");
			goto fail;
		}
		if (!id_ok(x->vpc_id, "vpc-")) {
			rc = plan_error(doc, vpce_json_get(it, "vpc_id") ? vpce_json_get(it, "vpc_id") : it,
					err, "%s", "action needs a valid \"vpc_id\"");
			goto fail;
		}
		if (!x->service || !*x->service || strlen(x->service) > 255) {
			rc = plan_error(doc, it, err, "%s", "action needs \"service_name\"");
			goto fail;
		}
		if (!x->type)
			x->type = "Gateway";
		if (strcmp(x->type, "Gateway") != 0 && strcmp(x->type, "Interface") != 0) {
			rc = plan_error(doc, vpce_json_get(it, "type"), err,
					"type '%s' not supported (Gateway or Interface)", x->type);
			goto fail;
		}
		if ((rc = check_ids(doc, x->rts, "rtb-", "route_table_ids", err)) ||
		    (rc = check_ids(doc, x->subnets, "subnet-", "subnet_ids", err)) ||
		    (rc = check_ids(doc, x->sgs, "sg-", "security_group_ids", err)))
			goto fail;
		/* Gateway: route tables only; Interface: subnets/SGs only */
		if (strcmp(x->type, "Gateway") == 0 && (x->subnets || x->sgs || pd)) {
			rc = plan_error(doc, it, err, "%s",
					"a Gateway endpoint takes route_table_ids, not subnets, "
					"security groups or private_dns");
			goto fail;
		}
		if (strcmp(x->type, "Interface") == 0 && x->rts) {
			rc = plan_error(doc, x->rts, err, "%s",
					"an Interface endpoint takes subnet_ids, not route tables");
			goto fail;
		}
		if (pd) {
			if (pd->type != VPCE_JSON_TRUE && pd->type != VPCE_JSON_FALSE) {
				rc = plan_error(doc, pd, err, "%s", "private_dns must be a boolean");
				goto fail;
			}
			x->private_dns = pd->type == VPCE_JSON_TRUE;
		}
		if (x->tags) {
			if (x->tags->type != VPCE_JSON_OBJECT || x->tags->count > 50) {
				rc = plan_error(doc, x->tags, err, "%s",
						"tags must be an object of at most 50 strings");
				goto fail;
			}
			vpce_json_foreach(t, x->tags)
				if (t->type != VPCE_JSON_STRING) {
					rc = plan_error(doc, t, err, "%s", "tag values must be strings");
					goto fail;
				}
		}
	}
	*out = a;
	*n = i;
	return 0;
fail:
	free(a);
	return rc;
}

/* ---- parameters ------------------------------------------------------------ */

struct params {
	struct vpce_aws_param *p;
	size_t n, alloc;
	struct vpce_arena arena;
	bool failed;
};

static void padd(struct params *ps, const char *name, const char *value)
{
	struct vpce_aws_param p;

	p.name = vpce_arena_strdup(&ps->arena, name);
	p.value = vpce_arena_strdup(&ps->arena, value);
	if (!p.name || !p.value || VPCE_ARRAY_PUSH(ps->p, ps->n, ps->alloc, p) != 0)
		ps->failed = true;
}

static void padd_list(struct params *ps, const char *prefix, const struct vpce_json *arr)
{
	char name[64];
	unsigned i = 1;

	vpce_json_foreach(it, arr) {
		snprintf(name, sizeof(name), "%s.%u", prefix, i++);
		padd(ps, name, it->u.str);
	}
}

static void params_release(struct params *ps)
{
	free(ps->p);
	vpce_arena_release(&ps->arena);
}

/* A ClientToken that is the same for the same action: sha256 over its fields. */
static void client_token(const struct action *a, char out[33])
{
	struct vpce_buf b = VPCE_BUF_INIT;
	char hex[65];

	vpce_buf_printf(&b, "vpce-apply|%s|%s|%s|%s|%d", a->region, a->vpc_id, a->service, a->type,
			a->private_dns);
	const struct vpce_json *lists[3] = { a->rts, a->subnets, a->sgs };
	for (int l = 0; l < 3; l++) {
		vpce_buf_putc(&b, '|');
		vpce_json_foreach(it, lists[l])
			vpce_buf_printf(&b, "%s,", it->u.str);
	}
	vpce_sha256_hex(b.ptr ? b.ptr : "", b.len, hex);
	memcpy(out, hex, 32);
	out[32] = 0;
	vpce_buf_release(&b);
}

/* ---- calls ----------------------------------------------------------------- */

/* Find an endpoint of this VPC/service/type that is not deleted or failed. */
static int find_existing(struct vpce_aws_client *ec2, const struct action *a, char *id,
			 size_t idlen, char *state, size_t statelen, struct vpce_error *err)
{
	struct vpce_aws_param p[6] = {
		{ "Filter.1.Name", "vpc-id" },       { "Filter.1.Value.1", a->vpc_id },
		{ "Filter.2.Name", "service-name" }, { "Filter.2.Value.1", a->service },
		{ "Filter.3.Name", "vpc-endpoint-type" }, { "Filter.3.Value.1", a->type },
	};
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *set;
	int rc;

	id[0] = state[0] = 0;
	rc = vpce_aws_query(ec2, "DescribeVpcEndpoints", "2016-11-15", p, 6, &doc, err);
	if (rc)
		return rc;
	set = vpce_xml_child(vpce_xml_root(doc), "vpcEndpointSet");
	for (const struct vpce_xml_node *it = set ? set->child : NULL; it; it = it->next) {
		const struct vpce_xml_node *i = vpce_xml_child(it, "vpcEndpointId");
		const struct vpce_xml_node *s = vpce_xml_child(it, "state");
		const char *st = s ? s->text : "";
		if (!i || vpce_str_eqi(st, "deleted") || vpce_str_eqi(st, "deleting") ||
		    vpce_str_eqi(st, "failed") || vpce_str_eqi(st, "rejected") ||
		    vpce_str_eqi(st, "expired"))
			continue;
		snprintf(id, idlen, "%s", i->text);
		snprintf(state, statelen, "%s", st);
		break;
	}
	vpce_xml_doc_free(doc);
	return 0;
}

/* Read-only preflight: the VPC exists and the subnets, route tables and
 * security groups named are in it; the service is offered in the region. */
static int preflight(struct vpce_aws_client *ec2, const struct action *a, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	int rc = 0;
	static const struct {
		const char *action, *param, *set, *idel;
	} kinds[3] = {
		{ "DescribeSubnets", "SubnetId", "subnetSet", "subnetId" },
		{ "DescribeRouteTables", "RouteTableId", "routeTableSet", "routeTableId" },
		{ "DescribeSecurityGroups", "GroupId", "securityGroupInfo", "groupId" },
	};
	const struct vpce_json *lists[3] = { a->subnets, a->rts, a->sgs };

	{
		struct vpce_aws_param p = { "VpcId.1", a->vpc_id };
		if ((rc = vpce_aws_query(ec2, "DescribeVpcs", "2016-11-15", &p, 1, &doc, err)) != 0)
			return rc;
		vpce_xml_doc_free(doc);
		doc = NULL;
	}
	{
		struct vpce_aws_param p = { "ServiceName.1", a->service };
		const struct vpce_xml_node *names;
		bool found = false;
		rc = vpce_aws_query(ec2, "DescribeVpcEndpointServices", "2016-11-15", &p, 1, &doc,
				    err);
		if (rc)
			return rc;
		names = vpce_xml_child(vpce_xml_root(doc), "serviceNameSet");
		for (const struct vpce_xml_node *it = names ? names->child : NULL; it; it = it->next)
			found = found || strcmp(it->text, a->service) == 0;
		vpce_xml_doc_free(doc);
		doc = NULL;
		if (!found)
			return vpce_error_set(err, VPCE_ENOTFOUND,
					      "service %s is not offered in %s", a->service,
					      a->region);
	}
	for (int k = 0; k < 3; k++) {
		const struct vpce_xml_node *set;
		if (!lists[k] || lists[k]->count == 0)
			continue;
		memset(&ps, 0, sizeof(ps));
		vpce_arena_init(&ps.arena, 1024);
		padd_list(&ps, kinds[k].param, lists[k]);
		rc = ps.failed ? vpce_error_set(err, VPCE_ENOMEM, "out of memory")
			       : vpce_aws_query(ec2, kinds[k].action, "2016-11-15", ps.p, ps.n, &doc,
						err);
		params_release(&ps);
		if (rc)
			return rc;
		set = vpce_xml_child(vpce_xml_root(doc), kinds[k].set);
		for (const struct vpce_xml_node *it = set ? set->child : NULL; it; it = it->next) {
			const struct vpce_xml_node *v = vpce_xml_child(it, "vpcId");
			if (!v || strcmp(v->text, a->vpc_id) != 0) {
				const struct vpce_xml_node *i = vpce_xml_child(it, kinds[k].idel);
				rc = vpce_error_set(err, VPCE_EINVAL, "%s is not in %s",
						    i ? i->text : "a resource", a->vpc_id);
				break;
			}
		}
		vpce_xml_doc_free(doc);
		doc = NULL;
		if (rc)
			return rc;
	}
	return 0;
}

static int create(struct vpce_aws_client *ec2, const struct action *a, char *id, size_t idlen,
		  char *state, size_t statelen, struct vpce_error *err)
{
	struct params ps;
	struct vpce_xml_doc *doc = NULL;
	const struct vpce_xml_node *ep;
	char token[33], name[96];
	unsigned t = 1;
	int rc;

	memset(&ps, 0, sizeof(ps));
	vpce_arena_init(&ps.arena, 2048);
	client_token(a, token);
	padd(&ps, "VpcId", a->vpc_id);
	padd(&ps, "ServiceName", a->service);
	padd(&ps, "VpcEndpointType", a->type);
	padd(&ps, "ClientToken", token);
	padd_list(&ps, "RouteTableId", a->rts);
	padd_list(&ps, "SubnetId", a->subnets);
	padd_list(&ps, "SecurityGroupId", a->sgs);
	if (a->private_dns >= 0)
		padd(&ps, "PrivateDnsEnabled", a->private_dns ? "true" : "false");
	if (a->tags && a->tags->count) {
		padd(&ps, "TagSpecification.1.ResourceType", "vpc-endpoint");
		vpce_json_foreach(tg, a->tags) {
			snprintf(name, sizeof(name), "TagSpecification.1.Tag.%u.Key", t);
			padd(&ps, name, tg->key);
			snprintf(name, sizeof(name), "TagSpecification.1.Tag.%u.Value", t++);
			padd(&ps, name, tg->u.str);
		}
	}
	rc = ps.failed ? vpce_error_set(err, VPCE_ENOMEM, "out of memory")
		       : vpce_aws_query(ec2, "CreateVpcEndpoint", "2016-11-15", ps.p, ps.n, &doc,
					err);
	params_release(&ps);
	if (rc)
		return rc;
	ep = vpce_xml_child(vpce_xml_root(doc), "vpcEndpoint");
	if (!vpce_xml_child(ep, "vpcEndpointId")) {
		vpce_xml_doc_free(doc);
		return vpce_error_set(err, VPCE_EPARSE, "CreateVpcEndpoint: no vpcEndpointId");
	}
	snprintf(id, idlen, "%s", vpce_xml_child(ep, "vpcEndpointId")->text);
	snprintf(state, statelen, "%s",
		 vpce_xml_child(ep, "state") ? vpce_xml_child(ep, "state")->text : "");
	vpce_xml_doc_free(doc);
	return 0;
}

static int wait_available(struct vpce_aws_client *ec2, const char *id, long seconds, char *state,
			  size_t statelen, struct vpce_error *err)
{
	time_t end = time(NULL) + seconds;

	for (;;) {
		struct vpce_aws_param p = { "VpcEndpointId.1", id };
		struct vpce_xml_doc *doc = NULL;
		const struct vpce_xml_node *s;
		int rc = vpce_aws_query(ec2, "DescribeVpcEndpoints", "2016-11-15", &p, 1, &doc, err);
		struct timespec ts = { 2, 0 };

		if (rc)
			return rc;
		s = vpce_xml_path(vpce_xml_root(doc), "vpcEndpointSet/item/state");
		snprintf(state, statelen, "%s", s ? s->text : "");
		vpce_xml_doc_free(doc);
		if (vpce_str_eqi(state, "available") || vpce_str_eqi(state, "pendingAcceptance"))
			return 0;
		if (vpce_str_eqi(state, "failed") || vpce_str_eqi(state, "rejected"))
			return vpce_error_set(err, VPCE_EAWS, "%s is %s", id, state);
		if (time(NULL) >= end)
			return vpce_error_set(err, VPCE_EAWS, "%s still %s after %ld s", id, state,
					      seconds);
		nanosleep(&ts, NULL);
	}
}

static void say(const struct vpce_apply_options *o, const char *fmt, ...) VPCE_PRINTF(2, 3);
static void say(const struct vpce_apply_options *o, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->progress(o->progress_ud, line);
}

int vpce_apply_plan(const struct vpce_aws_session *s, const char *text, size_t len,
		    const char *name, const struct vpce_apply_options *opts,
		    struct vpce_buf *report, struct vpce_error *err)
{
	struct vpce_apply_options none;
	struct vpce_json_doc *doc = NULL;
	struct action *acts = NULL;
	size_t n = 0, failed = 0;
	int rc;

	if (!opts) {
		memset(&none, 0, sizeof(none));
		opts = &none;
	}
	vpce_buf_clear(report);
	if ((rc = vpce_json_parse(text, len, name, &doc, err)) != 0)
		return rc;
	if ((rc = parse_plan(doc, &acts, &n, err)) != 0)
		goto out;
	vpce_buf_printf(report, "{\n  \"format\": \"vpce-apply/1\",\n  \"dry_run\": %s,\n"
				"  \"actions\": [",
			opts->dry_run ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		const struct action *a = &acts[i];
		struct vpce_aws_client *ec2 = NULL;
		struct vpce_error e;
		char id[64] = "", state[64] = "";
		const char *status = "failed";
		int r;

		vpce_error_clear(&e);
		r = vpce_aws_client_new(s, "ec2", a->region, &ec2, &e);
		if (r == 0)
			r = find_existing(ec2, a, id, sizeof(id), state, sizeof(state), &e);
		if (r == 0 && id[0]) {
			status = "exists";
		} else if (r == 0) {
			r = preflight(ec2, a, &e);
			if (r == 0 && opts->dry_run) {
				status = "would-create";
			} else if (r == 0) {
				r = create(ec2, a, id, sizeof(id), state, sizeof(state), &e);
				if (r == 0 && opts->wait_seconds >= 0)
					r = wait_available(ec2, id,
							   opts->wait_seconds ? opts->wait_seconds
									      : 300,
							   state, sizeof(state), &e);
				if (r == 0 || id[0])
					status = r == 0 ? "created" : "failed";
			}
		}
		if (r) {
			status = "failed";
			failed++;
			say(opts, "action %zu (%s %s in %s): FAILED: %s", i, a->type, a->service,
			    a->vpc_id, e.message);
		} else {
			say(opts, "action %zu (%s %s in %s): %s%s%s", i, a->type, a->service,
			    a->vpc_id, status, id[0] ? " " : "", id);
		}
		vpce_buf_printf(report, "%s\n    {\"index\": %zu, \"region\": ", i ? "," : "", i);
		vpce_buf_put_json_str(report, a->region);
		vpce_buf_puts(report, ", \"vpc_id\": ");
		vpce_buf_put_json_str(report, a->vpc_id);
		vpce_buf_puts(report, ", \"service_name\": ");
		vpce_buf_put_json_str(report, a->service);
		vpce_buf_printf(report, ", \"type\": \"%s\", \"status\": \"%s\"", a->type, status);
		if (id[0]) {
			vpce_buf_puts(report, ", \"vpc_endpoint_id\": ");
			vpce_buf_put_json_str(report, id);
			vpce_buf_puts(report, ", \"state\": ");
			vpce_buf_put_json_str(report, state);
		}
		if (r) {
			vpce_buf_puts(report, ", \"error\": {\"code\": ");
			vpce_buf_put_json_str(report, ec2 ? vpce_aws_error_code(ec2) : "");
			vpce_buf_puts(report, ", \"message\": ");
			vpce_buf_put_json_str(report, e.message);
			vpce_buf_putc(report, '}');
		}
		vpce_buf_putc(report, '}');
		vpce_aws_client_free(ec2);
	}
	vpce_buf_puts(report, n ? "\n  ]\n}\n" : "]\n}\n");
	if (report->failed)
		rc = vpce_error_set(err, VPCE_ENOMEM, "report too large");
	else if (failed)
		rc = vpce_error_set(err, VPCE_EAWS, "%zu of %zu actions failed", failed, n);
out:
	free(acts);
	vpce_json_doc_free(doc);
	return rc;
}

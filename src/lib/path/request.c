/* Policies on the path: the request context AWS builds for a call through
 * an endpoint, and the service-owned buckets a service needs through S3. */
#include <stdio.h>
#include <stdlib.h>
#include "path/internal.h"
#include "vpce/json.h"

#ifndef VPCE_DATA_DIR
#define VPCE_DATA_DIR "data"
#endif

/* The account of a principal: a 12-digit id, or the 5th field of an ARN. */
static size_t principal_account(const char *p, const char **out)
{
	const char *s = p;

	if (!p)
		return 0;
	if (strlen(p) == 12 && strspn(p, "0123456789") == 12) {
		*out = p;
		return 12;
	}
	if (!vpce_str_startswith(p, "arn:"))
		return 0;
	for (int field = 0; field < 4; field++) {
		s = strchr(s, ':');
		if (!s)
			return 0;
		s++;
	}
	*out = s;
	return strcspn(s, ":");
}

int vpce_request_build(struct vpce_policy_request *r, const struct vpce_check_request *q,
		       const struct vpce_model *m, const struct vpce_endpoint *ep, const struct vpce_vpc *vpc,
		       const char *region, const char *source_ip)
{
	const char *acct = NULL;
	size_t alen;
	int rc = 0;

	(void)m;
	vpce_policy_request_init(r);
	vpce_policy_request_set_action(r, q->action);
	vpce_policy_request_set_resource(r, q->resource);
	vpce_policy_request_set_principal(r, q->principal);
	/* Global condition keys ("AWS global condition context keys", IAM User
	 * Guide). aws:SourceVpce / aws:SourceVpc / aws:VpceAccount are present
	 * only when the request arrives through a VPC endpoint. */
	if (ep) {
		rc |= vpce_policy_request_add(r, "aws:SourceVpce", ep->id);
		rc |= vpce_policy_request_add(r, "aws:SourceVpc", vpc->id);
		if (ep->owner)
			rc |= vpce_policy_request_add(r, "aws:VpceAccount", ep->owner);
	} else if (source_ip) {
		rc |= vpce_policy_request_add(r, "aws:SourceIp", source_ip);
	}
	if (q->principal) {
		rc |= vpce_policy_request_add(r, "aws:PrincipalArn", q->principal);
		alen = principal_account(q->principal, &acct);
		if (alen)
			rc |= vpce_policy_request_addn(r, "aws:PrincipalAccount", acct, alen);
		rc |= vpce_policy_request_add(r, "aws:PrincipalIsAWSService",
					      vpce_str_endswith(q->principal, ".amazonaws.com") ? "true" : "false");
	}
	if (q->principal_org)
		rc |= vpce_policy_request_add(r, "aws:PrincipalOrgID", q->principal_org);
	if (q->resource_account)
		rc |= vpce_policy_request_add(r, "aws:ResourceAccount", q->resource_account);
	if (q->resource_org)
		rc |= vpce_policy_request_add(r, "aws:ResourceOrgID", q->resource_org);
	if (region)
		rc |= vpce_policy_request_add(r, "aws:RequestedRegion", region);
	rc |= vpce_policy_request_add(r, "aws:SecureTransport", "true");
	for (size_t i = 0; i < q->nctx; i++)
		rc |= vpce_policy_request_add(r, q->ctx_keys[i], q->ctx_values[i]);
	return rc ? VPCE_ENOMEM : 0;
}

void vpce_owned_free(struct vpce_owned *o)
{
	if (!o)
		return;
	if (o->rules)
		for (size_t i = 0; i < o->nrules; i++)
			free(o->rules[i].buckets);
	free(o->rules);
	vpce_json_doc_free(o->doc);
	free(o);
}

int vpce_owned_load(const char *path, struct vpce_owned **out, struct vpce_error *err)
{
	struct vpce_buf b = VPCE_BUF_INIT, p = VPCE_BUF_INIT;
	struct vpce_owned *o = NULL;
	const struct vpce_json *svcs;
	const char *dir;
	FILE *probe;
	int rc = 0;

	*out = NULL;
	if (!path) {
		dir = getenv("VPCE_DATA_DIR");
		vpce_buf_printf(&p, "%s/service-owned-buckets.json", dir && dir[0] ? dir : VPCE_DATA_DIR);
		path = p.ptr;
		probe = path ? fopen(path, "rb") : NULL;
		if (!probe)
			goto out; /* not installed: the check runs without it */
		fclose(probe);
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = vpce_buf_read_file(&b, path, err)) != 0 ||
	    (rc = vpce_json_parse(b.ptr, b.len, path, &o->doc, err)) != 0)
		goto out;
	svcs = vpce_json_get(vpce_json_root(o->doc), "services");
	if (!svcs || svcs->type != VPCE_JSON_ARRAY) {
		rc = vpce_error_setpos(err, VPCE_EINVAL, path, 1, 1, "expected an array \"services\"");
		goto out;
	}
	o->rules = calloc(svcs->count ? svcs->count : 1, sizeof(*o->rules));
	if (!o->rules) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	vpce_json_foreach(it, svcs) {
		struct vpce_owned_rule *r = &o->rules[o->nrules];
		const struct vpce_json *bk = vpce_json_get(it, "buckets");
		r->service = vpce_json_get_str(it, "service");
		r->action = vpce_json_get_str(it, "action");
		r->why = vpce_json_get_str(it, "why");
		r->doc = vpce_json_get_str(it, "doc");
		r->required = vpce_json_get_bool(it, "required", 0) == 1;
		if (!r->service || !r->action || !bk || bk->type != VPCE_JSON_ARRAY) {
			unsigned line, col;
			vpce_json_position(o->doc, it, &line, &col);
			rc = vpce_error_setpos(err, VPCE_EINVAL, path, line, col,
					       "each service needs \"service\", \"action\" and \"buckets\"");
			goto out;
		}
		r->buckets = calloc(bk->count ? bk->count : 1, sizeof(*r->buckets));
		if (!r->buckets) {
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
		vpce_json_foreach(x, bk)
			if (x->type == VPCE_JSON_STRING)
				r->buckets[r->nbuckets++] = x->u.str;
		o->nrules++;
	}
	*out = o;
	o = NULL;
out:
	vpce_buf_release(&b);
	vpce_buf_release(&p);
	vpce_owned_free(o);
	return rc;
}

void vpce_owned_expand(const char *pattern, const char *region, char *out, size_t outlen)
{
	size_t k = 0;

	for (const char *s = pattern; *s && k + 1 < outlen; s++) {
		if (strncmp(s, "{region}", 8) == 0) {
			for (const char *r = region; *r && k + 1 < outlen; r++)
				out[k++] = *r;
			s += 7;
		} else {
			out[k++] = *s;
		}
	}
	out[k] = '\0';
}

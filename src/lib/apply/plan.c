/* plan.json reader: the contract `vpce plan` writes (docs/PLAN.md on the plan
 * branch; summarised in include/vpce/apply.h). Every error names
 * file:line:col. Ids are checked for their prefix and hex suffix; the region
 * comes from the service name (com.amazonaws.REGION.NAME). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "vpce/apply.h"
#include "vpce/model.h"
#include "util/util.h"

#define MAX_RECS 10000
#define MAX_IDS 64

struct vpce_planfile {
	struct vpce_json_doc *doc;
	struct vpce_planfile_rec *recs;
	size_t n;
	struct vpce_arena arena;
	char id[32];
};

static int perr(const struct vpce_json_doc *doc, const struct vpce_json *n, struct vpce_error *err,
		const char *fmt, ...) VPCE_PRINTF(4, 5);
static int perr(const struct vpce_json_doc *doc, const struct vpce_json *n, struct vpce_error *err,
		const char *fmt, ...)
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

/* prefix followed by 1..40 lowercase hex digits (EC2 resource ids). */
static bool id_ok(const char *s, const char *prefix)
{
	size_t n;

	if (!s || !vpce_str_startswith(s, prefix))
		return false;
	n = strlen(s + strlen(prefix));
	if (n == 0 || n > 40)
		return false;
	for (const char *p = s + strlen(prefix); *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static int id_list(struct vpce_planfile *p, const struct vpce_json *obj, const char *key,
		   const char *prefix, const char ***out, size_t *n, struct vpce_error *err)
{
	const struct vpce_json *arr = vpce_json_get(obj, key);
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (!arr || arr->type == VPCE_JSON_NULL)
		return 0;
	if (arr->type != VPCE_JSON_ARRAY)
		return perr(p->doc, arr, err, "\"%s\" must be an array of %s… ids, not %s", key,
			    prefix, vpce_json_type_name(arr));
	if (arr->count > MAX_IDS)
		return perr(p->doc, arr, err, "\"%s\": at most %d ids", key, MAX_IDS);
	*out = vpce_arena_alloc(&p->arena, (arr->count + 1) * sizeof(char *));
	if (!*out)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	vpce_json_foreach(it, arr) {
		if (it->type != VPCE_JSON_STRING || !id_ok(it->u.str, prefix))
			return perr(p->doc, it, err, "\"%s\": not a %s… id", key, prefix);
		for (size_t j = 0; j < i; j++)
			if (strcmp((*out)[j], it->u.str) == 0)
				return perr(p->doc, it, err, "\"%s\": %s given twice", key, it->u.str);
		(*out)[i++] = it->u.str;
	}
	*n = i;
	return 0;
}

static int parse_rec(struct vpce_planfile *p, const struct vpce_json *it, struct vpce_planfile_rec *r,
		     struct vpce_error *err)
{
	const struct vpce_json *v;
	const char *act, *ep;
	int rc;

	vpce_json_position(p->doc, it, &r->line, &r->col);
	if (it->type != VPCE_JSON_OBJECT)
		return perr(p->doc, it, err, "a recommendation is an object, not %s",
			    vpce_json_type_name(it));
	act = vpce_json_get_str(it, "action");
	v = vpce_json_get(it, "action");
	if (!act)
		return perr(p->doc, v ? v : it, err, "%s",
			    "recommendation needs \"action\": create, modify or delete");
	if (strcmp(act, "create") == 0)
		r->action = VPCE_PLANFILE_CREATE;
	else if (strcmp(act, "modify") == 0)
		r->action = VPCE_PLANFILE_MODIFY;
	else if (strcmp(act, "delete") == 0)
		r->action = VPCE_PLANFILE_DELETE;
	else
		return perr(p->doc, v, err, "unknown action '%s' (create, modify or delete)", act);
	r->action_name = act;
	r->type = vpce_json_get_str(it, "type");
	v = vpce_json_get(it, "type");
	if (!r->type || (strcmp(r->type, "Gateway") != 0 && strcmp(r->type, "Interface") != 0))
		return perr(p->doc, v ? v : it, err, "%s",
			    "\"type\" must be \"Gateway\" or \"Interface\"");
	r->vpc = vpce_json_get_str(it, "vpc");
	if (!id_ok(r->vpc, "vpc-"))
		return perr(p->doc, vpce_json_get(it, "vpc") ? vpce_json_get(it, "vpc") : it, err,
			    "%s", "\"vpc\" must be a vpc-… id");
	r->service = vpce_json_get_str(it, "service");
	v = vpce_json_get(it, "service");
	if (!r->service || strlen(r->service) > 200 ||
	    !vpce_service_name_split(r->service, r->region, sizeof(r->region), &r->service_short) ||
	    !*r->service_short)
		return perr(p->doc, v ? v : it, err, "%s",
			    "\"service\" must be com.amazonaws.REGION.NAME");
	for (const char *c = r->service; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '-' || *c == '_'))
			return perr(p->doc, v, err, "%s", "\"service\": unexpected character");
	v = vpce_json_get(it, "endpoint");
	ep = vpce_json_get_str(it, "endpoint");
	if (v && v->type != VPCE_JSON_NULL && !id_ok(ep, "vpce-"))
		return perr(p->doc, v, err, "%s", "\"endpoint\" must be a vpce-… id or null");
	r->endpoint = ep;
	if (r->action != VPCE_PLANFILE_CREATE && !r->endpoint)
		return perr(p->doc, v ? v : it, err, "%s needs \"endpoint\": the vpce-… id", act);
	if ((rc = id_list(p, it, "route_tables", "rtb-", &r->route_tables, &r->nroute_tables,
			  err)) != 0 ||
	    (rc = id_list(p, it, "subnets", "subnet-", &r->subnets, &r->nsubnets, err)) != 0 ||
	    (rc = id_list(p, it, "security_groups", "sg-", &r->security_groups,
			  &r->nsecurity_groups, err)) != 0)
		return rc;
	/* `vpce plan` lists the source subnets of a Gateway recommendation and the
	 * route tables of an Interface one for information: validated above,
	 * not used (a gateway endpoint attaches to route tables, an interface
	 * endpoint to subnets). */
	if (strcmp(r->type, "Gateway") == 0) {
		r->nsubnets = 0;
		r->nsecurity_groups = 0;
	} else {
		r->nroute_tables = 0;
	}
	if (r->action == VPCE_PLANFILE_CREATE && strcmp(r->type, "Interface") == 0 && !r->nsubnets)
		return perr(p->doc, it, err, "%s",
			    "creating an Interface endpoint needs at least one subnet");
	v = vpce_json_get(it, "private_dns");
	r->private_dns = true;
	if (v && v->type != VPCE_JSON_NULL) {
		if (v->type != VPCE_JSON_TRUE && v->type != VPCE_JSON_FALSE)
			return perr(p->doc, v, err, "%s", "\"private_dns\" must be true or false");
		r->private_dns = v->type == VPCE_JSON_TRUE;
	}
	v = vpce_json_get(it, "policy");
	if (v && v->type != VPCE_JSON_NULL) {
		if (v->type != VPCE_JSON_OBJECT)
			return perr(p->doc, v, err, "\"policy\" must be a policy document object or "
						    "null, not %s",
				    vpce_json_type_name(v));
		r->policy = v;
	}
	v = vpce_json_get(it, "monthly_saving_usd");
	if (v && v->type == VPCE_JSON_NUMBER)
		r->monthly_saving_usd = v->u.num.d;
	else if (v && v->type != VPCE_JSON_NULL)
		return perr(p->doc, v, err, "%s", "\"monthly_saving_usd\" must be a number");
	return 0;
}

int vpce_planfile_parse(const char *text, size_t len, const char *name, struct vpce_planfile **out,
		    struct vpce_error *err)
{
	struct vpce_planfile *p;
	const struct vpce_json *root, *recs;
	char hex[65];
	size_t i = 0;
	int rc;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	vpce_arena_init(&p->arena, 4096);
	vpce_sha256_hex(text, len, hex);
	snprintf(p->id, sizeof(p->id), "sha256:%.12s", hex);
	if ((rc = vpce_json_parse(text, len, name, &p->doc, err)) != 0)
		goto fail;
	root = vpce_json_root(p->doc);
	if (root->type != VPCE_JSON_OBJECT) {
		rc = perr(p->doc, root, err, "%s", "a plan is a JSON object with \"recommendations\"");
		goto fail;
	}
	{
		const struct vpce_json *ver = vpce_json_get(root, "version");
		if (ver && !(ver->type == VPCE_JSON_NUMBER && ver->is_int && ver->u.num.i == 1)) {
			rc = perr(p->doc, ver, err, "%s",
				  "unsupported plan \"version\" (this vpce reads version 1)");
			goto fail;
		}
	}
	recs = vpce_json_get(root, "recommendations");
	if (!recs || recs->type != VPCE_JSON_ARRAY) {
		rc = perr(p->doc, recs ? recs : root, err, "%s",
			  "\"recommendations\" must be an array");
		goto fail;
	}
	if (recs->count > MAX_RECS) {
		rc = perr(p->doc, recs, err, "more than %d recommendations", MAX_RECS);
		goto fail;
	}
	p->recs = calloc(recs->count ? recs->count : 1, sizeof(*p->recs));
	if (!p->recs) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto fail;
	}
	vpce_json_foreach(it, recs) {
		if ((rc = parse_rec(p, it, &p->recs[i], err)) != 0)
			goto fail;
		i++;
	}
	p->n = i;
	*out = p;
	return 0;
fail:
	vpce_planfile_free(p);
	return rc;
}

void vpce_planfile_free(struct vpce_planfile *p)
{
	if (!p)
		return;
	vpce_json_doc_free(p->doc);
	free(p->recs);
	vpce_arena_release(&p->arena);
	free(p);
}

size_t vpce_planfile_count(const struct vpce_planfile *p)
{
	return p ? p->n : 0;
}

const struct vpce_planfile_rec *vpce_planfile_get(const struct vpce_planfile *p, size_t i)
{
	return p && i < p->n ? &p->recs[i] : NULL;
}

const char *vpce_planfile_id(const struct vpce_planfile *p)
{
	return p->id;
}

/* IAM JSON policy parser: JSON tree -> compiled struct vpce_policy.
 *
 * Grammar from the IAM User Guide, "IAM JSON policy element reference" and
 * "Grammar of the IAM JSON policy language": Version, Id, Statement (one
 * object or an array), and per statement Sid, Effect (Allow | Deny),
 * Principal | NotPrincipal, Action | NotAction, Resource | NotResource,
 * Condition. Version "2012-10-17" enables policy variables; a document
 * without Version is treated as "2008-10-17" ("IAM JSON policy elements:
 * Version").
 */
#include <stdio.h>
#include <stdlib.h>
#include "vpce/json.h"
#include "policy_int.h"

struct pctx {
	struct vpce_policy *p;
	const struct vpce_json_doc *doc;
	const char *name;
	struct vpce_error *err;
};

static int perr(struct pctx *c, const struct vpce_json *node, const char *fmt, ...)
	VPCE_PRINTF(3, 4);

static int perr(struct pctx *c, const struct vpce_json *node, const char *fmt, ...)
{
	char msg[VPCE_ERROR_MSG_MAX];
	unsigned line = 0, col = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vpce_json_position(c->doc, node, &line, &col);
	return vpce_error_setpos(c->err, VPCE_EPARSE, c->name ? c->name : "", line, col, "%s", msg);
}

static void pos(struct pctx *c, const struct vpce_json *node, unsigned *line, unsigned *col)
{
	vpce_json_position(c->doc, node, line, col);
}

static void *alloc(struct pctx *c, size_t n)
{
	return vpce_arena_alloc(&c->p->arena, n ? n : 1);
}

static char *dup_str(struct pctx *c, const char *s, size_t n)
{
	return vpce_arena_strndup(&c->p->arena, s, n);
}

static char *dup_lower(struct pctx *c, const char *s, size_t n)
{
	char *d = dup_str(c, s, n);

	if (d)
		for (size_t i = 0; i < n; i++)
			if (d[i] >= 'A' && d[i] <= 'Z')
				d[i] = (char)(d[i] + 32);
	return d;
}

/* Accept a string or a non-empty array of strings; returns the count. */
static int str_list(struct pctx *c, const struct vpce_json *v, const char *elem, uint32_t *n)
{
	if (v->type == VPCE_JSON_STRING) {
		*n = 1;
		return 0;
	}
	if (v->type != VPCE_JSON_ARRAY)
		return perr(c, v, "%s must be a string or an array of strings, not %s", elem,
			    vpce_json_type_name(v));
	if (v->count == 0)
		return perr(c, v, "%s must not be an empty array", elem);
	vpce_json_foreach(it, v) {
		if (it->type != VPCE_JSON_STRING)
			return perr(c, it, "%s entries must be strings, not %s", elem,
				    vpce_json_type_name(it));
	}
	*n = v->count;
	return 0;
}

#define FOREACH_STR(it, v) \
	for (const struct vpce_json *it = (v)->type == VPCE_JSON_STRING ? (v) : (v)->u.child; it; \
	     it = (v)->type == VPCE_JSON_STRING ? NULL : it->next)

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static int compile_actions(struct pctx *c, struct pol_stmt *st, const struct vpce_json *v,
			   const char *elem)
{
	uint32_t n, i = 0;
	int rc = str_list(c, v, elem, &n);

	if (rc)
		return rc;
	st->actions = alloc(c, n * sizeof(*st->actions));
	if (!st->actions)
		return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	FOREACH_STR(it, v) {
		struct pol_action *a = &st->actions[i++];
		const char *s = it->u.str, *colon;
		size_t len = it->count;
		char *low = dup_lower(c, s, len);

		if (!low)
			return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
		if (len == 1 && s[0] == '*') {
			a->any = true;
			st->svc_mask = ~(uint64_t)0;
			continue;
		}
		colon = memchr(low, ':', len);
		if (!colon) {
			return perr(c, it, "%s '%s' must be 'service:action' or '*'", elem, s);
		}
		if (colon == low)
			return perr(c, it, "%s '%s' has an empty service prefix", elem, s);
		pol_pat_compile(&a->full, low, len, false);
		pol_pat_compile(&a->svc, low, (size_t)(colon - low), false);
		pol_pat_compile(&a->act, colon + 1, len - (size_t)(colon - low) - 1, false);
		a->exact = a->svc.kind == PAT_EXACT && a->act.kind == PAT_EXACT;
		if (a->svc.kind == PAT_EXACT)
			st->svc_mask |= pol_svc_bit(low, (size_t)(colon - low));
		else
			st->svc_mask = ~(uint64_t)0;
	}
	st->nactions = n;
	return 0;
}

static int compile_resources(struct pctx *c, struct pol_stmt *st, const struct vpce_json *v,
			     const char *elem)
{
	uint32_t n, i = 0;
	int rc = str_list(c, v, elem, &n);

	if (rc)
		return rc;
	st->resources = alloc(c, n * sizeof(*st->resources));
	if (!st->resources)
		return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	FOREACH_STR(it, v) {
		char *s = dup_str(c, it->u.str, it->count);
		if (!s)
			return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
		if (it->count == 0)
			return perr(c, it, "%s must not be an empty string", elem);
		pol_resource_compile(&st->resources[i++], s, it->count, c->p->vars_enabled);
	}
	st->nresources = n;
	st->has_resource = true;
	return 0;
}

static int principal_value(struct pctx *c, struct pol_principal *pp, uint8_t type,
			   const struct vpce_json *it)
{
	const char *s = it->u.str;
	size_t n = it->count;

	pp->type = type;
	pp->s = dup_str(c, s, n);
	if (!pp->s)
		return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	pp->len = (uint32_t)n;
	pos(c, it, &pp->line, &pp->col);
	if (n == 0)
		return perr(c, it, "Principal values must not be empty");
	if (n == 1 && s[0] == '*') {
		pp->kind = type == PT_AWS ? PK_ANY : PK_EXACT;
		return 0;
	}
	pp->kind = PK_EXACT;
	if (type != PT_AWS)
		return 0;
	if (n == 12 && all_digits(s, n)) {
		pp->kind = PK_ACCOUNT;
		memcpy(pp->account, s, 12);
		return 0;
	}
	/* arn:PARTITION:iam::ACCOUNT:root | :role/path/name */
	if (strncmp(s, "arn:", 4) == 0) {
		const char *p = s + 4, *acc, *res;
		p = strchr(p, ':');             /* after partition */
		if (p && strncmp(p, ":iam::", 6) == 0) {
			acc = p + 6;
			res = acc + 12;
			if ((size_t)(res - s) < n && *res == ':' && all_digits(acc, 12)) {
				memcpy(pp->account, acc, 12);
				res++;
				if (strcmp(res, "root") == 0) {
					pp->kind = PK_ACCOUNT;
				} else if (strncmp(res, "role/", 5) == 0) {
					const char *slash = strrchr(res, '/');
					pp->kind = PK_ROLE;
					pp->role = pp->s + (slash + 1 - s);
					pp->role_len = (uint32_t)strlen(slash + 1);
				}
			}
		}
	}
	return 0;
}

static int compile_principal(struct pctx *c, struct pol_stmt *st, const struct vpce_json *v,
			     const char *elem)
{
	uint32_t total = 0, i = 0;
	int rc;

	if (v->type == VPCE_JSON_STRING) {
		if (!(v->count == 1 && v->u.str[0] == '*'))
			return perr(c, v, "%s must be \"*\" or an object such as {\"AWS\": ...}, not "
					  "the string '%s'", elem, v->u.str);
		st->principals = alloc(c, sizeof(*st->principals));
		if (!st->principals)
			return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
		st->principals[0].kind = PK_ANY;
		st->principals[0].type = PT_AWS;
		st->principals[0].s = "*";
		st->principals[0].len = 1;
		pos(c, v, &st->principals[0].line, &st->principals[0].col);
		st->nprincipals = 1;
		st->principal_any = true;
		return 0;
	}
	if (v->type != VPCE_JSON_OBJECT)
		return perr(c, v, "%s must be \"*\" or an object, not %s", elem,
			    vpce_json_type_name(v));
	if (v->count == 0)
		return perr(c, v, "%s must not be an empty object", elem);
	vpce_json_foreach(m, v) {
		uint32_t n;
		if (strcmp(m->key, "AWS") && strcmp(m->key, "Service") &&
		    strcmp(m->key, "Federated") && strcmp(m->key, "CanonicalUser"))
			return perr(c, m, "unknown principal type '%s' (expected AWS, Service, "
					  "Federated or CanonicalUser)", m->key);
		rc = str_list(c, m, elem, &n);
		if (rc)
			return rc;
		total += n;
	}
	st->principals = alloc(c, total * sizeof(*st->principals));
	if (!st->principals)
		return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	vpce_json_foreach(m, v) {
		uint8_t type = !strcmp(m->key, "AWS")       ? PT_AWS
			       : !strcmp(m->key, "Service") ? PT_SERVICE
			       : !strcmp(m->key, "Federated") ? PT_FEDERATED
							      : PT_CANONICAL;
		FOREACH_STR(it, m) {
			rc = principal_value(c, &st->principals[i], type, it);
			if (rc)
				return rc;
			if (st->principals[i].kind == PK_ANY)
				st->principal_any = true;
			i++;
		}
	}
	st->nprincipals = total;
	return 0;
}

/* The text of a scalar condition value. */
static const char *scalar_text(struct pctx *c, const struct vpce_json *v, size_t *n)
{
	char tmp[64];

	switch (v->type) {
	case VPCE_JSON_STRING:
		*n = v->count;
		return dup_str(c, v->u.str, v->count);
	case VPCE_JSON_TRUE:
		*n = 4;
		return "true";
	case VPCE_JSON_FALSE:
		*n = 5;
		return "false";
	case VPCE_JSON_NUMBER:
		if (v->is_int)
			snprintf(tmp, sizeof(tmp), "%lld", (long long)v->u.num.i);
		else
			snprintf(tmp, sizeof(tmp), "%.17g", v->u.num.d);
		*n = strlen(tmp);
		return dup_str(c, tmp, *n);
	default:
		return NULL;
	}
}

static int compile_conditions(struct pctx *c, struct pol_stmt *st, const struct vpce_json *v)
{
	uint32_t total = 0, i = 0;

	if (v->type != VPCE_JSON_OBJECT)
		return perr(c, v, "Condition must be an object, not %s", vpce_json_type_name(v));
	vpce_json_foreach(op, v) {
		if (op->type != VPCE_JSON_OBJECT)
			return perr(c, op, "condition operator '%s' must map to an object of "
					   "condition keys, not %s", op->key, vpce_json_type_name(op));
		if (op->count == 0)
			return perr(c, op, "condition operator '%s' has no condition key", op->key);
		vpce_json_foreach(k, op) {
			if (k->key_len == 0)
				return perr(c, k, "empty condition key");
			if (k->type == VPCE_JSON_ARRAY) {
				if (k->count == 0)
					return perr(c, k, "condition key '%s' has an empty array of "
							  "values", k->key);
				vpce_json_foreach(x, k) {
					if (x->type == VPCE_JSON_ARRAY || x->type == VPCE_JSON_OBJECT ||
					    x->type == VPCE_JSON_NULL)
						return perr(c, x, "condition values must be strings, "
								  "numbers or booleans, not %s",
							    vpce_json_type_name(x));
				}
			} else if (k->type == VPCE_JSON_OBJECT || k->type == VPCE_JSON_NULL) {
				return perr(c, k, "condition key '%s' must map to a value or an "
						  "array of values, not %s", k->key,
					    vpce_json_type_name(k));
			}
			total++;
		}
	}
	st->conds = alloc(c, total * sizeof(*st->conds));
	if (!st->conds)
		return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	vpce_json_foreach(op, v) {
		uint8_t set;
		bool neg, ifexists;
		enum pol_op o = pol_op_parse(op->key, &set, &neg, &ifexists);
		const char *opname = dup_str(c, op->key, op->key_len);

		if (!opname)
			return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
		vpce_json_foreach(k, op) {
			struct pol_cond *cd = &st->conds[i++];
			uint32_t nv = k->type == VPCE_JSON_ARRAY ? k->count : 1, j = 0;

			cd->op = (uint8_t)o;
			cd->set = set;
			cd->neg = neg;
			cd->ifexists = ifexists;
			cd->opname = opname;
			cd->key = dup_lower(c, k->key, k->key_len);
			if (!cd->key)
				return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
			cd->klen = k->key_len;
			cd->khash = pol_hash_lower(cd->key, cd->klen);
			pos(c, op, &cd->line, &cd->col);
			pos(c, k, &cd->kline, &cd->kcol);
			cd->vals = alloc(c, nv * sizeof(*cd->vals));
			if (!cd->vals)
				return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
			for (const struct vpce_json *x = k->type == VPCE_JSON_ARRAY ? k->u.child : k;
			     x; x = k->type == VPCE_JSON_ARRAY ? x->next : NULL) {
				size_t n;
				const char *s = scalar_text(c, x, &n);
				if (!s)
					return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
				pol_cval_compile(c->p, cd, &cd->vals[j++], s, n);
			}
			cd->nvals = nv;
		}
	}
	st->nconds = total;
	return 0;
}

static const char *const stmt_elems[] = { "Sid", "Effect", "Principal", "NotPrincipal",
					  "Action", "NotAction", "Resource", "NotResource",
					  "Condition" };

static int compile_statement(struct pctx *c, struct pol_stmt *st, const struct vpce_json *v)
{
	const struct vpce_json *e, *a, *na, *r, *nr, *pr, *npr, *cond, *sid;
	int rc;

	if (v->type != VPCE_JSON_OBJECT)
		return perr(c, v, "a statement must be an object, not %s", vpce_json_type_name(v));
	pos(c, v, &st->line, &st->col);
	vpce_json_foreach(m, v) {
		bool known = false;
		for (size_t i = 0; i < sizeof(stmt_elems) / sizeof(stmt_elems[0]); i++)
			if (strcmp(m->key, stmt_elems[i]) == 0)
				known = true;
		if (!known)
			return perr(c, m, "unknown statement element '%s'", m->key);
	}
	sid = vpce_json_get(v, "Sid");
	if (sid) {
		if (sid->type != VPCE_JSON_STRING)
			return perr(c, sid, "Sid must be a string, not %s", vpce_json_type_name(sid));
		st->sid = dup_str(c, sid->u.str, sid->count);
		if (!st->sid)
			return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	}
	e = vpce_json_get(v, "Effect");
	if (!e)
		return perr(c, v, "statement has no Effect");
	if (e->type != VPCE_JSON_STRING)
		return perr(c, e, "Effect must be a string, not %s", vpce_json_type_name(e));
	if (strcmp(e->u.str, "Allow") == 0)
		st->deny = false;
	else if (strcmp(e->u.str, "Deny") == 0)
		st->deny = true;
	else
		return perr(c, e, "Effect must be \"Allow\" or \"Deny\", not \"%s\"", e->u.str);

	a = vpce_json_get(v, "Action");
	na = vpce_json_get(v, "NotAction");
	if (a && na)
		return perr(c, na, "a statement cannot have both Action and NotAction");
	if (!a && !na)
		return perr(c, v, "statement has no Action or NotAction");
	st->not_action = na != NULL;
	rc = compile_actions(c, st, a ? a : na, a ? "Action" : "NotAction");
	if (rc)
		return rc;
	if (st->not_action)
		st->svc_mask = ~(uint64_t)0;

	r = vpce_json_get(v, "Resource");
	nr = vpce_json_get(v, "NotResource");
	if (r && nr)
		return perr(c, nr, "a statement cannot have both Resource and NotResource");
	if (r || nr) {
		st->not_resource = nr != NULL;
		rc = compile_resources(c, st, r ? r : nr, r ? "Resource" : "NotResource");
		if (rc)
			return rc;
	}

	pr = vpce_json_get(v, "Principal");
	npr = vpce_json_get(v, "NotPrincipal");
	if (pr && npr)
		return perr(c, npr, "a statement cannot have both Principal and NotPrincipal");
	if (pr || npr) {
		st->has_principal = pr != NULL;
		st->not_principal = npr != NULL;
		rc = compile_principal(c, st, pr ? pr : npr, pr ? "Principal" : "NotPrincipal");
		if (rc)
			return rc;
	}

	cond = vpce_json_get(v, "Condition");
	if (cond) {
		rc = compile_conditions(c, st, cond);
		if (rc)
			return rc;
	}
	return 0;
}

static int compile_policy(struct pctx *c, const struct vpce_json *root)
{
	const struct vpce_json *ver, *id, *stmts;
	uint32_t n, i = 0, k = 0;
	struct vpce_policy *p = c->p;
	int rc;

	if (root->type != VPCE_JSON_OBJECT)
		return perr(c, root, "a policy document must be a JSON object, not %s",
			    vpce_json_type_name(root));
	vpce_json_foreach(m, root) {
		if (strcmp(m->key, "Version") && strcmp(m->key, "Id") && strcmp(m->key, "Statement"))
			return perr(c, m, "unknown policy element '%s' (expected Version, Id, "
					  "Statement)", m->key);
	}
	ver = vpce_json_get(root, "Version");
	if (ver) {
		if (ver->type != VPCE_JSON_STRING)
			return perr(c, ver, "Version must be a string, not %s",
				    vpce_json_type_name(ver));
		if (strcmp(ver->u.str, "2012-10-17") && strcmp(ver->u.str, "2008-10-17"))
			return perr(c, ver, "Version must be \"2012-10-17\" or \"2008-10-17\", "
					    "not \"%s\"", ver->u.str);
		p->version = dup_str(c, ver->u.str, ver->count);
		p->vars_enabled = strcmp(ver->u.str, "2012-10-17") == 0;
	}
	id = vpce_json_get(root, "Id");
	if (id) {
		if (id->type != VPCE_JSON_STRING)
			return perr(c, id, "Id must be a string, not %s", vpce_json_type_name(id));
		p->id = dup_str(c, id->u.str, id->count);
	}
	stmts = vpce_json_get(root, "Statement");
	if (!stmts)
		return perr(c, root, "policy has no Statement");
	if (stmts->type == VPCE_JSON_OBJECT)
		n = 1;
	else if (stmts->type == VPCE_JSON_ARRAY)
		n = stmts->count;
	else
		return perr(c, stmts, "Statement must be an object or an array, not %s",
			    vpce_json_type_name(stmts));
	p->stmts = alloc(c, n * sizeof(*p->stmts));
	p->order = alloc(c, n * sizeof(*p->order));
	if (!p->stmts || !p->order)
		return vpce_error_set(c->err, VPCE_ENOMEM, "out of memory");
	if (stmts->type == VPCE_JSON_OBJECT) {
		rc = compile_statement(c, &p->stmts[0], stmts);
		if (rc)
			return rc;
	} else {
		vpce_json_foreach(s, stmts) {
			rc = compile_statement(c, &p->stmts[i++], s);
			if (rc)
				return rc;
		}
	}
	p->nstmts = n;
	/* Deny statements are evaluated first: an explicit deny wins. */
	for (i = 0; i < n; i++)
		if (p->stmts[i].deny)
			p->order[k++] = i;
	p->ndeny = k;
	for (i = 0; i < n; i++)
		if (!p->stmts[i].deny)
			p->order[k++] = i;
	return 0;
}

static int policy_new(const char *name, struct vpce_policy **out, struct vpce_error *err)
{
	struct vpce_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	vpce_arena_init(&p->arena, 16384);
	p->name = vpce_arena_strdup(&p->arena, name ? name : "");
	if (!p->name) {
		vpce_policy_free(p);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	*out = p;
	return 0;
}

static int from_node(const struct vpce_json_doc *doc, const struct vpce_json *node,
		     struct vpce_policy **out, struct vpce_error *err)
{
	struct pctx c = { 0 };
	int rc;

	*out = NULL;
	rc = policy_new(vpce_json_doc_name(doc), &c.p, err);
	if (rc)
		return rc;
	c.doc = doc;
	c.name = c.p->name;
	c.err = err;
	rc = compile_policy(&c, node);
	if (rc) {
		vpce_policy_free(c.p);
		return rc;
	}
	*out = c.p;
	return 0;
}

int vpce_policy_parse(const char *text, size_t len, const char *name, struct vpce_policy **out,
		      struct vpce_error *err)
{
	struct vpce_json_doc *doc = NULL;
	int rc;

	if (!out)
		return vpce_error_set(err, VPCE_EINVAL, "no output pointer");
	*out = NULL;
	if (!text && len)
		return vpce_error_set(err, VPCE_EINVAL, "no policy text");
	rc = vpce_json_parse(text ? text : "", len, name, &doc, err);
	if (rc)
		goto out;
	rc = from_node(doc, vpce_json_root(doc), out, err);
out:
	vpce_json_doc_free(doc);
	return rc;
}

int vpce_policy_from_json(const struct vpce_json_doc *doc, const struct vpce_json *node,
			  struct vpce_policy **out, struct vpce_error *err)
{
	if (!out)
		return vpce_error_set(err, VPCE_EINVAL, "no output pointer");
	*out = NULL;
	if (!node)
		return vpce_error_set(err, VPCE_EINVAL, "no policy node");
	if (node->type == VPCE_JSON_STRING)
		return vpce_policy_parse(node->u.str, node->count, vpce_json_doc_name(doc), out,
					 err);
	return from_node(doc, node, out, err);
}

void vpce_policy_free(struct vpce_policy *p)
{
	if (!p)
		return;
	vpce_arena_release(&p->arena);
	free(p);
}

size_t vpce_policy_statement_count(const struct vpce_policy *p)
{
	return p ? p->nstmts : 0;
}

const char *vpce_policy_statement_sid(const struct vpce_policy *p, size_t i)
{
	return p && i < p->nstmts ? p->stmts[i].sid : NULL;
}

const char *vpce_policy_version(const struct vpce_policy *p)
{
	return p ? p->version : NULL;
}

/* Policy lint: valid but suspicious documents.
 *
 * Sources (IAM User Guide unless noted):
 * - "Policy evaluation logic": a policy without any Allow statement can only
 *   deny (deny-only).
 * - "IAM JSON policy elements: Condition operators": an unknown operator or
 *   a value of the wrong type never matches (unknown-operator,
 *   invalid-condition-value).
 * - "Single-valued vs. multivalued context keys": ForAllValues /
 *   ForAnyValue on single-valued keys can be overly permissive
 *   (set-operator-single-valued).
 * - "IAM JSON policy elements: NotPrincipal": Allow with NotPrincipal is
 *   discouraged (allow-not-principal).
 * - "IAM JSON policy elements: Principal": wildcards cannot match part of a
 *   principal ARN (principal-partial-wildcard).
 * - "IAM policy elements: Variables and tags": variables need Version
 *   2012-10-17 (variables-without-version).
 * - Amazon VPC PrivateLink guide, "Control access to VPC endpoints using
 *   endpoint policies": the default policy allows full access; endpoint
 *   policies must name a Principal; aws:SourceVpce / aws:SourceVpc belong in
 *   the resource's policy, not the endpoint's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "policy_int.h"

struct lint_ctx {
	struct vpce_policy_lint *l;
	size_t alloc;
	int rc;
};

static void add(struct lint_ctx *c, const char *id, int sev, int stmt, unsigned line,
		unsigned col, const char *fmt, ...) VPCE_PRINTF(7, 8);

static void add(struct lint_ctx *c, const char *id, int sev, int stmt, unsigned line,
		unsigned col, const char *fmt, ...)
{
	struct vpce_policy_finding *f;
	va_list ap;

	if (c->rc)
		return;
	if (vpce_array_grow((void **)&c->l->findings, &c->alloc, c->l->count + 1,
			    sizeof(*f)) != 0) {
		c->rc = VPCE_ENOMEM;
		return;
	}
	f = &c->l->findings[c->l->count++];
	f->id = id;
	f->severity = sev;
	f->statement = stmt;
	f->line = line;
	f->col = col;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
}

static const char *const single_valued[] = {
	"aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principaltype",
	"aws:principalisawsservice", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceip",
	"aws:vpcsourceip", "aws:securetransport", "aws:requestedregion", "aws:resourceaccount",
	"aws:resourceorgid", "aws:vpceaccount", "aws:vpceorgid", "aws:username", "aws:userid",
	"aws:currenttime", "aws:epochtime", "aws:sourceaccount", "aws:sourcearn",
	"aws:sourceorgid", "aws:referer", "aws:useragent", "aws:viaawsservice",
};

static bool is_single_valued(const char *k)
{
	for (size_t i = 0; i < sizeof(single_valued) / sizeof(single_valued[0]); i++)
		if (strcmp(k, single_valued[i]) == 0)
			return true;
	return vpce_str_startswith(k, "aws:principaltag/") ||
	       vpce_str_startswith(k, "aws:resourcetag/") ||
	       vpce_str_startswith(k, "aws:requesttag/");
}

static bool has_var_text(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '$' && s[i + 1] == '{')
			return true;
	return false;
}

static void lint_stmt(struct lint_ctx *c, const struct vpce_policy *p, unsigned flags, int i)
{
	const struct pol_stmt *st = &p->stmts[i];
	bool action_any = false, resource_any = !st->has_resource, vars = false;

	for (uint32_t k = 0; k < st->nactions; k++)
		if (st->actions[k].any)
			action_any = true;
	for (uint32_t k = 0; k < st->nresources; k++) {
		if (st->resources[k].any)
			resource_any = true;
		if (has_var_text(st->resources[k].whole.s, st->resources[k].whole.len))
			vars = true;
	}
	if (!st->deny && st->not_principal)
		add(c, "allow-not-principal", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "Allow with NotPrincipal grants access to every principal not listed, "
		    "anonymous users included; use Principal with conditions instead");
	if (!st->deny && st->not_action)
		add(c, "allow-not-action", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "Allow with NotAction allows every action not listed, including "
		    "actions added to AWS later");
	if (!st->deny && st->not_resource)
		add(c, "allow-not-resource", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "Allow with NotResource allows every resource not listed");
	if (!st->has_resource)
		add(c, "missing-resource", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "statement has no Resource or NotResource; it applies to every resource");
	if ((flags & VPCE_POLICY_LINT_ENDPOINT) && !st->has_principal && !st->not_principal)
		add(c, "missing-principal", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "endpoint policies need a Principal element; without one the statement "
		    "applies to every principal");
	if (!st->deny && st->principal_any && st->has_principal && action_any && resource_any &&
	    st->nconds == 0 && !st->not_action && !st->not_resource)
		add(c, "full-access", VPCE_POLICY_INFO, i, st->line, st->col,
		    "any principal may perform any action on any resource through this "
		    "endpoint, including resources outside your organization (a data "
		    "exfiltration path); this is the default endpoint policy");
	if (st->deny && action_any && resource_any && st->nconds == 0 && st->has_principal &&
	    st->principal_any && !st->not_action && !st->not_resource)
		add(c, "deny-everything", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "this unconditional Deny blocks every request");
	for (uint32_t k = 0; k < st->nprincipals; k++) {
		const struct pol_principal *pp = &st->principals[k];
		if (pp->kind != PK_ANY && memchr(pp->s, '*', pp->len))
			add(c, "principal-partial-wildcard", VPCE_POLICY_WARNING, i, pp->line,
			    pp->col,
			    "principal '%s': wildcards cannot match part of a principal; the "
			    "value only matches itself literally (use aws:PrincipalArn with "
			    "ArnLike)", pp->s);
	}
	for (uint32_t k = 0; k < st->nconds; k++) {
		const struct pol_cond *cd = &st->conds[k];
		if (cd->op == OP_UNKNOWN) {
			add(c, "unknown-operator", VPCE_POLICY_WARNING, i, cd->line, cd->col,
			    "unknown condition operator '%s': the condition never matches, so "
			    "the statement never applies", cd->opname);
			continue;
		}
		if ((flags & VPCE_POLICY_LINT_ENDPOINT) &&
		    (strcmp(cd->key, "aws:sourcevpce") == 0 || strcmp(cd->key, "aws:sourcevpc") == 0))
			add(c, "endpoint-source-vpce", VPCE_POLICY_WARNING, i, cd->kline, cd->kcol,
			    "'%s' in an endpoint policy only ever sees this endpoint and its "
			    "VPC; put it in the resource's policy (e.g. the bucket policy)",
			    cd->key);
		if (cd->set != SET_NONE && is_single_valued(cd->key))
			add(c, "set-operator-single-valued", VPCE_POLICY_WARNING, i, cd->line,
			    cd->col,
			    "'%s' on the single-valued key '%s'%s", cd->opname, cd->key,
			    cd->set == SET_ALL ? ": ForAllValues is also true when the key is "
						 "missing"
					       : "");
		for (uint32_t v = 0; v < cd->nvals; v++) {
			if (!cd->vals[v].ok)
				add(c, "invalid-condition-value", VPCE_POLICY_WARNING, i, cd->kline,
				    cd->kcol, "'%s' value '%s' for '%s' is not valid for this "
				    "operator and never matches", cd->opname, cd->vals[v].pat.s,
				    cd->key);
			if (has_var_text(cd->vals[v].pat.s, cd->vals[v].pat.len))
				vars = true;
		}
	}
	if (vars && !p->vars_enabled)
		add(c, "variables-without-version", VPCE_POLICY_WARNING, i, st->line, st->col,
		    "policy variables (${...}) need \"Version\": \"2012-10-17\"; here they "
		    "are literal text");
}

int vpce_policy_lint(const struct vpce_policy *p, unsigned flags, struct vpce_policy_lint **out,
		     struct vpce_error *err)
{
	struct lint_ctx c = { 0 };
	bool any_allow = false;

	if (!out || !p)
		return vpce_error_set(err, VPCE_EINVAL, "no policy");
	*out = NULL;
	c.l = calloc(1, sizeof(*c.l));
	if (!c.l)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	if (!p->version)
		add(&c, "missing-version", VPCE_POLICY_INFO, -1, 0, 0,
		    "no Version element: the policy is read as \"2008-10-17\" and policy "
		    "variables are not substituted");
	for (uint32_t i = 0; i < p->nstmts; i++) {
		if (!p->stmts[i].deny)
			any_allow = true;
		if (p->stmts[i].sid)
			for (uint32_t j = 0; j < i; j++)
				if (p->stmts[j].sid && strcmp(p->stmts[j].sid, p->stmts[i].sid) == 0) {
					add(&c, "duplicate-sid", VPCE_POLICY_WARNING, (int)i,
					    p->stmts[i].line, p->stmts[i].col,
					    "Sid '%s' is also used by statement %u", p->stmts[i].sid,
					    j);
					break;
				}
		lint_stmt(&c, p, flags, (int)i);
	}
	if (!any_allow)
		add(&c, "deny-only", VPCE_POLICY_WARNING, -1, 0, 0,
		    "the policy has no Allow statement, so it denies every request");
	if (c.rc) {
		vpce_policy_lint_free(c.l);
		return vpce_error_set(err, c.rc, "out of memory");
	}
	*out = c.l;
	return 0;
}

void vpce_policy_lint_free(struct vpce_policy_lint *l)
{
	if (!l)
		return;
	free(l->findings);
	free(l);
}

const char *vpce_policy_severity_name(int severity)
{
	switch (severity) {
	case VPCE_POLICY_ERROR:
		return "error";
	case VPCE_POLICY_WARNING:
		return "warning";
	default:
		return "info";
	}
}

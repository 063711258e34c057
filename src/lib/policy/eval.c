/* Request context and policy evaluation.
 *
 * AWS rules encoded here (IAM User Guide):
 * - "Policy evaluation logic": an explicit Deny in any matching statement
 *   wins; otherwise a matching Allow allows; otherwise the request is
 *   implicitly denied. A statement matches when its Action (or NotAction),
 *   Resource (or NotResource), Principal (or NotPrincipal) and every
 *   condition match.
 * - "IAM JSON policy elements: Principal": "*" and {"AWS": "*"} match every
 *   principal, anonymous included; an account id or
 *   arn:aws:iam::ACCOUNT:root stands for every principal of the account; a
 *   role ARN also matches that role's sessions
 *   (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION); service principals
 *   are matched by name.
 * - "IAM JSON policy elements: NotPrincipal": the statement applies to every
 *   principal except the listed ones.
 * - "AWS global condition context keys": condition keys are
 *   case-insensitive. When the request does not carry aws:PrincipalArn,
 *   aws:PrincipalAccount or aws:PrincipalIsAWSService they are derived from
 *   the request principal.
 */
#include "policy_int.h"

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

void vpce_policy_request_init(struct vpce_policy_request *r)
{
	r->action = NULL;
	r->resource = NULL;
	r->principal = NULL;
	r->nkeys = 0;
	r->nvalues = 0;
	r->key_bloom = 0;
	r->pool_used = 0;
	memset(r->key_slot, 0, sizeof(r->key_slot));
}

void vpce_policy_request_set_action(struct vpce_policy_request *r, const char *action)
{
	r->action = action;
}

void vpce_policy_request_set_resource(struct vpce_policy_request *r, const char *arn)
{
	r->resource = arn;
}

void vpce_policy_request_set_principal(struct vpce_policy_request *r, const char *p)
{
	r->principal = p;
}

static bool key_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

#define NSLOTS (2 * VPCE_POLICY_MAX_KEYS)

static struct vpce_policy_ctx_key *find_key(const struct vpce_policy_request *r, const char *k,
					    size_t n, uint32_t h)
{
	if (!(r->key_bloom & ((uint64_t)1 << (h & 63))))
		return NULL;
	/* Open addressing over key_slot (at most half full). */
	for (uint32_t i = (h >> 6) % NSLOTS;; i = (i + 1) % NSLOTS) {
		const struct vpce_policy_ctx_key *e;
		uint8_t slot = r->key_slot[i];

		if (slot == 0)
			return NULL;
		e = &r->keys[slot - 1];
		/* e->name is lower-cased; k is lower-cased by the callers. */
		if (e->hash == h && e->len == n && memcmp(e->name, k, n) == 0)
			return (struct vpce_policy_ctx_key *)e;
	}
}

static struct vpce_policy_ctx_key *get_key(struct vpce_policy_request *r, const char *key)
{
	size_t n = strlen(key);
	char low[256];
	uint32_t h;
	struct vpce_policy_ctx_key *e;

	if (n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)lower((unsigned char)key[i]);
	low[n] = 0;
	h = pol_hash_lower(low, n);
	e = find_key(r, low, n, h);
	if (e)
		return e;
	if (r->nkeys >= VPCE_POLICY_MAX_KEYS || n + 1 > sizeof(r->key_pool) - r->pool_used)
		return NULL;
	for (uint32_t i = (h >> 6) % NSLOTS;; i = (i + 1) % NSLOTS) {
		if (r->key_slot[i] == 0) {
			r->key_slot[i] = (uint8_t)(r->nkeys + 1);
			break;
		}
	}
	e = &r->keys[r->nkeys++];
	r->key_bloom |= (uint64_t)1 << (h & 63);
	memcpy(r->key_pool + r->pool_used, low, n + 1);
	e->name = r->key_pool + r->pool_used;
	r->pool_used += (uint32_t)n + 1;
	e->len = (uint32_t)n;
	e->hash = h;
	e->first = e->last = -1;
	e->count = 0;
	return e;
}

int vpce_policy_request_add_key(struct vpce_policy_request *r, const char *key)
{
	if (!r || !key)
		return VPCE_EINVAL;
	return get_key(r, key) ? 0 : VPCE_ENOMEM;
}

int vpce_policy_request_addn(struct vpce_policy_request *r, const char *key, const char *value,
			     size_t len)
{
	struct vpce_policy_ctx_key *e;
	struct vpce_policy_ctx_value *v;

	if (!r || !key || (!value && len))
		return VPCE_EINVAL;
	if (r->nvalues >= VPCE_POLICY_MAX_VALUES || len > UINT32_MAX)
		return VPCE_ENOMEM;
	e = get_key(r, key);
	if (!e)
		return VPCE_ENOMEM;
	v = &r->values[r->nvalues];
	v->str = value ? value : "";
	v->len = (uint32_t)len;
	v->next = -1;
	if (e->last >= 0)
		r->values[e->last].next = (int32_t)r->nvalues;
	else
		e->first = (int32_t)r->nvalues;
	e->last = (int32_t)r->nvalues;
	e->count++;
	r->nvalues++;
	return 0;
}

int vpce_policy_request_add(struct vpce_policy_request *r, const char *key, const char *value)
{
	return vpce_policy_request_addn(r, key, value, value ? strlen(value) : 0);
}

static bool is_arn(const char *s)
{
	return s && strncmp(s, "arn:", 4) == 0;
}

/* The account component of an ARN ("arn:p:svc:region:ACCOUNT:..."). */
static bool arn_account(const char *s, const char **acc, size_t *n)
{
	const char *p = s;
	int colons = 0;

	if (!is_arn(s))
		return false;
	while (*p && colons < 4) {
		if (*p == ':')
			colons++;
		p++;
	}
	if (colons < 4)
		return false;
	*acc = p;
	while (*p && *p != ':')
		p++;
	*n = (size_t)(p - *acc);
	return *n > 0;
}

static bool is_account_id(const char *s, size_t n)
{
	if (n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool principal_account(const char *p, const char **acc, size_t *n)
{
	if (!p)
		return false;
	if (is_account_id(p, strlen(p))) {
		*acc = p;
		*n = 12;
		return true;
	}
	return arn_account(p, acc, n);
}

static bool is_service_principal(const char *p)
{
	return p && !is_arn(p) && vpce_str_endswith(p, ".amazonaws.com");
}

static bool key_is(const char *k, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(k, lit, n) == 0;
}

void pol_lookup(const struct vpce_policy_request *r, const char *lkey, size_t klen, uint32_t hash,
		struct pol_vals *out)
{
	const struct vpce_policy_ctx_key *e = find_key(r, lkey, klen, hash);

	memset(out, 0, sizeof(*out));
	out->first = -1;
	if (e) {
		out->present = true;
		out->count = e->count;
		out->first = e->first;
		return;
	}
	/* Derived from the request principal. */
	if (!r->principal)
		return;
	if (key_is(lkey, klen, "aws:principalarn") && is_arn(r->principal)) {
		out->synth = r->principal;
		out->synth_len = (uint32_t)strlen(r->principal);
	} else if (key_is(lkey, klen, "aws:principalaccount")) {
		const char *acc;
		size_t n;
		if (principal_account(r->principal, &acc, &n)) {
			out->synth = acc;
			out->synth_len = (uint32_t)n;
		}
	} else if (key_is(lkey, klen, "aws:principalisawsservice")) {
		out->synth = is_service_principal(r->principal) ? "true" : "false";
		out->synth_len = (uint32_t)strlen(out->synth);
	}
	if (out->synth) {
		out->present = true;
		out->count = 1;
	}
}

bool pol_lookup_single(const struct vpce_policy_request *r, const char *key, size_t klen,
		       const char **v, size_t *vlen)
{
	char lk[256];
	struct pol_vals vs;

	if (klen >= sizeof(lk))
		return false;
	for (size_t i = 0; i < klen; i++)
		lk[i] = (char)lower((unsigned char)key[i]);
	lk[klen] = 0;
	pol_lookup(r, lk, klen, pol_hash_lower(lk, klen), &vs);
	if (!vs.present || vs.count != 1)
		return false;
	if (vs.synth) {
		*v = vs.synth;
		*vlen = vs.synth_len;
	} else {
		*v = r->values[vs.first].str;
		*vlen = r->values[vs.first].len;
	}
	return true;
}

static bool principal_one(const struct pol_principal *pp, const struct vpce_policy_request *r)
{
	const char *p = r->principal, *acc;
	size_t n, plen;

	if (pp->kind == PK_ANY)
		return true;
	if (!p)
		return false;
	plen = strlen(p);
	switch (pp->type) {
	case PT_AWS:
		if (pp->kind == PK_ACCOUNT)
			return principal_account(p, &acc, &n) && n == 12 &&
			       memcmp(acc, pp->account, 12) == 0;
		if (plen == pp->len && memcmp(p, pp->s, plen) == 0)
			return true;
		if (pp->kind == PK_ROLE) {
			/* arn:PART:sts::ACCOUNT:assumed-role/NAME/SESSION */
			const char *ar = strstr(p, ":assumed-role/");
			if (!ar || strncmp(p, "arn:", 4) != 0 || !arn_account(p, &acc, &n) ||
			    n != 12 || memcmp(acc, pp->account, 12) != 0)
				return false;
			ar += 14;
			return strncmp(ar, pp->role, pp->role_len) == 0 && ar[pp->role_len] == '/';
		}
		return false;
	case PT_SERVICE:
		return plen == pp->len && key_eq(p, pp->s, plen);
	default:
		return plen == pp->len && memcmp(p, pp->s, plen) == 0;
	}
}

bool pol_principal_match(const struct pol_stmt *st, const struct vpce_policy_request *r)
{
	bool m = false;

	if (!st->has_principal && !st->not_principal)
		return true;
	for (uint32_t i = 0; i < st->nprincipals && !m; i++)
		m = principal_one(&st->principals[i], r);
	return st->not_principal ? !m : m;
}

/* Per-evaluation view of the request, computed once. */
struct ectx {
	const struct vpce_policy_request *r;
	const char *full, *svc, *act;   /* action, lower-cased when it fits lbuf */
	size_t full_len, svc_len, act_len;
	uint64_t svc_bit;
	size_t res_len;
	bool lowered;                   /* full/svc/act are lower-case */
	bool optimistic;                /* vpce_policy_could_allow: see there */
	char lbuf[256];
};

static bool action_one(const struct pol_action *a, const struct ectx *e)
{
	if (a->any)
		return true;
	if (a->exact && !e->lowered)
		return pol_pat_match(&a->full, e->full, e->full_len, true, e->r);
	if (a->exact)
		return a->full.len == e->full_len &&
		       a->full.s[e->full_len - 1] == e->full[e->full_len - 1] &&
		       memcmp(a->full.s, e->full, e->full_len) == 0;
	return pol_pat_match(&a->svc, e->svc, e->svc_len, true, e->r) &&
	       pol_pat_match(&a->act, e->act, e->act_len, true, e->r);
}

static bool stmt_match(const struct pol_stmt *st, const struct ectx *e)
{
	const struct vpce_policy_request *r = e->r;
	bool m = false;

	/* Statements whose actions name other services cannot match. */
	if (!(st->svc_mask & e->svc_bit))
		return false;
	for (uint32_t i = 0; i < st->nactions && !m; i++)
		m = action_one(&st->actions[i], e);
	if (m == st->not_action)
		return false;
	if (st->has_resource) {
		m = false;
		for (uint32_t i = 0; i < st->nresources && !m; i++)
			m = st->resources[i].any ||
			    (r->resource && pol_resource_match(&st->resources[i], r->resource,
							       e->res_len, r));
		if (m == st->not_resource)
			return false;
	}
	if (e->optimistic) {
		/* Unknown principal and context: an Allow may apply whatever its
		 * Principal and Condition say; a Deny only when it has neither. */
		if (!st->deny)
			return true;
		return st->nconds == 0 && (!st->has_principal || (st->principal_any && !st->not_principal));
	}
	if (!pol_principal_match(st, r))
		return false;
	for (uint32_t i = 0; i < st->nconds; i++)
		if (!pol_cond_eval(&st->conds[i], r))
			return false;
	return true;
}

static int eval_impl(const struct vpce_policy *p, const struct vpce_policy_request *r,
		     struct vpce_policy_decision *out, bool optimistic);

int vpce_policy_eval(const struct vpce_policy *p, const struct vpce_policy_request *r,
		     struct vpce_policy_decision *out)
{
	return eval_impl(p, r, out, false);
}

int vpce_policy_could_allow(const struct vpce_policy *p, const struct vpce_policy_request *r,
			    struct vpce_policy_decision *out)
{
	return eval_impl(p, r, out, true);
}

static int eval_impl(const struct vpce_policy *p, const struct vpce_policy_request *r,
		     struct vpce_policy_decision *out, bool optimistic)
{
	struct ectx e;
	const char *colon;

	if (!out)
		return VPCE_EINVAL;
	out->result = VPCE_POLICY_IMPLICIT_DENY;
	out->statement = -1;
	out->sid = NULL;
	if (!p || !r || !r->action)
		return VPCE_EINVAL;
	e.r = r;
	e.optimistic = optimistic;
	e.full = r->action;
	e.full_len = strlen(r->action);
	e.lowered = e.full_len < sizeof(e.lbuf);
	if (e.lowered) {
		/* Action names are case-insensitive: compare lower-case forms. */
		for (size_t i = 0; i < e.full_len; i++)
			e.lbuf[i] = (char)lower((unsigned char)r->action[i]);
		e.lbuf[e.full_len] = 0;
		e.full = e.lbuf;
	}
	colon = memchr(e.full, ':', e.full_len);
	e.svc = e.full;
	if (colon) {
		e.svc_len = (size_t)(colon - e.full);
		e.act = colon + 1;
		e.act_len = e.full_len - e.svc_len - 1;
	} else {
		e.svc_len = e.full_len;
		e.act = "";
		e.act_len = 0;
	}
	e.svc_bit = colon ? pol_svc_bit(e.svc, e.svc_len) : ~(uint64_t)0;
	e.res_len = r->resource ? strlen(r->resource) : 0;
	for (uint32_t k = 0; k < p->nstmts; k++) {
		uint32_t i = p->order[k];
		const struct pol_stmt *st = &p->stmts[i];

		if (!stmt_match(st, &e))
			continue;
		out->result = st->deny ? VPCE_POLICY_EXPLICIT_DENY : VPCE_POLICY_ALLOW;
		out->statement = (int)i;
		out->sid = st->sid;
		return 0;
	}
	return 0;
}

const char *vpce_policy_result_name(int result)
{
	switch (result) {
	case VPCE_POLICY_ALLOW:
		return "allow";
	case VPCE_POLICY_EXPLICIT_DENY:
		return "explicit-deny";
	default:
		return "implicit-deny";
	}
}

/* Condition operators.
 *
 * AWS rules encoded here (IAM User Guide):
 * - "IAM JSON policy elements: Condition operators": String*, Numeric*,
 *   Date*, Bool, BinaryEquals, IpAddress / NotIpAddress, Arn*, Null and the
 *   ...IfExists forms. ArnEquals and ArnLike behave the same (each of the
 *   six ARN components is compared separately; '*' and '?' are wildcards).
 *   StringLike / StringNotLike use case-sensitive globs. Date values are
 *   ISO 8601 dates / date-times or epoch seconds. IfExists: "if the
 *   condition key is not present in the request context, the condition
 *   evaluates to true".
 * - "IAM JSON policy elements: Condition" (the request context): if the key
 *   is not present the values do not match and the condition is false,
 *   except for negated operators (StringNotEquals, ArnNotLike, ...), which
 *   are true when the key is absent. Condition keys are case-insensitive.
 * - "Conditions with multiple context keys or values": several values for a
 *   key are ORed; for a negated operator they are NORed. ForAnyValue: true
 *   when at least one request value satisfies the operator, false when the
 *   key is missing or empty. ForAllValues: true when every request value
 *   satisfies the operator, and true when the key is missing or empty.
 *   A multi-valued key without a qualifier: a positive operator is true when
 *   any request value matches; a negated operator when none does.
 */
#include <math.h>
#include <stdlib.h>
#include "policy_int.h"

struct opname {
	const char *name;
	uint8_t op;
	bool neg;
};

static const struct opname opnames[] = {
	{ "StringEquals", OP_STR_EQ, false },
	{ "StringNotEquals", OP_STR_EQ, true },
	{ "StringEqualsIgnoreCase", OP_STR_EQ_IC, false },
	{ "StringNotEqualsIgnoreCase", OP_STR_EQ_IC, true },
	{ "StringLike", OP_STR_LIKE, false },
	{ "StringNotLike", OP_STR_LIKE, true },
	{ "NumericEquals", OP_NUM_EQ, false },
	{ "NumericNotEquals", OP_NUM_EQ, true },
	{ "NumericLessThan", OP_NUM_LT, false },
	{ "NumericLessThanEquals", OP_NUM_LE, false },
	{ "NumericGreaterThan", OP_NUM_GT, false },
	{ "NumericGreaterThanEquals", OP_NUM_GE, false },
	{ "DateEquals", OP_DATE_EQ, false },
	{ "DateNotEquals", OP_DATE_EQ, true },
	{ "DateLessThan", OP_DATE_LT, false },
	{ "DateLessThanEquals", OP_DATE_LE, false },
	{ "DateGreaterThan", OP_DATE_GT, false },
	{ "DateGreaterThanEquals", OP_DATE_GE, false },
	{ "Bool", OP_BOOL, false },
	{ "BinaryEquals", OP_BINARY, false },
	{ "IpAddress", OP_IP, false },
	{ "NotIpAddress", OP_IP, true },
	{ "ArnEquals", OP_ARN, false },
	{ "ArnLike", OP_ARN, false },
	{ "ArnNotEquals", OP_ARN, true },
	{ "ArnNotLike", OP_ARN, true },
	{ "Null", OP_NULL, false },
};

enum pol_op pol_op_parse(const char *name, uint8_t *set, bool *neg, bool *ifexists)
{
	size_t n = strlen(name);

	*set = SET_NONE;
	*neg = false;
	*ifexists = false;
	if (n > 12 && memcmp(name, "ForAnyValue:", 12) == 0) {
		*set = SET_ANY;
		name += 12;
		n -= 12;
	} else if (n > 13 && memcmp(name, "ForAllValues:", 13) == 0) {
		*set = SET_ALL;
		name += 13;
		n -= 13;
	}
	if (n > 8 && memcmp(name + n - 8, "IfExists", 8) == 0) {
		*ifexists = true;
		n -= 8;
	}
	for (size_t i = 0; i < sizeof(opnames) / sizeof(opnames[0]); i++) {
		if (strlen(opnames[i].name) == n && memcmp(opnames[i].name, name, n) == 0) {
			/* "Null" has no IfExists form. */
			if (opnames[i].op == OP_NULL && (*ifexists || *set != SET_NONE))
				return OP_UNKNOWN;
			*neg = opnames[i].neg;
			return (enum pol_op)opnames[i].op;
		}
	}
	return OP_UNKNOWN;
}

bool pol_parse_number(const char *s, size_t n, double *out)
{
	char buf[64];
	char *end;
	double d;

	if (n == 0 || n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' ||
		      c == 'E'))
			return false;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	d = strtod(buf, &end);
	if (end != buf + n || !isfinite(d))
		return false;
	*out = d;
	return true;
}

static bool digits(const char *s, size_t n, size_t at, size_t cnt, int *out)
{
	int v = 0;

	if (at + cnt > n)
		return false;
	for (size_t i = at; i < at + cnt; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ISO 8601 ("2020-01-31", "2020-01-31T12:00:00Z", "...T12:00:00.5+02:00",
 * "20200131T120000Z") or epoch seconds ("1580472000"). */
static bool pol_parse_date_iso(const char *s, size_t n, double *out);

bool pol_parse_date(const char *s, size_t n, double *out)
{
	bool all_digits = n > 0;

	for (size_t k = 0; k < n; k++)
		if ((s[k] < '0' || s[k] > '9') && !(k == 0 && s[k] == '-'))
			all_digits = false;
	if (all_digits && n != 8)
		return pol_parse_number(s, n, out);
	if (all_digits && !pol_parse_date_iso(s, n, out))
		return pol_parse_number(s, n, out); /* 8-digit epoch seconds */
	return pol_parse_date_iso(s, n, out);
}

/* The ISO 8601 part of pol_parse_date. */
static bool pol_parse_date_iso(const char *s, size_t n, double *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, th, tm;
	size_t i = 0;
	bool ext;
	double frac = 0, t;

	if (!digits(s, n, 0, 4, &y))
		return false;
	i = 4;
	ext = i < n && s[i] == '-';
	if (ext)
		i++;
	if (!digits(s, n, i, 2, &mo))
		return false;
	i += 2;
	if (ext) {
		if (i >= n || s[i] != '-')
			return false;
		i++;
	}
	if (!digits(s, n, i, 2, &d))
		return false;
	i += 2;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (!digits(s, n, i, 2, &h))
			return false;
		i += 2;
		if (i < n && s[i] == ':')
			i++;
		if (!digits(s, n, i, 2, &mi))
			return false;
		i += 2;
		if (i < n && (s[i] == ':' || (s[i] >= '0' && s[i] <= '9'))) {
			if (s[i] == ':')
				i++;
			if (!digits(s, n, i, 2, &se))
				return false;
			i += 2;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				double scale = 0.1;
				i++;
				if (i >= n || s[i] < '0' || s[i] > '9')
					return false;
				while (i < n && s[i] >= '0' && s[i] <= '9') {
					frac += (s[i] - '0') * scale;
					scale /= 10;
					i++;
				}
			}
		}
		if (h > 24 || mi > 59 || se > 60)
			return false;
	}
	t = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + se + frac;
	if (i < n) {
		int sign;
		if (s[i] == 'Z' || s[i] == 'z') {
			i++;
		} else if (s[i] == '+' || s[i] == '-') {
			sign = s[i] == '+' ? 1 : -1;
			i++;
			if (!digits(s, n, i, 2, &th))
				return false;
			i += 2;
			if (i < n && s[i] == ':')
				i++;
			tm = 0;
			if (i < n) {
				if (!digits(s, n, i, 2, &tm))
					return false;
				i += 2;
			}
			t -= sign * (th * 3600.0 + tm * 60.0);
		}
	}
	if (i != n)
		return false;
	*out = t;
	return true;
}

static bool parse_bool(const char *s, size_t n, bool *out)
{
	if (n == 4 && (s[0] | 32) == 't' && (s[1] | 32) == 'r' && (s[2] | 32) == 'u' &&
	    (s[3] | 32) == 'e') {
		*out = true;
		return true;
	}
	if (n == 5 && (s[0] | 32) == 'f' && (s[1] | 32) == 'a' && (s[2] | 32) == 'l' &&
	    (s[3] | 32) == 's' && (s[4] | 32) == 'e') {
		*out = false;
		return true;
	}
	return false;
}

int pol_cval_compile(struct vpce_policy *p, struct pol_cond *c, struct pol_cval *v, const char *s,
		     size_t n)
{
	bool b = false;

	(void)p;
	memset(v, 0, sizeof(*v));
	switch (c->op) {
	case OP_STR_LIKE:
		pol_pat_compile(&v->pat, s, n, p->vars_enabled);
		v->ok = true;
		break;
	case OP_STR_EQ:
	case OP_STR_EQ_IC:
		pol_pat_compile_exact(&v->pat, s, n, p->vars_enabled);
		v->ok = true;
		break;
	case OP_ARN:
		pol_pat_compile_exact(&v->pat, s, n, false);
		pol_resource_compile(&v->arn, s, n, p->vars_enabled);
		v->ok = true;
		break;
	case OP_NUM_EQ: case OP_NUM_LT: case OP_NUM_LE: case OP_NUM_GT: case OP_NUM_GE:
		pol_pat_compile_exact(&v->pat, s, n, false);
		v->ok = pol_parse_number(s, n, &v->num);
		break;
	case OP_DATE_EQ: case OP_DATE_LT: case OP_DATE_LE: case OP_DATE_GT: case OP_DATE_GE:
		pol_pat_compile_exact(&v->pat, s, n, false);
		v->ok = pol_parse_date(s, n, &v->num);
		break;
	case OP_BOOL:
	case OP_NULL:
		pol_pat_compile_exact(&v->pat, s, n, false);
		v->ok = parse_bool(s, n, &b);
		v->num = b ? 1 : 0;
		break;
	case OP_IP:
		pol_pat_compile_exact(&v->pat, s, n, false);
		v->ok = vpce_cidr_parse(s, n, &v->cidr) == 0;
		break;
	default:
		pol_pat_compile_exact(&v->pat, s, n, p->vars_enabled);
		v->ok = true;
		break;
	}
	return 0;
}

/* A request value, parsed lazily into the type the operator needs. */
struct rval {
	const char *s;
	size_t n;
	bool ok;
	double num;
	struct vpce_cidr cidr;
};

static void rval_prepare(const struct pol_cond *c, struct rval *rv)
{
	bool b = false;

	rv->ok = true;
	switch (c->op) {
	case OP_NUM_EQ: case OP_NUM_LT: case OP_NUM_LE: case OP_NUM_GT: case OP_NUM_GE:
		rv->ok = pol_parse_number(rv->s, rv->n, &rv->num);
		break;
	case OP_DATE_EQ: case OP_DATE_LT: case OP_DATE_LE: case OP_DATE_GT: case OP_DATE_GE:
		rv->ok = pol_parse_date(rv->s, rv->n, &rv->num);
		break;
	case OP_BOOL:
		rv->ok = parse_bool(rv->s, rv->n, &b);
		rv->num = b ? 1 : 0;
		break;
	case OP_IP:
		rv->ok = vpce_cidr_parse(rv->s, rv->n, &rv->cidr) == 0;
		break;
	default:
		break;
	}
}

static bool match_one(const struct pol_cond *c, const struct pol_cval *v, const struct rval *rv,
		      const struct vpce_policy_request *r)
{
	if (!v->ok || !rv->ok)
		return false;
	switch (c->op) {
	case OP_STR_EQ:
	case OP_STR_LIKE:
		return pol_pat_match(&v->pat, rv->s, rv->n, false, r);
	case OP_STR_EQ_IC:
		return pol_pat_match(&v->pat, rv->s, rv->n, true, r);
	case OP_BINARY:
		return v->pat.len == rv->n && memcmp(v->pat.s, rv->s, rv->n) == 0;
	case OP_NUM_EQ:
	case OP_DATE_EQ:
	case OP_BOOL:
		return rv->num == v->num;
	case OP_NUM_LT:
	case OP_DATE_LT:
		return rv->num < v->num;
	case OP_NUM_LE:
	case OP_DATE_LE:
		return rv->num <= v->num;
	case OP_NUM_GT:
	case OP_DATE_GT:
		return rv->num > v->num;
	case OP_NUM_GE:
	case OP_DATE_GE:
		return rv->num >= v->num;
	case OP_IP:
		return vpce_cidr_contains(&v->cidr, &rv->cidr);
	case OP_ARN:
		return pol_resource_match(&v->arn, rv->s, rv->n, r);
	default:
		return false;
	}
}

static bool match_any(const struct pol_cond *c, const struct rval *rv,
		      const struct vpce_policy_request *r)
{
	for (uint32_t i = 0; i < c->nvals; i++)
		if (match_one(c, &c->vals[i], rv, r))
			return true;
	return false;
}

bool pol_cond_eval(const struct pol_cond *c, const struct vpce_policy_request *r)
{
	struct pol_vals vs;
	bool absent, want_all;
	int32_t idx;

	if (c->op == OP_UNKNOWN)
		return false;
	pol_lookup(r, c->key, c->klen, c->khash, &vs);
	absent = !vs.present || vs.count == 0;
	if (c->op == OP_NULL) {
		/* "Null": true means the key must be absent, false present. */
		for (uint32_t i = 0; i < c->nvals; i++)
			if (c->vals[i].ok && (c->vals[i].num != 0) == absent)
				return true;
		return false;
	}
	if (absent) {
		if (c->ifexists || c->set == SET_ALL)
			return true;
		if (c->set == SET_ANY)
			return false;
		return c->neg;
	}
	/* Combine per request value: AND for ForAllValues and for an
	 * unqualified negated operator (NOR over every value), else OR. */
	want_all = c->set == SET_ALL || (c->set == SET_NONE && c->neg);
	idx = vs.synth ? -1 : vs.first;
	for (uint32_t k = 0; k < vs.count; k++) {
		struct rval rv;
		bool m;

		if (vs.synth) {
			rv.s = vs.synth;
			rv.n = vs.synth_len;
		} else {
			rv.s = r->values[idx].str;
			rv.n = r->values[idx].len;
			idx = r->values[idx].next;
		}
		rval_prepare(c, &rv);
		m = match_any(c, &rv, r);
		if (c->neg)
			m = !m;
		if (want_all && !m)
			return false;
		if (!want_all && m)
			return true;
	}
	return want_all;
}

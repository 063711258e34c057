/* Pattern matching for IAM policies: actions, resource ARNs, string globs
 * and policy variables.
 *
 * AWS rules encoded here:
 * - IAM User Guide, "IAM JSON policy elements: Action": action names are
 *   case-insensitive; '*' matches any run of characters, '?' one character.
 * - IAM User Guide, "IAM JSON policy elements: Resource" and "IAM
 *   identifiers" (ARN format): wildcards may appear in any ARN segment and
 *   match within that segment; the resource (sixth) segment is the rest of
 *   the ARN and may itself contain ':' and '/'. ARN matching is
 *   case-sensitive.
 * - IAM User Guide, "IAM policy elements: Variables and tags": ${key} is
 *   replaced by the request's value of key; ${*}, ${?} and ${$} stand for
 *   the literal characters; ${key, 'default'} supplies a default; a
 *   variable whose key is missing makes the value not match. Variables are
 *   only recognised with Version 2012-10-17.
 */
#include <ctype.h>
#include "policy_int.h"

#define POL_EXPAND_MAX 2048

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

uint32_t pol_hash_lower(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= lower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

static bool has_vars(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '$' && s[i + 1] == '{')
			return true;
	return false;
}

void pol_pat_compile(struct pol_pat *p, const char *s, size_t n, bool vars_enabled)
{
	size_t stars = 0, qs = 0;

	p->s = s;
	p->len = (uint32_t)n;
	p->vars = vars_enabled && has_vars(s, n);
	p->wild = true;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '*')
			stars++;
		else if (s[i] == '?')
			qs++;
	}
	if (p->vars)
		p->kind = PAT_GLOB; /* classified after substitution */
	else if (n == 1 && s[0] == '*')
		p->kind = PAT_ANY;
	else if (stars == 0 && qs == 0)
		p->kind = PAT_EXACT;
	else if (stars == 1 && qs == 0 && s[n - 1] == '*') {
		p->kind = PAT_PREFIX;
		p->len = (uint32_t)(n - 1);
	} else
		p->kind = PAT_GLOB;
}

void pol_pat_compile_exact(struct pol_pat *p, const char *s, size_t n, bool vars_enabled)
{
	p->s = s;
	p->len = (uint32_t)n;
	p->vars = vars_enabled && has_vars(s, n);
	p->wild = false;
	p->kind = PAT_EXACT;
}

/* Split s into the six ARN components: positions of the first five ':'.
 * Returns false when there are fewer than five. */
static bool arn_split(const char *s, size_t n, size_t start[6], size_t len[6])
{
	size_t seg = 0, b = 0;

	for (size_t i = 0; i < n && seg < 5; i++) {
		if (s[i] == ':') {
			start[seg] = b;
			len[seg] = i - b;
			seg++;
			b = i + 1;
		}
	}
	if (seg < 5)
		return false;
	start[5] = b;
	len[5] = n - b;
	return true;
}

void pol_resource_compile(struct pol_resource *r, const char *s, size_t n, bool vars_enabled)
{
	size_t st[6], ln[6], lit = 0;

	memset(r, 0, sizeof(*r));
	pol_pat_compile(&r->whole, s, n, vars_enabled);
	r->any = r->whole.kind == PAT_ANY;
	while (lit < n && s[lit] != '*' && s[lit] != '?' &&
	       !(r->whole.vars && s[lit] == '$' && lit + 1 < n && s[lit + 1] == '{'))
		lit++;
	r->lit_len = (uint32_t)lit;
	if (!r->whole.vars && arn_split(s, n, st, ln)) {
		r->nseg = 6;
		for (int i = 0; i < 6; i++)
			pol_pat_compile(&r->seg[i], s + st[i], ln[i], false);
		/* Wildcards only in the sixth component (the rest of the ARN):
		 * matching the whole string is the same as matching segment by
		 * segment, since the literal prefix fixes the first five. */
		r->tail_only = lit >= st[5];
	}
}

bool pol_glob(const char *p, size_t pn, const uint8_t *lit, const char *s, size_t sn, bool ci)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*' && !(lit && lit[pi])) {
			star = pi++;
			mark = si;
			continue;
		}
		if (pi < pn) {
			unsigned char a = (unsigned char)p[pi], b = (unsigned char)s[si];
			bool wildq = a == '?' && !(lit && lit[pi]);
			if (wildq || a == b || (ci && lower(a) == lower(b))) {
				pi++;
				si++;
				continue;
			}
		}
		if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
			continue;
		}
		return false;
	}
	while (pi < pn && p[pi] == '*' && !(lit && lit[pi]))
		pi++;
	return pi == pn;
}

static bool mem_eq(const char *a, const char *b, size_t n, bool ci)
{
	if (!ci)
		return memcmp(a, b, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

long pol_expand(const char *p, size_t pn, const struct vpce_policy_request *r, char *buf,
		uint8_t *lit, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < pn;) {
		if (p[i] == '$' && i + 1 < pn && p[i + 1] == '{') {
			size_t j = i + 2, end, kb, ke;
			const char *v = NULL, *def = NULL;
			size_t vlen = 0, deflen = 0;

			while (j < pn && p[j] != '}')
				j++;
			if (j >= pn)
				goto literal; /* no closing brace: plain text */
			end = j;
			kb = i + 2;
			while (kb < end && p[kb] == ' ')
				kb++;
			ke = kb;
			while (ke < end && p[ke] != ',')
				ke++;
			if (ke < end) {
				/* ${key, 'default'} */
				size_t d = ke + 1;
				while (d < end && p[d] == ' ')
					d++;
				if (d < end && p[d] == '\'') {
					size_t de = d + 1;
					while (de < end && p[de] != '\'')
						de++;
					def = p + d + 1;
					deflen = de - d - 1;
				}
			}
			while (ke > kb && p[ke - 1] == ' ')
				ke--;
			if (ke - kb == 1 && (p[kb] == '*' || p[kb] == '?' || p[kb] == '$')) {
				v = p + kb;
				vlen = 1;
			} else if (!pol_lookup_single(r, p + kb, ke - kb, &v, &vlen)) {
				if (!def)
					return -1;
				v = def;
				vlen = deflen;
			}
			if (o + vlen > cap)
				return -1;
			memcpy(buf + o, v, vlen);
			memset(lit + o, 1, vlen);
			o += vlen;
			i = end + 1;
			continue;
		}
literal:
		if (o >= cap)
			return -1;
		buf[o] = p[i];
		lit[o] = 0;
		o++;
		i++;
	}
	return (long)o;
}

bool pol_pat_match(const struct pol_pat *p, const char *s, size_t n, bool ci,
		   const struct vpce_policy_request *r)
{
	if (p->vars) {
		char buf[POL_EXPAND_MAX];
		uint8_t lit[POL_EXPAND_MAX];
		long m = pol_expand(p->s, p->len, r, buf, lit, sizeof(buf));

		if (m < 0)
			return false;
		if (!p->wild)
			return (size_t)m == n && mem_eq(buf, s, n, ci);
		return pol_glob(buf, (size_t)m, lit, s, n, ci);
	}
	switch (p->kind) {
	case PAT_ANY:
		return p->wild || (n == 1 && s[0] == '*');
	case PAT_EXACT:
		return p->len == n && mem_eq(p->s, s, n, ci);
	case PAT_PREFIX:
		return n >= p->len && mem_eq(p->s, s, p->len, ci);
	default:
		return pol_glob(p->s, p->len, NULL, s, n, ci);
	}
}

bool pol_resource_match(const struct pol_resource *rp, const char *s, size_t n,
			const struct vpce_policy_request *r)
{
	size_t st[6], ln[6];

	if (rp->any)
		return true;
	/* Quick reject on the literal prefix (case-sensitive ARN match). */
	if (n < rp->lit_len ||
	    (rp->lit_len && rp->whole.s[rp->lit_len - 1] != s[rp->lit_len - 1]) ||
	    memcmp(rp->whole.s, s, rp->lit_len) != 0)
		return false;
	if (rp->whole.vars) {
		char buf[POL_EXPAND_MAX];
		uint8_t lit[POL_EXPAND_MAX];
		size_t pst[6], pln[6];
		long m = pol_expand(rp->whole.s, rp->whole.len, r, buf, lit, sizeof(buf));

		if (m < 0)
			return false;
		if (arn_split(buf, (size_t)m, pst, pln) && arn_split(s, n, st, ln)) {
			for (int i = 0; i < 6; i++)
				if (!pol_glob(buf + pst[i], pln[i], lit + pst[i], s + st[i], ln[i],
					      false))
					return false;
			return true;
		}
		return pol_glob(buf, (size_t)m, lit, s, n, false);
	}
	if (rp->tail_only)
		return pol_pat_match(&rp->whole, s, n, false, r);
	if (rp->nseg == 6 && arn_split(s, n, st, ln)) {
		for (int i = 0; i < 6; i++)
			if (!pol_pat_match(&rp->seg[i], s + st[i], ln[i], false, r))
				return false;
		return true;
	}
	return pol_pat_match(&rp->whole, s, n, false, r);
}

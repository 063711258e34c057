/* Internal representation of compiled IAM policies (not public API). */
#ifndef VPCE_POLICY_INT_H
#define VPCE_POLICY_INT_H

#include "vpce/policy.h"
#include "vpce/cidr.h"
#include "util/util.h"

/* Pattern kinds, decided once at compile time. */
enum pol_pat_kind {
	PAT_ANY,     /* "*" */
	PAT_EXACT,   /* no wildcard */
	PAT_PREFIX,  /* literal followed by one trailing '*' */
	PAT_GLOB     /* general '*' / '?' pattern */
};

struct pol_pat {
	const char *s;      /* NUL-terminated, owned by the policy arena */
	uint32_t len;       /* for PAT_PREFIX: length of the literal prefix */
	uint8_t kind;
	bool vars;          /* contains ${...} policy variables (2012-10-17 only) */
	bool wild;          /* '*' and '?' are wildcards (false: exact comparison) */
};

/* Action: service prefix and action name, lower-cased and pre-split. */
struct pol_action {
	bool any;           /* "*" */
	bool exact;         /* no wildcard at all: compare `full` byte for byte */
	struct pol_pat svc, act, full; /* "service:action" always has a colon */
};

/* Resource ARN pattern, split into the six colon-separated components. */
struct pol_resource {
	bool any;
	bool tail_only;     /* no wildcard before the resource segment: match as a whole */
	uint8_t nseg;       /* 6 when split, 0 when matched as a whole */
	uint32_t lit_len;   /* literal prefix (before any wildcard or variable) */
	struct pol_pat whole;
	struct pol_pat seg[6];
};

enum pol_ptype { PT_AWS, PT_SERVICE, PT_FEDERATED, PT_CANONICAL };
enum pol_pkind { PK_ANY, PK_ACCOUNT, PK_ROLE, PK_EXACT };

struct pol_principal {
	uint8_t type;       /* enum pol_ptype */
	uint8_t kind;       /* enum pol_pkind */
	const char *s;
	uint32_t len;
	char account[13];   /* PK_ACCOUNT, PK_ROLE */
	const char *role;   /* PK_ROLE: role name (last path component) */
	uint32_t role_len;
	unsigned line, col;
};

/* Condition operators (base form; Not* forms set neg). */
enum pol_op {
	OP_UNKNOWN,
	OP_STR_EQ, OP_STR_EQ_IC, OP_STR_LIKE,
	OP_NUM_EQ, OP_NUM_LT, OP_NUM_LE, OP_NUM_GT, OP_NUM_GE,
	OP_DATE_EQ, OP_DATE_LT, OP_DATE_LE, OP_DATE_GT, OP_DATE_GE,
	OP_BOOL, OP_BINARY, OP_IP, OP_ARN, OP_NULL
};

enum pol_set { SET_NONE, SET_ANY, SET_ALL };

struct pol_cval {
	struct pol_pat pat;    /* raw text (+ glob kind for Like / Arn) */
	bool ok;               /* typed value parsed (numbers, dates, CIDRs, bools) */
	double num;            /* Numeric*: value; Date*: seconds since the epoch */
	struct vpce_cidr cidr;
	struct pol_resource arn; /* ArnLike / ArnEquals */
};

struct pol_cond {
	uint8_t op;            /* enum pol_op */
	uint8_t set;           /* enum pol_set */
	bool neg;
	bool ifexists;
	const char *opname;    /* as written */
	const char *key;       /* lower-cased */
	uint32_t klen, khash;
	struct pol_cval *vals;
	uint32_t nvals;
	unsigned line, col;    /* of the operator */
	unsigned kline, kcol;  /* of the key */
};

struct pol_stmt {
	bool deny;
	uint64_t svc_mask;                  /* bits of the action service prefixes (all ones: any) */
	const char *sid;
	unsigned line, col;
	bool has_principal, not_principal;
	bool principal_any;                 /* "*" or {"AWS": "*"} present */
	struct pol_principal *principals;
	uint32_t nprincipals;
	bool not_action;
	struct pol_action *actions;
	uint32_t nactions;
	bool has_resource, not_resource;
	struct pol_resource *resources;
	uint32_t nresources;
	struct pol_cond *conds;
	uint32_t nconds;
};

struct vpce_policy {
	struct vpce_arena arena;
	const char *name;
	const char *version;
	const char *id;
	bool vars_enabled;                  /* Version 2012-10-17 */
	struct pol_stmt *stmts;
	uint32_t nstmts;
	uint32_t *order;                    /* Deny statements first, then Allow, in input order */
	uint32_t ndeny;
};

uint32_t pol_hash_lower(const char *s, size_t n);

/* Bit of a (lower-case) service prefix in pol_stmt.svc_mask. */
static inline uint64_t pol_svc_bit(const char *s, size_t n)
{
	return (uint64_t)1 << (pol_hash_lower(s, n) & 63);
}

/* match.c */
uint32_t pol_hash_lower(const char *s, size_t n);
void pol_pat_compile(struct pol_pat *p, const char *s, size_t n, bool vars_enabled);
void pol_pat_compile_exact(struct pol_pat *p, const char *s, size_t n, bool vars_enabled);
void pol_resource_compile(struct pol_resource *r, const char *s, size_t n, bool vars_enabled);
bool pol_glob(const char *p, size_t pn, const uint8_t *lit, const char *s, size_t sn, bool ci);
bool pol_pat_match(const struct pol_pat *p, const char *s, size_t n, bool ci,
		   const struct vpce_policy_request *r);
/* Match a resource/ARN pattern against an ARN (segment-wise). */
bool pol_resource_match(const struct pol_resource *rp, const char *s, size_t n,
			const struct vpce_policy_request *r);
/* Expand the policy variables of p into buf/lit (cap bytes). Returns the
 * length, or -1 when a variable cannot be resolved or the result is too long. */
long pol_expand(const char *p, size_t pn, const struct vpce_policy_request *r, char *buf,
		uint8_t *lit, size_t cap);

/* Request context lookup (eval.c). A lookup yields up to `count` values. */
struct pol_vals {
	bool present;
	uint32_t count;
	int32_t first;             /* index into r->values, or -1 */
	const char *synth;         /* a derived single value (aws:PrincipalArn ...) */
	uint32_t synth_len;
};
void pol_lookup(const struct vpce_policy_request *r, const char *lkey, size_t klen, uint32_t hash,
		struct pol_vals *out);
/* Single value of a key for variable substitution; false when missing or multi-valued. */
bool pol_lookup_single(const struct vpce_policy_request *r, const char *key, size_t klen,
		       const char **v, size_t *vlen);

/* condition.c */
enum pol_op pol_op_parse(const char *name, uint8_t *set, bool *neg, bool *ifexists);
int pol_cval_compile(struct vpce_policy *p, struct pol_cond *c, struct pol_cval *v, const char *s,
		     size_t n);
bool pol_cond_eval(const struct pol_cond *c, const struct vpce_policy_request *r);
bool pol_parse_date(const char *s, size_t n, double *out);
bool pol_parse_number(const char *s, size_t n, double *out);

/* eval.c */
bool pol_principal_match(const struct pol_stmt *st, const struct vpce_policy_request *r);

#endif

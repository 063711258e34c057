/* vpce — IAM JSON policies: parser, linter, evaluator and templates.
 *
 * A policy document (endpoint policy, bucket policy, ...) is parsed once
 * into a compiled form (struct vpce_policy) that the evaluator walks without
 * allocating. Evaluation follows the AWS IAM User Guide, "Policy evaluation
 * logic" (explicit Deny wins, else a matching Allow, else implicit deny),
 * restricted to a single policy: the caller combines the decisions of
 * several policies (endpoint policy, bucket policy, identity policy).
 *
 * Ownership:
 *   vpce_policy_parse / vpce_policy_from_json: **out, caller frees with
 *     vpce_policy_free. The policy copies every string it needs; the input
 *     text / JSON document may be freed right after parsing.
 *   vpce_policy_lint: **out, caller frees with vpce_policy_lint_free.
 *   struct vpce_policy_request: caller-owned, fixed size, no allocation;
 *     it keeps pointers to the action, resource, principal and value
 *     strings it is given (they must outlive it); key names are copied.
 *   struct vpce_policy_decision: plain values; sid points into the policy.
 */
#ifndef VPCE_POLICY_H
#define VPCE_POLICY_H

#include "common.h"
#include "error.h"
#include "buf.h"

struct vpce_json;
struct vpce_json_doc;
struct vpce_policy;

/* ---- parsing --------------------------------------------------------------- */

/* Parse a policy document from JSON text. name is used in error positions
 * ("name:line:col: message"). Malformed JSON and malformed policies (wrong
 * element types, missing or invalid Effect, Action together with NotAction,
 * ...) fail with VPCE_EPARSE and a position. */
VPCE_EXTERN int vpce_policy_parse(const char *text, size_t len, const char *name,
				  struct vpce_policy **out, struct vpce_error *err);
/* Compile a policy from an already-parsed JSON node of doc (positions in
 * errors are those of doc). When node is a JSON string (an endpoint's
 * PolicyDocument as describe-vpc-endpoints returns it) the string is parsed
 * as a document of its own; positions then refer to the string's content. */
VPCE_EXTERN int vpce_policy_from_json(const struct vpce_json_doc *doc,
				      const struct vpce_json *node,
				      struct vpce_policy **out, struct vpce_error *err);
/* NULL-safe. */
VPCE_EXTERN void vpce_policy_free(struct vpce_policy *p);

/* Introspection. */
VPCE_EXTERN size_t vpce_policy_statement_count(const struct vpce_policy *p);
/* The Sid of statement i (0-based), or NULL when it has none. */
VPCE_EXTERN const char *vpce_policy_statement_sid(const struct vpce_policy *p, size_t i);
/* The Version element ("2012-10-17", "2008-10-17"), or NULL when absent. */
VPCE_EXTERN const char *vpce_policy_version(const struct vpce_policy *p);

/* ---- request context --------------------------------------------------------- */

#define VPCE_POLICY_MAX_KEYS 64
#define VPCE_POLICY_MAX_VALUES 256
#define VPCE_POLICY_KEY_POOL 4096  /* bytes for the lower-cased key names */

struct vpce_policy_ctx_value {
	const char *str;   /* not owned */
	uint32_t len;
	int32_t next;      /* index of the key's next value, -1 at the end */
};

struct vpce_policy_ctx_key {
	const char *name;  /* lower-cased copy in the request's key pool */
	uint32_t len;
	uint32_t hash;     /* hash of the lower-cased name */
	int32_t first;     /* first value index, -1 for an empty set */
	int32_t last;
	uint32_t count;
};

/* One request: the action ("s3:GetObject"), the resource ARN, the principal
 * (an ARN, a 12-digit account, a service principal such as
 * "ec2.amazonaws.com", or NULL for an anonymous request) and the condition
 * context keys (multi-valued). */
struct vpce_policy_request {
	const char *action;
	const char *resource;
	const char *principal;
	uint32_t nkeys;
	uint32_t nvalues;
	uint64_t key_bloom;  /* internal: one bit per key hash (hash & 63) */
	uint8_t key_slot[2 * VPCE_POLICY_MAX_KEYS]; /* internal: hash index, key index + 1 */
	uint32_t pool_used;
	char key_pool[VPCE_POLICY_KEY_POOL];         /* internal: lower-cased key names */
	struct vpce_policy_ctx_key keys[VPCE_POLICY_MAX_KEYS];
	struct vpce_policy_ctx_value values[VPCE_POLICY_MAX_VALUES];
};

VPCE_EXTERN void vpce_policy_request_init(struct vpce_policy_request *r);
VPCE_EXTERN void vpce_policy_request_set_action(struct vpce_policy_request *r, const char *action);
VPCE_EXTERN void vpce_policy_request_set_resource(struct vpce_policy_request *r, const char *arn);
VPCE_EXTERN void vpce_policy_request_set_principal(struct vpce_policy_request *r, const char *p);
/* Add one value to key (case-insensitive); adding a key again makes it
 * multi-valued. VPCE_ENOMEM when the fixed capacity is exhausted. */
VPCE_EXTERN int vpce_policy_request_add(struct vpce_policy_request *r, const char *key,
					const char *value);
/* Same with an explicit value length (value need not be NUL-terminated). */
VPCE_EXTERN int vpce_policy_request_addn(struct vpce_policy_request *r, const char *key,
					 const char *value, size_t len);
/* Declare key present with no value (an empty multi-valued key). */
VPCE_EXTERN int vpce_policy_request_add_key(struct vpce_policy_request *r, const char *key);

/* ---- evaluation ----------------------------------------------------------------- */

enum vpce_policy_result {
	VPCE_POLICY_IMPLICIT_DENY = 0,
	VPCE_POLICY_ALLOW = 1,
	VPCE_POLICY_EXPLICIT_DENY = 2
};

struct vpce_policy_decision {
	int result;         /* enum vpce_policy_result */
	int statement;      /* 0-based index of the deciding statement, -1 for implicit deny */
	const char *sid;    /* its Sid (owned by the policy) or NULL */
};

/* Evaluate one request against one policy. Never allocates; returns 0, or
 * VPCE_EINVAL when p, r or out is NULL or the request has no action. */
VPCE_EXTERN int vpce_policy_eval(const struct vpce_policy *p, const struct vpce_policy_request *r,
				 struct vpce_policy_decision *out);
/* As vpce_policy_eval when the principal and the request context are not
 * known: matches on Action and Resource only; an Allow counts whatever its
 * Principal and Condition, a Deny only when it has no Condition and applies
 * to every principal. ALLOW means "some principal may be allowed";
 * IMPLICIT_DENY / EXPLICIT_DENY mean denied for every principal. */
VPCE_EXTERN int vpce_policy_could_allow(const struct vpce_policy *p, const struct vpce_policy_request *r,
					struct vpce_policy_decision *out);
/* "allow", "explicit-deny", "implicit-deny". Static. */
VPCE_EXTERN const char *vpce_policy_result_name(int result);

/* ---- lint --------------------------------------------------------------------------- */

enum vpce_policy_severity {
	VPCE_POLICY_INFO = 0,
	VPCE_POLICY_WARNING = 1,
	VPCE_POLICY_ERROR = 2
};

/* Lint flags. */
#define VPCE_POLICY_LINT_ENDPOINT 0x1u  /* the document is a VPC endpoint policy */

struct vpce_policy_finding {
	const char *id;       /* stable id, e.g. "deny-only" (static) */
	int severity;         /* enum vpce_policy_severity */
	int statement;        /* 0-based statement index, -1 for the whole policy */
	unsigned line, col;   /* position in the source, 0 when unknown */
	char message[256];
};

struct vpce_policy_lint {
	size_t count;
	struct vpce_policy_finding *findings;
};

VPCE_EXTERN int vpce_policy_lint(const struct vpce_policy *p, unsigned flags,
				 struct vpce_policy_lint **out, struct vpce_error *err);
VPCE_EXTERN void vpce_policy_lint_free(struct vpce_policy_lint *l);
/* "info", "warning", "error". Static. */
VPCE_EXTERN const char *vpce_policy_severity_name(int severity);

/* ---- templates ------------------------------------------------------------------------ */

#define VPCE_POLICY_TEMPLATE_MAX_BUCKETS 32

struct vpce_policy_template_opts {
	const char *org_id;    /* "o-..." (org-perimeter) */
	const char *account;   /* 12 digits (own-account) */
	const char *region;    /* region for AWS-owned bucket names, NULL = any */
	const char *buckets[VPCE_POLICY_TEMPLATE_MAX_BUCKETS]; /* s3-read-only */
	size_t nbuckets;
};

/* Append a policy document of the given kind ("full-access",
 * "org-perimeter", "own-account", "s3-read-only") to out as indented JSON.
 * VPCE_EUSAGE for an unknown kind or a missing/invalid option. */
VPCE_EXTERN int vpce_policy_template(const char *kind, const struct vpce_policy_template_opts *o,
				     struct vpce_buf *out, struct vpce_error *err);
/* NULL-terminated list of template kinds. Static. */
VPCE_EXTERN const char *const *vpce_policy_template_kinds(void);

#endif

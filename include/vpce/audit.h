/* vpce — audit: a table of rules over a snapshot model and the path
 * engine's verdicts, each producing findings with a stable id (VPCE001…),
 * a severity, the resource, a one-line reason, the fix and the AWS
 * documentation page the rule rests on. docs/AUDIT.md lists the rules and
 * the JSON contract.
 *
 * Ownership:
 *   vpce_audit_run: *out, caller frees with vpce_audit_free. Finding strings
 *     live in the audit (copied); the model and engine may be freed first.
 *   vpce_audit_rules: static table.
 *   renderers append to a caller-owned struct vpce_buf.
 */
#ifndef VPCE_AUDIT_H
#define VPCE_AUDIT_H

#include "buf.h"
#include "path.h"
#include "plan.h"

enum vpce_severity {
	VPCE_SEV_LOW = 0,
	VPCE_SEV_MEDIUM = 1,
	VPCE_SEV_HIGH = 2,
	VPCE_SEV_CRITICAL = 3
};

struct vpce_audit_rule {
	const char *id;          /* "VPCE001" — stable, never reused */
	const char *name;        /* "gateway-endpoint-not-routed" */
	int severity;            /* default severity (a finding may differ) */
	const char *title;       /* one line */
	const char *doc_title;   /* the AWS page the rule rests on */
	const char *doc_url;
};

struct vpce_finding {
	const char *rule_id;     /* static */
	const char *rule_name;   /* static */
	int severity;            /* enum vpce_severity */
	const char *resource;    /* vpce-…, subnet-…, sg-…, acl-…, vpc-… or a service name */
	const char *vpc;         /* vpc-… or NULL (estate-wide findings) */
	const char *reason;      /* one sentence */
	const char *fix;         /* one sentence / command */
	const char *doc_title;   /* static */
	const char *doc_url;     /* static */
};

struct vpce_audit_options {
	/* Same service in at least this many VPCs → centralisation candidate
	 * (VPCE015). 0: default 3. */
	unsigned central_threshold;
	/* Called after each default source has been checked (may be NULL). */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* A plan from VPC Flow Logs (vpce plan), or NULL: with it, VPCE017
	 * reports interface endpoints that cost more than the traffic they
	 * carry (the plan's delete recommendations). */
	const struct vpce_plan_result *plan;
};

struct vpce_audit_priv;

struct vpce_audit {
	struct vpce_finding *findings;  /* ordered by rule id, then resource */
	size_t count;
	size_t by_severity[4];          /* counts per enum vpce_severity */
	struct vpce_audit_priv *priv;
};

/* Run every rule. The engine (built over m) answers the path questions;
 * its result arena is reset while the audit runs. */
VPCE_EXTERN int vpce_audit_run(const struct vpce_model *m, struct vpce_engine *e,
			       const struct vpce_audit_options *opts, struct vpce_audit **out,
			       struct vpce_error *err);
VPCE_EXTERN void vpce_audit_free(struct vpce_audit *a);

/* The rule table (static), in id order. */
VPCE_EXTERN const struct vpce_audit_rule *vpce_audit_rules(size_t *n);
/* "low", "medium", "high", "critical"; NULL for other values. Static. */
VPCE_EXTERN const char *vpce_severity_name(int s);
/* Parse a severity name; -1 when unknown. */
VPCE_EXTERN int vpce_severity_parse(const char *s);

/* Renderers: only findings with severity >= min_severity. */
VPCE_EXTERN int vpce_render_audit_json(struct vpce_buf *out, const struct vpce_audit *a, int min_severity);
VPCE_EXTERN int vpce_render_audit_table(struct vpce_buf *out, const struct vpce_audit *a, int min_severity,
					bool color);
/* SARIF 2.1.0; artifact is the snapshot path used as the physical location. */
VPCE_EXTERN int vpce_render_audit_sarif(struct vpce_buf *out, const struct vpce_audit *a, int min_severity,
					const char *artifact);

#endif

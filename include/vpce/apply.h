/* vpce — plan.json (the contract `vpce plan` writes, docs/PLAN.md) and
 * applying it: create, modify and (with prune) delete VPC endpoints,
 * idempotently. See docs/AWS.md "vpce apply" and docs/EXPORT.md.
 *
 * plan.json:
 *   {"window": {...}, "traffic": [...],
 *    "recommendations": [{"action": "create" | "modify" | "delete",
 *      "type": "Gateway" | "Interface", "vpc": "vpc-…",
 *      "service": "com.amazonaws.REGION.NAME", "endpoint": "vpce-…" | null,
 *      "route_tables": ["rtb-…"], "subnets": ["subnet-…"],
 *      "policy": {…} | null, "monthly_saving_usd": n,
 *      "break_even_gb_month": n | null}]}
 * "version" (1) is checked when present; other members ("gb_month",
 * "reason", ...) are ignored. A Gateway recommendation's "subnets" and an
 * Interface one's "route_tables" are informational and ignored.
 * Optional members vpce also reads (not written by `vpce plan` today):
 * "security_groups": ["sg-…"] (Interface; absent or empty: vpce creates the
 * group "vpce-endpoints" in the VPC) and "private_dns": bool (Interface,
 * default true). The region is taken from the service name.
 *
 * Ownership: *out objects are freed by the caller with the matching _free
 * (NULL-safe). Records and their strings belong to the plan.
 */
#ifndef VPCE_APPLY_H
#define VPCE_APPLY_H

#include "common.h"
#include "error.h"
#include "buf.h"
#include "aws.h"
#include "json.h"

enum vpce_planfile_action { VPCE_PLANFILE_CREATE, VPCE_PLANFILE_MODIFY, VPCE_PLANFILE_DELETE };

struct vpce_planfile_rec {
	uint8_t action;              /* enum vpce_planfile_action */
	const char *action_name;     /* "create", "modify", "delete" */
	const char *type;            /* "Gateway" or "Interface" */
	const char *vpc;
	const char *service;         /* com.amazonaws.REGION.NAME */
	const char *service_short;   /* "s3", "ecr.dkr" */
	char region[32];
	const char *endpoint;        /* vpce-… or NULL */
	const char **route_tables;   size_t nroute_tables;   /* Gateway only */
	const char **subnets;        size_t nsubnets;        /* Interface only */
	const char **security_groups; size_t nsecurity_groups;
	bool private_dns;            /* Interface (default true) */
	const struct vpce_json *policy; /* policy document object or NULL */
	double monthly_saving_usd;
	unsigned line, col;          /* position in the plan file */
};

struct vpce_planfile;

/* Parse and validate plan.json (errors: name:line:col). */
VPCE_EXTERN int vpce_planfile_parse(const char *text, size_t len, const char *name,
				struct vpce_planfile **out, struct vpce_error *err);
VPCE_EXTERN void vpce_planfile_free(struct vpce_planfile *p);
VPCE_EXTERN size_t vpce_planfile_count(const struct vpce_planfile *p);
VPCE_EXTERN const struct vpce_planfile_rec *vpce_planfile_get(const struct vpce_planfile *p, size_t i);
/* "sha256:<12 hex>" of the plan text: the value of the vpce:plan tag. */
VPCE_EXTERN const char *vpce_planfile_id(const struct vpce_planfile *p);

struct vpce_apply_options {
	bool dry_run;           /* read-only: every write call is reported, none is sent */
	bool prune;             /* carry out "delete" recommendations */
	long wait_seconds;      /* > 0: poll until "available", at most this long */
	/* progress lines (no trailing newline); may be NULL */
	void (*progress)(void *ud, const char *line);
	void *progress_ud;
};

struct vpce_apply_result {
	unsigned writes;        /* mutating API calls sent (sum of the clients' counters) */
	unsigned planned;       /* write calls made or, in a dry run, that would be made */
	size_t done, unchanged, skipped, failed, not_run;
};

/* Apply the plan's recommendations in order. Stops at the first failing
 * recommendation (the rest are "not-run"); what was done is in the report, a
 * re-run completes the rest. report (cleared) receives the vpce-apply/2 JSON
 * (docs/AWS.md). Returns 0 when nothing failed, VPCE_EAWS when one failed
 * (the report says which), another negative code for other errors. */
VPCE_EXTERN int vpce_apply_run(const struct vpce_aws_session *s, const struct vpce_planfile *plan,
			       const struct vpce_apply_options *opts, struct vpce_buf *report,
			       struct vpce_apply_result *res, struct vpce_error *err);

/* ---- export ----------------------------------------------------------------- */

/* Terraform for the plan into dir (created): versions.tf, variables.tf,
 * main.tf. notes (may be NULL) receives one line per recommendation that
 * Terraform cannot express (deletions). */
VPCE_EXTERN int vpce_export_terraform(const struct vpce_planfile *plan, const char *dir,
				      struct vpce_buf *notes, struct vpce_error *err);
/* A CloudFormation template (JSON) for the plan's creations into out
 * (cleared). notes as above (modifications and deletions). */
VPCE_EXTERN int vpce_export_cloudformation(const struct vpce_planfile *plan, struct vpce_buf *out,
					   struct vpce_buf *notes, struct vpce_error *err);

#endif

/* vpce — apply a plan: create the VPC endpoints a plan.json asks for.
 *
 * Input format (provisional until `vpce plan` defines plan.json; see
 * docs/AWS.md "vpce apply"):
 *   {"format": "vpce-plan/1", "account": "123456789012" (optional),
 *    "actions": [{"action": "create-vpc-endpoint", "region": "...",
 *                 "vpc_id": "vpc-...", "service_name": "com.amazonaws....",
 *                 "type": "Gateway" | "Interface",
 *                 "route_table_ids": [...], "subnet_ids": [...],
 *                 "security_group_ids": [...], "private_dns": bool,
 *                 "tags": {"Key": "Value", ...}}, ...]}
 *
 * Each action is idempotent: an existing endpoint for the same VPC, service
 * and type (not deleted/failed) is reported as "exists" and left alone; a
 * creation carries a ClientToken derived from the action, so a retried
 * request cannot create a second endpoint on AWS.
 */
#ifndef VPCE_APPLY_H
#define VPCE_APPLY_H

#include "common.h"
#include "error.h"
#include "buf.h"
#include "aws.h"

struct vpce_apply_options {
	bool dry_run;           /* preflight checks only (read-only calls) */
	long wait_seconds;      /* wait for "available" (0: 300; <0: don't wait) */
	/* progress lines (no trailing newline); may be NULL */
	void (*progress)(void *ud, const char *line);
	void *progress_ud;
};

/* Validate the plan text (errors with name:line:col), then run it. report
 * receives a JSON document:
 *   {"format": "vpce-apply/1", "dry_run": bool, "actions": [{"index": n,
 *    "region": ..., "service_name": ..., "status": "created" | "exists" |
 *    "would-create" | "failed", "vpc_endpoint_id": ..., "state": ...,
 *    "error": {"code": ..., "message": ...}}]}
 * Returns 0 when every action succeeded, VPCE_EAWS when some failed (the
 * report says which), another negative code for a plan or usage error. */
VPCE_EXTERN int vpce_apply_plan(const struct vpce_aws_session *s, const char *text, size_t len,
				const char *name, const struct vpce_apply_options *opts,
				struct vpce_buf *report, struct vpce_error *err);

#endif

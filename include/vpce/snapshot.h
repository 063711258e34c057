/* vpce — snapshot loader: AWS CLI / EC2 API describe-* JSON into a model.
 *
 * A snapshot is a directory (every *.json below it, recursively, in sorted
 * order) or a single JSON file. Files are recognised by their top-level keys
 * (Vpcs, Subnets, RouteTables, SecurityGroups, NetworkAcls, VpcEndpoints,
 * NatGateways, InternetGateways, PrefixLists (with Cidrs, or of
 * describe-managed-prefix-lists), Entries (get-managed-prefix-list-entries;
 * the list id is the first "pl-…" in the file name), NetworkInterfaces,
 * Reservations, ServiceDetails, and describe-vpc-attribute output), whatever
 * they are named. Several files of one kind merge. Files with no known key
 * are skipped and reported through the `skipped` callback.
 */
#ifndef VPCE_SNAPSHOT_H
#define VPCE_SNAPSHOT_H

#include "model.h"
#include "aws.h"

struct vpce_snapshot_options {
	const char *region;   /* used when neither folder names nor AZ names tell */
	/* Called for each skipped file (unknown keys); may be NULL. */
	void (*skipped)(void *ctx, const char *path, const char *why);
	void *ctx;
};

/* Load path into a new model (*out: caller frees with vpce_model_free).
 * Invalid JSON or wrong types fail with VPCE_EPARSE / VPCE_EINVAL and a
 * file:line:col position in err; nothing is returned then. */
VPCE_EXTERN int vpce_snapshot_load(const char *path, const struct vpce_snapshot_options *opts,
				   struct vpce_model **out, struct vpce_error *err);

/* Load from in-memory JSON documents (name used for messages and region
 * folder detection). Same semantics as vpce_snapshot_load. */
VPCE_EXTERN int vpce_snapshot_load_buffers(const char *const *names, const char *const *texts,
					   const size_t *lens, size_t n,
					   const struct vpce_snapshot_options *opts,
					   struct vpce_model **out, struct vpce_error *err);

/* ---- capture (EC2 describe calls into files) ------------------------------ */

struct vpce_capture_options {
	int page_size;   /* MaxResults per page (0: the service's default) */
	/* progress lines ("us-east-1: Subnets.json 12"), may be NULL; called
	 * from the capturing thread */
	void (*progress)(void *ud, const char *line);
	void *progress_ud;
	/* only these VPCs (at most VPCE_CAPTURE_MAX_VPCS; 0: every VPC): per-VPC
	 * describe calls are filtered by vpc-id; prefix lists and services are not */
	const char *const *vpc_ids;
	size_t nvpc_ids;
};

#define VPCE_CAPTURE_MAX_VPCS 32

struct vpce_capture_result {
	unsigned files, requests, retries;
	char error_code[128];     /* AWS error code of the failing call, "" */
	struct vpce_buf counts;   /* JSON object members "File.json": n, ... (caller
				     initialises and releases) */
};

/* Capture region into dir (created if needed): Vpcs.json, Subnets.json, …,
 * Entries-<pl>.json, EnableDns*-<vpc>.json, each written atomically. Stops
 * at the first failing call (files written so far stay). */
VPCE_EXTERN int vpce_snapshot_capture_region(const struct vpce_aws_session *s, const char *region,
					     const char *dir,
					     const struct vpce_capture_options *opts,
					     struct vpce_capture_result *res, struct vpce_error *err);
/* mkdir -p (0755). */
VPCE_EXTERN int vpce_mkdir_p(const char *path);
/* Write data to dir/name through a temporary file and rename. */
VPCE_EXTERN int vpce_write_file_atomic(const char *dir, const char *name,
				       const struct vpce_buf *data, struct vpce_error *err);

#endif

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

#endif

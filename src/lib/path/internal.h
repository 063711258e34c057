/* Path engine internals: the per-rule modules (route.c, sg.c, nacl.c) are
 * pure functions over the model; engine.c arranges them per question. */
#ifndef VPCE_PATH_INTERNAL_H
#define VPCE_PATH_INTERNAL_H

#include "vpce/path.h"
#include "util/util.h"

/* ---- route.c ----------------------------------------------------------- */
/* The route a packet to dst takes in table t, or NULL when none matches.
 * Follows "Route priority" (Amazon VPC User Guide): longest prefix match
 * first; for equal prefixes static routes beat prefix-list routes, which
 * beat propagated routes. Prefix-list routes match through the list's CIDRs. */
const struct vpce_route *vpce_route_lookup(const struct vpce_model *m, const struct vpce_route_table *t,
					   const struct vpce_cidr *dst);

/* One piece of a destination prefix and the route that carries it. */
struct vpce_route_segment {
	struct vpce_cidr prefix;
	const struct vpce_route *route;   /* NULL: no route */
};

/* Splits dst into the segments that take different routes: the route for
 * dst as a whole, plus every more specific route inside dst that goes
 * elsewhere. Writes at most max segments; returns the count. */
size_t vpce_route_segments(const struct vpce_model *m, const struct vpce_route_table *t,
			   const struct vpce_cidr *dst, struct vpce_route_segment *out, size_t max);

/* ---- sg.c ---------------------------------------------------------------- */
/* What a security-group peer must cover. */
struct vpce_sg_target {
	const struct vpce_cidr *prefix;  /* the remote address block */
	uint32_t from_pl;                /* the prefix list the block came from, or VPCE_NONE */
	const uint32_t *sgs;             /* security groups of the remote ENI (for SG references) */
	uint32_t nsgs;
};

/* Index of the first rule in the groups' rules (egress or ingress) that
 * allows proto/port to/from target, as (group << 16 | rule); -1 if none.
 * Security groups are stateful and allow-only: any matching rule of any
 * group allows ("Security group rules", Amazon VPC User Guide). */
long vpce_sg_allows(const struct vpce_model *m, const uint32_t *sgs, uint32_t nsgs, bool egress, int proto,
		    int port, const struct vpce_sg_target *target);

/* ---- nacl.c --------------------------------------------------------------- */
struct vpce_nacl_decision {
	bool allowed;
	int32_t rule_number;   /* deciding rule; -1 for the implicit deny */
	int32_t gap_lo, gap_hi;/* with a port range: the first ports not allowed */
};

/* Network ACLs are stateless and evaluated in rule-number order, first
 * match wins, with a final implicit deny ("Network ACL rules", Amazon VPC
 * User Guide). Checks traffic in one direction to/from remote on ports
 * lo..hi (every port in the range must be allowed). */
void vpce_nacl_eval(const struct vpce_nacl *a, bool egress, int proto, int lo, int hi,
		    const struct vpce_cidr *remote, struct vpce_nacl_decision *out);

#endif

/* ---- request.c: policies on the path --------------------------------------- */
#include "vpce/policy.h"

/* Fill r for a request through endpoint ep (NULL: not through an endpoint)
 * from a VPC: the request's own keys plus the context AWS adds —
 * aws:SourceVpce, aws:SourceVpc, aws:VpceAccount for endpoint paths
 * ("AWS global condition context keys"), aws:PrincipalArn/Account,
 * aws:RequestedRegion, aws:SecureTransport (HTTPS on 443). */
int vpce_request_build(struct vpce_policy_request *r, const struct vpce_check_request *q,
		       const struct vpce_model *m, const struct vpce_endpoint *ep, const struct vpce_vpc *vpc,
		       const char *region, const char *source_ip);

/* Service-owned buckets (data/service-owned-buckets.json). */
struct vpce_owned_rule {
	const char *service;      /* short name, "ecr.dkr" */
	bool required;
	const char *action;
	const char **buckets;     /* patterns with {region} */
	size_t nbuckets;
	const char *why;
	const char *doc;
};
struct vpce_owned {
	struct vpce_json_doc *doc;
	struct vpce_owned_rule *rules;
	size_t nrules;
};
/* path NULL: $VPCE_DATA_DIR or the bundled data dir. A missing file gives
 * *out = NULL and 0; a malformed one an error. */
int vpce_owned_load(const char *path, struct vpce_owned **out, struct vpce_error *err);
void vpce_owned_free(struct vpce_owned *o);
/* "prod-{region}-starport-layer-bucket" -> out. */
void vpce_owned_expand(const char *pattern, const char *region, char *out, size_t outlen);

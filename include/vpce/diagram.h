/* vpce — diagram: a Graphviz DOT picture of a snapshot with the path
 * engine's verdicts. Region, VPCs, Availability Zones (clusters), subnets
 * (public/private), route tables, internet and NAT gateways, gateway and
 * interface endpoints, instances and the AWS services; every subnet→service
 * path is an edge in the colour of its verdict (private green, public
 * orange, blocked red), with a label and a line style so colour is never
 * the only cue. The renderer only draws: the caller supplies verdicts.
 */
#ifndef VPCE_DIAGRAM_H
#define VPCE_DIAGRAM_H

#include "buf.h"
#include "path.h"

struct vpce_diagram_options {
	const char *vpc;        /* draw only this VPC (NULL: every VPC) */
	size_t max_subnets;     /* subnet nodes per VPC after collapsing; 0: 24 */
	size_t max_vpcs;        /* VPCs drawn; 0: 8 */
	bool no_collapse;       /* keep subnets with identical verdict rows apart */
};

/* Verdicts v[0..n) are subnet-level answers (source kind VPCE_K_SUBNET, all
 * security-group sets); subnet[i] is the subnet index of v[i]. Appends DOT
 * to out. Deterministic: same input, same bytes. VPCE_ENOTFOUND when opts->vpc
 * is not in the model. */
VPCE_EXTERN int vpce_render_dot(struct vpce_buf *out, const struct vpce_model *m, const struct vpce_verdict *v,
				const uint32_t *subnet, size_t n, const struct vpce_diagram_options *opts,
				struct vpce_error *err);

#endif

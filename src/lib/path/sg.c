/* Security group evaluation. AWS documentation: Amazon VPC User Guide,
 * "Security group rules": rules only allow; a group is stateful (return
 * traffic is allowed whatever the rules); with several groups on an ENI
 * the rules are aggregated; a rule's peer is a CIDR, a prefix list, or a
 * security group (matching the ENIs that carry that group). */
#include "path/internal.h"

static bool peer_covers(const struct vpce_model *m, const struct vpce_sg_rule *r, const struct vpce_sg_target *t)
{
	switch (r->peer_kind) {
	case VPCE_PEER_CIDR:
		return vpce_cidr_contains(&r->cidr, t->prefix);
	case VPCE_PEER_PREFIX_LIST:
		if (r->peer_idx == VPCE_NONE)
			return false;
		if (r->peer_idx == t->from_pl)
			return true;
		for (uint32_t i = 0; i < m->prefix_lists[r->peer_idx].ncidrs; i++)
			if (vpce_cidr_contains(&m->prefix_lists[r->peer_idx].cidrs[i], t->prefix))
				return true;
		return false;
	case VPCE_PEER_SG:
		for (uint32_t i = 0; i < t->nsgs; i++)
			if (t->sgs[i] != VPCE_NONE && t->sgs[i] == r->peer_idx)
				return true;
		return false;
	default:
		return false;
	}
}

long vpce_sg_allows(const struct vpce_model *m, const uint32_t *sgs, uint32_t nsgs, bool egress, int proto,
		    int port, const struct vpce_sg_target *target)
{
	for (uint32_t g = 0; g < nsgs; g++) {
		const struct vpce_security_group *sg;
		const struct vpce_sg_rule *rules;
		uint32_t n;

		if (sgs[g] == VPCE_NONE)
			continue;
		sg = &m->sgs[sgs[g]];
		rules = egress ? sg->egress : sg->ingress;
		n = egress ? sg->negress : sg->ningress;
		for (uint32_t i = 0; i < n; i++) {
			const struct vpce_sg_rule *r = &rules[i];
			if (r->proto != -1 && r->proto != proto)
				continue;
			if (port < r->from_port || port > r->to_port)
				continue;
			if (peer_covers(m, r, target))
				return ((long)g << 16) | (long)i;
		}
	}
	return -1;
}

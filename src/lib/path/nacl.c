/* Network ACL evaluation. AWS documentation: Amazon VPC User Guide,
 * "Control subnet traffic with network access control lists" and "Network
 * ACL rules": rules are evaluated in order of rule number, lowest first;
 * the first rule that matches decides; if none matches, the final '*' rule
 * denies. NACLs are stateless, so return traffic (to the client's ephemeral
 * ports) must be allowed explicitly. */
#include "path/internal.h"

void vpce_nacl_eval(const struct vpce_nacl *a, bool egress, int proto, int lo, int hi,
		    const struct vpce_cidr *remote, struct vpce_nacl_decision *out)
{
	/* Ports of [lo, hi] not yet decided, as up to 32 disjoint intervals. */
	int32_t rl[32], rh[32];
	int nr = 1;

	rl[0] = lo;
	rh[0] = hi;
	out->allowed = false;
	out->rule_number = -1;
	out->gap_lo = lo;
	out->gap_hi = hi;
	for (uint32_t i = 0; i < a->nentries && nr > 0; i++) {
		const struct vpce_nacl_entry *e = &a->entries[i];
		int32_t elo = e->from_port, ehi = e->to_port;
		bool contains, overlaps;
		int32_t nl[32], nh[32];
		int nn = 0;

		if (e->egress != egress)
			continue;
		if (e->proto != -1 && e->proto != proto)
			continue;
		if (e->proto == -1 || (proto != 6 && proto != 17)) {
			elo = 0;
			ehi = 65535;
		}
		contains = vpce_cidr_contains(&e->cidr, remote);
		overlaps = contains || vpce_cidr_overlaps(&e->cidr, remote);
		if (!overlaps)
			continue;
		/* A deny rule that covers part of the remote block denies that part:
		 * count it as a deny. An allow rule must cover the whole block. */
		if (!contains && e->allow)
			continue;
		for (int k = 0; k < nr; k++) {
			int32_t il = rl[k] > elo ? rl[k] : elo, ih = rh[k] < ehi ? rh[k] : ehi;
			if (il > ih) {
				nl[nn] = rl[k];
				nh[nn++] = rh[k];
				continue;
			}
			if (!e->allow) {
				out->allowed = false;
				out->rule_number = e->rule_number;
				out->gap_lo = il;
				out->gap_hi = ih;
				return;
			}
			if (rl[k] < il && nn < 32) {
				nl[nn] = rl[k];
				nh[nn++] = il - 1;
			}
			if (ih < rh[k] && nn < 32) {
				nl[nn] = ih + 1;
				nh[nn++] = rh[k];
			}
			out->rule_number = e->rule_number;
		}
		memcpy(rl, nl, sizeof(int32_t) * (size_t)nn);
		memcpy(rh, nh, sizeof(int32_t) * (size_t)nn);
		nr = nn;
	}
	if (nr == 0) {
		out->allowed = true;
		return;
	}
	out->allowed = false;
	out->rule_number = -1;
	out->gap_lo = rl[0];
	out->gap_hi = rh[0];
}

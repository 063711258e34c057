/* One loader per describe-* output. Field names follow the AWS CLI's JSON
 * (the EC2 API reference's response shapes, PascalCase). Unknown members are
 * ignored; members of the wrong type are positioned errors. */
#include <stdio.h>
#include <stdlib.h>
#include "snapshot/internal.h"

#define GROW(l, arr, n, cap)                                                                    \
	(vpce_array_grow((void **)&(l)->m->arr, &(l)->p->cap, (l)->m->n + 1, sizeof(*(l)->m->arr)) \
		 ? vpce_error_set((l)->err, VPCE_ENOMEM, "out of memory")                          \
		 : 0)

static int oom(struct ld *l)
{
	return vpce_error_set(l->err, VPCE_ENOMEM, "out of memory");
}

static int require_object(struct ld *l, const struct vpce_json *item, const char *what)
{
	if (item->type != VPCE_JSON_OBJECT)
		return ld_type_error(l, item, what, "object");
	return 0;
}

/* Collect the string members `key` of every object in array `arr_key` of
 * obj (e.g. Groups[].GroupId), or the strings of a string array when key is
 * NULL. Result in the model arena. */
static int str_list(struct ld *l, const struct vpce_json *obj, const char *arr_key, const char *key,
		    const char ***out, uint32_t *n)
{
	const struct vpce_json *arr;
	const char **list;
	uint32_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ld_array(l, obj, arr_key, &arr)) != 0 || !arr || arr->count == 0)
		return rc;
	list = vpce_arena_alloc(&l->p->arena, arr->count * sizeof(*list));
	if (!list)
		return oom(l);
	vpce_json_foreach(it, arr) {
		const char *s = NULL;
		if (key) {
			if ((rc = require_object(l, it, arr_key)) != 0)
				return rc;
			if ((rc = ld_str(l, it, key, false, &s)) != 0)
				return rc;
		} else if (it->type == VPCE_JSON_STRING) {
			s = it->u.str;
		} else {
			return ld_type_error(l, it, arr_key, "array of strings");
		}
		if (s)
			list[k++] = s;
	}
	*out = list;
	*n = k;
	return 0;
}

/* Resolve a list of ids to indices of one kind (VPCE_NONE when absent). */
static int id_indices(struct ld *l, const char **ids, uint32_t n, enum vpce_kind kind, uint32_t **out)
{
	uint32_t *idx;

	*out = NULL;
	if (n == 0)
		return 0;
	idx = vpce_arena_alloc(&l->p->arena, n * sizeof(*idx));
	if (!idx)
		return oom(l);
	for (uint32_t i = 0; i < n; i++)
		idx[i] = lookup_id(l->m, ids[i], kind);
	*out = idx;
	return 0;
}

static bool already(struct ld *l, const char *id)
{
	return vpce_model_find(l->m, id, NULL, NULL);
}

/* ---- VPCs ----------------------------------------------------------------- */
int load_vpcs(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *owner = NULL;
		const struct vpce_json *assoc;
		struct vpce_vpc *v;
		struct vpce_cidr c;
		bool present = false, isdef = false;
		uint32_t idx, ncap;
		int rc;

		if ((rc = require_object(l, it, "Vpcs[]")) || (rc = ld_str(l, it, "VpcId", true, &id)) ||
		    (rc = ld_str(l, it, "OwnerId", false, &owner)) || (rc = ld_bool(l, it, "IsDefault", &isdef)))
			return rc;
		if (already(l, id))
			continue;
		if ((rc = GROW(l, vpcs, nvpcs, a_vpcs)) != 0)
			return rc;
		idx = l->m->nvpcs++;
		v = &l->m->vpcs[idx];
		memset(v, 0, sizeof(*v));
		v->id = id;
		v->owner = owner;
		v->is_default = isdef;
		v->region = l->folder_region;
		v->main_rtb = VPCE_NONE;
		v->default_nacl = VPCE_NONE;
		v->dns_support_src = v->dns_hostnames_src = VPCE_FACT_DEFAULT;
		if (register_id(l->m, id, VPCE_K_VPC, idx) != 0)
			return oom(l);
		/* CIDRs: the primary block plus every associated block, v4 and v6. */
		ncap = 1;
		if ((rc = ld_array(l, it, "CidrBlockAssociationSet", &assoc)) != 0)
			return rc;
		ncap += assoc ? assoc->count : 0;
		if ((rc = ld_array(l, it, "Ipv6CidrBlockAssociationSet", &assoc)) != 0)
			return rc;
		ncap += assoc ? assoc->count : 0;
		v->cidrs = vpce_arena_alloc(&l->p->arena, ncap * sizeof(*v->cidrs));
		if (!v->cidrs)
			return oom(l);
		if ((rc = ld_cidr(l, it, "CidrBlock", &c, &present)) != 0)
			return rc;
		if (present)
			v->cidrs[v->ncidrs++] = c;
		(void)ld_array(l, it, "CidrBlockAssociationSet", &assoc);
		vpce_json_foreach(a, assoc) {
			const struct vpce_json *st = vpce_json_get(a, "CidrBlockState");
			const char *state = vpce_json_get_str(st, "State");
			if ((rc = ld_cidr(l, a, "CidrBlock", &c, &present)) != 0)
				return rc;
			if (!present || (state && strcmp(state, "associated") != 0))
				continue;
			bool dup = false;
			for (uint32_t k = 0; k < v->ncidrs; k++)
				dup = dup || vpce_cidr_equal(&v->cidrs[k], &c);
			if (!dup && v->ncidrs < ncap)
				v->cidrs[v->ncidrs++] = c;
		}
		(void)ld_array(l, it, "Ipv6CidrBlockAssociationSet", &assoc);
		vpce_json_foreach(a, assoc) {
			if ((rc = ld_cidr(l, a, "Ipv6CidrBlock", &c, &present)) != 0)
				return rc;
			if (present && v->ncidrs < ncap)
				v->cidrs[v->ncidrs++] = c;
		}
	}
	return 0;
}

/* describe-vpc-attribute: {"VpcId": …, "EnableDnsSupport": {"Value": bool}} */
int load_vpc_attribute(struct ld *l, const struct vpce_json *root)
{
	const char *id = NULL;
	const struct vpce_json *o;
	uint32_t idx;
	int rc;

	if ((rc = ld_str(l, root, "VpcId", true, &id)) != 0 || (rc = vpc_ref(l, id, &idx)) != 0)
		return rc;
	if ((rc = ld_object(l, root, "EnableDnsSupport", &o)) != 0)
		return rc;
	if (o) {
		bool val = true;
		if ((rc = ld_bool(l, o, "Value", &val)) != 0)
			return rc;
		l->m->vpcs[idx].dns_support = val;
		l->m->vpcs[idx].dns_support_src = VPCE_FACT_SNAPSHOT;
	}
	if ((rc = ld_object(l, root, "EnableDnsHostnames", &o)) != 0)
		return rc;
	if (o) {
		bool val = false;
		if ((rc = ld_bool(l, o, "Value", &val)) != 0)
			return rc;
		l->m->vpcs[idx].dns_hostnames = val;
		l->m->vpcs[idx].dns_hostnames_src = VPCE_FACT_SNAPSHOT;
	}
	return 0;
}

/* ---- subnets -------------------------------------------------------------- */
int load_subnets(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *vpc_id = NULL, *az = NULL, *az_id = NULL;
		const struct vpce_json *v6;
		struct vpce_subnet *s;
		uint32_t idx, vpc;
		bool mpip = false;
		int rc;

		if ((rc = require_object(l, it, "Subnets[]")) || (rc = ld_str(l, it, "SubnetId", true, &id)) ||
		    (rc = ld_str(l, it, "VpcId", true, &vpc_id)) ||
		    (rc = ld_str(l, it, "AvailabilityZone", false, &az)) ||
		    (rc = ld_str(l, it, "AvailabilityZoneId", false, &az_id)) ||
		    (rc = ld_bool(l, it, "MapPublicIpOnLaunch", &mpip)))
			return rc;
		if (already(l, id))
			continue;
		if ((rc = vpc_ref(l, vpc_id, &vpc)) != 0 || (rc = GROW(l, subnets, nsubnets, a_subnets)) != 0)
			return rc;
		idx = l->m->nsubnets++;
		s = &l->m->subnets[idx];
		memset(s, 0, sizeof(*s));
		s->id = id;
		s->vpc = vpc;
		s->az = az;
		s->az_id = az_id;
		s->map_public_ip = mpip;
		s->rtb = VPCE_NONE;
		s->nacl = VPCE_NONE;
		s->name = name_tag(it);
		if ((rc = ld_cidr(l, it, "CidrBlock", &s->cidr, NULL)) != 0)
			return rc;
		if ((rc = ld_array(l, it, "Ipv6CidrBlockAssociationSet", &v6)) != 0)
			return rc;
		if (v6 && v6->u.child && (rc = ld_cidr(l, v6->u.child, "Ipv6CidrBlock", &s->cidr6, NULL)) != 0)
			return rc;
		if (register_id(l->m, id, VPCE_K_SUBNET, idx) != 0)
			return oom(l);
	}
	return 0;
}

/* ---- prefix lists --------------------------------------------------------- */
static int pl_get(struct ld *l, const char *id, uint32_t *out)
{
	struct vpce_prefix_list *p;
	uint32_t idx = lookup_id(l->m, id, VPCE_K_PREFIX_LIST);
	int rc;

	if (idx != VPCE_NONE) {
		*out = idx;
		return 0;
	}
	if ((rc = GROW(l, prefix_lists, nprefix_lists, a_pls)) != 0)
		return rc;
	idx = l->m->nprefix_lists++;
	p = &l->m->prefix_lists[idx];
	memset(p, 0, sizeof(*p));
	p->id = id;
	if (register_id(l->m, id, VPCE_K_PREFIX_LIST, idx) != 0)
		return oom(l);
	*out = idx;
	return 0;
}

static int pl_set_name(struct ld *l, uint32_t idx, const char *name)
{
	struct vpce_prefix_list *p = &l->m->prefix_lists[idx];

	if (!name || p->name)
		return 0;
	p->name = name;
	/* AWS-managed lists are named com.amazonaws.<region>.<service>. */
	if (vpce_str_startswith(name, "com.amazonaws."))
		p->aws_managed = true;
	return vpce_strmap_put(&l->p->pl_names, name, idx) ? oom(l) : 0;
}

static int pl_add_cidrs(struct ld *l, uint32_t idx, const struct vpce_json *arr, const char *member)
{
	struct vpce_prefix_list *p = &l->m->prefix_lists[idx];
	struct vpce_cidr *c;
	uint32_t k = 0;
	int rc;

	if (p->has_entries || !arr)
		return 0;
	c = vpce_arena_alloc(&l->p->arena, (arr->count ? arr->count : 1) * sizeof(*c));
	if (!c)
		return oom(l);
	vpce_json_foreach(e, arr) {
		if (member) {
			bool present = false;
			if ((rc = require_object(l, e, "Entries[]")) != 0 ||
			    (rc = ld_cidr(l, e, member, &c[k], &present)) != 0)
				return rc;
			if (present)
				k++;
		} else {
			if (e->type != VPCE_JSON_STRING)
				return ld_type_error(l, e, "Cidrs[]", "CIDR string");
			if (vpce_cidr_parse(e->u.str, e->count, &c[k]) != 0) {
				unsigned line, col;
				vpce_json_position(l->doc, e, &line, &col);
				return vpce_error_setpos(l->err, VPCE_EINVAL, l->file, line, col,
							 "Cidrs: invalid CIDR \"%s\"", e->u.str);
			}
			k++;
		}
	}
	p->cidrs = c;
	p->ncidrs = k;
	p->has_entries = true;
	return 0;
}

int load_prefix_lists(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *name = NULL, *owner = NULL;
		const struct vpce_json *cidrs;
		uint32_t idx;
		int rc;

		if ((rc = require_object(l, it, "PrefixLists[]")) ||
		    (rc = ld_str(l, it, "PrefixListId", true, &id)) ||
		    (rc = ld_str(l, it, "PrefixListName", false, &name)) ||
		    (rc = ld_str(l, it, "OwnerId", false, &owner)) || (rc = ld_array(l, it, "Cidrs", &cidrs)))
			return rc;
		if ((rc = pl_get(l, id, &idx)) != 0 || (rc = pl_set_name(l, idx, name)) != 0)
			return rc;
		if (owner && strcmp(owner, "AWS") == 0)
			l->m->prefix_lists[idx].aws_managed = true;
		if ((rc = pl_add_cidrs(l, idx, cidrs, NULL)) != 0)
			return rc;
	}
	return 0;
}

/* get-managed-prefix-list-entries carries no list id: take the first pl-…
 * from the file name (e.g. pl-0123abcd-entries.json). */
int load_prefix_list_entries(struct ld *l, const struct vpce_json *arr)
{
	const char *base = strrchr(l->file, '/'), *p;
	uint32_t idx;
	size_t n = 0;
	char *id;
	int rc;

	base = base ? base + 1 : l->file;
	p = strstr(base, "pl-");
	if (p)
		while (p[3 + n] && ((p[3 + n] >= '0' && p[3 + n] <= '9') || (p[3 + n] >= 'a' && p[3 + n] <= 'f')))
			n++;
	if (!p || n == 0) {
		unsigned line, col;
		vpce_json_position(l->doc, arr, &line, &col);
		return vpce_error_setpos(l->err, VPCE_EINVAL, l->file, line, col,
					 "Entries: managed prefix list entries need the list id (pl-…) in the file name");
	}
	id = vpce_arena_strndup(&l->p->arena, p, n + 3);
	if (!id)
		return oom(l);
	if ((rc = pl_get(l, id, &idx)) != 0)
		return rc;
	return pl_add_cidrs(l, idx, arr, "Cidr");
}

/* ---- security groups ---------------------------------------------------- */
/* IpProtocol: "-1" (all), a name (tcp, udp, icmp, icmpv6) or a number. */
static int parse_proto(const char *s, int16_t *out)
{
	long v;

	if (!s || strcmp(s, "-1") == 0 || vpce_str_eqi(s, "all")) {
		*out = -1;
		return 0;
	}
	if (vpce_str_eqi(s, "tcp")) { *out = 6; return 0; }
	if (vpce_str_eqi(s, "udp")) { *out = 17; return 0; }
	if (vpce_str_eqi(s, "icmp")) { *out = 1; return 0; }
	if (vpce_str_eqi(s, "icmpv6")) { *out = 58; return 0; }
	if (vpce_parse_long(s, strlen(s), 0, 255, &v) != 0)
		return VPCE_EPARSE;
	*out = (int16_t)v;
	return 0;
}

static int ld_proto(struct ld *l, const struct vpce_json *obj, const char *key, int16_t *out)
{
	const struct vpce_json *v = vpce_json_get(obj, key);

	*out = -1;
	if (!v || v->type == VPCE_JSON_NULL)
		return 0;
	if (v->type == VPCE_JSON_NUMBER && v->is_int && v->u.num.i >= -1 && v->u.num.i <= 255) {
		*out = (int16_t)v->u.num.i;
		return 0;
	}
	if (v->type != VPCE_JSON_STRING || parse_proto(v->u.str, out) != 0)
		return ld_type_error(l, v, key, "protocol (\"-1\", \"tcp\", \"udp\", \"icmp\" or a number)");
	return 0;
}

static int load_perms(struct ld *l, const struct vpce_json *perms, struct vpce_sg_rule **out, uint32_t *n)
{
	uint32_t cap = 0, k = 0;
	struct vpce_sg_rule *rules;
	int rc;

	*out = NULL;
	*n = 0;
	if (!perms)
		return 0;
	vpce_json_foreach(p, perms) {
		static const char *const lists[] = { "IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs" };
		if ((rc = require_object(l, p, "IpPermissions[]")) != 0)
			return rc;
		for (size_t i = 0; i < 4; i++) {
			const struct vpce_json *a;
			if ((rc = ld_array(l, p, lists[i], &a)) != 0)
				return rc;
			cap += a ? a->count : 0;
		}
	}
	if (cap == 0)
		return 0;
	rules = vpce_arena_alloc(&l->p->arena, cap * sizeof(*rules));
	if (!rules)
		return oom(l);
	vpce_json_foreach(p, perms) {
		struct vpce_sg_rule base;
		const struct vpce_json *a;
		long from = 0, to = 65535;
		bool hf = false, ht = false;

		memset(&base, 0, sizeof(base));
		if ((rc = ld_proto(l, p, "IpProtocol", &base.proto)) || (rc = ld_int(l, p, "FromPort", &from, &hf)) ||
		    (rc = ld_int(l, p, "ToPort", &to, &ht)))
			return rc;
		/* All protocols, or a port of -1 (ICMP "all"): every port. */
		if (base.proto == -1 || !hf || from < 0)
			from = 0;
		if (base.proto == -1 || !ht || to < 0)
			to = 65535;
		base.from_port = (int32_t)from;
		base.to_port = (int32_t)to;
		base.peer_idx = VPCE_NONE;

		/* IpRanges[].CidrIp and Ipv6Ranges[].CidrIpv6: one rule per block. */
		for (int fam = 0; fam < 2; fam++) {
			(void)ld_array(l, p, fam ? "Ipv6Ranges" : "IpRanges", &a);
			vpce_json_foreach(r, a) {
				struct vpce_sg_rule rule = base;
				bool present = false;
				if ((rc = ld_cidr(l, r, fam ? "CidrIpv6" : "CidrIp", &rule.cidr, &present)) != 0)
					return rc;
				if (!present)
					continue;
				rule.peer_kind = VPCE_PEER_CIDR;
				rules[k++] = rule;
			}
		}
		(void)ld_array(l, p, "PrefixListIds", &a);
		vpce_json_foreach(r, a) {
			struct vpce_sg_rule rule = base;
			if ((rc = ld_str(l, r, "PrefixListId", true, &rule.peer_id)) != 0)
				return rc;
			rule.peer_kind = VPCE_PEER_PREFIX_LIST;
			rules[k++] = rule;
		}
		(void)ld_array(l, p, "UserIdGroupPairs", &a);
		vpce_json_foreach(r, a) {
			struct vpce_sg_rule rule = base;
			if ((rc = ld_str(l, r, "GroupId", false, &rule.peer_id)) != 0)
				return rc;
			if (!rule.peer_id)
				continue;
			rule.peer_kind = VPCE_PEER_SG;
			rules[k++] = rule;
		}
	}
	*out = rules;
	*n = k;
	return 0;
}

int load_security_groups(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *name = NULL, *vpc_id = NULL;
		const struct vpce_json *in, *eg;
		struct vpce_security_group *g;
		uint32_t idx, vpc = VPCE_NONE;
		int rc;

		if ((rc = require_object(l, it, "SecurityGroups[]")) || (rc = ld_str(l, it, "GroupId", true, &id)) ||
		    (rc = ld_str(l, it, "GroupName", false, &name)) || (rc = ld_str(l, it, "VpcId", false, &vpc_id)) ||
		    (rc = ld_array(l, it, "IpPermissions", &in)) || (rc = ld_array(l, it, "IpPermissionsEgress", &eg)))
			return rc;
		if (already(l, id))
			continue;
		if (vpc_id && (rc = vpc_ref(l, vpc_id, &vpc)) != 0)
			return rc;
		if ((rc = GROW(l, sgs, nsgs, a_sgs)) != 0)
			return rc;
		idx = l->m->nsgs++;
		g = &l->m->sgs[idx];
		memset(g, 0, sizeof(*g));
		g->id = id;
		g->name = name;
		g->vpc = vpc;
		if ((rc = load_perms(l, in, &g->ingress, &g->ningress)) ||
		    (rc = load_perms(l, eg, &g->egress, &g->negress)))
			return rc;
		if (register_id(l->m, id, VPCE_K_SG, idx) != 0)
			return oom(l);
	}
	return 0;
}

int load_sg_refs(struct vpce_model *m)
{
	for (uint32_t i = 0; i < m->nsgs; i++) {
		struct vpce_security_group *g = &m->sgs[i];
		for (int dir = 0; dir < 2; dir++) {
			struct vpce_sg_rule *r = dir ? g->egress : g->ingress;
			uint32_t n = dir ? g->negress : g->ningress;
			for (uint32_t k = 0; k < n; k++) {
				if (r[k].peer_kind == VPCE_PEER_SG)
					r[k].peer_idx = lookup_id(m, r[k].peer_id, VPCE_K_SG);
				else if (r[k].peer_kind == VPCE_PEER_PREFIX_LIST)
					r[k].peer_idx = lookup_id(m, r[k].peer_id, VPCE_K_PREFIX_LIST);
			}
		}
	}
	return 0;
}

/* ---- network ACLs ----------------------------------------------------------- */
static int cmp_nacl_entry(const void *a, const void *b)
{
	const struct vpce_nacl_entry *x = a, *y = b;

	if (x->egress != y->egress)
		return x->egress ? 1 : -1;
	return x->rule_number < y->rule_number ? -1 : x->rule_number > y->rule_number;
}

int load_nacls(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *vpc_id = NULL;
		const struct vpce_json *entries, *assocs;
		struct vpce_nacl *a;
		uint32_t idx, vpc, k = 0;
		bool isdef = false;
		int rc;

		if ((rc = require_object(l, it, "NetworkAcls[]")) ||
		    (rc = ld_str(l, it, "NetworkAclId", true, &id)) || (rc = ld_str(l, it, "VpcId", true, &vpc_id)) ||
		    (rc = ld_bool(l, it, "IsDefault", &isdef)) || (rc = ld_array(l, it, "Entries", &entries)) ||
		    (rc = ld_array(l, it, "Associations", &assocs)))
			return rc;
		if (already(l, id))
			continue;
		if ((rc = vpc_ref(l, vpc_id, &vpc)) != 0 || (rc = GROW(l, nacls, nnacls, a_nacls)) != 0)
			return rc;
		idx = l->m->nnacls++;
		a = &l->m->nacls[idx];
		memset(a, 0, sizeof(*a));
		a->id = id;
		a->vpc = vpc;
		a->is_default = isdef;
		if (entries && entries->count) {
			a->entries = vpce_arena_alloc(&l->p->arena, entries->count * sizeof(*a->entries));
			if (!a->entries)
				return oom(l);
		}
		vpce_json_foreach(e, entries) {
			struct vpce_nacl_entry *ne = &a->entries[k];
			const char *action = NULL;
			const struct vpce_json *pr;
			long rn = 0;
			bool present = false, present6 = false;

			if ((rc = require_object(l, e, "Entries[]")) || (rc = ld_int(l, e, "RuleNumber", &rn, NULL)) ||
			    (rc = ld_proto(l, e, "Protocol", &ne->proto)) ||
			    (rc = ld_str(l, e, "RuleAction", true, &action)) || (rc = ld_bool(l, e, "Egress", &ne->egress)) ||
			    (rc = ld_cidr(l, e, "CidrBlock", &ne->cidr, &present)) ||
			    (rc = ld_cidr(l, e, "Ipv6CidrBlock", &ne->cidr, &present6)) ||
			    (rc = ld_object(l, e, "PortRange", &pr)))
				return rc;
			if (!present && !present6)
				continue;
			ne->rule_number = (int32_t)rn;
			ne->allow = vpce_str_eqi(action, "allow");
			ne->from_port = 0;
			ne->to_port = 65535;
			if (pr && ne->proto != -1) {
				long f = 0, t = 65535;
				if ((rc = ld_int(l, pr, "From", &f, NULL)) || (rc = ld_int(l, pr, "To", &t, NULL)))
					return rc;
				ne->from_port = (int32_t)f;
				ne->to_port = (int32_t)t;
			}
			k++;
		}
		a->nentries = k;
		if (k > 1)
			qsort(a->entries, k, sizeof(*a->entries), cmp_nacl_entry);
		if (register_id(l->m, id, VPCE_K_NACL, idx) != 0)
			return oom(l);
		vpce_json_foreach(as, assocs) {
			const char *sid = NULL;
			uint32_t s;
			if ((rc = ld_str(l, as, "SubnetId", false, &sid)) != 0)
				return rc;
			s = lookup_id(l->m, sid, VPCE_K_SUBNET);
			if (s != VPCE_NONE)
				l->m->subnets[s].nacl = idx;
		}
	}
	return 0;
}

/* ---- gateways --------------------------------------------------------------- */
int load_igws(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL;
		const struct vpce_json *att;
		struct vpce_internet_gateway *g;
		uint32_t idx;
		int rc;

		if ((rc = require_object(l, it, "InternetGateways[]")) ||
		    (rc = ld_str(l, it, "InternetGatewayId", true, &id)) || (rc = ld_array(l, it, "Attachments", &att)))
			return rc;
		if (already(l, id))
			continue;
		if ((rc = GROW(l, igws, nigws, a_igws)) != 0)
			return rc;
		idx = l->m->nigws++;
		g = &l->m->igws[idx];
		memset(g, 0, sizeof(*g));
		g->id = id;
		if (att && att->count) {
			g->vpcs = vpce_arena_alloc(&l->p->arena, att->count * sizeof(*g->vpcs));
			if (!g->vpcs)
				return oom(l);
		}
		vpce_json_foreach(a, att) {
			const char *vpc_id = NULL, *state = NULL;
			uint32_t vpc;
			if ((rc = ld_str(l, a, "VpcId", false, &vpc_id)) || (rc = ld_str(l, a, "State", false, &state)))
				return rc;
			if (!vpc_id)
				continue;
			/* An internet gateway forwards only while attached. */
			if (state && !vpce_str_eqi(state, "available") && !vpce_str_eqi(state, "attached"))
				continue;
			if ((rc = vpc_ref(l, vpc_id, &vpc)) != 0)
				return rc;
			g->vpcs[g->nvpcs++] = vpc;
		}
		if (register_id(l->m, id, VPCE_K_IGW, idx) != 0)
			return oom(l);
	}
	return 0;
}

int load_nats(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *vpc_id = NULL, *subnet_id = NULL, *state = NULL, *ctype = NULL;
		const struct vpce_json *addrs;
		struct vpce_nat_gateway *n;
		uint32_t idx, vpc = VPCE_NONE;
		int rc;

		if ((rc = require_object(l, it, "NatGateways[]")) || (rc = ld_str(l, it, "NatGatewayId", true, &id)) ||
		    (rc = ld_str(l, it, "VpcId", false, &vpc_id)) || (rc = ld_str(l, it, "SubnetId", false, &subnet_id)) ||
		    (rc = ld_str(l, it, "State", false, &state)) ||
		    (rc = ld_str(l, it, "ConnectivityType", false, &ctype)) ||
		    (rc = ld_array(l, it, "NatGatewayAddresses", &addrs)))
			return rc;
		if (already(l, id))
			continue;
		if (vpc_id && (rc = vpc_ref(l, vpc_id, &vpc)) != 0)
			return rc;
		if ((rc = GROW(l, nats, nnats, a_nats)) != 0)
			return rc;
		idx = l->m->nnats++;
		n = &l->m->nats[idx];
		memset(n, 0, sizeof(*n));
		n->id = id;
		n->vpc = vpc;
		n->subnet = lookup_id(l->m, subnet_id, VPCE_K_SUBNET);
		n->state = state ? state : "available";
		n->is_public = !ctype || vpce_str_eqi(ctype, "public");
		if (addrs && addrs->u.child) {
			const struct vpce_json *a0 = addrs->u.child;
			const char *pip;
			n->public_ip = vpce_json_get_str(a0, "PublicIp");
			/* For plan: the NAT's ENI and private address (the primary
			 * one, IsPrimary, else the first listed). Lenient: a missing
			 * or odd value only leaves them unset. */
			vpce_json_foreach(ad, addrs)
				if (vpce_json_get_bool(ad, "IsPrimary", 0) == 1) {
					a0 = ad;
					break;
				}
			n->eni_id = vpce_json_get_str(a0, "NetworkInterfaceId");
			pip = vpce_json_get_str(a0, "PrivateIp");
			if (!pip || vpce_addr_parse(pip, strlen(pip), &n->private_ip) != 0)
				memset(&n->private_ip, 0, sizeof(n->private_ip));
		}
		if (register_id(l->m, id, VPCE_K_NAT, idx) != 0)
			return oom(l);
	}
	return 0;
}

/* ---- endpoints -------------------------------------------------------------- */
int load_endpoints(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *vpc_id = NULL, *service = NULL, *type = NULL, *state = NULL;
		const struct vpce_json *dnsopt;
		struct vpce_endpoint *e;
		const char **subnet_ids = NULL, **eni_ids = NULL;
		uint32_t nsubnet_ids = 0, neni_ids = 0, idx, vpc;
		bool pdns = false;
		int rc;

		if ((rc = require_object(l, it, "VpcEndpoints[]")) || (rc = ld_str(l, it, "VpcEndpointId", true, &id)) ||
		    (rc = ld_str(l, it, "VpcId", true, &vpc_id)) || (rc = ld_str(l, it, "ServiceName", true, &service)) ||
		    (rc = ld_str(l, it, "VpcEndpointType", false, &type)) || (rc = ld_str(l, it, "State", false, &state)) ||
		    (rc = ld_bool(l, it, "PrivateDnsEnabled", &pdns)) || (rc = ld_object(l, it, "DnsOptions", &dnsopt)))
			return rc;
		if (already(l, id))
			continue;
		if ((rc = vpc_ref(l, vpc_id, &vpc)) != 0 || (rc = GROW(l, endpoints, nendpoints, a_endpoints)) != 0)
			return rc;
		idx = l->m->nendpoints++;
		e = &l->m->endpoints[idx];
		memset(e, 0, sizeof(*e));
		e->id = id;
		e->vpc = vpc;
		e->service = service;
		e->type = !type ? VPCE_EP_GATEWAY
			: vpce_str_eqi(type, "Gateway") ? VPCE_EP_GATEWAY
			: vpce_str_eqi(type, "Interface") ? VPCE_EP_INTERFACE
			: vpce_str_eqi(type, "GatewayLoadBalancer") ? VPCE_EP_GWLB : VPCE_EP_OTHER;
		e->state = state ? state : "available";
		e->private_dns = pdns;
		e->dns_inbound_only = VPCE_TRI_UNKNOWN;
		if (dnsopt) {
			const struct vpce_json *v = vpce_json_get(dnsopt, "PrivateDnsOnlyForInboundResolverEndpoint");
			if (v && (v->type == VPCE_JSON_TRUE || v->type == VPCE_JSON_FALSE))
				e->dns_inbound_only = v->type == VPCE_JSON_TRUE ? VPCE_TRI_TRUE : VPCE_TRI_FALSE;
			else if (v && v->type != VPCE_JSON_NULL)
				return ld_type_error(l, v, "PrivateDnsOnlyForInboundResolverEndpoint", "boolean");
		}
		if ((rc = ld_str(l, it, "PolicyDocument", false, &e->policy)) ||
		    (rc = ld_str(l, it, "OwnerId", false, &e->owner)) ||
		    (rc = str_list(l, it, "RouteTableIds", NULL, &e->rtb_ids, &e->nrtbs)) ||
		    (rc = str_list(l, it, "SubnetIds", NULL, &subnet_ids, &nsubnet_ids)) ||
		    (rc = str_list(l, it, "Groups", "GroupId", &e->sg_ids, &e->nsgs)) ||
		    (rc = str_list(l, it, "NetworkInterfaceIds", NULL, &eni_ids, &neni_ids)))
			return rc;
		/* Route tables are loaded later: indices are filled in by resolve. */
		e->nsubnets = nsubnet_ids;
		if ((rc = id_indices(l, subnet_ids, nsubnet_ids, VPCE_K_SUBNET, &e->subnets)) ||
		    (rc = id_indices(l, e->sg_ids, e->nsgs, VPCE_K_SG, &e->sgs)))
			return rc;
		/* ENIs are loaded later too: resolve turns these ids into indices. */
		e->nenis = neni_ids;
		e->eni_ids = eni_ids;
		if (register_id(l->m, id, VPCE_K_ENDPOINT, idx) != 0)
			return oom(l);
	}
	return 0;
}

/* ---- route tables ----------------------------------------------------------- */
static const struct {
	const char *key;
	const char *prefix;      /* for GatewayId: the id prefix */
	enum vpce_target_kind kind;
} route_targets[] = {
	{ "InstanceId", NULL, VPCE_TGT_INSTANCE },
	{ "NatGatewayId", NULL, VPCE_TGT_NAT },
	{ "TransitGatewayId", NULL, VPCE_TGT_TGW },
	{ "VpcPeeringConnectionId", NULL, VPCE_TGT_PEERING },
	{ "EgressOnlyInternetGatewayId", NULL, VPCE_TGT_EIGW },
	{ "CarrierGatewayId", NULL, VPCE_TGT_CARRIER },
	{ "LocalGatewayId", NULL, VPCE_TGT_LOCAL_GATEWAY },
	{ "CoreNetworkArn", NULL, VPCE_TGT_CORE_NETWORK },
	{ "NetworkInterfaceId", NULL, VPCE_TGT_ENI },
	{ "GatewayId", NULL, VPCE_TGT_UNKNOWN },
};

static enum vpce_target_kind gateway_kind(const char *id)
{
	if (strcmp(id, "local") == 0)
		return VPCE_TGT_LOCAL;
	if (vpce_str_startswith(id, "igw-"))
		return VPCE_TGT_IGW;
	if (vpce_str_startswith(id, "vgw-"))
		return VPCE_TGT_VGW;
	if (vpce_str_startswith(id, "vpce-"))
		return VPCE_TGT_GATEWAY_ENDPOINT;
	if (vpce_str_startswith(id, "nat-"))
		return VPCE_TGT_NAT;
	if (vpce_str_startswith(id, "tgw-"))
		return VPCE_TGT_TGW;
	if (vpce_str_startswith(id, "eigw-"))
		return VPCE_TGT_EIGW;
	return VPCE_TGT_UNKNOWN;
}

static int load_route(struct ld *l, const struct vpce_json *r, struct vpce_route *out, bool *keep)
{
	const char *state = NULL, *origin = NULL;
	bool p4 = false, p6 = false;
	int rc;

	memset(out, 0, sizeof(*out));
	*keep = false;
	out->prefix_list = VPCE_NONE;
	out->target_idx = VPCE_NONE;
	if ((rc = require_object(l, r, "Routes[]")) || (rc = ld_cidr(l, r, "DestinationCidrBlock", &out->dst, &p4)) ||
	    (rc = ld_cidr(l, r, "DestinationIpv6CidrBlock", &out->dst, &p6)) ||
	    (rc = ld_str(l, r, "DestinationPrefixListId", false, &out->prefix_list_id)) ||
	    (rc = ld_str(l, r, "State", false, &state)) || (rc = ld_str(l, r, "Origin", false, &origin)))
		return rc;
	if (!p4 && !p6 && !out->prefix_list_id)
		return 0;
	if (out->prefix_list_id && !p4 && !p6)
		out->prefix_list = lookup_id(l->m, out->prefix_list_id, VPCE_K_PREFIX_LIST);
	out->blackhole = state && vpce_str_eqi(state, "blackhole");
	out->origin = origin && vpce_str_eqi(origin, "EnableVgwRoutePropagation") ? VPCE_ORIGIN_PROPAGATED
										  : VPCE_ORIGIN_STATIC;
	out->target = VPCE_TGT_UNKNOWN;
	for (size_t i = 0; i < sizeof(route_targets) / sizeof(route_targets[0]); i++) {
		const char *id = NULL;
		if ((rc = ld_str(l, r, route_targets[i].key, false, &id)) != 0)
			return rc;
		if (!id)
			continue;
		out->target_id = id;
		out->target = route_targets[i].kind == VPCE_TGT_UNKNOWN ? gateway_kind(id) : route_targets[i].kind;
		break;
	}
	if (!out->target_id)
		out->target_id = "unknown";
	switch (out->target) {
	case VPCE_TGT_NAT: out->target_idx = lookup_id(l->m, out->target_id, VPCE_K_NAT); break;
	case VPCE_TGT_IGW: out->target_idx = lookup_id(l->m, out->target_id, VPCE_K_IGW); break;
	case VPCE_TGT_GATEWAY_ENDPOINT:
		out->target_idx = lookup_id(l->m, out->target_id, VPCE_K_ENDPOINT);
		break;
	default: break;
	}
	*keep = true;
	return 0;
}

int load_route_tables(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *id = NULL, *vpc_id = NULL;
		const struct vpce_json *routes, *assocs;
		struct vpce_route_table *t;
		uint32_t idx, vpc;
		int rc;

		if ((rc = require_object(l, it, "RouteTables[]")) || (rc = ld_str(l, it, "RouteTableId", true, &id)) ||
		    (rc = ld_str(l, it, "VpcId", true, &vpc_id)) || (rc = ld_array(l, it, "Routes", &routes)) ||
		    (rc = ld_array(l, it, "Associations", &assocs)))
			return rc;
		if (already(l, id))
			continue;
		if ((rc = vpc_ref(l, vpc_id, &vpc)) != 0 || (rc = GROW(l, rtbs, nrtbs, a_rtbs)) != 0)
			return rc;
		idx = l->m->nrtbs++;
		t = &l->m->rtbs[idx];
		memset(t, 0, sizeof(*t));
		t->id = id;
		t->vpc = vpc;
		if (routes && routes->count) {
			/* one spare slot per table for a synthesised endpoint route */
			t->routes = vpce_arena_alloc(&l->p->arena, (routes->count + 1) * sizeof(*t->routes));
			if (!t->routes)
				return oom(l);
		}
		vpce_json_foreach(r, routes) {
			bool keep;
			if ((rc = load_route(l, r, &t->routes[t->nroutes], &keep)) != 0)
				return rc;
			if (keep)
				t->nroutes++;
		}
		if (register_id(l->m, id, VPCE_K_RTB, idx) != 0)
			return oom(l);
		vpce_json_foreach(a, assocs) {
			const char *sid = NULL, *astate = NULL;
			const struct vpce_json *st;
			bool main_assoc = false;
			uint32_t s;
			if ((rc = require_object(l, a, "Associations[]")) || (rc = ld_bool(l, a, "Main", &main_assoc)) ||
			    (rc = ld_str(l, a, "SubnetId", false, &sid)) || (rc = ld_object(l, a, "AssociationState", &st)))
				return rc;
			if (st && (rc = ld_str(l, st, "State", false, &astate)) != 0)
				return rc;
			if (astate && !vpce_str_eqi(astate, "associated") && !vpce_str_eqi(astate, "associating"))
				continue;
			if (main_assoc) {
				t->is_main = true;
				l->m->vpcs[vpc].main_rtb = idx;
			}
			s = lookup_id(l->m, sid, VPCE_K_SUBNET);
			if (s != VPCE_NONE) {
				l->m->subnets[s].rtb = idx;
				l->m->subnets[s].rtb_explicit = true;
			}
		}
	}
	return 0;
}

/* ---- network interfaces and instances --------------------------------------- */
static enum vpce_eni_kind eni_kind(const char *itype, const char *desc)
{
	if (itype) {
		if (strcmp(itype, "vpc_endpoint") == 0)
			return VPCE_ENI_ENDPOINT;
		if (strcmp(itype, "nat_gateway") == 0)
			return VPCE_ENI_NAT;
		if (strcmp(itype, "interface") != 0 && strcmp(itype, "lambda") != 0 && strcmp(itype, "efa") != 0 &&
		    strcmp(itype, "trunk") != 0 && strcmp(itype, "branch") != 0)
			return VPCE_ENI_OTHER;
	}
	if (desc) {
		if (vpce_str_startswith(desc, "VPC Endpoint Interface"))
			return VPCE_ENI_ENDPOINT;
		if (vpce_str_startswith(desc, "Interface for NAT Gateway"))
			return VPCE_ENI_NAT;
		if (vpce_str_startswith(desc, "ELB ") || vpce_str_startswith(desc, "RDSNetworkInterface") ||
		    vpce_str_startswith(desc, "Network Load Balancer"))
			return VPCE_ENI_OTHER;
	}
	return VPCE_ENI_WORKLOAD;
}

/* Reads one ENI object (NetworkInterfaces[] or Instances[].NetworkInterfaces[]). */
static int load_eni_obj(struct ld *l, const struct vpce_json *it, const char *instance_id, const char *inst_subnet,
			const char *inst_vpc, const char *inst_az)
{
	const char *id = NULL, *subnet_id = NULL, *vpc_id = NULL, *az = NULL, *itype = NULL, *desc = NULL;
	const char *primary = NULL, *pub = NULL;
	const struct vpce_json *privs, *v6s, *assoc, *att;
	struct vpce_eni *e;
	uint32_t idx, ncap;
	int rc;

	if ((rc = require_object(l, it, "NetworkInterfaces[]")) ||
	    (rc = ld_str(l, it, "NetworkInterfaceId", true, &id)) || (rc = ld_str(l, it, "SubnetId", false, &subnet_id)) ||
	    (rc = ld_str(l, it, "VpcId", false, &vpc_id)) || (rc = ld_str(l, it, "AvailabilityZone", false, &az)) ||
	    (rc = ld_str(l, it, "InterfaceType", false, &itype)) || (rc = ld_str(l, it, "Description", false, &desc)) ||
	    (rc = ld_str(l, it, "PrivateIpAddress", false, &primary)) ||
	    (rc = ld_array(l, it, "PrivateIpAddresses", &privs)) || (rc = ld_array(l, it, "Ipv6Addresses", &v6s)) ||
	    (rc = ld_object(l, it, "Association", &assoc)) || (rc = ld_object(l, it, "Attachment", &att)))
		return rc;
	if (already(l, id))
		return 0;
	if (!subnet_id)
		subnet_id = inst_subnet;
	if (!vpc_id)
		vpc_id = inst_vpc;
	if ((rc = GROW(l, enis, nenis, a_enis)) != 0)
		return rc;
	idx = l->m->nenis++;
	e = &l->m->enis[idx];
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->subnet = lookup_id(l->m, subnet_id, VPCE_K_SUBNET);
	e->vpc = e->subnet != VPCE_NONE ? l->m->subnets[e->subnet].vpc : lookup_id(l->m, vpc_id, VPCE_K_VPC);
	e->az = az ? az : inst_az;
	if (!e->az && e->subnet != VPCE_NONE)
		e->az = l->m->subnets[e->subnet].az;
	e->interface_type = itype;
	e->description = desc;
	e->kind = (uint8_t)eni_kind(itype, desc);
	e->instance = VPCE_NONE;
	e->instance_id = instance_id;
	if (!instance_id && att)
		(void)ld_str(l, att, "InstanceId", false, &e->instance_id);
	if (assoc && (rc = ld_str(l, assoc, "PublicIp", false, &pub)) != 0)
		return rc;
	e->public_ip = pub != NULL;
	ncap = (privs ? privs->count : 0) + (v6s ? v6s->count : 0) + 1;
	e->ips = vpce_arena_alloc(&l->p->arena, ncap * sizeof(*e->ips));
	if (!e->ips)
		return oom(l);
	if (primary && vpce_addr_parse(primary, strlen(primary), &e->ips[0]) == 0)
		e->nips = 1;
	vpce_json_foreach(p, privs) {
		const char *a = NULL;
		const struct vpce_json *pa;
		struct vpce_cidr c;
		if ((rc = ld_str(l, p, "PrivateIpAddress", false, &a)) || (rc = ld_object(l, p, "Association", &pa)))
			return rc;
		if (pa && vpce_json_get_str(pa, "PublicIp"))
			e->public_ip = true;
		if (!a || vpce_addr_parse(a, strlen(a), &c) != 0)
			continue;
		if (e->nips && vpce_cidr_equal(&e->ips[0], &c))
			continue;
		e->ips[e->nips++] = c;
	}
	vpce_json_foreach(p, v6s) {
		const char *a = vpce_json_get_str(p, "Ipv6Address");
		if (a && vpce_addr_parse(a, strlen(a), &e->ips[e->nips]) == 0)
			e->nips++;
	}
	if ((rc = str_list(l, it, "Groups", "GroupId", &e->sg_ids, &e->nsgs)) ||
	    (rc = id_indices(l, e->sg_ids, e->nsgs, VPCE_K_SG, &e->sgs)))
		return rc;
	if (register_id(l->m, id, VPCE_K_ENI, idx) != 0)
		return oom(l);
	return 0;
}

int load_enis(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		int rc = load_eni_obj(l, it, NULL, NULL, NULL, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

int load_reservations(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(res, arr) {
		const struct vpce_json *insts;
		int rc;

		if ((rc = require_object(l, res, "Reservations[]")) || (rc = ld_array(l, res, "Instances", &insts)))
			return rc;
		vpce_json_foreach(it, insts) {
			const char *id = NULL, *subnet_id = NULL, *vpc_id = NULL, *pub = NULL, *priv = NULL;
			const char *state = NULL, *az = NULL;
			const struct vpce_json *st, *enis, *place;
			struct vpce_instance *in;
			uint32_t idx;

			if ((rc = require_object(l, it, "Instances[]")) || (rc = ld_str(l, it, "InstanceId", true, &id)) ||
			    (rc = ld_str(l, it, "SubnetId", false, &subnet_id)) ||
			    (rc = ld_str(l, it, "VpcId", false, &vpc_id)) ||
			    (rc = ld_str(l, it, "PublicIpAddress", false, &pub)) ||
			    (rc = ld_str(l, it, "PrivateIpAddress", false, &priv)) ||
			    (rc = ld_object(l, it, "State", &st)) || (rc = ld_object(l, it, "Placement", &place)) ||
			    (rc = ld_array(l, it, "NetworkInterfaces", &enis)))
				return rc;
			if (st && (rc = ld_str(l, st, "Name", false, &state)) != 0)
				return rc;
			if (place && (rc = ld_str(l, place, "AvailabilityZone", false, &az)) != 0)
				return rc;
			if (already(l, id))
				continue;
			/* Terminated instances have no network interfaces left. */
			if (state && (strcmp(state, "terminated") == 0 || strcmp(state, "shutting-down") == 0))
				continue;
			if ((rc = GROW(l, instances, ninstances, a_instances)) != 0)
				return rc;
			idx = l->m->ninstances++;
			in = &l->m->instances[idx];
			memset(in, 0, sizeof(*in));
			in->id = id;
			in->subnet = lookup_id(l->m, subnet_id, VPCE_K_SUBNET);
			in->vpc = lookup_id(l->m, vpc_id, VPCE_K_VPC);
			in->state = state;
			in->name = name_tag(it);
			in->public_ip = pub != NULL;
			in->primary_eni = VPCE_NONE;
			if (priv)
				(void)vpce_addr_parse(priv, strlen(priv), &in->ip);
			if ((rc = str_list(l, it, "SecurityGroups", "GroupId", &in->sg_ids, &in->nsgs)) ||
			    (rc = id_indices(l, in->sg_ids, in->nsgs, VPCE_K_SG, &in->sgs)))
				return rc;
			if (register_id(l->m, id, VPCE_K_INSTANCE, idx) != 0)
				return oom(l);
			vpce_json_foreach(ni, enis) {
				const char *eni_id = vpce_json_get_str(ni, "NetworkInterfaceId");
				if ((rc = load_eni_obj(l, ni, id, subnet_id, vpc_id, az)) != 0)
					return rc;
				(void)eni_id;
			}
		}
	}
	return 0;
}

int load_services(struct ld *l, const struct vpce_json *arr)
{
	vpce_json_foreach(it, arr) {
		const char *name = NULL, *pdns = NULL;
		const struct vpce_json *types;
		struct vpce_service_detail *s;
		int rc;

		if ((rc = require_object(l, it, "ServiceDetails[]")) || (rc = ld_str(l, it, "ServiceName", true, &name)) ||
		    (rc = ld_str(l, it, "PrivateDnsName", false, &pdns)) || (rc = ld_array(l, it, "ServiceType", &types)))
			return rc;
		if ((rc = GROW(l, services, nservices, a_services)) != 0)
			return rc;
		s = &l->m->services[l->m->nservices++];
		memset(s, 0, sizeof(*s));
		s->name = name;
		s->private_dns_name = pdns;
		vpce_json_foreach(t, types) {
			const char *ty = vpce_json_get_str(t, "ServiceType");
			if (ty && vpce_str_eqi(ty, "Gateway"))
				s->gateway = true;
			else if (ty && vpce_str_eqi(ty, "Interface"))
				s->interface = true;
		}
	}
	return 0;
}

/* get-bucket-policy output carries no bucket name: take it from a "Bucket"
 * member when present, else from the file name: bucket-policy-<bucket>.json
 * or <bucket>.policy.json. */
int load_bucket_policy(struct ld *l, const struct vpce_json *root)
{
	const char *bucket = NULL, *policy = NULL, *base;
	struct vpce_bucket_policy *bp;
	int rc;

	if ((rc = ld_str(l, root, "Bucket", false, &bucket)) != 0 || (rc = ld_str(l, root, "Policy", true, &policy)) != 0)
		return rc;
	if (!bucket) {
		size_t n;
		base = strrchr(l->file, '/');
		base = base ? base + 1 : l->file;
		n = strlen(base);
		if (vpce_str_startswith(base, "bucket-policy-") && vpce_str_endswith(base, ".json") && n > 19)
			bucket = vpce_arena_strndup(&l->p->arena, base + 14, n - 19);
		else if (vpce_str_endswith(base, ".policy.json") && n > 12)
			bucket = vpce_arena_strndup(&l->p->arena, base, n - 12);
		if (!bucket) {
			unsigned line, col;
			vpce_json_position(l->doc, root, &line, &col);
			return vpce_error_setpos(l->err, VPCE_EINVAL, l->file, line, col,
						 "Policy: a bucket policy needs its bucket: a \"Bucket\" member, or a file named "
						 "bucket-policy-<bucket>.json or <bucket>.policy.json");
		}
	}
	if ((rc = GROW(l, bucket_policies, nbucket_policies, a_bucket_policies)) != 0)
		return rc;
	bp = &l->m->bucket_policies[l->m->nbucket_policies++];
	bp->bucket = bucket;
	bp->policy = policy;
	bp->file = l->file;
	return 0;
}

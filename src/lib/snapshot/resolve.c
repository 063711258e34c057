/* After loading: fill in what AWS implies but the describe-* output leaves
 * to the reader (main route table, default NACL, DNS attribute defaults,
 * regions), resolve late references and group ENIs by security-group set. */
#include <stdio.h>
#include <stdlib.h>
#include "snapshot/internal.h"

bool vpce_service_name_split(const char *name, char *region, size_t rlen, const char **short_name)
{
	const char *p;

	if (rlen)
		region[0] = '\0';
	*short_name = name;
	/* com.amazonaws.<region>.<service>[.<sub>] — the endpoint service names of
	 * AWS services ("AWS services that integrate with AWS PrivateLink"). */
	if (!vpce_str_startswith(name, "com.amazonaws."))
		return false;
	p = name + strlen("com.amazonaws.");
	{
		const char *dot = strchr(p, '.');
		size_t n;
		if (!dot)
			return false;
		n = (size_t)(dot - p);
		if (!vpce_is_region_name(p, n) || n >= rlen)
			return false;
		memcpy(region, p, n);
		region[n] = '\0';
		*short_name = dot + 1;
	}
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct security-group sets, so ENIs that share a set share verdicts. */
static int group_sg_sets(struct vpce_model *m, struct vpce_error *err)
{
	struct vpce_strmap sets;
	struct vpce_buf key = VPCE_BUF_INIT;
	uint32_t next = 0;
	int rc = 0;

	vpce_strmap_init(&sets);
	for (uint32_t i = 0; i < m->nenis; i++) {
		struct vpce_eni *e = &m->enis[i];
		uint32_t sorted[64], n = e->nsgs < 64 ? e->nsgs : 64, v;
		char *k;

		if (n)
			memcpy(sorted, e->sgs, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_u32);
		vpce_buf_clear(&key);
		for (uint32_t j = 0; j < n; j++)
			vpce_buf_printf(&key, "%u,", sorted[j]);
		if (vpce_buf_putc(&key, '|') != 0) {
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
		if (vpce_strmap_get(&sets, key.ptr, &v)) {
			e->sg_set = v;
			continue;
		}
		k = vpce_arena_strndup(&m->priv->arena, key.ptr, key.len);
		if (!k || vpce_strmap_put(&sets, k, next) != 0) {
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			goto out;
		}
		e->sg_set = next++;
	}
out:
	vpce_buf_release(&key);
	vpce_strmap_release(&sets);
	return rc;
}

/* A gateway endpoint adds a route (prefix list -> vpce) to each route table
 * it is associated with ("Gateway endpoints", Amazon VPC PrivateLink guide:
 * "we add a route to each route table you select"). A snapshot whose route
 * table lacks that route (captured mid-change) gets it back, with a note. */
static int synthesise_endpoint_routes(struct vpce_model *m)
{
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		struct vpce_endpoint *e = &m->endpoints[i];
		uint32_t pl;

		if (e->type != VPCE_EP_GATEWAY)
			continue;
		pl = vpce_model_prefix_list_by_name(m, e->service);
		for (uint32_t k = 0; k < e->nrtbs; k++) {
			struct vpce_route_table *t;
			struct vpce_route *r;
			bool found = false;

			if (e->rtbs[k] == VPCE_NONE)
				continue;
			t = &m->rtbs[e->rtbs[k]];
			for (uint32_t j = 0; j < t->nroutes; j++)
				found = found || (t->routes[j].target_id && strcmp(t->routes[j].target_id, e->id) == 0);
			if (found || pl == VPCE_NONE)
				continue;
			/* Tables loaded from JSON have one spare slot; tables with no
			 * routes at all get a fresh array. */
			if (!t->routes) {
				t->routes = vpce_arena_alloc(&m->priv->arena, sizeof(*t->routes));
				if (!t->routes)
					return VPCE_ENOMEM;
			}
			r = &t->routes[t->nroutes++];
			memset(r, 0, sizeof(*r));
			r->prefix_list = pl;
			r->prefix_list_id = m->prefix_lists[pl].id;
			r->target = VPCE_TGT_GATEWAY_ENDPOINT;
			r->target_id = e->id;
			r->target_idx = i;
			if (model_note(m, "%s lists %s but the table has no route to it; assumed the route AWS adds",
				       e->id, t->id) != 0)
				return VPCE_ENOMEM;
			break; /* at most the one spare slot per table */
		}
	}
	return 0;
}

int resolve_model(struct vpce_model *m, struct vpce_error *err)
{
	/* Endpoint route tables and ENIs now that everything is loaded. */
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		struct vpce_endpoint *e = &m->endpoints[i];
		char region[32];
		const char *short_name;

		if (e->nrtbs) {
			e->rtbs = vpce_arena_alloc(&m->priv->arena, e->nrtbs * sizeof(*e->rtbs));
			if (!e->rtbs)
				return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			for (uint32_t k = 0; k < e->nrtbs; k++)
				e->rtbs[k] = lookup_id(m, e->rtb_ids[k], VPCE_K_RTB);
		}
		if (e->nenis) {
			e->enis = vpce_arena_alloc(&m->priv->arena, e->nenis * sizeof(*e->enis));
			if (!e->enis)
				return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
			for (uint32_t k = 0; k < e->nenis; k++) {
				e->enis[k] = lookup_id(m, e->eni_ids[k], VPCE_K_ENI);
				if (e->enis[k] != VPCE_NONE)
					m->enis[e->enis[k]].kind = VPCE_ENI_ENDPOINT;
			}
		}
		if (vpce_service_name_split(e->service, region, sizeof(region), &short_name)) {
			e->service_region = vpce_arena_strdup(&m->priv->arena, region);
			if (!e->service_region)
				return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		}
		e->service_short = short_name;
	}
	if (synthesise_endpoint_routes(m) != 0)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");

	/* Regions: folder name, else the AZ names of the VPC's subnets. */
	for (uint32_t i = 0; i < m->nsubnets; i++) {
		struct vpce_vpc *v = &m->vpcs[m->subnets[i].vpc];
		if (!v->region && m->subnets[i].az)
			v->region = region_from_az(&m->priv->arena, m->subnets[i].az);
	}
	for (uint32_t i = 0; i < m->nvpcs && !m->region; i++)
		m->region = m->vpcs[i].region;
	for (uint32_t i = 0; i < m->nvpcs; i++)
		if (!m->vpcs[i].region)
			m->vpcs[i].region = m->region;

	/* Default NACL per VPC; subnets without an explicit association use it
	 * ("Network ACLs": each subnet is associated with the default network
	 * ACL unless you associate it with another). */
	for (uint32_t i = 0; i < m->nnacls; i++)
		if (m->nacls[i].is_default && m->nacls[i].vpc != VPCE_NONE)
			m->vpcs[m->nacls[i].vpc].default_nacl = i;
	for (uint32_t i = 0; i < m->nsubnets; i++) {
		struct vpce_subnet *s = &m->subnets[i];
		/* Subnets without an explicit association use the main route table
		 * ("Route tables": main route table). */
		if (s->rtb == VPCE_NONE)
			s->rtb = m->vpcs[s->vpc].main_rtb;
		if (s->nacl == VPCE_NONE)
			s->nacl = m->vpcs[s->vpc].default_nacl;
	}

	/* DNS attributes ("DNS attributes for your VPC"): enableDnsSupport
	 * defaults to true; enableDnsHostnames to true only in a default VPC.
	 * Private DNS on an interface endpoint requires both to be true, so an
	 * endpoint with PrivateDnsEnabled implies them unless the snapshot says
	 * otherwise. */
	for (uint32_t i = 0; i < m->nvpcs; i++) {
		struct vpce_vpc *v = &m->vpcs[i];
		if (v->dns_support_src == VPCE_FACT_DEFAULT)
			v->dns_support = true;
		if (v->dns_hostnames_src == VPCE_FACT_DEFAULT)
			v->dns_hostnames = v->is_default;
	}
	for (uint32_t i = 0; i < m->nendpoints; i++) {
		const struct vpce_endpoint *e = &m->endpoints[i];
		struct vpce_vpc *v = &m->vpcs[e->vpc];
		if (e->type != VPCE_EP_INTERFACE || !e->private_dns)
			continue;
		if (v->dns_hostnames_src == VPCE_FACT_DEFAULT && !v->dns_hostnames) {
			v->dns_hostnames = true;
			v->dns_hostnames_src = VPCE_FACT_INFERRED;
		}
		if (v->dns_support_src == VPCE_FACT_DEFAULT)
			v->dns_support_src = VPCE_FACT_INFERRED;
	}

	/* Instances: link to their ENIs. */
	for (uint32_t i = 0; i < m->nenis; i++) {
		struct vpce_eni *e = &m->enis[i];
		if (!e->instance_id)
			continue;
		e->instance = lookup_id(m, e->instance_id, VPCE_K_INSTANCE);
		if (e->instance != VPCE_NONE) {
			struct vpce_instance *in = &m->instances[e->instance];
			if (in->public_ip)
				e->public_ip = e->public_ip || (in->primary_eni == VPCE_NONE);
			if (in->primary_eni == VPCE_NONE && e->subnet == in->subnet)
				in->primary_eni = i;
		}
	}
	return group_sg_sets(m, err);
}

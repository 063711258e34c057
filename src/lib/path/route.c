/* Route selection. AWS documentation: Amazon VPC User Guide, "Route
 * priority" (longest prefix match; static over prefix list over propagated
 * for the same destination) and "Configure route tables" (blackhole routes,
 * prefix-list routes). */
#include "path/internal.h"

/* Lower rank wins between routes of equal prefix length. */
static int route_rank(const struct vpce_route *r)
{
	if (r->origin == VPCE_ORIGIN_PROPAGATED)
		return 2;
	return r->prefix_list != VPCE_NONE || (r->dst.family == 0 && r->prefix_list_id) ? 1 : 0;
}

/* Longest destination block of r that contains dst, or -1. */
static int route_match_len(const struct vpce_model *m, const struct vpce_route *r, const struct vpce_cidr *dst)
{
	if (r->dst.family) {
		return vpce_cidr_contains(&r->dst, dst) ? r->dst.len : -1;
	}
	if (r->prefix_list != VPCE_NONE) {
		const struct vpce_prefix_list *pl = &m->prefix_lists[r->prefix_list];
		int best = -1;
		for (uint32_t i = 0; i < pl->ncidrs; i++)
			if (pl->cidrs[i].len > best && vpce_cidr_contains(&pl->cidrs[i], dst))
				best = pl->cidrs[i].len;
		return best;
	}
	return -1;
}

const struct vpce_route *vpce_route_lookup(const struct vpce_model *m, const struct vpce_route_table *t,
					   const struct vpce_cidr *dst)
{
	const struct vpce_route *best = NULL;
	int best_len = -1, best_rank = 99;

	for (uint32_t i = 0; i < t->nroutes; i++) {
		const struct vpce_route *r = &t->routes[i];
		int len = route_match_len(m, r, dst), rank;
		if (len < 0)
			continue;
		rank = route_rank(r);
		if (len > best_len || (len == best_len && rank < best_rank)) {
			best = r;
			best_len = len;
			best_rank = rank;
		}
	}
	return best;
}

static bool same_way(const struct vpce_route *a, const struct vpce_route *b)
{
	if (!a || !b)
		return a == b;
	return a->target == b->target && a->blackhole == b->blackhole && a->target_id && b->target_id &&
	       strcmp(a->target_id, b->target_id) == 0;
}

static size_t add_segment(struct vpce_route_segment *out, size_t n, size_t max, const struct vpce_cidr *p,
			  const struct vpce_route *r)
{
	for (size_t i = 0; i < n; i++)
		if (vpce_cidr_equal(&out[i].prefix, p))
			return n;
	if (n < max) {
		out[n].prefix = *p;
		out[n].route = r;
		n++;
	}
	return n;
}

size_t vpce_route_segments(const struct vpce_model *m, const struct vpce_route_table *t,
			   const struct vpce_cidr *dst, struct vpce_route_segment *out, size_t max)
{
	const struct vpce_route *whole = vpce_route_lookup(m, t, dst);
	size_t n = 0;

	if (max == 0)
		return 0;
	out[n].prefix = *dst;
	out[n].route = whole;
	n++;
	/* More specific routes inside dst take part of it elsewhere. */
	for (uint32_t i = 0; i < t->nroutes; i++) {
		const struct vpce_route *r = &t->routes[i];
		const struct vpce_cidr *blocks = &r->dst;
		uint32_t nblocks = 1;

		if (!r->dst.family) {
			if (r->prefix_list == VPCE_NONE)
				continue;
			blocks = m->prefix_lists[r->prefix_list].cidrs;
			nblocks = m->prefix_lists[r->prefix_list].ncidrs;
		}
		for (uint32_t k = 0; k < nblocks; k++) {
			const struct vpce_cidr *b = &blocks[k];
			const struct vpce_route *inner;
			if (b->len <= dst->len || !vpce_cidr_contains(dst, b))
				continue;
			inner = vpce_route_lookup(m, t, b);
			if (!same_way(inner, whole))
				n = add_segment(out, n, max, b, inner);
		}
	}
	return n;
}

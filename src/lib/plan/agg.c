/* plan aggregation: the hot path. One cell per (interface-id, class of each
 * address, traffic-path); classes come from the snapshot (ENI and NAT
 * addresses, VPC CIDRs) and ip-ranges.json (service + region). Nothing here
 * decides attribution: vpce_plan_finish does, once per cell. */
#include <stdlib.h>
#include <pthread.h>
#include "plan_int.h"

#define CACHE_BITS 12

/* never 0 (an empty slot), and the low bits that index the tables left
 * as mixed (setting bit 0 would use only odd home slots) */
static uint32_t mix32(uint64_t x)
{
	return (uint32_t)vpce_mix64(x) | 0x80000000u;
}

static inline uint32_t hash_key(const struct plan_key *k)
{
	uint64_t h = ((uint64_t)k->iface << 32 | k->tp) * 0x9e3779b97f4a7c15ull;
	h = (h ^ ((uint64_t)k->s << 32 | k->d)) * 0x9e3779b97f4a7c15ull;
	h ^= (uint64_t)k->ps << 32 | k->pd;
	return mix32(h);
}

static int addr_put(struct vpce_plan_agg *a, uint32_t addr, uint32_t cls)
{
	size_t j = mix32(addr) & (a->addrcap - 1);
	uint32_t f = addr * 2654435761u;

	/* 4096-bit filter (64 words): bit clear = not a snapshot address */
	a->snapbits[f >> 26] |= (uint64_t)1 << (f >> 20 & 63);

	while (a->addrs[j].used) {
		if (a->addrs[j].addr == addr)
			return 0; /* first owner wins */
		j = (j + 1) & (a->addrcap - 1);
	}
	a->addrs[j].used = 1;
	a->addrs[j].addr = addr;
	a->addrs[j].cls = cls;
	return 0;
}

static bool addr_get(const struct vpce_plan_agg *a, uint32_t addr, uint32_t *cls)
{
	size_t j = mix32(addr) & (a->addrcap - 1);

	while (a->addrs[j].used) {
		if (a->addrs[j].addr == addr) {
			*cls = a->addrs[j].cls;
			return true;
		}
		j = (j + 1) & (a->addrcap - 1);
	}
	return false;
}

/* Private address space (RFC 1918, RFC 6598 shared, link-local, loopback;
 * IPv6 ULA and link-local): not public, so never NAT / internet traffic. */
static bool is_private(const struct vpce_cidr *c)
{
	if (c->family == 4) {
		uint32_t v = vpce_cidr_v4(c);
		return (v >> 24) == 10 || (v >> 20) == 0xac1 || (v >> 16) == 0xc0a8 || (v >> 22) == 0x191 ||
		       (v >> 16) == 0xa9fe || (v >> 24) == 127;
	}
	return (c->hi >> 57) == (0xfc00ull >> 9) || (c->hi >> 54) == (0xfe80ull >> 6);
}

static uint32_t classify_rest(const struct vpce_plan_agg *a, const struct vpce_cidr *c);

/* IPv4 VPC CIDRs for classification. AWS allows VPC blocks from /16 to /28
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html),
 * so each lies in one /16: entries sorted by that /16 and then by VPC
 * index, found by binary search; any wider block (a hand-made snapshot)
 * is checked in a short second list. The answer is the first VPC in model
 * order with a block containing the address, as a plain scan would give. */
struct vpc4 {
	uint32_t net, mask, vpc, key16;
};

static int cmp_vpc4(const void *x, const void *y)
{
	const struct vpc4 *a = x, *b = y;

	if (a->key16 != b->key16)
		return a->key16 < b->key16 ? -1 : 1;
	if (a->vpc != b->vpc)
		return a->vpc < b->vpc ? -1 : 1;
	return a->net < b->net ? -1 : a->net > b->net;
}

static int build_vpc4(struct vpce_plan_agg *a)
{
	const struct vpce_model *m = a->m;
	size_t n = 0;

	for (uint32_t v = 0; v < m->nvpcs; v++)
		for (uint32_t i = 0; i < m->vpcs[v].ncidrs; i++)
			n += m->vpcs[v].cidrs[i].family == 4;
	a->vpc4 = calloc(n + 1, sizeof(struct vpc4));
	a->wide4 = calloc(n + 1, sizeof(struct vpc4));
	if (!a->vpc4 || !a->wide4)
		return VPCE_ENOMEM;
	for (uint32_t v = 0; v < m->nvpcs; v++)
		for (uint32_t i = 0; i < m->vpcs[v].ncidrs; i++) {
			const struct vpce_cidr *c = &m->vpcs[v].cidrs[i];
			struct vpc4 e;
			if (c->family != 4)
				continue;
			e.mask = c->len ? ~0u << (32 - c->len) : 0;
			e.net = vpce_cidr_v4(c) & e.mask;
			e.vpc = v;
			e.key16 = e.net >> 16;
			if (c->len >= 16)
				a->vpc4[a->nvpc4++] = e;
			else
				a->wide4[a->nwide4++] = e; /* in VPC order already */
		}
	qsort(a->vpc4, a->nvpc4, sizeof(struct vpc4), cmp_vpc4);
	return 0;
}

/* The class of every address of a /16 block when they all have the same one
 * after the snapshot's own addresses (which are checked first): the block is
 * uniform in ip-ranges, and either listed there or (not listed) wholly
 * inside, or wholly outside, the VPC blocks; 0 otherwise (classify
 * address by address). Private ranges are /16-aligned or wider. */
static uint32_t block_class(const struct vpce_plan_agg *a, uint32_t b, size_t *cursor)
{
	uint32_t h, best = UINT32_MAX;
	struct vpce_cidr c;
	size_t lo = *cursor;
	bool part = false;

	/* blocks come in order: the VPC entries of this one start at the
	 * cursor (entries are sorted by block) */
	while (lo < a->nvpc4 && a->vpc4[lo].key16 < b)
		lo++;
	for (; lo < a->nvpc4 && a->vpc4[lo].key16 == b; lo++) {
		if (a->vpc4[lo].mask != 0xffff0000u)
			part = true; /* part of the block only */
		else if (a->vpc4[lo].vpc < best)
			best = a->vpc4[lo].vpc;
	}
	*cursor = lo;
	if (!vpce_ipranges_v4_block_uniform(a->r, b, &h))
		return 0;
	if (h)
		return CLS(TAG_AWS, vpce_ipranges_handle_key(a->r, h));
	if (part)
		return 0;
	for (size_t i = 0; i < a->nwide4; i++)
		if (((b << 16) & a->wide4[i].mask) == a->wide4[i].net && a->wide4[i].vpc < best)
			best = a->wide4[i].vpc;
	if (best != UINT32_MAX)
		return CLS(TAG_VPC, best);
	memset(&c, 0, sizeof(c));
	c.family = 4;
	c.len = 32;
	c.lo = b << 16;
	return is_private(&c) ? CLS(TAG_PRIVATE, 0) : CLS(TAG_EXTERNAL, 0);
}

static int build_cls16(struct vpce_plan_agg *a)
{
	size_t cursor = 0;

	a->cls16 = malloc(sizeof(uint32_t) << 16);
	if (!a->cls16)
		return VPCE_ENOMEM;
	for (uint32_t b = 0; b <= 0xffffu; b++)
		a->cls16[b] = block_class(a, b, &cursor);
	return 0;
}

static bool vpc_of_v4(const struct vpce_plan_agg *a, uint32_t addr, uint32_t *vpc)
{
	const struct vpc4 *e = a->vpc4;
	size_t lo = 0, hi = a->nvpc4;
	uint32_t k = addr >> 16, best = UINT32_MAX;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].key16 < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->nvpc4 && e[lo].key16 == k; lo++)
		if ((addr & e[lo].mask) == e[lo].net) {
			best = e[lo].vpc;
			break;
		}
	for (size_t i = 0; i < a->nwide4 && a->wide4[i].vpc < best; i++)
		if ((addr & a->wide4[i].mask) == a->wide4[i].net) {
			best = a->wide4[i].vpc;
			break;
		}
	*vpc = best;
	return best != UINT32_MAX;
}

static uint32_t classify_slow(struct vpce_plan_agg *a, const struct vpce_cidr *c)
{
	struct vpce_iprange_match mt;
	uint32_t cls;

	if (c->family == 4 && addr_get(a, vpce_cidr_v4(c), &cls))
		return cls;
	if (c->family == 4) {
		uint32_t h = vpce_ipranges_lookup_v4(a->r, vpce_cidr_v4(c));
		if (h)
			return CLS(TAG_AWS, vpce_ipranges_handle_key(a->r, h));
	} else if (vpce_ipranges_lookup(a->r, c, &mt) == 0) {
		return CLS(TAG_AWS, (uint32_t)mt.service_id << 16 | mt.region_id);
	}
	return classify_rest(a, c);
}

/* After the snapshot's addresses and ip-ranges: VPC CIDRs, then (IPv6)
 * ENI addresses, then private or external. */
static uint32_t classify_rest(const struct vpce_plan_agg *a, const struct vpce_cidr *c)
{
	const struct vpce_model *m = a->m;
	uint32_t vpc;

	if (c->family == 4) {
		if (vpc_of_v4(a, vpce_cidr_v4(c), &vpc))
			return CLS(TAG_VPC, vpc);
		return is_private(c) ? CLS(TAG_PRIVATE, 0) : CLS(TAG_EXTERNAL, 0);
	}
	for (uint32_t v = 0; v < m->nvpcs; v++)
		for (uint32_t i = 0; i < m->vpcs[v].ncidrs; i++)
			if (vpce_cidr_contains(&m->vpcs[v].cidrs[i], c))
				return CLS(TAG_VPC, v);
	if (c->family == 6) {
		for (uint32_t e = 0; e < m->nenis; e++)
			for (uint32_t i = 0; i < m->enis[e].nips; i++)
				if (vpce_cidr_equal(&m->enis[e].ips[i], c))
					return CLS(TAG_ENI, e);
	}
	return is_private(c) ? CLS(TAG_PRIVATE, 0) : CLS(TAG_EXTERNAL, 0);
}

uint32_t plan_classify(struct vpce_plan_agg *a, const struct vpce_cidr *c)
{
	if (c->family == 4) {
		uint32_t v = vpce_cidr_v4(c);
		struct class_slot *s = &a->cache[(v * 2654435761u) >> (32 - CACHE_BITS)];
		if (s->cls && s->addr == v)
			return s->cls;
		s->cls = classify_slow(a, c);
		s->addr = v;
		return s->cls;
	}
	return classify_slow(a, c);
}

int vpce_plan_agg_new(const struct vpce_model *m, const struct vpce_ipranges *r, struct vpce_plan_agg **out,
		      struct vpce_error *err)
{
	struct vpce_plan_agg *a;
	size_t naddr = 16;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	a->m = m;
	a->r = r;
	a->cap = 1024;
	a->cells = calloc(a->cap, sizeof(*a->cells));
	a->samples = calloc(a->cap, sizeof(*a->samples));
	a->aifaces = 64;
	a->ifaces = calloc(a->aifaces, sizeof(*a->ifaces));
	a->nifaces = 1;
	a->ifcap = 128;
	a->ifmap = calloc(a->ifcap, sizeof(*a->ifmap));
	for (uint32_t e = 0; e < m->nenis; e++)
		naddr += m->enis[e].nips;
	naddr += m->nnats;
	a->addrcap = 16;
	while (a->addrcap < naddr * 2)
		a->addrcap <<= 1;
	a->addrs = calloc(a->addrcap, sizeof(*a->addrs));
	a->cache = calloc((size_t)1 << CACHE_BITS, sizeof(*a->cache));
	a->slots = calloc(((size_t)1 << PLAN_SLOT_BITS) / 64, sizeof(uint64_t));
	a->idcache = calloc(PLAN_IDCACHE, sizeof(*a->idcache));
	if (vpce_ipranges_service_count(r) >= 8192 || vpce_ipranges_region_count(r) >= 65536) {
		vpce_plan_agg_free(a);
		return vpce_error_set(err, VPCE_EINVAL, "ip-ranges: too many services or regions for plan's address classes");
	}
	if (!a->idcache || !a->cells || !a->samples || !a->ifaces || !a->ifmap || !a->addrs || !a->cache || !a->slots ||
	    build_vpc4(a) != 0 || build_cls16(a) != 0) {
		vpce_plan_agg_free(a);
		return vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
	for (uint32_t e = 0; e < m->nenis; e++)
		for (uint32_t i = 0; i < m->enis[e].nips; i++)
			if (m->enis[e].ips[i].family == 4)
				addr_put(a, vpce_cidr_v4(&m->enis[e].ips[i]), CLS(TAG_ENI, e));
	for (uint32_t n = 0; n < m->nnats; n++)
		if (m->nats[n].private_ip.family == 4)
			addr_put(a, vpce_cidr_v4(&m->nats[n].private_ip), CLS(TAG_NAT, n));
	a->start = UINT64_MAX;
	a->fast = true;
	a->split_min = PLAN_SPLIT_MIN;
	*out = a;
	return 0;
}

void vpce_plan_agg_free(struct vpce_plan_agg *a)
{
	if (!a)
		return;
	free(a->cells);
	free(a->samples);
	free(a->ifaces);
	free(a->ifmap);
	free(a->addrs);
	free(a->cache);
	free(a->slots);
	free(a->idcache);
	free(a->idvec);
	free(a->vpc4);
	free(a->cls16);
	free(a->wide4);
	free(a);
}

/* Hash of an interface id (<= 24 bytes) a word at a time. */
static uint64_t hash_id64(const char *s, size_t n)
{
	uint64_t h = n * 0x9e3779b97f4a7c15ull, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, s + i, n - i);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	return h ^ (h >> 29);
}

static bool key_eq(const struct plan_key *a, const struct plan_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0; /* six uint32_t, no padding */
}

static int grow_cells(struct vpce_plan_agg *a)
{
	size_t ncap = a->cap * 2;
	struct plan_cell *nc = calloc(ncap, sizeof(*nc));
	struct plan_sample *ns = calloc(ncap, sizeof(*ns));

	if (!nc || !ns) {
		free(nc);
		free(ns);
		return VPCE_ENOMEM;
	}
	for (size_t i = 0; i < a->cap; i++) {
		struct plan_cell *c = &a->cells[i];
		size_t j;
		if (!c->hash)
			continue;
		for (j = c->hash & (ncap - 1); nc[j].hash; j = (j + 1) & (ncap - 1))
			;
		nc[j] = *c;
		ns[j] = a->samples[i];
	}
	free(a->cells);
	free(a->samples);
	a->cells = nc;
	a->samples = ns;
	a->cap = ncap;
	return 0;
}

/* The cell of k (created empty when new; *fresh tells). Load factor <= 3/4. */
static struct plan_cell *upsert_h(struct vpce_plan_agg *a, const struct plan_key *k, uint32_t h, bool *fresh)
{
	size_t j;

	for (j = h & (a->cap - 1); a->cells[j].hash; j = (j + 1) & (a->cap - 1))
		if (a->cells[j].hash == h && key_eq(&a->cells[j].k, k)) {
			*fresh = false;
			return &a->cells[j];
		}
	if ((a->count + 1) * 4 > a->cap * 3) {
		if (grow_cells(a) != 0)
			return NULL;
		for (j = h & (a->cap - 1); a->cells[j].hash; j = (j + 1) & (a->cap - 1))
			;
	}
	a->cells[j].hash = h;
	a->cells[j].k = *k;
	a->count++;
	*fresh = true;
	return &a->cells[j];
}

static struct plan_cell *upsert(struct vpce_plan_agg *a, const struct plan_key *k, bool *fresh)
{
	return upsert_h(a, k, hash_key(k), fresh);
}

uint32_t plan_intern(struct vpce_plan_agg *a, const char *s, size_t n)
{
	uint32_t h, idx;
	size_t j;

	uint64_t h64;
	struct id_cache *ic;

	if (n > PLAN_ID_MAX)
		n = PLAN_ID_MAX;
	/* Direct-mapped cache by the 64-bit hash: no table walk or string
	 * compare for the interfaces seen recently. */
	h64 = hash_id64(s, n);
	ic = &a->idcache[(h64 >> 7) & (PLAN_IDCACHE - 1)];
	if (ic->h == h64 && ic->len == n && ic->idx)
		return ic->idx;
	h = mix32(h64);
	for (j = h & (a->ifcap - 1); a->ifmap[j]; j = (j + 1) & (a->ifcap - 1)) {
		const struct plan_iface *f = &a->ifaces[a->ifmap[j]];
		if (f->hash == h && f->len == n && memcmp(f->id, s, n) == 0) {
			ic->h = h64;
			ic->len = (uint32_t)n;
			ic->idx = a->ifmap[j];
			return ic->idx;
		}
	}
	if (a->nifaces + 1 > a->aifaces) {
		struct plan_iface *ni = realloc(a->ifaces, a->aifaces * 2 * sizeof(*ni));
		if (!ni)
			return 0;
		a->ifaces = ni;
		a->aifaces *= 2;
	}
	if ((a->nifaces + 1) * 2 > a->ifcap) {
		size_t ncap = a->ifcap * 2;
		uint32_t *nm = calloc(ncap, sizeof(*nm));
		if (!nm)
			return 0;
		for (size_t i = 1; i < a->nifaces; i++) {
			size_t k;
			for (k = a->ifaces[i].hash & (ncap - 1); nm[k]; k = (k + 1) & (ncap - 1))
				;
			nm[k] = (uint32_t)i;
		}
		free(a->ifmap);
		a->ifmap = nm;
		a->ifcap = ncap;
		for (j = h & (a->ifcap - 1); a->ifmap[j]; j = (j + 1) & (a->ifcap - 1))
			;
	}
	memset(&a->ifaces[a->nifaces], 0, sizeof(a->ifaces[0]));
	memcpy(a->ifaces[a->nifaces].id, s, n);
	a->ifaces[a->nifaces].len = (uint8_t)n;
	a->ifaces[a->nifaces].hash = h;
	a->ifmap[j] = (uint32_t)a->nifaces;
	idx = (uint32_t)a->nifaces++;
	ic->h = h64;
	ic->len = (uint32_t)n;
	ic->idx = idx;
	return idx;
}

static void mark_time(struct vpce_plan_agg *a, uint64_t start, uint64_t end)
{
	if (!start)
		return;
	if (end < start)
		end = start;
	if (start < a->start)
		a->start = start;
	if (end > a->end)
		a->end = end;
	/* Slots [start, end): a record covering 60 s marks one slot, 600 s one or two. */
	for (uint64_t s = start / PLAN_SLOT_SECONDS, e = (end > start ? end - 1 : end) / PLAN_SLOT_SECONDS;
	     s <= e && s < start / PLAN_SLOT_SECONDS + 64; s++) {
		uint64_t b = s & (((uint64_t)1 << PLAN_SLOT_BITS) - 1);
		a->slots[b >> 6] |= (uint64_t)1 << (b & 63);
	}
}

#define BIT(f) ((uint64_t)1 << (f))

int vpce_plan_agg_add(struct vpce_plan_agg *a, const struct vpce_flow_record *recs, size_t n)
{
	const char *last_id = NULL;
	size_t last_len = 0;
	uint32_t last_iface = 0;
	uint64_t last_start = 0, last_end = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vpce_flow_record *r = &recs[i];
		const uint64_t need = BIT(VPCE_FF_SRCADDR) | BIT(VPCE_FF_DSTADDR);
		struct plan_key k;
		struct plan_cell *c;
		bool fresh;

		if (r->start != last_start || r->end != last_end) {
			mark_time(a, r->start, r->end);
			last_start = r->start;
			last_end = r->end;
		}
		/* A format without log-status (custom formats may leave it out)
		 * counts records that have both addresses. */
		if (((r->present & BIT(VPCE_FF_LOG_STATUS)) && r->log_status != VPCE_STATUS_OK) ||
		    (r->present & need) != need) {
			a->skipped++;
			continue;
		}
		memset(&k, 0, sizeof(k));
		if (r->present & BIT(VPCE_FF_INTERFACE_ID)) {
			const struct vpce_slice *id = &r->raw[VPCE_FF_INTERFACE_ID];
			if (last_id && id->len == last_len && memcmp(id->ptr, last_id, last_len) == 0) {
				k.iface = last_iface;
			} else {
				k.iface = plan_intern(a, id->ptr, id->len);
				if (!k.iface)
					return VPCE_ENOMEM;
				last_iface = k.iface;
				last_id = id->ptr;
				last_len = id->len;
			}
		}
		k.tp = r->traffic_path <= 8 ? r->traffic_path : 0;
		k.s = plan_classify(a, &r->srcaddr);
		k.d = plan_classify(a, &r->dstaddr);
		if ((r->present & BIT(VPCE_FF_PKT_SRCADDR)) && !vpce_cidr_equal(&r->pkt_srcaddr, &r->srcaddr))
			k.ps = plan_classify(a, &r->pkt_srcaddr);
		if ((r->present & BIT(VPCE_FF_PKT_DSTADDR)) && !vpce_cidr_equal(&r->pkt_dstaddr, &r->dstaddr))
			k.pd = plan_classify(a, &r->pkt_dstaddr);
		c = upsert(a, &k, &fresh);
		if (!c)
			return VPCE_ENOMEM;
		if (fresh) {
			a->samples[c - a->cells].s = r->srcaddr;
			a->samples[c - a->cells].d = r->dstaddr;
		}
		c->v.bytes += r->bytes;
		c->v.records++;
		a->records++;
	}
	return 0;
}

#define V4_BATCH 64

/* One address the class cache missed: where its class goes. */
struct miss {
	uint32_t addr;
	uint32_t *cls;
};

/* Classes of the addresses the cache missed, in phases so that their
 * memory accesses overlap: snapshot addresses first (hash probe, only when
 * the address's filter bit says it may be one), then one staged ip-ranges
 * lookup for the rest, then VPC CIDRs and the private ranges; each result
 * goes into the cache. Same order of precedence as classify_slow. */
static void classify_misses(struct vpce_plan_agg *a, struct miss *ms, size_t n)
{
	uint32_t addrs[2 * V4_BATCH], handles[2 * V4_BATCH];
	size_t idx[2 * V4_BATCH], nt = 0;
	struct vpce_cidr c;

	memset(&c, 0, sizeof(c));
	c.family = 4;
	c.len = 32;
	for (size_t i = 0; i < n; i++)
		__builtin_prefetch(&a->cls16[ms[i].addr >> 16]);
	for (size_t i = 0; i < n; i++) {
		uint32_t v = ms[i].addr, cls;
		if (((a->snapbits[(v * 2654435761u) >> 26] >> ((v * 2654435761u) >> 20 & 63)) & 1) &&
		    addr_get(a, v, &cls)) {
			*ms[i].cls = cls;
			continue;
		}
		if ((cls = a->cls16[v >> 16]) != 0) {
			*ms[i].cls = cls;
			continue;
		}
		idx[nt] = i;
		addrs[nt++] = v;
	}
	vpce_ipranges_lookup_v4_batch(a->r, addrs, handles, nt);
	for (size_t j = 0; j < nt; j++) {
		struct miss *m = &ms[idx[j]];
		if (handles[j]) {
			*m->cls = CLS(TAG_AWS, vpce_ipranges_handle_key(a->r, handles[j]));
		} else {
			c.lo = m->addr;
			*m->cls = classify_rest(a, &c);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct class_slot *s = &a->cache[(ms[i].addr * 2654435761u) >> (32 - CACHE_BITS)];
		s->addr = ms[i].addr;
		s->cls = *ms[i].cls;
	}
}

int plan_add_v4_batch(struct vpce_plan_agg *a, const struct plan_v4 *recs, size_t n)
{
	struct plan_key keys[V4_BATCH];
	uint32_t hs[V4_BATCH];
	struct miss ms[2 * V4_BATCH];
	struct vpce_cidr cs, cd;

	memset(&cs, 0, sizeof(cs));
	cs.family = 4;
	cs.len = 32;
	cd = cs;
	while (n) {
		size_t m = n < V4_BATCH ? n : V4_BATCH, nm = 0;
		uint64_t ls = 0, le = 0;
		for (size_t i = 0; i < m; i++) {
			const struct plan_v4 *r = &recs[i];
			struct plan_key *k = &keys[i];
			const struct class_slot *sl;
			if (r->start != ls || r->end != le) {
				mark_time(a, r->start, r->end);
				ls = r->start;
				le = r->end;
			}
			k->iface = r->iface ? r->iface : plan_intern(a, r->id, r->idlen);
			if (!k->iface)
				return VPCE_ENOMEM;
			k->ps = k->pd = k->tp = 0;
			/* Cache probes first, without branches (hits and misses are
			 * mixed at random); the misses are listed in a second pass. */
			sl = &a->cache[(r->src * 2654435761u) >> (32 - CACHE_BITS)];
			k->s = sl->cls & (0u - (uint32_t)(sl->addr == r->src));
			sl = &a->cache[(r->dst * 2654435761u) >> (32 - CACHE_BITS)];
			k->d = sl->cls & (0u - (uint32_t)(sl->addr == r->dst));
		}
		for (size_t i = 0; i < m; i++) {
			ms[nm].addr = recs[i].src;
			ms[nm].cls = &keys[i].s;
			nm += keys[i].s == 0;
			ms[nm].addr = recs[i].dst;
			ms[nm].cls = &keys[i].d;
			nm += keys[i].d == 0;
		}
		if (nm)
			classify_misses(a, ms, nm);
		for (size_t i = 0; i < m; i++) {
			hs[i] = hash_key(&keys[i]);
			__builtin_prefetch(&a->cells[hs[i] & (a->cap - 1)]);
		}
		for (size_t i = 0; i < m; i++) {
			bool fresh;
			struct plan_cell *c = upsert_h(a, &keys[i], hs[i], &fresh);
			if (!c)
				return VPCE_ENOMEM;
			if (fresh) {
				cs.lo = recs[i].src;
				cd.lo = recs[i].dst;
				a->samples[c - a->cells].s = cs;
				a->samples[c - a->cells].d = cd;
			}
			c->v.bytes += recs[i].bytes;
			c->v.records++;
		}
		a->records += m;
		recs += m;
		n -= m;
	}
	return 0;
}

void vpce_plan_agg_set_fast(struct vpce_plan_agg *a, bool on)
{
	a->fast = on;
}

int vpce_plan_agg_cb(void *ctx, const struct vpce_flow_record *recs, size_t n)
{
	return vpce_plan_agg_add(ctx, recs, n);
}

int vpce_plan_agg_merge(struct vpce_plan_agg *into, const struct vpce_plan_agg *from)
{
	if (into->m != from->m || into->r != from->r)
		return VPCE_EINVAL;
	for (size_t i = 0; i < from->cap; i++) {
		const struct plan_cell *c = &from->cells[i];
		struct plan_key k;
		struct plan_cell *d;
		bool fresh;
		if (!c->hash)
			continue;
		k = c->k;
		if (k.iface) {
			const struct plan_iface *f = &from->ifaces[k.iface];
			k.iface = plan_intern(into, f->id, f->len);
			if (!k.iface)
				return VPCE_ENOMEM;
		}
		d = upsert(into, &k, &fresh);
		if (!d)
			return VPCE_ENOMEM;
		if (fresh)
			into->samples[d - into->cells] = from->samples[i];
		d->v.bytes += c->v.bytes;
		d->v.records += c->v.records;
	}
	for (size_t w = 0; w < ((size_t)1 << PLAN_SLOT_BITS) / 64; w++)
		into->slots[w] |= from->slots[w];
	if (from->start < into->start)
		into->start = from->start;
	if (from->end > into->end)
		into->end = from->end;
	into->records += from->records;
	into->skipped += from->skipped;
	return 0;
}

size_t vpce_plan_agg_cells(const struct vpce_plan_agg *a)
{
	return a->count;
}

uint64_t vpce_plan_agg_records(const struct vpce_plan_agg *a)
{
	return a->records;
}

uint64_t vpce_plan_agg_skipped(const struct vpce_plan_agg *a)
{
	return a->skipped;
}

/* ---- reading, with threads over files ------------------------------------ */

struct job {
	struct vpce_plan_agg *agg;
	const char *const *paths;
	size_t npaths;
	size_t *next;
	pthread_mutex_t *lock;
	const struct vpce_flowlog_opts *opts;
	struct vpce_flowlog_stats st;
	struct vpce_error err;
	int rc;
};

static int read_one(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
		    struct vpce_flowlog_stats *st, struct vpce_error *err)
{
	if (a->fast) {
		int rc = plan_fast_file(a, path, opts, st, err);
		if (rc != 1)
			return rc;
		return plan_read_hooked(a, path, opts, st, err);
	}
	return vpce_flowlog_read_path(path, opts, vpce_plan_agg_cb, a, st, err);
}

static void *worker(void *arg)
{
	struct job *j = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(j->lock);
		i = (*j->next)++;
		pthread_mutex_unlock(j->lock);
		if (i >= j->npaths)
			break;
		j->rc = read_one(j->agg, j->paths[i], j->opts, &j->st, &j->err);
		if (j->rc != 0)
			break;
	}
	return NULL;
}

void plan_stats_add_lines(struct vpce_flowlog_stats *to, const struct vpce_flowlog_stats *from)
{
	to->lines += from->lines;
	to->records += from->records;
	to->ok += from->ok;
	to->nodata += from->nodata;
	to->skipdata += from->skipdata;
	to->malformed += from->malformed;
	to->unsupported_lines += from->unsupported_lines;
	to->headers += from->headers;
	to->blank += from->blank;
}

void plan_stats_add(struct vpce_flowlog_stats *to, const struct vpce_flowlog_stats *from)
{
	to->files += from->files;
	to->files_unsupported += from->files_unsupported;
	to->bytes_in += from->bytes_in;
	to->bytes_text += from->bytes_text;
	plan_stats_add_lines(to, from);
	for (unsigned i = 0; i < from->n_issues && to->n_issues < VPCE_FLOWLOG_ISSUES_KEPT; i++)
		to->issues[to->n_issues++] = from->issues[i];
}

/* Each path (file, directory, "-") is one job; threads take jobs in turn.
 * Callers that want a directory's files spread over threads list them. */
int vpce_plan_read(struct vpce_plan_agg *a, const char *const *paths, size_t npaths,
		   const struct vpce_flowlog_opts *opts, unsigned threads, struct vpce_flowlog_stats *st,
		   struct vpce_error *err)
{
	struct job *jobs = NULL;
	pthread_t *tids = NULL;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	size_t next = 0;
	int rc = 0;

	if (threads <= 1 || npaths <= 1) {
		/* one big plain file: its parts over the threads */
		if (threads > 1 && npaths == 1 && a->fast &&
		    (rc = plan_fast_file_split(a, paths[0], opts, threads, st, err)) != 1)
			return rc;
		for (size_t i = 0; i < npaths; i++)
			if ((rc = read_one(a, paths[i], opts, st, err)) != 0)
				return rc;
		return 0;
	}
	if (threads > npaths)
		threads = (unsigned)npaths;
	jobs = calloc(threads, sizeof(*jobs));
	tids = calloc(threads, sizeof(*tids));
	if (!jobs || !tids) {
		rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
		goto out;
	}
	for (unsigned t = 0; t < threads; t++) {
		jobs[t].paths = paths;
		jobs[t].npaths = npaths;
		jobs[t].next = &next;
		jobs[t].lock = &lock;
		jobs[t].opts = opts;
		if (t == 0) {
			jobs[t].agg = a;
		} else if ((rc = vpce_plan_agg_new(a->m, a->r, &jobs[t].agg, err)) != 0) {
			threads = t;
			goto out;
		} else {
			jobs[t].agg->fast = a->fast;
			jobs[t].agg->no_simd = a->no_simd;
		}
	}
	for (unsigned t = 1; t < threads; t++)
		if (pthread_create(&tids[t], NULL, worker, &jobs[t]) != 0) {
			jobs[t].rc = VPCE_ENOMEM;
			tids[t] = 0;
			vpce_error_set(&jobs[t].err, VPCE_ENOMEM, "cannot start a thread");
		}
	worker(&jobs[0]);
	for (unsigned t = 1; t < threads; t++)
		if (tids[t])
			pthread_join(tids[t], NULL);
	for (unsigned t = 0; t < threads; t++) {
		plan_stats_add(st, &jobs[t].st);
		if (jobs[t].rc != 0 && rc == 0) {
			rc = jobs[t].rc;
			if (err)
				*err = jobs[t].err;
		}
		if (t > 0 && rc == 0 && vpce_plan_agg_merge(a, jobs[t].agg) != 0)
			rc = vpce_error_set(err, VPCE_ENOMEM, "out of memory");
	}
out:
	if (jobs)
		for (unsigned t = 1; t < threads; t++)
			vpce_plan_agg_free(jobs[t].agg);
	free(jobs);
	free(tids);
	return rc;
}

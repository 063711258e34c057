/* plan internals shared by agg.c (hot path) and finish.c (attribution,
 * cost, recommendations). */
#ifndef VPCE_PLAN_INT_H
#define VPCE_PLAN_INT_H

#include "vpce/plan.h"
#include "util/util.h"

/* Address classes: tag in the high 32 bits, payload in the low 32. */
enum addr_tag {
	TAG_NONE = 0,     /* field absent / same as the plain address */
	TAG_AWS = 1,      /* ip-ranges prefix: payload = service id << 16 | region id */
	TAG_ENI = 2,      /* a snapshot ENI's private address: payload = ENI index */
	TAG_NAT = 3,      /* a NAT gateway's private address (no snapshot ENI): NAT index */
	TAG_VPC = 4,      /* inside a snapshot VPC's CIDRs, unknown ENI: VPC index */
	TAG_PRIVATE = 5,  /* other private space (RFC 1918, 100.64/10, fc00::/7, ...) */
	TAG_EXTERNAL = 6  /* public, not in ip-ranges */
};
#define CLS(tag, payload) (((uint64_t)(tag) << 32) | (uint32_t)(payload))
#define CLS_TAG(c) ((unsigned)((c) >> 32))
#define CLS_VAL(c) ((uint32_t)(c))

#define PLAN_ID_MAX 24

/* 40 bytes, compared bytewise (no padding holes: the pad bytes are zeroed). */
struct plan_key {
	uint32_t iface;       /* interned interface-id (0: absent) */
	uint8_t tp;           /* traffic-path 0..8 */
	uint8_t pad[3];
	uint64_t s, d;        /* classes of srcaddr, dstaddr */
	uint64_t ps, pd;      /* classes of pkt-srcaddr, pkt-dstaddr when they differ (else 0) */
};

struct plan_val {
	uint64_t bytes, packets, records;
	struct vpce_cidr sample_s, sample_d; /* addresses of the cell's first record (route lookups) */
};

struct plan_cell {
	struct plan_key k;
	struct plan_val v;
	uint32_t hash;        /* 0: empty slot */
};

struct plan_iface {
	char id[PLAN_ID_MAX + 1];
	uint8_t len;
	uint32_t hash;
};

struct addr_slot {
	uint32_t addr;        /* host order */
	uint32_t used;
	uint64_t cls;
};

#define PLAN_SLOT_SECONDS 600u
#define PLAN_SLOT_BITS 20u   /* 2^20 10-minute slots (about 20 years) */

struct vpce_plan_agg {
	const struct vpce_model *m;
	const struct vpce_ipranges *r;
	/* cells */
	struct plan_cell *cells;
	size_t cap, count;
	/* interned interface ids: index 0 is "absent" */
	struct plan_iface *ifaces;
	size_t nifaces, aifaces;
	uint32_t *ifmap;      /* hash slots -> iface index (0 empty) */
	size_t ifcap;
	/* snapshot addresses (shared layout, built per aggregate) */
	struct addr_slot *addrs;
	size_t addrcap;
	/* small direct-mapped cache of classified IPv4 addresses */
	struct addr_slot *cache;
	uint64_t records, skipped;
	uint64_t start, end;  /* min start, max end over records with times */
	uint64_t *slots;      /* bitmap of covered 10-minute slots (mod 2^20) */
};

uint64_t plan_classify(struct vpce_plan_agg *a, const struct vpce_cidr *addr);

#endif

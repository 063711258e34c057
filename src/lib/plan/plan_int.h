/* plan internals shared by agg.c (hot path) and finish.c (attribution,
 * cost, recommendations). */
#ifndef VPCE_PLAN_INT_H
#define VPCE_PLAN_INT_H

#include "vpce/plan.h"
#include "util/util.h"

/* Address classes: tag in the high 3 bits of a uint32, payload in the low 29
 * (ENI / NAT / VPC index, or ip-ranges service id << 16 | region id with
 * fewer than 8192 services). */
enum addr_tag {
	TAG_NONE = 0,     /* field absent / same as the plain address */
	TAG_AWS = 1,      /* ip-ranges prefix: payload = service id << 16 | region id */
	TAG_ENI = 2,      /* a snapshot ENI's private address: payload = ENI index */
	TAG_NAT = 3,      /* a NAT gateway's private address (no snapshot ENI): NAT index */
	TAG_VPC = 4,      /* inside a snapshot VPC's CIDRs, unknown ENI: VPC index */
	TAG_PRIVATE = 5,  /* other private space (RFC 1918, 100.64/10, fc00::/7, ...) */
	TAG_EXTERNAL = 6  /* public, not in ip-ranges */
};
#define CLS(tag, payload) (((uint32_t)(tag) << 29) | ((uint32_t)(payload) & 0x1fffffffu))
#define CLS_TAG(c) ((unsigned)((uint32_t)(c) >> 29))
#define CLS_VAL(c) ((uint32_t)(c) & 0x1fffffffu)

#define PLAN_ID_MAX 24

/* 24 bytes, compared bytewise (no padding). */
struct plan_key {
	uint32_t iface;       /* interned interface-id (0: absent) */
	uint32_t s, d;        /* classes of srcaddr, dstaddr */
	uint32_t ps, pd;      /* classes of pkt-srcaddr, pkt-dstaddr when they differ (else 0) */
	uint32_t tp;          /* traffic-path 0..8 */
};

struct plan_val {
	uint64_t bytes, records;
};

/* 48 bytes: the table stays small enough for the caches. */
struct plan_cell {
	struct plan_key k;
	struct plan_val v;
	uint32_t hash;        /* 0: empty slot */
};

/* Addresses of a cell's first record (for route lookups), kept beside the
 * cells (same slot index) so the hot table stays compact. */
struct plan_sample {
	struct vpce_cidr s, d;
};

struct vpc4;

struct plan_iface {
	char id[PLAN_ID_MAX + 1];
	uint8_t len;
	uint32_t hash;
};

struct addr_slot {
	uint32_t addr;        /* host order */
	uint32_t used;
	uint32_t cls;
	uint32_t pad;
};

/* A classified IPv4 address (cls 0: empty; no real class is 0). */
struct class_slot {
	uint32_t addr, cls;
};

struct id_cache {
	uint64_t h;
	uint32_t len, idx;
};
#define PLAN_IDCACHE 4096

#define PLAN_SLOT_SECONDS 600u
#define PLAN_SLOT_BITS 20u   /* 2^20 10-minute slots (about 20 years) */

struct vpce_plan_agg {
	const struct vpce_model *m;
	const struct vpce_ipranges *r;
	/* cells */
	struct plan_cell *cells;
	struct plan_sample *samples;
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
	struct class_slot *cache;
	uint64_t records, skipped;
	uint64_t start, end;  /* min start, max end over records with times */
	uint64_t *slots;      /* bitmap of covered 10-minute slots (mod 2^20) */
	struct id_cache *idcache;
	uint64_t snapbits[64]; /* filter of snapshot IPv4 addresses (agg.c addr_put) */
	struct vpc4 *vpc4, *wide4; /* IPv4 VPC CIDRs by /16 (agg.c) */
	size_t nvpc4, nwide4;
	uint32_t *cls16;      /* class of each uniform /16 block, 0 = per address (agg.c) */
	void *idvec;          /* fastv2.c's interface-id cache (freed with the aggregate) */
	bool fast;            /* use fastv2.c for plain v2 files (default) */
	bool no_simd;         /* fastv2.c: scalar scanner only (tests compare both) */
	uint64_t simd_records; /* records the SIMD scanner took (tests check it ran) */
	size_t split_min;     /* files from this size are split over threads (PLAN_SPLIT_MIN; tests lower it) */
	unsigned split_parts; /* parts of the last split file (tests check a split happened) */
};

/* fastv2.c: 0 read, 1 not taken (use the reader), negative error. The
 * buffer form is what the file form runs on the mapped file (and what the
 * differential fuzzer calls). */
int plan_fast_buffer(struct vpce_plan_agg *a, const char *text, size_t size, const char *name,
		     const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st, struct vpce_error *err);
int plan_fast_file(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
		   struct vpce_flowlog_stats *st, struct vpce_error *err);
#define PLAN_SPLIT_MIN ((size_t)32 << 20)
/* One plain v2 file of at least a->split_min bytes read by `threads` threads: split at
 * newlines into near-equal parts, one aggregate each, merged into a in file
 * order, statistics and issue lines as for one piece. 1 (nothing done, a
 * untouched) when it does not apply or a part meets a format-changing
 * header; 0 read; negative error. */
int plan_fast_file_split(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
			 unsigned threads, struct vpce_flowlog_stats *st, struct vpce_error *err);
/* vpce_flowlog_read_path with plan's SIMD scanner inside the reader (for
 * gzip, stdin, directories: what plan_fast_file does not take), records into
 * a; the reader alone where the scanner does not apply. */
int plan_read_hooked(struct vpce_plan_agg *a, const char *path, const struct vpce_flowlog_opts *opts,
		     struct vpce_flowlog_stats *st, struct vpce_error *err);
/* The same over a buffer (vpce_flowlog_parse_buffer; the fuzzer's entry). */
int plan_parse_buffer_hooked(struct vpce_plan_agg *a, const char *text, size_t len, const char *name,
			     const struct vpce_flowlog_opts *opts, struct vpce_flowlog_stats *st,
			     struct vpce_error *err);
/* A plain IPv4 v2 record as the fast scanner sees it. */
struct plan_v4 {
	const char *id;
	size_t idlen;
	uint32_t iface;       /* interned already (0: intern id) */
	uint32_t src, dst;
	uint64_t bytes, start, end;
};
/* agg.c: add n of them (classes first, cells prefetched, then updated). */
int plan_add_v4_batch(struct vpce_plan_agg *a, const struct plan_v4 *recs, size_t n);


uint32_t plan_classify(struct vpce_plan_agg *a, const struct vpce_cidr *addr);
/* Reading statistics: the per-line counters of from added to to; and
 * everything (files, bytes, counters, issues up to VPCE_FLOWLOG_ISSUES_KEPT). */
void plan_stats_add_lines(struct vpce_flowlog_stats *to, const struct vpce_flowlog_stats *from);
void plan_stats_add(struct vpce_flowlog_stats *to, const struct vpce_flowlog_stats *from);
/* The index of an interface id (n bytes; ids longer than PLAN_ID_MAX are
 * cut), interned on first sight; 0 when out of memory. */
uint32_t plan_intern(struct vpce_plan_agg *a, const char *s, size_t n);

#endif

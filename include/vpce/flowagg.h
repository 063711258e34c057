/* vpce — aggregate flow log records by (source, destination AWS service, region).
 *
 * A struct vpce_flowagg sums bytes, packets and record counts per key
 *   (source: interface-id or srcaddr,
 *    destination service id, destination region id)
 * where the destination's service and region come from a struct
 * vpce_ipranges longest-prefix match (the preferred label, see
 * vpce_ipranges_lookup). Destinations in no listed range get service and
 * region VPCE_IPRANGES_NONE.
 *
 * Only records with log-status OK and both addresses present are counted;
 * NODATA / SKIPDATA and records without addresses are counted in `skipped`.
 *
 * Threads: an aggregate is not locked. Give each thread (or each file) its
 * own aggregate over the same read-only ipranges object, then merge them
 * with vpce_flowagg_merge() — the result does not depend on the order.
 *
 * Ownership: vpce_flowagg_new() gives the caller *out (free with
 * vpce_flowagg_free); the ipranges object must outlive it.
 * vpce_flowagg_export() gives the caller an array to free with free().
 */
#ifndef VPCE_FLOWAGG_H
#define VPCE_FLOWAGG_H

#include "common.h"
#include "error.h"
#include "flowlog.h"
#include "ipranges.h"

enum vpce_flowagg_flags {
	VPCE_FLOWAGG_BY_SRCADDR = 1, /* key on srcaddr instead of interface-id */
	VPCE_FLOWAGG_PKT_ADDRS = 2   /* use pkt-srcaddr / pkt-dstaddr when present
				      * (the original addresses behind a NAT gateway
				      * or a secondary IP) */
};

enum vpce_flowagg_src_kind { VPCE_FLOWAGG_SRC_INTERFACE = 1, VPCE_FLOWAGG_SRC_ADDR = 2 };

#define VPCE_FLOWAGG_ID_MAX 24

/* 32 bytes, compared bytewise (padding is always zero). */
struct vpce_flowagg_key {
	uint8_t src_kind;    /* enum vpce_flowagg_src_kind */
	uint8_t src_len;     /* interface-id length (<= VPCE_FLOWAGG_ID_MAX) */
	uint8_t family;      /* address family of an address source */
	uint8_t pad;
	uint16_t dst_service;/* ip-ranges service id, or VPCE_IPRANGES_NONE */
	uint16_t dst_region; /* ip-ranges region id, or VPCE_IPRANGES_NONE */
	union {
		char id[VPCE_FLOWAGG_ID_MAX]; /* interface-id, not NUL-terminated when full */
		struct {
			uint64_t hi, lo;      /* as in struct vpce_cidr */
		} addr;
	} src;
};

struct vpce_flowagg_value {
	uint64_t bytes, packets;
	uint64_t records;
	uint64_t rejected_bytes;   /* bytes of records with action REJECT (included in bytes) */
};

struct vpce_flowagg_entry {
	struct vpce_flowagg_key key;
	struct vpce_flowagg_value value;
};

struct vpce_flowagg;

VPCE_EXTERN int vpce_flowagg_new(const struct vpce_ipranges *r, unsigned flags,
				 struct vpce_flowagg **out, struct vpce_error *err);
VPCE_EXTERN void vpce_flowagg_free(struct vpce_flowagg *a);

/* Add n records. VPCE_ENOMEM if the table cannot grow. */
VPCE_EXTERN int vpce_flowagg_add(struct vpce_flowagg *a, const struct vpce_flow_record *recs,
				 size_t n);
/* A vpce_flowlog_cb adapter: ctx is a struct vpce_flowagg *. */
VPCE_EXTERN int vpce_flowagg_cb(void *ctx, const struct vpce_flow_record *recs, size_t n);
/* Add every entry of `from` into `into` (same ipranges object and flags,
 * else VPCE_EINVAL). `from` is unchanged. */
VPCE_EXTERN int vpce_flowagg_merge(struct vpce_flowagg *into, const struct vpce_flowagg *from);

/* Number of distinct keys; records counted; records skipped (not OK, no addresses). */
VPCE_EXTERN size_t vpce_flowagg_count(const struct vpce_flowagg *a);
VPCE_EXTERN uint64_t vpce_flowagg_records(const struct vpce_flowagg *a);
VPCE_EXTERN uint64_t vpce_flowagg_skipped(const struct vpce_flowagg *a);

/* Look one key up; NULL when absent. Owned by a, valid until it changes. */
VPCE_EXTERN const struct vpce_flowagg_value *vpce_flowagg_get(const struct vpce_flowagg *a,
							       const struct vpce_flowagg_key *k);

/* All entries, sorted by bytes (descending), then key bytes. *out is a new
 * array (caller frees with free()); returns the count (0 with *out NULL when
 * empty), or (size_t)-1 when out of memory. */
VPCE_EXTERN size_t vpce_flowagg_export(const struct vpce_flowagg *a,
				       struct vpce_flowagg_entry **out);

/* Build a key (zeroed padding) for lookups. */
VPCE_EXTERN void vpce_flowagg_key_interface(struct vpce_flowagg_key *k, const char *id, size_t len,
					    unsigned service, unsigned region);
VPCE_EXTERN void vpce_flowagg_key_addr(struct vpce_flowagg_key *k, const struct vpce_cidr *addr,
				       unsigned service, unsigned region);
/* The source as text ("eni-..." or an address) into out (>= 64 bytes). */
VPCE_EXTERN const char *vpce_flowagg_key_src(const struct vpce_flowagg_key *k, char *out,
					     size_t outlen);

#endif

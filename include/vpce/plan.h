/* vpce — plan: which VPC endpoints pay off, measured from VPC Flow Logs.
 *
 * Three steps (docs/PLAN.md):
 *  1. attribution — flow log records are aggregated by the interface they
 *     were logged on and the class of each address (a snapshot ENI, a NAT
 *     gateway, an AWS prefix from ip-ranges.json = service + region, another
 *     VPC address, the internet). vpce_plan_finish() then turns the cells into
 *     traffic rows: (VPC, source subnet/AZ/ENI/instance, destination service
 *     and region, path, via), each connection counted once — a connection
 *     through a NAT gateway is logged on the workload's ENI and twice on the
 *     NAT gateway's ENI (inside leg workload<->NAT, outside leg NAT<->service);
 *     the closest observation to the source wins and the NAT's outside legs
 *     only add what no source observation explains.
 *  2. cost — regional prices (data/prices.json, struct vpce_prices), the
 *     observed window scaled to a 730-hour month.
 *  3. recommendations — gateway endpoints for same-region S3/DynamoDB
 *     traffic on NAT, interface endpoints that cost less than NAT for their
 *     traffic, idle interface endpoints, cross-AZ traffic to NAT / endpoints.
 *
 * Ownership: *_new / *_load give the caller an object freed by the matching
 * *_free (NULL-safe). A struct vpce_plan_result is freed with
 * vpce_plan_result_free; its strings live in the result or point into the
 * model / ipranges. The model, ipranges and prices objects must outlive the
 * aggregates and results built over them; they are only read, so several
 * aggregates (threads) may share them.
 */
#ifndef VPCE_PLAN_H
#define VPCE_PLAN_H

#include "common.h"
#include "error.h"
#include "buf.h"
#include "model.h"
#include "ipranges.h"
#include "flowlog.h"

/* ---- prices ---------------------------------------------------------------- */

/* Bytes in a GB as AWS bills data (10^9). */
#define VPCE_BYTES_PER_GB 1000000000.0
/* Hours in the month used for monthly figures (AWS pricing pages use 730). */
#define VPCE_HOURS_PER_MONTH 730.0

#define VPCE_PRICE_TIERS 3

/* One region's figures. A figure that is not known is negative (< 0): the
 * recommendation that needs it is not made and a note says why. */
struct vpce_price_region {
	const char *region;
	double nat_hour;            /* $ per NAT gateway hour */
	double nat_gb;              /* $ per GB processed by a NAT gateway */
	double ie_az_hour;          /* $ per interface endpoint per AZ hour */
	double ie_gb[VPCE_PRICE_TIERS];       /* $ per GB processed, by tier */
	double ie_tier_gb[VPCE_PRICE_TIERS];  /* upper bound of each tier in GB/month
					       * (the last is unbounded: 0) */
	double inter_az_gb;         /* $ per GB crossing AZs, charged in each direction */
	const char *source;         /* where the figures come from */
	const char *date;           /* when they were read */
};

struct vpce_prices;

/* Load prices (path NULL: "$VPCE_DATA_DIR/prices.json" or the compiled-in
 * data directory). Errors carry file:line:col (VPCE_EPARSE, VPCE_EINVAL). */
VPCE_EXTERN int vpce_prices_load(const char *path, struct vpce_prices **out, struct vpce_error *err);
VPCE_EXTERN int vpce_prices_load_mem(const char *text, size_t len, const char *name, struct vpce_prices **out,
				     struct vpce_error *err);
VPCE_EXTERN void vpce_prices_free(struct vpce_prices *p);
/* The figures of a region or NULL. Owned by p. */
VPCE_EXTERN const struct vpce_price_region *vpce_prices_region(const struct vpce_prices *p, const char *region);
/* The file's own description (its "source" member) or "". */
VPCE_EXTERN const char *vpce_prices_source(const struct vpce_prices *p);
/* Dollars for gb GB/month through interface endpoints in a region whose
 * interface endpoints already process base_gb GB/month (tiers apply to the
 * regional total): cost(base + gb) - cost(base). Negative when the tier
 * prices are unknown. */
VPCE_EXTERN double vpce_prices_interface_data(const struct vpce_price_region *r, double base_gb, double gb);

/* ---- aggregation ---------------------------------------------------------------- */

struct vpce_plan_agg;

/* An empty aggregate over a model and ip-ranges (both must outlive it). */
VPCE_EXTERN int vpce_plan_agg_new(const struct vpce_model *m, const struct vpce_ipranges *r,
				  struct vpce_plan_agg **out, struct vpce_error *err);
VPCE_EXTERN void vpce_plan_agg_free(struct vpce_plan_agg *a);
/* Add records (log-status OK — or no log-status field in the format — with
 * both addresses count; others only mark the time they cover). VPCE_ENOMEM
 * if a table cannot grow. */
VPCE_EXTERN int vpce_plan_agg_add(struct vpce_plan_agg *a, const struct vpce_flow_record *recs, size_t n);
/* vpce_plan_read takes plain v2-default-format files through its own
 * scanner (src/lib/plan/fastv2.c; other lines and files go through the
 * flowlog reader, with identical results). Off: always the reader. */
VPCE_EXTERN void vpce_plan_agg_set_fast(struct vpce_plan_agg *a, bool on);
/* vpce_flowlog_cb adapter (ctx: struct vpce_plan_agg *). */
VPCE_EXTERN int vpce_plan_agg_cb(void *ctx, const struct vpce_flow_record *recs, size_t n);
/* Add every cell of from into into (same model and ipranges). */
VPCE_EXTERN int vpce_plan_agg_merge(struct vpce_plan_agg *into, const struct vpce_plan_agg *from);
/* Distinct cells; records counted; records skipped (not OK / no addresses). */
VPCE_EXTERN size_t vpce_plan_agg_cells(const struct vpce_plan_agg *a);
VPCE_EXTERN uint64_t vpce_plan_agg_records(const struct vpce_plan_agg *a);
VPCE_EXTERN uint64_t vpce_plan_agg_skipped(const struct vpce_plan_agg *a);

/* Read paths (files, directories, "-") into a: with threads > 1 and several
 * files, files are shared among threads (one aggregate each, merged into a).
 * Statistics are added to *st. */
VPCE_EXTERN int vpce_plan_read(struct vpce_plan_agg *a, const char *const *paths, size_t npaths,
			       const struct vpce_flowlog_opts *opts, unsigned threads,
			       struct vpce_flowlog_stats *st, struct vpce_error *err);

/* ---- result ----------------------------------------------------------------------- */

enum vpce_plan_action { VPCE_PLAN_CREATE, VPCE_PLAN_MODIFY, VPCE_PLAN_DELETE };

/* One traffic row: bytes observed in the window, both directions, each
 * connection once. Strings may be NULL (unknown). */
struct vpce_plan_traffic {
	const char *vpc;
	const char *az;
	const char *subnet;
	const char *eni;           /* the source ENI (logged or inferred) */
	const char *instance;
	const char *service;       /* com.amazonaws.REGION.NAME; NULL if unknown or not AWS */
	const char *ip_service;    /* ip-ranges label ("S3", "AMAZON", …) or NULL (not AWS) */
	const char *region;        /* the destination's region, NULL if not AWS / GLOBAL */
	const char *path;          /* check's path names, or "unknown" */
	const char *via;           /* nat-/igw-/vpce-/… id or NULL */
	const char *via_az;        /* AZ of the NAT gateway / endpoint ENI, or NULL */
	bool cross_az;             /* source AZ differs from the via resource's AZ */
	const char *attribution;   /* "source" (the source ENI's own records), "leg" (a NAT
				    * inside leg or an endpoint ENI), "apportioned" (NAT
				    * outside legs shared by the sources' inside-leg bytes),
				    * "nat-only" (NAT outside legs, source unknown) */
	uint64_t bytes;
	uint64_t records;
	/* for the planner (indices into the model, VPCE_NONE when unknown) */
	uint64_t dest_cls;
	uint32_t eni_idx, vpc_idx, via_nat, via_ep;
};

struct vpce_plan_source {
	const char *id;            /* ENI (or subnet) */
	const char *label;         /* instance id or NULL */
	uint64_t bytes;
};

#define VPCE_PLAN_TOP_SOURCES 3

struct vpce_plan_rec {
	uint8_t action;            /* enum vpce_plan_action */
	const char *type;          /* "Gateway" or "Interface" */
	const char *vpc;
	const char *service;
	const char *endpoint;      /* existing id or NULL */
	const char **route_tables; uint32_t nroute_tables;
	const char **subnets;      uint32_t nsubnets;
	const char *policy;        /* NULL */
	double monthly_saving_usd;
	double break_even_gb_month;/* < 0: not applicable (null in JSON) */
	double gb_month;           /* traffic concerned, scaled to a month */
	double confidence;         /* 0..1: share of the window the logs cover */
	const char *reason;        /* one sentence with the arithmetic */
	struct vpce_plan_source top[VPCE_PLAN_TOP_SOURCES];
	uint32_t ntop;
};

struct vpce_plan_result {
	uint64_t start, end;       /* Unix seconds: first record start, last record end */
	double hours;              /* (end - start) / 3600 */
	double covered_hours;      /* 10-minute slots with records, in hours */
	double month_factor;       /* 730 / hours (0 when hours is 0) */
	struct vpce_plan_traffic *traffic; uint32_t ntraffic;
	struct vpce_plan_rec *recs; uint32_t nrecs;
	const char **notes;        uint32_t nnotes;
	uint64_t records, skipped;
	uint64_t bytes_total;      /* bytes in traffic rows */
	uint64_t bytes_internal;   /* VPC-internal bytes (not to endpoints / NAT), not in rows */
	uint64_t bytes_duplicate;  /* bytes dropped as second observations of a connection */
	struct vpce_plan_priv *priv;
};

/* Attribute, cost and recommend. prices may be NULL (no money figures). */
VPCE_EXTERN int vpce_plan_finish(const struct vpce_plan_agg *a, const struct vpce_prices *prices,
				 struct vpce_plan_result **out, struct vpce_error *err);
VPCE_EXTERN void vpce_plan_result_free(struct vpce_plan_result *r);

VPCE_EXTERN const char *vpce_plan_action_name(enum vpce_plan_action a);

/* The plan.json document (docs/PLAN.md); st (may be NULL) adds the input
 * statistics and the first malformed lines. */
VPCE_EXTERN int vpce_plan_render_json(struct vpce_buf *b, const struct vpce_plan_result *r,
				      const struct vpce_flowlog_stats *st, const char *prices_source);
/* A table for people. */
VPCE_EXTERN int vpce_plan_render_table(struct vpce_buf *b, const struct vpce_plan_result *r,
				       const struct vpce_flowlog_stats *st);

#endif

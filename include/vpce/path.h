/* vpce — the path engine: which way traffic from a workload to an AWS
 * service goes, and why, step by step.
 *
 * An engine is built once over an immutable model and answers any number of
 * (source, service) questions. Each answer (struct vpce_verdict) holds hops,
 * notes and fixes whose strings live in the engine's result arena: they stay
 * valid until vpce_engine_reset() or vpce_engine_free().
 */
#ifndef VPCE_PATH_H
#define VPCE_PATH_H

#include "model.h"

enum vpce_path_kind {
	VPCE_PATH_GATEWAY_ENDPOINT,
	VPCE_PATH_INTERFACE_ENDPOINT,
	VPCE_PATH_NAT_GATEWAY,
	VPCE_PATH_INTERNET_GATEWAY,
	VPCE_PATH_TRANSIT_GATEWAY,
	VPCE_PATH_PEERING,
	VPCE_PATH_VPN_GATEWAY,
	VPCE_PATH_NETWORK_INTERFACE,
	VPCE_PATH_BLOCKED,
	VPCE_PATH_COUNT
};

/* Steps in the order they are evaluated; also the values of blocked_at. */
enum vpce_step {
	VPCE_STEP_DNS,
	VPCE_STEP_ROUTE,
	VPCE_STEP_SECURITY_GROUP,
	VPCE_STEP_NETWORK_ACL,
	VPCE_STEP_ENDPOINT_SECURITY_GROUP,
	VPCE_STEP_NAT_GATEWAY,
	VPCE_STEP_INTERNET_GATEWAY,
	VPCE_STEP_ENDPOINT_STATE,
	VPCE_STEP_ENDPOINT_POLICY,
	VPCE_STEP_RESOURCE_POLICY,
	VPCE_STEP_COUNT
};

enum vpce_hop_result { VPCE_HOP_PASS, VPCE_HOP_FAIL, VPCE_HOP_INFO, VPCE_HOP_SKIP };

struct vpce_hop {
	uint8_t step;          /* enum vpce_step */
	uint8_t result;        /* enum vpce_hop_result */
	const char *resource;  /* id of the resource that decided (may be NULL) */
	const char *detail;    /* one sentence */
};

struct vpce_verdict {
	const char *from;      /* source id as given */
	const char *to;        /* service as given */
	const char *service;   /* com.amazonaws.REGION.NAME (or the name given) */
	const char *region;    /* the service's region */
	int port;
	int proto;
	uint8_t path;          /* enum vpce_path_kind */
	bool is_private;       /* true only for the two endpoint paths */
	const char *via;       /* vpce-/nat-/igw-/tgw-/pcx-/vgw-/eni- id, NULL when blocked */
	int8_t blocked_at;     /* enum vpce_step, -1 unless blocked */
	struct vpce_hop *hops;
	uint32_t nhops;
	const char **notes;
	uint32_t nnotes;
	const char **fixes;
	uint32_t nfixes;
};

/* Public address provider (e.g. the bundled ip-ranges.json): the prefixes
 * of an ip-ranges service name ("S3", "DYNAMODB", "EC2", "AMAZON") in a
 * region. Returns the count and points *out at storage that outlives the
 * engine. */
typedef size_t (*vpce_public_prefixes_fn)(void *ctx, const char *ip_service, const char *region,
					  const struct vpce_cidr **out);

/* A request to evaluate against the policies on each path: the policy of
 * the endpoint the path goes through and, for S3, the bucket's policy. */
struct vpce_check_request {
	const char *action;           /* "s3:GetObject"; NULL: no request */
	const char *resource;         /* ARN */
	const char *principal;        /* principal ARN or account id, may be NULL */
	const char *principal_org;    /* aws:PrincipalOrgID */
	const char *resource_account; /* aws:ResourceAccount */
	const char *resource_org;     /* aws:ResourceOrgID */
	const char *const *ctx_keys;  /* extra context, KEY=VALUE pairs (repeat a key */
	const char *const *ctx_values;/* to make it multi-valued) */
	size_t nctx;
	bool unknown_principal;       /* principal and context unknown: a policy
					 blocks only when it denies every principal */
};

struct vpce_engine_options {
	int port;                    /* default 443 */
	int proto;                   /* default 6 (TCP) */
	uint16_t ephemeral_lo, ephemeral_hi; /* default 32768-60999 (Linux) */
	vpce_public_prefixes_fn public_prefixes; /* may be NULL */
	const struct vpce_check_request *request; /* may be NULL; must outlive the engine */
	const char *owned_buckets_path; /* service-owned S3 buckets data (NULL: bundled) */
	bool brief;                  /* decide only: hops keep step/result/resource
					but no detail text; no notes or fixes */
	void *public_ctx;
};

/* A question's source: a subnet, an ENI or an instance. */
struct vpce_source {
	uint8_t kind;          /* VPCE_K_SUBNET, VPCE_K_ENI or VPCE_K_INSTANCE */
	uint32_t idx;
	const char *label;     /* shown as "from" */
	uint32_t sg_set;       /* with kind SUBNET: only ENIs of this SG set (UINT32_MAX: all) */
};

struct vpce_engine;

/* *out: caller frees with vpce_engine_free. The model must outlive it. */
VPCE_EXTERN int vpce_engine_new(const struct vpce_model *m, const struct vpce_engine_options *opts,
				struct vpce_engine **out, struct vpce_error *err);
VPCE_EXTERN void vpce_engine_free(struct vpce_engine *e);
/* Drop every verdict string produced so far (for long runs). */
VPCE_EXTERN void vpce_engine_reset(struct vpce_engine *e);

/* Resolve "subnet-…", "eni-…" or "i-…" to a source. */
VPCE_EXTERN int vpce_engine_source(const struct vpce_engine *e, const char *id, struct vpce_source *out,
				   struct vpce_error *err);
/* The default sources: every subnet, plus one per distinct security-group
 * set of its workloads when they differ. *out: caller frees with free(). */
VPCE_EXTERN int vpce_engine_default_sources(struct vpce_engine *e, struct vpce_source **out, size_t *n,
					    struct vpce_error *err);
/* The default services: s3, dynamodb and every service with an interface
 * endpoint in the model. *out: caller frees the array with free(); the
 * strings belong to the engine. */
VPCE_EXTERN int vpce_engine_default_services(struct vpce_engine *e, const char ***out, size_t *n,
					     struct vpce_error *err);

/* Decide the path from src to service (short name or full name). */
VPCE_EXTERN int vpce_engine_check(struct vpce_engine *e, const struct vpce_source *src, const char *service,
				  struct vpce_verdict *out, struct vpce_error *err);

/* Names used in JSON ("gateway-endpoint", "nat-gateway", …; "dns", "route", …). Static. */
VPCE_EXTERN const char *vpce_path_name(enum vpce_path_kind k);
VPCE_EXTERN const char *vpce_step_name(enum vpce_step s);
VPCE_EXTERN const char *vpce_hop_result_name(enum vpce_hop_result r);

#endif

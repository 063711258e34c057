/* vpce — the snapshot model: VPC resources as plain structs in arrays.
 *
 * A model is built by the snapshot loader (snapshot.h) and is immutable
 * afterwards. Cross references are array indices (VPCE_NONE when the
 * referenced resource is not in the snapshot: a dangling reference, whose
 * id string is kept so it can be reported). All strings and arrays are owned
 * by the model and live until vpce_model_free().
 */
#ifndef VPCE_MODEL_H
#define VPCE_MODEL_H

#include "common.h"
#include "cidr.h"
#include "error.h"

#define VPCE_NONE UINT32_MAX

/* Tri-state facts: a snapshot may not say. */
enum vpce_tri { VPCE_TRI_UNKNOWN = -1, VPCE_TRI_FALSE = 0, VPCE_TRI_TRUE = 1 };

/* Where an effective value came from (reported in notes). */
enum vpce_fact_source {
	VPCE_FACT_SNAPSHOT,  /* read from describe-vpc-attribute */
	VPCE_FACT_DEFAULT,   /* AWS's default for this kind of VPC */
	VPCE_FACT_INFERRED   /* implied by another fact (private DNS on an endpoint) */
};

struct vpce_vpc {
	const char *id;
	const char *region;          /* may be NULL when unknown */
	const char *owner;
	struct vpce_cidr *cidrs;     /* IPv4 then IPv6 associations */
	uint32_t ncidrs;
	bool is_default;
	bool stub;                   /* referenced but absent from Vpcs */
	bool dns_support, dns_hostnames;          /* effective values */
	uint8_t dns_support_src, dns_hostnames_src; /* enum vpce_fact_source */
	uint32_t main_rtb;           /* VPCE_NONE if unknown */
	uint32_t default_nacl;
};

struct vpce_subnet {
	const char *id;
	uint32_t vpc;
	const char *az;              /* "us-east-1a" */
	const char *az_id;           /* "use1-az2", may be NULL */
	struct vpce_cidr cidr;       /* IPv4 block (family 0 if none) */
	struct vpce_cidr cidr6;      /* IPv6 block (family 0 if none) */
	uint32_t rtb;                /* effective route table (explicit or main) */
	bool rtb_explicit;
	uint32_t nacl;               /* VPCE_NONE if unknown */
	bool map_public_ip;
	const char *name;            /* Name tag or NULL */
};

enum vpce_target_kind {
	VPCE_TGT_LOCAL,
	VPCE_TGT_IGW,
	VPCE_TGT_EIGW,
	VPCE_TGT_NAT,
	VPCE_TGT_GATEWAY_ENDPOINT,
	VPCE_TGT_TGW,
	VPCE_TGT_PEERING,
	VPCE_TGT_VGW,
	VPCE_TGT_ENI,
	VPCE_TGT_INSTANCE,
	VPCE_TGT_CARRIER,
	VPCE_TGT_LOCAL_GATEWAY,
	VPCE_TGT_CORE_NETWORK,
	VPCE_TGT_UNKNOWN
};

enum vpce_route_origin {
	VPCE_ORIGIN_STATIC,      /* CreateRouteTable / CreateRoute */
	VPCE_ORIGIN_PROPAGATED   /* EnableVgwRoutePropagation */
};

struct vpce_route {
	struct vpce_cidr dst;        /* family 0 when the destination is a prefix list */
	uint32_t prefix_list;        /* index into prefix_lists, VPCE_NONE for CIDR routes */
	const char *prefix_list_id;  /* as written in the route (kept when dangling) */
	uint8_t target;              /* enum vpce_target_kind */
	uint8_t origin;              /* enum vpce_route_origin */
	bool blackhole;
	const char *target_id;       /* "local", "igw-…", "nat-…", "vpce-…", … */
	uint32_t target_idx;         /* index into the target's array or VPCE_NONE */
};

struct vpce_route_table {
	const char *id;
	uint32_t vpc;
	struct vpce_route *routes;
	uint32_t nroutes;
	bool is_main;
};

enum vpce_peer_kind { VPCE_PEER_CIDR, VPCE_PEER_PREFIX_LIST, VPCE_PEER_SG };

/* One security group rule, flattened to a single peer. */
struct vpce_sg_rule {
	int16_t proto;               /* IANA protocol number, -1 for all */
	int32_t from_port, to_port;  /* inclusive; -1..-1 or 0..65535 for all */
	uint8_t peer_kind;           /* enum vpce_peer_kind */
	struct vpce_cidr cidr;       /* VPCE_PEER_CIDR */
	uint32_t peer_idx;           /* prefix list or SG index, VPCE_NONE if dangling */
	const char *peer_id;         /* pl-… / sg-… as written */
};

struct vpce_security_group {
	const char *id;
	const char *name;
	uint32_t vpc;
	struct vpce_sg_rule *ingress;
	uint32_t ningress;
	struct vpce_sg_rule *egress;
	uint32_t negress;
};

struct vpce_nacl_entry {
	int32_t rule_number;
	int16_t proto;               /* -1 all */
	bool egress;
	bool allow;
	struct vpce_cidr cidr;
	int32_t from_port, to_port;  /* inclusive, 0..65535 when absent */
};

struct vpce_nacl {
	const char *id;
	uint32_t vpc;
	bool is_default;
	struct vpce_nacl_entry *entries; /* sorted: egress false first, then by rule number */
	uint32_t nentries;
};

enum vpce_endpoint_type {
	VPCE_EP_GATEWAY,
	VPCE_EP_INTERFACE,
	VPCE_EP_GWLB,
	VPCE_EP_OTHER
};

struct vpce_endpoint {
	const char *id;
	uint32_t vpc;
	const char *service;         /* full name, com.amazonaws.us-east-1.s3 */
	const char *service_region;  /* region parsed from the name, may be NULL */
	const char *service_short;   /* "s3", "ecr.dkr", or the full name if not AWS's */
	uint8_t type;                /* enum vpce_endpoint_type */
	const char *state;           /* "available", "pending", … (lower-cased as given) */
	bool private_dns;
	int8_t dns_inbound_only;     /* DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint */
	uint32_t *rtbs; uint32_t nrtbs;
	const char **rtb_ids;        /* as written (kept when dangling) */
	uint32_t *subnets; uint32_t nsubnets;
	uint32_t *sgs; uint32_t nsgs;
	const char **sg_ids;
	uint32_t *enis; uint32_t nenis;
	const char **eni_ids;
	const char *policy;          /* PolicyDocument text or NULL */
	const char *owner;
};

struct vpce_nat_gateway {
	const char *id;
	uint32_t vpc;
	uint32_t subnet;
	const char *state;
	bool is_public;              /* ConnectivityType public (default) */
	const char *public_ip;
	const char *eni_id;          /* primary NatGatewayAddresses[].NetworkInterfaceId or NULL */
	struct vpce_cidr private_ip; /* its PrivateIp (family 0 if not given) */
};

struct vpce_internet_gateway {
	const char *id;
	uint32_t *vpcs;              /* attached VPCs (state available/attached) */
	uint32_t nvpcs;
};

enum vpce_eni_kind {
	VPCE_ENI_WORKLOAD,           /* instances, Lambda, ECS tasks, … */
	VPCE_ENI_ENDPOINT,           /* interface endpoint ENI */
	VPCE_ENI_NAT,
	VPCE_ENI_OTHER               /* load balancers, TGW attachments, … */
};

struct vpce_eni {
	const char *id;
	uint32_t subnet;
	uint32_t vpc;
	const char *az;
	struct vpce_cidr *ips;       /* private addresses (/32, /128) */
	uint32_t nips;
	uint32_t *sgs; uint32_t nsgs;
	const char **sg_ids;
	bool public_ip;
	uint32_t instance;           /* VPCE_NONE if not an instance's */
	const char *instance_id;
	uint8_t kind;                /* enum vpce_eni_kind */
	const char *interface_type;
	const char *description;
	uint32_t sg_set;             /* id of the distinct SG set (for grouping) */
};

struct vpce_instance {
	const char *id;
	uint32_t subnet;
	uint32_t vpc;
	const char *state;
	const char *name;
	bool public_ip;
	uint32_t primary_eni;        /* VPCE_NONE if the ENI is unknown */
	uint32_t *sgs; uint32_t nsgs;
	const char **sg_ids;
	struct vpce_cidr ip;         /* primary private IP (family 0 if none) */
};

struct vpce_prefix_list {
	const char *id;
	const char *name;            /* com.amazonaws.us-east-1.s3 for AWS-managed lists */
	struct vpce_cidr *cidrs;
	uint32_t ncidrs;
	bool aws_managed;
	bool has_entries;            /* the snapshot gave its CIDRs */
};

/* An S3 bucket policy (get-bucket-policy output). */
struct vpce_bucket_policy {
	const char *bucket;
	const char *policy;          /* the policy document text */
	const char *file;            /* where it came from (for messages) */
};

struct vpce_service_detail {
	const char *name;
	const char *private_dns_name;
	bool gateway, interface;
};

/* Kinds of id known to the model (vpce_model_find). */
enum vpce_kind {
	VPCE_K_VPC, VPCE_K_SUBNET, VPCE_K_RTB, VPCE_K_SG, VPCE_K_NACL, VPCE_K_ENDPOINT,
	VPCE_K_NAT, VPCE_K_IGW, VPCE_K_ENI, VPCE_K_INSTANCE, VPCE_K_PREFIX_LIST, VPCE_K_COUNT
};

struct vpce_model_priv;

struct vpce_model {
	struct vpce_vpc *vpcs;                 uint32_t nvpcs;
	struct vpce_subnet *subnets;           uint32_t nsubnets;
	struct vpce_route_table *rtbs;         uint32_t nrtbs;
	struct vpce_security_group *sgs;       uint32_t nsgs;
	struct vpce_nacl *nacls;               uint32_t nnacls;
	struct vpce_endpoint *endpoints;       uint32_t nendpoints;
	struct vpce_nat_gateway *nats;         uint32_t nnats;
	struct vpce_internet_gateway *igws;    uint32_t nigws;
	struct vpce_eni *enis;                 uint32_t nenis;
	struct vpce_instance *instances;       uint32_t ninstances;
	struct vpce_prefix_list *prefix_lists; uint32_t nprefix_lists;
	struct vpce_service_detail *services;  uint32_t nservices;
	struct vpce_bucket_policy *bucket_policies; uint32_t nbucket_policies;
	const char *region;                    /* the snapshot's main region or NULL */
	const char **notes;                    /* load notes, in order */
	uint32_t nnotes;
	size_t input_bytes;                    /* JSON bytes read */
	struct vpce_model_priv *priv;
};

/* True when s[0..n) looks like an AWS region name ("us-east-1", "us-gov-west-1"). */
VPCE_EXTERN bool vpce_is_region_name(const char *s, size_t n);
/* Split an AWS service name "com.amazonaws.REGION.NAME" into its region
 * (copied into region[rlen]) and short name (pointer into name). Returns
 * false, leaving region empty and *short_name = name, for other names. */
VPCE_EXTERN bool vpce_service_name_split(const char *name, char *region, size_t rlen,
					 const char **short_name);

/* Free a model. NULL-safe. */
VPCE_EXTERN void vpce_model_free(struct vpce_model *m);
/* Find a resource by id; returns true and sets *kind and *idx. */
VPCE_EXTERN bool vpce_model_find(const struct vpce_model *m, const char *id,
				 enum vpce_kind *kind, uint32_t *idx);
/* Index of the prefix list with that name ("com.amazonaws.us-east-1.s3") or VPCE_NONE. */
VPCE_EXTERN uint32_t vpce_model_prefix_list_by_name(const struct vpce_model *m, const char *name);
/* Bytes of memory held by the model (for reports). */
VPCE_EXTERN size_t vpce_model_memory(const struct vpce_model *m);
/* Name of a target kind for messages ("NAT gateway", …). Static. */
VPCE_EXTERN const char *vpce_target_kind_name(enum vpce_target_kind k);

#endif

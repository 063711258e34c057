/* vpce — AWS IP address ranges (ip-ranges.json): listing and longest-prefix match.
 *
 * Format: https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-syntax.html
 * ("prefixes" with ip_prefix, "ipv6_prefixes" with ipv6_prefix; each entry has
 * region, network_border_group and service). The same CIDR is listed once per
 * service label; vpce keeps one "prefix" per distinct CIDR carrying all its labels.
 *
 * Ownership: vpce_ipranges_load() gives *out to the caller, who frees it with
 * vpce_ipranges_free(). Every pointer returned by the other functions (arrays,
 * names) is owned by the ranges object and valid until it is freed. A loaded
 * object is read-only: it may be shared by threads without locking.
 *
 * Ids: services, regions and network border groups get small dense ids
 * (0 .. count-1, in order of first appearance in the file) so callers can key
 * aggregates on them. VPCE_IPRANGES_NONE marks "no such id".
 */
#ifndef VPCE_IPRANGES_H
#define VPCE_IPRANGES_H

#include "common.h"
#include "error.h"
#include "cidr.h"

struct vpce_ipranges;

#define VPCE_IPRANGES_NONE 0xffffu

/* The result of a lookup. Strings are owned by the ranges object. */
struct vpce_iprange_match {
	struct vpce_cidr prefix;     /* the longest listed prefix containing the address */
	uint32_t handle;             /* 1-based prefix handle (see vpce_ipranges_lookup_v4) */
	uint16_t service_id;         /* the preferred label (see vpce_ipranges_lookup) */
	uint16_t region_id;
	uint16_t nbg_id;
	uint16_t n_services;         /* number of labels of this prefix (>= 1) */
	const uint16_t *service_ids; /* all labels of the prefix, preferred first */
	const char *service;         /* name of service_id, e.g. "S3" */
	const char *region;          /* e.g. "eu-west-2" or "GLOBAL" */
	const char *network_border_group;
};

/* Load an ip-ranges.json file. path NULL means the bundled copy:
 * "$VPCE_DATA_DIR/aws-ip-ranges.json" when the environment variable
 * VPCE_DATA_DIR is set, else the compiled-in VPCE_DATA_DIR directory.
 * Errors: VPCE_EIO (cannot read), VPCE_EPARSE (not JSON; position set),
 * VPCE_EINVAL (a required member missing or a bad CIDR; position of the entry). */
VPCE_EXTERN int vpce_ipranges_load(const char *path, struct vpce_ipranges **out,
				   struct vpce_error *err);
/* As vpce_ipranges_load, from memory (name is used in error positions). */
VPCE_EXTERN int vpce_ipranges_load_mem(const char *text, size_t len, const char *name,
				       struct vpce_ipranges **out, struct vpce_error *err);
VPCE_EXTERN void vpce_ipranges_free(struct vpce_ipranges *r);

/* Where AWS publishes the file ("AWS IP address ranges", Amazon VPC User
 * Guide: https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html). */
#define VPCE_IPRANGES_URL "https://ip-ranges.amazonaws.com/ip-ranges.json"

/* The bundled copy's path ("$VPCE_DATA_DIR/aws-ip-ranges.json", else the
 * compiled-in data directory) into out. Returns 0 or VPCE_EUSAGE (too long). */
VPCE_EXTERN int vpce_ipranges_default_path(char *out, size_t outlen);

enum vpce_ipranges_outcome {
	VPCE_IPRANGES_UPDATED = 0,    /* the file was replaced (or created) */
	VPCE_IPRANGES_CURRENT = 1,    /* same syncToken: nothing written */
	VPCE_IPRANGES_OLDER = 2       /* the download is older: nothing written (force replaces) */
};

struct vpce_ipranges_update {
	enum vpce_ipranges_outcome outcome;
	char old_token[32], old_date[32];   /* "" when there was no readable file */
	char new_token[32], new_date[32];
	size_t new_prefixes;                 /* distinct prefixes (IPv4 + IPv6) in the download */
	size_t bytes;                        /* size of the download */
};

/* Download ip-ranges.json from url (NULL: VPCE_IPRANGES_URL; https only,
 * plain http only to a loopback host; TLS verified, with AWS_CA_BUNDLE as
 * the CA file when set), check that it loads as an ip-ranges file, compare
 * its syncToken (publication time, Unix seconds) with the file at path
 * (NULL: the bundled copy) and replace that file atomically (temporary file
 * + rename) when the download is newer, or when force. Nothing is written
 * on any error. Errors: VPCE_ENET (transport, or an HTTP status other than
 * 200), VPCE_EPARSE / VPCE_EINVAL (the download is not a valid file;
 * position set, file name = url), VPCE_EIO (cannot write), VPCE_EUSAGE (url
 * refused). */
VPCE_EXTERN int vpce_ipranges_update(const char *url, const char *path, bool force,
				     struct vpce_ipranges_update *res, struct vpce_error *err);

/* "syncToken" and "createDate" of the file ("" when absent). */
VPCE_EXTERN const char *vpce_ipranges_sync_token(const struct vpce_ipranges *r);
VPCE_EXTERN const char *vpce_ipranges_create_date(const struct vpce_ipranges *r);

/* The distinct prefixes labelled `service` (an ip-ranges service name such as
 * "S3", "DYNAMODB", "EC2", "AMAZON"; exact, case-sensitive) in `region` (exact,
 * e.g. "us-west-2" or "GLOBAL"). Sets *out to an array owned by r: IPv4 first,
 * then IPv6, each in ascending address order. Returns the count; 0 (and *out
 * NULL) when there are none. */
VPCE_EXTERN size_t vpce_ipranges_prefixes(const struct vpce_ipranges *r, const char *service,
					  const char *region, const struct vpce_cidr **out);

/* Longest-prefix match of addr (IPv4 or IPv6; a block with len < 32/128 matches
 * only a listed prefix that contains the whole block). Returns 0 and fills *m,
 * or VPCE_ENOTFOUND when no listed prefix contains it.
 *
 * Preferred label when a prefix carries several: any specific service beats
 * EC2, and EC2 beats AMAZON. AMAZON is the superset of every subset (AWS
 * aws-ip-syntax page), so it never identifies the service. A prefix labelled
 * both EC2 and S3 (or DYNAMODB, ...) is address space in which that service's
 * public endpoints live — those are exactly the ranges a gateway or interface
 * endpoint for the service would take off the NAT/internet path — whereas the
 * EC2 label only says the block also belongs to EC2's public address pool; so
 * the narrower label is the useful answer. Between two specific services (e.g.
 * CLOUDFRONT and CLOUDFRONT_ORIGIN_FACING) the one listed for fewer prefixes
 * in the whole file wins (the narrower subset), then the lower id. All labels
 * are in m->service_ids. */
VPCE_EXTERN int vpce_ipranges_lookup(const struct vpce_ipranges *r, const struct vpce_cidr *addr,
				     struct vpce_iprange_match *m);

/* Fast IPv4 path (host-order address): returns the handle of the longest
 * listed prefix containing addr, or 0. Handles are stable for the object's
 * lifetime, dense (1 .. vpce_ipranges_handle_count), and cheap to key on;
 * resolve them with vpce_ipranges_handle_info / _ids. */
VPCE_EXTERN uint32_t vpce_ipranges_lookup_v4(const struct vpce_ipranges *r, uint32_t addr);
/* The same for n addresses at once (handles[i] for addrs[i]); the loop runs
 * inside the library, so it is the fastest way to classify many addresses. */
VPCE_EXTERN void vpce_ipranges_lookup_v4_batch(const struct vpce_ipranges *r, const uint32_t *addrs,
					       uint32_t *handles, size_t n);
/* Whether every IPv4 address of the /16 block (block = address >> 16) has
 * the same answer; if so *handle is that answer (0: not listed) and true is
 * returned, else false (*handle untouched). For callers that summarise
 * per /16. */
VPCE_EXTERN bool vpce_ipranges_v4_block_uniform(const struct vpce_ipranges *r, uint32_t block, uint32_t *handle);
VPCE_EXTERN size_t vpce_ipranges_handle_count(const struct vpce_ipranges *r);
/* Fill m for a handle; VPCE_EINVAL for 0 or out of range. */
VPCE_EXTERN int vpce_ipranges_handle_info(const struct vpce_ipranges *r, uint32_t handle,
					  struct vpce_iprange_match *m);
/* Packed preferred service id (high 16 bits) and region id (low 16 bits) of a
 * handle; 0xffffffff for handle 0. O(1), no branches beyond the range check. */
VPCE_EXTERN uint32_t vpce_ipranges_handle_key(const struct vpce_ipranges *r, uint32_t handle);

/* Id tables. *_count() is the number of ids; *_name() returns NULL out of
 * range; *_id() returns VPCE_IPRANGES_NONE for an unknown name. */
VPCE_EXTERN size_t vpce_ipranges_service_count(const struct vpce_ipranges *r);
VPCE_EXTERN const char *vpce_ipranges_service_name(const struct vpce_ipranges *r, unsigned id);
VPCE_EXTERN unsigned vpce_ipranges_service_id(const struct vpce_ipranges *r, const char *name);
VPCE_EXTERN size_t vpce_ipranges_region_count(const struct vpce_ipranges *r);
VPCE_EXTERN const char *vpce_ipranges_region_name(const struct vpce_ipranges *r, unsigned id);
VPCE_EXTERN unsigned vpce_ipranges_region_id(const struct vpce_ipranges *r, const char *name);
VPCE_EXTERN size_t vpce_ipranges_nbg_count(const struct vpce_ipranges *r);
VPCE_EXTERN const char *vpce_ipranges_nbg_name(const struct vpce_ipranges *r, unsigned id);

#endif

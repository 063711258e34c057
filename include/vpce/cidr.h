/* vpce — IPv4/IPv6 addresses and CIDR blocks.
 *
 * Addresses are stored as 128-bit big-endian values; IPv4 addresses are kept
 * in the low 32 bits with family 4 (they never compare equal to IPv6). All
 * functions are pure; nothing allocates.
 */
#ifndef VPCE_CIDR_H
#define VPCE_CIDR_H

#include "common.h"

struct vpce_cidr {
	uint8_t family;   /* 4 or 6 */
	uint8_t len;      /* prefix length: 0..32 or 0..128 */
	uint64_t hi;      /* IPv6: high 64 bits; IPv4: 0 */
	uint64_t lo;      /* IPv6: low 64 bits; IPv4: the address in the low 32 bits */
};

/* Parse "a.b.c.d/n", "a.b.c.d" (/32), "x:y::z/n" or "x::y" (/128) from
 * s[0..n). Host bits are cleared. Returns 0 or VPCE_EPARSE. */
VPCE_EXTERN int vpce_cidr_parse(const char *s, size_t n, struct vpce_cidr *out);
/* Parse an address only (no '/'): sets len to 32 or 128. */
VPCE_EXTERN int vpce_addr_parse(const char *s, size_t n, struct vpce_cidr *out);
/* Format as text into out (at least 64 bytes). Returns out. */
VPCE_EXTERN const char *vpce_cidr_format(const struct vpce_cidr *c, char *out, size_t outlen);
/* True when outer contains inner entirely (same family, outer->len <= inner->len). */
VPCE_EXTERN bool vpce_cidr_contains(const struct vpce_cidr *outer, const struct vpce_cidr *inner);
/* True when the two blocks share at least one address. */
VPCE_EXTERN bool vpce_cidr_overlaps(const struct vpce_cidr *a, const struct vpce_cidr *b);
VPCE_EXTERN bool vpce_cidr_equal(const struct vpce_cidr *a, const struct vpce_cidr *b);
/* The IPv4 address as a host-order uint32 (family 4 only). */
static inline uint32_t vpce_cidr_v4(const struct vpce_cidr *c)
{
	return (uint32_t)c->lo;
}

#endif

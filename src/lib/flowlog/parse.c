/* VPC flow log record parser: one line, fixed field positions, no allocation.
 *
 * Value rules from https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html:
 * "-" for a field that does not apply; action ACCEPT | REJECT; log-status
 * OK | NODATA | SKIPDATA; type IPv4 | IPv6 | EFA; flow-direction ingress |
 * egress; traffic-path 1..8; tcp-flags is the bitwise OR of the flags seen.
 */
#include <stddef.h>

#include "vpce/flowlog.h"
#include "util/util.h"

#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif


static inline ALWAYS_INLINE bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

/* Decimal digits from p up to a separator or end (at most 20; the value
 * must fit 64 bits). Returns the position after them, or NULL. */
static inline ALWAYS_INLINE const char *scan_u64(const char *p, const char *end, uint64_t *out)
{
	const char *start = p;
	uint64_t v = 0;
	unsigned d;

	while (p < end && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
		if (p - start >= 19) {
			/* the 20th digit is the only one that can overflow */
			if (p - start == 20 || v > (UINT64_MAX - d) / 10)
				return NULL;
		}
		v = v * 10 + d;
		p++;
	}
	if (p == start || (p < end && !is_sep(*p)))
		return NULL;
	*out = v;
	return p;
}

static inline ALWAYS_INLINE const char *scan_small(const char *p, const char *end, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	p = scan_u64(p, end, &v);
	if (!p || v > max)
		return NULL;
	*out = (uint32_t)v;
	return p;
}

static const char *parse_addr_slow(const char *tok, const char *end, struct vpce_cidr *out)
{
	const char *p = tok;

	while (p < end && !is_sep(*p))
		p++;
	if (!memchr(tok, ':', (size_t)(p - tok)) || vpce_addr_parse(tok, (size_t)(p - tok), out) != 0)
		return NULL;
	return p;
}

/* Dotted quad while scanning; IPv6 (anything with ':') goes to the general
 * parser. Returns the position after the address, or NULL. */
static inline ALWAYS_INLINE const char *scan_addr(const char *tok, const char *end, struct vpce_cidr *out)
{
	const char *p = tok;
	uint32_t a = 0;

	for (unsigned k = 0; k < 4; k++) {
		unsigned octet, d;

		if (p == end || (octet = (unsigned)(unsigned char)*p - '0') > 9)
			return parse_addr_slow(tok, end, out);
		p++;
		if (p < end && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
			if (octet == 0) /* a leading zero: not a dotted quad */
				return parse_addr_slow(tok, end, out);
			octet = octet * 10 + d;
			p++;
			if (p < end && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
				octet = octet * 10 + d;
				p++;
			}
		}
		if (octet > 255)
			return parse_addr_slow(tok, end, out);
		a = a << 8 | octet;
		if (k < 3) {
			if (p == end || *p != '.')
				return parse_addr_slow(tok, end, out);
			p++;
		}
	}
	if (p < end && !is_sep(*p))
		return parse_addr_slow(tok, end, out);
	out->family = 4;
	out->len = 32;
	out->hi = 0;
	out->lo = a;
	return p;
}

static inline ALWAYS_INLINE struct vpce_cidr *addr_of(struct vpce_flow_record *r, unsigned fld)
{
	switch (fld) {
	case VPCE_FF_SRCADDR: return &r->srcaddr;
	case VPCE_FF_DSTADDR: return &r->dstaddr;
	case VPCE_FF_PKT_SRCADDR: return &r->pkt_srcaddr;
	default: return &r->pkt_dstaddr;
	}
}

/* Zero the parsed member of a field whose value is "-". */
static void clear_field(struct vpce_flow_record *r, unsigned fld)
{
	switch (fld) {
	case VPCE_FF_VERSION: r->version = 0; break;
	case VPCE_FF_SRCADDR: memset(&r->srcaddr, 0, sizeof(r->srcaddr)); break;
	case VPCE_FF_DSTADDR: memset(&r->dstaddr, 0, sizeof(r->dstaddr)); break;
	case VPCE_FF_PKT_SRCADDR: memset(&r->pkt_srcaddr, 0, sizeof(r->pkt_srcaddr)); break;
	case VPCE_FF_PKT_DSTADDR: memset(&r->pkt_dstaddr, 0, sizeof(r->pkt_dstaddr)); break;
	case VPCE_FF_SRCPORT: r->srcport = 0; break;
	case VPCE_FF_DSTPORT: r->dstport = 0; break;
	case VPCE_FF_PROTOCOL: r->protocol = 0; break;
	case VPCE_FF_TCP_FLAGS: r->tcp_flags = 0; break;
	case VPCE_FF_TRAFFIC_PATH: r->traffic_path = 0; break;
	case VPCE_FF_PACKETS: r->packets = 0; break;
	case VPCE_FF_BYTES: r->bytes = 0; break;
	case VPCE_FF_START: r->start = 0; break;
	case VPCE_FF_END: r->end = 0; break;
	case VPCE_FF_ACTION: r->action = 0; break;
	case VPCE_FF_LOG_STATUS: r->log_status = 0; break;
	case VPCE_FF_FLOW_DIRECTION: r->flow_direction = 0; break;
	case VPCE_FF_TYPE: r->type = 0; break;
	default: break;
	}
}

static inline ALWAYS_INLINE const char *scan_str(const char *p, const char *end)
{
	while (p < end && !is_sep(*p))
		p++;
	return p;
}

static inline ALWAYS_INLINE bool eq(const char *s, size_t n, const char *lit, size_t litn)
{
	return n == litn && memcmp(s, lit, n) == 0;
}
#define EQ(s, n, lit) eq(s, n, lit, sizeof(lit) - 1)

/* Parse the field at *pp (not at a separator, not at end) as `fld`. Returns
 * NULL on success (advancing *pp) or a static reason. Always inlined so
 * that a constant fld (the default-format fast path) folds the switch. */
static inline ALWAYS_INLINE const char *one_field(struct vpce_flow_record *r, const char **pp,
						  const char *end, unsigned fld, uint64_t *present)
{
	const char *p = *pp, *tok = p;
	uint32_t u;

	if (*p == '-' && (p + 1 == end || is_sep(p[1]))) {
		*pp = p + 1;
		if (fld < VPCE_FF_COUNT) {
			r->raw[fld].ptr = tok;
			r->raw[fld].len = 1;
			clear_field(r, fld);
		}
		return NULL;
	}
	switch (fld) {
	case VPCE_FF_VERSION:
		if (!(p = scan_small(p, end, 255, &r->version)))
			return "not a number in range";
		break;
	case VPCE_FF_SRCADDR:
	case VPCE_FF_DSTADDR:
	case VPCE_FF_PKT_SRCADDR:
	case VPCE_FF_PKT_DSTADDR:
		/* one call site, so the scanner is inlined */
		if (!(p = scan_addr(p, end, addr_of(r, fld))))
			return "not an IP address";
		break;
	case VPCE_FF_SRCPORT:
		if (!(p = scan_small(p, end, 65535, &u)))
			return "not a number in range";
		r->srcport = (uint16_t)u;
		break;
	case VPCE_FF_DSTPORT:
		if (!(p = scan_small(p, end, 65535, &u)))
			return "not a number in range";
		r->dstport = (uint16_t)u;
		break;
	case VPCE_FF_PROTOCOL:
		if (!(p = scan_small(p, end, 255, &u)))
			return "not a number in range";
		r->protocol = (uint8_t)u;
		break;
	case VPCE_FF_TCP_FLAGS:
		if (!(p = scan_small(p, end, 65535, &u)))
			return "not a number in range";
		r->tcp_flags = (uint16_t)u;
		break;
	case VPCE_FF_TRAFFIC_PATH:
		if (!(p = scan_small(p, end, 255, &u)) || u == 0)
			return "not a number in range";
		r->traffic_path = (uint8_t)u;
		break;
	case VPCE_FF_PACKETS:
		if (!(p = scan_u64(p, end, &r->packets)))
			return "not a number in range";
		break;
	case VPCE_FF_BYTES:
		if (!(p = scan_u64(p, end, &r->bytes)))
			return "not a number in range";
		break;
	case VPCE_FF_START:
		if (!(p = scan_u64(p, end, &r->start)))
			return "not a number in range";
		break;
	case VPCE_FF_END:
		if (!(p = scan_u64(p, end, &r->end)))
			return "not a number in range";
		break;
	case VPCE_FF_ACTION:
		p = scan_str(p, end);
		if (EQ(tok, (size_t)(p - tok), "ACCEPT"))
			r->action = VPCE_ACTION_ACCEPT;
		else if (EQ(tok, (size_t)(p - tok), "REJECT"))
			r->action = VPCE_ACTION_REJECT;
		else
			return "unexpected value";
		break;
	case VPCE_FF_LOG_STATUS:
		p = scan_str(p, end);
		if (EQ(tok, (size_t)(p - tok), "OK"))
			r->log_status = VPCE_STATUS_OK;
		else if (EQ(tok, (size_t)(p - tok), "NODATA"))
			r->log_status = VPCE_STATUS_NODATA;
		else if (EQ(tok, (size_t)(p - tok), "SKIPDATA"))
			r->log_status = VPCE_STATUS_SKIPDATA;
		else
			return "unexpected value";
		break;
	case VPCE_FF_FLOW_DIRECTION:
		p = scan_str(p, end);
		if (EQ(tok, (size_t)(p - tok), "ingress"))
			r->flow_direction = VPCE_DIR_INGRESS;
		else if (EQ(tok, (size_t)(p - tok), "egress"))
			r->flow_direction = VPCE_DIR_EGRESS;
		else
			return "unexpected value";
		break;
	case VPCE_FF_TYPE:
		p = scan_str(p, end);
		if (EQ(tok, (size_t)(p - tok), "IPv4"))
			r->type = 4;
		else if (EQ(tok, (size_t)(p - tok), "IPv6"))
			r->type = 6;
		else if (EQ(tok, (size_t)(p - tok), "EFA"))
			r->type = 'E';
		else
			return "unexpected value";
		break;
	default:
		p = scan_str(p, end); /* a string field (or an unknown one): raw[] only */
		break;
	}
	if (fld < VPCE_FF_COUNT) {
		*present |= (uint64_t)1 << fld;
		r->raw[fld].ptr = tok;
		r->raw[fld].len = (size_t)(p - tok);
	}
	*pp = p;
	return NULL;
}

/* The v2 default format: the same steps, unrolled, with constant fields
 * (no per-field dispatch). */
static int parse_default(const char *p, const char *end, struct vpce_flow_record *r,
			 unsigned *bad_field, const char **why)
{
	uint64_t present = 0;
	const char *e;
	unsigned i;

#define STEP(n)                                                    \
	i = n;                                                     \
	while (p < end && is_sep(*p))                              \
		p++;                                               \
	if (p == end)                                              \
		goto too_few;                                      \
	if ((e = one_field(r, &p, end, n, &present)) != NULL)      \
		goto bad;
	STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)
	STEP(7) STEP(8) STEP(9) STEP(10) STEP(11) STEP(12) STEP(13)
#undef STEP
	while (p < end && is_sep(*p))
		p++;
	r->present = present;
	if (p != end) {
		*bad_field = VPCE_FF_LOG_STATUS + 1;
		*why = "too many fields";
		return VPCE_EPARSE;
	}
	return 0;
too_few:
	r->present = present;
	*bad_field = VPCE_FF_LOG_STATUS + 1;
	*why = "too few fields";
	return VPCE_EPARSE;
bad:
	r->present = present;
	*bad_field = i;
	*why = e;
	return VPCE_EPARSE;
}

int vpce_flowlog_parse_line(const struct vpce_flowlog_format *f, const char *line, size_t len,
			    struct vpce_flow_record *r, unsigned *bad_field, const char **why)
{
	const char *p = line, *end = line + len;
	uint64_t present = 0;

	if (len && end[-1] == '\r')
		end--;
	if (f->is_default)
		return parse_default(p, end, r, bad_field, why);
	for (unsigned i = 0; i < f->nfields; i++) {
		const char *e;

		while (p < end && is_sep(*p))
			p++;
		if (p == end) {
			r->present = present;
			*bad_field = f->nfields;
			*why = "too few fields";
			return VPCE_EPARSE;
		}
		e = one_field(r, &p, end, f->fields[i], &present);
		if (e) {
			r->present = present;
			*bad_field = i;
			*why = e;
			return VPCE_EPARSE;
		}
	}
	while (p < end && is_sep(*p))
		p++;
	r->present = present;
	if (p != end) {
		*bad_field = f->nfields;
		*why = "too many fields";
		return VPCE_EPARSE;
	}
	return 0;
}

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

static inline bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

/* Decimal digits from *pp up to a separator or end, advancing *pp. At most
 * 20 digits; the value must fit 64 bits. */
static inline bool scan_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp, *start = p;
	uint64_t v = 0;
	unsigned d;

	while (p < end && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
		if (p - start == 19) {
			/* the 20th digit: the only one that can overflow */
			if (v > (UINT64_MAX - d) / 10)
				return false;
		} else if (p - start == 20) {
			return false;
		}
		v = v * 10 + d;
		p++;
	}
	if (p == start || (p < end && !is_sep(*p)))
		return false;
	*pp = p;
	*out = v;
	return true;
}

static inline bool scan_small(const char **pp, const char *end, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!scan_u64(pp, end, &v) || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_addr_slow(const char **pp, const char *end, struct vpce_cidr *out)
{
	const char *tok = *pp, *p = tok;

	while (p < end && !is_sep(*p))
		p++;
	if (!memchr(tok, ':', (size_t)(p - tok)) || vpce_addr_parse(tok, (size_t)(p - tok), out) != 0)
		return false;
	*pp = p;
	return true;
}

/* Dotted quad while scanning; IPv6 (anything with ':') goes to the general parser. */
static inline bool scan_addr(const char **pp, const char *end, struct vpce_cidr *out)
{
	const char *p = *pp;
	uint32_t a = 0;

	for (unsigned k = 0; k < 4; k++) {
		unsigned octet, d;

		if (p == end || (octet = (unsigned)(unsigned char)*p - '0') > 9)
			return parse_addr_slow(pp, end, out);
		p++;
		if (p < end && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
			if (octet == 0) /* a leading zero: not a dotted quad */
				return parse_addr_slow(pp, end, out);
			octet = octet * 10 + d;
			p++;
			if (p < end && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
				octet = octet * 10 + d;
				p++;
			}
		}
		if (octet > 255)
			return parse_addr_slow(pp, end, out);
		a = a << 8 | octet;
		if (k < 3) {
			if (p == end || *p != '.')
				return parse_addr_slow(pp, end, out);
			p++;
		}
	}
	if (p < end && !is_sep(*p))
		return parse_addr_slow(pp, end, out);
	out->family = 4;
	out->len = 32;
	out->hi = 0;
	out->lo = a;
	*pp = p;
	return true;
}

static inline const char *scan_str(const char *p, const char *end)
{
	while (p < end && !is_sep(*p))
		p++;
	return p;
}

static inline bool eq(const char *s, size_t n, const char *lit, size_t litn)
{
	return n == litn && memcmp(s, lit, n) == 0;
}
#define EQ(s, n, lit) eq(s, n, lit, sizeof(lit) - 1)

int vpce_flowlog_parse_line(const struct vpce_flowlog_format *f, const char *line, size_t len,
			    struct vpce_flow_record *r, unsigned *bad_field, const char **why)
{
	const char *p = line, *end = line + len;
	unsigned i;
	uint32_t u;

	memset(r, 0, offsetof(struct vpce_flow_record, line));
	if (len && end[-1] == '\r')
		end--;
	for (i = 0; i < f->nfields; i++) {
		const char *tok;
		unsigned fld;

		while (p < end && is_sep(*p))
			p++;
		if (p == end) {
			*bad_field = f->nfields;
			*why = "too few fields";
			return VPCE_EPARSE;
		}
		tok = p;
		fld = f->fields[i];
		if (*p == '-' && (p + 1 == end || is_sep(p[1]))) {
			p++;
			if (fld < VPCE_FF_COUNT) {
				r->raw[fld].ptr = tok;
				r->raw[fld].len = 1;
			}
			continue;
		}
		switch (fld) {
		case VPCE_FF_VERSION:
			if (!scan_small(&p, end, 255, &r->version))
				goto bad_number;
			break;
		case VPCE_FF_SRCADDR:
			if (!scan_addr(&p, end, &r->srcaddr))
				goto bad_addr;
			break;
		case VPCE_FF_DSTADDR:
			if (!scan_addr(&p, end, &r->dstaddr))
				goto bad_addr;
			break;
		case VPCE_FF_PKT_SRCADDR:
			if (!scan_addr(&p, end, &r->pkt_srcaddr))
				goto bad_addr;
			break;
		case VPCE_FF_PKT_DSTADDR:
			if (!scan_addr(&p, end, &r->pkt_dstaddr))
				goto bad_addr;
			break;
		case VPCE_FF_SRCPORT:
			if (!scan_small(&p, end, 65535, &u))
				goto bad_number;
			r->srcport = (uint16_t)u;
			break;
		case VPCE_FF_DSTPORT:
			if (!scan_small(&p, end, 65535, &u))
				goto bad_number;
			r->dstport = (uint16_t)u;
			break;
		case VPCE_FF_PROTOCOL:
			if (!scan_small(&p, end, 255, &u))
				goto bad_number;
			r->protocol = (uint8_t)u;
			break;
		case VPCE_FF_TCP_FLAGS:
			if (!scan_small(&p, end, 65535, &u))
				goto bad_number;
			r->tcp_flags = (uint16_t)u;
			break;
		case VPCE_FF_TRAFFIC_PATH:
			if (!scan_small(&p, end, 255, &u) || u == 0)
				goto bad_number;
			r->traffic_path = (uint8_t)u;
			break;
		case VPCE_FF_PACKETS:
			if (!scan_u64(&p, end, &r->packets))
				goto bad_number;
			break;
		case VPCE_FF_BYTES:
			if (!scan_u64(&p, end, &r->bytes))
				goto bad_number;
			break;
		case VPCE_FF_START:
			if (!scan_u64(&p, end, &r->start))
				goto bad_number;
			break;
		case VPCE_FF_END:
			if (!scan_u64(&p, end, &r->end))
				goto bad_number;
			break;
		case VPCE_FF_ACTION:
			p = scan_str(p, end);
			if (EQ(tok, (size_t)(p - tok), "ACCEPT"))
				r->action = VPCE_ACTION_ACCEPT;
			else if (EQ(tok, (size_t)(p - tok), "REJECT"))
				r->action = VPCE_ACTION_REJECT;
			else
				goto bad_value;
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
				goto bad_value;
			break;
		case VPCE_FF_FLOW_DIRECTION:
			p = scan_str(p, end);
			if (EQ(tok, (size_t)(p - tok), "ingress"))
				r->flow_direction = VPCE_DIR_INGRESS;
			else if (EQ(tok, (size_t)(p - tok), "egress"))
				r->flow_direction = VPCE_DIR_EGRESS;
			else
				goto bad_value;
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
				goto bad_value;
			break;
		default:
			p = scan_str(p, end); /* a string field (or an unknown one): raw[] only */
			break;
		}
		if (fld < VPCE_FF_COUNT) {
			r->present |= (uint64_t)1 << fld;
			r->raw[fld].ptr = tok;
			r->raw[fld].len = (size_t)(p - tok);
		}
	}
	while (p < end && is_sep(*p))
		p++;
	if (p != end) {
		*bad_field = f->nfields;
		*why = "too many fields";
		return VPCE_EPARSE;
	}
	return 0;
bad_number:
	*why = "not a number in range";
	goto bad;
bad_addr:
	*why = "not an IP address";
	goto bad;
bad_value:
	*why = "unexpected value";
bad:
	*bad_field = i;
	return VPCE_EPARSE;
}

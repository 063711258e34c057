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

static inline bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		if (n == 20 && v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static inline bool parse_small(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool parse_addr_slow(const char *s, size_t n, struct vpce_cidr *out)
{
	return memchr(s, ':', n) != NULL && vpce_addr_parse(s, n, out) == 0;
}

/* Dotted-quad fast path; IPv6 (anything with ':') goes to the general parser. */
static inline bool parse_addr(const char *s, size_t n, struct vpce_cidr *out)
{
	uint32_t a = 0, octet = 0;
	unsigned dots = 0, digits = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d <= 9) {
			if (digits == 3 || (digits && octet == 0))
				return parse_addr_slow(s, n, out);
			octet = octet * 10 + d;
			digits++;
		} else if (s[i] == '.' && digits && octet <= 255 && dots < 3) {
			a = a << 8 | octet;
			octet = 0;
			digits = 0;
			dots++;
		} else {
			return parse_addr_slow(s, n, out);
		}
	}
	if (dots != 3 || !digits || octet > 255)
		return false;
	out->family = 4;
	out->len = 32;
	out->hi = 0;
	out->lo = a << 8 | octet;
	return true;
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
		size_t n;
		unsigned fld;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end) {
			*bad_field = f->nfields;
			*why = "too few fields";
			return VPCE_EPARSE;
		}
		tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - tok);
		fld = f->fields[i];
		if (fld >= VPCE_FF_COUNT)
			continue;
		r->raw[fld].ptr = tok;
		r->raw[fld].len = n;
		if (n == 1 && *tok == '-')
			continue;
		r->present |= (uint64_t)1 << fld;
		switch (fld) {
		case VPCE_FF_VERSION:
			if (!parse_small(tok, n, 255, &r->version))
				goto bad_number;
			break;
		case VPCE_FF_SRCADDR:
			if (!parse_addr(tok, n, &r->srcaddr))
				goto bad_addr;
			break;
		case VPCE_FF_DSTADDR:
			if (!parse_addr(tok, n, &r->dstaddr))
				goto bad_addr;
			break;
		case VPCE_FF_PKT_SRCADDR:
			if (!parse_addr(tok, n, &r->pkt_srcaddr))
				goto bad_addr;
			break;
		case VPCE_FF_PKT_DSTADDR:
			if (!parse_addr(tok, n, &r->pkt_dstaddr))
				goto bad_addr;
			break;
		case VPCE_FF_SRCPORT:
			if (!parse_small(tok, n, 65535, &u))
				goto bad_number;
			r->srcport = (uint16_t)u;
			break;
		case VPCE_FF_DSTPORT:
			if (!parse_small(tok, n, 65535, &u))
				goto bad_number;
			r->dstport = (uint16_t)u;
			break;
		case VPCE_FF_PROTOCOL:
			if (!parse_small(tok, n, 255, &u))
				goto bad_number;
			r->protocol = (uint8_t)u;
			break;
		case VPCE_FF_TCP_FLAGS:
			if (!parse_small(tok, n, 65535, &u))
				goto bad_number;
			r->tcp_flags = (uint16_t)u;
			break;
		case VPCE_FF_TRAFFIC_PATH:
			if (!parse_small(tok, n, 255, &u) || u == 0)
				goto bad_number;
			r->traffic_path = (uint8_t)u;
			break;
		case VPCE_FF_PACKETS:
			if (!parse_u64(tok, n, &r->packets))
				goto bad_number;
			break;
		case VPCE_FF_BYTES:
			if (!parse_u64(tok, n, &r->bytes))
				goto bad_number;
			break;
		case VPCE_FF_START:
			if (!parse_u64(tok, n, &r->start))
				goto bad_number;
			break;
		case VPCE_FF_END:
			if (!parse_u64(tok, n, &r->end))
				goto bad_number;
			break;
		case VPCE_FF_ACTION:
			if (EQ(tok, n, "ACCEPT"))
				r->action = VPCE_ACTION_ACCEPT;
			else if (EQ(tok, n, "REJECT"))
				r->action = VPCE_ACTION_REJECT;
			else
				goto bad_value;
			break;
		case VPCE_FF_LOG_STATUS:
			if (EQ(tok, n, "OK"))
				r->log_status = VPCE_STATUS_OK;
			else if (EQ(tok, n, "NODATA"))
				r->log_status = VPCE_STATUS_NODATA;
			else if (EQ(tok, n, "SKIPDATA"))
				r->log_status = VPCE_STATUS_SKIPDATA;
			else
				goto bad_value;
			break;
		case VPCE_FF_FLOW_DIRECTION:
			if (EQ(tok, n, "ingress"))
				r->flow_direction = VPCE_DIR_INGRESS;
			else if (EQ(tok, n, "egress"))
				r->flow_direction = VPCE_DIR_EGRESS;
			else
				goto bad_value;
			break;
		case VPCE_FF_TYPE:
			if (EQ(tok, n, "IPv4"))
				r->type = 4;
			else if (EQ(tok, n, "IPv6"))
				r->type = 6;
			else if (EQ(tok, n, "EFA"))
				r->type = 'E';
			else
				goto bad_value;
			break;
		default:
			break; /* a string field: raw[] only */
		}
	}
	while (p < end && (*p == ' ' || *p == '\t'))
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

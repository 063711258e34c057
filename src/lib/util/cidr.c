#include <stdio.h>
#include "util/util.h"
#include "vpce/cidr.h"

static void mask_host_bits(struct vpce_cidr *c)
{
	if (c->family == 4) {
		uint32_t m = c->len == 0 ? 0 : 0xFFFFFFFFu << (32 - c->len);
		c->lo &= m;
		c->hi = 0;
	} else if (c->len <= 64) {
		c->hi &= c->len == 0 ? 0 : ~(uint64_t)0 << (64 - c->len);
		c->lo = 0;
	} else {
		c->lo &= c->len == 128 ? ~(uint64_t)0 : ~(uint64_t)0 << (128 - c->len);
	}
}

static int parse_v4(const char *s, size_t n, uint32_t *out)
{
	uint32_t addr = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255 || i - start >= 3)
				return VPCE_EPARSE;
			i++;
		}
		if (i == start || (i - start > 1 && s[start] == '0'))
			return VPCE_EPARSE;
		addr = (addr << 8) | v;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return VPCE_EPARSE;
			i++;
		}
	}
	if (i != n)
		return VPCE_EPARSE;
	*out = addr;
	return 0;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int parse_v6(const char *s, size_t n, uint64_t *hi, uint64_t *lo)
{
	uint16_t words[8] = { 0 };
	int nw = 0, gap = -1;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == n)
			goto done;
	} else if (n >= 1 && s[0] == ':') {
		return VPCE_EPARSE;
	}
	while (i < n) {
		unsigned v = 0;
		size_t start = i;
		/* Embedded IPv4 tail, e.g. ::ffff:1.2.3.4 */
		size_t j = i;
		while (j < n && s[j] != ':' && s[j] != '.')
			j++;
		if (j < n && s[j] == '.') {
			uint32_t v4;
			if (nw > 6 || parse_v4(s + i, n - i, &v4) != 0)
				return VPCE_EPARSE;
			words[nw++] = (uint16_t)(v4 >> 16);
			words[nw++] = (uint16_t)(v4 & 0xFFFF);
			i = n;
			break;
		}
		while (i < n && hexdig(s[i]) >= 0) {
			v = (v << 4) | (unsigned)hexdig(s[i]);
			if (i - start >= 4)
				return VPCE_EPARSE;
			i++;
		}
		if (i == start || nw >= 8)
			return VPCE_EPARSE;
		words[nw++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return VPCE_EPARSE;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return VPCE_EPARSE;
			gap = nw;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return VPCE_EPARSE;
		}
	}
done:
	if (gap >= 0) {
		int tail = nw - gap;
		if (nw >= 8)
			return VPCE_EPARSE;
		for (int k = 0; k < tail; k++)
			words[7 - k] = words[nw - 1 - k];
		for (int k = gap; k < 8 - tail; k++)
			words[k] = 0;
	} else if (nw != 8) {
		return VPCE_EPARSE;
	}
	*hi = ((uint64_t)words[0] << 48) | ((uint64_t)words[1] << 32) | ((uint64_t)words[2] << 16) | words[3];
	*lo = ((uint64_t)words[4] << 48) | ((uint64_t)words[5] << 32) | ((uint64_t)words[6] << 16) | words[7];
	return 0;
}

int vpce_addr_parse(const char *s, size_t n, struct vpce_cidr *out)
{
	struct vpce_cidr c = { 0, 0, 0, 0 };

	if (memchr(s, ':', n)) {
		if (parse_v6(s, n, &c.hi, &c.lo) != 0)
			return VPCE_EPARSE;
		c.family = 6;
		c.len = 128;
	} else {
		uint32_t v4;
		if (parse_v4(s, n, &v4) != 0)
			return VPCE_EPARSE;
		c.family = 4;
		c.len = 32;
		c.lo = v4;
	}
	*out = c;
	return 0;
}

int vpce_cidr_parse(const char *s, size_t n, struct vpce_cidr *out)
{
	const char *slash = memchr(s, '/', n);
	struct vpce_cidr c;
	long len;

	if (!slash)
		return vpce_addr_parse(s, n, out);
	if (vpce_addr_parse(s, (size_t)(slash - s), &c) != 0)
		return VPCE_EPARSE;
	if (vpce_parse_long(slash + 1, n - (size_t)(slash + 1 - s), 0, c.family == 4 ? 32 : 128, &len) != 0 ||
	    slash[1] == '+' || slash[1] == '-')
		return VPCE_EPARSE;
	c.len = (uint8_t)len;
	mask_host_bits(&c);
	*out = c;
	return 0;
}

const char *vpce_cidr_format(const struct vpce_cidr *c, char *out, size_t outlen)
{
	if (c->family == 4) {
		uint32_t a = (uint32_t)c->lo;
		snprintf(out, outlen, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, c->len);
	} else {
		uint16_t w[8];
		int best = -1, bestlen = 0;
		size_t pos = 0;
		for (int i = 0; i < 4; i++) {
			w[i] = (uint16_t)(c->hi >> (48 - 16 * i));
			w[i + 4] = (uint16_t)(c->lo >> (48 - 16 * i));
		}
		for (int i = 0; i < 8;) {
			int j = i;
			while (j < 8 && w[j] == 0)
				j++;
			if (j - i > bestlen && j - i >= 2) {
				best = i;
				bestlen = j - i;
			}
			i = j == i ? i + 1 : j;
		}
		out[0] = '\0';
		for (int i = 0; i < 8 && pos < outlen; i++) {
			int k;
			if (i == best) {
				k = snprintf(out + pos, outlen - pos, "::");
				i += bestlen - 1;
			} else {
				k = snprintf(out + pos, outlen - pos, "%s%x",
					     (i == 0 || i == best + bestlen) ? "" : ":", w[i]);
			}
			if (k < 0)
				break;
			pos += (size_t)k;
		}
		if (pos < outlen)
			snprintf(out + pos, outlen - pos, "/%u", c->len);
	}
	return out;
}

static bool prefix_match(const struct vpce_cidr *net, const struct vpce_cidr *addr, unsigned len)
{
	if (net->family == 4) {
		uint32_t m = len == 0 ? 0 : 0xFFFFFFFFu << (32 - len);
		return (((uint32_t)net->lo ^ (uint32_t)addr->lo) & m) == 0;
	}
	if (len <= 64) {
		uint64_t m = len == 0 ? 0 : ~(uint64_t)0 << (64 - len);
		return ((net->hi ^ addr->hi) & m) == 0;
	}
	{
		uint64_t m = len == 128 ? ~(uint64_t)0 : ~(uint64_t)0 << (128 - len);
		return net->hi == addr->hi && ((net->lo ^ addr->lo) & m) == 0;
	}
}

bool vpce_cidr_contains(const struct vpce_cidr *outer, const struct vpce_cidr *inner)
{
	return outer->family == inner->family && outer->len <= inner->len &&
	       prefix_match(outer, inner, outer->len);
}

bool vpce_cidr_overlaps(const struct vpce_cidr *a, const struct vpce_cidr *b)
{
	return vpce_cidr_contains(a, b) || vpce_cidr_contains(b, a);
}

bool vpce_cidr_equal(const struct vpce_cidr *a, const struct vpce_cidr *b)
{
	return a->family == b->family && a->len == b->len && a->hi == b->hi && a->lo == b->lo;
}

/* Generate realistic VPC flow logs for benchmarks.
 *
 *   gen_flowlogs [-f v2|v5] [-n records] [-s seed] [-H] > out.log
 *
 * -f v2: the default format (14 fields); -f v5: a 29-field custom format
 * (v2 + v3 ids/tcp-flags/type/pkt-addrs + v4 region/az + v5 services,
 * flow-direction, traffic-path). -H omits the header line (S3 delivery
 * writes one). Traffic mix: one VPC (10.0.0.0/16), 400 ENIs; destinations
 * 35 % S3 and 10 % DynamoDB addresses taken from the bundled ip-ranges.json
 * (us-east-1), 35 % other VPC addresses, 20 % random internet; 1 % NODATA,
 * 3 % REJECT; 30 % of records are the return direction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpce/ipranges.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void put_v4(char **p, uint32_t a)
{
	*p += snprintf(*p, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static uint32_t pick(const struct vpce_cidr *list, size_t n)
{
	const struct vpce_cidr *c;
	size_t v4 = 0;

	while (v4 < n && list[v4].family == 4)
		v4++;
	if (v4 == 0)
		return 0x34d80000u + (rnd() & 0xffff); /* 52.216.x.x */
	c = &list[rnd() % v4];
	return vpce_cidr_v4(c) + (rnd() & (uint32_t)((1ull << (32 - c->len)) - 1));
}

int main(int argc, char **argv)
{
	int v5 = 0, header = 1;
	unsigned long long n = 1000000;
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;
	const struct vpce_cidr *s3 = NULL, *ddb = NULL;
	size_t ns3 = 0, nddb = 0;
	static char out[1 << 16];
	size_t pos = 0;
	uint64_t t = 1764201600;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			v5 = strcmp(argv[++i], "v5") == 0;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			rng = strtoull(argv[++i], NULL, 10) * 2654435761u + 1;
		else if (strcmp(argv[i], "-H") == 0)
			header = 0;
		else {
			fprintf(stderr, "usage: gen_flowlogs [-f v2|v5] [-n records] [-s seed] [-H]\n");
			return 2;
		}
	}
	if (vpce_ipranges_load(NULL, &r, &err) == 0) {
		ns3 = vpce_ipranges_prefixes(r, "S3", "us-east-1", &s3);
		nddb = vpce_ipranges_prefixes(r, "DYNAMODB", "us-east-1", &ddb);
	}
	if (header)
		fputs(v5 ? "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path\n"
			 : "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n",
		      stdout);
	for (unsigned long long i = 0; i < n; i++) {
		char *p;
		unsigned eni = rnd() % 400, kind = rnd() % 100;
		uint32_t local = 0x0a000000u | ((eni * 37u) & 0xffff), remote;
		const char *svc = "-";
		int reply = rnd() % 10 < 3, nodata = rnd() % 100 == 0;
		unsigned proto = kind % 7 == 0 ? 17 : 6;
		unsigned pk = 1 + rnd() % 2000, by = pk * (40 + rnd() % 1400);
		unsigned lport = 32768 + rnd() % 28000, rport = proto == 17 ? 53 : 443;

		if (pos > sizeof(out) - 1024) {
			fwrite(out, 1, pos, stdout);
			pos = 0;
		}
		if (i % 1000 == 0)
			t += 1;
		if (kind < 35) {
			remote = ns3 ? pick(s3, ns3) : 0x34d80000u + (rnd() & 0xffff);
			svc = "S3";
		} else if (kind < 45) {
			remote = nddb ? pick(ddb, nddb) : 0x3425a000u + (rnd() & 0xfff);
			svc = "DYNAMODB";
		} else if (kind < 80) {
			remote = 0x0a000000u | (rnd() & 0xffff);
		} else {
			remote = rnd();
		}
		p = out + pos;
		p += snprintf(p, 64, "%d 111122223333 eni-%017x ", v5 ? 5 : 2, 0x1a2b3c4du + eni);
		if (nodata) {
			p += snprintf(p, 128, "- - - - - - - %llu %llu - NODATA",
				      (unsigned long long)t, (unsigned long long)t + 60);
		} else {
			put_v4(&p, reply ? remote : local);
			*p++ = ' ';
			put_v4(&p, reply ? local : remote);
			p += snprintf(p, 160, " %u %u %u %u %u %llu %llu %s OK", reply ? rport : lport,
				      reply ? lport : rport, proto, pk, by, (unsigned long long)t,
				      (unsigned long long)t + 60, rnd() % 100 < 3 ? "REJECT" : "ACCEPT");
		}
		if (v5) {
			p += snprintf(p, 200, " vpc-0123456789abcdef0 subnet-0%016x i-0%016x %u IPv4 ",
				      eni % 6, 0xabcdefu + eni, proto == 6 ? (reply ? 18u : 2u) : 0u);
			if (nodata) {
				p += snprintf(p, 64, "- -");
			} else {
				put_v4(&p, reply ? remote : local);
				*p++ = ' ';
				put_v4(&p, reply ? local : remote);
			}
			p += snprintf(p, 200, " us-east-1 use1-az%u - - %s %s %s %s", 1 + eni % 6,
				      reply ? svc : "-", reply ? "-" : svc, reply ? "ingress" : "egress",
				      reply || *svc == '-' ? "-" : (kind < 45 ? "8" : "1"));
		}
		*p++ = '\n';
		pos = (size_t)(p - out);
	}
	fwrite(out, 1, pos, stdout);
	vpce_ipranges_free(r);
	return 0;
}

/* Benchmark: IPv4 longest-prefix match over the bundled ip-ranges.json.
 *
 *   bench_iplookup [ip-ranges.json] [lookups-millions]
 *
 * Three address mixes, each an array of 4 M pre-generated addresses walked
 * repeatedly: uniform random 32-bit; "realistic" (70 % inside listed AWS
 * prefixes, 30 % RFC 1918 VPC addresses); and AWS-only (every address in a
 * listed prefix, favouring the longest-prefix /24../32 entries). Also times
 * the general vpce_ipranges_lookup() (sorted search, IPv4+IPv6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vpce/ipranges.h"

#define NADDR (1u << 22)

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t next_u32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* CPU time of this process: the benchmark machine is shared, and wall time
 * would count the time other processes held the core. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t in_prefix(const struct vpce_ipranges *r, size_t nv4_handles, int long_only)
{
	for (;;) {
		struct vpce_iprange_match m;
		uint32_t h = next_u32() % (uint32_t)nv4_handles + 1;
		uint32_t span;

		vpce_ipranges_handle_info(r, h, &m);
		if (long_only && m.prefix.len < 24)
			continue;
		span = m.prefix.len == 0 ? 0xffffffffu : (uint32_t)((1ull << (32 - m.prefix.len)) - 1);
		return vpce_cidr_v4(&m.prefix) + (next_u32() & span);
	}
}

static void run_batch(const char *name, const struct vpce_ipranges *r, const uint32_t *a,
		      uint64_t total)
{
	static uint32_t out[4096];
	uint64_t sum = 0, hits = 0;
	double t0 = now(), dt;

	for (uint64_t done = 0; done < total; done += NADDR) {
		for (uint32_t i = 0; i < NADDR; i += 4096) {
			vpce_ipranges_lookup_v4_batch(r, a + i, out, 4096);
			for (uint32_t j = 0; j < 4096; j++) {
				sum += out[j];
				hits += out[j] != 0;
			}
		}
	}
	dt = now() - t0;
	printf("%-28s %6.1f M lookups/s  (batch API, %.1f%% matched, checksum %llu)\n", name,
	       (double)total / dt / 1e6, 100.0 * (double)hits / (double)total,
	       (unsigned long long)sum);
}

static void run(const char *name, const struct vpce_ipranges *r, const uint32_t *a, uint64_t total)
{
	uint64_t sum = 0, hits = 0;
	double t0 = now(), dt;

	for (uint64_t done = 0; done < total; done += NADDR) {
		for (uint32_t i = 0; i < NADDR; i++) {
			uint32_t h = vpce_ipranges_lookup_v4(r, a[i]);
			sum += h;
			hits += h != 0;
		}
	}
	dt = now() - t0;
	printf("%-28s %6.1f M lookups/s  (%.0f M in %.3f s, %.1f%% matched, checksum %llu)\n", name,
	       (double)total / dt / 1e6, (double)total / 1e6, dt, 100.0 * (double)hits / (double)total,
	       (unsigned long long)sum);
}

int main(int argc, char **argv)
{
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;
	uint32_t *a = NULL;
	uint64_t total;
	size_t nv4 = 0, nh;
	double t0;
	int rc = 1;

	t0 = now();
	if (vpce_ipranges_load(argc > 1 ? argv[1] : NULL, &r, &err) != 0) {
		char msg[1600];
		fprintf(stderr, "bench_iplookup: %s\n", vpce_error_format(&err, msg, sizeof(msg)));
		return 1;
	}
	printf("load + index: %.1f ms (syncToken %s, %zu prefixes)\n", (now() - t0) * 1e3,
	       vpce_ipranges_sync_token(r), vpce_ipranges_handle_count(r));
	total = (uint64_t)(argc > 2 ? strtoul(argv[2], NULL, 10) : 400) * 1000000u;
	total = (total + NADDR - 1) / NADDR * NADDR;
	nh = vpce_ipranges_handle_count(r);
	for (size_t h = 1; h <= nh; h++) {
		struct vpce_iprange_match m;
		vpce_ipranges_handle_info(r, (uint32_t)h, &m);
		if (m.prefix.family == 4)
			nv4 = h;
	}
	a = malloc(NADDR * sizeof(*a));
	if (!a)
		goto out;

	for (uint32_t i = 0; i < NADDR; i++)
		a[i] = next_u32();
	run("uniform random", r, a, total);
	run_batch("uniform random", r, a, total);

	for (uint32_t i = 0; i < NADDR; i++) {
		uint32_t x = next_u32() % 10;
		if (x < 7)
			a[i] = in_prefix(r, nv4, 0);
		else if (x < 9)
			a[i] = 0x0a000000u | (next_u32() & 0xffffu); /* 10.0.x.x */
		else
			a[i] = 0xac100000u | (next_u32() & 0xfffu);  /* 172.16.x.x */
	}
	run("realistic (70% AWS)", r, a, total);
	run_batch("realistic (70% AWS)", r, a, total);

	for (uint32_t i = 0; i < NADDR; i++)
		a[i] = in_prefix(r, nv4, 1);
	run("AWS /24../32 prefixes only", r, a, total);
	run_batch("AWS /24../32 prefixes only", r, a, total);

	{
		uint64_t n = 4000000, hits = 0;
		struct vpce_iprange_match m;
		double t1 = now();
		for (uint64_t i = 0; i < n; i++) {
			struct vpce_cidr c = { 4, 32, 0, a[i & (NADDR - 1)] };
			hits += vpce_ipranges_lookup(r, &c, &m) == 0;
		}
		printf("%-28s %6.1f M lookups/s  (general API, %llu matched)\n",
		       "vpce_ipranges_lookup (v4)", (double)n / (now() - t1) / 1e6,
		       (unsigned long long)hits);
	}
	rc = 0;
out:
	free(a);
	vpce_ipranges_free(r);
	return rc;
}

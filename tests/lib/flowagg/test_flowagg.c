/* Flow aggregation: sums per (source, destination service, region), skipped
 * records, srcaddr / pkt-addr keys, merge of per-thread partials, and a
 * brute-force cross-check. Service labels of the addresses used here were
 * read out of data/aws-ip-ranges.json (syncToken 1787411825) with python3. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include "vpce/flowagg.h"

static struct vpce_ipranges *R;
static unsigned S3, DDB, EUW2, USE1, USW2;

static int setup(void **state)
{
	struct vpce_error err;
	(void)state;
	unsetenv("VPCE_DATA_DIR");
	if (vpce_ipranges_load(NULL, &R, &err) != 0)
		return -1;
	S3 = vpce_ipranges_service_id(R, "S3");
	DDB = vpce_ipranges_service_id(R, "DYNAMODB");
	EUW2 = vpce_ipranges_region_id(R, "eu-west-2");
	USE1 = vpce_ipranges_region_id(R, "us-east-1");
	USW2 = vpce_ipranges_region_id(R, "us-west-2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vpce_ipranges_free(R);
	return 0;
}

static const char *TEXT =
	"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
	"2 1 eni-aaa 10.0.0.1 3.5.244.1 40000 443 6 10 1000 1 2 ACCEPT OK\n"
	"2 1 eni-aaa 10.0.0.1 3.5.247.200 40001 443 6 5 500 1 2 ACCEPT OK\n"
	"2 1 eni-aaa 10.0.0.1 52.119.232.5 40002 443 6 1 70 1 2 REJECT OK\n"
	"2 1 eni-bbb 10.0.0.2 3.5.244.9 40003 443 6 2 200 1 2 ACCEPT OK\n"
	"2 1 eni-bbb 10.0.0.2 10.0.0.5 40004 22 6 3 300 1 2 ACCEPT OK\n"
	"2 1 eni-bbb 2600:1f14::1 2600:f0f2:7017::1 40005 443 6 4 400 1 2 ACCEPT OK\n"
	"2 1 eni-bbb - - - - - - - 1 2 - NODATA\n"
	"2 1 eni-ccc - - - - - - - 1 2 - SKIPDATA\n";

static struct vpce_flowagg *agg_text(const char *text, unsigned flags)
{
	struct vpce_flowagg *a;
	struct vpce_flowlog_stats st;
	struct vpce_error err;

	memset(&st, 0, sizeof(st));
	assert_int_equal(vpce_flowagg_new(R, flags, &a, &err), 0);
	assert_int_equal(vpce_flowlog_parse_buffer(text, strlen(text), "t", NULL, vpce_flowagg_cb, a,
						   &st, &err), 0);
	return a;
}

static const struct vpce_flowagg_value *get_eni(struct vpce_flowagg *a, const char *eni,
						unsigned svc, unsigned region)
{
	struct vpce_flowagg_key k;
	vpce_flowagg_key_interface(&k, eni, strlen(eni), svc, region);
	return vpce_flowagg_get(a, &k);
}

static void test_sums_by_interface_service_and_region(void **state)
{
	struct vpce_flowagg *a = agg_text(TEXT, 0);
	const struct vpce_flowagg_value *v;
	(void)state;

	assert_int_equal(vpce_flowagg_records(a), 6);
	assert_int_equal(vpce_flowagg_skipped(a), 2);
	assert_int_equal(vpce_flowagg_count(a), 5);
	v = get_eni(a, "eni-aaa", S3, EUW2); /* 3.5.244.0/22: S3 eu-west-2 */
	assert_non_null(v);
	assert_int_equal(v->bytes, 1500);
	assert_int_equal(v->packets, 15);
	assert_int_equal(v->records, 2);
	assert_int_equal(v->rejected_bytes, 0);
	v = get_eni(a, "eni-aaa", DDB, USE1); /* 52.119.232.0/21: DYNAMODB us-east-1 */
	assert_non_null(v);
	assert_int_equal(v->bytes, 70);
	assert_int_equal(v->rejected_bytes, 70);
	v = get_eni(a, "eni-bbb", S3, EUW2);
	assert_int_equal(v->bytes, 200);
	v = get_eni(a, "eni-bbb", VPCE_IPRANGES_NONE, VPCE_IPRANGES_NONE);
	assert_int_equal(v->bytes, 300);
	v = get_eni(a, "eni-bbb", S3, USW2); /* 2600:f0f2:7017::/48: S3 us-west-2 */
	assert_non_null(v);
	assert_int_equal(v->bytes, 400);
	assert_null(get_eni(a, "eni-ccc", VPCE_IPRANGES_NONE, VPCE_IPRANGES_NONE));
	vpce_flowagg_free(a);
}

static void test_keys_on_srcaddr_and_export_sorted(void **state)
{
	struct vpce_flowagg *a = agg_text(TEXT, VPCE_FLOWAGG_BY_SRCADDR);
	struct vpce_flowagg_entry *e;
	struct vpce_flowagg_key k;
	struct vpce_cidr src;
	char buf[64];
	size_t n;
	(void)state;

	assert_int_equal(vpce_addr_parse("10.0.0.1", 8, &src), 0);
	vpce_flowagg_key_addr(&k, &src, S3, EUW2);
	assert_int_equal(vpce_flowagg_get(a, &k)->bytes, 1500);
	n = vpce_flowagg_export(a, &e);
	assert_int_equal(n, 5);
	assert_int_equal(e[0].value.bytes, 1500);
	assert_string_equal(vpce_flowagg_key_src(&e[0].key, buf, sizeof(buf)), "10.0.0.1");
	for (size_t i = 1; i < n; i++)
		assert_true(e[i - 1].value.bytes >= e[i].value.bytes);
	assert_int_equal(e[n - 1].value.bytes, 70);
	free(e);
	vpce_flowagg_free(a);
}

static void test_pkt_addresses_replace_nat_gateway_addresses(void **state)
{
	const char *text = "interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr bytes log-status\n"
			   "eni-nat 10.0.0.220 10.0.0.220 10.0.1.5 3.5.244.1 900 OK\n";
	struct vpce_flowagg *plain = agg_text(text, 0);
	struct vpce_flowagg *pkt = agg_text(text, VPCE_FLOWAGG_PKT_ADDRS);
	(void)state;

	assert_int_equal(get_eni(plain, "eni-nat", VPCE_IPRANGES_NONE, VPCE_IPRANGES_NONE)->bytes, 900);
	assert_int_equal(get_eni(pkt, "eni-nat", S3, EUW2)->bytes, 900);
	vpce_flowagg_free(plain);
	vpce_flowagg_free(pkt);
}

/* A larger random mix: per-thread partials merged == one aggregate ==
 * a brute-force reference over the general lookup. */
#define NREC 20000
static char *big[2];

static void make_big(void)
{
	static const char *dsts[] = { "3.5.244.1", "52.119.232.5", "10.0.0.5", "8.8.8.8",
				      "2600:f0f2:7017::1", "3.0.5.33", "52.95.128.179" };
	uint64_t x = 12345;

	for (int f = 0; f < 2; f++) {
		size_t cap = NREC * 120, pos = 0;
		big[f] = malloc(cap);
		for (int i = 0; i < NREC; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pos += (size_t)snprintf(big[f] + pos, cap - pos,
						"2 1 eni-%03u 10.0.0.%u %s 1 2 6 %u %u 1 2 %s OK\n",
						(unsigned)(x % 37), (unsigned)(x >> 8) % 200,
						dsts[(x >> 16) % 7], (unsigned)(x >> 24) % 100,
						(unsigned)(x >> 32) % 100000,
						(x >> 50) % 10 ? "ACCEPT" : "REJECT");
		}
	}
}

static void *worker(void *arg)
{
	return agg_text(arg, 0);
}

static void test_merged_partials_equal_single_pass_and_reference(void **state)
{
	pthread_t t[2];
	struct vpce_flowagg *part[2], *all, *both;
	struct vpce_flowagg_entry *e1, *e2;
	size_t n1, n2;
	uint64_t total = 0, ref_total = 0, ref_s3 = 0, got_s3 = 0;
	(void)state;

	make_big();
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, big[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], (void **)&part[i]), 0);
	{
		size_t l0 = strlen(big[0]), l1 = strlen(big[1]);
		char *cat = malloc(l0 + l1 + 1);
		memcpy(cat, big[0], l0);
		memcpy(cat + l0, big[1], l1 + 1);
		all = agg_text(cat, 0);
		free(cat);
	}
	both = agg_text("", 0);
	assert_int_equal(vpce_flowagg_merge(both, part[1]), 0);
	assert_int_equal(vpce_flowagg_merge(both, part[0]), 0);
	assert_int_equal(vpce_flowagg_records(both), 2 * NREC);
	n1 = vpce_flowagg_export(all, &e1);
	n2 = vpce_flowagg_export(both, &e2);
	assert_int_equal(n1, n2);
	assert_memory_equal(e1, e2, n1 * sizeof(*e1));
	for (size_t i = 0; i < n1; i++) {
		total += e1[i].value.bytes;
		if (e1[i].key.dst_service == S3)
			got_s3 += e1[i].value.bytes;
	}
	/* reference: re-parse every line and classify with the general lookup */
	for (int f = 0; f < 2; f++) {
		char *p = big[f];
		while (*p) {
			char *nl = strchr(p, '\n');
			char dst[64];
			unsigned long long bytes;
			struct vpce_cidr c;
			struct vpce_iprange_match m;
			assert_int_equal(sscanf(p, "%*s %*s %*s %*s %63s %*s %*s %*s %*s %llu", dst, &bytes), 2);
			ref_total += bytes;
			assert_int_equal(vpce_addr_parse(dst, strlen(dst), &c), 0);
			if (vpce_ipranges_lookup(R, &c, &m) == 0 && strcmp(m.service, "S3") == 0)
				ref_s3 += bytes;
			p = nl + 1;
		}
	}
	assert_int_equal(total, ref_total);
	assert_int_equal(got_s3, ref_s3);
	free(e1);
	free(e2);
	for (int i = 0; i < 2; i++) {
		vpce_flowagg_free(part[i]);
		free(big[i]);
	}
	vpce_flowagg_free(all);
	vpce_flowagg_free(both);
}

static void test_merge_rejects_different_flags(void **state)
{
	struct vpce_flowagg *a = agg_text("", 0), *b = agg_text("", VPCE_FLOWAGG_BY_SRCADDR);
	struct vpce_flowagg_entry *e;
	(void)state;

	assert_int_equal(vpce_flowagg_merge(a, b), VPCE_EINVAL);
	assert_int_equal(vpce_flowagg_export(a, &e), 0);
	assert_null(e);
	vpce_flowagg_free(a);
	vpce_flowagg_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_by_interface_service_and_region),
		cmocka_unit_test(test_keys_on_srcaddr_and_export_sorted),
		cmocka_unit_test(test_pkt_addresses_replace_nat_gateway_addresses),
		cmocka_unit_test(test_merged_partials_equal_single_pass_and_reference),
		cmocka_unit_test(test_merge_rejects_different_flags),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

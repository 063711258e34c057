/* ip-ranges: loading, longest-prefix match, preference, listing.
 *
 * Expected labels below were read out of data/aws-ip-ranges.json
 * (syncToken 1787411825) with python3; the listing counts are recomputed by
 * python3 over the same file while the test runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "vpce/ipranges.h"

#define IPRANGES_FILE VPCE_DATA_DIR "/aws-ip-ranges.json"

static struct vpce_ipranges *R;

static int setup(void **state)
{
	struct vpce_error err;
	(void)state;
	vpce_error_clear(&err);
	unsetenv("VPCE_DATA_DIR");
	return vpce_ipranges_load(NULL, &R, &err);
}

static int teardown(void **state)
{
	(void)state;
	vpce_ipranges_free(R);
	return 0;
}

static struct vpce_cidr addr(const char *s)
{
	struct vpce_cidr c;
	assert_int_equal(vpce_addr_parse(s, strlen(s), &c), 0);
	return c;
}

static void expect(const char *a, const char *prefix, const char *service, const char *region,
		   const char *nbg)
{
	struct vpce_cidr c = addr(a);
	struct vpce_iprange_match m;
	char buf[64];

	assert_int_equal(vpce_ipranges_lookup(R, &c, &m), 0);
	assert_string_equal(vpce_cidr_format(&m.prefix, buf, sizeof(buf)), prefix);
	assert_string_equal(m.service, service);
	assert_string_equal(m.region, region);
	assert_string_equal(m.network_border_group, nbg);
	assert_string_equal(vpce_ipranges_service_name(R, m.service_id), service);
	assert_string_equal(vpce_ipranges_region_name(R, m.region_id), region);
	assert_string_equal(vpce_ipranges_nbg_name(R, m.nbg_id), nbg);
	if (c.family == 4) {
		uint32_t h = vpce_ipranges_lookup_v4(R, vpce_cidr_v4(&c));
		assert_int_equal(h, m.handle);
		assert_int_equal(vpce_ipranges_handle_key(R, h),
				 (uint32_t)m.service_id << 16 | m.region_id);
	}
}

static void test_bundled_file_metadata(void **state)
{
	(void)state;
	assert_string_equal(vpce_ipranges_sync_token(R), "1787411825");
	assert_string_equal(vpce_ipranges_create_date(R), "2026-08-22-15-17-05");
	/* 7,905 distinct IPv4 + 3,108 distinct IPv6 CIDRs (data/SOURCES.md) */
	assert_int_equal(vpce_ipranges_handle_count(R), 7905 + 3108);
}

static void test_s3_prefix_prefers_s3_over_ec2_and_amazon(void **state)
{
	struct vpce_cidr c = addr("3.5.244.1");
	struct vpce_iprange_match m;
	(void)state;

	expect("3.5.244.1", "3.5.244.0/22", "S3", "eu-west-2", "eu-west-2");
	expect("3.5.247.255", "3.5.244.0/22", "S3", "eu-west-2", "eu-west-2");
	assert_int_equal(vpce_ipranges_lookup(R, &c, &m), 0);
	assert_int_equal(m.n_services, 3);
	assert_string_equal(vpce_ipranges_service_name(R, m.service_ids[0]), "S3");
	assert_string_equal(vpce_ipranges_service_name(R, m.service_ids[1]), "EC2");
	assert_string_equal(vpce_ipranges_service_name(R, m.service_ids[2]), "AMAZON");
}

static void test_specific_service_beats_amazon(void **state)
{
	(void)state;
	/* 52.119.232.0/21: AMAZON + DYNAMODB, us-east-1 */
	expect("52.119.232.5", "52.119.232.0/21", "DYNAMODB", "us-east-1", "us-east-1");
	/* 15.181.232.0/21: AMAZON + EC2 in a Local Zone border group */
	expect("15.181.232.1", "15.181.232.0/21", "EC2", "us-east-1", "us-east-1-iah-1");
	/* CLOUDFRONT + CLOUDFRONT_ORIGIN_FACING: the narrower subset wins */
	expect("13.124.199.77", "13.124.199.0/24", "CLOUDFRONT_ORIGIN_FACING", "ap-northeast-2",
	       "ap-northeast-2");
}

static void test_longest_prefix_wins_inside_nested_range(void **state)
{
	(void)state;
	/* 3.0.0.0/15 (AMAZON, EC2) encloses 3.0.5.32/29 (EC2_INSTANCE_CONNECT) */
	expect("3.0.5.33", "3.0.5.32/29", "EC2_INSTANCE_CONNECT", "ap-southeast-1", "ap-southeast-1");
	expect("3.0.5.31", "3.0.0.0/15", "EC2", "ap-southeast-1", "ap-southeast-1");
	expect("3.0.5.40", "3.0.0.0/15", "EC2", "ap-southeast-1", "ap-southeast-1");
	expect("3.0.5.225", "3.0.5.224/27", "ROUTE53_RESOLVER", "ap-southeast-1", "ap-southeast-1");
}

static void test_ipv6_lookup(void **state)
{
	(void)state;
	expect("2600:f0f2:7017::1", "2600:f0f2:7017::/48", "S3", "us-west-2", "us-west-2");
	expect("2a05:d033:c000:1::9", "2a05:d033:c000::/40", "IOT_CORE", "eu-west-2", "eu-west-2");
}

static void test_address_in_no_range(void **state)
{
	const char *none[] = { "10.0.0.1", "192.0.2.1", "0.0.0.0", "255.255.255.255",
			       "2001:db8::1", "::1" };
	struct vpce_iprange_match m;
	(void)state;

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		struct vpce_cidr c = addr(none[i]);
		assert_int_equal(vpce_ipranges_lookup(R, &c, &m), VPCE_ENOTFOUND);
		if (c.family == 4)
			assert_int_equal(vpce_ipranges_lookup_v4(R, vpce_cidr_v4(&c)), 0);
	}
	assert_int_equal(vpce_ipranges_handle_key(R, 0), 0xffffffffu);
	assert_int_equal(vpce_ipranges_handle_info(R, 0, &m), VPCE_EINVAL);
}

static void test_block_matches_only_a_containing_prefix(void **state)
{
	struct vpce_cidr c;
	struct vpce_iprange_match m;
	char buf[64];
	(void)state;

	assert_int_equal(vpce_cidr_parse("3.5.244.0/23", 12, &c), 0);
	assert_int_equal(vpce_ipranges_lookup(R, &c, &m), 0);
	assert_string_equal(vpce_cidr_format(&m.prefix, buf, sizeof(buf)), "3.5.244.0/22");
	assert_int_equal(vpce_cidr_parse("3.5.0.0/8", 9, &c), 0);
	assert_int_equal(vpce_ipranges_lookup(R, &c, &m), VPCE_ENOTFOUND);
}

/* The trie fast path agrees with the sorted-array search everywhere. */
static void test_fast_path_agrees_with_sorted_search(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t n = vpce_ipranges_handle_count(R);
	(void)state;

	for (int i = 0; i < 300000; i++) {
		struct vpce_cidr c = { 4, 32, 0, 0 };
		struct vpce_iprange_match m;
		uint32_t a, h;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		a = (uint32_t)x;
		if (i & 1) {
			/* near a listed prefix: its first, last or a random inner address */
			struct vpce_iprange_match p;
			uint32_t hh = (uint32_t)(x >> 32) % (uint32_t)n + 1;
			assert_int_equal(vpce_ipranges_handle_info(R, hh, &p), 0);
			if (p.prefix.family != 4)
				continue;
			uint32_t span = p.prefix.len == 0 ? 0xffffffffu
				: (uint32_t)((1ull << (32 - p.prefix.len)) - 1);
			a = vpce_cidr_v4(&p.prefix) + ((i & 6) == 0 ? 0 : (i & 6) == 2 ? span
							 : (a & span));
			if ((i & 6) == 4)
				a = vpce_cidr_v4(&p.prefix) + span + 1; /* just past it */
		}
		c.lo = a;
		h = vpce_ipranges_lookup_v4(R, a);
		if (vpce_ipranges_lookup(R, &c, &m) == 0)
			assert_int_equal(h, m.handle);
		else
			assert_int_equal(h, 0);
	}
}

static size_t python_count(const char *service, const char *region, int v6)
{
	char cmd[1024];
	FILE *p;
	unsigned long n = 0;

	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json; d=json.load(open(\"%s\")); "
		 "print(len({e[\"%s\"] for e in d[\"%s\"] "
		 "if e[\"service\"]==\"%s\" and e[\"region\"]==\"%s\"}))'",
		 IPRANGES_FILE, v6 ? "ipv6_prefix" : "ip_prefix", v6 ? "ipv6_prefixes" : "prefixes",
		 service, region);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%lu", &n), 1);
	assert_int_equal(pclose(p), 0);
	return n;
}

static void test_listing_by_service_and_region_matches_python(void **state)
{
	static const char *pairs[][2] = {
		{ "S3", "us-west-2" },   { "DYNAMODB", "us-west-2" }, { "EC2", "us-east-1" },
		{ "AMAZON", "eu-west-2" }, { "CLOUDFRONT", "GLOBAL" }, { "S3", "eu-west-2" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct vpce_cidr *list;
		size_t n = vpce_ipranges_prefixes(R, pairs[i][0], pairs[i][1], &list);
		size_t n4 = python_count(pairs[i][0], pairs[i][1], 0);
		size_t n6 = python_count(pairs[i][0], pairs[i][1], 1);

		assert_int_equal(n, n4 + n6);
		assert_true(n > 0);
		for (size_t j = 0; j < n; j++) {
			assert_int_equal(list[j].family, j < n4 ? 4 : 6);
			if (j > 0 && list[j].family == list[j - 1].family)
				assert_true(list[j].hi > list[j - 1].hi ||
					    (list[j].hi == list[j - 1].hi && list[j].lo > list[j - 1].lo) ||
					    (list[j].hi == list[j - 1].hi && list[j].lo == list[j - 1].lo &&
					     list[j].len > list[j - 1].len));
		}
	}
	/* counts verified with python3 when the test was written */
	{
		const struct vpce_cidr *list;
		assert_int_equal(vpce_ipranges_prefixes(R, "S3", "us-west-2", &list), 16 + 15);
		assert_int_equal(vpce_ipranges_prefixes(R, "DYNAMODB", "us-west-2", &list), 4);
		assert_int_equal(vpce_ipranges_prefixes(R, "S3", "mars-north-1", &list), 0);
		assert_null(list);
		assert_int_equal(vpce_ipranges_prefixes(R, "s3", "us-west-2", &list), 0);
		assert_int_equal(vpce_ipranges_prefixes(R, "NOPE", "us-west-2", &list), 0);
	}
}

static void expect_load_error(const char *text, int code, unsigned line, unsigned col,
			      const char *needle)
{
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	assert_int_equal(vpce_ipranges_load_mem(text, strlen(text), "bad.json", &r, &err), code);
	assert_null(r);
	assert_string_equal(err.file, "bad.json");
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void test_malformed_file_gives_positioned_error(void **state)
{
	(void)state;
	expect_load_error("{\"prefixes\": [\n  {\"ip_prefix\": \"1.2.3.0/24\",", VPCE_EPARSE, 2, 30,
			  "");
	expect_load_error("{\"prefixes\": [\n {\"ip_prefix\": \"1.2.3.0/33\", \"region\": \"r\", "
			  "\"service\": \"S3\"}]}",
			  VPCE_EINVAL, 2, 16, "1.2.3.0/33");
	expect_load_error("{\"prefixes\": [\n\n   {\"ip_prefix\": \"1.2.3.0/24\", \"region\": \"r\"}]}",
			  VPCE_EINVAL, 3, 4, "service");
	expect_load_error("{\"ipv6_prefixes\": [{\"ipv6_prefix\": \"1.2.3.0/24\", \"region\": \"r\", "
			  "\"service\": \"S3\"}]}",
			  VPCE_EINVAL, 1, 36, "ipv6_prefix");
	expect_load_error("{\"prefixes\": {}}", VPCE_EINVAL, 1, 14, "array");
	expect_load_error("[1]", VPCE_EINVAL, 1, 1, "object");
	expect_load_error("{\"syncToken\": \"1\"}", VPCE_EINVAL, 1, 1, "prefixes");
}

static void test_missing_file_is_io_error(void **state)
{
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;
	(void)state;

	vpce_error_clear(&err);
	assert_int_equal(vpce_ipranges_load("/nonexistent/ip-ranges.json", &r, &err), VPCE_EIO);
	assert_null(r);
}

static void test_env_var_overrides_data_dir(void **state)
{
	char dir[] = "/tmp/vpce-ipr-XXXXXX";
	char path[128];
	const char *text = "{\"syncToken\": \"42\", \"createDate\": \"d\", \"prefixes\": ["
			   "{\"ip_prefix\": \"198.51.100.0/24\", \"region\": \"xx-test-1\", "
			   "\"service\": \"S3\", \"network_border_group\": \"xx-test-1\"}],"
			   "\"ipv6_prefixes\": []}";
	struct vpce_ipranges *r = NULL;
	struct vpce_error err;
	const struct vpce_cidr *list;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/aws-ip-ranges.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	setenv("VPCE_DATA_DIR", dir, 1);
	assert_int_equal(vpce_ipranges_load(NULL, &r, &err), 0);
	unsetenv("VPCE_DATA_DIR");
	assert_string_equal(vpce_ipranges_sync_token(r), "42");
	assert_int_equal(vpce_ipranges_prefixes(r, "S3", "xx-test-1", &list), 1);
	assert_int_equal(vpce_ipranges_lookup_v4(r, 0xc6336405u), 1);
	assert_int_equal(vpce_ipranges_service_id(r, "S3"), 0);
	assert_int_equal(vpce_ipranges_service_id(r, "EC2"), VPCE_IPRANGES_NONE);
	vpce_ipranges_free(r);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled_file_metadata),
		cmocka_unit_test(test_s3_prefix_prefers_s3_over_ec2_and_amazon),
		cmocka_unit_test(test_specific_service_beats_amazon),
		cmocka_unit_test(test_longest_prefix_wins_inside_nested_range),
		cmocka_unit_test(test_ipv6_lookup),
		cmocka_unit_test(test_address_in_no_range),
		cmocka_unit_test(test_block_matches_only_a_containing_prefix),
		cmocka_unit_test(test_fast_path_agrees_with_sorted_search),
		cmocka_unit_test(test_listing_by_service_and_region_matches_python),
		cmocka_unit_test(test_malformed_file_gives_positioned_error),
		cmocka_unit_test(test_missing_file_is_io_error),
		cmocka_unit_test(test_env_var_overrides_data_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

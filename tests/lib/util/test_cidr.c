#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/cidr.h"

static struct vpce_cidr C(const char *s)
{
	struct vpce_cidr c;
	assert_int_equal(vpce_cidr_parse(s, strlen(s), &c), 0);
	return c;
}

static void test_cidr_parses_and_formats_ipv4(void **state)
{
	char buf[64];
	struct vpce_cidr c = C("10.1.2.3/16");
	(void)state;
	assert_int_equal(c.family, 4);
	assert_int_equal(c.len, 16);
	assert_string_equal(vpce_cidr_format(&c, buf, sizeof(buf)), "10.1.0.0/16"); /* host bits cleared */
	c = C("52.216.0.0/15");
	assert_string_equal(vpce_cidr_format(&c, buf, sizeof(buf)), "52.216.0.0/15");
	c = C("192.168.0.1");
	assert_int_equal(c.len, 32);
	c = C("0.0.0.0/0");
	assert_int_equal(c.len, 0);
}

static void test_cidr_parses_and_formats_ipv6(void **state)
{
	char buf[64];
	struct vpce_cidr c = C("2600:1f18::/36");
	(void)state;
	assert_int_equal(c.family, 6);
	assert_string_equal(vpce_cidr_format(&c, buf, sizeof(buf)), "2600:1f18::/36");
	c = C("::1");
	assert_string_equal(vpce_cidr_format(&c, buf, sizeof(buf)), "::1/128");
	c = C("2001:db8:0:0:1:0:0:1/128");
	assert_string_equal(vpce_cidr_format(&c, buf, sizeof(buf)), "2001:db8::1:0:0:1/128");
	c = C("::ffff:10.0.0.1/128");
	assert_int_equal(c.lo & 0xFFFFFFFFu, 0x0A000001u);
}

static void test_cidr_rejects_malformed(void **state)
{
	struct vpce_cidr c;
	static const char *bad[] = { "", "10.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.0/-1", "10.0.0.0/",
				     "1.2.3.4.5", "01.2.3.4", "::1::2", "12345::", "1:2:3:4:5:6:7:8:9", "a/8",
				     "10.0.0.0/+8", "2001:db8::/129" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(vpce_cidr_parse(bad[i], strlen(bad[i]), &c), 0);
}

static void test_cidr_containment_and_overlap(void **state)
{
	struct vpce_cidr vpc = C("10.0.0.0/16"), sub = C("10.0.1.0/24"), other = C("10.1.0.0/24"),
			 any = C("0.0.0.0/0"), v6 = C("::/0");
	(void)state;
	assert_true(vpce_cidr_contains(&vpc, &sub));
	assert_false(vpce_cidr_contains(&sub, &vpc));
	assert_false(vpce_cidr_contains(&vpc, &other));
	assert_true(vpce_cidr_contains(&any, &other));
	assert_false(vpce_cidr_contains(&v6, &other)); /* families never mix */
	assert_true(vpce_cidr_overlaps(&sub, &vpc));
	assert_false(vpce_cidr_overlaps(&sub, &other));
	assert_true(vpce_cidr_equal(&vpc, &vpc));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parses_and_formats_ipv4),
		cmocka_unit_test(test_cidr_parses_and_formats_ipv6),
		cmocka_unit_test(test_cidr_rejects_malformed),
		cmocka_unit_test(test_cidr_containment_and_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

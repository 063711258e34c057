/* Internal matchers: globs, ARN segments, variables, dates, numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "policy/policy_int.h"

static struct vpce_policy_request req;

static bool glob(const char *p, const char *s, bool ci)
{
	return pol_glob(p, strlen(p), NULL, s, strlen(s), ci);
}

static void test_glob_star_and_question_mark(void **state)
{
	(void)state;
	assert_true(glob("*", "", false));
	assert_true(glob("a*b*c", "aXXbYYc", false));
	assert_true(glob("a*b*c", "abc", false));
	assert_false(glob("a*b*c", "acb", false));
	assert_true(glob("*ab", "aab", false));
	assert_true(glob("a?c", "abc", false));
	assert_false(glob("a?c", "ac", false));
	assert_true(glob("**x", "yyx", false));
	assert_false(glob("abc", "ABC", false));
	assert_true(glob("abc", "ABC", true));
	assert_false(glob("", "a", false));
}

static void test_glob_literal_mask_disables_wildcards(void **state)
{
	const uint8_t lit[3] = { 0, 1, 1 };
	(void)state;
	assert_true(pol_glob("a*?", 3, lit, "a*?", 3, false));
	assert_false(pol_glob("a*?", 3, lit, "axy", 3, false));
}

static bool res(const char *pattern, const char *arn, bool vars)
{
	struct pol_resource r;

	pol_resource_compile(&r, pattern, strlen(pattern), vars);
	return pol_resource_match(&r, arn, strlen(arn), &req);
}

static void test_arn_segments(void **state)
{
	(void)state;
	vpce_policy_request_init(&req);
	assert_true(res("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y:z", false));
	assert_true(res("arn:aws:ec2:*:123456789012:vpc/*", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", false));
	assert_false(res("arn:aws:ec2:*:123456789012:vpc/*", "arn:aws:ec2:us:east:123456789012:vpc/vpc-1", false));
	assert_true(res("arn:aws:ec2:us-east-?:*:*", "arn:aws:ec2:us-east-2:1:instance/i", false));
	assert_false(res("arn:aws:s3:::b", "arn:aws:s3:::B", false));
	assert_true(res("arn:*", "arn:aws:s3:::b", false)); /* not an ARN pattern: whole glob */
	assert_true(res("*", "anything", false));
}

static void test_variables_expand_and_fail_on_missing_keys(void **state)
{
	char buf[64];
	uint8_t lit[64];
	const char *p = "x/${aws:username}/${missing, 'dflt'}/${*}";
	long n;
	(void)state;

	vpce_policy_request_init(&req);
	vpce_policy_request_add(&req, "AWS:UserName", "bob");
	n = pol_expand(p, strlen(p), &req, buf, lit, sizeof(buf));
	assert_int_equal(n, 12);
	assert_memory_equal(buf, "x/bob/dflt/*", 12);
	assert_int_equal(lit[11], 1);
	assert_int_equal(lit[2], 1);
	assert_int_equal(lit[0], 0);
	p = "${nope}";
	assert_int_equal(pol_expand(p, strlen(p), &req, buf, lit, sizeof(buf)), -1);
	p = "${unterminated";
	assert_int_equal(pol_expand(p, strlen(p), &req, buf, lit, sizeof(buf)), 14);
	assert_int_equal(pol_expand("abcdef", 6, &req, buf, lit, 4), -1);
	assert_true(res("arn:aws:s3:::h/${aws:username}/*", "arn:aws:s3:::h/bob/k", true));
	assert_false(res("arn:aws:s3:::h/${aws:username}/*", "arn:aws:s3:::h/bob/k", false));
	assert_true(res("arn:aws:s3:::h/${aws:username}/*", "arn:aws:s3:::h/${aws:username}/k", false));
}

static void test_dates_iso_and_epoch(void **state)
{
	double t;
	(void)state;

	assert_true(pol_parse_date("1970-01-01T00:00:00Z", 20, &t));
	assert_true(t == 0);
	assert_true(pol_parse_date("2000-03-01", 10, &t));
	assert_true(t == 951868800);
	assert_true(pol_parse_date("2000-03-01T01:00:00+01:00", 25, &t));
	assert_true(t == 951868800);
	assert_true(pol_parse_date("20000301T010000+0100", 20, &t));
	assert_true(t == 951868800);
	assert_true(pol_parse_date("2000-02-29T23:59:59.5Z", 22, &t));
	assert_true(t == 951868799.5);
	assert_true(pol_parse_date("951868800", 9, &t));
	assert_true(t == 951868800);
	assert_true(pol_parse_date("12345678", 8, &t)); /* 8 digits, not a valid YYYYMMDD */
	assert_true(t == 12345678);
	assert_true(pol_parse_date("19700102", 8, &t));
	assert_true(t == 86400);
	assert_false(pol_parse_date("2000-13-01", 10, &t));
	assert_false(pol_parse_date("2000-01-01T25:00", 16, &t));
	assert_false(pol_parse_date("2000-01-01Tjunk", 15, &t));
	assert_false(pol_parse_date("", 0, &t));
	assert_false(pol_parse_date("now", 3, &t));
}

static void test_numbers(void **state)
{
	double d;
	(void)state;

	assert_true(pol_parse_number("-1.5e3", 6, &d));
	assert_true(d == -1500);
	assert_false(pol_parse_number("1.5x", 4, &d));
	assert_false(pol_parse_number("nan", 3, &d));
	assert_false(pol_parse_number("1e999", 5, &d));
	assert_false(pol_parse_number("", 0, &d));
}

static void test_operator_names(void **state)
{
	uint8_t set;
	bool neg, ifx;
	(void)state;

	assert_int_equal(pol_op_parse("ForAllValues:StringNotLikeIfExists", &set, &neg, &ifx), OP_STR_LIKE);
	assert_int_equal(set, SET_ALL);
	assert_true(neg);
	assert_true(ifx);
	assert_int_equal(pol_op_parse("ArnEquals", &set, &neg, &ifx), OP_ARN);
	assert_int_equal(pol_op_parse("Null", &set, &neg, &ifx), OP_NULL);
	assert_int_equal(pol_op_parse("NullIfExists", &set, &neg, &ifx), OP_UNKNOWN);
	assert_int_equal(pol_op_parse("stringequals", &set, &neg, &ifx), OP_UNKNOWN);
	assert_int_equal(pol_op_parse("ForAnyValue:", &set, &neg, &ifx), OP_UNKNOWN);
	assert_int_equal(pol_op_parse("IfExists", &set, &neg, &ifx), OP_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob_star_and_question_mark),
		cmocka_unit_test(test_glob_literal_mask_disables_wildcards),
		cmocka_unit_test(test_arn_segments),
		cmocka_unit_test(test_variables_expand_and_fail_on_missing_keys),
		cmocka_unit_test(test_dates_iso_and_epoch),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_operator_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

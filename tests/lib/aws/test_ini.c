/* INI parser for ~/.aws/config and ~/.aws/credentials. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/aws.h"

static struct vpce_ini *parse_ok(const char *s)
{
	struct vpce_ini *ini = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	if (vpce_ini_parse(s, strlen(s), "config", &ini, &err) != 0)
		fail_msg("parse failed: %s", err.message);
	return ini;
}

static void expect_error(const char *s, unsigned line, unsigned col, const char *needle)
{
	struct vpce_ini *ini = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	assert_int_equal(vpce_ini_parse(s, strlen(s), "config", &ini, &err), VPCE_EPARSE);
	assert_null(ini);
	assert_string_equal(err.file, "config");
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	assert_non_null(strstr(err.message, needle));
}

static void test_ini_sections_keys_and_comments(void **state)
{
	struct vpce_ini *ini;
	(void)state;

	ini = parse_ok("# top comment\n[default]\nregion = us-east-1\n; other comment\n"
		       "Output=json\r\n\n[profile dev]\n  region   =   eu-west-1  \n"
		       "role_arn = arn:aws:iam::1:role/x # not a comment\n");
	assert_string_equal(vpce_ini_get(ini, "default", "region"), "us-east-1");
	assert_string_equal(vpce_ini_get(ini, "default", "output"), "json");
	assert_string_equal(vpce_ini_get(ini, "profile dev", "region"), "eu-west-1");
	assert_string_equal(vpce_ini_get(ini, "profile dev", "role_arn"),
			    "arn:aws:iam::1:role/x # not a comment");
	assert_null(vpce_ini_get(ini, "dev", "region"));
	assert_true(vpce_ini_has_section(ini, "profile dev"));
	vpce_ini_free(ini);
	ini = parse_ok("[empty]\n");
	assert_true(vpce_ini_has_section(ini, "empty"));
	assert_false(vpce_ini_has_section(ini, "other"));
	assert_int_equal(vpce_ini_count(ini), 0);
	vpce_ini_free(ini);
}

static void test_ini_nested_settings_and_last_value_wins(void **state)
{
	struct vpce_ini *ini;
	(void)state;

	ini = parse_ok("[default]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n"
		       "region = a\nregion = b\n");
	assert_string_equal(vpce_ini_get(ini, "default", "s3.max_concurrent_requests"), "20");
	assert_string_equal(vpce_ini_get(ini, "default", "s3.addressing_style"), "path");
	assert_string_equal(vpce_ini_get(ini, "default", "region"), "b");
	vpce_ini_free(ini);
}

static void test_ini_errors_have_positions(void **state)
{
	(void)state;
	expect_error("region = x\n", 1, 1, "before any [section]");
	expect_error("[default]\nregion = x\n   junk line\n", 3, 4, "key = value");
	expect_error("[default\n", 1, 1, "section header");
	expect_error("[default]\n[ ]\n", 2, 1, "empty section");
	expect_error("[a]\n = v\n", 2, 2, "empty key");
}

static void test_ini_empty_input_is_empty(void **state)
{
	struct vpce_ini *ini = parse_ok("");
	(void)state;
	assert_int_equal(vpce_ini_count(ini), 0);
	vpce_ini_free(ini);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini_sections_keys_and_comments),
		cmocka_unit_test(test_ini_nested_settings_and_last_value_wins),
		cmocka_unit_test(test_ini_errors_have_positions),
		cmocka_unit_test(test_ini_empty_input_is_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Parser: accepted grammar and exact error positions for malformed policies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/json.h"
#include "vpce/policy.h"

static struct vpce_policy *parse_ok(const char *s)
{
	struct vpce_policy *p = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	if (vpce_policy_parse(s, strlen(s), "p.json", &p, &err) != 0)
		fail_msg("unexpected error: %s:%u:%u: %s", err.file, err.line, err.col, err.message);
	assert_non_null(p);
	return p;
}

static void expect_error(const char *s, unsigned line, unsigned col, const char *needle)
{
	struct vpce_policy *p = (struct vpce_policy *)1;
	struct vpce_error err;

	vpce_error_clear(&err);
	assert_int_equal(vpce_policy_parse(s, strlen(s), "p.json", &p, &err), VPCE_EPARSE);
	assert_null(p);
	assert_string_equal(err.file, "p.json");
	if (getenv("SHOWPOS")) print_message("%u:%u %s\n", err.line, err.col, err.message);
	if (err.line != line || err.col != col || !strstr(err.message, needle))
		fail_msg("got %u:%u: %s; want %u:%u: ...%s...", err.line, err.col, err.message, line,
			 col, needle);
}

static void test_parse_accepts_full_grammar(void **state)
{
	struct vpce_policy *p;
	(void)state;

	p = parse_ok("{\"Version\":\"2012-10-17\",\"Id\":\"x\",\"Statement\":[\n"
		     "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"123456789012\","
		     "\"arn:aws:iam::123456789012:role/r\"],\"Service\":\"ec2.amazonaws.com\","
		     "\"Federated\":\"cognito-identity.amazonaws.com\",\"CanonicalUser\":\"abc\"},"
		     "\"Action\":[\"s3:Get*\"],\"Resource\":[\"arn:aws:s3:::b/*\"],"
		     "\"Condition\":{\"NumericLessThan\":{\"s3:max-keys\":10},\"Bool\":{\"aws:SecureTransport\":true},"
		     "\"StringEquals\":{\"k\":[\"a\",1,false]}}},\n"
		     "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"*\"},\"NotAction\":\"iam:*\",\"NotResource\":\"*\"}]}");
	assert_int_equal(vpce_policy_statement_count(p), 2);
	assert_string_equal(vpce_policy_statement_sid(p, 0), "A");
	assert_null(vpce_policy_statement_sid(p, 1));
	assert_null(vpce_policy_statement_sid(p, 2));
	assert_string_equal(vpce_policy_version(p), "2012-10-17");
	vpce_policy_free(p);
}

static void test_parse_accepts_single_statement_object(void **state)
{
	struct vpce_policy *p;
	(void)state;

	p = parse_ok("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}}");
	assert_int_equal(vpce_policy_statement_count(p), 1);
	assert_null(vpce_policy_version(p));
	vpce_policy_free(p);
}

static void test_parse_errors_carry_line_and_column(void **state)
{
	(void)state;
	expect_error("[1]", 1, 1, "must be a JSON object");
	expect_error("{\"Statement\": 3}", 1, 15, "Statement must be an object or an array");
	expect_error("{\"Version\":\"2012-10-17\"}", 1, 1, "no Statement");
	expect_error("{\"Version\":\"2020-01-01\",\"Statement\":[]}", 1, 12, "Version must be");
	expect_error("{\"Version\":1,\"Statement\":[]}", 1, 12, "Version must be a string");
	expect_error("{\"Statment\":[]}", 1, 13, "unknown policy element 'Statment'");
	expect_error("{\"Statement\":[\n  {\"Action\":\"*\",\"Resource\":\"*\"}]}", 2, 3, "no Effect");
	expect_error("{\"Statement\":[\n {\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", 2, 12,
		     "Effect must be \"Allow\" or \"Deny\"");
	expect_error("{\"Statement\":[{\"Effect\":true,\"Action\":\"*\"}]}", 1, 25, "Effect must be a string");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}]}",
		     1, 58, "both Action and NotAction");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}", 1, 15, "no Action or NotAction");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"NotResource\":\"*\"}]}",
		     1, 75, "both Resource and NotResource");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Principal\":\"*\",\"NotPrincipal\":\"*\"}]}",
		     1, 92, "both Principal and NotPrincipal");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"GetObject\",\"Resource\":\"*\"}]}", 1, 42,
		     "must be 'service:action'");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:A\",3],\"Resource\":\"*\"}]}", 1, 50,
		     "Action entries must be strings");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}]}", 1, 42,
		     "must not be an empty array");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":{}}]}", 1, 57,
		     "Resource must be a string or an array");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Principal\":\"123456789012\"}]}",
		     1, 73, "Principal must be \"*\" or an object");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Principal\":{\"User\":\"x\"}}]}",
		     1, 81, "unknown principal type 'User'");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":[]}]}", 1, 73,
		     "Condition must be an object");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":\"x\"}}]}",
		     1, 89, "must map to an object");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"k\":{}}}}]}",
		     1, 94, "must map to a value or an array");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"k\":[null]}}}]}",
		     1, 95, "must be strings, numbers or booleans");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Sid\":7}]}", 1, 67,
		     "Sid must be a string");
	expect_error("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Effects\":7}]}", 1, 71,
		     "unknown statement element 'Effects'");
	expect_error("{\"Statement\":[5]}", 1, 15, "a statement must be an object");
}

static void test_parse_reports_json_syntax_errors_with_position(void **state)
{
	struct vpce_policy *p = NULL;
	struct vpce_error err;
	(void)state;

	vpce_error_clear(&err);
	assert_int_equal(vpce_policy_parse("{\n\"Statement\": [,]}", 18, "bad.json", &p, &err), VPCE_EPARSE);
	assert_null(p);
	assert_string_equal(err.file, "bad.json");
	assert_int_equal(err.line, 2);
	assert_true(err.col > 0);
}

static void test_parse_from_json_string_node(void **state)
{
	const char *snap = "{\"VpcEndpoints\":[{\"PolicyDocument\":\"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\","
			   "\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"}]}";
	struct vpce_json_doc *doc = NULL;
	struct vpce_policy *p = NULL;
	struct vpce_error err;
	const struct vpce_json *ep;
	(void)state;

	vpce_error_clear(&err);
	assert_int_equal(vpce_json_parse(snap, strlen(snap), "VpcEndpoints.json", &doc, &err), 0);
	ep = vpce_json_get(vpce_json_root(doc), "VpcEndpoints")->u.child;
	assert_int_equal(vpce_policy_from_json(doc, vpce_json_get(ep, "PolicyDocument"), &p, &err), 0);
	assert_int_equal(vpce_policy_statement_count(p), 1);
	vpce_policy_free(p);
	/* An object node compiles directly, with positions from doc. */
	assert_int_equal(vpce_policy_from_json(doc, ep, &p, &err), VPCE_EPARSE);
	assert_null(p);
	assert_string_equal(err.file, "VpcEndpoints.json");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.col, 36); /* the PolicyDocument value, an unknown element */
	assert_int_equal(vpce_policy_from_json(doc, NULL, &p, &err), VPCE_EINVAL);
	vpce_json_doc_free(doc);
}

/* Found by fuzz_policy: huge numbers and non-boolean Bool / Null values
 * must compile without undefined behaviour. */
static void test_parse_survives_huge_numbers_and_bad_booleans(void **state)
{
	struct vpce_policy *p;
	(void)state;

	p = parse_ok("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
		     "{\"NumericEquals\":{\"k\":7.7e86,\"j\":-1e300},\"Bool\":{\"b\":\"maybe\"},\"Null\":{\"n\":\" true\"}}}]}");
	vpce_policy_free(p);
}

static void test_parse_free_is_null_safe(void **state)
{
	(void)state;
	vpce_policy_free(NULL);
	assert_int_equal(vpce_policy_statement_count(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts_full_grammar),
		cmocka_unit_test(test_parse_accepts_single_statement_object),
		cmocka_unit_test(test_parse_errors_carry_line_and_column),
		cmocka_unit_test(test_parse_reports_json_syntax_errors_with_position),
		cmocka_unit_test(test_parse_from_json_string_node),
		cmocka_unit_test(test_parse_survives_huge_numbers_and_bad_booleans),
		cmocka_unit_test(test_parse_free_is_null_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

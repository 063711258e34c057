/* plan.json reader, the JSON writer apply and export use, and which API
 * actions the client counts as writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/apply.h"

static int parse(const char *s, struct vpce_planfile **p, struct vpce_error *err)
{
	return vpce_planfile_parse(s, strlen(s), "plan.json", p, err);
}

static void test_plan_reads_the_contract(void **state)
{
	const char *s =
		"{\"version\": 1, \"window\": {\"start\": \"a\", \"end\": \"b\", \"hours\": 1}, \"traffic\": [],\n"
		" \"recommendations\": [\n"
		"  {\"action\": \"create\", \"type\": \"Gateway\", \"vpc\": \"vpc-0a\",\n"
		"   \"service\": \"com.amazonaws.eu-west-1.s3\", \"endpoint\": null,\n"
		"   \"route_tables\": [\"rtb-01\", \"rtb-02\"], \"subnets\": [\"subnet-0b\"],\n"
		"   \"policy\": {\"Version\": \"2012-10-17\", \"Statement\": []},\n"
		"   \"monthly_saving_usd\": 12.5, \"break_even_gb_month\": null},\n"
		"  {\"action\": \"modify\", \"type\": \"Interface\", \"vpc\": \"vpc-0a\",\n"
		"   \"service\": \"com.amazonaws.eu-west-1.ecr.dkr\", \"endpoint\": \"vpce-0f\",\n"
		"   \"route_tables\": [], \"subnets\": [\"subnet-0c\"], \"policy\": null,\n"
		"   \"private_dns\": false, \"monthly_saving_usd\": 1, \"break_even_gb_month\": 3}]}\n";
	struct vpce_planfile *p = NULL;
	struct vpce_error err;
	const struct vpce_planfile_rec *r;
	(void)state;

	assert_int_equal(parse(s, &p, &err), 0);
	assert_int_equal(vpce_planfile_count(p), 2);
	r = vpce_planfile_get(p, 0);
	assert_int_equal(r->action, VPCE_PLANFILE_CREATE);
	assert_string_equal(r->region, "eu-west-1");
	assert_string_equal(r->service_short, "s3");
	assert_null(r->endpoint);
	assert_int_equal(r->nroute_tables, 2);
	assert_string_equal(r->route_tables[1], "rtb-02");
	assert_int_equal(r->nsubnets, 0); /* a Gateway's source subnets: informational */
	assert_non_null(r->policy);
	assert_true(r->private_dns);
	assert_true(r->monthly_saving_usd > 12.4 && r->monthly_saving_usd < 12.6);
	r = vpce_planfile_get(p, 1);
	assert_int_equal(r->action, VPCE_PLANFILE_MODIFY);
	assert_string_equal(r->service_short, "ecr.dkr");
	assert_string_equal(r->endpoint, "vpce-0f");
	assert_false(r->private_dns);
	assert_null(r->policy);
	assert_int_equal(r->line, 8);
	assert_true(strncmp(vpce_planfile_id(p), "sha256:", 7) == 0);
	assert_int_equal(strlen(vpce_planfile_id(p)), 19);
	assert_null(vpce_planfile_get(p, 2));
	vpce_planfile_free(p);
}

static void expect_error(const char *s, const char *msg)
{
	struct vpce_planfile *p = NULL;
	struct vpce_error err;
	char buf[1024];

	assert_int_not_equal(parse(s, &p, &err), 0);
	assert_null(p);
	vpce_error_format(&err, buf, sizeof(buf));
	if (!strstr(buf, msg))
		fail_msg("got '%s', want '%s'", buf, msg);
}

static void test_plan_errors_have_positions(void **state)
{
	(void)state;
	expect_error("[]", "plan.json:1:1: a plan is a JSON object");
	expect_error("{\"recommendations\": {}}", "plan.json:1:21: \"recommendations\" must be an array");
	expect_error("{\"recommendations\": [\n 3]}", "plan.json:2:2: a recommendation is an object");
	expect_error("{\"recommendations\": [{\"action\": \"create\", \"type\": \"Gateway\",\n"
		     "\"vpc\": \"vpc-0a\", \"service\": \"com.amazonaws.us-east-1.s3\",\n"
		     "\"route_tables\": [\"rtb-01\", \"rtb-01\"]}]}",
		     "plan.json:3:28: \"route_tables\": rtb-01 given twice");
	expect_error("{\"recommendations\": [{\"action\": \"create\", \"type\": \"Gateway\", "
		     "\"vpc\": \"vpc-0a\", \"service\": \"com.amazonaws.us-east-1.s3\", "
		     "\"subnets\": [\"subnet-0x\"]}]}",
		     "\"subnets\": not a subnet-");
	expect_error("{\"version\": 2, \"recommendations\": []}",
		     "plan.json:1:13: unsupported plan \"version\"");
	expect_error("{\"recommendations\": [{\"action\": \"create\", \"type\": \"Interface\", "
		     "\"vpc\": \"vpc-0a\", \"service\": \"com.amazonaws.us-east-1.ssm\"}]}",
		     "needs at least one subnet");
	expect_error("{\"recommendations\": [{\"action\": \"delete\", \"type\": \"Interface\", "
		     "\"vpc\": \"vpc-0a\", \"service\": \"com.amazonaws.us-east-1.ssm\"}]}",
		     "delete needs \"endpoint\"");
	expect_error("{\"recommendations\": [{\"action\": \"create\", \"type\": \"Gateway\", "
		     "\"vpc\": \"vpc-0a\", \"service\": \"com.amazonaws.us-east-1.s3\", "
		     "\"policy\": \"{}\"}]}",
		     "\"policy\" must be a policy document object or null, not string");
	expect_error("{\"recommendations\": [{\"action\": \"create\", \"type\": \"Gateway\", "
		     "\"vpc\": \"VPC-0a\", \"service\": \"com.amazonaws.us-east-1.s3\"}]}",
		     "\"vpc\" must be a vpc-");
	expect_error("{\"recommendations\": [", "plan.json:1:");
}

static void test_json_write_compact_pretty_and_hcl(void **state)
{
	const char *s = "{\"a\": [1, 2.5, true, null], \"b\": \"x${y}%{z}\\n\", \"c\": {}}";
	struct vpce_json_doc *d = NULL;
	struct vpce_error err;
	struct vpce_buf b = VPCE_BUF_INIT;
	(void)state;

	assert_int_equal(vpce_json_parse(s, strlen(s), "t", &d, &err), 0);
	assert_int_equal(vpce_json_write(&b, vpce_json_root(d), 0, 0, false), 0);
	assert_string_equal(b.ptr, "{\"a\": [1, 2.5, true, null], \"b\": \"x${y}%{z}\\n\", \"c\": {}}");
	vpce_buf_clear(&b);
	vpce_json_write(&b, vpce_json_root(d), 2, 0, false);
	assert_string_equal(b.ptr, "{\n  \"a\": [\n    1,\n    2.5,\n    true,\n    null\n  ],\n"
				   "  \"b\": \"x${y}%{z}\\n\",\n  \"c\": {}\n}");
	vpce_buf_clear(&b);
	vpce_json_write(&b, vpce_json_get(vpce_json_root(d), "b"), 0, 0, true);
	assert_string_equal(b.ptr, "\"x$${y}%%{z}\\n\"");
	vpce_buf_release(&b);
	vpce_json_doc_free(d);
}

static void test_reads_and_writes_are_told_apart(void **state)
{
	(void)state;
	assert_true(vpce_aws_action_is_read("DescribeVpcEndpoints"));
	assert_true(vpce_aws_action_is_read("GetManagedPrefixListEntries"));
	assert_true(vpce_aws_action_is_read("GetCallerIdentity"));
	assert_true(vpce_aws_action_is_read("AssumeRole"));
	assert_false(vpce_aws_action_is_read("CreateVpcEndpoint"));
	assert_false(vpce_aws_action_is_read("ModifyVpcEndpoint"));
	assert_false(vpce_aws_action_is_read("DeleteVpcEndpoints"));
	assert_false(vpce_aws_action_is_read("AuthorizeSecurityGroupIngress"));
	assert_false(vpce_aws_action_is_read("CreateSecurityGroup"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_reads_the_contract),
		cmocka_unit_test(test_plan_errors_have_positions),
		cmocka_unit_test(test_json_write_compact_pretty_and_hcl),
		cmocka_unit_test(test_reads_and_writes_are_told_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Evaluator API: request context building, limits, and the endpoint
 * policies of the real AWS snapshots in shared/data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/buf.h"
#include "vpce/json.h"
#include "vpce/policy.h"

static struct vpce_policy_request req;

static struct vpce_policy *parse(const char *s)
{
	struct vpce_policy *p = NULL;
	struct vpce_error err;

	assert_int_equal(vpce_policy_parse(s, strlen(s), "e.json", &p, &err), 0);
	return p;
}

static void test_request_keys_are_case_insensitive_and_multi_valued(void **state)
{
	(void)state;
	vpce_policy_request_init(&req);
	assert_int_equal(vpce_policy_request_add(&req, "aws:TagKeys", "a"), 0);
	assert_int_equal(vpce_policy_request_add(&req, "AWS:tagkeys", "b"), 0);
	assert_int_equal(vpce_policy_request_add(&req, "aws:SourceVpce", "vpce-1"), 0);
	assert_int_equal(req.nkeys, 2);
	assert_int_equal(req.keys[0].count, 2);
	assert_int_equal(vpce_policy_request_add_key(&req, "aws:tagkeys"), 0);
	assert_int_equal(req.keys[0].count, 2);
	assert_int_equal(vpce_policy_request_addn(&req, "k", "xyz", 2), 0);
	assert_int_equal(req.values[req.keys[2].first].len, 2);
	assert_int_equal(vpce_policy_request_add(&req, NULL, "x"), VPCE_EINVAL);
}

static void test_request_capacity_is_enforced(void **state)
{
	char names[VPCE_POLICY_MAX_KEYS + 1][16];
	(void)state;

	vpce_policy_request_init(&req);
	for (int i = 0; i < VPCE_POLICY_MAX_KEYS; i++) {
		snprintf(names[i], sizeof(names[i]), "k%d", i);
		assert_int_equal(vpce_policy_request_add(&req, names[i], "v"), 0);
	}
	snprintf(names[VPCE_POLICY_MAX_KEYS], sizeof(names[0]), "extra");
	assert_int_equal(vpce_policy_request_add(&req, names[VPCE_POLICY_MAX_KEYS], "v"), VPCE_ENOMEM);
	for (int i = VPCE_POLICY_MAX_KEYS; i < VPCE_POLICY_MAX_VALUES; i++)
		assert_int_equal(vpce_policy_request_add(&req, "k0", "v"), 0);
	assert_int_equal(vpce_policy_request_add(&req, "k0", "v"), VPCE_ENOMEM);
}

static void test_eval_rejects_missing_inputs(void **state)
{
	struct vpce_policy *p = parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
	struct vpce_policy_decision d;
	(void)state;

	vpce_policy_request_init(&req);
	assert_int_equal(vpce_policy_eval(p, &req, &d), VPCE_EINVAL);
	assert_int_equal(d.result, VPCE_POLICY_IMPLICIT_DENY);
	assert_int_equal(vpce_policy_eval(NULL, &req, &d), VPCE_EINVAL);
	assert_int_equal(vpce_policy_eval(p, &req, NULL), VPCE_EINVAL);
	vpce_policy_request_set_action(&req, "s3:GetObject");
	assert_int_equal(vpce_policy_eval(p, &req, &d), 0);
	assert_int_equal(d.result, VPCE_POLICY_ALLOW);
	assert_int_equal(d.statement, 0);
	assert_null(d.sid);
	assert_string_equal(vpce_policy_result_name(d.result), "allow");
	assert_string_equal(vpce_policy_result_name(VPCE_POLICY_EXPLICIT_DENY), "explicit-deny");
	assert_string_equal(vpce_policy_result_name(VPCE_POLICY_IMPLICIT_DENY), "implicit-deny");
	vpce_policy_free(p);
}

static void test_eval_unknown_operator_never_matches(void **state)
{
	struct vpce_policy *p = parse("{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\","
				      "\"Condition\":{\"StringEqualz\":{\"k\":\"v\"}}},"
				      "{\"Sid\":\"ok\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
	struct vpce_policy_decision d;
	(void)state;

	vpce_policy_request_init(&req);
	vpce_policy_request_set_action(&req, "s3:GetObject");
	vpce_policy_request_add(&req, "k", "v");
	assert_int_equal(vpce_policy_eval(p, &req, &d), 0);
	assert_int_equal(d.result, VPCE_POLICY_ALLOW);
	assert_string_equal(d.sid, "ok");
	vpce_policy_free(p);
}

static void test_eval_long_variable_expansion_does_not_match(void **state)
{
	static char big[5000];
	struct vpce_policy *p = parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
				      "\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::b/${aws:username}\"}]}");
	struct vpce_policy_decision d;
	(void)state;

	memset(big, 'a', sizeof(big) - 1);
	vpce_policy_request_init(&req);
	vpce_policy_request_set_action(&req, "s3:GetObject");
	vpce_policy_request_set_resource(&req, "arn:aws:s3:::b/aaa");
	vpce_policy_request_add(&req, "aws:username", big);
	assert_int_equal(vpce_policy_eval(p, &req, &d), 0);
	assert_int_equal(d.result, VPCE_POLICY_IMPLICIT_DENY);
	vpce_policy_free(p);
}

static void test_eval_long_action_names_compare_case_insensitively(void **state)
{
	static char doc[1024], action[400];
	struct vpce_policy *p;
	struct vpce_policy_decision d;
	(void)state;

	memset(action, 'A', 350);
	memcpy(action, "S3:", 3);
	snprintf(doc, sizeof(doc), "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
		 "\"Action\":\"s3:%.*s\",\"Resource\":\"*\"}]}", 347, action + 3);
	for (char *c = doc; *c; c++)
		if (*c == 'A' && c[1] == 'A')
			*c = 'a';
	p = parse(doc);
	vpce_policy_request_init(&req);
	vpce_policy_request_set_action(&req, action);
	assert_int_equal(vpce_policy_eval(p, &req, &d), 0);
	assert_int_equal(d.result, VPCE_POLICY_ALLOW);
	vpce_policy_free(p);
}

/* The two real endpoints in the batfish snapshots carry AWS's default
 * (full-access) endpoint policy; AWS allows every request through them
 * (PrivateLink guide, "Control access to VPC endpoints using endpoint
 * policies": the default policy allows full access). */
static void check_snapshot(const char *dir, const char *service_action, const char *resource,
			   size_t *n_endpoints)
{
	char path[1024];
	struct vpce_buf b = VPCE_BUF_INIT;
	struct vpce_json_doc *doc = NULL;
	struct vpce_error err;

	snprintf(path, sizeof(path), "%s/aws-snapshots/%s/aws_configs/us-east-1/VpcEndpoints.json",
		 VPCE_SHARED_DATA, dir);
	if (vpce_buf_read_file(&b, path, &err) != 0) {
		vpce_buf_release(&b);
		skip();
	}
	assert_int_equal(vpce_json_parse(b.ptr, b.len, path, &doc, &err), 0);
	vpce_json_foreach(ep, vpce_json_get(vpce_json_root(doc), "VpcEndpoints")) {
		struct vpce_policy *p = NULL;
		struct vpce_policy_lint *l = NULL;
		struct vpce_policy_decision d;
		const char *principals[] = { "arn:aws:iam::554773406868:role/app",
					     "arn:aws:iam::999999999999:user/outsider", NULL };

		assert_int_equal(vpce_policy_from_json(doc, vpce_json_get(ep, "PolicyDocument"), &p, &err), 0);
		for (int i = 0; i < 3; i++) {
			vpce_policy_request_init(&req);
			vpce_policy_request_set_action(&req, service_action);
			vpce_policy_request_set_resource(&req, resource);
			vpce_policy_request_set_principal(&req, principals[i]);
			assert_int_equal(vpce_policy_eval(p, &req, &d), 0);
			assert_int_equal(d.result, VPCE_POLICY_ALLOW);
			assert_int_equal(d.statement, 0);
		}
		/* Valid, but flagged as the full-access exfiltration path. */
		assert_int_equal(vpce_policy_lint(p, VPCE_POLICY_LINT_ENDPOINT, &l, &err), 0);
		assert_true(l->count >= 1);
		for (size_t i = 0; i < l->count; i++)
			assert_int_equal(l->findings[i].severity, VPCE_POLICY_INFO);
		vpce_policy_lint_free(l);
		vpce_policy_free(p);
		(*n_endpoints)++;
	}
	vpce_json_doc_free(doc);
	vpce_buf_release(&b);
}

static void test_snapshot_endpoint_policies_allow_everything(void **state)
{
	size_t n = 0;
	(void)state;

	check_snapshot("batfish-test-vpc-endpoint-gateway", "s3:PutObject",
		       "arn:aws:s3:::any-bucket-anywhere/key", &n);
	check_snapshot("batfish-test-vpc-endpoint-interface", "cloudtrail:LookupEvents", "*", &n);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_keys_are_case_insensitive_and_multi_valued),
		cmocka_unit_test(test_request_capacity_is_enforced),
		cmocka_unit_test(test_eval_rejects_missing_inputs),
		cmocka_unit_test(test_eval_unknown_operator_never_matches),
		cmocka_unit_test(test_eval_long_variable_expansion_does_not_match),
		cmocka_unit_test(test_eval_long_action_names_compare_case_insensitively),
		cmocka_unit_test(test_snapshot_endpoint_policies_allow_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

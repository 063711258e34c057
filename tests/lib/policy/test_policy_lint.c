/* Lint findings and templates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/buf.h"
#include "vpce/policy.h"

static struct vpce_policy_lint *lint(const char *s, unsigned flags)
{
	struct vpce_policy *p = NULL;
	struct vpce_policy_lint *l = NULL;
	struct vpce_error err;

	vpce_error_clear(&err);
	if (vpce_policy_parse(s, strlen(s), "l.json", &p, &err) != 0)
		fail_msg("parse: %u:%u: %s", err.line, err.col, err.message);
	assert_int_equal(vpce_policy_lint(p, flags, &l, &err), 0);
	vpce_policy_free(p);
	return l;
}

static const struct vpce_policy_finding *find(const struct vpce_policy_lint *l, const char *id)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->findings[i].id, id) == 0)
			return &l->findings[i];
	return NULL;
}

static size_t count_at_least(const struct vpce_policy_lint *l, int sev)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++)
		if (l->findings[i].severity >= sev)
			n++;
	return n;
}

#define V "\"Version\":\"2012-10-17\","

static void test_lint_deny_only_policy_is_flagged(void **state)
{
	struct vpce_policy_lint *l;
	const struct vpce_policy_finding *f;
	(void)state;

	l = lint("{" V "\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:Delete*\",\"Resource\":\"*\"}]}", 0);
	f = find(l, "deny-only");
	assert_non_null(f);
	assert_int_equal(f->severity, VPCE_POLICY_WARNING);
	assert_int_equal(f->statement, -1);
	vpce_policy_lint_free(l);
}

static void test_lint_unknown_operator_with_position(void **state)
{
	struct vpce_policy_lint *l;
	const struct vpce_policy_finding *f;
	(void)state;

	l = lint("{" V "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\",\n"
		 "\"Condition\":{\"StringEqualz\":{\"aws:PrincipalOrgID\":\"o-1\"}}}]}", 0);
	f = find(l, "unknown-operator");
	assert_non_null(f);
	assert_int_equal(f->statement, 0);
	assert_int_equal(f->line, 2);
	assert_int_equal(f->col, 29);
	assert_non_null(strstr(f->message, "StringEqualz"));
	vpce_policy_lint_free(l);
}

static void test_lint_source_vpce_only_in_endpoint_policies(void **state)
{
	const char *doc = "{" V "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\","
			  "\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1\"},\"StringLike\":{\"AWS:SOURCEVPC\":\"vpc-*\"}}}]}";
	struct vpce_policy_lint *l = lint(doc, VPCE_POLICY_LINT_ENDPOINT);
	size_t n = 0;
	(void)state;

	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->findings[i].id, "endpoint-source-vpce") == 0)
			n++;
	assert_int_equal(n, 2);
	vpce_policy_lint_free(l);
	l = lint(doc, 0);
	assert_null(find(l, "endpoint-source-vpce"));
	vpce_policy_lint_free(l);
}

static void test_lint_full_access_is_info_and_conditions_silence_it(void **state)
{
	struct vpce_policy_lint *l;
	const struct vpce_policy_finding *f;
	(void)state;

	l = lint("{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}]}",
		 VPCE_POLICY_LINT_ENDPOINT);
	f = find(l, "full-access");
	assert_non_null(f);
	assert_int_equal(f->severity, VPCE_POLICY_INFO);
	assert_non_null(find(l, "missing-version"));
	assert_int_equal(count_at_least(l, VPCE_POLICY_WARNING), 0);
	vpce_policy_lint_free(l);
	l = lint("{" V "\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\","
		 "\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abcdefghij\"}}}]}", 0);
	assert_int_equal(l->count, 0);
	vpce_policy_lint_free(l);
}

static void test_lint_suspicious_constructs(void **state)
{
	struct vpce_policy_lint *l;
	(void)state;

	l = lint("{\"Statement\":[\n"
		 "{\"Sid\":\"S\",\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::123456789012:role/x\"},\"NotAction\":\"iam:*\",\"NotResource\":\"arn:aws:s3:::a\"},\n"
		 "{\"Sid\":\"S\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/app-*\"},\"Action\":\"s3:GetObject\"},\n"
		 "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::h/${aws:username}/*\","
		 "\"Condition\":{\"ForAllValues:StringEquals\":{\"aws:PrincipalOrgID\":\"o-abcdefghij\"},\"NumericLessThan\":{\"n\":\"ten\"},"
		 "\"DateGreaterThan\":{\"aws:CurrentTime\":\"someday\"},\"IpAddress\":{\"aws:SourceIp\":\"300.1.1.1\"}}},\n"
		 "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"},\n"
		 "{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}]}", VPCE_POLICY_LINT_ENDPOINT);
	assert_non_null(find(l, "allow-not-principal"));
	assert_non_null(find(l, "allow-not-action"));
	assert_non_null(find(l, "allow-not-resource"));
	assert_non_null(find(l, "missing-principal"));
	assert_int_equal(find(l, "missing-principal")->statement, 4);
	assert_non_null(find(l, "missing-resource"));
	assert_int_equal(find(l, "missing-resource")->statement, 1);
	assert_non_null(find(l, "duplicate-sid"));
	assert_int_equal(find(l, "duplicate-sid")->statement, 1);
	assert_non_null(find(l, "principal-partial-wildcard"));
	assert_non_null(find(l, "set-operator-single-valued"));
	assert_non_null(find(l, "invalid-condition-value"));
	assert_non_null(find(l, "variables-without-version"));
	assert_non_null(find(l, "deny-everything"));
	assert_int_equal(find(l, "deny-everything")->statement, 3);
	assert_null(find(l, "deny-only"));
	vpce_policy_lint_free(l);
}

static void test_templates_parse_and_lint_clean(void **state)
{
	struct vpce_policy_template_opts o;
	const char *const *kinds = vpce_policy_template_kinds();
	int n = 0;
	(void)state;

	memset(&o, 0, sizeof(o));
	o.org_id = "o-abcdefghij";
	o.account = "123456789012";
	o.buckets[0] = "my-bucket";
	o.buckets[1] = "logs.example.com";
	o.nbuckets = 2;
	for (; *kinds; kinds++, n++) {
		struct vpce_buf b = VPCE_BUF_INIT;
		struct vpce_error err;
		struct vpce_policy *p = NULL;
		struct vpce_policy_lint *l = NULL;

		vpce_error_clear(&err);
		assert_int_equal(vpce_policy_template(*kinds, &o, &b, &err), 0);
		if (vpce_policy_parse(b.ptr, b.len, *kinds, &p, &err) != 0)
			fail_msg("%s: %u:%u: %s\n%s", *kinds, err.line, err.col, err.message, b.ptr);
		assert_int_equal(vpce_policy_lint(p, VPCE_POLICY_LINT_ENDPOINT, &l, &err), 0);
		assert_int_equal(count_at_least(l, VPCE_POLICY_WARNING), 0);
		/* Only full-access carries the informational finding. */
		assert_int_equal(find(l, "full-access") != NULL, strcmp(*kinds, "full-access") == 0);
		vpce_policy_lint_free(l);
		vpce_policy_free(p);
		vpce_buf_release(&b);
	}
	assert_int_equal(n, 4);
}

static int eval(const char *kind, const struct vpce_policy_template_opts *o, const char *action,
		const char *resource, const char *principal, const char *k1, const char *v1,
		const char *k2, const char *v2)
{
	static struct vpce_policy_request r;
	struct vpce_buf b = VPCE_BUF_INIT;
	struct vpce_error err;
	struct vpce_policy *p = NULL;
	struct vpce_policy_decision d;

	assert_int_equal(vpce_policy_template(kind, o, &b, &err), 0);
	assert_int_equal(vpce_policy_parse(b.ptr, b.len, kind, &p, &err), 0);
	vpce_policy_request_init(&r);
	vpce_policy_request_set_action(&r, action);
	vpce_policy_request_set_resource(&r, resource);
	vpce_policy_request_set_principal(&r, principal);
	if (k1)
		vpce_policy_request_add(&r, k1, v1);
	if (k2)
		vpce_policy_request_add(&r, k2, v2);
	assert_int_equal(vpce_policy_eval(p, &r, &d), 0);
	vpce_policy_free(p);
	vpce_buf_release(&b);
	return d.result;
}

static void test_templates_enforce_what_they_promise(void **state)
{
	struct vpce_policy_template_opts o;
	const char *role = "arn:aws:iam::123456789012:role/app";
	(void)state;

	memset(&o, 0, sizeof(o));
	o.org_id = "o-abcdefghij";
	o.region = "us-east-1";
	assert_int_equal(eval("org-perimeter", &o, "s3:GetObject", "arn:aws:s3:::b/k", role,
			      "aws:PrincipalOrgID", "o-abcdefghij", "aws:ResourceOrgID", "o-abcdefghij"),
			 VPCE_POLICY_ALLOW);
	assert_int_equal(eval("org-perimeter", &o, "s3:PutObject", "arn:aws:s3:::evil/k", role,
			      "aws:PrincipalOrgID", "o-abcdefghij", "aws:ResourceOrgID", "o-zzzzzzzzzz"),
			 VPCE_POLICY_IMPLICIT_DENY);
	assert_int_equal(eval("org-perimeter", &o, "s3:GetObject",
			      "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/l", role,
			      "aws:PrincipalOrgID", "o-abcdefghij", NULL, NULL),
			 VPCE_POLICY_ALLOW);
	assert_int_equal(eval("org-perimeter", &o, "s3:GetObject", "arn:aws:s3:::b/k",
			      "delivery.logs.amazonaws.com", NULL, NULL, NULL, NULL),
			 VPCE_POLICY_ALLOW);
	o.account = "123456789012";
	assert_int_equal(eval("own-account", &o, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q",
			      role, "aws:ResourceAccount", "123456789012", NULL, NULL),
			 VPCE_POLICY_ALLOW);
	assert_int_equal(eval("own-account", &o, "sqs:SendMessage", "arn:aws:sqs:us-east-1:999999999999:q",
			      role, "aws:ResourceAccount", "999999999999", NULL, NULL),
			 VPCE_POLICY_IMPLICIT_DENY);
	o.buckets[0] = "cfg";
	o.nbuckets = 1;
	assert_int_equal(eval("s3-read-only", &o, "s3:GetObject", "arn:aws:s3:::cfg/a", role, NULL, NULL,
			      NULL, NULL), VPCE_POLICY_ALLOW);
	assert_int_equal(eval("s3-read-only", &o, "s3:PutObject", "arn:aws:s3:::cfg/a", role, NULL, NULL,
			      NULL, NULL), VPCE_POLICY_IMPLICIT_DENY);
	assert_int_equal(eval("s3-read-only", &o, "s3:GetObject", "arn:aws:s3:::cfg/a",
			      "arn:aws:iam::999999999999:role/x", NULL, NULL, NULL, NULL),
			 VPCE_POLICY_IMPLICIT_DENY);
}

static void test_templates_reject_bad_options(void **state)
{
	struct vpce_policy_template_opts o;
	struct vpce_buf b = VPCE_BUF_INIT;
	struct vpce_error err;
	(void)state;

	memset(&o, 0, sizeof(o));
	assert_int_equal(vpce_policy_template("org-perimeter", &o, &b, &err), VPCE_EUSAGE);
	o.org_id = "o-BAD";
	assert_int_equal(vpce_policy_template("org-perimeter", &o, &b, &err), VPCE_EUSAGE);
	assert_int_equal(vpce_policy_template("own-account", &o, &b, &err), VPCE_EUSAGE);
	assert_int_equal(vpce_policy_template("s3-read-only", &o, &b, &err), VPCE_EUSAGE);
	o.buckets[0] = "Bad_Bucket";
	o.nbuckets = 1;
	assert_int_equal(vpce_policy_template("s3-read-only", &o, &b, &err), VPCE_EUSAGE);
	assert_int_equal(vpce_policy_template("everything", NULL, &b, &err), VPCE_EUSAGE);
	assert_int_equal(b.len, 0);
	vpce_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_deny_only_policy_is_flagged),
		cmocka_unit_test(test_lint_unknown_operator_with_position),
		cmocka_unit_test(test_lint_source_vpce_only_in_endpoint_policies),
		cmocka_unit_test(test_lint_full_access_is_info_and_conditions_silence_it),
		cmocka_unit_test(test_lint_suspicious_constructs),
		cmocka_unit_test(test_templates_parse_and_lint_clean),
		cmocka_unit_test(test_templates_enforce_what_they_promise),
		cmocka_unit_test(test_templates_reject_bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The audit rule table and a few rules on minimal inline snapshots (the
 * black-box cases per rule are in tests/cli/test_audit.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../testutil.h"
#include "vpce/audit.h"

#define VPCS "{'Vpcs':[{'VpcId':'vpc-1','CidrBlock':'10.0.0.0/16','IsDefault':false}]}"
#define SUBNETS "{'Subnets':[{'SubnetId':'subnet-a','VpcId':'vpc-1','CidrBlock':'10.0.1.0/24','AvailabilityZone':'us-east-1a'}," \
	"{'SubnetId':'subnet-b','VpcId':'vpc-1','CidrBlock':'10.0.2.0/24','AvailabilityZone':'us-east-1b'}]}"
#define ENIS "{'NetworkInterfaces':[{'NetworkInterfaceId':'eni-a','SubnetId':'subnet-a','VpcId':'vpc-1','AvailabilityZone':'us-east-1a'," \
	"'PrivateIpAddress':'10.0.1.10','Groups':[{'GroupId':'sg-app'}],'InterfaceType':'interface'}," \
	"{'NetworkInterfaceId':'eni-b','SubnetId':'subnet-b','VpcId':'vpc-1','AvailabilityZone':'us-east-1b'," \
	"'PrivateIpAddress':'10.0.2.10','Groups':[{'GroupId':'sg-app'}],'InterfaceType':'interface'}]}"
#define SGS(ep_ingress) "{'SecurityGroups':[{'GroupId':'sg-app','VpcId':'vpc-1','IpPermissions':[],'IpPermissionsEgress':[" \
	"{'IpProtocol':'-1','IpRanges':[{'CidrIp':'0.0.0.0/0'}]}]},{'GroupId':'sg-ep','VpcId':'vpc-1','IpPermissionsEgress':[]," \
	"'IpPermissions':[" ep_ingress "]}]}"
#define FROM_VPC "{'IpProtocol':'tcp','FromPort':443,'ToPort':443,'IpRanges':[{'CidrIp':'10.0.0.0/16'}]}"
#define FROM_WORLD "{'IpProtocol':'tcp','FromPort':443,'ToPort':443,'IpRanges':[{'CidrIp':'0.0.0.0/0'}]}"
#define FROM_APP_SG "{'IpProtocol':'tcp','FromPort':443,'ToPort':443,'UserIdGroupPairs':[{'GroupId':'sg-app'}]}"
#define PORT_80 "{'IpProtocol':'tcp','FromPort':80,'ToPort':80,'IpRanges':[{'CidrIp':'10.0.0.0/16'}]}"
#define EP(state, subnets, pdns) "{'VpcEndpoints':[{'VpcEndpointId':'vpce-sqs','VpcId':'vpc-1','ServiceName':'com.amazonaws.us-east-1.sqs'," \
	"'VpcEndpointType':'Interface','State':'" state "','SubnetIds':[" subnets "],'Groups':[{'GroupId':'sg-ep'}]," \
	"'PrivateDnsEnabled':" pdns "}]}"

static struct vpce_audit *audit(struct vpce_model *m)
{
	struct vpce_engine *e = NULL;
	struct vpce_audit *a = NULL;
	struct vpce_error err;

	assert_int_equal(vpce_engine_new(m, NULL, &e, &err), 0);
	assert_int_equal(vpce_audit_run(m, e, NULL, &a, &err), 0);
	vpce_engine_free(e);
	return a;
}

/* Number of findings of rule id (on resource, when not NULL); *sev gets the last one's severity. */
static size_t count(const struct vpce_audit *a, const char *id, const char *resource, int *sev)
{
	size_t n = 0;

	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->findings[i].rule_id, id) == 0 &&
		    (!resource || strcmp(a->findings[i].resource, resource) == 0)) {
			n++;
			if (sev)
				*sev = a->findings[i].severity;
		}
	return n;
}

static void test_rule_ids_are_sequential_unique_and_documented(void **state)
{
	size_t n;
	const struct vpce_audit_rule *r = vpce_audit_rules(&n);
	(void)state;
	assert_true(n >= 16);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "VPCE%03zu", i + 1);
		assert_string_equal(r[i].id, want);
		assert_non_null(r[i].name);
		assert_true(strlen(r[i].title) > 10);
		assert_true(strlen(r[i].doc_title) > 5);
		assert_true(strncmp(r[i].doc_url, "https://docs.aws.amazon.com/", 28) == 0);
		assert_in_range(r[i].severity, VPCE_SEV_LOW, VPCE_SEV_CRITICAL);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(r[i].name, r[j].name);
	}
}

static void test_severity_names_round_trip(void **state)
{
	(void)state;
	for (int s = VPCE_SEV_LOW; s <= VPCE_SEV_CRITICAL; s++)
		assert_int_equal(vpce_severity_parse(vpce_severity_name(s)), s);
	assert_int_equal(vpce_severity_parse("severe"), -1);
	assert_int_equal(vpce_severity_parse(NULL), -1);
	assert_null(vpce_severity_name(4));
}

static void test_single_az_endpoint_with_workloads_in_two_azs_is_found(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(FROM_VPC), "p.json", EP("available", "'subnet-a'", "true"), NULL);
	struct vpce_audit *a = audit(m);
	(void)state;
	assert_int_equal(count(a, "VPCE002", "vpce-sqs", NULL), 1);
	assert_int_equal(count(a, "VPCE003", NULL, NULL), 0);
	assert_int_equal(count(a, "VPCE004", NULL, NULL), 0);
	vpce_audit_free(a);
	vpce_model_free(m);
}

static void test_endpoint_in_both_azs_is_not_single_az(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(FROM_VPC), "p.json", EP("available", "'subnet-a','subnet-b'", "true"), NULL);
	struct vpce_audit *a = audit(m);
	(void)state;
	assert_int_equal(count(a, "VPCE002", NULL, NULL), 0);
	vpce_audit_free(a);
	vpce_model_free(m);
}

static void test_world_open_sg_is_one_finding_on_the_group(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(FROM_WORLD), "p.json", EP("available", "'subnet-a','subnet-b'", "true"), NULL);
	struct vpce_audit *a = audit(m);
	int sev = -1;
	(void)state;
	assert_int_equal(count(a, "VPCE003", "sg-ep", &sev), 1);
	assert_int_equal(sev, VPCE_SEV_MEDIUM);
	/* 0.0.0.0/0 overlaps the VPC: 443 from the workloads is allowed. */
	assert_int_equal(count(a, "VPCE004", NULL, NULL), 0);
	vpce_audit_free(a);
	vpce_model_free(m);
}

static void test_sg_reference_to_workload_group_counts_as_443_from_workloads(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(FROM_APP_SG), "p.json", EP("available", "'subnet-a'", "true"), NULL);
	struct vpce_audit *a = audit(m);
	(void)state;
	assert_int_equal(count(a, "VPCE004", NULL, NULL), 0);
	vpce_audit_free(a);
	vpce_model_free(m);
}

static void test_sg_with_port_80_only_misses_443(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(PORT_80), "p.json", EP("available", "'subnet-a'", "true"), NULL);
	struct vpce_audit *a = audit(m);
	int sev = -1;
	(void)state;
	assert_int_equal(count(a, "VPCE004", "vpce-sqs", &sev), 1);
	assert_int_equal(sev, VPCE_SEV_HIGH);
	vpce_audit_free(a);
	vpce_model_free(m);
}

static void test_failed_endpoint_is_high_pending_is_medium(void **state)
{
	struct vpce_model *m1 = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "g.json", SGS(FROM_VPC), "p.json",
					EP("failed", "'subnet-a'", "false"), NULL);
	struct vpce_model *m2 = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "g.json", SGS(FROM_VPC), "p.json",
					EP("pendingAcceptance", "'subnet-a'", "false"), NULL);
	struct vpce_audit *a1 = audit(m1), *a2 = audit(m2);
	int s1 = -1, s2 = -1;
	(void)state;
	assert_int_equal(count(a1, "VPCE011", "vpce-sqs", &s1), 1);
	assert_int_equal(count(a2, "VPCE011", "vpce-sqs", &s2), 1);
	assert_int_equal(s1, VPCE_SEV_HIGH);
	assert_int_equal(s2, VPCE_SEV_MEDIUM);
	vpce_audit_free(a1);
	vpce_audit_free(a2);
	vpce_model_free(m1);
	vpce_model_free(m2);
}

static void test_findings_are_in_rule_order_and_counted_by_severity(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(PORT_80), "p.json", EP("failed", "'subnet-a'", "false"), NULL);
	struct vpce_audit *a = audit(m);
	size_t total = 0;
	(void)state;
	assert_true(a->count >= 3);
	for (size_t i = 1; i < a->count; i++)
		assert_true(strcmp(a->findings[i - 1].rule_id, a->findings[i].rule_id) <= 0);
	for (int s = 0; s < 4; s++)
		total += a->by_severity[s];
	assert_int_equal(total, a->count);
	vpce_audit_free(a);
	vpce_model_free(m);
}

#define ECR_EPS(s3svc) "{'VpcEndpoints':[" \
	"{'VpcEndpointId':'vpce-api','VpcId':'vpc-1','ServiceName':'com.amazonaws.us-east-1.ecr.api','VpcEndpointType':'Interface','State':'available','SubnetIds':['subnet-a']}," \
	"{'VpcEndpointId':'vpce-dkr','VpcId':'vpc-1','ServiceName':'com.amazonaws.us-east-1.ecr.dkr','VpcEndpointType':'Interface','State':'available','SubnetIds':['subnet-a']}," \
	"{'VpcEndpointId':'vpce-s3','VpcId':'vpc-1','ServiceName':'" s3svc "','VpcEndpointType':'Gateway','State':'available','RouteTableIds':[]}]}"

static void test_other_regions_endpoint_does_not_complete_a_set(void **state)
{
	struct vpce_model *here = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "p.json",
					  ECR_EPS("com.amazonaws.us-east-1.s3"), NULL);
	struct vpce_model *there = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "p.json",
					   ECR_EPS("com.amazonaws.us-west-2.s3"), NULL);
	struct vpce_audit *a1 = audit(here), *a2 = audit(there);
	(void)state;
	assert_int_equal(count(a1, "VPCE012", NULL, NULL), 0);
	assert_int_equal(count(a2, "VPCE012", "vpc-1", NULL), 1);
	vpce_audit_free(a1);
	vpce_audit_free(a2);
	vpce_model_free(here);
	vpce_model_free(there);
}

static void test_json_and_sarif_render(void **state)
{
	struct vpce_model *m = tu_load("a/us-east-1/v.json", VPCS, "s.json", SUBNETS, "e.json", ENIS, "g.json",
				       SGS(PORT_80), "p.json", EP("available", "'subnet-a'", "true"), NULL);
	struct vpce_audit *a = audit(m);
	struct vpce_buf b = VPCE_BUF_INIT;
	(void)state;
	assert_int_equal(vpce_render_audit_json(&b, a, VPCE_SEV_HIGH), 0);
	assert_non_null(strstr(b.ptr, "\"id\": \"VPCE004\""));
	assert_null(strstr(b.ptr, "\"id\": \"VPCE002\"")); /* medium, filtered */
	vpce_buf_clear(&b);
	assert_int_equal(vpce_render_audit_sarif(&b, a, VPCE_SEV_LOW, "snap"), 0);
	assert_non_null(strstr(b.ptr, "\"version\": \"2.1.0\""));
	assert_non_null(strstr(b.ptr, "\"ruleId\": \"VPCE002\""));
	vpce_buf_release(&b);
	vpce_audit_free(a);
	vpce_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_ids_are_sequential_unique_and_documented),
		cmocka_unit_test(test_severity_names_round_trip),
		cmocka_unit_test(test_single_az_endpoint_with_workloads_in_two_azs_is_found),
		cmocka_unit_test(test_endpoint_in_both_azs_is_not_single_az),
		cmocka_unit_test(test_world_open_sg_is_one_finding_on_the_group),
		cmocka_unit_test(test_sg_reference_to_workload_group_counts_as_443_from_workloads),
		cmocka_unit_test(test_sg_with_port_80_only_misses_443),
		cmocka_unit_test(test_failed_endpoint_is_high_pending_is_medium),
		cmocka_unit_test(test_findings_are_in_rule_order_and_counted_by_severity),
		cmocka_unit_test(test_other_regions_endpoint_does_not_complete_a_set),
		cmocka_unit_test(test_json_and_sarif_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

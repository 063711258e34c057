/* Snapshot loader: recognition by key, merging, regions, defaults, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../testutil.h"

static void test_invalid_json_reports_file_line_col(void **state)
{
	struct vpce_error err;
	(void)state;
	tu_load_fail(&err, VPCE_EPARSE, "snap/subnets.json", "{'Subnets': [\n  {'SubnetId': 'subnet-1',}\n]}", NULL);
	assert_string_equal(err.file, "snap/subnets.json");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 27); /* the "}" where a key was expected */
}

static void test_wrong_type_reports_position_of_member(void **state)
{
	struct vpce_error err;
	(void)state;
	tu_load_fail(&err, VPCE_EINVAL, "s.json",
		     "{'Subnets': [{'SubnetId': 'subnet-1', 'VpcId': 'vpc-1',\n 'CidrBlock': 42}]}", NULL);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 15);
	assert_non_null(strstr(err.message, "CidrBlock"));
	tu_load_fail(&err, VPCE_EINVAL, "s.json", "{'Subnets': {}}", NULL);
	assert_non_null(strstr(err.message, "expected array"));
	tu_load_fail(&err, VPCE_EINVAL, "s.json", "{'Subnets': [{'VpcId': 'vpc-1'}]}", NULL);
	assert_non_null(strstr(err.message, "SubnetId"));
}

static void test_files_are_recognised_by_key_and_merge(void **state)
{
	struct vpce_model *m = tu_load("x/any-name.json", "{'Subnets':[{'SubnetId':'subnet-1','VpcId':'vpc-1','AvailabilityZone':'eu-west-2b'}]}",
				       "y.json", "{'Subnets':[{'SubnetId':'subnet-2','VpcId':'vpc-1','AvailabilityZone':'eu-west-2a'}]}",
				       "z.json", "{'Unrelated': []}", NULL);
	(void)state;
	assert_int_equal(m->nsubnets, 2);
	/* The VPC is referenced but absent: a stub whose region comes from the AZ names. */
	assert_int_equal(m->nvpcs, 1);
	assert_true(m->vpcs[0].stub);
	assert_string_equal(m->vpcs[0].region, "eu-west-2");
	assert_string_equal(m->region, "eu-west-2");
	vpce_model_free(m);
}

static void test_region_from_folder_name_wins(void **state)
{
	struct vpce_model *m = tu_load("snap/123456789012/ap-southeast-2/vpcs.json", "{'Vpcs':[{'VpcId':'vpc-1','CidrBlock':'10.0.0.0/16'}]}",
				       NULL);
	(void)state;
	assert_string_equal(m->vpcs[0].region, "ap-southeast-2");
	vpce_model_free(m);
}

static void test_managed_prefix_list_entries_take_id_from_file_name(void **state)
{
	struct vpce_error err;
	struct vpce_model *m = tu_load("a.json", "{'PrefixLists':[{'PrefixListId':'pl-0abc12','PrefixListName':'corp','OwnerId':'111122223333'}]}",
				       "snap/pl-0abc12-entries.json", "{'Entries':[{'Cidr':'192.0.2.0/24'},{'Cidr':'198.51.100.0/24'}]}", NULL);
	enum vpce_kind kind;
	uint32_t idx;
	(void)state;
	assert_true(vpce_model_find(m, "pl-0abc12", &kind, &idx));
	assert_int_equal(kind, VPCE_K_PREFIX_LIST);
	assert_int_equal(m->prefix_lists[idx].ncidrs, 2);
	assert_string_equal(m->prefix_lists[idx].name, "corp");
	assert_false(m->prefix_lists[idx].aws_managed);
	vpce_model_free(m);
	tu_load_fail(&err, VPCE_EINVAL, "entries.json", "{'Entries':[{'Cidr':'192.0.2.0/24'}]}", NULL);
	assert_non_null(strstr(err.message, "pl-"));
}

static void test_dns_attribute_defaults_follow_vpc_kind(void **state)
{
	struct vpce_model *m = tu_load("us-east-1/v.json",
				       "{'Vpcs':[{'VpcId':'vpc-d','IsDefault':true},{'VpcId':'vpc-n','IsDefault':false},{'VpcId':'vpc-x'}]}",
				       "attr.json", "{'VpcId':'vpc-x','EnableDnsHostnames':{'Value':true}}", NULL);
	(void)state;
	assert_true(m->vpcs[0].dns_support && m->vpcs[0].dns_hostnames);
	assert_int_equal(m->vpcs[0].dns_hostnames_src, VPCE_FACT_DEFAULT);
	assert_true(m->vpcs[1].dns_support);
	assert_false(m->vpcs[1].dns_hostnames);
	assert_true(m->vpcs[2].dns_hostnames);
	assert_int_equal(m->vpcs[2].dns_hostnames_src, VPCE_FACT_SNAPSHOT);
	vpce_model_free(m);
}

static void test_subnet_without_association_uses_main_table_and_default_nacl(void **state)
{
	struct vpce_model *m = tu_load("us-east-1/a.json",
				       "{'Subnets':[{'SubnetId':'subnet-1','VpcId':'vpc-1'},{'SubnetId':'subnet-2','VpcId':'vpc-1'}]}",
				       "b.json",
				       "{'RouteTables':[{'RouteTableId':'rtb-m','VpcId':'vpc-1','Associations':[{'Main':true}],'Routes':[]},"
				       "{'RouteTableId':'rtb-x','VpcId':'vpc-1','Associations':[{'Main':false,'SubnetId':'subnet-2'}],'Routes':[]}]}",
				       "c.json",
				       "{'NetworkAcls':[{'NetworkAclId':'acl-d','VpcId':'vpc-1','IsDefault':true,'Entries':[],'Associations':[]},"
				       "{'NetworkAclId':'acl-c','VpcId':'vpc-1','IsDefault':false,'Entries':[],'Associations':[{'SubnetId':'subnet-2'}]}]}",
				       NULL);
	(void)state;
	assert_string_equal(m->rtbs[m->subnets[0].rtb].id, "rtb-m");
	assert_false(m->subnets[0].rtb_explicit);
	assert_string_equal(m->rtbs[m->subnets[1].rtb].id, "rtb-x");
	assert_true(m->subnets[1].rtb_explicit);
	assert_string_equal(m->nacls[m->subnets[0].nacl].id, "acl-d");
	assert_string_equal(m->nacls[m->subnets[1].nacl].id, "acl-c");
	vpce_model_free(m);
}

static void test_real_batfish_captures_load(void **state)
{
	static const char *const caps[] = { "batfish-test-vpc-endpoint-gateway", "batfish-test-vpc-endpoint-interface",
					    "batfish-test-nat-gateway", "batfish-test-public-private-subnet" };
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char path[1024];
		struct vpce_model *m = NULL;
		struct vpce_error err;
		snprintf(path, sizeof(path), "%s/aws-snapshots/%s", VPCE_SHARED_DATA, caps[i]);
		if (vpce_snapshot_load(path, NULL, &m, &err) != 0) {
			print_error("%s: %s:%u:%u: %s\n", caps[i], err.file, err.line, err.col, err.message);
			fail();
		}
		assert_true(m->nvpcs >= 1);
		assert_true(m->nsubnets >= 2);
		assert_true(m->nrtbs >= 2);
		assert_non_null(m->region);
		assert_string_equal(m->region, i < 2 ? "us-east-1" : "us-east-2");
		vpce_model_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_json_reports_file_line_col),
		cmocka_unit_test(test_wrong_type_reports_position_of_member),
		cmocka_unit_test(test_files_are_recognised_by_key_and_merge),
		cmocka_unit_test(test_region_from_folder_name_wins),
		cmocka_unit_test(test_managed_prefix_list_entries_take_id_from_file_name),
		cmocka_unit_test(test_dns_attribute_defaults_follow_vpc_kind),
		cmocka_unit_test(test_subnet_without_association_uses_main_table_and_default_nacl),
		cmocka_unit_test(test_real_batfish_captures_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Path engine rules, each on a minimal snapshot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../testutil.h"
#include "path/internal.h"

/* One VPC in us-east-1: a private subnet (rtb-priv, explicit) with one
 * instance ENI, a public subnet on the main table (igw), a NAT in the public
 * subnet, the S3 prefix list, an open NACL and SGs. Scenario-specific docs
 * are added per test. */
#define VPCS "{'Vpcs':[{'VpcId':'vpc-1','CidrBlock':'10.0.0.0/16','IsDefault':false}]}"
#define SUBNETS "{'Subnets':[{'SubnetId':'subnet-priv','VpcId':'vpc-1','CidrBlock':'10.0.1.0/24','AvailabilityZone':'us-east-1a'}," \
	"{'SubnetId':'subnet-pub','VpcId':'vpc-1','CidrBlock':'10.0.0.0/24','AvailabilityZone':'us-east-1a','MapPublicIpOnLaunch':true}]}"
#define PLS "{'PrefixLists':[{'PrefixListId':'pl-s3','PrefixListName':'com.amazonaws.us-east-1.s3','Cidrs':['52.216.0.0/15','3.5.0.0/20']}]}"
#define IGW "{'InternetGateways':[{'InternetGatewayId':'igw-1','Attachments':[{'VpcId':'vpc-1','State':'available'}]}]}"
#define NAT "{'NatGateways':[{'NatGatewayId':'nat-1','VpcId':'vpc-1','SubnetId':'subnet-pub','State':'available'}]}"
#define NACL_OPEN "{'NetworkAcls':[{'NetworkAclId':'acl-1','VpcId':'vpc-1','IsDefault':true,'Associations':[],'Entries':[" \
	"{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow','Egress':true,'CidrBlock':'0.0.0.0/0'}," \
	"{'RuleNumber':100,'Protocol':'-1','RuleAction':'allow','Egress':false,'CidrBlock':'0.0.0.0/0'}]}]}"
#define SG_OPEN "{'SecurityGroups':[{'GroupId':'sg-app','VpcId':'vpc-1','IpPermissions':[],'IpPermissionsEgress':[" \
	"{'IpProtocol':'-1','IpRanges':[{'CidrIp':'0.0.0.0/0'}]}]},{'GroupId':'sg-ep','VpcId':'vpc-1','IpPermissionsEgress':[]," \
	"'IpPermissions':[{'IpProtocol':'tcp','FromPort':443,'ToPort':443,'IpRanges':[{'CidrIp':'10.0.0.0/16'}]}]}]}"
#define ENI "{'NetworkInterfaces':[{'NetworkInterfaceId':'eni-app','SubnetId':'subnet-priv','VpcId':'vpc-1','AvailabilityZone':'us-east-1a'," \
	"'PrivateIpAddress':'10.0.1.10','Groups':[{'GroupId':'sg-app'}],'InterfaceType':'interface'}]}"
#define RTB_MAIN_PUBLIC "{'RouteTables':[{'RouteTableId':'rtb-main','VpcId':'vpc-1','Associations':[{'Main':true}],'Routes':[" \
	"{'DestinationCidrBlock':'10.0.0.0/16','GatewayId':'local','State':'active'}," \
	"{'DestinationCidrBlock':'0.0.0.0/0','GatewayId':'igw-1','State':'active'}]}]}"
#define BASE "a/us-east-1/vpcs.json", VPCS, "b.json", SUBNETS, "c.json", PLS, "d.json", IGW, "e.json", NAT, \
	"f.json", NACL_OPEN, "g.json", SG_OPEN, "h.json", ENI, "i.json", RTB_MAIN_PUBLIC

#define RTB_PRIV(extra) "{'RouteTables':[{'RouteTableId':'rtb-priv','VpcId':'vpc-1','Associations':[{'Main':false,'SubnetId':'subnet-priv'}],'Routes':[" \
	"{'DestinationCidrBlock':'10.0.0.0/16','GatewayId':'local','State':'active'}" extra "]}]}"
#define TO_NAT ",{'DestinationCidrBlock':'0.0.0.0/0','NatGatewayId':'nat-1','State':'active'}"
#define TO_S3GW ",{'DestinationPrefixListId':'pl-s3','GatewayId':'vpce-s3','State':'active'}"
#define S3GW(rtbs) "{'VpcEndpoints':[{'VpcEndpointId':'vpce-s3','VpcId':'vpc-1','ServiceName':'com.amazonaws.us-east-1.s3'," \
	"'VpcEndpointType':'Gateway','State':'available','RouteTableIds':[" rtbs "],'PolicyDocument':'{\\'Statement\\':[{\\'Effect\\':\\'Allow\\',\\'Principal\\':\\'*\\',\\'Action\\':\\'*\\',\\'Resource\\':\\'*\\'}]}'}]}"

static struct vpce_engine *engine(struct vpce_model *m)
{
	struct vpce_engine *e = NULL;
	struct vpce_error err;
	assert_int_equal(vpce_engine_new(m, NULL, &e, &err), 0);
	return e;
}

static void test_gateway_endpoint_route_carries_s3_privately(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json", RTB_PRIV(TO_NAT TO_S3GW), "k.json", S3GW("'rtb-priv'"), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "gateway-endpoint");
	assert_true(v.is_private);
	assert_string_equal(v.via, "vpce-s3");
	assert_int_equal(v.blocked_at, -1);
	assert_string_equal(v.service, "com.amazonaws.us-east-1.s3");
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_endpoint_on_wrong_route_table_goes_through_nat_with_fix(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json", RTB_PRIV(TO_NAT), "k.json", S3GW("'rtb-main'"), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "nat-gateway");
	assert_string_equal(v.via, "nat-1");
	assert_false(v.is_private);
	assert_true(tu_has(v.fixes, v.nfixes, "associate vpce-s3 with rtb-priv"));
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_more_specific_static_route_beats_prefix_list_route(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json",
				       RTB_PRIV(TO_NAT TO_S3GW ",{'DestinationCidrBlock':'52.216.0.0/16','NatGatewayId':'nat-1','State':'active'}"),
				       "k.json", S3GW("'rtb-priv'"), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	/* Part of the S3 prefixes leaves through the NAT: not private. */
	assert_string_equal(vpce_path_name(v.path), "nat-gateway");
	assert_true(tu_has(v.notes, v.nnotes, "split across routes"));
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_route_priority_static_over_prefix_list_over_propagated(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json",
				       RTB_PRIV(",{'DestinationCidrBlock':'52.216.0.0/15','NatGatewayId':'nat-1','State':'active'}" TO_S3GW
						",{'DestinationCidrBlock':'3.5.0.0/20','GatewayId':'vgw-1','Origin':'EnableVgwRoutePropagation','State':'active'}"),
				       "k.json", S3GW("'rtb-priv'"), NULL);
	const struct vpce_route_table *t = &m->rtbs[1];
	struct vpce_cidr p1, p2;
	const struct vpce_route *r;
	(void)state;
	assert_string_equal(t->id, "rtb-priv");
	assert_int_equal(vpce_cidr_parse("52.216.0.0/15", 13, &p1), 0);
	assert_int_equal(vpce_cidr_parse("3.5.0.0/20", 10, &p2), 0);
	r = vpce_route_lookup(m, t, &p1); /* equal length: static CIDR route wins */
	assert_string_equal(r->target_id, "nat-1");
	r = vpce_route_lookup(m, t, &p2); /* equal length: prefix list beats propagated */
	assert_string_equal(r->target_id, "vpce-s3");
	vpce_model_free(m);
}

static void test_blackhole_route_blocks(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json",
				       RTB_PRIV(",{'DestinationCidrBlock':'0.0.0.0/0','NatGatewayId':'nat-gone','State':'blackhole'}"), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "blocked");
	assert_string_equal(vpce_step_name(v.blocked_at), "route");
	assert_null(v.via);
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_sg_egress_by_prefix_list_only_allows_gateway_path(void **state)
{
	const char *sg = "{'SecurityGroups':[{'GroupId':'sg-app','VpcId':'vpc-1','IpPermissions':[],'IpPermissionsEgress':["
			 "{'IpProtocol':'tcp','FromPort':443,'ToPort':443,'PrefixListIds':[{'PrefixListId':'pl-s3'}]}]}]}";
	struct vpce_model *m = tu_load("a/us-east-1/vpcs.json", VPCS, "b.json", SUBNETS, "c.json", PLS, "d.json", IGW,
				       "e.json", NAT, "f.json", NACL_OPEN, "g.json", sg, "h.json", ENI, "i.json",
				       RTB_MAIN_PUBLIC, "j.json", RTB_PRIV(TO_NAT TO_S3GW), "k.json", S3GW("'rtb-priv'"), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "gateway-endpoint");
	v = tu_check(e, "subnet-priv", "dynamodb"); /* not in the prefix list: egress denied */
	assert_string_equal(vpce_path_name(v.path), "blocked");
	assert_string_equal(vpce_step_name(v.blocked_at), "security-group");
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_nacl_first_match_and_stateless_return(void **state)
{
	struct vpce_nacl a;
	struct vpce_nacl_entry en[4];
	struct vpce_nacl_decision d;
	struct vpce_cidr any, s3;
	(void)state;
	vpce_cidr_parse("0.0.0.0/0", 9, &any);
	vpce_cidr_parse("52.216.0.0/15", 13, &s3);
	memset(&a, 0, sizeof(a));
	memset(en, 0, sizeof(en));
	/* inbound: 90 deny 52.216.0.0/15 all; 100 allow 0/0 tcp 1024-65535 */
	en[0] = (struct vpce_nacl_entry){ 90, -1, false, false, s3, 0, 65535 };
	en[1] = (struct vpce_nacl_entry){ 100, 6, false, true, any, 1024, 65535 };
	en[2] = (struct vpce_nacl_entry){ 100, 6, true, true, any, 443, 443 };
	a.entries = en;
	a.nentries = 3;
	vpce_nacl_eval(&a, true, 6, 443, 443, &s3, &d);
	assert_true(d.allowed);
	vpce_nacl_eval(&a, false, 6, 32768, 60999, &s3, &d); /* deny ordered before allow wins */
	assert_false(d.allowed);
	assert_int_equal(d.rule_number, 90);
	en[0].rule_number = 200; /* now after the allow: allowed */
	a.entries = en + 1;
	a.nentries = 2;
	vpce_nacl_eval(&a, false, 6, 32768, 60999, &s3, &d);
	assert_true(d.allowed);
	/* allow only 49152-65535: the rest of the Linux range hits the implicit deny */
	en[1].from_port = 49152;
	vpce_nacl_eval(&a, false, 6, 32768, 60999, &s3, &d);
	assert_false(d.allowed);
	assert_int_equal(d.rule_number, -1);
	assert_int_equal(d.gap_lo, 32768);
	assert_int_equal(d.gap_hi, 49151);
}

#define IFACE(pdns, state) "{'VpcEndpoints':[{'VpcEndpointId':'vpce-sqs','VpcId':'vpc-1','ServiceName':'com.amazonaws.us-east-1.sqs'," \
	"'VpcEndpointType':'Interface','State':'" state "','PrivateDnsEnabled':" pdns ",'SubnetIds':['subnet-pub']," \
	"'Groups':[{'GroupId':'sg-ep'}],'NetworkInterfaceIds':['eni-ep']}]}"
#define EP_ENI "{'NetworkInterfaces':[{'NetworkInterfaceId':'eni-ep','SubnetId':'subnet-pub','VpcId':'vpc-1','AvailabilityZone':'us-east-1a'," \
	"'PrivateIpAddress':'10.0.0.50','Groups':[{'GroupId':'sg-ep'}],'InterfaceType':'vpc_endpoint'}]}"

static void test_interface_endpoint_with_private_dns(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json", RTB_PRIV(TO_NAT), "k.json", IFACE("true", "available"), "l.json",
				       EP_ENI, NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "sqs");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "interface-endpoint");
	assert_string_equal(v.via, "vpce-sqs");
	/* DNS attributes absent: inferred from the endpoint's private DNS. */
	assert_true(m->vpcs[0].dns_hostnames);
	assert_int_equal(m->vpcs[0].dns_hostnames_src, VPCE_FACT_INFERRED);
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_private_dns_disabled_resolves_publicly(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json", RTB_PRIV(TO_NAT), "k.json", IFACE("false", "available"), "l.json",
				       EP_ENI, NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "sqs");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "nat-gateway");
	assert_true(tu_has(v.fixes, v.nfixes, "--private-dns-enabled"));
	/* hostnames: AWS default for a non-default VPC is off */
	assert_false(m->vpcs[0].dns_hostnames);
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_dns_support_off_blocks_at_dns(void **state)
{
	struct vpce_model *m = tu_load(BASE, "j.json", RTB_PRIV(TO_NAT), "k.json", IFACE("true", "available"), "l.json",
				       EP_ENI, "m.json", "{'VpcId':'vpc-1','EnableDnsSupport':{'Value':false}}", NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "sqs");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "blocked");
	assert_string_equal(vpce_step_name(v.blocked_at), "dns");
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_endpoint_sg_without_443_blocks(void **state)
{
	const char *sg = "{'SecurityGroups':[{'GroupId':'sg-app','VpcId':'vpc-1','IpPermissions':[],'IpPermissionsEgress':["
			 "{'IpProtocol':'-1','IpRanges':[{'CidrIp':'0.0.0.0/0'}]}]},{'GroupId':'sg-ep','VpcId':'vpc-1',"
			 "'IpPermissionsEgress':[],'IpPermissions':[{'IpProtocol':'tcp','FromPort':80,'ToPort':80,'IpRanges':[{'CidrIp':'10.0.0.0/16'}]}]}]}";
	struct vpce_model *m = tu_load("a/us-east-1/vpcs.json", VPCS, "b.json", SUBNETS, "c.json", PLS, "d.json", IGW,
				       "e.json", NAT, "f.json", NACL_OPEN, "g.json", sg, "h.json", ENI, "i.json",
				       RTB_MAIN_PUBLIC, "j.json", RTB_PRIV(TO_NAT), "k.json", IFACE("true", "available"),
				       "l.json", EP_ENI, NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "eni-app", "sqs");
	(void)state;
	assert_string_equal(vpce_step_name(v.blocked_at), "endpoint-security-group");
	assert_true(tu_has(v.fixes, v.nfixes, "authorize-security-group-ingress"));
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_nat_without_igw_route_blocks_at_nat(void **state)
{
	const char *rtb_main = "{'RouteTables':[{'RouteTableId':'rtb-main','VpcId':'vpc-1','Associations':[{'Main':true}],'Routes':["
			       "{'DestinationCidrBlock':'10.0.0.0/16','GatewayId':'local','State':'active'}]}]}";
	struct vpce_model *m = tu_load("a/us-east-1/vpcs.json", VPCS, "b.json", SUBNETS, "c.json", PLS, "d.json", IGW,
				       "e.json", NAT, "f.json", NACL_OPEN, "g.json", SG_OPEN, "h.json", ENI, "i.json", rtb_main,
				       "j.json", RTB_PRIV(TO_NAT), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	assert_string_equal(vpce_step_name(v.blocked_at), "nat-gateway");
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_igw_needs_public_ip(void **state)
{
	const char *enis = "{'NetworkInterfaces':[{'NetworkInterfaceId':'eni-a','SubnetId':'subnet-pub','VpcId':'vpc-1',"
			   "'PrivateIpAddress':'10.0.0.10','Groups':[{'GroupId':'sg-app'}],'Association':{'PublicIp':'54.1.2.3'}},"
			   "{'NetworkInterfaceId':'eni-b','SubnetId':'subnet-pub','VpcId':'vpc-1','PrivateIpAddress':'10.0.0.11',"
			   "'Groups':[{'GroupId':'sg-app'}]}]}";
	struct vpce_model *m = tu_load("a/us-east-1/vpcs.json", VPCS, "b.json", SUBNETS, "c.json", PLS, "d.json", IGW,
				       "e.json", NAT, "f.json", NACL_OPEN, "g.json", SG_OPEN, "h.json", enis, "i.json",
				       RTB_MAIN_PUBLIC, NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "eni-a", "s3");
	(void)state;
	assert_string_equal(vpce_path_name(v.path), "internet-gateway");
	assert_string_equal(v.via, "igw-1");
	v = tu_check(e, "eni-b", "s3");
	assert_string_equal(vpce_step_name(v.blocked_at), "internet-gateway");
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_deny_only_policy_blocks(void **state)
{
	const char *ep = "{'VpcEndpoints':[{'VpcEndpointId':'vpce-s3','VpcId':'vpc-1','ServiceName':'com.amazonaws.us-east-1.s3',"
			 "'VpcEndpointType':'Gateway','State':'available','RouteTableIds':['rtb-priv'],"
			 "'PolicyDocument':'{\\'Statement\\':[{\\'Effect\\':\\'Deny\\',\\'Principal\\':\\'*\\',\\'Action\\':\\'*\\',\\'Resource\\':\\'*\\'}]}'}]}";
	struct vpce_model *m = tu_load(BASE, "j.json", RTB_PRIV(TO_NAT TO_S3GW), "k.json", ep, NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_verdict v = tu_check(e, "subnet-priv", "s3");
	(void)state;
	assert_string_equal(vpce_step_name(v.blocked_at), "endpoint-policy");
	vpce_engine_free(e);
	vpce_model_free(m);
}

static void test_default_sources_split_subnets_with_different_sgs(void **state)
{
	const char *enis = "{'NetworkInterfaces':[{'NetworkInterfaceId':'eni-a','SubnetId':'subnet-priv','VpcId':'vpc-1',"
			   "'PrivateIpAddress':'10.0.1.10','Groups':[{'GroupId':'sg-app'}]},"
			   "{'NetworkInterfaceId':'eni-b','SubnetId':'subnet-priv','VpcId':'vpc-1','PrivateIpAddress':'10.0.1.11',"
			   "'Groups':[{'GroupId':'sg-ep'}],'Attachment':{'InstanceId':'i-b'}}]}";
	struct vpce_model *m = tu_load("a/us-east-1/vpcs.json", VPCS, "b.json", SUBNETS, "c.json", PLS, "d.json", IGW,
				       "e.json", NAT, "f.json", NACL_OPEN, "g.json", SG_OPEN, "h.json", enis, "i.json",
				       RTB_MAIN_PUBLIC, "j.json", RTB_PRIV(TO_NAT), NULL);
	struct vpce_engine *e = engine(m);
	struct vpce_source *src = NULL;
	size_t n = 0;
	struct vpce_error err;
	struct vpce_verdict v;
	(void)state;
	assert_int_equal(vpce_engine_default_sources(e, &src, &n, &err), 0);
	/* subnet-priv, its two SG sets (eni-a, i-b), subnet-pub */
	assert_int_equal(n, 4);
	assert_string_equal(src[0].label, "subnet-priv");
	assert_string_equal(src[1].label, "eni-a");
	assert_string_equal(src[2].label, "i-b");
	assert_string_equal(src[3].label, "subnet-pub");
	/* sg-ep has no egress: the subnet's verdict is the worst of its sets */
	assert_int_equal(vpce_engine_check(e, &src[0], "s3", &v, &err), 0);
	assert_string_equal(vpce_step_name(v.blocked_at), "security-group");
	assert_int_equal(vpce_engine_check(e, &src[1], "s3", &v, &err), 0);
	assert_string_equal(vpce_path_name(v.path), "nat-gateway");
	free(src);
	vpce_engine_free(e);
	vpce_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gateway_endpoint_route_carries_s3_privately),
		cmocka_unit_test(test_endpoint_on_wrong_route_table_goes_through_nat_with_fix),
		cmocka_unit_test(test_more_specific_static_route_beats_prefix_list_route),
		cmocka_unit_test(test_route_priority_static_over_prefix_list_over_propagated),
		cmocka_unit_test(test_blackhole_route_blocks),
		cmocka_unit_test(test_sg_egress_by_prefix_list_only_allows_gateway_path),
		cmocka_unit_test(test_nacl_first_match_and_stateless_return),
		cmocka_unit_test(test_interface_endpoint_with_private_dns),
		cmocka_unit_test(test_private_dns_disabled_resolves_publicly),
		cmocka_unit_test(test_dns_support_off_blocks_at_dns),
		cmocka_unit_test(test_endpoint_sg_without_443_blocks),
		cmocka_unit_test(test_nat_without_igw_route_blocks_at_nat),
		cmocka_unit_test(test_igw_needs_public_ip),
		cmocka_unit_test(test_deny_only_policy_blocks),
		cmocka_unit_test(test_default_sources_split_subnets_with_different_sgs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

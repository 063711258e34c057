/* XML tree (expat) and the EC2 XML -> AWS CLI JSON translation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vpce/aws.h"

static struct vpce_xml_doc *parse_ok(const char *s)
{
	struct vpce_xml_doc *doc = NULL;
	struct vpce_error err;

	if (vpce_xml_parse(s, strlen(s), "r.xml", &doc, &err) != 0)
		fail_msg("parse failed: %s", err.message);
	return doc;
}

static void test_xml_tree_and_paths(void **state)
{
	struct vpce_xml_doc *doc;
	const struct vpce_xml_node *r;
	(void)state;

	doc = parse_ok("<?xml version=\"1.0\"?>\n<A xmlns=\"x\"><b>one &amp; two</b>\n"
		       "  <c><d>4</d></c><b>second</b></A>");
	r = vpce_xml_root(doc);
	assert_string_equal(r->name, "A");
	assert_string_equal(vpce_xml_child(r, "b")->text, "one & two");
	assert_string_equal(vpce_xml_path(r, "c/d")->text, "4");
	assert_string_equal(vpce_xml_find(r, "d")->text, "4");
	assert_null(vpce_xml_path(r, "c/x"));
	assert_string_equal(vpce_xml_child(r, "c")->text, "");
	vpce_xml_doc_free(doc);
}

static void test_xml_rejects_doctype_and_reports_position(void **state)
{
	struct vpce_xml_doc *doc = NULL;
	struct vpce_error err;
	const char *bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaa\">]>\n<l>&a;</l>";
	const char *bad = "<a>\n<b></a>";
	(void)state;

	assert_int_equal(vpce_xml_parse(bomb, strlen(bomb), "r.xml", &doc, &err), VPCE_EPARSE);
	assert_non_null(strstr(err.message, "document type"));
	assert_int_equal(vpce_xml_parse(bad, strlen(bad), "r.xml", &doc, &err), VPCE_EPARSE);
	assert_int_equal(err.line, 2);
	assert_null(doc);
}

/* A two-page DescribeVpcEndpointServices answer: the CLI prints the
 * paginator's result keys first (ServiceDetails, then ServiceNames) merged
 * over pages, drops NextToken, types booleans/integers per the model. */
static void test_ec2_pages_merge_into_cli_json(void **state)
{
	const char *p1 = "<DescribeVpcEndpointServicesResponse><requestId>r1</requestId>"
			 "<serviceNameSet><item>com.amazonaws.us-east-1.s3</item></serviceNameSet>"
			 "<serviceDetailSet><item><serviceName>com.amazonaws.us-east-1.s3</serviceName>"
			 "<serviceType><item><serviceType>Gateway</serviceType></item></serviceType>"
			 "<acceptanceRequired>false</acceptanceRequired>"
			 "<baseEndpointDnsNameSet><item>s3.us-east-1.amazonaws.com</item>"
			 "</baseEndpointDnsNameSet><tagSet/></item></serviceDetailSet>"
			 "<nextToken>tok</nextToken></DescribeVpcEndpointServicesResponse>";
	const char *p2 = "<DescribeVpcEndpointServicesResponse>"
			 "<serviceNameSet><item>com.amazonaws.us-east-1.sts</item></serviceNameSet>"
			 "<serviceDetailSet><item><serviceName>a\"b\\c\tä</serviceName>"
			 "<acceptanceRequired>true</acceptanceRequired></item></serviceDetailSet>"
			 "</DescribeVpcEndpointServicesResponse>";
	const char *want =
		"{\n"
		"    \"ServiceDetails\": [\n"
		"        {\n"
		"            \"ServiceName\": \"com.amazonaws.us-east-1.s3\",\n"
		"            \"ServiceType\": [\n"
		"                {\n"
		"                    \"ServiceType\": \"Gateway\"\n"
		"                }\n"
		"            ],\n"
		"            \"BaseEndpointDnsNames\": [\n"
		"                \"s3.us-east-1.amazonaws.com\"\n"
		"            ],\n"
		"            \"AcceptanceRequired\": false,\n"
		"            \"Tags\": []\n"
		"        },\n"
		"        {\n"
		"            \"ServiceName\": \"a\\\"b\\\\c\\tä\",\n"
		"            \"AcceptanceRequired\": true\n"
		"        }\n"
		"    ],\n"
		"    \"ServiceNames\": [\n"
		"        \"com.amazonaws.us-east-1.s3\",\n"
		"        \"com.amazonaws.us-east-1.sts\"\n"
		"    ]\n"
		"}\n";
	struct vpce_xml_doc *d1 = parse_ok(p1), *d2 = parse_ok(p2);
	const struct vpce_xml_node *pages[2] = { vpce_xml_root(d1), vpce_xml_root(d2) };
	struct vpce_buf out = VPCE_BUF_INIT;
	struct vpce_error err;
	(void)state;

	assert_int_equal(vpce_ec2_xml_to_json("DescribeVpcEndpointServices", pages, 2, &out, &err),
			 0);
	assert_string_equal(out.ptr, want);
	vpce_buf_release(&out);
	vpce_xml_doc_free(d1);
	vpce_xml_doc_free(d2);
}

static void test_ec2_non_paginated_member_order_and_integers(void **state)
{
	struct vpce_xml_doc *d = parse_ok(
		"<DescribeVpcAttributeResponse><vpcId>vpc-1</vpcId>"
		"<enableDnsSupport><value>true</value></enableDnsSupport>"
		"</DescribeVpcAttributeResponse>");
	struct vpce_xml_doc *e = parse_ok(
		"<GetManagedPrefixListEntriesResponse><entrySet><item><cidr>10.0.0.0/8</cidr>"
		"</item></entrySet></GetManagedPrefixListEntriesResponse>");
	struct vpce_xml_doc *bad = parse_ok(
		"<DescribeNetworkAclsResponse><networkAclSet><item><entrySet><item>"
		"<ruleNumber>x1</ruleNumber></item></entrySet></item></networkAclSet>"
		"</DescribeNetworkAclsResponse>");
	struct vpce_xml_doc *good = parse_ok(
		"<DescribeNetworkAclsResponse><networkAclSet><item><entrySet><item>"
		"<ruleNumber>100</ruleNumber><egress>false</egress></item></entrySet></item>"
		"</networkAclSet></DescribeNetworkAclsResponse>");
	const struct vpce_xml_node *p;
	struct vpce_buf out = VPCE_BUF_INIT;
	struct vpce_error err;
	(void)state;

	p = vpce_xml_root(d);
	assert_int_equal(vpce_ec2_xml_to_json("DescribeVpcAttribute", &p, 1, &out, &err), 0);
	/* model order: EnableDnsSupport before VpcId */
	assert_string_equal(out.ptr, "{\n    \"EnableDnsSupport\": {\n        \"Value\": true\n"
				     "    },\n    \"VpcId\": \"vpc-1\"\n}\n");
	p = vpce_xml_root(e);
	assert_int_equal(vpce_ec2_xml_to_json("GetManagedPrefixListEntries", &p, 1, &out, &err), 0);
	assert_non_null(strstr(out.ptr, "\"Cidr\": \"10.0.0.0/8\""));
	p = vpce_xml_root(good);
	assert_int_equal(vpce_ec2_xml_to_json("DescribeNetworkAcls", &p, 1, &out, &err), 0);
	assert_non_null(strstr(out.ptr, "\"RuleNumber\": 100\n"));
	assert_non_null(strstr(out.ptr, "\"Egress\": false,"));
	p = vpce_xml_root(bad);
	assert_int_equal(vpce_ec2_xml_to_json("DescribeNetworkAcls", &p, 1, &out, &err),
			 VPCE_EPARSE);
	assert_int_equal(vpce_ec2_xml_to_json("DescribeNothing", &p, 1, &out, &err),
			 VPCE_EUNSUPPORTED);
	vpce_buf_release(&out);
	vpce_xml_doc_free(d);
	vpce_xml_doc_free(e);
	vpce_xml_doc_free(bad);
	vpce_xml_doc_free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_tree_and_paths),
		cmocka_unit_test(test_xml_rejects_doctype_and_reports_position),
		cmocka_unit_test(test_ec2_pages_merge_into_cli_json),
		cmocka_unit_test(test_ec2_non_paginated_member_order_and_integers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* libFuzzer harness: the XML response parser and the EC2 XML -> AWS CLI JSON
 * translation must accept or reject any bytes without crashing. The first
 * byte picks the operation the document is translated as. */
#include <stdint.h>
#include <stddef.h>
#include "vpce/aws.h"

static const char *const OPS[] = {
	"DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeSecurityGroups",
	"DescribeNetworkAcls", "DescribeVpcEndpoints", "DescribeNatGateways",
	"DescribeInternetGateways", "DescribePrefixLists", "DescribeManagedPrefixLists",
	"GetManagedPrefixListEntries", "DescribeNetworkInterfaces", "DescribeInstances",
	"DescribeVpcEndpointServices", "DescribeVpcAttribute", "DescribeRegions",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpce_xml_doc *doc = NULL;
	struct vpce_error err;
	const char *op;

	if (size == 0)
		return 0;
	op = OPS[data[0] % (sizeof(OPS) / sizeof(OPS[0]))];
	if (vpce_xml_parse((const char *)data + 1, size - 1, "fuzz", &doc, &err) == 0) {
		const struct vpce_xml_node *pages[2] = { vpce_xml_root(doc), vpce_xml_root(doc) };
		struct vpce_buf out = VPCE_BUF_INIT;
		(void)vpce_xml_find(pages[0], "Error");
		(void)vpce_ec2_xml_to_json(op, pages, 2, &out, &err);
		vpce_buf_release(&out);
	}
	vpce_xml_doc_free(doc);
	return 0;
}

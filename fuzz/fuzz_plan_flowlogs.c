/* libFuzzer harness (fuzz_plan_flowlogs), differential: plan's fast v2 scanner (fastv2.c: the
 * SIMD scanner with the scalar one behind it, the scalar one alone, and the
 * SIMD one run by the reader through its hook, as for gzip input) and
 * the flowlog reader must give the same statistics, issues (line numbers)
 * and plan for any bytes the scanner takes; finish and render must never
 * crash. The snapshot is a small VPC (NAT gateway, two workloads in two
 * AZs, an interface endpoint) written inline. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vpce/plan.h"
#include "vpce/snapshot.h"
#include "plan/plan_int.h"

static const char *const snap_names[] = { "us-east-1/snap.json" };
static const char snap[] =
	"{\"Vpcs\": [{\"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.1.0.0/16\"}],"
	" \"Subnets\": [{\"SubnetId\": \"subnet-p\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.1.0.0/24\", \"AvailabilityZone\": \"us-east-1a\"},"
	"  {\"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.1.10.0/24\", \"AvailabilityZone\": \"us-east-1a\"},"
	"  {\"SubnetId\": \"subnet-b\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.1.11.0/24\", \"AvailabilityZone\": \"us-east-1b\"}],"
	" \"RouteTables\": [{\"RouteTableId\": \"rtb-p\", \"VpcId\": \"vpc-1\", \"Associations\": [{\"SubnetId\": \"subnet-p\"}],"
	"   \"Routes\": [{\"DestinationCidrBlock\": \"10.1.0.0/16\", \"GatewayId\": \"local\"}, {\"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": \"igw-1\"}]},"
	"  {\"RouteTableId\": \"rtb-a\", \"VpcId\": \"vpc-1\", \"Associations\": [{\"SubnetId\": \"subnet-a\"}, {\"SubnetId\": \"subnet-b\"}],"
	"   \"Routes\": [{\"DestinationCidrBlock\": \"10.1.0.0/16\", \"GatewayId\": \"local\"}, {\"DestinationCidrBlock\": \"0.0.0.0/0\", \"NatGatewayId\": \"nat-1\"}]}],"
	" \"InternetGateways\": [{\"InternetGatewayId\": \"igw-1\", \"Attachments\": [{\"State\": \"available\", \"VpcId\": \"vpc-1\"}]}],"
	" \"NatGateways\": [{\"NatGatewayId\": \"nat-1\", \"VpcId\": \"vpc-1\", \"SubnetId\": \"subnet-p\", \"State\": \"available\","
	"   \"NatGatewayAddresses\": [{\"NetworkInterfaceId\": \"eni-n\", \"PrivateIp\": \"10.1.0.10\", \"PublicIp\": \"3.80.0.10\"}]}],"
	" \"VpcEndpoints\": [{\"VpcEndpointId\": \"vpce-1\", \"VpcId\": \"vpc-1\", \"ServiceName\": \"com.amazonaws.us-east-1.sqs\","
	"   \"VpcEndpointType\": \"Interface\", \"State\": \"available\", \"SubnetIds\": [\"subnet-a\"], \"NetworkInterfaceIds\": [\"eni-e\"]}],"
	" \"NetworkInterfaces\": [{\"NetworkInterfaceId\": \"eni-n\", \"SubnetId\": \"subnet-p\", \"VpcId\": \"vpc-1\", \"PrivateIpAddress\": \"10.1.0.10\", \"InterfaceType\": \"nat_gateway\"},"
	"  {\"NetworkInterfaceId\": \"eni-a\", \"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"PrivateIpAddress\": \"10.1.10.5\"},"
	"  {\"NetworkInterfaceId\": \"eni-b\", \"SubnetId\": \"subnet-b\", \"VpcId\": \"vpc-1\", \"PrivateIpAddress\": \"10.1.11.5\"},"
	"  {\"NetworkInterfaceId\": \"eni-e\", \"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"PrivateIpAddress\": \"10.1.10.200\", \"InterfaceType\": \"vpc_endpoint\"}]}";

static struct vpce_model *M;
static struct vpce_ipranges *R;
static struct vpce_prices *P;

static void init(void)
{
	struct vpce_error err;
	const char *texts[1] = { snap };
	size_t lens[1] = { sizeof(snap) - 1 };

	if (M)
		return;
	if (vpce_snapshot_load_buffers(snap_names, texts, lens, 1, NULL, &M, &err) != 0 ||
	    vpce_ipranges_load(NULL, &R, &err) != 0 || vpce_prices_load(NULL, &P, &err) != 0) {
		fprintf(stderr, "fuzz_plan: setup: %s\n", err.message);
		abort();
	}
}

static char *render(const struct vpce_plan_agg *a)
{
	struct vpce_plan_result *res = NULL;
	struct vpce_buf b = VPCE_BUF_INIT;
	struct vpce_error err;
	char *s;

	if (vpce_plan_finish(a, P, &res, &err) != 0)
		abort();
	if (vpce_plan_render_json(&b, res, NULL, "p") != 0 || vpce_plan_render_table(&b, res, NULL) != 0)
		abort();
	vpce_plan_result_free(res);
	s = vpce_buf_detach(&b, NULL);
	if (!s)
		abort();
	return s;
}

#define SAME(f) do { if (s1.f != s2.f) { fprintf(stderr, "mismatch: " #f " %llu vs %llu\n", \
	(unsigned long long)s1.f, (unsigned long long)s2.f); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
enum mode { FAST_SIMD, FAST_SCALAR, READER_HOOKED };

/* plan's scanner (SIMD or scalar only, or the SIMD one inside the reader)
 * against the reader's s2 / j2. */
static void compare(const uint8_t *data, size_t size, enum mode mode, const struct vpce_plan_agg *a2,
		    const struct vpce_flowlog_stats *ps2, const char *j2)
{
	struct vpce_plan_agg *a1 = NULL;
	struct vpce_flowlog_stats s1, s2 = *ps2;
	struct vpce_error err;
	char *j1;
	int rc;

	memset(&s1, 0, sizeof(s1));
	if (vpce_plan_agg_new(M, R, &a1, &err) != 0)
		abort();
	a1->no_simd = mode == FAST_SCALAR;
	if (mode == READER_HOOKED)
		rc = plan_parse_buffer_hooked(a1, (const char *)data, size, "fuzz", NULL, &s1, &err);
	else
		rc = plan_fast_buffer(a1, (const char *)data, size, "fuzz", NULL, &s1, &err);
	if (rc == 0) {
		SAME(lines); SAME(records); SAME(ok); SAME(nodata); SAME(skipdata); SAME(malformed);
		SAME(unsupported_lines); SAME(headers); SAME(blank); SAME(n_issues);
		for (unsigned i = 0; i < s1.n_issues; i++)
			if (s1.issues[i].line != s2.issues[i].line || strcmp(s1.issues[i].message, s2.issues[i].message) != 0)
				abort();
		if (vpce_plan_agg_records(a1) != vpce_plan_agg_records(a2) ||
		    vpce_plan_agg_skipped(a1) != vpce_plan_agg_skipped(a2) ||
		    vpce_plan_agg_cells(a1) != vpce_plan_agg_cells(a2))
			abort();
		j1 = render(a1);
		if (strcmp(j1, j2) != 0) {
			fprintf(stderr, "plans differ (mode %d):\n%s\n---\n%s\n", (int)mode, j1, j2);
			abort();
		}
		free(j1);
	}
	vpce_plan_agg_free(a1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpce_plan_agg *a2 = NULL;
	struct vpce_flowlog_stats s2;
	struct vpce_error err;
	char *j2;

	init();
	memset(&s2, 0, sizeof(s2));
	if (vpce_plan_agg_new(M, R, &a2, &err) != 0)
		abort();
	vpce_flowlog_parse_buffer((const char *)data, size, "fuzz", NULL, vpce_plan_agg_cb, a2, &s2, &err);
	j2 = render(a2);
	compare(data, size, FAST_SIMD, a2, &s2, j2);
	compare(data, size, FAST_SCALAR, a2, &s2, j2);
	compare(data, size, READER_HOOKED, a2, &s2, j2);
	free(j2);
	vpce_plan_agg_free(a2);
	return 0;
}

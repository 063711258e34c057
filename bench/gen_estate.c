/* Generates a synthetic AWS estate in AWS CLI describe-* JSON, for the check
 * benchmark: N VPCs, each with 10 subnets in 3 AZs, 50 workload ENIs, 3 route
 * tables (public main, two private with NAT; one with the S3 gateway
 * endpoint), 5 security groups, 2 NACLs, an IGW, a NAT gateway, an S3
 * gateway endpoint and interface endpoints (sqs in every VPC, ssm in every
 * other VPC) with their ENIs.
 * usage: gen_estate OUTDIR [VPCS]   (default 2000 -> 20,000 subnets, 100,000 ENIs) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	return f;
}

static const char *az(int k)
{
	static const char *const azs[] = { "us-east-1a", "us-east-1b", "us-east-1c" };
	return azs[k % 3];
}

int main(int argc, char **argv)
{
	char dir[4096];
	int nvpc = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2000;
	FILE *f;

	if (argc < 2 || nvpc <= 0) {
		fprintf(stderr, "usage: gen_estate OUTDIR [VPCS]\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	snprintf(dir, sizeof(dir), "%s/us-east-1", argv[1]);
	mkdir(dir, 0755);

	f = open_out(dir, "vpcs.json");
	fprintf(f, "{\n \"Vpcs\": [\n");
	for (int v = 0; v < nvpc; v++)
		fprintf(f, "  {\"VpcId\": \"vpc-%08x\", \"CidrBlock\": \"10.%d.0.0/16\", \"IsDefault\": false, \"OwnerId\": \"111122223333\", "
			   "\"CidrBlockAssociationSet\": [{\"CidrBlock\": \"10.%d.0.0/16\", \"CidrBlockState\": {\"State\": \"associated\"}}]}%s\n",
			v, v % 250, v % 250, v + 1 < nvpc ? "," : "");
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "attributes.json");
	fprintf(f, "{\"VpcId\": \"vpc-%08x\", \"EnableDnsHostnames\": {\"Value\": true}}\n", 0);
	fclose(f);

	f = open_out(dir, "subnets.json");
	fprintf(f, "{\n \"Subnets\": [\n");
	for (int v = 0; v < nvpc; v++)
		for (int s = 0; s < 10; s++)
			fprintf(f, "  {\"SubnetId\": \"subnet-%08x%02d\", \"VpcId\": \"vpc-%08x\", \"CidrBlock\": \"10.%d.%d.0/24\", "
				   "\"AvailabilityZone\": \"%s\", \"MapPublicIpOnLaunch\": %s, \"State\": \"available\", "
				   "\"Tags\": [{\"Key\": \"Name\", \"Value\": \"%s-%d\"}]}%s\n",
				v, s, v, v % 250, s, az(s), s < 2 ? "true" : "false", s < 2 ? "public" : "private", s,
				v + 1 < nvpc || s < 9 ? "," : "");
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "prefix-lists.json");
	fprintf(f, "{\"PrefixLists\": [{\"PrefixListId\": \"pl-63a5400a\", \"PrefixListName\": \"com.amazonaws.us-east-1.s3\", "
		   "\"Cidrs\": [\"54.231.0.0/17\", \"52.216.0.0/15\", \"3.5.16.0/21\", \"3.5.0.0/20\"]}, "
		   "{\"PrefixListId\": \"pl-02cd2c6b\", \"PrefixListName\": \"com.amazonaws.us-east-1.dynamodb\", "
		   "\"Cidrs\": [\"52.94.0.0/22\", \"52.119.224.0/20\"]}]}\n");
	fclose(f);

	f = open_out(dir, "security-groups.json");
	fprintf(f, "{\n \"SecurityGroups\": [\n");
	for (int v = 0; v < nvpc; v++) {
		for (int g = 0; g < 5; g++) {
			fprintf(f, "  {\"GroupId\": \"sg-%08x%02d\", \"GroupName\": \"g%d\", \"VpcId\": \"vpc-%08x\", \"IpPermissions\": [", v, g, g, v);
			if (g == 4) /* endpoint SG */
				fprintf(f, "{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 443, \"IpRanges\": [{\"CidrIp\": \"10.%d.0.0/16\"}], "
					   "\"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": [{\"GroupId\": \"sg-%08x00\"}]}", v % 250, v);
			else
				fprintf(f, "{\"IpProtocol\": \"tcp\", \"FromPort\": 8080, \"ToPort\": 8080, \"IpRanges\": [{\"CidrIp\": \"10.0.0.0/8\"}], "
					   "\"Ipv6Ranges\": [], \"PrefixListIds\": [], \"UserIdGroupPairs\": []}");
			fprintf(f, "], \"IpPermissionsEgress\": [");
			if (g == 3) /* restricted: prefix list only */
				fprintf(f, "{\"IpProtocol\": \"tcp\", \"FromPort\": 443, \"ToPort\": 443, \"IpRanges\": [], \"Ipv6Ranges\": [], "
					   "\"PrefixListIds\": [{\"PrefixListId\": \"pl-63a5400a\"}], \"UserIdGroupPairs\": []}");
			else
				fprintf(f, "{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}], \"Ipv6Ranges\": [], "
					   "\"PrefixListIds\": [], \"UserIdGroupPairs\": []}");
			fprintf(f, "]}%s\n", v + 1 < nvpc || g < 4 ? "," : "");
		}
	}
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "network-acls.json");
	fprintf(f, "{\n \"NetworkAcls\": [\n");
	for (int v = 0; v < nvpc; v++) {
		fprintf(f, "  {\"NetworkAclId\": \"acl-%08x00\", \"VpcId\": \"vpc-%08x\", \"IsDefault\": true, \"Associations\": [], \"Entries\": ["
			   "{\"RuleNumber\": 100, \"Protocol\": \"-1\", \"RuleAction\": \"allow\", \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\"}, "
			   "{\"RuleNumber\": 32767, \"Protocol\": \"-1\", \"RuleAction\": \"deny\", \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\"}, "
			   "{\"RuleNumber\": 100, \"Protocol\": \"-1\", \"RuleAction\": \"allow\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}, "
			   "{\"RuleNumber\": 32767, \"Protocol\": \"-1\", \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}]},\n", v, v);
		fprintf(f, "  {\"NetworkAclId\": \"acl-%08x01\", \"VpcId\": \"vpc-%08x\", \"IsDefault\": false, "
			   "\"Associations\": [{\"SubnetId\": \"subnet-%08x08\"}, {\"SubnetId\": \"subnet-%08x09\"}], \"Entries\": ["
			   "{\"RuleNumber\": 90, \"Protocol\": \"6\", \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"198.51.100.0/24\", \"PortRange\": {\"From\": 0, \"To\": 65535}}, "
			   "{\"RuleNumber\": 100, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\", \"PortRange\": {\"From\": 443, \"To\": 443}}, "
			   "{\"RuleNumber\": 110, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"Egress\": true, \"CidrBlock\": \"10.0.0.0/8\", \"PortRange\": {\"From\": 1024, \"To\": 65535}}, "
			   "{\"RuleNumber\": 100, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\", \"PortRange\": {\"From\": 1024, \"To\": 65535}}, "
			   "{\"RuleNumber\": 110, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"Egress\": false, \"CidrBlock\": \"10.0.0.0/8\", \"PortRange\": {\"From\": 443, \"To\": 443}}, "
			   "{\"RuleNumber\": 32767, \"Protocol\": \"-1\", \"RuleAction\": \"deny\", \"Egress\": true, \"CidrBlock\": \"0.0.0.0/0\"}, "
			   "{\"RuleNumber\": 32767, \"Protocol\": \"-1\", \"RuleAction\": \"deny\", \"Egress\": false, \"CidrBlock\": \"0.0.0.0/0\"}]}%s\n",
			v, v, v, v, v + 1 < nvpc ? "," : "");
	}
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "igws.json");
	fprintf(f, "{\n \"InternetGateways\": [\n");
	for (int v = 0; v < nvpc; v++)
		fprintf(f, "  {\"InternetGatewayId\": \"igw-%08x\", \"Attachments\": [{\"State\": \"available\", \"VpcId\": \"vpc-%08x\"}]}%s\n", v, v,
			v + 1 < nvpc ? "," : "");
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "nats.json");
	fprintf(f, "{\n \"NatGateways\": [\n");
	for (int v = 0; v < nvpc; v++)
		fprintf(f, "  {\"NatGatewayId\": \"nat-%08x\", \"VpcId\": \"vpc-%08x\", \"SubnetId\": \"subnet-%08x00\", \"State\": \"available\", "
			   "\"ConnectivityType\": \"public\", \"NatGatewayAddresses\": [{\"PublicIp\": \"54.0.%d.%d\"}]}%s\n",
			v, v, v, (v / 250) % 256, v % 250, v + 1 < nvpc ? "," : "");
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "endpoints.json");
	fprintf(f, "{\n \"VpcEndpoints\": [\n");
	for (int v = 0; v < nvpc; v++) {
		fprintf(f, "  {\"VpcEndpointId\": \"vpce-%08x00\", \"VpcId\": \"vpc-%08x\", \"ServiceName\": \"com.amazonaws.us-east-1.s3\", "
			   "\"VpcEndpointType\": \"Gateway\", \"State\": \"available\", \"RouteTableIds\": [\"rtb-%08x01\"], "
			   "\"PolicyDocument\": \"{\\\"Version\\\":\\\"2008-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}]}\", "
			   "\"PrivateDnsEnabled\": false, \"SubnetIds\": [], \"Groups\": [], \"NetworkInterfaceIds\": []},\n", v, v, v);
		fprintf(f, "  {\"VpcEndpointId\": \"vpce-%08x01\", \"VpcId\": \"vpc-%08x\", \"ServiceName\": \"com.amazonaws.us-east-1.sqs\", "
			   "\"VpcEndpointType\": \"Interface\", \"State\": \"available\", \"RouteTableIds\": [], \"PrivateDnsEnabled\": true, "
			   "\"SubnetIds\": [\"subnet-%08x02\", \"subnet-%08x03\"], \"Groups\": [{\"GroupId\": \"sg-%08x04\"}], "
			   "\"NetworkInterfaceIds\": [\"eni-%08xe0\", \"eni-%08xe1\"]}", v, v, v, v, v, v, v);
		if (v % 2 == 0)
			fprintf(f, ",\n  {\"VpcEndpointId\": \"vpce-%08x02\", \"VpcId\": \"vpc-%08x\", \"ServiceName\": \"com.amazonaws.us-east-1.ssm\", "
				   "\"VpcEndpointType\": \"Interface\", \"State\": \"available\", \"RouteTableIds\": [], \"PrivateDnsEnabled\": true, "
				   "\"SubnetIds\": [\"subnet-%08x02\"], \"Groups\": [{\"GroupId\": \"sg-%08x04\"}], \"NetworkInterfaceIds\": [\"eni-%08xe2\"]}",
				v, v, v, v, v);
		fprintf(f, "%s\n", v + 1 < nvpc ? "," : "");
	}
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "route-tables.json");
	fprintf(f, "{\n \"RouteTables\": [\n");
	for (int v = 0; v < nvpc; v++) {
		fprintf(f, "  {\"RouteTableId\": \"rtb-%08x00\", \"VpcId\": \"vpc-%08x\", \"Associations\": [{\"Main\": true, \"AssociationState\": {\"State\": \"associated\"}}], "
			   "\"Routes\": [{\"DestinationCidrBlock\": \"10.%d.0.0/16\", \"GatewayId\": \"local\", \"Origin\": \"CreateRouteTable\", \"State\": \"active\"}, "
			   "{\"DestinationCidrBlock\": \"0.0.0.0/0\", \"GatewayId\": \"igw-%08x\", \"Origin\": \"CreateRoute\", \"State\": \"active\"}]},\n",
			v, v, v % 250, v);
		for (int t = 1; t <= 2; t++) {
			fprintf(f, "  {\"RouteTableId\": \"rtb-%08x%02d\", \"VpcId\": \"vpc-%08x\", \"Associations\": [", v, t, v);
			for (int s = 2 + (t - 1) * 4; s < 2 + t * 4; s++)
				fprintf(f, "%s{\"Main\": false, \"SubnetId\": \"subnet-%08x%02d\", \"AssociationState\": {\"State\": \"associated\"}}",
					s == 2 + (t - 1) * 4 ? "" : ", ", v, s);
			fprintf(f, "], \"Routes\": [{\"DestinationCidrBlock\": \"10.%d.0.0/16\", \"GatewayId\": \"local\", \"Origin\": \"CreateRouteTable\", \"State\": \"active\"}, "
				   "{\"DestinationCidrBlock\": \"0.0.0.0/0\", \"NatGatewayId\": \"nat-%08x\", \"Origin\": \"CreateRoute\", \"State\": \"active\"}, "
				   "{\"DestinationCidrBlock\": \"172.16.0.0/12\", \"TransitGatewayId\": \"tgw-0001\", \"Origin\": \"CreateRoute\", \"State\": \"active\"}",
				v % 250, v);
			if (t == 1)
				fprintf(f, ", {\"DestinationPrefixListId\": \"pl-63a5400a\", \"GatewayId\": \"vpce-%08x00\", \"Origin\": \"CreateRoute\", \"State\": \"active\"}", v);
			fprintf(f, "]}%s\n", v + 1 < nvpc || t < 2 ? "," : "");
		}
	}
	fprintf(f, " ]\n}\n");
	fclose(f);

	f = open_out(dir, "enis.json");
	fprintf(f, "{\n \"NetworkInterfaces\": [\n");
	for (int v = 0; v < nvpc; v++) {
		for (int k = 0; k < 3; k++) /* endpoint ENIs */
			if (k < 2 || v % 2 == 0)
				fprintf(f, "  {\"NetworkInterfaceId\": \"eni-%08xe%d\", \"SubnetId\": \"subnet-%08x%02d\", \"VpcId\": \"vpc-%08x\", \"AvailabilityZone\": \"%s\", "
					   "\"InterfaceType\": \"vpc_endpoint\", \"Description\": \"VPC Endpoint Interface vpce-%08x0%d\", \"RequesterManaged\": true, "
					   "\"PrivateIpAddress\": \"10.%d.%d.%d\", \"PrivateIpAddresses\": [{\"Primary\": true, \"PrivateIpAddress\": \"10.%d.%d.%d\"}], "
					   "\"Groups\": [{\"GroupId\": \"sg-%08x04\"}]},\n",
					v, k, v, k == 1 ? 3 : 2, v, az(k == 1 ? 3 : 2), v, k < 2 ? 1 : 2, v % 250, k == 1 ? 3 : 2, 200 + k,
					v % 250, k == 1 ? 3 : 2, 200 + k, v);
		for (int n = 0; n < 50; n++) {
			int s = 2 + n % 8;
			fprintf(f, "  {\"NetworkInterfaceId\": \"eni-%08x%02d\", \"SubnetId\": \"subnet-%08x%02d\", \"VpcId\": \"vpc-%08x\", \"AvailabilityZone\": \"%s\", "
				   "\"InterfaceType\": \"interface\", \"Description\": \"\", \"PrivateIpAddress\": \"10.%d.%d.%d\", "
				   "\"PrivateIpAddresses\": [{\"Primary\": true, \"PrivateIpAddress\": \"10.%d.%d.%d\"}], "
				   "\"Groups\": [{\"GroupId\": \"sg-%08x%02d\"}], \"Attachment\": {\"InstanceId\": \"i-%08x%02d\", \"DeviceIndex\": 0}}%s\n",
				v, n, v, s, v, az(s), v % 250, s, 10 + n, v % 250, s, 10 + n, v, n % 7 == 0 ? 3 : n % 3, v, n,
				v + 1 < nvpc || n < 49 ? "," : "");
		}
	}
	fprintf(f, " ]\n}\n");
	fclose(f);
	return 0;
}

#!/usr/bin/env python3
"""Rewrite the scenario table in docs/SCENARIOS.md from every <name>/expected.json and the
AWS documentation pages listed in DOCS below (one list per scenario; all must be present)."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MD = os.path.join(HERE, "..", "..", "..", "docs", "SCENARIOS.md")
AWS = "https://docs.aws.amazon.com/"
PAGES = {
    "rp": ("Route priority", "vpc/latest/userguide/route-tables-priority.html"),
    "srt": ("Subnet route tables", "vpc/latest/userguide/subnet-route-tables.html"),
    "gw": ("Gateway endpoints", "vpc/latest/privatelink/gateway-endpoints.html"),
    "gws3": ("Gateway endpoints for Amazon S3", "vpc/latest/privatelink/vpc-endpoints-s3.html"),
    "gwddb": ("Gateway endpoints for DynamoDB", "vpc/latest/privatelink/vpc-endpoints-ddb.html"),
    "pl": ("AWS-managed prefix lists",
           "vpc/latest/userguide/working-with-aws-managed-prefix-lists.html"),
    "cpl": ("Customer-managed prefix lists",
            "vpc/latest/userguide/working-with-managed-prefix-lists.html"),
    "route": ("Route (API): State blackhole", "AWSEC2/latest/APIReference/API_Route.html"),
    "ifdns": ("Access an AWS service using an interface endpoint (private DNS, subnets per AZ)",
              "vpc/latest/privatelink/privatelink-access-aws-services.html"),
    "vpcdns": ("DNS attributes for your VPC", "vpc/latest/userguide/vpc-dns.html"),
    "cve": ("CreateVpcEndpoint: PrivateDnsEnabled",
            "AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html"),
    "s3pl": ("AWS PrivateLink for Amazon S3 (private DNS, inbound-resolver-only)",
             "AmazonS3/latest/userguide/privatelink-interface-endpoints.html"),
    "dnsopt": ("DnsOptionsSpecification",
               "AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html"),
    "ddbpl": ("AWS PrivateLink for DynamoDB",
              "amazondynamodb/latest/developerguide/privatelink-interface-endpoints.html"),
    "sg": ("Security group rules", "vpc/latest/userguide/security-group-rules.html"),
    "sgx": ("Security groups", "vpc/latest/userguide/vpc-security-groups.html"),
    "epsg": ("Create an interface endpoint (security groups)",
             "vpc/latest/privatelink/create-interface-endpoint.html"),
    "nacl": ("Network ACLs", "vpc/latest/userguide/vpc-network-acls.html"),
    "naclr": ("Network ACL rules (evaluation order)", "vpc/latest/userguide/nacl-rules.html"),
    "eph": ("Ephemeral ports", "vpc/latest/userguide/nacl-ephemeral-ports.html"),
    "nat": ("NAT gateways", "vpc/latest/userguide/vpc-nat-gateway.html"),
    "natt": ("Troubleshoot NAT gateways", "vpc/latest/userguide/nat-gateway-troubleshooting.html"),
    "igw": ("Internet gateways (public IPv4 address required)",
            "vpc/latest/userguide/VPC_Internet_Gateway.html"),
    "state": ("VpcEndpoint (API): State", "AWSEC2/latest/APIReference/API_VpcEndpoint.html"),
    "pol": ("Control access to VPC endpoints using endpoint policies",
            "vpc/latest/privatelink/vpc-endpoints-access.html"),
    "tgw": ("How transit gateways work", "vpc/latest/tgw/how-transit-gateways-work.html"),
    "vgw": ("Route tables and VPN route priority", "vpn/latest/s2svpn/VPNRoutingTypes.html"),
    "iamst": ("IAM JSON policy elements: Statement",
              "IAM/latest/UserGuide/reference_policies_elements_statement.html"),
    "svc": ("AWS services that integrate with AWS PrivateLink",
            "vpc/latest/privatelink/aws-services-privatelink-support.html"),
}
DOCS = {
    "blackhole-route": ["route"],
    "cross-az-interface-endpoint": ["ifdns"],
    "cross-region-s3": ["gws3", "gw"],
    "default-sg-self-reference": ["sgx", "sg"],
    "dns-attributes-missing-private-dns-implies-on": ["vpcdns", "cve"],
    "dotted-service-names": ["svc", "ifdns"],
    "dynamodb-interface-without-private-dns": ["ddbpl", "gwddb"],
    "endpoint-pending": ["state", "ifdns"],
    "endpoint-policy-deny-only": ["pol"],
    "endpoint-policy-restrictive-allow": ["pol"],
    "endpoint-sg-ingress-by-prefix-list": ["cpl", "sg"],
    "endpoint-sg-without-443": ["epsg", "sg"],
    "expect-private-met": ["gw", "ifdns"],
    "expect-private-not-met": ["srt", "gw"],
    "gateway-endpoint-wrong-route-table": ["gw", "srt"],
    "igw-with-and-without-public-ip": ["igw"],
    "invalid-json": [],
    "invalid-json-truncated": [],
    "isolated-subnet": ["srt", "ifdns"],
    "main-table-vs-explicit-association": ["srt"],
    "multiple-sgs-union": ["sgx"],
    "nacl-allow-before-deny": ["naclr"],
    "nacl-blocks-return-traffic": ["nacl", "eph", "gws3"],
    "nacl-deny-before-allow": ["naclr"],
    "nacl-denies-vpc-cidr-outbound": ["naclr", "nacl"],
    "nacl-ephemeral-gap": ["eph"],
    "nacl-on-endpoint-subnet": ["nacl", "ifdns"],
    "nacl-same-subnet-not-crossed": ["nacl"],
    "nat-gateway-pending": ["nat", "natt"],
    "nat-subnet-without-igw-route": ["nat", "natt"],
    "non-default-port": ["epsg"],
    "prefix-list-route-beats-default-route-to-igw": ["rp", "gw"],
    "private-dns-disabled": ["ifdns", "cve"],
    "s3-gateway-endpoint-basic": ["gws3", "pl"],
    "s3-interface-and-gateway": ["s3pl", "dnsopt"],
    "s3-interface-and-gateway-inbound-resolver-only": ["s3pl", "dnsopt"],
    "sg-egress-prefix-list-only": ["sg", "gws3"],
    "sg-egress-without-prefix-list": ["gws3", "sg"],
    "sg-egress-wrong-port": ["sg"],
    "sg-reference-to-endpoint-sg": ["sg", "sgx"],
    "static-over-propagated-route": ["rp", "vgw"],
    "static-route-more-specific-than-prefix-list": ["rp", "gw"],
    "static-route-same-prefix-as-prefix-list": ["rp"],
    "transit-gateway-default-route": ["tgw", "rp"],
    "two-instances-different-sgs": ["sgx"],
    "vpc-dns-hostnames-off": ["vpcdns", "ifdns"],
    "vpc-dns-support-off": ["vpcdns"],
    "unknown-source-id": [],
    "dynamodb-interface-and-gateway-inbound-resolver-only": ["dnsopt", "ddbpl"],
    "secondary-cidr-not-in-endpoint-sg": ["sg", "epsg"],
    "nacl-denies-one-service-prefix": ["naclr", "gws3"],
    "endpoint-policy-statement-object": ["pol", "iamst"],
    "nat-gateway-private-connectivity": ["nat"],
    "port-out-of-range": [],
}
START = "| scenario | what it proves | expected verdicts | AWS documentation |\n| --- | --- | --- | --- |\n"


def main():
    rows = []
    names = sorted(n for n in os.listdir(HERE)
                   if os.path.isfile(os.path.join(HERE, n, "expected.json")))
    missing = set(names) ^ set(DOCS)
    if missing:
        sys.exit("DOCS and scenarios differ: %s" % sorted(missing))
    for n in names:
        with open(os.path.join(HERE, n, "expected.json")) as f:
            e = json.load(f)
        verdicts = "; ".join("%s → %s%s" % (x["to"], x["path"],
                                             " @" + x["blocked_at"] if x["blocked_at"] else "")
                             for x in e["expect"]) or "input error"
        if e["exit"]:
            verdicts += " (exit %d)" % e["exit"]
        refs = ", ".join("[%s](%s%s)" % (PAGES[k][0], AWS, PAGES[k][1]) for k in DOCS[n]) or \
            "contract: exit 2 (usage/input error), empty stdout"
        rows.append("| `%s` | %s | %s | %s |" % (n, e["description"].replace("|", "\\|"),
                                                  verdicts, refs))
    with open(MD) as f:
        doc = f.read()
    head, rest = doc.split(START)
    tail = rest[rest.index("\n## "):]
    with open(MD, "w") as f:
        f.write(head + START + "\n".join(rows) + "\n" + tail)
    print("%d scenarios" % len(rows))


if __name__ == "__main__":
    main()

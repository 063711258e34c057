#!/usr/bin/env python3
"""Regenerate the audit fixtures under tests/data/audit/<rule>/<case>/ and cases.json.

Every audit rule has a snapshot that raises it and a near-miss that does not. Snapshots are
built the same way as tests/data/scenarios (moto's EC2 backend, dumped with the AWS CLI's
describe-* calls, then patched where moto cannot model AWS): this script reuses the Snap
class and base() layout of ../scenarios/build_scenarios.py. Where a scenario snapshot already
shows the situation it is reused (cases.json points at it) instead of copied.

cases.json: a list of {"rule", "case", "snapshot" (relative to tests/data), "raises",
"findings": [{"resource" or "resource_prefix", "severity"}], "description"}.
tests/cli/test_audit.py runs `vpce audit SNAPSHOT --format json` for each case.

Usage: python3 build_audit.py [RULE/CASE...]   (default: all; IDs are random on every run)
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scenarios"))
import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from build_scenarios import REGION, Snap, base, write_json  # noqa: E402

CASES = []          # (rule, case, fn, description)
REUSED = []         # entries for scenario snapshots


def case(rule, name, raises):
    def deco(fn):
        CASES.append((rule, name, raises, fn))
        return fn
    return deco


def F(resource=None, severity=None, prefix=None):
    f = {"severity": severity}
    if resource:
        f["resource"] = resource
    if prefix:
        f["resource_prefix"] = prefix
    return f


ORG_POLICY = ('{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Allow",'
              '"Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":'
              '{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}')
DENY_AND_ALLOW = ('{"Version":"2012-10-17","Statement":[{"Sid":"DenyDelete","Effect":"Deny",'
                  '"Principal":"*","Action":"s3:DeleteBucket","Resource":"*"},{"Sid":"OrgOnly",'
                  '"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":'
                  '{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}')
SOURCE_VPCE = ('{"Version":"2012-10-17","Statement":[{"Sid":"OnlyThisEndpoint","Effect":"Allow",'
               '"Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringEquals":'
               '{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}]}')


# ---- VPCE001 gateway endpoint not routed -------------------------------------------------
@case("VPCE001", "near-miss", False)
def v001_near(s):
    """S3 and DynamoDB gateway endpoints on the private subnet's route table: neither service
    goes through the NAT gateway."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt", "public-rt"])
    s.gw_endpoint("ddb-gw", "dynamodb", ["private-rt", "public-rt"])
    return []


# ---- VPCE002 single AZ -------------------------------------------------------------------
@case("VPCE002", "raise", True)
def v002_raise(s):
    """Workloads in us-east-1a and us-east-1b, the SQS interface endpoint only in 1a."""
    base(s)
    s.subnet("private-b", "10.0.11.0/24", "us-east-1b")
    s.ec2.associate_route_table(RouteTableId=s.ids["private-rt"], SubnetId=s.ids["private-b"])
    s.instance("app-b", "private-b", ["app-sg"])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    return [F(s.ids["sqs-if"], "medium")]


@case("VPCE002", "near-miss", False)
def v002_near(s):
    """Same workloads in two AZs; the SQS endpoint has a network interface in each."""
    base(s)
    s.subnet("private-b", "10.0.11.0/24", "us-east-1b")
    s.ec2.associate_route_table(RouteTableId=s.ids["private-rt"], SubnetId=s.ids["private-b"])
    s.instance("app-b", "private-b", ["app-sg"])
    s.if_endpoint("sqs-if", "sqs", ["private-a", "private-b"], ["vpce-sg"])
    return []


# ---- VPCE003 SG open to the world ------------------------------------------------------------
@case("VPCE003", "raise", True)
def v003_raise(s):
    """The SQS endpoint's security group allows 443 from 0.0.0.0/0."""
    base(s)
    s.sg("open-sg", ingress=[("tcp", 443, 443, "0.0.0.0/0")])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["open-sg"])
    return [F(s.ids["open-sg"], "medium")]


@case("VPCE003", "near-miss", False)
def v003_near(s):
    """The SQS endpoint's security group allows 443 from the VPC CIDR only."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    return []


# ---- VPCE004 SG missing 443 (raise: scenario endpoint-sg-without-443) ----------------------
@case("VPCE004", "near-miss", False)
def v004_near(s):
    """The endpoint's security group allows 443 from the workloads' security group (a
    reference, not a CIDR)."""
    base(s)
    g = s.sg("ep-ref-sg")
    s.ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=s._perms(
        [("tcp", 443, 443, "app-sg")]))
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["ep-ref-sg"])
    return []


# ---- VPCE005 private DNS off (raise: scenario private-dns-disabled) ---------------------
@case("VPCE005", "near-miss", False)
def v005_near(s):
    """S3 interface endpoint without private DNS next to an S3 gateway endpoint: the
    documented pattern (gateway inside the VPC, interface for on-premises clients)."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.if_endpoint("s3-if", "s3", ["private-a"], ["vpce-sg"], private_dns=False)
    return []


# ---- VPCE006 VPC DNS attributes (raise: scenarios vpc-dns-hostnames-off, -support-off) ----
@case("VPCE006", "near-miss", False)
def v006_near(s):
    """Both DNS attributes on, SQS interface endpoint with private DNS."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    return []


# ---- VPCE007 S3 inbound-resolver-only without gateway (near-miss: scenario) ----------------
@case("VPCE007", "raise", True)
def v007_raise(s):
    """S3 interface endpoint with private DNS for the inbound Resolver endpoint only, and no
    S3 gateway endpoint in the VPC."""
    base(s)
    s.if_endpoint("s3-if", "s3", ["private-a"], ["vpce-sg"], dns_only_inbound=True)
    return [F(s.ids["s3-if"], "high")]


# ---- VPCE008 full-access policy ---------------------------------------------------------------
@case("VPCE008", "raise", True)
def v008_raise(s):
    """SQS interface endpoint with the default full-access policy."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"],
                  policy='{"Version":"2008-10-17","Statement":[{"Effect":"Allow",'
                         '"Principal":"*","Action":"*","Resource":"*"}]}')
    return [F(s.ids["sqs-if"], "medium")]


@case("VPCE008", "near-miss", False)
def v008_near(s):
    """The same endpoint with Principal * limited by aws:PrincipalOrgID."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"], policy=ORG_POLICY)
    return []


# ---- VPCE009 deny-only (raise: scenario endpoint-policy-deny-only) ---------------------------
@case("VPCE009", "near-miss", False)
def v009_near(s):
    """A policy with a Deny statement and an Allow statement."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"], policy=DENY_AND_ALLOW)
    return []


# ---- VPCE010 aws:SourceVpce in the endpoint's own policy ------------------------------------
@case("VPCE010", "raise", True)
def v010_raise(s):
    """The SQS endpoint's own policy conditions on aws:SourceVpce."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"], policy=SOURCE_VPCE)
    return [F(s.ids["sqs-if"], "medium")]


@case("VPCE010", "near-miss", False)
def v010_near(s):
    """The SQS endpoint's policy conditions on aws:PrincipalOrgID instead."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"], policy=ORG_POLICY)
    return []


# ---- VPCE011 endpoint state (raise pending: scenario endpoint-pending) -----------------------
@case("VPCE011", "raise", True)
def v011_raise(s):
    """An SQS interface endpoint in state failed."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    i = s.ids

    def patch(d):
        Snap.find(d, "VpcEndpoints", "VpcEndpointId", i["sqs-if"])["State"] = "failed"
    s.patch_fn = patch
    return [F(i["sqs-if"], "high")]


@case("VPCE011", "near-miss", False)
def v011_near(s):
    """The same endpoint, available."""
    base(s)
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])
    return []


# ---- VPCE012 ECR set -----------------------------------------------------------------------
@case("VPCE012", "raise", True)
def v012_raise(s):
    """ecr.api and ecr.dkr interface endpoints, no S3 gateway endpoint (image layers)."""
    base(s)
    s.if_endpoint("ecr-api", "ecr.api", ["private-a"], ["vpce-sg"])
    s.if_endpoint("ecr-dkr", "ecr.dkr", ["private-a"], ["vpce-sg"])
    return [F(s.vpc_id, "medium")]


@case("VPCE012", "near-miss", False)
def v012_near(s):
    """ecr.api, ecr.dkr and the S3 gateway endpoint."""
    base(s)
    s.if_endpoint("ecr-api", "ecr.api", ["private-a"], ["vpce-sg"])
    s.if_endpoint("ecr-dkr", "ecr.dkr", ["private-a"], ["vpce-sg"])
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    return []


# ---- VPCE013 Session Manager set --------------------------------------------------------------
@case("VPCE013", "raise", True)
def v013_raise(s):
    """ssm and ssmmessages interface endpoints without ec2messages (needed only by SSM Agent
    before 3.3.40.0: low)."""
    base(s)
    s.if_endpoint("ssm", "ssm", ["private-a"], ["vpce-sg"])
    s.if_endpoint("ssmmessages", "ssmmessages", ["private-a"], ["vpce-sg"])
    return [F(s.vpc_id, "low")]


@case("VPCE013", "raise-no-ssmmessages", True)
def v013_raise_no_ssmmessages(s):
    """ssm and ec2messages without ssmmessages: Session Manager cannot open its channels
    (medium)."""
    base(s)
    s.if_endpoint("ssm", "ssm", ["private-a"], ["vpce-sg"])
    s.if_endpoint("ec2messages", "ec2messages", ["private-a"], ["vpce-sg"])
    return [F(s.vpc_id, "medium")]


@case("VPCE013", "near-miss", False)
def v013_near(s):
    """ssm, ssmmessages and ec2messages."""
    base(s)
    for svc in ("ssm", "ssmmessages", "ec2messages"):
        s.if_endpoint(svc, svc, ["private-a"], ["vpce-sg"])
    return []


# ---- VPCE014 EKS private-cluster set -------------------------------------------------------------
def eks_base(s):
    base(s, nat=False)
    eni = s.ec2.create_network_interface(SubnetId=s.ids["private-a"], Groups=[s.ids["app-sg"]],
                                         Description="Amazon EKS demo-cluster")
    s.ids["eks-eni"] = eni["NetworkInterface"]["NetworkInterfaceId"]
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    for svc in ("ec2", "ecr.api", "ecr.dkr"):
        s.if_endpoint(svc, svc, ["private-a"], ["vpce-sg"])


@case("VPCE014", "raise", True)
def v014_raise(s):
    """A private EKS cluster (its "Amazon EKS" network interface in the VPC) with ec2,
    ecr.api, ecr.dkr and S3 but no regional STS, logs or elasticloadbalancing endpoints."""
    eks_base(s)
    return [F(s.vpc_id, "medium")]


@case("VPCE014", "near-miss", False)
def v014_near(s):
    """The same cluster with sts, logs and elasticloadbalancing endpoints too."""
    eks_base(s)
    for svc in ("sts", "logs", "elasticloadbalancing"):
        s.if_endpoint(svc, svc, ["private-a"], ["vpce-sg"])
    return []


# ---- VPCE015 centralisation candidate (several VPCs: one Snap per VPC folder) -----------------
def one_vpc_with_sqs(s, cidr):
    s.vpc(cidr=cidr)
    net = cidr.split(".")
    s.subnet("private-a", "%s.%s.10.0/24" % (net[0], net[1]), "us-east-1a")
    s.main_rtb()
    s.sg("vpce-sg", ingress=[("tcp", 443, 443, cidr)])
    s.if_endpoint("sqs-if", "sqs", ["private-a"], ["vpce-sg"])


@case("VPCE015", "raise", True)
def v015_raise(s):
    """An SQS interface endpoint in each of three VPCs."""
    s.multi = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"]
    return [F("com.amazonaws.us-east-1.sqs", "low")]


@case("VPCE015", "near-miss", False)
def v015_near(s):
    """An SQS interface endpoint in each of two VPCs (threshold 3)."""
    s.multi = ["10.1.0.0/16", "10.2.0.0/16"]
    return []


# ---- VPCE016 NACL return traffic (raise: scenario nacl-blocks-return-traffic) -----------------
@case("VPCE016", "near-miss", False)
def v016_near(s):
    """The private subnet's NACL allows 443 out and the ephemeral return traffic in from
    anywhere (S3 prefixes included)."""
    base(s)
    s.gw_endpoint("s3-gw", "s3", ["private-rt"])
    s.custom_nacl("private-acl", ["private-a"], [
        (100, True, "allow", "6", "0.0.0.0/0", (443, 443)),
        (100, False, "allow", "6", "0.0.0.0/0", (1024, 65535)),
    ])
    return []


# Scenario snapshots that already show a rule (raise or near-miss).
REUSED = [
    ("VPCE001", "raise", "scenarios/gateway-endpoint-wrong-route-table", True,
     [F(prefix="subnet-", severity="medium"), F(prefix="subnet-", severity="medium")],
     "S3 gateway endpoint on the public route table only: the private subnet reaches S3 "
     "through the NAT gateway (and DynamoDB, which has no gateway endpoint)."),
    ("VPCE002", "near-miss-one-az", "scenarios/cross-az-interface-endpoint", False, [],
     "Workloads in one AZ only (the endpoint in another): no multi-AZ workloads to cut off."),
    ("VPCE004", "raise", "scenarios/endpoint-sg-without-443", True,
     [F(prefix="vpce-", severity="high")],
     "The SQS endpoint's security group allows only tcp/80 from the VPC."),
    ("VPCE005", "raise", "scenarios/private-dns-disabled", True,
     [F(prefix="vpce-", severity="medium")],
     "SQS interface endpoint with PrivateDnsEnabled false."),
    ("VPCE006", "raise", "scenarios/vpc-dns-hostnames-off", True,
     [F(prefix="vpc-", severity="high")],
     "enableDnsHostnames false with a private-DNS interface endpoint."),
    ("VPCE006", "raise-critical", "scenarios/vpc-dns-support-off", True,
     [F(prefix="vpc-", severity="critical")],
     "enableDnsSupport false: nothing resolves."),
    ("VPCE007", "near-miss", "scenarios/s3-interface-and-gateway-inbound-resolver-only", False, [],
     "Inbound-Resolver-only S3 interface endpoint next to an S3 gateway endpoint."),
    ("VPCE009", "raise", "scenarios/endpoint-policy-deny-only", True,
     [F(prefix="vpce-", severity="high"), F(prefix="vpce-", severity="high")],
     "S3 gateway and SQS interface endpoints with Deny-only policies."),
    ("VPCE011", "raise-pending", "scenarios/endpoint-pending", True,
     [F(prefix="vpce-", severity="medium"), F(prefix="vpce-", severity="medium")],
     "S3 gateway and SQS interface endpoints in state pending."),
    ("VPCE016", "raise", "scenarios/nacl-blocks-return-traffic", True,
     [F(prefix="acl-", severity="high")],
     "The private subnet's NACL admits return traffic only from the VPC CIDR: S3's replies "
     "are dropped."),
]


def dump_one(build_fn):
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        s = Snap(ec2)
        s.patch_fn = None
        s.multi = None
        out = build_fn(s)
        if s.multi:
            return out, None, s.multi
        d = s.dump()
        if s.patch_fn:
            s.patch_fn(d)
    return out, d, None


def write_snapshot(root, d):
    os.makedirs(root)
    for key, body in d.items():
        write_json(os.path.join(root, key + ".json"), body)


def main(argv):
    only = set(argv[1:])   # "VPCE013/raise" ...: rebuild only these, keep the other entries
    cases = []
    if only:
        with open(os.path.join(HERE, "cases.json")) as f:
            cases = [c for c in json.load(f) if "%s/%s" % (c["rule"], c["case"]) not in only
                     and not c["snapshot"].startswith("scenarios/")]
    for rule, name, raises, fn in CASES:
        if only and "%s/%s" % (rule, name) not in only:
            continue
        rel = "audit/%s/%s" % (rule.lower(), name)
        root = os.path.join(HERE, rule.lower(), name)
        if os.path.isdir(root):
            shutil.rmtree(root)
        findings, d, multi = dump_one(fn)
        if multi:
            for k, cidr in enumerate(multi):
                _, dk, _ = dump_one(lambda s, c=cidr: one_vpc_with_sqs(s, c))
                write_snapshot(os.path.join(root, REGION, "vpc-%d" % (k + 1)), dk)
        else:
            write_snapshot(os.path.join(root, REGION), d)
        cases.append({"rule": rule, "case": name, "snapshot": rel, "raises": raises,
                      "findings": findings, "description": " ".join(fn.__doc__.split())})
        print("built", rel)
    for rule, name, snap, raises, findings, desc in REUSED:
        cases.append({"rule": rule, "case": name, "snapshot": snap, "raises": raises,
                      "findings": findings, "description": desc})
    cases.sort(key=lambda c: (c["rule"], c["case"]))
    write_json(os.path.join(HERE, "cases.json"), cases)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

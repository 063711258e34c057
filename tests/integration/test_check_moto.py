"""Integration: build a VPC in moto's EC2 server with the AWS CLI, dump it the way a user would
(describe-* output as the AWS CLI prints it), run `vpce check` on the dump, assert the verdicts.

VPC 10.0.0.0/16 (DNS support + hostnames on): public subnet with IGW + NAT gateway, private
subnet whose route table has 0.0.0.0/0 -> NAT and the S3 gateway endpoint, an SQS interface
endpoint with private DNS in the private subnet (its SG allows 443 from the VPC), one instance.
Expected from the private subnet: s3 gateway-endpoint, sqs interface-endpoint, dynamodb
nat-gateway.

moto is started on a free loopback port (moto_util.MotoServer) and always stopped, also when
building fails. The patched dump fixes what moto does not model (moto_util.patch_snapshot:
interface-endpoint ENI address and SG, NAT ENI, managed prefix list ids/CIDRs); the raw dump must
load too, and its S3/DynamoDB verdicts do not depend on those gaps.
Environment: VPCE_BIN (skipped when unset). Python standard library + the aws CLI and moto.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moto_util  # noqa: E402

REGION = "us-east-1"


def vpce_bin():
    b = os.environ.get("VPCE_BIN")
    if not b:
        raise unittest.SkipTest("VPCE_BIN not set")
    return b


class CheckAgainstMoto(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        vpce_bin()
        if shutil.which("aws") is None:
            raise unittest.SkipTest("aws CLI not installed")
        cls.tmp = tempfile.mkdtemp(prefix="vpce-moto-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.moto = moto_util.MotoServer(region=REGION)
        cls.addClassCleanup(cls.moto.stop)  # runs even if setUpClass fails below
        cls.moto.start()
        cls.ids = cls.build(cls.moto)
        cls.raw = os.path.join(cls.tmp, "raw", REGION)
        cls.dump(cls.moto, cls.ids["vpc"], cls.raw)
        cls.patched = os.path.join(cls.tmp, "patched", REGION)
        shutil.copytree(cls.raw, cls.patched)
        moto_util.patch_snapshot(cls.patched)
        cls.moto.stop()

    @staticmethod
    def build(m):
        aws = m.aws
        ids = {}
        ids["vpc"] = vpc = aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
        aws("ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-support", '{"Value":true}')
        aws("ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames",
            '{"Value":true}')

        def subnet(cidr, az):
            return aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", cidr,
                       "--availability-zone", az)["Subnet"]["SubnetId"]
        ids["public"] = pub = subnet("10.0.0.0/24", "us-east-1a")
        ids["private"] = priv = subnet("10.0.10.0/24", "us-east-1a")
        igw = aws("ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
        aws("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
        pub_rt = aws("ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
        aws("ec2", "create-route", "--route-table-id", pub_rt, "--destination-cidr-block",
            "0.0.0.0/0", "--gateway-id", igw)
        aws("ec2", "associate-route-table", "--route-table-id", pub_rt, "--subnet-id", pub)
        eip = aws("ec2", "allocate-address", "--domain", "vpc")["AllocationId"]
        ids["nat"] = nat = aws("ec2", "create-nat-gateway", "--subnet-id", pub, "--allocation-id",
                               eip)["NatGateway"]["NatGatewayId"]
        priv_rt = aws("ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
        aws("ec2", "create-route", "--route-table-id", priv_rt, "--destination-cidr-block",
            "0.0.0.0/0", "--nat-gateway-id", nat)
        aws("ec2", "associate-route-table", "--route-table-id", priv_rt, "--subnet-id", priv)
        app_sg = aws("ec2", "create-security-group", "--vpc-id", vpc, "--group-name", "app",
                     "--description", "app")["GroupId"]
        ep_sg = aws("ec2", "create-security-group", "--vpc-id", vpc, "--group-name", "endpoint",
                    "--description", "endpoint")["GroupId"]
        aws("ec2", "authorize-security-group-ingress", "--group-id", ep_sg, "--protocol", "tcp",
            "--port", "443", "--cidr", "10.0.0.0/16")
        ids["instance"] = aws("ec2", "run-instances", "--image-id", "ami-03cf127a",
                              "--instance-type", "t3.micro", "--subnet-id", priv,
                              "--security-group-ids", app_sg, "--count", "1")[
                                  "Instances"][0]["InstanceId"]
        ids["s3"] = aws("ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--vpc-endpoint-type",
                        "Gateway", "--service-name", "com.amazonaws.%s.s3" % REGION,
                        "--route-table-ids", priv_rt)["VpcEndpoint"]["VpcEndpointId"]
        ids["sqs"] = aws("ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--vpc-endpoint-type",
                         "Interface", "--service-name", "com.amazonaws.%s.sqs" % REGION,
                         "--subnet-ids", priv, "--security-group-ids", ep_sg,
                         "--private-dns-enabled")["VpcEndpoint"]["VpcEndpointId"]
        return ids

    @staticmethod
    def dump(m, vpc, out):
        os.makedirs(out)
        f = "Name=vpc-id,Values=" + vpc
        calls = {
            "Vpcs": ["describe-vpcs", "--vpc-ids", vpc],
            "Subnets": ["describe-subnets", "--filters", f],
            "RouteTables": ["describe-route-tables", "--filters", f],
            "SecurityGroups": ["describe-security-groups", "--filters", f],
            "NetworkAcls": ["describe-network-acls", "--filters", f],
            "VpcEndpoints": ["describe-vpc-endpoints", "--filters", f],
            "NatGateways": ["describe-nat-gateways", "--filter", f],
            "InternetGateways": ["describe-internet-gateways", "--filters",
                                 "Name=attachment.vpc-id,Values=" + vpc],
            "NetworkInterfaces": ["describe-network-interfaces", "--filters", f],
            "Reservations": ["describe-instances", "--filters", f],
            "DnsSupport": ["describe-vpc-attribute", "--vpc-id", vpc, "--attribute",
                           "enableDnsSupport"],
            "DnsHostnames": ["describe-vpc-attribute", "--vpc-id", vpc, "--attribute",
                             "enableDnsHostnames"],
        }
        for name, args in calls.items():
            with open(os.path.join(out, name + ".json"), "w") as fh:
                json.dump(m.aws("ec2", *args), fh, indent=4)
        pls = m.aws("ec2", "describe-managed-prefix-lists", "--filters", "Name=owner-id,Values=AWS")
        keep = [p for p in pls["PrefixLists"] if p["PrefixListName"] in (
            "com.amazonaws.%s.s3" % REGION, "com.amazonaws.%s.dynamodb" % REGION)]
        with open(os.path.join(out, "ManagedPrefixLists.json"), "w") as fh:
            json.dump({"PrefixLists": keep}, fh, indent=4)
        for p in keep:
            entries = m.aws("ec2", "get-managed-prefix-list-entries", "--prefix-list-id",
                            p["PrefixListId"])
            with open(os.path.join(out, "Entries-%s.json" % p["PrefixListId"]), "w") as fh:
                json.dump(entries, fh, indent=4)

    def check(self, snap, *args):
        cmd = [vpce_bin(), "check", snap, "--format", "json"] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, "%s\n%s\n%s" % (" ".join(cmd), p.stderr, p.stdout))
        return {(r["from"], r["to"]): r for r in json.loads(p.stdout)["results"]}, p

    def assertVerdict(self, r, path, via, p):
        self.assertIsNotNone(r, "no result for this pair: %s" % p.stdout)
        self.assertEqual((r["path"], r["via"], r["blocked_at"], r["private"]),
                         (path, via, None, path.endswith("-endpoint")),
                         "%s -> %s: %s" % (r["from"], r["to"], p.stdout))

    def test_patched_dump_verdicts(self):
        i = self.ids
        res, p = self.check(os.path.dirname(self.patched), "--from", i["private"],
                            "--to", "s3", "--to", "sqs", "--to", "dynamodb")
        self.assertVerdict(res.get((i["private"], "s3")), "gateway-endpoint", i["s3"], p)
        self.assertVerdict(res.get((i["private"], "sqs")), "interface-endpoint", i["sqs"], p)
        self.assertVerdict(res.get((i["private"], "dynamodb")), "nat-gateway", i["nat"], p)

    def test_patched_dump_from_instance(self):
        i = self.ids
        res, p = self.check(os.path.dirname(self.patched), "--from", i["instance"],
                            "--to", "s3", "--to", "sqs", "--to", "dynamodb")
        self.assertVerdict(res.get((i["instance"], "s3")), "gateway-endpoint", i["s3"], p)
        self.assertVerdict(res.get((i["instance"], "sqs")), "interface-endpoint", i["sqs"], p)
        self.assertVerdict(res.get((i["instance"], "dynamodb")), "nat-gateway", i["nat"], p)

    def test_raw_moto_dump_loads(self):
        i = self.ids
        res, p = self.check(os.path.dirname(self.raw), "--from", i["private"],
                            "--to", "s3", "--to", "dynamodb")
        self.assertVerdict(res.get((i["private"], "s3")), "gateway-endpoint", i["s3"], p)
        self.assertVerdict(res.get((i["private"], "dynamodb")), "nat-gateway", i["nat"], p)


if __name__ == "__main__":
    unittest.main()

"""vpce snapshot against moto's EC2 server: every file is byte-for-byte what
`aws ec2 describe-… --output json` prints for the same resources, in two
regions captured in parallel, with the manifest describing them. Also: the
same files when pages are small (NextToken followed), and credentials
through a role profile (source_profile + STS AssumeRole)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awstest  # noqa: E402


class SnapshotAgainstMoto(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home_ctx = awstest.TempHome()
        cls.home = cls.home_ctx.__enter__()
        cls.moto = awstest.Moto()
        cls.env = awstest.base_env(cls.home)
        cls.build(cls.env, cls.moto.url)

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        cls.home_ctx.__exit__(None, None, None)

    @staticmethod
    def build(env, url):
        j = lambda *a, region=None: awstest.awsj(env, url, *a, region=region)  # noqa: E731
        vpc = j("ec2", "create-vpc", "--cidr-block", "10.20.0.0/16",
                "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=app}]")["Vpc"]["VpcId"]
        j("ec2", "modify-vpc-attribute", "--vpc-id", vpc, "--enable-dns-hostnames",
          '{"Value": true}')
        sub_a = j("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.20.1.0/24",
                  "--availability-zone", "us-east-1a")["Subnet"]["SubnetId"]
        sub_b = j("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.20.2.0/24",
                  "--availability-zone", "us-east-1b")["Subnet"]["SubnetId"]
        igw = j("ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
        j("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
        rt_pub = j("ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
        j("ec2", "create-route", "--route-table-id", rt_pub, "--destination-cidr-block",
          "0.0.0.0/0", "--gateway-id", igw)
        j("ec2", "associate-route-table", "--route-table-id", rt_pub, "--subnet-id", sub_a)
        eip = j("ec2", "allocate-address", "--domain", "vpc")["AllocationId"]
        nat = j("ec2", "create-nat-gateway", "--subnet-id", sub_a, "--allocation-id",
                eip)["NatGateway"]["NatGatewayId"]
        rt_priv = j("ec2", "create-route-table", "--vpc-id", vpc)["RouteTable"]["RouteTableId"]
        j("ec2", "create-route", "--route-table-id", rt_priv, "--destination-cidr-block",
          "0.0.0.0/0", "--nat-gateway-id", nat)
        j("ec2", "associate-route-table", "--route-table-id", rt_priv, "--subnet-id", sub_b)
        sg = j("ec2", "create-security-group", "--group-name", "endpoints", "--description",
               "https from the vpc", "--vpc-id", vpc)["GroupId"]
        j("ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
          "--port", "443", "--cidr", "10.20.0.0/16")
        acl = j("ec2", "create-network-acl", "--vpc-id", vpc)["NetworkAcl"]["NetworkAclId"]
        j("ec2", "create-network-acl-entry", "--network-acl-id", acl, "--rule-number", "100",
          "--protocol", "6", "--port-range", "From=443,To=443", "--cidr-block", "0.0.0.0/0",
          "--rule-action", "allow", "--ingress")
        j("ec2", "create-network-acl-entry", "--network-acl-id", acl, "--rule-number", "200",
          "--protocol", "-1", "--cidr-block", "10.0.0.0/8", "--rule-action", "deny", "--egress")
        j("ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--service-name",
          "com.amazonaws.us-east-1.s3", "--route-table-ids", rt_priv)
        j("ec2", "create-vpc-endpoint", "--vpc-id", vpc, "--vpc-endpoint-type", "Interface",
          "--service-name", "com.amazonaws.us-east-1.ssm", "--subnet-ids", sub_b,
          "--security-group-ids", sg, "--private-dns-enabled")
        j("ec2", "create-managed-prefix-list", "--prefix-list-name", "corp",
          "--max-entries", "5", "--address-family", "IPv4", "--entries",
          "Cidr=192.168.0.0/16,Description=office", "Cidr=172.16.0.0/12")
        ami = j("ec2", "describe-images", "--owners", "amazon")["Images"][0]["ImageId"]
        j("ec2", "run-instances", "--image-id", ami, "--instance-type", "t3.micro",
          "--subnet-id", sub_b, "--security-group-ids", sg, "--count", "1")
        # a second region with its own VPC
        j("ec2", "create-vpc", "--cidr-block", "10.30.0.0/16", region="eu-west-1")

    def snapshot(self, out, *extra, env=None):
        p = awstest.vpce(env or self.env, "snapshot", out, "--endpoint-url", self.moto.url,
                         *extra)
        return p

    CALLS = [
        ("Vpcs.json", ["describe-vpcs"]),
        ("Subnets.json", ["describe-subnets"]),
        ("RouteTables.json", ["describe-route-tables"]),
        ("SecurityGroups.json", ["describe-security-groups"]),
        ("NetworkAcls.json", ["describe-network-acls"]),
        ("VpcEndpoints.json", ["describe-vpc-endpoints"]),
        ("NatGateways.json", ["describe-nat-gateways"]),
        ("InternetGateways.json", ["describe-internet-gateways"]),
        ("PrefixLists.json", ["describe-prefix-lists"]),
        ("ManagedPrefixLists.json", ["describe-managed-prefix-lists"]),
        ("NetworkInterfaces.json", ["describe-network-interfaces"]),
        ("Reservations.json", ["describe-instances"]),
        ("ServiceDetails.json", ["describe-vpc-endpoint-services"]),
    ]

    def expected_files(self, region):
        """(file name, aws CLI args) for every file of a region."""
        calls = list(self.CALLS)
        pls = awstest.awsj(self.env, self.moto.url, "ec2", "describe-managed-prefix-lists",
                           region=region)["PrefixLists"]
        for pl in pls:
            calls.append(("Entries-%s.json" % pl["PrefixListId"],
                          ["get-managed-prefix-list-entries", "--prefix-list-id",
                           pl["PrefixListId"]]))
        vpcs = awstest.awsj(self.env, self.moto.url, "ec2", "describe-vpcs",
                            region=region)["Vpcs"]
        for v in vpcs:
            for attr, name in (("enableDnsSupport", "EnableDnsSupport"),
                               ("enableDnsHostnames", "EnableDnsHostnames")):
                calls.append(("%s-%s.json" % (name, v["VpcId"]),
                              ["describe-vpc-attribute", "--vpc-id", v["VpcId"],
                               "--attribute", attr]))
        return calls

    def assert_same_as_cli(self, regiondir, region):
        calls = self.expected_files(region)
        self.assertEqual(sorted(os.listdir(regiondir)), sorted(f for f, _ in calls))
        for fname, args in calls:
            want = awstest.aws(self.env, self.moto.url, "ec2", *args, region=region)
            with open(os.path.join(regiondir, fname), encoding="utf-8") as f:
                got = f.read()
            if got != want:
                self.assertEqual(json.loads(got), json.loads(want), fname)
                self.assertEqual(got, want, fname + ": same data, different layout")

    def test_two_regions_match_aws_cli_byte_for_byte(self):
        out = os.path.join(self.home, "snap-two")
        p = self.snapshot(out, "--regions", "us-east-1,eu-west-1")
        self.assertEqual(p.returncode, 0, p.stderr)
        acct = os.path.join(out, "123456789012")
        self.assertEqual(p.stdout.strip(), acct)
        self.assertNotIn(awstest.SECRET, p.stderr + p.stdout)
        for region in ("us-east-1", "eu-west-1"):
            self.assert_same_as_cli(os.path.join(acct, region), region)
        with open(os.path.join(acct, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["account"], "123456789012")
        self.assertEqual(sorted(m["regions"]), ["eu-west-1", "us-east-1"])
        self.assertEqual(m["errors"], [])
        us = m["regions"]["us-east-1"]
        self.assertEqual(us["status"], "ok")
        vpcs = awstest.awsj(self.env, self.moto.url, "ec2", "describe-vpcs")["Vpcs"]
        self.assertEqual(us["counts"]["Vpcs.json"], len(vpcs))
        self.assertEqual(us["counts"]["VpcEndpoints.json"], 2)
        self.assertEqual(us["counts"]["Reservations.json"], 1)
        self.assertIn("us-east-1: done", p.stderr)
        self.assertIn("eu-west-1: done", p.stderr)

    def test_small_pages_give_the_same_files(self):
        big = os.path.join(self.home, "snap-big")
        small = os.path.join(self.home, "snap-small")
        p1 = self.snapshot(big)
        p2 = self.snapshot(small, "--page-size", "5")
        self.assertEqual(p1.returncode, 0, p1.stderr)
        self.assertEqual(p2.returncode, 0, p2.stderr)
        d1 = os.path.join(big, "123456789012", "us-east-1")
        d2 = os.path.join(small, "123456789012", "us-east-1")
        self.assertEqual(sorted(os.listdir(d1)), sorted(os.listdir(d2)))
        for f in os.listdir(d1):
            with open(os.path.join(d1, f)) as a, open(os.path.join(d2, f)) as b:
                self.assertEqual(a.read(), b.read(), f)
        with open(os.path.join(big, "123456789012", "manifest.json")) as f:
            r1 = json.load(f)["regions"]["us-east-1"]["requests"]
        with open(os.path.join(small, "123456789012", "manifest.json")) as f:
            r2 = json.load(f)["regions"]["us-east-1"]["requests"]
        self.assertGreater(r2, r1, "small pages must have followed NextToken")

    def test_role_profile_assumes_role_through_sts(self):
        cfg = os.path.join(self.home, "role-config")
        with open(cfg, "w") as f:
            f.write("[profile base]\naws_access_key_id = AKIDBASE\n"
                    "aws_secret_access_key = %s\nregion = us-east-1\n\n"
                    "[profile auditor]\nrole_arn = arn:aws:iam::123456789012:role/auditor\n"
                    "source_profile = base\nrole_session_name = vpce-it\n"
                    "region = us-east-1\n" % awstest.SECRET)
        env = dict(self.env)
        del env["AWS_ACCESS_KEY_ID"]
        del env["AWS_SECRET_ACCESS_KEY"]
        env["AWS_CONFIG_FILE"] = cfg
        env["AWS_ENDPOINT_URL"] = self.moto.url
        out = os.path.join(self.home, "snap-role")
        p = awstest.vpce(env, "snapshot", out, "--profile", "auditor")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("credentials from assume-role", p.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "123456789012", "us-east-1",
                                                    "Vpcs.json")))

    def test_missing_profile_is_a_usage_error(self):
        p = awstest.vpce(self.env, "snapshot", os.path.join(self.home, "x"), "--profile",
                         "nosuch", "--endpoint-url", self.moto.url)
        self.assertEqual(p.returncode, 2)
        self.assertIn("nosuch", p.stderr)

    def test_plain_http_to_a_remote_host_is_refused(self):
        p = awstest.vpce(self.env, "snapshot", os.path.join(self.home, "x"),
                         "--endpoint-url", "http://ec2.example.com")
        self.assertEqual(p.returncode, 2)
        self.assertIn("https is required", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""vpce apply against moto: a plan's gateway and interface endpoints are
created as asked (route tables, subnets, security groups, private DNS, tags);
applying again changes nothing; --dry-run creates nothing; a plan error has
a position; a subnet outside the VPC fails that action only."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awstest  # noqa: E402


class ApplyAgainstMoto(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home_ctx = awstest.TempHome()
        cls.home = cls.home_ctx.__enter__()
        cls.moto = awstest.Moto()
        cls.env = awstest.base_env(cls.home)
        j = lambda *a: awstest.awsj(cls.env, cls.moto.url, *a)  # noqa: E731
        cls.vpc = j("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
        cls.other_vpc = j("ec2", "create-vpc", "--cidr-block", "10.8.0.0/16")["Vpc"]["VpcId"]
        cls.subnet = j("ec2", "create-subnet", "--vpc-id", cls.vpc, "--cidr-block",
                       "10.9.1.0/24")["Subnet"]["SubnetId"]
        cls.foreign_subnet = j("ec2", "create-subnet", "--vpc-id", cls.other_vpc,
                               "--cidr-block", "10.8.1.0/24")["Subnet"]["SubnetId"]
        cls.rt = j("ec2", "create-route-table", "--vpc-id", cls.vpc)["RouteTable"]["RouteTableId"]
        cls.sg = j("ec2", "create-security-group", "--group-name", "ep", "--description", "ep",
                   "--vpc-id", cls.vpc)["GroupId"]

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        cls.home_ctx.__exit__(None, None, None)

    def endpoints(self, vpc):
        return awstest.awsj(self.env, self.moto.url, "ec2", "describe-vpc-endpoints",
                            "--filters", "Name=vpc-id,Values=" + vpc)["VpcEndpoints"]

    def apply(self, plan, *args):
        path = os.path.join(self.home, "plan-%d.json" % len(os.listdir(self.home)))
        with open(path, "w") as f:
            f.write(plan if isinstance(plan, str) else json.dumps(plan, indent=2))
        return awstest.vpce(self.env, "apply", path, "--endpoint-url", self.moto.url, *args)

    def plan(self, vpc, **over):
        gw = {"action": "create-vpc-endpoint", "region": "us-east-1", "vpc_id": vpc,
              "service_name": "com.amazonaws.us-east-1.s3", "type": "Gateway",
              "route_table_ids": [self.rt], "tags": {"Name": "s3-gw", "owner": "vpce"}}
        ifc = {"action": "create-vpc-endpoint", "region": "us-east-1", "vpc_id": vpc,
               "service_name": "com.amazonaws.us-east-1.ssm", "type": "Interface",
               "subnet_ids": [self.subnet], "security_group_ids": [self.sg],
               "private_dns": True}
        ifc.update(over)
        return {"format": "vpce-plan/1", "actions": [gw, ifc]}

    def test_1_dry_run_creates_nothing(self):
        p = self.apply(self.plan(self.vpc), "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        self.assertEqual([a["status"] for a in rep["actions"]], ["would-create"] * 2)
        self.assertEqual(self.endpoints(self.vpc), [])

    def test_2_apply_creates_then_is_idempotent(self):
        p = self.apply(self.plan(self.vpc))
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = json.loads(p.stdout)
        self.assertEqual([a["status"] for a in rep["actions"]], ["created", "created"])
        eps = {e["ServiceName"]: e for e in self.endpoints(self.vpc)}
        self.assertEqual(len(eps), 2)
        gw = eps["com.amazonaws.us-east-1.s3"]
        self.assertEqual(gw["VpcEndpointType"], "Gateway")
        self.assertEqual(gw["RouteTableIds"], [self.rt])
        self.assertEqual({t["Key"]: t["Value"] for t in gw["Tags"]},
                         {"Name": "s3-gw", "owner": "vpce"})
        self.assertEqual(gw["VpcEndpointId"], rep["actions"][0]["vpc_endpoint_id"])
        ssm = eps["com.amazonaws.us-east-1.ssm"]
        self.assertEqual(ssm["VpcEndpointType"], "Interface")
        self.assertEqual(ssm["SubnetIds"], [self.subnet])
        self.assertTrue(ssm["PrivateDnsEnabled"])
        again = self.apply(self.plan(self.vpc))
        self.assertEqual(again.returncode, 0, again.stderr)
        rep2 = json.loads(again.stdout)
        self.assertEqual([a["status"] for a in rep2["actions"]], ["exists", "exists"])
        self.assertEqual(len(self.endpoints(self.vpc)), 2)

    def test_plan_errors_have_positions(self):
        p = self.apply('{"format": "vpce-plan/1", "actions": [\n'
                       '  {"action": "create-vpc-endpoint", "region": "us-east-1",\n'
                       '   "vpc_id": "vpc-zzz", "service_name": "x"}]}')
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"plan-\d+\.json:3:\d+: .*vpc_id")
        p = self.apply({"actions": [{"action": "delete-everything"}]})
        self.assertEqual(p.returncode, 2)
        self.assertIn("unsupported action", p.stderr)

    def test_foreign_subnet_fails_only_that_action(self):
        plan = self.plan(self.other_vpc)
        plan["actions"][0]["route_table_ids"] = []
        plan["actions"][1]["subnet_ids"] = [self.subnet]          # in the other VPC
        plan["actions"][1]["security_group_ids"] = []
        p = self.apply(plan)
        self.assertEqual(p.returncode, 1, p.stderr)
        rep = json.loads(p.stdout)
        self.assertEqual(rep["actions"][0]["status"], "created")
        self.assertEqual(rep["actions"][1]["status"], "failed")
        self.assertIn("is not in " + self.other_vpc, rep["actions"][1]["error"]["message"])
        self.assertEqual([e["ServiceName"] for e in self.endpoints(self.other_vpc)],
                         ["com.amazonaws.us-east-1.s3"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

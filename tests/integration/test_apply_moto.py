"""vpce apply against moto, through a recording proxy (tests/integration/awstest.py
FaultProxy) so that every API action vpce sends is seen on the wire:

- --dry-run sends no write action and prints every write call with its parameters;
- without a terminal and without --yes nothing is sent at all (exit 2);
- a plan with a gateway and an interface endpoint is created as asked (route tables,
  policy, one subnet per AZ, private DNS, the vpce-endpoints security group with HTTPS
  from the VPC's CIDR, vpce:plan tags), verified with the aws CLI; the after-check shows
  the private path; a second run sends zero write actions (and the client's counter
  agrees with the wire);
- modify adds a route table and replaces the policy, then is a no-op;
- delete runs only with --prune;
- a failure injected on one write stops the run (what was done is reported, the rest is
  not-run); a re-run completes exactly the rest;
- unknown ids, a subnet of another VPC, private DNS without DNS hostnames: a clear error
  and no write."""
import json
import os
import pty
import select
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awstest  # noqa: E402

READ = ("Describe", "Get", "List", "AssumeRole")
S3 = "com.amazonaws.us-east-1.s3"
DDB = "com.amazonaws.us-east-1.dynamodb"
SSM = "com.amazonaws.us-east-1.ssm"
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}


def rec(action, type_, vpc, service, endpoint=None, route_tables=(), subnets=(), policy=None,
        **extra):
    r = {"action": action, "type": type_, "vpc": vpc, "service": service,
         "endpoint": endpoint, "route_tables": list(route_tables), "subnets": list(subnets),
         "policy": policy, "monthly_saving_usd": 10.0, "break_even_gb_month": None}
    r.update(extra)
    return r


class ApplyAgainstMoto(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home_ctx = awstest.TempHome()
        cls.home = cls.home_ctx.__enter__()
        cls.moto = awstest.Moto()
        cls.fault = None   # fn(n, action, region) -> fault, set by a test
        cls.proxy = awstest.FaultProxy(
            cls.moto.port, lambda n, a, r: cls.fault(n, a, r) if cls.fault else None)
        cls.env = awstest.base_env(cls.home)
        cls.nvpc = 0

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.moto.stop()
        cls.home_ctx.__exit__(None, None, None)

    def tearDown(self):
        type(self).fault = None

    def j(self, *a):
        return awstest.awsj(self.env, self.moto.url, *a)

    def make_vpc(self, dns_hostnames=True):
        """A VPC with subnets a1, b1 (AZ a, b) and a2 (AZ a again), route tables rt1 (a1's)
        and rt2."""
        type(self).nvpc += 1
        cidr = "10.%d.0.0/16" % (40 + self.nvpc)
        v = {"cidr": cidr}
        v["vpc"] = self.j("ec2", "create-vpc", "--cidr-block", cidr)["Vpc"]["VpcId"]
        if dns_hostnames:
            self.j("ec2", "modify-vpc-attribute", "--vpc-id", v["vpc"], "--enable-dns-hostnames")
        for name, n, az in (("a1", 1, "a"), ("b1", 2, "b"), ("a2", 3, "a")):
            v[name] = self.j("ec2", "create-subnet", "--vpc-id", v["vpc"], "--cidr-block",
                             "10.%d.%d.0/24" % (40 + self.nvpc, n), "--availability-zone",
                             "us-east-1" + az)["Subnet"]["SubnetId"]
        for rt in ("rt1", "rt2"):
            v[rt] = self.j("ec2", "create-route-table", "--vpc-id",
                           v["vpc"])["RouteTable"]["RouteTableId"]
        self.j("ec2", "associate-route-table", "--route-table-id", v["rt1"], "--subnet-id", v["a1"])
        return v

    def endpoints(self, vpc):
        eps = self.j("ec2", "describe-vpc-endpoints", "--filters",
                     "Name=vpc-id,Values=" + vpc)["VpcEndpoints"]
        return [e for e in eps if e["State"].lower() not in ("deleted", "deleting")]

    def apply(self, recs, *args, stdin=None):
        """Run vpce apply through the proxy; returns (process, write actions seen)."""
        path = os.path.join(self.home, "plan-%d.json" % len(os.listdir(self.home)))
        with open(path, "w") as f:
            json.dump({"version": 1, "window": {"start": "2026-11-01T00:00:00Z", "end": "2026-11-27T00:00:00Z",
                                  "hours": 624}, "traffic": [], "recommendations": recs}, f,
                      indent=2)
        start = len(self.proxy.requests)
        p = awstest.vpce(self.env, "apply", path, "--endpoint-url", self.proxy.url, *args)
        writes = [a for (_, a, _, f) in self.proxy.requests[start:]
                  if not a.startswith(READ) and f is None]
        return p, writes

    def report(self, p):
        self.assertTrue(p.stdout.startswith("{"), p.stdout + p.stderr)
        return json.loads(p.stdout)

    def test_dry_run_sends_no_write_and_prints_every_call(self):
        v = self.make_vpc()
        recs = [rec("create", "Gateway", v["vpc"], S3, route_tables=[v["rt1"]], policy=POLICY),
                rec("create", "Interface", v["vpc"], SSM, subnets=[v["a1"], v["b1"]])]
        p, writes = self.apply(recs, "--dry-run", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(writes, [])
        rep = self.report(p)
        self.assertEqual(rep["write_calls"], 0)
        self.assertEqual(rep["planned_write_calls"], 4)
        self.assertEqual([r["status"] for r in rep["recommendations"]], ["would-create"] * 2)
        calls = [[c["action"] for c in r["calls"]] for r in rep["recommendations"]]
        self.assertEqual(calls, [["CreateVpcEndpoint"],
                                 ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress",
                                  "CreateVpcEndpoint"]])
        gw = rep["recommendations"][0]["calls"][0]
        self.assertFalse(gw["sent"])
        self.assertEqual(gw["params"]["VpcId"], v["vpc"])
        self.assertEqual(gw["params"]["RouteTableId.1"], v["rt1"])
        self.assertEqual(json.loads(gw["params"]["PolicyDocument"]), POLICY)
        self.assertEqual(len(gw["params"]["ClientToken"]), 32)
        auth = rep["recommendations"][1]["calls"][1]["params"]
        self.assertEqual(auth["IpPermissions.1.IpRanges.1.CidrIp"], v["cidr"])
        self.assertEqual(auth["IpPermissions.1.FromPort"], "443")
        self.assertEqual(self.endpoints(v["vpc"]), [])
        # the text form prints the same calls with their parameters
        p, writes = self.apply(recs, "--dry-run")
        self.assertEqual(writes, [])
        self.assertIn("would call CreateVpcEndpoint VpcId=%s ServiceName=%s" % (v["vpc"], S3),
                      p.stdout)
        self.assertIn("would call AuthorizeSecurityGroupIngress", p.stdout)
        self.assertIn("dry run: 4 write calls would be made, none sent", p.stdout)

    def apply_on_terminal(self, recs, answer):
        """vpce apply with stdin and stderr on a pseudo-terminal; answers the question."""
        path = os.path.join(self.home, "plan-%d.json" % len(os.listdir(self.home)))
        with open(path, "w") as f:
            json.dump({"recommendations": recs}, f)
        start = len(self.proxy.requests)
        master, slave = pty.openpty()
        proc = subprocess.Popen([awstest.VPCE, "apply", path, "--endpoint-url", self.proxy.url,
                                 "--no-check"], stdin=slave, stdout=subprocess.PIPE,
                                stderr=slave, env=self.env)
        os.close(slave)
        seen, answered, deadline = b"", False, time.monotonic() + 120
        while time.monotonic() < deadline:
            if not answered and b"[y/N]" in seen:
                os.write(master, answer + b"\n")
                answered = True
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""
                if not data and proc.poll() is not None:
                    break
                seen += data
            elif proc.poll() is not None:
                break
        out = proc.communicate(timeout=60)[0].decode()
        os.close(master)
        writes = [a for (_, a, _, f) in self.proxy.requests[start:]
                  if not a.startswith(READ) and f is None]
        return proc.returncode, out, seen.decode(errors="replace"), writes

    def test_asks_on_a_terminal_and_does_nothing_unless_confirmed(self):
        v = self.make_vpc()
        recs = [rec("create", "Gateway", v["vpc"], S3, route_tables=[v["rt1"]])]
        rc, out, term, writes = self.apply_on_terminal(recs, b"n")
        self.assertEqual(rc, 2, term)
        self.assertIn("apply 1 change? [y/N]", term)
        self.assertIn("not confirmed", term)
        self.assertIn("would call CreateVpcEndpoint", out)   # shown before asking
        self.assertEqual(writes, [])
        self.assertEqual(self.endpoints(v["vpc"]), [])
        rc, out, term, writes = self.apply_on_terminal(recs, b"y")
        self.assertEqual(rc, 0, term)
        self.assertEqual(writes, ["CreateVpcEndpoint"])
        self.assertEqual(len(self.endpoints(v["vpc"])), 1)
        # nothing left to change: no question at all
        rc, out, term, writes = self.apply_on_terminal(recs, b"y")
        self.assertEqual(rc, 0, term)
        self.assertNotIn("[y/N]", term)
        self.assertIn("nothing to change", term)
        self.assertEqual(writes, [])

    def test_refuses_without_terminal_or_yes(self):
        v = self.make_vpc()
        start = len(self.proxy.requests)
        p, writes = self.apply([rec("create", "Gateway", v["vpc"], S3, route_tables=[v["rt1"]])])
        self.assertEqual(p.returncode, 2)
        self.assertIn("--yes", p.stderr)
        self.assertEqual(len(self.proxy.requests), start)  # not even a read
        self.assertEqual(self.endpoints(v["vpc"]), [])

    def test_apply_creates_as_asked_checks_paths_and_second_run_writes_nothing(self):
        v = self.make_vpc()
        # as `vpce plan` writes them: a Gateway recommendation lists its source subnets
        recs = [rec("create", "Gateway", v["vpc"], S3, route_tables=[v["rt1"]], policy=POLICY,
                    subnets=[v["a1"]], gb_month=3066.0, reason="NAT processing"),
                rec("create", "Interface", v["vpc"], SSM, subnets=[v["a1"], v["b1"], v["a2"]])]
        p, writes = self.apply(recs, "--yes", "--wait", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = self.report(p)
        self.assertEqual([r["status"] for r in rep["recommendations"]], ["created", "created"])
        self.assertEqual(writes, ["CreateVpcEndpoint", "CreateSecurityGroup",
                                  "AuthorizeSecurityGroupIngress", "CreateVpcEndpoint"])
        self.assertEqual(rep["write_calls"], len(writes))
        eps = {e["ServiceName"]: e for e in self.endpoints(v["vpc"])}
        gw, ssm = eps[S3], eps[SSM]
        self.assertEqual(gw["VpcEndpointType"], "Gateway")
        self.assertEqual(gw["RouteTableIds"], [v["rt1"]])
        self.assertEqual(json.loads(gw["PolicyDocument"]), POLICY)
        tags = {t["Key"]: t["Value"] for t in gw["Tags"]}
        self.assertEqual(tags["vpce:plan"], rep["plan"])
        self.assertEqual(gw["VpcEndpointId"], rep["recommendations"][0]["endpoint"])
        self.assertEqual(ssm["VpcEndpointType"], "Interface")
        self.assertEqual(ssm["SubnetIds"], [v["a1"], v["b1"]])   # one per AZ: a2 dropped
        self.assertTrue(ssm["PrivateDnsEnabled"])
        self.assertIn("one subnet per Availability Zone",
                      " ".join(rep["recommendations"][1]["notes"]))
        self.assertEqual([g["GroupName"] for g in ssm["Groups"]], ["vpce-endpoints"])
        sg = self.j("ec2", "describe-security-groups", "--group-ids",
                    ssm["Groups"][0]["GroupId"])["SecurityGroups"][0]
        self.assertEqual(sg["VpcId"], v["vpc"])
        self.assertEqual([(r["IpProtocol"], r["FromPort"], r["ToPort"],
                           [x["CidrIp"] for x in r["IpRanges"]]) for r in sg["IpPermissions"]],
                         [("tcp", 443, 443, [v["cidr"]])])
        self.assertIn("vpce:plan", [t["Key"] for t in sg["Tags"]])
        # the after-check: a1 (routed by rt1) reaches S3 privately now, not before
        paths = {(x["from"], x["service"]): x for x in rep["paths"]}
        a1 = paths[(v["a1"], S3)]
        self.assertFalse(a1["before"]["private"])
        self.assertEqual(a1["after"], {"path": "gateway-endpoint", "private": True,
                                       "via": gw["VpcEndpointId"], "blocked_at": None})
        self.assertFalse(paths[(v["b1"], S3)]["after"]["private"])  # main table: no endpoint
        self.assertIn((v["a1"], SSM), paths)
        # second run: nothing to do, nothing written (on the wire and by the counter)
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(writes, [])
        rep = self.report(p)
        self.assertEqual(rep["write_calls"], 0)
        self.assertEqual([r["status"] for r in rep["recommendations"]], ["unchanged"] * 2)
        self.assertEqual(len(self.endpoints(v["vpc"])), 2)
        # and the text output says so
        p, writes = self.apply(recs, "--yes")
        self.assertEqual(writes, [])
        self.assertIn("applied: 0 write calls", p.stdout)
        self.assertIn("paths (before -> after):", p.stdout)

    def test_modify_adds_a_route_table_and_replaces_the_policy(self):
        v = self.make_vpc()
        ep = self.j("ec2", "create-vpc-endpoint", "--vpc-id", v["vpc"], "--service-name", DDB,
                    "--route-table-ids", v["rt1"])["VpcEndpoint"]["VpcEndpointId"]
        pol = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": "*"}]}
        recs = [rec("modify", "Gateway", v["vpc"], DDB, endpoint=ep, route_tables=[v["rt2"]],
                    policy=pol)]
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(writes, ["ModifyVpcEndpoint"])
        call = self.report(p)["recommendations"][0]["calls"][0]["params"]
        self.assertEqual(call["AddRouteTableId.1"], v["rt2"])
        got = self.j("ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", ep)["VpcEndpoints"][0]
        self.assertEqual(sorted(got["RouteTableIds"]), sorted([v["rt1"], v["rt2"]]))
        self.assertEqual(json.loads(got["PolicyDocument"]), pol)
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        self.assertEqual(writes, [])
        self.assertEqual(self.report(p)["recommendations"][0]["status"], "unchanged")

    def test_modify_of_an_unknown_endpoint_fails_clearly(self):
        v = self.make_vpc()
        recs = [rec("modify", "Gateway", v["vpc"], S3, endpoint="vpce-0123456789abcdef0",
                    route_tables=[v["rt2"]])]
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(writes, [])
        self.assertIn("vpce-0123456789abcdef0 does not exist", p.stderr)

    def test_delete_runs_only_with_prune(self):
        v = self.make_vpc()
        ep = self.j("ec2", "create-vpc-endpoint", "--vpc-id", v["vpc"], "--service-name", SSM,
                    "--vpc-endpoint-type", "Interface", "--subnet-ids",
                    v["a1"])["VpcEndpoint"]["VpcEndpointId"]
        recs = [rec("delete", "Interface", v["vpc"], SSM, endpoint=ep)]
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(writes, [])
        r = self.report(p)["recommendations"][0]
        self.assertEqual(r["status"], "skipped")
        self.assertIn("--prune", r["notes"][0])
        self.assertEqual(len(self.endpoints(v["vpc"])), 1)
        p, writes = self.apply(recs, "--yes", "--prune", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(writes, ["DeleteVpcEndpoints"])
        self.assertEqual(self.endpoints(v["vpc"]), [])
        p, writes = self.apply(recs, "--yes", "--prune", "--format", "json", "--no-check")
        self.assertEqual(writes, [])
        self.assertEqual(self.report(p)["recommendations"][0]["status"], "unchanged")

    def test_failure_stops_reports_and_rerun_completes_the_rest(self):
        v = self.make_vpc()
        recs = [rec("create", "Gateway", v["vpc"], S3, route_tables=[v["rt1"]]),
                rec("create", "Gateway", v["vpc"], DDB, route_tables=[v["rt1"], v["rt2"]]),
                rec("create", "Interface", v["vpc"], SSM, subnets=[v["b1"]])]
        seen = []

        def fault(n, action, region):
            if action == "CreateVpcEndpoint":
                seen.append(n)
                if len(seen) == 2:
                    return ("error", 400, "InvalidParameterValue", "injected by the test")
            return None
        type(self).fault = staticmethod(fault)
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        type(self).fault = None
        self.assertEqual(p.returncode, 1, p.stderr)
        rep = self.report(p)
        self.assertEqual([r["status"] for r in rep["recommendations"]],
                         ["created", "failed", "not-run"])
        err = rep["recommendations"][1]["error"]
        self.assertEqual(err["code"], "InvalidParameterValue")
        self.assertIn("injected by the test", err["message"])
        self.assertIn("RequestId", err["message"])
        self.assertEqual(rep["recommendations"][2]["calls"], [])
        self.assertEqual([e["ServiceName"] for e in self.endpoints(v["vpc"])], [S3])
        self.assertIn("recommendation 2/3", p.stderr)
        p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([r["status"] for r in self.report(p)["recommendations"]],
                         ["unchanged", "created", "created"])
        self.assertEqual(writes, ["CreateVpcEndpoint", "CreateSecurityGroup",
                                  "AuthorizeSecurityGroupIngress", "CreateVpcEndpoint"])
        self.assertEqual(sorted(e["ServiceName"] for e in self.endpoints(v["vpc"])),
                         sorted([S3, DDB, SSM]))

    def test_bad_ids_fail_clearly_without_writing(self):
        v = self.make_vpc()
        other = self.make_vpc()
        cases = [
            ([rec("create", "Gateway", v["vpc"], S3, route_tables=["rtb-0000000000000000f"])],
             "rtb-0000000000000000f"),
            ([rec("create", "Interface", v["vpc"], SSM, subnets=[other["a1"]])],
             "%s is in %s, not in %s" % (other["a1"], other["vpc"], v["vpc"])),
            ([rec("create", "Gateway", "vpc-0000000000000000f", S3, route_tables=[v["rt1"]])],
             "vpc-0000000000000000f"),
            ([rec("create", "Gateway", v["vpc"], "com.amazonaws.us-east-1.nosuchservice",
                  route_tables=[v["rt1"]])], "nosuchservice"),
        ]
        for recs, msg in cases:
            p, writes = self.apply(recs, "--yes", "--format", "json", "--no-check")
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertEqual(writes, [])
            r = self.report(p)["recommendations"][0]
            self.assertEqual(r["status"], "failed")
            self.assertIn(msg, r["error"]["message"])
        self.assertEqual(self.endpoints(v["vpc"]), [])

    def test_private_dns_needs_dns_hostnames(self):
        v = self.make_vpc(dns_hostnames=False)
        p, writes = self.apply([rec("create", "Interface", v["vpc"], SSM, subnets=[v["a1"]])],
                               "--yes", "--format", "json", "--no-check")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(writes, [])
        self.assertIn("enableDnsHostnames", p.stderr)
        self.assertIn("--enable-dns-hostnames", p.stderr)
        p, writes = self.apply([rec("create", "Interface", v["vpc"], SSM, subnets=[v["a1"]],
                                    private_dns=False)], "--yes", "--no-check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(self.endpoints(v["vpc"])[0]["PrivateDnsEnabled"])


if __name__ == "__main__":
    unittest.main(verbosity=2)

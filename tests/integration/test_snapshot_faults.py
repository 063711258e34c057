"""vpce snapshot through a fault-injecting proxy in front of moto: throttling,
500s, dropped connections and slow answers are retried and the snapshot is
identical to one taken without faults; the retry cap is honoured; permanent
errors (AuthFailure, UnauthorizedOperation) are not retried, stop cleanly
with the AWS code and RequestId, and a failing region does not spoil the
others."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import awstest  # noqa: E402

ACCOUNT = "123456789012"


def read_tree(d):
    out = {}
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f)) as fh:
            out[f] = fh.read()
    return out


class SnapshotFaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home_ctx = awstest.TempHome()
        cls.home = cls.home_ctx.__enter__()
        cls.moto = awstest.Moto()
        cls.env = awstest.base_env(cls.home)
        for region, cidr in (("us-east-1", "10.1.0.0/16"), ("eu-west-1", "10.2.0.0/16")):
            vpc = awstest.awsj(cls.env, cls.moto.url, "ec2", "create-vpc", "--cidr-block", cidr,
                               region=region)["Vpc"]["VpcId"]
            awstest.awsj(cls.env, cls.moto.url, "ec2", "create-vpc-endpoint", "--vpc-id", vpc,
                         "--service-name", "com.amazonaws.%s.s3" % region, region=region)
        cls.baseline = os.path.join(cls.home, "baseline")
        p = awstest.vpce(cls.env, "snapshot", cls.baseline, "--endpoint-url", cls.moto.url,
                         "--regions", "us-east-1,eu-west-1")
        assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()
        cls.home_ctx.__exit__(None, None, None)

    def run_through(self, plan, *args):
        proxy = awstest.FaultProxy(self.moto.port, plan)
        try:
            out = os.path.join(self.home, "snap-%s" % self.id().rsplit(".", 1)[-1])
            p = awstest.vpce(self.env, "snapshot", out, "--endpoint-url", proxy.url, *args)
        finally:
            proxy.stop()
        self.assertNotIn(awstest.SECRET, p.stderr + p.stdout)
        return p, out, proxy.requests

    def test_transient_faults_are_retried_and_the_snapshot_is_complete(self):
        cycle = [("error", 503, "RequestLimitExceeded", "Request limit exceeded."), None,
                 ("error", 500, "InternalError", "An internal error has occurred"), "drop",
                 ("slow", 2.5), ("error", 400, "Throttling", "Rate exceeded"), ("slow", 0.2)]
        p, out, reqs = self.run_through(lambda n, action, region: cycle[n % len(cycle)],
                                        "--regions", "us-east-1", "--timeout", "1",
                                        "--max-attempts", "8")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = read_tree(os.path.join(out, ACCOUNT, "us-east-1"))
        want = read_tree(os.path.join(self.baseline, ACCOUNT, "us-east-1"))
        self.assertEqual(got, want)
        with open(os.path.join(out, ACCOUNT, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["errors"], [])
        self.assertGreater(m["regions"]["us-east-1"]["retries"], 10)
        kinds = {repr(r[3]) for r in reqs}
        self.assertEqual(kinds, {repr(c) for c in cycle}, "every fault kind was exercised")

    def test_retry_cap_gives_up_with_the_aws_code(self):
        plan = lambda n, action, region: (  # noqa: E731
            ("error", 503, "RequestLimitExceeded", "Request limit exceeded.")
            if action == "DescribeVpcs" else None)
        p, out, reqs = self.run_through(plan, "--regions", "us-east-1", "--max-attempts", "3")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(sum(1 for r in reqs if r[1] == "DescribeVpcs"), 3)
        with open(os.path.join(out, ACCOUNT, "manifest.json")) as f:
            m = json.load(f)
        err = m["regions"]["us-east-1"]["error"]
        self.assertEqual(err["code"], "RequestLimitExceeded")
        self.assertIn("gave up after 3 attempts", err["message"])
        self.assertIn("RequestId: proxy-req-", err["message"])
        self.assertIn("us-east-1: FAILED", p.stderr)

    def test_auth_failure_stops_at_once_with_a_clear_message(self):
        plan = lambda n, action, region: (  # noqa: E731
            "error", 401, "AuthFailure",
            "AWS was not able to validate the provided access credentials")
        p, out, reqs = self.run_through(plan, "--regions", "us-east-1")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(reqs), 1, "a permanent error is not retried")
        self.assertIn("cannot identify the account", p.stderr)
        self.assertIn("AuthFailure: AWS was not able to validate", p.stderr)
        self.assertIn("RequestId: proxy-req-0", p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_unauthorized_region_is_recorded_and_others_complete(self):
        plan = lambda n, action, region: (  # noqa: E731
            ("error", 403, "UnauthorizedOperation",
             "You are not authorized to perform this operation.")
            if region == "eu-west-1" and action == "DescribeVpcEndpoints" else None)
        p, out, reqs = self.run_through(plan, "--regions", "us-east-1,eu-west-1")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(
            sum(1 for r in reqs if r[1] == "DescribeVpcEndpoints" and r[2] == "eu-west-1"), 1)
        with open(os.path.join(out, ACCOUNT, "manifest.json")) as f:
            m = json.load(f)
        self.assertEqual(m["regions"]["us-east-1"]["status"], "ok")
        self.assertEqual(m["regions"]["eu-west-1"]["status"], "error")
        self.assertEqual(m["regions"]["eu-west-1"]["error"]["code"], "UnauthorizedOperation")
        self.assertEqual([e["region"] for e in m["errors"]], ["eu-west-1"])
        self.assertEqual(read_tree(os.path.join(out, ACCOUNT, "us-east-1")),
                         read_tree(os.path.join(self.baseline, ACCOUNT, "us-east-1")))
        self.assertIn("UnauthorizedOperation", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

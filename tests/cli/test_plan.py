"""vpce plan end to end: snapshot + flow logs -> plan.json with the expected
recommendations (arithmetic in the comments; GB = 10^9 bytes, month = 730 h)."""
import json
import os
import subprocess
import tempfile
import unittest

BIN = os.environ.get("VPCE_BIN", "build/vpce")
SRC = os.environ.get("VPCE_SRC", ".")
MULTI = os.path.join(SRC, "tests/data/plan/multi")
SEED = os.path.join(SRC, "examples/seed")


def run(*args):
    p = subprocess.run([BIN, "plan", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class MultiAzScenario(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "plan.json")
        rc, cls.stdout, cls.stderr = run(os.path.join(MULTI, "us-east-1"), "--flow-logs",
                                         os.path.join(MULTI, "flowlogs"), "--format", "json",
                                         "--out", cls.out)
        assert rc == 0, cls.stderr
        cls.plan = json.loads(cls.stdout)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_out_file_is_the_printed_document(self):
        with open(self.out) as f:
            self.assertEqual(json.load(f), self.plan)

    def test_window_is_one_hour_scaled_to_730(self):
        w = self.plan["window"]
        self.assertEqual(w["hours"], 1.0)
        self.assertEqual(w["month_factor"], 730.0)
        self.assertEqual(w["start"], "2025-11-27T00:00:00Z")

    def test_nat_connection_counted_once(self):
        # eni-a <-> S3 us-east-1: 6 x (1e8 + 4e8) = 3e9 on eni-a's own records; the NAT ENI's
        # inside and outside legs (another 3e9 each) are dropped as duplicates.
        rows = [t for t in self.plan["traffic"] if t["eni"] == "eni-000000000000000a1"
                and t["service"] == "com.amazonaws.us-east-1.s3"]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["bytes"], 3000000000)
        self.assertEqual(rows[0]["path"], "nat-gateway")
        self.assertEqual(self.plan["input"]["bytes_duplicate"], 6000000000)
        # 3e9 + 1.2e9 + 6e8 + 3e8 + 1.2e8
        self.assertEqual(self.plan["input"]["bytes_attributed"], 5220000000)

    def test_regions_and_non_aws(self):
        by = {(t["eni"], t["service"]): t for t in self.plan["traffic"]}
        w2 = by[("eni-000000000000000a1", "com.amazonaws.us-west-2.s3")]
        self.assertEqual((w2["region"], w2["bytes"]), ("us-west-2", 600000000))
        net = by[("eni-000000000000000a1", None)]
        self.assertEqual((net["region"], net["ip_service"], net["bytes"]), (None, None, 120000000))
        b = by[("eni-000000000000000b1", "com.amazonaws.us-east-1.s3")]
        self.assertTrue(b["cross_az"])
        self.assertEqual(b["az"], "us-east-1b")

    def test_gateway_recommendations(self):
        recs = {r["service"]: r for r in self.plan["recommendations"]}
        self.assertEqual(set(recs), {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"})
        s3 = recs["com.amazonaws.us-east-1.s3"]
        self.assertEqual((s3["action"], s3["type"], s3["endpoint"]), ("create", "Gateway", None))
        self.assertEqual(s3["route_tables"], ["rtb-0aaaaaaaaaaaapriva", "rtb-0aaaaaaaaaaaaprivb"])
        self.assertIsNone(s3["break_even_gb_month"])
        # (3e9 + 1.2e9) B = 4.2 GB/h x 730 = 3066 GB x $0.045 = 137.97
        # + eni-b's cross-AZ 1.2 GB x 730 = 876 GB x 2 x $0.01 = 17.52  -> 155.49
        self.assertAlmostEqual(s3["monthly_saving_usd"], 155.49, places=2)
        ddb = recs["com.amazonaws.us-east-1.dynamodb"]
        # 0.3 GB x 730 = 219 GB x 0.045 = 9.855 + 219 x 0.02 = 4.38 -> 14.235
        self.assertAlmostEqual(ddb["monthly_saving_usd"], 14.235, delta=0.006)
        self.assertEqual(ddb["route_tables"], ["rtb-0aaaaaaaaaaaaprivb"])

    def test_malformed_line_reported_not_fatal(self):
        self.assertEqual(self.plan["input"]["malformed"], 1)
        self.assertIn("workloads.log:38:", self.plan["input"]["issues"][0])
        self.assertIn("workloads.log:38:", self.stderr)


class GzipAndThreads(unittest.TestCase):
    def test_gzip_and_threads_give_the_same_plan(self):
        import gzip
        import shutil
        with tempfile.TemporaryDirectory() as d:
            for name in ("workloads.log", "nat.log"):
                with open(os.path.join(MULTI, "flowlogs", name), "rb") as src, \
                        gzip.open(os.path.join(d, name + ".gz"), "wb") as dst:
                    shutil.copyfileobj(src, dst)
            outs = []
            for logs, threads in ((os.path.join(MULTI, "flowlogs"), "1"), (d, "1"), (d, "2")):
                rc, out, err = run(os.path.join(MULTI, "us-east-1"), "--flow-logs", logs, "--format", "json",
                                   "--threads", threads)
                self.assertEqual(rc, 0, err)
                plan = json.loads(out)
                plan["input"]["issues"] = [i.split(":", 1)[1] for i in plan["input"]["issues"]]
                for k in ("prices",):
                    plan.pop(k)
                outs.append(plan)
            self.assertEqual(outs[0]["traffic"], outs[1]["traffic"])
            self.assertEqual(outs[0]["recommendations"], outs[1]["recommendations"])
            self.assertEqual(outs[1], outs[2])
            self.assertEqual(outs[0]["input"]["issues"], outs[1]["input"]["issues"])


class FormatFields(unittest.TestCase):
    def test_headerless_custom_format(self):
        # 6 fields, no header: eni-a -> S3 us-east-1, 2e9 bytes in one hour
        # -> 1460 GB/month x $0.045 = $65.70
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "x.log"), "w") as f:
                f.write("eni-000000000000000a1 10.1.10.5 52.216.10.20 2000000000 1764201600 1764205200\n")
            rc, out, err = run(os.path.join(MULTI, "us-east-1"), "--flow-logs", d, "--format", "json",
                               "--format-fields", "${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${start} ${end}")
            self.assertEqual(rc, 0, err)
            plan = json.loads(out)
            self.assertEqual(plan["input"]["malformed"], 0)
            recs = plan["recommendations"]
            self.assertEqual(len(recs), 1)
            self.assertAlmostEqual(recs[0]["monthly_saving_usd"], 65.70, places=2)

    def test_bad_format_fields_exit_2(self):
        rc, out, err = run(os.path.join(MULTI, "us-east-1"), "--flow-logs", os.path.join(MULTI, "flowlogs"),
                           "--format-fields", "${version} ${nonsense}")
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")


class SeedExample(unittest.TestCase):
    def test_seed_recommends_private_route_table_for_s3(self):
        rc, out, err = run(os.path.join(SEED, "us-east-1"), "--flow-logs", os.path.join(SEED, "flowlogs"),
                           "--format", "json")
        self.assertEqual(rc, 0, err)
        plan = json.loads(out)
        s3 = [r for r in plan["recommendations"] if r["service"] == "com.amazonaws.us-east-1.s3"]
        self.assertEqual(len(s3), 1)
        with open(os.path.join(SEED, "expected.json")) as f:
            exp = json.load(f)
        text = json.dumps(exp)
        self.assertEqual(s3[0]["action"], "modify")
        self.assertIn(s3[0]["endpoint"], text)
        self.assertEqual(len(s3[0]["route_tables"]), 1)
        self.assertIn(s3[0]["route_tables"][0], text)
        # 3 GB/h x 730 = 2190 GB x $0.045
        self.assertAlmostEqual(s3[0]["monthly_saving_usd"], 98.55, places=2)

    def test_table_is_default(self):
        rc, out, err = run(os.path.join(SEED, "us-east-1"), "--flow-logs", os.path.join(SEED, "flowlogs"))
        self.assertEqual(rc, 0, err)
        self.assertIn("Recommendations", out)
        self.assertIn("modify Gateway endpoint com.amazonaws.us-east-1.s3", out)


class BadInput(unittest.TestCase):
    def test_bad_prices_file_exit_2_with_position(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write('{"regions": {"us-east-1": {"nat_gateway_gb": {"usd": "x"}}}}')
        try:
            rc, out, err = run(os.path.join(MULTI, "us-east-1"), "--flow-logs", os.path.join(MULTI, "flowlogs"),
                               "--prices", f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertRegex(err, r"\.json:1:\d+: ")

    def test_unreadable_snapshot_exit_2(self):
        rc, out, err = run("/nonexistent/snap", "--flow-logs", os.path.join(MULTI, "flowlogs"))
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")

    def test_truncated_snapshot_json_position(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "Vpcs.json"), "w") as f:
                f.write('{"Vpcs": [')
            rc, out, err = run(d, "--flow-logs", os.path.join(MULTI, "flowlogs"))
        self.assertEqual(rc, 2)
        self.assertRegex(err, r"Vpcs\.json:1:\d+: ")


if __name__ == "__main__":
    unittest.main()

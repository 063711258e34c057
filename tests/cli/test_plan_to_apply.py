"""End to end across commands: the plan.json that `vpce plan` writes for the bundled example is
what `vpce export` (Terraform, CloudFormation) and `vpce apply --dry-run`'s reader accept.

Environment: VPCE_BIN (tests are skipped when unset), VPCE_SRC (the source tree).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("VPCE_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SEED = os.path.join(SRC, "examples", "seed")


def vpce():
    b = os.environ.get("VPCE_BIN")
    if not b:
        raise unittest.SkipTest("VPCE_BIN not set")
    return b


def run(*args):
    return subprocess.run([vpce()] + list(args), capture_output=True, text=True, timeout=120)


class PlanToExportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vpce-plan-export-")
        cls.plan = os.path.join(cls.tmp, "plan.json")
        p = run("plan", os.path.join(SEED, "us-east-1"), "--flow-logs", os.path.join(SEED, "flowlogs"),
                "--out", cls.plan)
        if p.returncode != 0:
            raise AssertionError("vpce plan failed: %s" % p.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_plan_recommends_adding_the_private_route_table_to_the_s3_gateway_endpoint(self):
        with open(self.plan) as f:
            doc = json.load(f)
        recs = [r for r in doc["recommendations"]
                if r["type"] == "Gateway" and r["service"] == "com.amazonaws.us-east-1.s3"]
        self.assertEqual(len(recs), 1, doc["recommendations"])
        self.assertEqual(recs[0]["action"], "modify")
        self.assertTrue(recs[0]["endpoint"].startswith("vpce-"))
        self.assertTrue(recs[0]["route_tables"] and all(t.startswith("rtb-") for t in recs[0]["route_tables"]))
        self.assertGreater(recs[0]["monthly_saving_usd"], 0)

    def test_cloudformation_export_of_the_plan_passes_cfn_lint(self):
        out = os.path.join(self.tmp, "plan.cfn.json")
        p = run("export", self.plan, "--cloudformation", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            tpl = json.load(f)
        self.assertIn("Resources", tpl)
        lint = [shutil.which("cfn-lint")] if shutil.which("cfn-lint") else [sys.executable, "-m", "cfnlint.runner"]
        r = subprocess.run(lint + [out], capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_terraform_export_of_the_plan_names_the_endpoint_and_route_table(self):
        d = os.path.join(self.tmp, "tf")
        p = run("export", self.plan, "--terraform", d)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(d, "main.tf")) as f:
            main = f.read()
        with open(self.plan) as f:
            doc = json.load(f)
        rec = [r for r in doc["recommendations"] if r["type"] == "Gateway"][0]
        self.assertEqual(main.count("{"), main.count("}"))
        self.assertIn(rec["endpoint"], open(os.path.join(d, "variables.tf")).read() + main)


if __name__ == "__main__":
    unittest.main()

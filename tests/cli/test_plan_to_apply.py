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


class FlowLogsInAuditAndReportTests(unittest.TestCase):
    """`audit --flow-logs` and `report --flow-logs` use the same plan as `vpce plan`."""

    def plan(self):
        p = run("plan", os.path.join(SEED, "us-east-1"), "--flow-logs", os.path.join(SEED, "flowlogs"),
                "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_audit_reports_the_idle_interface_endpoint_only_with_flow_logs(self):
        deletes = [r for r in self.plan()["recommendations"] if r["action"] == "delete"]
        self.assertEqual(len(deletes), 1)
        with_logs = run("audit", os.path.join(SEED, "us-east-1"), "--flow-logs", os.path.join(SEED, "flowlogs"),
                        "--format", "json")
        self.assertEqual(with_logs.returncode, 0, with_logs.stderr)
        f17 = [f for f in json.loads(with_logs.stdout)["findings"] if f["id"] == "VPCE017"]
        self.assertEqual([f["resource"] for f in f17], [deletes[0]["endpoint"]])
        # near miss: the same snapshot without flow logs raises no VPCE017
        without = run("audit", os.path.join(SEED, "us-east-1"), "--format", "json")
        self.assertEqual(without.returncode, 0, without.stderr)
        self.assertFalse([f for f in json.loads(without.stdout)["findings"] if f["id"] == "VPCE017"])

    def test_report_plan_section_shows_the_plans_savings_and_charts(self):
        doc = self.plan()
        p = run("report", os.path.join(SEED, "us-east-1"), "--flow-logs", os.path.join(SEED, "flowlogs"),
                "--no-diagram")
        self.assertEqual(p.returncode, 0, p.stderr)
        html = p.stdout
        section = html[html.index('id="plan"'):html.index('id="notes"')]
        self.assertIn("Monthly saving per recommendation", section)
        self.assertIn("<svg", section)
        for r in doc["recommendations"]:
            self.assertIn("%.2f" % r["monthly_saving_usd"], section)
            self.assertIn(r["service"], section)
        self.assertNotIn('data-placeholder="plan"', section)
        # without flow logs: the placeholder says how to get the plan, and no money figure
        q = run("report", os.path.join(SEED, "us-east-1"), "--no-diagram")
        self.assertEqual(q.returncode, 0, q.stderr)
        qs = q.stdout[q.stdout.index('id="plan"'):q.stdout.index('id="notes"')]
        self.assertIn('data-placeholder="plan"', qs)
        self.assertNotIn("$", qs)


if __name__ == "__main__":
    unittest.main()

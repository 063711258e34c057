"""Usage errors of `vpce snapshot` and `vpce apply` (no AWS needed): exit 2
with a message naming the problem; help lists the options."""
import os
import subprocess
import tempfile
import unittest

VPCE = os.environ.get("VPCE_BIN", "vpce")


def run(*args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e.update(env or {})
    return subprocess.run([VPCE] + list(args), capture_output=True, text=True, env=e,
                          timeout=60)


class Usage(unittest.TestCase):
    def test_snapshot_needs_outdir(self):
        p = run("snapshot")
        self.assertEqual(p.returncode, 2)
        self.assertIn("OUTDIR is required", p.stderr)

    def test_snapshot_rejects_unknown_option_and_bad_numbers(self):
        self.assertEqual(run("snapshot", "out", "--frobnicate").returncode, 2)
        p = run("snapshot", "out", "--max-attempts", "0")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--max-attempts", p.stderr)
        self.assertEqual(run("snapshot", "out", "--page-size", "2").returncode, 2)

    def test_snapshot_without_credentials_says_so(self):
        with tempfile.TemporaryDirectory() as home:
            p = run("snapshot", os.path.join(home, "o"), "--region", "us-east-1",
                    env={"HOME": home, "AWS_EC2_METADATA_DISABLED": "true"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("unable to locate credentials", p.stderr)

    def test_help_lists_options(self):
        p = run("help", "snapshot")
        self.assertEqual(p.returncode, 0)
        for opt in ("--regions", "--profile", "--endpoint-url", "manifest.json"):
            self.assertIn(opt, p.stdout)
        p = run("help", "apply")
        self.assertEqual(p.returncode, 0)
        for opt in ("--dry-run", "--yes", "--wait", "--prune", "--no-check", "--format"):
            self.assertIn(opt, p.stdout)

    def test_apply_needs_a_plan_file(self):
        self.assertEqual(run("apply").returncode, 2)
        p = run("apply", "/nonexistent/plan.json")
        self.assertEqual(p.returncode, 2)
        self.assertIn("plan.json", p.stderr)

    def test_apply_rejects_unknown_option_and_format(self):
        p = run("apply", "plan.json", "--frobnicate")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--frobnicate", p.stderr)
        p = run("apply", "plan.json", "--format", "xml")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--format", p.stderr)

    def test_apply_without_terminal_or_yes_refuses_before_credentials(self):
        with tempfile.TemporaryDirectory() as home:
            plan = os.path.join(home, "plan.json")
            with open(plan, "w") as f:
                f.write('{"recommendations": []}')
            p = subprocess.run([VPCE, "apply", plan], capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, timeout=60,
                               env={"HOME": home, "PATH": os.environ.get("PATH", "")})
        self.assertEqual(p.returncode, 2)
        self.assertIn("--yes", p.stderr)
        self.assertEqual(p.stdout, "")


if __name__ == "__main__":
    unittest.main(verbosity=2)

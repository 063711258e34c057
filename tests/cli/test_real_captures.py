"""`vpce check` on the four real AWS captures in ../shared/data/aws-snapshots/ (read in place).

tests/data/real/<capture>.expected.json holds the verdicts the capture's topology implies (the
reasoning is in its "description"): loading must succeed (exit 0), there must be one result per
(--from, --to) pair, and each expected pair must match path, blocked_at, via and private.

Environment: VPCE_BIN (skipped when unset), VPCE_SRC (default: two directories above this
file); the captures are looked up in $VPCE_SRC/../shared/data/aws-snapshots/.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_scenarios as ts  # noqa: E402  (shared runner and comparison)

EXPECTED = os.path.join(ts.SRC, "tests", "data", "real")
CAPTURES = os.path.join(os.path.dirname(ts.SRC.rstrip(os.sep)), "shared", "data",
                        "aws-snapshots")


def make_test(path):
    def test(self):
        with open(path) as f:
            exp = json.load(f)
        snap = os.path.join(CAPTURES, exp["capture"])
        if not os.path.isdir(snap):
            self.skipTest("capture not found: %s" % snap)
        cmd, p = ts.run_check(snap, exp["args"])
        info = "\n$ %s\nexit %d\nstderr: %s\nstdout: %s" % (
            " ".join(cmd), p.returncode, p.stderr[-2000:], p.stdout[-4000:])
        self.assertEqual(p.returncode, exp["exit"], "exit status" + info)
        out = json.loads(p.stdout)
        results = out["results"]
        froms = ts.option_values(exp["args"], "--from")
        tos = ts.option_values(exp["args"], "--to")
        self.assertEqual(len(results), len(froms) * len(tos), "one result per pair" + info)
        for e in exp["expect"]:
            ts.compare(self, e, results, 443, exp["capture"], exp["region"])
        ts.check_fixes_are_actionable(self, snap, results, exp["capture"])
    return test


class RealCaptureTests(unittest.TestCase):
    def test_every_capture_has_an_expected_file(self):
        if not os.path.isdir(CAPTURES):
            self.skipTest("captures not found: %s" % CAPTURES)
        have = {f[:-len(".expected.json")] for f in os.listdir(EXPECTED)}
        for c in os.listdir(CAPTURES):
            if os.path.isdir(os.path.join(CAPTURES, c)):
                self.assertIn(c, have)


for _f in sorted(os.listdir(EXPECTED)):
    if _f.endswith(".expected.json"):
        _name = "test_" + _f[:-len(".expected.json")].replace("-", "_")
        setattr(RealCaptureTests, _name, make_test(os.path.join(EXPECTED, _f)))


if __name__ == "__main__":
    unittest.main()

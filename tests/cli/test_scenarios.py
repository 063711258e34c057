"""Black-box scenario tests for `vpce check` (Python standard library only).

Every directory tests/data/scenarios/<name>/ holding an expected.json is one test method,
test_<name>. The test runs

    $VPCE_BIN check <dir> --format json <args from expected.json>

and checks the exit status; for every expected entry the result with the same from/to must
have the expected path, blocked_at, via and private, and its notes must contain each
notes_contain substring (case-insensitive). An expected exit 2 (input error) instead requires
an empty stdout and a stderr matching stderr_regex (for invalid JSON: file:line:col: ).

Environment: VPCE_BIN (the vpce binary; tests are skipped when unset), VPCE_SRC (the source
tree; default: two directories above this file).
"""
import json
import os
import re
import subprocess
import unittest

SRC = os.environ.get("VPCE_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SCENARIOS = os.path.join(SRC, "tests", "data", "scenarios")
ENDPOINT_PATHS = ("gateway-endpoint", "interface-endpoint")
PATHS = ENDPOINT_PATHS + ("nat-gateway", "internet-gateway", "transit-gateway", "peering",
                          "vpn-gateway", "network-interface", "blocked")
BLOCKED_AT = ("dns", "route", "security-group", "network-acl", "endpoint-security-group",
              "endpoint-state", "endpoint-policy", "nat-gateway", "internet-gateway", "resource-policy")
VIA_PREFIX = {"gateway-endpoint": "vpce-", "interface-endpoint": "vpce-", "nat-gateway": "nat-",
              "internet-gateway": "igw-", "transit-gateway": "tgw-", "peering": "pcx-",
              "vpn-gateway": "vgw-", "network-interface": "eni-"}


def vpce_bin():
    b = os.environ.get("VPCE_BIN")
    if not b:
        raise unittest.SkipTest("VPCE_BIN not set")
    if not os.access(b, os.X_OK):
        raise AssertionError("VPCE_BIN=%s is not an executable" % b)
    return b


def run_check(snapshot, args):
    cmd = [vpce_bin(), "check", snapshot, "--format", "json"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return cmd, p


def option_values(args, name):
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == name]


def expected_service(to, region):
    return to if to.startswith("com.amazonaws.") else "com.amazonaws.%s.%s" % (region, to)


def check_result_shape(tc, r, ctx):
    """Invariants of one result object that hold for every scenario (the JSON contract)."""
    for key in ("from", "to", "service", "region", "port", "path", "private", "via",
                "blocked_at", "hops", "notes", "fix"):
        tc.assertIn(key, r, "%s: result lacks %r" % (ctx, key))
    tc.assertIn(r["path"], PATHS, ctx)
    tc.assertIsInstance(r["private"], bool, ctx)
    tc.assertEqual(r["private"], r["path"] in ENDPOINT_PATHS, "%s: private vs path" % ctx)
    if r["path"] == "blocked":
        tc.assertIn(r["blocked_at"], BLOCKED_AT, ctx)
        tc.assertIsNone(r["via"], "%s: via must be null when blocked" % ctx)
    else:
        tc.assertIsNone(r["blocked_at"], "%s: blocked_at must be null unless blocked" % ctx)
        tc.assertTrue(isinstance(r["via"], str) and r["via"].startswith(VIA_PREFIX[r["path"]]),
                      "%s: via %r does not fit path %s" % (ctx, r["via"], r["path"]))
    for key in ("hops", "notes", "fix"):
        tc.assertIsInstance(r[key], list, "%s: %s must be a list" % (ctx, key))


def compare(tc, exp, results, port, ctx_name, region="us-east-1"):
    matches = [r for r in results if r.get("from") == exp["from"] and r.get("to") == exp["to"]]
    ctx = "%s: %s -> %s" % (ctx_name, exp["from"], exp["to"])
    tc.assertEqual(len(matches), 1, "%s: expected one result, got %d" % (ctx, len(matches)))
    r = matches[0]
    check_result_shape(tc, r, ctx)
    got = {k: r.get(k) for k in ("path", "blocked_at", "via", "private")}
    want = {k: exp[k] for k in ("path", "blocked_at", "via", "private")}
    tc.assertEqual(got, want, "%s\nnotes: %s\nhops: %s" % (
        ctx, r.get("notes"), json.dumps(r.get("hops"))))
    tc.assertEqual(r["service"], expected_service(exp["to"], region), ctx)
    tc.assertEqual(r["port"], port, ctx)
    if not exp["to"].startswith("com.amazonaws.") or exp["to"].split(".")[2] == region:
        tc.assertEqual(r["region"], region, ctx)
    notes = " | ".join(str(n) for n in r.get("notes", [])).lower()
    for sub in exp.get("notes_contain", []):
        tc.assertIn(sub.lower(), notes, "%s: notes lack %r: %s" % (ctx, sub, r.get("notes")))


ASSOCIATE_FIX = re.compile(r"associate (vpce-[0-9a-f]+) with (rtb-[0-9a-f]+)")


def endpoint_route_tables(snapshot):
    """{vpce id: set of RouteTableIds} from every VpcEndpoints document under snapshot."""
    out = {}
    for root, _, files in os.walk(snapshot):
        for f in files:
            if not f.endswith(".json") or f == "expected.json":
                continue
            try:
                with open(os.path.join(root, f)) as fh:
                    d = json.load(fh)
            except ValueError:
                continue
            if isinstance(d, dict):
                for ep in d.get("VpcEndpoints", []):
                    out[ep["VpcEndpointId"]] = set(ep.get("RouteTableIds", []))
    return out


def check_fixes_are_actionable(tc, snapshot, results, ctx):
    """A fix telling to associate an endpoint with a route table it already has does nothing."""
    rts = endpoint_route_tables(snapshot)
    for r in results:
        for fx in r.get("fix", []):
            for ep, rtb in ASSOCIATE_FIX.findall(str(fx)):
                tc.assertNotIn(rtb, rts.get(ep, set()), "%s: %s -> %s: fix %r names a route "
                               "table %s is already associated with" % (
                                   ctx, r["from"], r["to"], fx, ep))


def make_test(name, path):
    def test(self):
        with open(os.path.join(path, "expected.json")) as f:
            exp = json.load(f)
        cmd, p = run_check(path, exp["args"])
        info = "\n$ %s\nexit %d\nstderr: %s\nstdout: %s" % (
            " ".join(cmd), p.returncode, p.stderr[-2000:], p.stdout[-4000:])
        self.assertEqual(p.returncode, exp["exit"], "exit status" + info)
        if exp["exit"] == 2:
            self.assertEqual(p.stdout, "", "stdout must be empty on input errors" + info)
            self.assertRegex(p.stderr, exp["stderr_regex"], info)
            return
        out = json.loads(p.stdout)
        self.assertIsInstance(out.get("results"), list, info)
        self.assertIsInstance(out.get("notes"), list, info)
        results = out["results"]
        froms, tos = option_values(exp["args"], "--from"), option_values(exp["args"], "--to")
        self.assertEqual(len(results), len(froms) * len(tos),
                         "one result per (--from, --to) pair" + info)
        port = int((option_values(exp["args"], "--port") or ["443"])[-1])
        for e in exp["expect"]:
            compare(self, e, results, port, name)
        check_fixes_are_actionable(self, path, results, name)
        if "--expect" in exp["args"]:
            all_private = all(r["private"] for r in results)
            self.assertEqual(p.returncode, 0 if all_private else 1, info)
    test.__doc__ = "scenario %s" % name
    return test


class ScenarioTests(unittest.TestCase):
    pass


def _load():
    if not os.path.isdir(SCENARIOS):
        return
    for name in sorted(os.listdir(SCENARIOS)):
        path = os.path.join(SCENARIOS, name)
        if os.path.isfile(os.path.join(path, "expected.json")):
            setattr(ScenarioTests, "test_" + re.sub(r"\W", "_", name), make_test(name, path))


_load()


class SeedExampleTests(unittest.TestCase):
    """examples/seed: the bundled demo (S3 gateway endpoint on the wrong route table)."""
    SEED = os.path.join(SRC, "examples", "seed")

    def _exp(self):
        with open(os.path.join(self.SEED, "expected.json")) as f:
            return json.load(f)

    def test_seed_verdicts(self):
        make_test("seed", self.SEED)(self)

    def test_seed_fix_names_endpoint_and_route_table(self):
        exp = self._exp()
        fx = exp["fix_contains"]
        _, p = run_check(self.SEED, ["--from", fx["from"], "--to", fx["to"], "--explain"])
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)["results"][0]
        fixes = " | ".join(str(x) for x in r["fix"]).lower()
        for w in fx["words"]:
            self.assertIn(w.lower(), fixes, "fix lacks %r: %s" % (w, r["fix"]))

    def test_seed_explain_table_shows_fix(self):
        fx = self._exp()["fix_contains"]
        cmd = [vpce_bin(), "check", self.SEED, "--from", fx["from"], "--to", fx["to"],
               "--explain", "--format", "table"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        for w in fx["words"]:
            self.assertIn(w.lower(), p.stdout.lower(), p.stdout)

    def test_seed_expect_private_fails(self):
        exp = self._exp()
        _, p = run_check(self.SEED, exp["args"] + ["--expect", "private"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)


class FixtureTests(unittest.TestCase):
    """The fixtures themselves (no binary needed): valid JSON, expected.json well-formed."""

    def test_fixtures_are_valid_json_except_invalid_json_scenarios(self):
        broken = []
        for root, _, files in os.walk(SCENARIOS):
            for f in files:
                if not f.endswith(".json"):
                    continue
                p = os.path.join(root, f)
                rel = os.path.relpath(p, SCENARIOS).split(os.sep)
                if rel[0].startswith("invalid-json") and rel[-1] != "expected.json":
                    try:  # the broken file must really be broken, the others valid
                        with open(p) as fh:
                            json.load(fh)
                    except ValueError:
                        broken.append(p)
                    continue
                with open(p) as fh:
                    json.load(fh)
        self.assertEqual(len(broken), len([n for n in os.listdir(SCENARIOS)
                                           if n.startswith("invalid-json")]), broken)

    def test_expected_files_are_well_formed(self):
        n = 0
        for name in sorted(os.listdir(SCENARIOS)):
            p = os.path.join(SCENARIOS, name, "expected.json")
            if not os.path.isfile(p):
                continue
            n += 1
            with open(p) as f:
                exp = json.load(f)
            self.assertTrue(exp["description"], name)
            self.assertIn(exp["exit"], (0, 1, 2), name)
            for e in exp["expect"]:
                self.assertEqual(e["private"], e["path"] in ENDPOINT_PATHS, name)
                self.assertIn(e["path"], PATHS, name)
                self.assertEqual(e["blocked_at"] is None, e["path"] != "blocked", name)
                self.assertEqual(e["via"] is None, e["path"] == "blocked", name)
        self.assertGreaterEqual(n, 25)


if __name__ == "__main__":
    unittest.main()

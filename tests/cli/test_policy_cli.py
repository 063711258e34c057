"""Black-box tests of `vpce policy` (lint, eval, template).

Runs the binary named by $VPCE_BIN; Python standard library only.
"""
import json
import os
import re
import subprocess
import tempfile
import unittest

VPCE = os.environ.get("VPCE_BIN", "vpce")
SRC = os.environ.get("VPCE_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))


def run(*args, stdin=None):
    p = subprocess.run([VPCE, "policy", *args], input=stdin, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout, p.stderr


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowOrg", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"},
        {"Sid": "Tags", "Effect": "Allow", "Principal": "*", "Action": "ec2:CreateTags", "Resource": "*",
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["Name", "Env"]}}},
    ],
}


class PolicyCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def eval_json(self, path, *args):
        rc, out, err = run("eval", path, "--format", "json", *args)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        return json.loads(out)

    def test_eval_allow_names_statement_index_and_sid(self):
        path = self.write("p.json", json.dumps(POLICY))
        got = self.eval_json(path, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
                             "--context", "aws:PrincipalOrgID=o-abcdefghij")
        self.assertEqual(got, {"decision": "allow", "statement": {"index": 0, "sid": "AllowOrg"}})

    def test_eval_explicit_deny_with_null_sid(self):
        path = self.write("p.json", json.dumps(POLICY))
        got = self.eval_json(path, "--action", "s3:DeleteBucket", "--resource", "arn:aws:s3:::b",
                             "--context", "aws:PrincipalOrgID=o-abcdefghij")
        self.assertEqual(got, {"decision": "explicit-deny", "statement": {"index": 1, "sid": None}})

    def test_eval_implicit_deny_has_null_statement_and_exit_zero(self):
        path = self.write("p.json", json.dumps(POLICY))
        got = self.eval_json(path, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
                             "--principal", "arn:aws:iam::111122223333:role/x")
        self.assertEqual(got, {"decision": "implicit-deny", "statement": None})

    def test_eval_repeated_context_key_is_multi_valued(self):
        path = self.write("p.json", json.dumps(POLICY))
        ok = self.eval_json(path, "--action", "ec2:CreateTags", "--resource", "*",
                            "--context", "aws:TagKeys=Name", "--context", "aws:TagKeys=Env")
        self.assertEqual(ok["decision"], "allow")
        bad = self.eval_json(path, "--action", "ec2:CreateTags", "--resource", "*",
                             "--context", "aws:TagKeys=Name", "--context", "aws:TagKeys=Owner")
        self.assertEqual(bad["decision"], "implicit-deny")

    def test_eval_table_format(self):
        path = self.write("p.json", json.dumps(POLICY))
        rc, out, _ = run("eval", path, "--action", "s3:DeleteBucket", "--resource", "*")
        self.assertEqual(rc, 0)
        self.assertIn("explicit-deny", out)
        self.assertIn("statement  1", out)

    def test_eval_reads_standard_input(self):
        rc, out, _ = run("eval", "-", "--action", "s3:GetObject", "--resource", "*", "--format", "json",
                         stdin=json.dumps(POLICY))
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out)["decision"], "implicit-deny")

    def test_eval_usage_errors_exit_2(self):
        path = self.write("p.json", json.dumps(POLICY))
        for args in (["eval", path, "--resource", "*"],
                     ["eval", path, "--action", "s3:GetObject"],
                     ["eval", path, "--action", "a:b", "--resource", "*", "--context", "novalue"],
                     ["eval", path, "--action", "a:b", "--resource", "*", "--format", "xml"],
                     ["frobnicate"], []):
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, args)
            self.assertEqual(out, "", args)
            self.assertNotEqual(err, "", args)

    def test_malformed_policy_reports_position_and_prints_nothing(self):
        path = self.write("bad.json", '{\n  "Statement": [\n    {"Effect": "Permit", "Action": "*", "Resource": "*"}\n  ]\n}\n')
        for sub in (["lint", path], ["lint", path, "--format", "json"],
                    ["eval", path, "--action", "s3:GetObject", "--resource", "*", "--format", "json"]):
            rc, out, err = run(*sub)
            self.assertEqual(rc, 2)
            self.assertEqual(out, "")
            self.assertEqual(err.strip(), path + ':3:16: Effect must be "Allow" or "Deny", not "Permit"')

    def test_json_syntax_error_has_position(self):
        path = self.write("broken.json", '{"Statement": [\n  {"Effect": "Allow",,}\n]}')
        rc, out, err = run("lint", path)
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertRegex(err, r"^" + re.escape(path) + r":2:\d+: ")

    def test_missing_file_exit_2(self):
        rc, out, err = run("lint", os.path.join(self.tmp.name, "nope.json"))
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertIn("nope.json", err)

    def test_lint_json_shape_and_exit_1_on_warning(self):
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}, "StringEqualz": {"k": "v"}}}]}
        path = self.write("l.json", json.dumps(doc, indent=2))
        rc, out, err = run("lint", path, "--format", "json")
        self.assertEqual(rc, 1, err)
        got = json.loads(out)
        ids = {f["id"] for f in got["findings"]}
        self.assertEqual(ids, {"deny-only", "endpoint-source-vpce", "unknown-operator"})
        for f in got["findings"]:
            self.assertEqual(set(f), {"id", "severity", "statement", "line", "column", "message"})
            self.assertIn(f["severity"], ("info", "warning", "error"))
        only = [f for f in got["findings"] if f["id"] == "deny-only"][0]
        self.assertIsNone(only["statement"])
        unknown = [f for f in got["findings"] if f["id"] == "unknown-operator"][0]
        self.assertEqual(unknown["statement"], 0)
        self.assertGreater(unknown["line"], 1)
        self.assertEqual(got["summary"], {"error": 0, "warning": 3, "info": 0})
        # Resource policies may use aws:SourceVpce.
        rc, out, _ = run("lint", path, "--format", "json", "--type", "resource")
        self.assertNotIn("endpoint-source-vpce", {f["id"] for f in json.loads(out)["findings"]})

    def test_lint_clean_exit_0_and_table(self):
        path = self.write("ok.json", json.dumps(POLICY))
        rc, out, _ = run("lint", path)
        self.assertEqual(rc, 0)
        self.assertIn("0 error(s), 0 warning(s)", out)

    def test_templates_print_policies_that_lint_clean(self):
        cases = [["full-access"], ["org-perimeter", "--org-id", "o-abcdefghij"],
                 ["org-perimeter", "--org-id", "o-abcdefghij", "--region", "eu-west-1", "--bucket", "my-aws-owned"],
                 ["own-account", "--account", "123456789012"],
                 ["s3-read-only", "--bucket", "my-bucket", "--bucket", "other.bucket"],
                 ["s3-read-only", "--bucket", "my-bucket", "--account", "123456789012"]]
        for args in cases:
            rc, out, err = run("template", *args)
            self.assertEqual(rc, 0, err)
            doc = json.loads(out)
            self.assertEqual(doc["Version"], "2012-10-17")
            path = self.write("t.json", out)
            rc, lint_out, err = run("lint", path, "--format", "json")
            self.assertEqual(rc, 0, lint_out + err)
            sev = {f["severity"] for f in json.loads(lint_out)["findings"]}
            self.assertTrue(sev <= {"info"}, args)

    def test_org_perimeter_template_decisions(self):
        rc, out, _ = run("template", "org-perimeter", "--org-id", "o-abcdefghij", "--region", "us-east-1")
        path = self.write("org.json", out)
        inside = self.eval_json(path, "--action", "s3:PutObject", "--resource", "arn:aws:s3:::corp/k",
                                "--principal", "arn:aws:iam::111122223333:role/app",
                                "--context", "aws:PrincipalOrgID=o-abcdefghij",
                                "--context", "aws:ResourceOrgID=o-abcdefghij")
        self.assertEqual(inside["decision"], "allow")
        exfil = self.eval_json(path, "--action", "s3:PutObject", "--resource", "arn:aws:s3:::evil/k",
                               "--principal", "arn:aws:iam::111122223333:role/app",
                               "--context", "aws:PrincipalOrgID=o-abcdefghij",
                               "--context", "aws:ResourceOrgID=o-evilevilev")
        self.assertEqual(exfil, {"decision": "implicit-deny", "statement": None})
        ecr = self.eval_json(path, "--action", "s3:GetObject",
                             "--resource", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/x",
                             "--principal", "arn:aws:iam::111122223333:role/app",
                             "--context", "aws:PrincipalOrgID=o-abcdefghij")
        self.assertEqual(ecr["decision"], "allow")
        self.assertEqual(ecr["statement"]["index"], 2)

    def test_template_errors_exit_2(self):
        for args in (["template"], ["template", "nope"], ["template", "org-perimeter"],
                     ["template", "own-account", "--account", "12"],
                     ["template", "s3-read-only"], ["template", "s3-read-only", "--bucket", "UPPER"]):
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, args)
            self.assertEqual(out, "")
            self.assertIn("vpce policy", err)

    def test_snapshot_endpoint_policies(self):
        base = os.path.join(SRC, "..", "shared", "data", "aws-snapshots")
        found = 0
        for name, action in (("batfish-test-vpc-endpoint-gateway", "s3:GetObject"),
                             ("batfish-test-vpc-endpoint-interface", "cloudtrail:LookupEvents")):
            path = os.path.join(base, name, "aws_configs", "us-east-1", "VpcEndpoints.json")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                eps = json.load(f)["VpcEndpoints"]
            for ep in eps:
                found += 1
                p = self.write(ep["VpcEndpointId"] + ".json", ep["PolicyDocument"])
                got = self.eval_json(p, "--action", action, "--resource", "*",
                                     "--principal", "arn:aws:iam::999999999999:role/outsider")
                self.assertEqual(got, {"decision": "allow", "statement": {"index": 0, "sid": None}})
                rc, out, _ = run("lint", p, "--format", "json")
                self.assertEqual(rc, 0)
                self.assertIn("full-access", {x["id"] for x in json.loads(out)["findings"]})
        if found == 0:
            self.skipTest("shared snapshots not present")
        self.assertEqual(found, 2)

    def test_help_lists_subcommands(self):
        p = subprocess.run([VPCE, "help", "policy"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        for word in ("lint", "eval", "template"):
            self.assertIn(word, p.stdout)


if __name__ == "__main__":
    unittest.main()

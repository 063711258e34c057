"""vpce export: Terraform and CloudFormation for a plan (no AWS needed).

Golden files (tests/data/apply/golden/) hold the expected output for
tests/data/apply/plan_export.json; VPCE_UPDATE_GOLDEN=1 rewrites them. The
CloudFormation template must pass cfn-lint; the HCL (no terraform binary here)
gets a structural check: balanced braces/brackets/parentheses outside strings,
every block well formed, every resource with the arguments the hashicorp/aws
provider requires, every var.X declared and every variable used."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

VPCE = os.environ.get("VPCE_BIN", "vpce")
SRC = os.environ.get("VPCE_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(SRC, "tests", "data", "apply")
GOLDEN = os.path.join(DATA, "golden")
UPDATE = os.environ.get("VPCE_UPDATE_GOLDEN") == "1"

# Required arguments per resource type (hashicorp/aws provider documentation).
REQUIRED = {
    "aws_vpc_endpoint": {"vpc_id", "service_name"},
    "aws_security_group": {"vpc_id", "description"},
    "aws_security_group_rule": {"type", "from_port", "to_port", "protocol", "security_group_id"},
    "aws_vpc_endpoint_route_table_association": {"vpc_endpoint_id", "route_table_id"},
    "aws_vpc_endpoint_subnet_association": {"vpc_endpoint_id", "subnet_id"},
    "aws_vpc_endpoint_policy": {"vpc_endpoint_id", "policy"},
}


def run(*args):
    return subprocess.run([VPCE] + list(args), capture_output=True, text=True, timeout=60)


def cfn_lint_cmd():
    if shutil.which("cfn-lint"):
        return ["cfn-lint"]
    return [sys.executable, "-m", "cfnlint.runner"]


def strip_strings_and_comments(text):
    """HCL text with string contents and # comments blanked to spaces (same length, so
    positions match the original)."""
    out, i, n = list(text), 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            while i < n and text[i] != "\n":
                out[i] = " "
                i += 1
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                step = 2 if text[i] == "\\" else 1
                for k in range(i, min(i + step, n)):
                    out[k] = " "
                i += step
            i += 1
            continue
        i += 1
    return "".join(out)


def hcl_blocks(text):
    """Top-level blocks: (kind, labels, body) with balanced-brace bodies."""
    clean = strip_strings_and_comments(text)
    blocks, pos = [], 0
    head = re.compile(r'^(resource|data|variable|provider|terraform)((?:\s+"[^"]*")*)\s*\{',
                      re.M)
    while True:
        m = head.search(clean, pos)
        if not m:
            break
        depth, i = 1, m.end()
        while depth and i < len(clean):
            depth += {"{": 1, "}": -1}.get(clean[i], 0)
            i += 1
        labels = re.findall(r'"([^"]*)"', text[m.start():m.end()])
        blocks.append((m.group(1), labels, text[m.end():i - 1]))
        pos = i
    return blocks


def top_level_args(body):
    """Argument names at depth 0 of a block body."""
    names, depth = set(), 0
    for line in strip_strings_and_comments(body).split("\n"):
        if depth == 0:
            m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", line)
            if m:
                names.add(m.group(1))
        for c in line:
            depth += {"{": 1, "}": -1, "[": 1, "]": -1, "(": 1, ")": -1}.get(c, 0)
    return names


def check_hcl(test, files):
    declared, used = set(), set()
    for name, text in files.items():
        clean = strip_strings_and_comments(text)
        for o, c in ("{}", "[]", "()"):
            test.assertEqual(clean.count(o), clean.count(c), "%s: unbalanced %s%s" % (name, o, c))
        depth = 0
        for ch in clean:
            depth += {"{": 1, "}": -1, "[": 1, "]": -1, "(": 1, ")": -1}.get(ch, 0)
            test.assertGreaterEqual(depth, 0, "%s: closes before it opens" % name)
        for kind, labels, body in hcl_blocks(text):
            if kind == "resource":
                test.assertEqual(len(labels), 2, labels)
                missing = REQUIRED.get(labels[0], set()) - top_level_args(body)
                test.assertFalse(missing, "%s %s lacks %s" % (labels[0], labels[1], missing))
                test.assertIn(labels[0], REQUIRED, "unexpected resource type " + labels[0])
            if kind == "variable":
                declared.add(labels[0])
                test.assertIn("default", top_level_args(body))
        used |= set(re.findall(r"\bvar\.([A-Za-z0-9_]+)", clean))
    test.assertEqual(used, declared, "variables used vs declared")


class Export(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vpce-export-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def golden(self, name, text):
        path = os.path.join(GOLDEN, name)
        if UPDATE:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        with open(path) as f:
            self.assertEqual(text, f.read(), "differs from golden " + name)

    def test_terraform_matches_golden_and_is_well_formed(self):
        d = os.path.join(self.tmp, "tf")
        p = run("export", os.path.join(DATA, "plan_export.json"), "--terraform", d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(d)), ["main.tf", "variables.tf", "versions.tf"])
        files = {}
        for n in sorted(os.listdir(d)):
            with open(os.path.join(d, n)) as f:
                files[n] = f.read()
            self.golden("tf_" + n, files[n])
        check_hcl(self, files)
        self.assertIn('source  = "hashicorp/aws"', files["versions.tf"])
        main = files["main.tf"]
        # gateway with both route tables and the policy; the ${...} in the policy is escaped
        self.assertIn("route_table_ids     = [var.rtb_0aa11bb22cc33dd44, var.rtb_0ee55ff6600112233]",
                      main)
        self.assertIn("logs-$${aws:PrincipalAccount}", main)
        # one vpce-endpoints group for the VPC, used by the interface endpoint without SGs
        self.assertEqual(main.count('resource "aws_security_group" '), 1)
        self.assertIn("security_group_ids  = [aws_security_group.endpoints_e5f60718.id]", main)
        self.assertIn("security_group_ids  = [var.sg_0abcdef0123456789]", main)
        self.assertIn("private_dns_enabled = false", main)
        # modify: association + policy resources on the existing endpoint
        self.assertIn('resource "aws_vpc_endpoint_route_table_association"', main)
        self.assertIn('resource "aws_vpc_endpoint_policy"', main)
        # delete: only a comment, and a note on stderr
        self.assertIn("aws ec2 delete-vpc-endpoints --region us-east-1 --vpc-endpoint-ids "
                      "vpce-0999888777666555a", main)
        self.assertIn("not expressible in Terraform", p.stderr)

    def test_cloudformation_matches_golden_and_passes_cfn_lint(self):
        f = os.path.join(self.tmp, "template.json")
        p = run("export", os.path.join(DATA, "plan_export.json"), "--cloudformation", f)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(f) as fh:
            text = fh.read()
        self.golden("cfn_template.json", text)
        t = json.loads(text)
        types = sorted(r["Type"] for r in t["Resources"].values())
        self.assertEqual(types, ["AWS::EC2::SecurityGroup"] + ["AWS::EC2::VPCEndpoint"] * 3)
        self.assertEqual(t["Parameters"]["Vpc0a1b2c3d4e5f60718"]["Type"], "AWS::EC2::VPC::Id")
        self.assertEqual([x["action"] for x in t["Metadata"]["vpce"]["not_exported"]],
                         ["modify", "delete"])
        self.assertIn("not expressible in CloudFormation", p.stderr)
        lint = subprocess.run(cfn_lint_cmd() + [f], capture_output=True, text=True, timeout=300)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)

    def test_cloudformation_to_stdout_equals_file(self):
        f = os.path.join(self.tmp, "t.json")
        run("export", os.path.join(DATA, "plan_export.json"), "--cloudformation", f)
        p = run("export", os.path.join(DATA, "plan_export.json"), "--cloudformation", "-")
        with open(f) as fh:
            self.assertEqual(p.stdout, fh.read())

    def test_two_regions_terraform_aliases_cloudformation_refuses(self):
        d = os.path.join(self.tmp, "tf2")
        p = run("export", os.path.join(DATA, "plan_two_regions.json"), "--terraform", d)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(d, "main.tf")) as f:
            main = f.read()
        self.assertIn('alias  = "eu_west_1"', main)
        self.assertIn("provider = aws.eu_west_1", main)
        check_hcl(self, {"main.tf": main, "variables.tf": open(os.path.join(d, "variables.tf")).read()})
        p = run("export", os.path.join(DATA, "plan_two_regions.json"), "--cloudformation", "-")
        self.assertEqual(p.returncode, 2)
        self.assertIn("one region", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_bad_plans_name_file_line_col(self):
        want = {
            "bad_syntax.json": ":3:63: expected ',' or '}'",
            "bad_id.json": ':3:62: "route_tables": not a rtb-',
            "bad_action.json": ":2:14: unknown action 'replace'",
            "bad_modify_no_endpoint.json": ':3:57: modify needs "endpoint"',
            "bad_service.json": ':3:15: "service" must be com.amazonaws.REGION.NAME',
        }
        for name, msg in want.items():
            for cmd in (["export", os.path.join(DATA, name), "--cloudformation", "-"],
                        ["apply", os.path.join(DATA, name), "--dry-run"]):
                p = run(*cmd)
                self.assertEqual(p.returncode, 2, (cmd, p.stderr))
                self.assertIn(name + msg, p.stderr)
                self.assertEqual(p.stdout, "")

    def test_usage(self):
        self.assertEqual(run("export").returncode, 2)
        p = run("export", os.path.join(DATA, "plan_export.json"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("--terraform", p.stderr)
        self.assertEqual(run("help", "export").returncode, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

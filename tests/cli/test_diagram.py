"""Black-box tests of `vpce diagram` (Python standard library only).

Golden DOT files: tests/data/diagram/<name>.dot is the exact output of
`vpce diagram <snapshot>` for the snapshot named in GOLDEN (regenerate with
VPCE_UPDATE_GOLDEN=1 after a deliberate change, and review the diff). SVG is produced and
checked when Graphviz's dot is installed; without dot, svg/png exit 2 with a one-line message.

Environment: VPCE_BIN (the vpce binary; tests are skipped when unset), VPCE_SRC.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SRC = os.environ.get("VPCE_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DATA = os.path.join(SRC, "tests", "data")
GOLDEN = {
    "expect-private-not-met": "scenarios/expect-private-not-met",
    "two-az-single-endpoint": "audit/vpce002/raise",
}


def vpce_bin():
    b = os.environ.get("VPCE_BIN")
    if not b:
        raise unittest.SkipTest("VPCE_BIN not set")
    return b


def run(*args, env=None):
    return subprocess.run([vpce_bin()] + list(args), capture_output=True, timeout=120, env=env)


class DiagramGolden(unittest.TestCase):
    def check(self, name):
        p = run("diagram", os.path.join(DATA, GOLDEN[name]))
        self.assertEqual(p.returncode, 0, p.stderr)
        path = os.path.join(DATA, "diagram", name + ".dot")
        if os.environ.get("VPCE_UPDATE_GOLDEN"):
            with open(path, "wb") as f:
                f.write(p.stdout)
        with open(path, "rb") as f:
            want = f.read()
        self.assertEqual(p.stdout.decode(), want.decode(), "DOT differs from %s" % path)

    def test_golden_expect_private_not_met(self):
        self.check("expect-private-not-met")

    def test_golden_two_az_single_endpoint(self):
        self.check("two-az-single-endpoint")


class DiagramContent(unittest.TestCase):
    def dot(self, snap, *extra):
        p = run("diagram", os.path.join(DATA, snap), *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.decode()

    def test_every_path_edge_has_colour_style_and_words(self):
        out = self.dot("scenarios/expect-private-not-met")
        edges = re.findall(r'-> "svc:[^"]+" \[([^\]]+)\]', out)
        self.assertEqual(len(edges), 6)  # 2 subnets x (s3, dynamodb, sqs)
        for e in edges:
            m = re.search(r'color="(#[0-9a-f]{6})".*style=(\w+).*label="(private|public|blocked): ', e)
            self.assertIsNotNone(m, e)
            want = {"private": ("#1a7f37", "solid"), "public": ("#c25e00", "dashed"),
                    "blocked": ("#c62828", "dotted")}[m.group(3)]
            self.assertEqual((m.group(1), m.group(2)), want, e)

    def test_draws_region_vpc_az_subnets_gateways_endpoints_instances_services(self):
        out = self.dot("scenarios/expect-private-not-met")
        for needle in ("Region us-east-1", "cluster_vpc-", "Availability Zone us-east-1a",
                       "public subnet", "private subnet", "route table", "Internet gateway",
                       "NAT gateway", "gateway endpoint", "interface endpoint", "instance\\n",
                       "cluster_services", "legend"):
            self.assertIn(needle, out)

    def test_blocked_path_is_red_and_names_the_step(self):
        out = self.dot("scenarios/endpoint-policy-deny-only")
        self.assertRegex(out, r'color="#c62828"[^\]]*style=dotted[^\]]*label="blocked: BLOCKED:endpoint-policy')

    def test_max_subnets_caps_and_says_so(self):
        out = self.dot("scenarios/expect-private-not-met", "--max-subnets", "1")
        self.assertIn("1 more subnet not drawn", out)
        self.assertEqual(len(re.findall(r'-> "svc:', out)), 3)

    def test_identical_subnets_collapse_unless_asked_not_to(self):
        with tempfile.TemporaryDirectory() as tmp:
            # Two copies of the private subnet (same AZ, route table, paths): one node.
            import json
            src = os.path.join(DATA, "scenarios", "expect-private-not-met", "us-east-1")
            dst = os.path.join(tmp, "us-east-1")
            shutil.copytree(src, dst)
            with open(os.path.join(dst, "Subnets.json")) as f:
                subnets = json.load(f)
            priv = [s for s in subnets["Subnets"] if s["CidrBlock"] == "10.0.10.0/24"][0]
            twin = dict(priv, SubnetId="subnet-0twin0000000000001", CidrBlock="10.0.12.0/24",
                        Tags=[{"Key": "Name", "Value": "private-a2"}])
            subnets["Subnets"].append(twin)
            with open(os.path.join(dst, "Subnets.json"), "w") as f:
                json.dump(subnets, f)
            with open(os.path.join(dst, "RouteTables.json")) as f:
                rts = json.load(f)
            for rt in rts["RouteTables"]:
                if any(a.get("SubnetId") == priv["SubnetId"] for a in rt["Associations"]):
                    rt["Associations"].append({"Main": False, "SubnetId": twin["SubnetId"],
                                               "RouteTableId": rt["RouteTableId"],
                                               "RouteTableAssociationId": "rtbassoc-0twin"})
            with open(os.path.join(dst, "RouteTables.json"), "w") as f:
                json.dump(rts, f)
            p = run("diagram", tmp)
            self.assertEqual(p.returncode, 0, p.stderr)
            out = p.stdout.decode()
            self.assertIn("2 private subnets\\n(identical paths)", out)
            self.assertEqual(len(re.findall(r'-> "svc:', out)), 6)
            p = run("diagram", tmp, "--no-collapse")
            self.assertEqual(len(re.findall(r'-> "svc:', p.stdout.decode())), 9)

    def test_vpc_filter_draws_one_vpc(self):
        snap = os.path.join(DATA, "audit", "vpce015", "raise")
        out = run("diagram", snap).stdout.decode()
        vpcs = sorted(set(re.findall(r'subgraph "cluster_(vpc-[0-9a-f]+)" ', out)))
        self.assertEqual(len(vpcs), 3)
        one = run("diagram", snap, "--vpc", vpcs[1]).stdout.decode()
        self.assertEqual(re.findall(r'subgraph "cluster_(vpc-[0-9a-f]+)" ', one), [vpcs[1]])

    def test_unknown_vpc_exits_2(self):
        p = run("diagram", os.path.join(DATA, "scenarios", "expect-private-not-met"),
                "--vpc", "vpc-00000000000000000")
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"vpc-00000000000000000", p.stderr)

    def test_bad_format_exits_2(self):
        p = run("diagram", os.path.join(DATA, "scenarios", "expect-private-not-met"),
                "--format", "gif")
        self.assertEqual(p.returncode, 2)


class DiagramGraphviz(unittest.TestCase):
    snap = os.path.join(DATA, "scenarios", "expect-private-not-met")

    def test_svg_when_dot_is_installed(self):
        if not shutil.which("dot"):
            self.skipTest("Graphviz dot not installed (Debian package graphviz)")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "d.svg")
            p = run("diagram", self.snap, "--format", "svg", "-o", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out) as f:
                svg = f.read()
            self.assertIn("<svg", svg)
            self.assertIn("private: INTERFACE", svg)
            self.assertIn("public: NAT", svg)

    def test_png_when_dot_is_installed(self):
        if not shutil.which("dot"):
            self.skipTest("Graphviz dot not installed (Debian package graphviz)")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "d.png")
            p = run("diagram", self.snap, "--format", "png", "-o", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_missing_dot_is_one_line_and_exit_2(self):
        env = dict(os.environ, PATH="/nonexistent")
        p = run("diagram", self.snap, "--format", "svg", env=env)
        self.assertEqual(p.returncode, 2)
        err = p.stderr.decode().strip().splitlines()
        self.assertEqual(len([l for l in err if "dot" in l]), 1, err)
        self.assertIn("graphviz", p.stderr.decode().lower())
        self.assertEqual(p.stdout, b"")


if __name__ == "__main__":
    unittest.main()

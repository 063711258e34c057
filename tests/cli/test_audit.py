"""Black-box tests of `vpce audit` (Python standard library only).

For every case of tests/data/audit/cases.json (one snapshot per rule that raises it and a
near-miss that does not) the audit's JSON must hold exactly the expected findings of that
rule. The SARIF output is checked structurally against the SARIF 2.1.0 specification's
required properties and types (no JSON-schema validator is used: see check_sarif). Exit
codes: 0 without --fail-on, 1 with findings at or above --fail-on, 2 on usage/input errors.

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
DATA = os.path.join(SRC, "tests", "data")
SEVERITIES = ("low", "medium", "high", "critical")
RULE_ID = re.compile(r"^VPCE\d{3}$")


def vpce_bin():
    b = os.environ.get("VPCE_BIN")
    if not b:
        raise unittest.SkipTest("VPCE_BIN not set")
    return b


def run(*args):
    p = subprocess.run([vpce_bin()] + list(args), capture_output=True, text=True, timeout=120)
    return p


def audit_json(snapshot, *extra):
    p = run("audit", snapshot, "--format", "json", *extra)
    if p.returncode not in (0, 1):
        raise AssertionError("vpce audit %s: exit %d\n%s" % (snapshot, p.returncode, p.stderr))
    return p, json.loads(p.stdout)


def load_cases():
    with open(os.path.join(DATA, "audit", "cases.json")) as f:
        return json.load(f)


def check_finding_shape(tc, f):
    for key, typ in (("id", str), ("rule", str), ("severity", str), ("resource", str),
                     ("reason", str), ("fix", str), ("doc", dict)):
        tc.assertIsInstance(f.get(key), typ, "finding lacks %s: %r" % (key, f))
    tc.assertIn("vpc", f)
    tc.assertRegex(f["id"], RULE_ID)
    tc.assertIn(f["severity"], SEVERITIES)
    tc.assertTrue(f["reason"] and "\n" not in f["reason"], f)
    tc.assertTrue(f["doc"].get("url", "").startswith("https://docs.aws.amazon.com/"), f)
    tc.assertTrue(f["doc"].get("title"), f)


def make_case_test(c):
    def test(self):
        snap = os.path.join(DATA, c["snapshot"])
        extra = [a if a.startswith("-") else os.path.join(SRC, a) for a in c.get("args", [])]
        p, out = audit_json(snap, *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        for f in out["findings"]:
            check_finding_shape(self, f)
        got = [f for f in out["findings"] if f["id"] == c["rule"]]
        ctx = "%s/%s (%s): %s\nall findings: %s" % (c["rule"], c["case"], c["snapshot"],
                                                   c["description"],
                                                   json.dumps(out["findings"], indent=1))
        if not c["raises"]:
            self.assertEqual(got, [], "near-miss must not raise the rule\n" + ctx)
            return
        self.assertEqual(len(got), len(c["findings"]), ctx)
        for want, f in zip(c["findings"], got):
            self.assertEqual(f["severity"], want["severity"], ctx)
            if "resource" in want:
                self.assertEqual(f["resource"], want["resource"], ctx)
            if "resource_prefix" in want:
                self.assertTrue(f["resource"].startswith(want["resource_prefix"]), ctx)
    return test


class AuditCases(unittest.TestCase):
    """One test per (rule, case) of cases.json."""


for _c in load_cases():
    setattr(AuditCases, "test_%s_%s" % (_c["rule"].lower(), _c["case"].replace("-", "_")),
            make_case_test(_c))


class AuditCoverage(unittest.TestCase):
    def test_every_rule_has_a_raising_case_and_a_near_miss(self):
        p = run("audit", os.path.join(DATA, "audit", "vpce003", "raise"), "--format", "sarif")
        rules = [r["id"] for r in json.loads(p.stdout)["runs"][0]["tool"]["driver"]["rules"]]
        cases = load_cases()
        for r in rules:
            self.assertTrue(any(c["rule"] == r and c["raises"] for c in cases), r + " raise")
            self.assertTrue(any(c["rule"] == r and not c["raises"] for c in cases),
                            r + " near-miss")

    def test_list_rules_matches_the_sarif_rules(self):
        p = run("audit", "--list-rules", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        listed = json.loads(p.stdout)["rules"]
        s = run("audit", os.path.join(DATA, "audit", "vpce003", "raise"), "--format", "sarif")
        rules = json.loads(s.stdout)["runs"][0]["tool"]["driver"]["rules"]
        self.assertEqual([(r["id"], r["rule"], r["doc"]["url"]) for r in listed],
                         [(r["id"], r["name"], r["helpUri"]) for r in rules])
        t = run("audit", "--list-rules")
        for r in listed:
            self.assertIn(r["id"], t.stdout)

    def test_audit_doc_lists_every_rule(self):
        with open(os.path.join(SRC, "docs", "AUDIT.md")) as f:
            doc = f.read()
        p = run("audit", os.path.join(DATA, "audit", "vpce003", "raise"), "--format", "sarif")
        for r in json.loads(p.stdout)["runs"][0]["tool"]["driver"]["rules"]:
            self.assertIn(r["id"], doc)
            self.assertIn(r["name"], doc)


# Property names each SARIF 2.1.0 object allows ("additionalProperties": false in
# sarif-schema-2.1.0.json), for the objects vpce writes; propertyBag allows anything.
ALLOWED = {
    "sarifLog": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {"tool", "invocations", "conversion", "language", "versionControlProvenance",
            "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
            "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
            "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
            "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
            "translations", "policies", "webRequests", "webResponses", "specialLocations",
            "properties"},
    "tool": {"driver", "extensions", "properties"},
    "toolComponent": {"guid", "name", "organization", "product", "productSuite",
                      "shortDescription", "fullDescription", "fullName", "version",
                      "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
                      "informationUri", "globalMessageStrings", "notifications", "rules", "taxa",
                      "locations", "language", "contents", "isComprehensive",
                      "localizedDataSemanticVersion",
                      "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent",
                      "translationMetadata", "supportedTaxonomies", "properties"},
    "reportingDescriptor": {"id", "deprecatedIds", "guid", "deprecatedGuids", "name",
                            "deprecatedNames", "shortDescription", "fullDescription",
                            "messageStrings", "defaultConfiguration", "helpUri", "help",
                            "relationships", "properties"},
    "reportingConfiguration": {"enabled", "level", "rank", "parameters", "properties"},
    "multiformatMessageString": {"text", "markdown", "properties"},
    "message": {"text", "markdown", "id", "arguments", "properties"},
    "result": {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget",
               "locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints",
               "fingerprints", "stacks", "codeFlows", "graphs", "graphTraversals",
               "relatedLocations", "suppressions", "baselineState", "rank", "attachments",
               "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest",
               "webResponse", "properties"},
    "location": {"id", "physicalLocation", "logicalLocations", "message", "annotations",
                 "relationships", "properties"},
    "physicalLocation": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "logicalLocation": {"name", "index", "fullyQualifiedName", "decoratedName", "parentIndex",
                        "kind", "properties"},
    "artifact": {"description", "location", "parentIndex", "offset", "length", "roles",
                 "mimeType", "contents", "encoding", "sourceLanguage", "hashes",
                 "lastModifiedTimeUtc", "properties"},
}


def only(tc, obj, kind):
    tc.assertIsInstance(obj, dict, kind)
    extra = set(obj) - ALLOWED[kind]
    tc.assertEqual(extra, set(), "%s has properties SARIF 2.1.0 does not allow: %s" % (kind, extra))
    if "properties" in obj:
        tc.assertIsInstance(obj["properties"], dict)
        if "tags" in obj["properties"]:
            tags = obj["properties"]["tags"]
            tc.assertEqual(len(tags), len(set(tags)), "tags must be unique")


def check_sarif(tc, doc):
    """Required properties, allowed properties and types of SARIF 2.1.0 (OASIS standard,
    sarif-schema-2.1.0.json; no validator or schema file is vendored):
    sarifLog {version: "2.1.0", runs: array}; run {tool}; tool {driver}; toolComponent
    {name: string}; reportingDescriptor {id: string}; result {message}; message {text or id};
    result.level in none/note/warning/error; location objects; artifactLocation.uri string;
    ruleIndex an integer >= 0 that points at the rule with ruleId."""
    only(tc, doc, "sarifLog")
    tc.assertEqual(doc.get("version"), "2.1.0")
    tc.assertIsInstance(doc.get("$schema"), str)
    tc.assertTrue(doc["$schema"].startswith("https://"))
    tc.assertIsInstance(doc.get("runs"), list)
    tc.assertGreaterEqual(len(doc["runs"]), 1)
    for run_ in doc["runs"]:
        only(tc, run_, "run")
        only(tc, run_["tool"], "tool")
        driver = run_["tool"]["driver"]
        only(tc, driver, "toolComponent")
        tc.assertIsInstance(driver.get("name"), str)
        tc.assertIsInstance(driver.get("rules"), list)
        ids = []
        for r in driver["rules"]:
            only(tc, r, "reportingDescriptor")
            tc.assertIsInstance(r.get("id"), str)
            ids.append(r["id"])
            for key in ("shortDescription", "fullDescription", "help"):
                if key in r:
                    only(tc, r[key], "multiformatMessageString")
                    tc.assertIsInstance(r[key].get("text"), str)
            if "helpUri" in r:
                tc.assertRegex(r["helpUri"], r"^https?://")
            if "defaultConfiguration" in r:
                only(tc, r["defaultConfiguration"], "reportingConfiguration")
                tc.assertIn(r["defaultConfiguration"]["level"], ("none", "note", "warning", "error"))
        tc.assertEqual(len(ids), len(set(ids)), "rule ids must be unique")
        for a in run_.get("artifacts", []):
            only(tc, a, "artifact")
            only(tc, a["location"], "artifactLocation")
            tc.assertIsInstance(a["location"]["uri"], str)
        tc.assertIsInstance(run_.get("results"), list)
        for res in run_["results"]:
            only(tc, res, "result")
            only(tc, res["message"], "message")
            tc.assertIsInstance(res.get("ruleId"), str)
            tc.assertIn(res.get("level"), ("none", "note", "warning", "error"))
            tc.assertIsInstance(res.get("message"), dict)
            tc.assertIsInstance(res["message"].get("text"), str)
            tc.assertTrue(res["message"]["text"])
            idx = res.get("ruleIndex")
            tc.assertIsInstance(idx, int)
            tc.assertGreaterEqual(idx, 0)
            tc.assertEqual(driver["rules"][idx]["id"], res["ruleId"])
            tc.assertIsInstance(res.get("locations"), list)
            tc.assertGreaterEqual(len(res["locations"]), 1)
            for loc in res["locations"]:
                only(tc, loc, "location")
                pl = loc.get("physicalLocation")
                if pl is not None:
                    only(tc, pl, "physicalLocation")
                    only(tc, pl["artifactLocation"], "artifactLocation")
                    tc.assertIsInstance(pl["artifactLocation"]["uri"], str)
                    idx_a = pl["artifactLocation"].get("index", -1)
                    tc.assertTrue(-1 <= idx_a < len(run_.get("artifacts", [])))
                for ll in loc.get("logicalLocations", []):
                    only(tc, ll, "logicalLocation")
                    tc.assertIsInstance(ll.get("name"), str)
                tc.assertTrue(pl is not None or loc.get("logicalLocations"))
            for k, v in res.get("partialFingerprints", {}).items():
                tc.assertIsInstance(v, str)


class AuditFormats(unittest.TestCase):
    def test_sarif_is_structurally_valid_sarif_2_1_0(self):
        for snap in ("audit/vpce003/raise", "scenarios/endpoint-policy-deny-only",
                     "audit/vpce015/raise", "audit/vpce003/near-miss"):
            p = run("audit", os.path.join(DATA, snap), "--format", "sarif")
            self.assertEqual(p.returncode, 0, p.stderr)
            doc = json.loads(p.stdout)
            check_sarif(self, doc)
            _, js = audit_json(os.path.join(DATA, snap))
            self.assertEqual(len(doc["runs"][0]["results"]), len(js["findings"]), snap)

    def test_structural_check_rejects_what_the_schema_rejects(self):
        p = run("audit", os.path.join(DATA, "audit", "vpce003", "raise"), "--format", "sarif")
        good = json.loads(p.stdout)
        check_sarif(self, good)
        for breakage in (lambda d: d["runs"][0]["results"][0].update(severity="high"),
                         lambda d: d.update(version="2.0.0"),
                         lambda d: d["runs"][0]["results"][0].update(level="critical"),
                         lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
                         lambda d: d["runs"][0]["results"][0]["message"].pop("text")):
            bad = json.loads(p.stdout)
            breakage(bad)
            with self.assertRaises((AssertionError, KeyError)):
                check_sarif(self, bad)

    def test_sarif_levels_follow_severity(self):
        p = run("audit", os.path.join(DATA, "scenarios", "vpc-dns-support-off"), "--format", "sarif")
        doc = json.loads(p.stdout)
        _, js = audit_json(os.path.join(DATA, "scenarios", "vpc-dns-support-off"))
        want = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
        for f, r in zip(js["findings"], doc["runs"][0]["results"]):
            self.assertEqual(r["ruleId"], f["id"])
            self.assertEqual(r["level"], want[f["severity"]])

    def test_summary_counts_match_findings(self):
        _, js = audit_json(os.path.join(DATA, "scenarios", "endpoint-pending"))
        s = js["summary"]
        self.assertEqual(s["total"], len(js["findings"]))
        for sev in SEVERITIES:
            self.assertEqual(s[sev], sum(1 for f in js["findings"] if f["severity"] == sev))

    def test_min_severity_filters(self):
        snap = os.path.join(DATA, "scenarios", "endpoint-policy-deny-only")
        _, all_ = audit_json(snap)
        _, high = audit_json(snap, "--min-severity", "high")
        self.assertTrue(any(f["severity"] == "medium" for f in all_["findings"]))
        self.assertEqual([f for f in all_["findings"] if f["severity"] in ("high", "critical")],
                         high["findings"])

    def test_table_lists_ids_and_summary(self):
        p = run("audit", os.path.join(DATA, "scenarios", "endpoint-policy-deny-only"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("VPCE009", p.stdout)
        self.assertIn("fix: ", p.stdout)
        self.assertRegex(p.stdout, r"\d+ findings?: \d+ critical, \d+ high, \d+ medium, \d+ low")


def run_with_tty_stderr(*args):
    """Run vpce with stderr on a pseudo-terminal; returns (process, stderr bytes)."""
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.run([vpce_bin()] + list(args), stdout=subprocess.PIPE, stderr=slave,
                           timeout=60)
        os.close(slave)
        slave = None
        err = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    return p, err


class Progress(unittest.TestCase):
    """Progress goes to stderr, only on a terminal, and is erased at the end."""
    snap = os.path.join(DATA, "audit", "vpce002", "raise")

    def test_audit_progress_on_a_terminal(self):
        p, err = run_with_tty_stderr("audit", self.snap, "--format", "json")
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"audit: checking subnets", err)
        self.assertIn(b"\r\x1b[K", err)
        json.loads(p.stdout)  # stdout stays clean JSON

    def test_check_diagram_report_progress_on_a_terminal(self):
        for args, label in ((["check", self.snap, "--format", "json"], b"check: sources"),
                            (["diagram", self.snap], b"diagram: checking paths"),
                            (["report", self.snap, "--no-diagram"], b"report: checking paths")):
            p, err = run_with_tty_stderr(*args)
            self.assertEqual(p.returncode, 0, args)
            self.assertIn(label, err, args)
            self.assertIn(b"\r\x1b[K", err, args)
            self.assertNotIn(label, p.stdout, args)

    def test_no_progress_when_stderr_is_not_a_terminal(self):
        for args in (["audit", self.snap], ["check", self.snap], ["diagram", self.snap]):
            p = run(*args)
            self.assertNotIn("checking", p.stderr)
            self.assertNotIn("sources ", p.stderr)


class AuditExit(unittest.TestCase):
    snap = os.path.join(DATA, "scenarios", "endpoint-policy-deny-only")  # high + medium

    def test_fail_on_met_exits_1(self):
        self.assertEqual(run("audit", self.snap, "--fail-on", "high").returncode, 1)

    def test_fail_on_not_met_exits_0(self):
        self.assertEqual(run("audit", self.snap, "--fail-on", "critical").returncode, 0)

    def test_no_fail_on_exits_0(self):
        self.assertEqual(run("audit", self.snap).returncode, 0)

    def test_bad_severity_exits_2(self):
        p = run("audit", self.snap, "--fail-on", "severe")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--fail-on", p.stderr)

    def test_bad_format_exits_2(self):
        self.assertEqual(run("audit", self.snap, "--format", "xml").returncode, 2)

    def test_invalid_json_exits_2_with_position(self):
        p = run("audit", os.path.join(DATA, "scenarios", "invalid-json"), "--format", "json")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, "")
        self.assertRegex(p.stderr, r"\S+:\d+:\d+: \S")

    def test_missing_snapshot_exits_2(self):
        self.assertEqual(run("audit").returncode, 2)


if __name__ == "__main__":
    unittest.main()

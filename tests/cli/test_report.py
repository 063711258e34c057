"""Black-box tests of `vpce report` (Python standard library only).

The report must be one self-contained HTML file (no scripts, no external assets), accessible
(lang, headings, table captions and header scopes, words next to colours, the diagram as an
image with a caption) and printable (print CSS); its key numbers must equal those of
`vpce check --format json` and `vpce audit --format json` for the same snapshot. It is opened in
headless Chromium (Debian package chromium) with console logging on: no console message may
appear, and a screenshot is saved as a test artifact under $VPCE_ARTIFACT_DIR (default:
./test-artifacts). When Chromium is missing or cannot start, that test is skipped with a
visible message.

Environment: VPCE_BIN (the vpce binary; tests are skipped when unset), VPCE_SRC.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SRC = os.environ.get("VPCE_SRC") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DATA = os.path.join(SRC, "tests", "data")
SNAPSHOTS = ["scenarios/expect-private-not-met", "scenarios/endpoint-policy-deny-only",
             "audit/vpce002/raise", "audit/vpce015/raise"]
ARTIFACTS = os.environ.get("VPCE_ARTIFACT_DIR") or os.path.join(os.getcwd(), "test-artifacts")


def vpce_bin():
    b = os.environ.get("VPCE_BIN")
    if not b:
        raise unittest.SkipTest("VPCE_BIN not set")
    return b


def run(*args, env=None):
    return subprocess.run([vpce_bin()] + list(args), capture_output=True, text=True,
                          timeout=180, env=env)


def report(snap, *extra, env=None):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.html")
        p = run("report", os.path.join(DATA, snap), "-o", out, *extra, env=env)
        if p.returncode != 0:
            raise AssertionError("vpce report %s: exit %d\n%s" % (snap, p.returncode, p.stderr))
        with open(out, encoding="utf-8") as f:
            return f.read(), p


def counts(html):
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}


class ReportNumbers(unittest.TestCase):
    def test_numbers_match_check_and_audit_json(self):
        for snap in SNAPSHOTS:
            html, _ = report(snap)
            got = counts(html)
            chk = json.loads(run("check", os.path.join(DATA, snap), "--format", "json").stdout)
            aud = json.loads(run("audit", os.path.join(DATA, snap), "--format", "json").stdout)
            res = chk["results"]
            want = {
                "paths": len(res),
                "private": sum(1 for r in res if r["private"]),
                "blocked": sum(1 for r in res if r["path"] == "blocked"),
                "public": sum(1 for r in res if not r["private"] and r["path"] != "blocked"),
                "findings": aud["summary"]["total"],
            }
            for sev in ("critical", "high", "medium", "low"):
                want[sev] = aud["summary"][sev]
            self.assertEqual(got, want, snap)
            # The matrix has one cell per check result, with the same verdict.
            cells = re.findall(r'data-verdict="(\w+)"', html)
            self.assertEqual(len(cells), len(res), snap)
            self.assertEqual(sorted(cells), sorted(
                "private" if r["private"] else "blocked" if r["path"] == "blocked" else "public"
                for r in res), snap)
            # Every finding of audit is listed, with its id.
            rows = re.findall(r'<tr data-severity="(\w+)"><td>(VPCE\d{3})</td>', html)
            self.assertEqual(rows, [(f["severity"], f["id"]) for f in aud["findings"]], snap)


    def test_caps_keep_the_summary_whole_and_say_so(self):
        snap = "scenarios/endpoint-policy-deny-only"
        full, _ = report(snap)
        capped, _ = report(snap, "--max-rows", "1", "--max-findings", "1")
        self.assertEqual(counts(full), counts(capped))
        self.assertIn('data-truncated="rows"', capped)
        self.assertIn('data-truncated="findings"', capped)
        self.assertNotIn("data-truncated", full)
        self.assertEqual(len(re.findall(r'<tr data-severity=', capped)), 1)
        self.assertEqual(len(re.findall(r'<th scope="row">', capped)), 1)


class ReportDocument(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.html, _ = report("scenarios/expect-private-not-met")

    def test_self_contained_no_scripts_no_external_assets(self):
        h = self.html
        self.assertNotRegex(h, r"(?i)<script")
        self.assertNotRegex(h, r"(?i)<link\b")
        self.assertNotRegex(h, r'(?i)\bsrc\s*=\s*"')
        self.assertNotRegex(h, r"(?i)@import|url\(")
        # Only hyperlinks (to the AWS documentation) and in-page anchors leave the file.
        for href in re.findall(r'href="([^"]+)"', h):
            self.assertTrue(href.startswith("#") or href.startswith("https://docs.aws.amazon.com/"),
                            href)

    def test_accessible_structure(self):
        h = self.html
        self.assertRegex(h, r'<html lang="en">')
        self.assertEqual(len(re.findall(r"<h1\b", h)), 1)
        for sec in ("summary", "matrix", "findings", "diagram", "plan", "notes"):
            self.assertRegex(h, r'<section id="%s" aria-labelledby="h-%s">' % (sec, sec))
            self.assertRegex(h, r'<h2 id="h-%s">' % sec)
        self.assertIn("<caption>", h)
        self.assertIn('<th scope="col">', h)
        self.assertIn('<th scope="row">', h)
        self.assertRegex(h, r'<svg role="img" aria-labelledby="diagram-caption"')
        self.assertIn('<figcaption id="diagram-caption">', h)
        # Colour is never the only cue: each verdict cell carries its word.
        for cls_, word in re.findall(r'<td class="(\w+)" data-verdict="\w+"><span class="tag">(\w+)<', h):
            self.assertEqual(cls_, word)

    def test_printable(self):
        self.assertIn("@media print", self.html)

    def test_plan_section_without_flow_logs_is_a_marked_placeholder_without_numbers(self):
        m = re.search(r"<!-- VPCE-PLAN-SECTION-BEGIN.*?VPCE-PLAN-SECTION-END -->", self.html, re.S)
        self.assertIsNotNone(m)
        self.assertIn('data-placeholder="plan"', m.group(0))
        self.assertNotRegex(m.group(0), r"\$\s*\d|\d+(\.\d+)?\s*(USD|per month)")

    def test_without_dot_the_report_says_so(self):
        env = dict(os.environ, PATH="/nonexistent")
        html, p = report("scenarios/expect-private-not-met", env=env)
        self.assertNotIn("<svg", html)
        self.assertIn("Diagram not included", html)
        self.assertIn("graphviz", p.stderr.lower())

    def test_no_diagram_option(self):
        html, _ = report("scenarios/expect-private-not-met", "--no-diagram")
        self.assertNotIn("<svg", html)
        self.assertIn("--no-diagram", html)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def headless(path, url, *extra):
    with tempfile.TemporaryDirectory() as profile:
        cmd = [path, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
               ] + list(extra) + [url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def console_lines(stderr):
    return [l for l in stderr.splitlines()
            if "CONSOLE" in l or "Uncaught" in l or "Failed to load resource" in l
            or "net::ERR_" in l]


class ReportInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chromium = chromium()
        if not cls.chromium:
            raise unittest.SkipTest("SKIP: chromium not installed (Debian package chromium)")
        with tempfile.TemporaryDirectory() as tmp:
            probe = os.path.join(tmp, "probe.html")
            with open(probe, "w") as f:
                f.write("<!DOCTYPE html><title>probe</title><p>ok</p>")
            try:
                p = headless(cls.chromium, "file://" + probe, "--dump-dom")
            except (OSError, subprocess.TimeoutExpired) as e:
                raise unittest.SkipTest("SKIP: chromium cannot start: %s" % e)
            if p.returncode != 0 or "<p>ok</p>" not in p.stdout:
                raise unittest.SkipTest("SKIP: chromium cannot start (exit %d): %s" % (
                    p.returncode, p.stderr[-500:]))

    def test_console_check_detects_an_error(self):
        # The detector is not vacuous: a page that logs an error is caught.
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.html")
            with open(bad, "w") as f:
                f.write("<!DOCTYPE html><title>x</title><script>console.error('boom')</script>")
            p = headless(self.chromium, "file://" + bad, "--dump-dom")
            self.assertTrue(console_lines(p.stderr), p.stderr[-2000:])

    def test_report_renders_without_console_errors_and_screenshot_is_saved(self):
        os.makedirs(ARTIFACTS, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "report.html")
            p = run("report", os.path.join(DATA, "scenarios", "expect-private-not-met"), "-o", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            shutil.copy(path, os.path.join(ARTIFACTS, "report.html"))
            d = headless(self.chromium, "file://" + path, "--dump-dom")
            self.assertEqual(d.returncode, 0, d.stderr[-2000:])
            self.assertEqual(console_lines(d.stderr), [], d.stderr[-3000:])
            self.assertIn('id="path-matrix"', d.stdout)
            self.assertIn("<svg", d.stdout)
            shot = os.path.join(ARTIFACTS, "report.png")
            if os.path.exists(shot):
                os.remove(shot)
            s = headless(self.chromium, "file://" + path, "--screenshot=" + shot,
                         "--window-size=1280,2400", "--hide-scrollbars")
            self.assertEqual(s.returncode, 0, s.stderr[-2000:])
            self.assertEqual(console_lines(s.stderr), [], s.stderr[-3000:])
            with open(shot, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            self.assertGreater(os.path.getsize(shot), 10000)
            print("\nscreenshot: %s" % shot)


if __name__ == "__main__":
    unittest.main(verbosity=2)

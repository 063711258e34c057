"""vpce ip-ranges show / update against a local HTTPS server (a throw-away CA
made with openssl, trusted through AWS_CA_BUNDLE) and a plain-http loopback
server: newer files replace the copy atomically, the same or an older
syncToken leaves it alone, a broken or refused download writes nothing."""
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unittest

BIN = os.environ.get("VPCE_BIN", "build/vpce")
SRC = os.environ.get("VPCE_SRC", ".")
BUNDLED = os.path.join(SRC, "data/aws-ip-ranges.json")


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("AWS_CA_BUNDLE", None)
    if env:
        e.update(env)
    p = subprocess.run([BIN, "ip-ranges", *args], capture_output=True, text=True, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


class Files(http.server.BaseHTTPRequestHandler):
    """Serves the bodies in `routes` (path -> bytes, status)."""
    routes = {}

    def do_GET(self):
        body, status = self.routes.get(self.path, (b"not found", 404))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(tls_dir=None):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    if tls_dir:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem"))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def variant(token, extra_prefix=None):
    with open(BUNDLED) as f:
        d = json.load(f)
    d["syncToken"] = str(token)
    d["createDate"] = "2026-11-27-10-00-00"
    if extra_prefix:
        d["prefixes"].append({"ip_prefix": extra_prefix, "region": "us-east-1",
                              "service": "S3", "network_border_group": "us-east-1"})
    return json.dumps(d).encode()


class Update(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", os.path.join(cls.tmp, "key.pem"),
                        "-out", os.path.join(cls.tmp, "cert.pem")],
                       check=True, capture_output=True)
        with open(BUNDLED) as f:
            cls.token = int(json.load(f)["syncToken"])
        Files.routes = {
            "/newer.json": (variant(cls.token + 100, "198.51.100.0/24"), 200),
            "/same.json": (variant(cls.token), 200),
            "/older.json": (variant(cls.token - 100), 200),
            "/broken.json": (b'{"syncToken": "1", "prefixes": [ {"ip_prefix": "x"', 200),
            "/gone.json": (b"", 503),
        }
        cls.https = serve(cls.tmp)
        cls.http = serve()
        cls.base = "https://127.0.0.1:%d" % cls.https.server_address[1]
        cls.plain = "http://127.0.0.1:%d" % cls.http.server_address[1]
        cls.ca = {"AWS_CA_BUNDLE": os.path.join(cls.tmp, "cert.pem")}

    @classmethod
    def tearDownClass(cls):
        cls.https.shutdown()
        cls.http.shutdown()
        shutil.rmtree(cls.tmp)

    def copy(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        p = os.path.join(d, "aws-ip-ranges.json")
        shutil.copy(BUNDLED, p)
        return d, p

    def assert_untouched(self, d, p):
        with open(p, "rb") as a, open(BUNDLED, "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(os.listdir(d), ["aws-ip-ranges.json"])  # no temporary left behind

    def test_newer_file_replaces_the_copy_and_is_used(self):
        d, p = self.copy()
        rc, out, err = run("update", self.base + "/newer.json", "--file", p, env=self.ca)
        self.assertEqual(rc, 0, err)
        self.assertIn("updated: syncToken %d" % self.token, out)
        self.assertIn("-> %d" % (self.token + 100), out)
        with open(p, "rb") as f:
            self.assertEqual(f.read(), Files.routes["/newer.json"][0])
        rc, out, err = run("show", "--file", p, "--format", "json")
        self.assertEqual(rc, 0, err)
        shown = json.loads(out)
        self.assertEqual(shown["syncToken"], str(self.token + 100))
        rc, out, _ = run("show", "--file", BUNDLED, "--format", "json")
        self.assertEqual(shown["prefixes"], json.loads(out)["prefixes"] + 1)
        # the bundled copy is what VPCE_DATA_DIR points at
        rc, out, _ = run("show", "--format", "json", env={"VPCE_DATA_DIR": d})
        self.assertEqual(json.loads(out)["file"], p)

    def test_same_token_is_current_and_writes_nothing(self):
        d, p = self.copy()
        before = os.stat(p).st_mtime_ns
        rc, out, err = run("update", self.base + "/same.json", "--file", p, env=self.ca)
        self.assertEqual(rc, 0, err)
        self.assertIn("already current", out)
        self.assertEqual(os.stat(p).st_mtime_ns, before)
        self.assert_untouched(d, p)

    def test_older_download_is_refused_unless_forced(self):
        d, p = self.copy()
        rc, out, err = run("update", self.base + "/older.json", "--file", p, env=self.ca)
        self.assertEqual(rc, 1)
        self.assertIn("older than the file", err)
        self.assert_untouched(d, p)
        rc, out, err = run("update", self.base + "/older.json", "--file", p, "--force", env=self.ca)
        self.assertEqual(rc, 0, err)
        with open(p) as f:
            self.assertEqual(json.load(f)["syncToken"], str(self.token - 100))

    def test_broken_download_writes_nothing_and_says_where(self):
        d, p = self.copy()
        rc, out, err = run("update", self.base + "/broken.json", "--file", p, env=self.ca)
        self.assertEqual(rc, 2)
        self.assertRegex(err, r"broken\.json:1:\d+: ")
        self.assertEqual(err.count("\n"), 1)
        self.assert_untouched(d, p)

    def test_http_error_status_writes_nothing(self):
        d, p = self.copy()
        rc, out, err = run("update", self.base + "/gone.json", "--file", p, env=self.ca)
        self.assertEqual(rc, 2)
        self.assertIn("HTTP status 503", err)
        self.assert_untouched(d, p)

    def test_untrusted_certificate_is_refused(self):
        d, p = self.copy()
        rc, out, err = run("update", self.base + "/newer.json", "--file", p)
        self.assertEqual(rc, 2)
        self.assertIn("vpce:", err)
        self.assert_untouched(d, p)

    def test_plain_http_only_to_loopback(self):
        d, p = self.copy()
        rc, out, err = run("update", self.plain + "/newer.json", "--file", p)
        self.assertEqual(rc, 0, err)
        d2, p2 = self.copy()
        rc, out, err = run("update", "http://example.invalid/ip-ranges.json", "--file", p2)
        self.assertEqual(rc, 2)
        self.assertIn("https is required", err)
        self.assert_untouched(d2, p2)

    def test_usage_errors(self):
        self.assertEqual(run()[0], 2)
        self.assertEqual(run("fetch")[0], 2)
        self.assertEqual(run("show", "--force")[0], 2)
        self.assertEqual(run("show", "--format", "xml")[0], 2)


if __name__ == "__main__":
    unittest.main()

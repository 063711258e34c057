"""Shared helpers for the integration tests: a moto EC2/STS server on a free
loopback port, the aws CLI pointed at it, and a fault-injecting HTTP proxy
that sits between vpce and moto. Standard library only (moto and awscli are
in the image)."""
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

VPCE = os.environ.get("VPCE_BIN", "vpce")
SECRET = "dummy-secret-key-never-printed"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("port %d did not open" % port)


class Moto:
    """moto's server (EC2, STS, ... on one port), started and stopped by pid."""

    def __init__(self):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_port(self.port)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def base_env(home):
    """A clean environment: dummy credentials, no real config, no IMDS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "HOME": home,
        "AWS_ACCESS_KEY_ID": "AKIDVPCETEST",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
        "NO_COLOR": "1",
    })
    return env


def aws(env, url, *args, region=None, text=True):
    cmd = ["aws", "--endpoint-url", url, "--output", "json"]
    if region:
        cmd += ["--region", region]
    p = subprocess.run(cmd + list(args), env=env, capture_output=True, text=text, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("aws %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout


def awsj(env, url, *args, region=None):
    out = aws(env, url, *args, region=region)
    return json.loads(out) if out.strip() else {}


def vpce(env, *args, timeout=300):
    return subprocess.run([VPCE] + list(args), env=env, capture_output=True, text=True,
                          timeout=timeout)


ERROR_XML = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
             '<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>')


class FaultProxy:
    """HTTP proxy on a free loopback port forwarding to moto. `plan(n, req)`
    returns the fault for the n-th request (0-based): None (forward),
    ("error", status, code, message), "drop" (close without answering),
    ("slow", seconds) (wait, then forward). Records every request."""

    def __init__(self, target_port, plan):
        self.target_port = target_port
        self.plan = plan
        self.lock = threading.Lock()
        self.requests = []   # (n, action, region, fault)
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                m = re.search(r"(?:^|&)Action=([A-Za-z]+)", body.decode("latin-1"))
                action = m.group(1) if m else "?"
                m = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/",
                              self.headers.get("Authorization", ""))
                region = m.group(1) if m else "?"
                with proxy.lock:
                    n = len(proxy.requests)
                    fault = proxy.plan(n, action, region)
                    proxy.requests.append((n, action, region, fault))
                if fault == "drop":
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if isinstance(fault, tuple) and fault[0] == "error":
                    data = (ERROR_XML % (fault[2], fault[3], "proxy-req-%d" % n)).encode()
                    self.send_response(fault[1])
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if isinstance(fault, tuple) and fault[0] == "slow":
                    time.sleep(fault[1])
                conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=60)
                hdrs = {k: v for k, v in self.headers.items()
                        if k.lower() not in ("connection", "accept-encoding")}
                conn.request("POST", self.path, body=body, headers=hdrs)
                r = conn.getresponse()
                data = r.read()
                conn.close()
                try:
                    self.send_response(r.status)
                    self.send_header("Content-Type", r.getheader("Content-Type", "text/xml"))
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class TempHome:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="vpce-it-")
        return self.path

    def __exit__(self, *a):
        shutil.rmtree(self.path, ignore_errors=True)
